"""``crisisquiz db check|backup|backups|restore``, and what a damaged database says."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC
from pathlib import Path

import pytest

from crisisquiz.cli import database as db_commands
from crisisquiz.cli import main
from crisisquiz.storage.database import DATABASE_FILE


@pytest.fixture
def data(data: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared data folder (small pack, Sam), times shown in UTC; Sam answered twice."""
    monkeypatch.setattr(db_commands, "local_zone", lambda: UTC)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n3\n1\nq\n"))
    assert main(["--data-dir", data, "study", "--learner", "Sam"]) == 0
    return data


def run(capsys: pytest.CaptureFixture[str], data: str, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", data, *args])
    out, err = capsys.readouterr()
    return code, out, err


def damage(folder: Path) -> bytes:
    path = folder / DATABASE_FILE
    raw = bytearray(path.read_bytes())
    for number in range(3, len(raw) // 4096 - 1):
        raw[number * 4096 : number * 4096 + 64] = b"\xde\xad" * 32
    path.write_bytes(bytes(raw))
    return bytes(raw)


def test_check_says_sound_or_lists_each_problem(
    data: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code, out, _err = run(capsys, data, "db", "check")
    assert code == 0 and "sound" in out
    with sqlite3.connect(Path(data) / DATABASE_FILE) as connection:
        connection.execute("DROP TRIGGER daily_topic_stats_totals_insert")
        connection.execute(
            "INSERT INTO daily_topic_stats VALUES (1, 'test-pack', 'beta', '2020-01-01', "
            "5, 5, 5, 0, 0, 100)"
        )
    code, out, _err = run(capsys, data, "db", "check")
    assert code == 1
    assert "problem(s) found" in out
    assert "learner 1 in test-pack/beta" in out


def test_backup_list_and_restore_the_latest(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code, out, _err = run(capsys, data, "db", "backup")
    assert code == 0 and out.startswith("Backed up: 2 March 2026")
    assert "1 learner, 2 answers" in out
    assert run(capsys, data, "learner", "remove", "Sam", "--yes")[0] == 0
    code, out, _err = run(capsys, data, "db", "backups")
    lines = out.splitlines()
    assert lines[0].split() == ["WHEN", "WHY", "SIZE", "LEARNERS", "ANSWERS", "FILE"]
    assert "manual" in lines[1]
    code, out, err = run(capsys, data, "db", "restore", "--latest", "--yes")
    assert code == 0, err
    assert "Restored the backup of 2 March 2026" in out
    assert "is backed up as" in out
    code, out, _err = run(capsys, data, "learner", "list")
    assert "Sam" in out


def test_restore_asks_first_and_names_an_unknown_backup(
    data: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, data, "db", "backup")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _out, err = run(capsys, data, "db", "restore", "--latest")
    assert code == 1 and "add --yes to confirm" in err
    code, _out, err = run(capsys, data, "db", "restore", "nope.sqlite3.zst", "--yes")
    assert code == 1 and "is not one of the backups" in err


def test_a_damaged_database_points_to_the_newest_backup_which_restores_it(
    data: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, data, "db", "backup")
    # A later backup was itself damaged (a bad disk sector): it is passed over.
    code, out, _err = run(capsys, data, "db", "backup")
    spoilt = Path(out.splitlines()[1].strip())
    raw = bytearray(spoilt.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    spoilt.write_bytes(bytes(raw))
    damaged = damage(Path(data))
    code, _out, err = run(capsys, data, "learner", "list")
    assert code == 1
    assert "is damaged" in err and "has not written to it" in err
    assert "the newest good backup is from 2 March 2026" in err
    assert "1 learner, 2 answers" in err
    assert (Path(data) / DATABASE_FILE).read_bytes() == damaged
    code, out, _err = run(capsys, data, "db", "check")
    assert code == 1
    code, out, err = run(capsys, data, "db", "restore", "--latest", "--yes")
    assert code == 0, err
    assert f"Passed over {spoilt.name}: it is damaged." in out
    assert "The damaged database is kept as" in out
    code, out, _err = run(capsys, data, "learner", "list")
    assert code == 0 and "Sam" in out
