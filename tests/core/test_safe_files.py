"""Plain files from elsewhere: only regular files are read, never past a limit, never waited on."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest
from hang_guard import finishes

from crisisquiz.core.safe_archive import (
    SafeZip,
    UnsafeArchiveError,
    is_zip_file,
    read_regular_file,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev need POSIX")


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.zip"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeArchiveError, match=r"is a pipe \(FIFO\), not an ordinary file"):
        finishes(lambda: read_regular_file(fifo, max_bytes=1000))
    assert finishes(lambda: is_zip_file(fifo)) is False
    with pytest.raises(UnsafeArchiveError, match="pipe"):
        finishes(lambda: SafeZip(fifo))


@posix_only
def test_a_device_is_refused_not_read_for_ever() -> None:
    with pytest.raises(UnsafeArchiveError, match="is a device, not an ordinary file"):
        finishes(lambda: read_regular_file(Path("/dev/zero"), max_bytes=1000))
    assert finishes(lambda: is_zip_file(Path("/dev/zero"))) is False


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 5000)
    assert read_regular_file(path, max_bytes=5000) == b"x" * 5000
    with pytest.raises(UnsafeArchiveError, match=r"big\.bin is larger than the 4,999 bytes"):
        read_regular_file(path, max_bytes=4999)


def test_a_folder_and_a_missing_file_say_so(tmp_path: Path) -> None:
    with pytest.raises(UnsafeArchiveError, match="is a folder"):
        read_regular_file(tmp_path, max_bytes=100)
    with pytest.raises(UnsafeArchiveError, match="does not exist"):
        read_regular_file(tmp_path / "nope", max_bytes=100)


def test_only_zip_files_look_like_zips(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "a")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert is_zip_file(archive) is True
    assert is_zip_file(text) is False
    assert is_zip_file(tmp_path) is False
