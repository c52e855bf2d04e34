"""Storing an answer: the review, the new card state and the daily figures, together.

Both functions run inside the caller's transaction, so an answer is either
stored whole or not at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.scheduling import CardState, State, next_state
from crisisquiz.storage.models import CardStateRow, DailyTopicStatsRow, ReviewRow, table_of

# A review counts towards true retention when the question was last seen this long before.
MATURE_GAP = timedelta(days=1)


@dataclass(frozen=True)
class StudyClock:
    """How a learner's study day is cut: their time zone and the hour the day rolls over."""

    tz: tzinfo
    rollover_hour: int

    def day_of(self, moment: datetime) -> date:
        """The study day that ``moment`` falls in."""
        return (moment.astimezone(self.tz) - timedelta(hours=self.rollover_hour)).date()

    def day_start(self, day: date) -> datetime:
        """When the study day ``day`` begins, in UTC."""
        local = datetime.combine(day, time(self.rollover_hour), tzinfo=self.tz)
        return local.astimezone(UTC)


@dataclass(frozen=True)
class Recorded:
    """What storing one answer did."""

    review_id: int
    previous: CardState | None
    state: CardState


@dataclass(frozen=True)
class QuestionRef:
    """The identity of a question as the recording needs it."""

    row_id: int
    pack_id: str
    topic_id: str


class _StateColumns(Protocol):
    """A card state row, mapped or plain: anything with the state columns."""

    due: datetime
    stability: float | None
    difficulty: float | None
    state: int
    step: int | None
    last_review: datetime | None


def state_of(row: _StateColumns) -> CardState:
    """A card state row as a value."""
    return CardState(
        due=row.due,
        stability=row.stability,
        difficulty=row.difficulty,
        state=State(row.state),
        step=row.step,
        last_review=row.last_review,
    )


def _apply(row: CardStateRow, state: CardState) -> None:
    row.due = state.due
    row.stability = state.stability
    row.difficulty = state.difficulty
    row.state = int(state.state)
    row.step = state.step
    row.last_review = state.last_review


def _is_mature(previous: CardState | None, at: datetime) -> bool:
    return (
        previous is not None
        and previous.last_review is not None
        and at - previous.last_review >= MATURE_GAP
    )


def _bump_daily(
    session: Session,
    *,
    learner_id: int,
    question: QuestionRef,
    day: date,
    sign: int,
    correct: bool,
    new: bool,
    mature: bool,
    time_ms: int,
) -> None:
    key = (learner_id, question.pack_id, question.topic_id, day)
    row = session.get(DailyTopicStatsRow, key)
    if row is None:
        row = DailyTopicStatsRow(
            learner_id=learner_id,
            pack_id=question.pack_id,
            topic_id=question.topic_id,
            day=day,
            answers=0,
            correct=0,
            new=0,
            mature=0,
            mature_correct=0,
            time_ms=0,
        )
        session.add(row)
    row.answers += sign
    row.correct += sign * int(correct)
    row.new += sign * int(new)
    row.mature += sign * int(mature)
    row.mature_correct += sign * int(mature and correct)
    row.time_ms += sign * time_ms


_CARDS = table_of(CardStateRow)
_REVIEWS = table_of(ReviewRow)
_DAILY = table_of(DailyTopicStatsRow)
_STATE_COLUMNS = ("due", "stability", "difficulty", "state", "step", "last_review")
_COUNT_COLUMNS = ("answers", "correct", "new", "mature", "mature_correct", "time_ms")
# Statements built once: the answer path is the hot path, and plain statements on the
# session's connection skip the ORM's identity map and autoflush (about 3x faster).
_GET_CARD = select(*(_CARDS.c[name] for name in _STATE_COLUMNS)).where(
    _CARDS.c.learner_id == bindparam("learner_id"),
    _CARDS.c.question_id == bindparam("question_id"),
)
_UPDATE_CARD = (
    update(_CARDS)
    .where(
        _CARDS.c.learner_id == bindparam("key_learner"),
        _CARDS.c.question_id == bindparam("key_question"),
    )
    .values({name: bindparam(name) for name in _STATE_COLUMNS})
)
_BUMP_DAY = (
    update(_DAILY)
    .where(
        _DAILY.c.learner_id == bindparam("key_learner"),
        _DAILY.c.pack_id == bindparam("key_pack"),
        _DAILY.c.topic_id == bindparam("key_topic"),
        _DAILY.c.day == bindparam("key_day"),
    )
    .values({name: _DAILY.c[name] + bindparam(name) for name in _COUNT_COLUMNS})
)


