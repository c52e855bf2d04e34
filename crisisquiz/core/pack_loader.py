"""Read a pack from a TOML file, a folder or a .zip, and validate all of it.

A pack with any problem is refused whole: :class:`PackError` carries every
problem found, each placed by file, line (when known), question and field.
"""

from __future__ import annotations

import bisect
import gc
import os
import re
from collections import Counter
from collections.abc import Container, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from crisisquiz.core.pack_limits import (
    MAX_MEDIA_FILE_BYTES,
    MAX_MEDIA_FILES,
    MAX_MEDIA_TOTAL_BYTES,
    MAX_NESTING,
    MAX_PACK_TEXT_BYTES,
    MAX_PROBLEMS_LISTED,
    MAX_VALUE_SHOWN,
    MAX_VERSION_DIGITS,
    PACK_ARCHIVE_LIMITS,
    shorten,
)
from crisisquiz.core.pack_rules import (
    question_problems,
    reference_problems,
    sentence_problems,
    source_problems,
    timeline_problems,
)
from crisisquiz.core.pack_schema import (
    PARTIAL_DATE_PATTERN,
    SEMVER_PATTERN,
    SLUG_PATTERN,
    SOURCE_REF_PATTERN,
    Pack,
    PackInfo,
    Question,
    SourceInfo,
    SourceKind,
    TimelineEntry,
    TopicInfo,
)
from crisisquiz.core.pack_toml import read_pack_toml
from crisisquiz.core.safe_archive import (
    SafeZip,
    UnsafeArchiveError,
    is_zip_file,
    read_regular_file,
    safe_member_name,
)
from crisisquiz.core.slugs import id_problem
from crisisquiz.core.source_texts import DOCUMENTS_FOLDER, document_file, document_lines

PACK_FILE = "pack.toml"
MEDIA_FOLDER = "media"
_QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4000,}")


@dataclass(frozen=True)
class PackIssue:
    """One problem in a pack, with where it is."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    question: str | None = None
    field: str | None = None
    # The question's place in the pack (0 for the first), for tools that point at it.
    index: int | None = None

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        parts = [place]
        if self.question is not None:
            parts.append(f"question {self.question}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class PackError(Exception):
    """A pack was refused; ``issues`` lists the problems found.

    A pack with thousands of problems (a file that is not a pack at all, say) keeps the
    first :data:`MAX_PROBLEMS_LISTED`; ``total`` counts them all.
    """

    def __init__(self, issues: Sequence[PackIssue]) -> None:
        self.total = len(issues)
        self.issues = tuple(issues[:MAX_PROBLEMS_LISTED])
        lines = [f"{self.total:,} problem{'s' if self.total != 1 else ''} found:"]
        lines += [f"  - {issue}" for issue in self.issues]
        if self.omitted:
            lines.append(f"  ... and {self.omitted:,} more (fix these first)")
        super().__init__("\n".join(lines))

    @property
    def omitted(self) -> int:
        """How many problems are not listed in ``issues``."""
        return self.total - len(self.issues)


class _Media(Protocol):
    """The files a pack may refer to, read only when a question shows one."""

    def __contains__(self, name: object, /) -> bool: ...

    def read(self, name: str) -> bytes:
        """The file's bytes; :class:`UnsafeArchiveError` when it cannot be read safely."""
        ...


class _GivenMedia:
    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = dict(files)

    def __contains__(self, name: object) -> bool:
        return name in self._files

    def read(self, name: str) -> bytes:
        data = self._files[name]
        if len(data) > MAX_MEDIA_FILE_BYTES:
            raise UnsafeArchiveError(
                f"{name} is larger than the {_describe_size(MAX_MEDIA_FILE_BYTES)} allowed"
            )
        return data


