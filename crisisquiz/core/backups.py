"""Backups and the way back, as the window and the command line offer them.

What is backed up, when, and where (the README's "Your data" says the same):

- the whole database, with SQLite's online backup API, into ``backups/`` beside it,
  compressed and checked (:mod:`storage.sqlite_backup`);
- automatically at most every 30 minutes while the data changes (and when the window
  closes, if anything changed since the last one), and always just before a change
  that cannot be undone: a schema upgrade, a pack updated or removed, a learner
  removed or reset, a restore;
- kept as Anki keeps them: everything from today and yesterday, then one a day for
  12 days, one a week for 10 weeks, one a month for 9 months.

The service works from the data folder alone, so listing and restoring backups works
when the database itself cannot be opened (it is damaged): that is when they matter.
On a school server the database is the server's, and so are its backups (``pg_dump``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from crisisquiz.storage.database import (
    DATABASE_FILE,
    SCHEMA_HEAD,
    DamagedDatabaseError,
    Database,
    DatabaseError,
    known_revision,
    read_state,
    write_state,
)
from crisisquiz.storage.sqlite_backup import (
    BACKUP_DIR,
    PERIOD,
    BackupError,
    BackupInfo,
    content_marker,
    copy_into,
    list_backups,
    replace_damaged,
    sweep_leftovers,
    thin_backups,
    unpack,
    write_backup,
)
from crisisquiz.storage.sqlite_health import FileStateError, inspect_file, integrity_problems

SERVER_BACKUPS = (
    "On a school server the database, and its backups, are the server's: its "
    "administrator backs it up (with pg_dump) and restores it. crisisquiz keeps backups "
    "only of the data on this computer."
)


_REASONS = {
    "automatic": "automatic",
    "manual": "made by hand",
    "before-restore": "before a restore",
    "before-pack-update": "before a pack update",
    "before-pack-removal": "before a pack was removed",
    "before-learner-removal": "before a learner was removed",
    "before-learner-reset": "before a learner's progress was reset",
}


def describe_reason(reason: str) -> str:
    """Why a backup was made, in words ("before-0009" is an upgrade of the database)."""
    if reason in _REASONS:
        return _REASONS[reason]
    if reason.startswith("before-") and reason[len("before-") :].isdigit():
        return "before an upgrade"
    return reason.replace("-", " ")


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup now in place, and where the file it replaced went."""

    backup: BackupInfo
    safety: BackupInfo | None  # the backup made of the database first, when it was readable
    damaged_kept: Path | None  # the damaged file, kept beside the database, when it was


class BackupService:
    """Backups of the database in ``data_dir``; each call stands on its own."""

    def __init__(self, data_dir: Path, *, clock: Callable[[], datetime], tz: tzinfo) -> None:
        self.data_dir = data_dir
        self.database_path = data_dir / DATABASE_FILE
        self.folder = data_dir / BACKUP_DIR
        self._clock = clock
        self._tz = tz

    # -- looking ----------------------------------------------------------------------------

    def backups(self) -> list[BackupInfo]:
        """Every backup, newest first."""
        return list_backups(self.folder)

    def newest(self) -> BackupInfo | None:
        """The newest backup, or None."""
        backups = self.backups()
        return backups[0] if backups else None

    def newest_good(self) -> BackupInfo | None:
        """The newest backup that is whole, or None: the one to offer when data is damaged.

        Each is tried newest first, as a restore would read it: its checksum and
        SQLite's check must pass. A damaged backup is passed over, never offered.
        """
        for backup in self.backups():
            if self.is_whole(backup):
                return backup
        return None

    def is_whole(self, backup: BackupInfo) -> bool:
        """Whether ``backup`` can be restored: it unpacks and passes SQLite's check."""
        trial = self.data_dir / f".checking-{backup.path.name}.sqlite3"
        try:
            unpack(backup.path, trial)
        except BackupError:
            return False
        finally:
            trial.unlink(missing_ok=True)
        return True

    # -- making -----------------------------------------------------------------------------

    def back_up(self, reason: str = "manual") -> BackupInfo:
        """A backup now, whatever the last one holds; older ones thinned afterwards."""
        if not self.database_path.exists():
            raise BackupError(f"there is no database in {self.data_dir} to back up yet")
        info = write_backup(self.database_path, self.folder, reason=reason, now=self._clock())
        thin_backups(self.folder, now=self._clock(), tz=self._tz)
        return info

    def changed_since_backup(self) -> bool:
        """Whether the database holds something the newest backup does not."""
        newest = self.newest()
        if newest is None:
            return True
        return newest.marker != self._marker()

    def _marker(self) -> str | None:
        try:
            connection = sqlite3.connect(self.database_path, timeout=5)
            try:
                return content_marker(connection)
            finally:
                connection.close()
        except sqlite3.Error:
            return None

    def maybe_back_up(self, *, closing: bool = False) -> BackupInfo | None:
        """The automatic backup: made when the data changed and the last one is old enough.

        Old enough: 30 minutes since the newest backup (or since crisisquiz first saw
        this database, when there is none). ``closing`` (the window closing) needs only
        a change since the newest backup.
        """
        if not self.database_path.exists():
            return None
        now = self._clock()
        newest = self.newest()
        since = newest.created if newest is not None else _first_seen(self.database_path, now)
        if not closing and now - since < PERIOD:
            return None
        if not self.changed_since_backup():
            return None
        return self.back_up("automatic")

    # -- checking ---------------------------------------------------------------------------

    def check(self) -> list[str]:
        """What is wrong with the database, in sentences; empty when all is well.

        SQLite's full integrity check and foreign keys, then the app's own rules: every
        derived figure equals what it is counted from, and every card state, review and
        quiz answer names a question that exists.
        """
        if not self.database_path.exists():
            return [f"there is no database in {self.data_dir}"]
        try:
            connection = sqlite3.connect(self.database_path, timeout=5)
        except sqlite3.Error as exc:
            return [f"the database cannot be opened ({exc})"]
        try:
            problems = integrity_problems(connection)
            if problems:
                return problems  # the app's rules cannot be read from a damaged file
            return list(_invariant_problems(connection))
        except sqlite3.DatabaseError as exc:
            return [f"the database cannot be read ({exc})"]
        finally:
            connection.close()

    # -- restoring --------------------------------------------------------------------------

    def restore(self, backup: BackupInfo, database: Database | None = None) -> Restored:
        """Put ``backup`` in place of the database, keeping what is there now.

        The database is first backed up itself (reason ``before-restore``) when it can be
        read; a damaged one is kept beside it instead. ``database``, when open, has its
        connections closed first; open it again afterwards. A backup written by a newer
        crisisquiz is refused, and so is a damaged one: nothing is changed then.
        """
        sweep_leftovers(self.data_dir, now=self._clock())
        staging = self.data_dir / f".restoring-{backup.path.name}.sqlite3"
        unpack(backup.path, staging)
        try:
            revision = _revision(staging)
            if revision is not None and revision != SCHEMA_HEAD and not known_revision(revision):
                raise BackupError(
                    f"the backup {backup.path.name} was written by a newer version of "
                    "crisisquiz; install that version to restore it"
                )
            if database is not None:
                database.close()
            damaged = self._damaged()
            safety = None
            kept = None
            if damaged or not self.database_path.exists():
                if self.database_path.exists():
                    kept = replace_damaged(staging, self.database_path, now=self._clock())
                else:
                    staging.replace(self.database_path)
            else:
                safety = write_backup(
                    self.database_path, self.folder, reason="before-restore", now=self._clock()
                )
                copy_into(staging, self.database_path)
            write_state(self.database_path, is_open=False, now=self._clock())
        finally:
            staging.unlink(missing_ok=True)
        return Restored(backup, safety, kept)

    def _damaged(self) -> bool:
        if not self.database_path.exists():
            return False
        try:
            return bool(inspect_file(self.database_path).problems)
        except FileStateError:
            return True


