"""The class report on synthetic learners whose item statistics are worked out by hand."""

from __future__ import annotations

import csv
import json
import math
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crisisquiz.core.class_report import (
    ClassReport,
    build_class_report,
    csv_paths,
    learner_topic_rows,
    question_rows,
    report_to_json,
    write_class_csv,
)
from crisisquiz.core.results import ResultsFile, parse_results

EXPORTED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

TOPICS = [{"id": "t1", "title": "Topic one"}, {"id": "t2", "title": "Topic two"}]
QUESTIONS: dict[str, dict[str, Any]] = {
    "q1": {
        "topic_id": "t1",
        "type": "multiple_choice",
        "prompt": "Who led the USSR?",
        "choices": ["A", "B", "C"],
        "correct_choices": ["A"],
    },
    "q2": {"topic_id": "t1", "type": "true_false", "prompt": "True?", "key": {"answer": True}},
    "q3": {
        "topic_id": "t2",
        "type": "multi_select",
        "prompt": "Which, with a comma, and a\nnew line?",
        "choices": ["W", "X", "Y", "Z"],
        "correct_choices": ["W", "X"],
    },
}

Answer = tuple[str, float, Any]  # question id, score, the value answered


def figures(answers: int = 0, mastery: float = 0.0, seen: int = 0) -> dict[str, Any]:
    return {
        "total": 2,
        "seen": seen,
        "coverage": seen / 2,
        "answers": answers,
        "correct": 0,
        "accuracy": None,
        "answers_30d": 0,
        "correct_30d": 0,
        "accuracy_30d": None,
        "mastery": mastery,
        "due_now": 0,
        "due_7d": 0,
        "mature": 0,
        "mature_correct": 0,
        "true_retention": None,
        "reviews_per_day_30d": 0.0,
        "time_ms": 0,
    }


def results_file(
    learner: str,
    answers: list[Answer],
    *,
    file_id: int,
    mastery: dict[str, float],
    exported_at: datetime = EXPORTED,
    version: str = "1.0.0",
    questions: dict[str, dict[str, Any]] = QUESTIONS,
    topics: list[dict[str, str]] = TOPICS,
    retired: tuple[str, ...] = (),
    source: str | None = None,
    learner_id: str | None = None,
    answered_from: datetime | None = None,
) -> ResultsFile:
    """A valid results file: answers one minute apart, summary counts to match.

    The answers start a day before the export unless ``answered_from`` says when.
    """
    start = answered_from or exported_at - timedelta(days=1)
    listed = {**questions, **{qid: QUESTIONS[qid] for qid in retired}}
    rows = [
        {
            "pack_id": "p",
            "question_id": qid,
            "topic_id": listed[qid]["topic_id"],
            "time": (start + timedelta(minutes=i)).isoformat(),
            "correct": score == 1.0,
            "score": score,
            "response": {"value": value},
            "response_ms": 1000,
            "kind": "study",
        }
        for i, (qid, score, value) in enumerate(answers)
    ]
    counts = Counter(row["topic_id"] for row in rows)
    data = {
        "format": "crisisquiz-results",
        "version": 2,
        "file_id": f"00000000-0000-4000-8000-{file_id:012d}",
        "learner": learner,
        # One learner per name unless the test says otherwise.
        "learner_id": learner_id or str(uuid.uuid5(uuid.NAMESPACE_URL, learner.casefold())),
        "exported_at": exported_at.isoformat(),
        "app_version": "0.1.0",
        "packs": [{"id": "p", "version": version, "title": "Pack", "topics": topics}],
        "questions": [
            {"pack_id": "p", "question_id": qid, "retired": qid in retired, **body}
            for qid, body in listed.items()
        ],
        "answers": rows,
        "summary": {
            "topics": [
                {
                    "pack_id": "p",
                    "topic_id": t["id"],
                    "title": t["title"],
                    **figures(counts[t["id"]], mastery.get(t["id"], 0.0), int(counts[t["id"]] > 0)),
                }
                for t in topics
            ],
            "overall": figures(len(rows)),
            "quizzes": [],
        },
    }
    return parse_results(data, source=source or f"{learner.lower()}.json")


# Latest item scores (earlier answers only feed the wrong-choice counts):
#          q1   q2   q3
#   Ana     1    1    1     (first answered q1 with B)
#   Ben     1    0   0.5    (q3: W and Y)
#   Cy      0    1   0.5    (q1: C, then B; q3: X and Z)
#   Di      0    0    -     (q1: C twice)
ANA: list[Answer] = [("q1", 0.0, "B"), ("q1", 1.0, "A"), ("q2", 1.0, True), ("q3", 1.0, ["W", "X"])]
BEN: list[Answer] = [("q1", 1.0, "A"), ("q2", 0.0, False), ("q3", 0.5, ["W", "Y"])]
CY: list[Answer] = [("q1", 0.0, "C"), ("q1", 0.0, "B"), ("q2", 1.0, True), ("q3", 0.5, ["X", "Z"])]
DI: list[Answer] = [("q1", 0.0, "C"), ("q1", 0.0, "C"), ("q2", 0.0, False)]


