"""How question widgets look: text roles, theme colours, wrapping labels, buttons.

The shell's stylesheets do the styling; these helpers set the properties they
select on, and fall back to sensible fonts when no stylesheet is loaded.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from crisisquiz.core.grading import Verdict
from crisisquiz.gui.questions.keys import has_ctrl, is_enter

# The shell's stylesheets size text by a "role" property; these factors match them, so text
# is sized the same when no stylesheet is loaded (tests, a bare QApplication).
ROLE_FONTS: dict[str, tuple[float, bool]] = {
    "h1": (1.75, True),
    "h2": (1.35, True),
    "h3": (1.15, True),
    "small": (0.9, False),
}
# The focus ring colours of the shell's light and dark stylesheets.
FOCUS_COLOURS = ("#b35900", "#fbbf24")
# Words and symbol first: colour only repeats what they already say.
VERDICT_WORDS: dict[Verdict, tuple[str, str]] = {
    Verdict.RIGHT: ("✓", "Right"),
    Verdict.PARTLY: ("◐", "Partly right"),
    Verdict.WRONG: ("✗", "Wrong"),
}
# (light theme, dark theme); each meets 4.5:1 contrast on the theme's usual background.
VERDICT_COLOURS: dict[Verdict, tuple[str, str]] = {
    Verdict.RIGHT: ("#17692f", "#7fdc95"),
    Verdict.PARTLY: ("#8a4b00", "#ffc76b"),
    Verdict.WRONG: ("#b0201a", "#ff938a"),
}


def scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    """``base`` grown by ``factor``, so headings follow the app's text size setting."""
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


def set_text_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` a text role ("h2", "muted", "error", ...) for the stylesheet to size."""
    widget.setProperty("role", role)
    factor, bold = ROLE_FONTS.get(role, (1.0, False))
    if factor != 1.0 or bold:
        widget.setFont(scaled_font(widget.font(), factor, bold=bold))
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def is_dark(widget: QWidget) -> bool:
    """Whether ``widget`` is drawn on a dark background."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def focus_colour(widget: QWidget) -> str:
    """The focus ring colour for the theme ``widget`` is drawn in."""
    light, dark = FOCUS_COLOURS
    return dark if is_dark(widget) else light


def verdict_colour(verdict: Verdict, *, dark: bool) -> str:
    """The colour that goes with ``verdict`` in a light or dark theme."""
    light_colour, dark_colour = VERDICT_COLOURS[verdict]
    return dark_colour if dark else light_colour


def wrapped_label(
    text: str = "", *, object_name: str = "", role: str = "", selectable: bool = False
) -> QLabel:
    """A plain-text label that wraps, so long texts never get cut off."""
    # The text comes last: with a screen reader running, setting it makes Qt describe the
    # label at once, and a heading must already say it is one.
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    if role:
        set_text_role(label, role)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    return label


class _EnterButton(QPushButton):
    """Enter clicks it while it has focus; Ctrl+Enter goes on to the view ("don't know")."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Leave Ctrl+Enter to the parent instead of clicking."""
        if is_enter(event) and has_ctrl(event):
            event.ignore()
            return
        super().keyPressEvent(event)


def push_button(text: str) -> QPushButton:
    """A push button that Enter clicks while it has focus, as buttons in a dialog do."""
    button = _EnterButton(text)
    button.setAutoDefault(True)
    return button


def _count(value: int, unit: str) -> str:
    return f"{value} {unit}" if value == 1 else f"{value} {unit}s"


def _in_units(interval: timedelta) -> tuple[int, str]:
    """The interval rounded to its most telling unit: (4, "day"), (10, "minute")."""
    seconds = interval.total_seconds()
    if seconds < 3600:
        return max(1, round(seconds / 60)), "minute"
    if seconds < 86400:
        return round(seconds / 3600), "hour"
    days = round(seconds / 86400)
    if days < 60:
        return days, "day"
    if days < 730:
        return round(days / 30.4), "month"
    return round(days / 365.25), "year"


def short_interval(interval: timedelta) -> str:
    """A compact interval for a button: "<1 min", "10 min", "5 h", "4 d", "3 mo", "2 yr"."""
    if interval.total_seconds() < 60:
        return "<1 min"
    value, unit = _in_units(interval)
    short = {"minute": "min", "hour": "h", "day": "d", "month": "mo", "year": "yr"}[unit]
    return f"{value} {short}"


def interval_words(interval: timedelta) -> str:
    """The interval in words to be read aloud: "in under a minute", "in 4 days"."""
    if interval.total_seconds() < 60:
        return "in under a minute"
    value, unit = _in_units(interval)
    return f"in {_count(value, unit)}"
