"""Quizzes: a scored test over chosen topics, reproducible from its seed.

A quiz leaves the schedule alone unless the learner's setting says quiz
answers count as reviews. Flashcards in a quiz are rated by the learner, not
graded, so they are kept out of its score. A quiz ended before every question
was answered (unless time ran out) is abandoned: stored as such, without a score.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisisquiz.core.classes import ClassService
from crisisquiz.core.grading import GradeResult, Verdict, grade, response_to_json
from crisisquiz.core.items import ItemKind, ItemLoader, StudyItem
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_schema import Flashcard
from crisisquiz.core.recording import StudyClock, card_state, record_review
from crisisquiz.core.removed import raise_if_removed
from crisisquiz.core.scheduling import Rating, preview_intervals
from crisisquiz.core.topic_keys import TopicKey, in_topics, topic_ref
from crisisquiz.storage.database import Database
from crisisquiz.storage.dialects import retrying
from crisisquiz.storage.models import PackRow, QuestionRow, QuizAnswerRow, QuizAttemptRow
from crisisquiz.storage.prepared import read_cursor, session_cursor


class Feedback(StrEnum):
    """When a quiz shows right and wrong."""

    AFTER_EACH = "after_each"
    AT_END = "at_end"


class QuizError(Exception):
    """A quiz request that cannot be done (no questions, time up, already answered)."""


@dataclass(frozen=True)
class QuizSettings:
    """What a quiz covers and how it runs."""

    count: int = 20
    topics: tuple[TopicKey, ...] = ()  # (pack id, topic id); empty: every topic
    seed: int = 0
    feedback: Feedback = Feedback.AFTER_EACH
    time_limit: timedelta | None = None


@dataclass(frozen=True)
class QuizAnswer:
    """One answered question of a quiz."""

    position: int
    item: StudyItem
    grade: GradeResult
    response_ms: int


@dataclass(frozen=True)
class TopicScore:
    """A quiz's score on one topic."""

    pack_id: str
    topic_id: str
    title: str
    questions: int
    score: float  # points (partial credit counts) out of ``questions``

    @property
    def percent(self) -> float:
        """The score as a percentage."""
        return 100.0 * self.score / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class QuizResult:
    """A finished quiz. ``questions`` and ``answered`` count the scored (graded) questions."""

    attempt_id: int
    questions: int
    answered: int
    score: float  # points out of ``questions``; unanswered questions score 0
    per_topic: tuple[TopicScore, ...]
    answers: tuple[QuizAnswer, ...]  # every answer given, flashcards' ratings included
    timed_out: bool
    self_rated: int = 0  # flashcards: rated by the learner, not part of the score

    @property
    def percent(self) -> float:
        """The overall score as a percentage."""
        return 100.0 * self.score / self.questions if self.questions else 0.0