@pytest.fixture
def class_files() -> list[ResultsFile]:
    return [
        results_file("Ana", ANA, file_id=1, mastery={"t1": 0.8, "t2": 0.6}),
        results_file("Ben", BEN, file_id=2, mastery={"t1": 0.4, "t2": 0.2}),
        results_file("Cy", CY, file_id=3, mastery={"t1": 0.3, "t2": 0.5}),
        results_file("Di", DI, file_id=4, mastery={"t1": 0.1}),
    ]


@pytest.fixture
def report(class_files: list[ResultsFile]) -> ClassReport:
    return build_class_report(class_files)


def test_facility_and_discrimination_by_hand(report: ClassReport) -> None:
    q = {r.question_id: r for r in report.questions}
    # q1: F = mean(1, 1, 0, 0) = 50 %.
    #     Rest of the test (mean over the other questions answered):
    #     Ana (1 + 1)/2 = 1, Ben (0 + 0.5)/2 = 0.25, Cy (1 + 0.5)/2 = 0.75, Di 0/1 = 0.
    #     x - 0.5 = (.5, .5, -.5, -.5); y - mean 0.5 = (.5, -.25, .25, -.5)
    #     Sxy = .25 - .125 - .125 + .25 = .25; Sxx = 1; Syy = .25 + .0625 + .0625 + .25 = .625
    #     D = .25 / sqrt(.625) = 1 / sqrt(10) = 31.62 %.
    assert q["q1"].learners == 4
    assert q["q1"].facility_pct == pytest.approx(50.0)
    assert q["q1"].discrimination_pct == pytest.approx(100 / math.sqrt(10))
    # q2: F = mean(1, 0, 1, 0) = 50 %.
    #     Rest: Ana (1 + 1)/2 = 1, Ben (1 + .5)/2 = .75, Cy (0 + .5)/2 = .25, Di 0/1 = 0.
    #     x - .5 = (.5, -.5, .5, -.5); y - .5 = (.5, .25, -.25, -.5)
    #     Sxy = .25 - .125 - .125 + .25 = .25; Sxx = 1; Syy = .625; D = 1 / sqrt(10).
    assert q["q2"].facility_pct == pytest.approx(50.0)
    assert q["q2"].discrimination_pct == pytest.approx(100 / math.sqrt(10))
    # q3: answered by Ana 1, Ben .5, Cy .5 (not Di): F = 2 / 3 = 66.67 %.
    #     Rest: Ana (1 + 1)/2 = 1, Ben (1 + 0)/2 = .5, Cy (0 + 1)/2 = .5: the same as
    #     the item scores, so D = 100 %.
    assert q["q3"].learners == 3
    assert q["q3"].facility_pct == pytest.approx(200 / 3)
    assert q["q3"].discrimination_pct == pytest.approx(100.0)


def test_wrong_choices_counted_over_every_answer(report: ClassReport) -> None:
    q = {r.question_id: r for r in report.questions}
    # q1: C picked by Cy once and Di twice; B by Ana (first try) and Cy.
    assert [(c.choice, c.picks, c.learners) for c in q["q1"].wrong_choices] == [
        ("C", 3, 2),
        ("B", 2, 2),
    ]
    # q3 (multi_select): Y by Ben, Z by Cy; ties keep the question's order.
    assert [(c.choice, c.picks) for c in q["q3"].wrong_choices] == [("Y", 1), ("Z", 1)]
    assert q["q2"].wrong_choices == ()


def test_hardest_questions_and_weakest_topics(report: ClassReport) -> None:
    # Lowest facility first; q1 and q2 tie at 50 % with 4 learners each: pack order.
    assert [q.question_id for q in report.hardest] == ["q1", "q2", "q3"]
    # Mean mastery: t1 (.8 + .4 + .3 + .1)/4 = .4; t2 (.6 + .2 + .5 + 0)/4 = .325.
    assert [(t.topic.topic_id, round(t.mean_mastery or 0, 4)) for t in report.weakest_topics] == [
        ("t2", 0.325),
        ("t1", 0.4),
    ]


