"""The class report's drill-down: one learner's answers, or one question's answers.

Both come from :mod:`crisisquiz.core.class_report_tables` (``learner_detail`` and
``question_detail``), which the CSV and the PDF use too, so the three agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crisisquiz.core.class_report import AnswerRecord, ClassReport, QuestionKey, QuestionReport
from crisisquiz.core.class_report_tables import (
    TOO_FEW,
    learner_detail,
    local_time,
    question_detail,
    wrong_choice_text,
)
from crisisquiz.core.words import plural
from crisisquiz.gui.charts import NO_VALUE, FiguresPage, FigureTable, figure_item, percent_text
from crisisquiz.gui.class_report_rows import TYPED_TYPES
from crisisquiz.gui.widgets import Card, heading, push_button, text_label

ANSWER_LINES = 24  # the answer tables scroll inside past this many lines

VERDICT_WORDS = {"right": "✓ right", "partly right": "◐ partly right", "wrong": "✗ wrong"}


def _verdict(verdict: str) -> QStandardItem:
    text = VERDICT_WORDS.get(verdict, verdict)
    return figure_item(text, verdict, spoken=verdict, align_right=False)


def _answer_kind(kind: str) -> str:
    return "a quiz" if kind == "quiz" else "study"


def _time_item(record: AnswerRecord, tz: tzinfo) -> QStandardItem:
    return figure_item(local_time(record.time, tz), record.time.timestamp(), align_right=False)


class DetailDialog(QDialog):
    """A scrolling window of cards and tables, with a Close button."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{' '.join(title.split())} — crisisquiz")
        # Most of the window it opens over (the answers are wide tables), never past the
        # screen: at 200 % text a size in characters would push Close off it.
        chars, lines = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        width, height = chars * 110, lines * 40
        if parent is not None:
            room = parent.window().size()
            width, height = room.width() * 9 // 10, room.height() * 9 // 10
        screen = (parent or self).screen().availableGeometry()
        width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(width, height)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        self.page = FiguresPage()
        layout.addWidget(self.page, 1)
        self.body = self.page.body
        self.body.addWidget(heading(title, 1))
        self.summary = text_label("", "strong", selectable=True)
        self.body.addWidget(self.summary)
        self.wrong_choices: QLabel | None = None
        self.tables: dict[str, FigureTable] = {}
        self.close_button = push_button("Close", description="Back to the class report")
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.setContentsMargins(24, 0, 24, 0)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def card(self, title: str, note: str | None = None) -> Card:
        """A titled card added to the page."""
        card = Card()
        card.setAccessibleName(title)
        card.body.addWidget(heading(title, 2))
        if note:
            card.body.addWidget(text_label(note, "small"))
        self.body.addWidget(card)
        return card

    def table(
        self,
        title: str,
        headers: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[QStandardItem]],
        *,
        empty: str,
        note: str | None = None,
        stretch: int = 0,
        widths: dict[int, int] | None = None,
    ) -> None:
        """A card holding a table, or a sentence saying why there is none."""
        card = self.card(title, note)
        if not rows:
            card.body.addWidget(text_label(empty))
            return
        table = FigureTable(title)
        table.set_headers(headers)
        table.set_column_layout(stretch, minimum_chars=20, widths=widths)
        table.set_max_lines(ANSWER_LINES)
        table.set_rows(rows)
        card.body.addWidget(table)
        self.tables[title] = table


