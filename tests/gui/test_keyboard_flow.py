"""The first minute from the keyboard: every way into Study and Quiz, every question type.

Each test opens the real main window on Home and then only presses keys where the
app put the focus (and clicks where a person would), as a student does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import Ctrl, Driver, Entry, open_window, services_with_pack, single_type_pack
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from crisisquiz.core.pack_schema import Ordering, QuestionType
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.questions import OrderingView
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database

ALL_TYPES = list(QuestionType)
TYPED = {QuestionType.SHORT_ANSWER, QuestionType.YEAR, QuestionType.NUMBER, QuestionType.CLOZE}


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's look; the application's style, font and palette are put back afterwards."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def driver_for(
    kind: QuestionType,
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> Driver:
    services = services_with_pack(database, single_type_pack(small_pack_text, kind), clock)  # type: ignore[arg-type]
    learner = services.learners.create("Ana", now=services.clock())
    return open_window(qtbot, services, appearance, learner)


def typed_text(driver: Driver) -> tuple[str, ...]:
    return tuple(field.text() for field in driver.view().findChildren(QLineEdit))


@pytest.mark.parametrize("kind", ALL_TYPES, ids=[k.value for k in ALL_TYPES])
def test_every_way_into_study_puts_the_keyboard_in_the_answer(
    kind: QuestionType,
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    app = driver_for(kind, qtbot, database, small_pack_text, clock, appearance)
    for entry in (Entry.TOPIC, Entry.CLICK, Entry.TAB_ENTER, Entry.SHORTCUT, Entry.MENU):
        study = app.enter_study(entry)
        assert not study.showing_summary, entry
        assert app.focus_is_in_answer(), (entry, app.focus())

        # A wrong answer, then Undo: the same question, what was typed still there.
        app.answer(right=False)
        assert app.view().locked
        assert app.focus() is study.stage.panel.next_button
        before = typed_text(app)
        app.press(Qt.Key.Key_Z, Ctrl)
        assert not app.view().locked
        assert app.focus_is_in_answer(), (entry, app.focus())
        if kind in TYPED:
            assert typed_text(app) == before and any(before)

        # Don't know, then Next: the focus follows to the next question's answer.
        app.dont_know()
        assert app.view().locked
        assert app.focus() is study.stage.panel.next_button
        app.press(Qt.Key.Key_Return)
        if study.showing_summary:
            assert app.focus() is study.home_button
        else:
            assert app.focus_is_in_answer(), (entry, app.focus())

        # Escape ends the session on its summary; Escape again goes home.
        if not study.showing_summary:
            app.press(Qt.Key.Key_Escape)
        assert study.showing_summary
        assert app.focus() is study.home_button
        app.press(Qt.Key.Key_Escape)
        assert app.window.current_screen() is Screen.HOME


@pytest.mark.parametrize("kind", ALL_TYPES, ids=[k.value for k in ALL_TYPES])
def test_every_way_into_a_quiz_puts_the_keyboard_in_the_answer(
    kind: QuestionType,
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    app = driver_for(kind, qtbot, database, small_pack_text, clock, appearance)
    for entry in (Entry.CLICK, Entry.TAB_ENTER, Entry.SHORTCUT, Entry.MENU):
        quiz = app.enter_quiz(entry)
        assert app.focus() is quiz.start_button, (entry, app.focus())
        app.press(Qt.Key.Key_Return)
        assert quiz.quiz is not None
        assert app.focus_is_in_answer(), (entry, app.focus())
        app.answer(right=True)
        assert app.focus() is quiz.stage.panel.next_button
        app.press(Qt.Key.Key_Return)
        assert app.focus_is_in_answer(), (entry, app.focus())
        app.dont_know()
        app.press(Qt.Key.Key_Return)  # see results
        assert quiz.result is not None
        assert app.focus() is quiz.home_button
        app.press(Qt.Key.Key_Escape)
        assert app.window.current_screen() is Screen.HOME


@pytest.mark.parametrize("kind", ALL_TYPES, ids=[k.value for k in ALL_TYPES])
def test_enter_with_nothing_chosen_never_answers(
    kind: QuestionType,
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    app = driver_for(kind, qtbot, database, small_pack_text, clock, appearance)
    app.enter_study(Entry.TAB_ENTER)
    view = app.view()
    if kind is QuestionType.FLASHCARD:
        app.press(Qt.Key.Key_Return)  # turns the card: not an answer
    with qtbot.assertNotEmitted(view.answered):
        app.press(Qt.Key.Key_Return)
    assert not view.locked
    assert view.missing_label.isVisible()
    assert view.missing_label.text().startswith("⚠")


def test_true_false_enter_on_the_true_button_shows_the_hint(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    app = driver_for(QuestionType.TRUE_FALSE, qtbot, database, small_pack_text, clock, appearance)
    app.enter_study(Entry.SHORTCUT)
    view = app.view()
    assert app.focus() is view.true_button  # type: ignore[attr-defined]
    with qtbot.assertNotEmitted(view.answered):
        app.press(Qt.Key.Key_Return)
    assert "Press T for true or F for false" in view.missing_label.text()


def test_an_ordering_is_answered_only_after_a_move_or_a_second_enter(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    app = driver_for(QuestionType.ORDERING, qtbot, database, small_pack_text, clock, appearance)
    app.enter_study(Entry.CLICK)
    view = app.view()
    assert isinstance(view, OrderingView) and isinstance(view.item.question, Ordering)
    shown = view.list.order()
    with qtbot.assertNotEmitted(view.answered):
        app.press(Qt.Key.Key_Return)
    assert "not moved any item" in view.missing_label.text()
    with qtbot.waitSignal(view.answered) as blocker:
        app.press(Qt.Key.Key_Return)
    assert blocker.args[0].response == shown


def test_flashcard_back_takes_the_focus_and_enter_asks_for_a_rating(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    app = driver_for(QuestionType.FLASHCARD, qtbot, database, small_pack_text, clock, appearance)
    app.enter_study(Entry.MENU)
    view = app.view()
    app.press(Qt.Key.Key_Space)
    assert app.focus() is view.back_label  # type: ignore[attr-defined]
    with qtbot.assertNotEmitted(view.answered):
        app.press(Qt.Key.Key_Return)
    assert "Rate the card" in view.missing_label.text()
    with qtbot.waitSignal(view.answered):
        app.press(Qt.Key.Key_3)


def test_enter_right_after_start_opens_study(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: object,
    appearance: Appearance,
) -> None:
    # The first thing a student does: the window opens, Enter. The focus was on "Take a
    # quiz" because Study now was not yet shown when Home chose where the focus goes.
    app = driver_for(QuestionType.YEAR, qtbot, database, small_pack_text, clock, appearance)
    assert app.focus() is app.window.home.study_button
    app.press(Qt.Key.Key_Return)
    assert app.window.current_screen() is Screen.STUDY
    assert app.focus_is_in_answer()
