"""The pack format: what is accepted, and every rule a teacher can break, each placed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crisisquiz.core.pack_loader import PackError, PackIssue, load_pack, parse_pack_text
from crisisquiz.core.pack_schema import Cloze, QuestionType


def issues_of(text: str) -> tuple[PackIssue, ...]:
    with pytest.raises(PackError) as caught:
        parse_pack_text(text, name="pack.toml")
    return caught.value.issues


def only_issue(text: str) -> PackIssue:
    issues = issues_of(text)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def test_small_pack_holds_every_type(small_pack_text: str) -> None:
    pack = parse_pack_text(small_pack_text)
    assert pack.pack.id == "test-pack"
    # The number type has its own tests (test_number_question.py); the nine here are the
    # ones every screen and command is exercised with.
    assert {q.type for q in pack.questions} == set(QuestionType) - {QuestionType.NUMBER}
    cloze = next(q for q in pack.questions if isinstance(q, Cloze))
    assert cloze.blanks == ("U-2", "Cuba")
    assert cloze.display_prompt == "The missiles were found by a [1] ____ flight over [2] ____."


def test_duplicate_question_id_is_refused(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('id = "mc"', 'id = "fc"'))
    assert issue.question == "'fc' (#2)"
    assert issue.field == "id"
    assert "already used by question #1" in issue.message


def test_undeclared_topic_is_refused(small_pack_text: str) -> None:
    issue = only_issue(
        small_pack_text.replace('topic = "beta"\ntype = "year"', 'topic = "gamma"\ntype = "year"')
    )
    assert (issue.question, issue.field) == ("'yr' (#9)", "topic")
    assert "'gamma' is not declared" in issue.message


def test_answer_must_be_among_choices(small_pack_text: str) -> None:
    issue = only_issue(
        small_pack_text.replace(
            'answer = "Khrushchev"\nexplanation', 'answer = "Kennedy"\nexplanation'
        )
    )
    assert (issue.question, issue.field) == ("'mc' (#2)", "answer")
    assert "'Kennedy' is not one of the choices" in issue.message


def test_multi_select_answers_must_be_among_choices(small_pack_text: str) -> None:
    issue = only_issue(
        small_pack_text.replace('answers = ["Turkey", "Italy"]', 'answers = ["Turkey", "Greece"]')
    )
    assert (issue.question, issue.field) == ("'ms' (#3)", "answers")


def test_ordering_needs_three_items(small_pack_text: str) -> None:
    issue = only_issue(
        small_pack_text.replace('"Bay of Pigs", "Missile crisis"]', '"Bay of Pigs"]')
    )
    assert (issue.question, issue.field) == ("'or' (#7)", "items")
    assert "at least 3 items" in issue.message


def test_matching_needs_two_pairs(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace(', ["Dobrynin", "Ambassador"]', ""))
    assert (issue.question, issue.field) == ("'mt' (#8)", "pairs")
    assert "at least 2 pairs" in issue.message


def test_cloze_needs_a_blank(small_pack_text: str) -> None:
    text = small_pack_text.replace("{{U-2}} flight over {{Cuba}}", "U-2 flight over Cuba")
    text = text.replace('accept = [["U2"], []]\n', "")
    issue = only_issue(text)
    assert (issue.question, issue.field) == ("'cz' (#6)", "text")
    assert "at least one {{answer}} blank" in issue.message


def test_cloze_accept_lists_match_blanks(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('accept = [["U2"], []]', 'accept = [["U2"]]'))
    assert (issue.question, issue.field) == ("'cz' (#6)", "accept")


def test_sources_must_be_declared(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('sources = ["notes:1"]', 'sources = ["diary:3"]'))
    assert (issue.question, issue.field) == ("'fc' (#1)", "sources")
    assert "'diary' is not declared" in issue.message


@pytest.mark.parametrize("bad", ['"1962"', "1962.5", "true"])
def test_year_must_be_an_integer(small_pack_text: str, bad: str) -> None:
    issue = only_issue(small_pack_text.replace("answer = 1962", f"answer = {bad}"))
    assert (issue.question, issue.field) == ("'yr' (#9)", "answer")
    assert "whole number" in issue.message


@pytest.mark.parametrize("bad", ["0", "6"])
def test_difficulty_is_one_to_five(small_pack_text: str, bad: str) -> None:
    issue = only_issue(small_pack_text.replace("difficulty = 2", f"difficulty = {bad}"))
    assert (issue.question, issue.field) == ("'yr' (#9)", "difficulty")


def test_unknown_type_and_misspelt_field(small_pack_text: str) -> None:
    text = small_pack_text.replace('type = "true_false"', 'type = "truefalse"')
    text = text.replace('prompt = "Year of the crisis?"', 'promt = "Year of the crisis?"')
    messages = {(i.question, i.field): i.message for i in issues_of(text)}
    assert "unknown type 'truefalse'" in messages[("'tf' (#4)", "type")]
    assert "not a field of this question type" in messages[("'yr' (#9)", "promt")]
    assert messages[("'yr' (#9)", "prompt")] == "is required"


def test_bad_version_is_explained(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('version = "1.0.0"', 'version = "1.0"'))
    assert issue.field == "pack.version"
    assert "MAJOR.MINOR.PATCH" in issue.message
    assert issue.line == 4  # the version's own line, not the [pack] header


def test_toml_syntax_error_gives_line_and_column(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('title = "Alpha"', 'title = "Alpha'))
    assert issue.line == 13
    assert issue.column is not None
    assert str(issue).startswith("pack.toml:13:9:")
    assert "has no closing quote" in issue.message


def test_five_mistakes_are_all_reported_with_places(small_pack_text: str) -> None:
    text = (
        small_pack_text.replace('id = "mc"', 'id = "fc"')
        .replace('answers = ["Turkey", "Italy"]', 'answers = ["Turkey", "Greece"]')
        .replace('"Bay of Pigs", "Missile crisis"]', '"Bay of Pigs"]')
        .replace("answer = 1962", 'answer = "1962"')
        .replace('sources = ["notes:1"]', 'sources = ["diary:3"]')
    )
    issues = issues_of(text)
    assert {(i.question, i.field) for i in issues} == {
        ("'fc' (#2)", "id"),
        ("'ms' (#3)", "answers"),
        ("'or' (#7)", "items"),
        ("'yr' (#9)", "answer"),
        ("'fc' (#1)", "sources"),
    }
    lines = text.splitlines()
    for issue in issues:
        assert issue.line is not None
        assert lines[issue.line - 1].lstrip().startswith(issue.field or "")


def test_message_reads_as_a_location(small_pack_text: str) -> None:
    issue = only_issue(
        small_pack_text.replace('answers = ["Turkey", "Italy"]', 'answers = ["Turkey", "Greece"]')
    )
    assert str(issue) == (
        f"pack.toml:{issue.line}: question 'ms' (#3): field 'answers': "
        "'Greece' is not one of the choices"
    )


def test_folder_and_zip_with_media(small_pack_text: str, tmp_path: Path) -> None:
    text = small_pack_text.replace(
        'prompt = "Year of the crisis?"',
        'prompt = "Year of the crisis?"\nimage = "media/map.png"\nimage_alt = "Map of Cuba"',
    )
    folder = tmp_path / "pack"
    (folder / "media").mkdir(parents=True)
    (folder / "pack.toml").write_text(text, encoding="utf-8")
    (folder / "media" / "map.png").write_bytes(b"\x89PNG fake")
    assert load_pack(folder).media == {"media/map.png": b"\x89PNG fake"}

    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pack/pack.toml", text)
        zf.writestr("pack/media/map.png", b"\x89PNG fake")
    assert load_pack(archive).media == {"media/map.png": b"\x89PNG fake"}

    (folder / "media" / "map.png").unlink()
    with pytest.raises(PackError, match=r"no file 'media/map\.png' in the pack"):
        load_pack(folder)


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no such file"):
        load_pack(tmp_path / "nope.toml")
    with pytest.raises(PackError, match=r"holds no pack\.toml"):
        load_pack(tmp_path)


def test_group_is_an_optional_slug(small_pack_text: str) -> None:
    text = small_pack_text.replace('id = "mc"', 'id = "mc"\ngroup = "leader-1962"', 1)
    pack = parse_pack_text(text)
    assert {q.id: q.group for q in pack.questions}["mc"] == "leader-1962"
    assert {q.id: q.group for q in pack.questions}["fc"] is None
    issue = only_issue(text.replace("leader-1962", "Leader 1962"))
    assert issue.field == "group"
