"""The shared polite HTTP layer: what it sends and how it reports, seen from a real server."""

from __future__ import annotations

from pathlib import Path

from crossref_server import CrossrefServer

from kg.crossref import CrossrefClient
from kg.http import MAX_VALUE_CHARS, cut_value, one_line


def test_a_long_query_value_is_cut_before_sending(
    crossref_server: CrossrefServer, tmp_path: Path
) -> None:
    client = CrossrefClient(crossref_server.url, tmp_path / "c.sqlite")
    text = "methylphenidate dopamine mice " * 4000  # 120 KB of citation text
    client.search(text)
    sent = crossref_server.log[-1].params["query.bibliographic"][0]
    assert len(sent) <= MAX_VALUE_CHARS
    assert text.startswith(sent)


def test_cut_value_keeps_short_values_and_cuts_at_a_word() -> None:
    assert cut_value("short") == "short"
    cut = cut_value("word " * 500, limit=100)
    assert len(cut) <= 100 and not cut.endswith(" ") and cut.endswith("word")


def test_error_text_is_one_short_line_without_markup() -> None:
    page = "<html>\n<body><h1>Bad\nGateway</h1>" + "x" * 500 + "</body></html>"
    line = one_line(page)
    assert "\n" not in line and "<" not in line
    assert line.startswith("Bad Gateway") and len(line) <= 200
