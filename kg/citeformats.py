"""Bibliographies as BibTeX, RIS and CSL-JSON.

CSL-JSON is the common model: Crossref's work JSON is nearly CSL already (Crossref's own
content negotiation serves it), so works become CSL items first and every format is written
from those items, each with its well-kept library: bibtexparser v2 (values LaTeX-encoded
with pylatexenc), rispy, and json.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import rispy
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import UnicodeToLatexEncoder

from kg.matching import strip_markup

CslItem = dict[str, Any]

# Crossref work types to CSL types, as Crossref's content negotiation maps them.
CSL_TYPES = {
    "journal-article": "article-journal",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "proceedings-article": "paper-conference",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "reference-entry": "entry-encyclopedia",
    "dissertation": "thesis",
    "report": "report",
    "dataset": "dataset",
    "posted-content": "article",
    "peer-review": "review",
    "standard": "standard",
}
BIBTEX_TYPES = {
    "article-journal": "article",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
}
RIS_TYPES = {
    "article-journal": "JOUR",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "book": "BOOK",
    "thesis": "THES",
    "report": "RPRT",
    "dataset": "DATA",
    "entry-encyclopedia": "ENCYC",
    "standard": "STAND",
}
_LATEX = UnicodeToLatexEncoder(
    replacement_latex_protection="braces-all", unknown_char_policy="keep"
)


def csl_item(work: Mapping[str, Any]) -> CslItem:
    """A Crossref work message as a CSL-JSON item (markup stripped from titles)."""
    doi = str(work.get("DOI", "")).lower()
    item: CslItem = {"id": doi or _first(work, "title") or "work"}
    item["type"] = CSL_TYPES.get(str(work.get("type", "")), "article")
    texts = {
        "title": _first(work, "title"),
        "container-title": _first(work, "container-title"),
        "container-title-short": _first(work, "short-container-title"),
        "publisher": work.get("publisher"),
        "publisher-place": work.get("publisher-location"),
        "volume": work.get("volume"),
        "issue": work.get("issue"),
        "page": work.get("page"),
        "number": work.get("article-number"),
        "ISSN": _first(work, "ISSN"),
        "ISBN": _first(work, "ISBN"),
    }
    item.update({key: strip_markup(str(value)) for key, value in texts.items() if value})
    for role in ("author", "editor"):
        names = [_csl_name(person) for person in work.get(role) or []]
        if any(names):
            item[role] = [name for name in names if name]
    issued = _date_parts(work)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    if doi:
        item["DOI"] = doi
        item["URL"] = f"https://doi.org/{doi}"
    return item


def to_csljson(items: Sequence[CslItem]) -> str:
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"


def to_bibtex(items: Sequence[CslItem]) -> str:
    library = Library()
    keys: set[str] = set()
    for item in items:
        key = _unique(_citation_key(item), keys)
        keys.add(key)
        library.add(Entry(BIBTEX_TYPES.get(item["type"], "misc"), key, _bibtex_fields(item)))
    text: str = write_string(library)
    return text


def to_ris(items: Sequence[CslItem]) -> str:
    text: str = rispy.dumps([_ris_entry(item) for item in items], implementation=_RisWriter)
    return text


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]  # rispy has no type hints
    """rispy's writer without the "1." counter line it puts before each record (not RIS)."""

    def set_header(self, count: int) -> str:
        return ""


def _first(work: Mapping[str, Any], key: str) -> str | None:
    value = work.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value else None


def _csl_name(person: Mapping[str, Any]) -> dict[str, str] | None:
    if person.get("family"):
        name = {"family": str(person["family"])}
        if person.get("given"):
            name["given"] = str(person["given"])
        return name
    if person.get("name"):
        return {"literal": str(person["name"])}
    return None


def _date_parts(work: Mapping[str, Any]) -> list[int]:
    for key in ("issued", "published-print", "published-online", "published"):
        parts = (work.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0] is not None:
            return [int(part) for part in parts[0] if part is not None]
    return []


