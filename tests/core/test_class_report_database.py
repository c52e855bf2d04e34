"""A class report from this computer's database is the report from the same learners'
exported files; files can be mixed in, and one learner in both is taken together."""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from small_pack import SMALL_PACK

from crisisquiz.core.class_report import ClassReport, build_class_report
from crisisquiz.core.class_sources import (
    class_learner_ids,
    database_results,
    installed_texts,
    load_results_files,
)
from crisisquiz.core.classes import ClassService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.results import export_results, write_results
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database

V110 = SMALL_PACK.replace('version = "1.0.0"', 'version = "1.1.0"').replace(
    'answer = "Khrushchev"\nexplanation', 'answer = "Brezhnev"\nexplanation'
)


def study_day(database: Database, learner_id: int, at: datetime, rng: random.Random) -> datetime:
    session = StudyService(database, tz=UTC, rng=random.Random(rng.random())).start(
        learner_id, now=at
    )
    for _ in range(12):
        item = session.next_item(at)
        if item is None:
            break
        question = item.question
        answer = getattr(question, "answer", None)
        response: object = 3 if question.type.value == "flashcard" else "no idea"
        if answer is not None and rng.random() < 0.6:
            response = answer
        session.answer(item, response, now=at, response_ms=1000)
        at += timedelta(minutes=1)
    return at


@pytest.fixture
def classroom(database: Database, now: datetime) -> list[int]:
    """Three pupils over two weeks, a quiz that counts as review, a pack update midway."""
    start = now - timedelta(days=14)
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=start)
    learners = LearnerService(database)
    ids = [learners.create(name, now=start).id for name in ("Ana", "Ben", "Cy")]
    learners.update_settings(ids[1], quiz_counts_as_review=True)
    classes = ClassService(database)
    classes.create("9H", now=start)
    classes.enrol("9H", ["Ana", "Ben", "Cy"])
    rng = random.Random(13)
    for day in range(14):
        at = start + timedelta(days=day, hours=9)
        if day == 7:
            packs.import_pack(parse_pack_text(V110), now=at)
        for learner_id in ids:
            if rng.random() < 0.7:
                at = study_day(database, learner_id, at, rng)
        if day % 5 == 2:
            for learner_id in ids:
                quiz = QuizService(database, tz=UTC).start(
                    learner_id, QuizSettings(count=4, seed=day), now=at
                )
                for position, item in enumerate(quiz.items):
                    answer = getattr(item.question, "answer", "no idea")
                    quiz.answer(position, answer, now=at, response_ms=800)
                    at += timedelta(seconds=30)
                quiz.finish(at)
    # After the update, each answers mc as version 1.0.0 had it: wrong now.
    at = now - timedelta(hours=2)
    for learner_id in ids:
        quiz = QuizService(database, tz=UTC).start(
            learner_id, QuizSettings(count=4, topics=(("test-pack", "alpha"),), seed=1), now=at
        )
        for position, item in enumerate(quiz.items):
            if item.question.id == "mc":
                quiz.answer(position, "Khrushchev", now=at, response_ms=800)
        quiz.finish(at)
        at += timedelta(minutes=5)
    return ids


def comparable(report: ClassReport) -> dict[str, Any]:
    """The report's figures, leaving out where the results came from and when written."""
    data = dataclasses.asdict(report)
    for learner in data["learners"]:
        learner.pop("sources")
        learner.pop("exported_at")
    data.pop("skipped")
    data.pop("merged")
    return data


def test_the_report_from_the_database_equals_the_report_from_exported_files(
    database: Database, classroom: list[int], now: datetime, tmp_path: Path
) -> None:
    ids = class_learner_ids(database, "9H")
    assert sorted(ids) == sorted(classroom)
    paths = []
    for learner_id in ids:
        data = export_results(database, learner_id, now=now, file_id=uuid.uuid4())
        path = tmp_path / f"{learner_id}.json"
        write_results(data, path)
        paths.append(path)
    files, refused = load_results_files(paths, installed=installed_texts(database))
    assert refused == []
    since = now - timedelta(days=7)
    for options in ({}, {"since": since}, {"pack_id": "test-pack", "since": since}):
        from_files = build_class_report(files, now=now, **options)
        from_database = build_class_report(
            database_results(database, ids, now=now), now=now, **options
        )
        assert comparable(from_database) == comparable(from_files)
        assert from_database.answers, "the classroom answered nothing?"
        assert {learner.sources for learner in from_database.learners} == {
            ("this computer's database",)
        }
    # The pack update changed mc's answer: its answers before and after are each
    # judged against their own version.
    report = build_class_report(files, now=now)
    mc = next(q for q in report.questions if q.question_id == "mc")
    versions = {a.pack_version for a in report.answers if a.question_id == "mc"}
    assert versions == {"1.0.0", "1.1.0"}
    picked = {c.choice: c.picks for c in mc.wrong_choices}
    assert picked["Khrushchev"] >= 3
    wrong_khrushchev = sum(
        1
        for a in report.answers
        if a.question_id == "mc" and a.response == "Khrushchev" and a.pack_version == "1.1.0"
    )
    assert picked.get("Khrushchev", 0) == wrong_khrushchev


def test_a_learner_in_the_database_and_in_a_file_is_taken_together(
    database: Database, classroom: list[int], now: datetime, tmp_path: Path
) -> None:
    ana = classroom[0]
    path = tmp_path / "ana.json"
    write_results(export_results(database, ana, now=now, file_id=uuid.uuid4()), path)
    files, _refused = load_results_files([path])
    report = build_class_report([*database_results(database, [ana], now=now), *files], now=now)
    assert len(report.learners) == 1
    assert [(m.sources, m.repeated == m.answers) for m in report.merged] == [
        (("this computer's database", str(path)), True)
    ]
