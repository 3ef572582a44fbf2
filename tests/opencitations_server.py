"""A local OpenCitations-Index-v2-compatible API, made from the recorded Crossref records.

The OpenCitations Index is built from Crossref's open reference lists; inverting the 1,817
recorded records' deposited ``reference[].DOI`` is the same operation on a smaller corpus
(../shared/reference/related-literature.md, section 5.5). Served under ``/index/v2``:
``/references/doi:X``, ``/citations/doi:X``, ``/citation-count/doi:X``,
``/reference-count/doi:X`` (unknown ids: 200 with ``[]`` / count "0", as the real one), and
the recorded Index v2 examples verbatim for their own URLs.

Rows as the real service writes them: ``citing``/``cited`` = ``omid:br/<synthetic> doi:<doi>``
(the OMIDs are deterministic and clearly made up), ``oci`` = the two OMID numbers,
``creation`` = the citing record's date at its precision, ``timespan`` by OpenCitations'
precision rules (years from the reference's own ``year`` when the cited work is no record),
``journal_sc`` = the two records share an ISSN, ``author_sc`` = they share an ORCID or a
family name with first initial (an approximation: OpenCitations compares author entities).

Like tests/crossref_server.py it advertises and enforces a rate (429 beyond it), logs every
request, and injects faults: status codes with Retry-After, latency, truncated bodies,
invalid JSON, a wrong content type, an id that is not a DOI.

    python tests/opencitations_server.py --port 8766 --rate 180 --interval 60
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import api_server
from api_server import ApiHandler, ApiServer
from crossref_server import fixtures_dir, load_records

PREFIX = "/index/v2"
Work = dict[str, Any]
Row = dict[str, str]


def omid(doi: str) -> str:
    """A synthetic, deterministic OMID number for a DOI (prefix 0690: not a real one)."""
    return "0690" + str(int(hashlib.sha1(doi.encode()).hexdigest()[:12], 16))[:9]


def _date_parts(work: Mapping[str, Any]) -> list[int]:
    parts = ((work.get("issued") or {}).get("date-parts") or [[None]])[0] or [None]
    return [int(part) for part in parts if part is not None][:3]


def _date_text(parts: Sequence[int]) -> str:
    return "-".join(f"{part:04d}" if n == 0 else f"{part:02d}" for n, part in enumerate(parts))


def timespan(citing: Sequence[int], cited: Sequence[int]) -> str:
    """OpenCitations' timespan: years always, months/days only if both dates have them,
    a leading ``-`` when the cited work is later, ``""`` when a date is missing."""
    if not citing or not cited:
        return ""
    precision = min(len(citing), len(cited))
    a, b = list(citing[:precision]), list(cited[:precision])
    sign = "-" if a < b else ""
    if a < b:
        a, b = b, a
    if precision == 1:
        return f"{sign}P{a[0] - b[0]}Y"
    months = (a[0] - b[0]) * 12 + (a[1] - b[1])
    days = 0
    if precision == 3:
        days = a[2] - b[2]
        if days < 0:
            months -= 1
            days += 30
    years, months = divmod(months, 12)
    return f"{sign}P{years}Y{months}M" + (f"{days}D" if precision == 3 else "")


def _authors(work: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for person in work.get("author") or []:
        if person.get("ORCID"):
            found.add(str(person["ORCID"]).rsplit("/", 1)[-1])
        if person.get("family"):
            found.add(f"{person['family'].lower()} {str(person.get('given') or ' ')[0].lower()}")
    return found


class CitationIndex:
    """Who cites whom among the records, as rows keyed by cited and by citing DOI."""

    def __init__(self, records: Iterable[Work]) -> None:
        self.records = {str(work["DOI"]).lower(): work for work in records}
        self.references: dict[str, list[Row]] = collections.defaultdict(list)
        self.citations: dict[str, list[Row]] = collections.defaultdict(list)
        for doi, work in self.records.items():
            seen: set[str] = set()
            for reference in work.get("reference") or []:
                cited = str(reference.get("DOI") or "").strip().lower()
                if not cited or cited == doi or cited in seen:
                    continue
                seen.add(cited)
                row = self._row(doi, work, cited, reference)
                self.references[doi].append(row)
                self.citations[cited].append(row)

    def _row(self, doi: str, work: Work, cited: str, reference: Mapping[str, Any]) -> Row:
        target = self.records.get(cited)
        citing_date = _date_parts(work)
        if target is not None:
            cited_date = _date_parts(target)
        else:
            year = str(reference.get("year") or "")
            cited_date = [int(year)] if year.isdigit() and len(year) == 4 else []
        same_journal = bool(target) and bool(
            set(work.get("ISSN") or []) & set((target or {}).get("ISSN") or [])
        )
        same_author = bool(target) and bool(_authors(work) & _authors(target or {}))
        return {
            "oci": f"{omid(doi)}-{omid(cited)}",
            "citing": f"omid:br/{omid(doi)} doi:{doi}",
            "cited": f"omid:br/{omid(cited)} doi:{cited}",
            "creation": _date_text(citing_date),
            "timespan": timespan(citing_date, cited_date),
            "journal_sc": "yes" if same_journal else "no",
            "author_sc": "yes" if same_author else "no",
        }


def _recorded_v2() -> dict[str, Any]:
    """The recorded Index v2 answers, by their path below the API root."""
    answers: dict[str, Any] = {}
    for path in sorted((fixtures_dir() / "opencitations").glob("index-v2-*.json")):
        recording = json.loads(path.read_text(encoding="utf-8"))
        uri = urllib.parse.urlsplit(recording["request"]["uri"]).path
        answers[uri.split("/index/v2", 1)[1]] = recording["response"]["json"]
    return answers


@dataclass
class Limits(api_server.Limits):
    """OpenCitations' budget: 180 requests a minute."""

    rate: int = 180
    interval: int = 60
    concurrency: int = 4


