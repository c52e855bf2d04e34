"""Results files: export from the database, write whole, read back or refuse with a reason."""

from __future__ import annotations

import copy
import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crisisquiz import __version__
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.results import (
    ResultsError,
    export_results,
    load_results,
    parse_results,
    write_results,
)
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    DailyTopicStatsRow,
    QuestionRow,
    QuizAnswerRow,
    QuizAttemptRow,
    ReviewRow,
)

FILE_ID = "3f1c2a9e-7d4b-4c1e-9a6f-2b8d5e0c4a71"


def add_review(
    database: Database,
    learner_id: int,
    question_id: str,
    when: datetime,
    *,
    correct: bool,
    value: Any,
) -> None:
    """A study answer with its daily figures, as the study engine stores them."""
    with database.transaction() as session:
        q = session.scalars(select(QuestionRow).where(QuestionRow.question_id == question_id)).one()
        session.add(
            ReviewRow(
                learner_id=learner_id,
                question_id=q.id,
                reviewed_at=when,
                rating=3 if correct else 1,
                correct=correct,
                score=1.0 if correct else 0.0,
                response={"value": value},
                response_ms=1500,
                previous_state=None,
                topic_id=q.topic_id,
                pack_id=q.pack_id,
            )
        )
        key = (learner_id, q.pack_id, q.topic_id, when.date())
        day = session.get(DailyTopicStatsRow, key)
        if day is None:
            day = DailyTopicStatsRow(
                learner_id=learner_id,
                pack_id=q.pack_id,
                topic_id=q.topic_id,
                day=when.date(),
                answers=0,
                correct=0,
                new=0,
                mature=0,
                mature_correct=0,
                time_ms=0,
            )
            session.add(day)
        day.answers += 1
        day.correct += int(correct)
        day.time_ms += 1500


@pytest.fixture
def learner_id(database: Database, small_pack_text: str, now: datetime) -> int:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    add_review(database, learner.id, "mc", now - timedelta(days=2), correct=False, value="Stalin")
    add_review(
        database,
        learner.id,
        "ms",
        now - timedelta(days=1),
        correct=False,
        value=["Turkey", "Spain"],
    )
    add_review(
        database, learner.id, "mc", now - timedelta(hours=1), correct=True, value="Khrushchev"
    )
    with database.transaction() as session:
        mc = session.scalars(select(QuestionRow).where(QuestionRow.question_id == "tf")).one()
        attempt = QuizAttemptRow(
            learner_id=learner.id,
            started_at=now - timedelta(hours=3),
            finished_at=now - timedelta(hours=2),
            seed=1,
            topics=[["test-pack", "beta"]],
            question_ids=[mc.id],
            feedback="end",
            time_limit_s=None,
            score=1.0,
        )
        session.add(attempt)
        session.flush()
        session.add(
            QuizAnswerRow(
                attempt_id=attempt.id,
                position=0,
                question_id=mc.id,
                answered_at=now - timedelta(hours=2, minutes=30),
                correct=True,
                score=1.0,
                response={"value": True},
                response_ms=900,
                pack_id="test-pack",
                topic_id="beta",
            )
        )
    return learner.id


@pytest.fixture
def exported(database: Database, learner_id: int, now: datetime) -> dict[str, Any]:
    return export_results(database, learner_id, now=now, file_id=FILE_ID)


