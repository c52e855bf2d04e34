"""A pack being written in the editor: the format's own tables, editable, checked on demand.

A draft holds what a ``pack.toml`` holds (``[pack]``, ``[[sources]]``, ``[[topics]]``,
``[[timeline]]``, ``[[questions]]``) as plain values, plus the pack's files (pictures
under ``media/``, document texts under ``sources/``). It may be wrong in any way a
hand-written pack may be; :mod:`crisisquiz.core.draft_check` says how, with the rules
of import.

Every table entry is an immutable mapping that a change replaces whole, so a
:class:`DraftState` (the sections as tuples) is a cheap, exact snapshot: undo restores
one. Questions carry a ``key`` that stays the same while the question is edited, moved
or its id changes, so that the editor can follow it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from crisisquiz.core.pack_schema import Pack, QuestionType, SourceKind
from crisisquiz.core.packs import pack_to_dict
from crisisquiz.core.slugs import slugify, unique_id
from crisisquiz.core.source_texts import document_file

Table = Mapping[str, Any]

# Fields left out of a question when empty: writing them empty would only add noise
# (and an empty id list or tag list means the same as none).
OPTIONAL_FIELDS = frozenset(
    {
        "prompt",
        "explanation",
        "sources",
        "tags",
        "group",
        "quote",
        "image",
        "image_alt",
        "accept",
        "reject",
        "tolerance",
        "extra",
        "sentences",
        "description",
        "guide",
        "author",
        "publisher",
        "date",
        "url",
        "authors",
        "language",
    }
)
# Fields every question type needs even when still empty, so the check names them.
_TYPE_FIELDS: dict[QuestionType, dict[str, Any]] = {
    QuestionType.FLASHCARD: {"prompt": "", "answer": ""},
    QuestionType.MULTIPLE_CHOICE: {"prompt": "", "choices": ["", "", ""], "answer": ""},
    QuestionType.MULTI_SELECT: {"prompt": "", "choices": ["", "", ""], "answers": []},
    QuestionType.TRUE_FALSE: {"statement": "", "answer": True},
    QuestionType.SHORT_ANSWER: {"prompt": "", "answer": ""},
    QuestionType.CLOZE: {"text": ""},
    QuestionType.ORDERING: {"prompt": "", "items": ["", "", ""]},
    QuestionType.MATCHING: {"prompt": "", "pairs": [["", ""], ["", ""]]},
    QuestionType.YEAR: {"prompt": "", "answer": 1962},
    QuestionType.NUMBER: {"prompt": "", "answer": 0},
}
# Fields a question keeps when its type changes: the rest belong to the old type.
_SHARED_FIELDS = ("id", "topic", "explanation", "sources", "difficulty", "tags", "group", "quote")


def cleaned(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the optional fields that are empty."""
    return {
        name: value
        for name, value in values.items()
        if not (name in OPTIONAL_FIELDS and value in ("", [], (), None, {}))
    }


def frozen(values: Mapping[str, Any]) -> Table:
    """A read-only copy of a table entry (changes replace an entry, never edit it)."""
    return MappingProxyType(dict(values))


def thawed(value: Any) -> Any:
    """A table entry or value as plain dicts and lists (for TOML, JSON and pydantic)."""
    if isinstance(value, Mapping):
        return {k: thawed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thawed(v) for v in value]
    return value


@dataclass(frozen=True)
class DraftQuestion:
    """A question's fields as the format writes them, and the editor's handle on it."""

    key: int
    data: Table

    @property
    def id(self) -> str:
        """The question's id as written (may be empty or wrong while it is edited)."""
        value = self.data.get("id", "")
        return value if isinstance(value, str) else ""

    @property
    def type(self) -> QuestionType | None:
        """Its type, when the type is one of the nine."""
        value = self.data.get("type")
        return QuestionType(value) if value in set(QuestionType) else None


class OriginKind(StrEnum):
    """Where a draft started."""

    NEW = "new"
    INSTALLED = "installed"  # a copy of an installed pack; publishing updates it
    FILE = "file"  # opened from a file that is not installed


@dataclass(frozen=True)
class DraftOrigin:
    """Where a draft started: a new pack, a copy of an installed one, or a file."""

    kind: OriginKind = OriginKind.NEW
    pack_id: str = ""
    version: str = ""
    path: str = ""
    builtin: bool = False