def _year(item: Mapping[str, Any]) -> str | None:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts[0] else None


def _names(item: Mapping[str, Any], role: str) -> list[str]:
    """'Family, Given' for people, the literal name for organisations."""
    return [
        ", ".join(filter(None, (name.get("family"), name.get("given"))))
        if name.get("family")
        else str(name.get("literal", ""))
        for name in item.get(role) or []
    ]


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def _citation_key(item: Mapping[str, Any]) -> str:
    """'Family' + year + first long title word: Sadasivan2012Methylphenidate."""
    first = (item.get("author") or item.get("editor") or [{}])[0]
    family = _ascii_word(str(first.get("family") or first.get("literal") or "").split(" ")[0])
    words = [_ascii_word(word) for word in str(item.get("title", "")).split()]
    word = next((w for w in words if len(w) > 3), words[0] if words else "")
    return f"{family}{_year(item) or ''}{word.capitalize()}" or "work"


def _unique(key: str, taken: set[str]) -> str:
    if key not in taken:
        return key
    return next(
        f"{key}{suffix}" for suffix in "abcdefghijklmnopqrstuvwxyz" if key + suffix not in taken
    )


def _bibtex_fields(item: Mapping[str, Any]) -> list[Field]:
    container = "journal" if item["type"] == "article-journal" else "booktitle"
    text = {
        "title": item.get("title"),
        container: item.get("container-title"),
        "publisher": item.get("publisher"),
        "address": item.get("publisher-place"),
    }
    people = {role: _bibtex_names(item, role) for role in ("author", "editor")}
    fields = [Field(role, names) for role, names in people.items() if names]
    fields += [Field(key, _LATEX.unicode_to_latex(value)) for key, value in text.items() if value]
    pages = item.get("page")
    verbatim: Iterable[tuple[str, Any]] = (
        ("year", _year(item)),
        ("volume", item.get("volume")),
        ("number", item.get("issue")),
        ("pages", re.sub(r"\s*[-\u2013]\s*", "--", pages) if pages else None),
        ("issn", item.get("ISSN")),
        ("isbn", item.get("ISBN")),
        ("doi", item.get("DOI")),
        ("url", item.get("URL")),
    )
    return fields + [Field(key, str(value)) for key, value in verbatim if value]


def _bibtex_names(item: Mapping[str, Any], role: str) -> str:
    """BibTeX name list: 'Family, Given and ...', organisations braced so they stay whole."""
    names = []
    for name in item.get(role) or []:
        if name.get("family"):
            person = ", ".join(filter(None, (name["family"], name.get("given"))))
            names.append(_LATEX.unicode_to_latex(person))
        else:
            names.append("{" + _LATEX.unicode_to_latex(str(name.get("literal", ""))) + "}")
    return " and ".join(names)


def _ris_entry(item: Mapping[str, Any]) -> dict[str, Any]:
    pages = str(item.get("page") or "")
    start, _, end = pages.partition("-")
    date = "/".join(f"{part:02d}" for part in (item.get("issued") or {}).get("date-parts", [[]])[0])
    fields = {
        "type_of_reference": RIS_TYPES.get(item["type"], "GEN"),
        "authors": _names(item, "author"),
        "secondary_authors": _names(item, "editor"),
        "title": item.get("title"),
        "secondary_title": item.get("container-title"),
        "alternate_title1": item.get("container-title-short"),
        "year": _year(item),
        "date": date,
        "volume": item.get("volume"),
        "number": item.get("issue"),
        "start_page": start.strip() or None,
        "end_page": end.strip() or None,
        "publisher": item.get("publisher"),
        "place_published": item.get("publisher-place"),
        "issn": item.get("ISSN") or item.get("ISBN"),
        "doi": item.get("DOI"),
        "urls": [item["URL"]] if item.get("URL") else [],
    }
    return {key: value for key, value in fields.items() if value}
