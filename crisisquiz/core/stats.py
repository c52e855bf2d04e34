"""Scores per topic for one learner: coverage, accuracy, mastery, due counts, quizzes.

Every figure comes from small tables or SQL aggregates: answer counts from
``daily_topic_stats`` (never from ``reviews``, which can hold a million rows),
and seen, due and mastery from one GROUP BY pass over the learner's
``card_states``. Mastery (defined in :mod:`crisisquiz.core.mastery`) is FSRS's
:func:`retrievability` a week ahead summed by SQLite's ``pow()``; where SQLite was
built without its math functions the cards' stability and last review are fetched
and summed in Python instead (about three times slower). Questions answered only in
quizzes are few and are played through the model in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from crisisquiz.core.card_sql import has_math_functions, live_card, recall_expression
from crisisquiz.core.due import LEARN_AHEAD, count_due, is_learning
from crisisquiz.core.learners import LearnerError
from crisisquiz.core.mastery import mastery_moment, recall_at, replay
from crisisquiz.core.recording import StudyClock
from crisisquiz.core.scheduling import retrievability
from crisisquiz.core.topic_keys import TopicKey, topic_ref
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    LearnerRow,
    PackRow,
    QuestionRow,
    QuizAnswerRow,
    QuizAttemptRow,
    TopicRow,
    TopicTotalsRow,
)

RECENT_DAYS = 30
SOON_DAYS = 7


@dataclass(frozen=True)
class Figures:
    """The numbers for one topic, or for all topics together.

    Ratios are 0..1. ``accuracy``, ``accuracy_30d`` and ``true_retention`` are
    None when there is nothing to divide by, so "no answers" never reads as 0 %.
    """

    total: int  # live questions
    seen: int  # live questions answered at least once in study
    coverage: float
    answers: int
    correct: int
    accuracy: float | None
    answers_30d: int
    correct_30d: int
    accuracy_30d: float | None
    # Mean predicted recall a week ahead (or on the exam date) over every live question,
    # never answered = 0, answered only in quizzes from those answers: core/mastery.py.
    mastery: float
    due_now: int  # learning steps and reviews a session started now shows (see core.due)
    due_7d: int  # due within the next 7 days, the ones due now included
    mature: int
    mature_correct: int
    true_retention: float | None
    reviews_per_day_30d: float
    time_ms: int
    learning: int = 0  # of due_now: questions in a learning step
    due_today: int = 0  # due now, and what comes due later in this study day


@dataclass(frozen=True)
class TopicQuizScore:
    """A finished quiz as far as one topic is concerned."""

    attempt_id: int
    finished_at: datetime
    score: float  # mean score of this topic's questions in the quiz
    answered: int  # this topic's questions answered in the quiz
    attempt_score: float | None  # the whole quiz's score


@dataclass(frozen=True)
class TopicStats:
    """A topic's figures and its quiz scores, oldest first."""

    pack_id: str
    topic_id: str
    title: str
    figures: Figures
    quiz_scores: tuple[TopicQuizScore, ...]


@dataclass(frozen=True)
class QuizResult:
    """A finished quiz attempt."""

    attempt_id: int
    started_at: datetime
    finished_at: datetime
    score: float | None
    topics: tuple[str, ...]


@dataclass(frozen=True)
class DayActivity:
    """Study answers on one of the learner's study days."""

    day: date
    answers: int
    correct: int
    new: int
    time_ms: int


@dataclass(frozen=True)
class DueDay:
    """Cards falling due on one study day (the first day also holds the overdue ones)."""

    day: date
    due: int


