"""Packs: the installed question packs; import, export and remove them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.draft_store import DraftSummary
from crisisquiz.core.pack_loader import PackError
from crisisquiz.core.packs import (
    ImportAction,
    ImportResult,
    PackSummary,
    PackVersionError,
    PackVersionUnchangedError,
    UnknownPackError,
)
from crisisquiz.core.words import plural
from crisisquiz.gui.import_preview import ImportPreview
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import (
    BusyRow,
    Card,
    Page,
    clear_layout,
    confirm,
    heading,
    push_button,
    set_role,
    text_label,
)
from crisisquiz.gui.worker import StorageFailure, TaskRunner
from crisisquiz.interop.registry import (
    EXPORT_FORMATS,
    Format,
    detect_format,
    read_pack,
    write_pack,
)
from crisisquiz.interop.report import ConversionReport, Converted, Outcome

IMPORT_FILTER = (
    "Question files (*.toml *.zip *.json *.gift *.xml *.txt *.csv *.tsv *.xlsx *.ods "
    "*.apkg *.colpkg);;All files (*)"
)
TOML_FILTER = "TOML pack, can be imported again (*.toml)"
JSON_FILTER = "JSON (*.json)"
# Every export format, as the save dialog offers them; the first is the default.
EXPORT_FILTERS: dict[str, Format] = {
    "crisisquiz pack with its pictures (*.zip)": Format.ZIP,
    TOML_FILTER: Format.TOML,
    JSON_FILTER: Format.JSON,
    "Moodle GIFT (*.gift)": Format.GIFT,
    "Moodle XML (*.xml)": Format.MOODLE_XML,
    "Aiken, multiple choice only (*.txt)": Format.AIKEN,
    "CSV spreadsheet, also for Quizlet and Kahoot (*.csv)": Format.CSV,
    "Excel spreadsheet (*.xlsx)": Format.XLSX,
    "Anki deck (*.apkg)": Format.APKG,
}
_BY_SUFFIX = {suffix: fmt for fmt, suffix in EXPORT_FORMATS.items()}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class ResultPanel(Card):
    """What the last import, export or removal did; for a refused pack, every problem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, role="notice-ok")
        self.title = heading("", 3)
        self.body.addWidget(self.title)
        self.message = text_label("", selectable=True)
        self.body.addWidget(self.message)
        self.issues = QListWidget()
        self.issues.setWordWrap(True)
        self.issues.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.issues.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.issues.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Long problems wrap instead of scrolling sideways.
        self.issues.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.issues.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.issues.setAccessibleName("Problems found")
        copy_selected = QAction("Copy", self.issues)
        copy_selected.setShortcut(QKeySequence.StandardKey.Copy)
        copy_selected.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_selected.triggered.connect(self._copy_selected)
        self.issues.addAction(copy_selected)
        self.body.addWidget(self.issues)
        buttons = QHBoxLayout()
        self.copy_button = push_button(
            "&Copy all problems", description="Copy every problem as text, one per line"
        )
        self.copy_button.clicked.connect(self.copy_all)
        self.dismiss_button = push_button("&Dismiss", description="Hide this message")
        self.dismiss_button.clicked.connect(self.hide)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        self.body.addLayout(buttons)
        self.hide()

    def show_success(self, title: str, message: str, notes: Sequence[str] = ()) -> None:
        """Show a confirmation of what happened, with ``notes`` listed below it."""
        self._show(title, message, notes, ok=True)

    def show_failure(self, title: str, message: str, issues: Sequence[str] = ()) -> None:
        """Show what went wrong, with each problem on its own line."""
        self._show(title, message, issues, ok=False)

    def issue_texts(self) -> list[str]:
        """The problems listed, in order."""
        return [self.issues.item(i).text() for i in range(self.issues.count())]

    def copy_all(self) -> None:
        """Put every problem on the clipboard, one per line."""
        QGuiApplication.clipboard().setText("\n".join(self.issue_texts()))

    def _copy_selected(self) -> None:
        rows = sorted(self.issues.row(item) for item in self.issues.selectedItems())
        QGuiApplication.clipboard().setText("\n".join(self.issues.item(r).text() for r in rows))

    def _show(self, title: str, message: str, issues: Sequence[str], *, ok: bool) -> None:
        set_role(self, "notice-ok" if ok else "notice-error")
        # Words and a symbol carry the outcome, never the colour alone.
        self.title.setText(f"✓ {title}" if ok else f"⚠ {title}")
        self.title.setAccessibleName(title)
        self.setAccessibleName(title)
        self.message.setText(message)
        self.issues.clear()
        self.issues.addItems(list(issues))
        self.issues.setVisible(bool(issues))
        self.copy_button.setVisible(bool(issues))
        if issues:
            self.issues.setCurrentRow(0)
            # Room for about six problems of two lines each; more scroll.
            line = self.issues.fontMetrics().height()
            self.issues.setMinimumHeight(min(len(issues), 6) * (2 * line + 16) + 12)
        self.show()


