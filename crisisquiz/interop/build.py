"""Building a pack from questions converted one by one, with the report kept alongside.

Readers hand each source question to a :class:`PackBuilder` as pack-format
fields; the builder gives it a stable id, checks it with core's own rules and
records the outcome. A question our format cannot hold is skipped with the
reason, never half-kept. The finished pack is validated whole by core.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from crisisquiz.core.pack_loader import PackError, PackIssue, check_question, parse_pack_data
from crisisquiz.core.pack_schema import (
    SEMVER_PATTERN,
    Pack,
    PackInfo,
    Question,
    SourceInfo,
    TopicInfo,
)
from crisisquiz.core.packs import question_body
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry
from crisisquiz.interop.text import content_id, slugify, source_id

__all__ = ["DEFAULT_VERSION", "PackBuilder", "ReadOptions", "lost_fields", "title_of"]

DEFAULT_VERSION = "1.0.0"
# Longest a title in the report gets; the rest of the text is in the question itself.
_TITLE_CHARS = 70


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


def title_of(text: str) -> str:
    """The first line of ``text``, cut to a readable length, for the report."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= _TITLE_CHARS else line[: _TITLE_CHARS - 1] + "…"


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
        self._questions: list[Question] = []
        self._ids: set[str] = set()
        self._entries: list[ReportEntry] = []
        self._notes: list[str] = []
        self._media: dict[str, bytes] = {}
        self._sources: dict[str, dict[str, str]] = {}

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
        return self.topic(self.title)

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
    ) -> str | None:
        """Convert one question; returns its id, or None when it had to be skipped.

        ``fields`` are the pack-format fields besides ``id`` and ``topic``; ``key``
        is the text that names the question in the source (see
        :func:`crisisquiz.interop.text.content_id`); ``id_text`` gives the words the
        id starts with (default: the question's text).
        """
        notes = list(notes)
        item = dict(fields)
        item["topic"] = topic or self.default_topic()
        kept_tags: list[str] = []
        for tag in tags:
            slug = slugify(tag, max_words=8, max_length=60)
            if slug and slug not in kept_tags:
                kept_tags.append(slug)
                if slug != tag:
                    notes.append(f"tag {tag!r} written as {slug!r}")
            elif not slug:
                notes.append(f"tag {tag!r} dropped: it has no letters or digits")
        if kept_tags:
            item["tags"] = kept_tags
        text = id_text or str(
            item.get("prompt") or item.get("statement") or item.get("text") or title
        )
        qid = self.new_id(own_id=own_id, text=text, key=key, prefix=prefix)
        item["id"] = qid
        question, problems = check_question(item, self._media)
        if question is None and self.strict:
            self.issues += [
                PackIssue(str(self.path), message, question=where, field=field)
                for field, message in problems
            ]
            return None
        if question is None:
            reasons = [f"field '{field}': {message}" for field, message in problems]
            self.skip(where, title, "; ".join(reasons) or "it is not a valid question")
            return None
        self._ids.add(qid)
        self._questions.append(question)
        self._entries.append(
            ReportEntry(
                where=where,
                title=title_of(title),
                outcome=Outcome.CHANGED if notes else Outcome.CONVERTED,
                question_id=qid,
                question_type=str(item["type"]),
                notes=tuple(notes),
            )
        )
        return qid

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

    def build(self) -> Converted:
        """The pack and its report; :class:`PackError` when no question could be converted.

        In strict mode every problem recorded is raised at once instead.
        """
        if self.issues:
            raise PackError(self.issues)
        report = ConversionReport(
            source=self.path.name,
            format=self.format_name,
            entries=tuple(self._entries),
            notes=tuple(self._notes),
        )
        if not self._questions:
            issues = [
                PackIssue(
                    str(self.path),
                    f"no question could be brought in from this {self.format_name} file",
                )
            ]
            issues += [
                PackIssue(str(self.path), f"{entry.where}: {'; '.join(entry.notes)}")
                for entry in self._entries
            ]
            raise PackError(issues)
        used_topics = {q.topic for q in self._questions}
        used_media = {q.image for q in self._questions if q.image}
        info = self._pack_info()
        sources = list(self._sources.values())
        topics = [t for tid, t in self._topics.items() if tid in used_topics]
        media = {path: blob for path, blob in self._media.items() if path in used_media}
        try:
            # Every question was checked on its way in, every topic and source it names
            # declared here and every id made unique: the pack is put together from the
            # checked questions instead of validating them all a second time.
            pack = Pack(
                pack=PackInfo.model_validate(info),
                sources=tuple(SourceInfo.model_validate(s) for s in sources),
                topics=tuple(TopicInfo.model_validate(t) for t in topics),
                questions=tuple(self._questions),
                media=media,
            )
        except ValidationError:
            # A pack id or title given by the teacher can still be wrong: the full
            # validation says where, in the usual words.
            data = {
                "pack": info,
                "sources": sources,
                "topics": topics,
                "questions": [question_body(q) for q in self._questions],
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
