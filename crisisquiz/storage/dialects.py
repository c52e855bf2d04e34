"""What differs between SQLite and PostgreSQL, chosen by dialect in this one module.

SQLite is the embedded default; a school runs PostgreSQL. The models, queries and
migrations are the same for both. What is not (connection set-up, how a write
transaction starts, the triggers keeping ``topic_totals``, elapsed days in SQL, which
errors mean "try again" and which mean "the server is gone") lives here, one class
per engine, so nothing above ``storage/`` asks which engine it runs on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, Float, event, func, select
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

T = TypeVar("T")

# How often a transaction that lost a serialization conflict or a deadlock is run again.
RETRY_ATTEMPTS = 5

_COUNTS = ("answers", "correct", "new", "mature", "mature_correct", "time_ms")
_KEY = ("learner_id", "pack_id", "topic_id")


class ConnectionLost(Exception):
    """The database server could not be reached, or the connection dropped.

    Whatever the interrupted transaction wrote is not known to be saved.
    """


class EngineRules:
    """The behaviour one engine needs; see :class:`SQLiteRules` and :class:`PostgresRules`."""

    name: str = ""

    def configure(self, engine: Engine) -> None:
        """Set up each new connection of ``engine`` (pragmas, session settings)."""

    def begin_write(self, cursor: Any, learner_id: int | None) -> None:
        """Start a write transaction on a driver cursor.

        ``learner_id``, when given, is the learner whose rows the transaction reads and
        then changes: no other transaction may change them in between.
        """
        raise NotImplementedError

    def lock_learner(self, cursor: Any, learner_id: int) -> None:
        """Inside a transaction: hold other writers off this learner's rows until its end."""

    def has_math_functions(self, engine: Engine) -> bool:
        """Whether the engine computes ``pow()`` in SQL."""
        return True

    def topic_totals_triggers(self) -> list[str]:
        """Statements creating the triggers that keep ``topic_totals`` in step."""
        raise NotImplementedError

    def drop_topic_totals_triggers(self) -> list[str]:
        """Statements removing those triggers."""
        raise NotImplementedError

    def is_retryable(self, error: BaseException) -> bool:
        """Whether ``error`` is a conflict that running the transaction again resolves."""
        return False

    def is_connection_lost(self, error: BaseException) -> bool:
        """Whether ``error`` means the connection to the database is gone."""
        return False


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable across application crashes in WAL mode; only power loss can drop
    # the very last commits, which is the usual trade for desktop apps (Anki does the same).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # The app checkpoints the write-ahead log while the person reads (Database.idle), not
    # inside an answer's commit; SQLite's own checkpoint stays as a backstop, at 40 MB of
    # log instead of 4, for a process that never idles (a long import script).
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


class SQLiteRules(EngineRules):
    """One file on the learner's computer, in WAL mode."""

    name = "sqlite"

    def configure(self, engine: Engine) -> None:
        """Foreign keys, WAL and a busy timeout on every connection."""
        event.listen(engine, "connect", _sqlite_pragmas)

    def begin_write(self, cursor: Any, learner_id: int | None) -> None:
        """BEGIN IMMEDIATE takes the write lock (of the whole file) before the first read.

        What the transaction reads (a card's state) then cannot change under it in
        another process.
        """
        cursor.execute("BEGIN IMMEDIATE")

    def has_math_functions(self, engine: Engine) -> bool:
        """Whether this SQLite was built with its math functions, as most are."""
        try:
            with engine.connect() as connection:
                connection.execute(select(func.pow(2.0, 0.5)))
        except OperationalError:
            return False
        return True

    def topic_totals_triggers(self) -> list[str]:
        """Three triggers, one statement list each, on insert, update and delete."""
        bodies = {
            "daily_topic_stats_totals_insert": ("AFTER INSERT", _sqlite_add("NEW", "+")),
            "daily_topic_stats_totals_update": (
                "AFTER UPDATE",
                _sqlite_add("OLD", "-") + " " + _sqlite_add("NEW", "+"),
            ),
            "daily_topic_stats_totals_delete": ("AFTER DELETE", _sqlite_add("OLD", "-")),
        }
        return [
            f"CREATE TRIGGER {name} {when} ON daily_topic_stats BEGIN {body} END"
            for name, (when, body) in bodies.items()
        ]

    def drop_topic_totals_triggers(self) -> list[str]:
        """Drop the three triggers."""
        return [
            f"DROP TRIGGER {name}"
            for name in (
                "daily_topic_stats_totals_insert",
                "daily_topic_stats_totals_update",
                "daily_topic_stats_totals_delete",
            )
        ]

    def is_connection_lost(self, error: BaseException) -> bool:
        """A file cannot drop its connection; its problems are reported as they are."""
        return False


