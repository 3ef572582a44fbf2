"""What the ingest tests read back from a document: the sentence texts of one section."""

from __future__ import annotations

from kg.document import Document


def section_texts(document: Document, section: str) -> list[str]:
    """The texts of the sentences ``section`` holds, in document order."""
    return [s.text for s in document.sentences if s.section == section]
