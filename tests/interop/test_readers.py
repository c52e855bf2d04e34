"""Each reader on real files from other apps and on files a teacher would make."""

from __future__ import annotations

import base64
import contextlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import SAMPLES, need_samples

from crisisquiz.core.pack_loader import PackError
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.packs import ImportAction, PackService
from crisisquiz.interop.registry import Format, ReadOptions, detect_format, read_pack
from crisisquiz.interop.report import Outcome
from crisisquiz.storage.database import Database


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- GIFT -------------------------------------------------------------------------------------

GIFT = """\
$CATEGORY: $course$/top/Cold War/Cuba

// [id:bay-of-pigs] [tag:dates]
::Invasion::When did the Bay of Pigs invasion begin? {#1961}

::Pi:: Pi to two decimals? {#3.14:0.005}

The blockade was called a {=quarantine =quarantaine#nearly} by Kennedy.

Put these in order, earliest first. {>3 ALL
Revolution
Bay of Pigs
Missile crisis
}

Match each leader to a country. {
    =Kennedy -> United States
    =Khrushchev -> Soviet Union
    = -> France
####The third option matches nobody.}
"""


def test_gift_categories_ids_numbers_missing_word_ordering_and_matching(tmp_path: Path) -> None:
    converted = read_pack(write(tmp_path, "cold-war.gift", GIFT))
    pack = converted.pack
    assert [t.title for t in pack.topics] == ["Cold War / Cuba"]
    by_id = {q.id: q for q in pack.questions}
    year = by_id["bay-of-pigs"]
    assert isinstance(year, Year) and year.answer == 1961 and year.tags == ("dates",)
    pi = next(q for q in pack.questions if isinstance(q, Number))
    assert (pi.answer, pi.tolerance) == (3.14, 0.005)
    cloze = next(q for q in pack.questions if isinstance(q, Cloze))
    assert cloze.text == "The blockade was called a {{quarantine}} by Kennedy."
    assert cloze.accept == (("quarantaine",),)
    order = next(q for q in pack.questions if isinstance(q, Ordering))
    assert order.items == ("Revolution", "Bay of Pigs", "Missile crisis")
    match = next(q for q in pack.questions if isinstance(q, Matching))
    assert match.extra == ("France",)
    assert match.explanation == "The third option matches nobody."
    assert converted.report.count(Outcome.SKIPPED) == 0


def test_gift_ids_are_stable_when_the_text_is_edited(tmp_path: Path) -> None:
    first = read_pack(write(tmp_path, "a.gift", "::Q1::Capital of Cuba? {=Havana}\n"))
    second = read_pack(write(tmp_path, "b.gift", "::Q1::Which city is Cuba's capital? {=Havana}\n"))
    assert first.pack.questions[0].id == second.pack.questions[0].id


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("Who?\n{=Castro\n", 2, 1, "never closed"),
        ("Who? {=Castro}\nand {=Che}\n", 2, 5, "second answer block"),
        ("When? {#soon}\n", 1, 9, "not a numerical answer"),
        ("Pick {~%150%a =b}\n", 1, 7, "outside -100% to 100%"),
    ],
)
def test_gift_errors_name_line_and_column(
    tmp_path: Path, text: str, line: int, column: int, words: str
) -> None:
    with pytest.raises(PackError) as caught:
        read_pack(write(tmp_path, "bad.gift", text))
    issue = caught.value.issues[0]
    assert (issue.line, issue.column) == (line, column)
    assert words in issue.message


