"""The matcher: which Crossref work a reference string denotes, or none (kg.matching).

Candidates are real Crossref records from the shared fixtures; strings are the seed's
references or written the way reference lists write the real records.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from crossref_server import SearchIndex

from kg.document import Document
from kg.matching import (
    Resolution,
    Thresholds,
    abbreviates,
    choose,
    clean_reference,
    confirm_doi,
    strip_markup,
)
from kg.references import ParsedReference, parse_reference
from kg.settings import SHARED_DIR

FIXTURES = SHARED_DIR / "fixtures"
PLOS = "10.1371/journal.pone.0033693"
PLOS_VANCOUVER = (
    "Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ. Methylphenidate exposure induces "
    "dopamine neuron loss and activation of microglia in the basal ganglia of mice. "
    "PLoS One. 2012;7(3):e33693."
)
Work = dict[str, Any]


@pytest.fixture(scope="module")
def records() -> dict[str, Work]:
    lines = (FIXTURES / "crossref-records" / "records.jsonl").read_text(encoding="utf-8")
    return {w["DOI"].lower(): w for w in map(json.loads, lines.splitlines())}


@pytest.fixture(scope="module")
def search_index(records: dict[str, Work]) -> SearchIndex:
    """The local Crossref server's own ranking over every recorded work."""
    return SearchIndex(list(records.values()))


@pytest.fixture(scope="module")
def seed_references(seed_document: Document) -> dict[int, ParsedReference]:
    return {r.number: parse_reference(r.text, r.number) for r in seed_document.references}


def ref(text: str) -> ParsedReference:
    return parse_reference(text)


def works(records: dict[str, Work], *dois: str) -> list[Work]:
    return [records[doi] for doi in dois]


def searched(index: SearchIndex, text: str, rows: int = 5) -> list[Work]:
    _, hits = index.search(text, rows)
    return [{**work, "score": score} for score, work in hits]


def edited(work: Work, **changes: Any) -> Work:
    """A copy of a real record with some fields changed: a near miss of it."""
    return {**copy.deepcopy(work), **changes}


# --------------------------------------------------------------------------- text helpers


def test_markup_is_stripped_from_titles_with_a_real_html_parser() -> None:
    title = "Ethnic differences in <i>CAPN10</i> SNP-19 &amp; Al<sub>2</sub>O<sub>3</sub>"
    assert strip_markup(title) == "Ethnic differences in CAPN10 SNP-19 & Al2O3"


def test_escaped_markup_deposited_by_publishers_is_stripped_too() -> None:
    title = 'Review for "Hybrid &lt;scp&gt;risk\u2010averse&lt;/scp&gt; energy management"'
    assert strip_markup(title) == 'Review for "Hybrid risk\u2010averse energy management"'


def test_mathml_in_titles_becomes_its_text() -> None:
    title = (
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:msub><mml:mi>LaSrVO'
        "</mml:mi><mml:mn>4</mml:mn></mml:msub></mml:math>: A candidate"
    )
    assert strip_markup(title) == "LaSrVO4: A candidate"


def test_abbreviated_page_ranges_are_expanded() -> None:
    assert "1425-1437" in clean_reference("Smith J. A title. J Foo. 2001;12:1425-37.")


@pytest.mark.parametrize(
    ("abbreviation", "title"),
    [
        ("J Cardiovasc Comput Tomogr", "Journal of Cardiovascular Computed Tomography"),
        ("Arch Dermatol", "Archives of Dermatology"),
        ("J Am Coll Cardiol", "Journal of the American College of Cardiology"),
    ],
)
def test_nlm_journal_abbreviations_are_recognised(abbreviation: str, title: str) -> None:
    assert abbreviates(abbreviation, title)


def test_an_abbreviation_of_another_journal_is_not_recognised() -> None:
    assert not abbreviates("J Neurochem", "Journal of Neuroscience")


# --------------------------------------------------------------------------- matching rules