@dataclass
class Quiz:
    """A running quiz. Create it with :meth:`QuizService.start`."""

    database: Database
    learner: Learner
    clock: StudyClock
    rng: random.Random
    attempt_id: int
    settings: QuizSettings
    started_at: datetime
    items: tuple[StudyItem, ...]
    _answers: dict[int, QuizAnswer] = field(default_factory=dict)
    _result: QuizResult | None = None
    _abandoned: bool = False

    @property
    def abandoned(self) -> bool:
        """Whether the quiz was ended early and kept without a score."""
        return self._abandoned

    @property
    def answered_count(self) -> int:
        """How many questions have an answer."""
        return len(self._answers)

    @property
    def deadline(self) -> datetime | None:
        """When time runs out, if the quiz has a time limit."""
        limit = self.settings.time_limit
        return self.started_at + limit if limit is not None else None

    def time_left(self, now: datetime) -> timedelta | None:
        """Time remaining, or None without a time limit."""
        deadline = self.deadline
        return None if deadline is None else max(timedelta(0), deadline - now)

    def preview(self, item: StudyItem, now: datetime) -> dict[Rating, timedelta] | None:
        """When a flashcard would come back after each rating; None when a quiz leaves the
        schedule alone (the learner's setting)."""
        if not self.learner.quiz_counts_as_review:
            return None
        with read_cursor(self.database.engine) as cursor:
            current = card_state(cursor, self.learner.id, item.ref.row_id)
        return preview_intervals(current, now=now, desired_retention=self.learner.desired_retention)

    def answered(self, position: int) -> QuizAnswer | None:
        """The answer given at ``position``, if any."""
        return self._answers.get(position)

    def answer(
        self,
        position: int,
        response: object,
        *,
        now: datetime,
        response_ms: int,
        answer_key: str | None = None,
    ) -> QuizAnswer:
        """Grade and store the answer to the question at ``position`` (0-based).

        A lost connection raises :class:`~crisisquiz.storage.dialects.ConnectionLost`
        and leaves the quiz as it was; answering again stores the answer once (the
        position identifies it, and ``answer_key`` its review when quizzes count).
        """
        if self._result is not None:
            raise QuizError("this quiz is finished")
        if self._abandoned:
            raise QuizError("this quiz was stopped")
        if not 0 <= position < len(self.items):
            raise QuizError(f"there is no question {position + 1} in this quiz")
        if position in self._answers:
            raise QuizError(f"question {position + 1} is already answered")
        deadline = self.deadline
        if deadline is not None and now > deadline:
            raise QuizError("time is up for this quiz")
        item = self.items[position]
        result = grade(item.question, response)
        stored = response_to_json(item.question, response)

        def store() -> None:
            with self.database.transaction() as session:
                if session.get(QuizAnswerRow, (self.attempt_id, position)) is not None:
                    return  # stored by an attempt whose reply was lost
                self._store(session, position, item, result, stored, now, response_ms, answer_key)

        try:
            retrying(self.database.rules, store)
        except Exception:
            # A refused reference means the learner or the question is gone: said as such.
            self._raise_if_removed(item)
            raise
        answer = QuizAnswer(position, item, result, max(0, response_ms))
        self._answers[position] = answer
        return answer

    def _raise_if_removed(self, item: StudyItem) -> None:
        try:
            with self.database.sessions() as session:
                raise_if_removed(
                    session,
                    learner_id=self.learner.id,
                    learner_name=self.learner.name,
                    question_id=item.ref.row_id,
                )
        except LookupError:
            raise
        except Exception:
            return  # the database cannot even be read: the original error says more

    def _store(
        self,
        session: Session,
        position: int,
        item: StudyItem,
        result: GradeResult,
        stored: dict[str, Any],
        now: datetime,
        response_ms: int,
        answer_key: str | None,
    ) -> None:
        session.add(
            QuizAnswerRow(
                attempt_id=self.attempt_id,
                position=position,
                question_id=item.ref.row_id,
                answered_at=now,
                correct=result.verdict is Verdict.RIGHT,
                score=result.score,
                response=stored,
                response_ms=max(0, response_ms),
                pack_id=item.ref.pack_id,
                topic_id=item.ref.topic_id,
                pack_version=item.ref.pack_version,
                rating=int(result.rating),
            )
        )
        if self.learner.quiz_counts_as_review:
            cursor = session_cursor(session)
            self.database.rules.lock_learner(cursor.raw, self.learner.id)
            record_review(
                cursor,
                learner_id=self.learner.id,
                desired_retention=self.learner.desired_retention,
                question=item.ref,
                grade=result,
                response=stored,
                response_ms=response_ms,
                now=now,
                clock=self.clock,
                rng=self.rng,
                answer_key=answer_key,
            )

    def finish(self, now: datetime) -> QuizResult:
        """Close the quiz and store its score; unanswered questions count as 0.

        Flashcards are left out of the score (the learner rated them); a quiz of
        flashcards only is stored without a score.
        """
        if self._result is not None:
            return self._result
        if self._abandoned:
            raise QuizError("this quiz was stopped")
        per_topic: dict[TopicKey, list[float]] = defaultdict(list)
        titles: dict[TopicKey, str] = {}
        answered = self_rated = 0
        for position, item in enumerate(self.items):
            given = self._answers.get(position)
            if is_self_rated(item):
                self_rated += 1
                continue
            answered += given is not None
            key = (item.ref.pack_id, item.ref.topic_id)
            per_topic[key].append(given.grade.score if given else 0.0)
            titles[key] = item.topic_title
        total = sum(sum(scores) for scores in per_topic.values())
        scored = len(self.items) - self_rated
        deadline = self.deadline
        with self.database.transaction() as session:
            attempt = session.get(QuizAttemptRow, self.attempt_id)
            assert attempt is not None
            attempt.finished_at = now
            attempt.score = total / scored if scored else None
        self._result = QuizResult(
            attempt_id=self.attempt_id,
            questions=scored,
            answered=answered,
            score=total,
            per_topic=tuple(
                TopicScore(key[0], key[1], titles[key], len(scores), sum(scores))
                for key, scores in per_topic.items()
            ),
            answers=tuple(self._answers[p] for p in sorted(self._answers)),
            timed_out=deadline is not None and now > deadline,
            self_rated=self_rated,
        )
        return self._result

    def abandon(self, now: datetime) -> None:
        """Stop the quiz early: stored as abandoned, with no score (answers given are kept)."""
        if self._result is not None or self._abandoned:
            return
        with self.database.transaction() as session:
            attempt = session.get(QuizAttemptRow, self.attempt_id)
            if attempt is not None:
                attempt.abandoned_at = now
        self._abandoned = True