class PackCard(Card):
    """One installed pack with its export and remove buttons."""

    export_requested = Signal(object)
    remove_requested = Signal(object)
    edit_requested = Signal(str)

    def __init__(self, pack: PackSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setAccessibleName(pack.title)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.title = heading(pack.title, 3)
        top.addWidget(self.title, 1)
        if pack.builtin:
            badge = QLabel("Built in")
            badge.setProperty("role", "badge")
            badge.setAccessibleName("Built-in pack")
            top.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(top)
        self.meta = text_label(
            f"Version {pack.version} · {_plural(pack.question_count, 'question')} · "
            f"{_plural(pack.topic_count, 'topic')}",
            "muted",
        )
        self.body.addWidget(self.meta)
        if pack.description:
            self.body.addWidget(text_label(pack.description))
        buttons = QHBoxLayout()
        self.export_button = push_button(
            "Export…",
            name=f"Export {pack.title}",
            description="Save this pack for Moodle, Anki, a spreadsheet or crisisquiz",
        )
        self.export_button.clicked.connect(lambda: self.export_requested.emit(pack))
        self.remove_button = push_button(
            "Remove…",
            name=f"Remove {pack.title}",
            description="Remove this pack and everyone's progress on it",
            role="danger",
        )
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(pack))
        self.edit_button = push_button(
            "Edit…",
            name=f"Edit {pack.title}",
            description="Change this pack in the pack editor; learners see the changes when "
            "you publish them",
        )
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(pack.id))
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        if pack.builtin:
            # It would come back at the next start anyway, so removing it only confuses.
            self.remove_button.setEnabled(False)
            self.remove_button.setAccessibleDescription(
                "The built-in pack comes with the app and cannot be removed"
            )
            self.body.addWidget(
                text_label("This pack comes with the app, so it cannot be removed.", "small")
            )


