"""Statements compiled once and run straight on the SQLite driver, for the answer path.

Answering a question runs a handful of one-row statements. Through SQLAlchemy each
costs 30-60 microseconds of Python (execution context, result objects), several times
what SQLite needs to run it. Here a Core statement is compiled once and its columns'
own type processors are kept, so values are stored exactly as SQLAlchemy would store
them (UTC datetimes, JSON, booleans), and reading them back through the models gives
the same objects.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

_Processor = Callable[[Any], Any] | None
_SQLITE = sqlite.dialect()


class Prepared:
    """A Core statement compiled for one dialect, run with plain DB-API calls.

    Parameters are given by bind name, as with SQLAlchemy; a SELECT's rows come
    back as tuples converted by the selected columns' types.
    """

    def __init__(self, statement: ClauseElement) -> None:
        """Compile ``statement`` (with named bind parameters) for the SQLite driver."""
        dialect = _SQLITE
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = compiled.string
        names = compiled.positiontup or []
        self._binds: list[tuple[str, _Processor]] = [
            (name, _bind_processor(compiled.binds[name].type, dialect)) for name in names
        ]
        selected = getattr(statement, "selected_columns", ())
        self._results: list[_Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in selected
        ]

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        """The positional parameters for ``values``, converted for storage."""
        return [
            value if process is None else process(value)
            for name, process in self._binds
            for value in (values[name],)
        ]

    def run(self, cursor: sqlite3.Cursor, values: Mapping[str, Any]) -> sqlite3.Cursor:
        """Execute with ``values``; the cursor gives ``rowcount`` and ``lastrowid``."""
        return cursor.execute(self.sql, self.parameters(values))

    def run_many(self, cursor: sqlite3.Cursor, rows: Iterable[Mapping[str, Any]]) -> None:
        """Execute once per row of values, in one driver call."""
        cursor.executemany(self.sql, (self.parameters(values) for values in rows))

    def first(self, cursor: sqlite3.Cursor, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of a SELECT, its values converted as the ORM would, or None."""
        row = cursor.execute(self.sql, self.parameters(values)).fetchone()
        return None if row is None else self._convert(row)

    def rows(self, cursor: sqlite3.Cursor, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of a SELECT, converted as the ORM would."""
        return [self._convert(row) for row in cursor.execute(self.sql, self.parameters(values))]

    def _convert(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for value, process in zip(row, self._results, strict=True)
        )


def prepared_insert(table: Table, columns: Iterable[str]) -> Prepared:
    """An INSERT into ``table`` of ``columns``, each bound to the parameter of its name."""
    return Prepared(insert(table).values({name: bindparam(name) for name in columns}))


def _bind_processor(type_: Any, dialect: Dialect) -> _Processor:
    # The dialect's own implementation: the generic Date has no processor, SQLite's does.
    return cast(_Processor, type_.dialect_impl(dialect).bind_processor(dialect))


def session_cursor(session: Session) -> sqlite3.Cursor:
    """A driver cursor on the session's connection, inside the session's transaction."""
    driver = session.connection().connection.driver_connection
    return cast(sqlite3.Connection, driver).cursor()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[sqlite3.Cursor]:
    """A driver cursor in a write transaction: committed on success, else rolled back.

    BEGIN IMMEDIATE takes the write lock before the first read, so what is read in
    the transaction (a card's state) cannot change under it in another process.
    """
    connection = engine.raw_connection()
    try:
        driver = cast(sqlite3.Connection, connection.driver_connection)
        cursor = driver.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            driver.rollback()
            raise
        driver.commit()
    finally:
        connection.close()  # back to the pool


@contextmanager
def read_cursor(engine: Engine) -> Iterator[sqlite3.Cursor]:
    """A driver cursor for reading, its connection back in the pool afterwards."""
    connection = engine.raw_connection()
    try:
        yield cast(sqlite3.Connection, connection.driver_connection).cursor()
    finally:
        connection.close()
