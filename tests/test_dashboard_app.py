"""The dashboard's pages, run by Streamlit's own app tester against the built seed store."""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from crossref_server import CrossrefServer, Limits, SearchIndex
from e2e.markup import MARKUP_TITLE, retitle
from streamlit.testing.v1 import AppTest

from kg.query import run_query
from kg.rdf.namespaces import CONCEPT
from kg.settings import PROJECT_ROOT

DASHBOARDS = PROJECT_ROOT / "dashboards"
APP = DASHBOARDS / "app.py"
PAGES = ("views/explore.py", "views/case.py", "views/literature.py", "views/sparql.py")
STANDINS = Path(__file__).parent / "e2e" / "network_standins"
DASHBOARD_QUERIES = [
    "explore_mentions",
    "explore_claims",
    "explore_references",
    "case_list",
    "literature_references",
]
sys.path.insert(0, str(DASHBOARDS))

from kgdash import data, graph, warm  # noqa: E402


def _app(store: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("KG_STORE", str(store))
    app = AppTest.from_file(str(APP), default_timeout=60)
    if page is not None:
        app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _texts(app: AppTest) -> str:
    return "\n".join(str(t.value) for t in app.text)


@pytest.mark.parametrize("page", [*PAGES, "views/resolve.py"])
def test_every_page_renders_without_error(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    app = _app(seed_store, monkeypatch, page)
    assert not app.error, [e.value for e in app.error]
    assert app.title[0].value == Path(page).stem.capitalize().replace("Sparql", "SPARQL")


def test_without_a_built_graph_every_data_page_says_to_build_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path / "nothing", monkeypatch)
    assert "kg build" in app.error[0].value


# Explore


def _graph_arguments(app: AppTest) -> dict[str, Any]:
    component = app.get("component_instance")[0]
    arguments: dict[str, Any] = json.loads(component.proto.json_args)
    return arguments


def test_explore_sends_the_graph_with_node_types_and_sizes(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    elements = _graph_arguments(app)["elements"]
    nodes = {n["data"]["id"]: n["data"] for n in elements["nodes"]}
    assert nodes[str(CONCEPT["sepsis"])]["label"] == "Concept"
    assert {"Case", "Concept", "Claim", "Reference"} <= {n["label"] for n in nodes.values()}
    assert len(nodes) + len(elements["edges"]) <= 1000
    sizes = {n["size"] for n in nodes.values()}
    assert len(sizes) > 1  # sized by degree, not all alike


def test_explore_sends_the_graph_laid_out_so_the_browser_only_draws_it(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = _graph_arguments(_app(seed_store, monkeypatch))
    assert arguments["layout"]["name"] == "preset"
    spots = {(n["position"]["x"], n["position"]["y"]) for n in arguments["elements"]["nodes"]}
    assert len(spots) == len(arguments["elements"]["nodes"])  # every node a place of its own


def test_a_view_too_large_to_lay_out_on_the_server_is_left_to_the_browser() -> None:
    large = graph.View(nx.empty_graph(graph.PLACED_LIMIT), (), 0, 0)
    assert graph.positions(large) is None


def test_the_type_filter_and_search_narrow_the_graph(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    app.sidebar.pills[0].set_value(["Concept", "Claim"]).run()
    app.sidebar.text_input[0].set_value("sepsis").run()
    nodes = _graph_arguments(app)["elements"]["nodes"]
    assert {n["data"]["label"] for n in nodes} <= {"Concept", "Claim"}
    assert str(CONCEPT["sepsis"]) in {n["data"]["id"] for n in nodes}
    assert str(CONCEPT["lge-imaging"]) not in {n["data"]["id"] for n in nodes}


def test_a_deeper_neighbourhood_shows_what_lies_further_from_the_search(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    app.sidebar.text_input[0].set_value("sepsis").run()
    near = {n["data"]["id"] for n in _graph_arguments(app)["elements"]["nodes"]}
    app.sidebar.segmented_control[0].set_value(2).run()
    further = {n["data"]["id"] for n in _graph_arguments(app)["elements"]["nodes"]}
    assert near < further


def _click(app: AppTest, node: str) -> AppTest:
    app.session_state["explore-graph"] = {
        "action": "clicked",
        "data": {"type": "tap", "target_id": node, "target_group": "nodes"},
        "timestamp": 1,
    }
    return app.run()


def test_clicking_a_concept_shows_its_mappings_and_sentences_with_negation_marked(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _click(_app(seed_store, monkeypatch), str(CONCEPT["diastolic-dysfunction"]))
    texts = _texts(app)
    assert "Category:" in texts and "Mappings:" in texts
    sentences = next(d.value for d in app.dataframe if "negated" in getattr(d.value, "columns", []))
    assert "NEGATED" in set(sentences["negated"])


def test_clicking_a_claim_shows_its_evidence_and_modality(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    claim = next(
        n["data"]["id"]
        for n in _graph_arguments(app)["elements"]["nodes"]
        if n["data"]["label"] == "Claim" and "renal-failure-causes" in n["data"]["id"]
    )
    texts = _texts(_click(app, claim))
    assert "Modality: causes" in texts
    assert "renal failure" in texts


def test_the_path_finder_gives_each_hop_with_its_sentence(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch)
    assert not app.selectbox  # drawn only once its expander is opened
    app.session_state["explore-path-finder"] = True  # the user opens it
    app.run()
    start, end = app.selectbox[0], app.selectbox[1]
    start.set_value(str(CONCEPT["sepsis"]))
    end.set_value(str(CONCEPT["late-gadolinium-enhancement"])).run()
    hops = [t.value for t in app.text if t.value[:1].isdigit() and "→" in t.value]
    assert hops[0].startswith("1. sepsis —")
    assert hops[-1].endswith("→ late gadolinium enhancement")


# Case


def test_the_case_page_shows_patient_labs_and_source_text(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch, "views/case.py")
    assert "51-year-old male" in _texts(app)
    assert len(app.get("vega_lite_chart")) == 1  # the timeline: only the open tab drawn
    assert "\n[7] " not in _texts(app)  # the source text is drawn when opened
    app.session_state["case-section"] = "Laboratory results"  # the user picks the labs tab
    app.session_state["case-source"] = True  # and opens the source text
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "\n[7] " in _texts(app)  # the source text, numbered by sentence, as plain text
    labs = next(d.value for d in app.dataframe if "normal range" in d.value.columns)
    troponin = labs[labs["analyte"].str.startswith("troponin I")].iloc[0]
    assert troponin["value"] == ">1000"
    assert len(app.get("vega_lite_chart")) == 1  # the lab chart, not the timeline's


# Literature


def test_the_literature_page_lists_references_and_says_when_related_data_is_missing(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(data.NETWORK_QUERIES_ENV, str(tmp_path / "none"))
    app = _app(seed_store, monkeypatch, "views/literature.py")
    references = app.dataframe[0].value
    assert "Cardiac sarcoidosis" in set(references["title"])
    assert any("not installed" in info.value for info in app.info)


def test_the_literature_page_shows_related_panels_when_their_queries_exist(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.NETWORK_QUERIES_ENV, str(STANDINS))
    app = _app(seed_store, monkeypatch, "views/literature.py")
    missing = [info.value for info in app.info if "top_cited" in info.value]
    assert missing == []
    assert any("year" in d.value.columns for d in app.dataframe[1:])


# SPARQL


def _sparql(app: AppTest, text: str) -> AppTest:
    """Type into the editor and submit (what Ctrl+Enter or its Run button sends)."""
    app.session_state["sparql-editor-(write your own)"] = {
        "id": "run-1",
        "type": "submit",
        "lang": "sparql",
        "text": text,
        "selected": "",
        "cursor": "",
    }
    return app.run()


def test_a_saved_query_runs_and_shows_its_rows_and_time(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch, "views/sparql.py")
    app.selectbox[0].set_value("labs_out_of_range").run()
    app.button[-1].click().run()
    assert not app.error
    rows = app.dataframe[-1].value
    assert "troponin I" in set(rows["analyte"]) or len(rows) > 0
    assert any(" rows in " in c.value for c in app.caption)


def test_the_predeclared_prefixes_are_drawn_once_their_expander_is_opened(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch, "views/sparql.py")
    assert not app.code  # no highlighted block on the page's first render
    app.session_state["sparql-prefixes"] = True  # the user opens it
    app.run()
    assert "PREFIX cito: <http://purl.org/spar/cito/>" in app.code[0].value


def test_an_update_typed_into_the_editor_is_refused(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _sparql(
        _app(seed_store, monkeypatch, "views/sparql.py"), "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    )
    assert "read-only" in app.error[0].value


def test_a_syntax_error_is_reported_with_its_position(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _sparql(_app(seed_store, monkeypatch, "views/sparql.py"), "SELECT * WHERE { ?s ?p }")
    assert "line 1, column" in app.error[0].value


# Resolve


def test_resolve_shows_doi_status_score_and_reasons(
    seed_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    crossref_server: CrossrefServer,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("KG_CROSSREF_API", crossref_server.url)
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KG_OFFLINE", raising=False)
    app = _app(seed_store, monkeypatch, "views/resolve.py")
    app.text_area[0].set_value(
        "doi:10.1371/journal.pone.0033693\nGore I. Nothing at all 1949"
    ).run()
    app.button[0].click().run()
    table = app.dataframe[0].value
    assert list(table["status"]) == ["matched", "unmatched"]
    assert table["DOI"].iloc[0] == "10.1371/journal.pone.0033693"
    assert table["reasons"].str.len().min() > 0
    assert list(table["from"]) == ["Crossref (now)"] * 2
    assert "2 from Crossref now" in app.info[0].value
    app.button[0].click().run()  # the same lines again: answered by casekg's cache
    assert all(where.startswith("cache (fetched ") for where in app.dataframe[0].value["from"])
    assert "2 from casekg's cache" in app.info[0].value


def test_resolve_marks_cached_lines_and_says_crossref_is_not_reachable_for_the_rest(
    seed_store: Path,
    monkeypatch: pytest.MonkeyPatch,
    crossref_index: SearchIndex,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KG_OFFLINE", raising=False)
    with CrossrefServer(crossref_index, limits=Limits(rate=1000, concurrency=8)) as server:
        monkeypatch.setenv("KG_CROSSREF_API", server.url)
        app = _app(seed_store, monkeypatch, "views/resolve.py")
        app.text_area[0].set_value("doi:10.1371/journal.pone.0033693").run()
        app.button[0].click().run()
    # the server has stopped: same address, nobody answering
    app.text_area[0].set_value(
        "doi:10.1371/journal.pone.0033693\nGore I, Arons W. Calcification of the myocardium. 1949"
    ).run()
    app.button[0].click().run()
    marks = list(app.dataframe[0].value["from"])
    assert marks[0].startswith("cache (fetched ")
    assert marks[1] == "not asked: Crossref not reachable and not in the cache"
    assert any("Crossref is not reachable" in w.value for w in app.warning)


def test_resolve_says_when_crossref_is_not_reachable(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    app = _app(seed_store, monkeypatch, "views/resolve.py")
    app.text_area[0].set_value("Gore I, Arons W. Calcification of the myocardium. 1949").run()
    app.button[0].click().run()
    assert any("not reachable" in e.value for e in app.error)
    assert app.dataframe[0].value["from"].iloc[0].startswith("not asked: Crossref not reachable")


# Several people at once: AppTest's simulated runtime is one per process, so sessions at
# once are tried on what they share (the store handle, the cached saved queries and the
# SPARQL page's parse-then-run), from eight threads on empty caches; real browser sessions
# at once are in tests/e2e.


def _panels_and_a_query(store: Path) -> list[str]:
    answers = [len(data.saved(name).rows) for name in DASHBOARD_QUERIES]
    result = run_query(data.store(), "SELECT ?c WHERE { ?c a skos:Concept }", timeout=30)
    assert result is not None
    return [*map(str, answers), str(len(result.rows))]


def test_eight_sessions_at_once_all_get_correct_answers(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_STORE", str(seed_store))
    expected = _panels_and_a_query(seed_store)
    data.clear_caches()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: _panels_and_a_query(seed_store), range(8)))
    assert answers == [expected] * 8
    app = _app(seed_store, monkeypatch, "views/sparql.py")  # and it keeps answering
    app.selectbox[0].set_value("concepts_by_category").run()
    app.button[-1].click().run()
    assert not app.error and len(app.dataframe[-1].value) > 0


def test_a_panels_sparql_opens_on_the_sparql_page(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(seed_store, monkeypatch, "views/case.py")
    assert not [b for b in app.button if b.label == "Open on the SPARQL page"]  # drawn when open
    app.session_state["show-sparql-patient"] = True  # the user opens the patient's expander
    app.run()
    assert "# title: A case's patient" in app.code[0].value
    next(b for b in app.button if b.label == "Open on the SPARQL page").click().run()
    assert app.title[0].value == "SPARQL"
    editor = json.loads(app.get("component_instance")[0].proto.json_args)
    assert editor["code"].startswith("# title: A case's patient")
    assert "VALUES (?case)" in editor["code"]


def test_answers_are_cached_per_store_version_so_a_new_build_shows_at_once(
    seed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "store"
    shutil.copytree(seed_store, copy)
    monkeypatch.setenv("KG_STORE", str(copy))
    before = data.saved("case_list").rows[0]["title"]
    assert data.saved("case_list").rows[0]["title"] == before != MARKUP_TITLE  # cached
    retitle(copy)
    assert data.saved("case_list").rows[0]["title"] == MARKUP_TITLE


def test_warming_answers_every_pages_first_render_before_the_first_visitor(
    seed_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `kg dashboard` runs before it listens: afterwards no page's first render needs
    the store (imports done, every panel's answer cached for the published version)."""
    monkeypatch.setenv("KG_STORE", str(seed_store))
    data.clear_caches()
    graph._whole.clear()
    graph._positions.clear()
    warm.warm()

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a page asked the store or laid out its graph after warming")

    monkeypatch.setattr(data.store(), "query", refuse)
    monkeypatch.setattr(graph.nx, "spring_layout", refuse)  # the opening view is laid out
    for page in [*PAGES, "views/resolve.py"]:
        _app(seed_store, monkeypatch, page)
    sparql = _app(seed_store, monkeypatch, "views/sparql.py")  # a saved query, unchanged
    sparql.selectbox[0].set_value("concepts_by_category").run()
    sparql.button[-1].click().run()
    assert not sparql.exception and len(sparql.dataframe[-1].value) > 0