def test_a_vancouver_citation_of_a_served_work_is_matched_with_its_reasons(
    records: dict[str, Work],
) -> None:
    resolution = choose(ref(PLOS_VANCOUVER), works(records, PLOS))
    assert (resolution.status, resolution.doi) == ("matched", PLOS)
    assert resolution.score >= 0.9
    assert {
        "first author Sadasivan matches",
        "year 2012 matches",
        "volume 7 matches",
        "first page e33693 matches",
        "title similarity 1.00",
    } <= set(resolution.reasons)


def test_a_match_carries_the_work_and_where_it_came_from(records: dict[str, Work]) -> None:
    url = "http://127.0.0.1:8765/works?query.bibliographic=x&rows=5"
    when = datetime(2026, 6, 16, 13, 34, tzinfo=UTC)
    resolution = choose(
        ref(PLOS_VANCOUVER), works(records, PLOS), source_url=url, retrieved_at=when
    )
    assert (resolution.source_url, resolution.retrieved_at) == (url, when)
    assert resolution.title is not None and resolution.title.startswith("Methylphenidate")
    assert (resolution.container, resolution.year) == ("PLoS ONE", 2012)


@pytest.mark.parametrize(
    "citation",
    [
        # APA
        "Sadasivan, S., Pond, B. B., Pani, A. K., Qu, C., Jiao, Y., & Smeyne, R. J. (2012). "
        "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in "
        "the basal ganglia of mice. PLoS ONE, 7(3), e33693.",
        # IEEE
        "S. Sadasivan, B. B. Pond, A. K. Pani, C. Qu, Y. Jiao, and R. J. Smeyne, \u201c"
        "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in "
        "the basal ganglia of mice,\u201d PLoS ONE, vol. 7, no. 3, p. e33693, 2012.",
        # no title
        "Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ. PLoS One. 2012;7(3):e33693.",
        # typos in author and title
        "Sadasivn S, Pond BB. Methylphenidate exposure induces dopamine nueron loss and "
        "activation of microglia in the basal ganglia of mcie. PLoS One. 2012;7(3):e33693.",
    ],
)
def test_other_styles_and_degraded_strings_are_matched(
    records: dict[str, Work], citation: str
) -> None:
    assert choose(ref(citation), works(records, PLOS)).doi == PLOS


def test_a_different_volume_is_named_and_stops_the_match(records: dict[str, Work]) -> None:
    wrong = choose(ref(PLOS_VANCOUVER.replace("2012;7(3)", "2012;8(3)")), works(records, PLOS))
    assert wrong.doi is None
    assert any("volume 8 differs: 7" in reason for reason in wrong.reasons)


def test_a_year_one_off_gets_half_credit(records: dict[str, Work]) -> None:
    resolution = choose(ref(PLOS_VANCOUVER.replace("2012;", "2013;")), works(records, PLOS))
    assert "year 2012 is one year off" in resolution.reasons


def test_a_page_range_abbreviated_in_the_string_matches_the_full_range(
    records: dict[str, Work],
) -> None:
    citation = "Raghuram TC. Serotonin metabolism in pellagra. Arch Neurol. 1975;32:708-10."
    resolution = choose(ref(citation), works(records, "10.1001/archneur.1975.00490520078015"))
    assert resolution.status == "matched"
    assert {"first page 708 matches", "last page 710 matches"} <= set(resolution.reasons)


def test_an_nlm_journal_abbreviation_matches_the_full_journal_title(
    records: dict[str, Work],
) -> None:
    citation = "Weiner J. Neurofibromatosis. Arch Dermatol. 1969;100(3):373."
    resolution = choose(ref(citation), works(records, "10.1001/archderm.100.3.373"))
    assert "journal Archives of Dermatology matches" in resolution.reasons


def test_journal_volume_and_page_identify_a_work_without_author_or_title(
    records: dict[str, Work],
) -> None:
    doi = "10.1001/jama.1931.02730210057030"
    resolution = choose(ref("J Am Med Assoc. 1931;97(21):1559."), works(records, doi))
    assert (resolution.status, resolution.doi) == ("matched", doi)


