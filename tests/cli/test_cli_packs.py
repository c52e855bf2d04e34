"""``crisisquiz pack ...`` and the exit codes: 0 success, 1 user error, 2 bad usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from small_pack import with_five_mistakes

from crisisquiz import __version__
from crisisquiz.cli import main
from crisisquiz.core.pack_loader import PackError, load_pack
from crisisquiz.storage.database import DATABASE_FILE


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"crisisquiz {__version__}"


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["pack", "frobnicate"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_validate_good_and_broken(
    capsys: pytest.CaptureFixture[str], small_pack_file: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "pack", "validate", str(small_pack_file))
    assert code == 0
    assert "OK: pack 'test-pack' version 1.0.0, 9 questions in 2 topics" in out
    broken = tmp_path / "broken.toml"
    broken.write_text(
        small_pack_file.read_text().replace(
            'answer = "Khrushchev"\nexplanation', 'answer = "Kennedy"\nexplanation'
        )
    )
    code, out, err = run(capsys, "pack", "validate", str(broken))
    assert code == 1
    assert out == ""
    assert "1 problem found" in err
    assert f"{broken}:" in err and "question 'mc' (#2): field 'answer'" in err
    assert "Traceback" not in err


def test_import_list_export(
    capsys: pytest.CaptureFixture[str], small_pack_file: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    code, out, _ = run(capsys, "--data-dir", str(data), "pack", "import", str(small_pack_file))
    assert code == 0
    assert "Installed 'Test pack' (test-pack) version 1.0.0: 9 questions." in out
    assert (data / DATABASE_FILE).exists()
    code, out, _ = run(capsys, "--data-dir", str(data), "pack", "import", str(small_pack_file))
    assert "already installed; nothing changed" in out
    code, out, _ = run(capsys, "--data-dir", str(data), "pack", "list", "--json")
    listed = {p["id"]: p for p in json.loads(out)}
    assert listed["test-pack"]["questions"] == 9
    assert listed["cuban-missile-crisis"]["builtin"] is True
    code, out, _ = run(
        capsys, "--data-dir", str(data), "pack", "export", "test-pack", "--format", "json"
    )
    exported = json.loads(out)
    assert list(exported) == ["pack", "sources", "topics", "questions"]
    assert len(exported["questions"]) == 9
    target = tmp_path / "out.toml"
    code, _, err = run(
        capsys,
        "--data-dir",
        str(data),
        "pack",
        "export",
        "test-pack",
        "--format",
        "toml",
        "-o",
        str(target),
    )
    assert code == 0 and "Wrote test-pack" in err
    assert target.read_text().startswith("[pack]")


def test_unknown_pack_and_env_data_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRISISQUIZ_DATA_DIR", str(tmp_path / "envdata"))
    code, _, err = run(capsys, "pack", "export", "no-such-pack")
    assert code == 1
    assert "no pack 'no-such-pack' is installed" in err
    assert (tmp_path / "envdata" / DATABASE_FILE).exists()


def test_remove_needs_confirmation_when_not_interactive(
    capsys: pytest.CaptureFixture[str], small_pack_file: Path, tmp_path: Path
) -> None:
    data = str(tmp_path / "data")
    run(capsys, "--data-dir", data, "pack", "import", str(small_pack_file))
    code, _, err = run(capsys, "--data-dir", data, "pack", "remove", "test-pack")
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, "--data-dir", data, "pack", "remove", "test-pack", "--yes")
    assert code == 0 and "Removed pack 'test-pack'" in out


def test_a_changed_pack_with_the_same_version_is_told_to_raise_it(
    capsys: pytest.CaptureFixture[str], small_pack_file: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "pack", "import", str(small_pack_file))[0] == 0
    changed = tmp_path / "changed.toml"
    changed.write_text(small_pack_file.read_text().replace("Year of the crisis?", "Which year?"))
    code, out, err = run(capsys, "--data-dir", str(data), "pack", "import", str(changed))
    assert code == 1
    assert out == ""
    assert "version 1.0.0 is already installed, and this file changes it" in err
    assert "Raise the version in its [pack] table, to 1.0.1 for corrections" in err


def test_the_five_commonest_slips_read_the_same_as_in_the_window(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "first-try.toml"
    path.write_text(with_five_mistakes(), encoding="utf-8")
    code, _out, err = run(capsys, "pack", "validate", str(path))
    assert code == 1
    with pytest.raises(PackError) as refused:
        load_pack(path)
    assert len(refused.value.issues) == 5
    assert err.splitlines() == [
        "crisisquiz: error: 5 problems found:",
        *(f"  - {issue}" for issue in refused.value.issues),
    ]
    assert "Traceback" not in err
