"""casekg: a literature and citation knowledge graph of case reports."""

__version__ = "0.1.0"
