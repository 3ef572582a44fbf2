"""Numbers with units and the reference ranges reports give for them.

Hand-written rather than a quantity-extraction library: case reports write labs in a few
compact shapes ("5.10 mg/dL", "over 1000 pg/mL", "32322/uL", "normal range: 0.6-1.1 mg/dL",
with an en dash or a hyphen)
and every fact must keep its exact character span and its UCUM code, which general-purpose
extractors (quantulum3 and the like) neither give nor map to UCUM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Comparator = Literal["=", ">", ">=", "<", "<="]
UnitKind = Literal[
    "concentration",
    "count",
    "percent",
    "time",
    "length",
    "volume",
    "pressure",
    "rate",
    "mass",
    "temperature",
]


@dataclass(frozen=True)
class Unit:
    """A unit as the report writes it, with its UCUM case-sensitive code."""

    text: str
    ucum: str
    kind: UnitKind


@dataclass(frozen=True)
class Quantity:
    """A number with a unit in a piece of text; offsets are into that text.

    ``comparator`` is ``">"`` for "over 1000 pg/mL": the number is then a bound, not a value.
    """

    number: Decimal
    comparator: Comparator
    unit: Unit
    start: int
    end: int
    low: Decimal | None = None
    """A value stated as a range ("6-8 ng/mL", "between 25 and 45 cm H2O"): its lower end;
    ``number`` is then the upper end."""
    diastolic: Decimal | None = None
    """A pressure written as systolic over diastolic ("120/70 mmHg"): the diastolic;
    ``number`` is then the systolic."""


@dataclass(frozen=True)
class ReferenceRange:
    """A normal range as the report gives it; either limit may be missing ("normal < 5")."""

    low: Decimal | None
    high: Decimal | None
    unit: Unit | None
    start: int
    end: int


# Normalised spelling (lower case, micro sign as "u", no spaces) -> UCUM code and kind.
_UNITS: dict[str, tuple[str, UnitKind]] = {
    "mg/dl": ("mg/dL", "concentration"),
    "g/dl": ("g/dL", "concentration"),
    "g/l": ("g/L", "concentration"),
    "mg/l": ("mg/L", "concentration"),
    "mg/liter": ("mg/L", "concentration"),
    "mmol/mol": ("mmol/mol", "concentration"),
    "ng/ml/h": ("ng/mL/h", "rate"),
    "ng/ml/hr": ("ng/mL/h", "rate"),
    "/hpf": ("/[HPF]", "count"),
    "ug/l": ("ug/L", "concentration"),
    "mcg/l": ("ug/L", "concentration"),
    "ug/dl": ("ug/dL", "concentration"),
    "ug/ml": ("ug/mL", "concentration"),
    "ng/ml": ("ng/mL", "concentration"),
    "ng/dl": ("ng/dL", "concentration"),
    "ng/l": ("ng/L", "concentration"),
    "pg/ml": ("pg/mL", "concentration"),
    "mol/l": ("mol/L", "concentration"),
    "mmol/l": ("mmol/L", "concentration"),
    "umol/l": ("umol/L", "concentration"),
    "nmol/l": ("nmol/L", "concentration"),
    "pmol/l": ("pmol/L", "concentration"),
    "meq/l": ("meq/L", "concentration"),
    "u/l": ("U/L", "concentration"),
    "iu/l": ("[IU]/L", "concentration"),
    "miu/ml": ("m[IU]/mL", "concentration"),
    "uiu/ml": ("u[IU]/mL", "concentration"),
    "/ul": ("/uL", "count"),
    "cells/ul": ("/uL", "count"),
    "cell/ul": ("/uL", "count"),
    "x10^6/ul": ("10*6/uL", "count"),
    "10^6/ul": ("10*6/uL", "count"),
    "x10^3/mm3": ("10*3/mm3", "count"),
    "10^3/mm3": ("10*3/mm3", "count"),
    "x10^9/ml": ("10*9/mL", "count"),
    "mu/l": ("m[U]/L", "concentration"),
    "u/ml": ("U/mL", "concentration"),
    "kpa": ("kPa", "pressure"),
    "/mm3": ("/mm3", "count"),
    "cells/mm3": ("/mm3", "count"),
    "/l": ("/L", "count"),
    "x10^9/l": ("10*9/L", "count"),
    "10^9/l": ("10*9/L", "count"),
    "x10^3/ul": ("10*3/uL", "count"),
    "10^3/ul": ("10*3/uL", "count"),
    "x10^12/l": ("10*12/L", "count"),
    "10^12/l": ("10*12/L", "count"),
    "%": ("%", "percent"),
    "ms": ("ms", "time"),
    "msec": ("ms", "time"),
    "s": ("s", "time"),
    "sec": ("s", "time"),
    "mm": ("mm", "length"),
    "um": ("um", "length"),
    "cm": ("cm", "length"),
    "ml": ("mL", "volume"),
    "ml/m2": ("mL/m2", "volume"),
    "ml/kg": ("mL/kg", "volume"),
    "ml/m^2": ("mL/m2", "volume"),
    "g/m2": ("g/m2", "mass"),
    "g/m^2": ("g/m2", "mass"),
    "mmhg": ("mm[Hg]", "pressure"),
    "bpm": ("/min", "rate"),
    "/minute": ("/min", "rate"),
    "perminute": ("/min", "rate"),
    "beatsperminute": ("/min", "rate"),
    "breathsperminute": ("/min", "rate"),
    "breaths/minute": ("/min", "rate"),
    "beats/minute": ("/min", "rate"),
    "l/min": ("L/min", "rate"),
    "l/min/m2": ("L/min/m2", "rate"),
    "mm/h": ("mm/h", "rate"),
    "mm/hr": ("mm/h", "rate"),
    "fl": ("fL", "volume"),
    "pg": ("pg", "mass"),
    "seconds": ("s", "time"),
    "cmh2o": ("cm[H2O]", "pressure"),
    "beats/min": ("/min", "rate"),
    "/min": ("/min", "rate"),
    "breaths/min": ("/min", "rate"),
    "ml/min/1.73m2": ("mL/min/{1.73_m2}", "rate"),
    "ml/min/1.73m^2": ("mL/min/{1.73_m2}", "rate"),
    "kg": ("kg", "mass"),
    "g": ("g", "mass"),
    "mg": ("mg", "mass"),
    "°c": ("Cel", "temperature"),
    "℃": ("Cel", "temperature"),
}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

NUMBER = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u2005\u2009\u202f]\d{3})+(?![\d.,])(?:\.\d+)?|"
    r"\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?|\.\d+"
)
"""A number as written: thousands separated by commas ("32,322") or by a thin space
("12\u2005000"; never an ordinary space: "3 100 mg" is two numbers), a decimal point, or a
decimal comma ("2,7 L/min": one or two digits after it)."""
# A unit token: optional power-of-ten factor, then a slash-separated run of unit symbols.
_UNIT_TOKEN = (
    "(?:[x\u00d7]"
    r"\s?10\s?\^?\s?[0-9⁰¹²³⁴⁵⁶⁷⁸⁹]+\s?)?"
    r"(?:%|°C|℃|mm\s?Hg|cm\s?H2O|mL/min/1\.73\s?m\^?2|(?:(?:beats|breaths)\s+)?per\s+minute|"
    r"(?:[A-Za-zµμ]+(?:\^?[0-9²³])?)?(?:/[A-Za-zµμ]+(?:\^?[0-9²³])?)+|[A-Za-zµμ]+)"
)
_COMPARATOR_WORDS: dict[str, Comparator] = {
    "over": ">",
    "above": ">",
    "greater than": ">",
    "more than": ">",
    "higher than": ">",
    "exceeding": ">",
    ">": ">",
    "at least": ">=",
    ">=": ">=",
    "≥": ">=",
    "under": "<",
    "below": "<",
    "less than": "<",
    "lower than": "<",
    "<": "<",
    "up to": "<=",
    "at most": "<=",
    "<=": "<=",
    "≤": "<=",
}
_COMPARATOR = "|".join(
    re.escape(word) + (r"\b" if word[-1].isalpha() else "")
    for word in sorted(_COMPARATOR_WORDS, key=len, reverse=True)
)
_QUANTITY_RE = re.compile(
    rf"(?:(?P<comparator>{_COMPARATOR})\s*)?(?:(?<=[\s(:=])(?P<minus>\u2212|-(?=\d)))?"
    rf"(?<![\d./^])(?P<number>{NUMBER})\s?"
    rf"(?P<unit>{_UNIT_TOKEN})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_RANGE_CUE = (
    r"(?:(?:normal|reference)\s+(?:ranges?|intervals?|values?|limits?)|reference|normal|"
    r"ref\.?|RR|NR)"
)
_DASH = "(?:\u2013|\u2014|-|to|~)"
_RANGE_RE = re.compile(
    rf"\b{_RANGE_CUE}\s*[:=,]?\s*"
    rf"(?:(?P<low>{NUMBER})\s*{_DASH}\s*(?P<high>{NUMBER})"
    rf"|(?P<limit_comparator>{_COMPARATOR})\s*(?P<limit>{NUMBER}))"
    rf"(?:\s?(?P<unit>{_UNIT_TOKEN})(?![A-Za-z0-9]))?",
    re.IGNORECASE,
)
# A bare range in parentheses right after a value: "128 mmol/L (135-145)".
_BARE_RANGE_RE = re.compile(
    rf"\(\s*(?P<low>{NUMBER})\s*{_DASH}\s*(?P<high>{NUMBER})"
    rf"(?:\s?(?P<unit>{_UNIT_TOKEN})(?![A-Za-z0-9]))?\s*\)",
    re.IGNORECASE,
)

# A table row as a PDF copy gives it: "Hemoglobin (g/dL) 15.2 13.5-17.5", "(mg/dL) 3,450 <150":
# the unit in parentheses after the name, then the value, then a bare range or bound.
_ROW_VALUE_RE = re.compile(
    rf"\(\s*(?P<unit>{_UNIT_TOKEN})\s*\)\s+(?:(?P<comparator>{_COMPARATOR})\s*)?"
    rf"(?P<number>{NUMBER})(?=\s|$)",
    re.IGNORECASE,
)
_ROW_RANGE_RE = re.compile(
    rf"\s+(?:(?P<low>{NUMBER})\s*{_DASH}\s*(?P<high>{NUMBER})"
    rf"|(?P<limit_comparator>{_COMPARATOR})\s*(?P<limit>{NUMBER}))\s*$",
    re.IGNORECASE,
)

_RANGE_BEFORE = re.compile(
    rf"(?:\bbetween\s+(?P<between>{NUMBER})\s+and|(?<![\d.,/^])(?P<low>{NUMBER})\s*(?:\u2013|\u2014|-))"
    r"\s*$",
    re.IGNORECASE,
)
"""The lower end of a range before a number with a unit ("6-8", "between 25 and")."""
_PRESSURE_PAIR_RE = re.compile(
    rf"(?<![\d./^])(?P<number>{NUMBER})\s?/\s?(?P<diastolic>{NUMBER})\s?(?P<unit>mm\s?Hg)"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
"""Two pressures over one unit, systolic over diastolic ("120/70 mmHg", "45/20 mm Hg")."""
_VALUE_BEFORE_RE = re.compile(rf"(?:{NUMBER})\s?{_UNIT_TOKEN}\s*$", re.IGNORECASE)


def parse_unit(text: str) -> Unit | None:
    """The unit a token denotes, or None when it is not a unit we know (e.g. "days")."""
    key = re.sub(r"\s+", "", text.translate(_SUPERSCRIPTS)).lower()
    key = key.replace("µ", "u").replace("μ", "u").replace("\u00d7", "x").replace("²", "2")
    key = re.sub(r"^(x?)10(\d)", r"\g<1>10^\2", key)
    found = _MOLAR.get(text.replace("μ", "µ")) or _UNITS.get(key)
    return Unit(text=text, ucum=found[0], kind=found[1]) if found else None


_MOLAR: dict[str, tuple[str, UnitKind]] = {
    "nM": ("nmol/L", "concentration"),
    "µM": ("umol/L", "concentration"),
    "uM": ("umol/L", "concentration"),
    "mM": ("mmol/L", "concentration"),
}
"""Molar concentrations, by their letter case: "nM" is nanomolar, "nm" a nanometre."""


def parse_number(text: str) -> Decimal:
    """A number as written, thousands separators dropped ("32,322" -> 32322), a decimal
    comma read as a point ("2,7" -> 2.7)."""
    if re.fullmatch(r"\d+,\d{1,2}", text):
        return Decimal(text.replace(",", "."))
    return Decimal(re.sub("[,\u2005\u2009\u202f]", "", text))


def find_ranges(text: str) -> list[ReferenceRange]:
    """Reference ranges: "normal range: 0.6-1.1 mg/dL", "normal 8.7-10.6", "(135-145)"."""
    ranges: list[ReferenceRange] = []
    for match in _RANGE_RE.finditer(text):
        unit = parse_unit(match["unit"]) if match["unit"] else None
        end = match.end() if unit else match.end("high") if match["high"] else match.end("limit")
        ranges.append(_range(match, unit, match.start(), end))
    for match in _BARE_RANGE_RE.finditer(text):
        if any(r.start <= match.start() < r.end for r in ranges):
            continue
        if not _VALUE_BEFORE_RE.search(text, 0, match.start()):
            continue
        unit = parse_unit(match["unit"]) if match["unit"] else None
        if match["unit"] and unit is None:
            continue
        ranges.append(_range(match, unit, match.start(), match.end()))
    for row in _ROW_VALUE_RE.finditer(text):
        bare = _ROW_RANGE_RE.match(text, row.end())
        unit = parse_unit(row["unit"])
        if bare is None or unit is None:
            continue
        ranges.append(_range(bare, unit, bare.start() + 1, bare.end()))
    return sorted(ranges, key=lambda r: r.start)


def _range(match: re.Match[str], unit: Unit | None, start: int, end: int) -> ReferenceRange:
    """A range from its limits (``low``, ``high``) or its one bound (``limit``)."""
    if match["low"] is not None:
        return ReferenceRange(
            parse_number(match["low"]), parse_number(match["high"]), unit, start, end
        )
    bound = parse_number(match["limit"])
    upper = _COMPARATOR_WORDS[match["limit_comparator"].lower()].startswith("<")
    return (
        ReferenceRange(None, bound, unit, start, end)
        if upper
        else ReferenceRange(bound, None, unit, start, end)
    )


_DECADE = re.compile(r"\bin\s+(?:his|her|their|the)\s+(?:(?:early|mid|late)[- ]?)?$", re.IGNORECASE)
_DECADE_END = re.compile(r"(?<=\d0s)(?![\w/])")
"""An age's decade ("in her 50s", "in his late 60s"): a number of tens and a plural "s"."""


