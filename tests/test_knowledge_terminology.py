"""Terminology mentions on text nobody tuned on: abbreviations the report defines,
procedures named by their head word, findings from DICOM's SNOMED CT groups."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.annotate import Annotations, annotate
from kg.claims import Claim
from kg.document import ArticleMetadata, Document, Sentence, Span
from kg.facts import CaseFacts
from kg.ingest import ingest
from kg.mentions import ConceptMention, find_mentions
from kg.rdf.annotations import annotation_graph
from kg.rdf.facts import facts_graph
from kg.rdf.namespaces import CKG, OA
from kg.references import parse_reference
from kg.settings import SHARED_DIR
from kg.vocabulary import Knowledge

CASES = SHARED_DIR / "cases" / "maccrobat"

REPORT = """Extensive lymphadenitis in a traveller: a case report

CASE PRESENTATION

A 48-year-old woman was admitted with pleural effusion and chronic obstructive \
pulmonary disease (COPD). Physical examination was unremarkable apart from a palpable \
mass in the left axilla. COPD had been treated for ten years. No COPD exacerbation \
occurred during the stay. Renal function and the platelet count were normal. \
Gastroscopy and an abdominal ultrasound were performed, and the US showed no nodules. \
An ECG showed sinus rhythm. The program ran for 3 kilograms of samples. The response was \
graded by the Response Evaluation Criteria In Solid Tumors (RECIST): RECIST gave stable disease.
"""


@pytest.fixture(scope="module")
def mentions(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> list[ConceptMention]:
    path = Path(tmp_path_factory.mktemp("report")) / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    document: Document = ingest(path)
    return list(find_mentions(document, knowledge))


def _named(mentions: list[ConceptMention], words: str) -> list[ConceptMention]:
    return [m for m in mentions if m.text == words]


def test_an_abbreviation_the_report_defines_names_its_concept_wherever_it_stands(
    mentions: list[ConceptMention],
) -> None:
    (long,) = [m for m in mentions if m.text.startswith("chronic obstructive")]
    short = _named(mentions, "COPD")
    assert len(short) == 3  # the definition's "(COPD)" and the two uses
    assert {m.concept for m in short} == {long.concept}
    assert {m.identifier for m in short} == {long.identifier}
    # each use has its own context: the last is denied
    assert [m.negated for m in short] == [False, False, True]


def test_an_abbreviation_of_words_the_term_is_not_the_head_of_names_nothing(
    mentions: list[ConceptMention],
) -> None:
    assert _named(mentions, "RECIST") == []


def test_procedures_are_named_by_their_head_word(mentions: list[ConceptMention]) -> None:
    procedures = {m.text: m.category for m in mentions if m.category == "procedure"}
    for words in ("Physical examination", "Renal function", "platelet count", "Gastroscopy"):
        assert any(words in text or text in words for text in procedures), words
    # units and programs are no "...gram" procedure
    assert not [t for t in procedures if "gram" in t.lower()]


def test_an_imaging_modality_is_found_by_its_dicom_code(mentions: list[ConceptMention]) -> None:
    assert {m.identifier for m in _named(mentions, "US")} == {"DCM:US"}
    assert {m.identifier for m in _named(mentions, "ECG")} == {"DCM:ECG"}


def test_findings_come_from_dicoms_snomed_groups(mentions: list[ConceptMention]) -> None:
    assert {m.category for m in _named(mentions, "mass")} == {"sign"}
    assert {m.category for m in _named(mentions, "nodules")} == {"sign"}


LABS = """Fever after travel: a case report

CASE PRESENTATION

