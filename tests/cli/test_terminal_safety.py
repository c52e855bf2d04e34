"""The terminal: escape codes from packs shown not obeyed, any input bytes read, closed pipes
ended quietly, and a session that meets a busy database or a removed pack or learner."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from small_pack import SMALL_PACK
from sqlalchemy import func, select

from crisisquiz.cli import main, terminal_study
from crisisquiz.cli.terminal_text import shown_safely
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.packs import PackService
from crisisquiz.storage import dialects
from crisisquiz.storage.database import DATABASE_FILE, open_database
from crisisquiz.storage.models import ReviewRow

CLEAR_SCREEN = "\x1b[2J\x1b[H"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
    lines: list[str],
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--data-dir", data, *args])
    out, err = capsys.readouterr()
    return code, out, err


def stored_reviews(data: str, now: datetime) -> int:
    database = open_database(Path(data), now=now)
    try:
        with database.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(ReviewRow)) or 0)
    finally:
        database.close()


def test_control_characters_are_shown_as_codes() -> None:
    assert shown_safely(f"a{CLEAR_SCREEN}b") == "a\\u001b[2J\\u001b[Hb"
    assert shown_safely("tab\there\nnext") == "tab\there\nnext"
    assert shown_safely("\u202eevil\x9b\x7f") == "\\u202eevil\\u009b\\u007f"
    assert shown_safely("Khrushchev — Хрущёв ✓") == "Khrushchev — Хрущёв ✓"


def test_escape_codes_from_a_pack_and_a_name_are_not_sent_to_the_terminal(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pack = tmp_path / "hostile.toml"
    pack.write_text(
        SMALL_PACK.replace('title = "Test pack"', 'title = "Test \\u001b[2J pack"')
        .replace('title = "Alpha"', 'title = "Alpha\\u001b]0;owned\\u0007"')
        .replace('prompt = "ExComm"', 'prompt = "Ex\\u001b[2J\\u001b[HComm\\u009b31m"'),
        encoding="utf-8",
    )
    data = str(tmp_path / "data")
    assert run(capsys, monkeypatch, data, [], "pack", "import", str(pack))[0] == 0
    assert run(capsys, monkeypatch, data, [], "learner", "add", "Sam\x1b[31m")[0] == 0
    outputs = [
        run(capsys, monkeypatch, data, [], "pack", "list"),
        run(capsys, monkeypatch, data, [], "learner", "list"),
        run(capsys, monkeypatch, data, ["", "q"], "study", "--learner", "Sam\x1b[31m"),
    ]
    for code, out, err in outputs:
        assert code == 0, err
        written = out + err
        assert "\x1b" not in written and "\x9b" not in written and "\x07" not in written
    assert "Test \\u001b[2J pack" in outputs[0][1]
    assert "Ex\\u001b[2J\\u001b[HComm\\u009b31m" in outputs[2][1]


def _data_folder(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    pack = tmp_path / "small.toml"
    pack.write_text(SMALL_PACK, encoding="utf-8")
    data = str(tmp_path / "data")
    assert run(capsys, monkeypatch, data, [], "pack", "import", str(pack))[0] == 0
    assert run(capsys, monkeypatch, data, [], "learner", "add", "Sam")[0] == 0
    return data


def _child(data: str, *args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"}
    env.pop("PYTHONIOENCODING", None)
    env.pop("PYTHONUTF8", None)
    return subprocess.Popen(
        [sys.executable, "-m", "crisisquiz", "--data-dir", data, *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def test_invalid_utf8_on_stdin_is_a_line_like_any_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data_folder(tmp_path, capsys, monkeypatch)
    child = _child(data, "study", "--learner", "Sam")
    with child:
        out, err = child.communicate(b"\n\xff\xfe\x80 not text\n3\nq\n", timeout=120)
    assert child.returncode == 0, err.decode()
    assert b"Traceback" not in err
    assert "Session summary" in out.decode("utf-8")


@pytest.mark.parametrize("args", [("pack", "list"), ("--help",), ("learner", "list")])
def test_a_closed_pipe_ends_the_command_quietly(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    data = _data_folder(tmp_path, capsys, monkeypatch)
    child = _child(data, *args)
    assert child.stdout is not None and child.stdin is not None
    assert child.stderr is not None
    child.stdout.close()  # as 'head' does once it has what it wants, here before any line
    child.stdin.close()
    with child.stderr:
        err = child.stderr.read()
    child.wait(timeout=120)
    assert b"Traceback" not in err and b"Exception ignored" not in err, err.decode()
    assert child.returncode in (0, 141)


@pytest.fixture
def quick_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections give up waiting for another writer after 50 ms instead of 5 s."""
    original = dialects._sqlite_pragmas

    def pragmas(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    monkeypatch.setattr(dialects, "_sqlite_pragmas", pragmas)


class Writer:
    """Another program holding the database's write lock, as a large import does."""

    def __init__(self, data: str) -> None:
        self.connection = sqlite3.connect(Path(data) / DATABASE_FILE, isolation_level=None)
        self.connection.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("COMMIT")


def test_an_answer_given_while_another_program_writes_is_kept_and_saved(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
    quick_busy_timeout: None,
) -> None:
    data = _data_folder(tmp_path, capsys, monkeypatch)
    writer = Writer(data)
    said = terminal_study.Console.say

    def say(console: terminal_study.Console, text: str = "") -> None:
        said(console, text)
        if "The database is busy" in text:
            writer.release()  # the import ends while the answer waits

    monkeypatch.setattr(terminal_study.Console, "say", say)
    code, out, err = run(capsys, monkeypatch, data, ["", "3", "q"], "study", "--learner", "Sam")
    assert code == 0, err
    assert "The database is busy" in out and "Your answer is kept" in out
    assert "Answered: 1" in out
    assert stored_reviews(data, now) == 1


def test_a_database_busy_for_too_long_ends_the_session_in_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
    quick_busy_timeout: None,
) -> None:
    data = _data_folder(tmp_path, capsys, monkeypatch)
    writer = Writer(data)
    try:
        code, out, err = run(capsys, monkeypatch, data, ["", "3"], "study", "--learner", "Sam")
    finally:
        writer.release()
    assert code == 1
    assert "Traceback" not in err
    assert "The last answer was not saved; every answer before it is" in out
    assert "Session summary" in out
    assert stored_reviews(data, now) == 0


