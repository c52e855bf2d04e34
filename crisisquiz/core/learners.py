"""Learner profiles and their study settings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    LearnerRow,
    QuizAttemptRow,
    ReviewRow,
    TopicTotalsRow,
)

MIN_RETENTION, MAX_RETENTION = 0.70, 0.97
MAX_NEW_PER_DAY = 500
MAX_NAME = 100


class LearnerError(Exception):
    """A learner request that cannot be done (unknown name, duplicate, bad setting)."""


@dataclass(frozen=True)
class Learner:
    """A learner profile."""

    id: int
    uid: uuid.UUID  # random, stable: carried in results files to tell people apart
    name: str
    desired_retention: float
    new_per_day: int
    day_rollover_hour: int
    quiz_counts_as_review: bool
    created_at: datetime


def _to_learner(row: LearnerRow) -> Learner:
    return Learner(
        id=row.id,
        uid=row.uid,
        name=row.name,
        desired_retention=row.desired_retention,
        new_per_day=row.new_per_day,
        day_rollover_hour=row.day_rollover_hour,
        quiz_counts_as_review=row.quiz_counts_as_review,
        created_at=row.created_at,
    )


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LearnerError("a learner needs a name")
    if len(cleaned) > MAX_NAME:
        raise LearnerError(f"a name can have at most {MAX_NAME} characters")
    return cleaned


class LearnerService:
    """Create, find, rename, configure and remove learners; one transaction per call."""

    def __init__(
        self, database: Database, *, new_uid: Callable[[], uuid.UUID] = uuid.uuid4
    ) -> None:
        """``new_uid`` makes each new learner's random id (tests pass a seeded one)."""
        self._db = database
        self._new_uid = new_uid

    def create(self, name: str, *, now: datetime) -> Learner:
        """Add a learner with the default settings and a new random id."""
        name = _clean_name(name)
        with self._db.transaction() as session:
            self._check_free(session, name)
            row = LearnerRow(
                uid=self._new_uid(),
                name=name,
                created_at=now,
                desired_retention=0.9,
                new_per_day=15,
                day_rollover_hour=4,
                quiz_counts_as_review=False,
            )
            session.add(row)
            session.flush()
            return _to_learner(row)

    def list(self) -> list[Learner]:
        """Every learner, by name."""
        with self._db.sessions() as session:
            rows = session.scalars(select(LearnerRow).order_by(func.lower(LearnerRow.name)))
            return [_to_learner(r) for r in rows]

    def get(self, learner_id: int) -> Learner:
        """The learner with this id."""
        with self._db.sessions() as session:
            row = session.get(LearnerRow, learner_id)
            if row is None:
                raise LearnerError(f"no learner with id {learner_id}")
            return _to_learner(row)

    def by_name(self, name: str) -> Learner:
        """The learner with this name (case-insensitive)."""
        with self._db.sessions() as session:
            return _to_learner(self._find(session, name))

    def rename(self, name: str, new_name: str) -> Learner:
        """Give a learner a new name."""
        new_name = _clean_name(new_name)
        with self._db.transaction() as session:
            row = self._find(session, name)
            if new_name.casefold() != row.name.casefold():
                self._check_free(session, new_name)
            row.name = new_name
            return _to_learner(row)

    def update_settings(
        self,
        learner_id: int,
        *,
        desired_retention: float | None = None,
        new_per_day: int | None = None,
        day_rollover_hour: int | None = None,
        quiz_counts_as_review: bool | None = None,
    ) -> Learner:
        """Change study settings; each value is checked before anything is saved."""
        if desired_retention is not None and not (
            MIN_RETENTION <= desired_retention <= MAX_RETENTION
        ):
            raise LearnerError(
                f"desired retention must be between {MIN_RETENTION:.2f} and {MAX_RETENTION:.2f}"
            )
        if new_per_day is not None and not 0 <= new_per_day <= MAX_NEW_PER_DAY:
            raise LearnerError(f"new questions per day must be between 0 and {MAX_NEW_PER_DAY}")
        if day_rollover_hour is not None and not 0 <= day_rollover_hour <= 23:
            raise LearnerError("the day rollover hour must be between 0 and 23")
        with self._db.transaction() as session:
            row = session.get(LearnerRow, learner_id)
            if row is None:
                raise LearnerError(f"no learner with id {learner_id}")
            if desired_retention is not None:
                row.desired_retention = desired_retention
            if new_per_day is not None:
                row.new_per_day = new_per_day
            if day_rollover_hour is not None:
                row.day_rollover_hour = day_rollover_hour
            if quiz_counts_as_review is not None:
                row.quiz_counts_as_review = quiz_counts_as_review
            return _to_learner(row)

    def remove(self, name: str) -> None:
        """Remove a learner and all of their progress (the database is backed up first)."""
        with self._db.sessions() as session:
            self._find(session, name)  # an unknown name changes nothing, backs nothing up
        self._db.safety_backup("before-learner-removal")
        with self._db.transaction() as session:
            session.delete(self._find(session, name))

    def reset_progress(self, learner_id: int) -> None:
        """Forget a learner's schedule and every answer (study and quiz); profile and settings stay.

        Everything counted from the answers goes with them: the daily figures, their
        lifetime totals and the finished quizzes' scores.
        """
        self._db.safety_backup("before-learner-reset")
        with self._db.transaction() as session:
            # The daily rows' triggers zero the totals; their rows go too. A quiz's answers
            # go with their attempt.
            for table in (
                CardStateRow,
                ReviewRow,
                DailyTopicStatsRow,
                TopicTotalsRow,
                QuizAttemptRow,
            ):
                session.execute(delete(table).where(table.learner_id == learner_id))

    @staticmethod
    def find(session: Session, name: str) -> LearnerRow:
        """The learner named ``name`` inside the caller's session; the error lists the names."""
        return LearnerService._find(session, name)

    @staticmethod
    def _find(session: Session, name: str) -> LearnerRow:
        cleaned = " ".join(name.split())
        row = LearnerService._match(session, cleaned)
        if row is None:
            known = ", ".join(session.scalars(select(LearnerRow.name).order_by(LearnerRow.name)))
            hint = (
                f" Learners: {known}." if known else " Add one with 'crisisquiz learner add NAME'."
            )
            raise LearnerError(f"no learner named {cleaned!r}.{hint}")
        return row

    @staticmethod
    def _match(session: Session, name: str) -> LearnerRow | None:
        # Compared in Python: SQLite's lower() folds ASCII only, and names need not be ASCII.
        key = name.casefold()
        for row in session.scalars(select(LearnerRow)):
            if row.name.casefold() == key:
                return row
        return None

    @staticmethod
    def _check_free(session: Session, name: str) -> None:
        if LearnerService._match(session, name) is not None:
            raise LearnerError(f"there is already a learner named {name!r}")