class PacksScreen(QWidget):
    """Lists the installed packs; imports, exports and removes them in the background.

    ``packs_changed`` is emitted after an import or removal changed what is installed.
    """

    packs_changed = Signal()
    new_pack_requested = Signal()
    edit_requested = Signal(str)
    edit_file_requested = Signal()
    draft_requested = Signal(str)

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._folder = Path.home()
        self.cards: list[PackCard] = []
        # The preview of the file being imported, while it is open.
        self.preview: ImportPreview | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = Page()
        outer.addWidget(page)
        body = page.body
        body.addWidget(heading("Question packs", 1))
        body.addWidget(
            text_label(
                "A pack holds questions on one subject, grouped into topics. Import a pack a "
                "teacher gave you, or bring questions from Moodle (GIFT, XML), Quizlet, "
                "Kahoot, a spreadsheet or Anki; write your own with New pack; export any pack "
                "to share it or to use it there.",
                "muted",
            )
        )
        actions = QHBoxLayout()
        self.import_button = push_button(
            "&Import a pack…", description="Choose a pack file to add or update"
        )
        self.import_button.clicked.connect(self.choose_and_import)
        actions.addWidget(self.import_button)
        self.new_button = push_button(
            "&New pack…", description="Write a new pack of questions in the pack editor"
        )
        self.new_button.clicked.connect(self.new_pack_requested)
        actions.addWidget(self.new_button)
        self.edit_file_button = push_button(
            "Open a file to &edit…",
            description="Open a pack file, or a quiz from Moodle, Anki, Quizlet or a "
            "spreadsheet, in the pack editor",
        )
        self.edit_file_button.clicked.connect(self.edit_file_requested)
        actions.addWidget(self.edit_file_button)
        actions.addStretch(1)
        body.addLayout(actions)
        if not services.can_manage_packs:
            # The server would refuse it: say so before anyone picks a file.
            self.import_button.setEnabled(False)
            body.addWidget(
                text_label(
                    "On the school server only teachers and the administrator import or "
                    "remove packs. Ask your teacher for a pack you need.",
                    "muted",
                )
            )

        self.drafts_heading = heading("Unfinished packs", 2)
        body.addWidget(self.drafts_heading)
        self.drafts_box = QVBoxLayout()
        self.drafts_box.setSpacing(8)
        body.addLayout(self.drafts_box)
        self._drafts_source: Callable[[], list[DraftSummary]] = lambda: []
        self.draft_buttons: dict[str, QPushButton] = {}

        self.busy = BusyRow()
        self.busy_bar, self.busy_label = self.busy.bar, self.busy.label
        body.addWidget(self.busy)

        self.result = ResultPanel()
        body.addWidget(self.result)

        body.addWidget(heading("Installed", 2))
        self.empty_label = text_label(
            "No packs are installed. Import one to have something to study.", "muted"
        )
        body.addWidget(self.empty_label)
        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(12)
        body.addLayout(self.cards_box)
        body.addStretch(1)

        runner.busy_changed.connect(self._set_busy)
        self._set_busy(runner.busy)  # built while a job runs (the window builds it on first use)

    def initial_focus(self) -> QWidget:
        """The control to focus when the screen is shown."""
        return self.import_button

    def set_import_shortcut_hint(self, keys: str) -> None:
        """Show the window's import shortcut on the import button's tooltip."""
        self.import_button.setToolTip(f"Choose a pack file to add or update ({keys})")

    def refresh(self) -> None:
        """List the installed packs again."""
        clear_layout(self.cards_box)
        self.cards = []
        packs = self._services.packs.list_packs()
        self.empty_label.setVisible(not packs)
        for pack in packs:
            card = PackCard(pack)
            card.edit_requested.connect(self.edit_requested)
            card.export_requested.connect(self.choose_and_export)
            card.remove_requested.connect(self.confirm_and_remove)
            card.export_button.setEnabled(not self._runner.busy)
            # Editing an installed pack ends in publishing it, which the server may refuse.
            card.edit_button.setEnabled(self._services.can_manage_packs)
            if not pack.builtin:
                card.remove_button.setEnabled(
                    not self._runner.busy and self._services.can_manage_packs
                )
            self.cards_box.addWidget(card)
            # Shown at once: a layout shows a new child only on its next pass, and a
            # click or Tab may come before that.
            card.show()
            self.cards.append(card)

        self.show_drafts()

    def set_drafts_source(self, source: Callable[[], list[DraftSummary]]) -> None:
        """Where the unfinished drafts to list come from."""
        self._drafts_source = source
        self.show_drafts()

    def show_drafts(self) -> None:
        """List the unfinished drafts, each with a button that opens it."""
        clear_layout(self.drafts_box)
        self.draft_buttons = {}
        drafts = self._drafts_source()
        self.drafts_heading.setVisible(bool(drafts))
        for draft in drafts:
            local = draft.saved_at.astimezone(self._services.tz)
            row = QHBoxLayout()
            label = text_label(
                f"{draft.title}: {plural(draft.questions, 'question')}, "
                f"last change {local:%d %b, %H:%M}"
            )
            button = push_button(
                "Open",
                name=f"Open the unfinished pack {draft.title}",
                description="Carry on editing it",
            )
            button.clicked.connect(lambda _c=False, d=draft.draft_id: self.draft_requested.emit(d))
            row.addWidget(label, 1)
            row.addWidget(button)
            self.drafts_box.addLayout(row)
            label.show()
            button.show()
            self.draft_buttons[draft.draft_id] = button

    def card_for(self, pack_id: str) -> PackCard | None:
        """The card showing the pack ``pack_id``, if it is listed."""
        return next((c for c in self.cards if c.pack.id == pack_id), None)

    # -- import ---------------------------------------------------------------------------

    def choose_and_import(self) -> None:
        """Ask for a pack file and import it."""
        if self._runner.busy:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import a question pack", str(self._folder), IMPORT_FILTER
        )
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Read the file at ``path`` in the background, then show what will come in.

        Any format crisisquiz reads is taken; nothing is stored before the teacher
        confirms in the preview (:attr:`preview`).
        """
        self._folder = path.parent
        packs = self._services.packs

        def read() -> tuple[Format, Converted | None, str | None, PackError | None]:
            fmt = detect_format(path)
            try:
                converted = read_pack(path, fmt=fmt)
            except PackError as error:
                # A Quizlet export laid out otherwise than guessed: the preview asks how.
                if fmt is not Format.QUIZLET:
                    raise
                return fmt, None, None, error
            return fmt, converted, packs.installed_version(converted.pack.pack.id), None

        self._start(f"Reading {path.name}…")
        self._runner.run(
            read,
            lambda found: self._preview(path, *found),
            lambda error: self._import_failed(path, error),
        )

    def _preview(
        self,
        path: Path,
        fmt: Format,
        converted: Converted | None,
        installed: str | None,
        problem: PackError | None,
    ) -> None:
        self.preview = ImportPreview(
            converted,
            installed,
            self,
            source=path,
            fmt=fmt,
            problem=problem,
            installed_version=self._services.packs.installed_version,
        )
        self.preview.accepted.connect(lambda: self._confirmed(path))
        self.preview.rejected.connect(self._cancelled)
        self.preview.open()

    def _cancelled(self) -> None:
        self.result.show_success("Nothing imported", "The import was cancelled; nothing changed.")
        self.preview = None
        self.import_button.setFocus()

    def _confirmed(self, path: Path) -> None:
        assert self.preview is not None
        pack = self.preview.result_pack
        assert pack is not None
        self.preview = None
        now = self._services.clock()
        packs = self._services.packs
        self._start(f"Importing {path.name}…")
        self._runner.run(
            lambda: packs.import_pack(pack, now=now),
            self._imported,
            lambda error: self._import_failed(path, error),
        )

    def _imported(self, result: ImportResult) -> None:
        title = f"“{result.title}”"
        if result.action is ImportAction.INSTALLED:
            self.result.show_success(
                "Pack imported",
                f"Installed {title} version {result.version} with "
                f"{_plural(result.added, 'question')}. Its topics are on the Home screen.",
            )
        elif result.action is ImportAction.UPDATED:
            self.result.show_success(
                "Pack updated",
                f"Updated {title} from version {result.previous_version} to {result.version}: "
                f"{result.added} new, {result.updated} changed and {result.retired} retired "
                "questions. Everyone's progress was kept.",
            )
        else:
            self.result.show_success(
                "Already installed",
                f"{title} version {result.version} is already installed, so nothing changed.",
            )
        self.refresh()
        self.packs_changed.emit()
        self.result.dismiss_button.setFocus()

    def _import_failed(self, path: Path, error: Exception) -> None:
        title = f"{path.name} was not imported"
        if isinstance(error, PackError):
            count = error.total
            them = "it" if count == 1 else "them"
            listed = [str(issue) for issue in error.issues]
            if error.omitted:
                listed.append(f"… and {error.omitted:,} more: fix these first.")
            self.result.show_failure(
                title,
                f"The pack has {count:,} problem{'s' if count != 1 else ''}, so nothing was "
                f"imported and nothing changed. Fix {them} in the file and import it again. "
                "Each line below says where: file, line, question and field.",
                listed,
            )
            self.result.issues.setAccessibleName(f"Problems found in {path.name}")
            self.result.issues.setFocus()
            return
        if isinstance(error, PackVersionUnchangedError):
            message = f"{error}."
        elif isinstance(error, PackVersionError):
            message = f"{error}. A newer version is already installed, so nothing changed."
        elif isinstance(error, OSError):
            reason = error.strerror or str(error)
            message = (
                f"The file could not be read ({reason}). Check that it still exists and "
                "that you may open it, then try again. Nothing changed."
            )
        elif isinstance(error, StorageFailure):
            message = str(error)
        else:
            message = f"Something went wrong: {error}. Nothing was imported or changed."
        self.result.show_failure(title, message[:1].upper() + message[1:])
        self.result.dismiss_button.setFocus()

    # -- export ---------------------------------------------------------------------------

    def choose_and_export(self, pack: PackSummary) -> None:
        """Ask where to save ``pack`` and in which format, then write it in the background."""
        if self._runner.busy:
            return
        suggested = self._folder / f"{pack.id}-{pack.version}.zip"
        path_text, chosen_filter = QFileDialog.getSaveFileName(
            self, f"Export {pack.title}", str(suggested), ";;".join(EXPORT_FILTERS)
        )
        if not path_text:
            return
        path = Path(path_text)
        fmt = _BY_SUFFIX.get(path.suffix.lower()) or EXPORT_FILTERS.get(chosen_filter, Format.ZIP)
        if path.suffix.lower() != EXPORT_FORMATS[fmt]:
            path = path.with_name(path.name + EXPORT_FORMATS[fmt])
        self.export_to(pack, path, fmt)

    def export_to(self, pack: PackSummary, path: Path, fmt: Format = Format.ZIP) -> None:
        """Write ``pack`` to ``path`` as ``fmt`` in the background."""
        self._folder = path.parent
        packs = self._services.packs

        def work() -> ConversionReport:
            return write_pack(packs.get_pack(pack.id), fmt, path)

        self._start(f"Exporting {pack.title}…")
        self._runner.run(
            work,
            lambda report: self._exported(pack, path, report),
            lambda error: self._export_failed(pack, path, error),
        )

    def _exported(self, pack: PackSummary, path: Path, report: ConversionReport) -> None:
        written = len(report.entries) - report.count(Outcome.SKIPPED)
        message = (
            f"Saved “{pack.title}” version {pack.version} "
            f"({_plural(written, 'question')}) to {path}."
        )
        lost = [str(entry) for entry in report.problems()]
        if lost or report.notes:
            message += f" What {report.format} cannot hold is listed below."
        self.result.show_success("Pack exported", message, [*report.notes, *lost])
        self.result.dismiss_button.setFocus()

    def _export_failed(self, pack: PackSummary, path: Path, error: Exception) -> None:
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            message = (
                f"{path} could not be written ({reason}). Choose another folder, such as "
                "your Documents, and export again."
            )
        elif isinstance(error, UnknownPackError):
            message = "The pack is no longer installed, so there is nothing to export."
            self.refresh()
        elif isinstance(error, StorageFailure):
            message = str(error)
        else:
            message = f"Something went wrong: {error}. Try exporting again."
        self.result.show_failure(f"“{pack.title}” was not exported", message)
        self.result.dismiss_button.setFocus()

    # -- removal --------------------------------------------------------------------------

    def confirm_and_remove(self, pack: PackSummary) -> None:
        """Ask, then remove ``pack`` with every learner's progress on it."""
        if self._runner.busy or pack.builtin:
            return
        if not confirm(
            self,
            "Remove pack",
            f"Remove “{pack.title}”? Its {_plural(pack.question_count, 'question')} and "
            "every learner's progress on them will be lost. This cannot be undone, though "
            "you can import the pack again later and start over.",
            "Remove pack",
        ):
            return
        packs = self._services.packs
        self._start(f"Removing {pack.title}…")
        self._runner.run(
            lambda: packs.remove_pack(pack.id),
            lambda _none: self._removed(pack),
            lambda error: self._remove_failed(pack, error),
        )

    def _removed(self, pack: PackSummary) -> None:
        self.result.show_success("Pack removed", f"Removed “{pack.title}” and its progress.")
        self.refresh()
        self.packs_changed.emit()
        self.import_button.setFocus()

    def _remove_failed(self, pack: PackSummary, error: Exception) -> None:
        if isinstance(error, UnknownPackError):
            message = "It had already been removed."
        elif isinstance(error, StorageFailure):
            message = str(error)
        else:
            message = f"Something went wrong: {error}. Nothing was removed; try again."
        self.result.show_failure(f"“{pack.title}” was not removed", message)
        self.refresh()
        self.result.dismiss_button.setFocus()

    # -- busy state -----------------------------------------------------------------------

    def _start(self, what: str) -> None:
        self.busy_label.setText(what)
        self.result.hide()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        manage = self._services.can_manage_packs
        buttons: list[tuple[QPushButton, bool]] = [(self.import_button, manage)]
        for card in self.cards:
            buttons.append((card.export_button, True))
            if not card.pack.builtin:
                buttons.append((card.remove_button, manage))
        for button, allowed in buttons:
            button.setEnabled(allowed and not busy)
