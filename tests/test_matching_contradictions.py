"""A wrong DOI is worse than none (issue 12, item 6): a number the string states that the
record has otherwise stops a match unless everything else overwhelmingly agrees; replies,
comments, corrections and editorials are never the cited article unless the string says so;
years and volumes glued to words are read.

Candidates are real Crossref records from the shared fixtures, or copies of them with the
fields changed that make a reply or a near miss of them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kg.matching import choose, response_kind
from kg.references import parse_reference
from kg.settings import SHARED_DIR

Work = dict[str, Any]
PLOS = "10.1371/journal.pone.0033693"
PLOS_TITLE = (
    "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in "
    "the basal ganglia of mice"
)
PLOS_AUTHORS = "Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ"
PLOS_STYLES = [
    f"{PLOS_AUTHORS}. {PLOS_TITLE}. PLoS One. 2012;7(3):e33693.",
    f"{PLOS_AUTHORS}. {PLOS_TITLE}. PLoS One 2012;7:e33693",
    "Sadasivan, S., Pond, B. B., Pani, A. K., Qu, C., Jiao, Y., & Smeyne, R. J. (2012). "
    f"{PLOS_TITLE}. PLoS One, 7(3), e33693.",
    f'S. Sadasivan, B. B. Pond, A. K. Pani, et al., "{PLOS_TITLE}," PLoS One, vol. 7, '
    "no. 3, p. e33693, 2012.",
    f'Sadasivan, S., et al. 2012. "{PLOS_TITLE}." PLoS One 7 (3): e33693.',
    f"Sadasivan S et al (2012) {PLOS_TITLE}. PLoS One 7:e33693",
]
NEUROL = "10.1001/archneur.1975.00490520078015"
NEUROL_STRING = "Raghuram TC. Serotonin metabolism in pellagra. Arch Neurol. 1975;32:708-10."


@pytest.fixture(scope="module")
def records() -> dict[str, Work]:
    path = SHARED_DIR / "fixtures" / "crossref-records" / "records.jsonl"
    return {w["DOI"].lower(): w for w in map(json.loads, path.read_text().splitlines())}


def edited(work: Work, **changes: Any) -> Work:
    return {**copy.deepcopy(work), **changes}


def reply_to_comment_on(work: Work, **changes: Any) -> Work:
    """The authors' reply to a comment on their own article, as journals deposit it: the
    same authors and journal, the article's title quoted, a later page and issue."""
    title = work["title"][0]
    reply: Work = {
        "DOI": "10.5555/reply-to-comment",
        "title": [f"Reply to: Comment on \u201c{title}\u201d"],
        "issue": "11",
        "page": "e41234",
        "issued": {"date-parts": [[2012, 11, 5]]},
        **changes,
    }
    return edited(work, **reply)


# --------------------------------------------------------------------------- record kinds


@pytest.mark.parametrize("citation", PLOS_STYLES)
def test_a_reply_quoting_the_cited_title_is_never_matched_in_its_place(
    records: dict[str, Work], citation: str
) -> None:
    resolution = choose(parse_reference(citation), [reply_to_comment_on(records[PLOS])])
    assert (resolution.status, resolution.doi) == ("unmatched", None)
    assert any("is a reply, comment or editorial (reply)" in r for r in resolution.reasons)


@pytest.mark.parametrize("citation", PLOS_STYLES)
def test_the_article_beats_its_reply_and_is_not_tied_with_it(
    records: dict[str, Work], citation: str
) -> None:
    candidates = [reply_to_comment_on(records[PLOS]), records[PLOS]]
    resolution = choose(parse_reference(citation), candidates)
    assert (resolution.status, resolution.doi) == ("matched", PLOS)


@pytest.mark.parametrize("relation", ["is-reply-to", "is-comment-on"])
def test_a_record_related_as_reply_or_comment_is_not_the_cited_article(
    records: dict[str, Work], relation: str
) -> None:
    target = [{"id-type": "doi", "id": "10.5555/other", "asserted-by": "subject"}]
    response = edited(records[PLOS], DOI="10.5555/response", relation={relation: target})
    resolution = choose(parse_reference(PLOS_STYLES[0]), [response])
    assert resolution.doi is None
    assert any(relation.replace("-", " ") in r for r in resolution.reasons)


def test_a_real_reply_is_not_matched_for_the_letter_it_answers(
    records: dict[str, Work],
) -> None:
    # JAMA titles a reply "<title of the letter>—Reply", in the same issue, next page.
    reply = "10.1001/jama.2020.3861"
    letter = "Genital powder use and ovarian cancer. JAMA. 2020;323(20):2095-2096."
    resolution = choose(parse_reference(letter), [records[reply]])
    assert resolution.doi is None
    assert f"{reply} is a reply, comment or editorial (reply), not the work cited" in (
        resolution.reasons
    )


def test_a_real_reply_is_matched_when_the_string_cites_the_reply(
    records: dict[str, Work],
) -> None:
    reply = "10.1001/jama.2020.3861"
    citation = (
        "O'Brien KM, Sandler DP, Wentzensen N. Genital powder use and ovarian "
        "cancer\u2014reply. JAMA. 2020;323(20):2096."
    )
    assert choose(parse_reference(citation), [records[reply]]).doi == reply


