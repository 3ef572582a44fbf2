"""JATS XML articles read into the same Document as plain text, offsets into the text the
graph quotes; XML that is not well-formed, declares entities or has no body is refused."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF

from kg.cli import main
from kg.document import Document
from kg.errors import InputError
from kg.ingest import read_document
from kg.rdf.document import cited_work_iri, document_graph, document_key
from kg.rdf.namespaces import CKG, FABIO, FRBR
from kg.references import parse_reference

DATA = Path(__file__).parent / "data"

SUPERSCRIPT_ARTICLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC
 "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN"
 "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report">
<front><article-meta>
<article-id pub-id-type="doi">10.1234/EXAMPLE.5</article-id>
<title-group><article-title>Calcified myocardium after sepsis</article-title></title-group>
<contrib-group><contrib contrib-type="author" corresp="yes"><name><surname>Kim</surname>
<given-names>Song Soo</given-names></name><xref ref-type="aff" rid="a1">1</xref></contrib>
</contrib-group>
<aff id="a1"><label>1</label>Department of Radiology, Example Hospital</aff>
<abstract><p>A rare complication.</p></abstract>
</article-meta></front>
<body><sec><title>Case presentation</title>
<p>Calcification follows sepsis<sup><xref ref-type="bibr" rid="r1">1</xref>,<xref
ref-type="bibr" rid="r2">2</xref></sup> and renal failure.<sup><xref ref-type="bibr"
rid="r1 r2">1,2</xref></sup> CT showed it (<xref ref-type="fig" rid="f1">Fig. 1</xref>).</p>
<fig id="f1"><label>Figure 1</label><caption><p>CT of the heart.</p></caption></fig>
</sec></body>
<back><ref-list><ref id="r1"><element-citation publication-type="journal">
<person-group person-group-type="author">
<name><surname>Nance</surname><given-names>JW</given-names></name>
<etal/></person-group><article-title>Myocardial calcifications</article-title>
<source>Radiology</source><year>2015</year><volume>276</volume><fpage>32</fpage><lpage>41</lpage>
<pub-id pub-id-type="doi">10.1148/radiol.2015141311</pub-id></element-citation></ref>
<ref id="r2"><element-citation publication-type="book"><person-group person-group-type="author">
<name><surname>Kumar</surname><given-names>V</given-names></name></person-group>
<chapter-title>Cellular responses to stress</chapter-title><person-group person-group-type="editor">
<name><surname>Abbas</surname><given-names>AK</given-names></name></person-group>
<source>Robbins Basic Pathology</source><publisher-loc>Philadelphia</publisher-loc>
<publisher-name>Elsevier</publisher-name><year>2018</year><fpage>31</fpage><lpage>56</lpage>
</element-citation></ref></ref-list></back>
</article>
"""


def _write(tmp_path: Path, text: str, name: str = "article.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _quoted(document: Document) -> None:
    """Every offset indexes the text the graph quotes."""
    for sentence in document.sentences:
        assert document.source[sentence.start : sentence.end] == sentence.text
    for marker in document.markers:
        assert document.source[marker.span.start : marker.span.end] == marker.content
    for reference in document.references:
        assert document.source[reference.span.start : reference.span.end] == reference.text


def test_superscript_xrefs_become_markers_with_their_references(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, SUPERSCRIPT_ARTICLE))
    _quoted(document)
    assert document.metadata.title == "Calcified myocardium after sepsis"
    assert document.metadata.doi == "10.1234/example.5"
    assert document.metadata.authors[0].family == "Kim"
    assert document.metadata.authors[0].corresponding
    assert [(m.content, m.reference_numbers) for m in document.markers] == [
        ("1", (1,)),
        ("2", (2,)),
        ("1,2", (1, 2)),
    ]
    assert [s.title for s in document.sections] == ["ABSTRACT", "Case presentation"]
    assert document.figures[0].label == "Figure 1"
    assert document.notices == ()


def test_tagged_references_are_written_out_for_the_parser(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, SUPERSCRIPT_ARTICLE))
    article, chapter = (parse_reference(r.text, r.number) for r in document.references)
    assert article.et_al and article.authors[0].family == "Nance"
    assert (article.title, article.journal, article.year) == (
        "Myocardial calcifications",
        "Radiology",
        2015,
    )
    assert (article.volume, article.first_page, article.last_page) == ("276", "32", "41")
    assert article.doi == "10.1148/radiol.2015141311"
    assert "In: Abbas AK, editors. Robbins Basic Pathology." in document.references[1].text
    assert chapter.title == "Cellular responses to stress"
    assert chapter.year == 2018


def test_a_pmc_article_with_dois_in_its_reference_list() -> None:
    document = read_document(DATA / "dennehy-2011-lysis-time.xml")
    _quoted(document)
    assert document.metadata.doi == "10.1186/1471-2180-11-174"
    assert document.metadata.licence == "http://creativecommons.org/licenses/by/2.0"
    assert len(document.references) == 64
    first = parse_reference(document.references[0].text, 1)
    assert first.doi == "10.1038/nrmicro1460"
    assert first.authors[0].family == "Avery" and first.authors[0].initials == "SV"
    assert document.markers[0].content == "1-9"
    assert document.markers[0].reference_numbers == tuple(range(1, 10))


