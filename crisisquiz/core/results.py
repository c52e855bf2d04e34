"""A learner's results file: what a teacher gathers from each learner for a class report.

The file is versioned JSON (``"format": "crisisquiz-results"``, ``"version": 2``)
holding who the learner is (their name and the random id their profile was given,
which tells two learners of one name apart), the packs and questions they have,
every answer they gave (study and quiz) and their per-topic figures. Questions
are named by (pack id, question id), never by database row, so files from
different installations and pack versions fit together. Reading checks
everything before returning anything: a file is taken whole or refused with a
message naming it and the problem.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from crisisquiz import __version__
from crisisquiz.core.learners import LearnerError
from crisisquiz.core.pack_schema import (
    SEMVER_PATTERN,
    Cloze,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.safe_archive import UnsafeArchiveError, read_regular_file
from crisisquiz.core.stats import Figures, LearnerStats, StatsService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    LearnerRow,
    PackRow,
    QuestionRow,
    QuizAnswerRow,
    QuizAttemptRow,
    ReviewRow,
    TopicRow,
)

RESULTS_FORMAT = "crisisquiz-results"
RESULTS_VERSION = 2
MAX_PROBLEMS_SHOWN = 20
# A results file comes from a learner's computer; its sizes are fixed in advance so no
# file (a mistake or a prank) can stall or exhaust a teacher's report. A learner with
# 100,000 answers writes about 25 MB; the README's "Limits" lists the same numbers.
MAX_RESULTS_BYTES = 64 * 1024 * 1024
MAX_RESULTS_NESTING = 12  # the format nests 5 deep (answers, response, lists)
MAX_NUMBER_DIGITS = 20  # any count or id fits; a number of thousands of digits is refused
MAX_STRING = 20_000  # characters in any one text of the file
MAX_TITLE = 1_000
MAX_PROMPT = 10_000
MAX_CHOICES = 100

Ratio = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE)]
Prompt = Annotated[str, StringConstraints(max_length=MAX_PROMPT)]
Choices = Annotated[
    tuple[Annotated[str, StringConstraints(max_length=MAX_PROMPT)], ...],
    Field(max_length=MAX_CHOICES),
]


class ResultsError(Exception):
    """A results file that cannot be read or written; the message names the file."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResultsTopic(_Model):
    """A topic of a pack, in pack order."""

    id: Name
    title: Title


class ResultsPack(_Model):
    """A pack at the version the learner had."""

    id: Name
    version: Annotated[str, StringConstraints(pattern=SEMVER_PATTERN)]
    title: Title
    topics: tuple[ResultsTopic, ...]


class ResultsQuestion(_Model):
    """A question with the part of its answer key a teacher's item analysis needs."""

    pack_id: Name
    question_id: Name
    topic_id: Name
    type: QuestionType
    prompt: Prompt = ""
    retired: bool = False  # no longer in the pack; listed because it was answered
    # For multiple_choice and multi_select: every choice and the right one(s).
    choices: Choices = ()
    correct_choices: Choices = ()
    # For the other types: the answer fields of the pack format (answer, items, pairs...).
    key: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _choices_fit(self) -> ResultsQuestion:
        if self.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTI_SELECT):
            if not self.choices or not self.correct_choices:
                raise ValueError(f"a {self.type.value} question needs choices and correct_choices")
            if not set(self.correct_choices) <= set(self.choices):
                raise ValueError("correct_choices must be among the choices")
            if self.type is QuestionType.MULTIPLE_CHOICE and len(self.correct_choices) != 1:
                raise ValueError("a multiple_choice question has exactly one correct choice")
        return self


class ResultsAnswer(_Model):
    """One answer: in study (``kind`` "study") or in a quiz ("quiz")."""

    pack_id: Name
    question_id: Name
    topic_id: Name  # the question's topic when it was answered
    time: AwareDatetime
    correct: bool
    score: Ratio
    response: dict[str, Any]
    response_ms: Count
    kind: Literal["study", "quiz"]


class SummaryFigures(_Model):
    """:class:`crisisquiz.core.stats.Figures` as stored in the file."""

    total: Count
    seen: Count
    coverage: Ratio
    answers: Count
    correct: Count
    accuracy: Ratio | None
    answers_30d: Count
    correct_30d: Count
    accuracy_30d: Ratio | None
    mastery: Ratio
    due_now: Count
    due_7d: Count
    mature: Count
    mature_correct: Count
    true_retention: Ratio | None
    reviews_per_day_30d: Annotated[float, Field(ge=0.0)]
    time_ms: Count


