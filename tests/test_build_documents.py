"""Many documents, one graph: kg build of several, kg add, kg remove, kg documents."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDFS
from seed_graph import SeedBuild

from kg.build import BuildReport, add, build, case_report_files, remove
from kg.cli import main
from kg.commands.build import print_report
from kg.errors import InputError, StoreError
from kg.rdf import document_graph_iris, document_keys, document_record_iri
from kg.rdf.namespaces import DOI, graph_iri
from kg.settings import SHARED_DIR, Settings
from kg.store import open_store

SEED_KEY = "10-3348-jksr-2021-0181"
SECOND_KEY = "second-case"
SECOND = Path(__file__).parent / "data" / "second_case.txt"
EXAMPLE = "http://127.0.0.1:9/"


def offline_settings(directory: Path) -> Settings:
    return Settings.resolve(store=directory / "store", cache_dir=directory / "cache", offline=True)


def graphs_of(settings: Settings) -> list[str]:
    with open_store(settings.store) as store:
        return store.named_graphs()


def read(settings: Settings, *graphs: str) -> Graph:
    with open_store(settings.store) as store:
        return store.read_graph(*graphs)


def activity_of(settings: Settings, key: str) -> str:
    """The label of the activity the document's record says generated its document graph."""
    record = read(settings, str(document_record_iri(key)))
    activity = record.value(URIRef(str(graph_iri("document", key))), PROV.wasGeneratedBy)
    return str(record.value(activity, RDFS.label))


@dataclass(frozen=True)
class Library:
    """A store built from the seed, then given a second document with kg add."""

    settings: Settings
    built: BuildReport
    added: BuildReport
    seed_graph_after_build: Graph


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Library:
    directory = tmp_path_factory.mktemp("library")
    settings = offline_settings(directory)
    built = build([seed_path], settings)
    seed_graph = read(settings, str(graph_iri("document", SEED_KEY)))
    added = add([SECOND], settings)
    return Library(settings, built, added, seed_graph)


def test_build_of_two_documents_puts_both_in_one_graph(tmp_path: Path, seed_path: Path) -> None:
    settings = offline_settings(tmp_path)
    report = build([seed_path, SECOND], settings)
    assert report.keys == (SEED_KEY, SECOND_KEY)
    assert document_keys(graphs_of(settings)) == [SEED_KEY, SECOND_KEY]
    assert report.validation is not None and report.validation.conforms


def test_add_builds_the_new_document_and_keeps_the_other_as_stored(library: Library) -> None:
    assert library.added.keys == (SECOND_KEY,)
    assert library.added.kept_documents == (SEED_KEY,)
    assert library.added.replaced == ()
    graphs = graphs_of(library.settings)
    assert document_keys(graphs) == [SEED_KEY, SECOND_KEY]
    assert set(document_graph_iris(SECOND_KEY)) <= set(graphs)
    seed_graph = read(library.settings, str(graph_iri("document", SEED_KEY)))
    assert isomorphic(seed_graph, library.seed_graph_after_build)


def test_after_add_each_documents_record_names_the_command_that_built_it(
    library: Library,
) -> None:
    assert activity_of(library.settings, SEED_KEY) == "kg build"
    assert activity_of(library.settings, SECOND_KEY) == "kg add"
    shared = read(library.settings, str(graph_iri("provenance")))
    ontology = URIRef(str(graph_iri("ontology")))
    assert str(shared.value(shared.value(ontology, PROV.wasGeneratedBy), RDFS.label)) == "kg add"


