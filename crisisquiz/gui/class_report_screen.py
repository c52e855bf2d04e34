"""Class report: a teacher sees a class per topic and question, and opens any learner or question.

A class whose learners study on this database (this computer's file, or a school
server the teacher is signed in to) is read straight from it, as it is now, with
*Read from the database*; reading again brings the report up to date. On a server,
PostgreSQL shows a teacher the learners of the classes they teach and no others, so
the screen offers those classes. Results files of learners who study elsewhere are
added beside it. The report can be limited to one pack and to answers from a day on
(this week, say). A learner's row or a question's row opens its drill-down (every
answer, weakest questions and topics; each learner's answers and the commonest
wrong typed answers).

The database is read, files are read and the report is built off the GUI thread. A
file that is not a valid results file is refused with the core's message (which
names the file and the problem); the other files are still used. A file given
twice counts once, as the core decides, and the screen says so. The report can be
saved as three CSV files and as a PDF (A4 or Letter), also in the background.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

import shiboken6
from PySide6.QtCore import QDate, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
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
    QuestionReport,
    build_class_report,
)
from crisisquiz.core.class_report_tables import (
    scope_line,
    write_class_csv,
)
from crisisquiz.core.class_sources import class_learner_ids, database_results, installed_texts
from crisisquiz.core.classes import ClassError, ClassService
from crisisquiz.core.packs import PackService
from crisisquiz.core.results import ResultsError, ResultsFile, load_results
from crisisquiz.gui.charts import (
    FiguresPage,
    FigureTable,
    figure_item,
    palette_is_dark,
    percent_text,
)
from crisisquiz.gui.class_report_detail import learner_dialog, question_dialog
from crisisquiz.gui.class_report_rows import (
    FILE_HEADERS,
    LEARNER_HEADERS,
    QUESTION_HEADERS,
    ROW_KEY_ROLE,
    learner_cells,
    question_cells,
    wrap_heading,
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
# The periods offered, and the key each one is known by.
PERIOD_CHOICES: tuple[tuple[str, str], ...] = (
    ("Every answer", "all"),
    ("This week (from Monday)", "week"),
    ("The last 30 days", "30"),
    ("From a day you choose", "day"),
)
EVERY_PACK = "Every pack"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class ReportScope:
    """What the report is on: one pack (None: every pack), answers since (None: every one)."""

    pack_id: str | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class LoadOutcome:
    """What adding files did: the files read, the ones refused (the core's messages), the report."""

    added: tuple[ResultsFile, ...]
    refused: tuple[str, ...]
    report: ClassReport | None


def build_report(
    files: Sequence[ResultsFile], *, now: datetime, scope: ReportScope = ReportScope()
) -> ClassReport | None:
    """The report of ``files`` for the pack and period chosen (None without files)."""
    if not files:
        return None
    return build_class_report(files, now=now, since=scope.since, pack_id=scope.pack_id)


def load_files(
    paths: Sequence[Path],
    earlier: Sequence[ResultsFile],
    *,
    now: datetime,
    database: Database | None = None,
    scope: ReportScope = ReportScope(),
) -> LoadOutcome:
    """Read ``paths`` and build the report from them and ``earlier`` (safe off the GUI thread).

    A file that cannot be read or is not a valid results file is refused with its
    message; the others are used. With a ``database`` the files are also checked
    against the pack versions it has had.
    """
    installed = installed_texts(database) if database is not None and paths else None
    added: list[ResultsFile] = []
    refused: list[str] = []
    for path in paths:
        try:
            added.append(load_results(path, installed=installed))
        except ResultsError as exc:
            refused.append(str(exc))
    report = build_report([*earlier, *added], now=now, scope=scope)
    return LoadOutcome(tuple(added), tuple(refused), report)


def period_start(choice: str, today: date, chosen: date, tz: tzinfo) -> datetime | None:
    """The first moment of the period ``choice`` names (local midnight), None for every answer."""
    if choice == "all":
        return None
    if choice == "week":
        first = today - timedelta(days=today.weekday())
    elif choice == "30":
        first = today - timedelta(days=29)
    else:
        first = chosen
    return datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)


# What the file column shows for learners read from the database instead of a file:
# on a school server it is not this computer's.
DATABASE_LABEL = "read from the database"


def class_names(database: Database) -> list[str]:
    """The classes this database shows its user (on a school server: those they teach)."""
    return [info.name for info in ClassService(database).list()]