def test_a_proceedings_paper_takes_its_year_from_the_conference_date() -> None:
    """Reference 24 of Cedano et al. 2008 (tests/data, CC BY) tags no ``year``, only
    ``<conf-date>January 2005</conf-date>`` and the proceedings as ``conf-name``."""
    document = read_document(DATA / "cedano-2008-ncr-pcopgene.xml")
    raw = next(r for r in document.references if r.text.startswith("Chao S"))
    paper = parse_reference(raw.text, raw.number)
    assert paper.title == (
        "Feature dimension reduction for microarray data analysis using locally linear embedding"
    )
    assert paper.year == 2005
    assert paper.kind == "conference"
    assert paper.container is not None
    assert paper.container.startswith("Proceedings of the 3rd Asia-Pacific Bioinformatics")
    assert (paper.first_page, paper.last_page) == ("211", "217")


def test_a_range_printed_as_two_xrefs_is_one_marker() -> None:
    document = read_document(DATA / "fafetine-2013-rift-valley-fever.xml")
    _quoted(document)
    ranged = [m for m in document.markers if m.content == "[4]\u2013[7]"]
    assert [m.reference_numbers for m in ranged] == [(4, 5, 6, 7)]


def test_an_article_without_a_reference_list_gives_the_notice(tmp_path: Path) -> None:
    text = SUPERSCRIPT_ARTICLE[: SUPERSCRIPT_ARTICLE.index("<back>")] + "</article>"
    document = read_document(_write(tmp_path, text))
    assert document.notices == ("no reference list found: the citation layer is empty",)
    assert document.markers == ()


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY x 'leak'>")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def listener() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("<article><body><p>unclosed</body></article>", "not well-formed XML"),
        ("<article><front/></article>", "has no <body>"),
        ("<html><body/></html>", "not a JATS article"),
    ],
)
def test_bad_jats_is_one_clear_error_exit_2_and_nothing_written(
    tmp_path: Path, payload: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, payload)
    with pytest.raises(InputError, match=message):
        read_document(path)
    store = tmp_path / "store"
    assert main(["build", "--store", str(store), "--offline", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert not store.exists() or not any(store.rglob("*.nq*"))


def test_an_external_entity_is_refused_and_never_fetched(
    tmp_path: Path, listener: http.server.HTTPServer
) -> None:
    port = listener.server_address[1]
    payload = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE article [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/secret">'
        '<!ENTITY file SYSTEM "file:///etc/passwd">]>\n'
        "<article><body><p>&xxe; &file;</p></body></article>"
    )
    with pytest.raises(InputError, match="declares entities"):
        read_document(_write(tmp_path, payload))
    assert _Counter.requests == []


def test_an_external_dtd_is_not_fetched(tmp_path: Path, listener: http.server.HTTPServer) -> None:
    port = listener.server_address[1]
    payload = SUPERSCRIPT_ARTICLE.replace(
        '"JATS-archivearticle1.dtd"', f'"http://127.0.0.1:{port}/jats.dtd"'
    )
    assert read_document(_write(tmp_path, payload)).metadata.title
    assert _Counter.requests == []


def test_the_graph_keeps_chapter_and_book_apart_and_says_et_al(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, SUPERSCRIPT_ARTICLE))
    references = [parse_reference(r.text, r.number) for r in document.references]
    graph = document_graph(document, references)
    key = document_key(document)
    article, chapter = (cited_work_iri(key, r, r.number or 0) for r in references)
    assert graph.value(article, CKG.authorListTruncated) == Literal(True)
    assert (chapter, RDF.type, FABIO.BookChapter) in graph
    assert graph.value(chapter, DCTERMS.title) == Literal("Cellular responses to stress")
    book = graph.value(chapter, FRBR.partOf)
    assert (book, RDF.type, FABIO.Book) in graph
    assert graph.value(book, DCTERMS.title) == Literal("Robbins Basic Pathology")
    assert graph.value(book, DCTERMS.publisher) == Literal("Elsevier")


def test_the_same_article_as_pasted_text_with_glued_superscripts_links_the_same() -> None:
    """tests/data/dennehy-2011-lysis-time-superscript.txt is the JATS article's text with
    each citation set as a PDF copy gives a superscript: digits glued to the word before."""
    jats = read_document(DATA / "dennehy-2011-lysis-time.xml")
    text = read_document(DATA / "dennehy-2011-lysis-time-superscript.txt")
    assert len(text.references) == len(jats.references) == 64
    assert [r.text for r in text.references] == [r.text for r in jats.references]
    assert [(m.content, m.reference_numbers) for m in text.markers[:4]] == [
        ("1-9", tuple(range(1, 10))),
        ("14-16", (14, 15, 16)),
        ("17,18", (17, 18)),
        ("19-24", tuple(range(19, 25))),
    ]
    in_jats = {n for m in jats.markers for n in m.reference_numbers}
    in_text = {n for m in text.markers for n in m.reference_numbers}
    # "λ10-13" (a one-letter word) and "Box 7.1 of56)" are the two it cannot tell apart
    # from a symbol's index or a value; everything it links, the publisher linked too.
    assert in_jats - in_text == {11, 12, 13, 56}
    assert in_text <= in_jats
    assert not any(m.ambiguous for m in text.markers)


def test_figures_in_a_floats_group_are_read(tmp_path: Path) -> None:
    text = SUPERSCRIPT_ARTICLE.replace(
        "<back>",
        '<floats-group><fig id="f2"><label>Figure 2</label><caption><title>MRI of the '
        "heart.</title></caption></fig></floats-group><back>",
    )
    document = read_document(_write(tmp_path, text))
    assert [f.label for f in document.figures] == ["Figure 1", "Figure 2"]
    assert document.figures[1].title == "MRI of the heart."
    assert any(
        s.section == "Figure 2" and s.text == "MRI of the heart." for s in document.sentences
    )
