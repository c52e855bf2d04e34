"""A file written whole or not at all: what a crash mid-write leaves behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisquiz.core.atomic_files import replacing, write_whole


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "pack.toml"
    write_whole(target, b"title = 'Cuba'\n")
    assert target.read_bytes() == b"title = 'Cuba'\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.toml"]


def _write_half_then_fail(target: Path) -> None:
    with replacing(target) as out:
        out.write(b"half of the new")
        raise OSError("disk full")


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    write_whole(target, b"old")
    with pytest.raises(OSError, match="disk full"):
        _write_half_then_fail(target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
