"""Reading files and .zip archives that came from someone else, safely.

Packs, Anki decks and spreadsheets are zip files, and a zip file can lie: a
member named ``../../.bashrc`` (zip-slip), a symlink to a file outside, a
few kilobytes that inflate to gigabytes (a zip bomb), thousands of tiny
members, an encrypted or corrupt member. :class:`SafeZip` refuses all of
these with an :class:`UnsafeArchiveError` whose message a person can act
on, before anything is decompressed where it can be refused from the
archive's directory alone, and while reading otherwise. Members are only
ever read into memory; nothing is extracted to disk.

Plain files get the same care (:func:`read_regular_file`): only a regular
file is read, so a FIFO (which would block until someone writes to it) or a
device such as ``/dev/zero`` (which never ends) is refused before a byte is
read, and every read has a byte limit, checked against the file's size first
and again while reading.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Final

__all__ = [
    "ArchiveLimits",
    "SafeZip",
    "UnsafeArchiveError",
    "describe_size",
    "is_zip_file",
    "open_regular_file",
    "read_regular_file",
    "safe_member_name",
]

_CHUNK: Final = 1 << 16
_KNOWN_METHODS: Final = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}


class UnsafeArchiveError(ValueError):
    """An archive (or a file) was refused; the message says why, in words for its owner."""


# O_NONBLOCK lets a FIFO be opened (and then refused) instead of waiting for a writer;
# it changes nothing for regular files. Windows has neither FIFOs nor the flag.
_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS: Final = (
    os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def open_regular_file(path: Path) -> IO[bytes]:
    """``path`` opened for reading in binary mode, if it is a regular file.

    A FIFO, a device, a socket or a folder is refused with an
    :class:`UnsafeArchiveError` without blocking and without reading from it.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise UnsafeArchiveError(f"{path.name} does not exist") from None
    except IsADirectoryError:
        raise UnsafeArchiveError(f"{path.name} is a folder, not a file") from None
    except OSError as exc:
        raise UnsafeArchiveError(f"{path.name} could not be read ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafeArchiveError(
                f"{path.name} is {_kind_of(mode)}, not an ordinary file; it was not read"
            )
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular_file(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, refused past ``max_bytes``.

    FIFOs, devices, sockets and folders are refused without blocking (see
    :func:`open_regular_file`); so is a file that grows past the limit while
    it is read.
    """
    with open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(max_bytes + 1) if size <= max_bytes else b""
    if size > max_bytes or len(data) > max_bytes:
        raise UnsafeArchiveError(
            f"{path.name} is larger than the {describe_size(max_bytes)} allowed"
        )
    return data


def is_zip_file(path: Path) -> bool:
    """Whether ``path`` is a regular file that starts like a zip archive.

    Unlike :func:`zipfile.is_zipfile`, a FIFO or a device is never opened for
    reading (which would block or never end): those are simply not zip files.
    """
    try:
        with open_regular_file(path) as handle:
            head = handle.read(4)
    except UnsafeArchiveError:
        return False
    # A member's local header, or the end record of an empty archive.
    return head in (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may hold before it is refused.

    The defaults fit any real pack or deck (the largest shared Anki decks
    hold a few thousand media files and some hundreds of megabytes) while a
    bomb of gigabytes or a million members is refused at once.
    """

    max_files: int = 50_000
    max_total_bytes: int = 1 << 30
    max_member_bytes: int = 512 << 20


def safe_member_name(name: str) -> PurePosixPath | None:
    """The member's path if it stays inside the archive's folder, else None.

    Refused: absolute paths, drive letters, ``..`` parts, empty parts and
    backslashes (a Windows path separator that would let ``..\\`` through).
    """
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    parts = name.rstrip("/").split("/")
    if any(part in ("..", ".", "") for part in parts) or ":" in parts[0]:
        return None
    return PurePosixPath(name)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix permissions live in the top 16 bits of external_attr when made on Unix.
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def _is_regular(info: zipfile.ZipInfo) -> bool:
    if info.create_system != 3:
        return True
    # Writers that set permissions only (Python's writestr) leave the type bits zero.
    kind = stat.S_IFMT(info.external_attr >> 16)
    return kind in (0, stat.S_IFREG)


class SafeZip:
    """A zip archive whose directory was checked; read members with :meth:`read`.

    Opening it checks every entry of the directory: names that leave the
    folder, symlinks and other special files, encryption, unknown compression
    methods, too many members and declared sizes past the limits. Reading a
    member checks its real size as it inflates (a member may lie about its
    size) and its checksum.
    """

    def __init__(self, path: Path, limits: ArchiveLimits | None = None) -> None:
        self.path = path
        self.limits = limits or ArchiveLimits()
        self._read_so_far = 0
        # Opened as a regular file first: zipfile would block on a FIFO.
        self._file = open_regular_file(path)
        try:
            self._zip = zipfile.ZipFile(self._file)
        except zipfile.BadZipFile as exc:
            self._file.close()
            raise UnsafeArchiveError(f"{path.name} is not a readable zip archive ({exc})") from None
        except OSError as exc:
            self._file.close()
            raise UnsafeArchiveError(
                f"{path.name} could not be read ({exc.strerror or exc})"
            ) from None
        try:
            self._members = self._check_directory()
        except UnsafeArchiveError:
            self.close()
            raise

    def _check_directory(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        name = self.path.name
        if len(infos) > self.limits.max_files:
            raise UnsafeArchiveError(
                f"{name} holds {len(infos):,} files, more than the {self.limits.max_files:,} "
                "allowed; it was not opened"
            )
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if safe_member_name(info.filename) is None:
                raise UnsafeArchiveError(
                    f"{name} holds a file named {info.filename!r}, which points outside the "
                    "archive's folder; the archive was refused"
                )
            if _is_symlink(info):
                raise UnsafeArchiveError(
                    f"{name} holds a symbolic link ({info.filename!r}); archives with links "
                    "are refused"
                )
            if not _is_regular(info):
                raise UnsafeArchiveError(
                    f"{name} holds {info.filename!r}, which is not a regular file; "
                    "the archive was refused"
                )
            if info.flag_bits & 0x1:
                raise UnsafeArchiveError(
                    f"{info.filename!r} in {name} is encrypted; save the archive again "
                    "without a password"
                )
            if info.compress_type not in _KNOWN_METHODS:
                raise UnsafeArchiveError(
                    f"{info.filename!r} in {name} is compressed with a method this app "
                    f"cannot read (method {info.compress_type}); save it again as a "
                    "standard zip"
                )
            if info.file_size > self.limits.max_member_bytes:
                raise UnsafeArchiveError(
                    f"{info.filename!r} in {name} unpacks to {describe_size(info.file_size)}, more "
                    f"than the {describe_size(self.limits.max_member_bytes)} allowed for one file"
                )
            total += info.file_size
            if total > self.limits.max_total_bytes:
                raise UnsafeArchiveError(
                    f"{name} unpacks to more than {describe_size(self.limits.max_total_bytes)}; "
                    "it was refused"
                )
            if info.filename in members:
                raise UnsafeArchiveError(f"{name} holds {info.filename!r} twice")
            members[info.filename] = info
        return members

    def names(self) -> list[str]:
        """The regular files in the archive, in directory order."""
        return list(self._members)

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def size(self, name: str) -> int:
        """The declared unpacked size of member ``name``."""
        return self._members[name].file_size

    def read(self, name: str, *, max_bytes: int | None = None) -> bytes:
        """The bytes of member ``name``, checked against the limits and its checksum."""
        info = self._members.get(name)
        if info is None:
            raise UnsafeArchiveError(f"{self.path.name} holds no file {name!r}")
        cap = min(info.file_size, max_bytes if max_bytes is not None else info.file_size)
        if info.file_size > cap:
            raise UnsafeArchiveError(
                f"{name!r} in {self.path.name} is {describe_size(info.file_size)}, more than the "
                f"{describe_size(cap)} allowed"
            )
        chunks: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as stream:
                for chunk in _chunks(stream):
                    got += len(chunk)
                    # The directory may understate a member's size; stop as soon as it lies.
                    if got > info.file_size:
                        raise UnsafeArchiveError(
                            f"{name!r} in {self.path.name} unpacks to more than the "
                            "size its archive declares; the archive is damaged or hostile"
                        )
                    chunks.append(chunk)
        except zipfile.BadZipFile as exc:
            raise UnsafeArchiveError(
                f"{name!r} in {self.path.name} is damaged ({_reason(exc)}); "
                "the archive cannot be used"
            ) from None
        except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise UnsafeArchiveError(
                f"{name!r} in {self.path.name} could not be unpacked ({exc})"
            ) from None
        self._read_so_far += got
        if self._read_so_far > self.limits.max_total_bytes:
            limit = describe_size(self.limits.max_total_bytes)
            raise UnsafeArchiveError(f"{self.path.name} unpacks to more than {limit}")
        return b"".join(chunks)

    def close(self) -> None:
        """Close the archive file."""
        self._zip.close()
        self._file.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "CRC" in text:
        return "its checksum does not match"
    return text


def describe_size(count: int) -> str:
    """A byte count for people: "5,120 bytes", "20 KB", "12 MB", "1.5 GB"."""
    if count < 10 << 10:
        return f"{count:,} bytes"
    if count >= 1 << 30:
        return f"{count / (1 << 30):.1f} GB"
    if count >= 10 << 20:
        return f"{count / (1 << 20):.0f} MB"
    if count >= 1 << 20:
        return f"{count / (1 << 20):.1f} MB"
    return f"{count / 1024:.0f} KB"
