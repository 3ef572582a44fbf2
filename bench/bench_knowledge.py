"""Concept recognition, negation and lab values on MACCROBAT, against its expert annotations.

Run: .venv/bin/python bench/bench_knowledge.py [--cases DIR] [--limit N] [--half dev|held-out]
    [--misses FILE]

``--half`` measures one half of the texts, split by a hash of the file name (``dev``: the
texts the rules were looked at on; ``held-out``: the others, to show a rule holds on texts
not tuned on). ``--misses`` writes the gold spans not found and the mentions that overlap
no compatible gold span, per type, most frequent first.

For each case text (``<pmid>.txt`` with its brat ``<pmid>.ann``): annotate it as a build
does (kg.annotate with the bundled knowledge), then compare with the gold spans.

- Recall per type (Disease_disorder, Sign_symptom, Diagnostic_procedure): a gold span is
  found when a mention of a compatible kind overlaps it (README of the cases folder).
- Precision of mentions: a mention of a kind compatible with those types is right when it
  overlaps any gold span of a compatible type. Compatibility is symmetric between findings
  and disorders: MACCROBAT types a finding's words as Sign_symptom or Disease_disorder by
  the annotator's reading ("lesion" 56 and 7 times, "mass" 71 and 9, "cyst" 2 and 5,
  "stenosis" 6 and 3 in the 100 texts), so a finding's mention ("sign") may be either, as a
  disorder's may be either. A word referring back to an entity takes the entity's type
  once, however long the chain of references (``corefer``). A drug's mention (the
  vocabulary's "drug" category: "chemotherapy", which MACCROBAT types Medication) is of none
  of those kinds, though the drug is an etiology too (``kinds_of``).
- Negation agreement: over found gold spans, whether the mention's ``negated`` equals the
  gold POLARITY NEG.
- Lab pairs: gold Lab_value spans that MODIFY a Diagnostic_procedure (the test name beside
  them); found when a lab result's, a measurement's or a stated result's words cover the
  value and its analyte overlaps the name (MACCROBAT types "LVEF 20%" as a test and its
  value, and "renal function ... normal" as a test and its value too), or when the value
  is the words right before a lab's name that the lab states as its flag ("mildly elevated
  bilirubin (2.2 mg/dL)": ``flag_cue`` "elevated", ``_flagged_before``). A value said
  again in a later sentence is one fact that lists that sentence: its name and number
  there count too (``repeated_spans``).
- Texts with no mention, and the time to annotate (load of the knowledge apart).

Prints each figure with the same run's baseline where one is given (``--baseline`` JSON
from an earlier run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.annotate import annotate
from kg.document import ArticleMetadata, Document, Sentence, Span
from kg.facts import LabResult, Measurement, quantified
from kg.mentions import ConceptMention
from kg.settings import SHARED_DIR
from kg.vocabulary import load_knowledge

CASES = SHARED_DIR / "cases" / "maccrobat"
TYPES = ("Disease_disorder", "Sign_symptom", "Diagnostic_procedure")
COMPATIBLE: dict[str, frozenset[str]] = {
    "Disease_disorder": frozenset(
        {"etiology", "condition", "mechanism", "disorder", "phenotype", "sign"}
    ),
    "Sign_symptom": frozenset(
        {"condition", "imaging-sign", "outcome", "sign", "phenotype", "disorder"}
    ),
    "Diagnostic_procedure": frozenset({"modality", "lab-test", "procedure"}),
}


@dataclass(frozen=True)
class Gold:
    kind: str
    spans: tuple[tuple[int, int], ...]
    negated: bool


def read_gold(path: Path) -> tuple[dict[str, Gold], list[tuple[str, str]]]:
    """Gold entities by id (events resolved to their trigger), and MODIFY relations; a
    Coreference span IDENTICAL to an entity takes that entity's type (``corefer``)."""
    entities: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    events: dict[str, str] = {}
    negated: set[str] = set()
    modify: list[tuple[str, str]] = []
    identical: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            kind, _, ranges = fields[1].partition(" ")
            spans = tuple((int(a), int(b)) for a, b in (r.split() for r in ranges.split(";")))
            entities[fields[0]] = (kind, spans)
        elif line.startswith("E") and len(fields) >= 2:
            events[fields[0]] = fields[1].split()[0].split(":")[1]
        elif line.startswith("A") and len(fields) >= 2:
            parts = fields[1].split()
            if parts[0] == "POLARITY" and parts[-1] == "NEG":
                negated.add(parts[1])
        elif line.startswith("R") and len(fields) >= 2:
            parts = fields[1].split()
            if parts[0] == "MODIFY":
                modify.append((parts[1].split(":")[1], parts[2].split(":")[1]))
            elif parts[0] == "IDENTICAL":
                identical.append((parts[1].split(":")[1], parts[2].split(":")[1]))
    resolve = {**{e: t for e, t in events.items()}, **{t: t for t in entities}}
    gold = {
        tid: Gold(kind, spans, tid in {resolve.get(n, n) for n in negated})
        for tid, (kind, spans) in entities.items()
    }
    pairs = [(resolve.get(a, a), resolve.get(b, b)) for a, b in modify]
    corefer(gold, [(resolve.get(a, a), resolve.get(b, b)) for a, b in identical])
    return gold, pairs


