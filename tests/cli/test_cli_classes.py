"""``crisisquiz class ...``: add, list, rename, remove, enrol, unenrol, packs."""

from __future__ import annotations

import io
import json

import pytest

from crisisquiz.cli import main


def run(capsys: pytest.CaptureFixture[str], data: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", data, "class", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_class_from_start_to_end(capsys: pytest.CaptureFixture[str], data: str) -> None:
    assert main(["--data-dir", data, "learner", "add", "Ana"]) == 0
    capsys.readouterr()
    assert (
        run(capsys, data, "list")[1] == "No classes yet. Add one with: crisisquiz class add NAME\n"
    )
    code, out, _ = run(capsys, data, "add", "Year 9")
    assert code == 0 and out.startswith("Added class 'Year 9'.")
    code, out, _ = run(capsys, data, "enrol", "year 9", "sam", "Ana")
    assert (code, out) == (0, "Year 9: 2 learners: Ana, Sam\n")
    code, out, _ = run(capsys, data, "packs", "Year 9", "test-pack", "--hide-builtin")
    assert (code, out) == (0, "Year 9: Test pack (test-pack); the built-in pack hidden\n")
    code, out, _ = run(capsys, data, "list")
    assert out == (
        "Year 9: 2 learners\n  learners: Ana, Sam\n"
        "  packs: Test pack (test-pack); the built-in pack hidden\n"
    )
    code, out, _ = run(capsys, data, "unenrol", "Year 9", "Sam")
    assert (code, out) == (0, "Year 9: 1 learner left: Ana\n")
    code, out, _ = run(capsys, data, "rename", "Year 9", "Year 9 History")
    assert out == "Renamed class 'Year 9' to 'Year 9 History'.\n"
    listed = json.loads(run(capsys, data, "list", "--json")[1])
    assert [(c["name"], c["learners"], c["packs"], c["hide_builtin"]) for c in listed] == [
        ("Year 9 History", ["Ana"], ["test-pack"], True)
    ]
    code, out, _ = run(capsys, data, "packs", "Year 9 History", "--all", "--show-builtin")
    assert out == "Year 9 History: every installed pack\n"
    code, out, _ = run(capsys, data, "remove", "Year 9 History", "--yes")
    assert out == "Removed class 'Year 9 History'; its learners and their progress stay.\n"


def test_mistakes_are_explained(
    capsys: pytest.CaptureFixture[str], data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, data, "enrol", "Nowhere", "Sam")
    assert code == 1
    assert (
        err == "crisisquiz: error: no class named 'Nowhere'. Add one with "
        "'crisisquiz class add NAME'.\n"
    )
    run(capsys, data, "add", "Year 9")
    code, _, err = run(capsys, data, "add", "YEAR 9")
    assert (code, err) == (1, "crisisquiz: error: there is already a class named 'YEAR 9'\n")
    code, _, err = run(capsys, data, "packs", "Year 9", "nope")
    assert code == 1 and "no pack 'nope' is installed (installed: cuban-missile-crisis" in err
    code, _, err = run(capsys, data, "packs", "Year 9", "test-pack", "--all")
    assert (code, err) == (1, "crisisquiz: error: give pack ids or --all, not both\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, data, "remove", "Year 9")
    assert code == 1 and "add --yes to confirm" in err
    assert run(capsys, data, "list")[1].startswith("Year 9: 0 learners")


def test_a_learners_study_follows_their_class(
    capsys: pytest.CaptureFixture[str], data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, data, "add", "Year 9")
    run(capsys, data, "enrol", "Year 9", "Sam")
    run(capsys, data, "packs", "Year 9", "test-pack", "--hide-builtin")
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    assert main(["--data-dir", data, "study", "--learner", "Sam"]) == 0
    out = capsys.readouterr().out
    # The small pack's 9 questions, not the built-in pack's: 15 new a day would show 15.
    assert "Studying as Sam: 9 new, 0 due, 0 in learning." in out
