"""A JATS table's rows as lines of text the fact rules read like the report's own sentences.

Case reports often give their laboratory results as a table (test, result, unit, reference
range) rather than in the text. Each body row becomes one line, every word taken from the
table's cells and headers:

    Parameter          | Patient | Reference range        "Haemoglobin: 9.8 g/dL
    Haemoglobin (g/dL) | 9.8     | 12.0-16.0          ->    (Reference range: 12.0-16.0 g/dL)."

- The last column of words before the first column of numbers names the row (a group label
  such as "Liver" may stand before it; a cell spanning rows or columns stands in each place
  it covers). A unit in parentheses at the end of the name ("(g/dL)"), or a column headed
  "Unit(s)", is written after each number that has none.
- A column headed as a reference or normal range ("Reference range", "Normal values",
  "Range"; never a confidence interval) gives the range, in parentheses after the value
  with its header, as case reports write it in the text.
- Every other column holds a value. With several value columns ("On admission", "Day 3")
  each value is its own line, the column's header beside the name.
- A row with no value (a group heading such as "Complete blood count") gives no line.

Only results tables are read: one with a reference-range column, or whose caption or
headers call it laboratory, blood, biochemical or haematological findings. Any other table
(a review of published cases, a study's statistics) speaks of other patients or of no
patient, and its rows would read as this patient's facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from kg.ingest.xmltext import local_name, text_of
from kg.quantities import parse_unit

_RANGE_HEADER = re.compile(r"\b(?:reference|normal)\b|^\s*(?:range|ref\.?)\s*$", re.IGNORECASE)
"""A reference range's header ("Reference range", "Normal values", "Range"); never a
confidence interval."""
_UNIT_HEADER = re.compile(r"^\s*units?\s*$", re.IGNORECASE)
_TRAILING_UNIT = re.compile(r"\s*\(\s*(?P<unit>[^()]+?)\s*\)\s*$")
_ENDS_IN_NUMBER = re.compile(r"\d\s*$")
_RESULTS_TABLE = re.compile(
    r"\b(?:laborator\w*|lab|blood\s+tests?|biochemi\w*|ha?ematolog\w*|serum|"
    r"(?:blood|urine|csf|cerebrospinal\s+fluid)\s+(?:analysis|results?|findings|values))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Columns:
    name: int
    values: tuple[int, ...]
    unit: int | None
    range: int | None


def _rows(table: Element, part: str) -> list[list[str]]:
    rows: list[Element] = []
    for group in table.iter():
        if local_name(group.tag) == part:
            rows += [row for row in group if local_name(row.tag) == "tr"]
    return _grid(rows)


def _span(cell: Element, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute) or 1), 50))
    except ValueError:
        return 1


def _grid(rows: list[Element]) -> list[list[str]]:
    """The rows as a grid: a cell spanning rows or columns stands in each place it covers
    (a group label with ``rowspan`` would otherwise shift the next rows' values into the
    wrong columns)."""
    grid: list[list[str]] = []
    carried: dict[int, tuple[str, int]] = {}
    """Column -> the text of a cell from a row above that covers it, and rows left."""
    for row in rows:
        cells = iter(c for c in row if local_name(c.tag) in ("td", "th"))
        line: list[str] = []
        while True:
            above = carried.pop(len(line), None)
            if above is not None:
                if above[1] > 1:
                    carried[len(line)] = (above[0], above[1] - 1)
                line.append(above[0])
                continue
            cell = next(cells, None)
            if cell is None:
                break
            text, down = text_of(cell), _span(cell, "rowspan")
            for _ in range(_span(cell, "colspan")):
                if down > 1:
                    carried[len(line)] = (text, down - 1)
                line.append(text)
        for column in sorted(c for c in carried if c > len(line)):
            text, left = carried.pop(column)
            line += [""] * (column - len(line)) + [text]
            if left > 1:
                carried[column] = (text, left - 1)
        grid.append(line)
    return grid


_NUMERIC = re.compile(r"^[<>\u2264\u2265]?\s*[\d.,]")


def _columns(header: list[str], body: list[list[str]], width: int) -> _Columns:
    """Which column names the row (the last column of words before the first of numbers; a
    group label such as "Liver" may stand before it), which hold values, the unit, the range."""
    unit = next((i for i, h in enumerate(header) if i and _UNIT_HEADER.match(h)), None)
    ranged = next((i for i, h in enumerate(header) if i and _RANGE_HEADER.search(h)), None)

    def numeric(column: int) -> bool:
        cells = [row[column] for row in body if column < len(row) and row[column]]
        return bool(cells) and sum(bool(_NUMERIC.match(c)) for c in cells) * 2 >= len(cells)

    data = [i for i in range(width) if i not in (unit, ranged)]
    first = next((i for i in data if i and numeric(i)), None)
    name = max((i for i in data if first is not None and i < first), default=0)
    values = tuple(i for i in data if i > name)
    return _Columns(name, values, unit, ranged)


def _name_and_unit(cell: str) -> tuple[str, str | None]:
    """ "Haemoglobin (g/dL)" -> ("Haemoglobin", "g/dL"); "AST (GOT)" stays whole."""
    match = _TRAILING_UNIT.search(cell)
    if match and parse_unit(match["unit"]) is not None:
        return cell[: match.start()], match["unit"]
    return cell, None


def _with_unit(text: str, unit: str | None) -> str:
    """A number given without its unit gets the row's ("9.8" -> "9.8 g/dL")."""
    return f"{text} {unit}" if unit and _ENDS_IN_NUMBER.search(text) else text


def row_lines(table_wrap: Element) -> list[str]:
    """The lines of a ``<table-wrap>``'s body rows (none for a table without rows)."""
    table = next((t for t in table_wrap.iter() if local_name(t.tag) == "table"), None)
    if table is None:
        return []
    head = _rows(table, "thead")
    body = _rows(table, "tbody") or _rows(table, "table")[len(head) :]
    if not head and body and all(not c or not c[0].isdigit() for c in body[0][1:]):
        head, body = body[:1], body[1:]
    header = head[-1] if head else []
    width = max((len(row) for row in body), default=0)
    header = header + [""] * (width - len(header))
    columns = _columns(header, body, width)
    caption = next((c for c in table_wrap if local_name(c.tag) == "caption"), None)
    words = " ".join([text_of(caption) if caption is not None else "", *header])
    named = _RESULTS_TABLE.search(words)
    if columns.range is None and not named:
        return []
    lines: list[str] = []
    for row in body:
        cells = row + [""] * (width - len(row))
        name, unit = _name_and_unit(cells[columns.name])
        if columns.unit is not None and cells[columns.unit]:
            unit = cells[columns.unit]
        values = [i for i in columns.values if cells[i]]
        if not name or not values:
            continue
        reference = ""
        if columns.range is not None and cells[columns.range]:
            bounds = _with_unit(cells[columns.range], unit)
            reference = f" ({header[columns.range]}: {bounds})"
        for i in values:
            label = f"{name} ({header[i]})" if len(columns.values) > 1 and header[i] else name
            lines.append(f"{label}: {_with_unit(cells[i], unit)}{reference}.")
    return lines
