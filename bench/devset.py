"""A labelled set of citation strings for calibrating the matcher, built from real records.

Every string is generated deterministically (seeded) from the 1,817 real Crossref work
records in ``shared/fixtures/crossref-records/records.jsonl``:

* positives: each served record written in one of five styles (Vancouver/NLM first, APA,
  IEEE, Chicago, MLA) and in one degraded variant (no title, abbreviated journal, one
  author, typos in title and author, no year);
* negatives whose work is absent from the server: a random fifth of the records is held
  out of the index the matcher searches, and their citations must come out unmatched;
* real-world strings: the references the records deposit with Crossref (``unstructured``
  strings, or NLM-style strings built from the structured fields with their real NLM
  journal abbreviations). One whose DOI is a served record is a positive; every other one
  is absent from the server, so its right answer is no DOI.

Records and strings are split into a dev half (for tuning) and a test half (for reporting).

    python bench/devset.py --summary
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from rapidfuzz.fuzz import partial_ratio

from kg.doi import find_doi
from kg.matching import fold, strip_markup, work_year
from kg.settings import SHARED_DIR

RECORDS = SHARED_DIR / "fixtures" / "crossref-records" / "records.jsonl"
SEED = 20260611
HELD_OUT_FRACTION = 0.2
STYLES = ("vancouver", "apa", "ieee", "chicago", "mla")
DEGRADATIONS = ("no-title", "abbreviated-journal", "one-author", "typos", "no-year")
DEPOSITED_NEGATIVES = 1500
"""How many deposited references (whose works are absent from the server) to sample."""

Split = Literal["dev", "test"]
EN_DASH = "\u2013"  # page ranges in APA, IEEE and Chicago

# ISO 4 (LTWA) abbreviations of the commonest words in journal titles; other long words are
# cut after the consonant that precedes their second vowel group, as ISO 4 mostly does.
LTWA = {
    "journal": "J",
    "journals": "J",
    "american": "Am",
    "international": "Int",
    "medicine": "Med",
    "medical": "Med",
    "research": "Res",
    "science": "Sci",
    "sciences": "Sci",
    "scientific": "Sci",
    "clinical": "Clin",
    "biology": "Biol",
    "biological": "Biol",
    "chemistry": "Chem",
    "chemical": "Chem",
    "physics": "Phys",
    "physical": "Phys",
    "review": "Rev",
    "reviews": "Rev",
    "society": "Soc",
    "proceedings": "Proc",
    "annals": "Ann",
    "archives": "Arch",
    "european": "Eur",
    "national": "Natl",
    "academy": "Acad",
    "letters": "Lett",
    "engineering": "Eng",
    "technology": "Technol",
    "applied": "Appl",
    "environmental": "Environ",
    "british": "Br",
    "canadian": "Can",
    "surgery": "Surg",
    "psychology": "Psychol",
    "psychiatry": "Psychiatry",
    "neurology": "Neurol",
    "cardiology": "Cardiol",
    "radiology": "Radiol",
    "pathology": "Pathol",
    "experimental": "Exp",
    "molecular": "Mol",
    "general": "Gen",
    "ecology": "Ecol",
    "quarterly": "Q",
    "transactions": "Trans",
    "communications": "Commun",
    "university": "Univ",
    "association": "Assoc",
    "institute": "Inst",
    "management": "Manag",
    "materials": "Mater",
    "mathematics": "Math",
    "mathematical": "Math",
    "economics": "Econ",
    "education": "Educ",
    "development": "Dev",
    "health": "Health",
    "public": "Public",
    "nursing": "Nurs",
    "pharmacology": "Pharmacol",
    "dermatology": "Dermatol",
    "ophthalmology": "Ophthalmol",
    "pediatrics": "Pediatr",
    "internal": "Intern",
}
STOP_WORDS = {"of", "the", "and", "for", "in", "on", "a", "an", "&", "und", "de", "la", "et"}


@dataclass(frozen=True)
class Citation:
    """One labelled string: ``expected`` is the DOI the matcher should return (None when the
    work is absent from the served index)."""

    text: str
    expected: str | None
    style: str
    variant: str
    split: Split
    origin: str  # DOI of the record it was generated from, or of the citing record


@dataclass(frozen=True)
class DevSet:
    served: list[dict[str, Any]]
    held_out: list[dict[str, Any]]
    citations: list[Citation]


def load_records(path: Path = RECORDS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _bucket(key: str, salt: str) -> float:
    """A stable number in [0, 1) for a key: the same split on every run and machine."""
    digest = hashlib.sha256(f"{SEED}:{salt}:{key}".encode()).hexdigest()
    return int(digest[:12], 16) / 16**12


def split_of(key: str) -> Split:
    return "dev" if _bucket(key, "split") < 0.5 else "test"


def is_held_out(doi: str) -> bool:
    return _bucket(doi.lower(), "held-out") < HELD_OUT_FRACTION


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class Fields:
    authors: tuple[tuple[str, str], ...]  # (given, family)
    title: str
    container: str
    short_container: str
    year: int | None
    volume: str
    issue: str
    first_page: str
    last_page: str
    kind: str
    publisher: str
    editors: tuple[tuple[str, str], ...]


def fields_of(work: dict[str, Any]) -> Fields:
    def people(key: str) -> tuple[tuple[str, str], ...]:
        out = []
        for person in work.get(key) or []:
            if person.get("family"):
                out.append((str(person.get("given") or ""), str(person["family"])))
            elif person.get("name"):
                out.append(("", str(person["name"])))
        return tuple(out)

    def first(key: str) -> str:
        values = work.get(key) or []
        return strip_markup(str(values[0])) if values else ""

    page = str(work.get("page") or work.get("article-number") or "")
    first_page, _, last_page = page.partition("-")
    return Fields(
        authors=people("author"),
        title=first("title"),
        container=first("container-title"),
        short_container=first("short-container-title"),
        year=work_year(work),
        volume=str(work.get("volume") or ""),
        issue=str(work.get("issue") or ""),
        first_page=first_page.strip(),
        last_page=last_page.strip(),
        kind=str(work.get("type") or ""),
        publisher=strip_markup(str(work.get("publisher") or "")),
        editors=people("editor"),
    )


def initials(given: str, dots: bool = False) -> str:
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    letters = [p[0].upper() for p in parts if p[0].isalpha()]
    return " ".join(f"{c}." for c in letters) if dots else "".join(letters)


def abbreviate_journal(name: str) -> str:
    """An ISO 4-ish abbreviation: stop words dropped, common words from the LTWA, other
    long words cut before their second vowel group; one-word titles stay whole."""
    words = [w for w in re.split(r"[\s:,]+", name) if w]
    if len(words) <= 1:
        return name
    out = []
    for word in words:
        bare = re.sub(r"[^\w]", "", word)
        low = bare.lower()
        if not bare or low in STOP_WORDS:
            continue
        if low in LTWA:
            out.append(LTWA[low])
        elif len(bare) > 6 and bare.isalpha():
            match = re.match(r"^[^aeiouy]*[aeiouy]+[^aeiouy]+", low)
            cut = match.group(0) if match and len(match.group(0)) < len(low) - 1 else low
            out.append(bare[: len(cut)])
        else:
            out.append(bare)
    return " ".join(out)


def nlm_journal(f: Fields, rng: random.Random) -> str:
    """The journal as an NLM reference list gives it: the record's own short title when it
    is an abbreviation, else the ISO 4-ish one."""
    if f.short_container and f.short_container != f.container and rng.random() < 0.7:
        return f.short_container.replace(".", "")
    return abbreviate_journal(f.container).replace(".", "")


def nlm_pages(first: str, last: str) -> str:
    """'1425-1437' -> '1425-37', as NLM abbreviates page ranges."""
    if not last or last == first:
        return first
    if first.isdigit() and last.isdigit() and len(first) == len(last):
        common = 0
        while common < len(first) - 1 and first[common] == last[common]:
            common += 1
        return f"{first}-{last[common:]}"
    return f"{first}-{last}"


def pages(f: Fields, dash: str = "-") -> str:
    return (
        f"{f.first_page}{dash}{f.last_page}"
        if f.last_page and f.last_page != f.first_page
        else f.first_page
    )


# --------------------------------------------------------------------------- styles


def vancouver(f: Fields, rng: random.Random, *, journal: str | None = None) -> str:
    names = [f"{fam} {initials(giv)}".strip() for giv, fam in f.authors[:6]]
    if len(f.authors) > 6:
        names.append("et al")
    parts = [", ".join(names) + "." if names else ""]
    if f.title:
        parts.append(f.title.rstrip(".") + ".")
    year = str(f.year) if f.year else ""
    if f.kind == "book-chapter":
        eds = ", ".join(f"{fam} {initials(giv)}" for giv, fam in f.editors[:3])
        book = f"In: {eds}, editors. " if eds else "In: "
        parts.append(
            f"{book}{f.container}. {f.publisher}; {year}. "
            f"p. {nlm_pages(f.first_page, f.last_page)}."
        )
    elif f.kind == "proceedings-article":
        parts.append(
            f"In: {f.container}; {year}."
            + (f" p. {nlm_pages(f.first_page, f.last_page)}." if f.first_page else "")
        )
    else:
        source = journal if journal is not None else nlm_journal(f, rng)
        numbers = year
        if f.volume:
            numbers += f";{f.volume}" + (f"({f.issue})" if f.issue else "")
        if f.first_page:
            numbers += f":{nlm_pages(f.first_page, f.last_page)}"
        parts.append(f"{source}. {numbers}." if source else f"{numbers}.")
    return " ".join(p for p in parts if p).replace(" .", ".")


def apa(f: Fields, rng: random.Random, *, journal: str | None = None) -> str:
    names = [f"{fam}, {initials(giv, dots=True)}".rstrip(", ") for giv, fam in f.authors[:20]]
    author = (
        ", ".join(names[:-1]) + f", & {names[-1]}"
        if len(names) > 1
        else (names[0] if names else "")
    )
    year = f"({f.year})." if f.year else "(n.d.)."
    out = f"{author} {year}" if author else year
    if f.title:
        out += f" {f.title.rstrip('.')}."
    source = journal if journal is not None else f.container
    if f.kind == "book-chapter":
        out += f" In {source} (pp. {pages(f, EN_DASH)}). {f.publisher}."
    else:
        out += f" {source}" if source else ""
        if f.volume:
            out += f", {f.volume}" + (f"({f.issue})" if f.issue else "")
        if f.first_page:
            out += f", {pages(f, EN_DASH)}"
        out += "."
    return out


def ieee(f: Fields, rng: random.Random, *, journal: str | None = None) -> str:
    names = [f"{initials(giv, dots=True)} {fam}".strip() for giv, fam in f.authors]
    if len(names) > 6:
        names = [names[0]]
        author = f"{names[0]} et al."
    elif len(names) > 2:
        author = ", ".join(names[:-1]) + f", and {names[-1]},"
    else:
        author = " and ".join(names) + ("," if names else "")
    source = journal if journal is not None else abbreviate_journal(f.container)
    out = f"{author} " if author else ""
    if f.title:
        out += f"\u201c{f.title.rstrip('.')},\u201d "
    out += f"in {source}" if f.kind in ("book-chapter", "proceedings-article") else source
    if f.volume:
        out += f", vol. {f.volume}"
    if f.issue:
        out += f", no. {f.issue}"
    if f.first_page:
        out += f", pp. {pages(f, EN_DASH)}" if f.last_page else f", p. {f.first_page}"
    if f.year:
        out += f", {f.year}"
    return out + "."


def chicago(f: Fields, rng: random.Random, *, journal: str | None = None) -> str:
    names = []
    for i, (giv, fam) in enumerate(f.authors[:10]):
        names.append(f"{fam}, {giv}".rstrip(", ") if i == 0 else f"{giv} {fam}".strip())
    author = (
        ", ".join(names[:-1]) + f", and {names[-1]}"
        if len(names) > 1
        else (names[0] if names else "")
    )
    out = f"{author}. " if author else ""
    if f.title:
        out += f"\u201c{f.title.rstrip('.')}.\u201d "
    source = journal if journal is not None else f.container
    out += f"In {source}" if f.kind == "book-chapter" else source
    if f.volume:
        out += f" {f.volume}"
    if f.issue:
        out += f", no. {f.issue}"
    if f.year:
        out += f" ({f.year})"
    if f.first_page:
        out += f": {pages(f, EN_DASH)}"
    return out + "."


def mla(f: Fields, rng: random.Random, *, journal: str | None = None) -> str:
    if not f.authors:
        author = ""
    elif len(f.authors) == 1:
        author = f"{f.authors[0][1]}, {f.authors[0][0]}".rstrip(", ")
    elif len(f.authors) == 2:
        author = f"{f.authors[0][1]}, {f.authors[0][0]}, and {f.authors[1][0]} {f.authors[1][1]}"
    else:
        author = f"{f.authors[0][1]}, {f.authors[0][0]}, et al"
    out = f"{author.strip()}. " if author else ""
    if f.title:
        out += f"\u201c{f.title.rstrip('.')}.\u201d "
    source = journal if journal is not None else f.container
    out += source
    if f.volume:
        out += f", vol. {f.volume}"
    if f.issue:
        out += f", no. {f.issue}"
    if f.year:
        out += f", {f.year}"
    if f.first_page:
        out += f", pp. {pages(f)}" if f.last_page else f", p. {f.first_page}"
    return out + "."


FORMATTERS = {"vancouver": vancouver, "apa": apa, "ieee": ieee, "chicago": chicago, "mla": mla}


# --------------------------------------------------------------------------- degradations


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: two adjacent letters swapped, or one dropped or doubled."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def degrade(f: Fields, variant: str, rng: random.Random) -> tuple[Fields, dict[str, str]]:
    """A copy of the fields with one kind of damage real reference lists show."""
    if variant == "no-title":
        return replace(f, title=""), {}
    if variant == "abbreviated-journal":
        return f, {"journal": abbreviate_journal(f.container)}
    if variant == "one-author":
        return replace(f, authors=f.authors[:1]), {}
    if variant == "no-year":
        return replace(f, year=None), {}
    if variant == "typos":
        words = f.title.split()
        long_words = [i for i, w in enumerate(words) if len(w) >= 5]
        for i in rng.sample(long_words, min(2, len(long_words))):
            words[i] = typo(words[i], rng)
        authors = list(f.authors)
        if authors:
            given, family = authors[0]
            authors[0] = (given, typo(family, rng))
        return replace(f, title=" ".join(words), authors=tuple(authors)), {}
    raise ValueError(f"unknown degradation {variant!r}")


def citable(work: dict[str, Any]) -> bool:
    """Records a reference list could cite by author/title/source (not bare figures,
    journals or issues, nor untitled ones)."""
    f = fields_of(work)
    return bool(f.title) and work.get("type") not in {
        "component",
        "journal",
        "journal-issue",
        "peer-review",
    }


def generated(work: dict[str, Any], expected: str | None, rng: random.Random) -> Iterator[Citation]:
    doi = str(work["DOI"]).lower()
    f = fields_of(work)
    split = split_of(doi)
    style = STYLES[int(_bucket(doi, "style") * len(STYLES))]
    full = FORMATTERS[style](f, rng)
    if informative(full):
        yield Citation(full, expected, style, "full", split, doi)
    variant = DEGRADATIONS[int(_bucket(doi, "variant") * len(DEGRADATIONS))]
    base = "vancouver" if _bucket(doi, "variant-style") < 0.5 else "apa"
    damaged, overrides = degrade(f, variant, rng)
    if variant == "abbreviated-journal":
        base = "apa"
    text = FORMATTERS[base](damaged, rng, **overrides)
    if informative(text):
        yield Citation(text, expected, base, variant, split, doi)


def informative(text: str) -> bool:
    """Whether a string names enough (three words) for anyone to find the work: a standard
    with no author, title or journal left is just a year."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 3


