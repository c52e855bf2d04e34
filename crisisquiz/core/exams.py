"""Exam dates: a learner's exam on a pack, the plan that prepares for it, and its forecast.

A learner sets an exam date (and, if they like, minutes a day) per pack. Until that
day the pack's questions follow the plan of :mod:`crisisquiz.core.exam_plan`: every
unseen question is introduced in time, and each review is placed for recall on the exam
day. Nothing else changes: the same card states, the same FSRS memory, the same "due"
definition (:mod:`crisisquiz.core.due`) on every screen, since the plan works by where
it puts each question's due date.

- Setting an exam brings forward every studied question of the pack whose next review
  would fall after its day in the final stretch; removing it (or the exam day passing)
  gives each question its FSRS interval at the learner's own retention again.
- :meth:`ExamService.forecasts` says what Home and ``stats --json`` show: the predicted
  exam-day score now (if nothing more were studied) and if the plan is kept, overall and
  per topic, and the minutes a day the plan needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from crisisquiz.core.exam_plan import (
    PlanCard,
    choose_retention,
    exam_recall,
    final_day,
    interval_days,
    new_per_day,
    next_day,
)
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.recording import StudyClock
from crisisquiz.core.scheduling import CardState, State
from crisisquiz.core.topic_keys import TopicKey
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    ExamPlanRow,
    PackRow,
    QuestionRow,
    TopicRow,
)

# When in the exam's study day the exam is taken: its predictions are for that moment.
EXAM_TIME = timedelta(hours=8)
# How far ahead an exam may be set, and the minutes a day one may give.
LONGEST_PLAN = timedelta(days=366)
MIN_MINUTES, MAX_MINUTES = 5, 600
# Seconds an answer takes when the learner has no recent answers to measure.
DEFAULT_ANSWER_SECONDS = 20.0


class ExamError(Exception):
    """An exam date that cannot be set (in the past, too far ahead, unknown pack...)."""


@dataclass(frozen=True)
class ExamPlan:
    """A learner's exam on one pack."""

    learner_id: int
    pack_id: str
    pack_title: str
    exam_day: date  # the learner's study day of the exam
    minutes_per_day: int | None  # None: as many as the plan needs


@dataclass(frozen=True)
class TopicForecast:
    """Predicted exam-day score of one topic."""

    pack_id: str
    topic_id: str
    title: str
    now: float  # if nothing more were studied
    with_plan: float  # if the plan is kept


@dataclass(frozen=True)
class ExamForecast:
    """What the plan for one exam says: scores predicted for the exam day and work a day."""

    plan: ExamPlan
    days_left: int  # study days before the exam day (today included)
    now: float
    with_plan: float
    minutes_needed: int  # minutes a day the plan needs (on average)
    retention: float  # the retention the plan's reviews aim at before the final stretch
    new_a_day: int  # unseen questions the plan introduces a day
    unseen: int
    topics: tuple[TopicForecast, ...]

    @property
    def over_budget(self) -> bool:
        """Whether the plan needs more minutes a day than the learner gave."""
        given = self.plan.minutes_per_day
        return given is not None and self.minutes_needed > given


@dataclass(frozen=True)
class ExamWindow:
    """How study places a pack's reviews while its exam is ahead (see :meth:`place`)."""

    exam_day: date
    retention: float
    clock: StudyClock

    def place(self, state: CardState, question_id: int, now: datetime) -> CardState:
        """``state`` with its due date where the plan puts the question's next review.

        Learning steps keep their own; once the question's last review before the exam
        is done, its next one is FSRS's, after the exam.
        """
        if state.state is not State.Review or state.stability is None:
            return state
        today = self.clock.day_of(now)
        days_left = (self.exam_day - today).days
        if days_left <= 0:
            return state
        day = next_day(question_id, 0, state.stability, self.retention, days_left)
        if day is None:
            return state
        return replace(state, due=self.clock.day_start(today + timedelta(days=day)))


def exam_moment(clock: StudyClock, exam_day: date) -> datetime:
    """When the exam is taken, for its predictions."""
    return clock.day_start(exam_day) + EXAM_TIME


