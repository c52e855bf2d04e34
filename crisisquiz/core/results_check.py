"""Checking a results file whole: its tables agree, every answer grades as it says, and
the summary is what the answers add up to.

- Each answer's verdict, score and rating are worked out again from the response it
  stores, against the question as the file gives it for the pack version the answer
  was given in. When this computer has had that version of the pack, the answer is
  also graded against the question as installed here, so a file whose answer key
  was edited along with its answers is refused too.
- The summary (answers and right answers per topic, questions seen, mastery) is
  worked out again from the answers, with :func:`compute_summary`, the same function
  that wrote it.

A results file is not signed: someone who rewrites answers, responses and summary
consistently, against the right answer key, makes a file that passes. The checks
catch edits that leave the file at odds with itself or with the installed packs.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from crisisquiz.core.grading import GradeResult, Verdict, grade, response_from_json
from crisisquiz.core.mastery import Memory, recall_at, replay
from crisisquiz.core.pack_schema import Question
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.question_versions import QuestionTexts
from crisisquiz.core.results_format import (
    ResultsAnswer,
    ResultsData,
    ResultsQuestion,
    ResultsSummary,
    SummaryFigures,
)

QuestionKey = tuple[str, str]  # (pack id, question id)
TopicKey = tuple[str, str]  # (pack id, topic id)
TextKey = tuple[str, str, str]  # (pack id, question id, pack version)

# Mastery is summed from powers; another computer's maths library may differ in the
# last digit, which is not an edit.
MASTERY_TOLERANCE = 1e-9


def iso(moment: datetime) -> str:
    """A UTC time as the file writes it."""
    return moment.isoformat().replace("+00:00", "Z")


def question_texts(data: ResultsData) -> dict[TextKey, Question]:
    """Every question text in the file, parsed, by (pack, question, pack version).

    Raises ``ValueError`` naming the first text that is not a valid question.
    """
    texts: dict[TextKey, Question] = {}
    for i, q in enumerate(data.questions):
        for j, text in enumerate(q.texts):
            try:
                question = _parsed(json.dumps(text.body, sort_keys=True))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                raise ValueError(
                    f"questions[{i}].texts[{j}] ({q.pack_id}/{q.question_id}) is not a valid "
                    f"question: {where}: {first['msg']}"
                ) from None
            if question.id != q.question_id:
                raise ValueError(
                    f"questions[{i}].texts[{j}] is question {question.id!r}, not {q.question_id!r}"
                )
            for version in text.pack_versions:
                texts[(q.pack_id, q.question_id, version)] = question
    return texts


@lru_cache(maxsize=8192)
def _parsed(body: str) -> Question:
    # A class's files hold the same texts over and over; each is parsed once.
    return question_from_body(json.loads(body))


def memories(answers: Iterable[ResultsAnswer]) -> dict[QuestionKey, Memory]:
    """Each question's memory from the answers: its study answers, or else its quiz answers.

    Answers are played in time order (equal times in the order given), as the study
    schedule took them.
    """
    study: dict[QuestionKey, list[tuple[datetime, int]]] = defaultdict(list)
    quiz: dict[QuestionKey, list[tuple[datetime, int]]] = defaultdict(list)
    for a in answers:
        target = study if a.kind == "study" else quiz
        target[(a.pack_id, a.question_id)].append((a.time, a.rating))
    found: dict[QuestionKey, Memory] = {}
    for key in study.keys() | quiz.keys():
        given = study.get(key) or quiz[key]
        memory = replay(sorted(given, key=lambda item: item[0]))
        if memory is not None:
            found[key] = memory
    return found


def compute_summary(
    packs: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    questions: Iterable[ResultsQuestion],
    answers: Sequence[ResultsAnswer],
    mastery_at: datetime,
    *,
    memory: Mapping[QuestionKey, Memory] | None = None,
) -> dict[str, Any]:
    """The summary of a results file, worked out from its tables alone.

    ``packs`` lists each pack's id and its (topic id, title) pairs in order. Topics
    named only by answers (a topic an older pack version had) come after their
    pack's own. ``memory``: :func:`memories` of the answers, when already worked out.
    """
    order: list[TopicKey] = []
    titles: dict[TopicKey, str] = {}
    for pack_id, topics in packs:
        for topic_id, title in topics:
            order.append((pack_id, topic_id))
            titles[(pack_id, topic_id)] = title
    counts: dict[TopicKey, dict[str, float]] = defaultdict(_zeros)
    studied = {(a.pack_id, a.question_id) for a in answers if a.kind == "study"}
    if memory is None:
        memory = memories(answers)
    for q in questions:
        if q.retired:
            continue
        key = (q.pack_id, q.question_id)
        figures = counts[(q.pack_id, q.topic_id)]
        figures["questions"] += 1
        figures["seen"] += key in studied
        figures["mastery"] += recall_at(memory.get(key), mastery_at)
    for a in answers:
        figures = counts[(a.pack_id, a.topic_id)]
        figures[f"{a.kind}_answers"] += 1
        figures[f"{a.kind}_correct"] += a.correct
    for key in counts:
        if key not in titles:
            order.append(key)
            titles[key] = key[1]
    overall = _zeros()
    rows = []
    for key in order:
        figures = counts[key]
        for name, value in figures.items():
            overall[name] += value
        rows.append(
            {
                "pack_id": key[0],
                "topic_id": key[1],
                "title": titles[key],
                **_finish(figures),
            }
        )
    return {"mastery_at": iso(mastery_at), "topics": rows, "overall": _finish(overall)}


_COUNTS = ("questions", "seen", "study_answers", "study_correct", "quiz_answers", "quiz_correct")


def _zeros() -> dict[str, float]:
    # Mastery is summed over questions here and divided by their number in _finish.
    return {**dict.fromkeys(_COUNTS, 0), "mastery": 0.0}


def _finish(figures: Mapping[str, float]) -> dict[str, Any]:
    questions = int(figures["questions"])
    result: dict[str, Any] = {name: int(figures[name]) for name in _COUNTS}
    # A sum of chances over their number cannot pass 1 but for the last digit.
    result["mastery"] = min(1.0, figures["mastery"] / questions) if questions else 0.0
    return result


@dataclass(frozen=True)
class Checked:
    """What checking a file found: its problems, and the memories the summary was checked with."""

    problems: list[str]
    memories: dict[QuestionKey, Memory]


def check(
    data: ResultsData, installed: QuestionTexts | None = None, grader: Grader | None = None
) -> Checked:
    """Everything in ``data`` at odds with itself (or with ``installed``), in file order."""
    problems = _relations(data)
    if problems:
        return Checked(problems, {})  # grading needs every answer to name a listed text
    try:
        texts = question_texts(data)
    except ValueError as exc:
        return Checked([str(exc)], {})
    problems += _regraded(data, texts, installed, grader or _GRADER)
    memory = memories(data.answers)
    problems += _summary_problems(data, memory)
    return Checked(problems, memory)


def inconsistencies(data: ResultsData, installed: QuestionTexts | None = None) -> list[str]:
    """The problems :func:`check` finds."""
    return check(data, installed).problems


def _relations(data: ResultsData) -> list[str]:
    problems: list[str] = []
    pack_ids = Counter(p.id for p in data.packs)
    problems += [f"pack {pid!r} is listed {n} times" for pid, n in pack_ids.items() if n > 1]
    for pack in data.packs:
        topic_ids = Counter(t.id for t in pack.topics)
        problems += [
            f"pack {pack.id!r}: topic {tid!r} is listed {n} times"
            for tid, n in topic_ids.items()
            if n > 1
        ]
    keys = Counter((q.pack_id, q.question_id) for q in data.questions)
    problems += [
        f"question {pid}/{qid} is listed {n} times" for (pid, qid), n in keys.items() if n > 1
    ]
    versions: dict[QuestionKey, set[str]] = {}
    for i, q in enumerate(data.questions):
        if q.pack_id not in pack_ids:
            problems.append(
                f"questions[{i}] ({q.pack_id}/{q.question_id}) names pack {q.pack_id!r}, "
                "which is not listed in packs"
            )
        listed = [v for text in q.texts for v in text.pack_versions]
        repeated = sorted(v for v, n in Counter(listed).items() if n > 1)
        if repeated:
            problems.append(
                f"questions[{i}] ({q.pack_id}/{q.question_id}) gives version {repeated[0]} "
                "two texts"
            )
        versions[(q.pack_id, q.question_id)] = set(listed)
    for i, a in enumerate(data.answers):
        known = versions.get((a.pack_id, a.question_id))
        if known is None:
            problems.append(
                f"answers[{i}] names question {a.pack_id}/{a.question_id}, "
                "which is not listed in questions"
            )
        elif a.pack_version not in known:
            problems.append(
                f"answers[{i}] ({a.pack_id}/{a.question_id}) was given in pack version "
                f"{a.pack_version}, for which the file has no text of the question"
            )
    return problems


class Grader:
    """:func:`grade` with each (question text, response) graded once, across files.

    A class's answers repeat a lot (the same choice, the same typed slip) and its
    files share their question texts; grading typed answers is the costly part of
    reading a file.
    """

    def __init__(self, size: int = 65_536) -> None:
        self._size = size
        # Each entry keeps its question, so an id reused by a later object never matches.
        self._done: dict[tuple[int, str], tuple[Question, GradeResult]] = {}

    def grade(self, question: Question, stored: Mapping[str, Any]) -> GradeResult:
        """The grade of the stored response ``stored`` to ``question``."""
        key = (id(question), repr(stored))  # repr: a stored response's order is its own
        found = self._done.get(key)
        if found is not None and found[0] is question:
            return found[1]
        result = grade(question, response_from_json(question, stored))
        if len(self._done) >= self._size:
            self._done.clear()
        self._done[key] = (question, result)
        return result


_GRADER = Grader()


def verdict_words(correct: bool, score: float) -> str:
    """How an answer's grade reads: right, partly right (with its score), wrong."""
    if correct:
        return "right"
    if score > 0:
        return f"partly right ({score:.0%})"
    return "wrong"


