"""Teacher ▸ Class report reading a class from the database, on SQLite and on PostgreSQL:
the classes offered, the learners read, and read again to bring the report up to date."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from small_pack import SMALL_PACK

from crisisquiz.core.class_report import DATABASE_SOURCE, ClassReport
from crisisquiz.core.classes import ClassService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.results import export_results, parse_results
from crisisquiz.core.study import StudyService
from crisisquiz.gui.class_report_screen import class_names, read_class
from crisisquiz.storage.database import Database


def answer(database: Database, learner_id: int, count: int, now: datetime) -> None:
    session = StudyService(database, tz=UTC, rng=random.Random(learner_id)).start(
        learner_id, now=now
    )
    for _ in range(count):
        item = session.next_item(now)
        assert item is not None
        session.answer(item, "no idea", now=now, response_ms=1500)


def answers(report: ClassReport) -> dict[str, int]:
    """Each learner's answers in the report, over every topic."""
    return {x.name: sum(cell.answers for cell in x.cells) for x in report.learners}


def test_a_class_read_from_the_database_on_either_engine(
    engine_database: Database, now: datetime
) -> None:
    database = engine_database
    PackService(database).import_pack(parse_pack_text(SMALL_PACK), now=now, builtin=True)
    learners = LearnerService(database)
    ana, ben, cy = (learners.create(name, now=now) for name in ("Ana", "Ben", "Cy"))
    classes = ClassService(database)
    classes.create("7B", now=now)
    classes.create("8C", now=now)
    classes.enrol("7B", ["Ana", "Ben"])
    classes.enrol("8C", ["Cy"])
    for learner, count in ((ana, 3), (ben, 2), (cy, 4)):
        answer(database, learner.id, count, now)
    assert class_names(database) == ["7B", "8C"]

    files, report = read_class(database, "7B", [], now=now)
    assert report is not None
    assert answers(report) == {"Ana": 3, "Ben": 2}
    assert [f.source for f in files] == [DATABASE_SOURCE] * 2
    ana_file = parse_results(
        export_results(database, ana.id, now=now, file_id=uuid.uuid4()), source="ana.json"
    )

    # Ben answers more; reading again replaces what was read before, files stay.
    later = now + timedelta(hours=1)
    answer(database, ben.id, 2, later)
    again, updated = read_class(database, "7B", [*files, ana_file], now=later)
    assert updated is not None
    assert answers(updated) == {"Ana": 3, "Ben": 4}
    assert sorted(f.source for f in again) == sorted([DATABASE_SOURCE, DATABASE_SOURCE, "ana.json"])
