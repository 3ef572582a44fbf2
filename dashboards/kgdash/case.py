"""The Case page's tables and charts, from the saved queries' rows.

Why a module: the chart logic (a bound drawn as a bound, abnormal values marked) is tested
without a browser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

Row = dict[str, str]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$])")


def plain(text: str) -> str:
    """Text safe to place in Markdown: every character Markdown would act on is escaped
    (no links, images or HTML from a document ever render)."""
    return _MARKDOWN.sub(r"\\\1", text)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def timeline_table(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [
        {
            "day": r["day"] + (" (approx.)" if r["approximate"] == "true" else "")
            if r["day"]
            else "no day given",
            "when": r["timeExpression"],
            "event": r["event"],
            "modality": r["modality"],
            "setting": r["setting"],
            "findings": r["findings"],
            "sentence": int(r["sentence"]),
        }
        for r in rows
    ]


def timeline_chart(rows: Sequence[Row]) -> alt.Chart | None:
    """Events on a day axis (admission = day 0); events without a day are left off it."""
    points = [
        {
            "day": int(r["day"]),
            "event": r["event"],
            "kind": r["kind"] or "event",
            "findings": r["findings"],
        }
        for r in rows
        if r["day"]
    ]
    if not points:
        return None
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame(points))
        .mark_point(size=120, filled=True)
        .encode(
            x=alt.X("day:Q", title="day relative to admission"),
            y=alt.Y("kind:N", title=None),
            color=alt.Color("kind:N", legend=None),
            tooltip=["day:Q", "event:N", "findings:N"],
        )
        .properties(height=140)
    )
    return chart


@st.cache_data(max_entries=64, show_spinner=False)
def timeline_spec(rows: Sequence[Row]) -> dict[str, Any] | None:
    """The timeline chart as the Vega-Lite spec the browser gets: built and validated once
    per answer (Altair's build and schema check cost ~0.1 s a run), not on every rerun."""
    chart = timeline_chart(rows)
    return None if chart is None else chart.to_dict()


@st.cache_data(max_entries=64, show_spinner=False)
def lab_spec(labs: Sequence[Row]) -> dict[str, Any]:
    """The lab chart's Vega-Lite spec, built once per answer (see timeline_spec)."""
    spec: dict[str, Any] = lab_chart(labs).to_dict()
    return spec


def lab_points(labs: Sequence[Row]) -> list[dict[str, Any]]:
    """One point per result: its value, or its bound with the direction it points in."""
    points = []
    for r in labs:
        value = _number(r["value"])
        lower, upper = _number(r["lower"]), _number(r["upper"])
        shown = value if value is not None else lower if lower is not None else upper
        if shown is None:
            continue
        bound = "" if value is not None else ">" if lower is not None else "<"
        points.append(
            {
                "analyte": f"{r['name']} ({r['unit']})",
                "value": shown,
                "bound": bound,
                "written": f"{bound}{shown:g}",
                "low": _number(r["rangeLow"]),
                "high": _number(r["rangeHigh"]),
                "flag": r["flag"] or "no range given",
                "abnormal": r["flag"] in {"high", "low", "High", "Low"},
            }
        )
    return points


def lab_chart(labs: Sequence[Row]) -> alt.LayerChart | alt.FacetChart:
    """Values against their normal ranges, one row per analyte on its own scale (units
    differ); abnormal red; a bound as a triangle pointing the way it extends."""
    points = lab_points(labs)
    base = alt.Chart(pd.DataFrame(points)).encode(y=alt.Y("analyte:N", title=None))
    ranges = base.mark_bar(opacity=0.3, color="#7f8c8d", height=14).encode(
        x=alt.X("low:Q", title="value (each row in its own unit)"), x2="high:Q"
    )
    values = base.mark_point(size=140, filled=True).encode(
        x="value:Q",
        shape=alt.Shape(
            "bound:N",
            scale=alt.Scale(
                domain=["", ">", "<"], range=["circle", "triangle-right", "triangle-left"]
            ),
            legend=alt.Legend(title="given as", labelExpr="datum.label || 'value'"),
        ),
        color=alt.Color(
            "abnormal:N",
            scale=alt.Scale(domain=[True, False], range=["#c0392b", "#2a629a"]),
            legend=alt.Legend(title="outside range"),
        ),
        tooltip=["analyte:N", "written:N", "low:Q", "high:Q", "flag:N"],
    )
    layered: alt.LayerChart | alt.FacetChart = alt.layer(ranges, values)
    return layered


def lab_table(labs: Sequence[Row]) -> list[dict[str, Any]]:
    return [
        {
            "analyte": p["analyte"],
            "value": p["written"],
            "normal range": _range(p["low"], p["high"]),
            "flag": p["flag"],
        }
        for p in lab_points(labs)
    ]


def vital_table(vitals: Sequence[Row]) -> list[dict[str, Any]]:
    """Vital signs as the report writes them, with what a value is of (a blood pressure's
    systolic or diastolic)."""
    table = []
    for r in vitals:  # one row per fact, so a picked row is its fact's sentence
        point = lab_points([r])
        table.append(
            {
                "vital sign": r["label"],
                "of": r["qualifier"] or "",
                "value": point[0]["written"] if point else "not given",
                "unit": r["unit"],
            }
        )
    return table


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"> {low:g}"
    if high is not None:
        return f"< {high:g}"
    return "not given"


def by_modality(
    findings: Sequence[Row], measurements: Sequence[Row]
) -> dict[str, list[dict[str, Any]]]:
    """Imaging findings and measurements grouped by the modality that showed them."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in findings:
        grouped.setdefault(r["modality"], []).append(
            {
                "finding": ("no " if r["absent"] == "true" else "") + r["finding"],
                "measurement": "",
                "day": r["day"],
                "sentence": int(r["sentence"]),
            }
        )
    for r in measurements:
        bound = (
            ">" if r["lower"] and not r["value"] else "<" if r["upper"] and not r["value"] else ""
        )
        value = r["value"] or r["lower"] or r["upper"]
        grouped.setdefault(r["modality"] or "modality not stated", []).append(
            {
                "finding": r["name"] + (f" ({r['site']})" if r["site"] else ""),
                "measurement": f"{bound}{value} {r['unit']}"
                + (f" {r['qualifier']}" if r["qualifier"] else ""),
                "day": "",
                "sentence": int(r["sentence"]),
            }
        )
    return grouped