def test_add_of_a_document_the_graph_holds_replaces_it(library: Library, tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    shutil.copytree(library.settings.store, settings.store)
    revised = tmp_path / "revised" / SECOND.name
    revised.parent.mkdir()
    text = SECOND.read_text(encoding="utf-8")
    revised.write_text(text.replace("in a Woman Receiving", "in a Patient Receiving", 1))
    report = add([revised], settings)
    assert report.replaced == (SECOND_KEY,)
    assert report.kept_documents == (SEED_KEY,)
    titles = {str(title) for title in read(settings).objects(None, DCTERMS.title)}
    assert any("in a Patient Receiving" in title for title in titles)
    assert not any("in a Woman Receiving" in title for title in titles)


def test_remove_by_doi_drops_every_graph_of_that_document_and_keeps_the_others(
    library: Library, tmp_path: Path
) -> None:
    settings = offline_settings(tmp_path)
    shutil.copytree(library.settings.store, settings.store)
    report = remove(str(DOI["10.3348/JKSR.2021.0181"]), settings)
    assert report.removed == (SEED_KEY,)
    assert report.kept_documents == (SECOND_KEY,)
    graphs = graphs_of(settings)
    assert not set(document_graph_iris(SEED_KEY)) & set(graphs)
    assert set(document_graph_iris(SECOND_KEY)) <= set(graphs)
    assert activity_of(settings, SECOND_KEY) == "kg add"
    assert str(graph_iri("ontology")) in graphs


def test_remove_by_source_file_name(library: Library, tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    shutil.copytree(library.settings.store, settings.store)
    assert remove("second_case.txt", settings).removed == (SECOND_KEY,)
    assert document_keys(graphs_of(settings)) == [SEED_KEY]


def test_remove_of_an_unknown_document_exits_2_naming_those_the_graph_holds(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(library.settings.store)
    current = (Path(library.settings.store) / "CURRENT").read_text()
    assert main(["remove", "--store", store, "no-such-case"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kg remove: error: no document 'no-such-case' in the graph")
    assert f"{SEED_KEY}, second-case" in error
    assert (Path(library.settings.store) / "CURRENT").read_text() == current


def test_remove_without_a_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no graph built yet"):
        remove(SEED_KEY, offline_settings(tmp_path))


def test_kg_documents_lists_key_title_doi_file_and_counts(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(library.settings.store)
    assert main(["documents", "--store", store, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    listed = {row["key"]["value"]: row for row in rows}
    assert sorted(listed) == [SEED_KEY, SECOND_KEY]
    seed = listed[SEED_KEY]
    assert seed["doi"]["value"] == "10.3348/jksr.2021.0181"
    assert seed["files"]["value"] == "000_a1de3a5e3bf7a0c8.txt"
    assert seed["title"]["value"].startswith("Rapid Development of Diffuse Myocardial")
    assert seed["references"]["value"] == "9"
    assert seed["pointers"]["value"] == "6"
    second = listed[SECOND_KEY]
    assert "doi" not in second
    assert second["references"]["value"] == "3"


def test_imported_graphs_survive_add_and_remove(library: Library, tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    shutil.copytree(library.settings.store, settings.store)
    imported = str(graph_iri("import", "extra"))
    with open_store(settings.store) as store:
        store.load(f"<{EXAMPLE}a> <{EXAMPLE}b> 1 .".encode(), "ttl", graph=imported)
    assert remove(SECOND_KEY, settings).kept_graphs == (imported,)
    assert imported in graphs_of(settings)


def test_a_directory_stands_for_its_case_report_files_and_says_what_it_skipped(
    tmp_path: Path, seed_path: Path
) -> None:
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.xml").write_text("<article/>")
    (tmp_path / "a.ann").write_text("T1\tAge 0 3\tone")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "c.txt").write_text("c")
    documents, skipped = case_report_files([seed_path, tmp_path])
    assert documents == [seed_path, tmp_path / "a.xml", tmp_path / "b.txt"]
    assert skipped == [tmp_path / "a.ann"]


def test_a_document_named_twice_is_built_once(tmp_path: Path, seed_path: Path) -> None:
    shutil.copy(seed_path, tmp_path / seed_path.name)
    documents, _ = case_report_files([tmp_path / seed_path.name, tmp_path])
    assert documents == [tmp_path / seed_path.name]


def test_a_directory_without_case_reports_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("notes")
    with pytest.raises(InputError, match=r"no case report files \(\*\.txt or \*\.xml\)"):
        case_report_files([tmp_path])


def test_two_files_with_the_same_name_are_refused_naming_the_key(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        shutil.copy(SECOND, tmp_path / folder / SECOND.name)
    settings = offline_settings(tmp_path)
    with pytest.raises(InputError, match="have the same key second-case"):
        build([tmp_path / "one", tmp_path / "two"], settings)
    assert not (Path(settings.store) / "CURRENT").exists()


def test_kg_build_of_a_directory_reports_the_files_it_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(SECOND, folder / SECOND.name)
    (folder / "README.md").write_text("about these cases")
    store = str(tmp_path / "store")
    assert main(["build", "--store", store, "--offline", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "built second_case.txt (second-case) into" in captured.out
    assert f"skipped 1 file(s) that are not case reports (.txt, .xml): {folder / 'README.md'}" in (
        captured.err
    )


def test_kg_add_says_which_documents_it_kept_and_which_it_replaced(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = offline_settings(tmp_path)
    shutil.copytree(library.settings.store, settings.store)
    assert main(["add", "--store", str(settings.store), "--offline", str(SECOND)]) == 0
    output = capsys.readouterr().out
    assert "added second_case.txt (second-case) into" in output
    assert "replacing the stored second-case" in output
    assert f"kept {SEED_KEY} as stored" in output


def test_what_ingest_says_about_a_document_is_one_warning_line_each(
    seed_build: SeedBuild, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = "case.txt: no reference list: the citation layer is empty"
    report = dataclasses.replace(seed_build.report, document_notices=(notice,))
    assert print_report(report) == 0
    assert f"warning: {notice}\n" in capsys.readouterr().err


def test_a_case_text_without_references_builds_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = SHARED_DIR / "cases" / "maccrobat" / "15939911.txt"
    assert main(["build", "--store", str(tmp_path / "store"), "--offline", str(case)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "15939911" in line]
    assert len(warnings) == 1
    assert "reference" in warnings[0]