class OpenCitationsServer(ApiServer):
    """The API on 127.0.0.1 (ephemeral port unless given), served from a thread.

    Fault kinds of its own: ``content-type`` (an HTML page with status 200), ``bad-ids``
    (the rows' ids hold no DOI).
    """

    name = "opencitations-server"

    def __init__(
        self,
        index: CitationIndex | None = None,
        *,
        limits: Limits | None = None,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        token: str | None = None,
    ) -> None:
        super().__init__(_Handler, limits=limits or Limits(), port=port, clock=clock)
        self.index = index or CitationIndex(load_records())
        self.recorded = _recorded_v2()
        self.token = token

    @property
    def url(self) -> str:
        """The API root a client is given (``…/index/v2``)."""
        return self.root + PREFIX

    def logged_path(self, raw: str) -> str:
        return urllib.parse.unquote(raw)

    def answer(self, path: str) -> tuple[int, Any]:
        """Status and JSON body for a path below the API root."""
        if path in self.recorded:
            return 200, self.recorded[path]
        match = re.fullmatch(r"/(references|citations|citation-count|reference-count)/(.+)", path)
        if match is None:
            return 404, {"error": 404, "message": "the operation requested does not exist"}
        operation, identifier = match[1], match[2].lower()
        doi = identifier[4:] if identifier.startswith("doi:") else ""
        rows = {
            "references": self.index.references,
            "citations": self.index.citations,
            "citation-count": self.index.citations,
            "reference-count": self.index.references,
        }[operation].get(doi, [])
        if operation.endswith("-count"):
            return 200, [{"count": str(len(rows))}]
        return 200, rows


class _Handler(ApiHandler):
    api: OpenCitationsServer
    server_version = "opencitations-test"

    def do_GET(self) -> None:
        raw = urllib.parse.urlsplit(self.path).path
        path = urllib.parse.unquote(raw)
        authorization = self.headers.get("authorization", "")
        headers = self.api.limit_headers()
        exceeded = self.api.admit()
        if exceeded is not None:
            self.api.finish(self, 429)
            self._send(429, "text/plain", f"{exceeded} limit exceeded".encode(), headers)
            return
        if self.api.token is not None and authorization and authorization != self.api.token:
            self.api.finish(self, 403)
            body = b"Invalid token. Remove the authorization HEADER or register a new token"
            self._send(403, "text/plain", body, headers)
            return
        fault = self.api.take_fault(path)
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        status, payload = (
            self.api.answer(path[len(PREFIX) :])
            if path.startswith(PREFIX + "/")
            else (404, {"error": 404, "message": "not found"})
        )
        if fault is not None and fault.kind == "bad-ids" and isinstance(payload, list):
            bad = {"citing": "omid:br/1 issn:x", "cited": "doi:not-a-doi"}
            payload = [{**row, **bad} for row in payload]
        body = json.dumps(payload).encode()
        content_type, cut = "application/json", None
        if fault is not None and fault.kind == "status":
            status, content_type, body = fault.status, "text/plain", b"injected"
            if fault.retry_after is not None:
                headers = {**headers, "Retry-After": fault.retry_after}
        elif fault is not None and fault.kind == "invalid-json":
            body = body[: max(1, len(body) // 2)]
        elif fault is not None and fault.kind == "content-type":
            content_type, body = "text/html", b"<html><body>Maintenance</body></html>"
        elif fault is not None and fault.kind == "truncate":
            cut = len(body) // 2
        self.api.finish(self, status)
        self._send(status, content_type, body, headers, cut)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--rate", type=int, default=180, help="requests per interval")
    parser.add_argument("--interval", type=int, default=60, help="seconds")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-enforce", action="store_true", help="advertise limits only")
    args = parser.parse_args(list(argv) if argv is not None else None)
    limits = Limits(args.rate, args.interval, args.concurrency, enforce=not args.no_enforce)
    server = OpenCitationsServer(limits=limits, port=args.port)
    print(f"serving {len(server.index.citations)} cited DOIs at {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
