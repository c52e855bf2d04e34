"""Opening the editor: a new pack, a copy of an installed one, a file, or a draft left unfinished.

The main window owns one :class:`EditorLauncher`. It keeps one editor window per
draft (asking for a draft that is open brings its window forward), starts editing an
installed pack from the draft already begun for it if there is one, and at start-up
offers back the drafts a crash or a closed window left behind.

Files in our own format open as they are written, mistakes included, so a
hand-written pack with problems can be fixed in the editor. Files from other apps
(Moodle, Anki, Quizlet, spreadsheets...) are converted by the readers of
:mod:`crisisquiz.interop` first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.draft_store import DraftStoreError, DraftSummary, new_draft_id
from crisisquiz.core.pack_draft import DraftOrigin, OriginKind, PackDraft
from crisisquiz.core.pack_loader import PackError, read_pack_file
from crisisquiz.core.packs import PackSummary, UnknownPackError
from crisisquiz.core.words import plural
from crisisquiz.gui.editor.fields import notice
from crisisquiz.gui.editor.window import EditorWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import confirm, heading, push_button, text_label
from crisisquiz.gui.worker import TaskRunner

OPEN_FILTER = (
    "Question packs and quizzes (*.toml *.zip *.json *.gift *.xml *.txt *.csv *.tsv *.xlsx "
    "*.ods *.apkg *.colpkg);;All files (*)"
)


def draft_from_file(path: Path) -> tuple[PackDraft, list[str]]:
    """A draft of the pack in ``path``, and what to tell the teacher about reading it.

    Raises :class:`PackError` when the file cannot be read as a pack at all.
    """
    # The readers of other formats are loaded only when a file is opened.
    from crisisquiz.interop.registry import READ_FORMATS, Format, detect_format, read_pack

    origin = DraftOrigin(OriginKind.FILE, path=str(path))
    fmt = detect_format(path)
    if fmt in (Format.TOML, Format.ZIP):
        content = read_pack_file(path)
        if content.tables is None:
            raise PackError(content.problems)
        draft = PackDraft.from_tables(new_draft_id(), content.tables, content.files, origin)
        # In the file's order, as the teacher reads it top to bottom.
        ordered = sorted(content.problems, key=lambda p: (p.line or 0, p.column or 0))
        notes = [str(problem) for problem in ordered]
        if notes:
            notes.insert(
                0, "The file has mistakes in how it is written; the editor read past them:"
            )
        return draft, notes
    converted = read_pack(path)
    draft = PackDraft.from_pack(new_draft_id(), converted.pack, origin)
    report = converted.report
    notes = [f"Read from {READ_FORMATS.get(fmt, fmt.value)}: {report.summary()}."]
    notes += list(report.notes)
    notes += [str(entry) for entry in report.problems()]
    return draft, notes


class PackChooser(QDialog):
    """Packs ▸ Edit a pack: which installed pack to edit, or a file instead."""

    def __init__(self, packs: list[PackSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit a pack — crisisquiz")
        self.pack_id: str | None = None
        self.open_file = False
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Edit a pack", 2))
        layout.addWidget(
            text_label(
                "You edit a copy: learners keep the installed pack until you publish your "
                "changes, and their progress is kept then too.",
                "muted",
            )
        )
        self.list = QListWidget()
        self.list.setAccessibleName("Installed packs")
        self.list.setWordWrap(True)
        for pack in packs:
            built_in = " · comes with the app" if pack.builtin else ""
            item = QListWidgetItem(
                f"{pack.title}\nVersion {pack.version} · {plural(pack.question_count, 'question')}"
                f"{built_in}"
            )
            item.setData(Qt.ItemDataRole.UserRole, pack.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self._edit())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.edit_button = push_button("Edit", description="Edit a copy of the chosen pack")
        self.edit_button.setDefault(True)
        self.edit_button.setEnabled(bool(packs))
        buttons.addButton(self.edit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.file_button = push_button(
            "Open a file instead…",
            description="Edit a pack file, or a quiz from Moodle, Anki, Quizlet or a spreadsheet",
        )
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        cancel = push_button("Cancel")
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.edit_button.clicked.connect(self._edit)
        self.file_button.clicked.connect(self._file)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.list.setFocus()

    def _edit(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.pack_id = str(item.data(Qt.ItemDataRole.UserRole))
            self.accept()

    def _file(self) -> None:
        self.open_file = True
        self.accept()


class DraftsDialog(QDialog):
    """The drafts left unfinished: open one, throw one away, or leave them for later."""

    def __init__(
        self, drafts: list[DraftSummary], services: Services, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unfinished packs — crisisquiz")
        self.chosen: str | None = None
        self._services = services
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Unfinished packs", 2))
        count = len(drafts)
        layout.addWidget(
            text_label(
                f"You left {'a pack' if count == 1 else f'{count} packs'} unfinished. Every "
                "change was saved as you made it: open it to carry on.",
            )
        )
        self.list = QListWidget()
        self.list.setAccessibleName("Unfinished packs")
        self.list.setWordWrap(True)
        for draft in drafts:
            local = draft.saved_at.astimezone(services.tz)
            origin = (
                " (changes to the installed pack)"
                if draft.origin.kind is OriginKind.INSTALLED
                else ""
            )
            when = f"{local:%d %b %Y, %H:%M}"
            item = QListWidgetItem(
                f"{draft.title}{origin}\n{plural(draft.questions, 'question')} · last change {when}"
            )
            item.setData(Qt.ItemDataRole.UserRole, draft.draft_id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self._open())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.open_button = push_button("Open it", description="Carry on editing the chosen pack")
        self.open_button.setDefault(True)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.throw_button = push_button(
            "Throw it away…", description="Delete the chosen draft", role="danger"
        )
        buttons.addButton(self.throw_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.later_button = push_button("Later", description="Keep the drafts for another time")
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.clicked.connect(self._open)
        self.throw_button.clicked.connect(self._throw)
        self.later_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.list.setFocus()

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = str(item.data(Qt.ItemDataRole.UserRole))
            self.accept()

    def _throw(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        if not confirm(
            self,
            "Throw the draft away",
            f"Throw away “{item.text().splitlines()[0]}”? Its unpublished changes are lost.",
            "Throw it away",
        ):
            return
        self._services.drafts.discard(str(item.data(Qt.ItemDataRole.UserRole)))
        self.list.takeItem(self.list.row(item))
        if not self.list.count():
            self.reject()


class EditorLauncher(QObject):
    """Opens and keeps the editor windows; ``published`` carries each publish's result."""

    published = Signal(object)
    drafts_changed = Signal()

    def __init__(
        self, services: Services, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._parent = parent
        self.editors: dict[str, EditorWindow] = {}
        self.folder = Path.home()
        self.offer: DraftsDialog | None = None

    # -- opening -------------------------------------------------------------------------------

    def open_draft(self, draft: PackDraft) -> EditorWindow:
        """Show ``draft`` in its own window (the window it is already in, if any)."""
        window = self.editors.get(draft.draft_id)
        if window is None:
            window = EditorWindow(self._services, draft, self._runner)
            window.published.connect(self.published)
            window.closed.connect(self._closed)
            self.editors[draft.draft_id] = window
            self.drafts_changed.emit()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def new_pack(self) -> EditorWindow:
        """A new, empty pack; the keyboard starts in its title."""
        window = self.open_draft(PackDraft.new(new_draft_id()))
        window.tabs.setCurrentWidget(window.details_tab)
        window.details.title.setFocus(Qt.FocusReason.OtherFocusReason)
        return window

    def edit_installed(self, pack_id: str) -> EditorWindow | None:
        """Edit a copy of an installed pack (or carry on with the draft begun for it)."""
        for summary in self._services.drafts.summaries():
            if summary.origin.kind is OriginKind.INSTALLED and summary.origin.pack_id == pack_id:
                return self.resume(summary.draft_id)
        try:
            # Its pictures and texts come along: the copy is the whole pack.
            pack = self._services.packs.get_pack(pack_id, with_media=True)
        except UnknownPackError as exc:
            notice(self._window(), "The pack is not installed", str(exc), warning=True)
            return None
        builtin = any(p.builtin for p in self._services.packs.list_packs() if p.id == pack_id)
        origin = DraftOrigin(OriginKind.INSTALLED, pack_id, pack.pack.version, builtin=builtin)
        return self.open_draft(PackDraft.from_pack(new_draft_id(), pack, origin))

    def edit_file(self, path: Path | None = None) -> EditorWindow | None:
        """Open a pack file (ours, or another app's) in the editor; asks for it when not given."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self._parent, "Open a pack to edit", str(self.folder), OPEN_FILTER
            )
            if not chosen:
                return None
            path = Path(chosen)
        self.folder = path.parent
        try:
            draft, notes = draft_from_file(path)
        except PackError as exc:
            notice(
                self._window(),
                f"{path.name} could not be opened",
                "It could not be read as a pack:\n" + "\n".join(str(i) for i in exc.issues),
                warning=True,
            )
            return None
        except OSError as exc:
            notice(
                self._window(),
                f"{path.name} could not be opened",
                exc.strerror or str(exc),
                warning=True,
            )
            return None
        window = self.open_draft(draft)
        if notes:
            window.say(notes[0])
            window.opening_notes = notes
            notice(window, f"Opened {path.name}", "\n".join(notes[:30]))
        return window

    def resume(self, draft_id: str) -> EditorWindow | None:
        """Open a stored draft."""
        open_window = self.editors.get(draft_id)
        if open_window is not None:
            return self.open_draft(open_window.document.draft)
        try:
            draft = self._services.drafts.load(draft_id)
        except DraftStoreError as exc:
            notice(self._window(), "The draft could not be opened", str(exc), warning=True)
            return None
        return self.open_draft(draft)

    def _window(self) -> QWidget:
        return self._parent if self._parent is not None else QWidget()

    def _closed(self, draft_id: str) -> None:
        window = self.editors.pop(draft_id, None)
        if window is not None:
            window.deleteLater()
        self.drafts_changed.emit()

    # -- drafts left behind --------------------------------------------------------------------

    def stored_drafts(self) -> list[DraftSummary]:
        """The stored drafts no window has open."""
        return [d for d in self._services.drafts.summaries() if d.draft_id not in self.editors]

    def offer_drafts(self) -> DraftsDialog | None:
        """Offer back the drafts left unfinished (after a crash or a closed window)."""
        drafts = self.stored_drafts()
        if not drafts:
            return None
        dialog = DraftsDialog(drafts, self._services, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._offer_done(dialog))
        self.offer = dialog
        dialog.open()
        return dialog

    def _offer_done(self, dialog: DraftsDialog) -> None:
        self.offer = None
        if dialog.chosen is not None:
            self.resume(dialog.chosen)
        self.drafts_changed.emit()

    def close_all(self) -> None:
        """Close every editor (their drafts are saved and offered back next time)."""
        for window in list(self.editors.values()):
            window.close()
