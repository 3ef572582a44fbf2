"""Times relative to admission (kg.timeexpr), in the words of the seed and other reports."""

from __future__ import annotations

import pytest

from kg.timeexpr import find_time_expressions


@pytest.mark.parametrize(
    ("text", "words", "day", "offset", "approximate"),
    [
        (
            "On the sixth day of hospitalization, a new",
            "On the sixth day of hospitalization",
            6,
            "P6D",
            False,
        ),
        (
            "chest CT scanned from outside the hospital one day before admission (Fig. 1B)",
            "one day before admission",
            -1,
            "-P1D",
            False,
        ),
        (
            "on the thirteenth day of hospitalization.",
            "on the thirteenth day of hospitalization",
            13,
            "P13D",
            False,
        ),
        (
            "observed using covered pre-enhanced liver CT on day 6 post-admission.",
            "on day 6 post-admission",
            6,
            "P6D",
            False,
        ),
        ("Hospital day 2: non-contrast CT", "Hospital day 2", 2, "P2D", False),
        ("48 hours after admission", "48 hours after admission", 2, "PT48H", False),
        (
            "Three weeks before admission, a chest radiograph",
            "Three weeks before admission",
            -21,
            "-P3W",
            True,
        ),
    ],
)
def test_days_relative_to_admission(
    text: str, words: str, day: int, offset: str, approximate: bool
) -> None:
    [expression] = find_time_expressions(text)
    assert (expression.text, expression.day, expression.offset) == (words, day, offset)
    assert expression.approximate is approximate


def test_three_months_of_follow_up_is_about_day_90() -> None:
    [expression] = find_time_expressions("In three months, follow-up TTE showed still preserved")
    assert (expression.day, expression.offset, expression.approximate) == (90, "P3M", True)
    assert expression.follow_up


def test_in_n_days_without_follow_up_is_no_point_on_the_timeline() -> None:
    assert find_time_expressions("the infiltration of calcification in six days") == []


def test_being_admitted_is_day_zero() -> None:
    [expression] = find_time_expressions("was admitted to the emergency room.")
    assert (expression.day, expression.offset) == (0, "P0D")


def test_two_times_in_one_sentence_are_both_found_in_order() -> None:
    text = (
        "On the sixth day of hospitalization, calcification was noted on CT, which was not "
        "seen on chest CT scanned from outside the hospital one day before admission."
    )
    assert [e.day for e in find_time_expressions(text)] == [6, -1]
