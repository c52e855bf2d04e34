"""Statements compiled once and run straight on the database driver, for the answer path.

Answering a question runs a handful of one-row statements. Through SQLAlchemy each
costs 30-60 microseconds of Python (execution context, result objects), several times
what SQLite needs to run it. Here a Core statement is compiled once per engine kind
and its columns' own type processors are kept, so values are stored exactly as
SQLAlchemy would store them (UTC datetimes, JSON, booleans), and reading them back
through the models gives the same objects. The same statements run on SQLite's
driver and on psycopg (PostgreSQL); :class:`DriverCursor` carries which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from crisisquiz.storage.dialects import EngineRules, retrying, rules_for

_Processor = Callable[[Any], Any] | None
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DriverCursor:
    """A DB-API cursor (sqlite3 or psycopg) and the SQLAlchemy dialect of its engine."""

    raw: Any
    dialect: Dialect

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        return int(self.raw.rowcount)


@dataclass(slots=True)
class _Form:
    """A statement compiled for one dialect.

    The result processors are made on the first rows read: some need the type the
    driver reports for the column (psycopg's numeric types).
    """

    sql: str
    binds: tuple[tuple[str, str, _Processor], ...]  # value name, driver name, processor
    positional: bool
    selected: tuple[Any, ...]
    dialect: Dialect
    results: tuple[_Processor, ...] | None = None

    def processors(self, description: Sequence[Any] | None) -> tuple[_Processor, ...]:
        if self.results is None:
            codes = (
                [None] * len(self.selected) if description is None else [d[1] for d in description]
            )
            self.results = tuple(
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, code)
                for column, code in zip(self.selected, codes, strict=True)
            )
        return self.results


class Prepared:
    """A Core statement compiled for each dialect it meets, run with plain DB-API calls.

    Parameters are given by bind name, as with SQLAlchemy; a SELECT's rows come
    back as tuples converted by the selected columns' types.
    """

    def __init__(self, statement: ClauseElement, *, returning: Sequence[Any] = ()) -> None:
        """Keep ``statement`` (with named bind parameters); it is compiled on first use.

        ``returning`` lists the columns an INSERT ... RETURNING gives back.
        """
        self._statement = statement
        self._selected = tuple(getattr(statement, "selected_columns", ())) or tuple(returning)
        self._forms: dict[str, _Form] = {}

    def _form(self, dialect: Dialect) -> _Form:
        form = self._forms.get(dialect.name)
        if form is None:
            form = self._forms[dialect.name] = self._compile(dialect)
        return form

    def _compile(self, dialect: Dialect) -> _Form:
        compiled = cast(SQLCompiler, self._statement.compile(dialect=dialect))
        positional = compiled.positiontup is not None
        names = compiled.positiontup if positional else list(compiled.binds)
        # A named paramstyle (psycopg's) takes values by their escaped names.
        escaped: dict[str, str] = dict(compiled.escaped_bind_names or {})
        binds = tuple(
            (name, escaped.get(name, name), _bind_processor(compiled.binds[name].type, dialect))
            for name in names or ()
        )
        return _Form(compiled.string, binds, positional, self._selected, dialect)

    def parameters(self, cursor: DriverCursor, values: Mapping[str, Any]) -> Any:
        """The driver's parameters for ``values``, converted for storage."""
        form = self._form(cursor.dialect)
        return _parameters(form, values)

    def run(self, cursor: DriverCursor, values: Mapping[str, Any]) -> DriverCursor:
        """Execute with ``values``; the cursor gives ``rowcount``."""
        form = self._form(cursor.dialect)
        cursor.raw.execute(form.sql, _parameters(form, values))
        return cursor

    def run_columns(self, cursor: DriverCursor, columns: Mapping[str, Sequence[Any]]) -> None:
        """Execute once per row, in one driver call, with the values given column by column.

        ``columns`` maps each bind name to its values, one per row, all of one length
        (ValueError otherwise). Each column is converted for storage in one pass and
        the rows are zipped together in C: per value this costs a fraction of building
        and converting a mapping for every row.
        """
        form = self._form(cursor.dialect)
        converted = [
            values if process is None else list(map(process, values))
            for name, _driver_name, process in form.binds
            for values in (columns[name],)
        ]
        if form.positional:
            rows: list[Any] = list(zip(*converted, strict=True))
        else:
            names = [driver_name for _name, driver_name, _process in form.binds]
            rows = [dict(zip(names, row, strict=True)) for row in zip(*converted, strict=True)]
        cursor.raw.executemany(form.sql, rows)

    def first(self, cursor: DriverCursor, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of a SELECT (or of RETURNING), converted as the ORM would, or None."""
        form = self._form(cursor.dialect)
        raw = cursor.raw.execute(form.sql, _parameters(form, values))
        row = raw.fetchone()
        return None if row is None else _convert(form.processors(raw.description), row)

    def returned(self, cursor: DriverCursor, values: Mapping[str, Any]) -> Any:
        """Execute an INSERT made with ``returning`` and give back the returned value."""
        form = self._form(cursor.dialect)
        # All rows are read, so SQLite's statement is finished before the commit.
        raw = cursor.raw.execute(form.sql, _parameters(form, values))
        rows = raw.fetchall()
        return _convert(form.processors(raw.description), rows[0])[0]

    def rows(self, cursor: DriverCursor, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of a SELECT, converted as the ORM would."""
        form = self._form(cursor.dialect)
        raw = cursor.raw.execute(form.sql, _parameters(form, values))
        rows = raw.fetchall()
        processors = form.processors(raw.description)
        return [_convert(processors, row) for row in rows]


def _parameters(form: _Form, values: Mapping[str, Any]) -> Any:
    if form.positional:
        return [
            value if process is None else process(value)
            for name, _driver_name, process in form.binds
            for value in (values[name],)
        ]
    return {
        driver_name: value if process is None else process(value)
        for name, driver_name, process in form.binds
        for value in (values[name],)
    }


def _convert(processors: tuple[_Processor, ...], row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(
        value if process is None else process(value)
        for value, process in zip(row, processors, strict=True)
    )


def prepared_insert(
    table: Table, columns: Iterable[str], *, returning: str | None = None
) -> Prepared:
    """An INSERT into ``table`` of ``columns``, each bound to the parameter of its name.

    With ``returning``, the statement gives back that column of the new row (its id):
    :meth:`Prepared.first` reads it on both engines.
    """
    statement = insert(table).values({name: bindparam(name) for name in columns})
    if returning is None:
        return Prepared(statement)
    column = table.c[returning]
    return Prepared(statement.returning(column), returning=(column,))


def _bind_processor(type_: Any, dialect: Dialect) -> _Processor:
    # The dialect's own implementation: the generic Date has no processor, SQLite's does.
    return cast(_Processor, type_.dialect_impl(dialect).bind_processor(dialect))


def session_cursor(session: Session) -> DriverCursor:
    """A driver cursor on the session's connection, inside the session's transaction."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    return DriverCursor(driver.cursor(), connection.dialect)


def engine_rules(engine: Engine) -> EngineRules:
    """The dialect rules for ``engine`` (see :mod:`crisisquiz.storage.dialects`)."""
    return rules_for(engine.dialect.name)


@contextmanager
def write_transaction(engine: Engine, *, learner_id: int | None = None) -> Iterator[DriverCursor]:
    """A driver cursor in a write transaction: committed on success, else rolled back.

    ``learner_id`` names the learner whose rows the transaction reads and then
    changes; no other writer changes them in between (on SQLite the whole database
    is locked for writing, on PostgreSQL that learner's row).
    """
    rules = engine_rules(engine)
    connection = engine.raw_connection()
    try:
        driver = connection.driver_connection
        assert driver is not None
        cursor = DriverCursor(driver.cursor(), engine.dialect)
        try:
            rules.begin_write(cursor.raw, learner_id)
            yield cursor
        except BaseException as error:
            _rollback(driver, rules, error)
            raise
        driver.commit()
    except BaseException as error:
        if rules.is_connection_lost(error):
            connection.invalidate()  # never hand a dead connection out again
        raise
    finally:
        connection.close()  # back to the pool


def _rollback(driver: Any, rules: EngineRules, error: BaseException) -> None:
    if rules.is_connection_lost(error):
        return  # nothing to roll back on a dead connection: the server already has
    try:
        driver.rollback()
    except Exception as rollback_error:
        if not rules.is_connection_lost(rollback_error):
            raise


def run_write(
    engine: Engine, work: Callable[[DriverCursor], T], *, learner_id: int | None = None
) -> T:
    """``work`` in a :func:`write_transaction`, run again after a conflict (bounded).

    A lost connection raises :class:`~crisisquiz.storage.dialects.ConnectionLost`.
    """

    def once() -> T:
        with write_transaction(engine, learner_id=learner_id) as cursor:
            return work(cursor)

    return retrying(engine_rules(engine), once)


@contextmanager
def read_cursor(engine: Engine) -> Iterator[DriverCursor]:
    """A driver cursor for reading, its connection back in the pool afterwards."""
    rules = engine_rules(engine)
    connection = engine.raw_connection()
    try:
        driver = connection.driver_connection
        assert driver is not None
        yield DriverCursor(driver.cursor(), engine.dialect)
    except BaseException as error:
        if rules.is_connection_lost(error):
            connection.invalidate()
        raise
    finally:
        connection.close()
