"""The SKOS vocabulary (ontology/vocabulary.ttl): categories, labels, hierarchy, mappings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.concepts import Vocabulary
from kg.document import Document
from kg.errors import InputError
from kg.rdf.namespaces import CKG, CONCEPT, MESH, OBO, SNOMED
from kg.rdf.vocabulary import read_vocabulary
from kg.settings import ONTOLOGY_DIR, SHARED_DIR
from kg.vocabulary import VOCABULARY_PATH

# The verified identifier notes; CI lays shared/ beside the clone, as on developer machines.
VERIFIED_NOTES = SHARED_DIR / "reference" / "vocabularies.md"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "vocabulary.ttl", format="turtle")


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return read_vocabulary(VOCABULARY_PATH)


def _concepts(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


def test_every_concept_has_one_english_preferred_label_and_a_definition(graph: Graph) -> None:
    for concept in _concepts(graph):
        labels = graph.objects(concept, SKOS.prefLabel)
        english = [lab for lab in labels if getattr(lab, "language", None) == "en"]
        assert len(english) == 1, concept
        assert graph.value(concept, SKOS.definition) is not None, concept


def test_every_concept_is_in_a_category_scheme(graph: Graph) -> None:
    categories = set(graph.subjects(RDF.type, CKG.ConceptCategory))
    assert {
        CONCEPT[f"scheme/{k}"]
        for k in ("etiology", "mechanism", "imaging-sign", "modality", "lab-test", "outcome")
    } <= categories
    for concept in _concepts(graph):
        assert set(graph.objects(concept, SKOS.inScheme)) & categories, concept


def test_broader_and_narrower_mirror_each_other(graph: Graph) -> None:
    broader = set(graph.subject_objects(SKOS.broader))
    narrower = {(child, parent) for parent, child in graph.subject_objects(SKOS.narrower)}
    assert broader == narrower


def test_top_concepts_are_those_without_a_broader_concept_in_their_scheme(graph: Graph) -> None:
    for scheme in graph.subjects(RDF.type, CKG.ConceptCategory):
        members = set(graph.subjects(SKOS.inScheme, scheme))
        tops = {c for c in members if not set(graph.objects(c, SKOS.broader)) & members}
        assert set(graph.objects(scheme, SKOS.hasTopConcept)) == tops, scheme
        assert set(graph.subjects(SKOS.topConceptOf, scheme)) == tops, scheme


def test_no_two_concepts_share_a_label(vocabulary: Vocabulary) -> None:
    owners: dict[str, set[str]] = {}
    for concept in vocabulary.concepts.values():
        for label in concept.labels:
            owners.setdefault(label.lower(), set()).add(concept.key)
    assert {label: keys for label, keys in owners.items() if len(keys) > 1} == {}


def test_every_mapped_identifier_is_listed_in_the_verified_notes(graph: Graph) -> None:
    notes = VERIFIED_NOTES.read_text(encoding="utf-8")
    numbers = set(re.findall(r"\b\d{6,18}\b", notes))
    unlisted = []
    for _, target in graph.subject_objects(SKOS.exactMatch | SKOS.closeMatch):
        iri = str(target)
        if iri.startswith(str(MESH)):
            listed = iri.removeprefix(str(MESH)) in notes
        elif iri.startswith(str(OBO)):
            curie = iri.removeprefix(str(OBO)).replace("_", ":")
            listed = re.search(rf"\b{re.escape(curie)}\b", notes) is not None
        elif iri.startswith(str(SNOMED)):
            listed = iri.removeprefix(str(SNOMED)) in numbers
        else:
            listed = False
        if not listed:
            unlisted.append(iri)
    assert unlisted == []


def test_sepsis_maps_to_its_mesh_hpo_and_snomed_identifiers(vocabulary: Vocabulary) -> None:
    sepsis = vocabulary.concept("sepsis")
    assert sepsis.exact_matches == (
        "http://id.nlm.nih.gov/mesh/D018805",
        "http://purl.obolibrary.org/obo/HP_0100806",
        "http://snomed.info/id/91302008",
    )


def test_metastatic_calcification_has_no_mapping_since_none_is_verified(
    vocabulary: Vocabulary,
) -> None:
    concept = vocabulary.concept("metastatic-calcification")
    assert concept.exact_matches == () and concept.close_matches == ()


def test_the_report_abbreviations_are_labels(vocabulary: Vocabulary) -> None:
    labels = {label for c in vocabulary.concepts.values() for label in c.labels}
    assert {
        "LV",
        "CMRI",
        "TTE",
        "PSIR",
        "ECV",
        "LGE",
        "SSFP",
        "CRP",
        "BUN",
        "CK-MB",
        "CT",
        "MRI",
        "LVEF",
    } <= labels


def test_every_korean_label_is_a_term_of_the_seed_korean_abstract(
    graph: Graph, seed_document: Document
) -> None:
    korean = {str(o) for o in graph.objects() if getattr(o, "language", None) == "ko"}
    assert {"패혈증", "신부전", "심근 석회화", "컴퓨터단층촬영", "자기공명영상", "좌심실"} <= korean
    assert [label for label in korean if label not in seed_document.source] == []


def test_concepts_are_found_by_key_and_by_category(vocabulary: Vocabulary) -> None:
    assert vocabulary.concept("tte").pref_label == "transthoracic echocardiography"
    mechanisms = {c.key for c in vocabulary.in_scheme("mechanism")}
    assert {
        "metastatic-calcification",
        "dystrophic-calcification",
        "disturbed-serum-calcium-homeostasis",
        "myocardial-necrosis",
    } <= mechanisms


def test_an_unknown_concept_key_is_an_input_error_naming_it(vocabulary: Vocabulary) -> None:
    with pytest.raises(InputError, match="no-such-concept"):
        vocabulary.concept("no-such-concept")


def test_a_broken_vocabulary_file_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "vocabulary.ttl"
    broken.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:x", "utf-8")
    with pytest.raises(InputError, match=r"vocabulary\.ttl"):
        read_vocabulary(broken)
