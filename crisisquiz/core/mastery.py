"""Mastery: the one definition Home, Progress, the figures and the class report share.

Mastery of a topic is the mean, over the topic's questions, of the chance the
spaced-repetition model (FSRS) predicts of recalling each one **a week after the
moment the figure is worked out** (or on the learner's exam date, when one is set
and still ahead). A question never answered counts 0.

- Looking a week ahead keeps the figure from being inflated by having just
  answered: right after a session every question answered is at 100 % "now", but a
  question answered right once is predicted at about 81 % a week later, and one
  missed at about 58 %.
- A question studied is read from its study schedule. A question never studied but
  answered in quizzes counts too: its quiz answers are played through the same
  model, as if they had been reviews (without changing the study schedule).

:func:`replay` rebuilds a question's memory from its answers alone, so the figure can
be checked against, and worked out from, a results file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating

from crisisquiz.core.scheduling import retrievability, scheduler_for

# How far ahead mastery looks when the learner has no exam date.
MASTERY_HORIZON = timedelta(days=7)

# Words for tooltips and reports, so every screen explains the figure the same way.
MASTERY_SHORT = "how much of the topic you are predicted to recall a week from now"
MASTERY_EXPLAINED = (
    "Mastery: the share of the topic's questions you are predicted to still recall a week "
    "from now (or on your exam date), by the spaced-repetition model. Questions never "
    "answered count 0; questions answered only in quizzes count too."
)
MASTERY_FOR_TEACHERS = (
    "Mastery: the share of the topic's questions the learner is predicted to still recall "
    "a week after the report's date, by the spaced-repetition model; questions never "
    "answered count 0, questions answered only in quizzes count too."
)

# Stability and difficulty do not depend on the retention aimed at (only the next due
# date does), so any value replays a history exactly.
_ANY_RETENTION = 0.9


@dataclass(frozen=True)
class Memory:
    """What the model knows of one question for one learner: enough to predict recall."""

    stability: float | None
    last_review: datetime | None


def mastery_moment(now: datetime, exam: datetime | None = None) -> datetime:
    """When mastery predicts recall: the exam if it is still ahead, else a week from ``now``."""
    if exam is not None and exam > now:
        return exam
    return now + MASTERY_HORIZON


def recall_at(memory: Memory | None, moment: datetime) -> float:
    """The predicted chance of recalling the question at ``moment`` (0 if never answered)."""
    if memory is None:
        return 0.0
    return retrievability(memory.stability, memory.last_review, moment)


def replay(answers: Iterable[tuple[datetime, Rating | int]]) -> Memory | None:
    """The memory a sequence of (time, rating) answers leaves, in the order given.

    The same FSRS steps the study schedule took (:func:`~crisisquiz.core.scheduling.
    next_state` without its due-date fuzz, which is not kept), so for study answers
    the result is the card's own stability and last review.
    """
    scheduler = scheduler_for(_ANY_RETENTION)
    card: Card | None = None
    for at, rating in answers:
        moment = at.astimezone(UTC)
        if card is None:
            card = Card(card_id=0, due=moment)
        card, _log = scheduler.review_card(card, Rating(int(rating)), review_datetime=moment)
    if card is None:
        return None
    return Memory(card.stability, card.last_review)


__all__ = [
    "MASTERY_EXPLAINED",
    "MASTERY_FOR_TEACHERS",
    "MASTERY_HORIZON",
    "MASTERY_SHORT",
    "Memory",
    "mastery_moment",
    "recall_at",
    "replay",
]
