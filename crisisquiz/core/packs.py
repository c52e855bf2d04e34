"""Installing, updating, listing, exporting and removing packs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import TypeAdapter
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from crisisquiz.core.pack_loader import PackError, PackIssue, gc_paused, load_pack
from crisisquiz.core.pack_schema import (
    Pack,
    PackInfo,
    Question,
    SourceInfo,
    SourceKind,
    SourceSentence,
    TimelineEntry,
    TopicInfo,
    version_key,
)
from crisisquiz.core.pack_versions import PackChanges, next_versions, pack_changes
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    MediaRow,
    PackRow,
    PackVersionRow,
    QuestionHistoryRow,
    QuestionRow,
    SourceRow,
    SourceSentenceRow,
    TimelineRow,
    TopicRow,
    TopicTotalsRow,
    table_of,
)
from crisisquiz.storage.prepared import prepared_insert, session_cursor

_QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)
_QUESTIONS_ADAPTER: TypeAdapter[tuple[Question, ...]] = TypeAdapter(tuple[Question, ...])


class ImportAction(StrEnum):
    """What an import did."""

    INSTALLED = "installed"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportResult:
    """The outcome of importing a pack."""

    pack_id: str
    title: str
    version: str
    action: ImportAction
    previous_version: str | None = None
    added: int = 0
    updated: int = 0
    retired: int = 0


@dataclass(frozen=True)
class PackSummary:
    """An installed pack as listed to the user."""

    id: str
    title: str
    version: str
    question_count: int
    topic_count: int
    builtin: bool
    description: str


class PackVersionError(Exception):
    """Importing an older version over a newer one is refused."""


class PackVersionUnchangedError(PackVersionError):
    """A changed pack came with the version number already installed; it needs a new one."""

    def __init__(self, pack_id: str, version: str, changes: PackChanges) -> None:
        self.pack_id = pack_id
        self.version = version
        self.changes = changes
        patch, minor, _major = next_versions(version)
        super().__init__(
            f"pack {pack_id!r} version {version} is already installed, and this file "
            f"changes it ({changes.describe()}) but keeps its version number. Raise the "
            f"version in its [pack] table, to {patch} for corrections or {minor} for new "
            "questions, and import it again; nothing was imported"
        )


class UnknownPackError(Exception):
    """No pack is installed with that id."""


def question_from_body(body: dict[str, Any]) -> Question:
    """Rebuild a question model from its stored ``body``."""
    return _QUESTION_ADAPTER.validate_python(body)


def question_body(question: Question) -> dict[str, Any]:
    """The stored form of a question: its pack-format fields, defaults left out."""
    return question.model_dump(mode="json", exclude_defaults=True)


def question_bodies(questions: tuple[Question, ...]) -> list[dict[str, Any]]:
    """``question_body`` of each question, in order, in one serializer call.

    The same dicts as one ``question_body`` call per question, at well under half
    the cost for a whole pack: pydantic's per-call setup is paid once.
    """
    bodies: list[dict[str, Any]] = _QUESTIONS_ADAPTER.dump_python(
        questions, mode="json", exclude_defaults=True
    )
    return bodies


class PackService:
    """Pack operations on one database; each call is one transaction."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def import_file(self, path: Path, *, now: datetime, builtin: bool = False) -> ImportResult:
        """Validate the pack at ``path`` and install or update it (nothing is written on error)."""
        return self.import_pack(load_pack(path), now=now, builtin=builtin)

    def import_pack(self, pack: Pack, *, now: datetime, builtin: bool = False) -> ImportResult:
        """Install ``pack``, or update it in place when it is a newer version.

        An update is preceded by a backup of the database (it rewrites questions that
        learners' history refers to).
        """
        installed = self.installed_version(pack.pack.id)
        if installed is not None and version_key(pack.pack.version) > version_key(installed):
            self._db.safety_backup("before-pack-update")
        # The whole transaction is bulk work over the pack's questions, which stay alive
        # throughout: the collector's passes over them would free nothing.
        with gc_paused():
            return self._import(pack, now=now, builtin=builtin)

    def _import(self, pack: Pack, *, now: datetime, builtin: bool) -> ImportResult:
        with self._db.transaction() as session:
            row = session.get(PackRow, pack.pack.id)
            if row is None:
                row = PackRow(
                    id=pack.pack.id, imported_at=now, builtin=builtin, **_pack_columns(pack.pack)
                )
                session.add(row)
                session.add(PackVersionRow(pack_id=row.id, version=row.version, imported_at=now))
                session.flush()
                added, updated, retired = _write_contents(session, pack, installing=True)
                return ImportResult(
                    pack.pack.id,
                    pack.pack.title,
                    pack.pack.version,
                    ImportAction.INSTALLED,
                    added=added,
                )
            old = row.version
            if version_key(pack.pack.version) < version_key(old):
                raise PackVersionError(
                    f"pack {pack.pack.id!r} is installed at version {old}; "
                    f"version {pack.pack.version} is older and was not imported"
                )
            if version_key(pack.pack.version) == version_key(old):
                changes = pack_changes(_read_pack(session, row, with_media=True), pack)
                if changes.any:
                    raise PackVersionUnchangedError(pack.pack.id, old, changes)
                return ImportResult(
                    pack.pack.id, pack.pack.title, old, ImportAction.UNCHANGED, previous_version=old
                )
            for key, value in _pack_columns(pack.pack).items():
                setattr(row, key, value)
            row.imported_at = now
            row.builtin = row.builtin or builtin
            session.add(PackVersionRow(pack_id=row.id, version=row.version, imported_at=now))
            added, updated, retired = _write_contents(session, pack, previous_version=old)
            return ImportResult(
                pack.pack.id,
                pack.pack.title,
                pack.pack.version,
                ImportAction.UPDATED,
                previous_version=old,
                added=added,
                updated=updated,
                retired=retired,
            )

    def list_packs(self) -> list[PackSummary]:
        """Every installed pack with its number of live questions."""
        with self._db.sessions() as session:
            counts = dict(
                session.execute(
                    select(QuestionRow.pack_id, func.count())
                    .where(QuestionRow.retired.is_(False))
                    .group_by(QuestionRow.pack_id)
                ).all()
            )
            topics = dict(
                session.execute(
                    select(TopicRow.pack_id, func.count()).group_by(TopicRow.pack_id)
                ).all()
            )
            return [
                PackSummary(
                    p.id,
                    p.title,
                    p.version,
                    counts.get(p.id, 0),
                    topics.get(p.id, 0),
                    p.builtin,
                    p.description,
                )
                for p in session.scalars(select(PackRow).order_by(PackRow.title))
            ]

    def topics(self, pack_id: str) -> tuple[TopicInfo, ...]:
        """The topics of an installed pack, in pack order (nothing else is read)."""
        with self._db.sessions() as session:
            rows = session.scalars(
                select(TopicRow).where(TopicRow.pack_id == pack_id).order_by(TopicRow.position)
            )
            return tuple(
                TopicInfo(id=t.topic_id, title=t.title, description=t.description, guide=t.guide)
                for t in rows
            )

    def get_pack(self, pack_id: str, *, with_media: bool = False) -> Pack:
        """The installed pack as a validated model (live questions only, in pack order).

        Its media files are read only with ``with_media``: they may be large, and showing
        or exporting the questions does not need them.
        """
        with self._db.sessions() as session:
            row = session.get(PackRow, pack_id)
            if row is None:
                raise UnknownPackError(
                    f"no pack {pack_id!r} is installed; see 'crisisquiz pack list'"
                )
            return _read_pack(session, row, with_media=with_media)

    def remove_pack(self, pack_id: str) -> None:
        """Remove a pack with its questions and every learner's progress on them.

        The database is backed up first: this cannot be undone otherwise.
        """
        if self.installed_version(pack_id) is not None:
            self._db.safety_backup("before-pack-removal")
        with self._db.transaction() as session:
            if session.get(PackRow, pack_id) is None:
                raise UnknownPackError(
                    f"no pack {pack_id!r} is installed; see 'crisisquiz pack list'"
                )
            # The daily figures and their lifetime totals are kept per (pack, topic), not
            # per question, so the cascade from the pack's questions does not reach them:
            # they go with the answers they count.
            for derived in (DailyTopicStatsRow, TopicTotalsRow):
                session.execute(delete(derived).where(derived.pack_id == pack_id))
            session.execute(delete(PackRow).where(PackRow.id == pack_id))

    def installed_version(self, pack_id: str) -> str | None:
        """The installed version of a pack, or None."""
        with self._db.sessions() as session:
            return session.scalar(select(PackRow.version).where(PackRow.id == pack_id))


