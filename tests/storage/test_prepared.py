"""Statements run on the driver store exactly what the ORM stores, in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import bindparam, func, select

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    DailyTopicStatsRow,
    LearnerRow,
    PackRow,
    QuestionRow,
    ReviewRow,
    table_of,
)
from crisisquiz.storage.prepared import (
    Prepared,
    prepared_insert,
    session_cursor,
    write_transaction,
)

REVIEWS = table_of(ReviewRow)
ADD_REVIEW = prepared_insert(REVIEWS, (c.name for c in REVIEWS.c if c.name != "id"), returning="id")
GET_REVIEW = Prepared(
    select(ReviewRow.reviewed_at, ReviewRow.correct, ReviewRow.response, ReviewRow.score).where(
        ReviewRow.id == bindparam("id")
    )
)


@pytest.fixture
def database(engine_database: Database) -> Database:
    """Each test runs on SQLite and on PostgreSQL."""
    return engine_database


@pytest.fixture
def question(database: Database, now: datetime) -> tuple[int, int]:
    """A learner id and a question row id to hang reviews on."""
    with database.transaction() as session:
        session.add(
            PackRow(id="p", title="P", version="1", language="en", authors=[], imported_at=now)
        )
        learner = LearnerRow(uid=uuid.uuid4(), name="Ana", created_at=now)
        row = QuestionRow(
            pack_id="p",
            question_id="q",
            topic_id="t",
            qtype="flashcard",
            position=0,
            difficulty=1,
            body={"id": "q"},
        )
        session.add_all([learner, row])
        session.flush()
        return learner.id, row.id


def review_values(learner_id: int, question_id: int, at: datetime) -> dict[str, object]:
    return {
        "learner_id": learner_id,
        "question_id": question_id,
        "reviewed_at": at,
        "rating": 3,
        "correct": True,
        "score": 0.5,
        "response": {"value": ["Khrushchev", 1962]},
        "response_ms": 1234,
        "previous_state": None,
        "topic_id": "t",
        "pack_id": "p",
        "answer_key": None,
        "pack_version": "1.0.0",
    }


def review_count(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(ReviewRow)) or 0


def test_values_read_back_through_the_orm_as_written(
    database: Database, question: tuple[int, int], now: datetime
) -> None:
    at = now.astimezone(UTC) + timedelta(microseconds=123)
    with write_transaction(database.engine) as cursor:
        review_id = ADD_REVIEW.returned(cursor, review_values(*question, at))
    assert isinstance(review_id, int)
    with database.sessions() as session:
        row = session.get(ReviewRow, review_id)
        assert row is not None
        assert (row.reviewed_at, row.correct, row.response, row.score) == (
            at,
            True,
            {"value": ["Khrushchev", 1962]},
            0.5,
        )
    with write_transaction(database.engine) as cursor:
        assert GET_REVIEW.first(cursor, {"id": review_id}) == (
            at,
            True,
            {"value": ["Khrushchev", 1962]},
            0.5,
        )
        assert GET_REVIEW.first(cursor, {"id": review_id + 1}) is None


def test_dates_are_stored_in_the_orms_format(database: Database, question: tuple[int, int]) -> None:
    daily = table_of(DailyTopicStatsRow)
    add = prepared_insert(daily, (c.name for c in daily.c))
    counts = dict.fromkeys(("answers", "correct", "new", "mature", "mature_correct", "time_ms"), 1)
    with write_transaction(database.engine) as cursor:
        add.run(
            cursor,
            {"learner_id": question[0], "pack_id": "p", "topic_id": "t", "day": date(2026, 3, 2)}
            | counts,
        )
    with database.sessions() as session:
        day = session.scalar(select(DailyTopicStatsRow.day))
        assert day == date(2026, 3, 2)


def test_an_error_rolls_the_whole_transaction_back(
    database: Database, question: tuple[int, int], now: datetime
) -> None:
    def answer_then_fail() -> None:
        with write_transaction(database.engine) as cursor:
            ADD_REVIEW.run(cursor, review_values(*question, now))
            raise RuntimeError("the answer could not be graded")

    with pytest.raises(RuntimeError):
        answer_then_fail()
    assert review_count(database) == 0


def test_a_session_cursor_writes_inside_the_sessions_transaction(
    database: Database, question: tuple[int, int], now: datetime
) -> None:
    def write_then_fail() -> None:
        with database.transaction() as session:
            ADD_REVIEW.run(session_cursor(session), review_values(*question, now))
            raise RuntimeError("fails before the commit")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert review_count(database) == 0
    with database.transaction() as session:
        ADD_REVIEW.run(session_cursor(session), review_values(*question, now))
    assert review_count(database) == 1
