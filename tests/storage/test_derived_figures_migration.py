"""Migration 0007 repairs databases where a removed pack left its figures behind."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from small_pack import SMALL_PACK
from sqlalchemy import select, text

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.results import export_results, parse_results
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import _alembic_config, migration_connection, open_database
from crisisquiz.storage.models import DailyTopicStatsRow, TopicTotalsRow


def test_upgrade_drops_figures_of_removed_packs_and_recounts_totals(
    tmp_path: Path, now: datetime
) -> None:
    database = open_database(tmp_path, now=now)
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now)
    other = SMALL_PACK.replace('id = "test-pack"', 'id = "other-pack"', 1)
    packs.import_pack(parse_pack_text(other), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    session = StudyService(database, tz=UTC, rng=random.Random(2)).start(ana.id, now=now)
    for _ in range(12):
        item = session.next_item(now)
        assert item is not None
        session.answer(item, "no idea", now=now, response_ms=700)
        now += timedelta(seconds=15)
    with database.sessions() as s:
        kept = sorted(
            s.execute(
                select(TopicTotalsRow.topic_id, TopicTotalsRow.answers).where(
                    TopicTotalsRow.pack_id == "other-pack"
                )
            ).all()
        )
    database.close()

    # An older crisisquiz removed the pack but left its figures, and a total drifted.
    database = open_database(tmp_path, now=now)
    with migration_connection(database.engine) as connection:
        command.downgrade(_alembic_config(connection), "0006")
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        for table in ("reviews", "card_states", "questions", "topics", "sources"):
            connection.execute(text(f"DELETE FROM {table} WHERE pack_id = 'test-pack'"))
        connection.execute(text("DELETE FROM packs WHERE id = 'test-pack'"))
        connection.execute(
            text("UPDATE topic_totals SET answers = answers + 5 WHERE pack_id = 'other-pack'")
        )
        assert connection.scalar(
            text("SELECT count(*) FROM daily_topic_stats WHERE pack_id = 'test-pack'")
        )
    database.close()

    upgraded = open_database(tmp_path, now=now)
    try:
        with upgraded.sessions() as s:
            packs_counted = set(s.scalars(select(DailyTopicStatsRow.pack_id)))
            totals = sorted(s.execute(select(TopicTotalsRow.topic_id, TopicTotalsRow.answers)))
        assert packs_counted == {"other-pack"}
        assert totals == kept
        data = export_results(upgraded, ana.id, now=now, file_id=_FILE_ID)
        parse_results(data, source="ana.json")
    finally:
        upgraded.close()


_FILE_ID = "00000000-0000-4000-8000-000000000002"