def test_learner_by_topic_table(report: ClassReport) -> None:
    assert [t.topic_id for t in report.topics] == ["t1", "t2"]
    ana = next(learner for learner in report.learners if learner.name == "Ana")
    # Ana on t1: 3 answers (q1 twice, q2), 2 right; mastery from her own figures.
    assert (ana.cells[0].answers, ana.cells[0].accuracy, ana.cells[0].mastery) == (
        3,
        pytest.approx(2 / 3),
        0.8,
    )
    assert ana.questions_answered == 3 and ana.mean_score == 1.0
    di = next(learner for learner in report.learners if learner.name == "Di")
    assert di.cells[1].accuracy is None and di.cells[1].answers == 0


def test_a_file_given_twice_counts_once(class_files: list[ResultsFile]) -> None:
    again = results_file("Ana", ANA, file_id=1, mastery={"t1": 0.8}, source="copy/ana.json")
    report = build_class_report([*class_files, again])
    assert len(report.learners) == 4
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("copy/ana.json", "the same file as ana.json")
    ]
    assert {r.question_id: r.learners for r in report.questions}["q1"] == 4


def test_two_learners_with_one_name_are_both_kept_and_told_apart(
    class_files: list[ResultsFile],
) -> None:
    # Another Ana, from another profile: her own answers, her own row.
    other = results_file(
        "Ana",
        [("q1", 0.0, "C"), ("q2", 0.0, False)],
        file_id=5,
        mastery={"t1": 0.2},
        learner_id="3f2a0000-0000-4000-8000-000000000005",
        source="other/ana.json",
    )
    report = build_class_report([*class_files, other])
    first_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "ana"))
    names = sorted(learner.name for learner in report.learners)
    assert names == sorted(
        ["Ana (3f2a)", f"Ana ({first_id.replace('-', '')[:4]})", "Ben", "Cy", "Di"]
    )
    assert report.skipped == () and report.merged == ()
    q = {r.question_id: r for r in report.questions}
    # q1 latest scores: Ana 1, Ben 1, Cy 0, Di 0, the other Ana 0: F = 2/5 = 40 %.
    assert q["q1"].learners == 5 and q["q1"].facility_pct == pytest.approx(40.0)
    # C picked by Cy once, Di twice and the other Ana once: 4 picks by 3 learners.
    assert (q["q1"].wrong_choices[0].choice, q["q1"].wrong_choices[0].picks) == ("C", 4)
    assert q["q1"].wrong_choices[0].learners == 3
    other_row = next(r for r in report.learners if r.name == "Ana (3f2a)")
    assert other_row.sources == ("other/ana.json",)
    assert (other_row.cells[0].answers, other_row.cells[0].accuracy) == (2, 0.0)


def test_files_of_one_learner_are_merged_answers_counted_once(
    class_files: list[ResultsFile],
) -> None:
    # Ana's profile was copied to a laptop after her first answer (q1, B); there she
    # answered q3 with Y a minute later and exported.
    elsewhere = [*ANA[:1], ("q3", 0.0, ["Y"])]
    older = results_file(
        "ana",
        elsewhere,
        file_id=9,
        mastery={"t1": 0.1},
        exported_at=EXPORTED - timedelta(hours=12),
        answered_from=EXPORTED - timedelta(days=1),
        source="laptop/ana.json",
    )
    report = build_class_report([older, *class_files])
    assert len(report.learners) == 4 and report.skipped == ()
    ana = next(learner for learner in report.learners if learner.name == "Ana")
    assert ana.sources == ("ana.json", "laptop/ana.json")  # newest first
    # Answers, minute by minute: 0 q1 B (in both files: counted once), 1 q1 A (lab) and
    # q3 Y (laptop), 2 q2 True, 3 q3 W X (lab): 5 distinct answers. The latest of each
    # question is right, so the item scores stay q1 1, q2 1, q3 1.
    assert ana.questions_answered == 3 and ana.mean_score == 1.0
    # t1: q1 B, q1 A, q2 True = 3 answers, 2 right; t2: q3 W X (right), q3 Y (wrong).
    assert (ana.cells[0].answers, ana.cells[0].accuracy) == (3, pytest.approx(2 / 3))
    assert (ana.cells[1].answers, ana.cells[1].accuracy) == (2, 0.5)
    assert ana.cells[0].mastery == 0.8  # from the newest file
    assert [(m.name, m.sources, m.answers, m.repeated) for m in report.merged] == [
        ("Ana", ("ana.json", "laptop/ana.json"), 5, 1)
    ]
    q3 = next(r for r in report.questions if r.question_id == "q3")
    assert [(c.choice, c.picks, c.learners) for c in q3.wrong_choices] == [
        ("Y", 2, 2),
        ("Z", 1, 1),
    ]