# -- Moodle XML -------------------------------------------------------------------------------

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
MOODLE = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Crisis</text></category></question>
  <question type="multichoice">
    <name><text>Leader</text></name>
    <questiontext format="html"><text><![CDATA[<p>Who led the <b>USSR</b>?</p>
      <img src="@@PLUGINFILE@@/map.png" alt="Map of Cuba">]]></text>
      <file name="map.png" path="/" encoding="base64">{PNG}</file></questiontext>
    <generalfeedback format="html"><text>Khrushchev led it from 1953.</text></generalfeedback>
    <idnumber>leader-1962</idnumber>
    <single>true</single>
    <answer fraction="100"><text>Khrushchev</text></answer>
    <answer fraction="0"><text>Brezhnev</text><feedback><text>Later.</text></feedback></answer>
    <tags><tag><text>people</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>Hosts</text></name>
    <questiontext format="html"><text>Which hosted Jupiters?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>Turkey</text></answer>
    <answer fraction="50"><text>Italy</text></answer>
    <answer fraction="-100"><text>France</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Ambassador</text></name>
    <questiontext format="html"><text>Soviet ambassador in Washington?</text></questiontext>
    <answer fraction="100"><text>Dobrynin</text></answer>
    <answer fraction="0"><text>Gromyko</text></answer>
  </question>
  <question type="numerical">
    <name><text>Range</text></name>
    <questiontext format="html"><text>R-12 range in thousands of km?</text></questiontext>
    <answer fraction="100"><text>2.08</text><tolerance>0.1</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>Roles</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
    <subquestion format="html"><text>McNamara</text>
      <answer><text>Defense</text></answer></subquestion>
    <subquestion format="html"><text>Rusk</text><answer><text>State</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Treasury</text></answer></subquestion>
  </question>
  <question type="multianswer">
    <name><text>Cloze</text></name>
    <questiontext format="html"><text><![CDATA[<p>A {{1:SHORTANSWER:=U-2~=U2}} flew over
      {{1:MULTICHOICE:=Cuba~Haiti}} in {{1:NUMERICAL:=1962:0}}.</p>]]></text></questiontext>
  </question>
  <question type="calculated">
    <name><text>Formula</text></name>
    <questiontext format="html"><text>What is {{x}} + 1?</text></questiontext>
  </question>
</quiz>
"""


def test_moodle_xml_every_type_pictures_and_report(tmp_path: Path) -> None:
    converted = read_pack(write(tmp_path, "bank.xml", MOODLE))
    pack = converted.pack
    by_id = {q.id: q for q in pack.questions}
    leader = by_id["leader-1962"]
    assert isinstance(leader, MultipleChoice) and leader.prompt == "Who led the USSR?"
    assert leader.image_alt == "Map of Cuba"
    assert pack.media[leader.image] == b"\x89PNG\r\n\x1a\nfake"
    assert leader.tags == ("people",)
    assert leader.explanation == "Khrushchev led it from 1953.\n“Brezhnev”: Later."
    kinds = {type(q) for q in pack.questions}
    assert kinds == {MultipleChoice, MultiSelect, ShortAnswer, Number, Matching, Cloze}
    hosts = next(q for q in pack.questions if isinstance(q, MultiSelect))
    assert set(hosts.answers) == {"Turkey", "Italy"}
    ambassador = next(q for q in pack.questions if isinstance(q, ShortAnswer))
    assert ambassador.reject == ("Gromyko",)
    cloze = next(q for q in pack.questions if isinstance(q, Cloze))
    assert cloze.blanks == ("U-2", "Cuba", "1962")
    assert cloze.accept == (("U2",), (), ())
    roles = next(q for q in pack.questions if isinstance(q, Matching))
    assert roles.extra == ("Treasury",)
    skipped = [e for e in converted.report.entries if e.outcome is Outcome.SKIPPED]
    assert [e.where for e in skipped] == ["/quiz/question[8]"]
    assert "formulas" in skipped[0].notes[0]
    gap = next(e for e in converted.report.entries if e.question_type == "cloze")
    assert any("offered choices" in note for note in gap.notes)


def test_moodle_xml_refuses_entities(tmp_path: Path) -> None:
    bomb = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<quiz><question type="truefalse"><name><text>&b;</text></name></question></quiz>"""
    with pytest.raises(PackError, match="refused for safety"):
        read_pack(write(tmp_path, "bomb.xml", bomb))


def test_moodle_xml_syntax_error_is_placed(tmp_path: Path) -> None:
    with pytest.raises(PackError) as caught:
        read_pack(
            write(tmp_path, "broken.xml", "<?xml version='1.0'?>\n<quiz>\n  <question>\n</quiz>")
        )
    assert caught.value.issues[0].line == 4