class ExamService:
    """Set, read and forecast learners' exam dates."""

    def __init__(self, database: Database, *, tz: tzinfo) -> None:
        self._db = database
        self._tz = tz
        # The retention a budget allows, worked out once a study day per plan.
        self._retentions: dict[tuple[object, ...], float] = {}

    def _clock(self, learner: Learner) -> StudyClock:
        return StudyClock(self._tz, learner.day_rollover_hour)

    def set(
        self,
        learner_id: int,
        pack_id: str,
        exam_day: date,
        *,
        minutes_per_day: int | None,
        now: datetime,
    ) -> ExamPlan:
        """Set (or move) the learner's exam on a pack and place its reviews for it."""
        learner = LearnerService(self._db).get(learner_id)
        clock = self._clock(learner)
        today = clock.day_of(now)
        if exam_day <= today:
            raise ExamError(
                f"the exam date {exam_day:%Y-%m-%d} is not after today ({today:%Y-%m-%d}): "
                "choose a day from tomorrow on"
            )
        if exam_day > today + LONGEST_PLAN:
            raise ExamError(
                f"the exam date {exam_day:%Y-%m-%d} is more than a year ahead: choose a "
                f"day before {today + LONGEST_PLAN:%Y-%m-%d}"
            )
        if minutes_per_day is not None and not MIN_MINUTES <= minutes_per_day <= MAX_MINUTES:
            raise ExamError(
                f"minutes a day must be between {MIN_MINUTES} and {MAX_MINUTES} "
                f"(got {minutes_per_day})"
            )
        with self._db.transaction() as session:
            pack = session.get(PackRow, pack_id)
            if pack is None:
                raise ExamError(f"no pack {pack_id!r} is installed; see 'crisisquiz pack list'")
            row = session.get(ExamPlanRow, (learner_id, pack_id))
            if row is None:
                row = ExamPlanRow(learner_id=learner_id, pack_id=pack_id)
                session.add(row)
            elif row.exam_day != exam_day:
                # Moved: questions brought forward for the old date go back first.
                self._restore(session, learner, pack_id, row.exam_day)
            row.exam_day = exam_day
            row.minutes_per_day = minutes_per_day
            row.set_at = now
            days_left = (exam_day - today).days
            # Studied questions whose next review would come after their final day.
            for card in session.scalars(
                select(CardStateRow).where(
                    CardStateRow.learner_id == learner_id,
                    CardStateRow.pack_id == pack_id,
                    CardStateRow.state == int(State.Review),
                )
            ):
                last = clock.day_start(
                    today + timedelta(days=final_day(card.question_id, days_left))
                )
                if card.due > last:
                    card.due = last
            return ExamPlan(learner_id, pack_id, pack.title, exam_day, minutes_per_day)

    def clear(self, learner_id: int, pack_id: str) -> bool:
        """Remove the learner's exam on a pack (False: there was none); the schedule
        returns to FSRS's own."""
        learner = LearnerService(self._db).get(learner_id)
        with self._db.transaction() as session:
            row = session.get(ExamPlanRow, (learner_id, pack_id))
            if row is None:
                return False
            self._restore(session, learner, pack_id, row.exam_day)
            session.delete(row)
            return True

    def _restore(self, session: Session, learner: Learner, pack_id: str, exam_day: date) -> None:
        """Give the reviews the plan brought forward their FSRS interval again."""
        before = self._clock(learner).day_start(exam_day)
        for card in session.scalars(
            select(CardStateRow).where(
                CardStateRow.learner_id == learner.id,
                CardStateRow.pack_id == pack_id,
                CardStateRow.state == int(State.Review),
                CardStateRow.due < before,
            )
        ):
            if card.stability is None or card.last_review is None:
                continue
            days = interval_days(card.stability, learner.desired_retention)
            card.due = max(card.due, card.last_review + timedelta(days=days))

    def plans(self, learner_id: int, *, now: datetime, settle: bool = True) -> list[ExamPlan]:
        """The learner's exams still ahead, soonest first. With ``settle`` an exam whose
        day has come is settled: its plan is removed and the schedule is FSRS's own again."""
        learner = LearnerService(self._db).get(learner_id)
        today = self._clock(learner).day_of(now)
        with self._db.sessions() as session:
            rows = session.execute(
                select(ExamPlanRow, PackRow.title)
                .join(PackRow, PackRow.id == ExamPlanRow.pack_id)
                .where(ExamPlanRow.learner_id == learner_id)
                .order_by(ExamPlanRow.exam_day, PackRow.title)
            ).all()
            plans = [
                ExamPlan(learner_id, r.pack_id, title, r.exam_day, r.minutes_per_day)
                for r, title in rows
            ]
        for plan in [p for p in plans if p.exam_day <= today and settle]:
            self.clear(learner_id, plan.pack_id)
        return [p for p in plans if p.exam_day > today]

    def exam_moments(self, learner_id: int, *, now: datetime) -> dict[str, datetime]:
        """The moment of each exam ahead, by pack: what mastery predicts for."""
        learner = LearnerService(self._db).get(learner_id)
        clock = self._clock(learner)
        plans = self.plans(learner_id, now=now, settle=False)  # read only: safe off the GUI thread
        return {p.pack_id: exam_moment(clock, p.exam_day) for p in plans}

    # -- what study needs ----------------------------------------------------------------

    def windows(self, learner: Learner, *, now: datetime) -> dict[str, ExamWindow]:
        """How study places each exam pack's reviews now."""
        result: dict[str, ExamWindow] = {}
        for plan in self.plans(learner.id, now=now):
            retention = self._retention(learner, plan, now)
            result[plan.pack_id] = ExamWindow(plan.exam_day, retention, self._clock(learner))
        return result

    def new_left(self, session: Session, learner: Learner, now: datetime) -> int:
        """New questions the learner's exam plans still want started today (all packs)."""
        clock = self._clock(learner)
        today = clock.day_of(now)
        rows = session.scalars(
            select(ExamPlanRow).where(
                ExamPlanRow.learner_id == learner.id, ExamPlanRow.exam_day > today
            )
        ).all()
        left = 0
        for plan in rows:
            started = _started_today(session, learner.id, plan.pack_id, today)
            unseen = _unseen(session, learner.id, plan.pack_id)
            quota = new_per_day(unseen + started, (plan.exam_day - today).days)
            left += max(0, quota - started)
        return left

    # -- forecasts -----------------------------------------------------------------------

    def forecasts(
        self, learner_id: int, *, now: datetime, mastery: Mapping[TopicKey, float] | None = None
    ) -> list[ExamForecast]:
        """Each exam ahead: the predicted exam-day score now and with the plan, overall and
        per topic, and the minutes a day the plan needs.

        ``mastery`` (topic mastery worked out for the exam moments, as the figures show
        it) gives the "now" scores, so they agree with the topics' mastery on screen;
        without it they come from the card states alone.
        """
        learner = LearnerService(self._db).get(learner_id)
        clock = self._clock(learner)
        today = clock.day_of(now)
        result: list[ExamForecast] = []
        for plan in self.plans(learner_id, now=now):
            days_left = (plan.exam_day - today).days
            with self._db.sessions() as session:
                cards, titles = _plan_cards(session, learner_id, plan.pack_id, clock, today)
                seconds = _answer_seconds(session, learner_id, today)
            budget = None
            if plan.minutes_per_day is not None:
                budget = plan.minutes_per_day * 60 / seconds
            retention, outcome = choose_retention(
                cards, days_left, highest=learner.desired_retention, answers_a_day=budget
            )
            self._retentions[self._retention_key(learner, plan, today, len(cards))] = retention
            now_all, now_by_topic = exam_recall(cards, days_left)
            topics = []
            for key, title in titles.items():
                current = now_by_topic.get(key, 0.0)
                if mastery is not None and key in mastery:
                    current = mastery[key]
                topics.append(
                    TopicForecast(key[0], key[1], title, current, outcome.by_group.get(key, 0.0))
                )
            if mastery is not None and cards:
                # The topics' mastery weighted by their questions, as the overall figure is.
                sizes = Counter(card.group for card in cards)
                weighted = sum(t.now * sizes[(t.pack_id, t.topic_id)] for t in topics)
                now_all = weighted / len(cards)
            unseen = sum(1 for card in cards if card.stability is None)
            result.append(
                ExamForecast(
                    plan=plan,
                    days_left=days_left,
                    now=now_all,
                    with_plan=outcome.recall,
                    minutes_needed=max(1, round(outcome.answers_per_day() * seconds / 60)),
                    retention=retention,
                    new_a_day=new_per_day(unseen, days_left),
                    unseen=unseen,
                    topics=tuple(topics),
                )
            )
        return result

    @staticmethod
    def _retention_key(
        learner: Learner, plan: ExamPlan, today: date, size: int
    ) -> tuple[object, ...]:
        return (
            learner.id,
            learner.desired_retention,
            plan.pack_id,
            plan.exam_day,
            plan.minutes_per_day,
            today,
            size,
        )

    def _retention(self, learner: Learner, plan: ExamPlan, now: datetime) -> float:
        if plan.minutes_per_day is None:
            return learner.desired_retention
        clock = self._clock(learner)
        today = clock.day_of(now)
        with self._db.sessions() as session:
            cards, _titles = _plan_cards(session, learner.id, plan.pack_id, clock, today)
            seconds = _answer_seconds(session, learner.id, today)
        key = self._retention_key(learner, plan, today, len(cards))
        if key not in self._retentions:
            retention, _outcome = choose_retention(
                cards,
                (plan.exam_day - today).days,
                highest=learner.desired_retention,
                answers_a_day=plan.minutes_per_day * 60 / seconds,
            )
            self._retentions[key] = retention
        return self._retentions[key]