# --------------------------------------------------------------------------- deposited


def deposited_string(ref: dict[str, Any]) -> str | None:
    """The reference as a reference list prints it: the deposited ``unstructured`` string,
    else an NLM-style string from its structured fields (with their real NLM journal
    abbreviations)."""
    if ref.get("unstructured"):
        return " ".join(strip_markup(str(ref["unstructured"])).split())
    author = str(ref.get("author") or "")
    if not (ref.get("article-title") or ref.get("journal-title") or ref.get("volume-title")):
        return None
    if author:
        bits = author.split()
        author = (
            f"{bits[-1]} {''.join(bits[:-1])}".strip()
            if len(bits) > 1 and bits[0].isupper() and len(bits[0]) <= 3
            else author
        )
    parts = [f"{author}, et al." if author else ""]
    if ref.get("article-title"):
        parts.append(strip_markup(str(ref["article-title"])).rstrip(".") + ".")
    source = strip_markup(str(ref.get("journal-title") or ref.get("volume-title") or ""))
    numbers = str(ref.get("year") or "")
    if ref.get("volume"):
        numbers += f";{ref['volume']}" + (f"({ref['issue']})" if ref.get("issue") else "")
    if ref.get("first-page"):
        numbers += f":{ref['first-page']}"
    parts.append(f"{source}. {numbers}." if source else f"{numbers}.")
    text = " ".join(p for p in parts if p)
    return text if len(text) > 25 else None


