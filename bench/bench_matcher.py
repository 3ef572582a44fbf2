"""The concept matcher (pyahocorasick) against a regular-expression alternation of the same labels.

Run: .venv/bin/python bench/bench_matcher.py [--repeat N]

Both scan the folded text of every seed sentence for every folded label variant; the regex
is the obvious hand-written alternative (longest alternatives first, word-bounded). The
regex finds fewer candidates (a scan cannot report overlapping matches), so it is a lower
bound on what a regex matcher would cost. Prints medians and the ratio, from the same run.
"""

from __future__ import annotations

import argparse
import re

from timing import median_seconds

from kg.build import default_documents
from kg.ingest import ingest
from kg.vocabulary import ConceptMatcher, fold, load_knowledge, surface_forms


def regex_matcher() -> re.Pattern[str]:
    keys = {
        fold(form)
        for concept in load_knowledge().vocabulary.concepts.values()
        for label in concept.labels
        for form in surface_forms(label)
    }
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sentences = [s.text for s in ingest(default_documents()[0]).sentences]
    matcher = ConceptMatcher(load_knowledge().vocabulary)
    pattern = regex_matcher()
    build_automaton = median_seconds(lambda: ConceptMatcher(load_knowledge().vocabulary), 3)
    build_regex = median_seconds(regex_matcher, 3)
    automaton = median_seconds(lambda: [matcher.find(s) for s in sentences], args.repeat)
    regex = median_seconds(
        lambda: [list(pattern.finditer(fold(s))) for s in sentences], args.repeat
    )
    print(
        f"{len(sentences)} seed sentences, {matcher.size} label variants, "
        f"median of {args.repeat} runs"
    )
    print(
        f"  build: automaton {build_automaton * 1000:7.1f} ms   regex {build_regex * 1000:7.1f} ms"
    )
    print(
        f"  scan:  automaton {automaton * 1000:7.2f} ms   regex {regex * 1000:7.2f} ms   "
        f"regex/automaton {regex / automaton:.2f}x"
    )


if __name__ == "__main__":
    main()
