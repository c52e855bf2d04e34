"""A learner's results file: what a teacher gathers from each learner for a class report.

The file is versioned JSON (``"format": "crisisquiz-results"``, ``"version": 3``; the
models are in :mod:`crisisquiz.core.results_format`). It holds who the learner is
(their name and the random id their profile was given, which tells two learners of
one name apart), the packs they have, each question they answered in the text of
every pack version they answered it in, every answer (study and quiz) with the
version it was given in, and a summary per topic. Questions are named by (pack id,
question id), never by database row, so files from different installations and
pack versions fit together.

Reading checks everything before returning anything (see
:mod:`crisisquiz.core.results_check`): a file is taken whole or refused with a
message naming it and the first problems found.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import select

from crisisquiz import __version__
from crisisquiz.core.atomic_files import write_whole
from crisisquiz.core.learners import LearnerError
from crisisquiz.core.mastery import mastery_moment
from crisisquiz.core.question_versions import QuestionTexts
from crisisquiz.core.results_check import check, compute_summary, iso
from crisisquiz.core.results_format import (
    RESULTS_FORMAT,
    RESULTS_VERSION,
    QuestionText,
    ResultsAnswer,
    ResultsData,
    ResultsError,
    ResultsFile,
    ResultsPack,
    ResultsQuestion,
    ResultsSummary,
    ResultsTopic,
    SummaryFigures,
    SummaryTopic,
)
from crisisquiz.core.safe_archive import UnsafeArchiveError, read_regular_file
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

MAX_PROBLEMS_SHOWN = 20
# A results file comes from a learner's computer; its sizes are fixed in advance so no
# file (a mistake or a prank) can stall or exhaust a teacher's report. A learner with
# 100,000 answers writes about 25 MB; the README's "Limits" lists the same numbers.
MAX_RESULTS_BYTES = 64 * 1024 * 1024
MAX_RESULTS_NESTING = 12  # the format nests 5 deep (answers, response, lists)
MAX_NUMBER_DIGITS = 20  # any count or id fits; a number of thousands of digits is refused
MAX_STRING = 20_000  # characters in any one text of the file


# ---------------------------------------------------------------------------- export


def export_results(
    database: Database,
    learner_id: int,
    *,
    now: datetime,
    file_id: UUID | str,
    packs: Collection[str] | None = None,
) -> dict[str, Any]:
    """The results of one learner as a results-file dictionary (JSON-ready).

    ``file_id`` is a fresh UUID chosen by the caller; ``packs`` limits the file to
    some packs (None: every installed pack).
    """
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    with database.sessions() as session:
        learner = session.get(LearnerRow, learner_id)
        if learner is None:
            raise LearnerError(f"no learner with id {learner_id}")
        pack_query = select(PackRow.id, PackRow.version, PackRow.title).order_by(
            PackRow.title, PackRow.id
        )
        if packs is not None:
            pack_query = pack_query.where(PackRow.id.in_(list(packs)))
        pack_rows = session.execute(pack_query).all()
        wanted = [pack_id for pack_id, _version, _title in pack_rows]
        current = {pack_id: version for pack_id, version, _title in pack_rows}
        topics: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pack_id, topic_id, title in session.execute(
            select(TopicRow.pack_id, TopicRow.topic_id, TopicRow.title)
            .where(TopicRow.pack_id.in_(wanted))
            .order_by(TopicRow.pack_id, TopicRow.position)
        ):
            topics[pack_id].append((topic_id, title))
        answers = _answers(session, learner_id, wanted, current)
        listing = session.execute(
            select(
                QuestionRow.pack_id,
                QuestionRow.question_id,
                QuestionRow.topic_id,
                QuestionRow.retired,
            )
            .where(QuestionRow.pack_id.in_(wanted))
            .order_by(QuestionRow.pack_id, QuestionRow.position, QuestionRow.id)
        ).all()
        texts = QuestionTexts.load(session, wanted)
    questions = _questions(listing, answers, texts, current)
    answer_models = [ResultsAnswer.model_validate(a) for a in answers]
    question_models = [ResultsQuestion.model_validate(q) for q in questions]
    pack_topics = [(pack_id, topics[pack_id]) for pack_id in wanted]
    return {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "file_id": str(UUID(str(file_id))),
        "learner": learner.name,
        "learner_id": str(learner.uid),
        "exported_at": iso(now.astimezone(UTC)),
        "app_version": __version__,
        "packs": [
            {
                "id": pack_id,
                "version": version,
                "title": title,
                "topics": [{"id": t, "title": tt} for t, tt in topics[pack_id]],
            }
            for pack_id, version, title in pack_rows
        ],
        "questions": questions,
        "answers": answers,
        "summary": compute_summary(
            pack_topics, question_models, answer_models, mastery_moment(now.astimezone(UTC))
        ),
    }


def _answers(
    session: Any, learner_id: int, packs: list[str], current: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every answer of the learner to the packs' questions, in the order they were given."""
    r, q, a, qa = ReviewRow, QuestionRow, QuizAttemptRow, QuizAnswerRow
    study = session.execute(
        select(
            r.pack_id,
            q.question_id,
            r.pack_version,
            r.topic_id,
            r.reviewed_at,
            r.response,
            r.correct,
            r.score,
            r.rating,
            r.response_ms,
        )
        .join(q, q.id == r.question_id)
        .where(r.learner_id == learner_id, r.pack_id.in_(packs))
        .order_by(r.reviewed_at, r.id)
    )
    quiz = session.execute(
        select(
            qa.pack_id,
            q.question_id,
            qa.pack_version,
            qa.topic_id,
            qa.answered_at,
            qa.response,
            qa.correct,
            qa.score,
            qa.rating,
            qa.response_ms,
        )
        .join(a, a.id == qa.attempt_id)
        .join(q, q.id == qa.question_id)
        .where(a.learner_id == learner_id, qa.pack_id.in_(packs))
        .order_by(qa.answered_at, qa.attempt_id, qa.position)
    )
    rows: list[tuple[datetime, int, dict[str, Any]]] = []
    for kind, result in (("study", study), ("quiz", quiz)):
        for (
            pack_id,
            question_id,
            version,
            topic_id,
            when,
            response,
            correct,
            score,
            rating,
            ms,
        ) in result:
            entry = {
                "pack_id": pack_id,
                "question_id": question_id,
                # Answers stored before versions were recorded have none of their own.
                "pack_version": version or current[pack_id],
                "topic_id": topic_id,
                "time": iso(when),
                "kind": kind,
                "response": response,
                "correct": bool(correct),
                "score": float(score),
                "rating": int(rating),
                "response_ms": int(ms),
            }
            rows.append((when, len(rows), entry))
    rows.sort(key=lambda item: (item[0], item[1]))
    return [entry for _when, _order, entry in rows]


