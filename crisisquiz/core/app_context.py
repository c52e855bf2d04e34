"""What the window and the command line both need: the data folder, the database, the clock.

Both front ends open the app's data through this one class, so how the database is
found, opened, migrated and seeded with the built-in pack is decided in one place:
here the engine is chosen, a school's PostgreSQL server when a database URL is
given, else the SQLite file in the data folder.
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
from crisisquiz.storage.school import may_manage_packs


def utc_now() -> datetime:
    """The current time in UTC (the one place the wall clock is read)."""
    return datetime.now(UTC)


@dataclass
class AppContext:
    """Opens the database on first use, with the built-in pack in place.

    ``database_url`` (``--database``, ``CRISISQUIZ_DATABASE_URL``) names a PostgreSQL
    database; without it the SQLite file in ``data_dir`` is used.
    """

    data_dir: Path
    clock: Callable[[], datetime] = utc_now
    database_url: str | None = None
    _database: Database | None = field(default=None, init=False)

    @property
    def database(self) -> Database:
        """The open database (opened, migrated and seeded on first access)."""
        if self._database is None:
            self._database = self._open()
            if may_manage_packs(self._database):
                # On a school server pupils cannot write packs: the administrator's
                # 'server init' installs and updates the built-in one for them.
                ensure_builtin_pack(
                    PackService(self._database), builtin_pack_path(), now=self.clock()
                )
        return self._database

    def _open(self) -> Database:
        if self.database_url is None:
            return open_database(self.data_dir, now=self.clock())
        from crisisquiz.storage.server import open_server_database

        return open_server_database(self.database_url, now=self.clock())

    def switch(self, database_url: str | None) -> None:
        """Use another database from now on (signing in to a server, or out of one)."""
        self.close()
        self.database_url = database_url

    def close(self) -> None:
        """Close the database if it was opened."""
        if self._database is not None:
            self._database.close()
            self._database = None
