"""The saved queries of the facts and claims, on a real offline build of the seed.

Each test asserts the rows a clinician reading the report would agree with.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from seed_graph import SeedBuild

from kg.query import run_query, saved_queries, saved_query
from kg.store import GraphStore, open_store

Rows = list[dict[str, str]]
MINE = (
    "mechanism_references",
    "etiology_mechanism_sign",
    "labs_out_of_range",
    "case_timeline",
    "reference_citations",
    "imaging_measurements",
)


@pytest.fixture(scope="module")
def store(seed_build: SeedBuild) -> Iterator[GraphStore]:
    report = seed_build.report
    assert report.validation is not None
    assert report.validation.conforms, report.validation.summary()
    with open_store(seed_build.settings.store) as opened:
        yield opened


def _rows(store: GraphStore, name: str) -> Rows:
    result = run_query(store, saved_query(name).text)
    assert result is not None
    return [
        {k: "" if v is None else str(v) for k, v in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def _set(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


@pytest.mark.parametrize("name", MINE)
def test_each_query_has_a_title_and_a_description(name: str) -> None:
    query = saved_query(name)
    assert query.title and len(query.description) > 40
    assert name in {q.name for q in saved_queries()}


def test_labs_out_of_range_computed_from_a_range_or_stated_in_words(store: GraphStore) -> None:
    rows = _rows(store, "labs_out_of_range")
    table = {
        r["analyte"]: (r["value"], r["unit"], r["rangeLow"], r["rangeHigh"], r["flag"])
        for r in rows
    }
    assert table == {
        "creatinine": ("5.1", "mg/dL", "0.6", "1.1", "high"),
        "blood urea nitrogen": ("79.3", "mg/dL", "8", "20", "high"),
        "serum calcium": ("7.3", "mg/dL", "8.7", "10.6", "low"),
        "serum phosphate": ("5.3", "mg/dL", "2.5", "4.7", "high"),
        "C-reactive protein": ("11.8", "mg/dL", "", "", "high"),
        "leukocyte count": ("32322", "/uL", "", "", "high"),
        "troponin I": ("> 1000", "pg/mL", "", "", "high"),
        "creatine kinase myocardial band": ("> 15", "ng/mL", "", "", "high"),
    }
    stated = {r["analyte"]: r["statedAs"] for r in rows if r["statedAs"]}
    assert stated == {
        "C-reactive protein": "elevated",
        "leukocyte count": "leukocytosis",
        "troponin I": "elevated",
        "creatine kinase myocardial band": "elevated",
    }
    creatinine = next(r for r in rows if r["analyte"] == "creatinine")
    assert creatinine["reportedAs"].startswith("creatine (average: 5.10 mg/dL")
    assert creatinine["qualifier"] == "average"
    assert creatinine["sentence"] == "9"


def test_the_timeline_runs_from_the_outside_ct_to_three_month_follow_up(
    store: GraphStore,
) -> None:
    rows = _rows(store, "case_timeline")
    assert [(r["day"], r["event"], r["modality"]) for r in rows] == [
        ("-1", "chest CT", "chest CT"),
        ("0", "admission", ""),
        ("6", "pre-enhanced liver CT", "pre-enhanced liver CT"),
        ("7", "chest CT", "chest CT"),
        ("13", "transthoracic echocardiography", "transthoracic echocardiography"),
        ("90", "TTE", "transthoracic echocardiography"),
        # The follow-up chest CT's sentence gives no time: none is borrowed (issue 9).
        ("", "CMRI", "cardiac MRI"),
        ("", "chest CT", "chest CT"),
    ]
    by_day = {(r["day"], r["event"]): r for r in rows}
    outside = by_day[("-1", "chest CT")]
    assert (outside["findings"], outside["setting"]) == (
        "no mid-wall LV calcification on CT",
        "outside the hospital",
    )
    assert by_day[("6", "pre-enhanced liver CT")]["findings"] == "mid-wall LV calcification on CT"
    assert _set(by_day[("7", "chest CT")]["findings"].replace(";", ",")) == {
        "calcification",
        "pleural effusion",
    }
    assert by_day[("0", "admission")]["setting"] == "emergency room"
    follow_up = by_day[("90", "TTE")]
    assert (follow_up["approximate"], follow_up["offset"]) == ("true", "P3M")
    assert by_day[("", "CMRI")]["note"] == "day not stated in the report"
    assert by_day[("", "chest CT")]["note"] == "day not stated in the report"


def test_references_supporting_each_mechanism(store: GraphStore) -> None:
    rows = _rows(store, "mechanism_references")
    support: dict[str, set[str]] = {}
    for row in rows:
        support.setdefault(row["mechanism"], set()).add(row["reference"])
    assert support == {
        "metastatic calcification": {"2", "3", "4"},
        "dystrophic calcification": {"2", "3", "4"},
        "disturbed serum calcium homeostasis": {"2", "3", "4"},
        "myocardial necrosis": {"2", "3", "4"},
        "calcium deposition": {"5", "9"},
    }
    short_t1 = next(
        r for r in rows if r["mechanism"] == "calcium deposition" and r["reference"] == "9"
    )
    assert short_t1["claims"] == "calcium deposition manifests as T1 shortening"
    assert short_t1["citationFunctions"] == "cito:obtainsSupportFrom"
    assert short_t1["referenceTitle"] == "Characterization of cardiac masses with T1 mapping"
    metastatic = next(
        r for r in rows if r["mechanism"] == "metastatic calcification" and r["reference"] == "3"
    )
    assert "hyperparathyroidism associated with metastatic calcification" in metastatic["claims"]
    # The passage's marker (2-4) covers several claims without saying which it supports.
    assert metastatic["attributions"] == "shared"
    assert not metastatic["citationFunctions"]


def test_etiology_to_mechanism_to_imaging_sign_paths(store: GraphStore) -> None:
    rows = {
        (r["etiology"], r["mechanism"], r["sign"]): r
        for r in _rows(store, "etiology_mechanism_sign")
    }
    sign = "mid-wall LV calcification on CT"
    for etiology in ("sepsis", "renal failure", "hyperparathyroidism", "chronic renal failure"):
        assert rows[(etiology, "metastatic calcification", sign)]["direct"] == "true"
    acute = rows[("acute renal failure", "metastatic calcification", sign)]
    assert acute["through"] == "disturbed serum calcium homeostasis"
    assert ("sepsis", "myocardial damage", "high signal intensity") in rows
    background = rows[("hyperparathyroidism", "metastatic calcification", sign)]
    assert int(background["interpretations"]) > 0 and int(background["background"]) > 0
    assert int(background["claims"]) == int(background["interpretations"]) + int(
        background["background"]
    )


def test_what_each_reference_is_cited_for(store: GraphStore) -> None:
    rows = {r["reference"]: r for r in _rows(store, "reference_citations")}
    assert set(rows) == {str(n) for n in range(1, 10)}
    assert rows["1"]["claims"] == (
        "myocardial infarction associated with focal myocardial calcification "
        "(background literature)"
    )
    assert rows["1"]["pointers"] == "(1, 2)"
    assert set(rows["5"]["claims"].split("; ")) == {
        f"calcium deposition increases risk of {outcome} (background literature)"
        for outcome in (
            "arrhythmia",
            "left ventricular dilatation",
            "cardiomyopathy",
        )
    } | {"calcium deposition associated with conduction disturbance (background literature)"}
    # Reference 7 (cardiac sarcoidosis) supports the sarcoidosis claim alone.
    assert rows["7"]["claims"] == (
        "sarcoidosis causes diffuse myocardial calcification (background literature)"
    )
    assert rows["7"]["title"] == "Cardiac sarcoidosis"
    assert rows["9"]["claims"] == (
        "calcium deposition manifests as T1 shortening (authors' interpretation)"
    )
    assert "cito:citesAsEvidence" in rows["3"]["citationFunctions"]


def test_imaging_measurements_with_modality_and_site(store: GraphStore) -> None:
    rows = _rows(store, "imaging_measurements")
    table = {(r["quantity"], r["value"]): r for r in rows}
    assert set(table) == {
        ("left ventricular ejection fraction", "59"),
        ("native T1", "1335"),
        ("native T1", "1120"),
        ("extracellular volume fraction", "54.8"),
    }
    assert table[("left ventricular ejection fraction", "59")]["modality"] == (
        "transthoracic echocardiography"
    )
    t1 = table[("native T1", "1335")]
    assert (t1["unit"], t1["site"], t1["qualifier"], t1["modality"]) == (
        "ms",
        "mid-LV",
        "average",
        "cardiac MRI",
    )
    assert _set(t1["alsoReportedIn"]) == {"44", "54"}
    short = table[("native T1", "1120")]
    assert (short["site"], short["describedAs"]) == ("inferior wall of the LV", "T1 shortening")
