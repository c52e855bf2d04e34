"""The bulk paths of a pack import store and report exactly what the one-by-one paths did."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from crisisquiz.core.pack_loader import PackError, gc_paused, parse_pack_text
from crisisquiz.core.packs import PackService, question_bodies, question_body
from crisisquiz.storage.database import Database, open_database
from crisisquiz.storage.models import PackRow, QuestionRow, table_of

# Every question type, with values the models normalise: surrounding spaces, defaults
# written out, keys in another order than the models declare them.
UNTIDY_QUESTIONS = """
[[questions]]
type = "flashcard"
id = "fc2"
topic = "alpha"
prompt = "  Padded front  "
answer = "Back"
difficulty = 3
tags = []

[[questions]]
answer = "  Brezhnev "
choices = ["Khrushchev", "Brezhnev"]
prompt = "Who came next?"
type = "multiple_choice"
topic = "beta"
id = "mc2"
image = ""

[[questions]]
id = "yr2"
topic = "beta"
type = "year"
prompt = "Year?"
answer = 1962
tolerance = 0
explanation = "Élan, naïve and “quoted” text."
"""

ROW_COLUMNS = "pack_id, question_id, topic_id, qtype, position, difficulty, body, retired"


@pytest.fixture
def untidy_pack_text(small_pack_text: str) -> str:
    return small_pack_text + UNTIDY_QUESTIONS


def test_question_bodies_are_question_body_of_each(untidy_pack_text: str) -> None:
    pack = parse_pack_text(untidy_pack_text)
    bodies = question_bodies(pack.questions)
    one_by_one = [question_body(q) for q in pack.questions]
    assert bodies == one_by_one
    # Key order is part of the stored text and of exports.
    assert [list(b) for b in bodies] == [list(b) for b in one_by_one]


def type_of(db: Database) -> str:
    """SQL naming the stored type of ``retired``: 0/1 integers on SQLite, booleans on PostgreSQL."""
    return "pg_typeof(retired)::text" if db.server is not None else "typeof(retired)"


def _stored_rows(db: Database) -> list[tuple[object, ...]]:
    with db.sessions() as session:
        rows = session.execute(
            text(f"SELECT {ROW_COLUMNS}, {type_of(db)} FROM questions ORDER BY position")
        )
        return [tuple(row) for row in rows]


def test_new_rows_are_stored_as_sqlalchemy_stores_them(
    untidy_pack_text: str, database: Database, other_engine_database: Database, now: datetime
) -> None:
    pack = parse_pack_text(untidy_pack_text)
    PackService(database).import_pack(pack, now=now)

    # The same rows written through SQLAlchemy's Core insert and the JSON column type.
    reference = other_engine_database
    with reference.transaction() as session:
        session.add(
            PackRow(
                id=pack.pack.id,
                title=pack.pack.title,
                version=pack.pack.version,
                language=pack.pack.language,
                authors=list(pack.pack.authors),
                imported_at=now,
            )
        )
        session.flush()
        session.execute(
            insert(table_of(QuestionRow)),
            [
                {
                    "pack_id": pack.pack.id,
                    "question_id": q.id,
                    "topic_id": q.topic,
                    "qtype": q.type.value,
                    "position": position,
                    "difficulty": q.difficulty,
                    "body": question_body(q),
                    "retired": False,
                }
                for position, q in enumerate(pack.questions)
            ],
        )
    expected = _stored_rows(reference)
    assert _stored_rows(database) == expected
    assert len(expected) == len(pack.questions)


def test_updated_and_new_rows_read_back_as_the_pack(
    small_pack_text: str, untidy_pack_text: str, database: Database, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    newer = parse_pack_text(untidy_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"'))
    result = service.import_pack(newer, now=now)
    assert (result.added, result.updated, result.retired) == (3, 9, 0)
    assert service.get_pack("test-pack").questions == newer.questions


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_gc_paused_switches_the_collector_back_on() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_gc_paused_switches_the_collector_back_on_after_an_error(small_pack_text: str) -> None:
    with pytest.raises(PackError):
        parse_pack_text(small_pack_text.replace('id = "mc"', 'id = "fc"'))
    assert gc.isenabled()
    with pytest.raises(PackError):
        parse_pack_text("not = [valid")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_gc_paused_leaves_a_stopped_collector_stopped() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.parametrize(
    ("old", "new", "field", "messages"),
    [
        (
            '"Brezhnev", "Stalin"]',
            '"Brezhnev", "Khrushchev", "Stalin", "Brezhnev"]',
            "choices",
            ["choice 'Khrushchev' is listed twice", "choice 'Brezhnev' is listed twice"],
        ),
        (
            'answers = ["Turkey", "Italy"]',
            'answers = ["Italy", "Turkey", "Italy"]',
            "answers",
            ["'Italy' is listed twice"],
        ),
        (
            '"Bay of Pigs", "Missile crisis"]',
            '"Bay of Pigs", "Missile crisis", "Bay of Pigs"]',
            "items",
            ["item 'Bay of Pigs' is listed twice"],
        ),
        (
            '["Dobrynin", "Ambassador"]]',
            '["Dobrynin", "President"], ["Kennedy", "Ambassador"]]',
            "pairs",
            [
                "left item 'Kennedy' appears in two pairs",
                "right item 'President' appears in two pairs",
            ],
        ),
    ],
)
def test_repeated_values_are_each_reported_once_in_order(
    small_pack_text: str, old: str, new: str, field: str, messages: list[str]
) -> None:
    assert old in small_pack_text
    with pytest.raises(PackError) as caught:
        parse_pack_text(small_pack_text.replace(old, new))
    issues = [issue for issue in caught.value.issues if issue.field == field]
    assert [issue.message for issue in issues] == messages


def test_sqlite_keeps_each_body_as_the_text_json_dumps_writes(
    untidy_pack_text: str, tmp_path: Path, now: datetime
) -> None:
    pack = parse_pack_text(untidy_pack_text)
    database = open_database(tmp_path / "sqlite", now=now)
    try:
        PackService(database).import_pack(pack, now=now)
        with database.sessions() as session:
            stored = session.execute(text("SELECT body FROM questions ORDER BY position"))
            bodies = [row[0] for row in stored]
    finally:
        database.close()
    # The text, not only the value: SQLAlchemy's own JSON type writes json.dumps.
    assert bodies == [json.dumps(question_body(q)) for q in pack.questions]
