"""Results files: export from the database, write whole, read back, and refuse a file that
is at odds with itself (or with the installed packs), naming the file and the first problem."""

from __future__ import annotations

import copy
import json
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating
from small_pack import SMALL_PACK

from crisisquiz import __version__
from crisisquiz.core.class_sources import installed_texts
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.mastery import recall_at, replay
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.results import (
    ResultsError,
    export_results,
    load_results,
    parse_results,
    write_results,
)
from crisisquiz.core.results_check import compute_summary
from crisisquiz.core.results_format import ResultsAnswer, ResultsQuestion
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database

FILE_ID = "3f1c2a9e-7d4b-4c1e-9a6f-2b8d5e0c4a71"


def study(database: Database, learner_id: int, at: datetime, answers: dict[str, object]) -> None:
    """A session on topic alpha answering each question named, once, in the order shown."""
    session = StudyService(database, tz=UTC, rng=random.Random(1)).start(
        learner_id, now=at, topics=[("test-pack", "alpha")]
    )
    left = dict(answers)
    while left:
        item = session.next_item(at)
        assert item is not None and item.question.id in left, f"left: {left}"
        session.answer(item, left.pop(item.question.id), now=at, response_ms=1500)
        at += timedelta(minutes=1)


@pytest.fixture
def learner_id(database: Database, now: datetime) -> int:
    """Ana: fc Good and mc wrong two days ago, both right an hour ago, tf in a quiz only."""
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now - timedelta(days=3))
    ana = LearnerService(database).create("Ana", now=now - timedelta(days=3))
    study(database, ana.id, now - timedelta(days=2), {"fc": Rating.Good, "mc": "Stalin"})
    study(database, ana.id, now - timedelta(hours=1), {"fc": Rating.Good, "mc": "Khrushchev"})
    quiz = QuizService(database, tz=UTC).start(
        ana.id, QuizSettings(count=5, topics=(("test-pack", "beta"),), seed=2), now=now
    )
    position = next(i for i, item in enumerate(quiz.items) if item.question.id == "tf")
    quiz.answer(position, True, now=now - timedelta(minutes=30), response_ms=900)
    quiz.finish(now - timedelta(minutes=29))
    return ana.id


@pytest.fixture
def exported(database: Database, learner_id: int, now: datetime) -> dict[str, Any]:
    return export_results(database, learner_id, now=now, file_id=FILE_ID)


def test_export_holds_the_learner_texts_answers_and_a_summary(
    exported: dict[str, Any], database: Database, now: datetime
) -> None:
    assert (exported["format"], exported["version"], exported["file_id"]) == (
        "crisisquiz-results",
        3,
        FILE_ID,
    )
    assert exported["learner"] == "Ana"
    assert exported["learner_id"] == str(LearnerService(database).by_name("Ana").uid)
    assert exported["exported_at"] == "2026-03-02T15:00:00Z"
    assert exported["app_version"] == __version__
    packs = {p["id"]: p for p in exported["packs"]}
    assert packs["test-pack"]["version"] == "1.0.0"
    questions = {(q["pack_id"], q["question_id"]): q for q in exported["questions"]}
    mc = questions[("test-pack", "mc")]
    assert mc["texts"] == [
        {
            "pack_versions": ["1.0.0"],
            "body": {
                "id": "mc",
                "topic": "alpha",
                "type": "multiple_choice",
                "prompt": "Who led the Soviet Union in 1962?",
                "choices": ["Khrushchev", "Brezhnev", "Stalin"],
                "answer": "Khrushchev",
                "explanation": "Brezhnev replaced him in 1964.",
                "difficulty": 1,
            },
        }
    ]
    # Every answer, study and quiz, oldest first, with its version and rating.
    mine = [a for a in exported["answers"] if a["pack_id"] == "test-pack"]
    assert [(a["question_id"], a["kind"], a["correct"], a["rating"]) for a in mine] == [
        ("fc", "study", True, 3),
        ("mc", "study", False, 1),
        ("mc", "study", True, 3),  # mc's relearning step was due first
        ("fc", "study", True, 3),
        ("tf", "quiz", True, 3),
    ]
    assert {a["pack_version"] for a in mine} == {"1.0.0"}
    assert mine[1]["response"] == {"type": "multiple_choice", "value": "Stalin"}
    assert mine[0]["time"] == "2026-02-28T15:00:00Z"
    summary = {t["topic_id"]: t for t in exported["summary"]["topics"]}
    alpha, beta = summary["alpha"], summary["beta"]
    assert (alpha["questions"], alpha["seen"], alpha["study_answers"], alpha["study_correct"]) == (
        4,
        2,
        4,
        3,
    )
    assert (beta["quiz_answers"], beta["quiz_correct"], beta["seen"]) == (1, 1, 0)
    # Mastery a week on: fc (Good 2 days before), mc and tf (quiz only), from the answers.
    week = now + timedelta(days=7)
    two_days, hour = now - timedelta(days=2), now - timedelta(hours=1)
    fc = replay([(two_days, Rating.Good), (hour + timedelta(minutes=1), Rating.Good)])
    mc_memory = replay([(two_days + timedelta(minutes=1), Rating.Again), (hour, Rating.Good)])
    assert alpha["mastery"] == pytest.approx((recall_at(fc, week) + recall_at(mc_memory, week)) / 4)
    tf = recall_at(replay([(now - timedelta(minutes=30), Rating.Good)]), week)
    assert beta["mastery"] == pytest.approx(tf / 5)
    assert exported["summary"]["mastery_at"] == "2026-03-09T15:00:00Z"
    json.dumps(exported)  # JSON-ready as it is


