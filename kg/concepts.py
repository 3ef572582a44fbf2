"""The vocabulary's concepts as plain data: what the matcher, facts and claims need of them.

kg.rdf.vocabulary reads them from the SKOS file; nothing here knows RDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kg.errors import InputError
from kg.rdf.namespaces import CONCEPT


@dataclass(frozen=True)
class Concept:
    """One vocabulary concept with what the matcher and the queries need of it."""

    iri: str
    pref_label: str
    schemes: tuple[str, ...]
    labels: tuple[str, ...]
    broader: tuple[str, ...] = ()
    exact_matches: tuple[str, ...] = ()
    close_matches: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The concept's local name in the concept namespace ("sepsis", "lvef")."""
        return self.iri.removeprefix(str(CONCEPT))


@dataclass(frozen=True)
class Vocabulary:
    concepts: Mapping[str, Concept]
    schemes: Mapping[str, str]

    def concept(self, key_or_iri: str) -> Concept:
        """A concept by its key ("sepsis") or full IRI; raises InputError naming it if unknown."""
        iri = key_or_iri if key_or_iri.startswith(str(CONCEPT)) else str(CONCEPT[key_or_iri])
        try:
            return self.concepts[iri]
        except KeyError:
            raise InputError(f"no concept {key_or_iri!r} in the vocabulary") from None

    def in_scheme(self, scheme_key: str) -> tuple[Concept, ...]:
        """The concepts of one category ("etiology", "mechanism", "imaging-sign", ...)."""
        iri = str(CONCEPT[f"scheme/{scheme_key}"])
        return tuple(c for c in self.concepts.values() if iri in c.schemes)
