"""One definition of due: Home, the topic cards, a study session, Progress and stats agree."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating
from test_study import right_answer, wrong_answer

from crisisquiz.core.due import LEARN_AHEAD, count_due, total
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.recording import StudyClock
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    return LearnerService(database).create("Ana", now=now)


def service(database: Database) -> StudyService:
    return StudyService(database, tz=UTC, rng=random.Random(7))


def study_history(database: Database, learner: Learner, now: datetime) -> None:
    """Every question answered once (some wrong, one flashcard Hard), then a few relearnt."""
    study = service(database).start(learner.id, now=now)
    at = now
    for number in range(9):
        item = study.next_item(at)
        assert item is not None
        response = right_answer(item) if number % 3 else wrong_answer(item)
        if response is Rating.Good and number == 4:
            response = Rating.Hard
        study.answer(item, response, now=at, response_ms=1000)
        at += timedelta(seconds=20)


def agree(database: Database, learner: Learner, at: datetime, tz: object = UTC) -> int:
    """Check every way of counting at ``at``; return the number due now."""
    clock = StudyClock(tz, learner.day_rollover_hour)  # type: ignore[arg-type]
    with database.sessions() as session:
        per_topic = count_due(session, learner.id, now=at, clock=clock)
    counted = service(database).queue_counts(learner.id, now=at)
    started = service(database).start(learner.id, now=at).counts(at)
    stats = StatsService(database).learner_topic_stats(learner.id, now=at, tz=tz)  # type: ignore[arg-type]
    forecast = StatsService(database).due_forecast(learner.id, 7, now=at, tz=tz)  # type: ignore[arg-type]
    due_now = total(per_topic).due_now
    # Home's button and a session started now.
    assert counted == started
    assert counted.learning + counted.due == due_now
    # The topic cards and Progress (per topic and overall), and `stats`.
    for topic in stats.topics:
        key = (topic.pack_id, topic.topic_id)
        expected = per_topic.get(key)
        assert topic.figures.due_now == (expected.due_now if expected else 0)
        assert topic.figures.due_today == (expected.due_today if expected else 0)
        # A session on just this topic agrees with its card.
        alone = service(database).start(learner.id, now=at, topics=(key,))
        assert alone.counts(at).learning + alone.counts(at).due == topic.figures.due_now
    assert stats.overall.due_now == due_now
    assert stats.overall.learning == counted.learning
    # Progress's forecast: today's bar is what is due today.
    assert forecast[0].due == stats.overall.due_today
    return due_now


def test_every_screen_counts_the_same_at_every_moment(
    database: Database, learner: Learner, now: datetime
) -> None:
    assert agree(database, learner, now) == 0
    study_history(database, learner, now)
    moments = [
        now + timedelta(minutes=3),  # learning steps not back yet, but within LEARN_AHEAD
        now + LEARN_AHEAD + timedelta(minutes=5),
        now + timedelta(hours=5),
        now + timedelta(days=1),
        now + timedelta(days=3, hours=12),
        now + timedelta(days=12),
    ]
    seen = [agree(database, learner, at) for at in moments]
    assert seen[0] > 0  # the wrong answers' relearning steps count at once
    assert seen[-1] > 0


def test_learning_steps_count_as_due_now_on_the_topic_card(
    database: Database, learner: Learner, now: datetime
) -> None:
    # The bug: Home said "13 due" (learning steps within 20 minutes) while each topic
    # card said "Nothing due now" and Progress another figure.
    study = service(database).start(learner.id, now=now)
    item = study.next_item(now)
    assert item is not None
    study.answer(item, wrong_answer(item), now=now, response_ms=500)
    later = now + timedelta(minutes=2)
    stats = StatsService(database).learner_topic_stats(learner.id, now=later, tz=UTC)
    topic = next(t for t in stats.topics if t.topic_id == item.ref.topic_id)
    assert topic.figures.due_now == 1 and topic.figures.learning == 1
    assert service(database).queue_counts(learner.id, now=later).learning == 1


def test_due_today_ends_at_the_learners_rollover_hour(
    database: Database, learner: Learner, now: datetime
) -> None:
    study_history(database, learner, now)
    # 15:00 UTC; the day rolls over at 04:00: cards due tomorrow at 03:00 are due today.
    with database.sessions() as session:
        clock = StudyClock(UTC, 4)
        before = total(count_due(session, learner.id, now=now + timedelta(hours=11), clock=clock))
        after = total(count_due(session, learner.id, now=now + timedelta(hours=14), clock=clock))
    assert before.due_today >= before.due_now
    assert after.due_today >= after.due_now


def test_a_retired_question_is_never_due(
    database: Database, learner: Learner, now: datetime, small_pack_text: str
) -> None:
    study_history(database, learner, now)
    later = now + timedelta(days=12)
    before = agree(database, learner, later)
    started = service(database).start(learner.id, now=later)
    due_item = started.next_item(later)
    assert due_item is not None
    blocks = small_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"').split(
        "[[questions]]\n"
    )
    kept = [b for b in blocks if not b.startswith(f'id = "{due_item.question.id}"\n')]
    assert len(kept) == len(blocks) - 1
    PackService(database).import_pack(parse_pack_text("[[questions]]\n".join(kept)), now=later)
    assert agree(database, learner, later) == before - 1
