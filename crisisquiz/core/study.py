"""Study sessions: what to show next, grading and storing each answer, undo.

Order: learning steps that have come due, then due reviews (lowest predicted
recall first), then new questions up to the day's limit (pack order within a
topic, topics interleaved), then learning steps due within a few minutes
rather than ending early. The same question never comes twice in a row.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import partial

from sqlalchemy import exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from crisisquiz.core.card_sql import has_math_functions, recall_expression
from crisisquiz.core.classes import visible_packs
from crisisquiz.core.due import (
    LEARN_AHEAD,
    QueueCounts,
    buried,
    count_due,
    day_start,
    groups_answered,
    is_learning,
    queued_criteria,
    total,
)
from crisisquiz.core.exams import ExamService, ExamWindow
from crisisquiz.core.grading import GradeResult, Verdict, grade, response_to_json
from crisisquiz.core.items import ItemKind, ItemLoader, StudyItem
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.recording import (
    Recorded,
    StudyClock,
    card_state,
    record_review,
    undo_review,
)
from crisisquiz.core.removed import (
    LearnerRemovedError,
    QuestionRemovedError,
    raise_if_removed,
)
from crisisquiz.core.scheduling import Rating, State, preview_intervals, retrievability
from crisisquiz.core.topic_keys import TopicKey, in_topics
from crisisquiz.storage.database import Database
from crisisquiz.storage.dialects import retrying
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    PackRow,
    QuestionRow,
    TopicRow,
)
from crisisquiz.storage.prepared import DriverCursor, read_cursor, run_write

# "Study more" after the day's limit starts this many new questions, for today only.
STUDY_MORE = 10

__all__ = [
    "LEARN_AHEAD",
    "STUDY_MORE",
    "AnswerOutcome",
    "LearnerRemovedError",
    "QuestionRemovedError",
    "QueueCounts",
    "StudyService",
    "StudySession",
    "StudySummary",
]


@dataclass(frozen=True)
class AnswerOutcome:
    """The verdict on an answer and when the question comes back."""

    item: StudyItem
    grade: GradeResult
    next_due: datetime
    review_id: int

    def interval(self, now: datetime) -> timedelta:
        """How long until the question is due again."""
        return self.next_due - now


@dataclass(frozen=True)
class StudySummary:
    """A session's totals."""

    answered: int
    right: int
    partly: int
    wrong: int
    new: int
    time_ms: int
    still_learning: int


@dataclass
class _Step:
    """What one answer changed in the queues, so that undo can put it back."""

    outcome: AnswerOutcome
    source: str  # "learning" | "due" | "new"
    source_index: int
    learning_due: datetime | None  # the learning entry the answer removed, if any
    added_to_learning: bool
    last_before: int | None
    was_new: bool
    time_ms: int
    # Siblings the answer buried: (queue, index, question), to put back on undo.
    buried: tuple[tuple[str, int, int], ...] = ()


@dataclass
class _Counters:
    answered: int = 0
    right: int = 0
    partly: int = 0
    wrong: int = 0
    new: int = 0
    time_ms: int = 0

    def add(self, grade_result: GradeResult, *, new: bool, time_ms: int, sign: int = 1) -> None:
        self.answered += sign
        self.right += sign * (grade_result.verdict is Verdict.RIGHT)
        self.partly += sign * (grade_result.verdict is Verdict.PARTLY)
        self.wrong += sign * (grade_result.verdict is Verdict.WRONG)
        self.new += sign * new
        self.time_ms += sign * time_ms


