"""A teacher passphrase: the Teacher menu and the class commands of a shared computer.

When learners share one computer (one database file), any of them can open the app.
A teacher who sets a passphrase keeps the class screens and commands, which show
every learner's answers, for whoever knows it. The passphrase is never stored: only
a salt and an scrypt hash of it (the memory-hard key derivation of Python's standard
library), in the database's settings.

What it does not do: the database file itself is not encrypted, and a learner who
can read that file with other tools can read everything in it. On a school server
the accounts and their roles decide who sees what, so no passphrase is kept there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import SettingRow

SETTING_KEY = "teacher_passphrase"
MIN_PASSPHRASE = 8
MAX_PASSPHRASE = 1024
# scrypt's cost: 16 MiB of memory and ~50 ms per guess on a laptop, which slows a
# guesser a thousandfold against a plain hash while keeping the check instant.
_N, _R, _P, _LENGTH = 2**14, 8, 1, 32
_SCHEME = "scrypt"


class TeacherLockError(Exception):
    """A passphrase request that cannot be done; the message says why in plain words."""


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_passphrase(passphrase: str, *, salt: bytes | None = None) -> str:
    """The stored form: ``scrypt$N$r$p$SALT$HASH`` (base64), never the passphrase."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = _derive(passphrase, salt, _N, _R, _P)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def matches(stored: str, passphrase: str) -> bool:
    """Whether ``passphrase`` is the one ``stored`` was made from (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        found = _derive(passphrase, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, MemoryError):
        # A damaged value matches nothing; clearing it needs the database file (README).
        return False
    return hmac.compare_digest(found, expected)


class TeacherLock:
    """Set, check and remove the teacher passphrase of this computer's database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    @property
    def applies(self) -> bool:
        """Whether a passphrase can be kept here (a database file, not a school server)."""
        return self._db.server is None

    def _stored(self) -> str | None:
        if not self.applies:
            return None
        with self._db.sessions() as session:
            row = session.get(SettingRow, ("", SETTING_KEY))
            return row.value if row is not None and row.value else None

    def is_set(self) -> bool:
        """Whether the teacher area asks for a passphrase."""
        return self._stored() is not None

    def check(self, passphrase: str) -> bool:
        """Whether ``passphrase`` opens the teacher area (always, when none is set)."""
        stored = self._stored()
        return stored is None or matches(stored, passphrase)

    def set(self, new: str, *, current: str | None = None) -> None:
        """Set or change the passphrase; changing one needs the current one."""
        if not self.applies:
            raise TeacherLockError(
                "on a school server the teachers' accounts guard the class reports; "
                "no passphrase is kept there"
            )
        if len(new) < MIN_PASSPHRASE:
            raise TeacherLockError(
                f"a teacher passphrase needs at least {MIN_PASSPHRASE} characters"
            )
        if len(new) > MAX_PASSPHRASE:
            raise TeacherLockError(
                f"a teacher passphrase can have at most {MAX_PASSPHRASE} characters"
            )
        self._require(current)
        value = hash_passphrase(new)
        with self._db.transaction() as session:
            row = session.get(SettingRow, ("", SETTING_KEY))
            if row is None:
                session.add(SettingRow(owner="", key=SETTING_KEY, value=value))
            else:
                row.value = value

    def remove(self, current: str) -> None:
        """Remove the passphrase: the teacher area opens for anyone again."""
        if not self.is_set():
            raise TeacherLockError("no teacher passphrase is set")
        self._require(current)
        with self._db.transaction() as session:
            row = session.get(SettingRow, ("", SETTING_KEY))
            if row is not None:
                session.delete(row)

    def _require(self, current: str | None) -> None:
        stored = self._stored()
        if stored is None:
            return
        if current is None or not matches(stored, current):
            raise TeacherLockError("that is not the teacher passphrase; nothing was changed")


__all__ = [
    "MIN_PASSPHRASE",
    "SETTING_KEY",
    "TeacherLock",
    "TeacherLockError",
    "hash_passphrase",
    "matches",
]