def corefer(gold: dict[str, Gold], identical: list[tuple[str, str]]) -> None:
    """MACCROBAT annotates a word referring back to an entity ("the mass", "the tumor") as
    Coreference, IDENTICAL to that entity: it names the same disorder, sign or procedure,
    so it takes the entity's type (followed along a chain of references)."""
    antecedent = dict(identical)
    for tid, item in list(gold.items()):
        seen = {tid}
        target = antecedent.get(tid)
        while item.kind == "Coreference" and target in gold and target not in seen:
            seen.add(target)
            if gold[target].kind != "Coreference":
                # the antecedent may have taken its own antecedent's type already
                kind = gold[target].kind.removesuffix(" (coreference)")
                gold[tid] = Gold(f"{kind} (coreference)", item.spans, item.negated)
                break
            target = antecedent.get(target)


def _overlaps(a: tuple[int, int], spans: tuple[tuple[int, int], ...]) -> bool:
    return any(a[0] < end and start < a[1] for start, end in spans)


@dataclass
class Tally:
    found: Counter[str]
    total: Counter[str]
    right: int = 0
    mentions: int = 0
    negation_agree: int = 0
    negation_total: int = 0
    labs_found: int = 0
    labs_total: int = 0
    silent: int = 0
    seconds: float = 0.0
    missed: dict[str, Counter[str]] = field(default_factory=dict)
    wrong: Counter[str] = field(default_factory=Counter)
    labs_missed: list[str] = field(default_factory=list)


def read_case(path: Path) -> Document:
    """The case text as a document of one sentence per line (as MACCROBAT gives them), in a
    case-presentation section: what is measured is annotation, not ingest's layout rules."""
    source = path.read_text(encoding="utf-8")
    sentences: list[Sentence] = []
    offset = 0
    for line in source.splitlines(keepends=True):
        text = line.rstrip("\r\n")
        stripped = text.strip()
        if stripped:
            start = offset + text.index(stripped)
            span = Span(start, start + len(stripped))
            sentences.append(Sentence(len(sentences), "Case presentation", stripped, (span,)))
        offset += len(line)
    digest = hashlib.sha256(source.encode()).hexdigest()
    return Document(
        path.stem, source, digest, ArticleMetadata(title=path.stem), (), tuple(sentences)
    )