def deposited_citations(
    records: Sequence[dict[str, Any]], served: set[str], rng: random.Random
) -> list[Citation]:
    """Real strings from the records' deposited reference lists.

    One with a DOI among the served records is a positive. Every other one is absent from
    the server; those without a DOI are kept only when no record has a similar title, so
    that no string whose work *is* served is labelled absent.
    """
    all_dois = {str(r["DOI"]).lower() for r in records}
    positives: list[Citation] = []
    negatives: list[Citation] = []
    for work in records:
        for ref in work.get("reference") or []:
            text = deposited_string(ref)
            if not text:
                continue
            doi = find_doi(ref.get("DOI"))
            variant = (
                "deposited-unstructured" if ref.get("unstructured") else "deposited-structured"
            )
            key = f"{work['DOI']}#{ref.get('key')}"
            if doi and doi in served:
                positives.append(
                    Citation(
                        text, doi, "deposited", variant, split_of(key), str(work["DOI"]).lower()
                    )
                )
            elif doi and doi in all_dois:
                negatives.append(
                    Citation(
                        text,
                        None,
                        "deposited",
                        f"{variant}-held-out",
                        split_of(key),
                        str(work["DOI"]).lower(),
                    )
                )
            else:
                negatives.append(
                    Citation(
                        text,
                        None,
                        "deposited",
                        f"{variant}-absent",
                        split_of(key),
                        str(work["DOI"]).lower(),
                    )
                )
    negatives = rng.sample(negatives, min(DEPOSITED_NEGATIVES, len(negatives)))
    titles = [
        (t, set(t.split())) for t in (fold(fields_of(r).title) for r in records) if len(t) >= 25
    ]
    kept = [c for c in negatives if not _names_served_title(fold(c.text), titles)]
    return positives + kept


