"""The editor's form pieces: a labelled field with its help and its problems, and list editors.

Every field shows, under its label, a line of help in plain words and, when the live
check finds something wrong, the problem itself next to it ("⚠ Give the right
answer."). The problem is also the field's accessible description, so a screen
reader says it when the field gets the focus.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from itertools import pairwise

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from crisisquiz.gui.widgets import FlowRow, push_button, text_label


def set_line_text(edit: QLineEdit, text: str) -> None:
    """Show ``text`` in ``edit`` without moving the cursor when it already shows it."""
    if edit.text() != text:
        edit.setText(text)


def set_plain_text(edit: QPlainTextEdit, text: str) -> None:
    """Show ``text`` in ``edit`` unless it already does (typing keeps its cursor)."""
    if edit.toPlainText() != text:
        cursor = edit.textCursor()
        position = cursor.position()
        edit.setPlainText(text)
        cursor = edit.textCursor()
        cursor.setPosition(min(position, len(text)))
        edit.setTextCursor(cursor)


class PlainTextEdit(QPlainTextEdit):
    """A text box where Tab moves on to the next field instead of typing a tab."""

    def __init__(self, parent: QWidget | None = None, *, lines: int = 3) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._lines = lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit()

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        self.setFixedHeight(line * self._lines + 22)

    def changeEvent(self, event: QEvent) -> None:
        """Grow with the text size."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


class Field(QWidget):
    """A label, a line of help, the editing widget(s) and the problems found in them."""

    def __init__(
        self,
        label: str,
        help_text: str = "",
        editor: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.label_text = label
        self.help_text = help_text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = text_label(label, "strong")
        layout.addWidget(self.label)
        self.help = text_label(help_text, "small")
        layout.addWidget(self.help)  # given its parent before it is hidden or shown
        self.help.setVisible(bool(help_text))
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body)
        self.problem = text_label("", "error")
        self.problem.setAccessibleDescription(f"Problem with {label}")
        self.problem.hide()
        layout.addWidget(self.problem)
        self._editors: list[QWidget] = []
        if editor is not None:
            self.add_editor(editor)

    def add_editor(self, editor: QWidget) -> QWidget:
        """Put ``editor`` in the field; it is named after the label for screen readers."""
        self.body.addWidget(editor)
        self.describe(editor)
        if not self._editors:
            self.label.setBuddy(editor)
        self._editors.append(editor)
        return editor

    def describe(self, editor: QWidget, name: str | None = None) -> None:
        """Give ``editor`` this field's accessible name and help."""
        editor.setAccessibleName(name or self.label_text.replace("&", ""))
        editor.setAccessibleDescription(self.help_text)
        if self.help_text and not editor.toolTip():
            editor.setToolTip(self.help_text)
        if editor not in self._editors:
            self._editors.append(editor)

    def show_problems(self, messages: Sequence[str]) -> None:
        """Show what is wrong (nothing when ``messages`` is empty)."""
        text = "\n".join(f"⚠ {m}" for m in dict.fromkeys(messages))
        self.problem.setText(text)
        self.problem.setVisible(bool(messages))
        spoken = " ".join(dict.fromkeys(messages))
        for editor in self._editors:
            description = f"Problem: {spoken} {self.help_text}" if messages else self.help_text
            editor.setAccessibleDescription(description.strip())

    @property
    def has_problem(self) -> bool:
        """Whether a problem is shown."""
        return not self.problem.isHidden()

    def first_editor(self) -> QWidget | None:
        """The widget to focus to fix this field."""
        return self._editors[0] if self._editors else None


class _RowEdit(QLineEdit):
    """A list row's text box: Enter moves on (or adds a row), Alt+Up and Alt+Down move it."""

    add_after = Signal()
    move_row = Signal(int)
    remove_if_empty = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The row keys; everything else types."""
        key = event.key()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not alt:
            self.add_after.emit()
            return
        if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_row.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key == Qt.Key.Key_Backspace and not self.text():
            self.remove_if_empty.emit()
            return
        super().keyPressEvent(event)


class _SmallButton(QPushButton):
    """A button holding one symbol, as narrow as the symbol and the focus ring allow."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        # A word button's side padding would leave a square one no room for its symbol;
        # the theme's border, focus ring included, stays.
        self.setStyleSheet("QPushButton { padding-left: 2px; padding-right: 2px; }")

    def sizeHint(self) -> QSize:
        """Square, or as wide as the symbol and its focus ring need."""
        hint = super().sizeHint()
        return QSize(
            max(self.fontMetrics().horizontalAdvance("MM") + 8, hint.height()), hint.height()
        )

    def minimumSizeHint(self) -> QSize:
        """As narrow as its hint."""
        return self.sizeHint()


