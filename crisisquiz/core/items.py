"""A question as shown to a learner: the question, its place, and the order of its options."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import bindparam, select

from crisisquiz.core.pack_schema import Matching, MultipleChoice, MultiSelect, Ordering, Question
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.recording import QuestionRef
from crisisquiz.storage.models import QuestionRow, SourceRow, TopicRow
from crisisquiz.storage.prepared import DriverCursor, Prepared


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
    (matching, with its extra partners that match nothing); it is empty for the other types.
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
        options = [right for _left, right in question.pairs] + list(question.extra)
    else:
        return ()
    rng.shuffle(options)
    if isinstance(question, Ordering) and tuple(options) == question.items:
        # Shown in the right order the question would answer itself.
        options = options[1:] + options[:1]
    return tuple(options)


# Showing a question reads one row: plain statements on the driver (see storage.prepared).
_GET_QUESTION = Prepared(
    select(QuestionRow.id, QuestionRow.pack_id, QuestionRow.topic_id, QuestionRow.body).where(
        QuestionRow.id == bindparam("id")
    )
)
_TOPIC_TITLES = Prepared(
    select(TopicRow.topic_id, TopicRow.title).where(TopicRow.pack_id == bindparam("pack_id"))
)
_SOURCE_TITLES = Prepared(
    select(SourceRow.source_id, SourceRow.title).where(SourceRow.pack_id == bindparam("pack_id"))
)


class ItemLoader:
    """Builds study items from question rows, caching topic and source titles."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._topics: dict[tuple[str, str], str] = {}
        self._sources: dict[tuple[str, str], str] = {}
        self._packs: set[str] = set()

    def _titles(self, cursor: DriverCursor, pack_id: str) -> None:
        if pack_id in self._packs:
            return
        self._packs.add(pack_id)
        for topic_id, title in _TOPIC_TITLES.rows(cursor, {"pack_id": pack_id}):
            self._topics[(pack_id, topic_id)] = title
        for source_id, title in _SOURCE_TITLES.rows(cursor, {"pack_id": pack_id}):
            self._sources[(pack_id, source_id)] = title

    def load(self, cursor: DriverCursor, row_id: int, kind: ItemKind) -> StudyItem:
        """The item for the question row ``row_id``, read with the driver ``cursor``."""
        row = _GET_QUESTION.first(cursor, {"id": row_id})
        if row is None:
            raise LookupError(f"question {row_id} no longer exists")
        question_row_id, pack_id, topic_id, body = row
        self._titles(cursor, pack_id)
        question = question_from_body(body)
        return StudyItem(
            ref=QuestionRef(question_row_id, pack_id, topic_id),
            question=question,
            topic_title=self._topics.get((pack_id, topic_id), topic_id),
            kind=kind,
            options=presented_options(question, self._rng),
            citations=tuple(self._citations(pack_id, question.sources)),
        )

    def _citations(self, pack_id: str, refs: Iterable[str]) -> Iterable[Citation]:
        for ref in refs:
            source_id, _, line = ref.partition(":")
            title = self._sources.get((pack_id, source_id), source_id)
            yield Citation(title, int(line) if line else None)
