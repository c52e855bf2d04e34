"""The class report as a printable PDF: Qt's rich text laid out on A4 or Letter pages.

The report is written as HTML (the subset ``QTextDocument`` understands), laid out
at the PDF's resolution and painted page by page inside the printable margins,
with "page N of M" at the foot of each page. Mastery cells are heat-coloured and
always carry the number too, so the report reads the same printed in grey.
"""

from __future__ import annotations

import colorsys
import html
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from crisisquiz.core.class_report import ClassReport, QuestionReport, TopicReport
from crisisquiz.core.class_report_tables import (
    TOO_FEW,
    item_figure,
    learner_detail,
    local_time,
    merge_note,
    scope_line,
    wrong_choice_text,
    wrong_typed_text,
)
from crisisquiz.core.mastery import MASTERY_FOR_TEACHERS
from crisisquiz.core.words import percent, plural

PageSizeName = Literal["a4", "letter"]
PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "a4": QPageSize.PageSizeId.A4,
    "letter": QPageSize.PageSizeId.Letter,
}
MARGIN_MM = 15.0
RESOLUTION_DPI = 300  # enough for crisp text; QPdfWriter's default 1200 only makes files larger
FOOTER_PT = 9
# Longest texts set in the PDF, in characters; longer ones end in "…". A title or a
# prompt of thousands of characters (a mistake in a pack, or a file made to hurt)
# would otherwise take minutes to lay out and hundreds of megabytes to write.
TITLE_CHARS = 80
NAME_CHARS = 60
PROMPT_CHARS = 300
NOTE_CHARS = 200


class ReportPdfError(Exception):
    """The PDF could not be written."""


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new offscreen one (text layout needs one)."""
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    # Offscreen: a report written from the terminal must not need a display.
    return QGuiApplication(["crisisquiz", "-platform", "offscreen"])


def heat_colour(value: float) -> str:
    """A light background from red (0) through amber to green (1), as ``#rrggbb``."""
    clamped = min(1.0, max(0.0, value))
    red, green, blue = colorsys.hls_to_rgb(clamped / 3, 0.82, 0.75)  # hue 0 red .. 1/3 green
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def clip(text: str, limit: int) -> str:
    """``text`` escaped for the report's HTML, cut to ``limit`` characters with "…"."""
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text)


