"""Installing and updating packs keeps learners' history; refused imports change nothing."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crisisquiz.core.pack_loader import PackError, load_pack, parse_pack_text
from crisisquiz.core.packs import (
    ImportAction,
    PackService,
    PackVersionError,
    PackVersionUnchangedError,
    UnknownPackError,
    pack_to_dict,
    pack_to_json,
    pack_to_toml,
)
from crisisquiz.core.stats import StatsService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow, LearnerRow, QuestionRow, ReviewRow


def files_digest(db: Database) -> str:
    """Hash the database file and its WAL after closing every connection."""
    db.close()
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = Path(str(db.path) + suffix)
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def add_history(db: Database, question_key: str, now: datetime) -> int:
    """Give a learner a card state and a review on one question; return the question row id."""
    with db.transaction() as session:
        learner = LearnerRow(uid=uuid.uuid4(), name="Ana", created_at=now)
        session.add(learner)
        session.flush()
        qid = session.scalar(select(QuestionRow.id).where(QuestionRow.question_id == question_key))
        assert qid is not None
        session.add(
            CardStateRow(
                learner_id=learner.id,
                question_id=qid,
                due=now + timedelta(days=3),
                stability=3.0,
                difficulty=5.0,
                state=2,
                step=None,
                last_review=now,
                pack_id="test-pack",
                topic_id="alpha",
            )
        )
        session.add(
            ReviewRow(
                learner_id=learner.id,
                question_id=qid,
                reviewed_at=now,
                rating=3,
                correct=True,
                score=1.0,
                response={"value": "Khrushchev"},
                response_ms=2000,
                previous_state=None,
                topic_id="alpha",
                pack_id="test-pack",
            )
        )
        return qid


def test_install_then_same_version_is_a_no_op(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    first = service.import_pack(parse_pack_text(small_pack_text), now=now)
    assert (first.action, first.added) == (ImportAction.INSTALLED, 9)
    again = service.import_pack(parse_pack_text(small_pack_text), now=now)
    assert again.action is ImportAction.UNCHANGED
    [summary] = service.list_packs()
    assert (summary.id, summary.version, summary.question_count, summary.topic_count) == (
        "test-pack",
        "1.0.0",
        9,
        2,
    )


def test_a_changed_pack_under_the_same_version_is_refused(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    changed = small_pack_text.replace("Year of the crisis?", "In what year was the crisis?")
    changed = changed.replace('id = "fc"', 'id = "fc-new"')
    before = files_digest(database)
    with pytest.raises(PackVersionUnchangedError) as refused:
        service.import_pack(parse_pack_text(changed), now=now)
    assert str(refused.value) == (
        "pack 'test-pack' version 1.0.0 is already installed, and this file changes it "
        "(1 question changed, 1 question added, 1 question removed) but keeps its version "
        "number. Raise the version in its [pack] table, to 1.0.1 for corrections or 1.1.0 "
        "for new questions, and import it again; nothing was imported"
    )
    assert files_digest(database) == before


def test_the_same_pack_with_its_sources_listed_in_another_order_is_unchanged(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    two_sources = small_pack_text.replace(
        '[[sources]]\nid = "notes"\ntitle = "Class notes"',
        '[[sources]]\nid = "notes"\ntitle = "Class notes"\n\n[[sources]]\nid = "book"\ntitle = "B"',
    )
    service = PackService(database)
    service.import_pack(parse_pack_text(two_sources), now=now)
    again = service.import_pack(parse_pack_text(two_sources), now=now)
    assert again.action is ImportAction.UNCHANGED


def test_newer_version_updates_in_place_and_keeps_history(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    kept_id = add_history(database, "sa", now)
    newer = (
        small_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"')
        .replace(
            'prompt = "Who was the Soviet leader?"', 'prompt = "Who led the USSR in October 1962?"'
        )
        .replace('id = "fc"', 'id = "fc2"')
    )
    result = service.import_pack(parse_pack_text(newer), now=now)
    assert (result.action, result.previous_version) == (ImportAction.UPDATED, "1.0.0")
    assert (result.added, result.updated, result.retired) == (1, 8, 1)
    with database.sessions() as session:
        row = session.get(QuestionRow, kept_id)
        assert row is not None
        assert row.body["prompt"] == "Who led the USSR in October 1962?"
        assert session.scalar(select(func.count()).select_from(ReviewRow)) == 1
        assert session.scalar(select(func.count()).select_from(CardStateRow)) == 1
        retired = session.scalar(select(QuestionRow).where(QuestionRow.question_id == "fc"))
        assert retired is not None and retired.retired
    assert service.get_pack("test-pack").questions[0].id == "fc2"


def test_a_question_moved_to_another_topic_takes_its_cards_along(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    moved_id = add_history(database, "sa", now)
    newer = small_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"').replace(
        'id = "sa"\ntopic = "alpha"', 'id = "sa"\ntopic = "beta"'
    )
    service.import_pack(parse_pack_text(newer), now=now)
    with database.sessions() as session:
        card = session.get(CardStateRow, (1, moved_id))
        assert card is not None and card.topic_id == "beta"
    stats = StatsService(database).learner_topic_stats(1, now=now, tz=UTC)
    seen = {topic.topic_id: topic.figures.seen for topic in stats.topics}
    assert seen == {"alpha": 0, "beta": 1}


def test_older_version_is_refused_and_changes_nothing(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text.replace('"1.0.0"', '"2.0.0"')), now=now)
    before = files_digest(database)
    with pytest.raises(
        PackVersionError, match=r"installed at version 2\.0\.0; version 1\.0\.0 is older"
    ):
        service.import_pack(parse_pack_text(small_pack_text), now=now)
    assert files_digest(database) == before


def test_invalid_pack_leaves_database_byte_for_byte_unchanged(
    database: Database, small_pack_text: str, now: datetime, tmp_path: Path
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    broken = tmp_path / "broken.toml"
    broken.write_text(
        small_pack_text.replace('"1.0.0"', '"1.1.0"').replace("answer = 1962", 'answer = "x"')
    )
    before = files_digest(database)
    with pytest.raises(PackError):
        service.import_file(broken, now=now)
    assert files_digest(database) == before


def test_failure_inside_the_transaction_rolls_back(
    database: Database, small_pack_text: str, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crisisquiz.core.packs as packs_module

    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(packs_module, "_write_contents", explode)
    with pytest.raises(RuntimeError):
        service.import_pack(parse_pack_text(small_pack_text.replace('"1.0.0"', '"1.1.0"')), now=now)
    assert service.installed_version("test-pack") == "1.0.0"


def test_export_round_trips(
    database: Database, small_pack_text: str, now: datetime, tmp_path: Path
) -> None:
    service = PackService(database)
    original = parse_pack_text(small_pack_text)
    service.import_pack(original, now=now)
    exported = service.get_pack("test-pack")
    assert pack_to_dict(exported) == pack_to_dict(original)
    assert '"questions": [' in pack_to_json(exported)
    toml_file = tmp_path / "exported.toml"
    toml_file.write_text(pack_to_toml(exported), encoding="utf-8")
    assert pack_to_dict(load_pack(toml_file)) == pack_to_dict(original)


def test_remove_pack_deletes_its_progress(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    add_history(database, "mc", now)
    service.remove_pack("test-pack")
    assert service.list_packs() == []
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewRow)) == 0
    with pytest.raises(UnknownPackError):
        service.remove_pack("test-pack")
