"""Synthetic literature graphs shaped like a real `kg build`, for the store benchmarks.

The seed is one case report (9.5k triples); the stores must be measured at 100k, 1M and 10M
triples on graphs the saved and dashboard queries find real answers in. This writes N-Quads
with the named graphs, IRIs and vocabulary terms of a build (kg/rdf/): the shared ontology,
vocabulary and shapes graphs as they are, then case reports, each with its document graph
(metadata, authors, sections, sentences, 30-60 references, in-text pointers), crossref graph
(resolutions, the works resolved to and their own deposited references: the citation network
between works), annotations graph (concept mentions, claims citing references, lab results,
imaging measurements, timeline events) and provenance record, until the target is reached.

Which works a reference or a work cites is drawn from a Zipf law over one pool of works, so
the citation network is skewed as real ones are (a few works cited everywhere, most rarely).
Everything comes from ``random.Random`` seeded per case and per work: the same seed and size
give the same bytes, and a work cites the same works wherever it appears. Lines are written
case by case, so a 10M-triple file never sits in memory.

    python bench/synth.py --triples 1000000 --seed 1 -o /tmp/synth-1m.nq
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SDO, SKOS, XSD

from kg.rdf.crossref import resolution_iri
from kg.rdf.document import (
    pointer_iri,
    reference_iri,
    reference_list_iri,
    section_iri,
    sentence_iri,
    source_iri,
    work_iri,
)
from kg.rdf.namespaces import (
    BIRO,
    C4O,
    CITO,
    CKG,
    CONCEPT,
    DOCO,
    FABIO,
    FRBR,
    ID,
    OA,
    PRISM,
    document_iri,
    doi_iri,
    graph_iri,
    slug,
)
from kg.rdf.ontology import ontology_graphs

Quad = tuple[str, str, str]
"""Subject, predicate, object already in N-Triples syntax (the graph is added per block)."""

SECTIONS = ("Abstract", "Introduction", "Case report", "Discussion", "Conclusion")
WORDS = [
    "myocardial",
    "calcification",
    "sepsis",
    "renal",
    "failure",
    "patient",
    "calcium",
    "deposition",
    "echocardiography",
    "computed",
    "tomography",
    "hyperparathyroidism",
    "necrosis",
    "serum",
    "phosphate",
    "left",
    "ventricle",
    "enhancement",
    "dystrophic",
    "metastatic",
    "imaging",
    "findings",
    "diffuse",
    "wall",
    "septum",
    "troponin",
    "follow-up",
    "week",
    "day",
    "admission",
    "intensive",
    "care",
    "unit",
    "reported",
    "literature",
    "lesion",
    "signal",
    "mechanism",
    "outcome",
]
SURNAMES = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Martin",
    "Silva",
    "Tanaka",
    "Nguyen",
    "Cohen",
    "Novak",
    "Dubois",
    "Jensen",
    "Kowalski",
    "Schmidt",
    "Brown",
    "Wilson",
    "Taylor",
    "Moreau",
    "Sato",
    "Chen",
]
JOURNALS = (
    "J Korean Soc Radiol",
    "Radiology",
    "Eur Heart J",
    "Circulation",
    "Am J Roentgenol",
    "J Cardiovasc Magn Reson",
    "Kidney Int",
    "Crit Care Med",
    "Heart",
    "Eur Radiol",
)
LABS = (  # analyte concept, UCUM unit, reference range
    ("serum-calcium", "mg/dL", 8.5, 10.5),
    ("serum-phosphate", "mg/dL", 2.5, 4.5),
    ("creatinine", "mg/dL", 0.6, 1.2),
    ("blood-urea-nitrogen", "mg/dL", 8.0, 20.0),
    ("c-reactive-protein", "mg/dL", 0.0, 0.5),
    ("troponin-i", "ng/mL", 0.0, 0.04),
    ("parathyroid-hormone", "pg/mL", 15.0, 65.0),
)
MEASUREMENTS = (("lvef", "%"), ("native-t1", "ms"), ("extracellular-volume", "%"))
EVENTS = ("admission", "chest CT", "echocardiography", "cardiac MRI", "discharge", "follow-up CT")
CITATION_FUNCTIONS = ("citesAsEvidence", "citesForInformation", "obtainsSupportFrom")


def iri(term: str) -> str:
    return f"<{term}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def text(value: str, lang: str | None = None) -> str:
    quoted = f'"{value.translate(_ESCAPES)}"'
    return f"{quoted}@{lang}" if lang else quoted


def typed(value: object, datatype: URIRef) -> str:
    return f'"{value}"^^<{datatype}>'


def _term(node: object) -> str:
    if isinstance(node, URIRef):
        return iri(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    assert isinstance(node, Literal)
    if node.language:
        return text(str(node), node.language)
    if node.datatype is not None:
        return f"{text(str(node))}^^<{node.datatype}>"
    return text(str(node))


A = iri(RDF.type)
TRUE, FALSE = typed("true", XSD.boolean), typed("false", XSD.boolean)


class Zipf:
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** exponent."""

    def __init__(self, n: int, exponent: float) -> None:
        self.cumulative = list(itertools.accumulate(1 / (k + 1) ** exponent for k in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])

    def sample(self, rng: random.Random, count: int) -> list[int]:
        """``count`` distinct ranks (fewer if the pool is smaller)."""
        count = min(count, len(self.cumulative))
        chosen: dict[int, None] = {}
        while len(chosen) < count:
            chosen[self.draw(rng)] = None
        return list(chosen)


