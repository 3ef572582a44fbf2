"""The dashboard in a real browser: every page, a node click, a path, a saved query, a
citation resolved against the local Crossref-compatible server, eight sessions at once and a
title made of markup. Every request must stay on the app's loopback origin."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import Requests, Server, new_context, wait_for_app
from e2e.markup import MARKUP_TITLE
from kg.queries import QUERIES_DIR
from kg.query import run_query, saved_query
from kg.rdf.namespaces import CONCEPT
from kg.store import open_store

PAGES = ("", "case", "literature", "sparql", "resolve")  # "" is Explore, the default page


def _open(page: Page, server: Server, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)


def _graph_frame(page: Page):  # type: ignore[no-untyped-def]
    return page.frame_locator("iframe[title*='st_link_analysis']").first


def test_every_page_renders_offline(
    session: tuple[Page, Requests], dashboard: Server, artifacts: Path
) -> None:
    page, requests = session
    for name in PAGES:
        _open(page, dashboard, name)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
        if name == "":
            expect(_graph_frame(page).locator("canvas").first).to_be_attached()
        if name == "case":
            expect(page.get_by_text(MARKUP_TITLE).first).to_be_visible()
            assert page.evaluate("() => window.__owned") is None
            chart = page.get_by_test_id("stVegaLiteChart").locator("svg.marks")
            expect(chart).to_be_visible()  # the timeline, the tab the page opens on
        if name == "sparql":
            editor = page.frame_locator("iframe[title*='code_editor']").first
            expect(editor.locator(".ace_keyword").first).to_have_css("color", "rgb(147, 15, 128)")
        page.screenshot(path=artifacts / f"{name or 'explore'}.png", full_page=False)
        if name == "case":  # the labs tab and the source text are drawn when opened
            page.get_by_role("tab", name="Laboratory results").click()
            wait_for_app(page)
            expect(page.get_by_text("troponin I (pg/mL)").first).to_be_visible()
            expect(page.get_by_test_id("stVegaLiteChart").locator("svg.marks")).to_be_visible()
            source = page.get_by_test_id("stExpander").filter(has_text="Source text (")
            source.locator("summary").click()
            wait_for_app(page)
            expect(source.get_by_text("[7] ", exact=False)).to_be_visible()
    assert requests.seen, "the browser made no request at all"
    expect(page.get_by_text("Deploy", exact=True)).to_have_count(0)


def test_a_node_click_opens_its_details_and_a_path_is_found(
    session: tuple[Page, Requests], dashboard: Server
) -> None:
    page, _ = session
    _open(page, dashboard, "")
    frame = _graph_frame(page)
    sepsis = str(CONCEPT["sepsis"])
    frame.locator("canvas").first.wait_for(state="attached")
    # Wait until the layout has placed the node, then click where Cytoscape drew it.
    handle = frame.locator("#cy")
    handle.wait_for()
    position = handle.evaluate(
        """(el, id) => new Promise(resolve => {
             // Wait until the node has been placed and has stayed put for 20 frames.
             const cy = el._cyreg.cy;
             let last = null, still = 0;
             const tick = () => {
               const node = cy.getElementById(id);
               const now = node.length ? JSON.stringify(node.renderedPosition()) : null;
               still = now !== null && now === last ? still + 1 : 0;
               last = now;
               if (still >= 20) { resolve(node.renderedPosition()); }
               else { requestAnimationFrame(tick); }
             };
             tick();
           })""",
        sepsis,
    )
    handle.click(position={"x": position["x"], "y": position["y"]})
    expect(page.get_by_text("Sentences that name it", exact=True)).to_be_visible()
    expect(page.get_by_text("Mappings:", exact=False)).to_be_visible()
    # The path finder, on the same page: each hop with its sentence.
    page.get_by_text("Path finder: how two nodes connect").click()
    wait_for_app(page)
    for label, value in (
        ("From", "sepsis (Concept)"),
        ("To", "late gadolinium enhancement (Concept)"),
    ):
        box = page.get_by_label(label, exact=True)
        box.click()
        page.keyboard.type(value)
        # the typed name is the highlighted option; Enter picks it wherever the list opens
        expect(page.get_by_role("option", name=value, exact=True)).to_have_attribute(
            "data-focused", "true"
        )
        page.keyboard.press("Enter")
        wait_for_app(page)
    expect(page.get_by_text("1. sepsis —", exact=False)).to_be_visible()
    expect(page.get_by_text("→ late gadolinium enhancement", exact=False).last).to_be_visible()


def test_a_saved_query_runs(session: tuple[Page, Requests], dashboard: Server) -> None:
    page, _ = session
    _open(page, dashboard, "sparql")
    page.get_by_label("Saved query").click()
    page.get_by_role("option").filter(has_text="labs_out_of_range").click()
    # the rerun the choice starts has drawn the query's own description (a click before
    # then can land on the button the rerun replaces and be lost on a loaded machine)
    description = saved_query("labs_out_of_range").description
    expect(page.get_by_text(description, exact=True)).to_be_visible()
    wait_for_app(page)
    page.get_by_role("button", name="Run query").click()
    wait_for_app(page)
    expect(page.get_by_text(" rows in ")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()


def test_a_citation_resolves_against_the_local_crossref(
    session: tuple[Page, Requests], dashboard: Server
) -> None:
    page, _ = session
    _open(page, dashboard, "resolve")
    page.get_by_label("References, one per line").fill("doi:10.1371/journal.pone.0033693")
    page.keyboard.press("Control+Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Resolve", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    expect(page.get_by_role("button", name="BibTeX")).to_be_enabled()


SAVED = ("concepts_by_category", "cases_by_etiology", "reference_citations", "mechanism_references")


def _expected_rows(store: Path) -> dict[str, int]:
    """Each saved query's row count, asked of the store directly (not through the app)."""
    with open_store(store) as handle:
        counts = {}
        for name in SAVED:
            result = run_query(handle, saved_query(name, QUERIES_DIR).text)
            assert result is not None
            counts[name] = len(result.rows)
    return counts