class _FolderMedia:
    """Files under the ``media/`` and ``sources/`` folders beside a pack's TOML.

    Only those folders count (pictures, and documents' texts), so a pack lying in a
    busy folder (Downloads, say) does not reach the rest; a link leading out of the
    pack's folder is refused.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not _is_safe(name):
            return False
        if not name.startswith((MEDIA_FOLDER + "/", DOCUMENTS_FOLDER + "/")):
            return False
        return os.path.lexists(self._folder / name)

    def read(self, name: str) -> bytes:
        path = self._folder / name
        real = path.resolve()
        if not real.is_relative_to(self._folder.resolve()):
            raise UnsafeArchiveError(
                f"{name} is a link to a file outside the pack; put the file itself in the "
                f"pack's {MEDIA_FOLDER} folder"
            )
        return read_regular_file(real, max_bytes=MAX_MEDIA_FILE_BYTES)


class _ZipMedia:
    """Files in a zipped pack, beside or below its ``pack.toml``."""

    def __init__(self, archive: SafeZip, prefix: str, toml_name: str) -> None:
        self._archive = archive
        self._prefix = prefix
        self._toml_name = toml_name

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not _is_safe(name):
            return False
        full = self._prefix + name
        return full != self._toml_name and full in self._archive

    def read(self, name: str) -> bytes:
        return self._archive.read(self._prefix + name, max_bytes=MAX_MEDIA_FILE_BYTES)


def _is_safe(name: str) -> bool:
    """Whether an image path names a file inside the pack (no ``..``, not absolute)."""
    return safe_member_name(name) is not None


@dataclass(frozen=True)
class _RawPack:
    name: str  # how the pack file is named in messages
    text: str
    media: _Media


def load_pack(path: Path) -> Pack:
    """Load and validate the pack at ``path`` (a .toml file, a folder or a .zip).

    Only regular files are read (a FIFO or a device is refused, never waited on), every
    file within the limits of :mod:`crisisquiz.core.pack_limits`, and of the media only
    the files questions refer to.
    """
    with _opened(path) as raw:
        return parse_pack(raw)


@dataclass(frozen=True)
class PackFileContent:
    """A pack file read for editing: its tables as written, even with mistakes.

    ``tables`` is None when the text cannot be read as TOML at all; ``problems`` lists
    the slips in the TOML itself (those the reader could mend leave the tables whole);
    ``files`` holds the pictures and document texts the tables name.
    """

    name: str
    tables: dict[str, Any] | None
    problems: tuple[PackIssue, ...]
    files: dict[str, bytes]


def read_pack_file(path: Path) -> PackFileContent:
    """Read the pack at ``path`` (file, folder or .zip) without refusing it for mistakes.

    For an editor: a hand-written pack with problems opens so they can be fixed. A file
    that cannot be opened at all still raises :class:`PackError`.
    """
    with _opened(path) as raw:
        reading = read_pack_toml(raw.text)
        problems = tuple(
            PackIssue(raw.name, problem.message, line=problem.line, column=problem.column)
            for problem in reading.problems
        )
        files: dict[str, bytes] = {}
        data = reading.data
        if data is not None:
            wanted: list[str] = []
            for source in data.get("sources", []) if isinstance(data.get("sources"), list) else []:
                if isinstance(source, dict) and isinstance(source.get("id"), str):
                    wanted.append(document_file(source["id"]))
            for item in (
                data.get("questions", []) if isinstance(data.get("questions"), list) else []
            ):
                if isinstance(item, dict) and isinstance(item.get("image"), str):
                    wanted.append(item["image"])
            for name in dict.fromkeys(wanted):
                if name in raw.media:
                    try:
                        files[name] = raw.media.read(name)
                    except UnsafeArchiveError:
                        continue  # reported when the pack is checked
        return PackFileContent(raw.name, data, problems, files)


def parse_pack_text(
    text: str, name: str = PACK_FILE, media: Mapping[str, bytes] | None = None
) -> Pack:
    """Validate a pack given as TOML text; ``name`` is used in messages."""
    return parse_pack(_RawPack(name=name, text=text, media=_GivenMedia(media or {})))


def parse_pack_data(
    data: Mapping[str, Any], name: str, media: Mapping[str, bytes] | None = None
) -> Pack:
    """Validate a pack given as its tables (``pack``, ``sources``, ``topics``, ``questions``).

    The same checks and messages as a TOML pack, without line numbers: for packs
    converted from another format or read from JSON. ``name`` is used in messages.
    """
    with gc_paused():
        return _validate(dict(data), _RawPack(name=name, text="", media=_GivenMedia(media or {})))


def check_question(
    item: Mapping[str, Any], media: Container[str]
) -> tuple[Question | None, list[tuple[str, str]]]:
    """Validate one question's fields alone: the question, or None and every problem.

    Problems are ``(field, message)`` pairs; ``media`` holds the names of the files
    the pack carries. Topic and source references are not checked here; the whole
    pack's validation does that.
    """
    try:
        question = _QUESTION_ADAPTER.validate_python(dict(item))
    except ValidationError as exc:
        return None, [
            (_field_name(error["loc"], skip_type=True), _message(error)) for error in exc.errors()
        ]
    problems = question_problems(question, media)
    return (None if problems else question), problems


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a pack's data is built in bulk.

    Reading, validating and storing a big pack allocates a few hundred thousand
    containers that stay alive until the step ends. The collector's passes over them
    (the full ones rescan the whole heap) find nothing to free and took about a third
    of a 10,000-question import. Reference counting still frees everything as usual;
    the collector is switched back on, if it was on, even when the block raises. The
    switch is process-wide, so keep such blocks to short bulk work.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parse_pack(raw: _RawPack) -> Pack:
    """Validate the text of a pack; raise :class:`PackError` listing every problem."""
    if len(raw.text) > MAX_PACK_TEXT_BYTES:
        raise PackError([PackIssue(raw.name, _too_long_text(len(raw.text)))])
    # The parsed TOML is dropped inside _parse, before the collector is back on: it
    # would otherwise be scanned once for nothing when the collector restarts.
    with gc_paused():
        return _parse(raw)


def _describe_size(size: int) -> str:
    megabytes = size / (1 << 20)
    return f"{megabytes:.0f} MB" if megabytes >= 10 else f"{megabytes:.1f} MB"


def _too_long_text(size: int) -> str:
    return (
        f"is too large ({_describe_size(size)}); a pack's TOML may hold at most "
        f"{_describe_size(MAX_PACK_TEXT_BYTES)}"
    )


def _parse(raw: _RawPack) -> Pack:
    try:
        reading = read_pack_toml(raw.text)
    except RecursionError:
        # tomli's own guard against keys of a thousand dotted parts.
        raise PackError(
            [PackIssue(raw.name, "not valid TOML: a key or table name has too many dotted parts")]
        ) from None
    except ValueError:
        # Python refuses to read a whole number of thousands of digits.
        long_number = _LONG_NUMBER.search(raw.text)
        line = None if long_number is None else raw.text.count("\n", 0, long_number.start()) + 1
        raise PackError(
            [PackIssue(raw.name, "not valid TOML: a number is far too long", line=line)]
        ) from None
    issues = [
        PackIssue(raw.name, problem.message, line=problem.line, column=problem.column)
        for problem in reading.problems
    ]
    if reading.data is None:
        raise PackError(issues)
    if not issues:
        return _validate(reading.data, raw)
    # The slips the reader mended are reported; what the mended text still gets wrong
    # is reported with them, so one check lists every mistake.
    try:
        _validate(reading.data, _RawPack(raw.name, reading.text, raw.media))
    except PackError as error:
        issues += error.issues
    raise PackError(sorted(issues, key=lambda issue: issue.line or 0))


@contextmanager
def _opened(path: Path) -> Iterator[_RawPack]:
    """The pack at ``path``, with its media open for reading until the block ends."""
    if not os.path.lexists(path):
        raise PackError([PackIssue(str(path), "no such file or folder")])
    try:
        if path.is_dir():
            toml_path = path / PACK_FILE
            if not os.path.lexists(toml_path):
                raise PackError([PackIssue(str(path), f"the folder holds no {PACK_FILE}")])
            yield _RawPack(str(toml_path), _read_text(toml_path), _FolderMedia(path))
        elif is_zip_file(path):
            with SafeZip(path, PACK_ARCHIVE_LIMITS) as archive:
                yield _zip_pack(path, archive)
        else:
            yield _RawPack(str(path), _read_text(path), _FolderMedia(path.parent))
    except UnsafeArchiveError as exc:
        raise PackError([PackIssue(str(path), str(exc))]) from None


def _read_text(path: Path) -> str:
    data = read_regular_file(path, max_bytes=MAX_PACK_TEXT_BYTES)
    return _decode(data, str(path))


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PackError(
            [
                PackIssue(
                    name,
                    f"not UTF-8 text (byte {exc.start + 1} cannot be read); save the file "
                    "as UTF-8 in your editor",
                    line=line,
                )
            ]
        ) from None


def _zip_pack(path: Path, archive: SafeZip) -> _RawPack:
    names = archive.names()
    tomls = [n for n in names if PurePosixPath(n).name == PACK_FILE]
    if not tomls:
        raise PackError([PackIssue(str(path), f"the archive holds no {PACK_FILE}")])
    # A zip made by "compress folder" nests everything one level down.
    toml_name = min(tomls, key=lambda n: n.count("/"))
    root = str(PurePosixPath(toml_name).parent)
    prefix = "" if root == "." else root + "/"
    name = f"{path}!{toml_name}"
    text = _decode(archive.read(toml_name, max_bytes=MAX_PACK_TEXT_BYTES), name)
    return _RawPack(name=name, text=text, media=_ZipMedia(archive, prefix, toml_name))


class _Locator:
    """Finds the line of a table entry's field in the TOML text, for messages.

    Work is done once and kept: the headers are listed in one pass, each table's entries
    are found once, and each entry's keys are read in one pass the first time one of its
    problems is placed. Placing thousands of problems (a pack of thousands of questions,
    or one question with thousands of unknown fields) stays linear in the file's size.
    """

    _KEY = re.compile(r"\s*([\w-]+|\"[^\"\n]*\"|'[^'\n]*')\s*=")

    def __init__(self, text: str) -> None:
        # Nothing is scanned until a problem needs placing: a valid pack never pays for it.
        self._text = text
        self._keys: dict[tuple[int, int], dict[str, int]] = {}
        self._spans: dict[tuple[str, int, tuple[int, int] | None], tuple[int, int] | None] = {}

    @cached_property
    def _lines(self) -> list[str]:
        return self._text.splitlines()

    @cached_property
    def _headers(self) -> list[tuple[int, str]]:
        """Each table header as (line index, dotted name), in file order."""
        header = re.compile(r"\s*\[\[?\s*([\w.-]+)\s*\]\]?")
        found = []
        for i, line in enumerate(self._lines):
            match = header.match(line)
            if match:
                found.append((i, match.group(1)))
        return found

    @cached_property
    def _tables(self) -> dict[str, int]:
        tables: dict[str, int] = {}
        for i, name in self._headers:
            tables.setdefault(name, i + 1)
        return tables

    @cached_property
    def _starts(self) -> dict[str, tuple[list[int], list[int]]]:
        """For each table name, the positions in ``_headers`` of its entries and their lines."""
        starts: dict[str, tuple[list[int], list[int]]] = {}
        for position, (line, name) in enumerate(self._headers):
            positions, lines = starts.setdefault(name, ([], []))
            positions.append(position)
            lines.append(line)
        return starts

    def _span(
        self, table: str, index: int, within: tuple[int, int] | None = None
    ) -> tuple[int, int] | None:
        """Lines [start, end) of the ``index``-th ``[[table]]`` entry (inside ``within``)."""
        key = (table, index, within)
        if key not in self._spans:
            self._spans[key] = self._find_span(table, index, within)
        return self._spans[key]

    def _find_span(
        self, table: str, index: int, within: tuple[int, int] | None
    ) -> tuple[int, int] | None:
        low, high = within or (0, len(self._lines))
        positions, lines = self._starts.get(table, ([], []))
        first_inside = bisect.bisect_left(lines, low)
        if index < 0 or first_inside + index >= bisect.bisect_left(lines, high):
            return None
        first = positions[first_inside + index]
        start = self._headers[first][0]
        # The entry runs to the next header that is not one of its own sub-tables.
        end = high
        for position in range(first + 1, len(self._headers)):
            line, name = self._headers[position]
            if line >= high or not name.startswith(table + "."):
                end = min(line, high)
                break
        return start, end

    def _key_line(self, span: tuple[int, int], key: str) -> int | None:
        keys = self._keys.get(span)
        if keys is None:
            keys = {}
            for i in range(span[0] + 1, span[1]):
                found = self._KEY.match(self._lines[i])
                if found:
                    keys.setdefault(found.group(1).strip("\"'"), i + 1)
            self._keys[span] = keys
        return keys.get(key)

    def entry_line(self, table: str, index: int, field: str | None) -> int | None:
        """The line of ``field`` in entry ``index`` of ``[[table]]``, or of the entry itself.

        ``field`` may go one level down into a sub-table array: ``sentences[2].claim``
        looks in the second ``[[table.sentences]]`` of that entry.
        """
        span = self._span(table, index)
        if span is None:
            return None
        if not field:
            return span[0] + 1
        head = re.match(r"[\w-]+", field)
        key = head.group(0) if head else field
        nested = re.match(r"([\w-]+)\[(\d+)\](?:\.([\w-]+))?", field)
        if nested:
            inner = self._span(f"{table}.{nested.group(1)}", int(nested.group(2)) - 1, span)
            if inner is not None:
                sub_key = nested.group(3)
                found = self._key_line(inner, sub_key) if sub_key else None
                return found or inner[0] + 1
        found = self._key_line(span, key)
        if found is None:
            # A field written as sub-tables ([[table.field]]) rather than as a key.
            inner = self._span(f"{table}.{key}", 0, span)
            found = inner[0] + 1 if inner else None
        return found or span[0] + 1

    def question_line(self, index: int, field: str | None) -> int | None:
        return self.entry_line("questions", index, field)

    def table_line(self, table: str) -> int | None:
        return self._tables.get(table)


def _too_deep(value: Any, limit: int) -> list[Any] | None:
    """The path to the first value nested more than ``limit`` levels down, or None.

    Walked with a stack, not recursion, so any depth is safe to look at.
    """
    stack: list[tuple[Any, list[Any]]] = [(value, [])]
    while stack:
        current, path = stack.pop()
        if len(path) > limit:
            return path
        if isinstance(current, dict):
            stack.extend((item, [*path, key]) for key, item in current.items())
        elif isinstance(current, list):
            stack.extend((item, [*path, i]) for i, item in enumerate(current))
    return None


def _validate(data: dict[str, Any], raw: _RawPack) -> Pack:
    issues: list[PackIssue] = []
    where = _Locator(raw.text)

    def add(
        message: str,
        *,
        question: str | None = None,
        field: str | None = None,
        line: int | None = None,
        index: int | None = None,
    ) -> None:
        issues.append(
            PackIssue(raw.name, message, line=line, question=question, field=field, index=index)
        )

    deep = _too_deep(data, MAX_NESTING)
    if deep is not None:
        # No field of the format nests like this; a file that does is not a pack, and
        # validating it would only produce problems nobody can read.
        line = where.table_line(str(deep[0]))
        if deep[0] == "questions" and len(deep) > 1 and isinstance(deep[1], int):
            line = where.question_line(deep[1], str(deep[2]) if len(deep) > 2 else None)
        add(
            f"tables or lists are nested more than {MAX_NESTING} levels deep; no part of a "
            "pack nests like this",
            field=".".join(str(part) for part in deep[:3]),
            line=line,
        )
        raise PackError(issues)

    known = {"pack", "sources", "topics", "timeline", "questions"}
    for key in data:
        if key not in known:
            add(
                f"unknown table {shorten(key)}; expected one of {', '.join(sorted(known))}",
                line=where.table_line(key),
            )

    info = _validate_part(data.get("pack"), PackInfo, "pack", add, where)
    sources = _validate_list(data.get("sources", []), SourceInfo, "sources", add, where)
    topics = _validate_list(data.get("topics"), TopicInfo, "topics", add, where)
    timeline = _validate_list(data.get("timeline", []), TimelineEntry, "timeline", add, where)
    if "topics" in data and not data["topics"]:
        add("a pack needs at least one topic", field="topics")
    for table, items in (("sources", sources), ("topics", topics)):
        counts = Counter(item.id for _index, item in items)
        for dup in (i for i, n in counts.items() if n > 1):
            add(f"id {dup!r} is used twice", field=f"{table}.id", line=where.table_line(table))
    for index, source in sources:
        for field, message in source_problems(source):
            add(
                f"source {source.id!r}: {message}",
                field=f"sources[{index + 1}].{field}",
                line=where.entry_line("sources", index, field),
            )
    # Ids come from the raw tables too, so a source or topic with a broken field is
    # reported once, not again at every entry that names it.
    topic_ids = {t.id for _index, t in topics} | _declared_ids(data.get("topics"))
    raw_timeline = data.get("timeline", [])
    # Order is checked only when every entry is readable, so the numbers stay right.
    if isinstance(raw_timeline, list) and len(timeline) == len(raw_timeline):
        for field, message in timeline_problems([e for _i, e in timeline], topic_ids):
            number = int(field[field.index("[") + 1 : field.index("]")])
            add(
                message,
                field=field,
                line=where.entry_line("timeline", number - 1, field.split(".", 1)[1]),
            )

    raw_questions = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw_questions, list) or not raw_questions:
        add("a pack needs at least one [[questions]] entry", field="questions")
        raw_questions = []
    source_kinds = _declared_kinds(data.get("sources"))
    source_kinds.update({source.id: source.kind for _index, source in sources})
    document_files = _document_texts(source_kinds, raw.media, add)
    documents = {
        source_id: lines
        for source_id in source_kinds
        if (lines := document_lines(document_files, source_id)) is not None
    }
    seen_ids: dict[str, int] = {}
    # Each image, with the first question showing it, read once the rest is valid.
    images: dict[str, tuple[int, str]] = {}
    for index, item in enumerate(raw_questions):
        if not isinstance(item, dict):
            add("must be a table", question=f"#{index + 1}", index=index)
            continue
        qid = item.get("id")
        label = f"{shorten(qid)} (#{index + 1})" if isinstance(qid, str) else f"#{index + 1}"

        def add_q(field: str | None, message: str, *, _i: int = index, _label: str = label) -> None:
            add(
                message,
                question=_label,
                field=field,
                line=where.question_line(_i, field),
                index=_i,
            )

        if isinstance(qid, str):
            if qid in seen_ids:
                add_q("id", f"id is already used by question #{seen_ids[qid] + 1}")
            else:
                seen_ids[qid] = index
        if topic_ids or "topics" in data:
            for field, message in reference_problems(item, topic_ids, source_kinds):
                add_q(field, message)
        try:
            question = _QUESTION_ADAPTER.validate_python(item)
        except ValidationError as exc:
            for error in exc.errors():
                field = _field_name(error["loc"], skip_type=True)
                add_q(field, _question_message(field, error))
            continue
        for field, message in question_problems(question, raw.media):
            add_q(field, message)
        for field, message in sentence_problems(question, documents):
            add_q(field, message)
        if question.image:
            images.setdefault(question.image, (index, label))
        questions.append(question)

    if issues or info is None:
        raise PackError(issues)
    media = _read_media(raw, images, add, where)
    media.update(document_files)
    if issues:
        raise PackError(issues)
    return Pack(
        pack=info,
        sources=tuple(source for _index, source in sources),
        topics=tuple(topic for _index, topic in topics),
        timeline=tuple(entry for _index, entry in timeline),
        questions=tuple(questions),
        media=media,
    )


def _read_media(
    raw: _RawPack, images: dict[str, tuple[int, str]], add: Any, where: _Locator
) -> dict[str, bytes]:
    """The files the questions show, and nothing else, within the pack's media limits."""
    if len(images) > MAX_MEDIA_FILES:
        add(
            f"the questions show {len(images):,} different images; a pack may hold at most "
            f"{MAX_MEDIA_FILES:,}",
            field="image",
        )
        return {}
    media: dict[str, bytes] = {}
    total = 0
    for name, (index, label) in images.items():
        line = where.question_line(index, "image")
        try:
            data = raw.media.read(name)
        except UnsafeArchiveError as exc:
            add(str(exc), question=label, field="image", line=line)
            continue
        total += len(data)
        if total > MAX_MEDIA_TOTAL_BYTES:
            add(
                f"with {shorten(name)} the pack's images come to more than "
                f"{_describe_size(MAX_MEDIA_TOTAL_BYTES)}, the limit for one pack",
                question=label,
                field="image",
                line=line,
            )
            break
        media[name] = data
    return media


