"""Study sessions: queue order, limits, learning steps, undo, durability."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from engines import reopen
from fsrs import Rating
from sqlalchemy import func, select

from crisisquiz.core.grading import Verdict
from crisisquiz.core.items import ItemKind, StudyItem
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.packs import PackService
from crisisquiz.core.study import StudyService, StudySession
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow, DailyTopicStatsRow, QuestionRow, ReviewRow

# Pack order within topic alpha: fc, mc, sa, cz; within beta: ms, tf, or, mt, yr.
INTERLEAVED = ["fc", "ms", "mc", "tf", "sa", "or", "cz", "mt", "yr"]


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    return LearnerService(database).create("Ana", now=now)


def service(database: Database) -> StudyService:
    return StudyService(database, tz=UTC, rng=random.Random(7))


def right_answer(item: StudyItem) -> object:
    q = item.question
    if isinstance(q, Flashcard):
        return Rating.Good
    if isinstance(q, MultipleChoice | ShortAnswer | Year | TrueFalse):
        return q.answer
    if isinstance(q, MultiSelect):
        return frozenset(q.answers)
    if isinstance(q, Cloze):
        return q.blanks
    if isinstance(q, Ordering):
        return q.items
    if isinstance(q, Matching):
        return dict(q.pairs)
    raise AssertionError(q)


def wrong_answer(item: StudyItem) -> object:
    q = item.question
    if isinstance(q, Flashcard):
        return Rating.Again
    if isinstance(q, TrueFalse):
        return not q.answer
    if isinstance(q, Year):
        return q.answer + 5
    return "no idea"


def drain(study: StudySession, now: datetime, limit: int = 100) -> list[str]:
    """Answer everything right, one second apart; return the question ids in order shown."""
    shown = []
    for _ in range(limit):
        item = study.next_item(now)
        if item is None:
            break
        shown.append(item.question.id)
        study.answer(item, right_answer(item), now=now, response_ms=1000)
        now += timedelta(seconds=1)
    return shown


def test_new_questions_come_in_pack_order_with_topics_interleaved(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = service(database).start(learner.id, now=now)
    assert study.counts(now).new == 9
    first = [study.next_item(now)]
    assert first[0] is not None and first[0].kind is ItemKind.NEW
    assert drain(study, now)[:9] == INTERLEAVED


def test_topic_filter(database: Database, learner: Learner, now: datetime) -> None:
    study = service(database).start(learner.id, now=now, topics=[("test-pack", "beta")])
    assert drain(study, now)[:5] == ["ms", "tf", "or", "mt", "yr"]


def test_daily_new_limit_and_rollover(database: Database, learner: Learner, now: datetime) -> None:
    LearnerService(database).update_settings(learner.id, new_per_day=3)
    first = service(database).start(learner.id, now=now)
    assert first.counts(now).new == 3
    drain(first, now)
    assert service(database).start(learner.id, now=now + timedelta(hours=1)).counts(now).new == 0
    # now is 15:00 UTC; the study day rolls over at 04:00, so 05:00 next day is a new day.
    tomorrow = now.replace(hour=5) + timedelta(days=1)
    assert service(database).start(learner.id, now=tomorrow).counts(tomorrow).new == 3


@pytest.mark.parametrize("sql_math", [True, False], ids=["ranked-in-sqlite", "ranked-in-python"])
def test_due_reviews_come_first_lowest_recall_first(
    database: Database, learner: Learner, now: datetime, sql_math: bool
) -> None:
    with database.transaction() as session:
        ids = dict(session.execute(select(QuestionRow.question_id, QuestionRow.id)).all())
        # Same last review, different stability: the weaker memory has lower recall now.
        for key, stability in (("yr", 30.0), ("mc", 2.0), ("tf", 8.0)):
            session.add(
                CardStateRow(
                    learner_id=learner.id,
                    question_id=ids[key],
                    due=now - timedelta(hours=1),
                    stability=stability,
                    difficulty=5.0,
                    state=2,
                    step=None,
                    last_review=now - timedelta(days=10),
                    pack_id="test-pack",
                    topic_id="alpha",
                )
            )
    study = StudyService(database, tz=UTC, rng=random.Random(7), sql_math=sql_math).start(
        learner.id, now=now
    )
    assert study.counts(now).due == 3
    order = drain(study, now)
    assert order[:3] == ["mc", "tf", "yr"]
    assert set(order[3:]) == set(INTERLEAVED) - {"mc", "tf", "yr"}


def test_failed_card_returns_after_its_step_and_never_twice_in_a_row(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = service(database).start(learner.id, now=now, topics=[("test-pack", "alpha")])
    item = study.next_item(now)
    assert item is not None and item.question.id == "fc"
    outcome = study.answer(item, Rating.Again, now=now, response_ms=500)
    assert outcome.grade.verdict is Verdict.WRONG
    assert outcome.interval(now) <= timedelta(minutes=10)
    shown = drain(study, now + timedelta(seconds=5))
    assert shown[:3] == ["mc", "sa", "cz"]
    assert "fc" in shown[3:]
    assert all(a != b for a, b in pairwise(shown))


def test_only_card_left_is_not_shown_twice_in_a_row(
    database: Database, learner: Learner, now: datetime
) -> None:
    LearnerService(database).update_settings(learner.id, new_per_day=1)
    study = service(database).start(learner.id, now=now)
    item = study.next_item(now)
    assert item is not None
    study.answer(item, wrong_answer(item), now=now, response_ms=100)
    assert study.next_item(now + timedelta(minutes=30)) is None
    assert study.summary(now).still_learning == 1


def test_answer_is_committed_before_the_next_question(
    database: Database, learner: Learner, now: datetime, tmp_path: object
) -> None:
    study = service(database).start(learner.id, now=now)
    item = study.next_item(now)
    assert item is not None
    study.answer(item, right_answer(item), now=now, response_ms=1234)
    other = reopen(database, now)  # a second connection, as after a crash
    with other.sessions() as session:
        review = session.scalars(select(ReviewRow)).one()
        assert (review.correct, review.response_ms, review.previous_state) == (True, 1234, None)
        assert session.scalar(select(func.count()).select_from(CardStateRow)) == 1
        daily = session.scalars(select(DailyTopicStatsRow)).one()
        assert (daily.answers, daily.correct, daily.new) == (1, 1, 1)
    other.close()


def test_undo_restores_the_card_and_removes_the_review(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = service(database).start(learner.id, now=now)
    first = study.next_item(now)
    assert first is not None
    study.answer(first, right_answer(first), now=now, response_ms=800)
    with database.sessions() as session:
        before = session.scalars(select(CardStateRow)).one()
        snapshot = (before.due, before.stability, before.difficulty, before.state, before.step)
    # Review the same card a day later, then undo that review only.
    later = now + timedelta(days=1)
    again = service(database).start(learner.id, now=later)
    nxt = again.next_item(later)
    assert nxt is not None
    assert nxt.question.id == first.question.id
    again.answer(nxt, wrong_answer(nxt), now=later, response_ms=300)
    assert again.can_undo
    shown_again = again.undo()
    assert shown_again is not None and shown_again.question.id == nxt.question.id
    assert again.next_item(later) is not None
    assert again.summary(later).answered == 0
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewRow)) == 1
        state = session.scalars(
            select(CardStateRow).where(CardStateRow.question_id == before.question_id)
        ).one()
        assert (state.due, state.stability, state.difficulty, state.state, state.step) == snapshot
        days = {d.day: (d.answers, d.new) for d in session.scalars(select(DailyTopicStatsRow))}
        assert sum(a for a, _n in days.values()) == 1
    assert again.undo() is None


def test_queue_counts_match_a_started_session(
    database: Database, learner: Learner, now: datetime
) -> None:
    def both(at: datetime, topics: tuple[tuple[str, str], ...] = ()) -> None:
        counted = service(database).queue_counts(learner.id, now=at, topics=topics)
        assert counted == service(database).start(learner.id, now=at, topics=topics).counts(at)

    both(now)
    both(now, (("test-pack", "beta"),))
    LearnerService(database).update_settings(learner.id, new_per_day=4)
    study = service(database).start(learner.id, now=now)
    first = study.next_item(now)
    assert first is not None
    study.answer(first, wrong_answer(first), now=now, response_ms=100)  # into learning
    drain(study, now + timedelta(seconds=1))
    both(now + timedelta(minutes=1))
    both(now + timedelta(minutes=1), (("test-pack", "alpha"),))
    later = now + timedelta(days=9)  # reviews have come due
    counts = service(database).queue_counts(learner.id, now=later)
    assert counts.due + counts.learning > 0
    both(later)
    both(later, (("test-pack", "beta"),))
