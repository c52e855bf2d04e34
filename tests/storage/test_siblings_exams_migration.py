"""Migration 0010 upgrades a database with data: sibling groups filled, open quizzes abandoned."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from small_pack import SMALL_PACK
from sqlalchemy import select, text

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import _alembic_config, migration_connection, open_database
from crisisquiz.storage.models import (
    CardStateRow,
    ExamPlanRow,
    QuestionRow,
    QuizAttemptRow,
    ReviewRow,
)

GROUPED = SMALL_PACK.replace(
    'id = "mc"\ntopic = "alpha"', 'id = "mc"\ntopic = "alpha"\ngroup = "soviet-leader"'
).replace('id = "sa"\ntopic = "alpha"', 'id = "sa"\ntopic = "alpha"\ngroup = "soviet-leader"')


def test_upgrade_keeps_the_data_and_fills_the_new_columns(tmp_path: Path, now: datetime) -> None:
    database = open_database(tmp_path, now=now)
    PackService(database).import_pack(parse_pack_text(GROUPED), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    session = StudyService(database, tz=UTC, rng=random.Random(2)).start(ana.id, now=now)
    for _ in range(4):
        item = session.next_item(now)
        assert item is not None
        session.answer(item, "no idea", now=now, response_ms=700)
        now += timedelta(seconds=15)
    quizzes = QuizService(database, tz=UTC)
    done = quizzes.start(ana.id, QuizSettings(count=3, seed=1), now=now)
    done.finish(now + timedelta(minutes=2))
    left_open = quizzes.start(ana.id, QuizSettings(count=3, seed=2), now=now)
    with database.sessions() as s:
        reviews = s.scalar(select(text("count(*)")).select_from(ReviewRow))
        cards = sorted(s.scalars(select(CardStateRow.question_id)))
    database.close()

    # A database written before this version: no groups stored, the open quiz left open.
    database = open_database(tmp_path, now=now)
    with migration_connection(database.engine) as connection:
        command.downgrade(_alembic_config(connection), "0009")
    database.close()

    upgraded = open_database(tmp_path, now=now)
    try:
        with upgraded.sessions() as s:
            groups = dict(
                s.execute(select(QuestionRow.question_id, QuestionRow.sibling_group)).all()
            )
            attempts = {
                row.id: (row.finished_at, row.abandoned_at)
                for row in s.scalars(select(QuizAttemptRow))
            }
            assert s.scalar(select(text("count(*)")).select_from(ReviewRow)) == reviews
            assert sorted(s.scalars(select(CardStateRow.question_id))) == cards
            assert list(s.scalars(select(ExamPlanRow))) == []
        assert groups["mc"] == groups["sa"] == "soviet-leader"
        assert groups["tf"] is None
        assert attempts[done.attempt_id][0] is not None
        assert attempts[done.attempt_id][1] is None
        assert attempts[left_open.attempt_id] == (None, left_open.started_at)
    finally:
        upgraded.close()
