"""Fixtures shared by the whole suite: a fixed clock, a temporary database, a small pack."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from small_pack import CITED_PACK, SMALL_PACK

from crisisquiz.storage.database import Database, open_database

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"


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