def test_written_file_reads_back(exported: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "out" / "ana.json"
    write_results(exported, path)
    loaded = load_results(path)
    assert str(loaded.file_id) == FILE_ID
    assert loaded.learner == "Ana"
    assert loaded.source == str(path)
    assert len(loaded.data.answers) == len(exported["answers"])
    assert [p.name for p in path.parent.iterdir()] == ["ana.json"]  # no temporary left behind


def test_a_retired_question_that_was_answered_stays_listed(
    database: Database, learner_id: int, now: datetime
) -> None:
    newer = SMALL_PACK.replace('version = "1.0.0"', 'version = "1.1.0"')
    cut = newer.index('[[questions]]\nid = "mc"')
    end = newer.index("[[questions]]", cut + 1)
    PackService(database).import_pack(parse_pack_text(newer[:cut] + newer[end:]), now=now)
    data = export_results(database, learner_id, now=now, file_id=FILE_ID)
    questions = {q["question_id"]: q for q in data["questions"] if q["pack_id"] == "test-pack"}
    assert questions["mc"]["retired"] is True
    assert questions["mc"]["texts"][0]["pack_versions"] == ["1.0.0"]
    assert questions["fc"]["texts"][0]["pack_versions"] == ["1.0.0", "1.1.0"]  # unchanged
    parse_results(data, source="export")  # every answer still names a listed text


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


def answer_of(data: dict[str, Any], question_id: str, nth: int = 0) -> dict[str, Any]:
    found = [
        a
        for a in data["answers"]
        if a["pack_id"] == "test-pack" and a["question_id"] == question_id
    ]
    return found[nth]


def resummarise(data: dict[str, Any]) -> None:
    """Write the summary again from the (edited) answers, as a careful forger would."""
    packs = [(p["id"], [(t["id"], t["title"]) for t in p["topics"]]) for p in data["packs"]]
    questions = [ResultsQuestion.model_validate(q) for q in data["questions"]]
    answers = [ResultsAnswer.model_validate(a) for a in data["answers"]]
    mastery_at = datetime.fromisoformat(data["summary"]["mastery_at"])
    data["summary"] = compute_summary(packs, questions, answers, mastery_at)


def refusal(data: dict[str, Any], **kwargs: Any) -> str:
    with pytest.raises(ResultsError) as caught:
        parse_results(data, source="ana.json", **kwargs)
    message = str(caught.value)
    assert message.startswith("ana.json: not a valid results file")
    return message


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
    [
        (4, "newer crisisquiz"),
        (1, "ask the learner to export"),
        (2, "ask the learner to export"),
        (0, "unknown"),
        ("3", "unknown"),
    ],
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
    index = next(i for i, q in enumerate(exported["questions"]) if q["question_id"] == "mc")
    message = refusal(broken(exported, lambda d: d["questions"].pop(index)))
    assert "names question test-pack/mc, which is not listed in questions" in message


def test_duplicated_questions_are_refused(exported: dict[str, Any]) -> None:
    data = broken(exported, lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])))
    assert "is listed 2 times" in refusal(data)


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


# ---------------------------------------------------------------------------- tampering


def test_an_answer_marked_right_that_is_wrong_is_refused(exported: dict[str, Any]) -> None:
    def mark_right(data: dict[str, Any]) -> None:
        wrong = answer_of(data, "mc", 0)  # "Stalin"
        wrong.update(correct=True, score=1.0, rating=3)

    message = refusal(broken(exported, mark_right))
    assert (
        "(test-pack/mc, pack version 1.0.0, answered 2026-02-28 15:01 UTC): the file says "
        "right (rating 3), but the response it stores grades as wrong (rating 1) against the "
        "question the file gives"
    ) in message


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"score": 0.5}, "partly right (50%)"),  # the score alone
        ({"rating": 4}, "right (rating 4)"),  # the rating alone: mastery would rise
    ],
)
def test_a_changed_score_or_rating_is_refused(
    exported: dict[str, Any], change: dict[str, Any], said: str
) -> None:
    def spoil(data: dict[str, Any]) -> None:
        right = answer_of(data, "mc", 1)  # "Khrushchev", right
        right.update(change)
        if "score" in change:
            right["correct"] = False

    assert f"the file says {said}" in refusal(broken(exported, spoil))


