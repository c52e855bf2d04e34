"""CSV and TSV with the question header (see :mod:`crisisquiz.interop.rows`), and Quizlet.

A file whose first row is the header is read row by row, every type. A file
without it is a Quizlet export: a term and its definition on each row, tab or
comma between (or what the teacher chose), new line or semicolon between rows.
Excel's UTF-8 byte-order mark and the ``;`` separators of European locales work.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from crisisquiz.core.pack_loader import PackError, PackIssue
from crisisquiz.core.pack_schema import Pack, Question
from crisisquiz.interop.build import PackBuilder, ReadOptions, title_of
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry
from crisisquiz.interop.rows import (
    RowError,
    blank_row,
    header_index,
    is_schema_header,
    pack_rows,
    row_fields,
    tag_list,
)

__all__ = [
    "guess_term_separator",
    "has_schema_header",
    "read_delimited",
    "read_rows",
    "write_csv",
]

FORMAT_CSV = "CSV"
FORMAT_QUIZLET = "Quizlet export"
# Cells this long are no question; csv's default limit (128 KB) would stop with a cryptic error.
csv.field_size_limit(1 << 20)


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in ("\t", ";", ",")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _first_line(text: str) -> str:
    return text.removeprefix("\ufeff").split("\n", 1)[0]


def has_schema_header(text: str) -> bool:
    """Whether ``text`` starts with the question header row."""
    line = _first_line(text)
    try:
        cells = next(csv.reader([line], delimiter=_separator(line)), [])
    except csv.Error:
        return False
    return is_schema_header(cells)


def read_rows(
    path: Path, rows: list[list[str]], options: ReadOptions, format_name: str
) -> Converted:
    """Questions from rows whose first row is the header; problems located by row and column."""
    builder = PackBuilder(path, format_name, options, strict=True)
    named, choice_columns = header_index(rows[0])
    for number, row in enumerate(rows[1:], 2):
        if blank_row(row):
            continue
        cells = {name: (row[pos] if pos < len(row) else "") for name, pos in named.items()}
        choices = [
            row[pos].strip() for pos in choice_columns if pos < len(row) and row[pos].strip()
        ]
        where = f"row {number}"
        try:
            fields = row_fields(cells, choices)
        except RowError as error:
            builder.issues.append(
                PackIssue(str(path), error.message, line=number, question=where, field=error.column)
            )
            continue
        topic_title = cells.get("topic", "").strip()
        topic = (
            builder.topic(topic_title, topic_id=cells.get("topic_id", "").strip() or None)
            if topic_title or cells.get("topic_id", "").strip()
            else None
        )
        builder.declare_sources(fields.get("sources", ()))
        title = str(fields.get("prompt") or fields.get("statement") or fields.get("text") or "")
        own = cells.get("id", "").strip()
        builder.add(
            where=where,
            title=title,
            fields=fields,
            own_id=own or None,
            key=title,
            topic=topic,
            tags=tag_list(cells.get("tags", "")),
            prefix="row",
        )
    return builder.build()


def _quizlet_rows(text: str, options: ReadOptions) -> tuple[str, list[str]]:
    """The separator between term and definition, and the rows (row N is ``rows[N - 1]``)."""
    term_sep = options.term_separator
    row_sep = options.row_separator or "\n"
    body = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if row_sep == "\n":
        rows = body.split("\n")
    else:
        rows = [part.strip("\n") for part in body.split(row_sep)]
    if term_sep is None:
        term_sep = _term_separator_of(rows)
    return term_sep, rows


def _term_separator_of(rows: Sequence[str]) -> str:
    # Quizlet's own choices: a tab when the first rows hold one, else a comma.
    return "\t" if "\t" in "\n".join(rows[:50]) else ","


def guess_term_separator(text: str, row_separator: str | None = None) -> str:
    """What a Quizlet export's rows put between term and definition when none is given."""
    return _quizlet_rows(text, ReadOptions(row_separator=row_separator))[0]