def agrees(answer: ResultsAnswer, result: GradeResult) -> bool:
    """Whether an answer's stored verdict, score and rating are what grading gives."""
    return (
        answer.correct == (result.verdict is Verdict.RIGHT)
        and math.isclose(answer.score, result.score, abs_tol=1e-9)
        and answer.rating == int(result.rating)
    )


def _regraded(
    data: ResultsData,
    texts: Mapping[TextKey, Question],
    installed: QuestionTexts | None,
    grader: Grader,
) -> list[str]:
    problems: list[str] = []
    parsed_installed: dict[TextKey, Question | None] = {}
    bodies = {
        (q.pack_id, q.question_id, version): text.body
        for q in data.questions
        for text in q.texts
        for version in text.pack_versions
    }
    for i, a in enumerate(data.answers):
        key = (a.pack_id, a.question_id, a.pack_version)
        question = texts[key]
        where = (
            f"answers[{i}] ({a.pack_id}/{a.question_id}, pack version {a.pack_version}, "
            f"answered {a.time:%Y-%m-%d %H:%M} UTC)"
        )
        said = verdict_words(a.correct, a.score)
        result = grader.grade(question, a.response)
        if not agrees(a, result):
            problems.append(
                f"{where}: the file says {said} (rating {a.rating}), but the response it "
                f"stores grades as {verdict_words(result.verdict is Verdict.RIGHT, result.score)}"
                f" (rating {int(result.rating)}) against the question the file gives"
            )
            continue
        if installed is None or not installed.knows(a.pack_id, a.pack_version):
            continue
        if key not in parsed_installed:
            body = installed.body_at((a.pack_id, a.question_id), a.pack_version)
            # The same text as the file's grades the same: only a different one is graded.
            same = body is None or body == bodies[key]
            parsed_installed[key] = None if body is None or same else question_from_body(body)
        here = parsed_installed[key]
        if here is None:
            continue
        result = grader.grade(here, a.response)
        if not agrees(a, result):
            problems.append(
                f"{where}: the file says {said}, but against version {a.pack_version} of the "
                f"pack as installed on this computer the response is "
                f"{verdict_words(result.verdict is Verdict.RIGHT, result.score)}"
            )
    return problems


