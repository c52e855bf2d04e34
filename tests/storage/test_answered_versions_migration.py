"""Migration 0009 on a database with answers: each gets the installed pack version, quiz
answers a rating, and the pack's version is listed as one the database has had."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from fsrs import Rating
from small_pack import SMALL_PACK
from sqlalchemy import select, text

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import _alembic_config, migration_connection, open_database
from crisisquiz.storage.models import PackVersionRow, QuizAnswerRow, ReviewRow


def test_upgrading_fills_versions_and_ratings(tmp_path: Path, now: datetime) -> None:
    database = open_database(tmp_path, now=now)
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    session = StudyService(database, tz=UTC, rng=random.Random(1)).start(ana.id, now=now)
    item = session.next_item(now)
    assert item is not None and item.question.id == "fc"
    session.answer(item, Rating.Good, now=now, response_ms=500)
    quiz = QuizService(database, tz=UTC).start(ana.id, QuizSettings(count=9, seed=1), now=now)
    given = {}
    for position, quiz_item in enumerate(quiz.items):
        question = quiz_item.question
        if question.id == "fc":
            given[position] = Rating.Easy
        elif question.id == "tf":
            given[position] = True  # right
        elif question.id == "ms":
            given[position] = frozenset({"Turkey"})  # partly right
        else:
            given[position] = "no idea"  # wrong
    for position, response in given.items():
        quiz.answer(position, response, now=now, response_ms=500)
    with migration_connection(database.engine) as connection:
        command.downgrade(_alembic_config(connection), "0008")
        assert connection.scalar(text("SELECT count(*) FROM quiz_answers")) == 9
    database.close()

    upgraded = open_database(tmp_path, now=now)
    try:
        with upgraded.sessions() as s:
            versions = s.execute(select(PackVersionRow.pack_id, PackVersionRow.version)).all()
            reviews = s.scalars(select(ReviewRow.pack_version)).all()
            ratings = dict(
                s.execute(
                    select(QuizAnswerRow.position, QuizAnswerRow.rating).order_by(
                        QuizAnswerRow.position
                    )
                ).all()
            )
            quiz_versions = set(s.scalars(select(QuizAnswerRow.pack_version)))
    finally:
        upgraded.close()
    assert ("test-pack", "1.0.0") in versions
    assert reviews == ["1.0.0"] and quiz_versions == {"1.0.0"}
    by_question = {quiz.items[p].question.id: rating for p, rating in ratings.items()}
    assert by_question["fc"] == Rating.Easy  # the learner's own rating
    assert by_question["tf"] == Rating.Good
    assert by_question["ms"] == Rating.Hard
    assert by_question["mc"] == Rating.Again
