"""In-text citation markers in the styles plain text has them, each with its exact links."""

from __future__ import annotations

import pytest

from kg.ingest.markers import (
    CitedKey,
    author_year_markers,
    numbered_markers,
    reference_numbers,
)


def _found(text: str, count: int = 20) -> list[tuple[str, tuple[int, ...], bool]]:
    return [(text[m.start : m.end], m.numbers, m.ambiguous) for m in numbered_markers(text, count)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is rare (1, 2).", [("(1, 2)", (1, 2), False)]),
        ("Two mechanisms participate (2-4).", [("(2-4)", (2, 3, 4), False)]),
        ("As shown before [3\u20135; 7].", [("[3\u20135; 7]", (3, 4, 5, 7), False)]),
        ("made of muscle fibers1; others", [("1", (1,), False)]),
        ("a rare disease1,2,5-7. It", [("1,2,5-7", (1, 2, 5, 6, 7), False)]),
        ("seen in sepsis¹² and", [("¹²", (12,), False)]),
        ("seen in sepsis¹,³ and", [("¹,³", (1, 3), False)]),
        ("seen in sepsis¹⁻³.", [("¹⁻³", (1, 2, 3), False)]),
        ("seen in sepsis^{2,3}.", [("^{2,3}", (2, 3), False)]),
        ("as reported previously1).", [("1)", (1,), False)]),
        ("as reported previously2-5), and", [("2-5)", (2, 3, 4, 5), False)]),
        ("as reported previously 3).", [("3)", (3,), True)]),
        ("as described,3 the lesions", [("3", (3,), True)]),
        ("as Smith et al.4 showed", [("4", (4,), False)]),
        ("the method of Powell et al.6.", [("6", (6,), False)]),
    ],
)
def test_marker_styles_link_to_the_numbers_they_print(
    text: str, expected: list[tuple[str, tuple[int, ...], bool]]
) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Radiology. 1999;14(1):95-98.",  # volume and issue
        "See Figure2 and Fig. 3) and Table1, on day 3) of admission.",
        "a BMI of 31 kg/m² and 5 \u00d7 10⁹/L leukocytes, an area of 4 cm²",
        "HbA1c was 7% and CD4 counts were low; T1 and V2\u2013V4 were normal.",
        "symptoms included (1) fever, (2) cough and (3) rash",
        "symptoms: 1) fever and 2) cough",
        "The value (n = 5) fell to 3.5 mg (2019) with f(2) and x(3).",
        "in 2019, 3 patients were seen",
        "the creatinine was 5.10 mg/dL (normal range 0.6-1.1)",
        "a rise of 2.5 points (95% CI 1.2-3.8)",
    ],
)
def test_numbers_that_are_values_dates_labels_or_lists_are_not_markers(text: str) -> None:
    assert _found(text) == []


def test_a_marker_must_denote_references_the_list_has() -> None:
    assert _found("reported twice (12, 13).", count=12) == []
    assert _found("reported twice (11, 12).", count=12) == [("(11, 12)", (11, 12), False)]
    assert numbered_markers("reported (1).", 0) == []


def test_reference_numbers_expand_ranges_and_refuse_backward_ones() -> None:
    assert reference_numbers("1,2,5-7", 9) == (1, 2, 5, 6, 7)
    assert reference_numbers("¹⁻³", 9) == (1, 2, 3)
    assert reference_numbers("7-5", 9) == ()
    assert reference_numbers("0", 9) == ()


KEYS = [
    CitedKey(1, "smith", 2019, "", "jones", 3, False),
    CitedKey(2, "lee", 2020, "a", "", 1, False),
    CitedKey(3, "lee", 2020, "b", "", 1, False),
    CitedKey(4, "vandermeulen", 2008, "", "", 4, True),
    CitedKey(5, "muller", 2011, "", "kim", 2, False),
]


def _cited(text: str) -> list[tuple[str, tuple[int, ...], bool]]:
    return [
        (text[m.start : m.end], m.numbers, m.ambiguous) for m in author_year_markers(text, KEYS)
    ]


def test_author_year_citations_link_each_work_by_author_and_year() -> None:
    text = "This is known (Smith et al., 2019; Lee 2020a) and was shown by Müller and Kim (2011)."
    assert _cited(text) == [
        ("Smith et al., 2019", (1,), False),
        ("Lee 2020a", (2,), False),
        ("Müller and Kim (2011)", (5,), False),
    ]


def test_an_author_year_citation_that_fits_two_references_is_ambiguous() -> None:
    assert _cited("as before (Lee, 2020).") == [("Lee, 2020", (2, 3), True)]


def test_author_year_citations_without_a_reference_are_not_markers() -> None:
    assert _cited("as before (Brown, 2017) and in (2019).") == []
