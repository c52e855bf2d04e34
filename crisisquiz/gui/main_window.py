"""The main window: navigation on the left, one screen at a time on the right, the menus.

Home, Settings and Progress belong to the current learner, Packs and the class
report to the window. Only Home is built at start, the others when first opened,
so the window shows sooner. Study and Quiz screens are created when the learner
starts one and removed when they leave it (their ``closed`` signal), after which
Home is shown, refreshed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid as shiboken_alive

from crisisquiz import __version__
from crisisquiz.core.learners import Learner, LearnerError
from crisisquiz.core.study import STUDY_MORE
from crisisquiz.core.topic_keys import TopicKey
from crisisquiz.gui.accessibility import install_accessibility
from crisisquiz.gui.feedback_panel import READ_SHORTCUT
from crisisquiz.gui.home_screen import HomeScreen
from crisisquiz.gui.learner_dialog import LearnerPickerDialog, ManageLearnersDialog
from crisisquiz.gui.questions.stage import QuestionStage
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.gui.wheel_guard import install_wheel_guard
from crisisquiz.gui.widgets import Page, heading, push_button, show_error, text_label
from crisisquiz.gui.worker import TaskRunner

if TYPE_CHECKING:
    # The screens not shown at start are imported when first opened.
    from crisisquiz.core.draft_store import DraftSummary
    from crisisquiz.gui.class_report_screen import ClassReportScreen
    from crisisquiz.gui.editor.launcher import EditorLauncher, PackChooser
    from crisisquiz.gui.packs_screen import PacksScreen
    from crisisquiz.gui.settings_screen import SettingsScreen

PROGRESS_MODULE = "crisisquiz.gui.progress_screen"
PROGRESS_UNAVAILABLE = "Progress is not available yet"


class Screen(StrEnum):
    """The places the navigation leads to."""

    HOME = "Home"
    STUDY = "Study"
    QUIZ = "Quiz"
    PROGRESS = "Progress"
    PACKS = "Packs"
    SETTINGS = "Settings"


# Shortcut, mnemonic label and what the place is for (tooltips, screen readers).
_NAVIGATION: tuple[tuple[Screen, str, str, str], ...] = (
    (Screen.HOME, "Ctrl+1", "&Home", "What is due today and how well you know each topic"),
    (Screen.STUDY, "Ctrl+2", "&Study", "Answer the questions that are due and new ones"),
    (Screen.QUIZ, "Ctrl+3", "&Quiz", "A scored test that leaves your schedule alone"),
    (Screen.PROGRESS, "Ctrl+4", "&Progress", "Your scores per topic over time"),
    (Screen.PACKS, "Ctrl+5", "P&acks", "Import, export and remove question packs"),
    (Screen.SETTINGS, "Ctrl+6", "S&ettings", "Study settings, theme and text size"),
)
IMPORT_SHORTCUT = "Ctrl+I"
NEW_PACK_SHORTCUT = "Ctrl+N"
EXPORT_RESULTS_SHORTCUT = "Ctrl+E"
CLASS_REPORT_SHORTCUT = "Ctrl+R"
CLASSES_SHORTCUT = "Ctrl+Shift+C"
SWITCH_LEARNER_SHORTCUT = "Ctrl+L"
EXAM_DATE_SHORTCUT = "Ctrl+T"  # T for test: Ctrl+D and Ctrl+E are taken


def progress_screen_available() -> bool:
    """Whether this build has the Progress screen."""
    return importlib.util.find_spec(PROGRESS_MODULE) is not None


def _native(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, in one list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts — crisisquiz")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 16)
        page = Page()
        layout.addWidget(page, 1)
        page.body.addWidget(heading("Keyboard shortcuts", 1))
        has_progress = progress_screen_available()
        rows = [
            (
                _native(keys),
                label.replace("&", "")
                + ("" if has_progress or screen is not Screen.PROGRESS else " (not available yet)"),
            )
            for screen, keys, label, _purpose in _NAVIGATION
        ]
        rows += [
            (_native(IMPORT_SHORTCUT), "Import a pack"),
            (_native(NEW_PACK_SHORTCUT), "Write a new pack (for teachers)"),
            (_native(EXPORT_RESULTS_SHORTCUT), "Export my results for a teacher"),
            (_native(CLASS_REPORT_SHORTCUT), "Class report (for teachers)"),
            (_native(CLASSES_SHORTCUT), "Classes: their learners and packs (for teachers)"),
            (_native(SWITCH_LEARNER_SHORTCUT), "Switch learner"),
            (_native(EXAM_DATE_SHORTCUT), "Set, change or remove an exam date"),
            (
                _native(READ_SHORTCUT),
                "Read first: study guides and timeline (after an answer: its topic)",
            ),
            (_native("F1"), "This list"),
            (_native("Ctrl+Q"), "Quit"),
            ("Tab, Shift+Tab", "Move to the next or previous control"),
            ("Space, Enter", "Press the focused button"),
            ("Alt + underlined letter", "Jump to that button or field"),
            ("Alt or F10", "Open the menus"),
        ]
        # One label per cell: plain word-wrapped labels always get the height they need.
        listing = QWidget()
        grid = QGridLayout(listing)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        for row, (keys, what) in enumerate(rows):
            grid.addWidget(text_label(keys, "strong"), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text_label(what), row, 1, Qt.AlignmentFlag.AlignTop)
        listing.setAccessibleName("Keyboard shortcuts")
        listing.setAccessibleDescription("; ".join(f"{keys}: {what}" for keys, what in rows))
        page.body.addWidget(listing)
        page.body.addWidget(
            text_label("The Study and Quiz screens show their own keys on their buttons.", "muted")
        )
        page.body.addStretch(1)
        close = push_button("Close", description="Close this list")
        close.clicked.connect(self.accept)
        close.setDefault(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 24, 0)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.page = page
        self._fit_to_contents(buttons)

    def _fit_to_contents(self, buttons: QHBoxLayout) -> None:
        """As big as the whole list needs, up to nine tenths of the screen (then it scrolls)."""
        column = self.page.column
        column.adjustSize()
        room = self.screen().availableGeometry()
        line = self.fontMetrics().height()
        # The list's columns need at least this width; the text wraps to it.
        width = max(column.sizeHint().width(), line * 30)
        bar = self.page.verticalScrollBar().sizeHint().width()
        width = min(width + bar, room.width() * 9 // 10)
        inner = min(width, column.maximumWidth())
        page_height = column.heightForWidth(inner) if column.hasHeightForWidth() else -1
        if page_height < 0:
            page_height = column.sizeHint().height()
        outer = self.layout()
        spacing = outer.spacing() if outer is not None else 0
        bottom = outer.contentsMargins().bottom() if outer is not None else 0
        height = page_height + spacing + buttons.sizeHint().height() + bottom
        self.resize(width, min(height + 2 * self.page.frameWidth(), room.height() * 9 // 10))


class MainWindow(QMainWindow):
    """The app window for one learner at a time.

    Signing in to a school server, or out of it, changes the database under every
    screen: the window asks for it with :attr:`connect_requested` and
    :attr:`sign_out_requested`, and the app opens a new window on the new database.
    """

    connect_requested = Signal()
    sign_out_requested = Signal()
    # File ▸ Backups… ▸ Restore: the app puts the backup in place and opens a new window.
    restore_requested = Signal(object)

    def __init__(
        self,
        services: Services,
        appearance: Appearance,
        learner: Learner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_wheel_guard(app)
            install_accessibility(app)
        self._services = services
        self._appearance = appearance
        self._learner = learner
        self._stats = services.stats
        self.runner = TaskRunner(self)
        self.study_screen: QWidget | None = None
        self._study_topics: tuple[TopicKey, ...] = ()
        self.quiz_screen: QWidget | None = None
        self.mistakes_screen: QWidget | None = None
        self.progress_screen: QWidget | None = None
        self.class_report: ClassReportScreen | None = None
        self.classes_dialog: QDialog | None = None
        self.unlock_dialog: QDialog | None = None
        # The learner the Teacher menu was opened for with the passphrase (see _as_teacher).
        self._teacher_open_for: int | None = None
        self.learner_picker: LearnerPickerDialog | None = None
        self.learner_manager: ManageLearnersDialog | None = None
        self.reading_dialog: QDialog | None = None
        self.backups_dialog: QDialog | None = None
        self.resize(1024, 768)

        self.nav_buttons: dict[Screen, QPushButton] = {}
        self.nav_actions: dict[Screen, QAction] = {}
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_navigation())
        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._packs: PacksScreen | None = None
        self._settings: SettingsScreen | None = None
        self.home: HomeScreen
        self._editors: EditorLauncher | None = None
        self.pack_chooser: QDialog | None = None
        self.exam_dialog: QDialog | None = None
        self._build_menus()
        self._build_learner_screens()
        self.stack.currentChanged.connect(lambda _index: self._mark_navigation())
        self._show_learner()
        self.go(Screen.HOME)
        # Drafts a crash or a closed editor left are offered back once the window shows.
        QTimer.singleShot(0, self._offer_drafts)

    # -- building -------------------------------------------------------------------------

    def _build_navigation(self) -> QFrame:
        nav = QFrame()
        nav.setObjectName("navigation")
        nav.setAccessibleName("Navigation")
        layout = QVBoxLayout(nav)
        layout.setContentsMargins(12, 16, 12, 16)
        layout.setSpacing(4)
        title = heading("crisisquiz", 2)
        title.setWordWrap(False)
        layout.addWidget(title)
        layout.addSpacing(12)
        has_progress = progress_screen_available()
        for screen, keys, label, purpose in _NAVIGATION:
            # No mnemonic on the buttons: Alt+H and the like belong to the menu bar.
            button = push_button(label.replace("&", ""), name=screen.value, description=purpose)
            button.setProperty("role", "nav")
            # Not checkable: a screen reader then read the places as six check boxes.
            # The current place is marked by a property (for the style) and in words.
            button.setProperty("current", False)
            button.setToolTip(f"{purpose} ({_native(keys)})")
            button.setAccessibleDescription(f"{purpose}. Shortcut: {_native(keys)}")
            button.setProperty("purpose", f"{purpose}. Shortcut: {_native(keys)}")
            button.clicked.connect(lambda _checked=False, s=screen: self.go(s))
            if screen is Screen.PROGRESS and not has_progress:
                button.setEnabled(False)
                button.setAccessibleDescription(PROGRESS_UNAVAILABLE)
                button.setToolTip(PROGRESS_UNAVAILABLE)
            self.nav_buttons[screen] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.server_label = text_label("", "small")
        self.server_label.setAccessibleDescription("School server")
        self.server_label.hide()
        layout.addWidget(self.server_label)
        self.learner_label = text_label("", "small")
        self.learner_label.setAccessibleDescription("Current learner")
        layout.addWidget(self.learner_label)
        switch = push_button(
            "Switch learner…",
            description="Study as someone else",
        )
        switch.setToolTip(f"Study as someone else ({_native(SWITCH_LEARNER_SHORTCUT)})")
        switch.clicked.connect(self.open_learner_picker)
        layout.addWidget(switch)
        self.switch_button = switch
        layout.addSpacing(8)
        layout.addWidget(text_label(f"{_native('F1')}: keyboard shortcuts", "small"))
        return nav

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = QAction("&Import pack…", self)
        self.import_action.setShortcut(QKeySequence(IMPORT_SHORTCUT))
        self.import_action.triggered.connect(self.import_pack)
        self.import_action.setEnabled(self._services.can_manage_packs)
        file_menu.addAction(self.import_action)
        self.export_results_action = QAction("&Export my results…", self)
        self.export_results_action.setShortcut(QKeySequence(EXPORT_RESULTS_SHORTCUT))
        self.export_results_action.setStatusTip("Save your answers as a results file for a teacher")
        self.export_results_action.triggered.connect(self.export_results)
        self.export_results_action.setEnabled(progress_screen_available())
        file_menu.addAction(self.export_results_action)
        self.backups_action = QAction("&Backups…", self)
        self.backups_action.setStatusTip("See your data's backups, make one now, or restore one")
        self.backups_action.triggered.connect(self.open_backups)
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        self.connect_action = QAction("Co&nnect to a school server…", self)
        self.connect_action.setStatusTip("Sign in to your school's server to keep progress there")
        self.connect_action.triggered.connect(self.connect_requested)
        file_menu.addAction(self.connect_action)
        self.sign_out_action = QAction("Sign &out of the school server", self)
        self.sign_out_action.setStatusTip("Go back to this computer's own data")
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        file_menu.addAction(self.sign_out_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = bar.addMenu("&Go")
        self.read_action = QAction("&Read first: guides and timeline", self)
        self.read_action.setShortcut(QKeySequence(READ_SHORTCUT))
        self.read_action.setStatusTip(
            "Each topic's study guide and the timeline; after an answer, that topic's guide"
        )
        self.read_action.triggered.connect(self.read_first)
        has_progress = progress_screen_available()
        for screen, keys, label, purpose in _NAVIGATION:
            action = QAction(label, self)
            action.setShortcut(QKeySequence(keys))
            action.setStatusTip(purpose)
            action.triggered.connect(lambda _checked=False, s=screen: self.go(s))
            if screen is Screen.PROGRESS and not has_progress:
                action.setEnabled(False)
                action.setText(f"{label} (not available yet)")
            go_menu.addAction(action)
            self.nav_actions[screen] = action
        go_menu.addSeparator()
        go_menu.addAction(self.read_action)

        learner_menu = bar.addMenu("&Learner")
        switch = QAction("&Switch learner…", self)
        switch.setShortcut(QKeySequence(SWITCH_LEARNER_SHORTCUT))
        switch.triggered.connect(self.open_learner_picker)
        learner_menu.addAction(switch)
        manage = QAction("&Manage learners…", self)
        manage.triggered.connect(self.open_learner_manager)
        learner_menu.addAction(manage)
        self.exam_action = QAction("&Exam date…", self)
        self.exam_action.setShortcut(QKeySequence(EXAM_DATE_SHORTCUT))
        self.exam_action.triggered.connect(self.set_exam_date)
        learner_menu.addAction(self.exam_action)
        self.learner_actions = (switch, manage)

        packs_menu = bar.addMenu("Pac&ks")  # Alt+P opens a question's picture
        self.new_pack_action = QAction("&New pack…", self)
        self.new_pack_action.setShortcut(QKeySequence(NEW_PACK_SHORTCUT))
        self.new_pack_action.setStatusTip("Write a new question pack in the pack editor")
        self.new_pack_action.triggered.connect(lambda: self.editors.new_pack())
        packs_menu.addAction(self.new_pack_action)
        self.edit_pack_action = QAction("&Edit a pack…", self)
        self.edit_pack_action.setStatusTip(
            "Change an installed pack; learners see it when you publish"
        )
        self.edit_pack_action.triggered.connect(self.choose_pack_to_edit)
        self.edit_pack_action.setEnabled(self._services.can_manage_packs)
        packs_menu.addAction(self.edit_pack_action)
        self.edit_file_action = QAction("&Open a file to edit…", self)
        self.edit_file_action.setStatusTip(
            "Open a pack file, or a quiz from Moodle, Anki, Quizlet or a spreadsheet, to edit"
        )
        self.edit_file_action.triggered.connect(lambda: self.editors.edit_file())
        packs_menu.addAction(self.edit_file_action)
        self.drafts_action = QAction("&Unfinished packs…", self)
        self.drafts_action.triggered.connect(lambda: self.editors.offer_drafts())
        packs_menu.addAction(self.drafts_action)
        packs_menu.addSeparator()
        packs_menu.addAction(self.import_action)

        teacher_menu = bar.addMenu("Teache&r")  # Alt+T belongs to Theme and Time limit
        self.class_report_action = QAction("&Class report…", self)
        self.class_report_action.setShortcut(QKeySequence(CLASS_REPORT_SHORTCUT))
        self.class_report_action.setStatusTip(
            "A class's report from this computer, or from learners' results files"
        )
        self.class_report_action.triggered.connect(lambda: self._as_teacher(self.open_class_report))
        teacher_menu.addAction(self.class_report_action)
        self.classes_action = QAction("C&lasses…", self)
        self.classes_action.setShortcut(QKeySequence(CLASSES_SHORTCUT))
        self.classes_action.setStatusTip("Group this computer's learners into classes")
        self.classes_action.triggered.connect(lambda: self._as_teacher(self.open_classes))
        teacher_menu.addAction(self.classes_action)
        teacher_menu.addSeparator()
        self.passphrase_action = QAction("Teacher &passphrase…", self)
        self.passphrase_action.setStatusTip("Keep the Teacher menu for whoever knows a passphrase")
        self.passphrase_action.triggered.connect(lambda: self._as_teacher(self.open_passphrase))
        # On a school server the accounts decide who sees what; no passphrase is kept.
        self.passphrase_action.setEnabled(self._services.database.server is None)
        teacher_menu.addAction(self.passphrase_action)

        help_menu = bar.addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setShortcut(QKeySequence(Qt.Key.Key_F1))
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("&About crisisquiz", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_learner_screens(self) -> None:
        """(Re)create Home for the current learner (its other screens follow on first use)."""
        self.home = HomeScreen(self._services, self._stats, self._learner.id)
        self.home.set_shortcut_hints(_native("Ctrl+2"), _native("Ctrl+3"))
        self.home.set_read_hint(_native(READ_SHORTCUT))
        self.home.set_exam_hint(_native(EXAM_DATE_SHORTCUT))
        self.home.read_requested.connect(self.read_first)
        self.home.study_requested.connect(self.start_study)
        self.home.more_requested.connect(lambda topics, extra: self.start_study(topics, extra))
        self.home.mistakes_requested.connect(self.review_todays_mistakes)
        self.home.exam_requested.connect(self.set_exam_date)
        self.home.quiz_requested.connect(self.start_quiz)
        self.stack.insertWidget(0, self.home)

    @property
    def packs(self) -> PacksScreen:
        """The Packs screen, built on first use."""
        if self._packs is None:
            from crisisquiz.gui.packs_screen import PacksScreen

            self._packs = PacksScreen(self._services, self.runner)
            self._packs.set_import_shortcut_hint(_native(IMPORT_SHORTCUT))
            self._packs.packs_changed.connect(self._packs_changed)
            self._packs.new_pack_requested.connect(lambda: self.editors.new_pack())
            self._packs.edit_requested.connect(lambda pack_id: self.editors.edit_installed(pack_id))
            self._packs.edit_file_requested.connect(lambda: self.editors.edit_file())
            self._packs.draft_requested.connect(lambda draft_id: self.editors.resume(draft_id))
            self._packs.set_drafts_source(self._unopened_drafts)
            self.stack.addWidget(self._packs)
        return self._packs

    @property
    def settings(self) -> SettingsScreen:
        """The current learner's Settings screen, built on first use."""
        if self._settings is None:
            from crisisquiz.gui.settings_screen import SettingsScreen

            self._settings = SettingsScreen(self._services, self._appearance, self._learner.id)
            self._settings.learner_updated.connect(self._learner_changed)
            self._settings.progress_reset.connect(self._progress_reset)
            self.stack.addWidget(self._settings)
        return self._settings

    def _ensure_progress_screen(self) -> QWidget | None:
        """The Progress screen, built on first use; None when this build has none."""
        if self.progress_screen is None and progress_screen_available():
            module: Any = importlib.import_module(PROGRESS_MODULE)
            self.progress_screen = module.ProgressScreen(
                self._services, self._learner, runner=self.runner
            )
            self.stack.addWidget(self.progress_screen)
        return self.progress_screen

    def _drop_learner_screens(self) -> None:
        for screen in (self.home, self._settings, self.progress_screen):
            if screen is not None:
                self.stack.removeWidget(screen)
                screen.deleteLater()
        self._settings = None
        self.progress_screen = None

    # -- navigation -----------------------------------------------------------------------

    @property
    def learner(self) -> Learner:
        """The learner using the window."""
        return self._learner

    def current_screen(self) -> Screen | None:
        """Which navigation place is showing."""
        current = self.stack.currentWidget()
        places: list[tuple[QWidget | None, Screen]] = [
            (self.home, Screen.HOME),
            (self.study_screen, Screen.STUDY),
            (self.mistakes_screen, Screen.STUDY),
            (self.quiz_screen, Screen.QUIZ),
            (self.progress_screen, Screen.PROGRESS),
            (self._packs, Screen.PACKS),
            (self._settings, Screen.SETTINGS),
        ]
        return next((place for widget, place in places if widget is current), None)

    def go(self, screen: Screen) -> None:
        """Show ``screen`` (starting a study session or quiz if none is open)."""
        if screen is Screen.HOME:
            self.home.refresh()
            self._show(self.home)
        elif screen is Screen.STUDY:
            if self.study_screen is not None and not self._study_finished():
                self._show(self.study_screen)
            else:
                self.start_study(())
        elif screen is Screen.QUIZ:
            if self.quiz_screen is not None:
                self._show(self.quiz_screen)
            else:
                self.start_quiz()
        elif screen is Screen.PROGRESS:
            progress = self._ensure_progress_screen()
            if progress is not None:
                refresh = getattr(progress, "refresh", None)
                if callable(refresh):
                    refresh()
                self._show(progress)
        elif screen is Screen.PACKS:
            self.packs.refresh()
            self._show(self.packs)
        else:
            self.settings.refresh()
            self._show(self.settings)

    def _show(self, widget: QWidget) -> None:
        self.stack.setCurrentWidget(widget)
        self._mark_navigation()
        self._focus_into(widget)

    def _mark_navigation(self) -> None:
        # Marked by hand rather than by an exclusive button group: in a group Tab would
        # reach only the checked button, and every place must be one Tab away.
        place = self.current_screen()
        for screen, button in self.nav_buttons.items():
            current = screen is place
            if button.property("current") == current:
                continue
            button.setProperty("current", current)
            purpose = str(button.property("purpose") or "")
            if button.isEnabled():
                button.setAccessibleDescription(
                    f"Current screen. {purpose}" if current else purpose
                )
            style = button.style()
            style.unpolish(button)
            style.polish(button)

    @staticmethod
    def _focus_into(widget: QWidget) -> None:
        """Put the keyboard focus on the screen's first control, so Tab starts there."""
        initial = getattr(widget, "initial_focus", None)
        target = initial() if callable(initial) else None
        if isinstance(target, QWidget) and target.isVisibleTo(widget) and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        candidate = widget.nextInFocusChain()
        while candidate is not None and candidate is not widget and widget.isAncestorOf(candidate):
            if (
                candidate.isVisibleTo(widget)
                and candidate.isEnabled()
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                candidate.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            candidate = candidate.nextInFocusChain()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- study and quiz -------------------------------------------------------------------

    def start_study(self, topics: Sequence[TopicKey] = (), extra_new: int = 0) -> None:
        """Open a study session, on ``topics`` only when given; ``extra_new`` new questions
        beyond today's limit ("study more")."""
        from crisisquiz.gui.study_screen import StudyScreen  # written alongside; loaded on use

        wanted = tuple(topics)
        if self.study_screen is not None:
            # Back to the session in progress; a finished one (its summary on show) gives
            # way to a new session, which may hold questions that have come due since.
            if wanted == self._study_topics and not self._study_finished() and not extra_new:
                self._show(self.study_screen)
                return
            self._discard(self.study_screen)
        self._discard_mistakes()
        learner = self._services.learners.get(self._learner.id)
        screen = StudyScreen(self._services, learner, wanted, extra_new=extra_new)
        screen.closed.connect(lambda: self._activity_closed(screen))
        screen.more_requested.connect(lambda: self.start_study((), extra_new=STUDY_MORE))
        screen.mistakes_requested.connect(self.review_todays_mistakes)
        screen.stage.read_requested.connect(self.open_reading)
        self.study_screen = screen
        self._study_topics = wanted
        self.stack.addWidget(screen)
        self._show(screen)

    def set_exam_date(self) -> None:
        """Set, move or remove the learner's exam date (Home's exam button)."""
        from crisisquiz.gui.exam_dialog import ExamDialog

        if self.exam_dialog is not None:
            return  # already open
        dialog = ExamDialog(self._services, self._learner.id, self)
        self.exam_dialog = dialog

        def done(_result: int) -> None:
            self.exam_dialog = None
            if dialog.changed and self.current_screen() is Screen.HOME:
                self.home.refresh()
                self.home.exam_button.setFocus(Qt.FocusReason.OtherFocusReason)

        dialog.finished.connect(done)
        dialog.open()

    def review_todays_mistakes(self) -> None:
        """Review my mistakes: today's wrong answers in study, again until right."""
        ids = self._services.mistakes.today(self._learner.id, now=self._services.clock())
        self.start_mistakes(ids, "Review my mistakes: today's")

    def review_quiz_mistakes(self, attempt_id: int) -> None:
        """Review my mistakes: a quiz's wrong answers, again until right."""
        self.start_mistakes(
            self._services.mistakes.in_quiz(attempt_id), "Review my mistakes: this quiz's"
        )

    def start_mistakes(self, question_ids: Sequence[int], title: str) -> None:
        """Open a review of these questions (see :mod:`crisisquiz.gui.mistakes_screen`)."""
        from crisisquiz.gui.mistakes_screen import MistakesScreen

        self._discard_mistakes()
        screen = MistakesScreen(self._services, question_ids, title)
        screen.closed.connect(lambda: self._activity_closed(screen))
        self.mistakes_screen = screen
        self.stack.addWidget(screen)
        self._show(screen)

    def _discard_mistakes(self) -> None:
        if self.mistakes_screen is not None:
            self._discard(self.mistakes_screen)

    def _study_finished(self) -> bool:
        """Whether the open study session has ended on its summary."""
        return bool(getattr(self.study_screen, "showing_summary", False))

    def start_quiz(self) -> None:
        """Open the quiz screen (or return to the quiz in progress)."""
        from crisisquiz.gui.quiz_screen import QuizScreen  # written alongside; loaded on use

        if self.quiz_screen is not None:
            self._show(self.quiz_screen)
            return
        learner = self._services.learners.get(self._learner.id)
        screen = QuizScreen(self._services, learner)
        screen.closed.connect(lambda: self._activity_closed(screen))
        screen.mistakes_requested.connect(self._quiz_mistakes)
        screen.stage.read_requested.connect(self.open_reading)
        self.quiz_screen = screen
        self.stack.addWidget(screen)
        self._show(screen)

    def _quiz_mistakes(self, attempt_id: int) -> None:
        # The quiz is over (its results were on show): it gives way to the review.
        if self.quiz_screen is not None:
            self._discard(self.quiz_screen)
        self.review_quiz_mistakes(attempt_id)

    def _activity_closed(self, screen: QWidget) -> None:
        self._discard(screen)
        self.go(Screen.HOME)

    def _discard(self, screen: QWidget) -> None:
        # A quiz left half-way is kept as abandoned, never as a finished score.
        abandon = getattr(screen, "abandon_if_running", None)
        if callable(abandon):
            abandon()
        if screen is self.study_screen:
            self.study_screen = None
            self._study_topics = ()
        if screen is self.quiz_screen:
            self.quiz_screen = None
        if screen is self.mistakes_screen:
            self.mistakes_screen = None
        self.stack.removeWidget(screen)
        screen.deleteLater()

    # -- packs ----------------------------------------------------------------------------

    def import_pack(self) -> None:
        """File ▸ Import pack: show the Packs screen and ask for a file."""
        self.go(Screen.PACKS)
        self.packs.choose_and_import()

    @property
    def editors(self) -> EditorLauncher:
        """What opens the pack editor's windows, made on first use."""
        if self._editors is None:
            from crisisquiz.gui.editor.launcher import EditorLauncher

            self._editors = EditorLauncher(self._services, self.runner, self)
            self._editors.published.connect(self._pack_published)
            self._editors.drafts_changed.connect(self._drafts_changed)
        return self._editors

    def _offer_drafts(self) -> None:
        # Asking the store is cheap; the editor is loaded only when there is a draft.
        if self._services.drafts.summaries():
            self.editors.offer_drafts()

    def _unopened_drafts(self) -> list[DraftSummary]:
        if self._editors is None:
            return self._services.drafts.summaries()
        return self._editors.stored_drafts()

    def choose_pack_to_edit(self) -> None:
        """Packs ▸ Edit a pack: choose an installed pack (or a file) to edit."""
        from crisisquiz.gui.editor.launcher import PackChooser

        chooser = PackChooser(self._services.packs.list_packs(), self)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.accepted.connect(lambda: self._pack_chosen(chooser))
        self.pack_chooser = chooser
        chooser.open()

    def _pack_chosen(self, chooser: PackChooser) -> None:
        if chooser.open_file:
            self.editors.edit_file()
        elif chooser.pack_id is not None:
            self.editors.edit_installed(chooser.pack_id)

    def _pack_published(self, _result: object) -> None:
        self._packs_changed()
        if self._packs is not None:
            self._packs.refresh()
        if self.current_screen() is Screen.HOME:
            self.home.refresh()

    def _drafts_changed(self) -> None:
        if self._packs is not None:
            self._packs.show_drafts()

    def _packs_changed(self) -> None:
        # An open session or quiz may hold questions that were just removed or retired;
        # the next one is built from what is installed now.
        for screen in (self.study_screen, self.quiz_screen, self.mistakes_screen):
            if screen is not None:
                self._discard(screen)

    # -- results and class report ---------------------------------------------------------

    def export_results(self) -> None:
        """File ▸ Export my results: show the Progress screen and ask where to save."""
        export = getattr(self._ensure_progress_screen(), "choose_and_export", None)
        if not callable(export):
            return
        self.go(Screen.PROGRESS)
        export()

    def _as_teacher(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the teacher passphrase is typed right (at once when none is set).

        Typed once, it holds for this learner until the window closes: switching
        learner asks for it again.
        """
        from crisisquiz.core.teacher_lock import TeacherLock

        lock = TeacherLock(self._services.database)
        if not lock.is_set() or self._teacher_open_for == self._learner.id:
            then()
            return
        from crisisquiz.gui.teacher_passphrase import UnlockDialog

        dialog = UnlockDialog(lock, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        learner_id = self._learner.id

        def opened() -> None:
            self._teacher_open_for = learner_id
            then()

        dialog.accepted.connect(opened)
        dialog.finished.connect(lambda _result: self._unlock_closed())
        self.unlock_dialog = dialog
        dialog.open()

    def _unlock_closed(self) -> None:
        self.unlock_dialog = None
        self.activateWindow()

    def open_class_report(self, class_name: str | None = None) -> None:
        """Teacher ▸ Class report: the class report screen, with the files added so far.

        ``class_name`` reads that class from the database.
        """
        if self.class_report is None:
            from crisisquiz.gui.class_report_screen import ClassReportScreen

            self.class_report = ClassReportScreen(self._services, runner=self.runner)
            self.stack.addWidget(self.class_report)
        if class_name is not None:
            self.class_report.choose_class(class_name)
        self._show(self.class_report)

    def open_classes(self) -> None:
        """Teacher ▸ Classes: add classes, put learners in them, choose their packs."""
        from crisisquiz.gui.classes_dialog import ClassesDialog

        dialog = ClassesDialog(self._services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.report_requested.connect(self.open_class_report)
        dialog.finished.connect(lambda _result: self._classes_closed())
        self.classes_dialog = dialog
        dialog.open()

    def _classes_closed(self) -> None:
        self.classes_dialog = None
        # The keys come back to the window (to the class report when it was asked for).
        self.activateWindow()
        if self.class_report is not None:
            # Classes may have been added, renamed or removed (read one again to update it).
            self.class_report.refresh_classes()
        # What a learner is offered follows their classes.
        self.home.refresh()

    def open_passphrase(self) -> None:
        """Teacher ▸ Teacher passphrase: set, change or remove it."""
        from crisisquiz.core.teacher_lock import TeacherLock
        from crisisquiz.gui.teacher_passphrase import PassphraseDialog

        dialog = PassphraseDialog(TeacherLock(self._services.database), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._passphrase_changed(dialog.outcome))
        self.unlock_dialog = dialog
        dialog.finished.connect(lambda _result: self._unlock_closed())
        dialog.open()

    def _passphrase_changed(self, outcome: str) -> None:
        # Whoever just set it knows it: the Teacher menu stays open for them.
        self._teacher_open_for = self._learner.id if outcome == "set" else None
        self.statusBar().showMessage(
            "Teacher passphrase kept: the Teacher menu now asks for it."
            if outcome == "set"
            else "Teacher passphrase removed: the Teacher menu opens for anyone.",
            8000,
        )

    # -- learners -------------------------------------------------------------------------

    def _show_learner(self) -> None:
        name = self._learner.name
        server = self._services.database.server
        signed_in = self._services.account is not None
        if server is None:
            self.setWindowTitle(f"{name} — crisisquiz")
        else:
            self.setWindowTitle(f"{name} — {server.database} on the school server — crisisquiz")
            self.server_label.setText(f"School server: {server.label}")
        self.server_label.setVisible(server is not None)
        self.connect_action.setEnabled(server is None)
        self.sign_out_action.setEnabled(server is not None)
        # A school account studies as its own learner; others are not theirs to pick.
        self.switch_button.setVisible(not signed_in)
        for action in self.learner_actions:
            action.setEnabled(not signed_in)
        self.learner_label.setText(f"Studying as {name}")

    def set_learner(self, learner: Learner) -> None:
        """Make ``learner`` the one using the window; open sessions of the last one close."""
        if learner.id == self._learner.id:
            self._learner = learner
            self._show_learner()
            return
        for screen in (self.study_screen, self.quiz_screen, self.mistakes_screen):
            if screen is not None:
                self._discard(screen)
        self._drop_learner_screens()
        self._learner = learner
        self._build_learner_screens()
        self._show_learner()
        self.go(Screen.HOME)

    def open_learner_picker(self) -> None:
        """Learner ▸ Switch learner: choose or create the learner to study as."""
        dialog = LearnerPickerDialog(self._services, self, current_id=self._learner.id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._picked(dialog))
        dialog.finished.connect(lambda _result: self._forget_picker())
        self.learner_picker = dialog
        dialog.open()

    def _picked(self, dialog: LearnerPickerDialog) -> None:
        if dialog.learner is not None:
            self.set_learner(dialog.learner)

    def _forget_picker(self) -> None:
        self.learner_picker = None

    def open_learner_manager(self) -> None:
        """Learner ▸ Manage learners: add, rename and remove learners."""
        dialog = ManageLearnersDialog(self._services, self._learner.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._managed())
        self.learner_manager = dialog
        dialog.open()

    def _managed(self) -> None:
        self.learner_manager = None
        try:
            learner = self._services.learners.get(self._learner.id)
        except LearnerError:
            return
        self._learner_changed(learner)
        if self.current_screen() is Screen.HOME:
            self.home.refresh()

    def _learner_changed(self, learner: Learner) -> None:
        self._learner = learner
        self._show_learner()
        set_learner = getattr(self.progress_screen, "set_learner", None)
        if callable(set_learner):
            set_learner(learner)  # a new name names the next results file

    def _progress_reset(self) -> None:
        # An open session still holds the old queue; the next one starts from scratch.
        if self.study_screen is not None:
            self._discard(self.study_screen)

    # -- help -----------------------------------------------------------------------------

    # -- reading --------------------------------------------------------------------------

    def read_first(self) -> None:
        """Go ▸ Read first: after an answer, the guide of its topic; else the whole reading."""
        current = self.stack.currentWidget()
        stage = getattr(current, "stage", None)
        if isinstance(stage, QuestionStage) and stage.request_reading():
            return
        self.open_reading()

    def open_reading(self, pack_id: str = "", topic_id: str = "") -> None:
        """Open the guides and timelines, at one topic's guide when given."""
        from crisisquiz.gui.reading_dialog import ReadingDialog  # loaded on use

        topic = (pack_id, topic_id) if pack_id and topic_id else None
        # Reading over, the keys go back where they were (the Next button, say).
        before = QApplication.focusWidget()
        dialog = ReadingDialog(self._services.reading.packs(), topic=topic, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reading_dialog = dialog
        dialog.finished.connect(lambda _result: self._reading_closed(before))
        dialog.open()

    def _reading_closed(self, before: QWidget | None) -> None:
        self.reading_dialog = None
        self.activateWindow()
        if before is not None and shiboken_alive(before) and before.isVisible():
            before.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_backups(self) -> None:
        """File ▸ Backups…: the backups of this computer's data (a school server keeps its own)."""
        database = self._services.database
        if database.path is None:
            from crisisquiz.core.backups import SERVER_BACKUPS

            show_error(self, "Backups", SERVER_BACKUPS)
            return
        from crisisquiz.core.backups import BackupService  # loaded on use
        from crisisquiz.gui.backups_dialog import BackupsDialog

        service = BackupService(
            database.path.parent, clock=self._services.clock, tz=self._services.tz
        )
        dialog = BackupsDialog(service, TaskRunner(self), self._services.tz, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_requested.connect(self.restore_requested)
        self.backups_dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "backups_dialog", None))
        dialog.open()

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard shortcuts."""
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        """Help ▸ About."""
        QMessageBox.about(
            self,
            "About crisisquiz",
            f"crisisquiz {__version__}\n\nLearn the Cuban Missile Crisis by retrieval "
            "practice: spaced repetition, quizzes and class reports. Everything stays on "
            "this computer.\n\nMIT licence.",
        )

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Let a running import or export finish before the window goes; a quiz left
        half-way is kept as abandoned; pack editors close too (their drafts are kept)."""
        abandon = getattr(self.quiz_screen, "abandon_if_running", None)
        if callable(abandon):
            abandon()
        if self._editors is not None:
            self._editors.close_all()
        self.runner.wait()
        super().closeEvent(event)
