"""Case: the patient, diagnoses, timeline, labs against their ranges, imaging, source text."""

from __future__ import annotations

import streamlit as st
from kgdash import case as kgcase
from kgdash.data import Rows, saved
from kgdash.panels import picked_sentence, show_sparql
from rdflib import URIRef

SECTIONS = ("Timeline", "Laboratory results", "Imaging")
SECTION_KEY = "case-section"
SOURCE_KEY = "case-source"
SHOWN_KEY = "case-source-sentence"
"""The sentence the source text was last opened at (a new pick opens it again)."""

st.title("Case")
cases = saved("case_list")
if not cases.rows:
    st.warning("The graph holds no case report. Build one: `kg build report.txt`.")
    st.stop()
by_article = {row["article"]: row for row in cases.rows}
article = next(iter(by_article))
if len(by_article) > 1:  # a picker only when there is a choice
    article = st.selectbox(
        "Case report", list(by_article), format_func=lambda a: by_article[a]["title"]
    )
chosen = by_article[article]
st.text(chosen["title"])
if chosen["doi"]:
    st.caption(f"DOI {chosen['doi']}")
case_iri = URIRef(chosen["case"]) if chosen["case"] else None
article_iri = URIRef(article)

patient = saved("case_patient", case=case_iri) if case_iri else None
summary, diagnoses_column = st.columns(2)
with summary:
    st.subheader("Patient")
    if patient is None or not patient.rows:
        st.caption("The report describes no patient the annotator could read.")
    else:
        row = patient.rows[0]
        st.text(row["patient"])
        st.text(f"Comorbidities: {row['comorbidities'] or 'none stated'}")
        st.text(f"Presented with: {row['presentation'] or 'not stated'}")
        if row["notes"]:
            st.text(row["notes"])
        show_sparql(patient, "patient")
with diagnoses_column:
    st.subheader("Diagnoses")
    diagnoses = saved("case_diagnoses", article=article_iri)
    st.dataframe(
        [
            {
                "concept": r["label"],
                "category": r["category"],
                "mentions": int(r["mentions"]),
                "first sentence": int(r["sentence"]),
            }
            for r in diagnoses.rows
        ],
        hide_index=True,
    )
    show_sparql(diagnoses, "diagnoses")

sentences = saved("case_sentences", article=article_iri)


@st.fragment
def sections(case_iri: URIRef | None, sentences: Rows) -> None:
    """The case's timeline, labs and imaging and its source text: picking a tab, a row or
    opening the text reruns only this."""
    picks: list[int | None] = []

    # The timeline, labs and imaging are tabs, and the source text an expander, each drawn only
    # when open: two Vega-Lite charts, four data grids and the whole text on one page were most
    # of a switch to this page in the browser (measured in Chromium, bench/RESULTS.md).
    if case_iri is not None:
        timeline_tab, labs_tab, imaging_tab = st.tabs(
            list(SECTIONS), key=SECTION_KEY, on_change="rerun", default=SECTIONS[0]
        )
        if timeline_tab.open:
            with timeline_tab:
                timeline = saved("case_timeline", case=case_iri)
                spec = kgcase.timeline_spec(timeline.rows)
                if spec is not None:
                    st.vega_lite_chart(spec=spec, width="stretch")
                picks.append(
                    picked_sentence(
                        kgcase.timeline_table(timeline.rows), timeline.rows, "timeline-table"
                    )
                )
                show_sparql(timeline, "timeline")
        if labs_tab.open:
            with labs_tab:
                quantities = saved("case_quantities", case=case_iri)
                labs = [r for r in quantities.rows if r["kind"] == "lab"]
                if labs:
                    st.caption(
                        "Each value against the normal range the report gives (grey bar); red = "
                        'outside it. A value given only as a bound (">1000") is drawn as an arrow '
                        "from the bound."
                    )
                    st.vega_lite_chart(spec=kgcase.lab_spec(labs), width="stretch")
                    picks.append(picked_sentence(kgcase.lab_table(labs), labs, "lab-table"))
                else:
                    st.caption("The report gives no laboratory results with units.")
                vitals = [r for r in quantities.rows if r["kind"] == "vital"]
                if vitals:
                    st.subheader("Vital signs")
                    picks.append(picked_sentence(kgcase.vital_table(vitals), vitals, "vital-table"))
                show_sparql(quantities, "quantities")
        if imaging_tab.open:
            with imaging_tab:
                quantities = saved("case_quantities", case=case_iri)
                measurements = [r for r in quantities.rows if r["kind"] == "imaging"]
                findings = saved("case_imaging_findings", case=case_iri)
                imaging = [
                    {"modality": modality, **item}
                    for modality, items in kgcase.by_modality(findings.rows, measurements).items()
                    for item in items
                ]
                st.caption("Findings and measurements grouped by the modality that showed them.")
                picks.append(picked_sentence(imaging, imaging, "imaging-table"))
                show_sparql(findings, "imaging")

    selected_sentence = next((p for p in reversed(picks) if p is not None), None)
    if selected_sentence is not None and selected_sentence != st.session_state.get(SHOWN_KEY):
        st.session_state[SOURCE_KEY] = True  # a newly picked fact opens the text at its sentence
    st.session_state[SHOWN_KEY] = selected_sentence
    source = st.expander(
        f"Source text ({len(sentences.rows)} sentences)", key=SOURCE_KEY, on_change="rerun"
    )
    if source.open:
        with source:
            if selected_sentence is not None:
                st.caption(f"Sentence {selected_sentence} (the selected fact's) is highlighted.")
            else:
                st.caption(
                    "Select a row of the timeline, lab or imaging table to highlight its sentence."
                )
            numbered = [
                (int(row["position"]), f"[{row['position']}] {row['text']}")
                for row in sentences.rows
            ]
            with st.container(height=400):
                # Three elements, not one per sentence: the text before, the highlighted sentence,
                # after; plain text (st.text), so the browser parses no Markdown and nothing
                # renders as markup.
                before = [
                    line
                    for position, line in numbered
                    if selected_sentence is None or position < selected_sentence
                ]
                if before:
                    st.text("\n".join(before))
                for position, line in numbered:
                    if position == selected_sentence:
                        st.warning(line, icon=":material/arrow_right:")
                after = [
                    line
                    for position, line in numbered
                    if selected_sentence is not None and position > selected_sentence
                ]
                if after:
                    st.text("\n".join(after))
            show_sparql(sentences, "sentences")
    elif selected_sentence is None:
        st.caption("Select a row of the timeline, lab or imaging table to see its sentence here.")


sections(case_iri, sentences)
