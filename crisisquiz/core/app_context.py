"""What the window and the command line both need: the data folder, the database, the clock.

Both front ends open the app's data through this one class, so how the database is
found, opened, migrated and seeded with the built-in pack is decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.packs import PackService
from crisisquiz.resources import builtin_pack_path
from crisisquiz.storage.database import Database, open_database


def utc_now() -> datetime:
    """The current time in UTC (the one place the wall clock is read)."""
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Opens the database on first use, with the built-in pack in place."""

    data_dir: Path
    clock: Callable[[], datetime] = utc_now
    _database: Database | None = field(default=None, init=False)

    @property
    def database(self) -> Database:
        """The open database (opened, migrated and seeded on first access)."""
        if self._database is None:
            self._database = open_database(self.data_dir, now=self.clock())
            ensure_builtin_pack(PackService(self._database), builtin_pack_path(), now=self.clock())
        return self._database

    def close(self) -> None:
        """Close the database if it was opened."""
        if self._database is not None:
            self._database.close()
            self._database = None
