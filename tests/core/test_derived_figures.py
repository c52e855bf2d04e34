"""Figures counted from answers go with the answers: removing a pack or a learner, resetting."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from small_pack import SMALL_PACK
from sqlalchemy import func, select

from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.results import export_results, parse_results
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    DailyTopicStatsRow,
    QuizAnswerRow,
    QuizAttemptRow,
    ReviewRow,
    TopicTotalsRow,
)

FILE_ID = "00000000-0000-4000-8000-000000000001"


def study(database: Database, learner: Learner, now: datetime, answers: int = 4) -> datetime:
    session = StudyService(database, tz=UTC, rng=random.Random(3)).start(learner.id, now=now)
    for _ in range(answers):
        item = session.next_item(now)
        assert item is not None
        session.answer(item, "no idea", now=now, response_ms=800)
        now += timedelta(seconds=20)
    return now


def rows(database: Database, table: type, learner_id: int | None = None) -> int:
    query = select(func.count()).select_from(table)
    if learner_id is not None:
        query = query.where(table.learner_id == learner_id)  # type: ignore[attr-defined]
    with database.sessions() as session:
        return int(session.scalar(query) or 0)


def test_removing_a_pack_takes_its_daily_figures_and_totals(
    database: Database, now: datetime
) -> None:
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    later = study(database, ana, now)
    assert rows(database, DailyTopicStatsRow) > 0 and rows(database, TopicTotalsRow) > 0

    packs.remove_pack("test-pack")
    assert rows(database, ReviewRow) == 0
    assert rows(database, DailyTopicStatsRow) == 0
    assert rows(database, TopicTotalsRow) == 0
    # Nothing counts answers that no longer exist: not the stats, not today's new questions.
    stats = StatsService(database).learner_topic_stats(ana.id, now=later, tz=UTC)
    assert stats.overall.answers == 0
    service = StudyService(database, tz=UTC, rng=random.Random(1))
    assert service.new_left_today(ana, later) == ana.new_per_day

    # Installed again, the pack starts from nothing and a results file is consistent.
    packs.import_pack(parse_pack_text(SMALL_PACK), now=later)
    data = export_results(database, ana.id, now=later, file_id=FILE_ID)
    parse_results(data, source="ana.json")  # raised "summary ... counts 4 study answers"
    assert data["answers"] == []


def test_removing_one_pack_leaves_the_others_figures(database: Database, now: datetime) -> None:
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now)
    other = SMALL_PACK.replace('id = "test-pack"', 'id = "other-pack"', 1)
    packs.import_pack(parse_pack_text(other), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    study(database, ana, now, answers=12)
    with database.sessions() as session:
        kept = session.execute(
            select(TopicTotalsRow.pack_id, TopicTotalsRow.topic_id, TopicTotalsRow.answers).where(
                TopicTotalsRow.pack_id == "other-pack"
            )
        ).all()
    assert kept
    packs.remove_pack("test-pack")
    with database.sessions() as session:
        after = session.execute(
            select(TopicTotalsRow.pack_id, TopicTotalsRow.topic_id, TopicTotalsRow.answers)
        ).all()
    assert sorted(after) == sorted(kept)


def test_removing_a_learner_takes_everything_counted_from_their_answers(
    database: Database, now: datetime
) -> None:
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now)
    learners = LearnerService(database)
    ana, ben = learners.create("Ana", now=now), learners.create("Ben", now=now)
    study(database, ana, now)
    study(database, ben, now)
    learners.remove("Ben")
    for table in (ReviewRow, DailyTopicStatsRow, TopicTotalsRow):
        assert rows(database, table, ben.id) == 0
        assert rows(database, table, ana.id) > 0
    # A new learner (who may be given the freed id) starts from nothing.
    cara = learners.create("Cara", now=now)
    assert StatsService(database).learner_topic_stats(cara.id, now=now, tz=UTC).overall.answers == 0


def test_reset_forgets_every_answer_study_and_quiz(database: Database, now: datetime) -> None:
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now)
    learners = LearnerService(database)
    ana = learners.create("Ana", now=now)
    later = study(database, ana, now)
    quiz = QuizService(database, tz=UTC).start(ana.id, QuizSettings(count=3, seed=4), now=later)
    quiz.answer(0, "no idea", now=later, response_ms=500)
    quiz.finish(later)
    learners.reset_progress(ana.id)
    for table in (ReviewRow, DailyTopicStatsRow, TopicTotalsRow, QuizAttemptRow):
        assert rows(database, table, ana.id) == 0
    assert rows(database, QuizAnswerRow) == 0
    stats = StatsService(database).learner_topic_stats(ana.id, now=later, tz=UTC)
    assert stats.overall.answers == 0 and stats.quizzes == ()
    data = export_results(database, ana.id, now=later, file_id=FILE_ID)
    assert data["answers"] == []
    assert learners.get(ana.id).name == "Ana"