class SummaryTopic(SummaryFigures):
    """One topic's figures."""

    pack_id: Name
    topic_id: Name
    title: str


class SummaryQuiz(_Model):
    """A finished quiz."""

    finished_at: AwareDatetime
    score: Ratio | None
    topics: tuple[str, ...]


class ResultsSummary(_Model):
    """The learner's per-topic figures when the file was written."""

    topics: tuple[SummaryTopic, ...]
    overall: SummaryFigures
    quizzes: tuple[SummaryQuiz, ...]


class ResultsData(_Model):
    """The whole content of a results file, version 2."""

    format: Literal["crisisquiz-results"]
    version: Literal[2]
    file_id: UUID
    learner: Name
    learner_id: UUID  # the learner profile's random id: the same person in every file
    exported_at: AwareDatetime
    app_version: str
    packs: tuple[ResultsPack, ...]
    questions: tuple[ResultsQuestion, ...]
    answers: tuple[ResultsAnswer, ...]
    summary: ResultsSummary


@dataclass(frozen=True)
class ResultsFile:
    """A validated results file and where it came from (for messages)."""

    source: str
    data: ResultsData

    @property
    def file_id(self) -> UUID:
        """The id written when the file was exported; the same file read twice has the same id."""
        return self.data.file_id

    @property
    def learner(self) -> str:
        """The learner's name."""
        return self.data.learner

    @property
    def learner_id(self) -> UUID:
        """The learner's random id: two files with the same one are the same person."""
        return self.data.learner_id


# ---------------------------------------------------------------------------- export


def export_results(
    database: Database,
    learner_id: int,
    *,
    now: datetime,
    file_id: UUID | str,
    tz: tzinfo = UTC,
) -> dict[str, Any]:
    """The results of one learner as a results-file dictionary (JSON-ready).

    ``file_id`` is a fresh UUID chosen by the caller; ``tz`` sets the learner's
    study days for the 30-day figures in the summary.
    """
    stats = StatsService(database).learner_topic_stats(learner_id, now=now, tz=tz)
    with database.sessions() as session:
        learner = session.get(LearnerRow, learner_id)
        if learner is None:
            raise LearnerError(f"no learner with id {learner_id}")
        answers, answered_rows = _answers(session, learner_id)
        packs = _packs(session)
        questions = _questions(session, answered_rows)
    return {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "file_id": str(UUID(str(file_id))),
        "learner": learner.name,
        "learner_id": str(learner.uid),
        "exported_at": _iso(now),
        "app_version": __version__,
        "packs": packs,
        "questions": questions,
        "answers": answers,
        "summary": _summary(stats),
    }


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _packs(session: Session) -> list[dict[str, Any]]:
    topics: dict[str, list[dict[str, str]]] = {}
    for pack_id, topic_id, title in session.execute(
        select(TopicRow.pack_id, TopicRow.topic_id, TopicRow.title).order_by(
            TopicRow.pack_id, TopicRow.position
        )
    ):
        topics.setdefault(pack_id, []).append({"id": topic_id, "title": title})
    return [
        {"id": p.id, "version": p.version, "title": p.title, "topics": topics.get(p.id, [])}
        for p in session.scalars(select(PackRow).order_by(PackRow.title, PackRow.id))
    ]


def _answers(session: Session, learner_id: int) -> tuple[list[dict[str, Any]], set[int]]:
    r, q, a, qa = ReviewRow, QuestionRow, QuizAttemptRow, QuizAnswerRow
    rows: list[tuple[datetime, int, dict[str, Any]]] = []
    answered: set[int] = set()
    study = session.execute(
        select(
            r.pack_id,
            q.question_id,
            r.topic_id,
            r.reviewed_at,
            r.correct,
            r.score,
            r.response,
            r.response_ms,
            r.question_id,
        )
        .join(q, q.id == r.question_id)
        .where(r.learner_id == learner_id)
    )
    quiz = session.execute(
        select(
            q.pack_id,
            q.question_id,
            qa.topic_id,
            qa.answered_at,
            qa.correct,
            qa.score,
            qa.response,
            qa.response_ms,
            qa.question_id,
        )
        .join(a, a.id == qa.attempt_id)
        .join(q, q.id == qa.question_id)
        .where(a.learner_id == learner_id)
    )
    for kind, result in (("study", study), ("quiz", quiz)):
        for pack_id, question_id, topic_id, when, correct, score, response, ms, row_id in result:
            answered.add(row_id)
            entry = {
                "pack_id": pack_id,
                "question_id": question_id,
                "topic_id": topic_id,
                "time": _iso(when),
                "correct": bool(correct),
                "score": float(score),
                "response": response,
                "response_ms": int(ms),
                "kind": kind,
            }
            rows.append((when, len(rows), entry))
    rows.sort(key=lambda item: (item[0], item[1]))
    return [entry for _when, _order, entry in rows], answered


