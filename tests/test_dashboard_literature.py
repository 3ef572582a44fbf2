"""The Literature page's network views, on a graph with the related layer (built from the
local Crossref and OpenCitations servers) and on the offline seed, which has none."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crossref_server import SearchIndex, vancouver
from online_apis import online_apis
from opencitations_server import CitationIndex
from streamlit.testing.v1 import AppTest

from kg.build import build
from kg.rdf.namespaces import DOI
from kg.settings import PROJECT_ROOT

DASHBOARDS = PROJECT_ROOT / "dashboards"
sys.path.insert(0, str(DASHBOARDS))

from kgdash import literature  # noqa: E402
from kgdash.data import Rows  # noqa: E402

CITED = ("10.1111/ele.13085", "10.1007/s12080-013-0192-6")  # both have citing records
CITER = str(DOI["10.1007/s12080-020-00477-4"])  # cites both: a related work


@pytest.fixture(scope="module")
def related_store(
    tmp_path_factory: pytest.TempPathFactory,
    crossref_index: SearchIndex,
    citation_index: CitationIndex,
) -> Iterator[Path]:
    """A report citing two recorded works, built online against the local servers."""
    root = tmp_path_factory.mktemp("literature")
    with online_apis(root, crossref_index, citation_index) as apis:
        lines = [
            f"{n}. {vancouver(apis.crossref.work(doi) or {})}" for n, doi in enumerate(CITED, 1)
        ]
        report = root / "report.txt"
        report.write_text(
            "Coexistence in Ecology: A Case Report\n\nAnn Example, MD\n\nA case (1, 2).\n\n"
            "INTRODUCTION\n\nNiches (1). Stability (2).\n\nREFERENCES\n\n" + "\n".join(lines),
            encoding="utf-8",
        )
        build([report], apis.settings)
        yield Path(apis.settings.store)


def _literature(store: Path, monkeypatch: pytest.MonkeyPatch, view: str = "") -> AppTest:
    monkeypatch.setenv("KG_STORE", str(store))
    app = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=60)
    app.switch_page("views/literature.py")
    if view:  # the user picks that view's tab (only the open one is drawn)
        app.session_state["literature-view"] = view
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _force(app: AppTest) -> dict[str, Any]:
    component = next(
        c for c in app.get("component_instance") if "literature-force" in c.proto.json_args
    )
    arguments: dict[str, Any] = json.loads(component.proto.json_args)
    return arguments


def test_the_force_view_shows_references_related_works_and_the_second_ring(
    related_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _literature(related_store, monkeypatch, "Force view")
    arguments = _force(app)
    assert arguments["layout"]["name"] == "fcose"  # force-directed
    nodes = {n["data"]["id"]: n["data"] for n in arguments["elements"]["nodes"]}
    rings = {data["label"] for data in nodes.values()}
    assert {"Case", "Reference", "Related", "Second ring"} <= rings
    assert {nodes[str(DOI[doi])]["label"] for doi in CITED} == {"Reference"}
    assert nodes[CITER]["label"] == "Related" and nodes[CITER]["score"] > 0
    edges = [e["data"] for e in arguments["elements"]["edges"]]
    assert CITER in {e["target"] for e in edges if e["label"] == "RELATED"}
    assert not any("no related works" in i.value for i in app.info)


def test_the_year_view_and_the_table_give_years_citations_and_scores(
    related_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _literature(related_store, monkeypatch, "Year and citations")
    charts = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    year_map = next(s for s in charts if "layer" in s and len(s["layer"]) == 2)
    encodings = [layer["encoding"] for layer in year_map["layer"]]
    assert encodings[1]["x"]["field"] == "year" and encodings[1]["y"]["field"] == "citations"
    assert encodings[1]["y"]["scale"]["type"] == "symlog"
    assert "x2" in encodings[0]  # citation links drawn between the works
    app = _literature(related_store, monkeypatch, "Works")
    works = next(d.value for d in app.dataframe if "similarity" in d.value.columns)
    citer = works[works["DOI"] == CITER].iloc[0]
    assert citer["ring"] == "Related" and citer["similarity"] > 0 and citer["why related"]


def test_without_the_related_layer_the_page_says_so_plainly(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _literature(seed_store, monkeypatch)  # an offline build: OpenCitations not asked
    assert any("no related works" in i.value for i in app.info)
    nodes = _force(_literature(seed_store, monkeypatch, "Force view"))["elements"]["nodes"]
    assert {n["data"]["label"] for n in nodes} <= {"Case", "Reference", "Second ring"}


def _rows(name: str, *rows: dict[str, str]) -> Rows:
    return Rows(name, "", tuple(rows[0]) if rows else (), list(rows))


def test_rings_citation_counts_and_the_cap() -> None:
    edges = _rows(
        "citation_edges",
        {"citing": "case", "cited": "a"},
        {"citing": "case", "cited": "b"},
        {"citing": "a", "cited": "x"},
        {"citing": "b", "cited": "x"},
        {"citing": "y", "cited": "a"},
        {"citing": "y", "cited": "z"},
    )
    related = _rows(
        "related_to_case",
        {
            "case": "case",
            "rank": "1",
            "work": "y",
            "doi": "10.1/y",
            "title": "Y",
            "year": "2020",
            "score": "0.8",
            "cocitation": "0",
            "coupling": "1",
            "reasons": "cites reference 1",
        },
    )
    works = _rows("works", {"work": "x", "title": "", "doi": "10.1/x", "year": "1999"})
    view = literature.network("case", edges, works, related)
    rings = {iri: w.ring for iri, w in view.works.items()}
    assert rings == {
        "case": "Case",
        "a": "Reference",
        "b": "Reference",
        "y": "Related",
        "x": "Second ring",
    }  # z is two steps from a reference: not in the view
    assert view.works["x"].citations == 2 and view.works["x"].label == "doi:10.1/x"
    assert view.works["y"].score == 0.8 and view.related == 1
    capped = literature.network("case", edges, works, related, limit=5)
    assert list(capped.works) == ["case", "a", "b"] and capped.omitted_works == 2
    assert len(capped.works) + len(capped.links) <= 5


def test_clicking_a_related_work_shows_its_year_citations_score_and_why(
    related_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _literature(related_store, monkeypatch, "Force view")
    app.session_state["literature-force"] = {
        "action": "clicked",
        "data": {"type": "tap", "target_id": CITER, "target_group": "nodes"},
        "timestamp": 1,
    }
    app.run()
    texts = "\n".join(t.value for t in app.text)
    assert "Related: " in texts and "similarity " in texts
    assert "Why related: " in texts and "cites references 1 and 2" in texts