def _read_pack(session: Session, row: PackRow, *, with_media: bool) -> Pack:
    """The installed pack ``row`` as a model (live questions only, in pack order)."""
    pack_id = row.id
    sources = session.scalars(
        select(SourceRow)
        .where(SourceRow.pack_id == pack_id)
        .order_by(SourceRow.position, SourceRow.source_id)
    ).all()
    sentences: dict[str, list[SourceSentence]] = {}
    for sentence in session.scalars(
        select(SourceSentenceRow)
        .where(SourceSentenceRow.pack_id == pack_id)
        .order_by(SourceSentenceRow.source_id, SourceSentenceRow.line)
    ):
        sentences.setdefault(sentence.source_id, []).append(
            SourceSentence(line=sentence.line, claim=sentence.claim, error=sentence.error)
        )
    topics = session.scalars(
        select(TopicRow).where(TopicRow.pack_id == pack_id).order_by(TopicRow.position)
    )
    timeline = session.scalars(
        select(TimelineRow).where(TimelineRow.pack_id == pack_id).order_by(TimelineRow.position)
    )
    bodies = session.scalars(
        select(QuestionRow.body)
        .where(QuestionRow.pack_id == pack_id, QuestionRow.retired.is_(False))
        .order_by(QuestionRow.position)
    )
    media = (
        {
            m.path: m.data
            for m in session.scalars(select(MediaRow).where(MediaRow.pack_id == pack_id))
        }
        if with_media
        else {}
    )
    return Pack(
        pack=PackInfo(
            id=row.id,
            title=row.title,
            version=row.version,
            language=row.language,
            authors=tuple(row.authors),
            description=row.description,
        ),
        sources=tuple(
            SourceInfo(
                id=s.source_id,
                kind=SourceKind(s.kind),
                title=s.title,
                author=s.author,
                publisher=s.publisher,
                date=s.date,
                url=s.url,
                sentences=tuple(sentences.get(s.source_id, ())),
            )
            for s in sources
        ),
        topics=tuple(
            TopicInfo(id=t.topic_id, title=t.title, description=t.description, guide=t.guide)
            for t in topics
        ),
        timeline=tuple(
            TimelineEntry(date=e.date, event=e.event, topic=e.topic_id) for e in timeline
        ),
        questions=tuple(question_from_body(b) for b in bodies),
        media=media,
    )


