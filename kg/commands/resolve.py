"""`kg resolve`: citation strings to DOIs and metadata through Crossref."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from kg.citeformats import csl_item, to_bibtex, to_csljson, to_ris
from kg.commands.options import add_crossref_options, settings_from
from kg.errors import UNCHECKED, InputError, NetworkError
from kg.matching import Resolution, strip_markup
from kg.resolve import Batch, resolve_citations

FORMATS = ("table", "jsonl", "bibtex", "ris", "csljson")
PROGRESS_FROM = 5
"""Show a progress bar (on a terminal) from this many citations on."""

EXIT_CODES = """\
exit codes:
  0  every citation was looked up (whatever its status)
  2  no citations given, an unreadable --file, or a bad option
  4  Crossref could not be reached (or --offline) and none of the citations was cached
  5  finished, but Crossref could not check some citations (failing, unreachable, or the
     --deadline passed); they are listed with status error (not with --offline)

statuses: matched (DOI given), ambiguous (close candidates: no DOI given), unmatched,
error (malformed DOI, or Crossref not asked/failing: the reason says which)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "resolve",
        help="resolve citation strings to DOIs through Crossref",
        description="Resolve citations to DOIs with Crossref metadata: a DOI written in the "
        "citation is confirmed, anything else is searched and validated. A wrong DOI is worse "
        "than none, so weak or tied evidence gives no DOI.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "citations", nargs="*", metavar="CITATION", help="citation strings; '-' reads stdin"
    )
    parser.add_argument("--file", "-f", type=Path, help="citations, one per line")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_crossref_options(parser)
    parser.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not on a terminal"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    citations = gather(args.citations, args.file, sys.stdin)
    settings = settings_from(args)
    shown = args.progress or (sys.stderr.isatty() and len(citations) >= PROGRESS_FROM)
    with tqdm(
        total=len(citations), desc="resolving", unit="citation", file=sys.stderr, disable=not shown
    ) as bar:
        batch = resolve_citations(citations, settings, progress=bar.update)
    if batch.nothing_answered:
        raise NetworkError(batch.notice or "Crossref could not be asked")
    if batch.notice:
        print(f"kg resolve: warning: {batch.notice}", file=sys.stderr)
    write(batch, args.format, sys.stdout)
    return UNCHECKED if batch.incomplete else 0


def gather(arguments: Sequence[str], file: Path | None, stdin: TextIO) -> list[str]:
    """Citations from the arguments ('-' is stdin), the file, or stdin when piped."""
    lines: list[str] = []
    for argument in arguments:
        lines.extend(_lines(stdin.read()) if argument == "-" else [argument])
    if file is not None:
        try:
            lines.extend(_lines(file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InputError(f"cannot read citations from {file}: {why}") from exc
    if not arguments and file is None and not stdin.isatty():
        lines.extend(_lines(stdin.read()))
    citations = [" ".join(line.split()) for line in lines if line.strip()]
    if not citations:
        raise InputError("no citations given: pass them as arguments, with --file, or on stdin")
    return citations


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    """One citation per line, lines ending only at line feeds and carriage returns:
    ``str.splitlines`` also cuts at Unicode line and paragraph separators, form feeds and
    NEL, which PDF copy-paste leaves inside one citation (they become spaces)."""
    return _LINE_BREAK.split(text)


def write(batch: Batch, output_format: str, out: TextIO) -> None:
    resolutions = batch.resolutions
    if output_format == "jsonl":
        for resolution in resolutions:
            out.write(json.dumps(as_record(resolution), ensure_ascii=False) + "\n")
    elif output_format == "table":
        out.write(table(resolutions))
    else:
        matched = [r for r in resolutions if r.work is not None and r.status == "matched"]
        skipped = len(resolutions) - len(matched)
        if skipped:
            print(
                f"kg resolve: {skipped} of {len(resolutions)} citations have no matched work "
                f"and are left out of the {output_format} output",
                file=sys.stderr,
            )
        writers = {"bibtex": to_bibtex, "ris": to_ris, "csljson": to_csljson}
        items = list({csl_item(r.work)["id"]: csl_item(r.work) for r in matched if r.work}.values())
        out.write(writers[output_format](items))


def as_record(resolution: Resolution) -> dict[str, Any]:
    """One jsonl line: the decision, its reasons, and what was matched."""
    return {
        "input": resolution.input,
        "doi": resolution.doi,
        "score": round(resolution.score, 4),
        "status": resolution.status,
        "reasons": list(resolution.reasons),
        "title": strip_markup(resolution.title) if resolution.title else None,
        "container": strip_markup(resolution.container) if resolution.container else None,
        "year": resolution.year,
        "source_url": resolution.source_url,
    }


def table(resolutions: Sequence[Resolution]) -> str:
    rows = [("#", "STATUS", "SCORE", "DOI", "MATCH (or the citation)")]
    for number, resolution in enumerate(resolutions, 1):
        if resolution.status == "matched" and resolution.title:
            record = as_record(resolution)
            where = ", ".join(str(part) for part in (record["container"], record["year"]) if part)
            shown = f"{record['title']} ({where})" if where else record["title"]
        else:
            shown = f"[{resolution.input}] {resolution.reasons[0] if resolution.reasons else ''}"
        rows.append(
            (
                str(number),
                resolution.status,
                f"{resolution.score:.2f}",
                resolution.doi or "-",
                _clip(shown, 90),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = ["  ".join([*(row[i].ljust(widths[i]) for i in range(4)), row[4]]) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