def _started_today(session: Session, learner_id: int, pack_id: str, today: date) -> int:
    d = DailyTopicStatsRow
    return int(
        session.scalar(
            select(func.coalesce(func.sum(d.new), 0)).where(
                d.learner_id == learner_id, d.pack_id == pack_id, d.day == today
            )
        )
        or 0
    )


def _unseen(session: Session, learner_id: int, pack_id: str) -> int:
    q = QuestionRow
    live = session.scalar(select(func.count()).where(q.pack_id == pack_id, q.retired.is_(False)))
    seen = session.scalar(
        select(func.count())
        .select_from(CardStateRow)
        .join(q, q.id == CardStateRow.question_id)
        .where(
            CardStateRow.learner_id == learner_id,
            CardStateRow.pack_id == pack_id,
            q.retired.is_(False),
        )
    )
    return max(0, int(live or 0) - int(seen or 0))


def _plan_cards(
    session: Session, learner_id: int, pack_id: str, clock: StudyClock, today: date
) -> tuple[list[PlanCard], dict[TopicKey, str]]:
    """The pack's live questions as the planner sees them, and its topics' titles."""
    q, c = QuestionRow, CardStateRow
    titles = {
        (pack_id, topic_id): title
        for topic_id, title in session.execute(
            select(TopicRow.topic_id, TopicRow.title)
            .where(TopicRow.pack_id == pack_id)
            .order_by(TopicRow.position)
        )
    }
    cards: list[PlanCard] = []
    rows = session.execute(
        select(q.id, q.topic_id, c.stability, c.difficulty, c.last_review, c.due)
        .outerjoin(c, and_(c.question_id == q.id, c.learner_id == learner_id))
        .where(q.pack_id == pack_id, q.retired.is_(False))
        .order_by(q.position)
    )
    for row_id, topic_id, stability, difficulty, last_review, due in rows:
        card = PlanCard(key=row_id, group=(pack_id, topic_id))
        if stability is not None and last_review is not None:
            card.stability = stability
            card.difficulty = difficulty if difficulty is not None else 5.0
            card.last = (clock.day_of(last_review) - today).days
            card.due = max(0, (clock.day_of(due) - today).days)
        cards.append(card)
    return cards, titles


def _answer_seconds(session: Session, learner_id: int, today: date) -> float:
    """The learner's mean time an answer over the last 30 days (a default without any)."""
    d = DailyTopicStatsRow
    answers, time_ms = session.execute(
        select(func.coalesce(func.sum(d.answers), 0), func.coalesce(func.sum(d.time_ms), 0)).where(
            d.learner_id == learner_id, d.day > today - timedelta(days=30)
        )
    ).one()
    if not answers:
        return DEFAULT_ANSWER_SECONDS
    return min(120.0, max(5.0, int(time_ms) / 1000 / int(answers)))


__all__ = [
    "EXAM_TIME",
    "ExamError",
    "ExamForecast",
    "ExamPlan",
    "ExamService",
    "ExamWindow",
    "TopicForecast",
    "exam_moment",
]
