"""Reference kinds beyond journal articles, author-year styles, glued years and volumes."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from kg.ingest import read_document
from kg.rdf.bibliography import cited_works
from kg.rdf.document import cited_work_iri, document_graph, document_key
from kg.rdf.namespaces import BIBO, CKG, DOI, FABIO, FRBR
from kg.references import PersonName, parse_reference
from kg.validate import validate_graph

DATA = Path(__file__).parent / "data"


def test_a_vancouver_book_chapter_keeps_chapter_and_book_apart() -> None:
    chapter = parse_reference(
        "Kumar V. Cellular responses to stress. In: Abbas AK, Aster JC, editors. Robbins "
        "Basic Pathology. 10th ed. Philadelphia: Elsevier; 2018. p. 31-56."
    )
    assert chapter.kind == "chapter"
    assert chapter.title == "Cellular responses to stress"
    assert chapter.container == "Robbins Basic Pathology"
    assert chapter.journal is None
    assert chapter.editors == (PersonName("Abbas", "AK"), PersonName("Aster", "JC"))
    assert (chapter.publisher, chapter.year) == ("Elsevier", 2018)
    assert (chapter.first_page, chapter.last_page) == ("31", "56")


def test_a_harvard_chapter_with_eds() -> None:
    chapter = parse_reference(
        "Swanepoel R, Coetzer JAW (2004) Rift Valley fever. In: Coetzer JAW, Tustin RC, eds. "
        "Infectious diseases of livestock. Southern Africa: Oxford University Press. "
        "pp 1037\u20131070."
    )
    assert (chapter.kind, chapter.title, chapter.container) == (
        "chapter",
        "Rift Valley fever",
        "Infectious diseases of livestock",
    )
    assert chapter.authors == (PersonName("Swanepoel", "R"), PersonName("Coetzer", "JAW"))
    assert chapter.publisher == "Oxford University Press"
    assert (chapter.year, chapter.first_page, chapter.last_page) == (2004, "1037", "1070")


def test_a_conference_paper_names_its_proceedings() -> None:
    paper = parse_reference(
        "Lee K, Park J. Cardiac calcification on CT. In: Proceedings of the Annual Meeting of "
        "the Korean Society of Radiology; 2019 Sep 12-14; Seoul. p. 101-102."
    )
    assert paper.kind == "conference"
    assert paper.title == "Cardiac calcification on CT"
    assert paper.container == (
        "Proceedings of the Annual Meeting of the Korean Society of Radiology"
    )
    assert paper.year == 2019


def test_a_web_page_with_an_organisation_as_author() -> None:
    page = parse_reference(
        "World Health Organization. Sepsis fact sheet [Internet]. Geneva: WHO; 2020 [cited "
        "2021 Jan 5]. Available from: http://127.0.0.1:9/fact-sheets/detail/sepsis"
    )
    assert page.kind == "web"
    assert page.authors == (PersonName("World Health Organization", organisation=True),)
    assert page.title == "Sepsis fact sheet"
    assert page.url == "http://127.0.0.1:9/fact-sheets/detail/sepsis"
    assert page.year == 2020


def test_an_organisation_printed_as_author_is_the_author_and_the_next_sentence_the_title() -> None:
    report = parse_reference(
        "World Health Organization. Global tuberculosis report 2020. Geneva: World Health "
        "Organization; 2020."
    )
    assert report.authors == (PersonName("World Health Organization", organisation=True),)
    assert report.title == "Global tuberculosis report 2020"
    assert (report.kind, report.publisher, report.place) == (
        "book",
        "World Health Organization",
        "Geneva",
    )
    page = parse_reference(
        "Centers for Disease Control and Prevention. Legionella (Legionnaires' disease and "
        "Pontiac fever). http://127.0.0.1:9/legionella/index.html. Accessed May 1, 2021."
    )
    assert page.authors == (
        PersonName("Centers for Disease Control and Prevention", organisation=True),
    )
    assert page.title == "Legionella (Legionnaires' disease and Pontiac fever)"
    assert page.year is None


def test_a_title_printed_first_is_not_taken_for_an_organisation() -> None:
    unsigned = parse_reference("Management of acute pancreatitis. Pancreas. 2010;5:1-2.")
    assert unsigned.authors == ()
    assert unsigned.title == "Management of acute pancreatitis"
    assert unsigned.journal == "Pancreas"


def test_an_organisation_author_is_written_as_an_organisation() -> None:
    document = read_document(DATA / "dennehy-2011-lysis-time.xml")
    guideline = parse_reference(
        "American Diabetes Association. Standards of medical care in diabetes-2020. Diabetes "
        "Care. 2020;43(Suppl 1):S1-S212.",
        1,
    )
    graph = document_graph(document, [guideline])
    work = cited_work_iri(document_key(document), guideline, 1)
    author = graph.value(work, DCTERMS.creator)
    assert (author, RDF.type, FOAF.Organization) in graph
    assert (author, RDF.type, FOAF.Person) not in graph
    assert graph.value(author, FOAF.name) == Literal("American Diabetes Association")
    item = next(
        item for item in cited_works(graph) if item.get("title", "").startswith("Standards")
    )
    assert item["author"] == [{"literal": "American Diabetes Association"}]


def test_a_reference_that_prints_no_title_or_year_says_so_and_conforms() -> None:
    document = read_document(DATA / "dennehy-2011-lysis-time.xml")
    untitled = parse_reference("Smith J, Lee K. Pancreas 2010;5:1-2.", 1)
    in_press = parse_reference(
        "Smith J, Lee K. Traumatic pancreatitis in adults. Pancreas. In press.", 2
    )
    web_page = parse_reference(
        "National Pancreas Foundation. Pancreatitis facts. Available at: "
        "http://127.0.0.1:9/facts. Accessed March 3, 2020.",
        3,
    )
    assert (untitled.title, untitled.journal, untitled.year) == (None, "Pancreas", 2010)
    assert (in_press.title, in_press.year) == ("Traumatic pancreatitis in adults", None)
    assert (web_page.title, web_page.year) == ("Pancreatitis facts", None)
    graph = document_graph(document, [untitled, in_press, web_page])
    key = document_key(document)
    untitled_work = cited_work_iri(key, untitled, 1)
    assert graph.value(untitled_work, DCTERMS.title) is None
    assert graph.value(untitled_work, CKG.titleNotStated) == Literal(True)
    for undated in (in_press, web_page):
        work = cited_work_iri(key, undated, undated.number or 0)
        assert graph.value(work, FABIO.hasPublicationYear) is None
        assert graph.value(work, CKG.yearNotStated) == Literal(True)
    assert validate_graph(graph).conforms


def test_an_apa_article() -> None:
    article = parse_reference(
        "Smith, J. K., & Lee, K. (2019). Myocardial calcification after sepsis. Journal of "
        "Cardiology, 12(3), 45\u201367. " + str(DOI["10.1000/xyz"])
    )
    assert article.authors == (PersonName("Smith", "JK"), PersonName("Lee", "K"))
    assert (article.title, article.journal, article.year) == (
        "Myocardial calcification after sepsis",
        "Journal of Cardiology",
        2019,
    )
    assert (article.volume, article.issue, article.first_page, article.last_page) == (
        "12",
        "3",
        "45",
        "67",
    )
    assert article.doi == "10.1000/xyz"


def test_years_and_volumes_glued_to_words_are_read() -> None:
    article = parse_reference(
        "Falush D, Stephens M, Pritchard JK. 2007Inference of population structure using "
        "multilocus genotype data. Genetics175:1251\u20131266."
    )
    assert article.title == "Inference of population structure using multilocus genotype data"
    assert (article.journal, article.year, article.volume) == ("Genetics", 2007, "175")
    assert (article.first_page, article.last_page) == ("1251", "1266")


def test_et_al_is_a_truncated_author_list() -> None:
    truncated = parse_reference("Nance JW Jr, Crane GM, et al. Calcifications. J X 2015;9:58-67.")
    assert truncated.et_al and len(truncated.authors) == 2
    apa = parse_reference("Smith, J., Lee, K., et al. (2019). A title. J Y, 1, 2-3.")
    assert apa.et_al and [a.family for a in apa.authors] == ["Smith", "Lee"]
    complete = parse_reference("Nance JW Jr, Crane GM. Calcifications. J X 2015;9:58-67.")
    assert not complete.et_al


def test_a_real_book_chapter_puts_its_editors_publisher_and_place_on_the_book() -> None:
    """Reference 3 of Fafetine et al. 2013 (tests/data, CC BY), as its JATS prints it."""
    document = read_document(DATA / "fafetine-2013-rift-valley-fever.xml")
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    chapter = next(r for r in references if r.title == "Rift Valley fever")
    assert chapter.raw.startswith("Swanepoel R, Coetzer JAW (2004) Rift Valley fever. In:")
    assert (chapter.place, chapter.publisher) == ("Southern Africa", "Oxford University Press")
    graph = document_graph(document, references)
    work = cited_work_iri(document_key(document), chapter, chapter.number or 0)
    book = graph.value(work, FRBR.partOf)
    assert book is not None
    assert (book, RDF.type, FABIO.Book) in graph
    assert graph.value(book, DCTERMS.title) == Literal("Infectious diseases of livestock")
    editor_list = graph.value(book, BIBO.editorList)
    assert editor_list is not None
    editors = Collection(graph, editor_list)
    assert [str(graph.value(editor, FOAF.name)) for editor in editors] == [
        "Coetzer JAW",
        "Tustin RC",
    ]
    assert set(graph.objects(book, BIBO.editor)) == set(editors)
    assert graph.value(book, DCTERMS.publisher) == Literal("Oxford University Press")
    place = graph.value(book, FABIO.hasPlaceOfPublication)
    assert (place, RDF.type, FRBR.Place) in graph
    assert graph.value(place, RDFS.label) == Literal("Southern Africa")
    assert validate_graph(graph).conforms

    item = next(item for item in cited_works(graph) if item.get("title") == "Rift Valley fever")
    assert item["type"] == "chapter"
    assert item["container-title"] == "Infectious diseases of livestock"
    assert item["editor"] == [
        {"family": "Coetzer", "given": "JAW"},
        {"family": "Tustin", "given": "RC"},
    ]
    assert (item["publisher"], item["publisher-place"]) == (
        "Oxford University Press",
        "Southern Africa",
    )