def _validate_part(
    value: Any, model: type[PackInfo], table: str, add: Any, where: _Locator
) -> PackInfo | None:
    if value is None:
        add(f"the [{table}] table is missing", field=table)
        return None
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for error in exc.errors():
            field = _field_name(error["loc"], empty="")
            add(
                _message(error, where="pack"),
                field=f"{table}.{field}" if field else table,
                # The value's own line; [pack] is the first and only entry of its table.
                line=where.entry_line(table, 0, field),
            )
        return None


def _document_texts(
    kinds: Mapping[str, SourceKind | None], files: _Media, add: Any
) -> dict[str, bytes]:
    """The text of each document the pack carries (``sources/<id>.txt``), by file name."""
    texts: dict[str, bytes] = {}
    for source_id, kind in kinds.items():
        name = document_file(source_id)
        if kind is not SourceKind.DOCUMENT or name not in files:
            continue
        try:
            texts[name] = files.read(name)
        except UnsafeArchiveError as exc:
            add(f"source {source_id!r}: {exc}", field="sources")
    return texts


def _declared_ids(value: Any) -> set[str]:
    """The ``id`` of every entry of a raw array of tables that has one."""
    if not isinstance(value, list):
        return set()
    return {
        item["id"] for item in value if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _declared_kinds(value: Any) -> dict[str, SourceKind | None]:
    """Each raw source's id with its kind, or None when the kind itself is unreadable."""
    kinds: dict[str, SourceKind | None] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            kind = item.get("kind", SourceKind.DOCUMENT.value)
            known = kind in {k.value for k in SourceKind}
            kinds[item["id"]] = SourceKind(kind) if known else None
    return kinds


_ENTRY_NAMES = {"sources": "source", "topics": "topic", "timeline": "timeline entry"}


def _validate_list(
    value: Any,
    model: type[SourceInfo] | type[TopicInfo] | type[TimelineEntry],
    table: str,
    add: Any,
    where: _Locator,
) -> list[tuple[int, Any]]:
    """The valid entries of an array of tables, each with its index; problems go to ``add``."""
    if value is None:
        add(f"no [[{table}]] entries", field=table)
        return []
    if not isinstance(value, list):
        add("must be a list of tables", field=table, line=where.table_line(table))
        return []
    result = []
    for index, item in enumerate(value):
        try:
            result.append((index, model.model_validate(item)))
        except ValidationError as exc:
            ident = item.get("id") if isinstance(item, dict) else None
            label = f"{_ENTRY_NAMES[table]} #{index + 1}"
            if isinstance(ident, str):
                label = f"{_ENTRY_NAMES[table]} {shorten(ident)} (#{index + 1})"
            for error in exc.errors():
                name = _field_name(error["loc"])
                add(
                    f"{label}: {_message(error, where=_ENTRY_NAMES[table])}",
                    field=f"{table}[{index + 1}].{name}",
                    line=where.entry_line(table, index, name),
                )
    return result


_TYPE_NAMES = {
    "flashcard",
    "multiple_choice",
    "multi_select",
    "true_false",
    "short_answer",
    "cloze",
    "ordering",
    "matching",
    "year",
    "number",
}


def _field_name(loc: tuple[int | str, ...], skip_type: bool = False, empty: str = "type") -> str:
    parts = [str(p) for p in loc]
    if skip_type and parts and parts[0] in _TYPE_NAMES:
        parts = parts[1:]
    if not parts:
        return empty
    # Keep the field and a list index, e.g. choices[2]; drop pydantic's inner tags.
    name = parts[0]
    for part in parts[1:]:
        name += f"[{int(part) + 1}]" if part.isdigit() else f".{part}"
    return name


def _question_message(field: str, error: Any) -> str:
    if field.startswith("pairs[") and error["type"] in {"missing", "too_short", "too_long"}:
        return 'each pair holds two texts, the left and its match: ["Kennedy", "President"]'
    return _message(error)


def _message(error: Any, where: str = "question") -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    given = error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        if where == "question":
            return "is not a field of this question type (check the spelling)"
        return f"is not a field of a {where} (check the spelling)"
    if kind in {"greater_than_equal", "less_than_equal"}:
        word = "or more" if kind == "greater_than_equal" else "or less"
        bound = ctx.get("ge", ctx.get("le"))
        return f"must be {bound} {word}, not {_shown(given)}"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters, this one has {len(given)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "enum":
        return f"{shorten(given)} is not allowed here; use {ctx.get('expected', '')}"
    if kind == "union_tag_invalid":
        return f"unknown type {ctx.get('tag')!r}; use one of: {', '.join(sorted(_TYPE_NAMES))}"
    if kind == "union_tag_not_found":
        return "needs a 'type'"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == SEMVER_PATTERN:
            return (
                f"{shorten(given)} is not a version: use MAJOR.MINOR.PATCH, e.g. 1.0.0, each "
                f"part a number of at most {MAX_VERSION_DIGITS} digits"
            )
        if pattern == PARTIAL_DATE_PATTERN:
            return (
                f"{shorten(given)} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1962-10-14"
            )
        if pattern == SOURCE_REF_PATTERN:
            return f"{shorten(given)} is not a source reference: use source-id or source-id:line"
        if pattern == SLUG_PATTERN:
            return id_problem(str(given))
        return f"{shorten(given)} is not written the expected way"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number without quotes, not {_shown(given)}"
    if kind == "bool_type":
        return f"must be true or false, in small letters and without quotes, not {_shown(given)}"
    if kind == "string_type":
        return f"must be text between quotes, not {_shown(given)}"
    if kind in {"tuple_type", "list_type"}:
        example = '["first", "second"]'
        return f"must be a list in square brackets, such as {example}, not {_shown(given)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "must be a table of fields"
    if kind == "too_short":
        return f"needs {ctx.get('min_length')} items in its brackets"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}, this one has {len(given)}"
    return f"{error['msg']} (got {shorten(given)})" if "input" in error else str(error["msg"])


def _shown(value: Any) -> str:
    """A value as it was written in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= MAX_VALUE_SHOWN else shorten(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return shorten(value)
