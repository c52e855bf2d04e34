"""The class report on learners whose figures are worked out by hand."""

from __future__ import annotations

import csv
import json
import math
from datetime import timedelta
from pathlib import Path

import pytest
from results_builder import BODIES, EXPORTED, results_file

from crisisquiz.core.class_report import ClassReport, build_class_report
from crisisquiz.core.class_report_tables import (
    TOO_FEW,
    answer_rows,
    csv_paths,
    learner_detail,
    learner_topic_rows,
    question_detail,
    question_rows,
    report_to_json,
    scope_line,
    write_class_csv,
)
from crisisquiz.core.mastery import recall_at, replay
from crisisquiz.core.results_format import ResultsFile

# The report is made 12 hours after the files were written; every answer was given a day
# before that, so mastery's moment (a week after the report) is 8 whole days after each.
NOW = EXPORTED + timedelta(hours=12)
DECAY, FACTOR = -0.1542, 0.9 ** (1 / -0.1542) - 1
R8_GOOD = (1 + FACTOR * 8 / 2.3065) ** DECAY  # a first answer rated Good, 8 days on: 0.7957
R8_AGAIN = (1 + FACTOR * 8 / 0.212) ** DECAY  # a first answer rated Again: 0.5707

from results_builder import ANA, BEN, CY, DI, ED  # noqa: E402  (the class worked by hand)


@pytest.fixture
def class_files() -> list[ResultsFile]:
    return [
        results_file(name, answers, file_id=i)
        for i, (name, answers) in enumerate(
            [("Ana", ANA), ("Ben", BEN), ("Cy", CY), ("Di", DI), ("Ed", ED)], 1
        )
    ]


@pytest.fixture
def report(class_files: list[ResultsFile]) -> ClassReport:
    return build_class_report(class_files, now=NOW)


def test_facility_and_discrimination_by_hand(report: ClassReport) -> None:
    q = {r.question_id: r for r in report.questions}
    # q1: F = mean(1, 1, 0, 0, 1) = 60 %.
    #     Rest of the test (mean latest score on the other questions answered):
    #     Ana 3/3 = 1, Ben (0 + .5 + 0)/3 = 1/6, Cy (1 + .5 + 0)/3 = 1/2, Di 0/2 = 0,
    #     Ed (1 + 0 + 1)/3 = 2/3; their mean is 7/15.
    #     x - .6 = (2/5, 2/5, -3/5, -3/5, 2/5); y - 7/15 = (8/15, -3/10, 1/30, -7/15, 1/5)
    #     Sxy = 13/30, Sxx = 6/5, Syy = 19/30: D = (13/30) / sqrt(6/5 * 19/30)
    #       = 13 / (6 sqrt 19) = 49.71 %.
    assert q["q1"].learners == 5 and q["q1"].answers == 8
    assert q["q1"].facility_pct == pytest.approx(60.0)
    assert q["q1"].discrimination_pct == pytest.approx(100 * 13 / (6 * math.sqrt(19)))
    # q2: F = mean(1, 0, 1, 0, 1) = 60 %. Rest: Ana 1, Ben 1/2, Cy 1/6, Di 0, Ed 2/3
    #     (mean 7/15): the same sums as q1, D = 13 / (6 sqrt 19) = 49.71 %.
    assert q["q2"].facility_pct == pytest.approx(60.0)
    assert q["q2"].discrimination_pct == pytest.approx(100 * 13 / (6 * math.sqrt(19)))
    # q4: F = mean(1, 0, 0, 0, 1) = 40 %. Rest: Ana 1, Ben 1/2, Cy 1/2, Di 0, Ed 2/3
    #     (mean 8/15). x - .4 = (3/5, -2/5, -2/5, -2/5, 3/5); y - 8/15 = (7/15, -1/30,
    #     -1/30, -8/15, 2/15). Sxy = 3/5, Sxx = 6/5, Syy = 47/90:
    #     D = (3/5) / sqrt(6/5 * 47/90) = (3/5) sqrt(75/47) = 75.79 %.
    assert q["q4"].facility_pct == pytest.approx(40.0)
    assert q["q4"].discrimination_pct == pytest.approx(60 * math.sqrt(75 / 47))
    # q3 was answered by 4 learners: fewer than 5, too few to say anything.
    assert q["q3"].learners == 4 and not q["q3"].enough_learners
    assert q["q3"].facility_pct is None and q["q3"].discrimination_pct is None