A 30-year-old man was admitted with fever. His blood pressure was 120/80 and the \
platelet count was normal. Renal function and liver function tests were within normal \
limits. Blood cultures were negative. Immunostaining was positive for CK7, CK19 and p16. \
Creatine kinase was 25000 U/L. Coronary angiography was normal. Echocardiography showed \
impaired relaxation.
"""


@pytest.fixture(scope="module")
def lab_facts(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> CaseFacts:
    path = Path(tmp_path_factory.mktemp("labs")) / "labs.txt"
    path.write_text(LABS, encoding="utf-8")
    return annotate(ingest(path), [], knowledge).facts


def test_a_result_stated_in_words_or_without_a_unit_is_kept_as_written(
    lab_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.result, r.flag) for r in lab_facts.results}
    assert ("blood pressure", "120/80", "unknown") in results
    assert ("platelet count", "normal", "normal") in results
    assert ("Blood cultures", "negative", "unknown") in results


def test_an_imaging_examination_has_a_result_only_where_its_own_words_state_it(
    lab_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.result) for r in lab_facts.results}
    assert ("angiography", "normal") in results
    # "impaired" is the relaxation's, not the examination's
    assert "Echocardiography" not in {test for test, _ in results}


def test_a_list_of_tests_shares_the_result_it_states(lab_facts: CaseFacts) -> None:
    results = {(r.test.text, r.result) for r in lab_facts.results}
    assert {
        ("Renal function", "within normal limits"),
        ("liver function tests", "within normal limits"),
    } <= results


def test_a_value_with_a_unit_is_a_lab_result_not_a_stated_one(lab_facts: CaseFacts) -> None:
    assert [lab.analyte.text for lab in lab_facts.labs] == ["Creatine kinase"]
    assert "Creatine kinase" not in {r.test.text for r in lab_facts.results}


COURSE = """Hypertensive crisis: a case report

CASE PRESENTATION

A 60-year-old woman was admitted with headache. On examination, blood pressure \
155/100 mm Hg, heart rate 90 beats per minute. His blood pressure, pulse rate, and \
respiratory rate were 174/127 mm Hg, 88/min, and 22/min, respectively. C-reactive protein \
was not elevated. The blood pressure rose to 190/130. Laboratory tests showed an increase \
in serum creatinine. He had a body mass index (BMI) of 40. The tone and power were normal \
in all four limbs. Notably, the tumor was positive and the patient was stable. The \
postoperative course was uneventful. Staining was positive for CK7, TTF-1, and p63 and \
negative for CK 5/6, Syn, and Ki-67 (20%). Her MELD score was 11 and the dose was 5 mg. \
The ECG showed a prolonged PR interval and normal LV function. Immunohistochemistry showed \
the following: CD31 (+), CD105 (-). Blood cultures were negative, as were stool cultures \
on day 3.
"""


@pytest.fixture(scope="module")
def course_facts(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> CaseFacts:
    path = Path(tmp_path_factory.mktemp("course")) / "course.txt"
    path.write_text(COURSE, encoding="utf-8")
    return annotate(ingest(path), [], knowledge).facts


def test_values_listed_respectively_go_to_their_tests_in_order(course_facts: CaseFacts) -> None:
    results = {(r.test.text, r.result) for r in course_facts.results}
    vital = {(m.quantity.text, m.qualifier, str(m.value)) for m in course_facts.measurements}
    assert {("blood pressure", "systolic", "174"), ("blood pressure", "diastolic", "127")} <= vital
    assert ("pulse rate", None, "88") in vital
    assert ("respiratory rate", None, "22") in vital  # a vital sign, not a lab result
    # never the diastolic pressure as the respiratory rate's value
    assert not any(test == "respiratory rate" and "127" in value for test, value in results)
    assert ("respiratory rate", None, "127") not in vital


def test_a_result_is_stated_of_what_no_terminology_names_but_never_of_a_finding(
    course_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.test.concept, r.result) for r in course_facts.results}
    assert {
        ("tone", None, "normal"),
        ("power", None, "normal"),
        ("postoperative course", None, "uneventful"),
    } <= results
    assert not {"tumor", "patient", "Notably"} & {test for test, _, _ in results}


def test_a_stain_is_positive_or_negative_for_each_marker_it_lists(
    course_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.result) for r in course_facts.results}
    assert {("CK7", "positive"), ("TTF-1", "positive"), ("p63", "positive")} <= results
    assert {("Syn", "negative"), ("Ki-67", "negative")} <= results
    # "CK 5/6" is a cytokeratin, and the 20% is Ki-67's: no creatine kinase value
    assert not [lab for lab in course_facts.labs if lab.analyte.text == "CK"]


def test_a_result_word_before_a_measurement_or_a_sign_after_a_marker_is_its_result(
    course_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.result) for r in course_facts.results}
    assert {("PR interval", "prolonged"), ("LV function", "normal")} <= results
    assert {("CD31", "+"), ("CD105", "-"), ("MELD score", "11")} <= results
    assert "dose" not in {test for test, _ in results}
    assert ("stool cultures", "negative") in results  # ", as were stool cultures"


def test_numbers_listed_after_one_test_are_each_its_value(knowledge: Knowledge) -> None:
    text = "Apgar scores were 2, 6, and 7 at 1, 5, and 10 minutes."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("apgar", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    results = [(r.test.text, r.result) for r in annotate(document, [], knowledge).facts.results]
    assert results == [("Apgar scores", "2"), ("Apgar scores", "6"), ("Apgar scores", "7")]


def test_a_number_stated_after_a_sentence_adverb_is_not_the_adverbs(knowledge: Knowledge) -> None:
    text = "Furthermore, the native T1 was 1335 ms and the MELD score was 11."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("adverb", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    results = {(r.test.text, r.result) for r in annotate(document, [], knowledge).facts.results}
    assert ("MELD score", "11") in results
    assert "Furthermore" not in {test for test, _ in results}


def test_a_number_is_one_tests_own_not_shared_along_a_list(course_facts: CaseFacts) -> None:
    results = {(r.test.text, r.result) for r in course_facts.results}
    vital = {(m.quantity.text, m.qualifier, str(m.value)) for m in course_facts.measurements}
    assert {("blood pressure", "systolic", "155"), ("blood pressure", "diastolic", "100")} <= vital
    assert "examination" not in {test for test, _ in results}
    assert ("heart rate", None, "90") in vital


def test_a_result_stated_as_its_course_or_negated_is_kept_without_a_wrong_flag(
    course_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.result, r.flag) for r in course_facts.results}
    assert ("C-reactive protein", "not elevated", "unknown") in results
    assert ("blood pressure", "190/130", "unknown") in results
    assert ("serum creatinine", "increase", "high") in results
    assert ("body mass index", "40", "unknown") in results


DISCUSSION = """Rhabdomyolysis in Legionnaires' disease: a case report