def _questions(
    listing: Any, answers: list[dict[str, Any]], texts: QuestionTexts, current: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every live question in its current text, and each answered one in every text answered.

    Versions whose texts are equal share one entry.
    """
    answered: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a in answers:
        answered[(a["pack_id"], a["question_id"])].add(a["pack_version"])
    listed = []
    for pack_id, question_id, topic_id, retired in listing:
        key = (pack_id, question_id)
        versions = set(answered.get(key, ()))
        if retired and not versions:
            continue
        if not retired:
            versions.add(current[pack_id])
        groups: dict[str, tuple[list[str], dict[str, Any]]] = {}
        for version in sorted(versions):
            body = texts.body_at(key, version)
            assert body is not None  # every listed question has a current text
            same = json.dumps(body, sort_keys=True)
            groups.setdefault(same, ([], body))[0].append(version)
        listed.append(
            {
                "pack_id": pack_id,
                "question_id": question_id,
                "topic_id": topic_id,
                "retired": bool(retired),
                "texts": [
                    {"pack_versions": versions_of, "body": body}
                    for versions_of, body in groups.values()
                ],
            }
        )
    return listed


def write_results(data: Mapping[str, Any], path: Path) -> ResultsFile:
    """Check ``data`` as a reader would, then write it to ``path`` (whole or not at all)."""
    checked = parse_results(data, source=str(path))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Whole or not at all: a full disk or a crash never leaves half a file where
        # the teacher expects a whole one.
        write_whole(path, text.encode("utf-8"))
    except OSError as exc:
        raise ResultsError(f"cannot write {path}: {exc.strerror or exc}") from None
    return checked


# ---------------------------------------------------------------------------- reading


def load_results(path: Path, *, installed: QuestionTexts | None = None) -> ResultsFile:
    """Read and check the results file at ``path``; :class:`ResultsError` names what is wrong.

    ``installed``: the questions of this computer's packs, against which answers given
    in a version installed here are graded too. Only a regular file of at most
    :data:`MAX_RESULTS_BYTES` is read (a FIFO or a device is refused, never waited on);
    JSON nested deeper than the format, numbers of more than :data:`MAX_NUMBER_DIGITS`
    digits and NaN or Infinity are refused in words.
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
    return parse_results(data, source=str(path), installed=installed)


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
    """Whether decoded JSON nests too deeply or holds too long a text; walked without recursion.

    Walked a level at a time (decoded JSON holds dicts, lists, texts and numbers only):
    a class report reads tens of thousands of answers, and a walk pushing a (value,
    depth) pair for every value took half of the time of reading a file.
    """
    level: list[object] = [data]
    depth = 0
    too_many_bits = 3.33 * MAX_NUMBER_DIGITS
    while level:
        if depth > MAX_RESULTS_NESTING:
            return _too_deep(source)
        below: list[object] = []
        texts: list[str] = []
        for value in level:
            if isinstance(value, dict):
                below.extend(value.values())
                texts.extend(value)
            elif isinstance(value, list | tuple):
                below.extend(value)
            elif isinstance(value, str):
                texts.append(value)
            elif isinstance(value, int) and value.bit_length() > too_many_bits:
                return f"{source}: not a results file (it holds a number of too many digits)"
        longest = max(map(len, texts), default=0)
        if longest > MAX_STRING:
            return (
                f"{source}: not a valid results file (it holds a text of {longest:,} "
                f"characters; at most {MAX_STRING:,} are allowed)"
            )
        level = below
        depth += 1
    return None


def parse_results(
    data: object, *, source: str, installed: QuestionTexts | None = None
) -> ResultsFile:
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
        elif version in (1, 2):
            hint = (
                "it was written by an older crisisquiz, whose files cannot be checked "
                "answer by answer; ask the learner to export their results again"
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
    checked = check(parsed, installed)
    if checked.problems:
        raise ResultsError(_problems(source, checked.problems))
    return ResultsFile(source=source, data=parsed, memories=checked.memories)


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


__all__ = [
    "RESULTS_FORMAT",
    "RESULTS_VERSION",
    "QuestionText",
    "ResultsAnswer",
    "ResultsData",
    "ResultsError",
    "ResultsFile",
    "ResultsPack",
    "ResultsQuestion",
    "ResultsSummary",
    "ResultsTopic",
    "SummaryFigures",
    "SummaryTopic",
    "export_results",
    "load_results",
    "parse_results",
    "write_results",
]
