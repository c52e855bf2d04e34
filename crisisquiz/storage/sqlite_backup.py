"""Backups of the SQLite file: written with SQLite's online backup API, checked, compressed.

SQLite-specific, beside :mod:`storage.database`; a school's PostgreSQL server is
backed up by its administrator (``pg_dump``), not by the app.

- **Written safely.** SQLite's backup API copies a consistent snapshot of the live
  database, whatever another connection is writing meanwhile; copying the file (and
  its write-ahead log) by hand while it is open can catch it half-written. The copy is
  checked with SQLite's quick check before it counts as a backup, then compressed
  with Zstandard (with its checksum, so damage to the backup itself is found before a
  restore uses it) and moved into place under its final name in one rename: a backup
  file is whole or absent.
- **Described.** Each backup has a small JSON note beside it: when and why it was
  made, how many learners and answers it holds, its schema revision, and a marker of
  its content, so an unchanged database is not backed up twice.
- **Thinned as Anki does.** Every backup from today and yesterday is kept; before
  that the newest of each day for 12 days, of each week for 10 weeks, of each month
  for 9 months (:func:`obsolete_backups`).
- **Restored whole.** A healthy database takes a backup's pages through the same API,
  in one transaction (a restore cut short leaves the database as it was); a damaged
  one is moved aside, with its journal files, and the backup put in its place by one
  rename.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

BACKUP_DIR = "backups"
BACKUP_SUFFIX = ".sqlite3.zst"
NOTE_SUFFIX = ".json"
ZSTD_LEVEL = 3  # fast; databases compress to about a quarter at this level
PERIOD = timedelta(minutes=30)  # at most one automatic backup in this time
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 12, 10, 9

# What a restore unpacks a backup into, beside the database, before it is put in place.
_TRIAL = re.compile(r"^\.(restoring|checking)-crisisquiz-.*\.sqlite3(-journal)?$")
_NAME = re.compile(r"^crisisquiz-(\d{8}T\d{6}(?:\d{6})?)Z-([a-z0-9-]+)\.sqlite3(?:\.zst)?$")


class BackupError(Exception):
    """A backup could not be written, read or restored; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where, when (UTC), why, how big, and what it holds."""

    path: Path
    created: datetime
    reason: str
    size: int
    learners: int | None = None
    answers: int | None = None
    revision: str | None = None
    marker: str | None = None

    @property
    def compressed(self) -> bool:
        """Whether the file is a compressed backup (older ones, from before upgrades, are not)."""
        return self.path.name.endswith(BACKUP_SUFFIX)


def content_marker(connection: sqlite3.Connection) -> str:
    """A short summary of what the database holds, which changes whenever its data does.

    Counts and largest ids of the tables answers, learners and packs live in, and the
    settings: a backup with the same marker as the database needs no successor.
    """
    parts = []
    for table, column in (
        ("learners", "id"),
        ("reviews", "id"),
        ("quiz_attempts", "id"),
        ("quiz_answers", "attempt_id"),
        ("card_states", "question_id"),
        ("questions", "id"),
        ("packs", "version"),
        ("settings", "value"),
    ):
        try:
            count, largest = connection.execute(
                f"SELECT count(*), max({column}) FROM {table}"
            ).fetchone()
        except sqlite3.OperationalError:
            count, largest = None, None
        parts.append(f"{count}:{largest}")
    try:
        profiles = connection.execute(
            "SELECT group_concat(profile, '|') FROM (SELECT name || '/' || desired_retention "
            "|| '/' || new_per_day || '/' || day_rollover_hour AS profile FROM learners "
            "ORDER BY id)"
        ).fetchone()[0]
    except sqlite3.OperationalError:
        profiles = None
    # Names and settings change without a row more: their checksum is in the marker too.
    parts.append(str(zlib.crc32(str(profiles).encode("utf-8"))))
    return "/".join(parts)


def _counts(connection: sqlite3.Connection) -> tuple[int | None, int | None, str | None]:
    def one(query: str) -> int | None:
        try:
            row = connection.execute(query).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else int(row[0])

    learners = one("SELECT count(*) FROM learners")
    reviews = one("SELECT count(*) FROM reviews")
    quiz = one("SELECT count(*) FROM quiz_answers")
    answers = None if reviews is None else reviews + (quiz or 0)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = None if row is None else str(row[0])
    except sqlite3.OperationalError:
        revision = None
    return learners, answers, revision


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f") + "Z"


def _fsync_folder(folder: Path) -> None:
    # Makes the rename durable; folders cannot be opened for this on Windows.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_backup(database: Path, folder: Path, *, reason: str, now: datetime) -> BackupInfo:
    """Back the database at ``database`` up into ``folder``; the new backup's description.

    Raises :class:`BackupError` (nothing left behind) when the copy cannot be made or
    does not pass SQLite's check.
    """
    folder.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(folder, now=now)
    sweep_leftovers(database.parent, now=now)
    taken = {info.created for info in list_backups(folder)}
    while now.astimezone(UTC) in taken:  # two in the same microsecond: both kept, in order
        now += timedelta(microseconds=1)
    name = f"crisisquiz-{_stamp(now)}-{reason}{BACKUP_SUFFIX}"
    final = folder / name
    plain = folder / f".{name}.partial.sqlite3"
    packed = folder / f".{name}.partial"
    try:
        source = sqlite3.connect(database, timeout=5)
        try:
            copy = sqlite3.connect(plain)
            try:
                source.backup(copy)
                # The copy is a file on its own, not a live database: no write-ahead log.
                copy.execute("PRAGMA journal_mode=DELETE")
                problems = [str(row[0]) for row in copy.execute("PRAGMA quick_check")]
                if problems != ["ok"]:
                    raise BackupError(
                        f"the copy of {database.name} did not pass SQLite's check "
                        f"({'; '.join(problems[:3])}); the database itself may be damaged"
                    )
                learners, answers, revision = _counts(copy)
                marker = content_marker(copy)
            finally:
                copy.close()
        finally:
            source.close()
        _compress(plain, packed)
        # Read back once written: the checked copy must come out of the file whole.
        if _decompress(packed, None) != plain.stat().st_size:
            raise BackupError(f"the backup of {database.name} did not read back whole")
        os.replace(packed, final)
        _fsync_folder(folder)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup of {database.name} could not be made ({exc})") from None
    except OSError as exc:
        raise BackupError(
            f"the backup could not be written to {folder} ({exc.strerror or exc})"
        ) from None
    finally:
        plain.unlink(missing_ok=True)
        packed.unlink(missing_ok=True)
    info = BackupInfo(
        path=final,
        created=now.astimezone(UTC),
        reason=reason,
        size=final.stat().st_size,
        learners=learners,
        answers=answers,
        revision=revision,
        marker=marker,
    )
    _write_note(info)
    return info


LEFTOVER_AGE = timedelta(minutes=10)  # far longer than any backup or restore takes


def sweep_leftovers(folder: Path, *, now: datetime) -> list[Path]:
    """Remove what a backup or restore killed half-way left in ``folder``; what was removed.

    Only files of our own temporary names (a dot first), and only old ones: another
    crisisquiz may be writing a backup at this moment.
    """
    gone = []
    for path in folder.glob(".*"):
        if not (
            path.name.endswith((".partial", ".partial.sqlite3", ".partial.sqlite3-journal"))
            or _TRIAL.match(path.name)
        ):
            continue
        with contextlib.suppress(OSError):
            written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if now.astimezone(UTC) - written > LEFTOVER_AGE:
                path.unlink()
                gone.append(path)
    return gone


def _compress(plain: Path, packed: Path) -> None:
    import zstandard  # loaded when a backup is made, not at every start

    compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True)
    with plain.open("rb") as source, packed.open("wb") as target:
        compressor.copy_stream(source, target)
        target.flush()
        os.fsync(target.fileno())


def _note_path(backup: Path) -> Path:
    return backup.with_name(backup.name + NOTE_SUFFIX)


def _write_note(info: BackupInfo) -> None:
    note = asdict(info)
    note["path"] = info.path.name
    note["created"] = info.created.isoformat()
    with contextlib.suppress(OSError):  # the backup is whole without its note
        _note_path(info.path).write_text(json.dumps(note) + "\n", encoding="utf-8")


def _read_note(path: Path, created: datetime, reason: str) -> BackupInfo:
    size = path.stat().st_size
    try:
        note = json.loads(_note_path(path).read_text(encoding="utf-8"))
        return BackupInfo(
            path=path,
            created=created,
            reason=reason,
            size=size,
            learners=note.get("learners"),
            answers=note.get("answers"),
            revision=note.get("revision"),
            marker=note.get("marker"),
        )
    except (OSError, ValueError, AttributeError):
        pass
    if path.name.endswith(BACKUP_SUFFIX):
        return BackupInfo(path, created, reason, size)
    # An uncompressed backup (made before an upgrade by an older crisisquiz): read it.
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            learners, answers, revision = _counts(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return BackupInfo(path, created, reason, size)
    return BackupInfo(path, created, reason, size, learners, answers, revision)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Every backup in ``folder``, newest first (files named otherwise are not backups)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        stamp = match.group(1)
        fmt = "%Y%m%dT%H%M%S%f" if len(stamp) > 15 else "%Y%m%dT%H%M%S"
        try:
            created = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(_read_note(path, created, match.group(2)))
    return sorted(found, key=lambda info: (info.created, info.path.name), reverse=True)


# -- how long backups are kept ----------------------------------------------------------------


def obsolete_backups(
    backups: Iterable[BackupInfo],
    *,
    now: datetime,
    tz: tzinfo,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> list[BackupInfo]:
    """The backups the retention policy no longer keeps (Anki's, on the local calendar).

    Newest first: everything from today and yesterday is kept; then each backup is kept
    if it is the newest of its day (while daily ones are still wanted), else of its
    week, Monday to Sunday (while weekly ones are), else of its month (while monthly
    ones are); the rest go.
    """
    yesterday = (now.astimezone(tz).date() - timedelta(days=1)).toordinal()
    left = {"day": daily, "week": weekly, "month": monthly}
    kept_day = kept_week = kept_month = None
    gone: list[BackupInfo] = []
    for backup in sorted(backups, key=lambda b: b.created, reverse=True):
        local: date = backup.created.astimezone(tz).date()
        day = local.toordinal()
        week = (day - 1) // 7  # ordinal 1 (1 January of year 1) was a Monday
        month = local.year * 12 + local.month
        keep: bool
        if day >= yesterday:
            keep, stage = True, None
        elif left["day"] > 0:
            keep, stage = kept_day is None or day < kept_day, "day"
        elif left["week"] > 0:
            keep, stage = kept_week is None or week < kept_week, "week"
        elif left["month"] > 0:
            keep, stage = kept_month is None or month < kept_month, "month"
        else:
            keep, stage = False, None
        if keep:
            kept_day, kept_week, kept_month = day, week, month
            if stage is not None:
                left[stage] -= 1
        else:
            gone.append(backup)
    return gone


def thin_backups(folder: Path, *, now: datetime, tz: tzinfo) -> list[BackupInfo]:
    """Delete the backups the retention policy no longer keeps; the ones deleted."""
    gone = obsolete_backups(list_backups(folder), now=now, tz=tz)
    for backup in gone:
        backup.path.unlink(missing_ok=True)
        _note_path(backup.path).unlink(missing_ok=True)
    return gone


# -- restoring --------------------------------------------------------------------------------


def unpack(backup: Path, target: Path) -> None:
    """The database in ``backup`` as a plain SQLite file at ``target``, checked.

    Raises :class:`BackupError` when the backup is damaged (its checksum or SQLite's
    check fails) or cannot be read; ``target`` is then removed.
    """
    try:
        if backup.name.endswith(BACKUP_SUFFIX):
            _decompress(backup, target)
        else:
            source_db = sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)
            try:
                copy = sqlite3.connect(target)
                try:
                    source_db.backup(copy)
                finally:
                    copy.close()
            finally:
                source_db.close()
        connection = sqlite3.connect(target)
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
            problems = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
            if problems == ["ok"] and _counts(connection)[2] is None:
                problems = ["it holds no crisisquiz data"]
        finally:
            connection.close()
        if problems != ["ok"]:
            raise BackupError(f"the backup {backup.name} is damaged ({'; '.join(problems[:3])})")
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise BackupError(f"the backup {backup.name} cannot be read ({exc})") from None
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise BackupError(
            f"the backup {backup.name} cannot be read ({exc.strerror or exc})"
        ) from None
    except BackupError:
        target.unlink(missing_ok=True)
        raise


def _decompress(backup: Path, target: Path | None) -> int:
    """Unpack ``backup`` into ``target`` (None: only read it through); the bytes unpacked.

    A damaged or cut-short file raises BackupError: Zstandard checks the content
    against the frame's checksum, but a file cut short simply ends, so the frame
    must also be seen to end.
    """
    import zstandard  # loaded when a backup is read, not at every start

    decompressor = zstandard.ZstdDecompressor().decompressobj()
    unpacked = 0
    with backup.open("rb") as source, contextlib.ExitStack() as stack:
        out = None if target is None else stack.enter_context(target.open("wb"))
        while chunk := source.read(1 << 20):
            try:
                data = decompressor.decompress(chunk)
            except zstandard.ZstdError as exc:
                raise BackupError(f"the backup {backup.name} is damaged ({exc})") from None
            unpacked += len(data)
            if out is not None:
                out.write(data)
    if not decompressor.eof:
        raise BackupError(f"the backup {backup.name} is damaged (it is cut short)")
    return unpacked


def copy_into(unpacked: Path, database: Path) -> None:
    """Replace the content of the healthy live ``database`` with ``unpacked``, in one transaction.

    Other connections see the old content or the new, never a mixture; a restore cut
    short (a kill, a full disk) leaves the database as it was.
    """
    source = sqlite3.connect(unpacked)
    try:
        target = sqlite3.connect(database, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def replace_damaged(unpacked: Path, database: Path, *, now: datetime) -> Path:
    """Put ``unpacked`` in place of the damaged ``database``; where the damaged file went.

    The damaged file and its journal files are kept beside it as
    ``crisisquiz.sqlite3.damaged-STAMP``. The order is such that a restore cut short
    never leaves the folder without a database: the damaged file is still in place
    until the one rename that puts the backup there.
    """
    kept = database.with_name(f"{database.name}.damaged-{_stamp(now)}")
    for suffix in ("-wal", "-shm", "-journal"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            os.replace(companion, kept.with_name(kept.name + suffix))
    try:
        os.link(database, kept)
    except OSError:
        import shutil

        shutil.copy2(database, kept)
    os.replace(unpacked, database)
    _fsync_folder(database.parent)
    return kept
