"""A teacher at the pack editor: keys to where the focus is, clicks in the middle of widgets.

Waits are on the editor's own signals and state (the live check, the publish), never
on time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.gui.editor.fields import ListEditor, MenuButton
from crisisquiz.gui.editor.question_form import TYPE_WORDS
from crisisquiz.gui.editor.window import EditorWindow

NoModifier = Qt.KeyboardModifier.NoModifier
Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier
Alt = Qt.KeyboardModifier.AltModifier


@dataclass
class Teacher:
    """A person at the keyboard and mouse of one editor window."""

    qtbot: QtBot
    editor: EditorWindow

    def focus(self) -> QWidget:
        """The widget with the keyboard focus.

        The offscreen platform of the tests reports a closed dialog's or popup's focus
        changes late and may leave no window (or the closed one) active, where a
        desktop gives the keyboard back to the window beneath; then the editor is made
        active again, as the desktop would.
        """
        active = QApplication.activeWindow()
        if active is None or not active.isVisible():
            self.editor.activateWindow()
            self.qtbot.waitUntil(self.editor.isActiveWindow)
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NoModifier) -> None:
        """Press ``key`` where the focus is."""
        self.qtbot.keyClick(self.focus(), key, modifier)

    def type(self, text: str) -> None:
        """Type ``text`` where the focus is."""
        self.qtbot.keyClicks(self.focus(), text)

    def click(self, widget: QWidget) -> None:
        """Click the middle of ``widget`` (a text box's text area for a text box)."""
        target = widget.viewport() if isinstance(widget, QPlainTextEdit) else widget
        assert widget.isVisible() and widget.isEnabled(), f"cannot click {widget!r}"
        # A person sees the window laid out before clicking in it.
        self.qtbot.waitUntil(lambda: not widget.rect().isEmpty())
        area = widget.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            area.ensureWidgetVisible(widget)  # scrolled to, as a person scrolls to it
        self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.rect().center())

    def write(self, widget: QWidget, text: str) -> None:
        """Click into a text field, clear it with Ctrl+A and type ``text``."""
        self.click(widget)
        assert self.focus() is widget, (self.focus(), widget)
        self.press(Qt.Key.Key_A, Ctrl)
        if text:
            self.type(text)
        else:
            self.press(Qt.Key.Key_Delete)

    def pick(self, button: MenuButton, words: str) -> None:
        """Open a menu button's menu and choose ``words`` with the arrow keys and Enter."""
        menu = button.menu_of_choices
        with self.popup_watched():
            self.click(button)
            self.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
            names = [a.text() for a in menu.actions()]
            for _ in range(names.index(words)):
                self.qtbot.keyClick(menu, Qt.Key.Key_Down)
            self.qtbot.keyClick(menu, Qt.Key.Key_Return)
            self.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)

    @contextmanager
    def popup_watched(self) -> Iterator[None]:
        """Around opening and choosing in a popup menu: after it, the menu is gone."""
        before = QApplication.activePopupWidget()
        yield
        self.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is before)

    def add_question(self, qtype: QuestionType) -> None:
        """Add a question of ``qtype`` with the list's "Add a question" button."""
        count = len(self.editor.document.draft.questions)
        self.pick(self.editor.question_list.add_button, TYPE_WORDS[qtype][0])
        self.qtbot.waitUntil(lambda: len(self.editor.document.draft.questions) == count + 1)

    def settle(self) -> None:
        """Wait for the live check that follows the last change."""
        document = self.editor.document
        self.qtbot.waitUntil(lambda: not document._check_timer.isActive(), timeout=5000)

    def fill_rows(self, editor: ListEditor, rows: list[list[str]]) -> None:
        """Type ``rows`` into a list editor, adding rows with its button when needed."""
        for index, row in enumerate(rows):
            if index >= editor.row_count():
                self.click(editor.add_button)
            for column, text in enumerate(row):
                self.write(editor.row_editors(index)[column], text)
        while editor.row_count() > len(rows):
            remove = editor.findChildren(
                QAbstractButton, options=Qt.FindChildOption.FindChildrenRecursively
            )
            buttons = [
                b
                for b in remove
                if b.accessibleName() == f"Remove {editor._item} {editor.row_count()}"
            ]
            self.click(buttons[0])

    def field_text(self, name: str) -> str:
        """The problem shown under the question's field ``name`` ("" when none)."""
        field = self.editor.form.field(name)
        return field.problem.text() if field.has_problem else ""

    def back_from(self, dialog: QWidget) -> None:
        """After a dialog closed: the editor window has the keyboard again.

        A desktop gives the keyboard back to the window under a dialog; the offscreen
        platform of the tests leaves no window active, so the test does it.
        """
        self.qtbot.waitUntil(lambda: not dialog.isVisible())
        if not self.editor.isActiveWindow():
            self.editor.activateWindow()
            self.qtbot.waitUntil(self.editor.isActiveWindow)

    def read_notice(self) -> str:
        """Read the message the editor shows after an action, and close it with Enter."""
        box = next(b for b in self.editor.findChildren(QMessageBox) if b.isVisible())
        text = box.text()
        ok = box.button(QMessageBox.StandardButton.Ok)
        self.qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=ok.rect().center())
        self.back_from(box)
        return text

    def click_row(self, listing: QListWidget, row: int) -> None:
        """Click row ``row`` (0 for the first) of a list."""
        item = listing.item(row)
        listing.scrollToItem(item)
        rect = listing.visualItemRect(item)
        self.qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert listing.currentRow() == row

    def select_question(self, position: int) -> None:
        """Click the question at ``position`` (1 for the first) in the list."""
        self.click_row(self.editor.question_list.list, position - 1)

    def line(self, name: str) -> QLineEdit:
        """The question form's one-line field ``name``."""
        editor = self.editor.form.editor(name)
        assert isinstance(editor, QLineEdit), editor
        return editor

    def box(self, name: str) -> QPlainTextEdit:
        """The question form's text box ``name``."""
        editor = self.editor.form.editor(name)
        assert isinstance(editor, QPlainTextEdit), editor
        return editor

    def open_menu(self, letter: Qt.Key) -> QMenu:
        """Open one of the window's menus with Alt and its letter."""
        self.press(letter, Alt)
        self.qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        popup = QApplication.activePopupWidget()
        assert isinstance(popup, QMenu)
        return popup
