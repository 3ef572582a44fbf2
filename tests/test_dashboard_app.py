"""The dashboard page, run by Streamlit's own app tester against a built store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kg.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "dashboards" / "app.py"


def _app(store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("KG_STORE", str(store))
    return AppTest.from_file(str(APP), default_timeout=60).run()


def test_the_page_lists_triples_by_named_graph(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    graphs = app.dataframe[0].value
    assert "https://w3id.org/casekg/graph/document/10-3348-jksr-2021-0181" in set(graphs["graph"])


def test_a_saved_query_runs_read_only_and_shows_its_rows(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    app.selectbox[0].set_value("labs_out_of_range").run()
    app.button[0].click().run()
    rows = app.dataframe[-1].value
    assert len(rows) > 0
    assert not app.error


def test_an_update_typed_into_the_query_box_is_refused(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    app.text_area[0].set_value("INSERT DATA { <urn:a> <urn:b> <urn:c> }").run()
    app.button[0].click().run()
    assert "read-only" in app.error[0].value


def test_without_a_built_graph_the_page_says_to_build_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path / "nothing", monkeypatch)
    assert "kg build" in app.error[0].value
