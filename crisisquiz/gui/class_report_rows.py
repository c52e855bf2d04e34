"""The class report screen's table rows: learners by topic, questions, and the headings.

Each row's first cell keeps what the row stands for (:data:`ROW_KEY_ROLE`): the
learner's place in the report, or the question's pack and id, for the drill-down.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QStandardItem

from crisisquiz.core.class_report import LearnerResult, QuestionReport, TopicCell
from crisisquiz.core.class_report_tables import TOO_FEW, wrong_choice_text, wrong_typed_text
from crisisquiz.gui.charts import NO_VALUE, figure_item, heat_colours, percent_text

# Topic titles in the table's headings wrap at about this many characters.
TOPIC_HEADING_CHARS = 12
# The question types whose wrong answers are typed, and grouped as grading compares them.
TYPED_TYPES = ("short_answer", "cloze", "year", "number")
# Where a learner's or question's row keeps what it stands for, for the drill-down.
ROW_KEY_ROLE = Qt.ItemDataRole.UserRole + 5


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def wrap_heading(title: str) -> str:
    return "\n".join(textwrap.wrap(title, TOPIC_HEADING_CHARS, break_long_words=False)) or title


def learner_cells(
    learner: LearnerResult, titles: Sequence[str], *, dark: bool, index: int = 0
) -> list[QStandardItem]:
    """A learner's row: name, mean score, answers, then mastery and accuracy per topic.

    ``index`` is the learner's place in the report, kept for the drill-down.
    """
    name = figure_item(
        learner.name,
        learner.name.casefold(),
        align_right=False,
        tooltip="Enter or double-click: every answer of this learner",
    )
    name.setData(index, ROW_KEY_ROLE)
    row = [
        name,
        figure_item(
            percent_text(learner.mean_score),
            NO_VALUE if learner.mean_score is None else learner.mean_score,
            spoken=None if learner.mean_score is not None else "no answers",
            tooltip="The mean of their latest score on each question they answered",
        ),
        figure_item(str(learner.questions_answered), learner.questions_answered),
    ]
    for title, cell in zip(titles, learner.cells, strict=True):
        row.append(topic_cell(learner.name, title, cell, dark=dark))
    return row


def topic_cell(name: str, title: str, cell: TopicCell, *, dark: bool) -> QStandardItem:
    """One learner on one topic: mastery over accuracy, heat-coloured by mastery."""
    if not cell.started:
        return figure_item("—", NO_VALUE, spoken=f"{name}, {title}: not started")
    if cell.accuracy is None:
        # Started before the report's period, with no answer in it.
        accuracy, said = "no answers", "no answers in the period"
    else:
        accuracy = f"{percent_text(cell.accuracy)} right"
        said = f"accuracy {percent_text(cell.accuracy)} over {_plural(cell.answers, 'answer')}"
    text = f"{percent_text(cell.mastery)}\n{accuracy}"
    item = figure_item(
        text,
        NO_VALUE if cell.mastery is None else cell.mastery,
        spoken=f"{name}, {title}: mastery {percent_text(cell.mastery)}, {said}",
        tooltip=f"Mastery {percent_text(cell.mastery)}; {said}; {cell.seen} questions seen",
    )
    if cell.mastery is not None:
        background, foreground = heat_colours(cell.mastery, dark=dark)
        item.setBackground(QBrush(background))
        item.setForeground(QBrush(foreground))
    return item


def question_cells(question: QuestionReport, *, dark: bool) -> list[QStandardItem]:
    """A question's row of the item analysis.

    Facility and discrimination read "too few answers" below the report's minimum
    of learners, as in the CSV and the PDF.
    """
    prompt_text = question.prompt + (" (retired)" if question.retired else "")
    enough = question.enough_learners
    facility = question.facility_pct
    facility_item = figure_item(
        (f"{round(facility)} %" if facility is not None else "—") if enough else TOO_FEW,
        NO_VALUE if facility is None else facility,
        spoken=None if enough else f"too few answers: {_plural(question.learners, 'learner')}",
        tooltip="The mean score on this question (Moodle's facility index)",
    )
    if facility is not None:
        background, foreground = heat_colours(facility / 100, dark=dark)
        facility_item.setBackground(QBrush(background))
        facility_item.setForeground(QBrush(foreground))
    discrimination = question.discrimination_pct
    if question.type in ("multiple_choice", "multi_select"):
        wrong = wrong_choice_text(question) or "—"
    elif question.type in TYPED_TYPES:
        wrong = wrong_typed_text(question, limit=3) or "none typed"
    else:
        wrong = "—"  # true or false, ordering, matching, flashcard: nothing to group
    prompt = figure_item(
        prompt_text,
        prompt_text.casefold(),
        align_right=False,
        tooltip=f"{question.question_id}. Enter or double-click: each learner's answers",
    )
    prompt.setData(f"{question.pack_id}\n{question.question_id}", ROW_KEY_ROLE)
    return [
        prompt,
        figure_item(question.topic_title, question.topic_title.casefold(), align_right=False),
        figure_item(str(question.learners), question.learners),
        facility_item,
        figure_item(
            (f"{round(discrimination)} %" if discrimination is not None else "—")
            if enough
            else TOO_FEW,
            NO_VALUE - 200 if discrimination is None else discrimination,
            spoken=None
            if enough and discrimination is not None
            else "not enough learners to tell"
            if enough
            else "too few answers",
            tooltip="How well the question separates learners who do well on the rest from "
            "those who do not (Moodle's discrimination index)",
        ),
        figure_item(wrong, wrong.casefold(), align_right=False),
    ]


LEARNER_HEADERS = (
    ("Learner", "The learner's name, as in their results file"),
    ("Mean\nscore", "The mean of their latest score on each question they answered"),
    ("Questions\nanswered", "How many different questions they answered"),
)
QUESTION_HEADERS = (
    ("Question", "The question's prompt"),
    ("Topic", "The topic the question belongs to"),
    ("Learners", "How many learners answered it"),
    ("Facility", "The mean score on the question: low means hard (Moodle's facility index)"),
    (
        "Discrimi-\nnation",
        "Whether learners who do well overall also do well on this question (correlation; "
        "Moodle's discrimination index). Low or negative: look at the question again",
    ),
    (
        "Wrong answers",
        "Each wrong choice, how often it was picked and by how many learners; for typed "
        "answers, the commonest wrong ones",
    ),
)
FILE_HEADERS = (
    ("Learner", "The learner named in the file"),
    ("File", "The results file"),
    ("Exported", "When the learner exported it"),
    ("In the report", "Whether the file counts, and why not when it does not"),
)


__all__ = [
    "FILE_HEADERS",
    "LEARNER_HEADERS",
    "QUESTION_HEADERS",
    "ROW_KEY_ROLE",
    "learner_cells",
    "question_cells",
    "topic_cell",
    "wrap_heading",
]
