"""Exam mode from the window, by keys: set the date on Home, study, see the score rise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import Ctrl, Driver, Entry, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDateEdit
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.gui.exam_dialog import ExamDialog
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def tab_to(app: Driver, widget: object, limit: int = 40) -> None:
    """Press Tab until ``widget`` has the keyboard focus, as a person would."""
    for _ in range(limit):
        if app.focus() is widget:
            return
        app.press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget}")


def open_exam_dialog(app: Driver, *, shortcut: bool = False) -> ExamDialog:
    """Open the exam dialog from Home: Tab to its button and Enter, or Ctrl+T."""
    if shortcut:
        app.press(Qt.Key.Key_T, Ctrl)
    else:
        tab_to(app, app.window.home.exam_button)
        app.press(Qt.Key.Key_Return)
    app.qtbot.waitUntil(lambda: isinstance(app.window.exam_dialog, ExamDialog))
    dialog = app.window.exam_dialog
    assert isinstance(dialog, ExamDialog)
    # The dialog takes the keyboard once the window system has activated it.
    app.qtbot.waitUntil(dialog.isActiveWindow)
    app.qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.exam_day)
    return dialog


def finish(app: Driver, dialog: ExamDialog, key: Qt.Key) -> None:
    """Press ``key`` to end the dialog; the keyboard comes back to Home's exam button."""
    with app.waiting_for(dialog.finished):
        app.press(key)
    # The window manager gives the main window back its activation (offscreen: by hand).
    app.window.activateWindow()
    app.qtbot.waitUntil(app.window.isActiveWindow)
    app.qtbot.waitUntil(lambda: QApplication.focusWidget() is app.window.home.exam_button)


def test_set_an_exam_a_week_ahead_study_and_see_the_score_rise(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    learner = services.learners.update_settings(learner.id, new_per_day=1)
    app = open_window(qtbot, services, appearance, learner)
    home = app.window.home
    assert home.exam_button.text() == "Set an exam date…"
    assert home.study_button.text() == "Study now (0 due, 1 new)"

    dialog = open_exam_dialog(app)
    # The day field has the keyboard; it proposes a week ahead, which Enter keeps.
    assert isinstance(app.focus(), QDateEdit) and app.focus() is dialog.exam_day
    finish(app, dialog, Qt.Key.Key_Return)
    assert app.window.current_screen() is Screen.HOME
    [plan] = services.exams.plans(learner.id, now=clock())
    assert (plan.exam_day - clock().date()).days == 7
    # Home predicts the exam-day score now and with the plan, and the work it takes.
    assert home.exam_button.text() == "Change the exam date…"
    text = home.exam_text.text()
    assert "(in 7 days)" in text and "0 % now" in text and "if you keep to the plan" in text
    assert "minutes a day" in home.exam_work.text()
    assert "Alpha: 0 % now" in home.exam_topics.text()
    # The plan starts every question in time (9 in 6 days): more than the 1 a day set.
    new = services.study.queue_counts(learner.id, now=clock()).new
    assert new == 2
    assert home.study_button.text() == f"Study now (0 due, {new} new)"

    app.enter_study(Entry.SHORTCUT)
    session = app.study.session
    assert session is not None and session.counts(clock()).new == new
    for _ in range(3):
        app.answer(right=True)
        app.press(Qt.Key.Key_Return)
    app.press(Qt.Key.Key_Escape)  # the summary
    app.press(Qt.Key.Key_Escape)  # Home
    assert app.window.current_screen() is Screen.HOME
    qtbot.waitUntil(lambda: home.topics_drawn)
    risen = home.data
    assert risen is not None and risen.exams
    assert risen.exams[0].now > 0
    assert "0 % now" not in home.exam_text.text().split(":", 2)[-1].split(",")[0]
    # Every count agrees: Home's button, the topic cards and the figures.
    counts = services.study.queue_counts(learner.id, now=clock())
    assert risen.stats is not None
    assert sum(t.figures.due_now for t in risen.stats.topics) == counts.due + counts.learning


def test_a_mistake_in_the_exam_date_is_said_and_removing_the_exam_restores_the_day(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    dialog = open_exam_dialog(app)
    # The time box: Tab, then Up to 5 minutes a day, then Save with Enter.
    tab_to(app, dialog.minutes)
    assert dialog.minutes.text() == "As many as the plan needs"
    # Too few minutes typed: said in words, and nothing is saved.
    app.press(Qt.Key.Key_A, Ctrl)
    app.type("3")
    app.press(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == "Minutes a day must be between 5 and 600 (got 3)."
    assert services.exams.plans(learner.id, now=clock()) == []
    app.press(Qt.Key.Key_A, Ctrl)
    app.type("5")
    assert dialog.minutes.value() == 5
    finish(app, dialog, Qt.Key.Key_Return)
    [plan] = services.exams.plans(learner.id, now=clock())
    assert plan.minutes_per_day == 5
    assert "you set" in app.window.home.exam_work.text()
    # Open again (Ctrl+T): the saved day and time are shown; Remove goes back to normal.
    dialog = open_exam_dialog(app, shortcut=True)
    assert dialog.minutes.value() == 5 and dialog.remove_button.isVisible()
    tab_to(app, dialog.remove_button)
    finish(app, dialog, Qt.Key.Key_Space)
    assert services.exams.plans(learner.id, now=clock()) == []
    assert app.window.home.exam_button.text() == "Set an exam date…"
