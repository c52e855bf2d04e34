"""Excel (.xlsx) and LibreOffice (.ods) spreadsheets, Kahoot's quiz template among them.

Read with python-calamine (one reader for both formats); written with
XlsxWriter. The first sheet is read. Its first row may be the question
header of :mod:`crisisquiz.interop.rows` (every type); Kahoot's template
(question, up to four answers, time limit, correct answer numbers) is found
by its header row wherever the template's instructions put it; a sheet of
two columns without either header is term and definition, one flashcard a
row.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from crisisquiz.core.pack_loader import PackError, PackIssue
from crisisquiz.core.pack_schema import Pack
from crisisquiz.core.safe_archive import SafeZip, UnsafeArchiveError
from crisisquiz.interop.build import PackBuilder, ReadOptions
from crisisquiz.interop.delimited import read_rows, rows_report
from crisisquiz.interop.report import ConversionReport, Converted
from crisisquiz.interop.rows import blank_row, is_schema_header, pack_rows

__all__ = ["read_spreadsheet", "write_xlsx"]

FORMAT_SHEET = "spreadsheet"
FORMAT_KAHOOT = "Kahoot spreadsheet"
# Kahoot's template allows these many seconds; other values are still read.
_KAHOOT_HEADER = re.compile(r"^\s*question\b", re.IGNORECASE)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value.isoformat() if not isinstance(value, datetime.timedelta) else str(value)
    return str(value).strip()


def _sheet_rows(path: Path) -> list[list[str]]:
    try:
        # The archive is checked first: calamine would inflate a zip bomb as it is.
        with SafeZip(path):
            pass
    except UnsafeArchiveError as exc:
        raise PackError([PackIssue(str(path), str(exc))]) from None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise PackError([PackIssue(str(path), "the spreadsheet has no sheet")])
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise PackError([PackIssue(str(path), f"the spreadsheet cannot be read ({exc})")]) from None
    return [[_cell(value) for value in row] for row in rows]


def _kahoot_header(rows: list[list[str]]) -> int | None:
    for index, row in enumerate(rows[:30]):
        lowered = [cell.lower() for cell in row]
        has_question = any(_KAHOOT_HEADER.match(cell) for cell in lowered)
        has_answer = any(cell.startswith("answer 1") for cell in lowered)
        has_correct = any("correct answer" in cell for cell in lowered)
        if has_question and has_answer and has_correct:
            return index
    return None


def _read_kahoot(
    path: Path, rows: list[list[str]], header_at: int, options: ReadOptions
) -> Converted:
    builder = PackBuilder(path, FORMAT_KAHOOT, options, strict=True)
    header = [cell.lower() for cell in rows[header_at]]
    question_col = next(i for i, c in enumerate(header) if _KAHOOT_HEADER.match(c))
    answer_cols = [
        i for n in range(1, 7) for i, c in enumerate(header) if c.startswith(f"answer {n}")
    ]
    correct_col = next(i for i, c in enumerate(header) if "correct answer" in c)
    time_col = next((i for i, c in enumerate(header) if c.startswith("time limit")), None)

    def at(row: list[str], col: int | None) -> str:
        return row[col].strip() if col is not None and col < len(row) else ""

    limits: set[str] = set()
    for number, row in enumerate(rows[header_at + 1 :], header_at + 2):
        if blank_row(row) or not at(row, question_col):
            continue
        prompt = at(row, question_col)
        numbered = [(n, at(row, col)) for n, col in enumerate(answer_cols, 1)]
        choices = [text for _n, text in numbered if text]
        correct_text = at(row, correct_col)
        where = f"row {number}"
        picks = [part for part in re.split(r"[\s,;]+", correct_text) if part]
        by_number = dict(numbered)
        if not picks or any(not p.isdigit() or not by_number.get(int(p)) for p in picks):
            builder.issues.append(
                PackIssue(
                    str(path),
                    f"correct answer(s) {correct_text!r} must be the numbers of filled-in "
                    "answers, such as 2 or 1,3",
                    line=number,
                    question=where,
                    field="correct answer(s)",
                )
            )
            continue
        right = [by_number[int(p)] for p in dict.fromkeys(picks)]
        if time_col is not None and at(row, time_col):
            limits.add(at(row, time_col))
        fields: dict[str, Any] = {"prompt": prompt, "choices": choices}
        if len(right) == 1:
            fields.update(type="multiple_choice", answer=right[0])
        else:
            fields.update(type="multi_select", answers=right)
        builder.add(where=where, title=prompt, fields=fields, key=prompt, prefix="kahoot")
    if limits:
        builder.note(
            f"time limits ({', '.join(sorted(limits, key=lambda t: (len(t), t)))} s) dropped: "
            "crisisquiz's quizzes take a time limit for the whole quiz instead"
        )
    return builder.build()


def _read_two_columns(path: Path, rows: list[list[str]], options: ReadOptions) -> Converted:
    builder = PackBuilder(path, FORMAT_SHEET, options, strict=True)
    for number, row in enumerate(rows, 1):
        cells = [cell for cell in row if cell]
        if not cells:
            continue
        if len(cells) != 2:
            builder.issues.append(
                PackIssue(
                    str(path),
                    "expected a term and a definition (two cells), or the question header "
                    "in the first row (type, prompt, answer, ...)",
                    line=number,
                    question=f"row {number}",
                )
            )
            continue
        term, definition = cells
        fields = {"type": "flashcard", "prompt": term, "answer": definition}
        builder.add(
            where=f"row {number}", title=term, fields=fields, key=term, id_text=term, prefix="card"
        )
    builder.note("a sheet without a header row: each row became a flashcard, term and definition")
    return builder.build()


def read_spreadsheet(path: Path, options: ReadOptions) -> Converted:
    """Read the first sheet of an .xlsx or .ods file (see the module's notes)."""
    rows = _sheet_rows(path)
    while rows and blank_row(rows[-1]):
        rows.pop()
    if not rows:
        raise PackError([PackIssue(str(path), "the first sheet is empty")])
    kahoot = _kahoot_header(rows)
    if kahoot is not None:
        return _read_kahoot(path, rows, kahoot, options)
    start = next(i for i, row in enumerate(rows) if not blank_row(row))
    if is_schema_header(rows[start]):
        return read_rows(path, rows[start:], options, FORMAT_SHEET)
    return _read_two_columns(path, rows, options)


def write_xlsx(pack: Pack, path: Path) -> ConversionReport:
    """Every question as one row of an Excel sheet under the question header."""
    import xlsxwriter

    header, rows, lost = pack_rows(pack)
    settings = {"strings_to_numbers": False, "strings_to_formulas": False}
    workbook = xlsxwriter.Workbook(str(path), settings)
    try:
        sheet = workbook.add_worksheet("Questions")
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        sheet.write_row(0, 0, header, bold)
        for number, row in enumerate(rows, 1):
            sheet.write_row(number, 0, row, wrap)
        sheet.freeze_panes(1, 0)
        widths = {"prompt": 50, "answer": 30, "explanation": 50}
        for column, name in enumerate(header):
            width = widths.get(name, 18 if name.startswith("choice") else 12)
            sheet.set_column(column, column, width)
        sheet.autofilter(0, 0, len(rows), len(header) - 1)
    finally:
        workbook.close()
    return rows_report(pack, path, "Excel spreadsheet", lost)