def measure(cases: list[Path]) -> Tally:
    knowledge = load_knowledge()
    tally = Tally(Counter(), Counter())
    for text in cases:
        gold, modify = read_gold(text.with_suffix(".ann"))
        started = time.perf_counter()
        document = read_case(text)
        source = document.source
        annotations = annotate(document, [], knowledge)
        tally.seconds += time.perf_counter() - started
        vocabulary = knowledge.for_document(document).vocabulary
        mentions = [
            (
                (m.start, m.end),
                m.negated,
                kinds_of(
                    categories_of(vocabulary, m.concept) | ({m.category} if m.category else set())
                ),
            )
            for m in annotations.mentions
        ]
        if not mentions:
            tally.silent += 1
        for item in gold.values():
            if item.kind not in TYPES:
                continue
            tally.total[item.kind] += 1
            hits = [
                m for m in mentions if m[2] & COMPATIBLE[item.kind] and _overlaps(m[0], item.spans)
            ]
            if hits:
                tally.found[item.kind] += 1
                tally.negation_total += 1
                tally.negation_agree += any(h[1] for h in hits) == item.negated
            else:
                words = " ".join(source[a:b] for a, b in item.spans).lower()
                tally.missed.setdefault(item.kind, Counter())[words] += 1
        typed = [
            Gold(g.kind.removesuffix(" (coreference)"), g.spans, g.negated)
            for g in gold.values()
            if g.kind.removesuffix(" (coreference)") in TYPES
        ]
        for span, _, categories in mentions:
            kinds = {k for k, allowed in COMPATIBLE.items() if categories & allowed}
            if not kinds:
                continue
            tally.mentions += 1
            right = any(g.kind in kinds and _overlaps(span, g.spans) for g in typed)
            tally.right += right
            if not right:
                tally.wrong[f"{source[span[0] : span[1]]} ({', '.join(sorted(categories))})"] += 1
        for value, name in modify:
            if value not in gold or name not in gold:
                continue
            if gold[value].kind != "Lab_value" or gold[name].kind != "Diagnostic_procedure":
                continue
            tally.labs_total += 1
            found = annotations.facts
            facts = [(f.span.start, f.span.end) for f in found.labs]
            facts += [(f.span.start, f.span.end) for f in found.measurements]
            facts += [(f.span.start, f.span.end) for f in found.results]
            facts += repeated_spans(
                document, [*found.labs, *found.measurements], list(annotations.mentions)
            )
            paired = any(
                _overlaps(fact, gold[value].spans) and _overlaps(fact, gold[name].spans)
                for fact in facts
            ) or any(
                _flagged_before(source, lab, gold[value]) and _overlaps(span, gold[name].spans)
                for lab, span in ((lab, (lab.span.start, lab.span.end)) for lab in found.labs)
            )
            tally.labs_found += paired
            if not paired:
                tally.labs_missed.append(lab_miss(source, gold[name], gold[value], facts))
    return tally


def repeated_spans(
    document: Document, facts: list[LabResult | Measurement], mentions: list[ConceptMention]
) -> list[tuple[int, int]]:
    """The words of a value stated again in a later sentence: the fact is one (its first
    sentence the anchor) and lists the others (``also_reported_in``); there its name (its
    words, or a mention of its concept: "LVEF" then "EF") and its number, in that order,
    are where it is said again."""
    sentences = {s.index: s for s in document.sentences}
    spans: list[tuple[int, int]] = []
    for fact in facts:
        name, number = quantified(fact)
        if number is None:
            continue
        for index in fact.also_reported_in:
            sentence = sentences[index]
            names = [
                m.start
                for m in mentions
                if m.sentence_index == index and name.concept and m.concept == name.concept
            ]
            at = sentence.text.find(name.text)
            if at >= 0:
                names.append(sentence.source_span(at, at + 1).start)
            for start in names:
                words = document.source[start : sentence.end]
                found = [words.find(w) + len(w) for w in (str(number), f"{number:,}") if w in words]
                if found:
                    spans.append((start, start + min(found)))
    return spans


def _flagged_before(source: str, lab: LabResult, value: Gold) -> bool:
    """A lab whose flag the words right before its name state ("mildly elevated bilirubin
    (2.2 mg/dL)"): the fact says those words (its ``flag_cue``) of that test, though its
    anchor starts at the name, so a gold value that is those words is found."""
    if not lab.flag_cue:
        return False
    start, end = value.spans[0][0], value.spans[-1][1]
    words = source[start:end].lower()
    return lab.flag_cue.lower() in words and 0 <= lab.span.start - end <= 3