@dataclass(frozen=True)
class DraftState:
    """A snapshot of every section of a draft (what undo and redo restore)."""

    info: Table
    sources: tuple[Table, ...]
    topics: tuple[Table, ...]
    timeline: tuple[Table, ...]
    questions: tuple[DraftQuestion, ...]
    files: Table


@dataclass(frozen=True)
class DraftChange:
    """Which parts differ between two states, for the editor to refresh only those."""

    info: bool
    sources: bool
    topics: bool
    timeline: bool
    question_list: bool  # questions added, removed or moved
    questions: frozenset[int]  # keys of questions whose fields changed
    files: bool


_keys = itertools.count(1)


@dataclass
class PackDraft:
    """A pack being edited (see the module's docstring)."""

    draft_id: str
    info: Table
    sources: tuple[Table, ...] = ()
    topics: tuple[Table, ...] = ()
    timeline: tuple[Table, ...] = ()
    questions: tuple[DraftQuestion, ...] = ()
    files: Table = field(default_factory=lambda: MappingProxyType({}))
    origin: DraftOrigin = field(default_factory=DraftOrigin)

    # -- making one -----------------------------------------------------------------------

    @classmethod
    def new(cls, draft_id: str, title: str = "") -> PackDraft:
        """An empty pack with one topic, ready for questions."""
        info = {"id": slugify(title, fallback="my-pack"), "title": title, "version": "1.0.0"}
        topic = {"id": "general", "title": "General"}
        return cls(draft_id=draft_id, info=frozen(info), topics=(frozen(topic),))

    @classmethod
    def from_tables(
        cls,
        draft_id: str,
        tables: Mapping[str, Any],
        files: Mapping[str, bytes] | None = None,
        origin: DraftOrigin | None = None,
    ) -> PackDraft:
        """A draft of the pack given as its tables (as read from TOML or JSON)."""

        def entries(name: str) -> tuple[Table, ...]:
            value = tables.get(name, [])
            items = value if isinstance(value, list | tuple) else []
            return tuple(frozen(item) for item in items if isinstance(item, Mapping))

        info = tables.get("pack", {})
        return cls(
            draft_id=draft_id,
            info=frozen(info if isinstance(info, Mapping) else {}),
            sources=entries("sources"),
            topics=entries("topics"),
            timeline=entries("timeline"),
            questions=tuple(DraftQuestion(next(_keys), q) for q in entries("questions")),
            files=MappingProxyType(dict(files or {})),
            origin=origin or DraftOrigin(),
        )

    @classmethod
    def from_pack(cls, draft_id: str, pack: Pack, origin: DraftOrigin) -> PackDraft:
        """A draft holding a copy of a valid pack."""
        return cls.from_tables(draft_id, pack_to_dict(pack), pack.media, origin)

    # -- reading --------------------------------------------------------------------------

    def tables(self) -> dict[str, Any]:
        """The draft as the format's tables, plain dicts and lists, timeline only if any."""
        data: dict[str, Any] = {
            "pack": thawed(self.info),
            "sources": thawed(self.sources),
            "topics": thawed(self.topics),
        }
        if self.timeline:
            data["timeline"] = thawed(self.timeline)
        data["questions"] = [thawed(q.data) for q in self.questions]
        return data

    @property
    def title(self) -> str:
        """The pack's title, or its id while it has none."""
        title = self.info.get("title")
        return title if isinstance(title, str) and title.strip() else str(self.info.get("id", ""))

    def state(self) -> DraftState:
        """A snapshot of every section."""
        return DraftState(
            self.info, self.sources, self.topics, self.timeline, self.questions, self.files
        )

    def restore(self, state: DraftState) -> None:
        """Put every section back as it was in ``state``."""
        self.info = state.info
        self.sources = state.sources
        self.topics = state.topics
        self.timeline = state.timeline
        self.questions = state.questions
        self.files = state.files

    def question(self, key: int) -> DraftQuestion:
        """The question with ``key``."""
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    def position(self, key: int) -> int:
        """Where the question with ``key`` is in the list (0 for the first)."""
        for index, question in enumerate(self.questions):
            if question.key == key:
                return index
        raise KeyError(key)

    def topic_ids(self) -> list[str]:
        """The ids of the declared topics, in order."""
        return [str(t.get("id", "")) for t in self.topics]

    def source_ids(self) -> list[str]:
        """The ids of the declared sources, in order."""
        return [str(s.get("id", "")) for s in self.sources]

    def document_lines(self, source_id: str) -> list[str] | None:
        """The lines of a document's text carried in the draft, if any."""
        data = self.files.get(document_file(source_id))
        return None if data is None else data.decode("utf-8", errors="replace").splitlines()

    # -- questions ------------------------------------------------------------------------

    def new_question(
        self, qtype: QuestionType, *, topic: str | None = None, cites: str | None = None
    ) -> dict[str, Any]:
        """The fields of a new, still empty question of ``qtype`` (not yet added)."""
        taken = {q.id for q in self.questions}
        topics = self.topic_ids()
        values: dict[str, Any] = {
            # A plain numbered id: the teacher need never see it, and it stays put when
            # the question's wording changes (progress is kept by it).
            "id": unique_id(f"question-{len(self.questions) + 1}", taken),
            "topic": topic if topic is not None else (topics[0] if topics else ""),
            "type": qtype.value,
        }
        values.update(thawed(_TYPE_FIELDS[qtype]))
        if cites:
            values["sources"] = [cites]
        return values

    def add_question(self, values: Mapping[str, Any], at: int | None = None) -> DraftQuestion:
        """Add a question at ``at`` (the end by default); returns it."""
        question = DraftQuestion(next(_keys), frozen(values))
        where = len(self.questions) if at is None else max(0, min(at, len(self.questions)))
        self.questions = (*self.questions[:where], question, *self.questions[where:])
        return question

    def duplicate_question(self, key: int) -> DraftQuestion:
        """A copy of a question, with a new id, placed right after it."""
        original = self.question(key)
        taken = {q.id for q in self.questions}
        values = dict(original.data)
        values["id"] = unique_id(slugify(original.id or "question", fallback="question"), taken)
        return self.add_question(values, self.position(key) + 1)

    def remove_question(self, key: int) -> None:
        """Take a question out of the draft."""
        self.questions = tuple(q for q in self.questions if q.key != key)

    def move_question(self, key: int, to: int) -> None:
        """Move a question to position ``to``."""
        question = self.question(key)
        rest = [q for q in self.questions if q.key != key]
        rest.insert(max(0, min(to, len(rest))), question)
        self.questions = tuple(rest)

    def set_question_fields(self, key: int, values: Mapping[str, Any]) -> None:
        """Change some fields of a question (an empty optional field is left out)."""
        index = self.position(key)
        question = self.questions[index]
        merged = dict(question.data)
        merged.update(values)
        updated = replace(question, data=frozen(cleaned(merged)))
        self.questions = (*self.questions[:index], updated, *self.questions[index + 1 :])

    def change_question_type(self, key: int, qtype: QuestionType) -> None:
        """Give a question another type, keeping what the types share and the question text."""
        old = self.question(key).data
        values = {name: old[name] for name in _SHARED_FIELDS if name in old}
        values["type"] = qtype.value
        values.update(thawed(_TYPE_FIELDS[qtype]))
        wording = old.get("prompt") or old.get("statement") or old.get("text") or ""
        slot = {QuestionType.TRUE_FALSE: "statement", QuestionType.CLOZE: "text"}.get(
            qtype, "prompt"
        )
        values[slot] = wording
        index = self.position(key)
        updated = replace(self.questions[index], data=frozen(cleaned(values)))
        self.questions = (*self.questions[:index], updated, *self.questions[index + 1 :])

    # -- pack details, topics, sources ----------------------------------------------------

    def set_info(self, values: Mapping[str, Any]) -> None:
        """Change fields of the ``[pack]`` table."""
        merged = dict(self.info)
        merged.update(values)
        self.info = frozen(cleaned(merged))

    def set_entry(self, table: str, index: int, values: Mapping[str, Any]) -> None:
        """Change fields of entry ``index`` of ``topics``, ``sources`` or ``timeline``.

        A new topic or source id is carried into every question that names the old one.
        """
        entries = list(getattr(self, table))
        old = entries[index]
        merged = dict(old)
        merged.update(values)
        entries[index] = frozen(cleaned(merged))
        setattr(self, table, tuple(entries))
        old_id, new_id = old.get("id"), merged.get("id")
        if "id" in values and isinstance(old_id, str) and old_id and old_id != new_id:
            if table == "topics":
                self._rename_topic(old_id, str(new_id))
            elif table == "sources":
                self._rename_source(old_id, str(new_id))

    def add_entry(self, table: str, values: Mapping[str, Any], at: int | None = None) -> int:
        """Add an entry to ``topics``, ``sources`` or ``timeline``; returns its index."""
        entries = list(getattr(self, table))
        where = len(entries) if at is None else max(0, min(at, len(entries)))
        entries.insert(where, frozen(cleaned(values)))
        setattr(self, table, tuple(entries))
        return where

    def remove_entry(self, table: str, index: int) -> None:
        """Remove entry ``index`` of ``topics``, ``sources`` or ``timeline``."""
        entries = list(getattr(self, table))
        removed = entries.pop(index)
        setattr(self, table, tuple(entries))
        if table == "sources" and isinstance(removed.get("id"), str):
            self.set_file(document_file(removed["id"]), None)

    def move_entry(self, table: str, index: int, to: int) -> None:
        """Move entry ``index`` of a table to position ``to``."""
        entries = list(getattr(self, table))
        entry = entries.pop(index)
        entries.insert(max(0, min(to, len(entries))), entry)
        setattr(self, table, tuple(entries))

    def new_topic(self, title: str) -> dict[str, Any]:
        """The fields of a new topic called ``title``, its id made from the title."""
        return {
            "id": unique_id(slugify(title, fallback="topic"), set(self.topic_ids())),
            "title": title,
        }

    def add_document(self, title: str, lines: Iterable[str]) -> int:
        """Add a document source with its text (one sentence a line); returns its index."""
        source_id = unique_id(slugify(title, fallback="document"), set(self.source_ids()))
        text = "\n".join(line.strip() for line in lines) + "\n"
        self.set_file(document_file(source_id), text.encode("utf-8"))
        values = {"id": source_id, "kind": SourceKind.DOCUMENT.value, "title": title}
        return self.add_entry("sources", values)

    def set_file(self, path: str, data: bytes | None) -> None:
        """Put a file in the pack (or take it out when ``data`` is None)."""
        files = dict(self.files)
        if data is None:
            files.pop(path, None)
        else:
            files[path] = data
        self.files = MappingProxyType(files)

    def _rename_topic(self, old: str, new: str) -> None:
        self.questions = tuple(
            replace(q, data=frozen({**q.data, "topic": new})) if q.data.get("topic") == old else q
            for q in self.questions
        )
        self.timeline = tuple(
            frozen({**e, "topic": new}) if e.get("topic") == old else e for e in self.timeline
        )

    def _rename_source(self, old: str, new: str) -> None:
        def renamed(ref: Any) -> Any:
            if not isinstance(ref, str):
                return ref
            source, colon, line = ref.partition(":")
            return f"{new}{colon}{line}" if source == old else ref

        updated = []
        for question in self.questions:
            values = dict(question.data)
            refs = values.get("sources")
            if isinstance(refs, list | tuple):
                values["sources"] = [renamed(ref) for ref in refs]
            quote = values.get("quote")
            if isinstance(quote, Mapping) and "ref" in quote:
                values["quote"] = {**quote, "ref": renamed(quote["ref"])}
            changed = values != dict(question.data)
            updated.append(replace(question, data=frozen(values)) if changed else question)
        self.questions = tuple(updated)
        data = self.files.get(document_file(old))
        if data is not None:
            self.set_file(document_file(old), None)
            self.set_file(document_file(new), data)


def changes_between(before: DraftState, after: DraftState) -> DraftChange:
    """What differs between two snapshots of one draft."""
    before_keys = [q.key for q in before.questions]
    after_keys = [q.key for q in after.questions]
    old = {q.key: q for q in before.questions}
    edited = frozenset(
        q.key for q in after.questions if q.key in old and old[q.key].data is not q.data
    )
    return DraftChange(
        info=before.info is not after.info,
        sources=before.sources != after.sources,
        topics=before.topics != after.topics,
        timeline=before.timeline != after.timeline,
        question_list=before_keys != after_keys,
        questions=edited,
        files=before.files is not after.files,
    )
