"""Answers remember the pack version they were given in; a question's earlier text is kept
when a newer version changes it, so an answer is judged against what was shown."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from small_pack import SMALL_PACK
from sqlalchemy import select

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.question_versions import QuestionTexts
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import QuizAnswerRow, ReviewRow

# Version 1.1.0 makes Brezhnev the answer to mc (as if the pack had had it wrong),
# rewords tf, and leaves the other questions as they were.
V110 = (
    SMALL_PACK.replace('version = "1.0.0"', 'version = "1.1.0"')
    .replace('answer = "Khrushchev"\nexplanation', 'answer = "Brezhnev"\nexplanation')
    .replace("The quarantine began on 24 October 1962.", "The quarantine began in October 1962.")
)
V120 = V110.replace('version = "1.1.0"', 'version = "1.2.0"').replace(
    'answer = "Brezhnev"\nexplanation', 'answer = "Stalin"\nexplanation'
)


def test_each_version_of_a_changed_question_is_kept_and_answers_name_theirs(
    database: Database, now: datetime
) -> None:
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now)
    ana = LearnerService(database).create("Ana", now=now)
    study = StudyService(database, tz=UTC, rng=random.Random(1)).start(ana.id, now=now)
    item = study.next_item(now)
    assert item is not None
    study.answer(item, "no idea", now=now, response_ms=500)
    later = now + timedelta(days=1)
    packs.import_pack(parse_pack_text(V110), now=later)
    quiz = QuizService(database, tz=UTC).start(ana.id, QuizSettings(count=2, seed=3), now=later)
    quiz.answer(0, "no idea", now=later, response_ms=500)
    packs.import_pack(parse_pack_text(V120), now=later + timedelta(days=1))

    with database.sessions() as session:
        assert session.scalars(select(ReviewRow.pack_version)).all() == ["1.0.0"]
        assert session.scalars(select(QuizAnswerRow.pack_version)).all() == ["1.1.0"]
        texts = QuestionTexts.load(session)
    assert texts.knows("test-pack", "1.0.0") and texts.knows("test-pack", "1.2.0")
    assert not texts.knows("test-pack", "1.0.5") and not texts.knows("other", "1.0.0")
    mc = ("test-pack", "mc")
    assert [texts.body_at(mc, v)["answer"] for v in ("1.0.0", "1.1.0", "1.2.0")] == [  # type: ignore[index]
        "Khrushchev",
        "Brezhnev",
        "Stalin",
    ]
    tf = ("test-pack", "tf")
    assert texts.body_at(tf, "1.0.0")["statement"].endswith("24 October 1962.")  # type: ignore[index]
    assert texts.body_at(tf, "1.2.0")["statement"].endswith("in October 1962.")  # type: ignore[index]
    # Unchanged questions keep no copies: mc twice, tf once.
    assert sum(len(entries) for entries in texts.history.values()) == 3
    assert texts.body_at(("test-pack", "nope"), "1.0.0") is None
