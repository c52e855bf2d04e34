"""A radio button or check box whose text wraps: long choices must never be cut off.

Each choice is drawn as a bordered row; the picked row gets an accent border and
background, and the focused row a thick focus ring, so neither depends on the
small indicator alone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QFrame, QHBoxLayout, QLabel, QWidget

from crisisquiz.gui.questions.look import focus_colour, is_dark

# Borders change width with state; the margin shrinks to match, so nothing moves.
_ROW_STYLE = """
QFrame#choiceRow {
    border: 1px solid palette(mid); border-radius: 8px; margin: 2px;
    background: palette(base);
}
QFrame#choiceRow[checked="true"] {
    border: 3px solid palette(highlight); margin: 0px; background: palette(alternate-base);
}
QFrame#choiceRow[focused="true"] { border: 3px solid %(focus)s; margin: 0px; }
QFrame#choiceRow QRadioButton::indicator, QFrame#choiceRow QCheckBox::indicator {
    width: 1em; height: 1em;
}
QFrame#choiceRow QCheckBox, QFrame#choiceRow QCheckBox:focus {
    border: 3px solid transparent; background: transparent;
}
QFrame#choiceRow QLabel { background: transparent; }
QFrame#choiceRow QCheckBox::indicator:checked:disabled {
    background: %(ticked)s; border-color: %(ticked)s;
}
"""
# A graded (disabled) tick must still read as ticked; a muted accent keeps the white check
# mark visible in both themes.
_DISABLED_TICK = ("#7d93bd", "#4a6596")


class _ClickableLabel(QLabel):
    """A wrapped label that clicks its button, like the text of a normal radio button."""

    def __init__(self, text: str, button: QAbstractButton) -> None:
        super().__init__(text)
        self._button = button
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Click the button when the text is clicked."""
        if event.button() == Qt.MouseButton.LeftButton and self._button.isEnabled():
            self._button.click()
            self._button.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)


class ChoiceRow(QFrame):
    """``button`` (given without text) beside a word-wrapped ``text``."""

    def __init__(self, button: QAbstractButton, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choiceRow")
        ticked = _DISABLED_TICK[1] if is_dark(self) else _DISABLED_TICK[0]
        self.setStyleSheet(_ROW_STYLE % {"focus": focus_colour(self), "ticked": ticked})
        self.button = button
        self.label = _ClickableLabel(text, button)
        self.label.setObjectName("choiceText")
        self.mark = QLabel()
        self.mark.setObjectName("choiceMark")
        self.mark.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(8)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        button.installEventFilter(self)
        button.toggled.connect(self._restyle)
        self._restyle()

    def show_mark(self, text: str, colour: str) -> None:
        """Mark the row after grading, e.g. "✓ right answer" or "✗ your answer"."""
        self.mark.setText(text)
        self.mark.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.mark.show()
        self.button.setAccessibleDescription(text)

    def _restyle(self, *_args: object, focused: bool | None = None) -> None:
        self.setProperty("checked", self.button.isChecked())
        self.setProperty("focused", self.button.hasFocus() if focused is None else focused)
        self.style().unpolish(self)
        self.style().polish(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Show the focus ring around the whole row while the button has focus."""
        if watched is self.button and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._restyle(focused=event.type() == QEvent.Type.FocusIn)
        return super().eventFilter(watched, event)