def _pack_columns(info: PackInfo) -> dict[str, Any]:
    return {
        "title": info.title,
        "version": info.version,
        "language": info.language,
        "authors": list(info.authors),
        "description": info.description,
    }


_QUESTIONS = table_of(QuestionRow)
_ADD_QUESTION = prepared_insert(_QUESTIONS, (c.name for c in _QUESTIONS.c if c.name != "id"))


def _write_contents(
    session: Session,
    pack: Pack,
    *,
    previous_version: str | None = None,
    installing: bool = False,
) -> tuple[int, int, int]:
    """Replace sources, topics, timeline and media; upsert questions by id; retire the rest.

    ``installing``: the pack row is new, so (foreign keys being enforced) the pack has
    nothing stored yet to replace, update or retire.
    """
    pack_id = pack.pack.id
    if not installing:
        for model in (SourceSentenceRow, SourceRow, TopicRow, TimelineRow, MediaRow):
            session.execute(delete(model).where(model.pack_id == pack_id))
    if pack.sources:
        session.execute(
            insert(SourceRow),
            [
                {
                    "pack_id": pack_id,
                    "source_id": s.id,
                    "kind": s.kind.value,
                    "title": s.title,
                    "author": s.author,
                    "publisher": s.publisher,
                    "date": s.date,
                    "url": s.url,
                    "position": i,
                }
                for i, s in enumerate(pack.sources)
            ],
        )
    sentences = [
        {
            "pack_id": pack_id,
            "source_id": s.id,
            "line": n.line,
            "claim": n.claim,
            "error": n.error,
        }
        for s in pack.sources
        for n in s.sentences
    ]
    if sentences:
        session.execute(insert(SourceSentenceRow), sentences)
    session.execute(
        insert(TopicRow),
        [
            {
                "pack_id": pack_id,
                "topic_id": t.id,
                "title": t.title,
                "description": t.description,
                "guide": t.guide,
                "position": i,
            }
            for i, t in enumerate(pack.topics)
        ],
    )
    if pack.timeline:
        session.execute(
            insert(TimelineRow),
            [
                {
                    "pack_id": pack_id,
                    "position": i,
                    "date": e.date,
                    "event": e.event,
                    "topic_id": e.topic,
                }
                for i, e in enumerate(pack.timeline)
            ],
        )
    if pack.media:
        session.execute(
            insert(MediaRow),
            [{"pack_id": pack_id, "path": path, "data": data} for path, data in pack.media.items()],
        )
    existing: dict[str, int] = (
        {}
        if installing
        else dict(
            session.execute(
                select(QuestionRow.question_id, QuestionRow.id).where(
                    QuestionRow.pack_id == pack_id
                )
            ).all()
        )
    )
    questions = pack.questions
    bodies = question_bodies(questions)
    changed_rows = (
        [
            {
                "id": existing[question.id],
                "pack_id": pack_id,
                "question_id": question.id,
                "topic_id": question.topic,
                "qtype": question.type.value,
                "position": position,
                "difficulty": question.difficulty,
                "body": body,
                "retired": False,
                "sibling_group": question.group,
            }
            for position, (question, body) in enumerate(zip(questions, bodies, strict=True))
            if question.id in existing
        ]
        if existing
        else []
    )
    if changed_rows:
        positions = [p for p, question in enumerate(questions) if question.id not in existing]
        new = [questions[p] for p in positions]
        new_bodies = [bodies[p] for p in positions]
    else:
        positions, new, new_bodies = list(range(len(questions))), list(questions), bodies
    added = len(positions)
    if positions:
        # On the driver, column by column: SQLAlchemy's per-row parameter handling
        # cost about as much as SQLite's own insert here, and so did building and
        # converting one mapping per row.
        _ADD_QUESTION.run_columns(
            session_cursor(session),
            {
                "pack_id": [pack_id] * added,
                "question_id": [q.id for q in new],
                "topic_id": [q.topic for q in new],
                # The body's "type" is the question type's value, as a plain string.
                "qtype": [body["type"] for body in new_bodies],
                "position": positions,
                "difficulty": [q.difficulty for q in new],
                "body": new_bodies,
                "retired": [False] * added,
                "sibling_group": [q.group for q in new],
            },
        )
    if changed_rows:
        if previous_version is not None:
            _keep_history(session, previous_version, changed_rows)
        session.execute(update(QuestionRow), changed_rows)
        _move_cards_with_questions(session, pack_id)
    kept = {q.id for q in pack.questions}
    gone = [row_id for qid, row_id in existing.items() if qid not in kept]
    if gone:
        session.execute(update(QuestionRow).where(QuestionRow.id.in_(gone)).values(retired=True))
    return added, len(changed_rows), len(gone)