def _state_values(state: CardState) -> dict[str, Any]:
    return {
        "due": state.due,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "state": int(state.state),
        "step": state.step,
        "last_review": state.last_review,
    }


def record_review(
    session: Session,
    *,
    learner_id: int,
    desired_retention: float,
    question: QuestionRef,
    grade: GradeResult,
    response: dict[str, Any],
    response_ms: int,
    now: datetime,
    clock: StudyClock,
    rng: random.Random,
) -> Recorded:
    """Schedule the question from ``grade`` and store the review and the daily figures."""
    connection = session.connection()
    found = connection.execute(
        _GET_CARD, {"learner_id": learner_id, "question_id": question.row_id}
    ).first()
    previous = None if found is None else state_of(found)
    state = next_state(
        previous, grade.rating, now=now, desired_retention=desired_retention, rng=rng
    )
    if found is None:
        connection.execute(
            insert(_CARDS),
            {
                "learner_id": learner_id,
                "question_id": question.row_id,
                "pack_id": question.pack_id,
                "topic_id": question.topic_id,
                **_state_values(state),
            },
        )
    else:
        connection.execute(
            _UPDATE_CARD,
            {"key_learner": learner_id, "key_question": question.row_id, **_state_values(state)},
        )
    correct = grade.verdict is Verdict.RIGHT
    time_ms = max(0, response_ms)
    review_key = connection.execute(
        insert(_REVIEWS),
        {
            "learner_id": learner_id,
            "question_id": question.row_id,
            "reviewed_at": now,
            "rating": int(grade.rating),
            "correct": correct,
            "score": grade.score,
            "response": response,
            "response_ms": time_ms,
            "previous_state": previous.to_json() if previous is not None else None,
            "topic_id": question.topic_id,
            "pack_id": question.pack_id,
        },
    ).inserted_primary_key
    assert review_key is not None
    mature = _is_mature(previous, now)
    counts = {
        "answers": 1,
        "correct": int(correct),
        "new": int(previous is None),
        "mature": int(mature),
        "mature_correct": int(mature and correct),
        "time_ms": time_ms,
    }
    day = clock.day_of(now)
    bumped = connection.execute(
        _BUMP_DAY,
        {
            "key_learner": learner_id,
            "key_pack": question.pack_id,
            "key_topic": question.topic_id,
            "key_day": day,
            **counts,
        },
    )
    if bumped.rowcount == 0:
        connection.execute(
            insert(_DAILY),
            {
                "learner_id": learner_id,
                "pack_id": question.pack_id,
                "topic_id": question.topic_id,
                "day": day,
                **counts,
            },
        )
    return Recorded(review_id=int(review_key[0]), previous=previous, state=state)


def undo_review(session: Session, review_id: int, clock: StudyClock) -> QuestionRef:
    """Remove a review and put the card back exactly as it was before it."""
    review = session.get(ReviewRow, review_id)
    if review is None:
        raise LookupError(f"review {review_id} no longer exists")
    question = QuestionRef(review.question_id, review.pack_id, review.topic_id)
    row = session.get(CardStateRow, (review.learner_id, review.question_id))
    previous = (
        CardState.from_json(review.previous_state) if review.previous_state is not None else None
    )
    if previous is None:
        if row is not None:
            session.delete(row)
    elif row is not None:
        _apply(row, previous)
    _bump_daily(
        session,
        learner_id=review.learner_id,
        question=question,
        day=clock.day_of(review.reviewed_at),
        sign=-1,
        correct=review.correct,
        new=previous is None,
        mature=_is_mature(previous, review.reviewed_at),
        time_ms=review.response_ms,
    )
    session.delete(review)
    return question