def test_a_string_without_title_is_matched_on_authors_numbers_and_journal(
    records: dict[str, Work],
) -> None:
    doi = "10.1016/0002-9149(79)90276-5"
    resolution = choose(
        ref("Li WI, Riggins RCK, Anderson RP. Am J Cardiol. 1979;44(4):607-11."),
        works(records, doi),
    )
    assert (resolution.status, resolution.doi) == ("matched", doi)
    assert "the string gives no title to compare" in resolution.reasons
    assert "record explains 100% of the string's words" in resolution.reasons  # initials too


def test_two_works_with_the_same_metadata_tie_and_give_no_doi(records: dict[str, Work]) -> None:
    # Two real "Evolutionary Ecology" front-matter records of the same issue.
    candidates = works(records, "10.1023/a:1017149902819", "10.1023/a:1017197818749")
    resolution = choose(ref("Evolutionary Ecology. Evol Ecol. 1998;12(6):1."), candidates)
    assert (resolution.status, resolution.doi) == ("ambiguous", None)
    assert resolution.reasons[0].startswith("tie: ")


def test_a_close_second_makes_the_match_ambiguous(records: dict[str, Work]) -> None:
    twin = edited(records[PLOS], DOI="10.5555/twin-of-pone.0033693")
    resolution = choose(ref(PLOS_VANCOUVER), [records[PLOS], twin])
    assert resolution.status == "ambiguous"


def test_the_tie_margin_is_a_threshold(records: dict[str, Work]) -> None:
    twin = edited(records[PLOS], DOI="10.5555/twin-of-pone.0033693", issue="4")
    candidates = [records[PLOS], twin]
    assert choose(ref(PLOS_VANCOUVER), candidates).status == "matched"
    wide = Thresholds(tie_margin=0.5)
    assert choose(ref(PLOS_VANCOUVER), candidates, thresholds=wide).status == "ambiguous"


def test_no_candidates_is_unmatched() -> None:
    resolution = choose(ref(PLOS_VANCOUVER), [])
    assert (resolution.status, resolution.doi, resolution.reasons) == (
        "unmatched",
        None,
        ("no candidates found",),
    )


def test_an_absent_work_is_not_matched_to_others_from_its_journal(
    records: dict[str, Work], search_index: SearchIndex
) -> None:
    absent = {doi: w for doi, w in records.items() if doi != PLOS}
    candidates = searched(SearchIndex(list(absent.values())), PLOS_VANCOUVER)
    resolution = choose(ref(PLOS_VANCOUVER), candidates)
    assert (resolution.status, resolution.doi) == ("unmatched", None)


def test_same_journal_volume_and_pages_without_author_or_title_is_not_a_match(
    records: dict[str, Work],
) -> None:
    # Hindawi articles: volume = year and pages 1-N, so the numbers of one fit many.
    citation = (
        "Wang R, Huang A, Wang Y, Mei P, Zhu H, Chen Q, et al. High-resolution microscopy "
        "to learn the nuclear organization of the living yeast cells. Stem Cells Int. "
        "2021;2021:1-7."
    )
    resolution = choose(ref(citation), works(records, "10.1155/2021/9886877"))
    assert (resolution.status, resolution.doi) == ("unmatched", None)


def test_a_short_title_inside_a_longer_one_is_not_a_match(records: dict[str, Work]) -> None:
    citation = "Haklay M, et al. ECSA's Characteristics of Citizen Science. 2020."
    resolution = choose(ref(citation), works(records, "10.1093/obo/9780199363445-0133"))
    assert resolution.doi is None