@dataclass(frozen=True)
class LearnerStats:
    """Every topic of every installed pack, in pack and topic order, with overall totals."""

    learner_id: int
    learner_name: str
    computed_at: datetime
    today: date  # the learner's current study day
    topics: tuple[TopicStats, ...]
    overall: Figures
    quizzes: tuple[QuizResult, ...]


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class _Tally:
    """Mutable sums for one topic while the figures are gathered."""

    total: int = 0
    seen: int = 0
    recall: float = 0.0
    answers: int = 0
    correct: int = 0
    answers_30d: int = 0
    correct_30d: int = 0
    due_now: int = 0
    due_7d: int = 0
    learning: int = 0
    due_today: int = 0
    mature: int = 0
    mature_correct: int = 0
    time_ms: int = 0

    def add(self, other: _Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> Figures:
        return Figures(
            total=self.total,
            seen=self.seen,
            coverage=self.seen / self.total if self.total else 0.0,
            answers=self.answers,
            correct=self.correct,
            accuracy=_ratio(self.correct, self.answers),
            answers_30d=self.answers_30d,
            correct_30d=self.correct_30d,
            accuracy_30d=_ratio(self.correct_30d, self.answers_30d),
            mastery=self.recall / self.total if self.total else 0.0,
            due_now=self.due_now,
            due_7d=self.due_7d,
            mature=self.mature,
            mature_correct=self.mature_correct,
            true_retention=_ratio(self.mature_correct, self.mature),
            reviews_per_day_30d=self.answers_30d / RECENT_DAYS,
            time_ms=self.time_ms,
            learning=self.learning,
            due_today=self.due_today,
        )


class StatsService:
    """Read-only figures for the statistics screen, the CLI and results export."""

    def __init__(self, database: Database, *, sql_math: bool | None = None) -> None:
        """``sql_math`` None: use SQLite's math functions for mastery when it has them."""
        self._db = database
        self._sql_math = sql_math
        self._totals: tuple[tuple[Any, ...], dict[TopicKey, int]] | None = None

    def learner_topic_stats(
        self,
        learner_id: int,
        *,
        now: datetime,
        tz: tzinfo,
        pack_id: str | None = None,
        packs: Collection[str] | None = None,
        exams: Mapping[str, datetime] | None = None,
    ) -> LearnerStats:
        """Per-topic and overall figures for a learner at ``now``; ``tz`` sets their study days.

        ``pack_id`` limits the figures to one pack, ``packs`` to some (None: every pack).
        ``exams`` gives the learner's exam date for some packs: mastery looks there
        instead of a week ahead (see :mod:`crisisquiz.core.mastery`).
        """
        now = _aware(now)
        sql_math = self._has_sql_math()  # before the session: one connection at a time
        with self._db.sessions() as session:
            learner = _learner(session, learner_id)
            clock = StudyClock(tz, learner.day_rollover_hour)
            today = clock.day_of(now)
            topics = _topics(session, pack_id)
            if packs is not None:
                topics = [topic for topic in topics if topic[0][0] in packs]
            tallies: dict[TopicKey, _Tally] = defaultdict(_Tally)
            for key, total in self._question_totals(session).items():
                if pack_id is None or key[0] == pack_id:
                    tallies[key].total = total
            moments = _Moments(now, exams or {})
            _count_cards(session, tallies, learner_id, pack_id, now, moments, sql_math=sql_math)
            _add_quiz_only_recall(session, tallies, learner_id, pack_id, moments)
            for key, due in count_due(session, learner_id, now=now, clock=clock).items():
                if pack_id is None or key[0] == pack_id:
                    tally = tallies[key]
                    tally.due_now, tally.learning, tally.due_today = (
                        due.due_now,
                        due.learning,
                        due.due_today,
                    )
            _count_answers(session, tallies, learner_id, pack_id, today)
            topic_quizzes, quizzes = _quizzes(session, learner_id, pack_id)
        overall = _Tally()
        result: list[TopicStats] = []
        for key, title in topics:
            tally = tallies.get(key, _Tally())
            overall.add(tally)
            result.append(
                TopicStats(
                    pack_id=key[0],
                    topic_id=key[1],
                    title=title,
                    figures=tally.figures(),
                    quiz_scores=tuple(topic_quizzes.get(key, ())),
                )
            )
        return LearnerStats(
            learner_id=learner.id,
            learner_name=learner.name,
            computed_at=now,
            today=today,
            topics=tuple(result),
            overall=overall.figures(),
            quizzes=quizzes,
        )

    def _question_totals(self, session: Session) -> dict[TopicKey, int]:
        """Live questions per topic, remembered until a pack is imported or removed.

        All questions are counted from the topic index and the few retired ones
        taken away, which reads two indexes instead of every question row.
        """
        fingerprint = tuple(
            session.execute(
                select(PackRow.id, PackRow.version, PackRow.imported_at).order_by(PackRow.id)
            ).all()
        )
        if self._totals is None or self._totals[0] != fingerprint:
            q = QuestionRow
            counts: dict[TopicKey, int] = {}
            for p, t, n in session.execute(
                select(q.pack_id, q.topic_id, func.count()).group_by(q.pack_id, q.topic_id)
            ):
                counts[(p, t)] = int(n)
            for p, t, n in session.execute(
                select(q.pack_id, q.topic_id, func.count())
                .where(q.retired)
                .group_by(q.pack_id, q.topic_id)
            ):
                counts[(p, t)] -= int(n)
            self._totals = (fingerprint, {key: n for key, n in counts.items() if n})
        return self._totals[1]

    def _has_sql_math(self) -> bool:
        if self._sql_math is None:
            self._sql_math = has_math_functions(self._db.engine)
        return self._sql_math

    def reviews_per_day(
        self, learner_id: int, days: int, *, now: datetime, tz: tzinfo
    ) -> tuple[DayActivity, ...]:
        """Study answers on each of the last ``days`` study days, oldest first, gaps as zeros."""
        if days < 1:
            raise ValueError("days must be at least 1")
        now = _aware(now)
        with self._db.sessions() as session:
            learner = _learner(session, learner_id)
            today = StudyClock(tz, learner.day_rollover_hour).day_of(now)
            first = today - timedelta(days=days - 1)
            s = DailyTopicStatsRow
            rows = session.execute(
                select(
                    s.day,
                    func.sum(s.answers),
                    func.sum(s.correct),
                    func.sum(s.new),
                    func.sum(s.time_ms),
                )
                .where(s.learner_id == learner_id, s.day >= first, s.day <= today)
                .group_by(s.day)
            ).all()
        by_day = {row[0]: row for row in rows}
        result = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            row = by_day.get(day)
            result.append(
                DayActivity(day, int(row[1]), int(row[2]), int(row[3]), int(row[4]))
                if row
                else DayActivity(day, 0, 0, 0, 0)
            )
        return tuple(result)

    def due_forecast(
        self, learner_id: int, days: int, *, now: datetime, tz: tzinfo
    ) -> tuple[DueDay, ...]:
        """Cards due on each of the next ``days`` study days, today (with overdue) first."""
        if days < 1:
            raise ValueError("days must be at least 1")
        now = _aware(now)
        with self._db.sessions() as session:
            learner = _learner(session, learner_id)
            clock = StudyClock(tz, learner.day_rollover_hour)
            today = clock.day_of(now)
            ends = [clock.day_start(today + timedelta(days=i + 1)) for i in range(days)]
            c = CardStateRow
            # The buckets are cut in Python (where the time zone rules live) and counted in SQL.
            # Today holds what core.due calls due today: a learning step shown now counts
            # today even when it falls due a few minutes after the day ends.
            shown = and_(is_learning(), c.due <= now + LEARN_AHEAD)
            bucket = case((shown, 0), *((c.due < end, i) for i, end in enumerate(ends)), else_=days)
            rows = session.execute(
                select(bucket, func.count())
                .where(
                    c.learner_id == learner_id,
                    or_(c.due < ends[-1], shown),
                    live_card(),
                )
                .group_by(bucket)
            ).all()
        counts = {int(index): int(count) for index, count in rows}
        return tuple(DueDay(today + timedelta(days=i), counts.get(i, 0)) for i in range(days))


def _learner(session: Session, learner_id: int) -> LearnerRow:
    row = session.get(LearnerRow, learner_id)
    if row is None:
        raise LearnerError(f"no learner with id {learner_id}")
    return row


def _topics(session: Session, pack_id: str | None) -> list[tuple[TopicKey, str]]:
    query = (
        select(TopicRow.pack_id, TopicRow.topic_id, TopicRow.title)
        .join(PackRow, PackRow.id == TopicRow.pack_id)
        .order_by(PackRow.title, PackRow.id, TopicRow.position)
    )
    if pack_id is not None:
        query = query.where(TopicRow.pack_id == pack_id)
    return [((p, t), title) for p, t, title in session.execute(query)]


@dataclass(frozen=True)
class _Moments:
    """When mastery predicts recall, pack by pack (see :func:`mastery_moment`)."""

    now: datetime
    exams: Mapping[str, datetime]

    @property
    def default(self) -> datetime:
        return mastery_moment(self.now)

    def by_pack(self) -> dict[str, datetime]:
        return {pack: mastery_moment(self.now, exam) for pack, exam in self.exams.items()}

    def of(self, pack_id: str) -> datetime:
        return mastery_moment(self.now, self.exams.get(pack_id))


def _count_cards(
    session: Session,
    tallies: dict[TopicKey, _Tally],
    learner_id: int,
    pack_id: str | None,
    now: datetime,
    moments: _Moments,
    *,
    sql_math: bool,
) -> None:
    """Seen, due within 7 days and summed recall per topic in one pass over the card states.

    Due now and today are counted by :func:`crisisquiz.core.due.count_due`, the one
    definition every screen uses.
    """
    c = CardStateRow
    soon = now + timedelta(days=SOON_DAYS)
    columns: list[Any] = [
        c.pack_id,
        c.topic_id,
        func.count(),
        func.coalesce(func.sum(case((c.due <= soon, 1), else_=0)), 0),
    ]
    if sql_math:
        recall_sum = func.sum(recall_expression(moments.default, moments.by_pack()))
        columns.append(func.coalesce(recall_sum, 0.0))
    # The card's own copy of its topic (kept in step by pack updates) and a covering
    # index let SQLite answer from the index alone, without joining the questions.
    query = (
        select(*columns)
        .where(c.learner_id == learner_id, live_card())
        .group_by(c.pack_id, c.topic_id)
    )
    if pack_id is not None:
        query = query.where(c.pack_id == pack_id)
    for p, t, seen, due_7d, *summed in session.execute(query):
        tally = tallies[(p, t)]
        tally.seen, tally.due_7d = int(seen), int(due_7d)
        if summed:
            tally.recall = float(summed[0])
    if not sql_math:
        _sum_recall_in_python(session, tallies, learner_id, pack_id, moments)


def _sum_recall_in_python(
    session: Session,
    tallies: dict[TopicKey, _Tally],
    learner_id: int,
    pack_id: str | None,
    moments: _Moments,
) -> None:
    c = CardStateRow
    query = select(c.pack_id, c.topic_id, c.stability, c.last_review).where(
        c.learner_id == learner_id, live_card(), c.stability.is_not(None)
    )
    if pack_id is not None:
        query = query.where(c.pack_id == pack_id)
    sums: dict[TopicKey, float] = defaultdict(float)
    for p, t, stability, last_review in session.execute(query):
        sums[(p, t)] += retrievability(stability, last_review, moments.of(p))
    for key, total in sums.items():
        tallies[key].recall = total


def _add_quiz_only_recall(
    session: Session,
    tallies: dict[TopicKey, _Tally],
    learner_id: int,
    pack_id: str | None,
    moments: _Moments,
) -> None:
    """Recall of the live questions answered in quizzes but never studied.

    Their quiz answers are played through the model (see :mod:`crisisquiz.core.mastery`);
    quizzes are short, so these are few.
    """
    a, qa, q, c = QuizAttemptRow, QuizAnswerRow, QuestionRow, CardStateRow
    studied = exists().where(c.learner_id == learner_id, c.question_id == qa.question_id)
    query = (
        select(q.pack_id, q.topic_id, qa.question_id, qa.answered_at, qa.rating)
        .join(a, a.id == qa.attempt_id)
        .join(q, q.id == qa.question_id)
        .where(a.learner_id == learner_id, q.retired.is_(False), ~studied)
        .order_by(qa.question_id, qa.answered_at, qa.attempt_id, qa.position)
    )
    if pack_id is not None:
        query = query.where(q.pack_id == pack_id)
    answers: dict[tuple[str, str, int], list[tuple[datetime, int]]] = defaultdict(list)
    for p, t, question, answered_at, rating in session.execute(query):
        answers[(p, t, question)].append((answered_at, rating))
    for (p, t, _question), given in answers.items():
        tallies[(p, t)].recall += recall_at(replay(given), moments.of(p))


def _count_answers(
    session: Session,
    tallies: dict[TopicKey, _Tally],
    learner_id: int,
    pack_id: str | None,
    today: date,
) -> None:
    """Lifetime answers from the running totals, the last 30 days from the daily rows."""
    t = TopicTotalsRow
    lifetime = select(
        t.pack_id, t.topic_id, t.answers, t.correct, t.mature, t.mature_correct, t.time_ms
    ).where(t.learner_id == learner_id)
    if pack_id is not None:
        lifetime = lifetime.where(t.pack_id == pack_id)
    for p, topic, *sums in session.execute(lifetime):
        tally = tallies[(p, topic)]
        tally.answers, tally.correct, tally.mature, tally.mature_correct, tally.time_ms = (
            int(v or 0) for v in sums
        )
    s = DailyTopicStatsRow
    recent = (
        select(s.pack_id, s.topic_id, func.sum(s.answers), func.sum(s.correct))
        .where(
            s.learner_id == learner_id,
            s.day >= today - timedelta(days=RECENT_DAYS - 1),
            s.day <= today,
        )
        .group_by(s.pack_id, s.topic_id)
    )
    if pack_id is not None:
        recent = recent.where(s.pack_id == pack_id)
    for p, topic, answers, correct in session.execute(recent):
        tally = tallies[(p, topic)]
        tally.answers_30d, tally.correct_30d = int(answers or 0), int(correct or 0)


def _quizzes(
    session: Session, learner_id: int, pack_id: str | None
) -> tuple[dict[TopicKey, list[TopicQuizScore]], tuple[QuizResult, ...]]:
    a, qa, q = QuizAttemptRow, QuizAnswerRow, QuestionRow
    attempts = session.execute(
        select(a.id, a.started_at, a.finished_at, a.score, a.topics)
        .where(a.learner_id == learner_id, a.finished_at.is_not(None))
        .order_by(a.finished_at, a.id)
    ).all()
    finished: dict[int, tuple[datetime, float | None]] = {}
    results = []
    for attempt_id, started, ended, score, topics in attempts:
        finished[attempt_id] = (ended, score)
        results.append(QuizResult(attempt_id, started, ended, score, _topic_labels(topics)))
    query = (
        select(qa.attempt_id, q.pack_id, q.topic_id, func.avg(qa.score), func.count())
        .join(a, a.id == qa.attempt_id)
        .join(q, q.id == qa.question_id)
        # Flashcards are rated by the learner: no part of a quiz's score.
        .where(a.learner_id == learner_id, a.finished_at.is_not(None), q.qtype != "flashcard")
        .group_by(qa.attempt_id, q.pack_id, q.topic_id)
    )
    if pack_id is not None:
        query = query.where(q.pack_id == pack_id)
    per_topic: dict[TopicKey, list[TopicQuizScore]] = defaultdict(list)
    for attempt_id, p, t, mean, count in session.execute(query):
        ended, score = finished[attempt_id]
        per_topic[(p, t)].append(TopicQuizScore(attempt_id, ended, float(mean), int(count), score))
    for scores in per_topic.values():
        scores.sort(key=lambda s: (s.finished_at, s.attempt_id))
    return dict(per_topic), tuple(results)


def _topic_labels(topics: Any) -> tuple[str, ...]:
    # The quiz engine stores the chosen topics as [pack id, topic id] pairs; each is
    # shown as PACK:TOPIC (anything else, from an older layout, as it is).
    if not isinstance(topics, list):
        return ()
    labels = []
    for item in topics:
        if isinstance(item, list | tuple) and len(item) == 2:
            labels.append(topic_ref((str(item[0]), str(item[1]))))
        else:
            labels.append(str(item))
    return tuple(labels)


def stats_to_json(stats: LearnerStats) -> dict[str, Any]:
    """Every figure of ``stats`` as JSON-safe values (dates and times in ISO 8601)."""
    data: dict[str, Any] = jsonable(asdict(stats))
    return data


def jsonable(value: Any) -> Any:
    """``value`` (dicts, lists, tuples, dates, scalars) with dates as ISO 8601 strings."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


__all__ = [
    "DayActivity",
    "DueDay",
    "Figures",
    "LearnerStats",
    "QuizResult",
    "StatsService",
    "TopicQuizScore",
    "TopicStats",
    "jsonable",
    "stats_to_json",
]