def read_class(
    database: Database,
    class_name: str,
    earlier: Sequence[ResultsFile],
    *,
    now: datetime,
    scope: ReportScope = ReportScope(),
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
    return files, build_report(files, now=now, scope=scope)


def pack_choices(database: Database) -> list[tuple[str, str]]:
    """The installed packs as (id, title), to report on one of them."""
    return [(pack.id, pack.title) for pack in PackService(database).list_packs()]


def _name(source: str) -> str:
    if source == DATABASE_SOURCE:
        return DATABASE_LABEL
    return Path(source).name or source


# -- the screen -----------------------------------------------------------------------------


class ClassReportScreen(QWidget):
    """A class report from this computer's classes and results files; saved as CSV or PDF."""

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
        self._rebuild_queued = False
        self.files: list[ResultsFile] = []  # results files, and learners read from the database
        self._pending_class: str | None = None  # to read once the classes are listed
        self.refused: list[str] = []  # the messages of the files refused, for the PDF
        self.report: ClassReport | None = None
        self.hardest_labels: list[QLabel] = []
        self.detail: QDialog | None = None  # the drill-down open now

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
        body.addWidget(self._build_scope())
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
            "Save CS&V…",
            description="Save the learner table, the question table and every answer as "
            "three CSV files for a spreadsheet",
        )
        self.csv_button.clicked.connect(self.choose_and_save_csv)
        self.pdf_button = push_button(
            "Save P&DF…", description="Save the whole report as a PDF to print or share"
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
        self.empty_state.setAccessibleName("Nothing to report yet")
        self.empty_title = heading("Nothing to report yet", 2)
        self.empty_state.body.addWidget(self.empty_title)
        self.empty_text = text_label("")
        self.empty_state.body.addWidget(self.empty_text)
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

    def _build_scope(self) -> QWidget:
        """The class to read, then the pack and period the report is on."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        # Flowing rows: at a large text size a control goes under the one before instead
        # of widening the page.
        self.class_row = QWidget()
        class_line = FlowRow(self.class_row)
        class_line.setContentsMargins(0, 0, 0, 0)
        self.class_choice = QComboBox()
        # Filled after the screen is built: the box grows to its longest name then.
        self.class_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.class_choice.setAccessibleName("Class")
        self.class_choice.setAccessibleDescription(
            "A class whose learners study on this database"
            + (" (the classes you teach)" if self._services.database.server else "")
        )
        self.read_class_button = push_button(
            "Read from the data&base",
            description="Read the chosen class's answers as they are now; again to update",
        )
        self.read_class_button.clicked.connect(self.read_chosen_class)
        class_line.addWidget(_labelled("&Which class:", self.class_choice))
        class_line.addWidget(self.read_class_button)
        column.addWidget(self.class_row)
        self.class_note = text_label("", "small")
        self.class_note.hide()
        column.addWidget(self.class_note)

        self.pack_choice = QComboBox()
        self.pack_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pack_choice.setAccessibleName("Pack")
        self.pack_choice.setAccessibleDescription("Report on every pack or on one")
        self.pack_choice.addItem(EVERY_PACK, None)
        self.period_choice = QComboBox()
        self.period_choice.addItems([label for label, _key in PERIOD_CHOICES])
        self.period_choice.setAccessibleName("Answers from")
        self.period_choice.setAccessibleDescription(
            "Which answers count for accuracy, the item analysis and the answers listed; "
            "mastery always counts every answer"
        )
        self.first_day = QDateEdit()
        self.first_day.setCalendarPopup(True)
        self.first_day.setDisplayFormat("yyyy-MM-dd")
        self.first_day.setAccessibleName("First day")
        self.first_day.setAccessibleDescription("Answers from this day on count")
        today = self._services.clock().astimezone(self._services.tz).date()
        self.first_day.setDate(QDate(today.year, today.month, today.day))
        self.first_day.hide()
        filters = QWidget()
        filter_line = FlowRow(filters)
        filter_line.setContentsMargins(0, 0, 0, 0)
        filter_line.addWidget(_labelled("&Pack", self.pack_choice))
        filter_line.addWidget(_labelled("Answers &since", self.period_choice, self.first_day))
        column.addWidget(filters)
        self.pack_choice.activated.connect(lambda _i: self.rebuild())
        self.period_choice.activated.connect(lambda _i: self._period_chosen())
        self.first_day.dateChanged.connect(lambda _d: self.rebuild())
        return holder

    # -- the classes and packs offered ----------------------------------------------------

    def refresh_classes(self) -> None:
        """List the classes and packs this database shows, in the background."""
        database = self._services.database
        self._runner.run(
            lambda: (class_names(database), pack_choices(database)),
            lambda found: self._show_classes(*found),
            lambda error: self._show_classes(
                [], [], problem=connection_problem(error) or str(error)
            ),
        )

    def _show_classes(
        self,
        names: Sequence[str],
        packs: Sequence[tuple[str, str]],
        *,
        problem: str | None = None,
    ) -> None:
        if not shiboken6.isValid(self):
            return
        chosen = self._pending_class or self.class_choice.currentText()
        self.class_choice.clear()
        self.class_choice.addItems(list(names))
        if chosen in names:
            self.class_choice.setCurrentText(chosen)
        chosen_pack = self.chosen_pack()
        self.pack_choice.clear()
        self.pack_choice.addItem(EVERY_PACK, None)
        for pack_id, title in packs:
            self.pack_choice.addItem(title, pack_id)
        index = self.pack_choice.findData(chosen_pack) if chosen_pack else 0
        self.pack_choice.setCurrentIndex(max(0, index))
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
                    else "make one with Teacher ▸ Classes… to read its learners from this computer."
                )
            )
        self._update_buttons()
        pending, self._pending_class = self._pending_class, None
        if pending is not None and pending in names:
            self.read_chosen_class()

    def choose_class(self, name: str) -> None:
        """Read the class ``name`` (once the classes are listed again: it may be new)."""
        self._pending_class = name
        self.refresh_classes()

    def chosen_class(self) -> str | None:
        """The class chosen to read from the database (None when there is none)."""
        return self.class_choice.currentText() or None

    def chosen_pack(self) -> str | None:
        """The one pack reported on (None: every pack)."""
        value = self.pack_choice.currentData() if self.pack_choice.count() else None
        return str(value) if value else None

    def chosen_since(self) -> datetime | None:
        """The start of the period reported on (None: every answer)."""
        tz = self._services.tz
        key = PERIOD_CHOICES[max(0, self.period_choice.currentIndex())][1]
        today = self._services.clock().astimezone(tz).date()
        picked = self.first_day.date()
        return period_start(key, today, date(picked.year(), picked.month(), picked.day()), tz)

    def scope(self) -> ReportScope:
        """The pack and period chosen."""
        return ReportScope(self.chosen_pack(), self.chosen_since())

    # -- reading a class from the database ------------------------------------------------

    def read_chosen_class(self) -> None:
        """Read the chosen class from the database (again, to bring it up to date)."""
        name = self.class_choice.currentText()
        if self._busy or not name:
            return
        database, scope = self._services.database, self.scope()
        now = self._services.clock()
        earlier = tuple(self.files)
        self._start(f"Reading the class {name}…")
        self._runner.run(
            lambda: read_class(database, name, earlier, now=now, scope=scope),
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

    def _period_chosen(self) -> None:
        key = PERIOD_CHOICES[max(0, self.period_choice.currentIndex())][1]
        self.first_day.setVisible(key == "day")
        self.rebuild()

    def _build_report(self, content: QVBoxLayout) -> None:
        self.overview = text_label("", "strong")
        self.overview.setAccessibleName("Report overview")
        content.addWidget(self.overview)

        files = self._card(content, "Sources")
        self.files_table = FigureTable("Sources")
        self.files_table.set_headers(FILE_HEADERS)
        self.files_table.set_column_layout(3, minimum_chars=16, widths={1: 18})
        files.body.addWidget(self.files_table)

        learners = self._card(content, "Learners and topics")
        learners.body.addWidget(
            text_label(
                "Each cell: the learner's mastery of the topic (how much of it they would "
                "recall a week from the report's date), and under it the share of their answers "
                "in the period that were right. The "
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
        self.learner_button = push_button(
            "&Learner's answers…",
            description="Every answer of the learner chosen in the table, with their weakest "
            "questions and topics (or press Enter on their row)",
        )
        self.learner_button.clicked.connect(self.open_learner)
        learners.body.addWidget(self.learner_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.learners_table.activated.connect(lambda _index: self.open_learner())
        self.learners_table.selectionModel().currentRowChanged.connect(
            lambda *_args: self._update_buttons()
        )

        weakest = self._card(content, "Weakest topics")
        self.weakest_label = text_label("")
        self.weakest_label.setAccessibleDescription("Weakest topics")
        weakest.body.addWidget(self.weakest_label)

        hardest = self._card(content, "Hardest questions")
        self.hardest_note = text_label("", "small")
        hardest.body.addWidget(self.hardest_note)
        self.hardest_box = QVBoxLayout()
        self.hardest_box.setSpacing(10)
        hardest.body.addLayout(self.hardest_box)

        questions = self._card(content, "Every question answered")
        self.questions_note = text_label("", "small")
        questions.body.addWidget(self.questions_note)
        self.questions_table = FigureTable("Every question answered")
        self.questions_table.setAccessibleDescription(
            "One row per question: learners, facility, discrimination and wrong answers"
        )
        self.questions_table.set_headers(QUESTION_HEADERS)
        self.questions_table.set_column_layout(0, minimum_chars=24, widths={1: 14, 5: 30})
        self.questions_table.set_max_lines(32)
        questions.body.addWidget(self.questions_table)
        self.question_button = push_button(
            "&Question's answers…",
            description="Each learner's answers to the question chosen in the table and the "
            "commonest wrong answers (or press Enter on its row)",
        )
        self.question_button.clicked.connect(self.open_question)
        questions.body.addWidget(self.question_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.questions_table.activated.connect(lambda _index: self.open_question())
        self.questions_table.selectionModel().currentRowChanged.connect(
            lambda *_args: self._update_buttons()
        )

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

    # -- drill-down -----------------------------------------------------------------------

    @staticmethod
    def _row_key(table: FigureTable) -> object:
        current = table.currentIndex()
        if not current.isValid():
            return None
        return table.proxy.index(current.row(), 0).data(ROW_KEY_ROLE)

    def open_learner(self) -> None:
        """Open the chosen learner's answers, weakest questions and weakest topics."""
        key = self._row_key(self.learners_table)
        if self.report is None or not isinstance(key, int):
            return
        self._open_detail(learner_dialog(self.report, key, self._services.tz, self))

    def open_question(self) -> None:
        """Open each learner's answers to the chosen question and the commonest wrong ones."""
        key = self._row_key(self.questions_table)
        if self.report is None or not isinstance(key, str):
            return
        pack_id, question_id = key.split("\n", 1)
        dialog = question_dialog(self.report, (pack_id, question_id), self._services.tz, self)
        self._open_detail(dialog)

    def _open_detail(self, dialog: QDialog) -> None:
        back = QApplication.focusWidget()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._detail_closed(back))
        self.detail = dialog
        dialog.open()

    def _detail_closed(self, back: QWidget | None) -> None:
        # Back to the row the teacher opened, keyboard and all.
        self.detail = None
        if not shiboken6.isValid(self):
            return
        self.window().activateWindow()
        if back is not None and shiboken6.isValid(back) and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

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
        database, scope = self._services.database, self.scope()
        self._start(f"Reading {_plural(len(fresh), 'file')}…")
        self._runner.run(
            lambda: load_files(fresh, earlier, now=now, database=database, scope=scope),
            lambda outcome: self._added(outcome, again),
            self._failed("The files were not added", "Nothing changed; try adding them again."),
        )

    def rebuild(self) -> None:
        """Build the report again for the pack and period chosen (in the background)."""
        if self._busy:
            # Asked again once the job running now is done, with the latest choices.
            self._rebuild_queued = True
            return
        self._rebuild_queued = False
        files = tuple(self.files)
        now, scope = self._services.clock(), self.scope()
        if not files:
            self.report = None
            self._show_report()
            return
        self._start("Making the report…")
        self._runner.run(
            lambda: build_report(files, now=now, scope=scope),
            self._rebuilt,
            self._failed("The report was not made", "Choose again to try once more."),
        )

    def _rebuilt(self, report: ClassReport | None) -> None:
        if not self._finish():
            return
        self.report = report
        self._show_report()

    def _added(self, outcome: LoadOutcome, again: Sequence[str]) -> None:
        if not self._finish():
            return
        self.files += outcome.added
        self.refused += outcome.refused
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
        """Remove every file and every learner read, and start a new report."""
        if self._busy:
            return
        self.files = []
        self.refused = []
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
            self._show_empty()
            return
        dark = palette_is_dark(self.palette())
        answered = [q for q in report.questions if q.learners]
        # The same words as the terminal, the CSV and the PDF say (core.class_report_tables).
        self.overview.setText(scope_line(report, self._services.tz) + ".")
        self._show_files(report)
        titles = [t.title for t in report.topics]
        self.learners_table.set_headers(
            [
                *LEARNER_HEADERS,
                *(
                    (wrap_heading(t.title), f"{t.title}: mastery, then accuracy")
                    for t in report.topics
                ),
            ]
        )
        self.learners_table.set_column_layout(0, minimum_chars=12)
        self.learners_table.set_rows(
            [learner_cells(x, titles, dark=dark, index=i) for i, x in enumerate(report.learners)]
        )
        enough = report.min_learners
        self.weakest_label.setText(
            "\n".join(
                f"{i}. {t.topic.title}: mean mastery {percent_text(t.mean_mastery)}, mean "
                f"accuracy {percent_text(t.mean_accuracy)} ({_plural(t.learners, 'learner')})"
                for i, t in enumerate(report.weakest_topics, 1)
            )
            or f"None yet: a topic is ranked once {enough} learners have started it."
        )
        self.hardest_note.setText(
            f"The questions with the lowest facility among those {enough} learners or more "
            "answered, hardest first: with fewer, the figures say more about the few "
            "learners than about the question."
        )
        self._show_hardest(report.hardest)
        unanswered = len(report.questions) - len(answered)
        self.questions_note.setText(
            "Facility: the mean score on the question, coloured red (hard) to green (easy). "
            "Discrimination: whether learners who do well overall also do well here; low or "
            f"negative values point to a question worth a second look. Both need {enough} "
            'learners; with fewer the table says "too few answers".'
            + (
                f" {_plural(unanswered, 'question')} nobody answered "
                f"{'is' if unanswered == 1 else 'are'} not listed."
                if unanswered
                else ""
            )
        )
        self.questions_table.set_rows([question_cells(q, dark=dark) for q in answered])
        self._update_buttons()

    def _show_empty(self) -> None:
        self.empty_title.setText("Nothing to report yet")
        self.empty_text.setText(
            "Choose a class above and Read from the database to see its learners as they "
            "are now (Teacher ▸ Classes… makes a class of this computer's learners). For "
            "learners who study elsewhere, ask each to export their results in crisisquiz "
            "(File ▸ Export my results…) and send you the file; then choose Add results "
            "files… and pick them all at once. Files from different computers and pack "
            "versions fit together."
        )

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
                        _name(f.source),
                        _name(f.source),
                        align_right=False,
                        tooltip="Read from the database: nothing to collect"
                        if f.source == DATABASE_SOURCE
                        else f.source,
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
        learners, questions, answers = paths
        self.result.show_success(
            "CSV files saved",
            f"Saved the learner table to {learners}, the question table to {questions} and "
            f"every answer to {answers}.",
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
        now, tz = self._services.clock(), self._services.tz
        refused = [_refusal(message) for message in self.refused]
        self._folder = path.parent
        self._start(f"Saving {path.name}…")
        self._runner.run(
            lambda: write_class_report_pdf(
                report, path, page_size=size, generated_at=now, tz=tz, refused=refused
            ),
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
        if self._rebuild_queued:
            # A choice changed while the job ran: the report follows it once this is shown.
            QTimer.singleShot(0, self, self.rebuild)
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
            (self.learner_button, has_report and self.learners_table.currentIndex().isValid()),
            (self.question_button, has_report and self.questions_table.currentIndex().isValid()),
            (self.csv_button, has_report),
            (self.pdf_button, has_report),
            (self.page_size, True),
            (self.read_class_button, self.class_choice.count() > 0),
            (self.class_choice, self.class_choice.count() > 0),
        ]
        for widget, wanted in buttons:
            widget.setEnabled(wanted and not self._busy)


def _refusal(message: str) -> tuple[str, str]:
    """A refused file's message as (file, reason), as the PDF lists them."""
    source, _sep, reason = message.partition(": ")
    return (source, reason) if reason else ("a results file", message)


def _labelled(text: str, *widgets: QWidget) -> QWidget:
    """A label with a mnemonic for the first of ``widgets``, and the widgets, on one line."""
    pair = QWidget()
    line = QHBoxLayout(pair)
    line.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(widgets[0])
    line.addWidget(label)
    for widget in widgets:
        line.addWidget(widget)
    return pair


def _exported_text(moment: datetime, tz: tzinfo) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(tz)
    return f"{local.day} {local:%b %Y, %H:%M}"