def test_with_a_lower_threshold_the_four_answers_give_figures(
    class_files: list[ResultsFile],
) -> None:
    q3 = next(
        r
        for r in build_class_report(class_files, now=NOW, min_learners=4).questions
        if r.question_id == "q3"
    )
    # Ana 1, Ben .5, Cy .5, Ed 0: F = 2 / 4 = 50 %.
    assert q3.facility_pct == pytest.approx(50.0)


def test_wrong_choices_and_typed_answers(report: ClassReport) -> None:
    q = {r.question_id: r for r in report.questions}
    # q1: C by Cy once and Di twice; B by Ana (first try) and Cy.
    assert [(c.choice, c.picks, c.learners) for c in q["q1"].wrong_choices] == [
        ("C", 3, 2),
        ("B", 2, 2),
    ]
    # q3 (multi_select): Y by Ed; Z never picked.
    assert [(c.choice, c.picks) for c in q["q3"].wrong_choices] == [("Y", 1), ("Z", 0)]
    # q4: "Brezhnev" and "brezhnev " are one answer once normalised as grading does;
    # Ana's "Krushchev" was a forgiven slip, not a wrong answer.
    assert [(t.text, t.count, t.learners) for t in q["q4"].wrong_typed] == [
        ("Brezhnev", 2, 2),
        ("Gromyko", 1, 1),
    ]
    assert q["q2"].wrong_choices == () and q["q2"].wrong_typed == ()


def test_hardest_questions_and_weakest_topics(report: ClassReport) -> None:
    # Among questions 5 learners answered, lowest facility first; q1 and q2 tie at 60 %.
    assert [q.question_id for q in report.hardest] == ["q4", "q1", "q2"]
    # Mastery from the answers a week after the report; Ed is worked out by hand:
    # q1 and q2 rated Good once (0.7957 each); q3 Again (0.5707) and q4 Good.
    ed = next(learner for learner in report.learners if learner.name == "Ed")
    assert ed.cells[0].mastery == pytest.approx(R8_GOOD)
    assert ed.cells[1].mastery == pytest.approx((R8_AGAIN + R8_GOOD) / 2)
    assert abs(R8_GOOD - 0.7957) < 1e-4 and abs(R8_AGAIN - 0.5707) < 1e-4
    means = {t.topic.topic_id: t.mean_mastery for t in report.topic_summaries}
    assert [t.topic.topic_id for t in report.weakest_topics] == sorted(
        means, key=lambda key: means[key] or 0
    )
    assert all(t.learners == 5 for t in report.weakest_topics)


def test_learner_by_topic_table(report: ClassReport) -> None:
    assert [t.topic_id for t in report.topics] == ["t1", "t2"]
    ana = next(learner for learner in report.learners if learner.name == "Ana")
    # Ana on t1: 3 answers (q1 twice, q2), 2 right; t2: q3 right and q4 right with a slip.
    assert (ana.cells[0].answers, ana.cells[0].accuracy) == (3, pytest.approx(2 / 3))
    assert (ana.cells[1].answers, ana.cells[1].accuracy) == (2, 1.0)
    assert ana.questions_answered == 4 and ana.answers == 5 and ana.mean_score == 1.0
    # Her mastery of t1 is the mean over q1 (Again then Good a minute later) and q2.
    start = EXPORTED - timedelta(days=1)
    q1 = replay([(start, 1), (start + timedelta(minutes=1), 3)])
    moment = NOW + timedelta(days=7)
    assert ana.cells[0].mastery == pytest.approx((recall_at(q1, moment) + R8_GOOD) / 2)
    di = next(learner for learner in report.learners if learner.name == "Di")
    assert di.cells[1].answers == 1 and di.cells[1].accuracy == 0.0