@need_samples
def test_moodle_xml_samples() -> None:
    nested = read_pack(SAMPLES / "moodle_xml" / "moodle_core_nested_categories_with_questions.xml")
    assert [t.title for t in nested.pack.topics] == [
        "Iota",
        "Iota / Kappa",
        "Iota / Kappa / Lambda",
        "Iota / Mu",
    ]
    assert all(isinstance(q, TrueFalse) and q.answer for q in nested.pack.questions)
    assert nested.report.count(Outcome.SKIPPED) == 1  # the essay without feedback
    ordering = read_pack(SAMPLES / "moodle_xml" / "qtype_ordering_testquestion.moodle.xml")
    question = ordering.pack.questions[0]
    assert isinstance(question, Ordering) and question.id == "dd1"
    assert question.items[0] == "Modular" and question.items[-1] == "Environment"


# -- Aiken ------------------------------------------------------------------------------------


@need_samples
def test_aiken_sample() -> None:
    pack = read_pack(SAMPLES / "aiken" / "moodle_core_questions.aiken.txt").pack
    assert [q.answer for q in pack.questions if isinstance(q, MultipleChoice)] == [
        "Martin Dougiamas",
        "True",
    ]


def test_aiken_errors_name_every_line(tmp_path: Path) -> None:
    text = "Q1?\nA. a\nB. b\nANSWER: C\n\nQ2?\nA. a\nB. b\n"
    with pytest.raises(PackError) as caught:
        read_pack(write(tmp_path, "bad.txt", text + "ANSWER: A\nQ3?\nA) x\n"), fmt=Format.AIKEN)
    lines = [issue.line for issue in caught.value.issues]
    assert lines[0] == 4 and "names no option" in caught.value.issues[0].message
    assert "ends without an ANSWER" in caught.value.issues[-1].message


# -- CSV, Quizlet, spreadsheets ---------------------------------------------------------------

CSV_TEXT = """\ufefftype;id;topic;prompt;answer;choice 1;choice 2;choice 3;accept;tolerance;tags
multiple_choice;leader;People;Soviet leader?;2;Kennedy;Khrushchev;Castro;;;people
multi_select;;People;Jupiter hosts?;1 | 2;Turkey;Italy;France;;;
true_false;;Events;The quarantine began on 24 October.;true;;;;;;
short_answer;;People;Ambassador?;Dobrynin;;;;Anatoly Dobrynin;;
cloze;;Events;A {{U-2}} flew over {{Cuba}}.;;;;;U2 || ;;
ordering;;Events;Order these.;;Revolution;Bay of Pigs;Crisis;;;
matching;;People;Match.;;Kennedy -> US;Khrushchev -> USSR;-> France;;;
year;;Events;Year of the crisis?;1962;;;;;1;
number;;Events;R-12 range (1000 km)?;2,08;;;;;0,1;
flashcard;;People;ExComm;Kennedy's advisers;;;;;;
"""


def test_csv_every_type_with_excels_bom_and_semicolons(tmp_path: Path) -> None:
    path = write(tmp_path, "class.csv", CSV_TEXT)
    assert detect_format(path) is Format.CSV
    pack = read_pack(path).pack
    types = [type(q) for q in pack.questions]
    assert types == [
        MultipleChoice,
        MultiSelect,
        TrueFalse,
        ShortAnswer,
        Cloze,
        Ordering,
        Matching,
        Year,
        Number,
        Flashcard,
    ]
    mc, ms, _tf, sa, cz, _or, mt, yr, nb, _fc = pack.questions
    assert isinstance(mc, MultipleChoice) and mc.answer == "Khrushchev" and mc.id == "leader"
    assert isinstance(ms, MultiSelect) and ms.answers == ("Turkey", "Italy")
    assert isinstance(sa, ShortAnswer) and sa.accept == ("Anatoly Dobrynin",)
    assert isinstance(cz, Cloze) and cz.accept == (("U2",), ())
    assert isinstance(mt, Matching) and mt.extra == ("France",)
    assert isinstance(yr, Year) and yr.tolerance == 1
    assert isinstance(nb, Number) and (nb.answer, nb.tolerance) == (2.08, 0.1)
    assert [t.title for t in pack.topics] == ["People", "Events"]


