"""The matcher's dev set (bench/devset.py): labelled strings generated from real records."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import devset

from kg.settings import SHARED_DIR

RECORDS = SHARED_DIR / "fixtures" / "crossref-records"


@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    """The first 150 real records, enough for every style and degradation."""
    with (RECORDS / "records.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(next(lines)) for _ in range(150)]


def test_the_dev_set_is_the_same_on_every_build(sample: list[dict[str, Any]]) -> None:
    assert devset.build(sample).citations == devset.build(sample).citations


def test_held_out_records_are_not_served_and_their_strings_expect_no_doi(
    sample: list[dict[str, Any]],
) -> None:
    built = devset.build(sample)
    held_out = {w["DOI"].lower() for w in built.held_out}
    assert held_out and not held_out & {w["DOI"].lower() for w in built.served}
    generated = [c for c in built.citations if c.origin in held_out and c.style != "deposited"]
    assert generated and all(c.expected is None for c in generated)


def test_every_style_and_degradation_is_generated(sample: list[dict[str, Any]]) -> None:
    built = devset.build(sample)
    assert {c.style for c in built.citations} >= set(devset.STYLES)
    assert {c.variant for c in built.citations} >= {"full", *devset.DEGRADATIONS}


def test_a_vancouver_string_reads_like_an_nlm_reference() -> None:
    work = {
        "DOI": "10.1001/archneur.1975.00490520078015",
        "type": "journal-article",
        "title": ["Serotonin Metabolism in Pellagra"],
        "volume": "32",
        "issue": "10",
        "page": "708-710",
        "container-title": ["Archives of Neurology"],
        "short-container-title": ["Arch Neurol"],
        "issued": {"date-parts": [[1975, 10]]},
        "author": [
            {"given": "T. C.", "family": "Raghuram"},
            {"given": "Kamala", "family": "Krishnaswamy"},
        ],
    }
    fields = devset.fields_of(work)
    text = devset.vancouver(fields, random.Random(0), journal="Arch Neurol")
    assert text == (
        "Raghuram TC, Krishnaswamy K. Serotonin Metabolism in Pellagra. "
        "Arch Neurol. 1975;32(10):708-10."
    )


def test_journal_titles_are_abbreviated_iso4_style() -> None:
    assert (
        devset.abbreviate_journal("Journal of the American Medical Association") == "J Am Med Assoc"
    )


def test_a_deposited_reference_with_a_served_doi_is_a_positive(
    sample: list[dict[str, Any]],
) -> None:
    built = devset.build(sample)
    served = {w["DOI"].lower() for w in built.served}
    deposited = [c for c in built.citations if c.style == "deposited"]
    assert deposited
    assert all(c.expected is None or c.expected in served for c in deposited)
