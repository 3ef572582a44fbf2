"""The casekg ontology (ontology/casekg.ttl): every term documented, anchored in reused terms."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef, namespace
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.rdf.namespaces import CKG, OA, OBO
from kg.settings import ONTOLOGY_DIR

# RO relations listed as verified in shared/reference/vocabularies.md (section 1.1).
VERIFIED_RO = {
    "RO_0002200",
    "RO_0002201",
    "RO_0002452",
    "RO_0004029",
    "RO_0003303",
    "RO_0003302",
    "RO_0003304",
    "RO_0002326",
    "RO_0002410",
    "RO_0002610",
    "RO_0002558",
    "RO_0001025",
    "RO_0004026",
    "RO_0004019",
    "RO_0002606",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "casekg.ttl", format="turtle")


def _terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CKG))}


def test_every_term_has_an_english_label_and_a_definition(ontology: Graph) -> None:
    def english(term: URIRef) -> bool:
        labels = ontology.objects(term, RDFS.label)
        return any(getattr(label, "language", None) == "en" for label in labels)

    undocumented = [
        t for t in _terms(ontology) if not english(t) or ontology.value(t, SKOS.definition) is None
    ]
    assert undocumented == []


def test_the_terms_the_facts_and_claims_need_are_declared(ontology: Graph) -> None:
    needed = {
        OWL.Class: (
            "Case",
            "Patient",
            "Finding",
            "LabResult",
            "ImagingFinding",
            "Measurement",
            "TimelineEvent",
            "Claim",
            "ConceptMention",
            "ConceptCategory",
        ),
        OWL.DatatypeProperty: (
            "value",
            "ucumUnit",
            "referenceRangeLow",
            "referenceRangeHigh",
            "lowerBound",
            "dayRelativeToAdmission",
            "matchScore",
            "matchReason",
            "matchStatus",
        ),
        OWL.ObjectProperty: (
            "abnormalFlag",
            "claimSubject",
            "claimPredicate",
            "claimObject",
            "evidenceSentence",
            "assertionKind",
        ),
    }
    for kind, names in needed.items():
        for name in names:
            assert (CKG[name], RDF.type, kind) in ontology, name


def test_a_lab_result_is_a_measurement_is_a_schema_quantitative_value(ontology: Graph) -> None:
    ancestors = set(ontology.transitive_objects(CKG.LabResult, RDFS.subClassOf))
    assert {CKG.Measurement, CKG.Finding, namespace.SDO.QuantitativeValue} <= ancestors


def test_a_concept_mention_is_a_web_annotation(ontology: Graph) -> None:
    assert (CKG.ConceptMention, RDFS.subClassOf, OA.Annotation) in ontology


def test_the_abnormal_flag_is_one_of_high_low_normal(ontology: Graph) -> None:
    members = ontology.value(CKG.AbnormalFlag, OWL.oneOf)
    assert members is not None
    assert set(ontology.items(members)) == {CKG.High, CKG.Low, CKG.Normal}


def test_claim_relations_specialise_verified_relation_ontology_terms(ontology: Graph) -> None:
    supers = {
        relation: ontology.value(relation, RDFS.subPropertyOf)
        for relation in (
            CKG.causes,
            CKG.contributesTo,
            CKG.manifestsAs,
            CKG.increasesRiskOf,
            CKG.associatedWith,
        )
    }
    assert supers[CKG.causes] == OBO.RO_0003303
    assert supers[CKG.manifestsAs] == OBO.RO_0002200
    used = {
        str(o).removeprefix(str(OBO)) for o in ontology.objects() if str(o).startswith(str(OBO))
    }
    assert used <= VERIFIED_RO


def test_schema_org_terms_use_the_https_namespace(ontology: Graph) -> None:
    assert not [o for o in ontology.objects() if str(o).startswith("http://schema.org/")]
