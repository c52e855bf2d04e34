"""The migrations upgrade a school's PostgreSQL database that holds data, as they do a
SQLite file (each migration's own test works on a file)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from alembic import command
from engines import PgDatabases
from small_pack import SMALL_PACK
from sqlalchemy import text

from crisisquiz.core.classes import ClassService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.results import export_results, parse_results
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import SCHEMA_HEAD, Database, _alembic_config
from crisisquiz.storage.server import open_server_database

TABLES = (
    "learners",
    "packs",
    "questions",
    "reviews",
    "card_states",
    "quiz_attempts",
    "quiz_answers",
    "daily_topic_stats",
)


def rows(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {t: int(connection.scalar(text(f"SELECT count(*) FROM {t}")) or 0) for t in TABLES}


def totals(database: Database) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        found = connection.execute(text("SELECT * FROM topic_totals ORDER BY 1, 2, 3"))
        return [tuple(row) for row in found]


def test_an_older_school_database_with_answers_upgrades_to_head(
    pg_databases: PgDatabases, pg_fresh: str, now: datetime
) -> None:
    url = pg_databases.url(pg_fresh)
    database = open_server_database(url, now=now)
    try:
        PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now)
        ana = LearnerService(database).create("Ana", now=now)
        session = StudyService(database, tz=UTC, rng=random.Random(4)).start(ana.id, now=now)
        for step in range(8):
            item = session.next_item(now + timedelta(seconds=step))
            assert item is not None
            session.answer(item, "no idea", now=now + timedelta(seconds=step), response_ms=800)
        quiz = QuizService(database, tz=UTC).start(ana.id, QuizSettings(count=2), now=now)
        quiz.answer(0, "no idea", now=now, response_ms=500)
        quiz.finish(now)
        before, before_totals = rows(database), totals(database)
        # Back to the schema of an early version (topic totals did not exist yet).
        with database.engine.begin() as connection:
            command.downgrade(_alembic_config(connection), "0002")
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
    finally:
        database.close()

    upgraded = open_server_database(url, now=now)
    try:
        with upgraded.engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == SCHEMA_HEAD
        assert rows(upgraded) == before
        assert totals(upgraded) == before_totals  # rebuilt from the daily figures
        data = export_results(upgraded, ana.id, now=now, file_id=uuid.uuid4())
        assert len(parse_results(data, source="ana").data.answers) == 9
        # And the app carries on with it: study, classes.
        later = now + timedelta(days=1)
        session = StudyService(upgraded, tz=UTC, rng=random.Random(5)).start(ana.id, now=later)
        item = session.next_item(later)
        assert item is not None
        session.answer(item, "no idea", now=later, response_ms=800)
        ClassService(upgraded).create("7B", now=later)
        assert rows(upgraded)["reviews"] == before["reviews"] + 1
    finally:
        upgraded.close()