def class_report_html(
    report: ClassReport,
    *,
    title: str = "Class report",
    generated_at: datetime | None = None,
    tz: tzinfo = UTC,
    refused: Sequence[tuple[str, str]] = (),
) -> str:
    """The report as HTML for ``QTextDocument``: the same figures as the screen and CSV."""
    e = html.escape
    made = f" Made {local_time(generated_at, tz)}." if generated_at else ""
    parts = [
        "<html><body>",
        f"<h1>{clip(title, TITLE_CHARS)}</h1>",
        f"<p>{e(scope_line(report, tz))}.{e(made)}</p>",
    ]
    left_out = [*refused, *((s.source, s.reason) for s in report.skipped)]
    if left_out:
        items = "".join(
            f"<li>{clip(source, NOTE_CHARS)}: {clip(reason.splitlines()[0], NOTE_CHARS)}</li>"
            for source, reason in left_out
        )
        parts.append(f"<p>Left out:</p><ul>{items}</ul>")
    if report.merged:
        items = "".join(f"<li>{clip(merge_note(m), NOTE_CHARS)}</li>" for m in report.merged)
        parts.append(f"<p>Results of one learner taken together:</p><ul>{items}</ul>")
    parts += _learner_table(report)
    enough = report.min_learners
    parts += [
        "<h2>Weakest topics</h2>",
        f"<p><small>Among topics {enough} or more learners have started.</small></p>",
        *_topic_table(report.weakest_topics),
    ]
    parts += [
        "<h2>Hardest questions</h2>",
        f"<p><small>Among questions {enough} or more learners answered.</small></p>",
    ]
    if report.hardest:
        parts += _question_table(report.hardest)
    else:
        parts.append(f"<p>No question has been answered by {enough} learners yet.</p>")
    answered = [q for q in report.questions if q.learners]
    parts.append("<h2>Every question answered</h2>")
    parts += _question_table(answered) if answered else ["<p>No answers yet.</p>"]
    parts += _learner_pages(report, tz)
    parts.append(
        f"<p><small>{e(MASTERY_FOR_TEACHERS)} Accuracy: right answers out of all answers in "
        "the period. Facility: the mean score on the question. Discrimination: how well the "
        "question separates learners who do well on the rest from those who do not "
        f"(correlation, %). Both as Moodle defines them, and only from {enough} learners "
        f"on (fewer: “{TOO_FEW}”).</small></p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def _learner_table(report: ClassReport) -> list[str]:
    head = "".join(f"<th><small>{clip(t.title, TITLE_CHARS)}</small></th>" for t in report.topics)
    rows = []
    for learner in report.learners:
        cells = []
        for cell in learner.cells:
            if not cell.started:
                cells.append('<td align="center">-</td>')
                continue
            accuracy = (
                f"<br/><small>acc {percent(cell.accuracy)}, "
                f"{plural(cell.answers, 'answer')}</small>"
            )
            cells.append(
                f'<td align="center" bgcolor="{heat_colour(cell.mastery)}">'
                f"<b>{percent(cell.mastery)}</b>{accuracy}</td>"
            )
        name = clip(learner.name, NAME_CHARS)
        rows.append(f"<tr><td nowrap>{name}</td>{''.join(cells)}</tr>")
    return [
        "<h2>Mastery by learner and topic</h2>",
        "<p><small>Each cell: mastery (coloured), accuracy and answers in the period. "
        "A dash: not started.</small></p>",
        _table(f"<tr><th>Learner</th>{head}</tr>", rows),
    ]


def _topic_table(topics: Sequence[TopicReport]) -> list[str]:
    if not topics:
        return ["<p>No topic has been started by enough learners yet.</p>"]
    rows = [
        f"<tr><td>{clip(t.topic.title, TITLE_CHARS)}</td>"
        f'<td align="center" bgcolor="{heat_colour(t.mean_mastery or 0.0)}">'
        f"{percent(t.mean_mastery)}</td>"
        f'<td align="center">{percent(t.mean_accuracy)}</td>'
        f'<td align="center">{t.learners}</td></tr>'
        for t in topics
    ]
    header = "<tr><th>Topic</th><th>Mean mastery</th><th>Mean accuracy</th><th>Learners</th></tr>"
    return [_table(header, rows)]


def _question_table(questions: Sequence[QuestionReport]) -> list[str]:
    e = html.escape
    rows = []
    for q in questions:
        facility = (
            f'<td align="center" bgcolor="{heat_colour(q.facility_pct / 100)}">'
            f"{percent(q.facility_pct, ratio=False)}</td>"
            if q.facility_pct is not None
            else f'<td align="center"><small>{e(item_figure(q, None))}</small></td>'
        )
        retired = " <i>(retired)</i>" if q.retired else ""
        wrong = "; ".join(text for text in (wrong_choice_text(q), wrong_typed_text(q)) if text)
        rows.append(
            f'<tr><td width="40%">{clip(q.prompt, PROMPT_CHARS)}{retired}<br/><small>'
            f"{e(q.pack_id)}/{e(q.question_id)}, "
            f"{clip(q.topic_title, TITLE_CHARS)}</small></td>"
            f'<td align="center">{q.learners}</td><td align="center">{q.answers}</td>{facility}'
            f'<td align="center"><small>{e(item_figure(q, q.discrimination_pct))}</small></td>'
            f"<td><small>{clip(wrong, NOTE_CHARS)}</small></td></tr>"
        )
    header = (
        "<tr><th>Question</th><th>Learners</th><th>Answers</th><th>Facility</th>"
        "<th>Discrimination</th><th>Wrong answers given</th></tr>"
    )
    return [_table(header, rows)]


def _learner_pages(report: ClassReport, tz: tzinfo) -> list[str]:
    """Each learner: weakest topics and questions, then every answer in the period."""
    e = html.escape
    prompts = {q.key: q.prompt for q in report.questions}
    parts = ["<h2>Each learner</h2>"]
    for index, learner in enumerate(report.learners):
        detail = learner_detail(report, index)
        parts.append(f"<h3>{clip(learner.name, NAME_CHARS)}</h3>")
        topics = ", ".join(
            f"{clip(t.title, TITLE_CHARS)} {percent(cell.mastery)}"
            for t, cell in detail.weakest_topics
        )
        parts.append(f"<p><small>Weakest topics (mastery): {topics or 'none started'}</small></p>")
        if detail.weakest_questions:
            items = "".join(
                f"<li>{clip(w.question.prompt, PROMPT_CHARS)}: latest {percent(w.latest_score)}, "
                f"{w.wrong} of {plural(w.answers, 'answer')} wrong</li>"
                for w in detail.weakest_questions
            )
            parts.append(f"<p><small>Weakest questions:</small></p><ul>{items}</ul>")
        if not detail.answers:
            parts.append("<p><small>No answers in the period.</small></p>")
            continue
        rows = [
            f"<tr><td nowrap><small>{e(local_time(a.time, tz))}</small></td>"
            f"<td><small>{clip(prompts.get(a.key, a.question_id), PROMPT_CHARS)}</small></td>"
            f"<td><small>{clip(a.response, NOTE_CHARS)}</small></td>"
            f"<td><small>{e(a.verdict)}</small></td></tr>"
            for a in detail.answers
        ]
        header = "<tr><th>When</th><th>Question</th><th>Answer given</th><th>Verdict</th></tr>"
        parts.append(_table(header, rows))
    return parts


def _table(header: str, rows: Sequence[str]) -> str:
    # <thead> makes Qt repeat the header row at the top of every page the table spans.
    return (
        '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
        f"<thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def write_class_report_pdf(
    report: ClassReport,
    path: Path,
    *,
    page_size: PageSizeName = "a4",
    title: str = "Class report",
    generated_at: datetime | None = None,
    tz: tzinfo = UTC,
    refused: Sequence[tuple[str, str]] = (),
) -> int:
    """Write the report as a PDF at ``path``; returns the number of pages.

    ``tz`` is the teacher's time zone for the times shown; ``refused`` lists files
    left out of the report and why.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}")
    if not path.parent.is_dir():
        raise ReportPdfError(f"cannot write {path}: the folder {path.parent} does not exist")
    application = ensure_gui_application()  # held until the PDF is written
    markup = class_report_html(
        report, title=title, generated_at=generated_at, tz=tz, refused=refused
    )
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("crisisquiz")
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZES[page_size]),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportPdfError(f"cannot write {path}: the file cannot be opened for writing")
    try:
        return _paint(painter, writer, markup)
    finally:
        painter.end()
        del application


def _paint(painter: QPainter, writer: QPdfWriter, markup: str) -> int:
    # The painter's origin is the top left of the printable area (inside the margins).
    area = writer.pageLayout().paintRectPixels(writer.resolution())
    footer = FOOTER_PT / 72 * writer.resolution() * 2
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # lay text out at the PDF's resolution
    document.setDefaultFont(QFont(QGuiApplication.font().family(), 9))
    document.setDocumentMargin(0)
    document.setPageSize(QSizeF(area.width(), area.height() - footer))
    document.setHtml(markup)
    pages = document.pageCount()
    page_height = document.pageSize().height()
    footer_font = QFont(QGuiApplication.font().family(), FOOTER_PT)
    for page in range(pages):
        if page:
            writer.newPage()
        painter.save()
        painter.translate(0, -page * page_height)
        document.drawContents(painter, QRectF(0, page * page_height, area.width(), page_height))
        painter.restore()
        painter.setFont(footer_font)
        painter.drawText(
            QRectF(0, area.height() - footer / 2, area.width(), footer / 2),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
            f"page {page + 1} of {pages}",
        )
    return pages


__all__ = [
    "PAGE_SIZES",
    "ReportPdfError",
    "class_report_html",
    "ensure_gui_application",
    "heat_colour",
    "write_class_report_pdf",
]