def _sqlite_add(row: str, sign: str) -> str:
    """Statement adding (sign '+') or taking away ('-') a daily row's counts from its totals."""
    if sign == "+":
        columns = ", ".join(_KEY + _COUNTS)
        values = ", ".join(f"{row}.{name}" for name in _KEY + _COUNTS)
        updates = ", ".join(f"{name} = {name} + excluded.{name}" for name in _COUNTS)
        return (
            f"INSERT INTO topic_totals ({columns}) VALUES ({values}) "
            f"ON CONFLICT (learner_id, pack_id, topic_id) DO UPDATE SET {updates};"
        )
    updates = ", ".join(f"{name} = {name} - {row}.{name}" for name in _COUNTS)
    where = " AND ".join(f"{name} = {row}.{name}" for name in _KEY)
    return f"UPDATE topic_totals SET {updates} WHERE {where};"


# SQLSTATEs: serialization_failure and deadlock_detected are resolved by running the
# transaction again; class 08 (connection exception), admin_shutdown, crash_shutdown
# and cannot_connect_now mean the server went away.
_PG_RETRY = frozenset({"40001", "40P01"})
_PG_GONE = frozenset({"57P01", "57P02", "57P03"})


class PostgresRules(EngineRules):
    """A school's shared PostgreSQL server, reached with psycopg 3."""

    name = "postgresql"

    def configure(self, engine: Engine) -> None:
        """Check a pooled connection before use only when it has been idle a while.

        A check is a round trip to the server; on every use it would be two of the
        dozen an answer takes. A connection used in the last few seconds is alive
        (or its failure is reported and the answer sent again); one idle longer may
        have been dropped by a server restart or the network, and is replaced.
        """
        event.listen(engine, "checkout", _check_if_idle)
        event.listen(engine, "checkin", _note_checkin)

    def begin_write(self, cursor: Any, learner_id: int | None) -> None:
        """Lock the learner's row, so that one learner's answers are stored one at a time.

        Two windows of the same pupil answering at once then cannot both read the
        same card state; other pupils are not held up. psycopg opens the transaction
        with the first statement.
        """
        if learner_id is not None:
            self.lock_learner(cursor, learner_id)

    def lock_learner(self, cursor: Any, learner_id: int) -> None:
        """Lock the learner's row until the transaction ends."""
        cursor.execute("SELECT 1 FROM learners WHERE id = %s FOR UPDATE", (learner_id,))

    def topic_totals_triggers(self) -> list[str]:
        """One PL/pgSQL function and one row trigger for insert, update and delete."""
        columns = ", ".join(_KEY + _COUNTS)
        values = ", ".join(f"NEW.{name}" for name in _KEY + _COUNTS)
        adds = ", ".join(f"{name} = topic_totals.{name} + excluded.{name}" for name in _COUNTS)
        takes = ", ".join(f"{name} = topic_totals.{name} - OLD.{name}" for name in _COUNTS)
        where = " AND ".join(f"topic_totals.{name} = OLD.{name}" for name in _KEY)
        function = f"""
CREATE FUNCTION daily_topic_stats_totals() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE topic_totals SET {takes} WHERE {where};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO topic_totals ({columns}) VALUES ({values})
        ON CONFLICT (learner_id, pack_id, topic_id) DO UPDATE SET {adds};
    END IF;
    RETURN NULL;
END
$body$"""
        trigger = (
            "CREATE TRIGGER daily_topic_stats_totals AFTER INSERT OR UPDATE OR DELETE "
            "ON daily_topic_stats FOR EACH ROW EXECUTE FUNCTION daily_topic_stats_totals()"
        )
        return [function, trigger]

    def drop_topic_totals_triggers(self) -> list[str]:
        """Drop the trigger and its function."""
        return [
            "DROP TRIGGER daily_topic_stats_totals ON daily_topic_stats",
            "DROP FUNCTION daily_topic_stats_totals()",
        ]

    def is_retryable(self, error: BaseException) -> bool:
        """Serialization failures and deadlocks."""
        return _sqlstate(error) in _PG_RETRY

    def is_connection_lost(self, error: BaseException) -> bool:
        """Refused, timed out, dropped or shut down."""
        if isinstance(error, DBAPIError):
            if error.connection_invalidated:
                return True
            error = error.orig  # type: ignore[assignment]
        state = _sqlstate(error)
        if state is not None:
            return state.startswith("08") or state in _PG_GONE
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg comes with the server extra
            return False
        # A connection that failed or broke without a server answer has no SQLSTATE.
        return isinstance(error, psycopg.OperationalError)


