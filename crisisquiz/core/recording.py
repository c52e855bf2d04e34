"""Storing an answer: the review, the new card state and the daily figures, together.

Both functions run inside the caller's transaction, so an answer is either
stored whole or not at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.scheduling import CardState, State, next_state
from crisisquiz.storage.models import CardStateRow, DailyTopicStatsRow, ReviewRow

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


def state_of(row: CardStateRow) -> CardState:
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
    row = session.get(CardStateRow, (learner_id, question.row_id))
    previous = state_of(row) if row is not None else None
    state = next_state(
        previous, grade.rating, now=now, desired_retention=desired_retention, rng=rng
    )
    if row is None:
        row = CardStateRow(
            learner_id=learner_id,
            question_id=question.row_id,
            pack_id=question.pack_id,
            topic_id=question.topic_id,
        )
        session.add(row)
    _apply(row, state)
    correct = grade.verdict is Verdict.RIGHT
    review = ReviewRow(
        learner_id=learner_id,
        question_id=question.row_id,
        reviewed_at=now,
        rating=int(grade.rating),
        correct=correct,
        score=grade.score,
        response=response,
        response_ms=max(0, response_ms),
        previous_state=previous.to_json() if previous is not None else None,
        topic_id=question.topic_id,
        pack_id=question.pack_id,
    )
    session.add(review)
    _bump_daily(
        session,
        learner_id=learner_id,
        question=question,
        day=clock.day_of(now),
        sign=1,
        correct=correct,
        new=previous is None,
        mature=_is_mature(previous, now),
        time_ms=max(0, response_ms),
    )
    session.flush()
    return Recorded(review_id=review.id, previous=previous, state=state)


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