def test_export_holds_packs_questions_answers_and_summary(
    exported: dict[str, Any], now: datetime, database: Database
) -> None:
    assert exported["format"] == "crisisquiz-results"
    assert exported["version"] == 2
    assert exported["file_id"] == FILE_ID
    assert exported["learner"] == "Ana"
    assert exported["learner_id"] == str(LearnerService(database).by_name("Ana").uid)
    assert exported["exported_at"] == "2026-03-02T15:00:00Z"
    assert exported["app_version"] == __version__
    packs = {p["id"]: p for p in exported["packs"]}
    assert packs["test-pack"]["version"] == "1.0.0"
    assert packs["test-pack"]["topics"] == [
        {"id": "alpha", "title": "Alpha"},
        {"id": "beta", "title": "Beta"},
    ]
    questions = {q["question_id"]: q for q in exported["questions"]}
    assert len(questions) == 9
    assert questions["mc"]["choices"] == ["Khrushchev", "Brezhnev", "Stalin"]
    assert questions["mc"]["correct_choices"] == ["Khrushchev"]
    assert questions["ms"]["correct_choices"] == ["Turkey", "Italy"]
    assert questions["yr"]["key"] == {"answer": 1962, "tolerance": 0}
    assert questions["cz"]["key"] == {"blanks": ["U-2", "Cuba"]}
    assert questions["tf"]["prompt"] == "The quarantine began on 24 October 1962."
    # Every answer, study and quiz, oldest first, named by pack and question id.
    assert [(a["question_id"], a["kind"], a["correct"]) for a in exported["answers"]] == [
        ("mc", "study", False),
        ("ms", "study", False),
        ("tf", "quiz", True),
        ("mc", "study", True),
    ]
    assert exported["answers"][1]["response"] == {"value": ["Turkey", "Spain"]}
    assert exported["answers"][0]["time"] == "2026-02-28T15:00:00Z"
    summary = {t["topic_id"]: t for t in exported["summary"]["topics"]}
    assert summary["alpha"]["answers"] == 2 and summary["beta"]["answers"] == 1
    assert exported["summary"]["quizzes"][0]["score"] == 1.0
    json.dumps(exported)  # JSON-ready as it is


def test_written_file_reads_back(exported: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "out" / "ana.json"
    write_results(exported, path)
    loaded = load_results(path)
    assert str(loaded.file_id) == FILE_ID
    assert loaded.learner == "Ana"
    assert loaded.source == str(path)
    assert len(loaded.data.answers) == 4
    assert [p.name for p in path.parent.iterdir()] == ["ana.json"]  # no temporary left behind


def test_a_retired_question_that_was_answered_stays_listed(
    database: Database, learner_id: int, small_pack_text: str, now: datetime
) -> None:
    newer = small_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"')
    cut = newer.index('[[questions]]\nid = "mc"')
    end = newer.index("[[questions]]", cut + 1)
    PackService(database).import_pack(parse_pack_text(newer[:cut] + newer[end:]), now=now)
    data = export_results(database, learner_id, now=now, file_id=FILE_ID)
    questions = {q["question_id"]: q for q in data["questions"]}
    assert questions["mc"]["retired"] is True
    assert not questions["fc"]["retired"]
    parse_results(data, source="export")  # every answer still names a listed question


def test_bad_file_id_is_refused(database: Database, learner_id: int, now: datetime) -> None:
    with pytest.raises(ValueError, match="UUID"):
        export_results(database, learner_id, now=now, file_id="not-a-uuid")


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def broken(exported: dict[str, Any], change: Any) -> dict[str, Any]:
    data = copy.deepcopy(exported)
    change(data)
    return data


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(ResultsError, match="not valid JSON") as caught:
        load_results(path)
    assert str(path) in str(caught.value)


def test_not_utf8_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ResultsError, match="not UTF-8"):
        load_results(path)
    with pytest.raises(ResultsError, match="cannot read"):
        load_results(tmp_path / "absent.json")


@pytest.mark.parametrize(
    "data", [[1, 2, 3], {"format": "crisisquiz-pack"}, {"learner": "Ana"}, "text"]
)
def test_not_a_results_file(tmp_path: Path, data: Any) -> None:
    path = write_json(tmp_path / "other.json", data)
    with pytest.raises(ResultsError, match="not a crisisquiz results file") as caught:
        load_results(path)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("version", "hint"),
    [(3, "newer crisisquiz"), (1, "ask the learner to export"), (0, "unknown"), ("2", "unknown")],
)
def test_unknown_version(
    exported: dict[str, Any], tmp_path: Path, version: object, hint: str
) -> None:
    path = write_json(tmp_path / "v.json", broken(exported, lambda d: d.update(version=version)))
    with pytest.raises(ResultsError, match=f"version {version!r} is not supported") as caught:
        load_results(path)
    assert hint in str(caught.value)


