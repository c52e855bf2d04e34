"""Mastery: predicted recall a week ahead (or at an exam), quiz-only questions counted, and
the study schedule's memory rebuilt exactly from the answers alone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating
from sqlalchemy import select

from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.mastery import MASTERY_HORIZON, Memory, mastery_moment, recall_at, replay
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow, ReviewRow

# FSRS-6's default curve: R(t) = (1 + F t / S) ** -0.1542 with F = 0.9 ** (1 / -0.1542) - 1.
DECAY = -0.1542
FACTOR = 0.9 ** (1 / DECAY) - 1  # 0.98035
GOOD_FIRST = 2.3065  # the stability after a first answer rated Good (parameter w2)


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    return LearnerService(database).create("Ana", now=now)


def test_a_question_answered_only_in_a_quiz_counts(
    database: Database, learner: Learner, now: datetime
) -> None:
    yesterday = now - timedelta(days=1)
    quiz = QuizService(database, tz=UTC).start(
        learner.id, QuizSettings(count=9, topics=(("test-pack", "beta"),), seed=1), now=yesterday
    )
    position = next(i for i, item in enumerate(quiz.items) if item.question.id == "tf")
    quiz.answer(position, True, now=yesterday, response_ms=800)  # right: rated Good
    quiz.finish(yesterday)
    stats = StatsService(database).learner_topic_stats(learner.id, now=now, tz=UTC)
    beta = next(t.figures for t in stats.topics if t.topic_id == "beta")
    # Never studied, so not seen; a week from now it is 8 days after the quiz answer:
    # R = (1 + 0.98035 * 8 / 2.3065) ** -0.1542 = 0.7957, over beta's 5 questions.
    hand = (1 + FACTOR * 8 / GOOD_FIRST) ** DECAY
    assert hand == pytest.approx(0.7957, abs=1e-4)
    assert (beta.seen, beta.total) == (0, 5)
    assert beta.mastery == pytest.approx(hand / 5)
    # Both ways of summing (SQLite and Python) count it.
    python = StatsService(database, sql_math=False).learner_topic_stats(learner.id, now=now, tz=UTC)
    assert next(t.figures for t in python.topics if t.topic_id == "beta").mastery == (
        pytest.approx(hand / 5)
    )


def test_mastery_right_after_answering_is_not_full(
    database: Database, learner: Learner, now: datetime
) -> None:
    session = StudyService(database, tz=UTC, rng=random.Random(4)).start(learner.id, now=now)
    item = session.next_item(now)
    assert item is not None and item.question.id == "fc"
    session.answer(item, Rating.Good, now=now, response_ms=1000)
    stats = StatsService(database).learner_topic_stats(learner.id, now=now, tz=UTC)
    alpha = next(t.figures for t in stats.topics if t.topic_id == "alpha")
    # Recall now would be 1 (the card was just answered): a week on it is 0.8083.
    assert recall_at(replay([(now, Rating.Good)]), now) == 1.0
    week = (1 + FACTOR * 7 / GOOD_FIRST) ** DECAY
    assert week == pytest.approx(0.8083, abs=1e-4)
    assert alpha.mastery == pytest.approx(week / 4)


def test_an_exam_date_moves_the_moment(database: Database, learner: Learner, now: datetime) -> None:
    assert mastery_moment(now) == now + MASTERY_HORIZON
    exam = now + timedelta(days=30)
    assert mastery_moment(now, exam) == exam
    assert mastery_moment(now, now - timedelta(days=1)) == now + MASTERY_HORIZON  # past
    session = StudyService(database, tz=UTC, rng=random.Random(4)).start(learner.id, now=now)
    item = session.next_item(now)
    assert item is not None
    session.answer(item, Rating.Good, now=now, response_ms=1000)
    stats = StatsService(database).learner_topic_stats(
        learner.id, now=now, tz=UTC, exams={"test-pack": exam}
    )
    alpha = next(t.figures for t in stats.topics if t.topic_id == "alpha")
    assert alpha.mastery == pytest.approx((1 + FACTOR * 30 / GOOD_FIRST) ** DECAY / 4)


def test_replaying_the_answers_gives_each_cards_memory_exactly(
    database: Database, learner: Learner, now: datetime
) -> None:
    LearnerService(database).update_settings(learner.id, quiz_counts_as_review=True)
    rng = random.Random(11)
    study = StudyService(database, tz=UTC, rng=random.Random(5))
    at = now
    for day in range(12):
        session = study.start(learner.id, now=at)
        for _ in range(25):  # a wrong answer keeps coming back: sessions are cut short
            item = session.next_item(at)
            if item is None:
                break
            rating = rng.choice([Rating.Again, Rating.Hard, Rating.Good, Rating.Good])
            response: object = rating if item.question.id == "fc" else "no idea"
            session.answer(item, response, now=at, response_ms=900)
            if rng.random() < 0.1 and session.can_undo:
                session.undo()
            at += timedelta(minutes=rng.choice([1, 3, 12]))
        if day % 4 == 3:  # a quiz that counts as review
            quiz = QuizService(database, tz=UTC).start(
                learner.id, QuizSettings(count=3, seed=day), now=at
            )
            for position in range(len(quiz.items)):
                quiz.answer(position, "no idea", now=at, response_ms=500)
                at += timedelta(seconds=20)
            quiz.finish(at)
        at += timedelta(days=1, hours=rng.randint(-5, 5))
    with database.sessions() as s:
        cards = {
            c.question_id: (c.stability, c.last_review) for c in s.scalars(select(CardStateRow))
        }
        reviews = s.execute(
            select(ReviewRow.question_id, ReviewRow.reviewed_at, ReviewRow.rating).order_by(
                ReviewRow.reviewed_at, ReviewRow.id
            )
        ).all()
    assert len(cards) >= 5 and len(reviews) > 40
    for question, memory in cards.items():
        given = [(when, rating) for q, when, rating in reviews if q == question]
        assert replay(given) == Memory(*memory)
