"""``crisisquiz learner ...``: add, list, rename, remove, set, and the exit codes."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest

from crisisquiz.cli import main


@pytest.fixture
def data(tmp_path: Path) -> str:
    return str(tmp_path / "data")


def run(capsys: pytest.CaptureFixture[str], data: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", data, "learner", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_and_list(capsys: pytest.CaptureFixture[str], data: str) -> None:
    code, out, _ = run(capsys, data, "list")
    assert code == 0 and "No learners yet. Add one with: crisisquiz learner add NAME" in out
    code, out, _ = run(capsys, data, "add", "  Ana   María ")
    assert code == 0
    assert out == (
        "Added learner 'Ana María': retention 0.90, 15 new a day, day starts at 04:00, "
        "quizzes leave the schedule alone.\n"
    )
    run(capsys, data, "add", "ben")
    code, out, _ = run(capsys, data, "list")
    assert out.splitlines() == [
        "NAME       RETENTION  NEW/DAY  DAY STARTS  QUIZ = REVIEW",
        "Ana María       0.90       15       04:00  no",
        "ben             0.90       15       04:00  no",
    ]
    code, out, _ = run(capsys, data, "list", "--json")
    listed = json.loads(out)
    assert [entry["name"] for entry in listed] == ["Ana María", "ben"]
    assert listed[0]["desired_retention"] == 0.9 and listed[0]["new_per_day"] == 15
    # Each learner has a random id of their own, the one their results files carry.
    assert len({uuid.UUID(entry["id"]) for entry in listed}) == 2


def test_duplicate_and_empty_names_exit_1(capsys: pytest.CaptureFixture[str], data: str) -> None:
    run(capsys, data, "add", "Sam")
    code, out, err = run(capsys, data, "add", "SAM")
    assert code == 1 and out == ""
    assert err == "crisisquiz: error: there is already a learner named 'SAM'\n"
    code, _, err = run(capsys, data, "add", "   ")
    assert code == 1 and "a learner needs a name" in err


def test_rename(capsys: pytest.CaptureFixture[str], data: str) -> None:
    run(capsys, data, "add", "Sam")
    run(capsys, data, "add", "Ben")
    code, out, _ = run(capsys, data, "rename", "sam", "Samuel")
    assert code == 0 and out == "Renamed 'Sam' to 'Samuel'.\n"
    code, _, err = run(capsys, data, "rename", "Samuel", "ben")
    assert code == 1 and "already a learner named 'ben'" in err
    code, _, err = run(capsys, data, "rename", "Nobody", "X")
    assert code == 1 and "no learner named 'Nobody'. Learners: Ben, Samuel." in err
    code, out, _ = run(capsys, data, "rename", "samuel", "SAMUEL")  # a change of case only
    assert code == 0 and "to 'SAMUEL'" in out


def test_remove_needs_confirmation(
    capsys: pytest.CaptureFixture[str], data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, data, "add", "Sam")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, data, "remove", "Sam")
    assert code == 1 and "add --yes to confirm" in err
    code, _, err = run(capsys, data, "remove", "Nobody", "--yes")
    assert code == 1 and "no learner named 'Nobody'" in err
    code, out, _ = run(capsys, data, "remove", "sam", "--yes")
    assert code == 0 and out == "Removed learner 'Sam'.\n"
    assert "No learners yet" in run(capsys, data, "list")[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("reply", "removed"), [("y\n", True), ("no\n", False), ("", False)])
def test_remove_asks_at_a_terminal(
    capsys: pytest.CaptureFixture[str],
    data: str,
    monkeypatch: pytest.MonkeyPatch,
    reply: str,
    removed: bool,
) -> None:
    run(capsys, data, "add", "Sam")
    monkeypatch.setattr("sys.stdin", _Terminal(reply))
    code, out, _ = run(capsys, data, "remove", "Sam")
    assert code == 0
    assert "Remove learner 'Sam' and all their progress? [y/N]" in out
    assert ("Removed learner 'Sam'." in out) is removed
    assert ("Nothing removed." in out) is not removed


def test_set_and_show(capsys: pytest.CaptureFixture[str], data: str) -> None:
    run(capsys, data, "add", "Sam")
    code, out, _ = run(
        capsys,
        data,
        "set",
        "sam",
        "--retention",
        "0.85",
        "--new-per-day",
        "30",
        "--rollover-hour",
        "0",
        "--quiz-counts-as-review",
        "yes",
    )
    assert code == 0
    assert out == (
        "Updated Sam: retention 0.85, 30 new a day, day starts at 00:00, "
        "quiz answers count as reviews.\n"
    )
    code, out, _ = run(capsys, data, "set", "Sam", "--quiz-counts-as-review", "no")
    assert "quizzes leave the schedule alone" in out and "retention 0.85" in out
    code, out, _ = run(capsys, data, "set", "Sam")
    assert code == 0 and out.startswith("Sam: retention 0.85, 30 new a day")
    assert "0.85" in run(capsys, data, "list")[1]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--retention", "0.5", "desired retention must be between 0.70 and 0.97"),
        ("--retention", "nan", "desired retention must be between"),
        ("--new-per-day", "-1", "new questions per day must be between 0 and 500"),
        ("--rollover-hour", "24", "the day rollover hour must be between 0 and 23"),
    ],
)
def test_set_out_of_range_exits_1(
    capsys: pytest.CaptureFixture[str], data: str, option: str, value: str, message: str
) -> None:
    run(capsys, data, "add", "Sam")
    code, _, err = run(capsys, data, "set", "Sam", option, value)
    assert code == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["set", "Sam", "--retention", "high"],
        ["set", "Sam", "--quiz-counts-as-review", "maybe"],
        ["set", "Sam", "--new-per-day", "1.5"],
        ["frobnicate"],
        [],
    ],
)
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], data: str, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", data, "learner", *argv])
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_unknown_learner_in_set_exits_1(capsys: pytest.CaptureFixture[str], data: str) -> None:
    code, _, err = run(capsys, data, "set", "Nobody", "--retention", "0.9")
    assert code == 1
    assert "no learner named 'Nobody'. Add one with 'crisisquiz learner add NAME'." in err
