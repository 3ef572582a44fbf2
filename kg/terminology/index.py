"""The compiled terminology matcher: built once, kept in the user's cache folder.

Compiling reads every source (kg.terminology.sources, about 10 s); the result is a
dictionary of the folded surface forms (kg.vocabulary's folding and variants) and a table
of terms, marshalled into ``<cache>/terminology-<key>.marshal``, written
to a temporary file and renamed, so a concurrent reader never sees half a file. The key
changes with the installed data files, so an upgrade recompiles.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path

from kg.quantities import find_quantities
from kg.terminology.sources import (
    Source,
    Term,
    cellxgene_source,
    data_files,
    dicom_finding_terms,
    dicom_procedure_terms,
    dicom_source,
    efo_lab_terms,
    efo_procedure_terms,
    finding_head_term,
    hpo_source,
    hpo_terms,
    mondo_terms,
)
from kg.vocabulary import fold, fold_dashes, is_abbreviation, surface_forms

FORMAT = 19
"""Bumped when the compiled layout or the rules that make it change."""

IRI_BASES = {
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "SCT": "http://snomed.info/id/",
    "LOINC": "https://loinc.org/",
    "DCM": "http://dicom.nema.org/resources/ontology/DCM/",
}
"""IRI forms of the identifiers (HP, MONDO and EFO as their OBO PURLs; SNOMED CT as
Biolink's prefix map gives it, shared/reference/vocabularies.md 2.3)."""

_STOP_FORMS = frozenset(
    re.findall(
        r"\w+",
        """
    disease syndrome disorder abnormality symptom sign finding status history normal positive
    negative level levels count rest left right acute chronic severe mild time age
    sex male female death pregnancy response measurement protein test other type
    change increase decrease volume size area cell blood urine total free bone bones muscle
    aortic birth trauma vitamin insulin diameter findings complications complication
    procedure procedures result results dose estimated request entire summary infectious
""",
    )
)
"""Forms too general to name one term in running text (MONDO and EFO synonyms)."""
_STOP_PHRASES = frozenset({"follow up"})


@dataclass(frozen=True)
class TermMatch:
    """A terminology term found in a text: ``text[start:end]`` names ``term``."""

    term: Term
    form: str
    start: int
    end: int

    @property
    def iri(self) -> str:
        prefix, _, local = self.term.curie.partition(":")
        return IRI_BASES[prefix] + local


@dataclass
class Terminology:
    """The compiled matcher and what it was compiled from.

    ``forms`` maps each folded surface form to its term's number; ``sensitive`` holds the
    abbreviations, matched only in their own letter case ("CT", not "ct").
    """

    sources: tuple[Source, ...]
    terms: list[tuple[str, str, tuple[str, ...], str, str]]
    """Each term as the fields of a ``Term``: made into one only when it is found."""
    forms: dict[str, int]
    sensitive: dict[str, str]
    reach: dict[str, int]
    """Each first word of a form -> the most words of a form beginning with it: the runs
    looked up from a word of the text (none for most words; 27 for all made a 1 MB text's
    look-ups 1 s slower)."""
    tests: dict[str, tuple[int, str]]
    """Abbreviations of tests that a phenotype's own names give ("Prolonged PT" beside
    "Prolonged prothrombin time"): folded form -> (the test's number, the form as written).
    They name the test only where a value follows ("PT of 24 sec")."""

    def named(self, label: str) -> Term | None:
        """The term ``label`` names as a whole, wherever it stands (no value needed)."""
        key = fold(label)
        number = self.forms.get(key)
        sensitive = self.sensitive.get(key)
        if number is None or (sensitive is not None and fold_dashes(label) != sensitive):
            return None
        return Term(*self.terms[number])

    def find(self, text: str) -> list[TermMatch]:
        """Every term named in ``text``, word-bounded, overlaps resolved longest-first.

        A dictionary of folded forms looked up for every run of words a form could begin
        (``reach``): loading it is a fraction of a second, where an automaton of the same
        forms took seconds to unpickle.
        """
        folded = fold(text)
        words = [(w.start(), w.end()) for w in _WORD.finditer(folded)]
        candidates: list[TermMatch] = []
        for first, (start, first_end) in enumerate(words):
            reach = self.reach.get(folded[start:first_end], 0)
            for last in range(first, min(first + reach, len(words))):
                end = words[last][1]
                key = folded[start:end]
                number = self.forms.get(key)
                if number is None:
                    continue
                sensitive = self.sensitive.get(key)
                if sensitive is not None and fold_dashes(text[start:end]) != sensitive:
                    continue
                term = Term(*self.terms[number])
                if _needs_a_result(term, key) and not _is_tested(text, start, end):
                    continue  # an analyte's name is a test only where it is tested
                if term.category in _PATIENT_STATES and _begins_a_molecule(text, end):
                    continue  # "tumor necrosis factor" names neither a tumor nor necrosis
                if term.category == "lab-test" and _NAME_GOES_ON.match(folded, end):
                    continue  # "lactate dehydrogenase" is no lactate, "sodium chloride" no sodium
                if term.source == "DCM" and _has_a_value(text, end):
                    continue  # "PT of 24 sec": a lab's abbreviation, not a modality's
                candidates.append(TermMatch(term, text[start:end], start, end))
        for start, end in words:
            test = self.tests.get(folded[start:end])
            if test is not None and text[start:end] == test[1] and _has_a_value(text, end):
                candidates.append(TermMatch(Term(*self.terms[test[0]]), test[1], start, end))
        # the longest words win, a term before a procedure's head word of the same length
        candidates += procedure_heads(text)
        candidates.sort(key=lambda m: (m.start - m.end, m.start))
        taken: list[TermMatch] = []
        for match in candidates:
            if all(match.end <= t.start or match.start >= t.end for t in taken):
                taken.append(match)
        return sorted(taken, key=lambda m: m.start)


IMAGING_PROCEDURE = Term("SCT:363679005", "Imaging procedure", (), "procedure", "SCT")
DIAGNOSTIC_PROCEDURE = Term("SCT:103693007", "Diagnostic procedure", (), "procedure", "SCT")
"""DICOM's SNOMED CT codes for the two kinds of procedure a procedure's head word names,
when the terminologies do not name the procedure itself ("gastroscopy", "renal function")."""

_IMAGING_HEAD = re.compile(
    r"\b(?:(?=[a-z]+gra(?:phy|phies|ms?)\b)(?!(?:kilo|milli|micro|nano|pico|pro|dia|histo|tele)"
    r"gram)[a-z]+(?:graphy|graphies|gram|grams)|imaging|x-rays?|radiographs?|ultrasounds?|"
    r"sonography)\b",
    re.IGNORECASE,
)
_DIAGNOSTIC_HEAD = re.compile(
    r"\b(?:(?=[a-z]+scop(?:y|ies)\b)[a-z]+scop(?:y|ies)|(?=[a-z]+metry\b)(?!(?:a?sym|geo)metry)"
    r"[a-z]+metry|examinations?|exams?|auscultation|autopsy|necropsy|pathology|"
    r"histology|histopathology|cytology|biopsies|sequencing|karyotyp\w*|"
    r"immunostaining|workup|work-up|vital\s+signs|laboratory\s+(?:tests?|studies|"
    r"investigations?|findings|data|results|values|workup|work-up|evaluation|examinations?|"
    r"parameters|analys[ie]s|exams?|profile|variables|features|work)|cultures?|"
    r"polymerase\s+chain\s+reaction)\b|\b(?:RT-)?PCR\b",
    re.IGNORECASE,
)
_COMPOUND_HEAD = re.compile(
    r"\b(?P<modifier>(?:(?P<dye>[A-Za-z][\w-]*)\s+(?=(?:red|blue|green|violet|black|orange|"
    r"yellow)\s))?[A-Za-z](?:[\w-]|&(?=\w))*)\s+(?P<head>functions?|counts?|tests?|assays?|"
    r"cultures?|staining|stains?|studies|study|analysis|evaluation|screening|monitoring|"
    r"profile|scans?|index|rate|pressure|saturation|temperature|markers|enzymes|levels?|"
    r"ratio|interval|gas|diameter|status)"
    r"(?:\s+(?:tests?|levels?|studies))?\b"
)
_ENZYME = (
    r"[a-z]*(?:kinase|transferase|genase|phatase|aminase|esterase|lipase|amylase|oxidase|"
    r"ductase|synthase|merase|peptidase|protease|nuclease|ligase|lyase|hydrolase|xylase|"
    r"elastase|tryptase|catalase|aldolase)s?"
)
"""An enzyme's name by its ending ("aminotransferase", "dehydrogenase", "lipase")."""
_ENZYME_TEST = re.compile(
    rf"\b(?:(?P<substrate>[a-z]\w*)[\s-]+)?(?=[a-z]*ases?\b)(?P<enzyme>{_ENZYME})\b",
    re.IGNORECASE,
)
_VITAL_SIGN = re.compile(r"\b(?:temperature|pulse|weight|height)\b", re.IGNORECASE)
"""A vital sign or body measure named by one word: a procedure where a value follows."""
_NOT_MODIFIER = frozenset(
    re.findall(
        r"\w+",
        """a an the this that these those his her their its our your my no any all some other
    of and or to in on at by for with from as was were is are be been being which who whose
    further further repeat repeated several multiple first second third initial follow
    normal abnormal positive negative high low elevated same each right left upper lower
    during concurrent routine real time demographic revealed showed demonstrated confirmed
    identified disclosed noted found such marked week weeks day days month months year years
    hour hours mm cm local""",
    )
) | {"real-time"}
"""Words that say what no test tests: determiners, evaluations, the verbs reporting a
result ("revealed interval worsening"), times and sizes ("a marked interval improvement",
"a 2-week interval", "5 mm diameter"), a place alone ("local pressure")."""
_SCALE_BEFORE = re.compile(
    r"(?:\b(?!(?:The|A|An|His|Her|Their|Its|This|In|On|At|After|During)\s)"
    r"(?:[A-Z][\w'-]*\s+(?:(?:for|of|and)\s+)?){1,5}\([A-Z][\w-]{1,11}\)|\b[A-Z][A-Z0-9-]{1,9})\s+$"
)


def _graded_by(text: str, start: int) -> int:
    """Where a status's name starts: at the scale it is graded on, named before it by its
    abbreviation or with the one it defines ("ECOG performance status", "Eastern
    Cooperative Oncology Group (ECOG) performance status"); "In March mental status" no."""
    scale = _SCALE_BEFORE.search(text, max(0, start - 80), start)
    return start if scale is None else scale.start()


_NO_ASSESSMENT = frozenset({"clinical", "general", "overall", "code", "remission"})
"""Statuses that are the patient's state or orders ("clinical status", "code status"), not
the assessment of a function ("mental status", "functional status")."""
_NOT_MEASURED_AFTER = re.compile(
    r"[\s-]+(?:inhibitors?|inhibition|antagonists?|agonists?|activators?|blockers?|"
    r"domains?|genes?|receptors?|mutations?)\b",
    re.IGNORECASE,
)


def _names_no_assay(text: str, end: int) -> bool:
    """Whether an enzyme's name goes on as a drug's class or a part of a molecule, which
    measure nothing ("tyrosine kinase inhibitors", "the kinase domain of EGFR")."""
    return _NOT_MEASURED_AFTER.match(text, end) is not None


_SEGMENT = re.compile(r"[A-Z]\d{1,2}")
"""A spinal or anatomical segment ("L5", "T12"): "L5 level" is a place, not a test's level."""


def procedure_heads(text: str) -> Iterator[TermMatch]:
    """Procedures named by their head word: an imaging word ("...graphy", "scan", "x-ray")
    or a diagnostic one ("...scopy", "examination", "histology"), and a test's head after
    the word that says what it tests ("renal function", "platelet count", "blood
    culture"), and an enzyme's assay by the enzyme's name ("alanine aminotransferase").
    Each is the general SNOMED CT procedure its head names."""
    for match in _IMAGING_HEAD.finditer(text):
        yield TermMatch(IMAGING_PROCEDURE, match.group(), match.start(), match.end())
    for match in _DIAGNOSTIC_HEAD.finditer(text):
        yield TermMatch(DIAGNOSTIC_PROCEDURE, match.group(), match.start(), match.end())
    for match in _COMPOUND_HEAD.finditer(text):
        start = match.start()
        if match.group("dye") and match.group("dye").lower() in _NOT_MODIFIER:
            start = match.end("dye") + 1  # "the red staining": the stain is "red staining"
        modifier = text[start : match.end("modifier")]
        if match.group("head") == "status" and modifier.lower() in _NO_ASSESSMENT:
            continue
        if modifier.lower() not in _NOT_MODIFIER and not _SEGMENT.fullmatch(modifier):
            if match.group("head") == "status":
                start = _graded_by(text, start)
            yield TermMatch(DIAGNOSTIC_PROCEDURE, text[start : match.end()], start, match.end())
    for match in _ENZYME_TEST.finditer(text):
        # an enzyme is measured ("lactate dehydrogenase", "lipase"): the substrate before it
        # is part of its name unless it is a word that names no test ("elevated lipase")
        if _names_no_assay(text, match.end()):
            continue  # "tyrosine kinase inhibitor", "kinase domain": no enzyme measured
        substrate = match.group("substrate")
        start = (
            match.start("enzyme")
            if not substrate or substrate.lower() in _NOT_MODIFIER
            else match.start()
        )
        yield TermMatch(DIAGNOSTIC_PROCEDURE, text[start : match.end()], start, match.end())
    for match in _VITAL_SIGN.finditer(text):
        if _VALUE_NEAR.match(text, match.end()):
            yield TermMatch(DIAGNOSTIC_PROCEDURE, match.group(), match.start(), match.end())


_WORD = re.compile(r"\w+")
_NAME_GOES_ON = re.compile(
    rf"[\s-]+(?:{_ENZYME}|(?:chloride|sulfate|sulphate|bicarbonate|carbonate|citrate|"
    r"gluconate|hydroxide|oxide)s?)\b"
)
"""The word after an analyte's name that makes it another's: an enzyme acting on it
("alanine aminotransferase", "lactate dehydrogenase") or a salt of it ("potassium
chloride", a drug)."""
_VALUE_NEAR = re.compile(
    r"[^.;\d]{0,40}?(?:\d(?![\d,\s\u2013\u2014-]*[\])])|"
    r"\b(?:levels?|test|assay|counts?|concentrations?|titers?|"
    r"(?:was|were)\s+(?:normal|elevated|high|low|raised|decreased|negative|positive))\b)",
    re.IGNORECASE,
)
"""A result near a name: a number (not a citation's, "(2, 3)" or "[4]"), or a word of one."""
_TESTED_BEFORE = re.compile(
    r"\b(?:serum|plasma|blood|urine|urinary|elevated|increased|decreased|low|high|raised|"
    r"normal|abnormal|positive\s+(?:for|to)|negative\s+(?:for|to))\s+$",
    re.IGNORECASE,
)


_MOLECULE = re.compile(
    r"(?:factors?|receptors?|inhibitors?|antagonists?|agonists?|genes?|proteins?|ligands?|"
    r"antigens?|antibody|antibodies)",
    re.IGNORECASE,
)
_PATIENT_STATES = frozenset({"phenotype", "disorder", "sign"})
_FOLLOWING_WORD = re.compile(r"[\s-]+([A-Za-z]+)")


def _begins_a_molecule(text: str, end: int) -> bool:
    """Whether a term's words begin the name of a molecule (a factor, receptor, gene,
    antigen... within three words: "tumor necrosis factor", "hepatitis B surface antigen"),
    which names no disease or finding of the patient."""
    position = end
    for _ in range(3):
        word = _FOLLOWING_WORD.match(text, position)
        if word is None or word.group(1).lower() in _NOT_MODIFIER:
            return False
        if _MOLECULE.fullmatch(word.group(1)):
            return True
        position = word.end()
    return False


def _needs_a_result(term: Term, key: str) -> bool:
    """An analyte ("albumin"), and a measurement named by one everyday word ("weight",
    "height", "length"), name a test only where it is tested."""
    return term.category == "lab-test" or (term.source == "EFO" and " " not in key)


_LINK_TO_VALUE = re.compile(r"\s*(?:(?:of|was|is|were|are|at)\b|[=:])?\s*$", re.IGNORECASE)
_LATER = frozenset({"min", "h", "d", "wk", "mo", "a"})
"""Units of a delay ("MRI 2 days later"), not of a result."""


def _has_a_value(text: str, end: int) -> bool:
    """Whether a value with a unit follows a name, directly or after "of", "was", "=":
    a modality's abbreviation so followed is a lab's ("PT of 24 sec", "CT 45%")."""
    window = text[end : end + 40]
    for quantity in find_quantities(window):
        return quantity.unit.ucum not in _LATER and bool(
            _LINK_TO_VALUE.match(window[: quantity.start])
        )
    return False


def _is_tested(text: str, start: int, end: int) -> bool:
    """An analyte named as tested: a result follows ("albumin 3.1 g/dL", "... was low"),
    or a specimen or a result stands before it ("serum albumin", "elevated ferritin")."""
    return bool(_VALUE_NEAR.match(text, end) or _TESTED_BEFORE.search(text, 0, start))


def all_sources() -> tuple[Source, ...]:
    return (
        hpo_source(),
        cellxgene_source("MONDO", "Mondo Disease Ontology"),
        cellxgene_source("EFO", "Experimental Factor Ontology (measurements)"),
        dicom_source(),
    )


def all_terms() -> Iterator[Term]:
    yield from hpo_terms()
    yield from mondo_terms()
    yield from efo_lab_terms()
    yield from dicom_procedure_terms()
    yield from efo_procedure_terms()
    yield from dicom_finding_terms()
    yield finding_head_term()  # last: any term that names the words more narrowly wins


def compile_terminology(sources: tuple[Source, ...], terms: Iterable[Term]) -> Terminology:
    """The matcher of ``terms``: each label and synonym with its plural and British forms;
    a form two terms share names the first (HPO before MONDO before EFO before DICOM)."""
    table: list[tuple[str, str, tuple[str, ...], str, str]] = []
    forms: dict[str, int] = {}
    sensitive: dict[str, str] = {}
    reach: dict[str, int] = {}
    for term in terms:
        number = len(table)
        table.append((term.curie, term.label, term.synonyms, term.category, term.source))
        for name in dict.fromkeys((term.label, *term.synonyms)):
            short = name != term.label and len(name) <= 4 and " " not in name
            tested = term.category == "lab-test" and is_abbreviation(name)
            if short and term.source in ("HP", "MONDO", "EFO") and not tested:
                # "RA", "arms", "fed": a synonym this short names many things; an analyte's
                # abbreviation ("LDH") counts, in its letter case, where it is tested
                continue
            if " " not in name and name[:1].isupper() and name[1:].islower():
                name = name.lower()  # "Nodule": sentence case, so its plural is "nodules"
            if fold(name) in _STOP_FORMS or fold(name) in _STOP_PHRASES:
                continue  # nor its plural ("doses")
            for variant in surface_forms(name):
                key = fold(variant)
                stripped = key.strip()
                if len(stripped) < 3 and not (len(stripped) == 2 and is_abbreviation(name)):
                    continue
                if stripped in _STOP_FORMS or stripped in _STOP_PHRASES:
                    continue
                if key in forms or stripped != key:
                    continue
                if not (key[0].isalnum() and key[-1].isalnum()):
                    continue
                forms[key] = number
                if is_abbreviation(name):
                    sensitive[key] = fold_dashes(variant)
                words = _WORD.findall(key)
                reach[words[0]] = max(reach.get(words[0], 0), len(words))
    return Terminology(sources, table, forms, sensitive, reach, _test_abbreviations(table, forms))


def _test_abbreviations(
    table: list[tuple[str, str, tuple[str, ...], str, str]], forms: dict[str, int]
) -> dict[str, tuple[int, str]]:
    """The tests' abbreviations HPO states: two names of one phenotype that differ only in
    their last words, a test's name in one and an abbreviation of it in the other
    ("Prolonged prothrombin time", "Prolonged PT"). The abbreviation's letters must stand
    in the test's name in order, from its first ("INR" is no abbreviation of "prothrombin
    time", though HPO gives "Increased INR" as a prolonged one)."""
    tests: dict[str, tuple[int, str]] = {}
    for _, label, synonyms, _, source in table:
        if source != "HP":
            continue
        names = (label, *synonyms)
        for short_name in names:
            prefix, _, short = short_name.rpartition(" ")
            if not prefix or not is_abbreviation(short):
                continue
            for name in names:
                if not fold(name).startswith(fold(prefix) + " "):
                    continue
                long = name[len(prefix) + 1 :]
                number = forms.get(fold(long))
                if number is None or table[number][3] != "lab-test":
                    continue
                if _spells(short, long):
                    tests.setdefault(fold(short), (number, short))
    return tests


def _spells(short: str, long: str) -> bool:
    """Whether ``short``'s letters stand in ``long`` in order, the first letter first."""
    letters = [c.lower() for c in short if c.isalnum()]
    text = long.lower()
    if not letters or not text.startswith(letters[0]):
        return False
    position = 0
    for letter in letters:
        position = text.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def cache_dir() -> Path:
    """The user's cache folder for casekg: $KG_TERMINOLOGY_CACHE, else $XDG_CACHE_HOME or
    ~/.cache, then casekg."""
    explicit = os.environ.get("KG_TERMINOLOGY_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "casekg"


def cache_path(directory: Path) -> Path:
    """The compiled file for the installed data files: the key is their paths, sizes and
    modification times (cheap to read, and new with any upgrade of a package)."""
    stats = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in data_files()]
    key = hashlib.sha256(repr((FORMAT, stats)).encode()).hexdigest()[:16]
    return directory / f"terminology-{key}.marshal"


@functools.cache
def load_terminology() -> Terminology:
    """The compiled terminology, from the cache when it is there, else compiled and saved."""
    path = cache_path(cache_dir())
    if path.exists():
        try:
            stored = marshal.loads(path.read_bytes())
            sources = tuple(Source(*row) for row in stored[0])
            return Terminology(sources, stored[1], stored[2], stored[3], stored[4], stored[5])
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            pass  # a damaged cache is compiled again below
    terminology = compile_terminology(all_sources(), all_terms())
    _save(path, terminology)
    return terminology


def _save(path: Path, terminology: Terminology) -> None:
    """Write the compiled terms atomically; a cache folder that cannot be written only
    means compiling again next time."""
    stored = (
        [astuple(s) for s in terminology.sources],
        terminology.terms,
        terminology.forms,
        terminology.sensitive,
        terminology.reach,
        terminology.tests,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as temporary:
            temporary.write(marshal.dumps(stored))
        os.replace(temporary.name, path)
    except OSError:
        return
