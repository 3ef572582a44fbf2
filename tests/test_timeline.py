"""The seed's timeline: admission and every imaging examination, in days from admission."""

from __future__ import annotations

import pytest

from kg.document import Document
from kg.facts import extract_case_facts
from kg.mentions import find_mentions
from kg.rdf.namespaces import CONCEPT
from kg.timeline import UNDATED, TimelineEvent
from kg.vocabulary import Knowledge

Row = tuple[int | None, str, str | None]


@pytest.fixture(scope="module")
def timeline(seed_document: Document, seed_knowledge: Knowledge) -> tuple[TimelineEvent, ...]:
    mentions = find_mentions(seed_document, seed_knowledge)
    return extract_case_facts(seed_document, mentions, seed_knowledge.vocabulary).timeline


def _key(iri: str | None) -> str | None:
    return iri.removeprefix(str(CONCEPT)) if iri else None


def _event(timeline: tuple[TimelineEvent, ...], day: int | None, modality: str) -> TimelineEvent:
    [event] = [e for e in timeline if e.day == day and _key(e.modality) == modality]
    return event


def _findings(event: TimelineEvent) -> set[tuple[str | None, bool]]:
    return {(_key(f.concept), f.present) for f in event.findings}


def test_the_events_in_the_order_the_report_tells_them(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    assert [(e.day, e.kind, _key(e.modality)) for e in timeline] == [
        (0, "admission", None),
        (6, "examination", "pre-enhanced-liver-ct"),
        (-1, "examination", "chest-ct"),
        (7, "examination", "chest-ct"),
        (13, "examination", "tte"),
        (None, "examination", "cardiac-mri"),
        (90, "examination", "tte"),
        (None, "examination", "chest-ct"),
    ]


def test_admission_to_the_emergency_room_is_day_zero(timeline: tuple[TimelineEvent, ...]) -> None:
    admission = timeline[0]
    assert (admission.day, admission.offset, admission.setting) == (0, "P0D", "emergency room")
    assert admission.sentence_index == 7


def test_the_outside_chest_ct_the_day_before_admission_showed_no_calcification(
    timeline: tuple[TimelineEvent, ...], seed_document: Document
) -> None:
    ct = _event(timeline, -1, "chest-ct")
    assert (ct.offset, ct.time_expression) == ("-P1D", "one day before admission")
    assert ct.performed_elsewhere and ct.setting == "outside the hospital"
    assert _findings(ct) == {("mid-wall-lv-calcification", False)}
    words = seed_document.source[ct.span.start : ct.span.end]
    assert words.startswith("which was not seen on chest CT scanned from outside the hospital")


def test_the_day_6_pre_enhanced_liver_ct_showed_the_calcification(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    ct = _event(timeline, 6, "pre-enhanced-liver-ct")
    assert ct.time_expression == "On the sixth day of hospitalization"
    assert _findings(ct) == {("mid-wall-lv-calcification", True)}
    assert not ct.performed_elsewhere


def test_the_day_7_chest_ct_showed_calcification_and_pleural_effusion(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    ct = _event(timeline, 7, "chest-ct")
    assert _findings(ct) == {("calcification", True), ("pleural-effusion", True)}


def test_the_day_13_tte_gathers_what_the_following_sentences_describe(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    tte = _event(timeline, 13, "tte")
    assert tte.described_in == (15, 16, 17, 18)
    assert {
        ("echogenic-myocardial-deposits", True),
        ("impaired-relaxation-pattern", True),
        ("diastolic-dysfunction", False),
    } <= _findings(tte)


def test_cardiac_mri_has_no_day_and_says_so_rather_than_guessing(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    mri = _event(timeline, None, "cardiac-mri")
    assert (mri.offset, mri.approximate, mri.note) == (None, False, UNDATED)
    assert mri.described_in == (20, 21, 22, 23, 24, 25, 26)
    assert ("regional-wall-motion-abnormality", False) in _findings(mri)
    assert ("rim-like-rest-perfusion-defect", True) in _findings(mri)


def test_the_three_month_follow_up_tte_is_about_day_90(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    tte = _event(timeline, 90, "tte")
    assert (tte.offset, tte.approximate, tte.follow_up) == ("P3M", True, True)


def test_the_follow_up_ct_borrows_no_day_from_the_sentence_before(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    # "In three months, follow-up TTE showed ..." then "There was no change of diffuse
    # myocardial calcification in follow-up chest CT.": the CT's own sentence gives no time.
    [ct] = [e for e in timeline if _key(e.modality) == "chest-ct" and e.follow_up]
    assert (ct.day, ct.offset, ct.time_expression, ct.note) == (None, None, None, UNDATED)
    assert "follow-up chest CT" in ct.label or ct.modality_text == "chest CT"
    assert _findings(ct) == {("diffuse-myocardial-calcification", True)}


def test_an_absent_finding_keeps_the_words_that_deny_it(
    timeline: tuple[TimelineEvent, ...],
) -> None:
    mri = _event(timeline, None, "cardiac-mri")
    [wall_motion] = [
        f for f in mri.findings if _key(f.concept) == "regional-wall-motion-abnormality"
    ]
    assert (wall_motion.present, wall_motion.uncertain, wall_motion.cues) == (
        False,
        False,
        ("without",),
    )