def is_self_rated(item: StudyItem) -> bool:
    """Whether the learner rates the answer themself (a flashcard) instead of it being graded."""
    return isinstance(item.question, Flashcard)


class QuizService:
    """Starts quizzes."""

    def __init__(self, database: Database, *, tz: tzinfo) -> None:
        self._db = database
        self._tz = tz

    def available(self, topics: Collection[TopicKey] = ()) -> int:
        """How many questions a quiz on the topics can hold (all topics when empty): the
        live questions, siblings counting once (a quiz never holds two)."""
        return len({key for _row, key in self._candidates(topics, None)})

    def _candidates(
        self, topics: Collection[TopicKey], packs: frozenset[str] | None
    ) -> list[tuple[int, tuple[str, str] | int]]:
        """The live questions, in pack order, each with what makes it distinct: its
        (pack, group) when it has siblings, else its own row id."""
        q = QuestionRow
        query = (
            select(q.id, q.pack_id, q.sibling_group)
            .join(PackRow, PackRow.id == q.pack_id)
            .where(q.retired.is_(False))
            .order_by(PackRow.id, q.position)
        )
        if topics:
            query = query.where(in_topics(q.pack_id, q.topic_id, topics))
        elif packs is not None:
            query = query.where(q.pack_id.in_(packs))
        with self._db.sessions() as session:
            return [
                (row_id, (pack_id, group) if group is not None else row_id)
                for row_id, pack_id, group in session.execute(query)
            ]

    def start(self, learner_id: int, settings: QuizSettings, *, now: datetime) -> Quiz:
        """Pick the questions (the same ones again for the same seed) and open an attempt."""
        if settings.count < 1:
            raise QuizError("a quiz needs at least one question")
        learner = LearnerService(self._db).get(learner_id)
        # A quiz over every topic draws from the packs the learner's classes study.
        packs = None if settings.topics else ClassService(self._db).visible_packs(learner.id)
        candidates = self._candidates(settings.topics, packs)
        if not candidates:
            wanted = ", ".join(topic_ref(key) for key in settings.topics) or "any topic"
            raise QuizError(f"no questions found for {wanted}")
        rng = random.Random(settings.seed)
        chosen = _one_per_group(rng, candidates, settings.count)
        loader = ItemLoader(rng)
        with self._db.transaction() as session:
            cursor = session_cursor(session)
            items = tuple(loader.load(cursor, qid, ItemKind.QUIZ) for qid in chosen)
            attempt = QuizAttemptRow(
                learner_id=learner.id,
                started_at=now,
                finished_at=None,
                seed=settings.seed,
                topics=[list(key) for key in settings.topics],
                question_ids=chosen,
                feedback=settings.feedback.value,
                time_limit_s=(
                    int(settings.time_limit.total_seconds()) if settings.time_limit else None
                ),
                score=None,
            )
            session.add(attempt)
            session.flush()
            attempt_id = attempt.id
        return Quiz(
            database=self._db,
            learner=learner,
            clock=StudyClock(self._tz, learner.day_rollover_hour),
            rng=rng,
            attempt_id=attempt_id,
            settings=settings,
            started_at=now,
            items=items,
        )


def _one_per_group(
    rng: random.Random, candidates: list[tuple[int, tuple[str, str] | int]], count: int
) -> list[int]:
    """``count`` questions drawn at random, never two siblings (the same group).

    Drawn as before siblings existed (one sample of ``count``), so a seed gives the same
    quiz as ever where no group is involved; a second sibling drawn is replaced from
    the rest, in an order the seed fixes too.
    """
    first = rng.sample(candidates, min(count, len(candidates)))
    taken: set[tuple[str, str] | int] = set()
    chosen: list[int] = []
    for row_id, key in first:
        if key not in taken:
            taken.add(key)
            chosen.append(row_id)
    if len(chosen) < count:
        picked = {row_id for row_id, _key in first}
        rest = [c for c in candidates if c[0] not in picked]
        for row_id, key in rng.sample(rest, len(rest)):
            if len(chosen) >= count:
                break
            if key not in taken:
                taken.add(key)
                chosen.append(row_id)
    return chosen
