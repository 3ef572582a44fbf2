"""The build's progress bar: on stderr once a build has run past the threshold, never
before, and never when stderr is not a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kg.build import build
from kg.cli import main
from kg.progress import Progress
from kg.settings import Settings


def offline_settings(directory: Path) -> Settings:
    return Settings.resolve(store=directory / "store", cache_dir=directory / "cache", offline=True)


def test_a_build_past_the_threshold_draws_its_steps(tmp_path: Path, seed_path: Path) -> None:
    stream = io.StringIO()
    build([seed_path], offline_settings(tmp_path), progress=Progress(stream, after=0))
    drawn = stream.getvalue()
    assert f"kg build: {seed_path.name}" in drawn
    assert "kg build: checking the shapes" in drawn
    assert "kg build: writing the store" in drawn


def test_a_build_shorter_than_the_threshold_draws_nothing(tmp_path: Path, seed_path: Path) -> None:
    stream = io.StringIO()
    build([seed_path], offline_settings(tmp_path), progress=Progress(stream, after=3600))
    assert stream.getvalue() == ""


def test_no_bar_is_drawn_on_a_stream_that_is_not_a_terminal() -> None:
    assert Progress.on_terminal(io.StringIO()).stream is None


def test_kg_build_into_a_captured_stderr_prints_no_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--store", str(tmp_path / "store"), "--offline"]) == 0
    assert "kg build:" not in capsys.readouterr().err
