"""Reading key presses the same way in every question view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent


def number_key(event: QKeyEvent) -> int | None:
    """The digit 1-9 of a key press without Ctrl/Alt/Meta, or None."""
    blocked = (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    if event.modifiers() & blocked:
        return None
    key = event.key()
    if Qt.Key.Key_1.value <= key <= Qt.Key.Key_9.value:
        return key - Qt.Key.Key_0.value
    return None


def is_enter(event: QKeyEvent) -> bool:
    """Whether the key is Return or keypad Enter."""
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def has_ctrl(event: QKeyEvent) -> bool:
    """Whether Ctrl (Cmd on macOS) is held."""
    return bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
