"""The teacher passphrase guards the class commands and 'report class' on the command line."""

from __future__ import annotations

import io

import pytest

from crisisquiz.cli import main
from crisisquiz.cli.teacher_gate import PASSPHRASE_ENV


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--data-dir", data, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_passphrase_keeps_the_class_commands_for_the_teacher(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    assert run(capsys, monkeypatch, data, "class", "add", "Year 9")[0] == 0
    assert run(capsys, monkeypatch, data, "class", "enrol", "Year 9", "Sam")[0] == 0
    code, out, _ = run(capsys, monkeypatch, data, "class", "passphrase", "status")
    assert out.startswith("No teacher passphrase is set")

    code, out, _ = run(
        capsys, monkeypatch, data, "class", "passphrase", "set", stdin="tulips in march\n"
    )
    assert code == 0 and out.startswith("Set the teacher passphrase")

    # Without the passphrase: the class, its learners and their answers stay closed.
    for argv in (
        ("class", "list"),
        ("class", "enrol", "Year 9", "Sam"),
        ("class", "remove", "Year 9", "--yes"),
        ("report", "class", "--class", "Year 9"),
    ):
        code, out, err = run(capsys, monkeypatch, data, *argv)
        assert (code, out) == (1, ""), argv
        assert "protected by a teacher passphrase" in err and PASSPHRASE_ENV in err

    monkeypatch.setenv(PASSPHRASE_ENV, "a pupil's guess")
    code, out, err = run(capsys, monkeypatch, data, "class", "list")
    assert (code, out, err) == (1, "", "crisisquiz: error: that is not the teacher passphrase\n")

    monkeypatch.setenv(PASSPHRASE_ENV, "tulips in march")
    code, out, _ = run(capsys, monkeypatch, data, "class", "list")
    assert code == 0 and out.startswith("Year 9: 1 learner")

    monkeypatch.delenv(PASSPHRASE_ENV)
    code, _, err = run(
        capsys, monkeypatch, data, "class", "passphrase", "remove", stdin="wrong words\n"
    )
    assert code == 1 and "not the teacher passphrase; nothing was changed" in err
    code, out, _ = run(
        capsys, monkeypatch, data, "class", "passphrase", "remove", stdin="tulips in march\n"
    )
    assert code == 0 and out.startswith("Removed the teacher passphrase")
    assert run(capsys, monkeypatch, data, "class", "list")[0] == 0


def test_changing_needs_the_current_passphrase(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    code, _, err = run(capsys, monkeypatch, data, "class", "passphrase", "set", stdin="short\n")
    assert code == 1 and "at least 8 characters" in err
    run(capsys, monkeypatch, data, "class", "passphrase", "set", stdin="tulips in march\n")
    code, _, err = run(
        capsys,
        monkeypatch,
        data,
        "class",
        "passphrase",
        "set",
        stdin="guessing here\nmy own passphrase\n",
    )
    assert code == 1 and "not the teacher passphrase; nothing was changed" in err
    code, out, _ = run(
        capsys,
        monkeypatch,
        data,
        "class",
        "passphrase",
        "set",
        stdin="tulips in march\ndaffodils in april\n",
    )
    assert (code, out) == (0, "Changed the teacher passphrase.\n")
    monkeypatch.setenv(PASSPHRASE_ENV, "daffodils in april")
    assert run(capsys, monkeypatch, data, "class", "list")[0] == 0
