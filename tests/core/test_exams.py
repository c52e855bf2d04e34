"""Exam dates: setting them, the plan study follows, the counts, and the forecasts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from test_study import right_answer

from crisisquiz.core.exams import ExamError, ExamService
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow

PACK = "test-pack"


@pytest.fixture
def learner(database: Database, small_pack_text: str, now: datetime) -> Learner:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    return LearnerService(database).update_settings(learner.id, new_per_day=1)


def study(database: Database) -> StudyService:
    return StudyService(database, tz=UTC, rng=random.Random(3))


def answer_all(service: StudyService, learner: Learner, now: datetime) -> int:
    """Answer (right) everything a session started at ``now`` offers now; how many."""
    session = service.start(learner.id, now=now)
    answered = 0
    while (item := session.next_item(now)) is not None and answered < 100:
        session.answer(item, right_answer(item), now=now, response_ms=9000)
        answered += 1
    return answered


def today(now: datetime) -> date:
    return (now - timedelta(hours=4)).date()  # UTC, rollover at 04:00


def test_an_exam_date_is_checked_in_words(
    database: Database, learner: Learner, now: datetime
) -> None:
    exams = ExamService(database, tz=UTC)
    with pytest.raises(ExamError, match=r"is not after today \(2026-03-02\)"):
        exams.set(learner.id, PACK, today(now), minutes_per_day=None, now=now)
    with pytest.raises(ExamError, match="more than a year ahead"):
        exams.set(learner.id, PACK, today(now) + timedelta(days=400), minutes_per_day=None, now=now)
    with pytest.raises(ExamError, match="minutes a day must be between 5 and 600"):
        exams.set(learner.id, PACK, today(now) + timedelta(days=3), minutes_per_day=2, now=now)
    with pytest.raises(ExamError, match="no pack 'nope' is installed"):
        exams.set(learner.id, "nope", today(now) + timedelta(days=3), minutes_per_day=None, now=now)
    assert exams.plans(learner.id, now=now) == []


def test_exam_mode_starts_every_question_in_time(
    database: Database, learner: Learner, now: datetime
) -> None:
    service = study(database)
    assert service.queue_counts(learner.id, now=now).new == 1  # one a day, as set
    exam_day = today(now) + timedelta(days=4)
    service.exams.set(learner.id, PACK, exam_day, minutes_per_day=None, now=now)
    # 9 unseen questions, 3 days before the final stretch of 1 day: 3 a day.
    assert service.queue_counts(learner.id, now=now).new == 3
    answer_all(service, learner, now)
    assert service.queue_counts(learner.id, now=now).new == 0
    for day in (1, 2):
        answer_all(service, learner, now + timedelta(days=day))
    with database.sessions() as session:
        started = session.scalars(
            select(CardStateRow).where(CardStateRow.learner_id == learner.id)
        ).all()
        assert len(started) == 9
        # Every question's next review comes before the exam day (in its final stretch at
        # the latest), never after it.
        exam_starts = datetime(exam_day.year, exam_day.month, exam_day.day, 4, tzinfo=UTC)
        assert all(card.due < exam_starts for card in started)


def test_setting_an_exam_brings_reviews_before_it_and_removing_it_gives_them_back(
    database: Database, learner: Learner, now: datetime
) -> None:
    service = study(database)
    LearnerService(database).update_settings(learner.id, new_per_day=9)
    answer_all(service, learner, now)
    later = now + timedelta(days=2)
    answer_all(service, learner, later)

    def dues() -> dict[int, datetime]:
        with database.sessions() as session:
            return dict(
                session.execute(
                    select(CardStateRow.question_id, CardStateRow.due).where(
                        CardStateRow.learner_id == learner.id
                    )
                ).all()
            )

    before = dues()
    exam_day = today(later) + timedelta(days=3)
    exam_starts = datetime(exam_day.year, exam_day.month, exam_day.day, 4, tzinfo=UTC)
    assert any(due > exam_starts for due in before.values())
    service.exams.set(learner.id, PACK, exam_day, minutes_per_day=None, now=later)
    planned = dues()
    assert all(due < exam_starts for due in planned.values())
    # The counts on every screen follow: the due ones are due for Study and the figures.
    for moment in (later, later + timedelta(days=1), later + timedelta(days=2)):
        counts = service.queue_counts(learner.id, now=moment)
        figures = StatsService(database).learner_topic_stats(learner.id, now=moment, tz=UTC)
        assert counts.due + counts.learning == figures.overall.due_now
    assert service.exams.clear(learner.id, PACK)
    restored = dues()
    for qid, due in restored.items():
        assert abs(due - before[qid]) <= timedelta(days=2)  # FSRS's own, less its fuzz
    assert not service.exams.clear(learner.id, PACK)


def test_the_forecast_rises_as_the_learner_studies_and_the_exam_passes(
    database: Database, learner: Learner, now: datetime
) -> None:
    service = study(database)
    exam_day = today(now) + timedelta(days=7)
    service.exams.set(learner.id, PACK, exam_day, minutes_per_day=None, now=now)
    [first] = service.exams.forecasts(learner.id, now=now)
    assert first.days_left == 7 and first.unseen == 9
    assert first.now == 0.0 and first.with_plan > 0.8
    assert first.minutes_needed >= 1
    assert {t.title for t in first.topics} >= {"Alpha", "Beta"}
    answer_all(service, learner, now)
    [second] = service.exams.forecasts(learner.id, now=now)
    assert second.now > first.now  # what is learnt counts for the exam day already
    assert second.unseen < first.unseen
    # The exam's day comes: its plan is settled and the schedule is as usual again.
    assert service.exams.plans(learner.id, now=now + timedelta(days=7)) == []
    assert service.exams.forecasts(learner.id, now=now + timedelta(days=8)) == []


def test_minutes_a_day_are_kept_and_study_follows_the_plans_retention(
    database: Database, learner: Learner, now: datetime
) -> None:
    service = study(database)
    LearnerService(database).update_settings(learner.id, new_per_day=9)
    answer_all(service, learner, now)
    exam_day = today(now) + timedelta(days=10)
    service.exams.set(learner.id, PACK, exam_day, minutes_per_day=5, now=now)
    [plan] = service.exams.forecasts(learner.id, now=now)
    assert plan.plan.minutes_per_day == 5
    # Nine questions fit in five minutes a day: the learner's own retention, in budget.
    assert plan.retention == 0.9 and not plan.over_budget
    assert plan.minutes_needed <= 5
    [window] = service.exams.windows(learner, now=now).values()
    assert window.retention == plan.retention and window.exam_day == exam_day
