"""A question as shown to a learner: the question, its place, and the order of its options."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from crisisquiz.core.pack_schema import Matching, MultipleChoice, MultiSelect, Ordering, Question
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.recording import QuestionRef
from crisisquiz.storage.models import QuestionRow, SourceRow, TopicRow


class ItemKind(StrEnum):
    """Why an item is in a study queue."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    QUIZ = "quiz"


@dataclass(frozen=True)
class Citation:
    """A source a question cites, ready to show."""

    title: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.title}, sentence {self.line}" if self.line else self.title


@dataclass(frozen=True)
class StudyItem:
    """One question to present.

    ``options`` is the order to show choices (multiple choice, multi-select),
    items (ordering, never already in the right order) or right-hand partners
    (matching); it is empty for the other types.
    """

    ref: QuestionRef
    question: Question
    topic_title: str
    kind: ItemKind
    options: tuple[str, ...]
    citations: tuple[Citation, ...]


def presented_options(question: Question, rng: random.Random) -> tuple[str, ...]:
    """The shuffled options of a question (see :class:`StudyItem`)."""
    if isinstance(question, MultipleChoice | MultiSelect):
        options = list(question.choices)
    elif isinstance(question, Ordering):
        options = list(question.items)
    elif isinstance(question, Matching):
        options = [right for _left, right in question.pairs]
    else:
        return ()
    rng.shuffle(options)
    if isinstance(question, Ordering) and tuple(options) == question.items:
        # Shown in the right order the question would answer itself.
        options = options[1:] + options[:1]
    return tuple(options)


# A plain select: the identity map buys nothing for one read-only row per question shown.
_GET_QUESTION = select(
    QuestionRow.id, QuestionRow.pack_id, QuestionRow.topic_id, QuestionRow.body
).where(QuestionRow.id == bindparam("id"))


class ItemLoader:
    """Builds study items from question rows, caching topic and source titles."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._topics: dict[tuple[str, str], str] = {}
        self._sources: dict[tuple[str, str], str] = {}

    def _titles(self, session: Session, pack_id: str) -> None:
        if any(key[0] == pack_id for key in self._topics):
            return
        for topic in session.scalars(select(TopicRow).where(TopicRow.pack_id == pack_id)):
            self._topics[(pack_id, topic.topic_id)] = topic.title
        for source in session.scalars(select(SourceRow).where(SourceRow.pack_id == pack_id)):
            self._sources[(pack_id, source.source_id)] = source.title

    def load(self, session: Session, row_id: int, kind: ItemKind) -> StudyItem:
        """The item for the question row ``row_id``."""
        row = session.execute(_GET_QUESTION, {"id": row_id}).first()
        if row is None:
            raise LookupError(f"question {row_id} no longer exists")
        self._titles(session, row.pack_id)
        question = question_from_body(row.body)
        return StudyItem(
            ref=QuestionRef(row.id, row.pack_id, row.topic_id),
            question=question,
            topic_title=self._topics.get((row.pack_id, row.topic_id), row.topic_id),
            kind=kind,
            options=presented_options(question, self._rng),
            citations=tuple(self._citations(row.pack_id, question.sources)),
        )

    def _citations(self, pack_id: str, refs: Iterable[str]) -> Iterable[Citation]:
        for ref in refs:
            source_id, _, line = ref.partition(":")
            title = self._sources.get((pack_id, source_id), source_id)
            yield Citation(title, int(line) if line else None)
