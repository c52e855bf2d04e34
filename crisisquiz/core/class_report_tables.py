"""The class report in words and tables: what the terminal, the screen, the CSV files and
the PDF show, from one place so that they cannot disagree.

Figures are rounded once here: percentages to whole numbers for people, to one
decimal for spreadsheets. Counts say what they count: questions answered in the
period, of the questions in the packs reported on.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from crisisquiz.core.class_report import (
    AnswerRecord,
    ClassReport,
    LearnerResult,
    MergedLearner,
    QuestionKey,
    QuestionReport,
    ReportTopic,
    TopicCell,
)
from crisisquiz.core.stats import jsonable
from crisisquiz.core.words import percent, plural

TOO_FEW = "too few answers"


def _number(value: float | None, *, ratio: bool = True) -> str:
    # Spreadsheets get plain numbers with a dot, one decimal, and an empty cell for none.
    if value is None:
        return ""
    return f"{value * 100 if ratio else value:.1f}"


def local_time(moment: datetime, tz: tzinfo) -> str:
    """A moment as the teacher reads it: local date and time to the minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def scope_line(report: ClassReport, tz: tzinfo) -> str:
    """What the report covers, in one line: learners, questions, topics, the period."""
    parts = [
        plural(len(report.learners), "learner"),
        f"{report.questions_answered} of {plural(report.questions_in_packs, 'question')} "
        "in the packs answered",
        plural(len(report.topics), "topic"),
    ]
    if report.since is not None:
        parts.append(f"answers since {local_time(report.since, tz)}")
    if report.pack_id is not None:
        parts.append(f"pack {report.pack_id}")
    return ", ".join(parts)


def item_figure(question: QuestionReport, value: float | None) -> str:
    """Facility or discrimination for people: a percentage, "-", or "too few answers"."""
    if not question.enough_learners:
        return TOO_FEW
    return percent(value, ratio=False)


def merge_note(merged: MergedLearner) -> str:
    """What was merged for one learner and why, in a sentence."""
    sources = ", ".join(merged.sources)
    repeated = (
        f"; {plural(merged.repeated, 'answer')} found in more than one of them counted once"
        if merged.repeated
        else ""
    )
    return (
        f"{merged.name}: {len(merged.sources)} results of the same learner (id "
        f"{merged.learner_id[:8]}) taken together ({sources}): "
        f"{plural(merged.answers, 'answer')}{repeated}"
    )


def wrong_choice_text(question: QuestionReport) -> str:
    """The wrong choices picked and how often, most picked first, then those never picked."""
    picked = [
        f"{c.choice}: {c.picks} ({plural(c.learners, 'learner')})"
        for c in question.wrong_choices
        if c.picks
    ]
    never = [c.choice for c in question.wrong_choices if not c.picks]
    if never and question.learners:
        picked.append("never picked: " + ", ".join(never))
    return "; ".join(picked)


def wrong_typed_text(question: QuestionReport, limit: int = 5) -> str:
    """The commonest wrong typed answers: "Brezhnev x3 (2 learners); blank 2: Havana x1"."""
    parts = []
    for typed in question.wrong_typed[:limit]:
        blank = f"blank {typed.blank + 1}: " if typed.blank is not None else ""
        parts.append(f"{blank}{typed.text} x{typed.count} ({plural(typed.learners, 'learner')})")
    more = len(question.wrong_typed) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


# ---------------------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class WeakQuestion:
    """A question one learner finds hard: their latest score on it and wrong answers."""

    question: QuestionReport
    latest_score: float
    answers: int
    wrong: int


@dataclass(frozen=True)
class LearnerDetail:
    """One learner: every answer in the period, weakest questions and weakest topics."""

    learner: LearnerResult
    answers: tuple[AnswerRecord, ...]
    weakest_questions: tuple[WeakQuestion, ...]
    weakest_topics: tuple[tuple[ReportTopic, TopicCell], ...]


@dataclass(frozen=True)
class QuestionDetail:
    """One question: each learner's answers in the period, and the commonest wrong ones."""

    question: QuestionReport
    by_learner: tuple[tuple[LearnerResult, tuple[AnswerRecord, ...]], ...]


def learner_detail(report: ClassReport, index: int, *, weakest: int = 5) -> LearnerDetail:
    """The drill-down for ``report.learners[index]``."""
    learner = report.learners[index]
    answers = tuple(a for a in report.answers if a.learner == index)
    questions = {q.key: q for q in report.questions}
    latest: dict[QuestionKey, AnswerRecord] = {}
    counts: dict[QuestionKey, list[int]] = {}
    for a in answers:
        latest[a.key] = a
        tally = counts.setdefault(a.key, [0, 0])
        tally[0] += 1
        tally[1] += a.verdict == "wrong"
    weak = [
        WeakQuestion(questions[key], a.score, counts[key][0], counts[key][1])
        for key, a in latest.items()
        if key in questions and (a.score < 1 or counts[key][1])
    ]
    weak.sort(key=lambda w: (w.latest_score, -w.wrong, -w.answers, w.question.key))
    started = [
        (topic, cell)
        for topic, cell in zip(report.topics, learner.cells, strict=True)
        if cell.started
    ]
    started.sort(key=lambda pair: (pair[1].mastery, pair[0].title))
    return LearnerDetail(learner, answers, tuple(weak[:weakest]), tuple(started[:weakest]))


