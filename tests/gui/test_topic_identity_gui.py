"""Two packs with a topic "alpha": Home and the quiz set-up offer each pack's own, and
studying or quizzing one never brings in the other's questions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot
from small_pack import TWIN_PACK
from test_shell import appearance, open_window, press  # noqa: F401 (a fixture)

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.quiz_screen import QuizScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.study_screen import StudyScreen
from crisisquiz.gui.theme import Appearance


@pytest.fixture
def twins(services: Services) -> Services:
    services.packs.import_pack(parse_pack_text(TWIN_PACK), now=services.clock())
    return services


def test_home_studies_the_alpha_of_the_pack_it_is_listed_under(
    qtbot: QtBot,
    twins: Services,
    learner: Learner,
    appearance: Appearance,  # noqa: F811
) -> None:
    window = open_window(qtbot, twins, appearance, learner)
    rows = [(row.topic.pack_id, row.topic.title) for row in window.home.topic_rows]
    assert rows == [
        ("test-pack", "Alpha"),
        ("test-pack", "Beta"),
        ("twin-pack", "Alpha"),
        ("twin-pack", "Beta"),
    ]
    twin_alpha = window.home.topic_rows[2]
    qtbot.mouseClick(twin_alpha.study_button, Qt.MouseButton.LeftButton)
    study = window.study_screen
    assert isinstance(study, StudyScreen) and study.session is not None
    assert study.session.topics == frozenset({("twin-pack", "alpha")})
    assert study.current_item is not None and study.current_item.ref.pack_id == "twin-pack"
    assert study.session.counts(twins.clock()).new == 4  # its alpha, the one shown included


def test_quiz_setup_has_a_box_per_packs_topic_and_quizzes_only_those_ticked(
    qtbot: QtBot,
    twins: Services,
    learner: Learner,
    appearance: Appearance,  # noqa: F811
) -> None:
    window = open_window(qtbot, twins, appearance, learner)
    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() is Screen.QUIZ
    quiz = window.quiz_screen
    assert isinstance(quiz, QuizScreen)
    boxes = quiz.findChildren(QCheckBox, "quizTopic")
    assert [box.text() for box in boxes] == ["Alpha (4 questions)", "Beta (5 questions)"] * 2
    assert list(quiz.topic_boxes) == [
        ("test-pack", "alpha"),
        ("test-pack", "beta"),
        ("twin-pack", "alpha"),
        ("twin-pack", "beta"),
    ]
    for key in [("test-pack", "alpha"), ("test-pack", "beta"), ("twin-pack", "beta")]:
        quiz.topic_boxes[key].setFocus()
        press(qtbot, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)
    assert "of 4 questions" in quiz.available_label.text()
    quiz.count_spin.setFocus()
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    assert quiz.quiz is not None
    assert {(i.ref.pack_id, i.ref.topic_id) for i in quiz.quiz.items} == {("twin-pack", "alpha")}
