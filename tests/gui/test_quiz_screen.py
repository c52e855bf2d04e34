"""The quiz screen: set-up, a quiz to the end, scores per topic, the time limit, the schedule."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from test_question_views import focused, give_answer, press

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.core.quiz import Feedback
from crisisquiz.core.stats import StatsService
from crisisquiz.gui.quiz_screen import QuizScreen, countdown_text
from crisisquiz.gui.services import Services
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import CardStateRow, QuizAttemptRow, ReviewRow


def open_quiz(qtbot: QtBot, services: Services, learner: Learner) -> QuizScreen:
    screen = QuizScreen(services, learner)
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    return screen


def set_count(qtbot: QtBot, screen: QuizScreen, count: int) -> None:
    screen.count_spin.setFocus()
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(screen.count_spin, str(count))


def toggle(qtbot: QtBot, button: QWidget) -> None:
    """Tick a check box or pick a radio button from the keyboard."""
    button.setFocus()
    press(qtbot, Qt.Key.Key_Space)


def start(qtbot: QtBot, screen: QuizScreen) -> None:
    screen.count_spin.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # Enter on the set-up page starts the quiz
    assert screen.quiz is not None, screen.setup_error.text()


def rows_of(database: Database, table: Any) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_setup_lists_topics_with_titles_and_counts(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_quiz(qtbot, services, learner)
    boxes = [box.text() for box in screen.findChildren(QCheckBox, "quizTopic")]
    assert boxes == ["Alpha (4 questions)", "Beta (5 questions)"]
    assert screen.count_spin.maximum() == 9
    assert screen.count_spin.value() == 9
    toggle(qtbot, screen.topic_boxes[("test-pack", "beta")])
    assert screen.count_spin.maximum() == 4
    assert "of 4 questions" in screen.available_label.text()
    toggle(qtbot, screen.topic_boxes[("test-pack", "alpha")])
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    assert screen.quiz is None
    assert screen.setup_error.isVisible()
    assert "Choose at least one topic" in screen.setup_error.text()


def test_quiz_to_the_end_with_scores_per_topic_and_no_schedule_change(
    qtbot: QtBot, services: Services, learner: Learner, database: Database, clock: Any
) -> None:
    screen = open_quiz(qtbot, services, learner)
    set_count(qtbot, screen, 9)
    start(qtbot, screen)
    quiz = screen.quiz
    assert quiz is not None
    assert quiz.settings.seed == int(clock().timestamp())
    assert quiz.settings.feedback is Feedback.AFTER_EACH
    assert not screen.time_label.isVisible()
    for number in range(1, 10):
        assert screen.progress_label.text() == f"Question {number} of 9"
        assert screen.progress_bar.value() == number - 1
        view = screen.stage.view
        assert view is not None
        right = view.item.ref.topic_id == "alpha"
        clock.advance(seconds=3)
        if right:
            give_answer(qtbot, view, right=True)
        else:  # "Don't know": wrong, with no partial credit
            press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        panel = screen.stage.panel
        assert panel.isVisible()
        if view.item.question.type is QuestionType.FLASHCARD:
            # Rated by the learner: their rating, not right or wrong, and no score.
            assert panel.verdict_label.text() == "You rated it Good"
        else:
            assert panel.verdict_label.text() == ("✓ Right" if right else "✗ Wrong")
        assert not panel.schedule_label.isVisible()  # a quiz does not schedule
        assert focused() is panel.next_button
        expected = "See results" if number == 9 else "Next question"
        assert panel.next_button.text() == f"{expected} (Enter)"
        press(qtbot, Qt.Key.Key_Return)

    assert screen.pages.currentWidget() is screen.results_page
    # The flashcard (alpha) is rated, not scored: 3 of the 8 graded questions are right.
    assert screen.score_label.text() == "Score: 3 of 8 (38 %)"
    assert "flashcard you rated yourself is not part" in screen.answered_label.text()
    per_topic = [
        label.text()
        for label in screen.results_page.findChildren(QLabel)
        if label.objectName() in ("resultsTopic", "resultsTopicScore", "resultsTopicPercent")
    ]
    rows = {tuple(per_topic[i : i + 3]) for i in range(0, len(per_topic), 3)}
    assert rows == {("Alpha", "3 of 3", "100 %"), ("Beta", "0 of 5", "0 %")}
    cards = screen.results_page.findChildren(QWidget, "reviewCard")
    assert len(cards) == 9
    lines = " ".join(label.text() for label in screen.results_page.findChildren(QLabel))
    assert "Who led the Soviet Union in 1962?" in lines
    assert "Brezhnev replaced him in 1964." in lines
    assert "Your answer:" in lines and "Right answer:" in lines

    # Nothing in the study schedule moved.
    assert rows_of(database, ReviewRow) == 0
    assert rows_of(database, CardStateRow) == 0
    study = services.study.start(learner.id, now=clock())
    assert study.counts(clock()).new == 9
    with database.sessions() as session:
        attempt = session.scalars(select(QuizAttemptRow)).one()
        assert attempt.finished_at is not None
        assert attempt.score == pytest.approx(3 / 8)

    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Return)  # "Back to home" has focus


def test_feedback_at_the_end_goes_straight_on(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_quiz(qtbot, services, learner)
    toggle(qtbot, screen.at_end)
    set_count(qtbot, screen, 3)
    start(qtbot, screen)
    for number in range(1, 4):
        assert screen.progress_label.text() == f"Question {number} of 3"
        give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
        assert not screen.stage.panel.isVisible()
    assert screen.result is not None
    assert screen.score_label.text() == "Score: 3 of 3 (100 %)"
    assert not screen.timed_out_label.isVisible()


def test_time_limit_ends_the_quiz(
    qtbot: QtBot, services: Services, learner: Learner, clock: Any
) -> None:
    screen = open_quiz(qtbot, services, learner)
    toggle(qtbot, screen.timed_box)
    assert screen.minutes_spin.isEnabled()
    screen.minutes_spin.setValue(2)
    start(qtbot, screen)
    assert screen.time_label.isVisible()
    assert screen.time_label.text() == "Time left 2:00"
    assert screen.countdown.isActive()
    give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
    clock.advance(seconds=45)
    screen.countdown.timeout.emit()  # the next tick of the countdown
    assert screen.time_label.text() == "Time left 1:15"
    assert screen.result is None
    clock.advance(seconds=80)
    # The countdown notices that time is up and ends the quiz by itself.
    screen.countdown.timeout.emit()
    assert screen.result is not None
    assert not screen.countdown.isActive()
    assert screen.pages.currentWidget() is screen.results_page
    assert screen.timed_out_label.isVisible()
    assert screen.answered_label.text() == (
        "You answered 1 of 8. The flashcard you rated yourself is not part of the score."
    )
    assert screen.result is not None and screen.result.timed_out


def test_an_answer_after_the_deadline_ends_the_quiz(
    qtbot: QtBot, services: Services, learner: Learner, clock: Any
) -> None:
    screen = open_quiz(qtbot, services, learner)
    toggle(qtbot, screen.timed_box)
    screen.minutes_spin.setValue(1)
    start(qtbot, screen)
    screen.countdown.stop()  # as if the last tick came just before the deadline
    clock.advance(seconds=61)
    give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
    assert screen.result is not None
    assert screen.result.answered == 0 and screen.result.timed_out


def answer_the_question_box(qtbot: QtBot, button_text: str, asked: list[str]) -> None:
    """When the next modal message box opens, note what it says and click ``button_text``."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(f"{box.text()} {box.informativeText()}")
        chosen = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)