def _revision(path: Path) -> str | None:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _first_seen(path: Path, now: datetime) -> datetime:
    state = read_state(path) or {}
    seen = state.get("first_seen")
    if isinstance(seen, str):
        try:
            return datetime.fromisoformat(seen)
        except ValueError:
            pass
    return now


_COUNTS = ("answers", "correct", "new", "mature", "mature_correct", "time_ms")
_KEY = "learner_id, pack_id, topic_id"


def _invariant_problems(connection: sqlite3.Connection) -> list[str]:
    """The app's own rules that SQLite cannot check: derived figures equal their sources."""
    problems: list[str] = []
    sums = ", ".join(f"SUM({name}) AS {name}" for name in _COUNTS)
    differs = " OR ".join(f"COALESCE(t.{n}, 0) != COALESCE(d.{n}, 0)" for n in _COUNTS)
    daily = f"SELECT {_KEY}, {sums} FROM daily_topic_stats GROUP BY {_KEY}"
    for table_a, table_b in (("topic_totals", f"({daily})"), (f"({daily})", "topic_totals")):
        # Both ways round: a totals row with no daily rows, and daily rows with no totals.
        t, d = ("t", "d") if table_a == "topic_totals" else ("d", "t")
        for learner, pack, topic in connection.execute(
            f"SELECT {t}.learner_id, {t}.pack_id, {t}.topic_id FROM {table_a} {t} "
            f"LEFT JOIN {table_b} {d} USING ({_KEY}) WHERE {differs}"
        ):
            problem = (
                f"the lifetime totals of learner {learner} in {pack}/{topic} differ from "
                "the sum of their daily figures"
            )
            if problem not in problems:
                problems.append(problem)
    for learner, pack, topic, counted, listed in connection.execute(
        f"""
        SELECT d.learner_id, d.pack_id, d.topic_id, d.answers, COALESCE(r.n, 0)
        FROM (SELECT {_KEY}, SUM(answers) AS answers FROM daily_topic_stats
              GROUP BY {_KEY}) d
        LEFT JOIN (SELECT {_KEY}, count(*) AS n FROM reviews GROUP BY {_KEY}) r
          USING ({_KEY})
        WHERE d.answers != COALESCE(r.n, 0)
        """
    ):
        problems.append(
            f"the daily figures of learner {learner} in {pack}/{topic} count {counted} "
            f"answers, but {listed} are stored"
        )
    for table in ("card_states", "reviews", "quiz_answers"):
        (orphans,) = connection.execute(
            f"SELECT count(*) FROM {table} WHERE question_id NOT IN (SELECT id FROM questions)"
        ).fetchone()
        if orphans:
            problems.append(f"{orphans} row(s) of {table} name a question that does not exist")
    (gone,) = connection.execute(
        "SELECT count(*) FROM daily_topic_stats WHERE pack_id NOT IN (SELECT id FROM packs)"
    ).fetchone()
    if gone:
        problems.append(f"{gone} daily figure(s) count answers of a pack that is not installed")
    return problems


__all__ = [
    "SERVER_BACKUPS",
    "BackupError",
    "BackupInfo",
    "BackupService",
    "DamagedDatabaseError",
    "DatabaseError",
    "Restored",
    "describe_reason",
]
