"""A question's picture travels from its pack's media folder to the item shown."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from image_pack import MAP_SIZE, png, write_image_pack

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database


def test_study_and_quiz_items_carry_the_picture(
    database: Database, tmp_path: Path, now: datetime, small_pack_text: str
) -> None:
    PackService(database).import_pack(load_pack(write_image_pack(tmp_path / "p")), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    study = StudyService(database, tz=UTC, rng=random.Random(1)).start(ana.id, now=now)
    item = study.next_item(now)
    assert item is not None and item.question.image == "media/map.png"
    assert item.image == png(*MAP_SIZE)
    quiz = QuizService(database, tz=UTC).start(ana.id, QuizSettings(count=2, seed=1), now=now)
    assert all(i.image == png(*MAP_SIZE) for i in quiz.items)
