"""Backups: made before every change that cannot be undone and every 30 minutes of change,
kept as Anki keeps them, checked, listed with what they hold, and restored whole."""

from __future__ import annotations

import errno
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from small_pack import SMALL_PACK

from crisisquiz.core.backups import BackupService, describe_reason
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.study import StudyService
from crisisquiz.storage import sqlite_backup
from crisisquiz.storage.database import DATABASE_FILE, Database, DatabaseError, open_database
from crisisquiz.storage.sqlite_backup import (
    BackupError,
    BackupInfo,
    obsolete_backups,
    unpack,
)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(now: datetime) -> Clock:
    return Clock(now)


@pytest.fixture
def data(tmp_path: Path, clock: Clock) -> Path:
    """A data folder with the small pack and Ana, who answered four questions."""
    folder = tmp_path / "data"
    database = open_database(folder, now=clock())
    database.clock = clock
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=clock())
    ana = LearnerService(database).create("Ana", now=clock())
    study(database, ana.id, clock(), 4)
    database.close()
    return folder


def study(database: Database, learner_id: int, now: datetime, answers: int) -> None:
    session = StudyService(database, tz=UTC, rng=random.Random(2)).start(learner_id, now=now)
    for _ in range(answers):
        item = session.next_item(now)
        assert item is not None
        session.answer(item, "no idea", now=now, response_ms=900)
        now += timedelta(seconds=10)


def opened(folder: Path, clock: Clock) -> Database:
    database = open_database(folder, now=clock())
    database.clock = clock
    return database


def service(folder: Path, clock: Clock) -> BackupService:
    return BackupService(folder, clock=clock, tz=UTC)


