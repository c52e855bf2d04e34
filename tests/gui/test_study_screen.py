"""The study screen: a session of mixed questions from the keyboard, feedback, undo, summary."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from test_question_views import focused, give_answer, press

from crisisquiz.core.learners import Learner
from crisisquiz.core.stats import StatsService
from crisisquiz.gui.services import Services
from crisisquiz.gui.study_screen import StudyScreen, duration_text
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import QuestionRow, ReviewRow


def open_study(
    qtbot: QtBot, services: Services, learner: Learner, topics: tuple[tuple[str, str], ...] = ()
) -> StudyScreen:
    screen = StudyScreen(services, learner, topics)
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    return screen


def stored_reviews(database: Database, learner: Learner) -> list[tuple[str, bool, int]]:
    """(question key, correct, response ms) of every stored review, oldest first."""
    with database.sessions() as session:
        rows = session.execute(
            select(QuestionRow.question_id, ReviewRow.correct, ReviewRow.response_ms)
            .join(QuestionRow, QuestionRow.id == ReviewRow.question_id)
            .where(ReviewRow.learner_id == learner.id)
            .order_by(ReviewRow.id)
        ).all()
    return [(key, bool(correct), ms) for key, correct, ms in rows]


def test_ten_mixed_answers_are_stored_with_feedback_and_a_summary(
    qtbot: QtBot, services: Services, learner: Learner, database: Database, clock: Any
) -> None:
    screen = open_study(qtbot, services, learner)
    assert screen.counts_label.text() == "Left: 0 learning · 0 due · 9 new"
    given: list[tuple[str, bool]] = []
    for number in range(10):
        view = screen.stage.view
        assert view is not None
        assert screen.topic_label.text() == view.item.topic_title
        right = number % 3 != 1
        clock.advance(seconds=4)
        give_answer(qtbot, view, right=right)
        panel = screen.stage.panel
        assert panel.isVisible()
        if view.item.question.id == "fc":
            rating = "Good" if right else "Again"
            assert panel.verdict_label.text() == f"You rated it {rating}"
        else:
            assert panel.verdict_label.text() == ("✓ Right" if right else "✗ Wrong")
        assert panel.schedule_label.text().startswith("<b>Next time:</b> Back in")
        assert focused() is panel.next_button
        assert view.locked
        given.append((view.item.question.id, right))
        clock.advance(seconds=1)
        press(qtbot, Qt.Key.Key_Return)
    # A wrong answer comes back within the session.
    keys = [key for key, _right in given]
    assert len(set(keys)) < len(keys)
    assert stored_reviews(database, learner) == [(key, right, 4000) for key, right in given]
    stats = StatsService(database).learner_topic_stats(learner.id, now=clock(), tz=UTC)
    assert stats.overall.answers == 10
    assert stats.overall.correct == sum(right for _key, right in given)

    qtbot.mouseClick(screen.finish_button, Qt.MouseButton.LeftButton)
    assert screen.showing_summary
    figures = {key: label.text() for key, label in screen.figure_labels.items()}
    assert figures["answered"] == "10"
    assert figures["right"] == str(sum(right for _key, right in given))
    assert figures["wrong"] == str(sum(not right for _key, right in given))
    assert figures["new"] == "9"
    assert figures["time"] == "40 s"
    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Return)  # "Back to home" has focus


def test_ctrl_z_takes_the_answer_back_and_shows_the_question_again(
    qtbot: QtBot, services: Services, learner: Learner, database: Database
) -> None:
    screen = open_study(qtbot, services, learner)
    first = screen.current_item
    assert first is not None
    counts_before = screen.counts_label.text()
    give_answer(qtbot, screen.stage.view, right=False)  # type: ignore[arg-type]
    assert len(stored_reviews(database, learner)) == 1
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_reviews(database, learner) == []
    assert screen.current_item == first
    view = screen.stage.view
    assert view is not None and not view.locked
    assert not screen.stage.panel.isVisible()
    assert screen.counts_label.text() == counts_before
    # The question can be answered again, and this time the answer stands.
    give_answer(qtbot, view, right=True)
    assert [right for _key, right, _ms in stored_reviews(database, learner)] == [True]


def test_ctrl_z_works_from_an_empty_text_field(
    qtbot: QtBot, services: Services, learner: Learner, database: Database
) -> None:
    # Topic alpha in pack order: flashcard, multiple choice, short answer, cloze.
    screen = open_study(qtbot, services, learner, (("test-pack", "alpha"),))
    for _ in range(2):
        give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
        press(qtbot, Qt.Key.Key_Return)
    assert screen.current_item is not None
    assert screen.current_item.question.id == "sa"
    assert isinstance(focused(), QLineEdit)
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert screen.current_item is not None and screen.current_item.question.id == "mc"
    assert [key for key, _right, _ms in stored_reviews(database, learner)] == ["fc"]


def test_ctrl_z_in_a_field_with_text_undoes_the_typing_only(
    qtbot: QtBot, services: Services, learner: Learner, database: Database
) -> None:
    screen = open_study(qtbot, services, learner, (("test-pack", "alpha"),))
    for _ in range(2):
        give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
        press(qtbot, Qt.Key.Key_Return)
    field = focused()
    assert isinstance(field, QLineEdit)
    qtbot.keyClicks(field, "Kh")
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == ""
    assert len(stored_reviews(database, learner)) == 2


def test_dont_know_is_stored_as_wrong(
    qtbot: QtBot, services: Services, learner: Learner, database: Database
) -> None:
    screen = open_study(qtbot, services, learner, (("test-pack", "beta"),))
    assert screen.current_item is not None and screen.current_item.question.id == "ms"
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    panel = screen.stage.panel
    assert panel.verdict_label.text() == "✗ Wrong"
    assert "You said you don't know" in panel.details_label.text()
    assert "• Turkey<br>• Italy" in panel.answer_label.text()
    assert stored_reviews(database, learner)[0][:2] == ("ms", False)


def test_escape_before_any_answer_goes_home(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_study(qtbot, services, learner)
    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Escape)


def test_escape_after_an_answer_shows_the_summary_first(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_study(qtbot, services, learner)
    give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
    with qtbot.assertNotEmitted(screen.closed):
        press(qtbot, Qt.Key.Key_Escape)
    assert screen.showing_summary
    assert screen.figure_labels["answered"].text() == "1"
    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Escape)


def test_finish_before_any_answer_goes_straight_home(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_study(qtbot, services, learner)
    with qtbot.waitSignal(screen.closed):
        qtbot.mouseClick(screen.finish_button, Qt.MouseButton.LeftButton)


def test_nothing_to_study_says_so(qtbot: QtBot, services: Services, learner: Learner) -> None:
    learner = services.learners.update_settings(learner.id, new_per_day=0)
    screen = open_study(qtbot, services, learner)
    assert screen.showing_summary
    assert screen.summary_title.text() == "Nothing to study right now"
    assert screen.figure_labels["answered"].text() == "0"


def test_session_runs_to_its_end(
    qtbot: QtBot, services: Services, learner: Learner, clock: Any
) -> None:
    screen = open_study(qtbot, services, learner, (("test-pack", "beta"),))
    answers = 0
    # New questions answered right come back once after a short learning step, then are done.
    while not screen.showing_summary and answers < 20:
        give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
        press(qtbot, Qt.Key.Key_Return)
        answers += 1
    assert screen.showing_summary
    assert screen.summary_title.text() == "All done for now"
    assert screen.figure_labels["right"].text() == str(answers)
    assert screen.figure_labels["new"].text() == "5"


def test_time_spent_reads_well() -> None:
    assert duration_text(45_400) == "45 s"
    assert duration_text(252_000) == "4 min 12 s"
    assert duration_text(3_780_000) == "1 h 3 min"


def test_a_session_that_cannot_start_says_what_to_do(
    qtbot: QtBot, services: Services, learner: Learner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk unreadable")

    monkeypatch.setattr(services.study, "start", broken)
    screen = open_study(qtbot, services, learner)
    assert screen.showing_summary
    assert screen.summary_title.text() == "Studying could not start"
    assert "try again" in screen.summary_intro.text()
    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Return)


def test_flashcard_ratings_say_when_the_card_comes_back(
    qtbot: QtBot, services: Services, learner: Learner, database: Database
) -> None:
    screen = open_study(qtbot, services, learner, (("test-pack", "alpha"),))
    view = screen.stage.view
    assert view is not None and view.item.question.id == "fc"
    press(qtbot, Qt.Key.Key_Space)
    buttons = view.rating_buttons  # type: ignore[attr-defined]
    # As Anki does: each rating's next interval on its button (a new card: learning steps).
    assert [b.text() for b in buttons] == [
        "1  Again · 1 min",
        "2  Hard · 6 min",
        "3  Good · 10 min",
        "4  Easy · 8 d",
    ]
    assert "comes back in 10 minutes" in buttons[2].accessibleDescription()
    press(qtbot, Qt.Key.Key_3)
    panel = screen.stage.panel
    # The learner's own rating, in their words: not "Right" or "Partly right 50 %".
    assert panel.verdict_label.text() == "You rated it Good"
    assert "Back in 10 minutes" in panel.schedule_label.text()
    assert "Back of the card: The group of advisers" in panel.next_button.accessibleDescription()