def _names_served_title(folded: str, titles: Sequence[tuple[str, set[str]]]) -> bool:
    """Whether a string contains (nearly word for word) the title of some record: cheap
    word overlap first, then fuzzy alignment on the few titles that share most words."""
    words = set(folded.split())
    close = [t for t, title_words in titles if len(words & title_words) >= 0.7 * len(title_words)]
    return any(partial_ratio(t, folded) >= 90 for t in close)


# --------------------------------------------------------------------------- assembly


SEED_ABSENT = (
    "Gore I, Arons W. Calcification of the myocardium; a pathologic study of 13 cases. "
    "Arch Pathol (Chic) 1949;48:1-12",
    "Mavrogeni S. Cardiac involvement in small and medium sized vasculitides. "
    "Eur Soc Cardiol 2007;6:14",
)
"""The seed report's references that predate DOIs or come from a venue without them."""


def build(records: Sequence[dict[str, Any]] | None = None) -> DevSet:
    """The whole dev set, the same on every run."""
    records = list(records if records is not None else load_records())
    rng = random.Random(SEED)
    served = [r for r in records if not is_held_out(str(r["DOI"]))]
    held_out = [r for r in records if is_held_out(str(r["DOI"]))]
    served_dois = {str(r["DOI"]).lower() for r in served}
    citations: list[Citation] = []
    for work in records:
        if not citable(work):
            continue
        doi = str(work["DOI"]).lower()
        citations.extend(generated(work, doi if doi in served_dois else None, rng))
    citations.extend(deposited_citations(records, served_dois, rng))
    citations.extend(
        Citation(text, None, "seed", "pre-doi", "test", "seed") for text in SEED_ABSENT
    )
    return DevSet(served, held_out, citations)