def find_quantities(text: str, ranges: list[ReferenceRange] | None = None) -> list[Quantity]:
    """Numbers with a known unit, outside the given reference ranges."""
    ranges = find_ranges(text) if ranges is None else ranges
    quantities: list[Quantity] = []
    for match in _QUANTITY_RE.finditer(text):
        unit = parse_unit(match["unit"])
        if unit is None or any(r.start <= match.start("number") < r.end for r in ranges):
            continue
        if _DECADE.search(text, 0, match.start("number")) and _DECADE_END.match(text, match.end()):
            continue  # "a woman in her 50s": a decade of life, no 50 seconds
        comparator: Comparator = "="
        start = match.start("minus") if match["minus"] else match.start("number")
        number = parse_number(match["number"])
        if match["minus"]:  # "BE of -5.1 mmol/L": a minus after a space, never a range dash
            number = -number
        low: Decimal | None = None
        if match["comparator"]:
            comparator = _COMPARATOR_WORDS[match["comparator"].lower()]
            start = match.start("comparator")
        elif not match["minus"] and (lower := _RANGE_BEFORE.search(text, 0, start)) is not None:
            low = parse_number(lower["low"] or lower["between"])  # "6-8 ng/mL": never 8 alone
            start = lower.start()
        quantities.append(Quantity(number, comparator, unit, start, match.end("unit"), low))
    for pair in _PRESSURE_PAIR_RE.finditer(text):
        unit = parse_unit(pair["unit"])
        if unit is not None and not any(r.start <= pair.start() < r.end for r in ranges):
            systolic, diastolic = parse_number(pair["number"]), parse_number(pair["diastolic"])
            quantities.append(
                Quantity(systolic, "=", unit, pair.start(), pair.end(), diastolic=diastolic)
            )
    for row in _ROW_VALUE_RE.finditer(text):
        unit = parse_unit(row["unit"])
        if unit is None or any(q.start <= row.start("number") < q.end for q in quantities):
            continue
        comparator = _COMPARATOR_WORDS[row["comparator"].lower()] if row["comparator"] else "="
        start = row.start("comparator") if row["comparator"] else row.start("number")
        quantities.append(
            Quantity(parse_number(row["number"]), comparator, unit, start, row.end("number"))
        )
    return sorted(quantities, key=lambda q: q.start)