@dataclass
class StudySession:
    """A running study session. Create it with :meth:`StudyService.start`."""

    database: Database
    learner: Learner
    clock: StudyClock
    rng: random.Random
    topics: frozenset[TopicKey]  # empty: every topic
    _due: deque[int] = field(default_factory=deque)
    _new: deque[int] = field(default_factory=deque)
    _learning: dict[int, datetime] = field(default_factory=dict)
    _last: int | None = None
    _history: list[_Step] = field(default_factory=list)
    _counters: _Counters = field(default_factory=_Counters)
    _loader: ItemLoader | None = None
    # The (pack, group) of each queued question that has siblings (see core.due).
    _groups: dict[int, tuple[str, str]] = field(default_factory=dict)
    # Questions dropped because they were removed while the session ran.
    removed_questions: int = 0
    # Packs with an exam ahead: how their reviews are placed (see core.exams).
    exam_windows: dict[str, ExamWindow] = field(default_factory=dict)

    # -- choosing -------------------------------------------------------------------------

    def _candidates(self, now: datetime) -> Iterator[tuple[int, str]]:
        learning = sorted(self._learning.items(), key=lambda kv: kv[1])
        yield from ((qid, "learning") for qid, due in learning if due <= now)
        yield from ((qid, "due") for qid in self._due)
        yield from ((qid, "new") for qid in self._new)
        yield from ((qid, "learning") for qid, due in learning if now < due <= now + LEARN_AHEAD)

    def next_item(self, now: datetime) -> StudyItem | None:
        """The next question to show, or None when the session is done.

        A question removed since the session started (its pack removed from another
        window or command) is dropped from the session and counted in
        :attr:`removed_questions`; the next one is shown instead.
        """
        kinds = {"learning": ItemKind.LEARNING, "due": ItemKind.REVIEW, "new": ItemKind.NEW}
        while True:
            candidate = next(
                ((qid, source) for qid, source in self._candidates(now) if qid != self._last),
                None,
            )
            if candidate is None:
                return None
            qid, source = candidate
            loader = self._loader or ItemLoader(self.rng)
            self._loader = loader
            try:
                with read_cursor(self.database.engine) as cursor:
                    return loader.load(cursor, qid, kinds[source])
            except LookupError:
                self._drop(qid)
                self.removed_questions += 1

    def _drop(self, qid: int) -> None:
        """Forget a question that no longer exists, wherever it waits in the session."""
        self._learning.pop(qid, None)
        for queue in (self._due, self._new):
            with suppress(ValueError):
                queue.remove(qid)

    def preview(self, item: StudyItem, now: datetime) -> dict[Rating, timedelta]:
        """When ``item`` would come back after each rating (for a flashcard's buttons)."""
        with read_cursor(self.database.engine) as cursor:
            current = card_state(cursor, self.learner.id, item.ref.row_id)
        return preview_intervals(current, now=now, desired_retention=self.learner.desired_retention)

    def counts(self, now: datetime) -> QueueCounts:
        """How many learning, due and new questions are left."""
        learning = sum(1 for due in self._learning.values() if due <= now + LEARN_AHEAD)
        return QueueCounts(learning=learning, due=len(self._due), new=len(self._new))

    # -- answering ------------------------------------------------------------------------

    def answer(
        self,
        item: StudyItem,
        response: object,
        *,
        now: datetime,
        response_ms: int,
        answer_key: str | None = None,
    ) -> AnswerOutcome:
        """Grade ``response`` and store it with the new schedule in one transaction.

        When the database cannot be reached, or the connection drops before the
        commit is confirmed, :class:`~crisisquiz.storage.dialects.ConnectionLost`
        is raised and the session is unchanged. Calling again with the same
        ``answer_key`` then stores the answer once, whether or not the lost attempt
        had reached the database.
        """
        result = grade(item.question, response)
        stored_response = response_to_json(item.question, response)

        window = self.exam_windows.get(item.ref.pack_id)
        # With an exam ahead the plan says when the question comes back (core.exams).
        place = (
            None if window is None else partial(window.place, question_id=item.ref.row_id, now=now)
        )

        def store(cursor: DriverCursor) -> Recorded:
            return record_review(
                cursor,
                learner_id=self.learner.id,
                desired_retention=self.learner.desired_retention,
                question=item.ref,
                grade=result,
                response=stored_response,
                response_ms=response_ms,
                now=now,
                clock=self.clock,
                rng=self.rng,
                answer_key=answer_key,
                place=place,
            )

        try:
            recorded = run_write(self.database.engine, store, learner_id=self.learner.id)
        except Exception:
            # A refused reference means the learner or the question is gone: said as such.
            self._raise_if_removed(item)
            raise
        outcome = AnswerOutcome(item, result, recorded.state.due, recorded.review_id)
        qid = item.ref.row_id
        source, index = self._remove(qid, item.kind)
        learning_due = self._learning.pop(qid, None)
        back_soon = recorded.state.state in (State.Learning, State.Relearning) or (
            recorded.state.due <= now + LEARN_AHEAD
        )
        if back_soon:
            self._learning[qid] = recorded.state.due
        was_new = recorded.previous is None
        time_ms = max(0, response_ms)
        buried = self._bury_siblings(qid)
        self._history.append(
            _Step(
                outcome,
                source,
                index,
                learning_due,
                back_soon,
                self._last,
                was_new,
                time_ms,
                buried,
            )
        )
        self._last = qid
        self._counters.add(result, new=was_new, time_ms=time_ms)
        return outcome

    def _bury_siblings(self, qid: int) -> tuple[tuple[str, int, int], ...]:
        """Take the answered question's siblings out of the due and new queues for today."""
        group = self._groups.get(qid)
        if group is None:
            return ()
        removed: list[tuple[str, int, int]] = []
        for name, queue in (("due", self._due), ("new", self._new)):
            for index in range(len(queue) - 1, -1, -1):
                other = queue[index]
                if other != qid and self._groups.get(other) == group:
                    del queue[index]
                    removed.append((name, index, other))
        return tuple(removed)

    def _remove(self, qid: int, kind: ItemKind) -> tuple[str, int]:
        # The item's kind names the queue it came from, so the other one (thousands
        # long for a learner back after a break) is never searched through.
        queues = {ItemKind.REVIEW: ("due", self._due), ItemKind.NEW: ("new", self._new)}
        if kind in queues:
            name, queue = queues[kind]
            try:
                index = queue.index(qid)  # near the front: items are taken from there
            except ValueError:
                pass
            else:
                del queue[index]
                return name, index
        return "learning", 0

    def _raise_if_removed(self, item: StudyItem) -> None:
        try:
            with self.database.sessions() as session:
                raise_if_removed(
                    session,
                    learner_id=self.learner.id,
                    learner_name=self.learner.name,
                    question_id=item.ref.row_id,
                )
        except QuestionRemovedError:
            self._drop(item.ref.row_id)
            self.removed_questions += 1
            raise
        except LookupError:
            raise
        except Exception:
            return  # the database cannot even be read: the original error says more

    def undo(self) -> StudyItem | None:
        """Take back the last answer: the review is deleted and the card restored exactly.

        Returns the item to show again, or None when there is nothing to undo.
        """
        if not self._history:
            return None
        step = self._history[-1]

        def take_back() -> None:
            # LookupError: already taken back by an attempt whose reply was lost.
            with self.database.transaction() as session, suppress(LookupError):
                undo_review(session, step.outcome.review_id, self.clock)

        retrying(self.database.rules, take_back)
        self._history.pop()
        qid = step.outcome.item.ref.row_id
        if step.added_to_learning:
            self._learning.pop(qid, None)
        if step.learning_due is not None:
            self._learning[qid] = step.learning_due
        queues = {"due": self._due, "new": self._new}
        for name, index, other in reversed(step.buried):
            queues[name].insert(index, other)
        if step.source == "due":
            self._due.insert(step.source_index, qid)
        elif step.source == "new":
            self._new.insert(step.source_index, qid)
        self._last = step.last_before
        self._counters.add(step.outcome.grade, new=step.was_new, time_ms=step.time_ms, sign=-1)
        return step.outcome.item

    @property
    def can_undo(self) -> bool:
        """Whether an answer can be taken back."""
        return bool(self._history)

    def summary(self, now: datetime) -> StudySummary:
        """Totals so far."""
        c = self._counters
        return StudySummary(
            answered=c.answered,
            right=c.right,
            partly=c.partly,
            wrong=c.wrong,
            new=c.new,
            time_ms=c.time_ms,
            still_learning=len(self._learning),
        )


