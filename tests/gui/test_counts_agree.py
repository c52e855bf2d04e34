"""Every count on every screen agrees: Home, the topic cards, Study and Progress."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from harness import Driver, Entry, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.progress_screen import Column, ProgressScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance

Ctrl = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def home_figures(app: Driver) -> tuple[int, int, dict[str, int]]:
    """(due, new) on the Study now button and "N due now" on each topic card, by title."""
    found = re.search(r"\((\d+) due, (\d+) new\)", app.window.home.study_button.text())
    assert found, app.window.home.study_button.text()
    cards = {}
    for row in app.window.home.topic_rows:
        text = row.counts_label.text()
        number = re.match(r"(\d+) due now", text)
        cards[row.topic.title] = int(number.group(1)) if number else 0
        assert number or text.startswith("Nothing due now"), text
    return int(found.group(1)), int(found.group(2)), cards


def progress_figures(app: Driver) -> tuple[int, dict[str, int]]:
    """The overall "N due now" and the table's Due now column, by topic title."""
    progress = app.window.progress_screen
    assert isinstance(progress, ProgressScreen)
    overall = re.search(r"(\d+) due now", progress.overall_label.text())
    assert overall, progress.overall_label.text()
    table = progress.table
    rows = {
        table.cell_text(row, Column.TOPIC): int(table.cell_text(row, Column.DUE_NOW))
        for row in range(table.model().rowCount())
    }
    return int(overall.group(1)), rows


def test_home_topic_cards_study_and_progress_agree(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    study = app.enter_study(Entry.SHORTCUT)
    for number in range(7):
        clock.advance(seconds=10)
        app.answer(right=number % 2 == 0)  # wrong ones come back in a learning step
        app.press(Qt.Key.Key_Return)
    assert not study.showing_summary
    for step in ({"minutes": 2}, {"hours": 6}, {"days": 4}):
        clock.advance(**step)
        app.press(Qt.Key.Key_1, Ctrl)
        assert app.window.current_screen() is Screen.HOME
        due, new, cards = home_figures(app)
        assert sum(cards.values()) == due

        progress = app.window._ensure_progress_screen()
        assert isinstance(progress, ProgressScreen)
        with qtbot.waitSignal(progress.figures_shown, timeout=10_000):
            app.press(Qt.Key.Key_4, Ctrl)
        overall, rows = progress_figures(app)
        assert overall == due
        assert rows == cards

        # A study session started at the same moment holds exactly that much.
        app.press(Qt.Key.Key_1, Ctrl)
        app.window._discard(app.study)  # the next Study starts afresh, now
        session_screen = app.enter_study(Entry.SHORTCUT)
        session = session_screen.session
        assert session is not None
        left = session.counts(clock())
        assert (left.learning + left.due, left.new) == (due, new)
        label = session_screen.counts_label.text()
        assert label == f"Left: {left.learning} learning · {left.due} due · {left.new} new"
