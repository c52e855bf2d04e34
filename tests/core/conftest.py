"""These tests run on both engines: SQLite and a real PostgreSQL server."""

from __future__ import annotations

import pytest

from crisisquiz.storage.database import Database


@pytest.fixture
def database(engine_database: Database) -> Database:
    """The database under test, once per engine."""
    return engine_database
