"""Open the app's SQLite database: checks, pragmas, backup, migration to the current schema.

Opening is careful, because everything a learner did is in this one file:

- the file is looked at before anything is written (:mod:`storage.sqlite_health`): a
  damaged file is refused with :class:`DamagedDatabaseError` and never written to, a
  read-only file or folder is named as such, and a file from a newer crisisquiz is
  left as it is;
- a new database gets its whole schema in one transaction, and so does every
  migration: a start killed half-way (or a full disk) leaves the file as it was
  before, never half a schema. A first start that an older crisisquiz left
  unfinished (tables, no schema revision, nothing a person made) is set aside and
  started again;
- a file with learners or answers is backed up before its schema changes.

A school's PostgreSQL database is opened by :mod:`crisisquiz.storage.server`; both
give a :class:`Database`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from crisisquiz.storage.dialects import SQLITE, EngineRules, rules_of
from crisisquiz.storage.json_text import json_text
from crisisquiz.storage.sqlite_backup import (
    BACKUP_DIR,
    BackupError,
    content_marker,
    list_backups,
    thin_backups,
    write_backup,
)
from crisisquiz.storage.sqlite_health import (
    FileState,
    FileStateError,
    Problem,
    describe_problem,
    inspect_file,
    summarise,
)

if TYPE_CHECKING:
    # Alembic is imported only when a schema has to change: loading it (and the SQL
    # dialects it pulls in) costs a large share of the app's start-up.
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from crisisquiz.storage.server import ServerLocation

# Writes to the log (about one per answer) between the checkpoints made in quiet moments.
IDLE_CHECKPOINT_WRITES = 250

APP_NAME = "crisisquiz"
DATA_DIR_ENV = "CRISISQUIZ_DATA_DIR"
DATABASE_FILE = "crisisquiz.sqlite3"

# The newest migration in storage/migrations/versions. A database already at this revision
# opens without Alembic; bump it with every new migration (tests/storage checks it is
# Alembic's head, so the two cannot drift apart).
SCHEMA_HEAD = "0011"


# Beside the database: whether a session has it open (still "open" at the next start
# means the last one did not close properly, see Database.wal_missing) and, after a
# proper close, the file's size and time, so a file changed while crisisquiz was not
# running (copied in, restored by hand, touched by another program) is checked in full.
STATE_SUFFIX = ".state"
WAL_SUFFIX = "-wal"
# Files up to this size get SQLite's full quick check at every start: it reads the whole
# file, about 20 ms for a few megabytes, but seconds for a collection of a million answers.
ALWAYS_CHECK_BYTES = 64 * 1024 * 1024


class DatabaseError(Exception):
    """The database cannot be opened as it is; the message says why and what to do."""


class DamagedDatabaseError(DatabaseError):
    """The database file is damaged: it was not written to, and a backup can replace it.

    ``problems`` holds the first things SQLite's check found.
    """

    def __init__(self, path: Path, problems: tuple[str, ...]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(describe_problem(Problem.DAMAGED, path, summarise(problems)))


def resolve_data_dir(
    explicit: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The data folder: ``--data-dir``, else ``CRISISQUIZ_DATA_DIR``, else the user data folder."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit.expanduser()
    if env.get(DATA_DIR_ENV):
        return Path(env[DATA_DIR_ENV]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _alembic_config(connection: Any = None) -> Config:
    from alembic.config import Config

    # Alembic's default stdout is whatever sys.stdout was when it was first imported, which
    # is now late and arbitrary (a test's captured stream, say): pass the current one.
    config = Config(stdout=sys.stdout)
    script_location = resources.files("crisisquiz.storage") / "migrations"
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    return config


def _migration_scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str:
    """The schema revision this version of the app writes, as Alembic's scripts say."""
    head = _migration_scripts().get_current_head()
    assert head is not None
    return head


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this app's migrations (else a newer app wrote it)."""
    from alembic.util.exc import CommandError

    try:
        return _migration_scripts().get_revision(revision) is not None
    except CommandError:
        return False


def upgrade_to_head(connection: Connection) -> None:
    """Run every migration the database on ``connection`` lacks (inside its transaction)."""
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")


def make_engine(path: Path) -> Engine:
    """A SQLAlchemy engine on the SQLite file at ``path`` with WAL and foreign keys on.

    JSON columns are written by :func:`~crisisquiz.storage.json_text.json_text`: the
    text ``json.dumps`` writes, in less time.
    """
    engine = create_engine(f"sqlite:///{path}", json_serializer=json_text)
    SQLITE.configure(engine)
    return engine