def _offered_packs(
    session: Session, learner_id: int, topics: Collection[TopicKey]
) -> frozenset[str] | None:
    """The packs a session over every topic takes questions from: the learner's classes'."""
    return None if topics else visible_packs(session, learner_id)


class StudyService:
    """Starts study sessions for learners."""

    def __init__(
        self,
        database: Database,
        *,
        tz: tzinfo,
        rng: random.Random,
        sql_math: bool | None = None,
    ) -> None:
        """``sql_math`` None: rank due cards in SQLite when it has its math functions."""
        self._db = database
        self._tz = tz
        self._rng = rng
        self._sql_math = sql_math
        self.exams = ExamService(database, tz=tz)

    def start(
        self,
        learner_id: int,
        *,
        now: datetime,
        topics: Collection[TopicKey] = (),
        extra_new: int = 0,
    ) -> StudySession:
        """A session over the learner's due and new questions, optionally for some topics only.

        Without topics, every topic of the packs the learner's classes study (see
        :mod:`crisisquiz.core.classes`); a learner in no class studies every pack.
        ``extra_new`` more new questions than the day's limit allows ("study more"): for
        today only, since every new question started counts towards today's limit.
        """
        learner = LearnerService(self._db).get(learner_id)
        clock = StudyClock(self._tz, learner.day_rollover_hour)
        session = StudySession(
            database=self._db,
            learner=learner,
            clock=clock,
            rng=self._rng,
            topics=frozenset(topics),
            exam_windows=self.exams.windows(learner, now=now),
        )
        self._fill(session, now, extra_new=extra_new)
        return session

    def more_new(
        self,
        learner_id: int,
        *,
        now: datetime,
        topics: Collection[TopicKey] = (),
        up_to: int = 100,
    ) -> int:
        """How many unseen questions "study more" could start now beyond today's limit
        (at most ``up_to``; siblings of today's questions and second siblings left out)."""
        learner = LearnerService(self._db).get(learner_id)
        with self._db.sessions() as session:
            packs = _offered_packs(session, learner_id, topics)
            left = self._new_left(session, learner, now)
            found = self._new_questions(
                session, learner, frozenset(topics), packs, now, extra=up_to
            )
        return max(0, len(found) - left)

    def new_left_today(self, learner: Learner, now: datetime) -> int:
        """How many new questions the learner may still start today."""
        with self._db.sessions() as session:
            return self._new_left(session, learner, now)

    def _new_left(self, session: Session, learner: Learner, now: datetime) -> int:
        # In the caller's session: a second one would hold a second connection, which
        # on a school server is one more of the server's connections per computer.
        clock = StudyClock(self._tz, learner.day_rollover_hour)
        started = session.scalar(
            select(func.coalesce(func.sum(DailyTopicStatsRow.new), 0)).where(
                DailyTopicStatsRow.learner_id == learner.id,
                DailyTopicStatsRow.day == clock.day_of(now),
            )
        )
        usual = max(0, learner.new_per_day - int(started or 0))
        # An exam ahead may want more started today, to have every question in time.
        return max(usual, self.exams.new_left(session, learner, now))

    def queue_counts(
        self, learner_id: int, *, now: datetime, topics: Collection[TopicKey] = ()
    ) -> QueueCounts:
        """What a session started now would hold, counted without starting one.

        The same definitions as :meth:`start` (see :mod:`crisisquiz.core.due`), but no
        card is loaded or ranked by recall, so a home screen can show the figures cheaply.
        """
        learner = LearnerService(self._db).get(learner_id)
        clock = StudyClock(self._tz, learner.day_rollover_hour)
        with self._db.sessions() as session:
            packs = _offered_packs(session, learner_id, topics)
            due = total(
                count_due(session, learner_id, now=now, clock=clock, topics=topics, packs=packs)
            )
            new = self._new_questions(session, learner, frozenset(topics), packs, now)
        return QueueCounts(learning=due.learning, due=due.due, new=len(new))

    def _fill(self, study: StudySession, now: datetime, *, extra_new: int = 0) -> None:
        c = CardStateRow
        learning = is_learning()
        if self._sql_math is None:  # asked before the session: one connection at a time
            self._sql_math = has_math_functions(self._db.engine)
        with self._db.sessions() as session:
            packs = _offered_packs(session, study.learner.id, study.topics)
            queued = queued_criteria(study.learner.id, now, study.topics, packs)
            for qid, due_at in session.execute(
                select(c.question_id, c.due).where(*queued, learning)
            ):
                study._learning[qid] = due_at
            since = day_start(study.clock, now)
            due_now = [*queued, ~learning, ~buried(study.learner.id, since)]
            if self._sql_math:
                # Ranked in SQLite: only the ids come back, not every due card's state.
                ranked_ids = (
                    select(c.question_id)
                    .where(*due_now)
                    .order_by(recall_expression(now), c.question_id)
                )
                study._due.extend(session.connection().execute(ranked_ids).scalars())
            else:
                rows = session.execute(
                    select(c.question_id, c.stability, c.last_review).where(*due_now)
                )
                ranked = sorted(
                    (retrievability(stability, last_review, now), qid)
                    for qid, stability, last_review in rows
                )
                study._due.extend(qid for _recall, qid in ranked)
            study._new.extend(
                self._new_questions(
                    session, study.learner, study.topics, packs, now, extra=extra_new
                )
            )
            study._groups.update(_sibling_groups(session, [*study._due, *study._new]))

    def _new_questions(
        self,
        session: Session,
        learner: Learner,
        topics: frozenset[TopicKey],
        packs: frozenset[str] | None,
        now: datetime,
        *,
        extra: int = 0,
    ) -> list[int]:
        """Unseen questions to start now: up to today's limit (plus ``extra``), topics
        interleaved, one question per sibling group and none of a group answered today."""
        limit = self._new_left(session, learner, now) + max(0, extra)
        if limit <= 0:
            return []
        topic_query = (
            select(TopicRow.pack_id, TopicRow.topic_id)
            .join(PackRow, PackRow.id == TopicRow.pack_id)
            .order_by(PackRow.title, TopicRow.position)
        )
        if topics:
            topic_query = topic_query.where(in_topics(TopicRow.pack_id, TopicRow.topic_id, topics))
        elif packs is not None:
            topic_query = topic_query.where(TopicRow.pack_id.in_(packs))
        q = QuestionRow
        seen = exists().where(
            CardStateRow.learner_id == learner.id,
            CardStateRow.question_id == q.id,
        )
        clock = StudyClock(self._tz, learner.day_rollover_hour)
        answered_groups = groups_answered(learner.id, day_start(clock, now))
        not_buried = or_(
            q.sibling_group.is_(None), ~tuple_(q.pack_id, q.sibling_group).in_(answered_groups)
        )
        taken: set[tuple[str, str]] = set()

        def first_of_group(pack_id: str, row_id: int, group: str | None) -> bool:
            # One sibling a day: the first in pack order; the others wait for another day.
            if group is None:
                return True
            if (pack_id, group) in taken:
                return False
            taken.add((pack_id, group))
            return True

        # Round-robin across topics: interleaving beats blocking for retention. A topic
        # is read only when its turn comes: with a small daily limit and many topics,
        # most are never queried.
        interleaved: list[int] = []
        waiting: list[list[tuple[str, int, str | None]]] = []
        for pack_id, topic_id in session.execute(topic_query).all():
            if len(interleaved) >= limit:
                break
            rows = [
                (pack_id, row_id, group)
                for row_id, group in session.execute(
                    select(q.id, q.sibling_group)
                    .where(
                        q.pack_id == pack_id,
                        q.topic_id == topic_id,
                        q.retired.is_(False),
                        ~seen,
                        not_buried,
                    )
                    .order_by(q.position)
                    # Siblings come in twos and threes: room for those skipped.
                    .limit(3 * limit)
                )
            ]
            while rows and not first_of_group(*rows[0]):
                rows.pop(0)
            if rows:
                interleaved.append(rows.pop(0)[1])
                if rows:
                    waiting.append(rows)
        while waiting and len(interleaved) < limit:
            for queue in list(waiting):
                while queue and not first_of_group(*queue[0]):
                    queue.pop(0)
                if queue:
                    interleaved.append(queue.pop(0)[1])
                if not queue:
                    waiting.remove(queue)
                if len(interleaved) >= limit:
                    break
        return interleaved


def _sibling_groups(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(pack, group) of each of these questions that has siblings."""
    q = QuestionRow
    groups: dict[int, tuple[str, str]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        for row_id, pack_id, group in session.execute(
            select(q.id, q.pack_id, q.sibling_group).where(
                q.id.in_(chunk), q.sibling_group.is_not(None)
            )
        ):
            if group is not None:
                groups[row_id] = (pack_id, group)
    return groups
