"""More today, by keys: study past the day's limit, review today's or a quiz's mistakes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import Ctrl, Driver, Entry, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from crisisquiz.core.learners import Learner
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.mistakes_screen import MistakesScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.models import ReviewRow


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def reviews(services: Services) -> int:
    with services.database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ReviewRow)) or 0)


def study_all(app: Driver, clock: Any, *, right: bool = True) -> None:
    """Answer everything the open session offers, learning steps included."""
    study = app.study
    for _ in range(40):
        if study.showing_summary:
            return
        app.answer(right=right)
        app.press(Qt.Key.Key_Return)
        clock.advance(minutes=11)  # learning steps come due in the same session
    raise AssertionError("the session did not end")


def test_study_more_past_the_limit_from_home_by_keys(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    learner = services.learners.update_settings(learner.id, new_per_day=2)
    app = open_window(qtbot, services, appearance, learner)
    app.enter_study(Entry.SHORTCUT)
    study_all(app, clock)
    # The summary offers more, once today's new questions are done.
    more = app.study.more_button
    assert more.isVisible() and more.text() == "Study 7 more new questions"
    app.press(Qt.Key.Key_Escape)
    home = app.window.home
    assert app.window.current_screen() is Screen.HOME
    assert home.more_button.isVisible() and not home.study_button.isVisible()
    # Home puts the keyboard on it: Enter studies 7 more, today only.
    assert app.focus() is home.more_button
    app.press(Qt.Key.Key_Return)
    session = app.study.session
    assert session is not None and session.counts(clock()).new == 7
    assert app.focus_is_in_answer()
    study_all(app, clock)
    app.press(Qt.Key.Key_Escape)
    assert not home.more_button.isVisible()  # nothing left to start
    clock.advance(days=1)
    app.home()
    assert services.study.queue_counts(learner.id, now=clock()).new == 0  # all seen


def test_a_topic_card_studies_more_of_its_topic(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    learner = services.learners.update_settings(learner.id, new_per_day=1)
    app = open_window(qtbot, services, appearance, learner)
    app.enter_study(Entry.SHORTCUT)
    study_all(app, clock)
    app.press(Qt.Key.Key_Escape)
    beta = next(row for row in app.window.home.topic_rows if row.topic.topic_id == "beta")
    assert beta.study_button.isEnabled()
    assert beta.study_button.text() == "Study more of this topic"
    app.click(beta.study_button)
    session = app.study.session
    assert session is not None
    assert session.topics == frozenset({("test-pack", "beta")})
    unseen = beta.topic.figures.total - beta.topic.figures.seen
    assert unseen > 0 and session.counts(clock()).new == unseen


def test_review_todays_mistakes_until_right_without_moving_the_schedule(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    app.enter_study(Entry.SHORTCUT)
    for number in range(4):
        app.answer(right=number % 2 == 1)
        app.press(Qt.Key.Key_Return)
    app.press(Qt.Key.Key_Escape)  # the summary
    button = app.study.mistakes_button
    assert button.isVisible() and button.text() == "Review my mistakes (2)"
    stored = reviews(services)
    app.click(button)
    review = app.window.mistakes_screen
    assert isinstance(review, MistakesScreen)
    assert app.window.current_screen() is Screen.STUDY
    assert app.focus_is_in_answer()
    app.answer(right=False)  # wrong again: it comes back at the end
    assert "until you get it right" in review.stage.panel.schedule_label.text()
    app.press(Qt.Key.Key_Return)
    while not review.showing_summary:
        app.answer(right=True)
        app.press(Qt.Key.Key_Return)
    assert review.summary_title.text() == "Every mistake put right"
    assert "in 3 answers" in review.summary_text.text()
    assert app.focus() is review.home_button
    assert reviews(services) == stored  # the schedule moved once, with the first answers
    app.press(Qt.Key.Key_Escape)
    assert app.window.current_screen() is Screen.HOME
    # Home still offers them: they are today's mistakes until answered right in study.
    assert app.window.home.mistakes_button.isVisible()


def test_review_a_quizs_mistakes_from_its_results(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    quiz = app.enter_quiz(Entry.SHORTCUT)
    app.press(Qt.Key.Key_Return)
    number = 0
    while quiz.result is None:
        app.answer(right=number != 1)
        app.press(Qt.Key.Key_Return)
        number += 1
    assert quiz.mistakes_button.isVisible()
    assert quiz.mistakes_button.text() == "Review my mistakes (1)"
    app.click(quiz.mistakes_button)
    review = app.window.mistakes_screen
    assert isinstance(review, MistakesScreen)
    assert app.window.quiz_screen is None  # the finished quiz gave way
    assert review.session.total == 1
    app.answer(right=True)
    app.press(Qt.Key.Key_Return)
    assert review.showing_summary
    app.press(Qt.Key.Key_1, Ctrl)
    assert app.window.current_screen() is Screen.HOME
