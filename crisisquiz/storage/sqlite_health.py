"""The SQLite file's health: what it holds before anything is written, and SQLite's errors in words.

Everything here is about the SQLite file on the learner's disk; a school's PostgreSQL
server looks after its own files, and its errors are described beside its engine.

- :func:`inspect_file` looks at a database file before the app writes to it: its
  schema revision, whether it holds anything a person made, and SQLite's own quick
  check of its structure. It opens the file read-write, once, as SQLite expects: a
  journal left by a killed process is rolled back, or a write-ahead log replayed,
  on that first open (a read-only open cannot do either and reports an error).
- :func:`storage_problem` sorts an error from SQLite into what happened (the disk is
  full, the file is read-only, another program holds the lock, the file is damaged),
  and :func:`describe_problem` says it in words for the person at the computer,
  with what to do. A message never advises restoring a backup unless the file
  itself is damaged: advice to throw away a good database would do more harm than
  the error.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.exc import DBAPIError

# The rows a person made: a file with any of them is never set aside or rebuilt. (Packs
# count too, unless it is the built-in one, which the app installs by itself.)
_PEOPLE_QUERIES = {
    "learners": "SELECT 1 FROM learners LIMIT 1",
    "reviews": "SELECT 1 FROM reviews LIMIT 1",
    "quiz_attempts": "SELECT 1 FROM quiz_attempts LIMIT 1",
    "packs": "SELECT 1 FROM packs WHERE NOT builtin LIMIT 1",
}
# How many lines of SQLite's quick check are kept for a message.
_PROBLEMS_KEPT = 5
BUSY_TIMEOUT_S = 5


class Problem(StrEnum):
    """What went wrong with the database file, as far as the person at the computer is concerned."""

    FULL = "full"  # no room left on the disk (or a size limit reached)
    READ_ONLY = "read-only"  # the file or its folder cannot be written
    BUSY = "busy"  # another program held the database for longer than we wait
    DAMAGED = "damaged"  # the file's structure is broken
    NOT_A_DATABASE = "not-a-database"  # the file is not an SQLite database at all
    CANNOT_OPEN = "cannot-open"  # the file or its folder cannot be opened
    DISK = "disk"  # the operating system reported an input/output error
    OTHER = "other"


def _sqlite_error(error: BaseException) -> sqlite3.Error | None:
    if isinstance(error, sqlite3.Error):
        return error
    if isinstance(error, DBAPIError) and isinstance(error.orig, sqlite3.Error):
        return error.orig
    return None


def storage_problem(error: BaseException) -> Problem | None:
    """What an error raised by SQLite (directly or through SQLAlchemy) means, or None."""
    found = _sqlite_error(error)
    if found is None:
        return None
    name = getattr(found, "sqlite_errorname", "") or ""
    text = str(found).lower()
    if name == "SQLITE_FULL" or "disk is full" in text:
        return Problem.FULL
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return Problem.READ_ONLY
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return Problem.BUSY
    if name == "SQLITE_NOTADB" or "file is not a database" in text:
        return Problem.NOT_A_DATABASE
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return Problem.DAMAGED
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or (
        "unable to open" in text
    ):
        return Problem.CANNOT_OPEN
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return Problem.DISK
    return Problem.OTHER


def describe_problem(problem: Problem, path: Path | None = None, detail: str = "") -> str:
    """What happened to the database at ``path``, and what to do, in plain words.

    Without ``path`` the words stay general ("the database", "its folder").
    """
    name = "the database" if path is None else str(path)
    folder = "the data folder" if path is None else str(path.parent)
    said = f" ({detail})" if detail else ""
    if problem is Problem.FULL:
        return (
            f"The disk holding {folder} is full, so crisisquiz could not save. Nothing was "
            "half-saved: what was being saved was left out whole, and everything saved "
            "before is kept. Free some space on the disk and try again."
        )
    if problem is Problem.READ_ONLY:
        if path is not None and not _writable(path.parent):
            return (
                f"crisisquiz cannot write in the folder {folder}: it is read-only for you. "
                "Your data in it is fine. Make the folder writable, or choose another data "
                "folder with --data-dir."
            )
        return (
            f"The database file {name} is read-only, so crisisquiz cannot save to it. Your "
            "data in it is fine. Make the file writable (on Linux or macOS: chmod u+w), or "
            "choose another data folder with --data-dir."
        )
    if problem is Problem.BUSY:
        return (
            "Another crisisquiz (or another program) is writing to the database and did "
            f"not finish within {BUSY_TIMEOUT_S} seconds: a large pack import, perhaps. "
            "Nothing was lost. Try again in a moment."
        )
    if problem is Problem.CANNOT_OPEN:
        if path is not None and not _writable(path.parent):
            return describe_problem(Problem.READ_ONLY, path)
        return (
            f"crisisquiz cannot open {name}{said}. Your data is not changed. Check that the "
            "file and its folder exist and that you may read and write them."
        )
    if problem is Problem.DISK:
        return (
            f"The disk reported an error while crisisquiz read or wrote {name}{said}. "
            "Check that the disk is still attached and working, then try again."
        )
    if problem is Problem.NOT_A_DATABASE:
        return (
            f"{name} is not a crisisquiz database: it is not an SQLite file at all (another "
            "file may have been saved under its name). It has not been changed."
        )
    if problem is Problem.DAMAGED:
        return (
            f"The database {name} is damaged{said}. crisisquiz has not written to it. "
            "Restore the newest good backup with 'crisisquiz db restore --latest' (the "
            "damaged file is kept beside it), or from the window's File menu, Backups."
        )
    return f"crisisquiz could not use {name}{said}."


def explain_storage_error(error: BaseException, path: Path | None = None) -> str | None:
    """:func:`describe_problem` for an error raised by SQLite, or None for any other error."""
    problem = storage_problem(error)
    if problem is None or problem is Problem.OTHER:
        return None
    return describe_problem(problem, path)


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


@dataclass(frozen=True)
class FileState:
    """What a database file holds, seen before anything is written to it."""

    revision: str | None  # the schema revision recorded, None when there is none
    tables: frozenset[str]
    has_rows: bool  # any row at all in a table of the app's
    has_data: bool  # learners, answers, quizzes or packs a person added
    problems: tuple[str, ...]  # from SQLite's quick check; empty when the file is sound

    @property
    def unfinished(self) -> bool:
        """Tables of ours but no schema revision: a first start that was cut short."""
        return self.revision is None and bool(self.tables)


class FileStateError(Exception):
    """The file could not even be inspected; ``problem`` says why."""

    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail


def header_problems(path: Path) -> tuple[str, ...]:
    """What the file's 100-byte header says is wrong with its length, without reading more.

    SQLite records the database's size in pages in its header (valid when the header's
    "version valid for" number equals its change counter). A file shorter than that,
    or not a whole number of pages long, has lost its end: copied half-way, or cut by
    a full disk. This costs one small read, so it runs at every start.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
        size = path.stat().st_size
    except OSError:
        return ()  # SQLite itself will say what is wrong with reading it
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return ()  # not a database at all: SQLite says so
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return (f"its header names an impossible page size ({page_size})",)
    if size % page_size:
        return (f"it is {size:,} bytes long, not a whole number of {page_size}-byte pages",)
    change_counter = int.from_bytes(header[24:28], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    pages = int.from_bytes(header[28:32], "big")
    if change_counter == valid_for and pages * page_size > size:
        return (
            f"it should hold {pages:,} pages but holds {size // page_size:,}: its end is missing",
        )
    return ()


def inspect_file(path: Path, *, quick_check: bool = True) -> FileState:
    """Look at the database at ``path`` without writing anything of the app's to it.

    The header's length check always runs; SQLite's quick check, which reads the whole
    file, when ``quick_check`` is set. Raises :class:`FileStateError` when SQLite cannot
    read the file (not a database, damaged beyond reading its schema, a disk error, a
    lock held too long).
    """
    damage = header_problems(path)
    if damage:
        return FileState(None, frozenset(), False, False, damage)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise FileStateError(storage_problem(exc) or Problem.OTHER, str(exc)) from None
    try:
        listed = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        tables = frozenset(row[0] for row in listed)
        problems = _quick_check(connection) if quick_check else ()
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None or not row[0] else str(row[0])
        ours = frozenset(tables - {"alembic_version", "sqlite_sequence"})
        has_rows = any(_has_row(connection, f'SELECT 1 FROM "{table}" LIMIT 1') for table in ours)
        has_data = any(
            _has_row(connection, query)
            for table, query in _PEOPLE_QUERIES.items()
            if table in tables
        )
        return FileState(revision, ours, has_rows, has_data, problems)
    except sqlite3.Error as exc:
        raise FileStateError(storage_problem(exc) or Problem.OTHER, str(exc)) from None
    finally:
        connection.close()


def _has_row(connection: sqlite3.Connection, query: str) -> bool:
    try:
        return connection.execute(query).fetchone() is not None
    except sqlite3.OperationalError:
        # A table from an unfinished or older schema may lack a column asked for: any row
        # in it counts, to be safe.
        table = query.split(" FROM ", 1)[1].split()[0]
        return connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None


def _quick_check(connection: sqlite3.Connection) -> tuple[str, ...]:
    """SQLite's quick check: the structure of every table and index, in one pass over the file.

    It does not compare indexes with their tables (the full integrity check does), which
    makes it several times faster; what it reports is damage nonetheless.
    """
    rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
    return () if rows == ["ok"] else tuple(rows[:_PROBLEMS_KEPT])


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """SQLite's full integrity check and foreign key check, as sentences; empty when sound."""
    found = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    problems = [] if found == ["ok"] else found
    for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check"):
        problems.append(f"row {rowid} of {table} refers to a missing row of {parent}")
    return problems


def summarise(problems: Iterable[str], limit: int = 3) -> str:
    """The first few problems SQLite found, for a message."""
    listed = list(problems)
    shown = "; ".join(listed[:limit])
    return shown + (f"; and {len(listed) - limit} more" if len(listed) > limit else "")
