"""Migration 0004 upgrades a database holding packs and progress, losing nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.pack_schema import SourceKind
from crisisquiz.core.packs import PackService
from crisisquiz.storage.database import SCHEMA_HEAD, _alembic_config, open_database


def test_an_installed_pack_reads_the_same_after_the_upgrade(
    tmp_path: Path, now: datetime, small_pack_text: str, cited_pack_text: str
) -> None:
    db = open_database(tmp_path, now=now)
    with db.engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0003")
    # Written as the previous version of the app wrote it: no kind, guide or timeline.
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO packs (id, title, version, language, authors, description, "
                "builtin, imported_at) VALUES ('old', 'Old pack', '1.0.0', 'en', '[]', '', 0, "
                ":now)"
            ),
            {"now": now.replace(tzinfo=None)},
        )
        connection.execute(
            text(
                "INSERT INTO sources (pack_id, source_id, title, url) "
                "VALUES ('old', 'notes', 'Class notes', ''), ('old', 'atlas', 'Atlas', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO topics (pack_id, topic_id, title, description, position) "
                "VALUES ('old', 'alpha', 'Alpha', 'First', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO questions (pack_id, question_id, topic_id, qtype, position, "
                "difficulty, body, retired) VALUES ('old', 'q', 'alpha', 'year', 0, 3, "
                """'{"id": "q", "topic": "alpha", "type": "year", "prompt": "Year?", """
                """"answer": 1962, "sources": ["notes:1"]}', 0)"""
            )
        )
    db.close()

    upgraded = open_database(tmp_path, now=now)
    assert upgraded.backup is not None
    with upgraded.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == SCHEMA_HEAD
    service = PackService(upgraded)
    old = service.get_pack("old")
    assert [(s.id, s.kind, s.title, s.author, s.date) for s in old.sources] == [
        ("atlas", SourceKind.DOCUMENT, "Atlas", "", None),
        ("notes", SourceKind.DOCUMENT, "Class notes", "", None),
    ]
    assert [(t.id, t.description, t.guide) for t in old.topics] == [("alpha", "First", "")]
    assert old.timeline == ()
    assert old.questions[0].sources == ("notes:1",)
    # And the new fields are stored in the upgraded database.
    service.import_pack(parse_pack_text(cited_pack_text), now=now)
    cited = service.get_pack("cited-pack")
    assert cited.sources[0].sentences[0].line == 3
    assert len(cited.timeline) == 3
    service.remove_pack("cited-pack")
    with upgraded.engine.connect() as connection:
        for table in ("source_sentences", "timeline"):
            assert connection.scalar(text(f"SELECT count(*) FROM {table}")) == 0
    upgraded.close()
