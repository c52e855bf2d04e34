"""Run crisisquiz with numbered points at which a test kills it (kill -9).

    python tests/kill_child.py TARGET [crisisquiz's arguments...]

Every SQL statement SQLite runs for the app (a commit is the statement COMMIT), every step of
SQLite's backup API (made 8 pages long, so a copy has many steps) and every rename a
backup or a restore makes is a point, numbered from 1 in the order they happen. At
point TARGET the process writes ``@@point TARGET what`` on stderr and stops itself
(SIGSTOP): the test then kills it exactly there, in the middle of whatever it was
doing, without guessing at times. With TARGET 0 nothing stops, each point is written
as ``@@at N what`` and ``@@points N`` ends the run: the map a test chooses from.

Nothing else changes: the app runs its own command line on its own files.
"""

from __future__ import annotations

import atexit
import os
import signal
import sqlite3
import sys
import types
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from crisisquiz.cli import main
from crisisquiz.core import backups
from crisisquiz.storage import sqlite_backup

TARGET = int(sys.argv[1])
_count = 0
_backups = 0


def point(what: str) -> None:
    """One more point; stop here if it is the one the test chose."""
    global _count
    _count += 1
    if TARGET == 0:
        sys.stderr.write(f"@@at {_count} {what}\n")
    elif _count == TARGET:
        sys.stderr.write(f"@@point {_count} {what}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSTOP)  # the test's kill -9 arrives while stopped


def _statement(sql: str) -> None:
    words = sql.split(None, 1)
    point(f"sql {words[0] if words else ''}")


@event.listens_for(Engine, "connect")
def _traced(dbapi_connection: Any, _record: Any) -> None:
    # On the driver's connection: the answer path runs its statements there directly.
    dbapi_connection.set_trace_callback(_statement)


class _SteppingConnection(sqlite3.Connection):
    """A connection whose backups go 8 pages a step, each step a point."""

    def backup(self, target: sqlite3.Connection, **options: Any) -> None:
        global _backups
        _backups += 1
        number = _backups
        given = options.pop("progress", None)

        def step(status: int, remaining: int, total: int) -> None:
            point(f"backup {number} step: {remaining} of {total} pages left")
            if given is not None:
                given(status, remaining, total)

        super().backup(target, pages=8, progress=step, **options)


def _connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    kwargs.setdefault("factory", _SteppingConnection)
    connection: sqlite3.Connection = sqlite3.connect(*args, **kwargs)
    connection.set_trace_callback(_statement)
    return connection


def _renaming(name: str) -> Any:
    real = getattr(os, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        point(f"before {name} to {os.path.basename(str(args[1]))}")
        result = real(*args, **kwargs)
        point(f"after {name}")
        return result

    return call


_sqlite = types.ModuleType("sqlite3")
_sqlite.__dict__.update(sqlite3.__dict__)
_sqlite.connect = _connect  # type: ignore[attr-defined]
_os = types.ModuleType("os")
_os.__dict__.update(os.__dict__)
_os.replace = _renaming("replace")  # type: ignore[attr-defined]
_os.link = _renaming("link")  # type: ignore[attr-defined]
sqlite_backup.sqlite3 = _sqlite  # type: ignore[attr-defined]
backups.sqlite3 = _sqlite  # type: ignore[attr-defined]
sqlite_backup.os = _os  # type: ignore[attr-defined]

if TARGET == 0:
    atexit.register(lambda: sys.stderr.write(f"@@points {_count}\n"))

raise SystemExit(main(sys.argv[2:]))
