"""A question as it was in a given version of its pack.

A new pack version may change a question (its answer, its choices). Answers are
judged against the question they were shown, so the database keeps, for each
question a version changed, its text up to and including the previous version
(``question_history``), and lists the versions of each pack it has had
(``pack_versions``). The text at version V is the history entry of the smallest
version at or after V, or the current text when no entry is that recent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crisisquiz.core.pack_schema import VersionKey, version_key
from crisisquiz.storage.models import (
    PackRow,
    PackVersionRow,
    QuestionHistoryRow,
    QuestionRow,
)

QuestionKey = tuple[str, str]  # (pack id, question id)
Body = dict[str, Any]


@dataclass
class QuestionTexts:
    """The installed questions of some packs, in every version this database has had."""

    current_version: dict[str, str] = field(default_factory=dict)  # pack id -> version
    versions: dict[str, set[str]] = field(default_factory=dict)  # pack id -> versions had
    current: dict[QuestionKey, Body] = field(default_factory=dict)
    retired: set[QuestionKey] = field(default_factory=set)
    history: dict[QuestionKey, list[tuple[VersionKey, Body]]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, pack_ids: Collection[str] | None = None) -> QuestionTexts:
        """Read the texts of ``pack_ids`` (None: every installed pack)."""
        texts = cls()
        packs = select(PackRow.id, PackRow.version)
        versions = select(PackVersionRow.pack_id, PackVersionRow.version)
        questions = select(
            QuestionRow.pack_id, QuestionRow.question_id, QuestionRow.body, QuestionRow.retired
        )
        history = select(
            QuestionRow.pack_id,
            QuestionRow.question_id,
            QuestionHistoryRow.pack_version,
            QuestionHistoryRow.body,
        ).join(QuestionRow, QuestionRow.id == QuestionHistoryRow.question_id)
        if pack_ids is not None:
            wanted = list(pack_ids)
            packs = packs.where(PackRow.id.in_(wanted))
            versions = versions.where(PackVersionRow.pack_id.in_(wanted))
            questions = questions.where(QuestionRow.pack_id.in_(wanted))
            history = history.where(QuestionRow.pack_id.in_(wanted))
        for pack_id, version in session.execute(packs):
            texts.current_version[pack_id] = version
            texts.versions.setdefault(pack_id, set()).add(version)
        for pack_id, version in session.execute(versions):
            texts.versions.setdefault(pack_id, set()).add(version)
        for pack_id, question_id, body, retired in session.execute(questions):
            texts.current[(pack_id, question_id)] = body
            if retired:
                texts.retired.add((pack_id, question_id))
        entries: dict[QuestionKey, list[tuple[VersionKey, Body]]] = defaultdict(list)
        for pack_id, question_id, version, body in session.execute(history):
            entries[(pack_id, question_id)].append((version_key(version), body))
        texts.history = {key: sorted(found, key=lambda e: e[0]) for key, found in entries.items()}
        return texts

    def knows(self, pack_id: str, version: str) -> bool:
        """Whether this database has had ``version`` of the pack installed."""
        return version in self.versions.get(pack_id, ())

    def body_at(self, key: QuestionKey, version: str) -> Body | None:
        """The question as version ``version`` of its pack had it; None if never installed.

        Only meaningful for a version this database has had (see :meth:`knows`).
        """
        current = self.current.get(key)
        if current is None:
            return None
        wanted = version_key(version)
        for entry_version, body in self.history.get(key, ()):
            if entry_version >= wanted:
                return body
        return current


__all__ = ["Body", "QuestionKey", "QuestionTexts"]
