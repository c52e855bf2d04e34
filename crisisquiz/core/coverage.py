"""Which sentences of a document the questions cite, and how often.

A document is cited sentence by sentence (``essay:12`` is line 12 of its text). The
coverage of a document lists its sentences with the questions citing each, so that a
teacher sees what is asked about and what is not yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SentenceCoverage:
    """One sentence: its line, its text (when known), the pack's note on it, who cites it."""

    line: int
    text: str
    note: str
    error: str
    citing: tuple[str, ...]

    @property
    def cited(self) -> bool:
        """Whether any question cites the sentence."""
        return bool(self.citing)


@dataclass(frozen=True)
class DocumentCoverage:
    """A document's sentences with their citations.

    With the text at hand every non-empty line is listed; without it, the lines the
    pack says something about (notes and citations).
    """

    source_id: str
    title: str
    has_text: bool
    sentences: tuple[SentenceCoverage, ...]
    whole: tuple[str, ...]  # questions citing the document as a whole

    @property
    def uncited(self) -> tuple[SentenceCoverage, ...]:
        """The sentences no question cites."""
        return tuple(s for s in self.sentences if not s.cited)

    def sentence(self, line: int) -> SentenceCoverage | None:
        """The sentence at ``line``, if listed."""
        return next((s for s in self.sentences if s.line == line), None)


def citations_by_line(
    source_id: str, questions: Iterable[Mapping[str, Any]]
) -> dict[int, list[str]]:
    """For each line of ``source_id``, the ids of the questions citing it (line 0: whole)."""
    found: dict[int, list[str]] = {}
    for question in questions:
        qid = str(question.get("id", ""))
        refs = question.get("sources")
        for ref in refs if isinstance(refs, list | tuple) else ():
            if not isinstance(ref, str):
                continue
            source, _, number = ref.partition(":")
            if source != source_id:
                continue
            line = int(number) if number.isdigit() else 0
            if qid not in found.setdefault(line, []):
                found[line].append(qid)
    return found


def document_coverage(
    source: Mapping[str, Any],
    lines: Sequence[str] | None,
    questions: Iterable[Mapping[str, Any]],
) -> DocumentCoverage:
    """The coverage of the document ``source`` (a ``[[sources]]`` entry).

    ``lines`` is its text, one sentence a line, or None when the pack does not carry it.
    """
    source_id = str(source.get("id", ""))
    notes: dict[int, Mapping[str, Any]] = {}
    for note in source.get("sentences", ()) or ():
        if isinstance(note, Mapping) and isinstance(note.get("line"), int):
            notes[note["line"]] = note
    cited = citations_by_line(source_id, questions)
    if lines is not None:
        numbers = [n for n, text in enumerate(lines, 1) if text.strip()]
    else:
        numbers = sorted({n for n in (*notes, *cited) if n > 0})
    sentences = tuple(
        SentenceCoverage(
            line=n,
            text=lines[n - 1].strip() if lines is not None and n <= len(lines) else "",
            note=str(notes.get(n, {}).get("claim", "")),
            error=str(notes.get(n, {}).get("error", "")),
            citing=tuple(cited.get(n, ())),
        )
        for n in numbers
    )
    return DocumentCoverage(
        source_id=source_id,
        title=str(source.get("title", source_id)),
        has_text=lines is not None,
        sentences=sentences,
        whole=tuple(cited.get(0, ())),
    )
