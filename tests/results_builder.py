"""Results files made for tests: each answer graded by the app's own grader and the summary
worked out by the same function the export uses, so every file passes the reader's checks."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from crisisquiz.core.grading import Verdict, grade, response_to_json
from crisisquiz.core.mastery import mastery_moment
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.results import parse_results
from crisisquiz.core.results_check import compute_summary, iso
from crisisquiz.core.results_format import ResultsAnswer, ResultsFile, ResultsQuestion

EXPORTED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PACK = "p"

TOPICS = [{"id": "t1", "title": "Topic one"}, {"id": "t2", "title": "Topic two"}]
BODIES: dict[str, dict[str, Any]] = {
    "q1": {
        "id": "q1",
        "topic": "t1",
        "type": "multiple_choice",
        "prompt": "Who led the USSR?",
        "choices": ["A", "B", "C"],
        "answer": "A",
    },
    "q2": {"id": "q2", "topic": "t1", "type": "true_false", "statement": "True?", "answer": True},
    "q3": {
        "id": "q3",
        "topic": "t2",
        "type": "multi_select",
        "prompt": "Which, with a comma, and a\nnew line?",
        "choices": ["W", "X", "Y", "Z"],
        "answers": ["W", "X"],
    },
    "q4": {
        "id": "q4",
        "topic": "t2",
        "type": "short_answer",
        "prompt": "Who was the Soviet leader?",
        "answer": "Khrushchev",
        "reject": ["Brezhnev"],
    },
}

# (question id, what was answered[, "study" or "quiz"[, pack version]])
Answer = tuple[Any, ...]


def learner_uuid(name: str) -> str:
    """One learner per name unless a test says otherwise."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name.casefold()))


def results_data(
    learner: str,
    answers: Sequence[Answer],
    *,
    file_id: int,
    exported_at: datetime = EXPORTED,
    answered_from: datetime | None = None,
    version: str = "1.0.0",
    bodies: Mapping[str, Mapping[str, Any]] = BODIES,
    older: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None,
    topics: Sequence[Mapping[str, str]] = TOPICS,
    retired: Sequence[str] = (),
    learner_id: str | None = None,
) -> dict[str, Any]:
    """A results file's JSON: answers one minute apart from ``answered_from``.

    ``bodies`` are the questions of ``version``; ``older`` gives a question's text in an
    older version, ``{"q1": ("0.9.0", body)}``: answers to it are given in that version
    unless the answer names its version. ``retired`` names questions only ``older`` has.
    """
    start = answered_from or exported_at - timedelta(days=1)
    older = older or {}
    rows = []
    for i, entry in enumerate(answers):
        qid, value = entry[0], entry[1]
        kind = entry[2] if len(entry) > 2 else "study"
        answered_version = entry[3] if len(entry) > 3 else older.get(qid, (version,))[0]
        body = older[qid][1] if qid in older and older[qid][0] == answered_version else None
        body = body or bodies.get(qid)
        assert body is not None, qid
        question = question_from_body(dict(body))
        result = grade(question, value)
        rows.append(
            {
                "pack_id": PACK,
                "question_id": qid,
                "pack_version": answered_version,
                "topic_id": body["topic"],
                "time": iso(start + timedelta(minutes=i)),
                "kind": kind,
                "response": response_to_json(question, value),
                "correct": result.verdict is Verdict.RIGHT,
                "score": result.score,
                "rating": int(result.rating),
                "response_ms": 1000,
            }
        )
    questions = []
    for qid, body in bodies.items():
        texts = [{"pack_versions": [version], "body": dict(body)}]
        if qid in older:
            texts.insert(0, {"pack_versions": [older[qid][0]], "body": dict(older[qid][1])})
        questions.append(
            {"pack_id": PACK, "question_id": qid, "topic_id": body["topic"], "texts": texts}
        )
    for qid in retired:
        old_version, body = older[qid]
        questions.append(
            {
                "pack_id": PACK,
                "question_id": qid,
                "topic_id": body["topic"],
                "retired": True,
                "texts": [{"pack_versions": [old_version], "body": dict(body)}],
            }
        )
    packs = [{"id": PACK, "version": version, "title": "Pack", "topics": list(topics)}]
    summary = compute_summary(
        [(PACK, [(t["id"], t["title"]) for t in topics])],
        [ResultsQuestion.model_validate(q) for q in questions],
        [ResultsAnswer.model_validate(a) for a in rows],
        mastery_moment(exported_at),
    )
    return {
        "format": "crisisquiz-results",
        "version": 3,
        "file_id": f"00000000-0000-4000-8000-{file_id:012d}",
        "learner": learner,
        "learner_id": learner_id or learner_uuid(learner),
        "exported_at": iso(exported_at),
        "app_version": "0.1.0",
        "packs": packs,
        "questions": questions,
        "answers": rows,
        "summary": summary,
    }


def results_file(
    learner: str, answers: Sequence[Answer], *, source: str | None = None, **options: Any
) -> ResultsFile:
    """A checked results file (see :func:`results_data`)."""
    data = results_data(learner, answers, **options)
    return parse_results(data, source=source or f"{learner.lower()}.json")


# Latest item scores (earlier answers only feed the wrong-answer counts):
#          q1   q2   q3   q4
#   Ana     1    1    1    1    (first answered q1 with B; q4 "Krushchev", a slip: right)
#   Ben     1    0   .5    0    (q3: W only; q4 Brezhnev)
#   Cy      0    1   .5    0    (q1: C, then B; q3: X only; q4 "brezhnev ")
#   Di      0    0    -    0    (q1: C twice; q4 Gromyko)
#   Ed      1    1    0    1    (q3: Y)
ANA = [("q1", "B"), ("q1", "A"), ("q2", True), ("q3", ["W", "X"]), ("q4", "Krushchev")]
BEN = [("q1", "A"), ("q2", False), ("q3", ["W"]), ("q4", "Brezhnev")]
CY = [("q1", "C"), ("q1", "B"), ("q2", True), ("q3", ["X"]), ("q4", "brezhnev ")]
DI = [("q1", "C"), ("q1", "C"), ("q2", False), ("q4", "Gromyko")]
ED = [("q1", "A"), ("q2", True), ("q3", ["Y"]), ("q4", "Khrushchev")]