CASE PRESENTATION

A 62-year-old man presented with fever, cough and myalgia. He was diagnosed with acute \
kidney injury.

DISCUSSION

Rhabdomyolysis may lead to acute kidney injury (1). Legionnaires' disease is associated \
with hyponatremia and rhabdomyolysis (2, 3). Hypokalemia causes muscle weakness (4). \
Pneumonia is not associated with pancreatitis (5).

REFERENCES

1. Doe J. Rhabdomyolysis and the kidney. J Nephrol 2010;1:1-2
2. Roe R. Legionella and sodium. J Infect 2011;2:3-4
3. Poe P. Legionella myositis. J Infect 2012;3:5-6
4. Moe M. Potassium and muscle. J Physiol 2013;4:7-8
5. Zoe Z. Pneumonia and pancreas. Pancreas 2014;5:9-10
"""


def _claims(document: Document, knowledge: Knowledge) -> dict[tuple[str, str], Claim]:
    labels = {m.concept: m.text.lower() for m in find_mentions(document, knowledge)}
    found = annotate(document, [], knowledge).claims
    return {(labels[c.subject], labels[c.object]): c for c in found}


def test_claims_link_terminology_concepts_the_discussion_names(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    path = tmp_path / "discussion.txt"
    path.write_text(DISCUSSION, encoding="utf-8")
    claims = _claims(ingest(path), knowledge)
    # the words orient the link: rhabdomyolysis leads to the kidney injury, hedged by "may"
    lead = claims[("rhabdomyolysis", "acute kidney injury")]
    assert (lead.predicate, lead.modality, lead.hedged, lead.cited_references) == (
        "causes",
        "causal",
        True,
        (1,),
    )
    weakness = claims[("hypokalemia", "muscle weakness")]
    assert (weakness.predicate, weakness.hedged, weakness.cited_references) == (
        "causes",
        False,
        (4,),
    )
    # an association of two diseases, each claim of the list sharing the two references
    for other in ("hyponatremia", "rhabdomyolysis"):
        claim = claims[("legionnaires' disease", other)]
        assert (claim.predicate, claim.modality) == ("associatedWith", "association")
        assert (claim.cited_references, claim.shared_references) == ((), (2, 3))
    denied = claims[("pneumonia", "pancreatitis")]
    assert (denied.predicate, denied.negated) == ("associatedWith", True)


def read_case(path: Path) -> Document:
    """A MACCROBAT case text as a case-presentation section, one sentence per line."""
    source = path.read_text(encoding="utf-8")
    sentences: list[Sentence] = []
    offset = 0
    for line in source.splitlines(keepends=True):
        text = line.strip()
        if text:
            start = offset + line.index(text)
            span = Span(start, start + len(text))
            sentences.append(Sentence(len(sentences), "Case presentation", text, (span,)))
        offset += len(line)
    digest = hashlib.sha256(source.encode()).hexdigest()
    return Document(
        path.stem, source, digest, ArticleMetadata(title=path.stem), (), tuple(sentences)
    )


def test_claims_on_a_real_case_text_say_what_its_sentences_state(
    knowledge: Knowledge,
) -> None:
    # MACCROBAT PMID 27904130 (CC BY 4.0), as published: "liver cirrhosis resulting from
    # hepatitis B"; PMID 22514576: "Epistaxis was considered to be due to heart failure".
    cirrhosis = _claims(read_case(CASES / "27904130.txt"), knowledge)
    assert cirrhosis[("hepatitis b", "liver cirrhosis")].predicate == "causes"
    epistaxis = _claims(read_case(CASES / "22514576.txt"), knowledge)
    claim = epistaxis[("heart failure", "epistaxis")]
    assert (claim.predicate, claim.modality, claim.kind) == (
        "causes",
        "causal",
        "authors' interpretation",
    )


def test_a_dicom_code_mention_is_derived_from_the_dicom_source(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    document = ingest(path)
    graph = annotation_graph(document, annotate(document, [], knowledge))
    sources = {
        str(source)
        for term, identifier in graph.subject_objects(DCTERMS.identifier)
        if str(identifier).startswith("DCM:")
        for annotation in graph.subjects(OA.hasBody, term)
        for source in graph.objects(annotation, PROV.wasDerivedFrom)
    }
    # DICOM's tables give SNOMED CT, LOINC and DCM codes alike: one source
    assert [s.rsplit("/", 1)[1] for s in sources] == ["sct"]


def test_a_body_part_is_never_a_finding(knowledge: Knowledge) -> None:
    terminology = knowledge.terminology
    assert terminology is not None
    for words in ("appendix", "left common carotid artery", "axillary lymph node"):
        term = terminology.named(words)
        assert term is None or term.category != "sign", words
    mass = terminology.named("mass")
    assert mass is not None and mass.category == "sign"


REAL = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def rift_valley(knowledge: Knowledge) -> Annotations:
    """A real PMC article (an epidemiological study, not a case report: tests/data)."""
    document = ingest(REAL / "fafetine-2013-rift-valley-fever.xml")
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    return annotate(document, references, knowledge)


def test_a_real_article_gives_its_diseases_with_their_standard_identifiers(
    rift_valley: Annotations,
) -> None:
    named = {(m.text.lower(), m.identifier) for m in rift_valley.mentions}
    assert {
        ("encephalitis", "MONDO:0019956"),
        ("influenza", "MONDO:0005812"),
    } <= named
    # "In summary" is no LOINC document, "infectious" alone no disease
    assert not {text for text, _ in named} & {"summary", "infectious"}


def test_a_real_article_has_no_patient_timeline_or_invented_labs(
    rift_valley: Annotations,
) -> None:
    facts = rift_valley.facts
    assert facts.patient is None
    assert facts.timeline == ()
    # an incubation's temperature is only a value of something named a temperature
    assert all("temperature" in lab.analyte.text for lab in facts.labs if lab.ucum == "Cel")


def test_a_recipe_and_an_incubation_give_no_lab_values(knowledge: Knowledge) -> None:
    document = ingest(REAL / "dennehy-2011-lysis-time.xml")
    labs = annotate(document, [], knowledge).facts.labs
    assert not [lab for lab in labs if lab.analyte.text in {"glucose", "citrate"}]


def test_a_research_article_without_a_case_gives_no_patients_values(
    rift_valley: Annotations, knowledge: Knowledge
) -> None:
    # no case section and no patient: a survey's "confidence level of 95%", a buffer's
    # "room temperature, ..., 1%" and a fly study's "EDTA, 1 mM" are nobody's labs
    flies = annotate(ingest(REAL / "elife-00003-v1.xml"), [], knowledge).facts
    for facts in (rift_valley.facts, flies):
        assert facts.labs == () and facts.measurements == () and facts.results == ()


def test_a_case_report_without_headings_is_all_the_cases_account(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    path = tmp_path / "marathon.txt"
    path.write_text(
        "Acute kidney injury after a marathon\n\nA 34-year-old man collapsed after a "
        "marathon. On arrival his creatinine was 3.1 mg/dL. His renal function was impaired. "
        "The patient recovered with fluids.\n",
        encoding="utf-8",
    )
    facts = annotate(ingest(path), [], knowledge).facts
    assert [(lab.analyte.text, str(lab.value), lab.unit) for lab in facts.labs] == [
        ("creatinine", "3.1", "mg/dL")
    ]
    assert ("renal function", "impaired") in {(r.test.text, r.result) for r in facts.results}


def test_a_centile_after_a_value_belongs_to_its_words(knowledge: Knowledge) -> None:
    text = "Birth weight was 2.3 kg (10th percentile)."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("centile", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    [weight] = annotate(document, [], knowledge).facts.measurements  # a vital sign
    assert (weight.quantity.text, str(weight.value), weight.ucum) == ("Birth weight", "2.3", "kg")
    assert text[weight.span.start : weight.span.end] == "Birth weight was 2.3 kg (10th percentile)"


def test_a_value_linked_by_of_is_named_by_the_words_before_it(knowledge: Knowledge) -> None:
    text = (
        "The arterial blood gas revealed a pH of 7.45, pCO2 of 3.55 kPa and BE of \u22125.1 mmol/l."
    )
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("gas", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    labs = annotate(document, [], knowledge).facts.labs
    assert [(lab.analyte.text, str(lab.value), lab.ucum) for lab in labs] == [
        ("pCO2", "3.55", "kPa"),
        ("BE", "-5.1", "mmol/L"),
    ]


def test_a_species_named_with_its_abbreviated_genus_is_no_disease(knowledge: Knowledge) -> None:
    text = "Bacilli were identified as M. tuberculosis by PCR. He had tuberculosis."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("genus", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    found = [m for m in find_mentions(document, knowledge) if m.text == "tuberculosis"]
    assert [text[m.start : m.end] for m in found] == ["tuberculosis"]
    assert found[0].start == text.rindex("tuberculosis")


def test_an_analyte_named_as_what_was_given_is_a_drug_not_a_test(knowledge: Knowledge) -> None:
    text = (
        "He was started on quetiapine fumarate. Chelation therapy with EDTA was begun. "
        "Serum potassium was 3.1 mmol/L."
    )
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("given", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    tests = [m.text for m in find_mentions(document, knowledge) if m.category == "lab-test"]
    assert tests == ["potassium"]


def _case_facts(text: str, knowledge: Knowledge) -> CaseFacts:
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("one", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    return annotate(document, [], knowledge).facts


def test_a_value_no_terminology_names_is_measured_by_the_noun_before_it(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "The activated partial thromboplastin time (APTT) was prolonged to 53.5 seconds "
        "(normal range, 25.1-40.7 seconds), and the length was 47 cm.",
        knowledge,
    )
    measured = {
        (m.quantity.text, str(m.value), m.ucum, m.flag, m.modality) for m in facts.measurements
    }
    assert measured == {("length", "47", "cm", "unknown", None)}
    # a clotting time with no imaging examination named is a laboratory's (kg.facts)
    tested = {(lab.analyte.text, str(lab.value), lab.ucum, lab.flag) for lab in facts.labs}
    assert tested == {("activated partial thromboplastin time (APTT)", "53.5", "s", "high")}


def test_a_verb_a_person_or_a_finding_before_a_value_names_no_measurement(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "Emergency pericardiocentesis drained 60 mL, his sister was 530 ms, and he had "
        "atrial fibrillation of 80/min.",
        knowledge,
    )
    assert facts.measurements == ()


def test_a_tests_clause_states_its_result_after_words_that_qualify_it(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "Brain ultrasound performed at age 5 days was normal. "
        "CT showed a mass in the liver and the spleen was normal.",
        knowledge,
    )
    results = {(r.test.text, r.result) for r in facts.results}
    assert ("ultrasound", "normal") in results
    assert ("CT", "normal") not in results  # the spleen's, past another clause


def test_an_imaging_measure_is_stated_by_its_own_number_only(knowledge: Knowledge) -> None:
    facts = _case_facts(
        "A 2-dimensional echocardiogram revealed a left ventricular ejection fraction (LVEF) "
        "of 0.20, severe diffuse left ventricular hypokinesis.",
        knowledge,
    )
    assert ("left ventricular ejection fraction", "0.20") in {
        (r.test.text, r.result) for r in facts.results
    }


def test_a_long_name_before_a_value_is_its_last_noun_phrase(knowledge: Knowledge) -> None:
    facts = _case_facts(
        "Laboratory findings were within normal range, except for a carcinoembryonic antigen "
        "(CEA) level of 30.25 ng/mL (normal range, 0-5 ng/mL).",
        knowledge,
    )
    labs = {(lab.analyte.text, str(lab.value), lab.flag) for lab in facts.labs}
    assert labs == {("carcinoembryonic antigen (CEA)", "30.25", "high")}


def test_a_clause_whose_verb_states_a_course_gives_its_subjects_result(
    knowledge: Knowledge,
) -> None:
    texts = {
        "During the following two weeks his clinical status improved and he was discharged.": {
            ("clinical status", "improved")
        },
        "Gait was slow.": {("Gait", "slow")},
        "Treatment improved the symptoms.": set(),  # a verb with an object: no course
    }
    for text, expected in texts.items():
        facts = _case_facts(text, knowledge)
        assert {(r.test.text, r.result) for r in facts.results} == expected, text


def test_a_test_that_showed_something_normal_states_a_normal_result(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "Coronary angiography showed normal coronary arteries. "
        "Echocardiography showed impaired relaxation.",
        knowledge,
    )
    results = {(r.test.text, r.result, r.flag) for r in facts.results}
    assert ("angiography", "normal coronary arteries", "normal") in results
    assert not [r for r in facts.results if "relaxation" in r.result]


def test_a_flag_word_after_the_next_named_item_is_that_items(knowledge: Knowledge) -> None:
    facts = _case_facts(
        "Laboratory tests revealed mildly elevated bilirubin (2.2 mg/dL) and albumin deficit "
        "(2.38 g/dL).",
        knowledge,
    )
    flags = {lab.analyte.text: lab.flag for lab in facts.labs}
    assert flags == {"bilirubin": "high", "albumin deficit": "low"}


def test_a_bare_number_given_of_a_name_is_its_value_never_a_doses(knowledge: Knowledge) -> None:
    facts = _case_facts(
        "A PET scan showed a lung lesion with a standardized uptake value of 7.94, and the "
        "arterial blood gas revealed a pH of 7.45; she received a cumulative dose of 17.",
        knowledge,
    )
    results = {(r.test.text, r.result) for r in facts.results}
    assert {("standardized uptake value", "7.94"), ("pH", "7.45")} <= results
    assert "cumulative dose" not in {test for test, _ in results}


def test_a_value_after_a_colon_is_named_by_the_words_before_it(knowledge: Knowledge) -> None:
    facts = _case_facts(
        "Tests revealed anemia (hematocrit (Htc): 31.6%, medium cellular volume (MCV): 77.6 fL).",
        knowledge,
    )
    tested = {(lab.analyte.text, str(lab.value), lab.ucum) for lab in facts.labs}
    assert ("medium cellular volume (MCV)", "77.6", "fL") in tested  # a blood cell's volume


def test_a_graded_state_and_a_susceptibility_list_give_each_their_result(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "He presented with NYHA functional class III and Apgar scores were 9 and 10 at "
        "birth; the isolates were resistant to clindamycin and oxacillin and susceptible to "
        "vancomycin.",
        knowledge,
    )
    results = {(r.test.text, r.result) for r in facts.results}
    assert {
        ("NYHA functional class", "III"),
        ("clindamycin", "resistant"),
        ("oxacillin", "resistant"),
        ("vancomycin", "susceptible"),
    } <= results
    assert "and" not in {result for _, result in results}


def test_a_subjects_head_before_of_or_after_a_possessive_is_what_a_result_is_of(
    knowledge: Knowledge,
) -> None:
    texts = {
        "Motor skills of the hands were markedly impaired.": ("Motor skills", "impaired"),
        "It was stopped since the patient's condition remained stable.": ("condition", "stable"),
        "His renal function did not improve.": ("renal function", "did not improve"),
    }
    for text, expected in texts.items():
        results = {(r.test.text, r.result) for r in _case_facts(text, knowledge).results}
        assert expected in results, text
    facts = _case_facts("Signs of right-sided heart failure were absent.", knowledge)
    assert "Signs" not in {r.test.text for r in facts.results}


def test_a_result_word_before_a_list_with_a_named_test_judges_each_item(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "Laboratory tests revealed elevated levels of C reactive protein, lactate "
        "dehydrogenase (LDH), and soluble interleukin-2 receptor (sIL-2R) (Table 1).",
        knowledge,
    )
    results = {(r.test.text, r.result) for r in facts.results}
    assert {
        ("lactate dehydrogenase", "elevated"),
        ("soluble interleukin-2 receptor", "elevated"),
    } <= results
    lone = _case_facts("The patient had high clinical suspicion of metastases.", knowledge)
    assert lone.results == ()


def test_a_value_after_a_defined_abbreviation_is_named_by_the_words_it_abbreviates(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "Tests showed aspartate aminotransferase (AST) 306 U/L, and the ventricle had an "
        "ejection fraction (EF) of 20%.",
        knowledge,
    )
    named = {lab.analyte.text for lab in facts.labs} | {m.quantity.text for m in facts.measurements}
    assert {"aspartate aminotransferase", "ejection fraction"} <= named
    assert not named & {"AST", "EF"}


def test_a_number_after_a_comma_or_opening_a_parenthesis_is_the_tests_own(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "His vital signs were: blood pressure, 178/102 mmHg; the international normalized "
        "ratio (1.53; normal range, 0.88-1.15) and ibuprofen (1,200 mg daily) were noted.",
        knowledge,
    )
    results = {(r.test.text, r.result) for r in facts.results}
    pressures = {(m.quantity.text, m.qualifier, str(m.value)) for m in facts.measurements}
    assert pressures == {
        ("blood pressure", "systolic", "178"),
        ("blood pressure", "diastolic", "102"),
    }
    assert "1.53" in {value for _, value in results}
    assert "1,200" not in {value for _, value in results}


def test_a_time_a_size_or_a_place_before_a_tests_head_word_names_no_test(
    knowledge: Knowledge,
) -> None:
    text = (
        "A 2-week interval later the scan showed a marked interval improvement of the 5 mm "
        "diameter lesion, with local pressure; laboratory tests and the PR interval were normal."
    )
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("heads", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    mentions = find_mentions(document, knowledge)
    procedures = {m.text for m in mentions if m.identifier == "SCT:103693007"}
    assert not procedures & {"week interval", "marked interval", "mm diameter", "local pressure"}
    assert "laboratory tests" in procedures
    assert "PR interval" in {m.text for m in mentions}


def test_a_tests_own_bare_number_is_its_value_never_the_next_items(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts("Serum sodium 130, potassium 3.1 and chloride 98 mmol/L.", knowledge)
    assert [(lab.analyte.text, str(lab.value), lab.ucum) for lab in facts.labs] == [
        ("chloride", "98", "mmol/L")
    ]  # never "potassium 98 mmol/L"
    assert {(r.test.text, r.result) for r in facts.results} >= {
        ("sodium", "130"),
        ("potassium", "3.1"),
    }


def test_an_analytes_value_in_a_length_unit_is_its_molar_concentration(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "She developed acidosis with lactate level of 27 mm (normal range 0.5-2.4 mm) and "
        "elevated ammonia levels 277 μm (normal range 10-60 μm).",
        knowledge,
    )
    labs = {lab.analyte.text: (str(lab.value), lab.ucum, lab.flag) for lab in facts.labs}
    assert labs["lactate level"] == ("27", "mmol/L", "high")
    assert labs["ammonia levels"] == ("277", "umol/L", "high")
    # a length stays a length where the words name none of an analyte
    assert not _case_facts("A 5 μm section was cut from the block.", knowledge).labs


def test_an_abbreviation_inside_a_scores_name_is_part_of_the_name(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts("Her Child-Pugh (CP) score was 8.", knowledge)
    assert ("Child-Pugh score", "8") in {(r.test.text, r.result) for r in facts.results}


def test_a_value_stated_as_a_range_is_read_as_its_two_ends(knowledge: Knowledge) -> None:
    facts = _case_facts(
        "Serum ferritin was 6-8 ng/mL (normal range 20-200 ng/mL), and he needed peak "
        "pressures between 25 and 45 cm H2O.",
        knowledge,
    )
    labs = {
        lab.analyte.text: (lab.comparator, lab.value, lab.lower_bound, lab.upper_bound, lab.flag)
        for lab in facts.labs
    }
    # never a ferritin of 8 ng/mL: at least 6 and at most 8, below the range
    assert labs["ferritin"] == (">=", None, Decimal("6"), Decimal("8"), "low")
    assert labs["peak pressures"][1:4] == (None, Decimal("25"), Decimal("45"))


def test_a_range_values_label_gives_both_its_ends(knowledge: Knowledge) -> None:
    text = "Serum ferritin was 6-8 ng/mL (normal range 20-200 ng/mL)."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    document = Document(
        "one",
        text,
        hashlib.sha256(text.encode()).hexdigest(),
        ArticleMetadata(title="x"),
        (),
        (sentence,),
    )
    graph = facts_graph(document, annotate(document, [], knowledge).facts)
    labels = {
        str(o)
        for s, o in graph.subject_objects(RDFS.label)
        if (s, RDF.type, CKG.LabResult) in graph
    }
    # not "at least 6 ng/mL" with the upper end only in ckg:upperBound
    assert labels == {"ferritin 6\u20138 ng/mL"}


def test_the_value_a_course_reaches_is_the_same_tests_and_its_start_is_not_flagged(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "The pressure gradient was decreased from 19 mmHg to 8 mmHg, and her LVEF "
        "increased from 0.20 to 0.55.",
        knowledge,
    )
    labs = {(lab.analyte.text, str(lab.value), lab.flag) for lab in facts.labs}
    # "decreased" tells the course, not that 19 mmHg was low
    assert labs == {("pressure gradient", "19", "unknown"), ("pressure gradient", "8", "unknown")}
    assert ("LVEF", "0.55") in {(r.test.text, r.result) for r in facts.results}


def test_a_respectively_list_gives_each_value_to_its_item_even_one_no_term_names(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "Serum sodium, potassium and chloride were 128, 3.2 and 95 mmol/L, respectively.",
        knowledge,
    )
    assert [(lab.analyte.text, str(lab.value)) for lab in facts.labs] == [("chloride", "95")]
    assert {(r.test.text, r.result) for r in facts.results} == {
        ("sodium", "128"),
        ("potassium", "3.2"),
    }  # never potassium 95 mmol/L, nor every number the sodium's
    markers = _case_facts(
        "The levels of carcinoembryonic antigen, alpha fetoprotein, and carbohydrate antigen "
        "19-9 were 3.6 ng/mL, 26.7 ng/mL, and 8.1 U/mL, respectively.",
        knowledge,
    )
    assert {(lab.analyte.text, str(lab.value), lab.ucum) for lab in markers.labs} == {
        ("carcinoembryonic antigen", "3.6", "ng/mL"),
        ("alpha fetoprotein", "26.7", "ng/mL"),
        ("carbohydrate antigen 19-9", "8.1", "U/mL"),
    }


def test_a_respectively_list_at_several_sites_gives_no_value_to_a_side(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts(
        "The V5 values of the left, right, and total lungs were 20%, 0%, and 7.8%, respectively.",
        knowledge,
    )
    assert not {lab.analyte.text for lab in facts.labs} & {"left", "right"}


def test_a_clause_on_when_a_value_was_measured_leaves_it_the_tests(
    knowledge: Knowledge,
) -> None:
    facts = _case_facts("Her hemoglobin, measured on arrival, was 6.2 g/dL.", knowledge)
    assert [(lab.analyte.text, str(lab.value)) for lab in facts.labs] == [("hemoglobin", "6.2")]


def test_a_verb_or_a_markers_own_numbers_are_no_test_and_no_value(
    knowledge: Knowledge,
) -> None:
    raised = _case_facts("D-dimer levels were markedly raised, reaching 8,500 ng/mL.", knowledge)
    assert "reaching" not in {lab.analyte.text for lab in raised.labs}
    stains = _case_facts("The tumor was negative for CK 5/6, Syn and cgA.", knowledge)
    assert "5/6" not in {r.result for r in stains.results}  # cytokeratin 5/6 is a name


def test_a_name_keeps_no_closing_parenthesis_it_did_not_open(knowledge: Knowledge) -> None:
    facts = _case_facts("The dose to inhibit growth by 50% (IC50) is 100 nM.", knowledge)
    assert ("IC50", "100", "nmol/L") in {
        (lab.analyte.text, str(lab.value), lab.ucum) for lab in facts.labs
    }
