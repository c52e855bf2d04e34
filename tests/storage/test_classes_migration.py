"""Migration 0006 adds the class tables to a database with data, which it leaves alone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from small_pack import SMALL_PACK

from crisisquiz.core.classes import ClassService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.storage.database import _alembic_config, migration_connection, open_database


def test_upgrading_to_classes_keeps_learners_and_packs(tmp_path: Path, now: datetime) -> None:
    database = open_database(tmp_path, now=now)
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    with migration_connection(database.engine) as connection:
        command.downgrade(_alembic_config(connection), "0005")
    database.close()

    upgraded = open_database(tmp_path, now=now)
    try:
        assert upgraded.backup is not None
        assert LearnerService(upgraded).by_name("Ana") == ana
        classes = ClassService(upgraded)
        assert classes.list() == []
        classes.create("Year 9", now=now)
        classes.enrol("Year 9", ["Ana"])
        classes.set_packs("Year 9", ["test-pack"], hide_builtin=True)
        assert classes.visible_packs(ana.id) == {"test-pack"}
    finally:
        upgraded.close()
