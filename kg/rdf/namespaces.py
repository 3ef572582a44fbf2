"""Vocabularies used in the graph and the project's own namespaces.

Every term in code comes from one of these rdflib namespaces, never a pasted IRI string.
"""

from __future__ import annotations

import re
import urllib.parse

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
C4O = Namespace("http://purl.org/spar/c4o/")
BIRO = Namespace("http://purl.org/spar/biro/")
FRBR = Namespace("http://purl.org/vocab/frbr/core#")
DOCO = Namespace("http://purl.org/spar/doco/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
OA = Namespace("http://www.w3.org/ns/oa#")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
SNOMED = Namespace("http://snomed.info/id/")
ORCID = Namespace("https://orcid.org/")
DOI = Namespace("https://doi.org/")
UCUM = Namespace("http://unitsofmeasure.org/ucum#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")  # store: kg serve

# The project's own namespaces.
CKG = Namespace("https://w3id.org/casekg/ontology#")
CONCEPT = Namespace("https://w3id.org/casekg/concept/")
ID = Namespace("https://w3id.org/casekg/id/")
GRAPH = Namespace("https://w3id.org/casekg/graph/")

PREFIXES: dict[str, Namespace] = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "dcterms": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "prov": Namespace(str(PROV)),
    "skos": Namespace(str(SKOS)),
    "schema": Namespace(str(SDO)),
    "cito": CITO,
    "fabio": FABIO,
    "c4o": C4O,
    "biro": BIRO,
    "frbr": FRBR,
    "doco": DOCO,
    "prism": PRISM,
    "bibo": BIBO,
    "oa": OA,
    "biolink": BIOLINK,
    "obo": OBO,
    "mesh": MESH,
    "snomed": SNOMED,
    "orcid": ORCID,
    "doi": DOI,
    "ucum": UCUM,
    "qudt": QUDT,
    "unit": UNIT,
    "sh": SH,
    "ckg": CKG,
    "concept": CONCEPT,
    "id": ID,
    "graph": GRAPH,
}


def prefix_map() -> dict[str, str]:
    """The prefixes as plain strings, for the triple store's parser and serialiser."""
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def prefixed_graph() -> Graph:
    """An empty graph that serialises with the prefixes above, so Turtle output reads short."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def slug(text: str) -> str:
    """A stable IRI path segment for free text (lower-case, ASCII, hyphens)."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned or "x"


_IRI_SAFE = "/:;()._-+@!$&'*,=~"


def doi_iri(doi: str) -> URIRef:
    """The IRI of a work with a DOI: https://doi.org/ plus the lower-case DOI.

    The few characters old (SICI) DOIs carry that an IRI path cannot (``<>#?"[]``, spaces)
    are percent-encoded.
    """
    return DOI[urllib.parse.quote(doi.strip().lower(), safe=_IRI_SAFE)]


def graph_iri(kind: str, key: str | None = None) -> URIRef:
    """Named graph IRI: ``graph/<kind>`` or ``graph/<kind>/<key>``."""
    return GRAPH[kind if key is None else f"{kind}/{key}"]


def document_iri(document_key: str, *path: str | int) -> URIRef:
    """IRI of a resource minted inside one document (sentence, reference, pointer...)."""
    tail = "/".join(str(p) for p in path)
    return ID[f"doc/{document_key}" + (f"/{tail}" if tail else "")]
