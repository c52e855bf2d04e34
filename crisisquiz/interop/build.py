"""Building a pack from questions converted one by one, with the report kept alongside.

Readers hand each source question to a :class:`PackBuilder` as pack-format
fields; the builder gives it a stable id, checks it with core's own rules and
records the outcome. A question our format cannot hold is skipped with the
reason, never half-kept.

The questions are checked when the pack is built, with the whole pack in one
pydantic call instead of one call per question. Only when something has a problem
are they checked again one by one, in the order they came, which gives each its
id, its problems and its line in the report exactly as checking each on arrival
would have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from crisisquiz.core.pack_loader import (
    PackError,
    PackIssue,
    check_question,
    parse_pack_data,
)
from crisisquiz.core.pack_rules import question_problems
from crisisquiz.core.pack_schema import (
    SEMVER_PATTERN,
    Pack,
    PackInfo,
    Question,
    SourceInfo,
    TopicInfo,
)
from crisisquiz.core.packs import question_body
from crisisquiz.interop.report import (
    ConversionReport,
    Converted,
    Outcome,
    ReportEntry,
    ReportLines,
    title_of,
)
from crisisquiz.interop.text import content_id, slugify, source_id

__all__ = ["DEFAULT_VERSION", "PackBuilder", "ReadOptions", "lost_fields", "title_of"]

DEFAULT_VERSION = "1.0.0"


@dataclass(frozen=True)
class ReadOptions:
    """Choices a teacher makes when bringing a file in.

    ``pack_id``, ``title`` and ``version`` replace what the reader would derive
    from the file (its name, its deck or category, 1.0.0). ``quizlet_as`` makes
    each Quizlet term a flashcard (the default) or a short-answer question.
    ``term_separator`` and ``row_separator`` give Quizlet's "between term and
    definition" and "between rows" settings when they are not tab/comma and new
    line; None detects them.
    """

    pack_id: str | None = None
    title: str | None = None
    version: str | None = None
    quizlet_as: Literal["flashcard", "short_answer"] = "flashcard"
    term_separator: str | None = None
    row_separator: str | None = None


@dataclass(slots=True)
class _Pending:
    """A question given to :meth:`PackBuilder.add`, checked when the pack is built."""

    where: str
    title: str
    # The pack-format fields, with the id the question gets when every question is valid.
    item: dict[str, Any]
    notes: tuple[str, ...]
    # What the id is made from (own id, text, key, prefix), to give it again if needed.
    id_parts: tuple[str | None, str, str, str]
    # The question's picture when the pack held that file at the time it was added.
    media: tuple[str, ...]
    # How many problems the reader had recorded before it: where its own problems go.
    issues_before: int


class PackBuilder:
    """Collects converted questions, topics and media for one file."""

    def __init__(
        self, path: Path, format_name: str, options: ReadOptions, *, strict: bool = False
    ) -> None:
        # Strict: a question that breaks a rule is a located error, as in a pack of our
        # own (rows laid out for crisisquiz); otherwise it is skipped with the reason
        # (files written for another app).
        self.strict = strict
        self.issues: list[PackIssue] = []
        self.path = path
        self.format_name = format_name
        self.options = options
        # "cold-war_review.gift" reads as the title "Cold war review" until the file says better.
        words = " ".join(path.name.split(".")[0].replace("_", " ").replace("-", " ").split())
        self.title = words[:1].upper() + words[1:] or "Imported questions"
        self.description = ""
        self._topics: dict[str, dict[str, str]] = {}
        self._topic_by_title: dict[str, str] = {}
        self._ids: set[str] = set()
        # Report lines in source order: skipped questions, and the questions to check.
        self._entries: list[ReportEntry | _Pending] = []
        self._notes: list[str] = []
        self._media: dict[str, bytes] = {}
        self._sources: dict[str, dict[str, str]] = {}
        self._default_topic: tuple[str, str] | None = None

    # -- topics and media -------------------------------------------------------------------

    def topic(self, title: str, description: str = "", topic_id: str | None = None) -> str:
        """The id of the topic titled ``title``, declaring it on first use.

        The id is ``topic_id`` when the source gives one, else made from the title.
        """
        title = " ".join(title.split()) or self.title
        known = self._topic_by_title.get(title)
        if known is not None:
            return known
        base = slugify(topic_id or "", max_words=12, max_length=80) or slugify(title) or "topic"
        topic_id, n = base, 2
        while topic_id in self._topics:
            topic_id, n = f"{base}-{n}", n + 1
        self._topics[topic_id] = {"id": topic_id, "title": title[:4000]}
        if description.strip():
            self._topics[topic_id]["description"] = description.strip()
        self._topic_by_title[title] = topic_id
        return topic_id

    def default_topic(self) -> str:
        """The topic for questions the source puts in no category or deck."""
        # Asked for every such question: the answer is kept while the title stays.
        if self._default_topic is None or self._default_topic[0] != self.title:
            self._default_topic = (self.title, self.topic(self.title))
        return self._default_topic[1]

    def add_media(self, name: str, data: bytes) -> str:
        """Keep ``data`` as a pack media file; returns its path (``media/...``)."""
        stem = Path(name).name or "file"
        path = f"media/{stem}"
        n = 2
        while path in self._media and self._media[path] != data:
            path = f"media/{Path(stem).stem}-{n}{Path(stem).suffix}"
            n += 1
        self._media[path] = data
        return path

    @property
    def media(self) -> Mapping[str, bytes]:
        """The media files kept so far."""
        return self._media

    def declare_sources(self, refs: Iterable[str]) -> None:
        """Declare the sources that ``source-id:line`` references name, titled by their id.

        Rows carry citations but not the documents' titles; the pack must declare each.
        """
        for ref in refs:
            source = ref.split(":", 1)[0].strip()
            if source and source not in self._sources:
                self._sources[source] = {"id": source, "title": source}
                self.note(f"source {source!r} declared with its id as title; give it a title")

    def note(self, text: str) -> None:
        """A remark on the whole file, shown above the questions in the report."""
        if text not in self._notes:
            self._notes.append(text)

    # -- questions --------------------------------------------------------------------------

    def new_id(self, *, own_id: str | None, text: str, key: str, prefix: str) -> str:
        """A stable id unique in this pack: from the source's own id, else from ``key``."""
        base = source_id(own_id, prefix) if own_id else content_id(text, key, prefix)
        qid, n = base, 2
        while qid in self._ids:
            qid, n = f"{base}-{n}", n + 1
        return qid

    def add(
        self,
        *,
        where: str,
        title: str,
        fields: dict[str, Any],
        notes: Iterable[str] = (),
        own_id: str | None = None,
        key: str,
        topic: str | None = None,
        tags: Iterable[str] = (),
        prefix: str = "q",
        id_text: str | None = None,
    ) -> None:
        """Convert one question; it is checked, and kept or skipped, when the pack is built.

        ``fields`` are the pack-format fields besides ``id`` and ``topic``; ``key``
        is the text that names the question in the source (see
        :func:`crisisquiz.interop.text.content_id`); ``id_text`` gives the words the
        id starts with (default: the question's text).
        """
        notes = tuple(notes)
        item = dict(fields)
        item["topic"] = topic or self.default_topic()
        if tags:
            notes, item["tags"] = self._tags(tags, notes)
            if not item["tags"]:
                del item["tags"]
        text = id_text or str(
            item.get("prompt") or item.get("statement") or item.get("text") or title
        )
        # The id is taken as if the question were valid; if one turns out not to be,
        # build() gives every id again in order, as the questions came.
        qid = source_id(own_id, prefix) if own_id else content_id(text, key, prefix)
        if qid in self._ids:
            qid = self.new_id(own_id=own_id, text=text, key=key, prefix=prefix)
        item["id"] = qid
        self._ids.add(qid)
        image = item.get("image")
        self._entries.append(
            _Pending(
                where,
                title,
                item,
                notes,
                (own_id, text, key, prefix),
                (image,) if isinstance(image, str) and image in self._media else (),
                len(self.issues),
            )
        )

    @staticmethod
    def _tags(tags: Iterable[str], notes: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
        """The tags as slugs, each once, and ``notes`` with what changed about them."""
        kept: list[str] = []
        said = list(notes)
        for tag in tags:
            slug = slugify(tag, max_words=8, max_length=60)
            if slug and slug not in kept:
                kept.append(slug)
                if slug != tag:
                    said.append(f"tag {tag!r} written as {slug!r}")
            elif not slug:
                said.append(f"tag {tag!r} dropped: it has no letters or digits")
        return tuple(said), kept

    def skip(self, where: str, title: str, reason: str) -> None:
        """Record a question that could not be converted, and why."""
        self._entries.append(ReportEntry(where, title_of(title), Outcome.SKIPPED, notes=(reason,)))

    # -- the pack ---------------------------------------------------------------------------

    def _pack_info(self) -> dict[str, Any]:
        options = self.options
        version = options.version or DEFAULT_VERSION
        if not re.match(SEMVER_PATTERN, version):
            raise PackError(
                [
                    PackIssue(
                        str(self.path),
                        f"{version!r} is not a version: use MAJOR.MINOR.PATCH, e.g. 1.0.0",
                        field="pack.version",
                    )
                ]
            )
        info: dict[str, Any] = {
            "id": options.pack_id or slugify(self.path.stem) or "imported-pack",
            "title": (options.title or self.title).strip() or "Imported questions",
            "version": version,
        }
        if self.description.strip():
            info["description"] = self.description.strip()
        return info

    def _converted(self, pending: _Pending, qid: str) -> ReportEntry:
        return ReportEntry(
            pending.where,
            title_of(pending.title),
            Outcome.CHANGED if pending.notes else Outcome.CONVERTED,
            qid,
            str(pending.item["type"]),
            pending.notes,
        )

    def _built_together(self) -> Converted | None:
        """The pack validated whole in one pydantic call; None when anything has a problem.

        The same models and question rules as :meth:`_built_one_by_one`, which then
        finds and places the problem.
        """
        pending = [entry for entry in self._entries if isinstance(entry, _Pending)]
        if self.issues or not pending:
            return None
        try:
            info = self._pack_info()
        except PackError:
            return None
        items = [p.item for p in pending]
        used_topics = {item["topic"] for item in items}
        # A picture the pack did not hold when its question came makes a problem below.
        used_media = {image for p in pending for image in p.media}
        try:
            pack = Pack.model_validate(
                {
                    "pack": info,
                    "sources": list(self._sources.values()),
                    "topics": [t for tid, t in self._topics.items() if tid in used_topics],
                    "questions": items,
                    "media": {k: v for k, v in self._media.items() if k in used_media},
                }
            )
        except ValidationError:
            return None
        for question, p in zip(pack.questions, pending, strict=True):
            if question_problems(question, p.media):
                return None
        # Lines made into report entries only when read (see ReportLines).
        rows = [
            entry
            if isinstance(entry, ReportEntry)
            else (entry.where, entry.title, entry.item["id"], str(entry.item["type"]), entry.notes)
            for entry in self._entries
        ]
        return Converted(pack, self._report(ReportLines(rows)))

    def _report(self, entries: Sequence[ReportEntry]) -> ConversionReport:
        return ConversionReport(
            source=self.path.name,
            format=self.format_name,
            entries=entries,
            notes=tuple(self._notes),
        )

    def _check_each(self) -> tuple[list[Question], list[ReportEntry], list[PackIssue]]:
        """Every question checked in turn, ids given again: what a problem needs to be placed.

        A question with a problem takes no id, so the ones after it may get other ids
        than :meth:`add` gave them. In strict mode its problems go where it came among
        those the reader recorded; otherwise it is skipped with the reason.
        """
        self._ids = set()
        questions: list[Question] = []
        entries: list[ReportEntry] = []
        issues: list[PackIssue] = []
        taken = 0
        for entry in self._entries:
            if isinstance(entry, ReportEntry):
                entries.append(entry)
                continue
            issues += self.issues[taken : entry.issues_before]
            taken = entry.issues_before
            own_id, text, key, prefix = entry.id_parts
            qid = self.new_id(own_id=own_id, text=text, key=key, prefix=prefix)
            question, problems = check_question({**entry.item, "id": qid}, entry.media)
            if question is None and self.strict:
                issues += [
                    PackIssue(str(self.path), message, question=entry.where, field=field)
                    for field, message in problems
                ]
            elif question is None:
                reasons = [f"field '{field}': {message}" for field, message in problems]
                reason = "; ".join(reasons) or "it is not a valid question"
                title = title_of(entry.title)
                entries.append(ReportEntry(entry.where, title, Outcome.SKIPPED, notes=(reason,)))
            else:
                self._ids.add(qid)
                questions.append(question)
                entries.append(self._converted(entry, qid))
        issues += self.issues[taken:]
        return questions, entries, issues

    def build(self) -> Converted:
        """The pack and its report; :class:`PackError` when no question could be converted.

        In strict mode every problem recorded is raised at once instead.
        """
        return self._built_together() or self._built_one_by_one()

    def _built_one_by_one(self) -> Converted:
        questions, entries, issues = self._check_each()
        if issues:
            raise PackError(issues)
        report = self._report(tuple(entries))
        if not questions:
            # Every question skipped, each with its reason below; or none there at all
            # (a file holding only a category line, say), which is said as such.
            why = (
                f"no question could be brought in from this {self.format_name} file"
                if entries
                else f"no question could be brought in: this {self.format_name} file holds "
                "no question at all"
            )
            problems = [PackIssue(str(self.path), why)]
            problems += [
                PackIssue(str(self.path), f"{entry.where}: {'; '.join(entry.notes)}")
                for entry in entries
            ]
            raise PackError(problems)
        used_topics = {q.topic for q in questions}
        used_media = {q.image for q in questions if q.image}
        info = self._pack_info()
        sources = list(self._sources.values())
        topics = [t for tid, t in self._topics.items() if tid in used_topics]
        media = {path: blob for path, blob in self._media.items() if path in used_media}
        try:
            # Every question was checked above, every topic and source it names declared
            # here and every id made unique: the pack is put together from the checked
            # questions instead of validating them all a second time.
            pack = Pack(
                pack=PackInfo.model_validate(info),
                sources=tuple(SourceInfo.model_validate(s) for s in sources),
                topics=tuple(TopicInfo.model_validate(t) for t in topics),
                questions=tuple(questions),
                media=media,
            )
        except ValidationError:
            # A pack id or title given by the teacher can still be wrong: the full
            # validation says where, in the usual words.
            data = {
                "pack": info,
                "sources": sources,
                "topics": topics,
                "questions": [question_body(q) for q in questions],
            }
            pack = parse_pack_data(data, str(self.path), media)
        return Converted(pack, report)


def lost_fields(pack: Pack, target: str) -> tuple[str, ...]:
    """Notes on what a target format keeps nowhere: sources, difficulty, sibling groups."""
    notes = []
    with_sources = sum(1 for q in pack.questions if q.sources)
    if with_sources:
        notes.append(f"{target} has no place for sources: {with_sources} questions cite some")
    rated = sum(1 for q in pack.questions if q.difficulty != 3)
    if rated:
        notes.append(f"{target} has no place for difficulty: {rated} questions set it")
    grouped = sum(1 for q in pack.questions if q.group)
    if grouped:
        notes.append(f"{target} has no place for sibling groups: {grouped} questions have one")
    return tuple(notes)
