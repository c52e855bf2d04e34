"""Citations and quotations ready to show: documents named properly, references as references.

The window and the terminal both show what a question cites after it is answered. A
bare "sentence 10" tells a learner nothing, so a cited sentence is shown by what it
claims (in the pack's words) and, where the document is wrong, what is wrong with it;
the document is named by its title, publisher and date; a reference reads like a
bibliographic reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crisisquiz.core.pack_schema import SourceKind

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_words(date: str | None) -> str:
    """A pack date in words: "2008", "October 2022", "14 October 1962"; "" for none."""
    if not date:
        return ""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


@dataclass(frozen=True)
class Citation:
    """One citation of a question: a sentence of a document, a whole document or a reference.

    ``claim`` and ``error`` are the pack's notes on the cited sentence, when it has them.
    """

    title: str
    line: int | None = None
    kind: SourceKind = SourceKind.DOCUMENT
    author: str = ""
    publisher: str = ""
    date: str | None = None
    claim: str = ""
    error: str = ""
    source_id: str = ""

    @property
    def is_reference(self) -> bool:
        """Whether this cites a published work for the record rather than a document."""
        return self.kind is SourceKind.REFERENCE

    def source_name(self) -> str:
        """The source named properly, as plain text (see :func:`source_name`)."""
        return source_name(self)

    def __str__(self) -> str:
        name = self.source_name()
        if self.line is None:
            return name
        if self.claim:
            return f"{name}: {self.claim}"
        return f"{name}, sentence {self.line}"


def source_name(citation: Citation, *, emphasis: tuple[str, str] = ("", "")) -> str:
    """A document: “Title”, author, publisher, date; a reference: Author, Title (Publisher, year).

    ``emphasis`` wraps a reference's title (e.g. ``("<i>", "</i>")`` for rich text; the
    caller escapes the parts).
    """
    when = date_words(citation.date)
    if citation.is_reference:
        opening, closing = emphasis
        title = f"{opening}{citation.title}{closing}"
        head = f"{citation.author}, {title}" if citation.author else title
        details = ", ".join(part for part in (citation.publisher, when) if part)
        return f"{head} ({details})" if details else head
    parts = [f"“{citation.title}”", citation.author, citation.publisher, when]
    return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class SentenceNote:
    """A cited sentence of a document: its number, what it claims, what is wrong with it."""

    line: int
    claim: str = ""
    error: str = ""


@dataclass(frozen=True)
class CitedSource:
    """One source with the sentences a question cites from it, in the order cited."""

    citation: Citation
    sentences: tuple[SentenceNote, ...] = field(default=())

    @property
    def is_reference(self) -> bool:
        """Whether the source is a reference (shown as a bibliographic reference)."""
        return self.citation.is_reference

    def name(self, *, emphasis: tuple[str, str] = ("", "")) -> str:
        """The source named properly (see :func:`source_name`)."""
        return source_name(self.citation, emphasis=emphasis)


def group_citations(citations: Iterable[Citation]) -> list[CitedSource]:
    """Citations grouped by source, each source once with its sentences, in citation order."""
    order: list[str] = []
    first: dict[str, Citation] = {}
    notes: dict[str, list[SentenceNote]] = {}
    for citation in citations:
        key = citation.source_id or citation.title
        if key not in first:
            order.append(key)
            first[key] = citation
            notes[key] = []
        if citation.line is not None and all(n.line != citation.line for n in notes[key]):
            notes[key].append(SentenceNote(citation.line, citation.claim, citation.error))
    return [CitedSource(first[key], tuple(notes[key])) for key in order]


def sentence_lines(note: SentenceNote) -> list[tuple[str, str]]:
    """What to say about a cited sentence, as (caption, text) pairs.

    With the pack's notes: what the sentence claims, then what is wrong. Without them
    only the sentence's number is known, and that is what is shown.
    """
    if not note.claim:
        return [("", f"Sentence {note.line}.")]
    lines = [(f"Sentence {note.line} claims:", note.claim)]
    if note.error:
        lines.append(("What is wrong:", note.error))
    return lines


@dataclass(frozen=True)
class Quotation:
    """The sentence (or part of it) of a document a question is about, word for word."""

    text: str
    source: Citation

    def attribution(self) -> str:
        """Where the quotation comes from: the document named properly and the sentence."""
        name = self.source.source_name()
        return f"{name}, sentence {self.source.line}" if self.source.line else name

    def __str__(self) -> str:
        return f"“{self.text}” ({self.attribution()})"
