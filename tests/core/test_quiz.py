"""Quizzes: reproducible selection, scoring per topic, and leaving the schedule alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from test_study import right_answer, wrong_answer

from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizError, QuizService, QuizSettings
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow, QuizAnswerRow, QuizAttemptRow, ReviewRow


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    return LearnerService(database).create("Ben", now=now)


def count(database: Database, table: type) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_same_seed_same_questions(database: Database, learner: Learner, now: datetime) -> None:
    quizzes = QuizService(database, tz=UTC)
    a = quizzes.start(learner.id, QuizSettings(count=5, seed=42), now=now)
    b = quizzes.start(learner.id, QuizSettings(count=5, seed=42), now=now)
    c = quizzes.start(learner.id, QuizSettings(count=5, seed=43), now=now)
    ids = lambda quiz: [i.question.id for i in quiz.items]  # noqa: E731
    assert ids(a) == ids(b)
    assert [i.options for i in a.items] == [i.options for i in b.items]
    assert ids(a) != ids(c)
    assert len(set(ids(a))) == 5


def test_quiz_scores_per_topic_and_leaves_schedule_alone(
    database: Database, learner: Learner, now: datetime
) -> None:
    quiz = QuizService(database, tz=UTC).start(
        learner.id,
        QuizSettings(count=9, topics=(("test-pack", "alpha"), ("test-pack", "beta")), seed=1),
        now=now,
    )
    wrong_ids = {"mc", "yr"}
    for position, item in enumerate(quiz.items):
        response = wrong_answer(item) if item.question.id in wrong_ids else right_answer(item)
        quiz.answer(position, response, now=now, response_ms=1000)
    result = quiz.finish(now + timedelta(minutes=5))
    # The flashcard (alpha) is rated by the learner and left out of the score.
    assert (result.questions, result.answered, result.score) == (8, 8, 6.0)
    assert result.self_rated == 1
    per_topic = {t.topic_id: (t.questions, t.score) for t in result.per_topic}
    assert per_topic == {"alpha": (3, 2.0), "beta": (5, 4.0)}
    assert count(database, ReviewRow) == 0
    assert count(database, CardStateRow) == 0
    assert count(database, QuizAnswerRow) == 9
    with database.sessions() as session:
        attempt = session.scalars(select(QuizAttemptRow)).one()
        assert attempt.score == pytest.approx(6 / 8)
        assert attempt.finished_at is not None


def test_quiz_counts_as_review_when_the_learner_says_so(
    database: Database, learner: Learner, now: datetime
) -> None:
    LearnerService(database).update_settings(learner.id, quiz_counts_as_review=True)
    quiz = QuizService(database, tz=UTC).start(learner.id, QuizSettings(count=3, seed=5), now=now)
    for position, item in enumerate(quiz.items):
        quiz.answer(position, right_answer(item), now=now, response_ms=500)
    assert count(database, ReviewRow) == 3
    assert count(database, CardStateRow) == 3


def test_unanswered_count_zero_and_time_limit(
    database: Database, learner: Learner, now: datetime
) -> None:
    quiz = QuizService(database, tz=UTC).start(
        learner.id,
        QuizSettings(
            count=4, topics=(("test-pack", "beta"),), seed=2, time_limit=timedelta(minutes=1)
        ),
        now=now,
    )
    quiz.answer(0, right_answer(quiz.items[0]), now=now, response_ms=100)
    with pytest.raises(QuizError, match="already answered"):
        quiz.answer(0, right_answer(quiz.items[0]), now=now, response_ms=100)
    with pytest.raises(QuizError, match="time is up"):
        quiz.answer(1, right_answer(quiz.items[1]), now=now + timedelta(minutes=2), response_ms=100)
    result = quiz.finish(now + timedelta(minutes=2))
    assert (result.answered, result.score, result.timed_out) == (1, 1.0, True)
    assert result.percent == pytest.approx(25.0)


def test_a_quiz_stopped_early_is_abandoned_without_a_score(
    database: Database, learner: Learner, now: datetime
) -> None:
    quiz = QuizService(database, tz=UTC).start(learner.id, QuizSettings(count=4, seed=2), now=now)
    quiz.answer(0, right_answer(quiz.items[0]), now=now, response_ms=100)
    quiz.abandon(now + timedelta(minutes=1))
    assert quiz.abandoned
    with pytest.raises(QuizError, match="stopped"):
        quiz.answer(1, right_answer(quiz.items[1]), now=now, response_ms=100)
    with pytest.raises(QuizError, match="stopped"):
        quiz.finish(now + timedelta(minutes=2))
    with database.sessions() as session:
        attempt = session.scalars(select(QuizAttemptRow)).one()
    assert attempt.abandoned_at == now + timedelta(minutes=1)
    assert attempt.finished_at is None and attempt.score is None
    assert count(database, QuizAnswerRow) == 1  # the answer given is kept


def test_a_quiz_of_flashcards_only_has_no_score(
    database: Database, learner: Learner, now: datetime, small_pack_text: str
) -> None:
    cards_only = small_pack_text.replace('id = "test-pack"', 'id = "cards"', 1)
    kept = [
        block
        for block in cards_only.split("[[questions]]\n")
        if block.startswith("[pack]") or 'type = "flashcard"' in block
    ]
    PackService(database).import_pack(parse_pack_text("[[questions]]\n".join(kept)), now=now)
    quiz = QuizService(database, tz=UTC).start(
        learner.id, QuizSettings(count=5, topics=(("cards", "alpha"),), seed=1), now=now
    )
    assert [item.question.type.value for item in quiz.items] == ["flashcard"]
    quiz.answer(0, right_answer(quiz.items[0]), now=now, response_ms=100)
    result = quiz.finish(now)
    assert (result.questions, result.self_rated) == (0, 1)
    with database.sessions() as session:
        attempt = session.scalars(select(QuizAttemptRow)).one()
    assert attempt.finished_at is not None and attempt.score is None


def test_no_questions_for_topic(database: Database, learner: Learner, now: datetime) -> None:
    with pytest.raises(QuizError, match="no questions found for test-pack:nowhere"):
        QuizService(database, tz=UTC).start(
            learner.id, QuizSettings(topics=(("test-pack", "nowhere"),)), now=now
        )
