"""``pack import/validate/convert/export`` with files from Moodle, Quizlet, Kahoot and Anki."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crisisquiz.cli import main
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.interop.registry import EXPORT_FORMATS, Format, detect_format, read_pack

GIFT = """\
$CATEGORY: $course$/top/Crisis

::Leader:: Who led the Soviet Union in 1962? {=Khrushchev ~Kennedy ~%50%Brezhnev}

::Essay:: Write about the crisis. {}
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_a_gift_file_prints_the_report_then_installs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "crisis.gift"
    source.write_text(GIFT, encoding="utf-8")
    data = str(tmp_path / "data")
    code, out, err = run(capsys, "--data-dir", data, "pack", "import", str(source))
    assert code == 0, err
    assert "2 questions in crisis.gift (Moodle GIFT): 0 converted as they are" in out
    assert "partial-credit answer 'Brezhnev' (50 %) counted as wrong" in out
    assert "skipped: an essay is marked by a teacher" in out
    assert "Installed 'Crisis' (crisis) version 1.0.0: 1 questions." in out
    code, out, _ = run(capsys, "--data-dir", data, "pack", "list")
    assert "crisis" in out


def test_validate_a_quizlet_export_as_short_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "set.txt"
    source.write_text("Havana - capital of Cuba;Moscow - capital of the USSR", encoding="utf-8")
    code, out, err = run(
        capsys,
        "pack",
        "validate",
        str(source),
        "--quizlet-as",
        "short-answer",
        "--term-separator",
        " - ",
        "--row-separator",
        ";",
    )
    assert code == 0, err
    assert "OK: pack 'set' version 1.0.0, 2 questions in 1 topics" in out


def test_convert_writes_a_pack_and_the_report_as_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "crisis.gift"
    source.write_text(GIFT, encoding="utf-8")
    out_pack, report = tmp_path / "cuba.zip", tmp_path / "report.csv"
    code, out, err = run(
        capsys,
        "pack",
        "convert",
        str(source),
        "-o",
        str(out_pack),
        "--title",
        "Cuba 1962",
        "--pack-id",
        "cuba",
        "--version",
        "2.0.0",
        "--report",
        str(report),
    )
    assert code == 0, err
    assert f"Wrote pack 'cuba' version 2.0.0 (1 questions in 1 topics) to {out_pack}" in out
    pack = load_pack(out_pack)
    assert (pack.pack.id, pack.pack.title, pack.pack.version) == ("cuba", "Cuba 1962", "2.0.0")
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert [row["outcome"] for row in rows[:2]] == ["changed", "skipped"]
    assert rows[0]["type"] == "multiple_choice"


def test_convert_refuses_an_unknown_target_and_a_bad_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "crisis.gift"
    source.write_text(GIFT, encoding="utf-8")
    code, _out, err = run(capsys, "pack", "convert", str(source), "-o", str(tmp_path / "x.doc"))
    assert code == 1 and "must end in .zip, .toml or .json" in err
    code, _out, err = run(
        capsys, "pack", "convert", str(source), "-o", str(tmp_path / "x.zip"), "--version", "2"
    )
    assert code == 1 and "'2' is not a version" in err


def test_a_file_we_cannot_read_says_which_formats_we_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    code, out, err = run(capsys, "pack", "import", str(source), "--pack-id", "x")
    assert code == 1 and out == ""
    assert "crisisquiz reads:" in err and "Moodle XML" in err and "Anki decks" in err


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_every_format(
    capsys: pytest.CaptureFixture[str], small_pack_file: Path, tmp_path: Path, fmt: Format
) -> None:
    data = str(tmp_path / "data")
    assert run(capsys, "--data-dir", data, "pack", "import", str(small_pack_file))[0] == 0
    target = tmp_path / f"out{EXPORT_FORMATS[fmt]}"
    report = tmp_path / "export-report.csv"
    code, _out, err = run(
        capsys,
        "--data-dir",
        data,
        "pack",
        "export",
        "test-pack",
        "--format",
        str(fmt),
        "-o",
        str(target),
        "--report",
        str(report),
    )
    assert code == 0, err
    assert f"to {target} as {fmt}" in err
    assert detect_format(target) is fmt
    back = read_pack(target).pack
    assert len(back.questions) == {Format.AIKEN: 2, Format.GIFT: 8}.get(fmt, 9)
    if fmt is Format.AIKEN:
        assert "Aiken holds multiple choice only" in err
    assert report.exists()


def test_binary_exports_need_no_output_name(
    capsys: pytest.CaptureFixture[str],
    small_pack_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = str(tmp_path / "data")
    assert run(capsys, "--data-dir", data, "pack", "import", str(small_pack_file))[0] == 0
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(
        capsys, "--data-dir", data, "pack", "export", "test-pack", "--format", "apkg"
    )
    assert code == 0, err
    assert detect_format(tmp_path / "test-pack-1.0.0.apkg") is Format.APKG
