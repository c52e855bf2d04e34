"""The database file: schema at head, pragmas, refusing newer files, backups."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from crisisquiz.storage.database import (
    DATABASE_FILE,
    SCHEMA_HEAD,
    Database,
    DatabaseError,
    _alembic_config,
    head_revision,
    open_database,
    resolve_data_dir,
)
from crisisquiz.storage.sqlite_backup import unpack, write_backup


def test_empty_database_upgraded_to_head_matches_the_models(database: Database) -> None:
    with database.engine.begin() as connection:
        command.check(_alembic_config(connection))  # raises when models and schema differ
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()


def test_wal_and_foreign_keys_are_on(database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1


def test_reopening_at_head_makes_no_backup(tmp_path: Path, now: datetime) -> None:
    open_database(tmp_path, now=now).close()
    again = open_database(tmp_path, now=now)
    assert again.backup is None
    again.close()
    assert not (tmp_path / "backups").exists()


def test_schema_head_is_the_newest_migration() -> None:
    # Databases at SCHEMA_HEAD open without Alembic: a new migration must move it too.
    assert head_revision() == SCHEMA_HEAD


def test_opening_a_database_at_head_leaves_alembic_unloaded(tmp_path: Path, now: datetime) -> None:
    open_database(tmp_path, now=now).close()
    # A new interpreter: this one has imported Alembic already.
    code = (
        "import sys; from datetime import UTC, datetime; from pathlib import Path; "
        "from crisisquiz.storage.database import open_database; "
        "open_database(Path(sys.argv[1]), now=datetime.now(UTC)).close(); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


def test_older_database_is_backed_up_then_migrated(tmp_path: Path, now: datetime) -> None:
    db = open_database(tmp_path, now=now)
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO settings (key, value) VALUES ('theme', 'dark')"))
        command.downgrade(_alembic_config(connection), "-1")
        older = connection.scalar(text("SELECT version_num FROM alembic_version"))
    db.close()
    assert older != SCHEMA_HEAD
    again = open_database(tmp_path, now=now)
    with again.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == SCHEMA_HEAD
    again.close()
    assert again.backup is not None
    assert again.backup.parent == tmp_path / "backups"
    assert again.backup.name.endswith(f"-before-{SCHEMA_HEAD}.sqlite3.zst")
    plain = tmp_path / "unpacked.sqlite3"
    unpack(again.backup, plain)
    copy = sqlite3.connect(plain)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (older,)
    copy.close()


def test_newer_database_is_refused_untouched(tmp_path: Path, now: datetime) -> None:
    db = open_database(tmp_path, now=now)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed9999'"))
    db.close()
    path = tmp_path / DATABASE_FILE
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version of crisisquiz"):
        open_database(tmp_path, now=now)
    assert path.read_bytes() == before


def test_foreign_database_and_garbage_file_are_refused(tmp_path: Path, now: datetime) -> None:
    path = tmp_path / DATABASE_FILE
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseError, match="not a crisisquiz database"):
        open_database(tmp_path, now=now)
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseError, match="not an SQLite file at all"):
        open_database(tmp_path, now=now)


def test_backup_is_a_readable_copy(database: Database, tmp_path: Path, now: datetime) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO settings (key, value) VALUES ('theme', 'dark')"))
    made = write_backup(database.path, tmp_path / "backups", reason="manual", now=now)
    assert made.path.name == "crisisquiz-20260302T150000000000Z-manual.sqlite3.zst"
    plain = tmp_path / "unpacked.sqlite3"
    unpack(made.path, plain)
    connection = sqlite3.connect(plain)
    assert connection.execute("SELECT value FROM settings").fetchone() == ("dark",)
    connection.close()


def test_data_dir_resolution(tmp_path: Path) -> None:
    assert (
        resolve_data_dir(tmp_path / "a", {"CRISISQUIZ_DATA_DIR": str(tmp_path / "b")})
        == tmp_path / "a"
    )
    assert resolve_data_dir(None, {"CRISISQUIZ_DATA_DIR": str(tmp_path / "b")}) == tmp_path / "b"
    assert resolve_data_dir(None, {}).name == "crisisquiz"
