"""Review my mistakes: today's wrong answers (or a quiz's), asked again until answered right.

The first answer already moved the schedule (in study) or was scored (in a quiz);
this practice changes neither. Nothing of it is stored: a question answered wrong
again goes to the back of the line, and the practice ends when every one has been
answered right once.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import func, select

from crisisquiz.core.due import day_start
from crisisquiz.core.grading import GradeResult, Verdict, grade
from crisisquiz.core.items import ItemKind, ItemLoader, StudyItem
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.recording import StudyClock
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import QuestionRow, QuizAnswerRow, ReviewRow
from crisisquiz.storage.prepared import read_cursor


@dataclass(frozen=True)
class MistakesSummary:
    """How a review of mistakes went."""

    questions: int  # put right
    tries: int  # answers given, the wrong ones again included


@dataclass
class MistakesSession:
    """Questions to answer until right; create one with :class:`MistakesService`."""

    items: deque[StudyItem]
    _last: int | None = None
    _tries: int = 0
    _done: int = 0
    _questions: int = field(default=0)

    def __post_init__(self) -> None:
        self._questions = len(self.items)

    @property
    def left(self) -> int:
        """Questions not yet answered right."""
        return len(self.items)

    @property
    def total(self) -> int:
        """Questions in the review."""
        return self._questions

    def next_item(self) -> StudyItem | None:
        """The next question, never the one just answered while another waits."""
        if not self.items:
            return None
        if len(self.items) > 1 and self.items[0].ref.row_id == self._last:
            self.items.rotate(-1)
        return self.items[0]

    def answer(self, item: StudyItem, response: object) -> GradeResult:
        """Grade ``response``: a right answer puts the question away, another sends it back."""
        result = grade(item.question, response)
        self._tries += 1
        self._last = item.ref.row_id
        if self.items and self.items[0] is item:
            self.items.popleft()
        if result.verdict is Verdict.RIGHT:
            self._done += 1
        else:
            self.items.append(item)
        return result

    def summary(self) -> MistakesSummary:
        """Questions put right so far and answers given."""
        return MistakesSummary(questions=self._done, tries=self._tries)


class MistakesService:
    """Finds a learner's mistakes and starts a review of them."""

    def __init__(self, database: Database, *, tz: tzinfo, rng: random.Random) -> None:
        self._db = database
        self._tz = tz
        self._rng = rng

    def today(self, learner_id: int, *, now: datetime) -> list[int]:
        """Questions answered wrong or partly right in study this study day, and not
        answered right since, in the order of the first mistake."""
        learner = LearnerService(self._db).get(learner_id)
        since = day_start(StudyClock(self._tz, learner.day_rollover_hour), now)
        r = ReviewRow
        # The latest answer of each question today: still a mistake if it is not right.
        latest = (
            select(r.question_id, func.max(r.id).label("last_id"), func.min(r.id).label("first"))
            .where(r.learner_id == learner_id, r.reviewed_at >= since)
            .group_by(r.question_id)
            .subquery()
        )
        query = (
            select(latest.c.question_id)
            .join(r, r.id == latest.c.last_id)
            .join(QuestionRow, QuestionRow.id == latest.c.question_id)
            .where(r.correct.is_(False), QuestionRow.retired.is_(False))
            .order_by(latest.c.first)
        )
        with self._db.sessions() as session:
            return list(session.scalars(query))

    def in_quiz(self, attempt_id: int) -> list[int]:
        """Questions of a quiz answered wrong or partly right (flashcards too), in quiz order."""
        a = QuizAnswerRow
        query = (
            select(a.question_id)
            .join(QuestionRow, QuestionRow.id == a.question_id)
            .where(a.attempt_id == attempt_id, a.correct.is_(False))
            .where(QuestionRow.retired.is_(False))
            .order_by(a.position)
        )
        with self._db.sessions() as session:
            return list(session.scalars(query))

    def start(self, question_ids: Sequence[int]) -> MistakesSession:
        """A review of these questions, in this order, each with freshly shuffled options."""
        loader = ItemLoader(self._rng)
        items: deque[StudyItem] = deque()
        with read_cursor(self._db.engine) as cursor:
            for row_id in dict.fromkeys(question_ids):
                try:
                    items.append(loader.load(cursor, row_id, ItemKind.REVIEW))
                except LookupError:
                    continue  # removed since: nothing to review
        return MistakesSession(items)
