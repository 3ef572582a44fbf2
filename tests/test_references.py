"""Vancouver/NLM reference strings parsed into fields: the seed's nine, odd forms, properties."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.document import Document
from kg.rdf.namespaces import DOI
from kg.references import ParsedReference, PersonName, parse_reference


@pytest.fixture(scope="module")
def seed_references(seed_document: Document) -> list[ParsedReference]:
    return [parse_reference(r.text, r.number) for r in seed_document.references]


def test_first_reference_is_fully_parsed(seed_references: list[ParsedReference]) -> None:
    first = seed_references[0]
    assert first.number == 1
    assert first.authors == (
        PersonName("Nance", "JW", "Jr"),
        PersonName("Crane", "GM"),
        PersonName("Halushka", "MK"),
        PersonName("Fishman", "EK"),
        PersonName("Zimmerman", "SL"),
    )
    assert first.title == (
        "Myocardial calcifications: pathophysiology, etiologies, differential diagnoses, and "
        "imaging findings"
    )
    assert (first.journal, first.year, first.volume, first.issue) == (
        "J Cardiovasc Comput Tomogr",
        2015,
        "9",
        None,
    )
    assert (first.first_page, first.last_page, first.article_number) == ("58", "67", None)


def test_journal_abbreviations_lose_their_markdown_asterisks(
    seed_references: list[ParsedReference],
) -> None:
    assert [r.journal for r in seed_references] == [
        "J Cardiovasc Comput Tomogr",
        "Circulation",
        "Arch Pathol (Chic)",
        "J Forensic Leg Med",
        "J Radiol Case Rep",
        "J Clin Imaging Sci",
        "J Am Coll Cardiol",
        "Eur Soc Cardiol",
        "J Cardiovasc Magn Reson",
    ]


def test_years_and_volumes_of_the_seed_references(seed_references: list[ParsedReference]) -> None:
    assert [(r.year, r.volume) for r in seed_references] == [
        (2015, "9"),
        (2016, "133"),
        (1949, "48"),
        (2019, "65"),
        (2009, "3"),
        (2019, "9"),
        (2016, "68"),
        (2007, "6"),
        (2015, "17"),
    ]


def test_electronic_page_range_keeps_its_prefix(seed_references: list[ParsedReference]) -> None:
    second = seed_references[1]
    assert (second.first_page, second.last_page) == ("e426", "e427")


def test_single_locator_is_an_article_number(seed_references: list[ParsedReference]) -> None:
    assert seed_references[5].article_number == "47"
    assert seed_references[8].article_number == "Q32"
    assert seed_references[5].first_page is None


def test_page_range_starting_at_one(seed_references: list[ParsedReference]) -> None:
    third = seed_references[2]
    assert (third.first_page, third.last_page) == ("1", "12")
    assert third.title == "Calcification of the myocardium; a pathologic study of 13 cases"


def test_family_names_with_particles_stay_whole(seed_references: list[ParsedReference]) -> None:
    families = [a.family for r in seed_references for a in r.authors]
    for family in ("Van Herck", "La Russa", "Di Fazio", "De Matteis"):
        assert family in families


def test_et_al_is_flagged(seed_references: list[ParsedReference]) -> None:
    assert [r.et_al for r in seed_references] == [False, False, False, True] + [False] * 5
    assert len(seed_references[3].authors) == 6
    assert seed_references[3].title == "Septic myocardial calcification: a case report"


def test_issue_in_parentheses_is_read() -> None:
    parsed = parse_reference(
        "Nance JW Jr, Crane GM. Title. J Cardiovasc Comput Tomogr. 2015;9(3):58-67."
    )
    assert (parsed.volume, parsed.issue, parsed.first_page, parsed.last_page) == (
        "9",
        "3",
        "58",
        "67",
    )
    assert parsed.journal == "J Cardiovasc Comput Tomogr"


def test_abbreviated_page_range_is_expanded() -> None:
    parsed = parse_reference("Birnie DH. Cardiac sarcoidosis. J Am Coll Cardiol. 2016;68:1425-37.")
    assert (parsed.first_page, parsed.last_page) == ("1425", "1437")


def test_doi_prefix_forms_are_normalised_to_lower_case() -> None:
    by_prefix = parse_reference(
        "Pejic M. Title. J Clin Imaging Sci 2019;9:47. doi:10.25259/JCIS_1_2019"
    )
    by_url = parse_reference(
        f"Pejic M. Title. J Clin Imaging Sci 2019;9:47. {DOI}10.25259/JCIS_1_2019."
    )
    assert by_prefix.doi == by_url.doi == "10.25259/jcis_1_2019"
    assert by_url.article_number == "47"


def test_month_after_the_year_is_skipped() -> None:
    parsed = parse_reference(
        "Saba SG, Arai AE. T1 mapping. J Cardiovasc Magn Reson. 2015 Feb 3;17:Q32."
    )
    assert (parsed.year, parsed.volume, parsed.article_number) == (2015, "17", "Q32")


def test_missing_locator_keeps_authors_and_title() -> None:
    parsed = parse_reference(
        "Mavrogeni S. Cardiac involvement in small and medium sized vasculitides."
    )
    assert parsed.authors == (PersonName("Mavrogeni", "S"),)
    assert parsed.title == "Cardiac involvement in small and medium sized vasculitides"
    assert (parsed.journal, parsed.year, parsed.volume) == (None, None, None)


def test_leading_list_number_becomes_the_reference_number() -> None:
    parsed = parse_reference(
        "7. Birnie DH, Nery PB. Cardiac sarcoidosis. *J Am Coll Cardiol* 2016;68:411-421"
    )
    assert parsed.number == 7
    assert parsed.authors[0] == PersonName("Birnie", "DH")


def test_suffix_with_a_period_and_hyphenated_initials() -> None:
    parsed = parse_reference("Nance JW Jr., Park J-H. Title. *Circulation* 2016;133:e426-e427")
    assert parsed.authors == (PersonName("Nance", "JW", "Jr"), PersonName("Park", "J-H"))
    assert parsed.title == "Title"


def test_unreadable_author_keeps_the_ones_before_it() -> None:
    parsed = parse_reference("Torfs M, Salgado R, Consortium 2016. Title. *Circulation* 2016;133:1")
    assert parsed.authors == (PersonName("Torfs", "M"), PersonName("Salgado", "R"))
    assert (parsed.title, parsed.journal) == ("Title", "Circulation")


def test_garbage_keeps_its_raw_text() -> None:
    parsed = parse_reference("§§ ??? ;;; (")
    assert parsed.raw == "§§ ??? ;;; ("
    assert parsed.authors == ()
    assert parsed.year is None


def test_empty_string_parses_to_an_empty_reference() -> None:
    assert parse_reference("") == ParsedReference(raw="")


@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    assert parse_reference(text).raw == text


@given(st.text(alphabet="0123456789;:()-.,*e Q", max_size=60))
def test_parser_never_raises_on_locator_like_text(text: str) -> None:
    assert parse_reference(text).raw == text


# --- round trip: structured reference → Vancouver string → parsed fields -----------------------

CAPITALISED = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).map(
    str.capitalize
)
PARTICLE = st.sampled_from(["Van", "La", "De", "Di", "Von", "Le"])
FAMILY = st.one_of(
    CAPITALISED,
    st.builds(lambda p, f: f"{p} {f}", PARTICLE, CAPITALISED),
    st.builds(lambda a, b: f"{a}-{b}", CAPITALISED, CAPITALISED),
    st.sampled_from(["Van Herck", "La Russa", "De Matteis", "Jae-Hyeong", "O'Brien"]),
)
PERSON = st.builds(
    PersonName,
    family=FAMILY,
    initials=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3),
    suffix=st.sampled_from(["", "", "", "Jr"]),
)
TITLE_WORD = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    st.sampled_from(["T1", "MRI", "CT", "13", "LV", "anthracycline-related"]),
)
TITLE = st.builds(
    lambda first, words, marks: (
        first + "".join(mark + " " + word for mark, word in zip(marks, words, strict=False))
    ),
    CAPITALISED,
    st.lists(TITLE_WORD, min_size=1, max_size=12),
    st.lists(st.sampled_from(["", "", "", ":", ",", ";"]), min_size=12, max_size=12),
)
JOURNAL = st.one_of(
    st.lists(CAPITALISED, min_size=1, max_size=5).map(" ".join),
    st.sampled_from(["J Cardiovasc Magn Reson", "Arch Pathol (Chic)", "Circulation"]),
)


@dataclass(frozen=True)
class Locator:
    rendered: str
    first_page: str | None
    last_page: str | None
    article_number: str | None


@st.composite
def locators(draw: st.DrawFn) -> Locator:
    kind = draw(st.sampled_from(["range", "abbreviated", "electronic", "article"]))
    start = draw(st.integers(min_value=1, max_value=2000))
    length = draw(st.integers(min_value=1, max_value=60))
    end = start + length
    if kind == "range":
        return Locator(f"{start}-{end}", str(start), str(end), None)
    if kind == "abbreviated":
        first, last = str(start), str(end)
        same = 0
        while same < len(first) - 1 and len(first) == len(last) and first[same] == last[same]:
            same += 1
        return Locator(f"{first}-{last[same:]}", first, last, None)
    if kind == "electronic":
        return Locator(f"e{start}-e{end}", f"e{start}", f"e{end}", None)
    number = draw(st.one_of(st.integers(1, 999).map(str), st.just("Q32"), st.just("e1234")))
    return Locator(number, None, None, number)


@given(
    authors=st.lists(PERSON, min_size=1, max_size=7),
    et_al=st.booleans(),
    title=TITLE,
    journal=JOURNAL,
    year=st.integers(min_value=1900, max_value=2030),
    volume=st.integers(min_value=1, max_value=400).map(str),
    issue=st.one_of(st.none(), st.integers(min_value=1, max_value=12).map(str)),
    locator=locators(),
    doi=st.one_of(
        st.none(), st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.]{1,10}[a-z0-9]", fullmatch=True)
    ),
    markdown=st.booleans(),
)
def test_vancouver_fields_round_trip(
    authors: list[PersonName],
    et_al: bool,
    title: str,
    journal: str,
    year: int,
    volume: str,
    issue: str | None,
    locator: Locator,
    doi: str | None,
    markdown: bool,
) -> None:
    names = [" ".join(part for part in (a.family, a.initials, a.suffix) if part) for a in authors]
    author_list = ", ".join(names) + (", et al." if et_al else ".")
    source = f"*{journal}* {year}" if markdown else f"{journal}. {year}"
    issue_part = f"({issue})" if issue else ""
    raw = f"{author_list} {title}. {source};{volume}{issue_part}:{locator.rendered}"
    if doi:
        raw += f". doi:{doi.upper()}"

    parsed = parse_reference(raw)

    assert parsed.authors == tuple(authors)
    assert parsed.et_al is et_al
    assert parsed.title == title
    assert parsed.journal == journal
    assert (parsed.year, parsed.volume, parsed.issue) == (year, volume, issue)
    assert (parsed.first_page, parsed.last_page, parsed.article_number) == (
        locator.first_page,
        locator.last_page,
        locator.article_number,
    )
    assert parsed.doi == doi


def test_a_surname_that_spells_a_trailer_label_is_kept_as_an_author() -> None:
    parsed = parse_reference("Pmid A, Smith B. A title. J Foo 2010;1:2-3")
    assert [author.family for author in parsed.authors] == ["Pmid", "Smith"]


def test_pubmed_ids_and_access_dates_after_the_locator_are_dropped() -> None:
    for trailer in ("Epub 2010 Jan 5. PMID: 12345", "[cited 2020 Jan 1]", "PMCID: PMC123"):
        parsed = parse_reference(f"Smith B. Most cited papers. J Foo 2010;1:2-3. {trailer}")
        assert (parsed.title, parsed.journal, parsed.first_page, parsed.last_page) == (
            "Most cited papers",
            "J Foo",
            "2",
            "3",
        )