def _questions(session: Session, answered: set[int]) -> list[dict[str, Any]]:
    # Every live question (so the teacher sees what was never answered) and the
    # retired ones this learner answered (so every answer names a listed question).
    q = QuestionRow
    listed = []
    rows = session.execute(
        select(q.id, q.pack_id, q.question_id, q.topic_id, q.retired, q.body).order_by(
            q.pack_id, q.position, q.id
        )
    )
    for row_id, pack_id, question_id, topic_id, retired, body in rows:
        if retired and row_id not in answered:
            continue
        question = question_from_body(body)
        entry: dict[str, Any] = {
            "pack_id": pack_id,
            "question_id": question_id,
            "topic_id": topic_id,
            "type": question.type.value,
            "prompt": question.display_prompt,
            "retired": bool(retired),
        }
        entry.update(answer_key(question))
        listed.append(entry)
    return listed


def answer_key(question: Question) -> dict[str, Any]:
    """What a results file keeps of a question's answer: enough to analyse wrong answers."""
    if isinstance(question, MultipleChoice):
        return {"choices": list(question.choices), "correct_choices": [question.answer]}
    if isinstance(question, MultiSelect):
        return {"choices": list(question.choices), "correct_choices": list(question.answers)}
    key: dict[str, Any]
    if isinstance(question, TrueFalse):
        key = {"answer": question.answer}
    elif isinstance(question, ShortAnswer):
        key = {"answer": question.answer, "accept": list(question.accept)}
    elif isinstance(question, Cloze):
        key = {"blanks": list(question.blanks)}
    elif isinstance(question, Ordering):
        key = {"items": list(question.items)}
    elif isinstance(question, Matching):
        key = {"pairs": [list(pair) for pair in question.pairs]}
        if question.extra:
            key["extra"] = list(question.extra)
    elif isinstance(question, Year | Number):
        key = {"answer": question.answer, "tolerance": question.tolerance}
    else:  # a flashcard: the learner grades themself, there is nothing to analyse
        key = {}
    return {"key": key}


def _summary(stats: LearnerStats) -> dict[str, Any]:
    def figures(values: Figures) -> dict[str, Any]:
        # The file keeps its own set of figures: later additions to Figures stay out of it.
        every = asdict(values)
        return {name: every[name] for name in SummaryFigures.model_fields}

    return {
        "topics": [
            {"pack_id": t.pack_id, "topic_id": t.topic_id, "title": t.title, **figures(t.figures)}
            for t in stats.topics
        ],
        "overall": figures(stats.overall),
        "quizzes": [
            {"finished_at": _iso(q.finished_at), "score": q.score, "topics": list(q.topics)}
            for q in stats.quizzes
        ],
    }


def write_results(data: Mapping[str, Any], path: Path) -> ResultsFile:
    """Check ``data`` as a reader would, then write it to ``path`` (whole or not at all)."""
    checked = parse_results(data, source=str(path))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed over it, so a full disk or a crash
        # never leaves half a file where the teacher expects a whole one.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ResultsError(f"cannot write {path}: {exc.strerror or exc}") from None
    return checked


# ---------------------------------------------------------------------------- reading