def question_detail(report: ClassReport, key: QuestionKey) -> QuestionDetail:
    """The drill-down for one question."""
    question = next(q for q in report.questions if q.key == key)
    by_learner = []
    for index, learner in enumerate(report.learners):
        mine = tuple(a for a in report.answers if a.learner == index and a.key == key)
        if mine:
            by_learner.append((learner, mine))
    return QuestionDetail(question, tuple(by_learner))


# ---------------------------------------------------------------------------- tables


def learner_topic_rows(report: ClassReport) -> list[list[str]]:
    """The learner x topic table as CSV rows, header first."""
    header = [
        "Learner",
        "Learner id",
        "Latest results (UTC)",
        "Questions answered",
        "Answers",
        "Mean score %",
    ]
    for t in report.topics:
        header += [f"{t.title} - mastery %", f"{t.title} - accuracy %", f"{t.title} - answers"]
    rows = [header]
    for learner in report.learners:
        row = [
            learner.name,
            learner.learner_id,
            learner.exported_at.strftime("%Y-%m-%d %H:%M"),
            str(learner.questions_answered),
            str(learner.answers),
            _number(learner.mean_score),
        ]
        for cell in learner.cells:
            row += [_number(cell.mastery), _number(cell.accuracy), str(cell.answers)]
        rows.append(row)
    return rows


def question_rows(report: ClassReport) -> list[list[str]]:
    """The per-question table as CSV rows, header first."""
    rows = [
        [
            "Pack",
            "Question",
            "Topic",
            "Type",
            "Prompt",
            "Retired",
            "Learners",
            "Answers",
            "Facility %",
            "Discrimination %",
            "Wrong choices picked",
            "Commonest wrong typed answers",
        ]
    ]
    for q in report.questions:
        rows.append(
            [
                q.pack_id,
                q.question_id,
                q.topic_title,
                q.type,
                q.prompt,
                "yes" if q.retired else "no",
                str(q.learners),
                str(q.answers),
                _number(q.facility_pct, ratio=False) if q.enough_learners else TOO_FEW,
                _number(q.discrimination_pct, ratio=False) if q.enough_learners else TOO_FEW,
                wrong_choice_text(q),
                wrong_typed_text(q, limit=10),
            ]
        )
    return rows


def answer_rows(report: ClassReport) -> list[list[str]]:
    """Every answer in the period as CSV rows, header first: the drill-down as a table."""
    prompts = {q.key: (q.topic_title, q.prompt) for q in report.questions}
    rows = [
        [
            "Learner",
            "Learner id",
            "Time (UTC)",
            "Pack",
            "Question",
            "Pack version",
            "Topic",
            "Prompt",
            "In",
            "Answer given",
            "Verdict",
            "Score %",
        ]
    ]
    for a in report.answers:
        learner = report.learners[a.learner]
        topic, prompt = prompts.get(a.key, ("", ""))
        rows.append(
            [
                learner.name,
                learner.learner_id,
                a.time.strftime("%Y-%m-%d %H:%M:%S"),
                a.pack_id,
                a.question_id,
                a.pack_version,
                topic,
                prompt,
                a.kind,
                a.response,
                a.verdict,
                _number(a.score),
            ]
        )
    return rows


def report_to_json(report: ClassReport) -> dict[str, Any]:
    """The whole report as JSON-safe values (percentages as numbers, times in ISO 8601)."""
    data: dict[str, Any] = jsonable(asdict(report))
    data["questions_answered"] = report.questions_answered
    return data


def csv_paths(path: Path) -> tuple[Path, Path, Path]:
    """Where :func:`write_class_csv` writes: NAME-learners, NAME-questions, NAME-answers.csv."""
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    return (
        path.with_name(f"{stem}-learners.csv"),
        path.with_name(f"{stem}-questions.csv"),
        path.with_name(f"{stem}-answers.csv"),
    )


def write_class_csv(report: ClassReport, path: Path) -> tuple[Path, Path, Path]:
    """Write the three tables as CSV files beside ``path``; returns their paths.

    Separate files rather than sections in one: each is a plain rectangle that Excel
    and LibreOffice can sort, filter and pivot (the answers file is the drill-down:
    filter it by learner or by question). UTF-8 with a byte-order mark (so Excel
    reads accents right), CRLF line ends, quoted where needed.
    """
    paths = csv_paths(path)
    tables: Sequence[list[list[str]]] = (
        learner_topic_rows(report),
        question_rows(report),
        answer_rows(report),
    )
    for target, rows in zip(paths, tables, strict=True):
        with target.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream, dialect="excel", lineterminator="\r\n").writerows(rows)
    return paths


__all__ = [
    "TOO_FEW",
    "LearnerDetail",
    "QuestionDetail",
    "WeakQuestion",
    "answer_rows",
    "csv_paths",
    "item_figure",
    "learner_detail",
    "learner_topic_rows",
    "local_time",
    "merge_note",
    "percent",
    "plural",
    "question_detail",
    "question_rows",
    "report_to_json",
    "scope_line",
    "write_class_csv",
    "wrong_choice_text",
    "wrong_typed_text",
]