def test_csv_mistakes_are_placed_by_row_and_column(tmp_path: Path) -> None:
    text = "type,prompt,answer,choice 1,choice 2\nmultiple_choice,Who?,Castro,Kennedy,Khrushchev\n"
    text += "true_false,Blockade in 1962.,maybe,,\nessay,Write.,,,\n"
    with pytest.raises(PackError) as caught:
        read_pack(write(tmp_path, "bad.csv", text))
    found = [(i.line, i.field) for i in caught.value.issues]
    assert found == [(2, "answer"), (3, "answer"), (4, "type")]
    assert "'Castro' is not one of the choices" in caught.value.issues[0].message


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("Havana\tCapital of Cuba\nMoscow\tCapital of the USSR\n", ReadOptions()),
        ("Havana,Capital of Cuba\nMoscow,Capital of the USSR\n", ReadOptions()),
        (
            "Havana - Capital of Cuba;Moscow - Capital of the USSR",
            ReadOptions(term_separator=" - ", row_separator=";"),
        ),
    ],
)
def test_quizlet_exports_with_the_separators_quizlet_offers(
    tmp_path: Path, text: str, options: ReadOptions
) -> None:
    pack = read_pack(write(tmp_path, "set.txt", text), options).pack
    assert [(q.prompt, q.answer) for q in pack.questions if isinstance(q, Flashcard)] == [
        ("Havana", "Capital of Cuba"),
        ("Moscow", "Capital of the USSR"),
    ]


def test_quizlet_terms_as_short_answers_keep_their_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "set.txt", "Havana\tCapital of Cuba\n")
    cards = read_pack(path).pack.questions
    typed = read_pack(path, ReadOptions(quizlet_as="short_answer")).pack.questions
    assert isinstance(typed[0], ShortAnswer)
    assert (typed[0].prompt, typed[0].answer) == ("Capital of Cuba", "Havana")
    assert typed[0].id == cards[0].id


def test_quizlet_row_without_a_separator_is_placed(tmp_path: Path) -> None:
    with pytest.raises(PackError) as caught:
        read_pack(write(tmp_path, "set.txt", "Havana\tCapital\nMoscow\n"), fmt=Format.QUIZLET)
    assert caught.value.issues[0].line == 2


def _kahoot(path: Path) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Quiz template"])
    sheet.write_row(1, 0, ["Add questions, at least two answer alternatives, time limit..."])
    header = [
        "",
        "Question - max 120 characters",
        "Answer 1 - max 75 characters",
        "Answer 2 - max 75 characters",
        "Answer 3 - max 75 characters",
        "Answer 4 - max 75 characters",
        "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
        "Correct answer(s) - choose at least one",
    ]
    sheet.write_row(7, 0, header)
    sheet.write_row(8, 0, [1, "Soviet leader?", "Kennedy", "Khrushchev", "Castro", "", 20, 2])
    sheet.write_row(9, 0, [2, "Jupiter hosts?", "Turkey", "Italy", "France", "Spain", 30, "1,2"])
    workbook.close()
    return path


def test_kahoot_template_reads_as_choices(tmp_path: Path) -> None:
    path = _kahoot(tmp_path / "kahoot.xlsx")
    assert detect_format(path) is Format.XLSX
    converted = read_pack(path)
    leader, hosts = converted.pack.questions
    assert isinstance(leader, MultipleChoice) and leader.answer == "Khrushchev"
    assert leader.choices == ("Kennedy", "Khrushchev", "Castro")
    assert isinstance(hosts, MultiSelect) and hosts.answers == ("Turkey", "Italy")
    assert any("time limits (20, 30 s) dropped" in note for note in converted.report.notes)


def _ods(path: Path, rows: list[list[str]]) -> Path:
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_libreoffice_sheet_with_the_header(tmp_path: Path) -> None:
    path = _ods(
        tmp_path / "class.ods",
        [["type", "prompt", "answer"], ["year", "Year of the crisis?", "1962"]],
    )
    assert detect_format(path) is Format.ODS
    question = read_pack(path).pack.questions[0]
    assert isinstance(question, Year) and question.answer == 1962


# -- Anki -------------------------------------------------------------------------------------


@need_samples
def test_anki_deck_with_cloze_type_in_subdeck_and_picture() -> None:
    converted = read_pack(SAMPLES / "anki" / "mnemosyne_tests_anki1.apkg")
    pack = converted.pack
    assert {t.title for t in pack.topics} == {"Deck 1", "Deck 1 / subdeck"}
    cloze = next(q for q in pack.questions if isinstance(q, Cloze))
    assert cloze.blanks == ("bbb", "cc")
    assert sum(isinstance(q, ShortAnswer) for q in pack.questions) == 2
    pictured = next(q for q in pack.questions if q.image)
    assert pack.media[pictured.image].startswith(b"\x89PNG")
    sound = next(e for e in converted.report.entries if e.outcome is Outcome.SKIPPED)
    assert "sound '1.mp3'" in sound.notes[0]
    assert any("10 reviews" in note for note in converted.report.notes)