def test_counts_say_what_they_count(report: ClassReport) -> None:
    assert report.questions_in_packs == 4 and report.questions_answered == 4
    assert scope_line(report, NOW.tzinfo or NOW.tzinfo) == (  # type: ignore[arg-type]
        "5 learners, 4 of 4 questions in the packs answered, 2 topics"
    )
    one = build_class_report([results_file("Ana", ANA[:1], file_id=1)], now=NOW)
    assert scope_line(one, NOW.tzinfo) == (  # type: ignore[arg-type]
        "1 learner, 1 of 4 questions in the packs answered, 1 topic"
    )


def test_a_period_keeps_only_its_answers_for_accuracy_and_items(
    class_files: list[ResultsFile],
) -> None:
    # From the third minute on: Ana's q2, q3 and q4; Ben's q3 and q4; Cy's q2, q3, q4...
    since = EXPORTED - timedelta(days=1) + timedelta(minutes=2)
    report = build_class_report(class_files, now=NOW, since=since)
    assert all(a.time >= since for a in report.answers)
    q = {r.question_id: r for r in report.questions}
    assert q["q1"].answers == 0 and q["q1"].learners == 0
    ana = next(learner for learner in report.learners if learner.name == "Ana")
    assert (ana.cells[0].answers, ana.cells[0].accuracy) == (1, 1.0)  # q2 only
    # Mastery still counts every answer.
    full = build_class_report(class_files, now=NOW)
    assert (
        ana.cells[0].mastery == next(x for x in full.learners if x.name == "Ana").cells[0].mastery
    )


def test_two_learners_with_one_name_are_both_kept_and_told_apart(
    class_files: list[ResultsFile],
) -> None:
    other = results_file(
        "Ana",
        [("q1", "C"), ("q2", False)],
        file_id=6,
        learner_id="3f2a0000-0000-4000-8000-000000000006",
        source="other/ana.json",
    )
    report = build_class_report([*class_files, other], now=NOW)
    names = sorted(learner.name for learner in report.learners)
    first = next(f for f in class_files if f.learner == "Ana").learner_id.hex[:4]
    assert names == sorted(["Ana (3f2a)", f"Ana ({first})", "Ben", "Cy", "Di", "Ed"])
    assert report.skipped == () and report.merged == ()
    q = {r.question_id: r for r in report.questions}
    # q1 latest scores: Ana 1, Ben 1, Cy 0, Di 0, Ed 1, the other Ana 0: F = 3/6 = 50 %.
    assert q["q1"].learners == 6 and q["q1"].facility_pct == pytest.approx(50.0)
    # C: Cy once, Di twice and the other Ana once: 4 picks by 3 learners.
    assert (q["q1"].wrong_choices[0].choice, q["q1"].wrong_choices[0].picks) == ("C", 4)
    assert q["q1"].wrong_choices[0].learners == 3
    other_row = next(r for r in report.learners if r.name == "Ana (3f2a)")
    assert other_row.sources == ("other/ana.json",)
    assert (other_row.cells[0].answers, other_row.cells[0].accuracy) == (2, 0.0)


def test_results_of_one_learner_are_merged_each_answer_counted_once(
    class_files: list[ResultsFile],
) -> None:
    # Ana's profile was copied to a laptop after her first answer (q1, B); there she
    # answered q3 with Y a minute later and exported, twelve hours before the lab file.
    laptop = results_file(
        "ana",
        [*ANA[:1], ("q3", ["Y"])],
        file_id=9,
        exported_at=EXPORTED - timedelta(hours=12),
        answered_from=EXPORTED - timedelta(days=1),
        source="laptop/ana.json",
    )
    report = build_class_report([laptop, *class_files], now=NOW)
    assert len(report.learners) == 5 and report.skipped == ()
    ana = next(learner for learner in report.learners if learner.name == "Ana")
    assert ana.sources == ("ana.json", "laptop/ana.json")  # newest first
    # Minute by minute: 0 q1 B (in both: once), 1 q1 A (lab) and q3 Y (laptop), 2 q2,
    # 3 q3 W X, 4 q4: 6 distinct answers. The latest of each question is right.
    assert ana.answers == 6 and ana.questions_answered == 4 and ana.mean_score == 1.0
    assert (ana.cells[1].answers, ana.cells[1].accuracy) == (3, pytest.approx(2 / 3))
    assert [(m.name, m.sources, m.answers, m.repeated) for m in report.merged] == [
        ("Ana", ("ana.json", "laptop/ana.json"), 6, 1)
    ]
    q3 = next(r for r in report.questions if r.question_id == "q3")
    assert [(c.choice, c.picks, c.learners) for c in q3.wrong_choices] == [
        ("Y", 2, 2),
        ("Z", 0, 0),
    ]