def _keep_history(
    session: Session, previous_version: str, changed_rows: list[dict[str, Any]]
) -> None:
    """Keep the text of each question the new version changes, as ``previous_version`` had it.

    Answers given before the update are judged against the question they were shown.
    """
    new_bodies = {row["id"]: row["body"] for row in changed_rows}
    old_bodies = session.execute(
        select(QuestionRow.id, QuestionRow.body).where(QuestionRow.id.in_(new_bodies))
    ).all()
    history = [
        {"question_id": row_id, "pack_version": previous_version, "body": body}
        for row_id, body in old_bodies
        if body != new_bodies[row_id]
    ]
    if history:
        session.execute(insert(QuestionHistoryRow), history)


def _move_cards_with_questions(session: Session, pack_id: str) -> None:
    """Give the learners' card states the topic their question now has.

    Card states keep a copy of the topic so the study queue and the figures never
    join the questions; a new pack version may have moved questions between topics.
    """
    c, q = CardStateRow, QuestionRow
    topic_now = select(q.topic_id).where(q.id == c.question_id).correlate(c).scalar_subquery()
    session.execute(
        update(c)
        .where(c.pack_id == pack_id, c.topic_id != topic_now)
        .values(topic_id=topic_now)
        .execution_options(synchronize_session=False)
    )


