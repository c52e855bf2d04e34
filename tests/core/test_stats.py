"""Scores per topic, worked out by hand on rows written straight into the tables."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from crisisquiz.core.learners import LearnerError, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.scheduling import retrievability
from crisisquiz.core.stats import StatsService, stats_to_json
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    QuestionRow,
    QuizAnswerRow,
    QuizAttemptRow,
)


@pytest.fixture
def learner_id(database: Database, small_pack_text: str, now: datetime) -> int:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    return LearnerService(database).create("Ana", now=now).id


def question_rows(database: Database) -> dict[str, QuestionRow]:
    with database.sessions() as session:
        return {q.question_id: q for q in session.scalars(select(QuestionRow))}


def add_card(
    database: Database,
    learner_id: int,
    question: QuestionRow,
    *,
    due: datetime,
    stability: float | None,
    last_review: datetime | None,
) -> None:
    with database.transaction() as session:
        session.add(
            CardStateRow(
                learner_id=learner_id,
                question_id=question.id,
                due=due,
                stability=stability,
                difficulty=5.0,
                state=2,
                step=None,
                last_review=last_review,
                pack_id=question.pack_id,
                topic_id=question.topic_id,
            )
        )


def add_day(database: Database, learner_id: int, topic: str, day: date, **counts: int) -> None:
    values: dict[str, Any] = {
        "answers": 0,
        "correct": 0,
        "new": 0,
        "mature": 0,
        "mature_correct": 0,
        "time_ms": 0,
    }
    values.update(counts)
    with database.transaction() as session:
        session.add(
            DailyTopicStatsRow(
                learner_id=learner_id, pack_id="test-pack", topic_id=topic, day=day, **values
            )
        )


@pytest.fixture
def history(database: Database, learner_id: int, now: datetime) -> dict[str, QuestionRow]:
    """Alpha: fc, mc, sa, cz (4 live). Beta: ms, tf, or, mt live; yr retired."""
    q = question_rows(database)
    with database.transaction() as session:
        session.execute(
            update(QuestionRow).where(QuestionRow.id == q["yr"].id).values(retired=True)
        )
    # FSRS stability is the interval at which recall falls to 90 %: reviewed exactly
    # S days before, a card's predicted recall is 0.9. Mastery looks a week ahead, so
    # each card below is 0.9 then: last reviewed S - 7 days ago.
    add_card(
        database,
        learner_id,
        q["mc"],
        due=now - timedelta(hours=1),
        stability=12.0,
        last_review=now - timedelta(days=5),
    )
    add_card(
        database,
        learner_id,
        q["fc"],
        due=now + timedelta(days=1),
        stability=8.0,
        last_review=now - timedelta(days=1),
    )
    add_card(
        database,
        learner_id,
        q["ms"],
        due=now + timedelta(days=30),
        stability=7.0,
        last_review=now,
    )
    # Retired: its card must count nowhere, though it is due.
    add_card(
        database,
        learner_id,
        q["yr"],
        due=now - timedelta(days=1),
        stability=3.0,
        last_review=now - timedelta(days=2),
    )
    today = date(2026, 3, 2)  # 15:00 UTC, rollover at 04:00
    add_day(
        database,
        learner_id,
        "alpha",
        today,
        answers=4,
        correct=3,
        mature=2,
        mature_correct=1,
        time_ms=4000,
    )
    add_day(
        database,
        learner_id,
        "alpha",
        today - timedelta(days=29),
        answers=2,
        correct=2,
        time_ms=1000,
    )
    add_day(
        database,
        learner_id,
        "alpha",
        today - timedelta(days=30),
        answers=4,
        correct=0,
        mature=4,
        mature_correct=4,
        time_ms=500,
    )
    return q


def test_figures_per_topic(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    stats = StatsService(database).learner_topic_stats(learner_id, now=now, tz=UTC)
    by_id = {t.topic_id: t.figures for t in stats.topics if t.pack_id == "test-pack"}
    alpha, beta = by_id["alpha"], by_id["beta"]

    # Alpha: 2 of 4 seen; mastery (0.9 + 0.9 + 0 + 0) / 4 = 0.45.
    assert (alpha.total, alpha.seen, alpha.coverage) == (4, 2, 0.5)
    assert alpha.mastery == pytest.approx(0.45)
    # mc due an hour ago; fc due tomorrow.
    assert (alpha.due_now, alpha.due_7d) == (1, 2)
    # All time: 4 + 2 + 4 = 10 answers, 3 + 2 + 0 = 5 right.
    assert (alpha.answers, alpha.correct, alpha.accuracy) == (10, 5, 0.5)
    # The last 30 study days are 1 Feb..2 Mar: 6 answers, 5 right; 31 Jan is out.
    assert (alpha.answers_30d, alpha.correct_30d) == (6, 5)
    assert alpha.accuracy_30d == pytest.approx(5 / 6)
    assert alpha.reviews_per_day_30d == pytest.approx(6 / 30)
    # True retention over every mature answer: (1 + 4) right of (2 + 4).
    assert (alpha.mature, alpha.mature_correct) == (6, 5)
    assert alpha.true_retention == pytest.approx(5 / 6)
    assert alpha.time_ms == 5500

    # Beta: yr is retired, so 4 live; ms, reviewed just now, has recall 1 now but is
    # predicted at 0.9 a week from now: 0.9 / 4 (not 1 / 4: just answering is not mastery).
    assert (beta.total, beta.seen, beta.coverage) == (4, 1, 0.25)
    assert beta.mastery == pytest.approx(0.225)
    assert (beta.due_now, beta.due_7d) == (0, 0)
    assert beta.accuracy is None and beta.accuracy_30d is None
    assert beta.true_retention is None

    test_pack = [t for t in stats.topics if t.pack_id == "test-pack"]
    assert [t.topic_id for t in test_pack] == ["alpha", "beta"]
    assert stats.learner_name == "Ana"
    assert stats.today == date(2026, 3, 2)


def test_overall_sums_every_topic(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    stats = StatsService(database).learner_topic_stats(
        learner_id, now=now, tz=UTC, pack_id="test-pack"
    )
    overall = stats.overall
    # 8 live questions, 3 seen; recall a week ahead 0.9 + 0.9 + 0.9 = 2.7 over 8.
    assert (overall.total, overall.seen) == (8, 3)
    assert overall.coverage == pytest.approx(3 / 8)
    assert overall.mastery == pytest.approx(2.7 / 8)
    assert (overall.due_now, overall.due_7d) == (1, 2)
    assert (overall.answers, overall.correct) == (10, 5)


def test_the_study_day_rolls_over_at_the_learners_hour(
    database: Database, learner_id: int, history: dict[str, QuestionRow]
) -> None:
    # 03:00 UTC on 2 March is still the study day of 1 March (rollover 04:00), so the
    # 30-day window is 31 Jan..1 Mar: the 4 + 2 answers on 31 Jan and 1 Feb, not today's.
    early = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    stats = StatsService(database).learner_topic_stats(learner_id, now=early, tz=UTC)
    alpha = next(t.figures for t in stats.topics if t.topic_id == "alpha")
    assert stats.today == date(2026, 3, 1)
    assert (alpha.answers_30d, alpha.correct_30d) == (6, 2)


def test_sql_and_python_mastery_agree(database: Database, learner_id: int, now: datetime) -> None:
    rng = random.Random(7)
    q = question_rows(database)
    for question in q.values():
        # Fractions of a day around whole days test the flooring of elapsed days.
        elapsed = timedelta(days=rng.randint(0, 60), hours=rng.choice([0, 23]), minutes=59)
        add_card(
            database,
            learner_id,
            question,
            due=now,
            stability=rng.uniform(0.1, 300),
            last_review=now - elapsed,
        )
    week = now + timedelta(days=7)  # mastery's moment
    with database.sessions() as session:
        cards = session.scalars(select(CardStateRow)).all()
        expected = sum(retrievability(c.stability, c.last_review, week) for c in cards)
    for sql_math in (True, False):
        stats = StatsService(database, sql_math=sql_math).learner_topic_stats(
            learner_id, now=now, tz=UTC, pack_id="test-pack"
        )
        assert stats.overall.mastery * stats.overall.total == pytest.approx(expected)


def test_never_reads_the_reviews_table(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    statements: list[str] = []

    def capture(*args: Any) -> None:
        statements.append(args[2])

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        service = StatsService(database)
        service.learner_topic_stats(learner_id, now=now, tz=UTC)
        service.reviews_per_day(learner_id, 30, now=now, tz=UTC)
        service.due_forecast(learner_id, 30, now=now, tz=UTC)
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    assert statements
    assert not [s for s in statements if "reviews" in s.lower()]


def test_quiz_scores_per_topic(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    q = history
    with database.transaction() as session:
        done = QuizAttemptRow(
            learner_id=learner_id,
            started_at=now - timedelta(hours=2),
            finished_at=now - timedelta(hours=1),
            seed=1,
            topics=[["test-pack", "alpha"], ["test-pack", "beta"]],
            question_ids=[q["mc"].id, q["fc"].id, q["ms"].id],
            feedback="end",
            time_limit_s=None,
            score=0.5,
        )
        open_attempt = QuizAttemptRow(
            learner_id=learner_id,
            started_at=now,
            finished_at=None,
            seed=2,
            topics=[],
            question_ids=[q["mc"].id],
            feedback="end",
            time_limit_s=None,
            score=None,
        )
        session.add_all([done, open_attempt])
        session.flush()
        for position, (key, score) in enumerate([("mc", 1.0), ("fc", 0.0), ("ms", 0.5)]):
            session.add(
                QuizAnswerRow(
                    attempt_id=done.id,
                    position=position,
                    question_id=q[key].id,
                    answered_at=now,
                    correct=score == 1.0,
                    score=score,
                    response={"value": None},
                    response_ms=10,
                    pack_id="test-pack",
                    topic_id=q[key].topic_id,
                )
            )
        session.add(
            QuizAnswerRow(
                attempt_id=open_attempt.id,
                position=0,
                question_id=q["mc"].id,
                answered_at=now,
                correct=False,
                score=0.0,
                response={"value": "Stalin"},
                response_ms=10,
                pack_id="test-pack",
                topic_id="alpha",
            )
        )
    stats = StatsService(database).learner_topic_stats(learner_id, now=now, tz=UTC)
    assert [(r.score, r.topics) for r in stats.quizzes] == [
        (0.5, ("test-pack:alpha", "test-pack:beta"))
    ]
    scores = {t.topic_id: t.quiz_scores for t in stats.topics if t.pack_id == "test-pack"}
    # Alpha: mc 1 (the flashcard was rated, not scored) -> 1.0 over 1; beta: ms 0.5 over 1.
    # The open quiz is left out.
    assert [(s.score, s.answered, s.attempt_score) for s in scores["alpha"]] == [(1.0, 1, 0.5)]
    assert [(s.score, s.answered) for s in scores["beta"]] == [(0.5, 1)]


def test_reviews_per_day_fills_gaps(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    add_day(database, learner_id, "beta", date(2026, 3, 2), answers=1, correct=1, new=1)
    days = StatsService(database).reviews_per_day(learner_id, 3, now=now, tz=UTC)
    assert [(d.day, d.answers, d.correct, d.new) for d in days] == [
        (date(2026, 2, 28), 0, 0, 0),
        (date(2026, 3, 1), 0, 0, 0),
        (date(2026, 3, 2), 5, 4, 1),
    ]


def test_due_forecast_counts_live_cards_per_study_day(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    # mc (overdue) falls on today; fc due tomorrow 15:00; ms in 30 days; yr is retired.
    forecast = StatsService(database).due_forecast(learner_id, 3, now=now, tz=UTC)
    assert [(d.day, d.due) for d in forecast] == [
        (date(2026, 3, 2), 1),
        (date(2026, 3, 3), 1),
        (date(2026, 3, 4), 0),
    ]


def test_unknown_learner_and_bad_input(database: Database, now: datetime) -> None:
    service = StatsService(database)
    with pytest.raises(LearnerError):
        service.learner_topic_stats(99, now=now, tz=UTC)
    with pytest.raises(ValueError, match="days"):
        service.reviews_per_day(99, 0, now=now, tz=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        service.due_forecast(99, 3, now=now.replace(tzinfo=None), tz=UTC)


def test_json_has_every_figure(
    database: Database, learner_id: int, history: dict[str, QuestionRow], now: datetime
) -> None:
    data = stats_to_json(StatsService(database).learner_topic_stats(learner_id, now=now, tz=UTC))
    alpha = next(t for t in data["topics"] if t["topic_id"] == "alpha")
    assert alpha["figures"]["coverage"] == 0.5
    assert data["today"] == "2026-03-02"
    assert set(data["overall"]) >= {"mastery", "due_now", "due_7d", "true_retention"}
