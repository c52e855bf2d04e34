"""Moodle's GIFT format, parsed into a faithful syntax tree.

The tree keeps everything GIFT says (formats, weights, per-answer feedback,
titles, ids and tags) so that the conversion in :mod:`crisisquiz.interop.gift`
can report exactly what our pack format keeps and what it drops. The
grammar follows Moodle's own importer and the GIFT grammar project's test
corpus: questions are separated by blank lines; ``//`` starts a comment line
(``[id:...]`` and ``[tag:...]`` in comments name the next question);
``$CATEGORY:`` sets the category; ``::title::`` names a question; the
answers sit in ``{...}``; ``\\~ \\= \\# \\{ \\} \\: \\\\`` escape the control
characters and ``\\n`` is a new line. Text outside ``[html]`` and
``[markdown]`` has its line breaks and runs of spaces folded to one space.

Errors are :class:`crisisquiz.core.pack_loader.PackError` with the line and
column of the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, Literal

from crisisquiz.core.pack_loader import PackError, PackIssue

__all__ = [
    "GiftChoice",
    "GiftItem",
    "GiftNumber",
    "GiftPair",
    "Rich",
    "parse_gift",
]

FORMATS: Final = ("html", "markdown", "plain", "moodle")
_ESCAPABLE: Final = "\\:#={}~n"
# Escaped characters become private-use characters while text is folded and trimmed, so
# that an escaped \n survives as a line break and escaped marks are never read as syntax.
_PLACEHOLDER_BASE: Final = 0xE000
_PLACEHOLDERS: Final = {ch: chr(_PLACEHOLDER_BASE + i) for i, ch in enumerate(_ESCAPABLE)}
_DECODE: Final = {ord(v): ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()}
_ESCAPE: Final = re.compile(r"\\([\\:#={}~n])")
_FORMAT_PREFIX: Final = re.compile(r"\[(html|markdown|plain|moodle)\]")
_NUMBER: Final = r"[+-]?\d+(?:\.\d+)?"
_NUMBER_SPEC: Final = re.compile(
    rf"(?P<number>{_NUMBER})(?::(?P<range>{_NUMBER})|\.\.(?P<high>{_NUMBER}))?"
)
_TF: Final = re.compile(r"(TRUE|FALSE|T|F)(?=[\s#]|$)")
_ID_TAG: Final = re.compile(r"\[id:([^\x00-\x1f\x7f]+?)\]")
_TAG_TAG: Final = re.compile(r"\[tag:([^\x00-\x1f\x7f]+?)\]")

Kind = Literal[
    "Category", "Description", "Essay", "MC", "Short", "TF", "Numerical", "Matching", "Ordering"
]


@dataclass(frozen=True)
class Rich:
    """Text with its GIFT format: ``moodle`` (the default), ``html``, ``markdown`` or ``plain``."""

    format: str
    text: str


@dataclass(frozen=True)
class GiftNumber:
    """A numerical answer: ``simple`` (1822), ``range`` (1822:5) or ``high-low`` (1..5)."""

    kind: Literal["simple", "range", "high-low"]
    number: float | None = None
    range: float | None = None
    low: float | None = None
    high: float | None = None
    source: str = ""  # as written, for messages and the report


@dataclass(frozen=True)
class GiftChoice:
    """One answer: ``=`` right or ``~`` wrong, an optional ``%weight%``, its feedback."""

    correct: bool
    weight: float | None
    text: Rich | GiftNumber
    feedback: Rich | None


@dataclass(frozen=True)
class GiftPair:
    """A matching pair; an empty left side makes the right side an extra option."""

    left: Rich
    right: str


@dataclass
class GiftItem:
    """One entry of a GIFT file: a category, a description or a question."""

    kind: Kind
    line: int
    title: str | None = None
    stem: Rich | None = None
    embedded: bool = False
    id: str | None = None
    tags: list[str] | None = None
    global_feedback: Rich | None = None
    choices: list[GiftChoice] = field(default_factory=list)
    number: GiftNumber | None = None  # a numerical question with a single answer
    is_true: bool | None = None
    true_feedback: Rich | None = None
    false_feedback: Rich | None = None
    pairs: list[GiftPair] = field(default_factory=list)
    items: list[Rich] = field(default_factory=list)  # ordering, in the right order
    ordering_options: str = ""  # what follows {> on its line: how many to show, layout...
    category: str = ""


# -- text -----------------------------------------------------------------------------------


def _protect(raw: str) -> str:
    """Replace escape sequences by placeholders; a lone backslash stays a backslash."""
    return _ESCAPE.sub(lambda found: _PLACEHOLDERS[found.group(1)], raw)


def _decode(text: str) -> str:
    return text.translate(_DECODE)


def _fold(text: str, fmt: str) -> str:
    text = text.strip()
    if fmt in ("html", "markdown"):
        return _decode(text)
    text = re.sub(r"\n", " ", text)
    return _decode(re.sub(r"\s\s+", " ", text))


def _rich(protected: str, default: str) -> Rich | None:
    """Protected text with an optional format prefix; None when nothing is left."""
    body = protected.lstrip(" \t\n")
    fmt = default
    found = _FORMAT_PREFIX.match(body)
    if found:
        fmt = found.group(1)
        body = body[found.end() :]
    text = _fold(body, fmt)
    if not text and not found:
        return None
    return Rich(fmt, text)


def _plain(protected: str) -> str:
    return _decode(re.sub(r"\s\s+", " ", protected.strip().replace("\n", " ")))


# -- scanning -------------------------------------------------------------------------------


class _Block:
    """The lines of one question, with a map from offsets back to file positions."""

    def __init__(self, name: str, lines: list[tuple[int, str]]) -> None:
        self.name = name
        self.text = "\n".join(line for _n, line in lines)
        self._starts: list[tuple[int, int]] = []
        offset = 0
        for number, line in lines:
            self._starts.append((offset, number))
            offset += len(line) + 1

    @property
    def line(self) -> int:
        return self._starts[0][1] if self._starts else 1

    def where(self, offset: int) -> tuple[int, int]:
        line, start = self._starts[0][1], 0
        for begin, number in self._starts:
            if begin > offset:
                break
            line, start = number, begin
        return line, offset - start + 1

    def error(self, offset: int, message: str) -> PackError:
        line, column = self.where(offset)
        return PackError([PackIssue(self.name, message, line=line, column=column)])


@lru_cache(maxsize=16)
def _marks(chars: str) -> re.Pattern[str]:
    # An escape sequence is matched (and skipped) as a whole, so an escaped mark never counts.
    return re.compile(r"\\[\\:#={}~n]|[" + re.escape(chars) + "]")


def _unescaped(text: str, chars: str, start: int = 0) -> Iterator[int]:
    """Offsets of ``chars`` in raw ``text`` that are not escaped by a backslash."""
    for found in _marks(chars).finditer(text, start):
        if found.group()[0] != "\\":
            yield found.start()


def _first(text: str, chars: str, start: int = 0) -> int:
    return next(_unescaped(text, chars, start), -1)


def _blocks(text: str, name: str) -> Iterator[tuple[list[tuple[int, str]], list[str]]]:
    """Yield each question's lines (number, text) with the comment lines before it."""
    lines: list[tuple[int, str]] = []
    comments: list[str] = []
    trailing: list[str] = []  # comments after a question's text name the next question
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            if lines:
                yield lines, comments
                lines, comments, trailing = [], trailing, []
            continue
        if stripped.startswith("//"):
            (trailing if lines else comments).append(stripped[2:])
            continue
        lines.append((number, line))
    if lines or comments:
        yield lines, comments


