"""What a screen reader gets on every screen: names that carry the text, headings, no silent stops.

The checks read Qt's accessibility interfaces, which is what AT-SPI (and so Orca)
is given: each object's role and its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from harness import Ctrl, Driver, Entry, open_window, services_with_pack, single_type_pack
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QTextDocument
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.gui.learner_dialog import LearnerPickerDialog
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.progress_screen import ProgressScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database

# Marks that only repeat what the words say (read aloud they are noise).
SYMBOLS = "✓✗◐⚠ "


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def spoken(widget: QWidget) -> tuple[QAccessible.Role, str]:
    """The role and name a screen reader is given for ``widget``."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.role(), interface.text(QAccessible.Text.Name)


def visible_text(label: QLabel) -> str:
    if label.textFormat() == Qt.TextFormat.PlainText or "<" not in label.text():
        text = label.text()
    else:
        document = QTextDocument()
        document.setHtml(label.text())
        text = document.toPlainText()
    return " ".join(text.replace("&", "").split())


def check_screen(root: QWidget) -> list[str]:
    """Every problem a screen reader user would meet on what ``root`` shows now."""
    problems = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.pixmap().isNull() is False:
            continue
        role, name = spoken(label)
        shown = visible_text(label).strip(SYMBOLS)
        if shown and shown not in " ".join(name.split()):
            problems.append(f"label {shown!r} is read as {name!r}")
        if label.property("role") in ("h1", "h2", "h3") and role != QAccessible.Role.Heading:
            problems.append(f"heading {shown!r} is read as role {role!r}")
    for area in root.findChildren(QScrollArea):
        if area.isVisible() and area.focusPolicy() != Qt.FocusPolicy.NoFocus:
            problems.append(f"a scroll area {area.objectName()!r} is a silent Tab stop")
    for widget in root.findChildren(QWidget):
        if (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(widget, QScrollArea)
            and type(widget).__name__ not in ("QWidget", "QFrame")
            and widget.objectName() != "qt_scrollarea_viewport"
            and not isinstance(widget.parentWidget(), QAbstractSpinBox)  # its own field
        ):
            _role, name = spoken(widget)
            if not name.strip():
                problems.append(f"a {type(widget).__name__} Tab stop has no name")
            if isinstance(widget, QAbstractScrollArea) and widget.inherits("QScrollArea"):
                problems.append("a scroll area takes focus")
    return problems


def test_navigation_is_read_as_buttons_with_the_current_place(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    for screen, button in app.window.nav_buttons.items():
        role, name = spoken(button)
        assert role == QAccessible.Role.Button, (screen, role)  # not "check box"
        assert name == screen.value
        assert not button.isCheckable()
    home = app.window.nav_buttons[Screen.HOME]
    assert home.accessibleDescription().startswith("Current screen.")
    app.press(Qt.Key.Key_6, Ctrl)
    assert not home.accessibleDescription().startswith("Current screen.")
    assert (
        app.window.nav_buttons[Screen.SETTINGS]
        .accessibleDescription()
        .startswith("Current screen.")
    )


def test_every_screen_reads_its_text_and_headings(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    problems = {"home": check_screen(app.window)}
    study = app.enter_study(Entry.TAB_ENTER)
    for number in range(9):
        kind = app.view().item.question.type.value
        problems[f"study {kind}"] = check_screen(app.window)
        app.answer(right=number % 2 == 0)
        problems[f"feedback {kind}"] = check_screen(app.window)
        app.press(Qt.Key.Key_Return)
        clock.advance(seconds=5)
    app.press(Qt.Key.Key_Escape)
    assert study.showing_summary
    problems["study summary"] = check_screen(app.window)
    app.home()
    quiz = app.enter_quiz(Entry.SHORTCUT)
    problems["quiz set-up"] = check_screen(app.window)
    app.press(Qt.Key.Key_Return)
    while quiz.result is None:
        app.answer(right=True)
        app.press(Qt.Key.Key_Return)
    problems["quiz results"] = check_screen(app.window)
    app.press(Qt.Key.Key_Escape)
    progress = app.window._ensure_progress_screen()
    assert isinstance(progress, ProgressScreen)
    with qtbot.waitSignal(progress.figures_shown, timeout=10_000):
        app.press(Qt.Key.Key_4, Ctrl)
    problems["progress"] = check_screen(app.window)
    app.press(Qt.Key.Key_5, Ctrl)
    problems["packs"] = check_screen(app.window)
    app.press(Qt.Key.Key_6, Ctrl)
    problems["settings"] = check_screen(app.window)
    found = {screen: found for screen, found in problems.items() if found}
    assert not found, "\n".join(f"{screen}: {p}" for screen, ps in found.items() for p in ps)


def test_hints_errors_and_saved_settings_are_announced(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: Any,
    appearance: Appearance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said: list[str] = []

    def record(_widget: QWidget, message: str, *, assertive: bool = False) -> None:
        said.append(message)

    for module in ("questions.base", "settings_screen", "learner_dialog", "quiz_screen"):
        monkeypatch.setattr(f"crisisquiz.gui.{module}.announce", record)
    services = services_with_pack(
        database, single_type_pack(small_pack_text, QuestionType.MULTIPLE_CHOICE), clock
    )
    learner = services.learners.create("Ana", now=clock())
    app: Driver = open_window(qtbot, services, appearance, learner)
    app.enter_study(Entry.CLICK)
    app.press(Qt.Key.Key_Return)  # nothing chosen
    assert said and said[-1].startswith("Pick one of the choices")
    app.press(Qt.Key.Key_Escape)
    app.home()
    app.press(Qt.Key.Key_6, Ctrl)
    app.press(Qt.Key.Key_Up)  # retention one point up: saved at once
    assert said[-1] == "Saved."

    def duplicate_name() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LearnerPickerDialog)
        qtbot.keyClicks(dialog.name_edit, "ana")
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        dialog.reject()

    QTimer.singleShot(0, duplicate_name)
    picker = LearnerPickerDialog(services, app.window)
    picker.exec()
    assert re.search("already a learner called Ana", said[-1])
