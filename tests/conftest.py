"""Fixtures shared by the whole suite: a fixed clock, a temporary database, a small pack.

``database`` is a fresh SQLite file. The storage and core tests override it with
``engine_database`` (see their conftest.py), so each of their tests runs on SQLite
and on a real PostgreSQL server, started once per test session (tests/pg_server.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from engines import PgDatabases, School, empty_database
from pg_server import TestServer, postgres_required, start_server
from small_pack import CITED_PACK, SMALL_PACK

from crisisquiz.storage.database import Database, open_database

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
ENGINES = ("sqlite", "postgresql")


@pytest.fixture
def now() -> datetime:
    """A fixed moment; tests never read the wall clock."""
    return datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, now: datetime) -> Iterator[Database]:
    """A fresh, migrated database in a temporary folder."""
    db = open_database(tmp_path / "data", now=now)
    yield db
    db.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    """One PostgreSQL server for the whole run; a failure in CI, a skip elsewhere."""
    try:
        server = start_server()
    except (RuntimeError, OSError) as error:
        message = f"no PostgreSQL server for the tests: {error}"
        if postgres_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_databases(pg_server: TestServer) -> PgDatabases:
    """Database making on the session's server."""
    return PgDatabases(pg_server)


@pytest.fixture(scope="session")
def pg_template(pg_databases: PgDatabases) -> str:
    """A database migrated to head, for others to be copied from."""
    from crisisquiz.storage.server import open_server_database

    name = pg_databases.create()
    open_server_database(pg_databases.url(name), now=datetime(2026, 1, 1, tzinfo=UTC)).close()
    return name


@pytest.fixture(scope="session")
def pg_shared(pg_databases: PgDatabases, pg_template: str) -> Iterator[Database]:
    """One migrated database the engine tests share, emptied before each of them."""
    from crisisquiz.storage.server import open_server_database

    name = pg_databases.create(template=pg_template)
    db = open_server_database(pg_databases.url(name), now=datetime(2026, 1, 1, tzinfo=UTC))
    yield db
    db.close()
    pg_databases.drop(name)


@pytest.fixture
def pg_fresh(pg_databases: PgDatabases, pg_template: str) -> Iterator[str]:
    """The name of a new migrated database of its own, dropped afterwards."""
    name = pg_databases.create(template=pg_template)
    yield name
    pg_databases.drop(name)


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """The engine a test runs on: each test using it runs once per engine."""
    return str(request.param)


@pytest.fixture
def engine_database(
    engine_name: str, request: pytest.FixtureRequest, tmp_path: Path, now: datetime
) -> Iterator[Database]:
    """A fresh, migrated database: a SQLite file, or the shared PostgreSQL one emptied."""
    if engine_name == "sqlite":
        db = open_database(tmp_path / "data", now=now)
        yield db
        db.close()
        return
    shared: Database = request.getfixturevalue("pg_shared")
    empty_database(shared)
    yield shared


@pytest.fixture
def other_engine_database(
    engine_name: str, request: pytest.FixtureRequest, tmp_path: Path, now: datetime
) -> Iterator[Database]:
    """A second fresh database on the same engine as ``engine_database``."""
    if engine_name == "sqlite":
        db = open_database(tmp_path / "other", now=now)
    else:
        from crisisquiz.storage.server import open_server_database

        databases: PgDatabases = request.getfixturevalue("pg_databases")
        name = request.getfixturevalue("pg_fresh")
        db = open_server_database(databases.url(name), now=now)
    yield db
    db.close()


@pytest.fixture
def small_pack_text() -> str:
    """The TOML text of a valid pack holding every question type."""
    return SMALL_PACK


@pytest.fixture
def cited_pack_text() -> str:
    """A valid pack with documents, a reference, a quotation, guides and a timeline."""
    return CITED_PACK


@pytest.fixture
def small_pack_file(tmp_path: Path) -> Path:
    """The small pack written to a file."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL_PACK, encoding="utf-8")
    return path


@pytest.fixture
def school(pg_databases: PgDatabases, tmp_path: Path) -> Iterator[School]:
    """A school database after 'server init', with no accounts yet."""
    made = School(pg_databases, tmp_path)
    assert made.run("server", "init") == 0
    yield made
    made.drop()