def _choose(page: Page, name: str) -> None:
    page.get_by_label("Saved query").click()
    page.get_by_role("option").filter(has_text=f"({name})").click()
    wait_for_app(page)


def _node_drawn(page: Page, node: str) -> bool:
    """The graph component has drawn ``node`` (a page in the background is not painted:
    it is brought to the front first)."""
    page.bring_to_front()
    handle = _graph_frame(page).locator("#cy")
    handle.wait_for(state="attached")
    drawn: bool = handle.evaluate(
        """(el, id) => new Promise(resolve => {
             const tick = () => {
               const cy = el._cyreg && el._cyreg.cy;
               if (cy && cy.getElementById(id).length === 1) { resolve(true); }
               else { requestAnimationFrame(tick); }
             };
             tick();
           })""",
        node,
    )
    return drawn


def test_eight_sessions_at_once_on_a_fresh_app(
    browser: Browser, fresh_dashboard: Server, seed_store: Path
) -> None:
    """Eight browser sessions open pages at the same moment on a just-started app, four of
    them then run saved queries at the same moment: every answer is the store's own, and
    the app keeps answering afterwards."""
    expected = _expected_rows(seed_store)
    opened = [new_context(browser, fresh_dashboard) for _ in range(8)]
    pages = [context.new_page() for context, _ in opened]
    paths = ["", "", "case", "literature", "sparql", "sparql", "sparql", "sparql"]
    for page, path in zip(pages, paths, strict=True):  # no waiting in between
        page.goto(f"{fresh_dashboard.url}/{path}", wait_until="commit")
    queries = dict(zip(pages[4:], SAVED, strict=True))
    for page, name in queries.items():
        wait_for_app(page)
        _choose(page, name)
    for page in queries:  # four queries run at once
        page.get_by_role("button", name="Run query").click()
    for page, name in queries.items():
        wait_for_app(page)
        expect(page.get_by_text(f"{expected[name]:,} rows in ")).to_be_visible()
    for page in pages:
        wait_for_app(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
    for page in pages[:2]:
        assert _node_drawn(page, str(CONCEPT["sepsis"]))
    expect(pages[2].get_by_text("51-year-old male", exact=False).first).to_be_visible()
    expect(pages[3].get_by_text("no related works", exact=False)).to_be_visible()

    # and afterwards: a new session gets pages and a query answered
    again, _ = new_context(browser, fresh_dashboard)
    later = again.new_page()
    _open(later, fresh_dashboard, "")
    assert _node_drawn(later, str(CONCEPT["sepsis"]))
    _open(later, fresh_dashboard, "sparql")
    _choose(later, SAVED[0])
    later.get_by_role("button", name="Run query").click()
    wait_for_app(later)
    expect(later.get_by_text(f"{expected[SAVED[0]]:,} rows in ")).to_be_visible()
    again.close()
    for context, requests in opened:
        context.close()
        assert requests.refused == []
