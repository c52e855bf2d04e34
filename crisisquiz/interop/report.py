"""The conversion report: what became of every question of a file read or written.

Nothing is dropped silently: each source question gets one entry saying it was
converted as a type, converted with changes (and which), or skipped (and why).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from crisisquiz.core.pack_schema import Pack

__all__ = ["ConversionReport", "Converted", "Outcome", "ReportEntry"]


class Outcome(StrEnum):
    """What became of one question."""

    CONVERTED = "converted"
    CHANGED = "changed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ReportEntry:
    """One source question's fate.

    ``where`` places it in the source (``line 12``, ``row 5``, ``note 1496``,
    ``question[3]``); ``title`` is its name or the start of its text;
    ``question_id`` and ``question_type`` are what it became (None when skipped);
    ``notes`` say what changed or why it was skipped, one sentence each.
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
            verdict = f"{self.outcome.value} as {self.question_type} '{self.question_id}'"
        text = f"{head}: {verdict}"
        if self.notes:
            text += ": " + "; ".join(self.notes)
        return text


@dataclass(frozen=True)
class ConversionReport:
    """Every question of one conversion, in source order, and notes on the whole file."""

    source: str
    format: str
    entries: tuple[ReportEntry, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def count(self, outcome: Outcome) -> int:
        """How many questions had ``outcome``."""
        return sum(1 for entry in self.entries if entry.outcome is outcome)

    def summary(self) -> str:
        """One sentence: how many questions were converted, changed and skipped."""
        counts = Counter(entry.outcome for entry in self.entries)
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