def test_a_changed_response_is_refused(exported: dict[str, Any]) -> None:
    # Stalin rewritten as Khrushchev while the answer stays marked wrong.
    data = broken(exported, lambda d: answer_of(d, "mc", 0)["response"].update(value="Khrushchev"))
    assert "the file says wrong (rating 1), but the response it stores grades as right" in (
        refusal(data)
    )


def test_a_summary_that_does_not_add_up_is_refused(exported: dict[str, Any]) -> None:
    def inflate(data: dict[str, Any]) -> None:
        alpha = next(t for t in data["summary"]["topics"] if t["topic_id"] == "alpha")
        alpha["study_correct"] = 4
        alpha["mastery"] = 0.99

    message = refusal(broken(exported, inflate))
    assert (
        "the summary for topic test-pack/alpha gives study correct 4, but the answers add up to 3"
        in message
    )
    assert "the summary for topic test-pack/alpha gives mastery 0.99" in message


def test_a_file_with_an_answer_cut_out_is_refused(exported: dict[str, Any]) -> None:
    data = broken(exported, lambda d: d["answers"].remove(answer_of(d, "mc", 0)))
    assert "gives study answers 4, but the answers add up to 3" in refusal(data)


def test_an_answer_of_a_version_the_file_has_no_text_for_is_refused(
    exported: dict[str, Any],
) -> None:
    data = broken(exported, lambda d: answer_of(d, "mc", 0).update(pack_version="0.9.0"))
    assert "was given in pack version 0.9.0, for which the file has no text" in refusal(data)


def test_an_edited_answer_key_is_refused_where_that_version_is_installed(
    exported: dict[str, Any], database: Database, tmp_path: Path, now: datetime
) -> None:
    # Stalin made the answer in the file's own text, the answer marked right, and the
    # summary rewritten to fit: the file agrees with itself.
    def rewrite(data: dict[str, Any]) -> None:
        mc = next(q for q in data["questions"] if q["question_id"] == "mc")
        mc["texts"][0]["body"]["answer"] = "Stalin"
        answer_of(data, "mc", 0).update(correct=True, score=1.0, rating=3)
        answer_of(data, "mc", 1).update(correct=False, score=0.0, rating=1)
        resummarise(data)

    data = broken(exported, rewrite)
    # Without the pack installed the checks cannot see it: a file is not tamper-proof.
    parse_results(data, source="ana.json")
    # On a computer that has had version 1.0.0 of the pack, the answer is graded
    # against the question as installed, and the file is refused.
    message = refusal(data, installed=installed_texts(database))
    assert (
        "the file says right, but against version 1.0.0 of the pack as installed on this "
        "computer the response is wrong"
    ) in message
    # The teacher's computer may have only a later version: 1.0.0 answers cannot be
    # checked against it, the file's own text is used.
    teacher = tmp_path / "teacher"
    from crisisquiz.storage.database import open_database

    other = open_database(teacher, now=now)
    try:
        PackService(other).import_pack(
            parse_pack_text(SMALL_PACK.replace('version = "1.0.0"', 'version = "1.0.1"')), now=now
        )
        parse_results(data, source="ana.json", installed=installed_texts(other))
    finally:
        other.close()


def test_a_pack_update_that_changes_an_answer_keeps_each_answer_judged_as_given(
    database: Database, learner_id: int, now: datetime
) -> None:
    # Version 1.1.0 makes Brezhnev the answer to mc; Ana answers Khrushchev again.
    newer = SMALL_PACK.replace('version = "1.0.0"', 'version = "1.1.0"').replace(
        'answer = "Khrushchev"\nexplanation', 'answer = "Brezhnev"\nexplanation'
    )
    PackService(database).import_pack(parse_pack_text(newer), now=now)
    later = now + timedelta(days=1)
    quiz = QuizService(database, tz=UTC).start(
        learner_id, QuizSettings(count=4, topics=(("test-pack", "alpha"),), seed=1), now=later
    )
    position = next(i for i, item in enumerate(quiz.items) if item.question.id == "mc")
    quiz.answer(position, "Khrushchev", now=later, response_ms=500)
    data = export_results(database, learner_id, now=later, file_id=FILE_ID)
    mc = next(q for q in data["questions"] if q["question_id"] == "mc")
    assert [(t["pack_versions"], t["body"]["answer"]) for t in mc["texts"]] == [
        (["1.0.0"], "Khrushchev"),
        (["1.1.0"], "Brezhnev"),
    ]
    given = [a for a in data["answers"] if a["question_id"] == "mc"]
    assert [(a["pack_version"], a["response"]["value"], a["correct"]) for a in given] == [
        ("1.0.0", "Stalin", False),
        ("1.0.0", "Khrushchev", True),
        ("1.1.0", "Khrushchev", False),
    ]
    # Checked whole, against this computer's versions too: it is consistent.
    parse_results(data, source="ana.json", installed=installed_texts(database))


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