@dataclass
class Database:
    """An open database: the engine and a factory for sessions.

    ``path`` is the SQLite file; a school server's database has ``server`` instead.
    """

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    backup: Path | None = None  # the backup made before a migration, if one ran
    # The last session did not close properly and its write-ahead log (the -wal file,
    # which holds the newest answers until they are copied into the database) was gone
    # at this start: the most recent answers may be missing.
    wal_missing: bool = False
    set_aside: Path | None = None  # an unfinished first start moved out of the way
    server: ServerLocation | None = None
    # When and on which calendar backups are made and thinned (the app sets its own).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    tz: tzinfo = UTC
    _last_write: int = field(default=-1, init=False, repr=False)  # the log's mtime, seen idle
    _writes: int = field(default=0, init=False, repr=False)  # log changes since a checkpoint

    @property
    def rules(self) -> EngineRules:
        """What this database's engine does its own way (see storage.dialects)."""
        return rules_of(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One session and one transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def safety_backup(self, reason: str) -> Path | None:
        """Before a change that cannot be undone: back the database up; the backup made.

        Nothing is made when the newest backup holds the same data already (two changes
        in a row), nor for a school server's database, which its administrator backs up.
        A backup that cannot be made stops the change with :class:`DatabaseError`.
        """
        if self.path is None:
            return None
        folder = self.path.parent / BACKUP_DIR
        newest = list_backups(folder)[:1]
        if newest and newest[0].marker is not None:
            connection = sqlite3.connect(self.path, timeout=5)
            try:
                unchanged = newest[0].marker == content_marker(connection)
            finally:
                connection.close()
            if unchanged:
                return None
        try:
            made = write_backup(self.path, folder, reason=reason, now=self.clock())
            thin_backups(folder, now=self.clock(), tz=self.tz)
        except BackupError as exc:
            raise DatabaseError(
                f"nothing was changed, because no backup could be made: {exc}"
            ) from None
        return made.path

    def idle(self) -> None:
        """Work for a quiet moment, while the person reads or thinks: a WAL checkpoint.

        Answers are appended to the write-ahead log; copying them into the database
        file (a checkpoint) takes several milliseconds and two syncs to the disk. SQLite
        would otherwise do it inside the commit of whichever answer crossed its line
        (every thousand pages), and that answer would take several times as long as the
        others; here it is done between answers instead (passively: it never waits for,
        or holds up, another reader or writer). Not after every answer: once the log has
        been copied in, the next commit starts it afresh and syncs its header, so each
        checkpoint costs one answer a sync; every :data:`IDLE_CHECKPOINT_WRITES` writes
        keeps that to a few answers in a thousand.
        """
        if self.path is None:
            return
        try:
            written = _wal_path(self.path).stat().st_mtime_ns
        except OSError:
            return
        if written == self._last_write:
            return
        self._last_write = written
        self._writes += 1
        if self._writes < IDLE_CHECKPOINT_WRITES:
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        self._writes = 0

    def close(self) -> None:
        """Release every connection (the file can then be copied or removed).

        The last connection to close copies the write-ahead log into the database and
        deletes it; once it is gone the session counts as closed properly.
        """
        self.engine.dispose()
        if self.path is not None and not _wal_path(self.path).exists():
            write_state(self.path, is_open=False, now=self.clock())


def open_database(data_dir: Path, *, now: datetime) -> Database:
    """Open (creating if needed) the database in ``data_dir`` and bring its schema to head.

    The file is checked first (:func:`storage.sqlite_health.inspect_file`); a damaged
    one raises :class:`DamagedDatabaseError` and is not written to. A database with
    learners or answers at an older schema is first copied to ``backups/``. A database
    written by a newer version of the app is refused and left untouched.
    """
    _make_folder(data_dir)
    path = data_dir / DATABASE_FILE
    record = read_state(path)
    wal_missing = record is not None and record.get("open") is True
    wal_missing = wal_missing and not _wal_path(path).exists()
    state = _inspect(path, _full_check_needed(path, record)) if _holds_something(path) else None
    set_aside = None
    if state is not None and state.unfinished and not state.has_data:
        # A first start cut short by an older crisisquiz: nothing a person made is in it.
        set_aside = _move_aside(path, "unfinished", now=now)
        state = None
    current = None if state is None else state.revision
    # The everyday case, a database already at head, needs no Alembic at all.
    backup = None
    if current != SCHEMA_HEAD:
        backup = _migrate(path, current, has_rows=state is not None and state.has_rows, now=now)
    engine = make_engine(path)
    write_state(path, is_open=True, now=now)
    return Database(
        path=path,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        backup=backup,
        wal_missing=wal_missing,
        set_aside=set_aside,
    )


def _make_folder(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the data folder {data_dir}: {exc.strerror}. Choose another "
            "folder with --data-dir."
        ) from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise DatabaseError(describe_problem(Problem.READ_ONLY, data_dir / DATABASE_FILE))


def _holds_something(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from None


def _inspect(path: Path, full_check: bool) -> FileState:
    """The file's state, or the plain reason it cannot be used as it is."""
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseError(describe_problem(Problem.READ_ONLY, path))
    try:
        state = inspect_file(path, quick_check=full_check)
    except FileStateError as exc:
        if exc.problem is Problem.DAMAGED:
            raise DamagedDatabaseError(path, (exc.detail,)) from None
        raise DatabaseError(describe_problem(exc.problem, path, exc.detail)) from None
    if state.problems:
        raise DamagedDatabaseError(path, state.problems)
    foreign = state.tables - _our_tables()
    if state.revision is None and foreign:
        raise DatabaseError(
            f"{path} is not a crisisquiz database (it has other tables); move it away or "
            "choose another folder with --data-dir."
        )
    if state.unfinished and state.has_data:
        raise DatabaseError(
            f"{path} holds learners or answers but no record of its layout version, so "
            "crisisquiz cannot tell how to read it. It has not been changed. Restore the "
            "newest backup with 'crisisquiz db restore --latest'."
        )
    return state


def _our_tables() -> set[str]:
    from crisisquiz.storage.models import Base

    return set(Base.metadata.tables)


def _wal_path(path: Path) -> Path:
    return path.with_name(path.name + WAL_SUFFIX)


def _state_path(path: Path) -> Path:
    return path.with_name(path.name + STATE_SUFFIX)


def read_state(path: Path) -> dict[str, Any] | None:
    """The record :func:`write_state` keeps beside the database, or None."""
    try:
        record = json.loads(_state_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def write_state(path: Path, *, is_open: bool, now: datetime) -> None:
    """Record beside the database whether a session has it open, and its size after a close.

    The record also keeps when crisisquiz first saw this database: the automatic
    backups count their first 30 minutes from then.
    """
    before = read_state(path) or {}
    record: dict[str, Any] = {"open": is_open}
    record["first_seen"] = before.get("first_seen") or now.isoformat()
    if is_open:
        record["pid"] = os.getpid()
    else:
        try:
            found = path.stat()
        except OSError:
            return
        record.update(size=found.st_size, mtime_ns=found.st_mtime_ns)
    # Only the start-up checks read it: never a reason to fail.
    with contextlib.suppress(OSError):
        _state_path(path).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _full_check_needed(path: Path, record: dict[str, Any] | None) -> bool:
    """Whether SQLite's quick check (a read of the whole file) runs at this start.

    Always for a file of ordinary size. For a big one: when crisisquiz has no record of
    closing it (it came from elsewhere, or this is the first start of a version that
    keeps records), or when it changed since crisisquiz closed it. After a crash the
    write-ahead log makes recovery safe, so a crash alone does not cost a full read.
    """
    try:
        found = path.stat()
    except OSError:
        return True
    if found.st_size <= ALWAYS_CHECK_BYTES or record is None:
        return True
    if record.get("open") is True:
        return False
    return (record.get("size"), record.get("mtime_ns")) != (found.st_size, found.st_mtime_ns)


def _move_aside(path: Path, why: str, *, now: datetime) -> Path:
    """Rename the database (with its journal files) to ``NAME.why-STAMP``; the new name."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    os.replace(path, target)
    return target


def _migrate(path: Path, current: str | None, *, has_rows: bool, now: datetime) -> Path | None:
    """Bring the database at ``path``, at revision ``current``, to head with Alembic.

    Returns the backup made first, if any: an empty database is not backed up (it has
    nothing to lose, and a first start that fails must not leave a copy each time it is
    tried again).
    """
    from alembic.util.exc import CommandError

    script = _migration_scripts()
    head = script.get_current_head()
    assert head is not None
    if current is not None:
        try:
            known = script.get_revision(current)
        except CommandError:
            known = None
        if known is None:
            raise DatabaseError(
                f"{path} was written by a newer version of crisisquiz (schema {current}). "
                "It has not been changed. Install the newer version, or open another data "
                "folder with --data-dir."
            )
    backup = None
    if has_rows and current != head:
        try:
            made = write_backup(path, path.parent / BACKUP_DIR, reason=f"before-{head}", now=now)
        except BackupError as exc:
            raise DatabaseError(
                f"{path} was not upgraded, because it could not be backed up first: {exc}"
            ) from None
        backup = made.path
    engine = make_engine(path)
    try:
        with migration_connection(engine) as connection:
            upgrade_to_head(connection)
    finally:
        engine.dispose()
    return backup


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for schema changes, with foreign keys unenforced.

    SQLite changes a table by copying it into a new one and dropping the old; with
    foreign keys enforced, dropping a parent (learners, say) would delete every row
    that refers to it. So, as SQLite's own procedure for schema changes says,
    enforcement is off while migrating (the pragma only takes effect outside a
    transaction) and every key is checked before the transaction commits.
    """
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                # The driver starts a transaction only before INSERT, UPDATE and DELETE;
                # CREATE, ALTER and DROP would each commit on their own, and a start killed
                # half-way would leave half a schema. SQLite's BEGIN holds them all.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseError(
                        f"the schema change would leave {len(broken)} broken reference(s) "
                        f"(the first in table {broken[0][0]}); nothing has been changed"
                    )
        finally:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