def test_a_real_editorial_is_matched_only_when_the_string_names_an_editorial(
    records: dict[str, Work],
) -> None:
    editorial = "10.1259/arr.1906.0121"
    said = choose(
        parse_reference("Editorial. Arch Roentgen Ray. 1906;10(8):209-10."), [records[editorial]]
    )
    assert said.doi == editorial
    unsaid = choose(parse_reference("Arch Roentgen Ray. 1906;10(8):209-10."), [records[editorial]])
    assert unsaid.doi is None
    assert any("(editorial)" in r for r in unsaid.reasons)


def test_a_real_correction_titled_correction_to_is_not_the_corrected_article(
    records: dict[str, Work],
) -> None:
    correction = "10.1021/acsearthspacechem.4c00298"
    citation = (
        "Vander Wall AC, Wingen LM, Perraud V, Zhao Y, Finlayson-Pitts BJ. Enhanced gas "
        "uptake during \u03b1-pinene ozonolysis points to a burying mechanism. ACS Earth "
        "Space Chem. 2024;8(11)."
    )
    resolution = choose(parse_reference(citation), [records[correction]])
    assert resolution.doi is None
    assert any("correction/retraction notice" in r for r in resolution.reasons)


# --------------------------------------------------------------------------- contradictions


def test_a_first_page_the_string_states_otherwise_stops_the_match(
    records: dict[str, Work],
) -> None:
    citation = NEUROL_STRING.replace("708-10", "144-50")
    resolution = choose(parse_reference(citation), [records[NEUROL]])
    assert (resolution.status, resolution.doi, resolution.score) == ("unmatched", None, 0.0)
    assert any("first page 144 differs: 708" in r for r in resolution.reasons)
    assert any("a wrong DOI is worse than none" in r for r in resolution.reasons)


@pytest.mark.parametrize(
    ("citation", "reason"),
    [
        (PLOS_STYLES[0].replace("2012;7(3)", "2012;9(3)"), "volume 9 differs: 7"),
        (PLOS_STYLES[2].replace("(2012)", "(1998)"), "year 1998 differs: 2012"),
        (PLOS_STYLES[3].replace("p. e33693", "pp. 341-350"), "first page 341 differs: e33693"),
        (PLOS_STYLES[5].replace("7:e33693", "7:144-150"), "first page 144 differs: e33693"),
    ],
)
def test_each_stated_number_that_differs_stops_the_match_in_any_style(
    records: dict[str, Work], citation: str, reason: str
) -> None:
    resolution = choose(parse_reference(citation), [records[PLOS]])
    assert resolution.doi is None
    assert any(reason in r for r in resolution.reasons)


def test_a_one_digit_slip_is_let_pass_when_everything_else_agrees_and_says_so(
    records: dict[str, Work],
) -> None:
    citation = PLOS_STYLES[0].replace("e33693", "e33639")
    resolution = choose(parse_reference(citation), [records[PLOS]])
    assert resolution.doi == PLOS
    assert any(
        r.startswith("accepted despite first page e33639 differs: e33693: one digit off")
        for r in resolution.reasons
    )


def test_a_slip_is_not_let_pass_without_the_title(records: dict[str, Work]) -> None:
    citation = "Raghuram TC. Arch Neurol. 1975;32:780-2."  # 708 typed 780
    resolution = choose(parse_reference(citation), [records[NEUROL]])
    assert resolution.doi is None


def test_a_year_one_off_does_not_contradict(records: dict[str, Work]) -> None:
    # Online-first and print years differ by one: not a contradiction.
    citation = PLOS_STYLES[0].replace("2012;", "2013;")
    assert choose(parse_reference(citation), [records[PLOS]]).doi == PLOS


def test_an_unmatched_reference_scores_zero_whatever_its_best_candidate_scored(
    records: dict[str, Work],
) -> None:
    # The numbers the string gives agree with the record, but it names no title or author.
    resolution = choose(parse_reference("PLoS One. 2012;7(3)."), [records[PLOS]])
    assert (resolution.status, resolution.score) == ("unmatched", 0.0)
    assert resolution.reasons[0].startswith(f"best candidate {PLOS} ")


# --------------------------------------------------------------------------- glued numbers


@pytest.mark.parametrize(
    ("citation", "doi"),
    [
        (
            f"{PLOS_AUTHORS}. 2012Methylphenidate exposure induces dopamine neuron loss and "
            "activation of microglia in the basal ganglia of mice. PLoS One7:e33693.",
            PLOS,
        ),
        ("Raghuram TC. 1975Serotonin metabolism in pellagra. Arch Neurol32:708\u2013710.", NEUROL),
    ],
)
def test_years_and_volumes_glued_to_words_are_read(
    records: dict[str, Work], citation: str, doi: str
) -> None:
    resolution = choose(parse_reference(citation), [records[doi]])
    assert resolution.doi == doi
    assert any(r.startswith("volume ") and r.endswith(" matches") for r in resolution.reasons)
    assert any(r.startswith("year ") and r.endswith(" matches") for r in resolution.reasons)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Genital Powder Use and Ovarian Cancer\u2014Reply", "reply"),
        ("Hyperthyroid Crisis-Reply", "reply"),
        ("Reply to: Comment on \u201cA study\u201d", "reply"),
        ("Comment on \u201cA study\u201d", "comment on"),
        ("Editorial", "editorial"),
        ("A study \u2014 Rejoinder", "rejoinder"),
        ("Arsenic exposure and skin lesions: a dose-response", None),
        ("The immune response to vaccination", None),
        ("Responses to treatment in a cohort", None),
    ],
)
def test_what_makes_a_title_a_reply_comment_or_editorial(title: str, kind: str | None) -> None:
    assert response_kind({"title": [title]}) == kind
