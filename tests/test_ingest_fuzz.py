"""Property-based tests: the reference parser, the DOI normaliser, the citation-marker
parser and ingest (plain text and JATS) raise nothing but the project's own errors, on
generated input built from the pieces real documents are made of.

``KG_FUZZ_EXAMPLES`` sets the number of examples per test (the issue's figure is 10,000;
bench/RESULTS.md, "ingest", records that run); the default keeps these tests to about
three minutes on a 2-core machine.
"""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.doi import InvalidDoi, find_doi, normalize_doi, written_doi
from kg.errors import KgError
from kg.ingest import ingest_text
from kg.ingest.jats import read_jats
from kg.ingest.markers import CitedKey, author_year_markers, numbered_markers
from kg.rdf.namespaces import DOI
from kg.references import parse_reference

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PIECES = [
    "Smith J",
    "Smith, J.,",
    "& Lee, K.",
    "et al.",
    "(2019)",
    "2019;12(3):45-67",
    "Genetics175:1251",
    "2007Inference",
    "In: Abbas AK, editors.",
    "eds.",
    "Philadelphia: Elsevier;",
    "p. 31-56",
    "pp 1037\u20131070",
    "[Internet]",
    "Available from: http://127.0.0.1:9/x",
    "doi:10.1000/xyz",
    f"{DOI}10.1371/JOURNAL.PONE.1",
    "doi: ",
    "10.",
    "PMID: 123",
    "(1, 2)",
    "[3\u20135; 7]",
    "fibers1;",
    "disease1,2,5-7.",
    "\u00b9\u207b\u00b3",
    "^{2,3}",
    "previously2-5)",
    "(Smith et al., 2019; Lee 2020a)",
    "Brown and Green (2018)",
    "Fig. 1A",
    "14(1):95",
    "m\u00b2",
    "(1) fever, (2) cough",
    "\u2028",
    "\x85",
    "\n",
    "\n\n",
    " ",
    ".",
    ",",
    "(",
    ")",
    "REFERENCES",
    "Abstract",
    "Case presentation",
    "1. ",
    "[1] ",
    "Received November 23, 2021",
    "Keywords: sepsis",
    "\ud7a3",
]
fragments = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map(
    "".join
)


@FUZZ
@given(fragments)
def test_the_reference_parser_never_raises(text: str) -> None:
    parsed = parse_reference(text)
    assert parsed.raw == text


@FUZZ
@given(st.one_of(fragments, st.text(max_size=60)))
def test_the_doi_normaliser_raises_only_invalid_doi(text: str) -> None:
    try:
        doi = normalize_doi(text)
    except InvalidDoi:
        pass
    else:
        assert doi == doi.lower() and doi.startswith("10.")
        assert normalize_doi(doi) == doi
    found = find_doi(text)
    assert found is None or found.startswith("10.")
    with contextlib.suppress(InvalidDoi):
        written_doi(text)


KEYS = [
    CitedKey(1, "smith", 2019, "", "jones", 3, False),
    CitedKey(2, "lee", 2020, "a", "", 1, False),
    CitedKey(3, "lee", 2020, "b", "", 1, False),
]


@FUZZ
@given(fragments, st.integers(min_value=0, max_value=30))
def test_the_marker_parser_never_raises_and_stays_in_the_text(text: str, count: int) -> None:
    for match in [*numbered_markers(text, count), *author_year_markers(text, KEYS)]:
        assert 0 <= match.start < match.end <= len(text)
        assert all(n >= 1 for n in match.numbers)
    for match in numbered_markers(text, count):
        assert all(n <= count for n in match.numbers)


@FUZZ
@given(fragments)
def test_ingest_raises_only_the_projects_errors_and_offsets_hold(text: str) -> None:
    try:
        document = ingest_text(text, "fuzz")
    except KgError:
        return
    for sentence in document.sentences:
        pieces = [document.source[s.start : s.end] for s in sentence.segments]
        assert all(pieces)
    for marker in document.markers:
        assert 0 <= marker.span.start < marker.span.end <= len(document.source)


XML_PIECES = [
    "<article>",
    "</article>",
    "<body>",
    "</body>",
    "<sec><title>Case</title>",
    "</sec>",
    "<p>",
    "</p>",
    'Calcified<sup><xref ref-type="bibr" rid="r1">1</xref></sup>.',
    '<xref ref-type="bibr" rid="r1 r2">1,2</xref>\u2013<xref ref-type="bibr" rid="r3">3</xref>',
    "<back><ref-list><ref id='r1'><mixed-citation>Smith J. T. J 2019;1:2.</mixed-citation></ref>",
    "</ref-list></back>",
    "<fig><label>Figure 1</label><caption><p>CT.</p></caption></fig>",
    "<!DOCTYPE article [<!ENTITY x 'y'>]>",
    "&x;",
    "&amp;",
    "text",
]


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(XML_PIECES), st.text(max_size=8)), max_size=30))
def test_jats_raises_only_the_projects_errors(pieces: list[str]) -> None:
    with contextlib.suppress(KgError):
        read_jats("".join(pieces).encode("utf-8", errors="surrogatepass"), "fuzz", "fuzz")
