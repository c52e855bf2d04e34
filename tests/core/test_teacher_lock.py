"""The teacher passphrase: stored only as a salted scrypt hash, checked, changed, removed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crisisquiz.core.teacher_lock import (
    SETTING_KEY,
    TeacherLock,
    TeacherLockError,
    hash_passphrase,
    matches,
)
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import SettingRow


def _stored(database: Database) -> str | None:
    with database.sessions() as session:
        return session.scalar(select(SettingRow.value).where(SettingRow.key == SETTING_KEY))


@pytest.fixture
def file_database(database: Database) -> Database:
    """A database file: a school server keeps no passphrase (tested below)."""
    if database.server is not None:
        pytest.skip("a school server keeps no teacher passphrase (see the test for it)")
    return database


def test_a_school_server_keeps_no_passphrase(database: Database) -> None:
    lock = TeacherLock(database)
    if database.server is None:
        assert lock.applies
        return
    assert not lock.applies and not lock.is_set() and lock.check("")
    with pytest.raises(TeacherLockError, match="teachers' accounts"):
        lock.set("tulips in march")
    assert _stored(database) is None


def test_no_passphrase_lets_anyone_in(file_database: Database) -> None:
    database = file_database
    lock = TeacherLock(database)
    assert not lock.is_set()
    assert lock.check("")


def test_set_check_change_and_remove(file_database: Database) -> None:
    database = file_database
    lock = TeacherLock(database)
    lock.set("tulips in march")
    assert lock.is_set()
    stored = _stored(database)
    assert stored is not None and "tulips" not in stored
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert lock.check("tulips in march")
    assert not lock.check("Tulips in march")
    assert not lock.check("")
    with pytest.raises(TeacherLockError, match="not the teacher passphrase"):
        lock.set("a pupil's guess", current="wrong one")
    with pytest.raises(TeacherLockError, match="not the teacher passphrase"):
        lock.set("a pupil's guess")
    assert lock.check("tulips in march")
    lock.set("daffodils in april", current="tulips in march")
    assert lock.check("daffodils in april") and not lock.check("tulips in march")
    with pytest.raises(TeacherLockError, match="not the teacher passphrase"):
        lock.remove("tulips in march")
    lock.remove("daffodils in april")
    assert not lock.is_set() and _stored(database) is None


def test_short_passphrase_is_refused_and_nothing_stored(file_database: Database) -> None:
    database = file_database
    with pytest.raises(TeacherLockError, match="at least 8 characters"):
        TeacherLock(database).set("1234567")
    assert _stored(database) is None


def test_the_salt_makes_each_hash_different() -> None:
    first, second = hash_passphrase("same words"), hash_passphrase("same words")
    assert first != second
    assert matches(first, "same words") and matches(second, "same words")


def test_a_damaged_value_matches_nothing() -> None:
    assert not matches("scrypt$16384$8$1$not base64!$xx", "anything")
    assert not matches("plain text", "plain text")