def summary(dev: DevSet) -> str:
    lines = [
        f"records served: {len(dev.served)}, held out (absent): {len(dev.held_out)}",
        f"citations: {len(dev.citations)} "
        f"(with a DOI in the server: {sum(c.expected is not None for c in dev.citations)})",
    ]
    counts = Counter((c.style, c.variant, c.expected is not None) for c in dev.citations)
    for (style, variant, positive), n in sorted(counts.items()):
        lines.append(f"  {style:10} {variant:34} {'positive' if positive else 'absent':8} {n}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print counts per style/variant")
    parser.add_argument("--jsonl", type=Path, help="write the citations as JSON lines")
    parser.add_argument("--examples", type=int, default=0, help="print N random citations")
    args = parser.parse_args(argv)
    dev = build()
    if args.summary:
        print(summary(dev))
    if args.examples:
        for c in random.Random(1).sample(dev.citations, args.examples):
            print(json.dumps(asdict(c), ensure_ascii=False))
    if args.jsonl:
        tmp = args.jsonl.with_suffix(".tmp")
        tmp.write_text(
            "".join(json.dumps(asdict(c), ensure_ascii=False) + "\n" for c in dev.citations),
            encoding="utf-8",
        )
        tmp.replace(args.jsonl)
    return 0


if __name__ == "__main__":
    sys.exit(main())