def test_files_from_different_pack_versions_fit_together() -> None:
    # Version 1.1.0 retires q2, adds q4 and renames topic one.
    newer_questions = {
        "q1": {**QUESTIONS["q1"], "prompt": "Who led the USSR in 1962?"},
        "q3": QUESTIONS["q3"],
        "q4": {"topic_id": "t1", "type": "year", "prompt": "When?", "key": {"answer": 1962}},
    }
    newer_topics = [{"id": "t1", "title": "Topic one, renamed"}, TOPICS[1]]
    old = results_file("Ana", [("q1", 1.0, "A"), ("q2", 1.0, True)], file_id=1, mastery={})
    new = results_file(
        "Ben",
        [("q1", 0.0, "B"), ("q2", 0.0, False), ("q4", 1.0, 1962)],
        file_id=2,
        mastery={},
        version="1.1.0",
        questions=newer_questions,
        topics=newer_topics,
        retired=("q2",),  # Ben answered it before his pack was updated
    )
    report = build_class_report([old, new])
    q = {r.question_id: r for r in report.questions}
    assert list(q) == ["q1", "q3", "q4", "q2"]  # the newest version's order, retired last
    assert q["q1"].learners == 2 and q["q1"].facility_pct == 50.0  # matched across versions
    assert q["q1"].prompt == "Who led the USSR in 1962?"
    assert q["q2"].retired and q["q2"].learners == 2
    assert not q["q4"].retired and q["q4"].learners == 1
    assert q["q4"].discrimination_pct is None  # a single learner
    assert [q.question_id for q in report.hardest] == ["q1"]  # retired q2 left out
    assert report.topics[0].title == "Topic one, renamed"


def test_no_variance_means_no_discrimination() -> None:
    files = [
        results_file(name, [("q1", 1.0, "A"), ("q2", score, True)], file_id=i, mastery={})
        for i, (name, score) in enumerate([("Ana", 1.0), ("Ben", 0.0), ("Cy", 1.0)])
    ]
    q = {r.question_id: r for r in build_class_report(files).questions}
    # Everyone right on q1: the item score does not vary.
    assert q["q1"].facility_pct == 100.0 and q["q1"].discrimination_pct is None
    # q2 varies but its rest of the test (q1) is 1 for everyone.
    assert q["q2"].discrimination_pct is None


def test_a_quiz_answer_counted_as_a_review_weighs_once() -> None:
    file = results_file("Ana", [("q1", 0.0, "B")], file_id=1, mastery={})
    study = file.data.answers[0]
    twice = file.data.model_copy(
        update={"answers": (study, study.model_copy(update={"kind": "quiz"}))}
    )
    report = build_class_report([ResultsFile("ana.json", twice)])
    q1 = next(q for q in report.questions if q.question_id == "q1")
    assert q1.answers == 1 and q1.wrong_choices[0].picks == 1


def test_csv_files_open_cleanly_in_spreadsheets(report: ClassReport, tmp_path: Path) -> None:
    learners, questions = write_class_csv(report, tmp_path / "class.csv")
    assert (learners, questions) == csv_paths(tmp_path / "class.csv")
    assert learners.name == "class-learners.csv" and questions.name == "class-questions.csv"
    for path, expected in (
        (learners, learner_topic_rows(report)),
        (questions, question_rows(report)),
    ):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
        assert b"\r\n" in raw and raw.count(b"\n") >= raw.count(b"\r\n")
        with path.open(encoding="utf-8-sig", newline="") as stream:
            assert list(csv.reader(stream)) == expected
    header = learner_topic_rows(report)[0]
    assert header[:4] == ["Learner", "Exported at (UTC)", "Questions answered", "Mean score %"]
    assert header[4:] == [
        "Topic one - mastery %",
        "Topic one - accuracy %",
        "Topic two - mastery %",
        "Topic two - accuracy %",
    ]
    q3 = next(row for row in question_rows(report) if row[1] == "q3")
    assert q3[4] == "Which, with a comma, and a\nnew line?"  # quoted, survives the trip
    assert q3[8:] == ["66.7", "100.0", "Y: 1 (1 learner); Z: 1 (1 learner)"]


def test_odd_names_survive_the_csv(tmp_path: Path) -> None:
    name = 'Zoë "Z" O\'Neil, Jr.'
    report = build_class_report([results_file(name, ANA, file_id=1, mastery={})])
    learners, _ = write_class_csv(report, tmp_path / "odd")
    with learners.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream))[1][0] == name


def test_json_output_has_everything(report: ClassReport) -> None:
    data = json.loads(json.dumps(report_to_json(report)))
    assert set(data) == {
        "topics",
        "learners",
        "questions",
        "topic_summaries",
        "hardest",
        "weakest_topics",
        "skipped",
        "merged",
    }
    q1 = next(q for q in data["questions"] if q["question_id"] == "q1")
    assert q1["facility_pct"] == 50.0
    assert q1["wrong_choices"][0] == {"choice": "C", "picks": 3, "learners": 2}
    assert data["learners"][0]["exported_at"] == "2026-03-02T12:00:00+00:00"
