"""Question views: each type answered from the keyboard (and the mouse), graded right and wrong."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fsrs import Rating
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from crisisquiz.core.grading import Verdict, grade
from crisisquiz.core.items import ItemKind, StudyItem
from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.quiz import QuizSettings
from crisisquiz.core.recording import QuestionRef
from crisisquiz.gui.feedback_panel import citations_text, comes_back_text
from crisisquiz.gui.questions import (
    ClozeView,
    FlashcardView,
    GivenAnswer,
    MatchingView,
    OrderingView,
    QuestionView,
    TrueFalseView,
    create_question_view,
    describe_response,
)
from crisisquiz.gui.questions.stage import QuestionStage
from crisisquiz.gui.services import Services

KeyboardModifier = Qt.KeyboardModifier


# -- driving the keyboard like a learner ------------------------------------------------------


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = KeyboardModifier.NoModifier
) -> None:
    """Press ``key`` where the keyboard focus is, as the learner would."""
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def digit(number: int) -> Qt.Key:
    return Qt.Key(Qt.Key.Key_0.value + number)


def give_answer(qtbot: QtBot, view: QuestionView, *, right: bool) -> None:
    """Answer the question on ``view`` from the keyboard alone, rightly or wrongly.

    The view's first input must have focus (views put it there when shown).
    """
    item = view.item
    q = item.question
    if isinstance(q, Flashcard):
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, digit(3 if right else 1))
        return
    if isinstance(q, TrueFalse):
        press(qtbot, Qt.Key.Key_T if q.answer == right else Qt.Key.Key_F)
        return
    if isinstance(q, MultipleChoice):
        choice = q.answer if right else next(c for c in q.choices if c != q.answer)
        press(qtbot, digit(item.options.index(choice) + 1))
    elif isinstance(q, MultiSelect):
        picks = q.answers if right else [c for c in q.choices if c not in q.answers][:1]
        for choice in picks:
            press(qtbot, digit(item.options.index(choice) + 1))
    elif isinstance(q, ShortAnswer):
        type_text(qtbot, q.answer if right else "no idea")
    elif isinstance(q, Year):
        type_text(qtbot, str(q.answer if right else q.answer + 5))
    elif isinstance(q, Cloze):
        for number, blank in enumerate(q.blanks):
            if number:
                press(qtbot, Qt.Key.Key_Tab)
            type_text(qtbot, blank if right else "no idea")
    elif isinstance(q, Ordering):
        assert isinstance(view, OrderingView)
        # Reversed, no two items are in the right order relative to each other.
        order = q.items if right else tuple(reversed(q.items))
        for target, wanted in enumerate(order):
            view.list.setCurrentRow(view.list.order().index(wanted))
            while view.list.currentRow() > target:
                press(qtbot, Qt.Key.Key_Up, KeyboardModifier.AltModifier)
    elif isinstance(q, Matching):
        rights = [r for _l, r in q.pairs]
        for number, (_left, partner) in enumerate(q.pairs):
            if number:
                press(qtbot, Qt.Key.Key_Tab)
            chosen = partner if right else rights[(number + 1) % len(rights)]
            # Each option starts with its letter, so typing the letter picks it.
            type_text(qtbot, chr(ord("A") + item.options.index(chosen)))
    press(qtbot, Qt.Key.Key_Return)


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def items(services: Services, learner: Learner, now: datetime) -> dict[str, StudyItem]:
    """Every question of the small pack as a study item, by question id."""
    quiz = services.quizzes.start(learner.id, QuizSettings(count=20, seed=5), now=now)
    return {item.question.id: item for item in quiz.items}


def show(qtbot: QtBot, item: StudyItem) -> QuestionView:
    view = create_question_view(item)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.focus_first()
    return view


def answered(qtbot: QtBot, view: QuestionView, *, right: bool) -> GivenAnswer:
    with qtbot.waitSignal(view.answered, timeout=2000) as blocker:
        give_answer(qtbot, view, right=right)
    given = blocker.args[0]
    assert isinstance(given, GivenAnswer)
    return given


ALL_IDS = ["fc", "mc", "ms", "tf", "sa", "cz", "or", "mt", "yr"]


# -- every type, right and wrong -------------------------------------------------------------


@pytest.mark.parametrize("question_id", ALL_IDS)
def test_right_answer_from_the_keyboard(
    qtbot: QtBot, items: dict[str, StudyItem], question_id: str
) -> None:
    view = show(qtbot, items[question_id])
    given = answered(qtbot, view, right=True)
    assert not given.dont_know
    assert grade(view.item.question, given.response).verdict is Verdict.RIGHT


@pytest.mark.parametrize("question_id", ALL_IDS)
def test_wrong_answer_from_the_keyboard(
    qtbot: QtBot, items: dict[str, StudyItem], question_id: str
) -> None:
    view = show(qtbot, items[question_id])
    given = answered(qtbot, view, right=False)
    assert grade(view.item.question, given.response).verdict is Verdict.WRONG


def test_expected_response_shapes(qtbot: QtBot, items: dict[str, StudyItem]) -> None:
    shapes = {
        "fc": Rating.Good,
        "mc": "Khrushchev",
        "ms": frozenset({"Turkey", "Italy"}),
        "tf": True,
        "sa": "Khrushchev",
        "cz": ("U-2", "Cuba"),
        "or": ("Cuban Revolution", "Bay of Pigs", "Missile crisis"),
        "mt": {"Kennedy": "President", "Dobrynin": "Ambassador"},
        "yr": 1962,
    }
    for question_id, expected in shapes.items():
        view = show(qtbot, items[question_id])
        assert answered(qtbot, view, right=True).response == expected


@pytest.mark.parametrize("question_id", ["mc", "ms", "sa", "cz", "mt", "yr"])
def test_empty_answer_says_what_is_missing(
    qtbot: QtBot, items: dict[str, StudyItem], question_id: str
) -> None:
    view = show(qtbot, items[question_id])
    with qtbot.assertNotEmitted(view.answered):
        press(qtbot, Qt.Key.Key_Return)
    assert view.missing_label.isVisible()
    assert "Ctrl+Enter" in view.missing_label.text()


@pytest.mark.parametrize("question_id", ["mc", "ms", "tf", "sa", "cz", "or", "mt", "yr"])
def test_dont_know_submits_an_empty_answer_graded_wrong(
    qtbot: QtBot, items: dict[str, StudyItem], question_id: str
) -> None:
    view = show(qtbot, items[question_id])
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return, KeyboardModifier.ControlModifier)
    given = blocker.args[0]
    assert given.dont_know
    assert grade(view.item.question, given.response).verdict is Verdict.WRONG
    assert describe_response(view.item.question, given) == "Don't know"


def test_short_answer_accepts_a_spelling_slip(qtbot: QtBot, items: dict[str, StudyItem]) -> None:
    view = show(qtbot, items["sa"])
    type_text(qtbot, "Kruschev")
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    result = grade(view.item.question, blocker.args[0].response)
    assert result.verdict is Verdict.RIGHT and result.slip


def test_multiple_choice_by_mouse(qtbot: QtBot, items: dict[str, StudyItem]) -> None:
    view = show(qtbot, items["mc"])
    rows = view.findChildren(QLabel, "choiceText")
    target = next(row for row in rows if row.text().endswith("Brezhnev"))
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.answered) as blocker:
        qtbot.mouseClick(view.submit_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].response == "Brezhnev"


def test_multi_select_keys_toggle(qtbot: QtBot, items: dict[str, StudyItem]) -> None:
    item = items["ms"]
    view = show(qtbot, item)
    turkey = digit(item.options.index("Turkey") + 1)
    italy = digit(item.options.index("Italy") + 1)
    for key in (turkey, italy, italy):  # Italy ticked, then unticked again
        press(qtbot, key)
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    assert blocker.args[0].response == frozenset({"Turkey"})
    assert grade(item.question, blocker.args[0].response).verdict is Verdict.PARTLY


def test_true_false_by_mouse(qtbot: QtBot, items: dict[str, StudyItem]) -> None:
    view = show(qtbot, items["tf"])
    assert isinstance(view, TrueFalseView)
    with qtbot.waitSignal(view.answered) as blocker:
        qtbot.mouseClick(view.false_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].response is False


def test_cloze_shows_blanks_inline_without_the_answers(
    qtbot: QtBot, items: dict[str, StudyItem]
) -> None:
    view = show(qtbot, items["cz"])
    assert isinstance(view, ClozeView)
    words = [label.text() for label in view.findChildren(QLabel, "clozeWord")]
    assert " ".join(words) == "The missiles were found by a flight over ."
    shown = " ".join(label.text() for label in view.findChildren(QLabel))
    assert "U-2" not in shown and "Cuba" not in shown
    assert len(view.findChildren(QLineEdit)) == 2
    # Tab moves from the first blank to the second.
    assert focused() is view.fields[0]
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is view.fields[1]


def test_cloze_with_a_blank_left_empty_asks_once_then_submits(
    qtbot: QtBot, items: dict[str, StudyItem]
) -> None:
    view = show(qtbot, items["cz"])
    type_text(qtbot, "U2")
    with qtbot.assertNotEmitted(view.answered):
        press(qtbot, Qt.Key.Key_Return)
    assert "Blank 2 is still empty" in view.missing_label.text()
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    assert blocker.args[0].response == ("U2", "")
    assert grade(view.item.question, blocker.args[0].response).verdict is Verdict.PARTLY


def test_ordering_moves_with_alt_arrows_and_buttons(
    qtbot: QtBot, items: dict[str, StudyItem]
) -> None:
    item = items["or"]
    view = show(qtbot, item)
    assert isinstance(view, OrderingView)
    first = view.list.order()[0]
    view.list.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Down, KeyboardModifier.AltModifier)
    assert view.list.order()[1] == first
    assert view.list.currentRow() == 1
    assert view.list.item(1).text() == f"2. {first}"
    qtbot.mouseClick(view.up_button, Qt.MouseButton.LeftButton)
    assert view.list.order()[0] == first
    # Plain arrows only move the selection.
    press(qtbot, Qt.Key.Key_Down)
    assert view.list.order()[0] == first and view.list.currentRow() == 1


def test_matching_offers_the_options_in_presented_order(
    qtbot: QtBot, items: dict[str, StudyItem]
) -> None:
    item = items["mt"]
    view = show(qtbot, item)
    assert isinstance(view, MatchingView)
    for _left, box in view.boxes:
        texts = [box.itemText(i) for i in range(box.count())]
        assert [text.split(". ", 1)[1] for text in texts] == list(item.options)
        assert box.currentIndex() == -1
    assert len(view.findChildren(QComboBox)) == 2


def test_matching_with_one_pair_missing_asks_first(
    qtbot: QtBot, items: dict[str, StudyItem]
) -> None:
    item = items["mt"]
    view = show(qtbot, item)
    type_text(qtbot, chr(ord("A") + item.options.index("President")))
    with qtbot.assertNotEmitted(view.answered):
        press(qtbot, Qt.Key.Key_Return)
    assert '"Dobrynin"' in view.missing_label.text()
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    assert blocker.args[0].response == {"Kennedy": "President"}
    assert grade(item.question, blocker.args[0].response).verdict is Verdict.PARTLY


def test_year_field_takes_whole_numbers_only(qtbot: QtBot, items: dict[str, StudyItem]) -> None:
    view = show(qtbot, items["yr"])
    field = view.findChild(QLineEdit)
    assert field is not None and field.text() == ""  # no misleading default
    type_text(qtbot, "abc")
    assert field.text() == ""
    type_text(qtbot, "1961")
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    assert blocker.args[0].response == 1961


def test_flashcard_shows_the_back_then_takes_a_rating(
    qtbot: QtBot, items: dict[str, StudyItem]
) -> None:
    view = show(qtbot, items["fc"])
    assert isinstance(view, FlashcardView)
    assert not view.back_label.isVisible()
    with qtbot.assertNotEmitted(view.answered):
        press(qtbot, digit(3))  # no rating before the back is seen
    press(qtbot, Qt.Key.Key_Space)
    assert view.back_label.isVisible()
    assert "advisers" in view.back_label.text()
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, digit(2))
    assert blocker.args[0].response == Rating.Hard
    assert grade(view.item.question, Rating.Hard).verdict is Verdict.PARTLY


@pytest.mark.parametrize("question_id", ALL_IDS)
def test_every_input_is_named_with_the_question(
    qtbot: QtBot, items: dict[str, StudyItem], question_id: str
) -> None:
    view = show(qtbot, items[question_id])
    inputs = [
        widget
        for widget in view.findChildren(QWidget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and widget.isVisible()
        and not isinstance(widget, QLabel)
        and widget.parent() is not None
        and widget.objectName() not in ("qt_scrollarea_viewport",)
        and type(widget).__name__ not in ("QWidget", "QFrame")
    ]
    assert inputs
    prompt_start = " ".join(view.short_prompt().split())[:20]
    for widget in inputs:
        name = widget.accessibleName()
        assert name, f"{type(widget).__name__} has no accessible name"
        # Buttons that act on the inputs say what they do; the inputs name the question.
        actions = (view.submit_button, view.dont_know_button)
        moves = ("up_button", "down_button")
        actions += tuple(getattr(view, name) for name in moves if hasattr(view, name))
        if widget not in actions:
            assert prompt_start in name, name


# -- the stage: feedback, locking, timing -----------------------------------------------------


def test_feedback_after_a_wrong_answer_locks_the_inputs(
    qtbot: QtBot, items: dict[str, StudyItem], services: Services, clock: Any
) -> None:
    stage = QuestionStage(services.clock, can_undo=True)
    qtbot.addWidget(stage)
    stage.resize(1024, 768)
    stage.show()
    stage.activateWindow()
    qtbot.waitUntil(stage.isActiveWindow)
    item = items["mc"]
    view = stage.show_item(item)
    clock.advance(seconds=7)
    with qtbot.waitSignal(stage.submitted) as blocker:
        give_answer(qtbot, view, right=False)
    submission = blocker.args[0]
    assert submission.response_ms == 7000
    result = grade(item.question, submission.given.response)
    stage.show_feedback(result, comes_back="Back in 1 minute")
    panel = stage.panel
    assert panel.isVisible()
    assert panel.verdict_label.text() == "✗ Wrong"
    assert "Khrushchev" in panel.answer_label.text()
    assert "Brezhnev replaced him in 1964." in panel.explanation_label.text()
    assert "Back in 1 minute" in panel.schedule_label.text()
    assert focused() is panel.next_button
    assert "Wrong." in panel.next_button.accessibleDescription()
    assert all(not button.isEnabled() for button in view.findChildren(QWidget, "choiceButton"))
    with qtbot.waitSignal(stage.next_requested):
        press(qtbot, Qt.Key.Key_Return)


def test_citations_and_intervals_in_words(items: dict[str, StudyItem]) -> None:
    assert citations_text(items["fc"].citations) == "“Class notes”, sentence 1"
    assert comes_back_text(timedelta(seconds=30)) == "Back in under a minute"
    assert comes_back_text(timedelta(minutes=10)) == "Back in 10 minutes"
    assert comes_back_text(timedelta(hours=1)) == "Back in 1 hour"
    assert comes_back_text(timedelta(days=4, hours=2)) == "Back in 4 days"
    assert comes_back_text(timedelta(days=90)) == "Back in about 3 months"


# -- numbers that need not be whole ------------------------------------------------------------


def _number_item() -> StudyItem:
    question = Number(
        type=QuestionType.NUMBER,
        id="pi",
        topic="t",
        prompt="Pi to three decimals?",
        answer=3.1415,
        tolerance=0.0005,
    )
    return StudyItem(QuestionRef(1, "p", "t", "1.0.0"), question, "T", ItemKind.NEW, (), ())


@pytest.mark.parametrize(("typed", "verdict"), [("3,1415", Verdict.RIGHT), ("3.2", Verdict.WRONG)])
def test_number_typed_with_a_point_or_a_comma(qtbot: QtBot, typed: str, verdict: Verdict) -> None:
    view = show(qtbot, _number_item())
    field = focused()
    assert isinstance(field, QLineEdit)
    type_text(qtbot, "abc" + typed)  # letters are not taken by the field
    assert field.text() == typed
    with qtbot.waitSignal(view.answered) as blocker:
        press(qtbot, Qt.Key.Key_Return)
    assert grade(view.item.question, blocker.args[0].response).verdict is verdict


def test_number_view_asks_for_a_number_when_empty(qtbot: QtBot) -> None:
    view = show(qtbot, _number_item())
    with qtbot.assertNotEmitted(view.answered):
        press(qtbot, Qt.Key.Key_Return)
    assert "3.14" in view.missing_label.text()
