"""The per-topic lifetime totals always equal the sums of the daily rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from alembic import command
from engines import reopen
from sqlalchemy import Connection, text

from crisisquiz.storage.database import Database, _alembic_config


@pytest.fixture
def database(engine_database: Database) -> Database:
    """Each test runs on SQLite and on PostgreSQL."""
    return engine_database


COUNTS = ("answers", "correct", "new", "mature", "mature_correct", "time_ms")


def add_learner(connection: Connection, name: str, now: datetime, *, uid: bool = True) -> int:
    """A learner row written by hand; ``uid`` False for a schema before learners had one."""
    columns = "uid, " if uid else ""
    values = ":uid, " if uid else ""
    connection.execute(
        text(
            f"INSERT INTO learners ({columns}name, desired_retention, new_per_day, "
            f"day_rollover_hour, quiz_counts_as_review, created_at) "
            f"VALUES ({values}:name, 0.9, 15, 4, false, :now)"
        ),
        {"uid": uuid.uuid4().hex, "name": name, "now": now.replace(tzinfo=None)},
    )
    return int(connection.scalar(text("SELECT max(id) FROM learners")) or 0)


def add_pack(connection: Connection, now: datetime) -> None:
    """The pack 'p' the daily rows count answers of (figures of a removed pack are dropped)."""
    connection.execute(
        text(
            "INSERT INTO packs (id, title, version, language, authors, description, builtin, "
            "imported_at) VALUES ('p', 'P', '1.0.0', 'en', '[]', '', false, :now)"
        ),
        {"now": now.replace(tzinfo=None)},
    )


def add_day(connection: Connection, learner: int, topic: str, day: date, answers: int) -> None:
    connection.execute(
        text(
            "INSERT INTO daily_topic_stats (learner_id, pack_id, topic_id, day, answers, "
            "correct, new, mature, mature_correct, time_ms) "
            "VALUES (:learner, 'p', :topic, :day, :answers, :answers - 1, 1, 0, 0, :ms)"
        ),
        {"learner": learner, "topic": topic, "day": day, "answers": answers, "ms": 1000 * answers},
    )


def totals(connection: Connection) -> dict[tuple[int, str], tuple[int, ...]]:
    columns = ", ".join(COUNTS)
    rows = connection.execute(
        text(f"SELECT learner_id, topic_id, {columns} FROM topic_totals WHERE answers != 0")
    )
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def sums_of_daily_rows(connection: Connection) -> dict[tuple[int, str], tuple[int, ...]]:
    columns = ", ".join(f"SUM({name})" for name in COUNTS)
    rows = connection.execute(
        text(
            f"SELECT learner_id, topic_id, {columns} FROM daily_topic_stats "
            "GROUP BY learner_id, pack_id, topic_id HAVING SUM(answers) != 0"
        )
    )
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def test_inserts_updates_and_deletes_of_daily_rows_move_the_totals(
    database: Database, now: datetime
) -> None:
    with database.engine.begin() as connection:
        ana = add_learner(connection, "Ana", now)
        ben = add_learner(connection, "Ben", now)
        add_day(connection, ana, "alpha", date(2026, 3, 1), 4)
        add_day(connection, ana, "alpha", date(2026, 3, 2), 6)
        add_day(connection, ana, "beta", date(2026, 3, 2), 2)
        add_day(connection, ben, "alpha", date(2026, 3, 2), 3)
        assert totals(connection)[(ana, "alpha")] == (10, 8, 2, 0, 0, 10_000)
        # An answer, then an undo of another day's answer.
        connection.execute(
            text(
                "UPDATE daily_topic_stats SET answers = answers + 1, time_ms = time_ms + 500 "
                "WHERE learner_id = :ana AND topic_id = 'beta'"
            ),
            {"ana": ana},
        )
        connection.execute(
            text(
                "UPDATE daily_topic_stats SET answers = answers - 1, correct = correct - 1 "
                "WHERE learner_id = :ana AND day = '2026-03-01'"
            ),
            {"ana": ana},
        )
        # A row moved to another topic leaves the old total and joins the new one.
        connection.execute(
            text("UPDATE daily_topic_stats SET topic_id = 'gamma' WHERE learner_id = :ben"),
            {"ben": ben},
        )
        assert totals(connection) == sums_of_daily_rows(connection)
        assert totals(connection)[(ben, "gamma")] == (3, 2, 1, 0, 0, 3000)
        assert (ben, "alpha") not in totals(connection)
        connection.execute(text("DELETE FROM learners WHERE id = :ben"), {"ben": ben})
        connection.execute(
            text("DELETE FROM daily_topic_stats WHERE day = '2026-03-02' AND topic_id = 'alpha'")
        )
        assert totals(connection) == sums_of_daily_rows(connection)
        assert totals(connection) == {
            (ana, "alpha"): (3, 2, 1, 0, 0, 4000),
            (ana, "beta"): (3, 1, 1, 0, 0, 2500),
        }


def test_upgrading_an_older_database_fills_the_totals(
    other_engine_database: Database, now: datetime
) -> None:
    database = other_engine_database
    with database.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0002")
        add_pack(connection, now)
        ana = add_learner(connection, "Ana", now, uid=False)
        add_day(connection, ana, "alpha", date(2026, 3, 1), 4)
        add_day(connection, ana, "alpha", date(2026, 3, 2), 6)
        add_day(connection, ana, "beta", date(2026, 3, 2), 2)
    database.close()
    upgraded = reopen(database, now)
    assert upgraded.backup is not None or upgraded.server is not None
    with upgraded.engine.begin() as connection:
        assert totals(connection) == {
            (ana, "alpha"): (10, 8, 2, 0, 0, 10_000),
            (ana, "beta"): (2, 1, 1, 0, 0, 2000),
        }
        add_day(connection, ana, "beta", date(2026, 3, 3), 5)
        assert totals(connection) == sums_of_daily_rows(connection)
    upgraded.close()