def answers_in(folder: Path) -> int:
    connection = sqlite3.connect(folder / DATABASE_FILE)
    try:
        return int(connection.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        connection.close()


# -- the policy --------------------------------------------------------------------------------


def info(created: datetime) -> BackupInfo:
    return BackupInfo(Path(f"b-{created.isoformat()}"), created, "automatic", 1)


def test_thinning_keeps_today_and_yesterday_then_12_days_10_weeks_9_months() -> None:
    now = datetime(2026, 6, 15, 20, 0, tzinfo=UTC)  # a Monday
    backups = [info(now - timedelta(hours=h)) for h in range(0, 48, 6)]  # today, yesterday
    backups += [info(now - timedelta(days=d, hours=h)) for d in range(2, 400) for h in (1, 9)]
    gone = {b.created for b in obsolete_backups(backups, now=now, tz=UTC)}
    kept = sorted((b.created for b in backups if b.created not in gone), reverse=True)
    recent = [k for k in kept if k.date() >= (now - timedelta(days=1)).date()]
    assert len(recent) == 8  # nothing from today or yesterday goes
    older = kept[len(recent) :]
    assert len(older) == 12 + 10 + 9
    days = [k.date() for k in older[:12]]
    assert days == [(now - timedelta(days=d)).date() for d in range(2, 14)]  # newest of each
    assert all(k.hour == 19 for k in older[:12])  # the later of the two that day
    weeks = {k.isocalendar()[:2] for k in older[12:22]}
    assert len(weeks) == 10
    months = {(k.year, k.month) for k in older[22:]}
    assert len(months) == 9
    assert len(gone) == len(backups) - len(kept)


def test_reasons_read_as_words() -> None:
    assert describe_reason("before-0009") == "before an upgrade"
    assert describe_reason("before-learner-removal") == "before a learner was removed"
    assert describe_reason("manual") == "made by hand"


# -- made before what cannot be undone ------------------------------------------------------------


def test_every_change_that_cannot_be_undone_is_backed_up_first(data: Path, clock: Clock) -> None:
    database = opened(data, clock)
    packs, learners = PackService(database), LearnerService(database)
    learners.create("Ben", now=clock())
    clock.now += timedelta(minutes=1)
    newer = SMALL_PACK.replace('version = "1.0.0"', 'version = "1.1.0"')
    packs.import_pack(parse_pack_text(newer), now=clock())
    clock.now += timedelta(minutes=1)
    learners.reset_progress(learners.by_name("Ana").id)
    clock.now += timedelta(minutes=1)
    learners.remove("Ben")
    clock.now += timedelta(minutes=1)
    packs.remove_pack("test-pack")
    database.close()
    made = service(data, clock).backups()
    assert [b.reason for b in made] == [
        "before-pack-removal",
        "before-learner-removal",
        "before-learner-reset",
        "before-pack-update",
    ]
    # Each holds the data as it was just before its change.
    assert [(b.learners, b.answers) for b in made] == [(1, 0), (2, 0), (2, 4), (2, 4)]


def test_a_change_whose_backup_cannot_be_written_is_not_made(
    data: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_plain: Path, _packed: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sqlite_backup, "_compress", disk_full)
    before = (data / DATABASE_FILE).read_bytes()
    database = opened(data, clock)
    with pytest.raises(DatabaseError, match="nothing was changed") as refused:
        PackService(database).remove_pack("test-pack")
    assert "No space left on device" in str(refused.value)
    with pytest.raises(DatabaseError, match="nothing was changed"):
        LearnerService(database).remove("Ana")
    database.close()
    assert (data / DATABASE_FILE).read_bytes() == before
    assert answers_in(data) == 4
    # Nothing half-written is left among the backups.
    assert list((data / "backups").iterdir()) == []


def test_a_backup_is_read_back_after_writing_and_a_bad_write_is_not_kept(
    data: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    compress = sqlite_backup._compress

    def lossy_disk(plain: Path, packed: Path) -> None:
        compress(plain, packed)
        packed.write_bytes(packed.read_bytes()[:-100])  # the end never reached the disk

    monkeypatch.setattr(sqlite_backup, "_compress", lossy_disk)
    with pytest.raises(BackupError, match="cut short"):
        service(data, clock).back_up()
    assert list((data / "backups").iterdir()) == []


def test_nothing_is_backed_up_twice_when_nothing_changed(data: Path, clock: Clock) -> None:
    database = opened(data, clock)
    learners = LearnerService(database)
    learners.create("Ben", now=clock())
    learners.create("Cy", now=clock())
    clock.now += timedelta(seconds=1)
    learners.remove("Ben")  # backed up
    learners.create("Ben", now=clock())
    clock.now += timedelta(seconds=1)
    learners.remove("Cy")  # changed since: backed up again
    assert len(service(data, clock).backups()) == 2
    database.close()
    clock.now += timedelta(seconds=1)
    stored = service(data, clock)
    stored.back_up("manual")
    clock.now += timedelta(seconds=1)
    database = opened(data, clock)
    LearnerService(database).remove("Ben")  # the manual backup holds exactly this: not again
    database.close()
    reasons = [b.reason for b in stored.backups()]
    assert reasons == ["manual", "before-learner-removal", "before-learner-removal"]


# -- made every 30 minutes of change ----------------------------------------------------------


def test_automatic_backups_every_30_minutes_while_the_data_changes(
    data: Path, clock: Clock
) -> None:
    backups = service(data, clock)
    assert backups.maybe_back_up() is None  # crisisquiz saw this database moments ago
    clock.now += timedelta(minutes=31)
    first = backups.maybe_back_up()
    assert first is not None and first.reason == "automatic"
    clock.now += timedelta(minutes=40)
    assert backups.maybe_back_up() is None  # nothing changed since
    database = opened(data, clock)
    study(database, LearnerService(database).by_name("Ana").id, clock(), 2)
    database.close()
    assert backups.maybe_back_up() is not None  # changed, and the last is 40 minutes old
    database = opened(data, clock)
    study(database, LearnerService(database).by_name("Ana").id, clock(), 2)
    database.close()
    clock.now += timedelta(minutes=5)
    assert backups.maybe_back_up() is None  # changed, but the last one is recent
    assert backups.maybe_back_up(closing=True) is not None  # the window closing: changed
    assert len(backups.backups()) == 3


# -- checked and restored ----------------------------------------------------------------------


def test_a_backup_lists_what_it_holds_and_restores_exactly(
    data: Path, clock: Clock, tmp_path: Path
) -> None:
    backups = service(data, clock)
    made = backups.back_up()
    assert (made.learners, made.answers) == (1, 4)
    assert made.size > 0 and made.path.name.endswith(".sqlite3.zst")
    database = opened(data, clock)
    study(database, LearnerService(database).by_name("Ana").id, clock(), 3)
    database.close()
    assert answers_in(data) == 7
    clock.now += timedelta(minutes=1)
    restored = backups.restore(made)
    assert answers_in(data) == 4
    assert restored.safety is not None and restored.safety.answers == 7
    database = opened(data, clock)  # opens as any database does
    assert LearnerService(database).by_name("Ana").name == "Ana"
    database.close()
    # And back again: the data before the restore was kept.
    backups.restore(restored.safety)
    assert answers_in(data) == 7


def test_a_damaged_database_is_kept_aside_and_the_backup_put_in_place(
    data: Path, clock: Clock
) -> None:
    backups = service(data, clock)
    made = backups.back_up()
    path = data / DATABASE_FILE
    raw = bytearray(path.read_bytes())
    for number in range(3, len(raw) // 4096 - 1):
        raw[number * 4096 : number * 4096 + 64] = b"\xde\xad" * 32
    path.write_bytes(bytes(raw))
    assert backups.check()  # the damage is found
    restored = backups.restore(made)
    assert restored.safety is None
    assert restored.damaged_kept is not None and restored.damaged_kept.read_bytes() == bytes(raw)
    assert backups.check() == []
    assert answers_in(data) == 4


def test_a_damaged_backup_is_refused_and_nothing_changes(data: Path, clock: Clock) -> None:
    backups = service(data, clock)
    made = backups.back_up()
    raw = bytearray(made.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    made.path.write_bytes(bytes(raw))
    before = (data / DATABASE_FILE).read_bytes()
    with pytest.raises(BackupError, match="is damaged"):
        backups.restore(made)
    assert (data / DATABASE_FILE).read_bytes() == before
    assert [p.name for p in data.iterdir() if p.name.startswith(".")] == []


def test_the_newest_good_backup_passes_over_a_damaged_one(data: Path, clock: Clock) -> None:
    backups = service(data, clock)
    older = backups.back_up()
    clock.now += timedelta(minutes=5)
    database = opened(data, clock)
    LearnerService(database).create("Ben", now=clock())
    database.close()
    newer = backups.back_up()
    assert backups.newest_good() == newer
    raw = bytearray(newer.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    newer.path.write_bytes(bytes(raw))
    assert backups.newest() == newer and not backups.is_whole(newer)
    assert backups.newest_good() == older
    older.path.write_bytes(older.path.read_bytes()[:100])  # cut short
    assert backups.newest_good() is None
    assert [p.name for p in data.iterdir() if p.name.startswith(".")] == []


def test_check_finds_figures_that_do_not_add_up(data: Path, clock: Clock) -> None:
    backups = service(data, clock)
    assert backups.check() == []
    connection = sqlite3.connect(data / DATABASE_FILE)
    connection.execute("DROP TRIGGER daily_topic_stats_totals_update")
    connection.execute("UPDATE daily_topic_stats SET answers = answers + 2")
    connection.commit()
    connection.close()
    problems = backups.check()
    assert any("lifetime totals" in p and "differ" in p for p in problems)
    assert any("count" in p and "answers, but" in p for p in problems)


def test_the_upgrade_backup_is_compressed_listed_and_restorable(
    tmp_path: Path, clock: Clock
) -> None:
    from alembic import command

    from crisisquiz.storage.database import _alembic_config

    folder = tmp_path / "old"
    database = opened(folder, clock)
    LearnerService(database).create("Ana", now=clock())
    with database.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "-1")
    database.close()
    upgraded = opened(folder, clock)
    upgraded.close()
    listed = service(folder, clock).backups()
    assert len(listed) == 1
    assert describe_reason(listed[0].reason) == "before an upgrade"
    assert listed[0].learners == 1
    plain = tmp_path / "plain.sqlite3"
    unpack(listed[0].path, plain)
    connection = sqlite3.connect(plain)
    assert connection.execute("SELECT name FROM learners").fetchall() == [("Ana",)]
    connection.close()
