"""The conversion report: what became of every question of a file read or written.

Nothing is dropped silently: each source question gets one entry saying it was
converted as a type, converted with changes (and which), or skipped (and why).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, overload

from crisisquiz.core.pack_schema import Pack

__all__ = ["ConversionReport", "Converted", "Outcome", "ReportEntry", "ReportLines", "title_of"]


class Outcome(StrEnum):
    """What became of one question."""

    CONVERTED = "converted"
    CHANGED = "changed"
    SKIPPED = "skipped"


class ReportEntry(NamedTuple):
    """One source question's fate.

    ``where`` places it in the source (``line 12``, ``row 5``, ``note 1496``,
    ``question[3]``); ``title`` is its name or the start of its text;
    ``question_id`` and ``question_type`` are what it became (None when skipped);
    ``notes`` say what changed or why it was skipped, one sentence each.

    A named tuple rather than a frozen dataclass: a file brings thousands of them,
    and a tuple is made in a third of the time.
    """

    where: str
    title: str
    outcome: Outcome
    question_id: str | None = None
    question_type: str | None = None
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = f"{self.where}: {self.title!r}" if self.title else self.where
        if self.outcome is Outcome.SKIPPED:
            verdict = "skipped"
        else:
            # The type in words ("multiple choice"); the CSV report keeps its name.
            kind = (self.question_type or "").replace("_", " ")
            verdict = f"{self.outcome.value} as {kind} '{self.question_id}'"
        text = f"{head}: {verdict}"
        if self.notes:
            text += ": " + "; ".join(self.notes)
        return text


# Longest a title in the report gets; the rest of the text is in the question itself.
_TITLE_CHARS = 70


def title_of(text: str) -> str:
    """The first line of ``text``, cut to a readable length, for the report."""
    # Most titles (a term, a question) are already one line with single spaces:
    # printable text has no line break, tab or other space but " ".
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        line = text
    else:
        line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= _TITLE_CHARS else line[: _TITLE_CHARS - 1] + "…"


# A converted question as a reader keeps it until its line is read: where it was, its
# title as the source has it, the id and type it got, and what changed.
Line = tuple[str, str, str, str, tuple[str, ...]]


class ReportLines(Sequence[ReportEntry]):
    """A report's entries kept compact, each made into a :class:`ReportEntry` when read.

    A file brings thousands of questions, and the command line prints only the changed
    and skipped ones: counting them and picking those out makes no line for the others.
    Reading the entries (the window's list, the CSV) makes them all, once.
    """

    __slots__ = ("_made", "_rows")

    def __init__(self, rows: Sequence[ReportEntry | Line]) -> None:
        """``rows`` in source order: entries as they are, converted questions as lines."""
        self._rows = rows
        self._made: tuple[ReportEntry, ...] | None = None

    @staticmethod
    def _entry(row: ReportEntry | Line) -> ReportEntry:
        if isinstance(row, ReportEntry):
            return row
        where, title, question_id, question_type, notes = row
        outcome = Outcome.CHANGED if notes else Outcome.CONVERTED
        return ReportEntry(where, title_of(title), outcome, question_id, question_type, notes)

    def _all(self) -> tuple[ReportEntry, ...]:
        if self._made is None:
            self._made = tuple(map(self._entry, self._rows))
        return self._made

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> ReportEntry: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ReportEntry, ...]: ...
    def __getitem__(self, index: int | slice) -> ReportEntry | tuple[ReportEntry, ...]:
        return self._all()[index]

    def __iter__(self) -> Iterator[ReportEntry]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReportLines | tuple | list):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"ReportLines({self._all()!r})"

    def counts(self) -> Counter[Outcome]:
        """How many entries have each outcome."""
        counts: Counter[Outcome] = Counter()
        for row in self._rows:
            if isinstance(row, ReportEntry):
                counts[row.outcome] += 1
            else:
                counts[Outcome.CHANGED if row[4] else Outcome.CONVERTED] += 1
        return counts

    def problems(self) -> list[ReportEntry]:
        """The changed and skipped entries, in source order."""
        return [
            self._entry(row)
            for row in self._rows
            if (row.outcome is not Outcome.CONVERTED if isinstance(row, ReportEntry) else row[4])
        ]


@dataclass(frozen=True)
class ConversionReport:
    """Every question of one conversion, in source order, and notes on the whole file."""

    source: str
    format: str
    entries: Sequence[ReportEntry] = ()
    notes: tuple[str, ...] = field(default=())

    def _counts(self) -> Counter[Outcome]:
        if isinstance(self.entries, ReportLines):
            return self.entries.counts()
        return Counter(entry.outcome for entry in self.entries)

    def count(self, outcome: Outcome) -> int:
        """How many questions had ``outcome``."""
        return self._counts()[outcome]

    def summary(self) -> str:
        """One sentence: how many questions were converted, changed and skipped."""
        counts = self._counts()
        total = len(self.entries)
        return (
            f"{total} question{'s' if total != 1 else ''} in {self.source} ({self.format}): "
            f"{counts[Outcome.CONVERTED]} converted as they are, "
            f"{counts[Outcome.CHANGED]} converted with changes, "
            f"{counts[Outcome.SKIPPED]} skipped"
        )

    def lines(self) -> list[str]:
        """The summary, the notes on the file, then one line per question."""
        return [self.summary(), *self.notes, *(str(entry) for entry in self.entries)]

    def problems(self) -> list[ReportEntry]:
        """The entries a teacher should read: changed or skipped questions."""
        if isinstance(self.entries, ReportLines):
            return self.entries.problems()
        return [entry for entry in self.entries if entry.outcome is not Outcome.CONVERTED]

    def to_csv(self) -> str:
        """The report as CSV text, one row per question, with a header row."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["where", "title", "outcome", "question_id", "type", "notes"])
        for entry in self.entries:
            writer.writerow(
                [
                    entry.where,
                    entry.title,
                    entry.outcome.value,
                    entry.question_id or "",
                    entry.question_type or "",
                    "; ".join(entry.notes),
                ]
            )
        for note in self.notes:
            writer.writerow(["file", "", "note", "", "", note])
        return out.getvalue()

    def write_csv(self, path: Path) -> None:
        """Write :meth:`to_csv` to ``path`` as UTF-8 with a BOM, so spreadsheets open it cleanly."""
        path.write_text("\ufeff" + self.to_csv(), encoding="utf-8", newline="")

    def with_entries(self, entries: Iterable[ReportEntry]) -> ConversionReport:
        """The same report with ``entries`` instead."""
        return ConversionReport(self.source, self.format, tuple(entries), self.notes)


@dataclass(frozen=True)
class Converted:
    """A pack read from another format, with the report of how it was converted."""

    pack: Pack
    report: ConversionReport