class ListEditor(QWidget):
    """Rows of text (one or two columns), each optionally marked right; add, move, remove.

    ``edited`` is emitted after every change the person makes, with nothing: read
    :meth:`values` and :meth:`marks`. In a row, Enter goes on to the right side of a
    pair, or to the next row while that is empty, or else adds a row after it; Alt+Up and
    Alt+Down move it, Backspace in an empty row removes it; the row's buttons do the
    same for the mouse.
    """

    edited = Signal()

    def __init__(
        self,
        item_name: str,
        *,
        columns: int = 1,
        mark: str | None = None,
        mark_text: str = "Right",
        add_text: str | None = None,
        placeholders: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._item = item_name
        self._columns = columns
        self._mark = mark  # None, "radio" or "check"
        self._mark_text = mark_text
        self._placeholders = tuple(placeholders)
        self._rows: list[tuple[QAbstractButton | None, list[_RowEdit], list[QPushButton]]] = []
        self._group = QButtonGroup(self)
        self._group.setExclusive(mark == "radio")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(6)
        layout.addLayout(self._rows_box)
        self.add_button = push_button(
            add_text or f"Add {item_name}",
            description=f"Add a {item_name} at the end (Enter in the last one adds one too)",
        )
        self.add_button.clicked.connect(lambda: self._insert(len(self._rows), focus=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    # -- reading and showing -----------------------------------------------------------------

    def values(self) -> list[list[str]]:
        """The texts of every row (one list per row, one text per column)."""
        return [[edit.text() for edit in edits] for _mark, edits, _buttons in self._rows]

    def texts(self) -> list[str]:
        """The first column of every row."""
        return [row[0] for row in self.values()]

    def marks(self) -> list[bool]:
        """Which rows are marked right."""
        return [bool(mark and mark.isChecked()) for mark, _edits, _buttons in self._rows]

    def set_rows(self, rows: Sequence[Sequence[str]], marks: Sequence[bool] = ()) -> None:
        """Show ``rows``, keeping the widgets (and the cursor) of rows that stay."""
        while len(self._rows) > len(rows):
            self._drop(len(self._rows) - 1)
        while len(self._rows) < len(rows):
            self._insert(len(self._rows), focus=False, announce=False)
        # Every mark is silent until all rows are shown: marking one radio unmarks another,
        # whose signal would otherwise write this question's first rows and the last
        # question's other rows back as if the teacher had edited them.
        silenced = [mark for mark, _edits, _buttons in self._rows if mark is not None]
        for silent in silenced:
            silent.blockSignals(True)
        for index, row in enumerate(rows):
            _mark, edits, _buttons = self._rows[index]
            for column, edit in enumerate(edits):
                set_line_text(edit, row[column] if column < len(row) else "")
        for index, (mark, _edits, _buttons) in enumerate(self._rows):
            if mark is None:
                continue
            wanted = index < len(marks) and marks[index]
            if mark.isChecked() != wanted:
                if self._mark == "radio" and not wanted:
                    self._group.setExclusive(False)
                    mark.setChecked(False)
                    self._group.setExclusive(True)
                else:
                    mark.setChecked(wanted)
        for silent in silenced:
            silent.blockSignals(False)
        self._name_rows()

    def row_editors(self, index: int) -> list[QLineEdit]:
        """The text boxes of row ``index``."""
        return list(self._rows[index][1])

    def mark_button(self, index: int) -> QAbstractButton | None:
        """The "right" mark of row ``index``."""
        return self._rows[index][0]

    def row_count(self) -> int:
        """How many rows there are."""
        return len(self._rows)

    def focus_row(self, index: int) -> None:
        """Put the keyboard in row ``index``."""
        if 0 <= index < len(self._rows):
            self._rows[index][1][0].setFocus(Qt.FocusReason.OtherFocusReason)

    # -- changing ----------------------------------------------------------------------------

    def _insert(self, index: int, *, focus: bool, announce: bool = True) -> None:
        row = QHBoxLayout()
        row.setSpacing(6)
        mark: QAbstractButton | None = None
        if self._mark == "radio":
            mark = QRadioButton(self._mark_text)
        elif self._mark == "check":
            mark = QCheckBox(self._mark_text)
        if mark is not None:
            self._group.addButton(mark)
            mark.toggled.connect(lambda _on: self.edited.emit())
            row.addWidget(mark)
        edits: list[_RowEdit] = []
        for column in range(self._columns):
            edit = _RowEdit()
            if column < len(self._placeholders):
                edit.setPlaceholderText(self._placeholders[column])
            edit.textEdited.connect(lambda _text: self.edited.emit())
            edit.add_after.connect(lambda e=edit: self._enter(e))
            edit.move_row.connect(lambda step, e=edit: self._move(self._row_of(e), step))
            edit.remove_if_empty.connect(lambda e=edit: self._remove_empty(e))
            if column:
                arrow = QLabel("→")
                arrow.setAccessibleName("matches")
                row.addWidget(arrow)
            row.addWidget(edit, 1)
            edits.append(edit)
        up = self._small_button("↑")
        down = self._small_button("↓")
        remove = self._small_button("✕")
        up.clicked.connect(lambda _c=False, e=edits[0]: self._move(self._row_of(e), -1))
        down.clicked.connect(lambda _c=False, e=edits[0]: self._move(self._row_of(e), 1))
        remove.clicked.connect(lambda _c=False, e=edits[0]: self._remove(self._row_of(e)))
        for button in (up, down, remove):
            row.addWidget(button)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self._rows_box.insertWidget(index, holder)
        holder.show()
        self._rows.insert(index, (mark, edits, [up, down, remove]))
        self._name_rows()
        self._fix_tab_order()
        if focus:
            edits[0].setFocus(Qt.FocusReason.OtherFocusReason)
        if announce:
            self.edited.emit()

    @staticmethod
    def _small_button(text: str) -> QPushButton:
        button = _SmallButton(text)
        button.setAutoDefault(True)
        return button

    def _row_of(self, edit: QWidget) -> int:
        for index, (_mark, edits, _buttons) in enumerate(self._rows):
            if edit in edits:
                return index
        return -1

    def _enter(self, edit: _RowEdit) -> None:
        """Enter moves on as a person filling the list expects.

        From the left side of a pair to its right side; else to the next row when that
        row is still empty (a new question's blank rows are filled in turn, not pushed
        down); else a new row is added after this one.
        """
        index = self._row_of(edit)
        if index < 0:
            return
        edits = self._rows[index][1]
        column = edits.index(edit)
        if column + 1 < len(edits):
            edits[column + 1].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        following = self._rows[index + 1][1] if index + 1 < len(self._rows) else []
        if following and not any(e.text() for e in following):
            following[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._insert(index + 1, focus=True)

    def _move(self, index: int, step: int) -> None:
        target = index + step
        if index < 0 or not 0 <= target < len(self._rows):
            return
        values = self.values()
        marks = self.marks()
        values[index], values[target] = values[target], values[index]
        marks[index], marks[target] = marks[target], marks[index]
        focused = next(
            (column for column, edit in enumerate(self._rows[index][1]) if edit.hasFocus()), 0
        )
        self.set_rows(values, marks)
        self._rows[target][1][focused].setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def _remove(self, index: int) -> None:
        if index < 0:
            return
        self._drop(index)
        self._name_rows()
        self._fix_tab_order()
        if self._rows:
            self.focus_row(min(index, len(self._rows) - 1))
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def _remove_empty(self, edit: _RowEdit) -> None:
        index = self._row_of(edit)
        if index >= 0 and not any(e.text() for e in self._rows[index][1]):
            self._remove(index)
            if index > 0:
                self._rows[index - 1][1][0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop(self, index: int) -> None:
        mark, edits, _buttons = self._rows.pop(index)
        if mark is not None:
            self._group.removeButton(mark)
        holder = edits[0].parentWidget()
        if holder is not None:
            self._rows_box.removeWidget(holder)
            holder.hide()
            holder.deleteLater()

    def _name_rows(self) -> None:
        count = len(self._rows)
        item = self._item
        for index, (mark, edits, (up, down, remove)) in enumerate(self._rows, 1):
            where = f"{item} {index} of {count}"
            for column, edit in enumerate(edits):
                side = ("", " (left)", " (right)")[min(column + 1, 2)] if self._columns > 1 else ""
                edit.setAccessibleName(f"{where.capitalize()}{side}")
            if mark is not None:
                mark.setAccessibleName(f"{self._mark_text}: {item} {index}")
                mark.setToolTip(f"Mark {item} {index} as right")
            up.setAccessibleName(f"Move {item} {index} up")
            up.setToolTip(f"Move {item} {index} up (Alt+Up)")
            up.setEnabled(index > 1)
            down.setAccessibleName(f"Move {item} {index} down")
            down.setToolTip(f"Move {item} {index} down (Alt+Down)")
            down.setEnabled(index < count)
            remove.setAccessibleName(f"Remove {item} {index}")
            remove.setToolTip(f"Remove {item} {index}")

    def _fix_tab_order(self) -> None:
        # Rows inserted in the middle would otherwise be reached last by Tab.
        chain: list[QWidget] = []
        for mark, edits, buttons in self._rows:
            if mark is not None:
                chain.append(mark)
            chain.extend(edits)
            chain.extend(buttons)
        chain.append(self.add_button)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)


def key_text(keys: str) -> str:
    """A shortcut as this system writes it (Ctrl+B, ⌘B)."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


class FlowButtons(QWidget):
    """Buttons side by side that wrap onto more lines when the window or text size asks."""

    def __init__(self, buttons: Sequence[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = FlowRow(self, spacing=8)
        for button in buttons:
            row.addWidget(button)


class MenuButton(QPushButton):
    """A button that opens its menu of choices under itself; arrows and Enter pick one.

    The menu pops up without a loop of its own (Qt's button menus run one), so the rest
    of the app goes on while it is open.
    """

    def __init__(self, text: str, menu: QMenu, *, description: str = "") -> None:
        super().__init__(text)
        self.menu_of_choices = menu
        plain = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
        self.setAccessibleName(plain.rstrip("…"))
        if description:
            self.setAccessibleDescription(description)
            self.setToolTip(description)
        self.setAutoDefault(True)
        self.clicked.connect(self.open_menu)

    def add_choice(self, text: str, tip: str, chosen: Callable[[], object]) -> QAction:
        """A choice of the menu; ``chosen`` runs once the menu has closed and given the
        keyboard back, so it may move the focus itself."""
        action = QAction(text, self.menu_of_choices)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: QTimer.singleShot(0, chosen))
        self.menu_of_choices.addAction(action)
        return action

    def open_menu(self) -> None:
        """Show the menu below the button, its first choice ready for the keyboard."""
        menu = self.menu_of_choices
        actions = [a for a in menu.actions() if a.isEnabled() and not a.isSeparator()]
        if actions:
            menu.setActiveAction(actions[0])
        menu.popup(self.mapToGlobal(QPoint(0, self.height())))


def notice(parent: QWidget, title: str, text: str, *, warning: bool = False) -> QMessageBox:
    """A message the person reads and closes; the rest of the app goes on meanwhile."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    parent.setProperty("lastNotice", text)
    return box


class ComboBox(QComboBox):
    """A drop-down as narrow as its column allows: a long choice is cut, with an ellipsis,
    rather than widening the page past the window (at 200 % text, say); the list it
    opens shows every choice whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


def focus_chain(root: QWidget) -> list[QWidget]:
    """The controls under ``root`` that Tab reaches, in the order their layouts show them."""
    chain: list[QWidget] = []

    # Layouts are found as child objects and items told apart by their type, never by
    # asking for a layout that may be missing: that call returning None upsets the
    # bindings' reference counts when made by the thousand.
    def own_layout(widget: QWidget) -> QLayout | None:
        found = widget.findChildren(QLayout, "", Qt.FindChildOption.FindDirectChildrenOnly)
        return found[0] if found else None

    def walk_layout(layout: QLayout) -> None:
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if isinstance(item, QLayout):
                walk_layout(item)
            elif isinstance(item, QWidgetItem):
                widget = item.widget()
                if widget is not None:
                    walk_widget(widget)

    def walk_widget(widget: QWidget) -> None:
        if widget.isHidden():
            return
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and not isinstance(widget, QScrollArea):
            chain.append(widget)
            # A spin box's or combo box's own parts are its business.
            if isinstance(widget, QAbstractSpinBox | QComboBox | QPlainTextEdit):
                return
        layout = own_layout(widget)
        if layout is not None:
            walk_layout(layout)

    layout = own_layout(root)
    if layout is not None:
        walk_layout(layout)
    return chain


def tab_in_reading_order(root: QWidget) -> None:
    """Make Tab go through ``root``'s controls top to bottom, as they are laid out.

    Rows added to a list after the form was built would otherwise be reached last.
    """
    for first, second in pairwise(focus_chain(root)):
        QWidget.setTabOrder(first, second)
