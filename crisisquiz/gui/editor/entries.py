"""A table of the pack (topics, sources, the timeline) as a list with a form for the chosen entry.

The list names each entry; the buttons add one, remove it (undo brings it back) and
move it up or down (also Alt+Up and Alt+Down in the list). The form below edits the
chosen entry's fields; every change is one undoable step of the draft.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.draft_check import DraftCheck, Section
from crisisquiz.core.pack_draft import DraftChange, PackDraft
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.editor.fields import (
    ComboBox,
    Field,
    FlowButtons,
    PlainTextEdit,
    set_line_text,
    set_plain_text,
)
from crisisquiz.gui.widgets import push_button, text_label


class _EntryListWidget(QListWidget):
    move_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Up and Alt+Down move the entry."""
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            self.move_requested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)


class EntryEditor(QWidget):
    """Entries of one table of the draft, with a form for the chosen one."""

    selected = Signal(int)

    def __init__(
        self,
        document: DraftDocument,
        table: str,
        *,
        item_name: str,
        section: Section,
        add_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.table = table
        self.item_name = item_name
        self.section = section
        self.fields: dict[str, Field] = {}
        self._loaders: list[Callable[[Mapping[str, Any]], None]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.list = _EntryListWidget()
        self.list.setAccessibleName(f"{item_name.capitalize()}s")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.move_requested.connect(self.move_current)
        # A few entries show at once; more scroll, leaving room for the chosen one's form.
        self.list.setMaximumHeight(self.fontMetrics().height() * 7)
        layout.addWidget(self.list)
        self.add_button = push_button(add_text, description=f"Add a {item_name} at the end")
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button = push_button(
            f"Remove the {item_name}",
            description=f"Remove the chosen {item_name}; Undo brings it back",
            role="danger",
        )
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button = push_button("Move up", description=f"Move the {item_name} up (Alt+Up)")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = push_button(
            "Move down", description=f"Move the {item_name} down (Alt+Down)"
        )
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.extra_buttons: list[QPushButton] = []
        self.button_row = FlowButtons(
            [self.add_button, self.remove_button, self.up_button, self.down_button]
        )
        layout.addWidget(self.button_row)
        self.form_box = QVBoxLayout()
        self.form_box.setSpacing(12)
        layout.addLayout(self.form_box)
        self.empty = text_label(f"No {item_name}s yet.", "muted")
        layout.addWidget(self.empty)
        document.changed.connect(self._draft_changed)
        document.checked.connect(self.show_problems)

    # -- subclasses build their forms with these ------------------------------------------------

    def new_values(self) -> dict[str, Any]:
        """The fields of a new entry."""
        return {}

    def entry_name(self, entry: Mapping[str, Any]) -> str:
        """How an entry is listed."""
        return str(entry.get("title") or entry.get("id") or f"(new {self.item_name})")

    def line_field(self, name: str, label: str, help_text: str = "") -> QLineEdit:
        """A one-line text field for ``name``."""
        field = self._field(name, label, help_text)
        edit = QLineEdit()
        field.add_editor(edit)
        edit.textEdited.connect(lambda text: self.set_values({name: text}, label, name))
        self._loaders.append(lambda entry: set_line_text(edit, _text(entry.get(name))))
        return edit

    def text_field(
        self, name: str, label: str, help_text: str = "", lines: int = 3
    ) -> PlainTextEdit:
        """A text box for ``name``."""
        field = self._field(name, label, help_text)
        edit = PlainTextEdit(lines=lines)
        field.add_editor(edit)
        edit.textChanged.connect(lambda: self.set_values({name: edit.toPlainText()}, label, name))

        def load(entry: Mapping[str, Any]) -> None:
            edit.blockSignals(True)
            set_plain_text(edit, _text(entry.get(name)))
            edit.blockSignals(False)

        self._loaders.append(load)
        return edit

    def choice_field(
        self,
        name: str,
        label: str,
        choices: Callable[[], Sequence[tuple[str, Any]]],
        help_text: str = "",
    ) -> QComboBox:
        """A drop-down for ``name``; ``choices`` gives (words, value) pairs when shown."""
        field = self._field(name, label, help_text)
        combo = ComboBox()
        field.add_editor(combo)
        combo.activated.connect(
            lambda _i: self.set_values({name: combo.currentData()}, label, None)
        )

        def load(entry: Mapping[str, Any]) -> None:
            combo.clear()
            for words, value in choices():
                combo.addItem(words, value)
            combo.setCurrentIndex(max(0, combo.findData(entry.get(name))))

        self._loaders.append(load)
        return combo

    def _field(self, name: str, label: str, help_text: str) -> Field:
        field = Field(label, help_text)
        self.fields[name] = field
        self.form_box.addWidget(field)
        return field

    def add_button_for(self, button: QPushButton) -> None:
        """Put another way to add an entry among the list's buttons, after the others."""
        self.extra_buttons.append(button)
        layout = self.button_row.layout()
        if layout is None:
            return
        while layout.count():
            layout.takeAt(0)
        order = [self.add_button, *self.extra_buttons]
        order += [self.remove_button, self.up_button, self.down_button]
        for widget in order:
            layout.addWidget(widget)
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- the list ------------------------------------------------------------------------------

    def entries(self) -> tuple[Mapping[str, Any], ...]:
        """The table's entries, in order."""
        entries: tuple[Mapping[str, Any], ...] = getattr(self.document.draft, self.table)
        return entries

    def current(self) -> int:
        """The chosen entry's index (-1 when none is)."""
        return self.list.currentRow()

    def refresh(self, select: int | None = None) -> None:
        """List the entries again and show the chosen one."""
        keep = self.current() if select is None else select
        entries = self.entries()
        self.list.blockSignals(True)
        self.list.clear()
        for index, entry in enumerate(entries):
            item = QListWidgetItem(self._listed(index, entry))
            self.list.addItem(item)
        self.list.blockSignals(False)
        if entries:
            self.list.setCurrentRow(min(max(keep, 0), len(entries) - 1))
        self._row_changed(self.list.currentRow())

    def _listed(self, index: int, entry: Mapping[str, Any]) -> str:
        problems = self.document.check.of_section(self.section, index)
        name = self.entry_name(entry)
        return f"⚠ {name} ({len(problems)} to fix)" if problems else name

    def _row_changed(self, row: int) -> None:
        entries = self.entries()
        has = 0 <= row < len(entries)
        for index in range(self.form_box.count()):
            item = self.form_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setVisible(has)
        self.empty.setVisible(not entries)
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < len(entries) - 1)
        if has:
            for load in self._loaders:
                load(entries[row])
            self.load_more(entries[row])
            self.selected.emit(row)
        self.show_problems(self.document.check)

    def load_more(self, entry: Mapping[str, Any]) -> None:
        """Show what the plain loaders do not (for subclasses)."""

    def set_values(self, values: Mapping[str, Any], what: str, merge: str | None) -> None:
        """Change fields of the chosen entry as one undoable step."""
        row = self.current()
        if not 0 <= row < len(self.entries()):
            return
        entry = self.entries()[row]
        if all(entry.get(k) == v for k, v in values.items()):
            return
        self.document.apply(
            f"Edit the {self.item_name}'s {what.lower()}",
            lambda draft: draft.set_entry(self.table, row, values),
            merge=f"{self.table}{row}:{merge}" if merge else None,
        )

    def add_entry(self) -> None:
        """Add an entry at the end and choose it."""
        values = self.new_values()
        self.apply_add(values, f"Add a {self.item_name}")

    def apply_add(
        self,
        values: Mapping[str, Any],
        label: str,
        change: Callable[[PackDraft], int] | None = None,
    ) -> None:
        """Add an entry (through ``change`` when given) and choose it."""
        made: list[int] = []
        self.document.apply(
            label,
            lambda draft: made.append(
                change(draft) if change else draft.add_entry(self.table, values)
            ),
        )
        self.refresh(made[0] if made else None)
        self.focus_form()

    def focus_form(self) -> None:
        """Put the keyboard in the chosen entry's first field."""
        for field in self.fields.values():
            editor = field.first_editor()
            if editor is not None and editor.isVisibleTo(self):
                editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def remove_current(self) -> None:
        """Remove the chosen entry (undo brings it back)."""
        row = self.current()
        if row < 0:
            return
        name = self.entry_name(self.entries()[row])
        self.document.apply(
            f"Remove the {self.item_name}", lambda draft: draft.remove_entry(self.table, row)
        )
        self.refresh(min(row, len(self.entries()) - 1))
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self.said(f"{self.item_name.capitalize()} “{name}” removed. Undo brings it back.")

    def said(self, message: str) -> None:
        """Pass a message to the window's status line (set by the window)."""
        handler = getattr(self.window(), "say", None)
        if callable(handler):
            handler(message)

    def move_current(self, step: int) -> None:
        """Move the chosen entry up (-1) or down (+1)."""
        row = self.current()
        target = row + step
        if row < 0 or not 0 <= target < len(self.entries()):
            return
        self.document.apply(
            f"Move the {self.item_name}", lambda draft: draft.move_entry(self.table, row, target)
        )
        self.refresh(target)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _draft_changed(self, change: DraftChange) -> None:
        if getattr(change, self.table):
            row = self.current()
            count = len(self.entries())
            if self.list.count() != count:
                self.refresh()
                return
            for index, entry in enumerate(self.entries()):
                item = self.list.item(index)
                if item is not None:
                    item.setText(self._listed(index, entry))
            if 0 <= row < count:
                for load in self._loaders:
                    load(self.entries()[row])
                self.load_more(self.entries()[row])

    def show_problems(self, check: DraftCheck) -> None:
        """Mark entries with problems and show the chosen one's next to its fields."""
        for index, entry in enumerate(self.entries()):
            item = self.list.item(index)
            if item is not None:
                item.setText(self._listed(index, entry))
        row = self.current()
        problems = check.of_section(self.section, row) if row >= 0 else []
        general = [p for p in check.of_section(self.section) if p.index is None]
        by_name: dict[str, list[str]] = {}
        for problem in [*problems, *general]:
            by_name.setdefault(problem.base_field or "", []).append(problem.message)
        for name, field in self.fields.items():
            field.show_problems(by_name.get(name, []))


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)
