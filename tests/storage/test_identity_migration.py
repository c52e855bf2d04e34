"""Migration 0005 on a database with data: learners get ids, quiz answers and quiz topics
their pack, and nothing that refers to a learner is lost while the table is rebuilt."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from small_pack import SMALL_PACK, TWIN_PACK
from sqlalchemy import func, select, text

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import _alembic_config, migration_connection, open_database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    LearnerRow,
    QuizAnswerRow,
    QuizAttemptRow,
    ReviewRow,
    TopicTotalsRow,
)


def counts(database_path: Path, now: datetime) -> dict[str, int]:
    database = open_database(database_path, now=now)
    try:
        with database.sessions() as session:
            return {
                table.__tablename__: int(
                    session.scalar(select(func.count()).select_from(table)) or 0
                )
                for table in (ReviewRow, CardStateRow, DailyTopicStatsRow, TopicTotalsRow)
            }
    finally:
        database.close()


def test_upgrading_a_database_with_history_keeps_it_and_fills_the_new_columns(
    tmp_path: Path, now: datetime
) -> None:
    database = open_database(tmp_path, now=now)
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now)
    packs.import_pack(parse_pack_text(TWIN_PACK), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    session = StudyService(database, tz=UTC, rng=random.Random(1)).start(ana.id, now=now)
    for _ in range(5):
        item = session.next_item(now)
        assert item is not None
        session.answer(item, "no idea", now=now, response_ms=500)
        now += timedelta(seconds=30)
    quiz = QuizService(database, tz=UTC).start(
        ana.id, QuizSettings(count=4, topics=(("twin-pack", "alpha"),), seed=2), now=now
    )
    quiz.answer(0, "no idea", now=now, response_ms=500)
    quiz.finish(now)
    database.close()
    before = counts(tmp_path, now)
    assert before["reviews"] == 5

    # Back to the schema before this migration, as an older crisisquiz left it.
    database = open_database(tmp_path, now=now)
    with migration_connection(database.engine) as connection:
        command.downgrade(_alembic_config(connection), "0004")
        assert connection.scalar(text("SELECT topics FROM quiz_attempts")) == '["alpha"]'
        connection.execute(
            text(
                "INSERT INTO learners (name, desired_retention, new_per_day, day_rollover_hour, "
                "quiz_counts_as_review, created_at) VALUES ('Ben', 0.9, 15, 4, 0, :now)"
            ),
            {"now": now.replace(tzinfo=None)},
        )
    database.close()

    upgraded = open_database(tmp_path, now=now)
    assert upgraded.backup is not None and upgraded.backup.exists()
    try:
        with upgraded.sessions() as s:
            uids = list(s.scalars(select(LearnerRow.uid)))
            topics = s.scalar(select(QuizAttemptRow.topics))
            quiz_packs = list(s.scalars(select(QuizAnswerRow.pack_id)))
        learners = LearnerService(upgraded)
        assert learners.by_name("Ana").uid != learners.by_name("Ben").uid
    finally:
        upgraded.close()
    assert len(set(uids)) == 2 and None not in uids
    # The bare "alpha" is paired with the pack its questions came from.
    assert topics == [["twin-pack", "alpha"]]
    assert quiz_packs == ["twin-pack"]
    assert counts(tmp_path, now) == before  # rebuilding learners lost no history
