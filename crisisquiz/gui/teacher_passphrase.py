"""The teacher passphrase in the window: asked before the Teacher menu opens, and set there.

See :mod:`crisisquiz.core.teacher_lock` for what it protects and what it does not.
Once typed right, the Teacher menu stays open until the window closes or the
learner is switched.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.teacher_lock import MIN_PASSPHRASE, TeacherLock, TeacherLockError
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.widgets import heading, push_button, text_label


def _secret(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class _Dialog(QDialog):
    """A small dialog with an error line and a row of buttons."""

    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} — crisisquiz")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 20, 24, 20)
        self.layout_.setSpacing(10)
        self.layout_.addWidget(heading(title, 1))
        self.layout_.addWidget(text_label(intro, "muted"))
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error_label = text_label("", "error")
        self.error_label.hide()
        self.layout_.addWidget(self.error_label)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.layout_.addLayout(self.buttons)

    def field(self, text: str, name: str) -> QLineEdit:
        edit = _secret(name)
        label = QLabel(text)
        label.setBuddy(edit)
        self.form.addRow(label, edit)
        return edit

    def show_error(self, text: str | None) -> None:
        self.error_label.setVisible(text is not None)
        self.error_label.setText(f"⚠ {text}" if text else "")
        if text:
            announce(self.error_label, text, assertive=True)


class UnlockDialog(_Dialog):
    """Asks for the teacher passphrase; accepted only when it is right."""

    def __init__(self, lock: TeacherLock, parent: QWidget | None = None) -> None:
        super().__init__(
            "Teacher passphrase",
            "The Teacher menu shows every learner's answers, so it is kept for whoever knows "
            "the teacher passphrase of this computer.",
            parent,
        )
        self._lock = lock
        self.passphrase = self.field("Teacher &passphrase:", "Teacher passphrase")
        self.open_button = push_button("&Open", description="Open the Teacher menu")
        self.cancel_button = push_button("Cancel", description="Go back")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._try)
        self.cancel_button.clicked.connect(self.reject)
        self.buttons.addWidget(self.open_button)
        self.buttons.addWidget(self.cancel_button)
        self.passphrase.setFocus()

    def _try(self) -> None:
        if self._lock.check(self.passphrase.text()):
            self.accept()
            return
        self.passphrase.clear()
        self.passphrase.setFocus()
        self.show_error("That is not the teacher passphrase. Type it again.")


class PassphraseDialog(_Dialog):
    """Sets, changes or removes the teacher passphrase."""

    def __init__(self, lock: TeacherLock, parent: QWidget | None = None) -> None:
        is_set = lock.is_set()
        super().__init__(
            "Change the teacher passphrase" if is_set else "Set a teacher passphrase",
            "With a passphrase, the Teacher menu (classes and class reports) and the class "
            "commands ask for it, so a learner at this computer cannot open other learners' "
            "answers through the app. It does not encrypt the database file: keep the "
            f"computer's own accounts for that. At least {MIN_PASSPHRASE} characters.",
            parent,
        )
        self._lock = lock
        self.current = self.field("&Current passphrase:", "Current passphrase") if is_set else None
        self.new = self.field("&New passphrase:", "New passphrase")
        self.again = self.field("The same &again:", "New passphrase again")
        self.save_button = push_button(
            "&Save", description="Keep the new passphrase (only a salted hash of it is stored)"
        )
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        self.remove_button = push_button(
            "&Remove passphrase",
            description="The Teacher menu opens for anyone again",
            role="danger",
        )
        self.remove_button.clicked.connect(self._remove)
        self.remove_button.setVisible(is_set)
        self.cancel_button = push_button("Cancel", description="Change nothing")
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.remove_button, self.save_button, self.cancel_button):
            self.buttons.addWidget(button)
        self.outcome = ""
        (self.current or self.new).setFocus()

    def _save(self) -> None:
        if self.new.text() != self.again.text():
            self.show_error("The two new passphrases differ. Type them again.")
            self.again.clear()
            self.again.setFocus()
            return
        try:
            self._lock.set(self.new.text(), current=self.current.text() if self.current else None)
        except TeacherLockError as exc:
            text = str(exc)
            self.show_error(text[:1].upper() + text[1:] + ".")
            return
        self.outcome = "set"
        self.accept()

    def _remove(self) -> None:
        try:
            self._lock.remove(self.current.text() if self.current else "")
        except TeacherLockError as exc:
            text = str(exc)
            self.show_error(text[:1].upper() + text[1:] + ".")
            return
        self.outcome = "removed"
        self.accept()


__all__ = ["PassphraseDialog", "UnlockDialog"]
