"""Class report: a teacher gathers results files and sees the class per topic and question.

A class whose learners study on this database (this computer's file, or a school
server the teacher is signed in to) is read straight from it, as it is now: on a
server, PostgreSQL shows a teacher the learners of the classes they teach and no
others, so the screen offers those classes. Reading again brings the report up to
date. Files are read and the report is built off the GUI thread. A file that is not a
valid results file is refused with the core's message (which names the file
and the problem); the other files are still used. A file given twice counts
once, as the core decides, and the screen says so. The report can be saved as
two CSV files and as a PDF (A4 or Letter), also in the background.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QBrush, QStandardItem
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.class_report import (
    DATABASE_SOURCE,
    ClassReport,
    LearnerResult,
    QuestionReport,
    TopicCell,
    build_class_report,
)
from crisisquiz.core.class_report_tables import write_class_csv, wrong_choice_text
from crisisquiz.core.class_sources import class_learner_ids, database_results
from crisisquiz.core.classes import ClassError, ClassService
from crisisquiz.core.results import ResultsError, ResultsFile, load_results
from crisisquiz.gui.charts import (
    NO_VALUE,
    FiguresPage,
    FigureTable,
    figure_item,
    heat_colours,
    palette_is_dark,
    percent_text,
)
from crisisquiz.gui.packs_screen import ResultPanel
from crisisquiz.gui.report_pdf import (
    PAGE_SIZES,
    PageSizeName,
    ReportPdfError,
    write_class_report_pdf,
)
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import (
    BusyRow,
    Card,
    FlowRow,
    clear_layout,
    heading,
    push_button,
    text_label,
)
from crisisquiz.gui.worker import TaskRunner
from crisisquiz.storage.database import Database
from crisisquiz.storage.dialects import connection_problem, permission_problem

RESULTS_FILTER = "crisisquiz results (*.json);;All files (*)"
CSV_FILTER = "CSV for spreadsheets (*.csv)"
PDF_FILTER = "PDF (*.pdf)"
PAGE_SIZE_CHOICES: tuple[tuple[str, str], ...] = (("A4", "a4"), ("Letter (US)", "letter"))
# Topic titles in the table's headings wrap at about this many characters.
TOPIC_HEADING_CHARS = 12


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class LoadOutcome:
    """What adding files did: the files read, the ones refused (the core's messages), the report."""

    added: tuple[ResultsFile, ...]
    refused: tuple[str, ...]
    report: ClassReport | None


def load_files(
    paths: Sequence[Path], earlier: Sequence[ResultsFile], *, now: datetime
) -> LoadOutcome:
    """Read ``paths`` and build the report from them and ``earlier`` (safe off the GUI thread).

    A file that cannot be read or is not a valid results file is refused with its
    message; the others are used.
    """
    added: list[ResultsFile] = []
    refused: list[str] = []
    for path in paths:
        try:
            added.append(load_results(path))
        except ResultsError as exc:
            refused.append(str(exc))
    files = [*earlier, *added]
    report = build_class_report(files, now=now) if files else None
    return LoadOutcome(tuple(added), tuple(refused), report)


# What the file column shows for learners read from the database instead of a file:
# on a school server it is not this computer's.
DATABASE_LABEL = "read from the database"


def class_names(database: Database) -> list[str]:
    """The classes this database shows its user (on a school server: those they teach)."""
    return [info.name for info in ClassService(database).list()]


def read_class(
    database: Database, class_name: str, earlier: Sequence[ResultsFile], *, now: datetime
) -> tuple[list[ResultsFile], ClassReport | None]:
    """The class's learners read from ``database`` as of ``now``, with ``earlier`` files.

    Each learner's results are exactly what their exported file would hold. Learners
    read from the database before are replaced by what they hold now, so reading
    again brings the report up to date. Safe off the GUI thread.
    """
    fresh = database_results(database, class_learner_ids(database, class_name), now=now)
    renewed = {f.learner_id for f in fresh}
    kept = [f for f in earlier if not (f.source == DATABASE_SOURCE and f.learner_id in renewed)]
    files = [*kept, *fresh]
    return files, build_class_report(files, now=now) if files else None


def _name(source: str) -> str:
    if source == DATABASE_SOURCE:
        return DATABASE_LABEL
    return Path(source).name or source


def _wrap_heading(title: str) -> str:
    return "\n".join(textwrap.wrap(title, TOPIC_HEADING_CHARS, break_long_words=False)) or title


# -- table rows -----------------------------------------------------------------------------


def learner_cells(
    learner: LearnerResult, titles: Sequence[str], *, dark: bool
) -> list[QStandardItem]:
    """A learner's row: name, mean score, answers, then mastery and accuracy per topic."""
    row = [
        figure_item(learner.name, learner.name.casefold(), align_right=False),
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
    text = f"{percent_text(cell.mastery)}\n{percent_text(cell.accuracy)} right"
    spoken = (
        f"{name}, {title}: mastery {percent_text(cell.mastery)}, accuracy "
        f"{percent_text(cell.accuracy)} over {_plural(cell.answers, 'answer')}"
    )
    item = figure_item(
        text,
        NO_VALUE if cell.mastery is None else cell.mastery,
        spoken=spoken,
        tooltip=f"Mastery {percent_text(cell.mastery)}; {percent_text(cell.accuracy)} of "
        f"{_plural(cell.answers, 'answer')} right; {cell.seen} questions seen",
    )
    if cell.mastery is not None:
        background, foreground = heat_colours(cell.mastery, dark=dark)
        item.setBackground(QBrush(background))
        item.setForeground(QBrush(foreground))
    return item


def question_cells(question: QuestionReport, *, dark: bool) -> list[QStandardItem]:
    """A question's row of the item analysis."""
    prompt = question.prompt + (" (retired)" if question.retired else "")
    facility = question.facility_pct
    facility_item = figure_item(
        "—" if facility is None else f"{round(facility)} %",
        NO_VALUE if facility is None else facility,
        spoken="no answers" if facility is None else None,
        tooltip="The mean score on this question (Moodle's facility index)",
    )
    if facility is not None:
        background, foreground = heat_colours(facility / 100, dark=dark)
        facility_item.setBackground(QBrush(background))
        facility_item.setForeground(QBrush(foreground))
    discrimination = question.discrimination_pct
    wrong = wrong_choice_text(question) or (
        "—" if question.type in ("multiple_choice", "multi_select") else "not a choice question"
    )
    return [
        figure_item(prompt, prompt.casefold(), align_right=False, tooltip=question.question_id),
        figure_item(question.topic_title, question.topic_title.casefold(), align_right=False),
        figure_item(str(question.learners), question.learners),
        facility_item,
        figure_item(
            "—" if discrimination is None else f"{round(discrimination)} %",
            NO_VALUE - 200 if discrimination is None else discrimination,
            spoken="not enough learners to tell" if discrimination is None else None,
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
    ("Wrong choices picked", "Each wrong choice, how often it was picked and by how many"),
)
FILE_HEADERS = (
    ("Learner", "The learner named in the file"),
    ("File", "The results file"),
    ("Exported", "When the learner exported it, or when it was read from the database"),
    ("In the report", "Whether the file counts, and why not when it does not"),
)


# -- the screen -----------------------------------------------------------------------------


class ClassReportScreen(QWidget):
    """Gathers results files into a class report, shows it, and saves it as CSV or PDF."""

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner if runner is not None else TaskRunner(self)
        self._folder = Path.home()
        self._busy = False
        self._redraw_queued = False
        self.files: list[ResultsFile] = []
        self.report: ClassReport | None = None
        self.hardest_labels: list[QLabel] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.page = FiguresPage()
        outer.addWidget(self.page)
        body = self.page.body
        body.addWidget(heading("Class report", 1))
        body.addWidget(
            text_label(
                "For teachers: see how a class is doing on each topic and each question. "
                "Read a class whose learners study here (on this computer, or on the school "
                "server you are signed in to) as it is now, or gather the results files your "
                "learners exported, or both. Nothing is stored: the report is made afresh "
                "each time.",
                "muted",
            )
        )
        # A flowing row: at a large text size the button goes under the choice instead of
        # widening the page.
        self.class_row = QWidget()
        class_line = FlowRow(self.class_row)
        class_line.setContentsMargins(0, 0, 0, 0)
        self.class_choice = QComboBox()
        self.class_choice.setAccessibleName("Class")
        self.class_choice.setAccessibleDescription(
            "A class whose learners study on this database"
            + (" (the classes you teach)" if services.database.server else "")
        )
        class_label = QLabel("&Which class:")
        class_label.setBuddy(self.class_choice)
        self.read_class_button = push_button(
            "Read from the data&base",
            description="Read the chosen class's answers as they are now; again to update",
        )
        self.read_class_button.clicked.connect(self.read_chosen_class)
        chooser = QWidget()
        pair = QHBoxLayout(chooser)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.addWidget(class_label)
        pair.addWidget(self.class_choice)
        class_line.addWidget(chooser)
        class_line.addWidget(self.read_class_button)
        body.addWidget(self.class_row)
        self.class_note = text_label("", "small")
        self.class_note.hide()
        body.addWidget(self.class_note)
        actions = FlowRow()
        self.add_button = push_button(
            "&Add results files…",
            description="Choose one or more results files exported by your learners",
        )
        self.add_button.clicked.connect(self.choose_and_add)
        self.clear_button = push_button(
            "Start &over", description="Remove every file from the report"
        )
        self.clear_button.clicked.connect(self.clear)
        self.csv_button = push_button(
            "Save C&SV…",
            description="Save the learner table and the question table as two CSV files "
            "for a spreadsheet",
        )
        self.csv_button.clicked.connect(self.choose_and_save_csv)
        self.pdf_button = push_button(
            "Save &PDF…", description="Save the whole report as a PDF to print or share"
        )
        self.pdf_button.clicked.connect(self.choose_and_save_pdf)
        self.page_size = QComboBox()
        self.page_size.addItems([label for label, _size in PAGE_SIZE_CHOICES])
        self.page_size.setAccessibleName("PDF page size")
        self.page_size.setAccessibleDescription("The paper size of the saved PDF")
        size_label = QLabel("Page si&ze")
        size_label.setBuddy(self.page_size)
        sized = QWidget()
        pair = QHBoxLayout(sized)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.addWidget(size_label)
        pair.addWidget(self.page_size)
        for widget in (self.add_button, self.clear_button, self.csv_button, self.pdf_button, sized):
            actions.addWidget(widget)
        body.addLayout(actions)

        self.busy = BusyRow()
        self.busy_bar, self.busy_label = self.busy.bar, self.busy.label
        body.addWidget(self.busy)

        self.result = ResultPanel()
        body.addWidget(self.result)

        self.empty_state = Card()
        self.empty_state.setAccessibleName("No results files yet")
        self.empty_state.body.addWidget(heading("No results files yet", 2))
        self.empty_state.body.addWidget(
            text_label(
                "Choose a class above and Read from the database to see its learners as "
                "they are now. For learners who study elsewhere, ask each to export their "
                "results in crisisquiz (File ▸ Export my results…) and send you the file. "
                "Then choose Add results files… and pick them all at once. Files from "
                "different computers and pack versions fit together."
            )
        )
        body.addWidget(self.empty_state)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(16)
        self.content.hide()
        body.addWidget(self.content)
        self._build_report(content)
        body.addStretch(1)
        self._update_buttons()
        self.refresh_classes()

    def _build_report(self, content: QVBoxLayout) -> None:
        self.overview = text_label("", "strong")
        self.overview.setAccessibleName("Report overview")
        content.addWidget(self.overview)

        files = self._card(content, "Files")
        self.files_table = FigureTable("Results files")
        self.files_table.set_headers(FILE_HEADERS)
        self.files_table.set_column_layout(3, minimum_chars=20)
        files.body.addWidget(self.files_table)

        learners = self._card(content, "Learners and topics")
        learners.body.addWidget(
            text_label(
                "Each cell: the learner's mastery of the topic (how much of it they would "
                "recall now), and under it the share of their answers that were right. The "
                "colour follows mastery, from red (low) through amber to green (high). A dash: "
                "not started.",
                "small",
            )
        )
        self.learners_table = FigureTable("Learners and topics")
        self.learners_table.setAccessibleDescription(
            "One row per learner, one column per topic: mastery and accuracy in each cell"
        )
        learners.body.addWidget(self.learners_table)

        weakest = self._card(content, "Weakest topics")
        self.weakest_label = text_label("")
        self.weakest_label.setAccessibleDescription("Weakest topics")
        weakest.body.addWidget(self.weakest_label)

        hardest = self._card(content, "Hardest questions")
        hardest.body.addWidget(
            text_label(
                "The questions with the lowest facility among those two learners or more "
                "answered, hardest first.",
                "small",
            )
        )
        self.hardest_box = QVBoxLayout()
        self.hardest_box.setSpacing(10)
        hardest.body.addLayout(self.hardest_box)

        questions = self._card(content, "Every question answered")
        self.questions_note = text_label("", "small")
        questions.body.addWidget(self.questions_note)
        self.questions_table = FigureTable("Every question answered")
        self.questions_table.setAccessibleDescription(
            "One row per question: learners, facility, discrimination and wrong choices picked"
        )
        self.questions_table.set_headers(QUESTION_HEADERS)
        self.questions_table.set_column_layout(0, minimum_chars=24, widths={1: 14, 5: 30})
        self.questions_table.set_max_lines(32)
        questions.body.addWidget(self.questions_table)

    @staticmethod
    def _card(content: QVBoxLayout, title: str) -> Card:
        card = Card()
        card.setAccessibleName(title)
        card.body.addWidget(heading(title, 2))
        content.addWidget(card)
        return card

    def initial_focus(self) -> QWidget:
        """The control to focus when the screen is shown: the class, when there is one."""
        return self.class_choice if self.class_choice.count() else self.add_button

    # -- reading a class from the database --------------------------------------------------

    def refresh_classes(self) -> None:
        """List the classes this database shows, in the background."""
        self._runner.run(
            lambda: class_names(self._services.database),
            self._show_classes,
            lambda error: self._show_classes([], problem=connection_problem(error) or str(error)),
        )

    def _show_classes(self, names: Sequence[str], *, problem: str | None = None) -> None:
        if not shiboken6.isValid(self):
            return
        chosen = self.class_choice.currentText()
        self.class_choice.clear()
        self.class_choice.addItems(list(names))
        if chosen in names:
            self.class_choice.setCurrentText(chosen)
        self.class_row.setVisible(bool(names))
        self.class_note.setVisible(not names)
        if problem is not None:
            self.class_note.setText(f"The classes could not be listed: {problem}")
        elif not names:
            self.class_note.setText(
                "No class to read here: "
                + (
                    "you teach none on this server yet (the school's administrator adds "
                    "them with 'crisisquiz server teach')."
                    if self._services.database.server
                    else "make one with 'crisisquiz class add' to read its learners from "
                    "this computer."
                )
            )
        self._update_buttons()

    def read_chosen_class(self) -> None:
        """Read the chosen class from the database (again, to bring it up to date)."""
        name = self.class_choice.currentText()
        if self._busy or not name:
            return
        database = self._services.database
        now = self._services.clock()
        earlier = tuple(self.files)
        self._start(f"Reading the class {name}…")
        self._runner.run(
            lambda: read_class(database, name, earlier, now=now),
            lambda outcome: self._class_read(name, now, *outcome),
            self._failed(f"The class {name} was not read", "Nothing changed; try again."),
        )

    def _class_read(
        self, name: str, now: datetime, files: list[ResultsFile], report: ClassReport | None
    ) -> None:
        if not self._finish():
            return
        self.files = files
        self.report = report
        self._show_report()
        read = sum(1 for f in files if f.source == DATABASE_SOURCE)
        moment = _exported_text(now, self._services.tz)
        self.result.show_success(
            f"Class {name} read",
            f"Read {_plural(read, 'learner')} from the database as of {moment}; the report "
            f"now counts {_plural(len(report.learners) if report else 0, 'learner')}. Read "
            "again to bring it up to date.",
        )
        self.result.dismiss_button.setFocus()

    @property
    def working(self) -> bool:
        """Whether files are being read or the report saved."""
        return self._busy

    # -- adding files ---------------------------------------------------------------------

    def choose_and_add(self) -> None:
        """Ask for results files (several at once) and add them."""
        if self._busy:
            return
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Add results files", str(self._folder), RESULTS_FILTER
        )
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Read ``paths`` in the background and rebuild the report with them."""
        if self._busy or not paths:
            return
        self._folder = paths[0].parent
        known = {str(Path(f.source).resolve()) for f in self.files}
        fresh: list[Path] = []
        again: list[str] = []
        for path in paths:
            key = str(path.resolve())
            if key in known:
                again.append(path.name)
            else:
                known.add(key)
                fresh.append(path)
        earlier = tuple(self.files)
        now = self._services.clock()
        self._start(f"Reading {_plural(len(fresh), 'file')}…")
        self._runner.run(
            lambda: load_files(fresh, earlier, now=now),
            lambda outcome: self._added(outcome, again),
            self._failed("The files were not added", "Nothing changed; try adding them again."),
        )

    def _added(self, outcome: LoadOutcome, again: Sequence[str]) -> None:
        if not self._finish():
            return
        self.files += outcome.added
        self.report = outcome.report
        self._show_report()
        notes = self._notes(outcome, again)
        added = f"Added {_plural(len(outcome.added), 'file')}"
        if outcome.report is not None:
            added += f"; the report now counts {_plural(len(outcome.report.learners), 'learner')}"
        added += "."
        if outcome.refused:
            count = len(outcome.refused)
            self.result.show_failure(
                f"{_plural(count, 'file')} could not be used",
                f"{added} "
                + (
                    "This file was refused for the reason below"
                    if count == 1
                    else "These files were refused, each for the reason listed below"
                )
                + "; the others are in the report. Ask the learner to export their results "
                "again, then add the new file." + (f" {notes}" if notes else ""),
                outcome.refused,
            )
            self.result.issues.setAccessibleName("Files refused")
            self.result.issues.setFocus()
            return
        self.result.show_success("Files added", f"{added} {notes}".strip())
        self.result.dismiss_button.setFocus()

    def _notes(self, outcome: LoadOutcome, again: Sequence[str]) -> str:
        notes = [f"{name} was added already, so it counts once." for name in again]
        new_sources = {f.source for f in outcome.added}
        skipped = outcome.report.skipped if outcome.report is not None else ()
        notes += [
            f"{_name(s.source)} is left out: it is {self._short(s.reason)}, and a file given "
            "twice counts once."
            if s.file_id in {str(f.file_id) for f in self.files if f.source != s.source}
            else f"{_name(s.source)} is left out: it is {self._short(s.reason)}."
            for s in skipped
            if s.source in new_sources
        ]
        return " ".join(notes)

    def _short(self, reason: str) -> str:
        # The core names files by their full path; the table shows names (the path is in
        # the File column's tooltip), so the reasons do too.
        for f in sorted(self.files, key=lambda f: -len(f.source)):
            reason = reason.replace(f.source, _name(f.source))
        return reason

    def clear(self) -> None:
        """Remove every file and start a new report."""
        if self._busy:
            return
        self.files = []
        self.report = None
        self.result.hide()
        self._show_report()
        self.add_button.setFocus()

    # -- showing --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """Recolour the heat-coloured cells when the theme changes."""
        if event.type() == QEvent.Type.PaletteChange and not self._redraw_queued:
            self._redraw_queued = True
            QTimer.singleShot(0, self, self._redraw)
        super().changeEvent(event)

    def _redraw(self) -> None:
        self._redraw_queued = False
        if self.report is not None:
            self._show_report()

    def _show_report(self) -> None:
        report = self.report
        self.empty_state.setVisible(report is None)
        self.content.setVisible(report is not None)
        self._update_buttons()
        if report is None:
            return
        dark = palette_is_dark(self.palette())
        answered = [q for q in report.questions if q.learners]
        self.overview.setText(
            f"{_plural(len(report.learners), 'learner')}, {_plural(len(report.topics), 'topic')}, "
            f"{_plural(len(answered), 'question')} answered."
        )
        self._show_files(report)
        titles = [t.title for t in report.topics]
        self.learners_table.set_headers(
            [
                *LEARNER_HEADERS,
                *(
                    (_wrap_heading(t.title), f"{t.title}: mastery, then accuracy")
                    for t in report.topics
                ),
            ]
        )
        self.learners_table.set_column_layout(0, minimum_chars=12)
        self.learners_table.set_rows([learner_cells(x, titles, dark=dark) for x in report.learners])
        self.weakest_label.setText(
            "\n".join(
                f"{i}. {t.topic.title}: mean mastery {percent_text(t.mean_mastery)}, mean "
                f"accuracy {percent_text(t.mean_accuracy)} ({_plural(t.learners, 'learner')})"
                for i, t in enumerate(report.weakest_topics, 1)
            )
            or f"None yet: a topic is ranked once {report.min_learners} learners have started it."
        )
        self._show_hardest(report.hardest)
        unanswered = len(report.questions) - len(answered)
        self.questions_note.setText(
            "Facility: the mean score on the question, coloured red (hard) to green (easy). "
            "Discrimination: whether learners who do well overall also do well here; low or "
            "negative values point to a question worth a second look."
            + (
                f" {_plural(unanswered, 'question')} nobody answered "
                f"{'is' if unanswered == 1 else 'are'} not listed."
                if unanswered
                else ""
            )
        )
        self.questions_table.set_rows([question_cells(q, dark=dark) for q in answered])

    def _show_hardest(self, hardest: Sequence[QuestionReport]) -> None:
        clear_layout(self.hardest_box)
        self.hardest_labels = []
        if not hardest:
            self.hardest_box.addWidget(
                text_label(
                    "None yet: a question is ranked once "
                    f"{self.report.min_learners if self.report else 5} learners have answered it."
                )
            )
            return
        for rank, q in enumerate(hardest, 1):
            discrimination = (
                "—" if q.discrimination_pct is None else f"{round(q.discrimination_pct)} %"
            )
            prompt = text_label(f"{rank}. {q.prompt}", "strong")
            details = text_label(
                f"{q.topic_title} · facility {round(q.facility_pct or 0)} % · discrimination "
                f"{discrimination} · {_plural(q.learners, 'learner')}",
                "muted",
            )
            prompt.setAccessibleDescription(details.text())
            self.hardest_box.addWidget(prompt)
            self.hardest_box.addWidget(details)
            self.hardest_labels.append(prompt)

    def _show_files(self, report: ClassReport) -> None:
        skipped = {s.source: s for s in report.skipped}
        rows = []
        for f in self.files:
            left_out = skipped.get(f.source)
            status = "✓ Used" if left_out is None else f"✗ Left out: {self._short(left_out.reason)}"
            exported = _exported_text(f.data.exported_at, self._services.tz)
            rows.append(
                [
                    figure_item(f.learner, f.learner.casefold(), align_right=False),
                    figure_item(
                        _name(f.source), _name(f.source), align_right=False, tooltip=f.source
                    ),
                    figure_item(exported, f.data.exported_at.timestamp(), align_right=False),
                    figure_item(status, status, align_right=False),
                ]
            )
        self.files_table.set_rows(rows)

    # -- saving ---------------------------------------------------------------------------

    def _suggested(self, suffix: str) -> Path:
        day = self._services.clock().astimezone(self._services.tz).date()
        return self._folder / f"class-report-{day.isoformat()}{suffix}"

    def choose_and_save_csv(self) -> None:
        """Ask where to save the CSV files, then write them in the background."""
        if self._busy or self.report is None:
            return
        path_text, _filter = QFileDialog.getSaveFileName(
            self, "Save the class report as CSV", str(self._suggested(".csv")), CSV_FILTER
        )
        if path_text:
            path = Path(path_text)
            if path.suffix.lower() != ".csv":
                path = path.with_name(path.name + ".csv")
            self.save_csv(path)

    def save_csv(self, path: Path) -> None:
        """Write the learner and question tables as CSV beside ``path`` in the background."""
        report = self.report
        if self._busy or report is None:
            return
        self._folder = path.parent
        self._start(f"Saving {path.name}…")
        self._runner.run(
            lambda: write_class_csv(report, path),
            self._csv_saved,
            self._failed(f"{path.name} was not saved", "Choose another folder and save again."),
        )

    def _csv_saved(self, paths: tuple[Path, Path, Path]) -> None:
        if not self._finish():
            return
        learners, questions, _answers = paths
        self.result.show_success(
            "CSV files saved",
            f"Saved the learner table to {learners} and the question table to {questions}.",
        )
        self.result.dismiss_button.setFocus()

    def chosen_page_size(self) -> str:
        """The page size picked for the PDF ("a4" or "letter")."""
        return PAGE_SIZE_CHOICES[self.page_size.currentIndex()][1]

    def choose_and_save_pdf(self) -> None:
        """Ask where to save the PDF, then write it in the background."""
        if self._busy or self.report is None:
            return
        path_text, _filter = QFileDialog.getSaveFileName(
            self, "Save the class report as PDF", str(self._suggested(".pdf")), PDF_FILTER
        )
        if path_text:
            path = Path(path_text)
            if path.suffix.lower() != ".pdf":
                path = path.with_name(path.name + ".pdf")
            self.save_pdf(path, self.chosen_page_size())

    def save_pdf(self, path: Path, page_size: str) -> None:
        """Write the report as a PDF at ``path`` in the background."""
        report = self.report
        if self._busy or report is None:
            return
        if page_size not in PAGE_SIZES:
            raise ValueError(f"unknown page size {page_size!r}")
        size: PageSizeName = "a4" if page_size == "a4" else "letter"
        label = next(text for text, value in PAGE_SIZE_CHOICES if value == size)
        now = self._services.clock()
        self._folder = path.parent
        self._start(f"Saving {path.name}…")
        self._runner.run(
            lambda: write_class_report_pdf(report, path, page_size=size, generated_at=now),
            lambda pages: self._pdf_saved(path, int(pages), label),
            self._failed(f"{path.name} was not saved", "Choose another folder and save again."),
        )

    def _pdf_saved(self, path: Path, pages: int, size: str) -> None:
        if not self._finish():
            return
        self.result.show_success(
            "PDF saved", f"Saved the class report ({_plural(pages, 'page')}, {size}) to {path}."
        )
        self.result.dismiss_button.setFocus()

    # -- busy state and errors ------------------------------------------------------------

    def _start(self, what: str) -> None:
        self._busy = True
        self.busy_label.setText(what)
        self.busy.show()
        self.result.hide()
        self._update_buttons()

    def _finish(self) -> bool:
        # The window may have been closed while the job ran.
        if not shiboken6.isValid(self):
            return False
        self._busy = False
        self.busy.hide()
        self._update_buttons()
        return True

    def _failed(self, title: str, advice: str) -> Callable[[Exception], None]:
        def show(error: Exception) -> None:
            if not self._finish():
                return
            lost = connection_problem(error) or permission_problem(error)
            if lost is not None:
                reason = lost.rstrip(".")
            elif isinstance(error, ReportPdfError | ResultsError | ClassError):
                reason = str(error)
            elif isinstance(error, OSError):
                where = f"{error.filename}: " if error.filename else ""
                reason = f"{where}{error.strerror or error}"
            else:
                reason = f"Something went wrong: {error}"
            self.result.show_failure(title, f"{reason[:1].upper()}{reason[1:]}. {advice}")
            self.result.dismiss_button.setFocus()

        return show

    def _update_buttons(self) -> None:
        has_report = self.report is not None
        buttons: list[tuple[QPushButton | QComboBox, bool]] = [
            (self.add_button, True),
            (self.clear_button, bool(self.files)),
            (self.csv_button, has_report),
            (self.pdf_button, has_report),
            (self.page_size, True),
            (self.read_class_button, self.class_choice.count() > 0),
            (self.class_choice, self.class_choice.count() > 0),
        ]
        for widget, wanted in buttons:
            widget.setEnabled(wanted and not self._busy)


def _exported_text(moment: datetime, tz: tzinfo) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(tz)
    return f"{local.day} {local:%b %Y, %H:%M}"