def pack_to_dict(pack: Pack) -> dict[str, Any]:
    """The whole pack under the format's table names: pack, sources, topics, timeline, questions.

    The timeline is left out when the pack has none, so an earlier pack exports as before.
    """
    data: dict[str, Any] = {
        "pack": pack.pack.model_dump(mode="json", exclude_defaults=True),
        "sources": [s.model_dump(mode="json", exclude_defaults=True) for s in pack.sources],
        "topics": [t.model_dump(mode="json", exclude_defaults=True) for t in pack.topics],
    }
    if pack.timeline:
        data["timeline"] = [e.model_dump(mode="json", exclude_defaults=True) for e in pack.timeline]
    data["questions"] = [question_body(q) for q in pack.questions]
    return data


def pack_to_json(pack: Pack) -> str:
    """The pack as JSON (UTF-8, indented)."""
    return json.dumps(pack_to_dict(pack), ensure_ascii=False, indent=2) + "\n"


_LEADING_KEYS = ("id", "kind", "topic", "type", "date", "prompt", "statement", "text")


def pack_to_toml(pack: Pack) -> str:
    """The pack as TOML laid out like a hand-written pack, importable as it is."""
    return tables_to_toml(pack_to_dict(pack))


def tables_to_toml(data: Mapping[str, Any]) -> str:
    """A pack's tables (as :func:`pack_to_dict` gives them) as hand-written-style TOML.

    The tables need not be valid: a draft with problems is written as it stands.
    """
    parts = [tomli_w.dumps({"pack": data["pack"]})]
    for table in ("sources", "topics", "timeline", "questions"):
        for item in data.get(table, []):
            ordered = {k: item[k] for k in _LEADING_KEYS if k in item}
            ordered.update((k, v) for k, v in item.items() if k not in ordered)
            # Nested tables are written the way a person writes them: a question's
            # quotation inline, a source's sentence notes as [[sources.sentences]].
            quote = ordered.pop("quote", None)
            sentences = ordered.pop("sentences", []) if table == "sources" else []
            text = f"[[{table}]]\n" + tomli_w.dumps(ordered, multiline_strings=True)
            if quote is not None:
                text += f"quote = {_inline_table(quote)}\n"
            for sentence in sentences:
                text += "\n[[sources.sentences]]\n" + tomli_w.dumps(sentence)
            parts.append(text)
    return "\n".join(parts)


def _inline_table(values: dict[str, Any]) -> str:
    """``{ key = value, ... }`` with each value written by tomli_w."""
    fields = (tomli_w.dumps({key: value}).strip() for key, value in values.items())
    return "{ " + ", ".join(fields) + " }"


__all__ = [
    "ImportAction",
    "ImportResult",
    "PackError",
    "PackIssue",
    "PackService",
    "PackSummary",
    "PackVersionError",
    "PackVersionUnchangedError",
    "UnknownPackError",
    "pack_to_dict",
    "pack_to_json",
    "pack_to_toml",
    "question_body",
    "question_from_body",
    "tables_to_toml",
]