def test_a_field_of_the_wrong_kind_is_located(exported: dict[str, Any], tmp_path: Path) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["answers"][2]["score"] = 1.5
        del data["learner"]

    path = write_json(tmp_path / "bad.json", broken(exported, spoil))
    with pytest.raises(ResultsError) as caught:
        load_results(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a valid results file (2 problem(s)):")
    assert "answers[2].score: Input should be less than or equal to 1" in message
    assert "learner: Field required" in message


def test_an_answer_naming_an_unlisted_question(exported: dict[str, Any]) -> None:
    data = broken(exported, lambda d: d["questions"].pop(1))  # mc
    with pytest.raises(ResultsError) as caught:
        parse_results(data, source="ana.json")
    message = str(caught.value)
    assert "answers[0] names question test-pack/mc, which is not listed in questions" in message
    assert "answers[3] names question test-pack/mc" in message


def test_summary_counts_must_match_the_answers(exported: dict[str, Any]) -> None:
    data = broken(exported, lambda d: d["answers"].pop(0))  # a cut file: one answer lost
    with pytest.raises(
        ResultsError,
        match=r"topic test-pack/alpha counts 2 study answers but "
        r"the file lists 1",
    ):
        parse_results(data, source="ana.json")


def test_duplicated_questions_and_bad_choices(exported: dict[str, Any]) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["questions"].append(copy.deepcopy(data["questions"][0]))
        mc = next(q for q in data["questions"] if q["question_id"] == "mc")
        mc["correct_choices"] = ["Kennedy"]

    with pytest.raises(ResultsError) as caught:
        parse_results(broken(exported, spoil), source="ana.json")
    assert "correct_choices must be among the choices" in str(caught.value)
    data = broken(exported, lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])))
    with pytest.raises(ResultsError, match="is listed 2 times"):
        parse_results(data, source="ana.json")


def test_a_refused_write_leaves_nothing(exported: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    with pytest.raises(ResultsError):
        write_results(broken(exported, lambda d: d.update(file_id="nope")), path)
    assert not path.exists()


def test_times_must_carry_a_zone(exported: dict[str, Any]) -> None:
    data = broken(exported, lambda d: d["answers"][0].update(time="2026-03-01T10:00:00"))
    with pytest.raises(ResultsError, match=r"answers\[0\]\.time"):
        parse_results(data, source="ana.json")


def test_export_time_must_be_aware(database: Database, learner_id: int) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        export_results(database, learner_id, now=datetime(2026, 3, 2), file_id=FILE_ID)


# -- files made to hurt: refused in words, quickly, without reading past the limits -----------


def test_json_nested_beyond_the_format_is_refused(tmp_path: Path) -> None:
    deep = '{"format": "crisisquiz-results", "version": 2, "x": ' + "[" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(deep + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(ResultsError, match="nested more than 12 levels deep"):
        load_results(path)
    shallow_but_deep = '{"format": "crisisquiz-results", "version": 2, "x": ' + "[" * 200
    path.write_text(shallow_but_deep + "]" * 200 + "}", encoding="utf-8")
    with pytest.raises(ResultsError, match="nested more than 12 levels deep"):
        load_results(path)


@pytest.mark.parametrize(
    "value", ["9" * 5000, "-" + "9" * 4400, "1" + "0" * 25, "NaN", "Infinity", "-Infinity"]
)
def test_numbers_no_results_file_holds_are_refused(
    exported: dict[str, Any], tmp_path: Path, value: str
) -> None:
    text = json.dumps(exported).replace('"response_ms": 1500', f'"response_ms": {value}', 1)
    assert value in text
    path = tmp_path / "number.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResultsError, match="not a results file") as caught:
        load_results(path)
    assert len(str(caught.value)) < 300


def test_texts_past_their_limits_are_refused(exported: dict[str, Any], tmp_path: Path) -> None:
    long_title = broken(exported, lambda d: d["packs"][0]["topics"][0].update(title="T" * 100_000))
    with pytest.raises(ResultsError, match="a text of 100,000 characters"):
        load_results(write_json(tmp_path / "title.json", long_title))
    title = broken(exported, lambda d: d["packs"][0]["topics"][0].update(title="T" * 5_000))
    with pytest.raises(ResultsError, match="at most 1000 characters"):
        load_results(write_json(tmp_path / "title.json", title))


def test_a_fifo_or_a_huge_file_is_not_read(tmp_path: Path) -> None:
    from hang_guard import finishes

    huge = tmp_path / "huge.json"
    with huge.open("wb") as out:
        out.truncate(65 * 1024 * 1024)
    with pytest.raises(ResultsError, match="larger than the 64 MB allowed"):
        load_results(huge)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.json"
        os.mkfifo(fifo)
        with pytest.raises(ResultsError, match="pipe"):
            finishes(lambda: load_results(fifo))
