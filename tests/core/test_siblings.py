"""Siblings (questions sharing a group): one a study day, never two in a quiz."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from test_study import right_answer

from crisisquiz.core.due import count_due, total
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.recording import StudyClock
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService, StudySession
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import QuestionRow

LEADER = 'group = "soviet-leader"'


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    # mc and sa both ask who led the Soviet Union: siblings.
    text = small_pack_text.replace(
        'id = "mc"\ntopic = "alpha"', f'id = "mc"\ntopic = "alpha"\n{LEADER}'
    ).replace('id = "sa"\ntopic = "alpha"', f'id = "sa"\ntopic = "alpha"\n{LEADER}')
    PackService(database).import_pack(parse_pack_text(text), now=now)
    return LearnerService(database).create("Ana", now=now)


def service(database: Database) -> StudyService:
    return StudyService(database, tz=UTC, rng=random.Random(7))


def shown_ids(study: StudySession, now: datetime, limit: int = 60) -> list[str]:
    """Answer everything right, a second apart; the question ids in the order shown."""
    shown = []
    at = now
    for _ in range(limit):
        item = study.next_item(at)
        if item is None:
            break
        shown.append(item.question.id)
        study.answer(item, right_answer(item), now=at, response_ms=900)
        at += timedelta(seconds=1)
    return shown


def test_only_one_sibling_is_new_on_a_day_and_the_other_waits(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = service(database).start(learner.id, now=now)
    assert study.counts(now).new == 8  # nine questions, two of them siblings
    shown = shown_ids(study, now)
    assert "mc" in shown and "sa" not in shown
    later = now + timedelta(hours=2)
    again = service(database).start(learner.id, now=later)
    assert "sa" not in shown_ids(again, later)  # still the same study day
    tomorrow = now + timedelta(days=1)
    assert "sa" in shown_ids(service(database).start(learner.id, now=tomorrow), tomorrow)


def test_answering_one_buries_a_due_sibling_and_undo_brings_it_back(
    database: Database, learner: Learner, now: datetime
) -> None:
    # Learn mc today and sa tomorrow; both come due together later.
    shown_ids(service(database).start(learner.id, now=now), now)
    tomorrow = now + timedelta(days=1)
    assert "sa" in shown_ids(service(database).start(learner.id, now=tomorrow), tomorrow)
    step_done = tomorrow + timedelta(minutes=15)  # sa's learning step, so it graduates
    assert shown_ids(service(database).start(learner.id, now=step_done), step_done) == ["sa"]
    later = now + timedelta(days=40)
    study = service(database).start(learner.id, now=later)
    queued = study.counts(later)
    both_due = {"mc", "sa"}
    assert both_due <= set(ids_in_queue(study))
    first = study.next_item(later)
    while first is not None and first.question.id not in both_due:
        study.answer(first, right_answer(first), now=later, response_ms=900)
        first = study.next_item(later)
    assert first is not None
    before = study.counts(later)
    study.answer(first, right_answer(first), now=later, response_ms=900)
    after = study.counts(later)
    # The answered one and its sibling leave the queue together.
    assert after.due == before.due - 2
    sibling = (both_due - {first.question.id}).pop()
    assert sibling not in ids_in_queue(study)
    # Every count agrees: the sibling is buried for the rest of the day.
    with database.sessions() as session:
        counted = total(count_due(session, learner.id, now=later, clock=StudyClock(UTC, 4)))
    assert counted.due == after.due
    stats = StatsService(database).learner_topic_stats(learner.id, now=later, tz=UTC)
    assert stats.overall.due_now == after.learning + after.due
    assert service(database).queue_counts(learner.id, now=later).due == after.due
    # Undo: both back where they were.
    study.undo()
    assert study.counts(later) == before
    assert sibling in ids_in_queue(study)
    assert queued.due >= before.due


def ids_in_queue(study: StudySession) -> list[str]:
    """The question ids waiting in the session's due and new queues."""
    with study.database.sessions() as session:
        names = dict(session.execute(select(QuestionRow.id, QuestionRow.question_id)).all())
    return [names[qid] for qid in [*study._due, *study._new]]


@pytest.mark.parametrize("seed", range(12))
def test_a_quiz_never_holds_two_siblings(
    database: Database, learner: Learner, now: datetime, seed: int
) -> None:
    quizzes = QuizService(database, tz=UTC)
    assert quizzes.available() == 8
    quiz = quizzes.start(learner.id, QuizSettings(count=9, seed=seed), now=now)
    ids = [item.question.id for item in quiz.items]
    assert len(ids) == 8
    assert not {"mc", "sa"} <= set(ids)
