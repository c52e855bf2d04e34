"""Review my mistakes: today's and a quiz's wrong answers again until right, schedule untouched."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from test_study import right_answer, wrong_answer

from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.mistakes import MistakesService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow, QuestionRow, ReviewRow


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    return LearnerService(database).create("Ana", now=now)


def names(database: Database, ids: list[int]) -> list[str]:
    with database.sessions() as session:
        by_id = dict(session.execute(select(QuestionRow.id, QuestionRow.question_id)).all())
    return [by_id[i] for i in ids]


def stored(database: Database) -> tuple[int, list[tuple[int, datetime]]]:
    with database.sessions() as session:
        reviews = int(session.scalar(select(func.count()).select_from(ReviewRow)) or 0)
        cards = list(session.execute(select(CardStateRow.question_id, CardStateRow.due)).all())
    return reviews, [(qid, due) for qid, due in cards]


def test_todays_mistakes_come_back_until_right_and_change_nothing(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = StudyService(database, tz=UTC, rng=random.Random(2)).start(learner.id, now=now)
    wrong_first = {"ms", "cz", "yr"}
    at = now
    for _ in range(9):
        item = study.next_item(at)
        assert item is not None
        wrong = item.question.id in wrong_first
        study.answer(
            item, wrong_answer(item) if wrong else right_answer(item), now=at, response_ms=500
        )
        at += timedelta(seconds=5)
    # cz is put right later in the session (its learning step): no longer a mistake;
    # ms and yr are wrong again.
    later = at + timedelta(minutes=2)
    item = study.next_item(later)
    while item is not None:
        still_wrong = item.question.id in wrong_first - {"cz"}
        answer = wrong_answer(item) if still_wrong else right_answer(item)
        study.answer(item, answer, now=later, response_ms=500)
        if item.question.id == "cz":
            break
        item = study.next_item(later)

    service = MistakesService(database, tz=UTC, rng=random.Random(1))
    ids = service.today(learner.id, now=at)
    assert names(database, ids) == [q for q in ("ms", "yr") if q in wrong_first]
    before = stored(database)
    review = service.start(ids)
    assert (review.left, review.total) == (2, 2)
    first = review.next_item()
    assert first is not None
    # Wrong again: to the back of the line, and not shown twice in a row.
    assert review.answer(first, wrong_answer(first)).verdict.name == "WRONG"
    second = review.next_item()
    assert second is not None and second.ref.row_id != first.ref.row_id
    review.answer(second, right_answer(second))
    again = review.next_item()
    assert again is not None and again.ref.row_id == first.ref.row_id
    review.answer(again, right_answer(again))
    assert review.next_item() is None and review.left == 0
    assert (review.summary().questions, review.summary().tries) == (2, 3)
    # The schedule moved once, with the first answers; the review stored nothing.
    assert stored(database) == before
    # Tomorrow, today's mistakes are no longer today's.
    assert service.today(learner.id, now=at + timedelta(days=1)) == []


def test_a_quizs_mistakes(database: Database, learner: Learner, now: datetime) -> None:
    quiz = QuizService(database, tz=UTC).start(learner.id, QuizSettings(count=9, seed=4), now=now)
    for position, item in enumerate(quiz.items):
        if item.question.id in ("mc", "tf"):
            quiz.answer(position, wrong_answer(item), now=now, response_ms=300)
        elif item.question.id != "yr":  # yr left unanswered: not a mistake made
            quiz.answer(position, right_answer(item), now=now, response_ms=300)
    quiz.finish(now)
    ids = MistakesService(database, tz=UTC, rng=random.Random(1)).in_quiz(quiz.attempt_id)
    assert sorted(names(database, ids)) == ["mc", "tf"]