def learner_dialog(
    report: ClassReport, index: int, tz: tzinfo, parent: QWidget | None = None
) -> DetailDialog:
    """One learner: weakest topics and questions, then every answer in the period."""
    detail = learner_detail(report, index)
    learner = detail.learner
    dialog = DetailDialog(learner.name, parent)
    dialog.setAccessibleName(f"{learner.name}'s answers")
    summary = (
        f"{plural(learner.answers, 'answer')} to {plural(learner.questions_answered, 'question')}"
        f" in the report's period; mean of their latest scores {percent_text(learner.mean_score)}."
        f" Learner id {learner.learner_id[:8]}; from {', '.join(learner.sources)}."
    )
    dialog.summary.setText(summary)
    dialog.table(
        "Weakest topics",
        (
            ("Topic", "A topic they have started"),
            ("Mastery", "How much of the topic they would recall a week after the report"),
            ("Accuracy", "Their right answers out of their answers in the period"),
            ("Answers", "Their answers on the topic in the period"),
        ),
        [
            [
                figure_item(topic.title, topic.title.casefold(), align_right=False),
                figure_item(percent_text(cell.mastery), cell.mastery),
                figure_item(
                    percent_text(cell.accuracy),
                    NO_VALUE if cell.accuracy is None else cell.accuracy,
                ),
                figure_item(str(cell.answers), cell.answers),
            ]
            for topic, cell in detail.weakest_topics
        ],
        empty="No topic started yet.",
        note="Lowest mastery first.",
    )
    dialog.table(
        "Weakest questions",
        (
            ("Question", "A question they answered in the period"),
            ("Topic", "The question's topic"),
            ("Latest score", "The score of their latest answer"),
            ("Answers", "How often they answered it in the period"),
            ("Wrong", "How many of those answers were wrong"),
        ),
        [
            [
                figure_item(w.question.prompt, w.question.prompt.casefold(), align_right=False),
                figure_item(w.question.topic_title, w.question.topic_title, align_right=False),
                figure_item(percent_text(w.latest_score), w.latest_score),
                figure_item(str(w.answers), w.answers),
                figure_item(str(w.wrong), w.wrong),
            ]
            for w in detail.weakest_questions
        ],
        empty="None: every latest answer in the period was right.",
        note="Lowest latest score first, then the most wrong answers.",
        widths={1: 18},
    )
    prompts = {q.key: q.prompt for q in report.questions}
    dialog.table(
        "Every answer",
        (
            ("Time", "When they answered (this computer's time zone)"),
            ("Question", "The question, as the newest pack version has it"),
            ("In", "In study or in a quiz"),
            ("Answer given", "What they chose or typed, as the question read then"),
            ("Verdict", "Right, partly right or wrong, as the app graded it"),
        ),
        [
            [
                _time_item(a, tz),
                figure_item(prompts.get(a.key, a.question_id), a.question_id, align_right=False),
                figure_item(_answer_kind(a.kind), a.kind, align_right=False),
                figure_item(a.response, a.response.casefold(), align_right=False),
                _verdict(a.verdict),
            ]
            for a in detail.answers
        ],
        empty="No answer in the report's period.",
        note="Oldest first; click a column heading to sort.",
        stretch=1,
        widths={3: 24},
    )
    dialog.body.addStretch(1)
    dialog.close_button.setFocus()
    return dialog


def _item_line(question: QuestionReport, report: ClassReport) -> str:
    counts = (
        f"{plural(question.learners, 'learner')}, {plural(question.answers, 'answer')} in the "
        "report's period"
    )
    if not question.enough_learners:
        return (
            f"{question.topic_title} · {counts} · facility and discrimination: {TOO_FEW} "
            f"(they need {report.min_learners} learners)"
        )
    discrimination = (
        "—" if question.discrimination_pct is None else f"{round(question.discrimination_pct)} %"
    )
    facility = "—" if question.facility_pct is None else f"{round(question.facility_pct)} %"
    return (
        f"{question.topic_title} · {counts} · facility {facility} · discrimination {discrimination}"
    )


def question_dialog(
    report: ClassReport, key: QuestionKey, tz: tzinfo, parent: QWidget | None = None
) -> DetailDialog:
    """One question: the commonest wrong answers, then each learner's answers."""
    detail = question_detail(report, key)
    question = detail.question
    title = question.prompt + (" (retired)" if question.retired else "")
    dialog = DetailDialog(title, parent)
    dialog.setAccessibleName("A question's answers")
    dialog.summary.setText(_item_line(question, report))
    if question.type in ("multiple_choice", "multi_select"):
        card = dialog.card(
            "Wrong choices picked",
            "How often each wrong choice was picked, judged against the pack version each "
            "answer was given in.",
        )
        wrong = text_label(wrong_choice_text(question) or "None picked yet.", selectable=True)
        card.body.addWidget(wrong)
        dialog.wrong_choices = wrong
    if question.type in TYPED_TYPES:
        dialog.table(
            "Commonest wrong answers",
            (
                ("Answer typed", "Answers equal after grading's normalisation, as most typed it"),
                ("Times", "How many wrong answers were this one"),
                ("Learners", "How many learners typed it"),
            ),
            [
                [
                    figure_item(
                        (f"blank {t.blank + 1}: " if t.blank is not None else "") + t.text,
                        t.text.casefold(),
                        align_right=False,
                    ),
                    figure_item(str(t.count), t.count),
                    figure_item(str(t.learners), t.learners),
                ]
                for t in question.wrong_typed
            ],
            empty="No wrong answer typed in the report's period.",
            note="Grouped as grading compares answers: case, accents, punctuation and a "
            "leading article do not count, so “Brezhnev” and “brezhnev ” are one answer.",
        )
    rows = [
        [
            figure_item(learner.name, learner.name.casefold(), align_right=False),
            _time_item(a, tz),
            figure_item(_answer_kind(a.kind), a.kind, align_right=False),
            figure_item(a.response, a.response.casefold(), align_right=False),
            _verdict(a.verdict),
        ]
        for learner, answers in detail.by_learner
        for a in answers
    ]
    dialog.table(
        "Each learner's answers",
        (
            ("Learner", "Who answered"),
            ("Time", "When (this computer's time zone)"),
            ("In", "In study or in a quiz"),
            ("Answer given", "What they chose or typed, as the question read then"),
            ("Verdict", "Right, partly right or wrong, as the app graded it"),
        ),
        rows,
        empty="Nobody answered it in the report's period.",
        stretch=3,
    )
    dialog.body.addStretch(1)
    dialog.close_button.setFocus()
    return dialog


__all__ = ["DetailDialog", "learner_dialog", "question_dialog"]