class RemovingStdin(io.StringIO):
    """Answer lines, with something removed from another terminal before line ``at``."""

    def __init__(self, lines: list[str], at: int, remove: Any) -> None:
        super().__init__("".join(line + "\n" for line in lines))
        self.at, self.remove, self.read_lines = at, remove, 0

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        self.read_lines += 1
        if self.read_lines == self.at:
            self.remove()
        return super().readline(size if size is not None else -1)


def test_a_pack_removed_during_the_session_ends_it_cleanly(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
) -> None:
    data = _data_folder(tmp_path, capsys, monkeypatch)

    def remove_pack() -> None:
        other = open_database(Path(data), now=now)
        PackService(other).remove_pack("test-pack")
        other.close()

    # Flashcard: Enter shows the back, 3 rates it; the pack goes as the next one is answered.
    monkeypatch.setattr("sys.stdin", RemovingStdin(["", "3", "1", "q"], 3, remove_pack))
    code = main(["--data-dir", data, "study", "--learner", "Sam", "--topic", "test-pack:alpha"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err and "Error" not in err
    assert "This question was removed (its pack was removed) while you answered" in out
    assert "That's all for now" in out
    assert "Answered: 1" in out


def test_a_learner_removed_during_the_session_ends_it_in_words(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
) -> None:
    data = _data_folder(tmp_path, capsys, monkeypatch)

    def remove_learner() -> None:
        other = open_database(Path(data), now=now)
        LearnerService(other).remove("Sam")
        other.close()

    monkeypatch.setattr("sys.stdin", RemovingStdin(["", "3", "1", "q"], 3, remove_learner))
    code = main(["--data-dir", data, "study", "--learner", "Sam"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and "IntegrityError" not in err
    assert "The learner 'Sam' was removed during the session" in out
    assert "The session ends here" in out
