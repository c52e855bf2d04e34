"""What is due: the one definition of "learning", "due now" and "due today".

Home, the topic cards, the study session, Progress and ``crisisquiz stats`` all count
with this module, and the study session fills its queues with the same criteria, so
their figures agree at any moment:

- **learning**: a card in a learning or relearning step that comes back within
  :data:`LEARN_AHEAD` (a session shows those now rather than making the learner wait);
- **due** (reviews due now): any other card whose due time has come;
- **due now** (as Home, the topic cards and Progress say it): learning plus due, that
  is every question a study session started now would review;
- **due today**: due now, plus every card that comes due later in the learner's
  current study day (which ends at their rollover hour).

Only live cards count (their question is still in its pack). A review whose question
is a sibling of one answered this study day (the same ``group`` in the same pack) is
buried until tomorrow, as Anki buries siblings, and counts nowhere; a learning step
is never buried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from crisisquiz.core.card_sql import live_card
from crisisquiz.core.recording import StudyClock
from crisisquiz.core.scheduling import State
from crisisquiz.core.topic_keys import TopicKey, in_topics
from crisisquiz.storage.models import CardStateRow, QuestionRow

# Learning steps due this soon are shown early rather than ending the session (as Anki does).
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class QueueCounts:
    """What a study session started now holds (or what is left in a running one)."""

    learning: int
    due: int
    new: int

    @property
    def due_now(self) -> int:
        """Questions to review now: learning steps and due reviews."""
        return self.learning + self.due

    @property
    def total(self) -> int:
        """Everything left."""
        return self.learning + self.due + self.new


@dataclass(frozen=True)
class DueCount:
    """Reviews of one topic (or of all): learning and due now, and later today."""

    learning: int = 0
    due: int = 0
    later_today: int = 0

    @property
    def due_now(self) -> int:
        """Learning steps and due reviews: what a session started now reviews."""
        return self.learning + self.due

    @property
    def due_today(self) -> int:
        """Due now plus what comes due before the study day ends."""
        return self.due_now + self.later_today

    def __add__(self, other: DueCount) -> DueCount:
        return DueCount(
            self.learning + other.learning,
            self.due + other.due,
            self.later_today + other.later_today,
        )


def answered_since(learner_id: int, since: datetime) -> Select[int]:
    """The questions the learner answered (in study) since ``since``: their card's last
    review is that recent. Read from an index, never from the long reviews table."""
    c = aliased(CardStateRow)
    return select(c.question_id).where(c.learner_id == learner_id, c.last_review >= since)


def groups_answered(learner_id: int, since: datetime) -> Select[str, str | None]:
    """(pack, group) of every grouped question the learner answered in study since ``since``."""
    q = QuestionRow
    return select(q.pack_id, q.sibling_group).where(
        q.id.in_(answered_since(learner_id, since)), q.sibling_group.is_not(None)
    )


def buried(learner_id: int, since: datetime) -> ColumnElement[bool]:
    """The card's question is a sibling of one answered since ``since`` (and not it)."""
    q = aliased(QuestionRow)
    answered = answered_since(learner_id, since)
    siblings = select(q.id).where(
        tuple_(q.pack_id, q.sibling_group).in_(groups_answered(learner_id, since)),
        q.id.not_in(answered),
    )
    return CardStateRow.question_id.in_(siblings)


def day_start(clock: StudyClock, now: datetime) -> datetime:
    """When the learner's current study day began."""
    return clock.day_start(clock.day_of(now))


def is_learning() -> ColumnElement[bool]:
    """The card is in a learning or relearning step."""
    return CardStateRow.state.in_((int(State.Learning), int(State.Relearning)))


def topic_filter(
    topics: Collection[TopicKey], packs: Collection[str] | None = None
) -> list[ColumnElement[bool]]:
    """Cards of these topics only; with no topics, of these packs (None: every pack)."""
    if topics:
        return [in_topics(CardStateRow.pack_id, CardStateRow.topic_id, topics)]
    if packs is not None:
        return [CardStateRow.pack_id.in_(packs)]
    return []


def shown_now(now: datetime) -> ColumnElement[bool]:
    """The card is due now: a learning step back within LEARN_AHEAD, or any card due by now."""
    c = CardStateRow
    return or_(c.due <= now, and_(is_learning(), c.due <= now + LEARN_AHEAD))


def queued_criteria(
    learner_id: int,
    now: datetime,
    topics: Collection[TopicKey],
    packs: Collection[str] | None = None,
) -> list[ColumnElement[bool]]:
    """The learner's live cards that a session started at ``now`` reviews (learning and due).

    ``topics`` empty: every topic of ``packs`` (None: of every pack).

    Narrowed to ``due <= now + LEARN_AHEAD`` first, so SQLite reads a short range of the
    ``(learner, due, ...)`` index.
    """
    c = CardStateRow
    return [
        c.learner_id == learner_id,
        c.due <= now + LEARN_AHEAD,
        shown_now(now),
        live_card(),
        *topic_filter(topics, packs),
    ]


def count_due(
    session: Session,
    learner_id: int,
    *,
    now: datetime,
    clock: StudyClock,
    topics: Collection[TopicKey] = (),
    packs: Collection[str] | None = None,
) -> dict[TopicKey, DueCount]:
    """Learning, due now and later today per (pack, topic) for a learner at ``now``.

    ``topics`` empty: every topic of ``packs`` (None: of every pack). Topics with
    nothing due today are left out.
    """
    c = CardStateRow
    day_ends = clock.day_start(clock.day_of(now) + timedelta(days=1))
    learning = is_learning()
    current = shown_now(now)
    review = and_(~learning, ~buried(learner_id, day_start(clock, now)))
    cutoff = max(day_ends, now + LEARN_AHEAD)
    rows = session.execute(
        select(
            c.pack_id,
            c.topic_id,
            func.sum(case((and_(current, learning), 1), else_=0)),
            func.sum(case((and_(current, review), 1), else_=0)),
            func.sum(case((and_(~current, c.due < day_ends, or_(learning, review)), 1), else_=0)),
        )
        .where(
            c.learner_id == learner_id,
            c.due < cutoff,
            live_card(),
            *topic_filter(topics, packs),
        )
        .group_by(c.pack_id, c.topic_id)
    )
    counts: dict[TopicKey, DueCount] = defaultdict(DueCount)
    for pack_id, topic_id, learning_n, due_n, later_n in rows:
        counts[(pack_id, topic_id)] = DueCount(int(learning_n), int(due_n), int(later_n))
    return dict(counts)


def total(counts: dict[TopicKey, DueCount]) -> DueCount:
    """The counts of every topic together."""
    result = DueCount()
    for count in counts.values():
        result = result + count
    return result