def lab_miss(source: str, name: Gold, value: Gold, facts: list[tuple[int, int]]) -> str:
    """A missed pair as a line: the test's and the value's words, whether some fact
    covers either, and the line of text they stand in."""
    start = min(a for a, _ in name.spans + value.spans)
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    line = source[line_start : line_end if line_end >= 0 else len(source)]
    words = [" ".join(source[a:b] for a, b in g.spans) for g in (name, value)]
    covered = "".join(
        "NV"[i] if any(_overlaps(f, g.spans) for f in facts) else "-"
        for i, g in enumerate((name, value))
    )
    return f"{words[0]!r} = {words[1]!r} [{covered}] | {line}"


def kinds_of(categories: frozenset[str]) -> frozenset[str]:
    """A drug's mention is a drug's (MACCROBAT's Medication), whatever it causes: of none of
    the measured types, though the drug is an etiology too ("chemotherapy")."""
    return frozenset({"drug"}) if "drug" in categories else categories


def categories_of(vocabulary: object, iri: str) -> frozenset[str]:
    from kg.concepts import Vocabulary
    from kg.sentences import categories

    assert isinstance(vocabulary, Vocabulary)
    concept = vocabulary.concepts.get(iri)
    return categories(concept) if concept else frozenset()


def figures(tally: Tally, count: int) -> dict[str, float]:
    result = {f"recall {k}": tally.found[k] / max(1, tally.total[k]) for k in TYPES}
    result["precision of mentions"] = tally.right / max(1, tally.mentions)
    result["negation agreement"] = tally.negation_agree / max(1, tally.negation_total)
    result["lab name+value pairs"] = tally.labs_found / max(1, tally.labs_total)
    result["texts with no mention"] = tally.silent
    result["seconds per text"] = tally.seconds / max(1, count)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--limit", type=int, default=0, help="only the first N texts")
    parser.add_argument("--baseline", type=Path, help="JSON figures of an earlier run")
    parser.add_argument("--save", type=Path, help="write this run's figures as JSON")
    parser.add_argument("--half", choices=("dev", "held-out"), help="one half of the texts")
    parser.add_argument("--misses", type=Path, help="write the misses and wrong mentions")
    args = parser.parse_args()
    cases = sorted(args.cases.glob("*.txt"))
    if args.half:
        cases = [c for c in cases if is_dev(c) == (args.half == "dev")]
    if args.limit:
        cases = cases[: args.limit]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    load_knowledge()
    load = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    tally = measure(cases)
    result = figures(tally, len(cases))
    result["knowledge load seconds"] = load
    result["knowledge load MiB (max RSS growth)"] = grown / 1024
    baseline = json.loads(args.baseline.read_text()) if args.baseline else {}
    print(f"{len(cases)} texts from {args.cases}")
    print(f"{'figure':32} {'this run':>10} {'baseline':>10}")
    for name, value in result.items():
        earlier = baseline.get(name)
        shown = "" if earlier is None else f"{earlier:10.3f}"
        print(f"{name:32} {value:10.3f} {shown}")
    counts = ", ".join(f"{k} {tally.total[k]}" for k in TYPES)
    print(f"gold spans: {counts}; mentions of those kinds: {tally.mentions}")
    if args.save:
        args.save.write_text(json.dumps(result, indent=1))
    if args.misses:
        args.misses.write_text(misses_text(tally))


def is_dev(case: Path) -> bool:
    """The dev half: texts whose name hashes to an even number (a fixed, even split)."""
    return int(hashlib.sha256(case.stem.encode()).hexdigest(), 16) % 2 == 0


def misses_text(tally: Tally) -> str:
    lines: list[str] = []
    for kind in TYPES:
        missed = tally.missed.get(kind, Counter())
        lines.append(f"# missed {kind}: {sum(missed.values())}")
        lines += [f"{count:4} {words}" for words, count in missed.most_common()]
    lines.append(f"# mentions overlapping no compatible gold span: {sum(tally.wrong.values())}")
    lines += [f"{count:4} {words}" for words, count in tally.wrong.most_common()]
    lines.append(f"# lab name+value pairs missed: {len(tally.labs_missed)}")
    lines += tally.labs_missed
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