@dataclass(frozen=True)
class Vocabulary:
    """The concepts of the real vocabulary graph, by scheme, that synthetic cases mention."""

    etiologies: tuple[str, ...]
    mechanisms: tuple[str, ...]
    signs: tuple[str, ...]
    everything: tuple[str, ...]
    labels: dict[str, str]


def _vocabulary(graph: Graph) -> Vocabulary:
    scheme = CONCEPT["scheme/"]

    def members(name: str) -> tuple[str, ...]:
        return tuple(sorted(str(c) for c in graph.subjects(SKOS.inScheme, URIRef(scheme + name))))

    labels = {
        str(s): str(o)
        for s, o in graph.subject_objects(SKOS.prefLabel)
        if isinstance(o, Literal) and o.language == "en"
    }
    concepts = tuple(sorted(str(c) for c in graph.subjects(RDF.type, SKOS.Concept)))
    return Vocabulary(
        members("etiology"), members("mechanism"), members("imaging-sign"), concepts, labels
    )


class Writer:
    """N-Quads out, one named graph block at a time, counting what it wrote."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.quads = 0

    def block(self, graph: URIRef, quads: Sequence[Quad]) -> None:
        name = iri(graph)
        distinct = dict.fromkeys(quads)  # a graph holds a triple once
        self.out.write("".join(f"{s} {p} {o} {name} .\n" for s, p, o in distinct))
        self.quads += len(distinct)


@functools.cache
def _shared() -> tuple[tuple[tuple[URIRef, list[Quad]], ...], Vocabulary]:
    """Read once per process: canonicalising the blank nodes takes a while."""
    blocks: list[tuple[URIRef, list[Quad]]] = []
    vocabulary = None
    for named in ontology_graphs():
        canonical = to_canonical_graph(named.graph)
        blocks.append((named.iri, sorted((_term(s), _term(p), _term(o)) for s, p, o in canonical)))
        if named.iri == graph_iri("vocabulary"):
            vocabulary = _vocabulary(named.graph)
    assert vocabulary is not None, "no vocabulary graph among the ontology files"
    return tuple(blocks), vocabulary


def shared_graphs(writer: Writer) -> Vocabulary:
    """The ontology, vocabulary and shapes graphs of every build, blank nodes made stable."""
    blocks, vocabulary = _shared()
    for name, quads in blocks:
        writer.block(name, quads)
    return vocabulary


class Literature:
    """The pool of works cases cite; work ``n`` is the same wherever it appears."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.popularity = Zipf(size, 1.1)

    def doi(self, n: int) -> str:
        return f"10.5555/casekg-synth.work.{n}"

    def title(self, n: int) -> str:
        rng = random.Random(f"{self.seed}:title:{n}")
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()

    def year(self, n: int) -> int:
        return 1970 + n * 7919 % 54

    def journal(self, n: int) -> str:
        return JOURNALS[n * 31 % len(JOURNALS)]

    def cites(self, n: int) -> list[int]:
        """The works work ``n`` deposits as its references (not itself)."""
        rng = random.Random(f"{self.seed}:work:{n}")
        return [m for m in self.popularity.sample(rng, rng.randint(4, 24)) if m != n]

    def crossref(self, work: URIRef, n: int) -> list[Quad]:
        """What a Crossref record of work ``n`` adds: metadata, authors, deposited references."""
        w = iri(work)
        doi = self.doi(n)
        quads: list[Quad] = [
            (w, A, iri(FABIO.Expression)),
            (w, A, iri(FABIO.JournalArticle)),
            (w, iri(PRISM.doi), text(doi)),
            (w, iri(DCTERMS.title), text(self.title(n))),
            (w, iri(FABIO.hasPublicationYear), typed(f"{self.year(n):04d}", XSD.gYear)),
            (w, iri(PRISM.publicationName), text(self.journal(n))),
            (w, iri(PRISM.volume), text(str(n % 90 + 1))),
        ]
        for position in range(1, 3 + n % 3):
            person = iri(ID[f"crossref/{slug(doi)}/author/{position}"])
            family = SURNAMES[(n + position) % len(SURNAMES)]
            quads += [
                (w, iri(DCTERMS.creator), person),
                (person, A, iri(FOAF.Person)),
                (person, iri(FOAF.familyName), text(family)),
                (person, iri(FOAF.name), text(f"J {family}")),
            ]
        for m in self.cites(n):
            cited = iri(doi_iri(self.doi(m)))
            quads += [
                (w, iri(CITO.cites), cited),
                (cited, iri(PRISM.doi), text(self.doi(m))),
                (cited, A, iri(FABIO.Expression)),
            ]
        return quads