def test_escape_in_a_quiz_asks_then_keeps_it_as_abandoned(
    qtbot: QtBot, services: Services, learner: Learner, database: Database
) -> None:
    screen = open_quiz(qtbot, services, learner)
    set_count(qtbot, screen, 4)
    start(qtbot, screen)
    give_answer(qtbot, screen.stage.view, right=True)  # type: ignore[arg-type]
    press(qtbot, Qt.Key.Key_Return)
    asked: list[str] = []
    answer_the_question_box(qtbot, "Keep going", asked)
    press(qtbot, Qt.Key.Key_Escape)
    assert asked and "You have answered 1 of 4" in asked[0]
    assert "no score" in asked[0]
    assert screen.result is None and screen.pages.currentWidget() is screen.quiz_page
    # The window is active again (the dialog has gone) with the keyboard in the answer.
    qtbot.waitUntil(screen.isActiveWindow)
    assert screen.stage.view is not None
    assert focused() is screen.stage.view.first_input()
    answer_the_question_box(qtbot, "Stop the quiz", asked)
    press(qtbot, Qt.Key.Key_Escape)
    assert screen.result is None and screen.quiz is not None and screen.quiz.abandoned
    assert screen.pages.currentWidget() is screen.results_page
    assert screen.results_title.text() == "Quiz stopped"
    assert screen.score_label.text() == "Not scored"
    qtbot.waitUntil(screen.isActiveWindow)
    assert focused() is screen.home_button
    with database.sessions() as session:
        attempt = session.scalars(select(QuizAttemptRow)).one()
    assert attempt.abandoned_at is not None
    assert attempt.finished_at is None and attempt.score is None
    stats = StatsService(database).learner_topic_stats(learner.id, now=services.clock(), tz=UTC)
    assert stats.quizzes == ()  # not plotted as a score
    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Escape)


def test_escape_on_the_setup_page_goes_home(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_quiz(qtbot, services, learner)
    screen.count_spin.setFocus()
    with qtbot.waitSignal(screen.closed):
        press(qtbot, Qt.Key.Key_Escape)


def test_new_quiz_after_the_results(qtbot: QtBot, services: Services, learner: Learner) -> None:
    screen = open_quiz(qtbot, services, learner)
    set_count(qtbot, screen, 1)
    start(qtbot, screen)
    give_answer(qtbot, screen.stage.view, right=False)  # type: ignore[arg-type]
    press(qtbot, Qt.Key.Key_Return)
    assert screen.result is not None
    qtbot.mouseClick(screen.findChild(QWidget, "newQuizButton"), Qt.MouseButton.LeftButton)
    assert screen.pages.currentWidget() is screen.setup_page
    assert screen.quiz is None


def test_countdown_text() -> None:
    assert countdown_text(timedelta(minutes=12, seconds=5)) == ("12:05", "12 minutes 5 seconds")
    assert countdown_text(timedelta(seconds=-3)) == ("0:00", "0 seconds")