def test_another_chapter_by_the_same_author_in_the_same_book_is_not_a_match(
    records: dict[str, Work],
) -> None:
    citation = (
        "Radev T. Setting up the provider for widget screen update. In: Custom Widgets in "
        "Android Studio. Apress; 2022."
    )
    candidates = works(records, "10.1007/978-1-4842-9080-4_2", "10.1007/978-1-4842-9080-4_5")
    assert choose(ref(citation), candidates).doi is None


# --------------------------------------------------------------------------- records that steal


def test_a_correction_notice_does_not_steal_the_match_of_the_original(
    records: dict[str, Work],
) -> None:
    notice = "10.1371/annotation/53374aad-bc04-4c64-b313-8ff9b881d0da"
    citation = (
        "Sbraccia P, et al. Magnetic resonance imaging determined visceral fat reduction "
        "associates with enhanced IL-10 plasma levels in calorie restricted obese "
        "subjects. PLoS One. 2012;7(12):e52774."
    )
    resolution = choose(ref(citation), works(records, notice))
    assert resolution.doi is None
    assert f"{notice} is a correction/retraction notice, not the work cited" in resolution.reasons


def test_a_correction_notice_is_matched_when_the_string_cites_the_correction(
    records: dict[str, Work],
) -> None:
    doi = "10.1371/journal.pone.0124730"
    citation = (
        "The PLOS ONE Staff. Correction: Genomic, proteomic, morphological, and "
        "phylogenetic analyses of vB_EcoP_SU10, a Podoviridae phage with C3 morphology. "
        "PLoS One. 2015;10(4):e0124730."
    )
    assert choose(ref(citation), works(records, doi)).doi == doi


def test_a_peer_review_report_does_not_steal_the_match_of_the_paper(
    records: dict[str, Work],
) -> None:
    review = records["10.1002/2050-7038.12430/v3/review1"]
    citation = (
        "Performance evaluation of a reduced components count single-phase asymmetric "
        "multilevel inverter with low standing voltage. Int Trans Electr Energy Syst. "
        "2020."
    )
    resolution = choose(ref(citation), [review])
    assert resolution.doi is None
    assert any("is a peer review" in reason for reason in resolution.reasons)


def test_a_review_of_a_book_does_not_steal_the_match_of_the_book(
    records: dict[str, Work],
) -> None:
    citation = (
        "Taylor AJ, editor. The standard of living in Britain in the industrial "
        "revolution. London: Methuen; 1975."
    )
    resolution = choose(ref(citation), works(records, "10.1017/s0022050700100051"))
    assert resolution.doi is None
    assert any("review of the book" in reason for reason in resolution.reasons)


def test_the_whole_book_is_not_matched_for_a_chapter_of_it(records: dict[str, Work]) -> None:
    citation = (
        "Hepher B. Natural food of fish in ponds. In: Nutrition of pond fishes. "
        "Cambridge: Cambridge University Press; 1988. p. 16-38."
    )
    resolution = choose(ref(citation), works(records, "10.1017/cbo9780511735455"))
    assert resolution.doi is None
    assert any("the string cites a part of it" in reason for reason in resolution.reasons)


def test_a_chapter_is_not_matched_for_the_whole_book(records: dict[str, Work]) -> None:
    citation = "Gumley L. Practical IDL programming. San Francisco: Morgan Kaufmann; 2002."
    candidates = works(
        records, "10.1016/b978-155860700-2/50013-6", "10.1016/b978-155860700-2/50014-8"
    )
    assert choose(ref(citation), candidates).doi is None


def test_a_figure_record_is_never_the_cited_work(records: dict[str, Work]) -> None:
    figure = records["10.1371/journal.pone.0008988.g001"]
    resolution = choose(ref(PLOS_VANCOUVER), [figure])
    assert resolution.doi is None


# --------------------------------------------------------------------------- the seed


@pytest.mark.parametrize("number", [3, 8])
def test_pre_doi_seed_references_are_unmatched_against_what_the_search_returns(
    seed_references: dict[int, ParsedReference], search_index: SearchIndex, number: int
) -> None:
    reference = seed_references[number]
    resolution = choose(reference, searched(search_index, reference.raw))
    assert (resolution.status, resolution.doi) == ("unmatched", None)