def case_doi(number: int) -> str:
    """The DOI of synthetic case report ``number`` (10.5555 is Crossref's test prefix)."""
    return f"10.5555/casekg-synth.case.{number}"


@dataclass(frozen=True)
class Reference:
    number: int
    work: int
    prints_doi: bool
    resolved: bool


class CaseReport:
    """One synthetic case report and the four graphs a build makes of it."""

    def __init__(
        self, number: int, seed: int, literature: Literature, vocabulary: Vocabulary
    ) -> None:
        self.rng = random.Random(f"{seed}:case:{number}")
        self.literature = literature
        self.vocabulary = vocabulary
        self.doi = case_doi(number)
        self.key = slug(self.doi)
        self.article = iri(doi_iri(self.doi))
        self.title = f"Case {number}: " + self.words(8)
        rng = self.rng
        self.sentences = rng.randint(70, 140)
        works = literature.popularity.sample(rng, rng.randint(30, 60))
        self.references = [
            Reference(k, work, rng.random() < 0.5, rng.random() < 0.85)
            for k, work in enumerate(works, start=1)
        ]

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def sentence(self, index: int) -> str:
        return iri(sentence_iri(self.key, index))

    def cited_work(self, reference: Reference) -> str:
        """The work the document graph says a reference points at (cf. cited_work_iri)."""
        if reference.prints_doi:
            return iri(doi_iri(self.literature.doi(reference.work)))
        return iri(document_iri(self.key, "reference", reference.number, "work"))

    def write(self, writer: Writer) -> None:
        writer.block(graph_iri("document", self.key), self.document())
        writer.block(graph_iri("crossref", self.key), self.crossref())
        writer.block(graph_iri("annotations", self.key), self.annotations())
        writer.block(graph_iri("provenance/document", self.key), self.provenance())

    # graph/document/<key>

    def document(self) -> list[Quad]:
        rng, key, article = self.rng, self.key, self.article
        work = iri(work_iri(key))
        quads: list[Quad] = [
            (article, A, iri(FABIO.JournalArticle)),
            (article, A, iri(SDO.ScholarlyArticle)),
            (article, iri(SDO.publicationType), text("Case Reports")),
            (article, iri(FRBR.realizationOf), work),
            (work, A, iri(FABIO.ClinicalCaseReport)),
            (work, iri(FRBR.realization), article),
            (article, iri(DCTERMS.title), text(self.title, "en")),
            (article, iri(RDFS.label), text(self.title, "en")),
            (article, iri(PRISM.doi), text(self.doi)),
            (article, iri(DCTERMS.dateAccepted), typed(f"20{rng.randint(10, 24)}-03-01", XSD.date)),
            (article, iri(DCTERMS.abstract), text(self.words(60), "en")),
        ]
        quads += [(article, iri(PRISM.keyword), text(self.words(2))) for _ in range(4)]
        for position in range(1, rng.randint(3, 8)):
            person = iri(document_iri(key, "author", position))
            family = rng.choice(SURNAMES)
            quads += [
                (article, iri(DCTERMS.creator), person),
                (person, A, iri(FOAF.Person)),
                (person, iri(FOAF.name), text(f"Jin {family}")),
                (person, iri(FOAF.givenName), text("Jin")),
                (person, iri(FOAF.familyName), text(family)),
            ]
        source = iri(source_iri(key))
        quads += [
            (source, iri(RDFS.label), text(f"{key}.txt")),
            (source, iri(DCTERMS.format), text("text/plain")),
            (source, iri(DCTERMS.isFormatOf), article),
        ]
        for position, title in enumerate(SECTIONS, start=1):
            section = iri(section_iri(key, title))
            quads += [
                (section, A, iri(DOCO.Section)),
                (section, iri(DCTERMS.title), text(title)),
                (section, iri(SDO.position), typed(position, XSD.integer)),
                (section, iri(DCTERMS.isPartOf), article),
            ]
        for index in range(1, self.sentences + 1):
            sentence = self.sentence(index)
            section = SECTIONS[(index - 1) * len(SECTIONS) // self.sentences]
            quads += [
                (sentence, A, iri(DOCO.Sentence)),
                (sentence, iri(C4O.hasContent), text(self.words(rng.randint(8, 30)) + ".")),
                (sentence, iri(SDO.position), typed(index, XSD.integer)),
                (sentence, iri(DCTERMS.isPartOf), iri(section_iri(key, section))),
            ]
        listing = iri(reference_list_iri(key))
        quads += [(listing, A, iri(BIRO.ReferenceList)), (article, iri(FRBR.part), listing)]
        pointer = 0
        for reference in self.references:
            entry = iri(reference_iri(key, reference.number))
            cited = self.cited_work(reference)
            n = reference.work
            year = self.literature.year(n)
            printed = f"{SURNAMES[n % len(SURNAMES)]} J. {self.literature.title(n)}. {year}"
            quads += [
                (listing, iri(FRBR.part), entry),
                (entry, A, iri(BIRO.BibliographicReference)),
                (entry, iri(SDO.position), typed(reference.number, XSD.integer)),
                (entry, iri(DCTERMS.bibliographicCitation), text(printed)),
                (entry, iri(BIRO.references), cited),
                (article, iri(CITO.cites), cited),
                (cited, A, iri(FABIO.JournalArticle)),
                (cited, iri(DCTERMS.title), text(self.literature.title(n))),
                (cited, iri(FABIO.hasPublicationYear), typed(f"{year:04d}", XSD.gYear)),
                (cited, iri(PRISM.publicationName), text(self.literature.journal(n))),
            ]
            if reference.prints_doi:
                quads.append((cited, iri(PRISM.doi), text(self.literature.doi(n))))
            for _ in range(rng.randint(1, 2)):
                pointer += 1
                at = iri(pointer_iri(key, pointer))
                quads += [
                    (at, A, iri(C4O.InTextReferencePointer)),
                    (at, iri(C4O.hasContent), text(f"[{reference.number}]")),
                    (at, iri(C4O.hasContext), self.sentence(rng.randint(1, self.sentences))),
                    (at, iri(C4O.denotes), entry),
                ]
        return quads

    # graph/crossref/<key>

    def crossref(self) -> list[Quad]:
        quads: list[Quad] = []
        for reference in self.references:
            entry = iri(reference_iri(self.key, reference.number))
            snapshot = iri(resolution_iri(self.key, reference.number))
            status = "matched" if reference.resolved else "no match"
            quads += [
                (snapshot, A, iri(CKG.ReferenceResolution)),
                (snapshot, A, iri(PROV.Entity)),
                (snapshot, iri(PROV.wasDerivedFrom), entry),
                (snapshot, iri(CKG.matchStatus), text(status)),
                (snapshot, iri(CKG.matchScore), typed(f"{self.rng.random():.4f}", XSD.decimal)),
            ]
            if reference.resolved:
                work = doi_iri(self.literature.doi(reference.work))
                quads += [
                    (entry, iri(BIRO.references), iri(work)),
                    (self.article, iri(CITO.cites), iri(work)),
                    (snapshot, iri(PROV.specializationOf), iri(work)),
                ]
                quads += self.literature.crossref(work, reference.work)
        return quads

    # graph/annotations/<key>

    def annotations(self) -> list[Quad]:
        return self.mentions() + self.claims() + self.facts()

    def target(self, resource: str, number: int, sentence: str, quote: str) -> list[Quad]:
        target = f"{resource[:-1]}/target/{number}>"
        by_quote, by_position = f"{target[:-1]}/quote>", f"{target[:-1]}/position>"
        start = self.rng.randint(0, 20_000)
        return [
            (resource, iri(OA.hasTarget), target),
            (target, A, iri(OA.SpecificResource)),
            (target, iri(OA.hasSource), iri(source_iri(self.key))),
            (target, iri(OA.hasScope), sentence),
            (target, iri(OA.hasSelector), by_quote),
            (by_quote, A, iri(OA.TextQuoteSelector)),
            (by_quote, iri(OA.exact), text(quote)),
            (by_quote, iri(OA.prefix), text(self.words(3))),
            (by_quote, iri(OA.suffix), text(self.words(3))),
            (target, iri(OA.hasSelector), by_position),
            (by_position, A, iri(OA.TextPositionSelector)),
            (by_position, iri(OA.start), typed(start, XSD.nonNegativeInteger)),
            (by_position, iri(OA.end), typed(start + len(quote), XSD.nonNegativeInteger)),
        ]

    def mentions(self) -> list[Quad]:
        rng, vocabulary = self.rng, self.vocabulary
        popular = Zipf(len(vocabulary.everything), 0.8)
        quads: list[Quad] = []
        for start in sorted(rng.sample(range(40_000), rng.randint(120, 260))):
            concept = vocabulary.everything[popular.draw(rng)]
            label = vocabulary.labels.get(concept, concept.rsplit("/", 1)[-1])
            mention = iri(document_iri(self.key, "mention", f"{start}-{start + len(label)}"))
            quads += [
                (mention, A, iri(OA.Annotation)),
                (mention, A, iri(CKG.ConceptMention)),
                (mention, iri(OA.motivatedBy), iri(OA.identifying)),
                (mention, iri(OA.hasBody), iri(concept)),
                (mention, iri(CKG.matchedLabel), text(label)),
                (mention, iri(CKG.negated), TRUE if rng.random() < 0.08 else FALSE),
            ]
            sentence = self.sentence(rng.randint(1, self.sentences))
            quads += self.target(mention, 1, sentence, label)
        return quads

    def claims(self) -> list[Quad]:
        rng, vocabulary = self.rng, self.vocabulary
        quads: list[Quad] = []
        mechanism = rng.choice(vocabulary.mechanisms)
        for number in range(rng.randint(8, 30)):
            shape = number % 3
            if shape == 0:
                subject, predicate, obj = rng.choice(vocabulary.etiologies), "causes", mechanism
            elif shape == 1:
                subject, predicate, obj = mechanism, "manifestsAs", rng.choice(vocabulary.signs)
            else:
                follows = rng.choice(vocabulary.mechanisms)
                subject, predicate, obj = mechanism, "contributesTo", follows
                mechanism = follows
            index = rng.randint(1, self.sentences)
            name = f"{index}-{slug(subject.rsplit('/', 1)[-1])}-{predicate}-"
            claim = iri(document_iri(self.key, "claim", name + slug(obj.rsplit("/", 1)[-1])))
            kind = CKG.BackgroundLiterature if rng.random() < 0.6 else CKG.AuthorsInterpretation
            quads += [
                (claim, A, iri(CKG.Claim)),
                (claim, iri(CKG.claimSubject), iri(subject)),
                (claim, iri(CKG.claimPredicate), iri(CKG[predicate])),
                (claim, iri(CKG.claimObject), iri(obj)),
                (claim, iri(CKG.assertionKind), iri(kind)),
                (claim, iri(CKG.hedged), TRUE if rng.random() < 0.3 else FALSE),
                (claim, iri(DCTERMS.source), self.article),
                (claim, iri(CKG.evidenceSentence), self.sentence(index)),
                (claim, iri(CKG.citationSentence), self.sentence(index)),
            ]
            function = rng.choice(CITATION_FUNCTIONS)
            for reference in rng.sample(self.references, rng.randint(1, 3)):
                quads += [
                    (
                        claim,
                        iri(DCTERMS.references),
                        iri(reference_iri(self.key, reference.number)),
                    ),
                    (claim, iri(CITO[function]), self.cited_work(reference)),
                ]
            quads += self.evidence(claim, index)
        return quads

    def evidence(self, resource: str, index: int) -> list[Quad]:
        """The Web Annotation anchoring a claim or fact to its words (cf. _add_evidence)."""
        annotation = f"{resource[:-1]}/annotation>"
        return [
            (annotation, A, iri(OA.Annotation)),
            (annotation, iri(OA.motivatedBy), iri(OA.describing)),
            (annotation, iri(OA.hasBody), resource),
            *self.target(annotation, 1, self.sentence(index), self.words(5)),
        ]

    def facts(self) -> list[Quad]:
        rng, key = self.rng, self.key
        case = iri(document_iri(key, "case"))
        quads: list[Quad] = [
            (case, A, iri(CKG.Case)),
            (case, iri(RDFS.label), text(f"the case of {self.title}")),
            (case, iri(CKG.reportedIn), self.article),
        ]
        for concept, unit, low, high in rng.sample(LABS, rng.randint(2, len(LABS))):
            index = rng.randint(1, self.sentences)
            value = round(rng.uniform(low * 0.3, high * 2.5 + 1), 2)
            flag = CKG.High if value > high else CKG.Low if value < low else CKG.Normal
            lab = iri(document_iri(key, "lab", f"{index}-{concept}-{value}"))
            quads += [
                (case, iri(CKG.hasFinding), lab),
                (lab, A, iri(CKG.LabResult)),
                (lab, iri(RDFS.label), text(f"{concept} {value} {unit}")),
                (lab, iri(CKG.concept), iri(CONCEPT[concept])),
                (lab, iri(CKG.value), typed(value, XSD.decimal)),
                (lab, iri(CKG.ucumUnit), text(unit)),
                (lab, iri(CKG.referenceRangeLow), typed(low, XSD.decimal)),
                (lab, iri(CKG.referenceRangeHigh), typed(high, XSD.decimal)),
                (lab, iri(CKG.abnormalFlag), iri(flag)),
                (lab, iri(CKG.evidenceSentence), self.sentence(index)),
            ]
            quads += self.evidence(lab, index)
        for concept, unit in rng.sample(MEASUREMENTS, rng.randint(1, len(MEASUREMENTS))):
            index = rng.randint(1, self.sentences)
            value = round(rng.uniform(20, 1300), 1)
            measured = iri(document_iri(key, "measurement", f"{index}-{concept}-{value}"))
            quads += [
                (case, iri(CKG.hasFinding), measured),
                (measured, A, iri(CKG.ImagingMeasurement)),
                (measured, iri(RDFS.label), text(f"{concept} {value} {unit}")),
                (measured, iri(CKG.concept), iri(CONCEPT[concept])),
                (measured, iri(CKG.value), typed(value, XSD.decimal)),
                (measured, iri(CKG.ucumUnit), text(unit)),
                (measured, iri(CKG.modality), iri(CONCEPT.mri)),
                (measured, iri(CKG.evidenceSentence), self.sentence(index)),
            ]
            quads += self.evidence(measured, index)
        day = 0
        for number, label in enumerate(EVENTS[: rng.randint(3, len(EVENTS))], start=1):
            index = rng.randint(1, self.sentences)
            event = iri(document_iri(key, "event", f"{number}-{slug(label)}"))
            quads += [
                (case, iri(CKG.hasTimelineEvent), event),
                (event, A, iri(CKG.TimelineEvent)),
                (event, iri(RDFS.label), text(label)),
                (event, iri(DCTERMS.type), text("examination" if number > 1 else "admission")),
                (event, iri(CKG.dayRelativeToAdmission), typed(day, XSD.integer)),
                (event, iri(CKG.approximate), FALSE),
                (event, iri(CKG.evidenceSentence), self.sentence(index)),
            ]
            day += rng.randint(1, 20)
        return quads

    # graph/provenance/document/<key>

    def provenance(self) -> list[Quad]:
        source = iri(source_iri(self.key))
        quads: list[Quad] = [
            (source, A, iri(PROV.Entity)),
            (source, iri(RDFS.label), text(f"{self.key}.txt")),
        ]
        for kind in ("document", "annotations", "crossref"):
            graph = iri(graph_iri(kind, self.key))
            quads += [
                (graph, A, iri(PROV.Entity)),
                (graph, iri(PROV.wasDerivedFrom), source),
                (graph, iri(PROV.generatedAtTime), typed("2024-01-01T00:00:00Z", XSD.dateTime)),
            ]
        return quads


def generate(out: TextIO, triples: int, seed: int) -> int:
    """Write a graph of about ``triples`` quads (one case report over at most); quads written."""
    writer = Writer(out)
    vocabulary = shared_graphs(writer)
    literature = Literature(max(200, triples // 40), seed)
    for number in itertools.count(1):
        if writer.quads >= triples:
            break
        CaseReport(number, seed, literature, vocabulary).write(writer)
    return writer.quads


def parse_size(value: str) -> int:
    """``100k``, ``1m``, ``10M`` or a plain number."""
    scale = {"k": 1_000, "m": 1_000_000}.get(value[-1:].lower(), 1)
    return int(float(value[:-1] if scale > 1 else value) * scale)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=100_000, help="e.g. 100k, 1m")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, help="N-Quads file (default: stdout)")
    args = parser.parse_args(argv)
    if args.output is None:
        written = generate(sys.stdout, args.triples, args.seed)
    else:
        with args.output.open("w", encoding="utf-8") as out:
            written = generate(out, args.triples, args.seed)
    print(f"{written} quads", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
