"""The bar that says an answer was not saved, and offers to send it again.

Shown when the school server could not be reached or dropped before confirming an
answer. The answer stays on screen, locked, so what is sent again is exactly what
was given; the app's answer key makes sure it is stored once, even if the first
attempt did reach the server.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from crisisquiz.gui.questions.look import push_button, wrapped_label


class NotSavedBar(QFrame):
    """ "Your answer was not saved", why, and Try again (Enter)."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notSavedBar")
        self.setAccessibleName("Answer not saved")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        self.title = wrapped_label("Your answer was not saved", role="error")
        self.title.setObjectName("notSavedTitle")
        layout.addWidget(self.title)
        self.reason = wrapped_label(role="muted")
        layout.addWidget(self.reason)
        row = QHBoxLayout()
        self.retry_button = push_button("Try again")
        self.retry_button.setAccessibleName("Send the answer again")
        self.retry_button.setToolTip("Send the same answer again (Enter)")
        self.retry_button.setDefault(True)
        self.retry_button.clicked.connect(self.retry_requested)
        row.addWidget(self.retry_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.hide()

    def show_problem(self, problem: str) -> None:
        """Show why, and put the keyboard on Try again."""
        self.reason.setText(
            f"{problem} Nothing is shown as saved until the server confirms it; your answer "
            "is kept here. Try again when the connection is back: it will be stored once."
        )
        self.setAccessibleDescription(self.reason.text())
        self.show()
        self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)