def test_gore_1949_is_unmatched_against_a_near_miss_by_the_same_author(
    seed_references: dict[int, ParsedReference], records: dict[str, Work]
) -> None:
    # A later paper by Gore in the same journal on the same subject: what a search finds
    # when the 1949 article itself has no DOI.
    near_miss = edited(
        records["10.1001/archderm.100.3.373"],
        DOI="10.5555/gore-1951",
        title=["Myocardial calcification: a pathologic study"],
        author=[{"given": "I.", "family": "Gore", "sequence": "first"}],
        **{
            "container-title": ["Archives of Pathology"],
            "short-container-title": ["Arch Pathol"],
            "volume": "52",
            "page": "205-211",
            "issued": {"date-parts": [[1951]]},
        },
    )
    resolution = choose(seed_references[3], [near_miss])
    assert (resolution.status, resolution.doi) == ("unmatched", None)


def test_mavrogeni_2007_is_unmatched_against_her_later_paper_on_the_same_subject(
    seed_references: dict[int, ParsedReference], records: dict[str, Work]
) -> None:
    near_miss = edited(
        records["10.1155/2012/364145"],
        DOI="10.5555/mavrogeni-2013",
        title=["Cardiac involvement in small and medium size vessel vasculitis"],
        author=[{"given": "Sophie", "family": "Mavrogeni", "sequence": "first"}],
        **{
            "container-title": ["Rheumatology International"],
            "volume": "33",
            "page": "1-10",
            "issued": {"date-parts": [[2013]]},
        },
    )
    resolution = choose(seed_references[8], [near_miss])
    assert (resolution.status, resolution.doi) == ("unmatched", None)


# --------------------------------------------------------------------------- written DOIs


def test_a_written_doi_whose_record_agrees_is_confirmed(records: dict[str, Work]) -> None:
    reference = ref(f"{PLOS_VANCOUVER} doi:{PLOS}")
    resolution = confirm_doi(reference, records[PLOS], doi=PLOS)
    assert (resolution.status, resolution.doi, resolution.score) == ("matched", PLOS, 1.0)
    assert resolution.reasons[0] == f"DOI {PLOS} confirmed at Crossref"


def test_a_bare_doi_is_confirmed_by_its_record_alone(records: dict[str, Work]) -> None:
    resolution = confirm_doi(ref(PLOS), records[PLOS])
    assert (resolution.status, resolution.doi) == ("matched", PLOS)


def test_a_doi_unknown_to_crossref_is_unmatched() -> None:
    resolution = confirm_doi(ref("Foo B. A study. doi:10.1371/notarealdoi"), None)
    assert (resolution.status, resolution.doi) == ("unmatched", None)
    assert resolution.reasons == ("DOI 10.1371/notarealdoi not found at Crossref",)


def test_a_written_doi_pointing_at_another_work_is_flagged_not_matched(
    records: dict[str, Work],
) -> None:
    # The seed's reference 1 with a DOI that lands on an unrelated real record.
    citation = (
        "Nance JW Jr, Crane GM, Halushka MK, Fishman EK, Zimmerman SL. Myocardial "
        "calcifications: pathophysiology, etiologies, differential diagnoses, and imaging "
        f"findings. J Cardiovasc Comput Tomogr 2015;9:58-67. doi:{PLOS}"
    )
    resolution = confirm_doi(ref(citation), records[PLOS], doi=PLOS)
    assert (resolution.status, resolution.doi) == ("ambiguous", None)
    assert resolution.reasons[0] == f"DOI {PLOS} points to a record that contradicts the string"


def test_a_resolution_without_a_work_has_no_title_container_or_year() -> None:
    resolution = Resolution("x", None, 0.0, "unmatched")
    assert (resolution.title, resolution.container, resolution.year) == (None, None, None)
