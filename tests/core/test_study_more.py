"""Study more: new questions beyond the day's limit, for today only."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from test_study import right_answer

from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    return LearnerService(database).update_settings(learner.id, new_per_day=3)


def service(database: Database) -> StudyService:
    return StudyService(database, tz=UTC, rng=random.Random(3))


def start_new(database: Database, learner: Learner, now: datetime, **more: object) -> int:
    """Answer every new question a session offers; how many there were."""
    study = service(database).start(learner.id, now=now, **more)  # type: ignore[arg-type]
    started = study.counts(now).new
    for _ in range(started):
        item = study.next_item(now)
        assert item is not None
        study.answer(item, right_answer(item), now=now, response_ms=400)
    return started


def test_study_more_goes_past_the_limit_for_today_only(
    database: Database, learner: Learner, now: datetime
) -> None:
    assert start_new(database, learner, now) == 3
    assert service(database).queue_counts(learner.id, now=now).new == 0  # limit met
    assert service(database).more_new(learner.id, now=now) == 6
    assert start_new(database, learner, now, extra_new=4) == 4
    assert service(database).more_new(learner.id, now=now) == 2
    # A topic's unseen questions, whatever the limit.
    beta = ("test-pack", "beta")
    left_in_beta = service(database).more_new(learner.id, now=now, topics=(beta,))
    assert 0 < left_in_beta <= 5
    assert start_new(database, learner, now, topics=(beta,), extra_new=left_in_beta) == left_in_beta
    # The limit itself never changed: tomorrow it is 3 again.
    tomorrow = now + timedelta(days=1)
    unseen = 9 - 3 - 4 - left_in_beta
    assert service(database).queue_counts(learner.id, now=tomorrow).new == min(3, unseen)