def parse_gift(text: str, name: str = "questions.gift") -> list[GiftItem]:
    """Parse a whole GIFT file; raise :class:`PackError` at the first malformed question."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    items: list[GiftItem] = []
    pending_id: str | None = None
    pending_tags: list[str] | None = None
    for lines, comments in _blocks(text, name):
        for comment in comments:
            found = _ID_TAG.search(comment)
            if found:
                pending_id = found.group(1).strip().replace("\\]", "]")
            for tag in _TAG_TAG.findall(comment):
                pending_tags = [*(pending_tags or []), tag]
        if not lines:
            continue
        first_number, first_line = lines[0]
        if first_line.lstrip().startswith("$CATEGORY:"):
            category = first_line.lstrip()[len("$CATEGORY:") :].strip()
            items.append(GiftItem("Category", first_number, title=category, category=category))
            pending_id, pending_tags = None, None
            lines = lines[1:]
            if not lines:
                continue
        block = _Block(name, lines)
        item = _parse_question(block)
        item.id, item.tags = pending_id, pending_tags
        pending_id, pending_tags = None, None
        items.append(item)
    return items


def _parse_question(block: _Block) -> GiftItem:
    raw = block.text
    i = len(raw) - len(raw.lstrip())
    title: str | None = None
    if raw.startswith("::", i):
        end = raw.find("::", i + 2)
        # An escaped colon inside the title (\:) is no end of the title.
        while end != -1 and raw[end - 1] == "\\" and (end < 2 or raw[end - 2] != "\\"):
            end = raw.find("::", end + 1)
        if end == -1:
            raise block.error(i, "the question's title opened with :: has no closing ::")
        title = _decode(_protect(raw[i + 2 : end])).strip()
        i = end + 2
    opening = _first(raw, "{", i)
    closing_stray = _first(raw, "}", i)
    if opening == -1:
        if closing_stray != -1:
            raise block.error(
                closing_stray, "a } closes no answer block; write \\} for a literal brace"
            )
        stem = _rich(_protect(raw[i:]), "moodle")
        return GiftItem("Description", block.line, title=title, stem=stem)
    if closing_stray != -1 and closing_stray < opening:
        raise block.error(closing_stray, "a } comes before any {; write \\} for a literal brace")
    closing = _first(raw, "}", opening + 1)
    if closing == -1:
        raise block.error(opening, "the answer block opened here with { is never closed with }")
    inner_open = _first(raw, "{", opening + 1)
    if inner_open != -1 and inner_open < closing:
        raise block.error(inner_open, "a { inside an answer block; write \\{ for a literal brace")
    after = raw[closing + 1 :]
    second = _first(after, "{")
    if second != -1:
        raise block.error(
            closing + 1 + second,
            "a second answer block in the same question; separate questions with a blank line",
        )
    stem1 = _rich(_protect(raw[i:opening]), "moodle")
    fmt = stem1.format if stem1 else "moodle"
    stripped_after = after.strip()
    stem2 = None
    if stripped_after and not stripped_after.startswith("//"):
        stem2 = _rich(_protect(after), fmt)
    item = _parse_answers(block, raw[opening + 1 : closing], opening + 1, fmt)
    item.title = title
    item.embedded = stem2 is not None
    text = (stem1.text if stem1 else "") + (" " if stem1 and stem2 else "")
    if stem2 is not None:
        text += "_____ " + stem2.text
    item.stem = Rich((stem1 or stem2 or Rich("moodle", "")).format, text)
    return item


def _split_global(raw: str) -> tuple[str, str | None]:
    for at in _unescaped(raw, "#"):
        if raw.startswith("####", at):
            return raw[:at], raw[at + 4 :]
    return raw, None


def _feedback_split(protected: str) -> tuple[str, str | None]:
    at = protected.find("#")
    if at == -1:
        return protected, None
    return protected[:at], protected[at + 1 :]


def _weight(block: _Block, body: str, offset: int) -> tuple[float | None, str]:
    stripped = body.lstrip()
    if not stripped.startswith("%"):
        return None, body
    end = stripped.find("%", 1)
    if end == -1:
        raise block.error(offset, "a weight opened with % has no closing %, e.g. %50%")
    text = stripped[1:end]
    try:
        weight = float(text)
    except ValueError:
        raise block.error(
            offset, f"{text!r} is not a weight: write a percentage such as %50% or %-100%"
        ) from None
    if not -100 <= weight <= 100:
        raise block.error(offset, f"the weight {text}% is outside -100% to 100%")
    return weight, stripped[end + 1 :]


def _segments(raw: str, marks: str) -> list[tuple[int, str, str]]:
    """Split raw answers at unescaped marks: (offset, mark, raw body)."""
    cuts = list(_unescaped(raw, marks))
    out = []
    for n, at in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(raw)
        out.append((at, raw[at], raw[at + 1 : end]))
    return out


def _number(block: _Block, text: str, offset: int) -> GiftNumber:
    spec = _decode(text).strip()
    found = _NUMBER_SPEC.fullmatch(spec)
    if not found:
        raise block.error(
            offset,
            f"{spec!r} is not a numerical answer: write {{#1962}}, {{#3.14:0.01}} or {{#1..5}}",
        )
    number = float(found.group("number"))
    if found.group("range") is not None:
        return GiftNumber("range", number=number, range=float(found.group("range")), source=spec)
    if found.group("high") is not None:
        return GiftNumber("high-low", low=number, high=float(found.group("high")), source=spec)
    return GiftNumber("simple", number=number, source=spec)


def _parse_answers(block: _Block, raw: str, base: int, fmt: str) -> GiftItem:
    line = block.line
    lead = len(raw) - len(raw.lstrip())
    body, global_raw = _split_global(raw)
    global_feedback = _rich(_protect(global_raw), fmt) if global_raw is not None else None
    stripped = body.strip()
    if not stripped:
        return GiftItem("Essay", line, global_feedback=global_feedback)
    start = base + lead
    if stripped.startswith("#"):
        return _numerical(block, body, base, fmt, global_feedback)
    if stripped.startswith(">"):
        return _ordering(block, body, fmt, global_feedback)
    tf = _TF.match(stripped)
    if tf:
        rest = _protect(stripped[tf.end() :])
        parts = rest.split("#")
        if parts[0].strip():
            raise block.error(start + tf.end(), "unexpected text after TRUE or FALSE")
        said = [_rich(part, fmt) for part in parts[1:]]
        if len(said) > 2:
            raise block.error(start, "a true/false question takes at most two feedbacks (#...#...)")
        return GiftItem(
            "TF",
            line,
            is_true=tf.group(1).startswith("T"),
            true_feedback=said[0] if said else None,
            false_feedback=said[1] if len(said) > 1 else None,
            global_feedback=global_feedback,
        )
    if stripped[0] not in "=~":
        protected = _protect(stripped)
        answer, feedback = _feedback_split(protected)
        text = _rich(answer, fmt) or Rich(fmt, "")
        choice = GiftChoice(True, None, text, _rich(feedback, fmt) if feedback else None)
        return GiftItem("Short", line, choices=[choice], global_feedback=global_feedback)
    segments = _segments(body, "=~")
    if all(mark == "=" and "->" in part for _at, mark, part in segments):
        pairs = []
        for _at, _mark, part in segments:
            left, right = _protect(part).split("->", 1)
            left_rich = _rich(left, fmt) or Rich(fmt, "")
            pairs.append(GiftPair(left_rich, _plain(right)))
        return GiftItem("Matching", line, pairs=pairs, global_feedback=global_feedback)
    choices = []
    for at, mark, part in segments:
        weight, rest = _weight(block, part, base + at)
        answer, feedback = _feedback_split(_protect(rest))
        choices.append(
            GiftChoice(
                correct=mark == "=",
                weight=weight,
                text=_rich(answer, fmt) or Rich(fmt, ""),
                feedback=_rich(feedback, fmt) if feedback is not None else None,
            )
        )
    kind: Kind = "Short" if all(choice.correct for choice in choices) else "MC"
    return GiftItem(kind, line, choices=choices, global_feedback=global_feedback)


def _numerical(
    block: _Block, body: str, base: int, fmt: str, global_feedback: Rich | None
) -> GiftItem:
    hash_at = body.index("#")
    rest = body[hash_at + 1 :]
    if not rest.strip().startswith(("=", "~")):
        answer, feedback = _feedback_split(_protect(rest))
        number = _number(block, answer, base + hash_at + 1)
        item = GiftItem("Numerical", block.line, number=number, global_feedback=global_feedback)
        if feedback is not None and feedback.strip():
            item.choices = [GiftChoice(True, None, number, _rich(feedback, fmt))]
        return item
    choices = []
    for at, mark, part in _segments(rest, "=~"):
        offset = base + hash_at + 1 + at
        weight, after = _weight(block, part, offset)
        answer, feedback = _feedback_split(_protect(after))
        text: Rich | GiftNumber = (
            _number(block, answer, offset) if answer.strip() else Rich(fmt, "*")
        )
        choices.append(
            GiftChoice(
                correct=mark == "=",
                weight=weight,
                text=text,
                feedback=_rich(feedback, fmt) if feedback is not None else None,
            )
        )
    return GiftItem("Numerical", block.line, choices=choices, global_feedback=global_feedback)


def _ordering(block: _Block, body: str, fmt: str, global_feedback: Rich | None) -> GiftItem:
    rest = body[body.index(">") + 1 :]
    first, _newline, others = rest.partition("\n")
    items = [_rich(_protect(line), fmt) for line in others.split("\n")]
    return GiftItem(
        "Ordering",
        block.line,
        items=[item for item in items if item is not None and item.text],
        ordering_options=" ".join(first.split()),
        global_feedback=global_feedback,
    )
