"""Killed (kill -9) at any point, a terminal study, a pack import and a restore lose
nothing acknowledged and leave nothing half-done.

Each command runs in a real process under ``tests/kill_child.py``, which numbers the
points of its work (every SQL statement, COMMIT included, every step of SQLite's backup API,
every rename) and stops itself at the one a test chose; the test then kills it there.
A first run of the same command, not stopped, gives the map of points to choose from.
The points are drawn from a seeded generator, so a failure names its seed and repeats.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.backups import BackupService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.packs import PackService
from crisisquiz.storage.database import DATABASE_FILE, open_database
from crisisquiz.storage.sqlite_backup import list_backups, unpack

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and SIGSTOP are POSIX")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHILD = PROJECT_ROOT / "tests" / "kill_child.py"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
CARDS = 15  # the learner's new cards a day: one session answers each once
BIG_PACK = 600  # questions in the pack the import test installs


def pack_text(pack_id: str, count: int) -> str:
    """A pack of ``count`` flashcards: every answer in the terminal takes the same keys."""
    head = f"""\
[pack]
id = "{pack_id}"
title = "Kill test {pack_id}"
version = "1.0.0"
authors = ["Tester"]

[[sources]]
id = "notes"
title = "Class notes"

[[topics]]
id = "cards"
title = "Cards"
"""
    cards = "".join(
        f"""
[[questions]]
id = "card-{number}"
topic = "cards"
type = "flashcard"
prompt = "Card number {number} of the kill test"
answer = "The back of card {number}, long enough to fill a little space"
sources = ["notes:1"]
"""
        for number in range(count)
    )
    return head + cards


@dataclass
class Killed:
    """How a run under the kill harness ended: where it stopped (None: it finished)."""

    point: str | None
    out: str
    err: str


def run_child(data: Path, args: Sequence[str], target: int, *, stdin: str = "") -> Killed:
    """Run ``crisisquiz --data-dir data ARGS`` until point ``target`` and kill it there."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONUNBUFFERED": "1"}
    out_file = data.parent / f"{data.name}.out"
    with out_file.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(target), "--data-dir", str(data), *args],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            cwd=data.parent,
        )
        assert child.stdin is not None and child.stderr is not None
        child.stdin.write(stdin.encode("utf-8"))
        child.stdin.close()
        stopped_at = None
        err_lines = []
        # Each line as it comes: the marker of the chosen point is the signal to kill.
        for raw in child.stderr:
            line = raw.decode("utf-8", "replace")
            if line.startswith("@@point "):
                stopped_at = line.split(None, 2)[2].strip()
                child.send_signal(signal.SIGKILL)
                break
            err_lines.append(line)
        child.stderr.close()
        child.wait(timeout=120)
    if stopped_at is None:
        assert child.returncode == 0, "".join(err_lines)
    else:
        assert child.returncode == -signal.SIGKILL
    return Killed(stopped_at, out_file.read_text(encoding="utf-8"), "".join(err_lines))


def point_map(data: Path, args: Sequence[str], *, stdin: str = "") -> list[str]:
    """Every point of the command, in order, from a run that is not stopped."""
    run = run_child(data, args, 0, stdin=stdin)
    points = [line.split(None, 2)[2] for line in run.err.splitlines() if line.startswith("@@at ")]
    assert f"@@points {len(points)}" in run.err
    return points


def chosen(points: list[str], seed: int, where: str = "") -> int:
    """A point (numbered from 1) drawn with ``seed``, among those naming ``where``."""
    candidates = [number for number, what in enumerate(points, 1) if where in what]
    assert candidates, f"no point names {where!r}"
    return random.Random(seed).choice(candidates)


def copy_of(folder: Path, name: str) -> Path:
    target = folder.parent / name
    shutil.copytree(folder, target)
    return target


def count(data: Path, query: str) -> int:
    connection = sqlite3.connect(data / DATABASE_FILE)
    try:
        return int(connection.execute(query).fetchone()[0])
    finally:
        connection.close()


def assert_sound(data: Path) -> None:
    """The data opens as the app opens it, and every check passes, SQLite's and ours."""
    open_database(data, now=NOW).close()
    assert BackupService(data, clock=lambda: NOW, tz=UTC).check() == []


def prepare(folder: Path, pack: Path | None) -> None:
    """A data folder as the app leaves it (the built-in pack in), with Sam and ``pack``."""
    ctx = AppContext(folder)  # the wall clock, as the commands will read it
    try:
        database = ctx.database
        if pack is not None:
            PackService(database).import_file(pack, now=NOW)
            LearnerService(database).create("Sam", now=NOW)
    finally:
        ctx.close()


# -- a terminal study -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def study_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A data folder with Sam and a pack of flashcards, and the map of a study's points."""
    folder = tmp_path_factory.mktemp("study") / "data"
    pack = folder.parent / "cards.toml"
    pack.write_text(pack_text("cards", CARDS), encoding="utf-8")
    prepare(folder, pack)
    points = point_map(copy_of(folder, "dry"), STUDY, stdin=STUDY_INPUT)
    return folder, points


