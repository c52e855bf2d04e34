"""Archives from others: zip-slip, symlinks, bombs, encryption and damage are refused."""

from __future__ import annotations

import stat
import time
import zipfile
from pathlib import Path

import pytest

from crisisquiz.core.pack_loader import PackError, load_pack
from crisisquiz.core.safe_archive import (
    ArchiveLimits,
    SafeZip,
    UnsafeArchiveError,
    safe_member_name,
)


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "a/../../evil.txt", "/etc/passwd", "C:/x.txt", "a\\..\\b", "a//b", "./a"],
)
def test_member_names_leaving_the_folder_are_refused(name: str) -> None:
    assert safe_member_name(name) is None


def test_ordinary_names_are_kept() -> None:
    assert str(safe_member_name("pack/media/map.png")) == "pack/media/map.png"


def test_zip_slip_is_refused_with_the_name(tmp_path: Path) -> None:
    path = _zip(tmp_path / "slip.zip", {"pack.toml": b"x", "../../outside.txt": b"gotcha"})
    with pytest.raises(UnsafeArchiveError, match=r"points outside the archive's folder"):
        SafeZip(path)
    # Through the pack loader the same refusal is a located pack problem.
    with pytest.raises(PackError, match="outside"):
        load_pack(path)


def test_symlinks_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("media/link.png")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match="symbolic link"):
        SafeZip(path)


def test_special_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "fifo.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("pipe")
        info.create_system = 3
        info.external_attr = (stat.S_IFIFO | 0o644) << 16
        archive.writestr(info, "")
    with pytest.raises(UnsafeArchiveError, match="not a regular file"):
        SafeZip(path)


def test_a_zip_bomb_is_refused_quickly_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    zeros = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("pack.toml", "w") as member,
    ):
        for _ in range(64):  # 64 MB of zeros in about 64 KB
            member.write(zeros)
    assert path.stat().st_size < 1 << 20
    started = time.process_time()
    with pytest.raises(UnsafeArchiveError, match="unpacks to more than 32 MB"):
        SafeZip(path, ArchiveLimits(max_total_bytes=32 << 20))
    # Refused from the directory alone: nothing was inflated.
    assert time.process_time() - started < 1.0


def test_a_member_lying_about_its_size_is_refused_as_damaged(tmp_path: Path) -> None:
    path = _zip(tmp_path / "liar.zip", {"data.bin": b"a" * 100_000})
    raw = bytearray(path.read_bytes())
    # Patch the declared size (central directory and local header) down to 10 bytes.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("data.bin")
    size = info.file_size.to_bytes(4, "little")
    small = (10).to_bytes(4, "little")
    assert raw.count(size) >= 2
    raw = bytearray(bytes(raw).replace(size, small))
    path.write_bytes(bytes(raw))
    with SafeZip(path) as archive, pytest.raises(UnsafeArchiveError, match="damaged"):
        archive.read("data.bin")


def test_too_many_files_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(30)})
    with pytest.raises(UnsafeArchiveError, match="holds 30 files"):
        SafeZip(path, ArchiveLimits(max_files=20))


def test_a_damaged_member_is_reported_as_damaged(tmp_path: Path) -> None:
    path = _zip(tmp_path / "crc.zip", {"pack.toml": b"hello world " * 100}, zipfile.ZIP_STORED)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"hello world", b"jello world", 1))
    with SafeZip(path) as archive, pytest.raises(UnsafeArchiveError, match="checksum"):
        archive.read("pack.toml")


def test_encrypted_members_are_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "enc.zip", {"pack.toml": b"secret"})
    raw = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in the central directory entry.
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 8] |= 0x1
    path.write_bytes(bytes(raw))
    with pytest.raises(UnsafeArchiveError, match="encrypted"):
        SafeZip(path)


def test_unknown_compression_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "odd.zip", {"pack.toml": b"data"}, zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 10] = 99  # compression method 99 (AES) in the central directory
    path.write_bytes(bytes(raw))
    with pytest.raises(UnsafeArchiveError, match="method 99"):
        SafeZip(path)


def test_not_a_zip_says_so(tmp_path: Path) -> None:
    path = tmp_path / "plain.zip"
    path.write_text("not an archive", encoding="utf-8")
    with pytest.raises(UnsafeArchiveError, match="not a readable zip"):
        SafeZip(path)


def test_regular_members_read_back(tmp_path: Path) -> None:
    path = _zip(tmp_path / "ok.zip", {"a/b.txt": b"one", "c.bin": b"\x00\x01"})
    with SafeZip(path) as archive:
        assert archive.names() == ["a/b.txt", "c.bin"]
        assert archive.read("a/b.txt") == b"one"
        assert "c.bin" in archive
        with pytest.raises(UnsafeArchiveError, match="no file"):
            archive.read("missing")
