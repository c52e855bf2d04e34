"""Opening the database: interrupted first starts, leftover journals, damaged and unusual files.

Each case gets its true cause in plain words and what to do, and nothing that holds a
learner's work is written to while it is in doubt.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.operations import Operations
from small_pack import SMALL_PACK
from sqlalchemy import Engine, event, text

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.storage import database as database_module
from crisisquiz.storage.database import (
    DATABASE_FILE,
    SCHEMA_HEAD,
    DamagedDatabaseError,
    DatabaseError,
    open_database,
)


def tables(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in connection.execute("SELECT name FROM sqlite_master"))
    finally:
        connection.close()


@pytest.fixture
def fail_at_sixth_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The first start dies half-way through its schema, as a kill or a full disk would."""
    calls = 0
    original = Operations.create_table

    def create_table(self: Operations, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Operations, "create_table", create_table)
    yield
    monkeypatch.setattr(Operations, "create_table", original)


def test_a_first_start_cut_short_leaves_no_half_schema(
    tmp_path: Path, now: datetime, fail_at_sixth_table: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(OSError, match="No space left"):
        open_database(tmp_path, now=now)
    assert tables(tmp_path / DATABASE_FILE) == []
    monkeypatch.undo()
    for _ in range(2):  # and every later start works, without copies piling up
        database = open_database(tmp_path, now=now)
        LearnerService(database).create(f"Ana {_}", now=now)
        database.close()
    assert "learners" in tables(tmp_path / DATABASE_FILE)
    assert not (tmp_path / "backups").exists()


def limit_pages(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Every connection may grow the file to ``pages`` pages: SQLite then reports a full disk."""
    make_engine = database_module.make_engine

    def limited(path: Path) -> Engine:
        engine = make_engine(path)

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        return engine

    monkeypatch.setattr(database_module, "make_engine", limited)


def test_a_full_disk_on_first_start_is_said_in_words_and_leaves_nothing(
    tmp_path: Path,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from crisisquiz.cli import main

    folder = tmp_path / "data"
    limit_pages(monkeypatch, 12)
    assert main(["--data-dir", str(folder), "learner", "list"]) == 1
    err = capsys.readouterr().err
    assert "is full, so crisisquiz could not save" in err
    assert "Free some space" in err and "Traceback" not in err and "backup" not in err
    assert tables(folder / DATABASE_FILE) == []
    monkeypatch.undo()
    assert main(["--data-dir", str(folder), "learner", "add", "Ana"]) == 0
    assert not (folder / "backups").exists()


def test_an_unfinished_first_start_of_an_older_version_is_set_aside(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / DATABASE_FILE
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    connection.execute("CREATE TABLE packs (id VARCHAR(80) PRIMARY KEY)")
    connection.execute("CREATE TABLE learners (id INTEGER PRIMARY KEY, name VARCHAR(100))")
    connection.commit()
    connection.close()
    ctx = AppContext(tmp_path, clock=lambda: now)
    database = ctx.database  # was: "table learners already exists", at every start
    assert database.set_aside is not None and database.set_aside.exists()
    assert database.set_aside.name == "crisisquiz.sqlite3.unfinished-20260302T150000Z"
    assert any("set aside" in notice for notice in ctx.notices)
    assert PackService(database).list_packs()  # the built-in pack, in a fresh database
    ctx.close()


def test_a_missing_version_row_with_data_is_refused_in_words(tmp_path: Path, now: datetime) -> None:
    database = open_database(tmp_path, now=now)
    LearnerService(database).create("Ana", now=now)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    database.close()
    before = (tmp_path / DATABASE_FILE).read_bytes()
    with pytest.raises(DatabaseError, match="no record of its layout version") as caught:
        open_database(tmp_path, now=now)
    assert "db restore --latest" in str(caught.value)
    assert (tmp_path / DATABASE_FILE).read_bytes() == before


def test_a_journal_left_by_a_killed_process_is_rolled_back(tmp_path: Path, now: datetime) -> None:
    open_database(tmp_path, now=now).close()
    path = tmp_path / DATABASE_FILE
    # A writer in SQLite's rollback mode, killed in the middle of a transaction.
    killed = r"""
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=DELETE")
c.execute("PRAGMA cache_size=2")
c.execute("BEGIN")
for i in range(3000):
    c.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (f"k{i}", "v" * 200))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", killed, str(path)], check=True)
    assert (tmp_path / f"{DATABASE_FILE}-journal").exists()
    database = open_database(tmp_path, now=now)  # was: "not a readable SQLite database"
    with database.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM settings")) == 0
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == SCHEMA_HEAD
    database.close()


def damaged_copy(tmp_path: Path, now: datetime, how: str) -> Path:
    database = open_database(tmp_path, now=now)
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now)
    LearnerService(database).create("Ana", now=now)
    database.close()
    path = tmp_path / DATABASE_FILE
    data = bytearray(path.read_bytes())
    page = 4096
    if how == "overwritten":
        for number in range(3, len(data) // page - 1):
            data[number * page : number * page + 64] = b"\xde\xad\xbe\xef" * 16
    elif how == "truncated":
        del data[len(data) // 2 :]
    else:  # cut at a page boundary: only the header's page count tells
        del data[(len(data) // page // 2) * page :]
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["overwritten", "truncated"])
def test_a_damaged_file_is_refused_and_not_written_to(
    tmp_path: Path, now: datetime, how: str
) -> None:
    path = damaged_copy(tmp_path, now, how)
    before = path.read_bytes()
    with pytest.raises(DamagedDatabaseError) as caught:
        open_database(tmp_path, now=now)
    message = str(caught.value)
    assert "is damaged" in message and "has not written to it" in message
    assert "crisisquiz db restore --latest" in message
    assert caught.value.problems
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_a_read_only_database_file_is_named_and_called_fine(
    tmp_path: Path,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from crisisquiz.cli import main

    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "learner", "add", "Ana"]) == 0
    capsys.readouterr()
    # As root the file system never refuses a write, so SQLite is told the file is read-only.
    make_engine = database_module.make_engine

    def read_only(path: Path) -> Engine:
        engine = make_engine(path)
        event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA query_only=ON"))
        return engine

    monkeypatch.setattr(database_module, "make_engine", read_only)
    assert main(["--data-dir", str(folder), "learner", "add", "Ben"]) == 1
    err = capsys.readouterr().err
    assert "is read-only, so crisisquiz cannot save to it. Your data in it is fine." in err
    assert "restore" not in err and "Traceback" not in err


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="needs file permissions that bind"
)
def test_a_read_only_folder_is_named_and_called_fine(tmp_path: Path, now: datetime) -> None:
    open_database(tmp_path / "data", now=now).close()
    (tmp_path / "data").chmod(0o555)
    try:
        with pytest.raises(DatabaseError, match="cannot write in the folder") as caught:
            open_database(tmp_path / "data", now=now)
        assert "Your data in it is fine" in str(caught.value)
        assert "restore" not in str(caught.value)
    finally:
        (tmp_path / "data").chmod(0o755)


def test_a_vanished_log_after_an_unclean_end_is_reported(tmp_path: Path, now: datetime) -> None:
    database = open_database(tmp_path, now=now)
    LearnerService(database).create("Ana", now=now)
    # Killed: no close. The log is then deleted (or left behind by a copy).
    database.engine.dispose()
    (tmp_path / f"{DATABASE_FILE}-wal").unlink(missing_ok=True)
    ctx = AppContext(tmp_path, clock=lambda: now)
    assert ctx.database.wal_missing
    assert any("most recent changes" in notice for notice in ctx.notices)
    ctx.close()
    # Closed properly this time: the next start says nothing.
    again = AppContext(tmp_path, clock=lambda: now)
    assert not again.database.wal_missing and again.notices == []
    again.close()


def test_a_clean_close_is_recorded(tmp_path: Path, now: datetime) -> None:
    database = open_database(tmp_path, now=now)
    state = tmp_path / f"{DATABASE_FILE}.state"
    assert json.loads(state.read_text())["open"] is True
    database.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [DATABASE_FILE, state.name]
    record = json.loads(state.read_text())
    assert record["open"] is False
    assert record["size"] == (tmp_path / DATABASE_FILE).stat().st_size


def test_a_big_file_is_read_in_full_only_when_it_changed_behind_our_back(
    tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "ALWAYS_CHECK_BYTES", 0)  # every file counts as big
    checked: list[bool] = []
    inspect = database_module.inspect_file

    def spy(path: Path, *, quick_check: bool = True) -> Any:
        checked.append(quick_check)
        return inspect(path, quick_check=quick_check)

    monkeypatch.setattr(database_module, "inspect_file", spy)
    open_database(tmp_path, now=now).close()  # new: nothing to inspect
    (tmp_path / f"{DATABASE_FILE}.state").unlink()  # as a file from elsewhere comes
    open_database(tmp_path, now=now).close()  # no record of how it was left: full
    open_database(tmp_path, now=now).close()  # closed properly, unchanged: header only
    database = open_database(tmp_path, now=now)  # header only
    database.engine.dispose()  # killed: the log makes recovery safe
    open_database(tmp_path, now=now).close()  # header only
    os.utime(tmp_path / DATABASE_FILE, ns=(0, 0))  # changed while crisisquiz was closed
    open_database(tmp_path, now=now).close()  # full
    assert checked == [True, False, False, False, True]


def test_a_file_missing_its_end_is_found_by_its_header_alone(
    tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = damaged_copy(tmp_path, now, "cut at a page")
    monkeypatch.setattr(database_module, "ALWAYS_CHECK_BYTES", 0)
    open_state = tmp_path / f"{DATABASE_FILE}.state"
    found = path.stat()
    open_state.write_text(
        json.dumps({"open": False, "size": found.st_size, "mtime_ns": found.st_mtime_ns})
    )
    with pytest.raises(DamagedDatabaseError, match="its end is missing"):
        open_database(tmp_path, now=now)
