"""SHACL validation: the seed build conforms; each shape catches the graph that breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from seed_graph import SeedBuild

from kg.cli import main
from kg.store import open_store
from kg.validate import ValidationReport, validate_graph, validate_store

PREFIXES = """
@prefix ckg: <https://w3id.org/casekg/ontology#> .
@prefix concept: <https://w3id.org/casekg/concept/> .
@prefix scheme: <https://w3id.org/casekg/concept/scheme/> .
@prefix biro: <http://purl.org/spar/biro/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix doco: <http://purl.org/spar/doco/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:sentence a doco:Sentence .
"""


def _check(turtle: str) -> ValidationReport:
    return validate_graph(Graph().parse(data=PREFIXES + turtle, format="turtle"))


def _problems(report: ValidationReport) -> list[tuple[str, str | None]]:
    return [(v.focus, v.path) for v in report.violations]


def test_the_build_of_the_bundled_case_reports_conforms(seed_build: SeedBuild) -> None:
    validation = seed_build.report.validation
    assert validation is not None
    assert validation.violations == ()
    assert validation.conforms


def test_kg_validate_exits_0_on_the_bundled_build(
    seed_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--store", str(seed_store)]) == 0
    assert capsys.readouterr().out.startswith("conforms:")


def test_kg_validate_exits_1_naming_focus_path_and_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        PREFIXES + "ex:m1 a ckg:LabResult ; ckg:value 5.1 ; ckg:evidenceSentence ex:sentence .",
        encoding="utf-8",
    )
    assert main(["import", str(bad), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["validate", "--store", str(store)]) == 1
    out = capsys.readouterr().out
    assert "measurement has no unit" in out
    assert "focus node: <https://example.org/m1>" in out
    assert "path:       ckg:ucumUnit" in out


def test_kg_validate_without_a_built_graph_is_a_store_error(tmp_path: Path) -> None:
    assert main(["validate", "--store", str(tmp_path / "nothing")]) == 3


def test_a_reference_without_a_year_violates() -> None:
    report = _check(
        'ex:ref a biro:BibliographicReference ; biro:references ex:w . ex:w dcterms:title "T" .'
    )
    assert _problems(report) == [
        (
            "<https://example.org/ref>",
            "biro:references / fabio:hasPublicationYear | ckg:yearNotStated",
        )
    ]


def test_a_reference_without_a_title_violates() -> None:
    report = _check(
        "ex:ref a biro:BibliographicReference ; biro:references ex:w . "
        'ex:w fabio:hasPublicationYear "2016"^^xsd:gYear .'
    )
    assert _problems(report) == [
        ("<https://example.org/ref>", "biro:references / dcterms:title | ckg:titleNotStated")
    ]


def test_a_reference_that_says_its_printed_form_gives_no_title_or_year_conforms() -> None:
    report = _check(
        "ex:ref a biro:BibliographicReference ; biro:references ex:w . "
        "ex:w ckg:titleNotStated true ; ckg:yearNotStated true ."
    )
    assert _problems(report) == []


def test_a_claim_without_evidence_violates() -> None:
    report = _check("""
        ex:c a ckg:Claim ; ckg:claimSubject concept:sepsis ; ckg:claimPredicate ckg:causes ;
             ckg:claimObject concept:dystrophic-calcification ;
             ckg:assertionKind ckg:BackgroundLiterature .
        concept:sepsis a skos:Concept ; skos:prefLabel "sepsis"@en ; skos:definition "d" ;
            skos:inScheme scheme:etiology .
        concept:dystrophic-calcification a skos:Concept ; skos:prefLabel "dc"@en ;
            skos:definition "d" ; skos:inScheme scheme:etiology .
        scheme:etiology a ckg:ConceptCategory .
    """)
    assert _problems(report) == [("<https://example.org/c>", "ckg:evidenceSentence")]


def test_a_measurement_without_a_unit_violates() -> None:
    report = _check("ex:m a ckg:LabResult ; ckg:value 5.10 ; ckg:evidenceSentence ex:sentence .")
    assert _problems(report) == [("<https://example.org/m>", "ckg:ucumUnit")]


def test_a_lower_bound_alone_is_a_valid_measurement() -> None:
    report = _check(
        'ex:m a ckg:LabResult ; ckg:lowerBound 1000 ; ckg:ucumUnit "pg/mL" ; '
        "ckg:abnormalFlag ckg:High ; ckg:evidenceSentence ex:sentence ."
    )
    assert report.conforms


def test_a_measurement_with_neither_value_nor_bound_violates() -> None:
    report = _check(
        'ex:m a ckg:ImagingMeasurement ; ckg:ucumUnit "%" ; ckg:evidenceSentence ex:sentence .'
    )
    assert [v.message for v in report.violations] == ["measurement has neither a value nor a bound"]


def test_an_annotation_without_a_selector_violates() -> None:
    report = _check(
        "ex:a a oa:Annotation ; oa:hasBody ex:b ; oa:hasTarget ex:t . ex:t oa:hasSource ex:source ."
    )
    assert _problems(report) == [("<https://example.org/a>", "oa:hasTarget / oa:hasSelector")]


def test_an_annotation_without_a_target_violates_on_both_target_paths() -> None:
    report = _check("ex:a a oa:Annotation ; oa:hasBody ex:b .")
    assert _problems(report) == [
        ("<https://example.org/a>", "oa:hasTarget / oa:hasSelector"),
        ("<https://example.org/a>", "oa:hasTarget / oa:hasSource"),
    ]


@pytest.mark.parametrize("kept", ["oa:TextQuoteSelector", "oa:TextPositionSelector"])
def test_a_concept_mention_needs_both_kinds_of_selector(kept: str) -> None:
    report = _check(f"""
        concept:c a skos:Concept ; skos:prefLabel "c"@en ; skos:definition "d" ;
            skos:inScheme scheme:s .
        scheme:s a ckg:ConceptCategory .
        ex:a a ckg:ConceptMention, oa:Annotation ; oa:hasBody concept:c ; oa:hasTarget ex:t .
        ex:t oa:hasSource ex:source ; oa:hasSelector ex:s .
        ex:s a {kept} .
    """)
    mention = [v for v in report.violations if v.focus == "<https://example.org/a>"]
    assert [v.path for v in mention] == ["oa:hasTarget / oa:hasSelector / rdf:type"]


def test_a_selector_ending_before_it_starts_violates() -> None:
    report = _check("ex:s a oa:TextPositionSelector ; oa:start 20 ; oa:end 10 .")
    assert _problems(report) == [("<https://example.org/s>", "oa:start")]


def test_a_mapping_outside_the_verified_identifier_forms_violates() -> None:
    report = _check("""
        concept:x a skos:Concept ; skos:prefLabel "x"@en ; skos:definition "d" ;
            skos:inScheme scheme:etiology ; skos:exactMatch <http://www.radlex.org/RID/RID10321> .
        scheme:etiology a ckg:ConceptCategory .""")
    assert _problems(report) == [("concept:x", "skos:exactMatch | skos:closeMatch")]


def test_build_and_validate_check_the_same_triples_after_a_fresh_build(
    seed_build: SeedBuild, seed_store: Path
) -> None:
    built = seed_build.report.validation
    assert built is not None
    with open_store(seed_store) as store:
        stored = validate_store(store)
    assert stored.triples == built.triples
    assert "the graphs this build wrote" in built.summary()
    assert "every named graph in the store" in stored.summary()