def load_results(path: Path) -> ResultsFile:
    """Read and check the results file at ``path``; :class:`ResultsError` names what is wrong.

    Only a regular file of at most :data:`MAX_RESULTS_BYTES` is read (a FIFO or a device
    is refused, never waited on); JSON nested deeper than the format, numbers of more
    than :data:`MAX_NUMBER_DIGITS` digits and NaN or Infinity are refused in words.
    """
    try:
        raw = read_regular_file(path, max_bytes=MAX_RESULTS_BYTES)
    except UnsafeArchiveError as exc:
        raise ResultsError(f"{path}: cannot read the file: {exc}") from None
    try:
        data = json.loads(
            raw.decode("utf-8-sig"), parse_int=_bounded_int, parse_constant=_no_constant
        )
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not a results file (it is not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(
            f"{path}: not a results file (not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno})"
        ) from None
    except RecursionError:
        raise ResultsError(_too_deep(str(path))) from None
    except _RefusedValue as exc:
        raise ResultsError(f"{path}: not a results file ({exc})") from None
    return parse_results(data, source=str(path))


class _RefusedValue(ValueError):
    """A JSON value no results file holds."""


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _RefusedValue(f"it holds a number of {len(text):,} digits")
    return int(text)


def _no_constant(name: str) -> float:
    raise _RefusedValue(f"it holds {name}, which is not a number a results file has")


def _too_deep(source: str) -> str:
    return (
        f"{source}: not a results file (its lists and tables are nested more than "
        f"{MAX_RESULTS_NESTING} levels deep)"
    )


def _shape_problem(data: object, source: str) -> str | None:
    """Whether decoded JSON nests too deeply or holds too long a text; walked without recursion."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_RESULTS_NESTING:
            return _too_deep(source)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
            stack.extend((key, depth + 1) for key in value)
        elif isinstance(value, list | tuple):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and len(value) > MAX_STRING:
            return (
                f"{source}: not a valid results file (it holds a text of {len(value):,} "
                f"characters; at most {MAX_STRING:,} are allowed)"
            )
        elif isinstance(value, int) and value.bit_length() > 3.33 * MAX_NUMBER_DIGITS:
            return f"{source}: not a results file (it holds a number of too many digits)"
    return None


def parse_results(data: object, *, source: str) -> ResultsFile:
    """Check already-decoded JSON as a results file; ``source`` names it in messages."""
    problem = _shape_problem(data, source)
    if problem is not None:
        raise ResultsError(problem)
    if not isinstance(data, dict) or data.get("format") != RESULTS_FORMAT:
        raise ResultsError(
            f"{source}: not a crisisquiz results file (it has no "
            f'"format": "{RESULTS_FORMAT}"; export one with \'crisisquiz results export\')'
        )
    version = data.get("version")
    if version != RESULTS_VERSION or isinstance(version, bool):
        if isinstance(version, int) and not isinstance(version, bool) and version > RESULTS_VERSION:
            hint = "it was written by a newer crisisquiz; update crisisquiz to read it"
        elif version == 1:
            hint = (
                "it was written by an older crisisquiz, whose files do not say which learner "
                "profile they come from; ask the learner to export their results again"
            )
        else:
            hint = "the version is unknown"
        raise ResultsError(
            f"{source}: results file version {version!r} is not supported "
            f"(this crisisquiz reads version {RESULTS_VERSION}; {hint})"
        )
    try:
        parsed = ResultsData.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error) for error in exc.errors()]
        raise ResultsError(_problems(source, problems)) from None
    problems = _inconsistencies(parsed)
    if problems:
        raise ResultsError(_problems(source, problems))
    return ResultsFile(source=source, data=parsed)


def _describe(error: Mapping[str, Any]) -> str:
    location = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
    ).lstrip(".")
    return f"{location or 'file'}: {error['msg']}"


def _problems(source: str, problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    lines = [f"{source}: not a valid results file ({len(problems)} problem(s)):"]
    lines += [f"  - {problem}" for problem in shown]
    if more:
        lines.append(f"  ... and {more} more")
    return "\n".join(lines)


def _inconsistencies(data: ResultsData) -> list[str]:
    """Relations between the tables: each one broken is listed."""
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
    problems += [
        f"questions[{i}] ({q.pack_id}/{q.question_id}) names pack {q.pack_id!r}, "
        "which is not listed in packs"
        for i, q in enumerate(data.questions)
        if q.pack_id not in pack_ids
    ]
    unknown = [
        f"answers[{i}] names question {a.pack_id}/{a.question_id}, which is not listed in questions"
        for i, a in enumerate(data.answers)
        if (a.pack_id, a.question_id) not in keys
    ]
    problems += unknown
    # The summary's answer counts come from the learner's daily figures; the answers
    # listed must add up to them, so a cut or edited file shows itself here.
    study = Counter((a.pack_id, a.topic_id) for a in data.answers if a.kind == "study")
    for topic in data.summary.topics:
        listed = study.get((topic.pack_id, topic.topic_id), 0)
        if listed != topic.answers:
            problems.append(
                f"summary for topic {topic.pack_id}/{topic.topic_id} counts {topic.answers} "
                f"study answers but the file lists {listed}"
            )
        if topic.pack_id not in pack_ids:
            problems.append(
                f"summary names topic {topic.pack_id}/{topic.topic_id} of a pack not listed"
            )
    return problems


__all__ = [
    "RESULTS_FORMAT",
    "RESULTS_VERSION",
    "ResultsAnswer",
    "ResultsData",
    "ResultsError",
    "ResultsFile",
    "ResultsPack",
    "ResultsQuestion",
    "ResultsSummary",
    "ResultsTopic",
    "SummaryFigures",
    "SummaryQuiz",
    "SummaryTopic",
    "answer_key",
    "export_results",
    "load_results",
    "parse_results",
    "write_results",
]
