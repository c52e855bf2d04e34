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

from crisisquiz.core.pack_loader import PackError, PackIssue, check_question, parse_pack_data
from crisisquiz.core.pack_schema import SEMVER_PATTERN
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry
from crisisquiz.interop.text import content_id, slugify, source_id

__all__ = ["DEFAULT_VERSION", "PackBuilder", "ReadOptions", "title_of"]

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

    def __init__(self, path: Path, format_name: str, options: ReadOptions) -> None:
        self.path = path
        self.format_name = format_name
        self.options = options
        self.title = path.stem.replace("_", " ").strip() or "Imported questions"
        self.description = ""
        self._topics: dict[str, dict[str, str]] = {}
        self._topic_by_title: dict[str, str] = {}
        self._questions: list[dict[str, Any]] = []
        self._ids: set[str] = set()
        self._entries: list[ReportEntry] = []
        self._notes: list[str] = []
        self._media: dict[str, bytes] = {}

    # -- topics and media -------------------------------------------------------------------

    def topic(self, title: str, description: str = "") -> str:
        """The id of the topic titled ``title``, declaring it on first use."""
        title = " ".join(title.split()) or self.title
        known = self._topic_by_title.get(title)
        if known is not None:
            return known
        base = slugify(title) or "topic"
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
    ) -> str | None:
        """Convert one question; returns its id, or None when it had to be skipped.

        ``fields`` are the pack-format fields besides ``id`` and ``topic``; ``key``
        is the text that names the question in the source (see
        :func:`crisisquiz.interop.text.content_id`).
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
        text = str(item.get("prompt") or item.get("statement") or item.get("text") or title)
        qid = self.new_id(own_id=own_id, text=text, key=key, prefix=prefix)
        item["id"] = qid
        question, problems = check_question(item, self._media)
        if question is None:
            reasons = [f"field '{field}': {message}" for field, message in problems]
            self.skip(where, title, "; ".join(reasons) or "it is not a valid question")
            return None
        self._ids.add(qid)
        self._questions.append(item)
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
        """The pack and its report; :class:`PackError` when no question could be converted."""
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
        used_topics = {q["topic"] for q in self._questions}
        used_media = {q["image"] for q in self._questions if q.get("image")}
        data = {
            "pack": self._pack_info(),
            "topics": [t for tid, t in self._topics.items() if tid in used_topics],
            "questions": self._questions,
        }
        media = {path: blob for path, blob in self._media.items() if path in used_media}
        pack = parse_pack_data(data, str(self.path), media)
        return Converted(pack, report)