def _summary_problems(data: ResultsData, memory: Mapping[QuestionKey, Memory]) -> list[str]:
    packs = [(p.id, [(t.id, t.title) for t in p.topics]) for p in data.packs]
    expected = ResultsSummary.model_validate(
        compute_summary(packs, data.questions, data.answers, data.summary.mastery_at, memory=memory)
    )
    problems: list[str] = []
    stored = {(t.pack_id, t.topic_id): t for t in data.summary.topics}
    worked = {(t.pack_id, t.topic_id): t for t in expected.topics}
    for key in [*stored, *(key for key in worked if key not in stored)]:
        if key not in worked:
            problems.append(f"the summary lists topic {key[0]}/{key[1]}, which no table names")
        elif key not in stored:
            problems.append(f"the summary leaves out topic {key[0]}/{key[1]}")
    named: list[tuple[str, SummaryFigures, SummaryFigures]] = [
        (f"topic {key[0]}/{key[1]}", stored[key], worked[key]) for key in stored if key in worked
    ]
    named.append(("all topics", data.summary.overall, expected.overall))
    for label, have, want in named:
        for name in type(want).model_fields:
            if name in ("pack_id", "topic_id", "title"):
                continue
            got, should = getattr(have, name), getattr(want, name)
            same = (
                math.isclose(got, should, abs_tol=MASTERY_TOLERANCE)
                if name == "mastery"
                else got == should
            )
            if not same:
                problems.append(
                    f"the summary for {label} gives {name.replace('_', ' ')} {got}, "
                    f"but the answers add up to {should}"
                )
    return problems


__all__ = [
    "MASTERY_TOLERANCE",
    "Checked",
    "Grader",
    "agrees",
    "check",
    "compute_summary",
    "inconsistencies",
    "iso",
    "memories",
    "question_texts",
    "verdict_words",
]
