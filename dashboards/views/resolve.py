"""Resolve: reference strings in, DOI, status, score and reasons out, with downloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import streamlit as st
from kgdash import resolving

from kg.citeformats import CslItem, csl_item, to_bibtex, to_csljson, to_ris
from kg.commands.resolve import as_record
from kg.errors import KgError
from kg.resolve import resolve_citations
from kg.settings import Settings

MAX_LINES = 500

st.title("Resolve")
settings = Settings.resolve()
st.caption(
    "Paste reference strings, one per line, or upload a text file. Each is looked up in "
    f"Crossref ({settings.crossref_api}) through casekg's cache; this page is the only one "
    "that sends anything off this machine, and only what you paste."
)
pasted = st.text_area("References, one per line", height=180, key="resolve-text")
uploaded = st.file_uploader("…or a text file", type=["txt"], key="resolve-file")
lines = [line.strip() for line in pasted.splitlines() if line.strip()]
if uploaded is not None:
    lines += [
        line.strip()
        for line in uploaded.getvalue().decode("utf-8", errors="replace").splitlines()
        if line.strip()
    ]
if len(lines) > MAX_LINES:
    st.warning(f"Only the first {MAX_LINES} of {len(lines)} lines are resolved.")
    lines = lines[:MAX_LINES]

if st.button("Resolve", type="primary", disabled=not lines):
    bar = st.progress(0.0, text=f"0 of {len(lines)}")
    done = [0]

    def advance() -> None:
        done[0] += 1
        bar.progress(min(done[0] / len(lines), 1.0), text=f"{done[0]} of {len(lines)}")

    started = datetime.now(UTC)
    try:
        batch = resolve_citations(lines, settings, progress=advance)
    except KgError as exc:
        st.error(str(exc))
        st.stop()
    bar.progress(1.0, text=f"{len(lines)} of {len(lines)}")
    if batch.nothing_answered:
        st.error(
            "Crossref is not reachable and none of these lines was in the cache: nothing "
            f"could be checked. {batch.notice or ''}"
        )
    elif batch.unavailable:
        st.warning(
            f"Crossref is not reachable: {len(batch.unavailable)} lines were not in the cache "
            f"and could not be checked; the others came from the cache. {batch.notice or ''}"
        )
    elif batch.notice:
        st.warning(f"Crossref could not be asked for every line: {batch.notice}")
    st.session_state["resolve-summary"] = resolving.summary(batch, started)
    st.session_state["resolve-results"] = [
        {**as_record(r), "from": where}
        for r, where in zip(batch.resolutions, resolving.markers(batch, started), strict=True)
    ]
    matched = [r.work for r in batch.resolutions if r.work is not None and r.status == "matched"]
    st.session_state["resolve-items"] = list(
        {csl_item(w)["id"]: csl_item(w) for w in matched}.values()
    )

shown = cast(list[dict[str, Any]], st.session_state.get("resolve-results") or [])
if shown:
    st.info(str(st.session_state.get("resolve-summary", "")))
    st.dataframe(
        [
            {
                "input": r["input"],
                "from": r["from"],
                "DOI": r["doi"],
                "status": r["status"],
                "score": r["score"],
                "reasons": " | ".join(r["reasons"]),
                "title": r["title"],
                "year": r["year"],
                "URL asked": r["source_url"] or "",
            }
            for r in shown
        ],
        hide_index=True,
    )
    items = cast(list[CslItem], st.session_state.get("resolve-items") or [])
    st.caption(f"{len(items)} matched works can be downloaded; unmatched lines are left out.")
    columns = st.columns(3)
    columns[0].download_button("BibTeX", to_bibtex(items), "references.bib", disabled=not items)
    columns[1].download_button("RIS", to_ris(items), "references.ris", disabled=not items)
    columns[2].download_button("CSL-JSON", to_csljson(items), "references.json", disabled=not items)
