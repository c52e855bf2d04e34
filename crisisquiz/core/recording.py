"""Storing an answer: the review, the new card state and the daily figures, together.

Both functions run inside the caller's transaction, so an answer is either
stored whole or not at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.scheduling import CardState, State, next_state
from crisisquiz.storage.models import CardStateRow, DailyTopicStatsRow, ReviewRow, table_of
from crisisquiz.storage.prepared import DriverCursor, Prepared, prepared_insert

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
    pack_version: str  # the version of the pack the question was shown in


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
_REVIEW_COLUMNS = tuple(column.name for column in _REVIEWS.c if column.name != "id")
# The answer path is the app's hot path: statements compiled once, run on the driver.
_GET_CARD = Prepared(
    select(*(_CARDS.c[name] for name in _STATE_COLUMNS)).where(
        _CARDS.c.learner_id == bindparam("learner_id"),
        _CARDS.c.question_id == bindparam("question_id"),
    )
)


_FIND_ANSWER = Prepared(
    select(_REVIEWS.c.id, _REVIEWS.c.previous_state).where(
        _REVIEWS.c.learner_id == bindparam("learner_id"),
        _REVIEWS.c.answer_key == bindparam("answer_key"),
    )
)
_ADD_CARD = prepared_insert(
    _CARDS, ("learner_id", "question_id", "pack_id", "topic_id", *_STATE_COLUMNS)
)
_UPDATE_CARD = Prepared(
    update(_CARDS)
    .where(
        _CARDS.c.learner_id == bindparam("key_learner"),
        _CARDS.c.question_id == bindparam("key_question"),
    )
    .values({name: bindparam(name) for name in _STATE_COLUMNS})
)
_ADD_REVIEW = prepared_insert(_REVIEWS, _REVIEW_COLUMNS, returning="id")
_BUMP_DAY = Prepared(
    update(_DAILY)
    .where(
        _DAILY.c.learner_id == bindparam("key_learner"),
        _DAILY.c.pack_id == bindparam("key_pack"),
        _DAILY.c.topic_id == bindparam("key_topic"),
        _DAILY.c.day == bindparam("key_day"),
    )
    .values({name: _DAILY.c[name] + bindparam(name) for name in _COUNT_COLUMNS})
)
_ADD_DAY = prepared_insert(_DAILY, ("learner_id", "pack_id", "topic_id", "day", *_COUNT_COLUMNS))


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
    cursor: DriverCursor,
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
    answer_key: str | None = None,
    place: Callable[[CardState], CardState] | None = None,
) -> Recorded:
    """Schedule the question from ``grade`` and store the review and the daily figures.

    ``cursor`` is a driver cursor inside the caller's write transaction (see
    :func:`~crisisquiz.storage.prepared.write_transaction` and
    :func:`~crisisquiz.storage.prepared.session_cursor`). ``answer_key`` names this
    answer: when a review with that key is already stored (the answer was sent
    again after a lost connection), nothing is written and that review is returned.
    ``place`` moves the new due date where an exam plan wants the next review
    (see :class:`~crisisquiz.core.exams.ExamWindow`).
    """
    card_key = {"learner_id": learner_id, "question_id": question.row_id}
    if answer_key is not None:
        stored = _FIND_ANSWER.first(cursor, {"learner_id": learner_id, "answer_key": answer_key})
        if stored is not None:
            review_id, previous_json = stored
            current = _GET_CARD.first(cursor, card_key)
            assert current is not None  # the review's card cannot be gone while it stays
            return Recorded(
                review_id=review_id,
                previous=None if previous_json is None else CardState.from_json(previous_json),
                state=_state_from_tuple(current),
            )
    found = _GET_CARD.first(cursor, card_key)
    previous = None if found is None else _state_from_tuple(found)
    state = next_state(
        previous, grade.rating, now=now, desired_retention=desired_retention, rng=rng
    )
    if place is not None:
        state = place(state)
    if found is None:
        _ADD_CARD.run(
            cursor,
            {
                "learner_id": learner_id,
                "question_id": question.row_id,
                "pack_id": question.pack_id,
                "topic_id": question.topic_id,
                **_state_values(state),
            },
        )
    else:
        _UPDATE_CARD.run(
            cursor,
            {"key_learner": learner_id, "key_question": question.row_id, **_state_values(state)},
        )
    correct = grade.verdict is Verdict.RIGHT
    time_ms = max(0, response_ms)
    review_id = _ADD_REVIEW.returned(
        cursor,
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
            "answer_key": answer_key,
            "pack_version": question.pack_version,
        },
    )
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
    bumped = _BUMP_DAY.run(
        cursor,
        {
            "key_learner": learner_id,
            "key_pack": question.pack_id,
            "key_topic": question.topic_id,
            "key_day": day,
            **counts,
        },
    )
    if bumped.rowcount == 0:
        _ADD_DAY.run(
            cursor,
            {
                "learner_id": learner_id,
                "pack_id": question.pack_id,
                "topic_id": question.topic_id,
                "day": day,
                **counts,
            },
        )
    return Recorded(review_id=review_id, previous=previous, state=state)


def card_state(cursor: DriverCursor, learner_id: int, question_id: int) -> CardState | None:
    """The learner's stored state of a question, or None when they have never answered it."""
    found = _GET_CARD.first(cursor, {"learner_id": learner_id, "question_id": question_id})
    return None if found is None else _state_from_tuple(found)


def _state_from_tuple(values: tuple[Any, ...]) -> CardState:
    due, stability, difficulty, state, step, last_review = values
    return CardState(
        due=due,
        stability=stability,
        difficulty=difficulty,
        state=State(state),
        step=step,
        last_review=last_review,
    )


def undo_review(session: Session, review_id: int, clock: StudyClock) -> QuestionRef:
    """Remove a review and put the card back exactly as it was before it."""
    review = session.get(ReviewRow, review_id)
    if review is None:
        raise LookupError(f"review {review_id} no longer exists")
    question = QuestionRef(review.question_id, review.pack_id, review.topic_id, review.pack_version)
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