def read_quizlet(path: Path, text: str, options: ReadOptions) -> Converted:
    """A Quizlet export: each row a flashcard, or a short answer asking for the term."""
    builder = PackBuilder(path, FORMAT_QUIZLET, options, strict=True)
    separator, rows = _quizlet_rows(text, options)
    unit = "row" if options.row_separator not in (None, "\n") else "line"
    shown = {"\t": "a tab", ",": "a comma"}.get(separator, repr(separator))
    as_short = options.quizlet_as == "short_answer"
    add = builder.add
    for number, line in enumerate(rows, 1):
        term, _sep, definition = line.partition(separator)
        term, definition = term.strip(), definition.strip()
        if not (term and definition):
            if not line.strip():
                continue
            builder.issues.append(
                PackIssue(
                    str(path),
                    f"needs a term and a definition with {shown} between them",
                    line=number if unit == "line" else None,
                    question=f"{unit} {number}",
                )
            )
            continue
        if as_short:
            fields = {"type": "short_answer", "prompt": definition, "answer": term}
        else:
            fields = {"type": "flashcard", "prompt": term, "answer": definition}
        # The term names the card: a corrected definition keeps the learner's history.
        add(
            where=f"{unit} {number}",
            title=term,
            fields=fields,
            key=term,
            id_text=term,
            prefix="card",
        )
    if as_short:
        builder.note("each definition asks for its term, typed (short answer)")
    columns = _table_columns(rows, separator)
    if columns:
        builder.note(
            f"every row has {columns} columns between commas, as a table does: a Quizlet "
            "set has two (term, definition), so here the first column is each term and the "
            "rest its definition; if this file is not a Quizlet set, do not import it"
        )
    return builder.build()


def _table_columns(rows: Sequence[str], separator: str) -> int:
    """How many columns every row has when the file looks like a table, else 0.

    A definition may hold commas, but not the same number on every row: three or more
    columns on each of many rows is a table (a spreadsheet or a log), read here as
    term and definition only because it has no question header.
    """
    if separator != ",":
        return 0
    counts = {row.count(",") for row in rows if row.strip()}
    filled = sum(1 for row in rows if row.strip())
    if filled >= 3 and len(counts) == 1 and (count := counts.pop()) >= 2:
        return count + 1
    return 0


def read_delimited(path: Path, text: str, options: ReadOptions, *, quizlet: bool) -> Converted:
    """A CSV/TSV with the question header, or (``quizlet``) a Quizlet export."""
    if quizlet and not has_schema_header(text):
        return read_quizlet(path, text, options)
    line = _first_line(text)
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=_separator(line)
    )
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise PackError(
            [PackIssue(str(path), f"not readable as CSV: {exc}", line=reader.line_num)]
        ) from None
    if not rows or not is_schema_header(rows[0]):
        raise PackError(
            [
                PackIssue(
                    str(path),
                    "the first row must be the header (type, prompt, answer, choice 1, ...); "
                    "see the README",
                    line=1,
                )
            ]
        )
    return read_rows(path, rows, options, FORMAT_CSV)


def write_csv(pack: Pack, path: Path) -> ConversionReport:
    """Every question as one CSV row under the header; UTF-8 with BOM so Excel opens it right."""
    header, rows, lost = pack_rows(pack)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return rows_report(pack, path, FORMAT_CSV, lost)


def rows_report(
    pack: Pack, path: Path, format_name: str, lost: Sequence[tuple[Question, str]]
) -> ConversionReport:
    """The report of a spreadsheet export: every question kept, images and instructions noted."""
    notes: dict[str, list[str]] = {}
    for question, note in lost:
        notes.setdefault(question.id, []).append(note)
    entries = tuple(
        ReportEntry(
            q.id,
            title_of(q.display_prompt),
            Outcome.CHANGED if q.id in notes else Outcome.CONVERTED,
            q.id,
            str(q.type),
            tuple(notes.get(q.id, ())),
        )
        for q in pack.questions
    )
    file_notes: tuple[str, ...] = ()
    if pack.media:
        file_notes = (f"{len(pack.media)} pictures not written: export as zip to keep them",)
    return ConversionReport(path.name, format_name, entries, file_notes)
