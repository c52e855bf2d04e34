"""GUI fixtures: services over a temporary database with the small test pack and a learner."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.gui.services import Services
from crisisquiz.storage.database import Database


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(now: datetime) -> FakeClock:
    return FakeClock(now)


@pytest.fixture
def services(database: Database, small_pack_text: str, clock: FakeClock) -> Services:
    built = Services.create(database, clock=clock, tz=UTC, rng=random.Random(3))
    built.packs.import_pack(parse_pack_text(small_pack_text), now=clock())
    return built


@pytest.fixture
def learner(services: Services, clock: FakeClock) -> Learner:
    return services.learners.create("Ana", now=clock())