STUDY = ("study", "--learner", "Sam", "--topic", "cards:cards")
STUDY_INPUT = "\n3\n" * CARDS  # show the back, rate it Good: the same keys for every card


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_study_killed_at_any_point_keeps_every_acknowledged_answer(
    study_folder: tuple[Path, list[str]], seed: int
) -> None:
    folder, points = study_folder
    data = copy_of(folder, f"study-{seed}")
    # Seeds 1-2 anywhere; 3 at a COMMIT, the moment an answer is or is not saved.
    target = chosen(points, seed, "sql COMMIT" if seed > 2 else "")
    run = run_child(data, STUDY, target, stdin=STUDY_INPUT)
    assert run.point is not None, "the run ended before the point chosen"
    acknowledged = run.out.count("You rated it Good.")
    stored = count(data, "SELECT count(*) FROM reviews")
    # Every answer whose verdict was shown is stored; at most the one being saved when
    # the kill came is stored without its verdict having been shown.
    assert acknowledged <= stored <= acknowledged + 1, (seed, target, run.point)
    assert count(data, "SELECT count(*) FROM card_states") == stored
    assert_sound(data)


# -- a pack import ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def import_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A data folder, a large pack file and the map of its import's points."""
    folder = tmp_path_factory.mktemp("import") / "data"
    prepare(folder, None)
    pack = folder.parent / "big.toml"
    pack.write_text(pack_text("big", BIG_PACK), encoding="utf-8")
    points = point_map(copy_of(folder, "dry"), ("pack", "import", str(pack)))
    return folder, pack, points


@pytest.mark.parametrize("seed", [1, 2])
def test_an_import_killed_at_any_point_is_all_or_nothing(
    import_folder: tuple[Path, Path, list[str]], seed: int
) -> None:
    folder, pack, points = import_folder
    data = copy_of(folder, f"import-{seed}")
    # Seed 1 anywhere; 2 among the import's inserts, inside its one transaction.
    target = chosen(points, seed, "sql INSERT" if seed > 1 else "")
    run = run_child(data, ("pack", "import", str(pack)), target)
    assert run.point is not None
    questions = count(data, "SELECT count(*) FROM questions WHERE pack_id = 'big'")
    packs = count(data, "SELECT count(*) FROM packs WHERE id = 'big'")
    assert (packs, questions) in {(0, 0), (1, BIG_PACK)}, (seed, target, run.point)
    assert_sound(data)
    # Whatever the kill left, the import can simply be run again.
    again = run_child(data, ("pack", "import", str(pack)), -1)
    assert again.point is None
    assert count(data, "SELECT count(*) FROM questions WHERE pack_id = 'big'") == BIG_PACK


# -- a restore --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def restore_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Sam's data with a backup of two answers and six answers since; a restore's map."""
    folder = tmp_path_factory.mktemp("restore") / "data"
    pack = folder.parent / "cards.toml"
    pack.write_text(pack_text("cards", 300), encoding="utf-8")
    prepare(folder, pack)
    study = ("study", "--learner", "Sam", "--topic", "cards:cards")
    assert run_child(folder, study, -1, stdin="\n3\n" * 2).point is None
    BackupService(folder, clock=lambda: NOW, tz=UTC).back_up("manual")
    assert run_child(folder, study, -1, stdin="\n3\n" * 4).point is None
    assert count(folder, "SELECT count(*) FROM reviews") == 6
    points = point_map(copy_of(folder, "dry"), RESTORE)
    return folder, points


RESTORE = ("db", "restore", "--latest", "--yes")


@pytest.mark.parametrize(
    ("seed", "where"),
    [
        (1, ""),
        (2, "backup 1 step"),  # while the data as it is is backed up first
        (3, "backup 2 step"),  # while the backup's pages are copied into the database
        (4, "replace"),  # as the safety backup is moved into place
    ],
)
def test_a_restore_killed_at_any_point_leaves_the_data_before_or_after(
    restore_folder: tuple[Path, list[str]], seed: int, where: str
) -> None:
    folder, points = restore_folder
    data = copy_of(folder, f"restore-{seed}")
    target = chosen(points, seed, where)
    run = run_child(data, RESTORE, target)
    assert run.point is not None
    # The whole data as it was (6 answers) or the whole backup (2), nothing between.
    assert count(data, "SELECT count(*) FROM reviews") in {6, 2}, (seed, target, run.point)
    assert count(data, "SELECT count(*) FROM learners") == 1
    assert_sound(data)
    # Every backup listed is whole: a backup cut short is never listed.
    for backup in list_backups(data / "backups"):
        unpack(backup.path, data.parent / f"check-{seed}.sqlite3")
        (data.parent / f"check-{seed}.sqlite3").unlink()
    # And the restore can simply be run again; it clears what the kill left half-made
    # (once it is old enough not to be another crisisquiz's backup in progress).
    an_hour_ago = time.time() - 3600
    for leftover in leftovers(data):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    again = run_child(data, RESTORE, -1)
    assert again.point is None and "Restored the backup" in again.out
    assert count(data, "SELECT count(*) FROM reviews") in {6, 2}
    assert leftovers(data) == []


def leftovers(data: Path) -> list[Path]:
    """The temporary files of backups and restores, in the data folder and its backups."""
    return [*data.glob(".*"), *(data / "backups").glob(".*")]