# A pooled connection idle longer than this is checked before it is used again.
IDLE_CHECK_SECONDS = 5.0


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _check_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    since = record.info.get("idle_since")
    if since is None or time.monotonic() - since < IDLE_CHECK_SECONDS:
        return
    try:
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as error:
        # The pool throws this connection away and opens a new one.
        raise DisconnectionError(str(error)) from error


def _sqlstate(error: BaseException) -> str | None:
    if isinstance(error, DBAPIError):
        error = error.orig  # type: ignore[assignment]
    state = getattr(error, "sqlstate", None)
    return state if isinstance(state, str) else None


SQLITE = SQLiteRules()
POSTGRESQL = PostgresRules()
_RULES: dict[str, EngineRules] = {SQLITE.name: SQLITE, POSTGRESQL.name: POSTGRESQL}


def rules_for(dialect_name: str) -> EngineRules:
    """The rules of the engine SQLAlchemy calls ``dialect_name``."""
    try:
        return _RULES[dialect_name]
    except KeyError:
        raise ValueError(f"crisisquiz does not run on {dialect_name}") from None


def rules_of(engine: Engine) -> EngineRules:
    """The rules of ``engine``'s database."""
    return rules_for(engine.dialect.name)


@dataclass(frozen=True)
class Retry:
    """How a transaction is run again after a conflict: attempts and the first pause."""

    attempts: int = RETRY_ATTEMPTS
    pause: float = 0.005


def retrying(
    rules: EngineRules,
    work: Callable[[], T],
    *,
    policy: Retry = Retry(),
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work`` (one whole transaction), again after a conflict, a bounded number of times.

    A lost connection is raised as :class:`ConnectionLost`; it is never retried here,
    because whether the server committed is unknown: the caller decides (an answer
    carries a key, so sending it again cannot store it twice).
    """
    for attempt in range(1, policy.attempts + 1):
        try:
            return work()
        except Exception as error:
            if rules.is_connection_lost(error):
                raise ConnectionLost(describe_lost(error)) from error
            if attempt < policy.attempts and rules.is_retryable(error):
                sleep(policy.pause * 2 ** (attempt - 1))
                continue
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def describe_lost(error: BaseException) -> str:
    """A sentence for a person about a lost or refused connection."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    first = detail[0] if detail else ""
    return (
        "The school server cannot be reached"
        + (f" ({first})" if first else "")
        + ". Check the network, or ask whoever runs the server."
    )


def connection_problem(error: BaseException) -> str | None:
    """The message for ``error`` if it is a lost or refused connection, else None."""
    if isinstance(error, ConnectionLost):
        return str(error)
    if POSTGRESQL.is_connection_lost(error):
        return describe_lost(error)
    return None


def permission_problem(error: BaseException) -> str | None:
    """The message for ``error`` if the server refused this user the action, else None."""
    if _sqlstate(error) != "42501":  # insufficient_privilege
        return None
    return (
        "the school server does not allow this user to do that "
        "(only teachers and the administrator import or remove packs and manage accounts)"
    )


class whole_days_since(FunctionElement[float]):
    """Whole days from a stored UTC time to ``now``, floored at 0, as SQL.

    Counted as the fsrs library counts them (``timedelta.days``). SQLite keeps times
    as text and counts in Julian days (rounded to its millisecond precision first);
    PostgreSQL subtracts timestamps exactly.
    """

    type = Float()
    inherit_cache = True
    name = "whole_days_since"


@compiles(whole_days_since, "sqlite")
def _days_sqlite(element: whole_days_since, compiler: SQLCompiler, **kw: Any) -> str:
    now, since = (compiler.process(arg, **kw) for arg in element.clauses)
    elapsed_ms = f"CAST(round((julianday({now}) - julianday({since})) * 86400000) AS INTEGER)"
    return f"max(0, {elapsed_ms} / 86400000)"


@compiles(whole_days_since, "postgresql")
def _days_postgres(element: whole_days_since, compiler: SQLCompiler, **kw: Any) -> str:
    now, since = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"GREATEST(0, floor(EXTRACT(EPOCH FROM ({now} - {since})) / 86400))"