@need_samples
def test_a_deck_with_only_sound_is_refused_with_the_reason() -> None:
    with pytest.raises(PackError, match=r"sound 'foo\.wav'"):
        read_pack(SAMPLES / "anki" / "media.apkg")


@need_samples
def test_an_updated_anki_deck_updates_the_pack_in_place(database: Database, now: datetime) -> None:
    service = PackService(database)
    first = read_pack(SAMPLES / "anki" / "update1.apkg", ReadOptions(pack_id="greetings"))
    second = read_pack(
        SAMPLES / "anki" / "update2.apkg", ReadOptions(pack_id="greetings", version="1.0.1")
    )
    assert first.pack.questions[0].id == second.pack.questions[0].id
    assert service.import_pack(first.pack, now=now).action is ImportAction.INSTALLED
    result = service.import_pack(second.pack, now=now)
    assert (result.action, result.updated, result.added, result.retired) == (
        ImportAction.UPDATED,
        1,
        0,
        0,
    )
    stored = service.get_pack("greetings").questions[0]
    assert isinstance(stored, Flashcard) and stored.prompt == "goodbye"


# -- nothing but our error, whatever the bytes --------------------------------------------------

READERS = [
    Format.GIFT,
    Format.MOODLE_XML,
    Format.AIKEN,
    Format.CSV,
    Format.QUIZLET,
    Format.JSON,
    Format.TOML,
    Format.XLSX,
    Format.APKG,
]


@pytest.mark.parametrize("fmt", READERS)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_any_bytes_raise_nothing_but_our_error(tmp_path: Path, fmt: Format, data: bytes) -> None:
    path = tmp_path / "input"
    path.write_bytes(data)
    with contextlib.suppress(PackError):
        read_pack(path, fmt=fmt)


@pytest.mark.parametrize("fmt", [Format.XLSX, Format.APKG, Format.ZIP])
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_any_zip_member_raises_nothing_but_our_error(
    tmp_path: Path, fmt: Format, data: bytes
) -> None:
    path = tmp_path / "input.zip"
    names = {
        Format.XLSX: "xl/workbook.xml",
        Format.APKG: "collection.anki2",
        Format.ZIP: "pack.toml",
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(names[fmt], data)
        archive.writestr("[Content_Types].xml", data)
        archive.writestr("media", data)
    with contextlib.suppress(PackError):
        read_pack(path, fmt=fmt)


def test_an_unknown_file_says_what_we_read(tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(PackError, match=r"crisisquiz reads: .*Moodle GIFT.*Anki decks"):
        read_pack(path)


def test_a_file_with_no_question_at_all_says_so(tmp_path: Path) -> None:
    # Moodle writes such a file for an empty category.
    path = tmp_path / "empty-category.gift"
    path.write_text("$CATEGORY: $course$/top/Default for Unit 1\n", encoding="utf-8")
    with pytest.raises(PackError) as refused:
        read_pack(path)
    assert [issue.message for issue in refused.value.issues] == [
        "no question could be brought in: this Moodle GIFT file holds no question at all"
    ]


def test_a_table_read_as_a_quizlet_set_is_pointed_out(tmp_path: Path) -> None:
    # A review log has no question header, so it reads as term and definition; the
    # report says it looks like a table, for the teacher to see before importing.
    path = tmp_path / "reviews.csv"
    path.write_text(
        "card_id,rating,time\n1711684180217,1,2024-03-29\n1711684780667,3,2024-03-29\n",
        encoding="utf-8",
    )
    report = read_pack(path).report
    assert any("every row has 3 columns between commas" in note for note in report.notes)
    # Definitions with commas in them are not a table.
    path.write_text(
        "Havana,Capital of Cuba\nMoscow,Capital, then, of the USSR\nAnkara,Capital of Turkey\n",
        encoding="utf-8",
    )
    assert not read_pack(path).report.notes