def test_a_file_given_twice_counts_once(class_files: list[ResultsFile]) -> None:
    again = results_file("Ana", ANA, file_id=1, source="copy/ana.json")
    report = build_class_report([*class_files, again], now=NOW)
    assert len(report.learners) == 5
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("copy/ana.json", "the same file as ana.json")
    ]
    assert {r.question_id: r.learners for r in report.questions}["q1"] == 5


def test_wrong_choices_are_judged_against_the_version_answered() -> None:
    # Version 1.1.0 made B the answer of q1. Ana answered A in 1.0.0 (right then) and in
    # 1.1.0 (wrong now); Ben answered B in 1.0.0 (wrong then).
    newer = {**BODIES, "q1": {**BODIES["q1"], "answer": "B"}}
    older = {"q1": ("1.0.0", BODIES["q1"])}
    ana = results_file(
        "Ana",
        [("q1", "A", "study", "1.0.0"), ("q1", "A", "study", "1.1.0")],
        file_id=1,
        version="1.1.0",
        bodies=newer,
        older=older,
    )
    ben = results_file(
        "Ben",
        [("q1", "B", "study", "1.0.0")],
        file_id=2,
        version="1.1.0",
        bodies=newer,
        older=older,
    )
    q1 = next(q for q in build_class_report([ana, ben], now=NOW).questions if q.question_id == "q1")
    # A counted once (its 1.1.0 answer), B once (its 1.0.0 answer); C never picked.
    assert [(c.choice, c.picks) for c in q1.wrong_choices] == [("A", 1), ("B", 1), ("C", 0)]


def test_files_from_different_pack_versions_fit_together() -> None:
    # Version 1.1.0 retires q2 and rewords q1.
    newer = {key: body for key, body in BODIES.items() if key != "q2"}
    newer["q1"] = {**BODIES["q1"], "prompt": "Who led the USSR in 1962?"}
    old = results_file("Ana", [("q1", "A"), ("q2", True)], file_id=1)
    new = results_file(
        "Ben",
        [("q1", "B"), ("q2", False), ("q4", "Khrushchev")],
        file_id=2,
        version="1.1.0",
        bodies=newer,
        older={"q2": ("1.0.0", BODIES["q2"])},
        retired=("q2",),  # Ben answered it before his pack was updated
    )
    report = build_class_report([old, new], now=NOW)
    q = {r.question_id: r for r in report.questions}
    assert list(q) == ["q1", "q3", "q4", "q2"]  # the newest version's order, retired last
    assert q["q1"].learners == 2 and q["q1"].prompt == "Who led the USSR in 1962?"
    assert q["q2"].retired and q["q2"].learners == 2
    assert not q["q4"].retired and q["q4"].learners == 1
    assert report.questions_in_packs == 3  # q1, q3 and q4 in the newest version


def test_a_quiz_answer_counted_as_a_review_weighs_once() -> None:
    # The same answer stored as a quiz answer and as the review it counted as.
    file = results_file("Ana", [("q1", "B", "quiz")], file_id=1)
    study = file.data.answers[0].model_copy(update={"kind": "study"})
    summary = file.data.summary.model_copy(
        update={
            "topics": tuple(
                t.model_copy(update={"study_answers": 1, "seen": 1}) if t.topic_id == "t1" else t
                for t in file.data.summary.topics
            )
        }
    )
    twice = file.data.model_copy(update={"answers": (study, *file.data.answers)})
    report = build_class_report(
        [ResultsFile("ana.json", twice.model_copy(update={"summary": summary}))], now=NOW
    )
    q1 = next(q for q in report.questions if q.question_id == "q1")
    assert q1.answers == 1 and q1.wrong_choices[0].picks == 1
    assert len(report.answers) == 1 and report.answers[0].kind == "quiz"


