"""A question as shown to a learner: the question, its place, and the order of its options."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import bindparam, func, literal_column, select

from crisisquiz.core.citations import Citation, Quotation
from crisisquiz.core.pack_schema import (
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    Question,
    SourceKind,
)
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.recording import QuestionRef
from crisisquiz.storage.models import (
    MediaRow,
    PackRow,
    QuestionRow,
    SourceRow,
    SourceSentenceRow,
    TopicRow,
)
from crisisquiz.storage.prepared import DriverCursor, Prepared

__all__ = ["Citation", "ItemKind", "ItemLoader", "Quotation", "StudyItem", "presented_options"]


class ItemKind(StrEnum):
    """Why an item is in a study queue."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    QUIZ = "quiz"


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
    # The sentence the question is about, shown above its prompt; None for most questions.
    quote: Quotation | None = None
    # Whether the question's topic has a study guide to read after answering.
    has_guide: bool = False
    image: bytes | None = None  # the question's picture from its pack, when it has one


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
    select(
        QuestionRow.id, QuestionRow.pack_id, QuestionRow.topic_id, QuestionRow.body, PackRow.version
    )
    .join(PackRow, PackRow.id == QuestionRow.pack_id)
    .where(QuestionRow.id == bindparam("id"))
)
_GET_MEDIA = Prepared(
    select(MediaRow.data).where(
        MediaRow.pack_id == bindparam("pack_id"), MediaRow.path == bindparam("path")
    )
)
_TOPIC_TITLES = Prepared(
    select(
        TopicRow.topic_id, TopicRow.title, func.length(TopicRow.guide) > literal_column("0")
    ).where(TopicRow.pack_id == bindparam("pack_id"))
)
_SOURCES = Prepared(
    select(
        SourceRow.source_id,
        SourceRow.title,
        SourceRow.kind,
        SourceRow.author,
        SourceRow.publisher,
        SourceRow.date,
    ).where(SourceRow.pack_id == bindparam("pack_id"))
)
_SENTENCES = Prepared(
    select(
        SourceSentenceRow.source_id,
        SourceSentenceRow.line,
        SourceSentenceRow.claim,
        SourceSentenceRow.error,
    ).where(SourceSentenceRow.pack_id == bindparam("pack_id"))
)


class ItemLoader:
    """Builds study items from question rows, caching topic titles and sources per pack."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._topics: dict[tuple[str, str], str] = {}
        self._guides: set[tuple[str, str]] = set()
        # A source as a citation of the whole, and its sentence notes by line.
        self._sources: dict[tuple[str, str], Citation] = {}
        self._sentences: dict[tuple[str, str, int], tuple[str, str]] = {}
        self._packs: set[str] = set()

    def _titles(self, cursor: DriverCursor, pack_id: str) -> None:
        if pack_id in self._packs:
            return
        self._packs.add(pack_id)
        for topic_id, title, has_guide in _TOPIC_TITLES.rows(cursor, {"pack_id": pack_id}):
            self._topics[(pack_id, topic_id)] = title
            if has_guide:
                self._guides.add((pack_id, topic_id))
        for source_id, title, kind, author, publisher, date in _SOURCES.rows(
            cursor, {"pack_id": pack_id}
        ):
            self._sources[(pack_id, source_id)] = Citation(
                title,
                kind=SourceKind(kind),
                author=author,
                publisher=publisher,
                date=date,
                source_id=source_id,
            )
        for source_id, line, claim, error in _SENTENCES.rows(cursor, {"pack_id": pack_id}):
            self._sentences[(pack_id, source_id, line)] = (claim, error)

    def load(self, cursor: DriverCursor, row_id: int, kind: ItemKind) -> StudyItem:
        """The item for the question row ``row_id``, read with the driver ``cursor``."""
        row = _GET_QUESTION.first(cursor, {"id": row_id})
        if row is None:
            raise LookupError(f"question {row_id} no longer exists")
        question_row_id, pack_id, topic_id, body, pack_version = row
        self._titles(cursor, pack_id)
        question = question_from_body(body)
        return StudyItem(
            ref=QuestionRef(question_row_id, pack_id, topic_id, pack_version),
            question=question,
            topic_title=self._topics.get((pack_id, topic_id), topic_id),
            kind=kind,
            options=presented_options(question, self._rng),
            citations=tuple(self._citation(pack_id, ref) for ref in question.sources),
            quote=(
                Quotation(question.quote.text, self._citation(pack_id, question.quote.ref))
                if question.quote is not None
                else None
            ),
            has_guide=(pack_id, topic_id) in self._guides,
            image=self._image(cursor, pack_id, question.image),
        )

    @staticmethod
    def _image(cursor: DriverCursor, pack_id: str, path: str) -> bytes | None:
        if not path:
            return None
        found = _GET_MEDIA.first(cursor, {"pack_id": pack_id, "path": path})
        return None if found is None else bytes(found[0])

    def _citation(self, pack_id: str, ref: str) -> Citation:
        source_id, _, line_text = ref.partition(":")
        whole = self._sources.get((pack_id, source_id)) or Citation(source_id, source_id=source_id)
        if not line_text:
            return whole
        line = int(line_text)
        claim, error = self._sentences.get((pack_id, source_id, line), ("", ""))
        return replace(whole, line=line, claim=claim, error=error)
