"""Open the app's SQLite database: pragmas, backup, migration to the current schema.

A school's PostgreSQL database is opened by :mod:`crisisquiz.storage.server`; both
give a :class:`Database`.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from crisisquiz.storage.dialects import SQLITE, EngineRules, rules_of

if TYPE_CHECKING:
    # Alembic is imported only when a schema has to change: loading it (and the SQL
    # dialects it pulls in) costs a large share of the app's start-up.
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from crisisquiz.storage.server import ServerLocation

APP_NAME = "crisisquiz"
DATA_DIR_ENV = "CRISISQUIZ_DATA_DIR"
DATABASE_FILE = "crisisquiz.sqlite3"
BACKUP_DIR = "backups"

# The newest migration in storage/migrations/versions. A database already at this revision
# opens without Alembic; bump it with every new migration (tests/storage checks it is
# Alembic's head, so the two cannot drift apart).
SCHEMA_HEAD = "0008"


class DatabaseError(Exception):
    """The database cannot be opened as it is; the message says why and what to do."""


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
    """A SQLAlchemy engine on the SQLite file at ``path`` with WAL and foreign keys on."""
    engine = create_engine(f"sqlite:///{path}")
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
    server: ServerLocation | None = None

    @property
    def rules(self) -> EngineRules:
        """What this database's engine does its own way (see storage.dialects)."""
        return rules_of(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One session and one transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release every connection (the file can then be copied or removed)."""
        self.engine.dispose()


def open_database(data_dir: Path, *, now: datetime) -> Database:
    """Open (creating if needed) the database in ``data_dir`` and bring its schema to head.

    A database at an older schema is first copied to ``backups/``. A database
    written by a newer version of the app is refused and left untouched.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the data folder {data_dir}: {exc.strerror}") from None
    path = data_dir / DATABASE_FILE
    existed = path.exists() and path.stat().st_size > 0
    current = _current_revision(path) if existed else None
    # The everyday case, a database already at head, needs no Alembic at all.
    backup = None if current == SCHEMA_HEAD else _migrate(path, current, existed=existed, now=now)
    engine = make_engine(path)
    return Database(
        path=path,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        backup=backup,
    )


def _migrate(path: Path, current: str | None, *, existed: bool, now: datetime) -> Path | None:
    """Bring the database at ``path``, at revision ``current``, to head with Alembic.

    Returns the backup made first, if any (a new database has nothing to back up).
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
    if existed and current != head:
        backup = backup_database(path, path.parent / BACKUP_DIR, label=f"before-{head}", now=now)
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


def _current_revision(path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseError(
                    f"{path} is not a crisisquiz database (it has other tables); "
                    "move it away or choose another folder with --data-dir."
                )
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"{path} is not a readable SQLite database ({exc}). Restore a backup "
            f"from the {BACKUP_DIR} folder beside it, or move it away."
        ) from None
    finally:
        connection.close()


def backup_database(path: Path, folder: Path, *, label: str, now: datetime) -> Path:
    """Copy the database at ``path`` into ``folder`` with SQLite's online backup API."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}-{stamp}-{label}.sqlite3"
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target
