"""What the window and the command line both need: the data folder, the database, the clock.

Both front ends open the app's data through this one class, so how the database is
found, opened, migrated and seeded with the built-in pack is decided in one place:
here the engine is chosen, a school's PostgreSQL server when a database URL is
given, else the SQLite file in the data folder.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.local_zone import SYSTEM_ZONE
from crisisquiz.core.packs import PackService
from crisisquiz.resources import builtin_pack_path
from crisisquiz.storage.database import DATABASE_FILE, Database, open_database
from crisisquiz.storage.school import may_manage_packs
from crisisquiz.storage.sqlite_backup import BackupError
from crisisquiz.storage.sqlite_health import explain_storage_error

# How often a quiet moment looks whether an automatic backup is due.
BACKUP_CHECK = timedelta(minutes=1)


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
    # What the person should know about how the data was found, said once on opening:
    # handed to ``on_notice`` when set (the command line prints them), else kept in
    # ``notices`` for the window to show.
    notices: list[str] = field(default_factory=list, init=False)
    on_notice: Callable[[str], None] | None = field(default=None, init=False)
    _backup_checked: datetime | None = field(default=None, init=False)

    @property
    def database(self) -> Database:
        """The open database (opened, migrated and seeded on first access)."""
        if self._database is None:
            self._database = self._open()
            # Backups are stamped by the app's clock and thinned on the local calendar.
            self._database.clock = self.clock
            self._database.tz = SYSTEM_ZONE
            for notice in opening_notices(self._database):
                self._tell(notice)
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

    def explain(self, error: BaseException) -> str | None:
        """What a storage error means for the person at the computer, or None if it is none.

        A full disk, a read-only file, a lock held too long or a damaged file each get
        their cause in plain words and what to do; other errors are not the storage's.
        """
        if self.database_url is not None:
            return None  # a server's errors are described beside its engine
        return explain_storage_error(error, self.data_dir / DATABASE_FILE)

    def idle(self) -> None:
        """A quiet moment (the person reading): checkpoint the log, and back up if it is time.

        The backup check runs at most once a minute; the backup itself only every 30
        minutes while the data changes (see :mod:`crisisquiz.core.backups`).
        """
        if self._database is None or self._database.path is None:
            return
        self._database.idle()
        now = self.clock()
        if self._backup_checked is not None and now - self._backup_checked < BACKUP_CHECK:
            return
        self._backup_checked = now
        self._back_up(closing=False)

    def _back_up(self, *, closing: bool) -> None:
        from crisisquiz.core.backups import BackupService  # loaded when it is time to look

        try:
            BackupService(self.data_dir, clock=self.clock, tz=SYSTEM_ZONE).maybe_back_up(
                closing=closing
            )
        except (BackupError, OSError) as exc:
            self._tell(f"The automatic backup could not be made: {exc}")

    def _tell(self, notice: str) -> None:
        if self.on_notice is None:
            self.notices.append(notice)
        else:
            self.on_notice(notice)

    def close(self, *, back_up: bool = False) -> None:
        """Close the database if it was opened, backing it up first if it is time.

        ``back_up`` (the window closing) makes a backup whenever the data changed since
        the last one; otherwise only the 30-minute rule applies.
        """
        if self._database is not None:
            if self._database.path is not None:
                # Never a reason for closing to fail: the log is copied in by the close too.
                with contextlib.suppress(SQLAlchemyError, sqlite3.Error):
                    self._database.idle()
                self._back_up(closing=back_up)
            self._database.close()
            self._database = None


def opening_notices(database: Database) -> list[str]:
    """What opening ``database`` found that the person should hear about."""
    notices = []
    if database.wal_missing and database.path is not None:
        notices.append(
            "crisisquiz was not closed properly last time, and the file holding its most "
            f"recent changes ({database.path.name}-wal) was missing when it started again: "
            "it may have been deleted or left behind when the data folder was copied. The "
            "answers given just before that may be missing. If they matter and the file "
            "can be found, close crisisquiz and put it back beside the database; otherwise "
            "carry on, everything else is in place."
        )
    if database.set_aside is not None:
        notices.append(
            "An earlier first start of crisisquiz was cut short and left an unfinished "
            f"database, with nothing of yours in it; it was set aside as "
            f"{database.set_aside.name} and a new one was made."
        )
    return notices