def test_drill_down_for_a_learner_and_a_question(report: ClassReport) -> None:
    cy = next(i for i, x in enumerate(report.learners) if x.name == "Cy")
    detail = learner_detail(report, cy)
    assert [(a.question_id, a.response, a.verdict) for a in detail.answers] == [
        ("q1", "C", "wrong"),
        ("q1", "B", "wrong"),
        ("q2", "true", "right"),
        ("q3", "X", "partly right"),
        ("q4", "brezhnev", "wrong"),
    ]
    # Weakest: q1 (latest 0, 2 wrong), q4 (latest 0, 1 wrong), q3 (latest .5).
    assert [
        (w.question.question_id, w.latest_score, w.wrong) for w in detail.weakest_questions
    ] == [
        ("q1", 0.0, 2),
        ("q4", 0.0, 1),
        ("q3", 0.5, 0),
    ]
    q4 = question_detail(report, ("p", "q4"))
    assert [
        (learner.name, [a.response for a in answers]) for learner, answers in q4.by_learner
    ] == [
        ("Ana", ["Krushchev"]),
        ("Ben", ["Brezhnev"]),
        ("Cy", ["brezhnev"]),
        ("Di", ["Gromyko"]),
        ("Ed", ["Khrushchev"]),
    ]


def test_csv_files_open_cleanly_in_spreadsheets(report: ClassReport, tmp_path: Path) -> None:
    paths = write_class_csv(report, tmp_path / "class.csv")
    assert paths == csv_paths(tmp_path / "class.csv")
    assert [p.name for p in paths] == [
        "class-learners.csv",
        "class-questions.csv",
        "class-answers.csv",
    ]
    for path, expected in zip(
        paths, (learner_topic_rows(report), question_rows(report), answer_rows(report)), strict=True
    ):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
        assert b"\r\n" in raw and raw.count(b"\n") >= raw.count(b"\r\n")
        with path.open(encoding="utf-8-sig", newline="") as stream:
            assert list(csv.reader(stream)) == expected
    header = learner_topic_rows(report)[0]
    assert header[:6] == [
        "Learner",
        "Learner id",
        "Latest results (UTC)",
        "Questions answered",
        "Answers",
        "Mean score %",
    ]
    questions = {row[1]: row for row in question_rows(report)[1:]}
    assert questions["q3"][4] == "Which, with a comma, and a\nnew line?"  # quoted, survives
    assert questions["q3"][8:10] == [TOO_FEW, TOO_FEW]
    assert questions["q1"][8:11] == ["60.0", "49.7", "C: 3 (2 learners); B: 2 (2 learners)"]
    assert questions["q4"][11] == "Brezhnev x2 (2 learners); Gromyko x1 (1 learner)"
    answers = answer_rows(report)
    assert len(answers) == 1 + 22  # every answer in the period, header first
    assert answers[1][0] == "Ana" and answers[1][9:12] == ["B", "wrong", "0.0"]


def test_odd_names_survive_the_csv(tmp_path: Path) -> None:
    name = 'Zoë "Z" O\'Neil, Jr.'
    report = build_class_report([results_file(name, ANA, file_id=1)], now=NOW)
    learners, _questions, _answers = write_class_csv(report, tmp_path / "odd")
    with learners.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream))[1][0] == name


def test_json_output_has_everything(report: ClassReport) -> None:
    data = json.loads(json.dumps(report_to_json(report)))
    assert {"topics", "learners", "questions", "hardest", "weakest_topics", "answers"} <= set(data)
    q1 = next(q for q in data["questions"] if q["question_id"] == "q1")
    assert q1["facility_pct"] == 60.0
    assert q1["wrong_choices"][0] == {"choice": "C", "picks": 3, "learners": 2}
    assert data["questions_answered"] == 4 and data["min_learners"] == 5
