"""Views for questions answered by picking: multiple choice, multi-select, true/false."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.items import StudyItem
from crisisquiz.core.pack_schema import MultipleChoice, MultiSelect, TrueFalse
from crisisquiz.gui.questions.base import QuestionView
from crisisquiz.gui.questions.choice_row import ChoiceRow
from crisisquiz.gui.questions.keys import number_key
from crisisquiz.gui.questions.look import is_dark, push_button, verdict_colour


def _keys_range(count: int) -> str:
    return "1" if count == 1 else f"1–{min(count, 9)}"


class _PickView(QuestionView):
    """Shared by multiple choice and multi-select: numbered rows, keys 1-9."""

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self._buttons: list[QAbstractButton] = []
        self._rows: list[ChoiceRow] = []
        super().__init__(item, parent)

    def make_button(self) -> QAbstractButton:
        """A new text-less radio button or check box."""
        raise NotImplementedError

    def key_description(self, number: int) -> str:
        """What pressing ``number`` does, for screen readers."""
        raise NotImplementedError

    def mark_rows(self, marks: dict[str, tuple[str, Verdict]]) -> None:
        """Show a mark (text, verdict for its colour) beside the choices named in ``marks``."""
        dark = is_dark(self)
        for choice, row in zip(self.item.options, self._rows, strict=True):
            if choice in marks:
                text, verdict = marks[choice]
                row.show_mark(text, verdict_colour(verdict, dark=dark))

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """One numbered row per choice, in the presented order."""
        count = len(self.item.options)
        for number, choice in enumerate(self.item.options, 1):
            button = self.make_button()
            button.setObjectName("choiceButton")
            button.setAccessibleName(self.answer_name(f"{choice}, choice {number} of {count}"))
            if number <= 9:
                button.setAccessibleDescription(self.key_description(number))
            key = f"{number}.  " if number <= 9 else ""
            row = ChoiceRow(button, f"{key}{choice}")
            layout.addWidget(row)
            self._rows.append(row)
            self._buttons.append(button)
        self.register_inputs(self._buttons)

    def press_number(self, number: int) -> None:
        """What key ``number`` does."""
        raise NotImplementedError

    def handle_key(self, event: QKeyEvent) -> bool:
        """Keys 1-9 act on a choice."""
        number = number_key(event)
        if number is None or number > len(self._buttons):
            return False
        self.press_number(number)
        return True


class MultipleChoiceView(_PickView):
    """Radio buttons in the presented order; keys 1-9 pick, Enter submits."""

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self._group = QButtonGroup()
        self.keys_hint = f"Press {_keys_range(len(item.options))} to choose, then Enter to submit."
        super().__init__(item, parent)
        self._group.setParent(self)

    def make_button(self) -> QAbstractButton:
        """A radio button in the view's exclusive group."""
        button = QRadioButton()
        self._group.addButton(button, len(self._group.buttons()))
        return button

    def key_description(self, number: int) -> str:
        """Pressing the number picks the choice."""
        return f"Press {number} to choose it."

    def current_response(self) -> object | None:
        """The chosen choice's text."""
        chosen = self._group.checkedId()
        return self.item.options[chosen] if chosen >= 0 else None

    def missing_message(self) -> str:
        """Nothing picked yet."""
        keys = _keys_range(len(self._buttons))
        return f"Pick one of the choices (keys {keys}), or press Ctrl+Enter if you don't know."

    def show_marks(self, result: GradeResult) -> None:
        """Mark the right answer, and the learner's pick when it was wrong."""
        question = self.item.question
        assert isinstance(question, MultipleChoice)
        marks = {question.answer: ("✓ right answer", Verdict.RIGHT)}
        chosen = self.current_response()
        if isinstance(chosen, str) and chosen != question.answer:
            marks[chosen] = ("✗ your answer", Verdict.WRONG)
        self.mark_rows(marks)

    def press_number(self, number: int) -> None:
        """Pick choice ``number`` (1-based)."""
        button = self._buttons[number - 1]
        button.setChecked(True)
        button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def restore(self, response: object) -> None:
        """Pick the choice given before."""
        if isinstance(response, str) and response in self.item.options:
            self._buttons[self.item.options.index(response)].setChecked(True)

    def first_input(self) -> QWidget:
        """The picked choice, if one is picked (arrows move on from there), else the first."""
        chosen = self._group.checkedButton()
        return chosen if chosen is not None and chosen.isEnabled() else super().first_input()


class MultiSelectView(_PickView):
    """Check boxes in the presented order; keys 1-9 tick or untick, Enter submits."""

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self.keys_hint = (
            "More than one answer can be right. Press "
            f"{_keys_range(len(item.options))} to tick or untick, then Enter to submit."
        )
        super().__init__(item, parent)

    def make_button(self) -> QAbstractButton:
        """A check box."""
        return QCheckBox()

    def key_description(self, number: int) -> str:
        """Pressing the number toggles the choice."""
        return f"Press {number} to tick or untick it. More than one can be right."

    def current_response(self) -> object | None:
        """The ticked choices."""
        ticked = frozenset(
            choice
            for choice, box in zip(self.item.options, self._buttons, strict=True)
            if box.isChecked()
        )
        return ticked or None

    def empty_response(self) -> object:
        """No choice ticked."""
        return frozenset()

    def missing_message(self) -> str:
        """Nothing ticked yet."""
        keys = _keys_range(len(self._buttons))
        return f"Tick at least one choice (keys {keys}), or press Ctrl+Enter if you don't know."

    def show_marks(self, result: GradeResult) -> None:
        """Mark each right choice, and each wrong one that was ticked."""
        question = self.item.question
        assert isinstance(question, MultiSelect)
        ticked = {
            choice
            for choice, box in zip(self.item.options, self._buttons, strict=True)
            if box.isChecked()
        }
        marks: dict[str, tuple[str, Verdict]] = {}
        for choice in question.choices:
            if choice in question.answers:
                text = "✓ right" if choice in ticked else "✓ right, not ticked"
                marks[choice] = (text, Verdict.RIGHT)
            elif choice in ticked:
                marks[choice] = ("✗ wrong pick", Verdict.WRONG)
        self.mark_rows(marks)

    def press_number(self, number: int) -> None:
        """Tick or untick choice ``number`` (1-based)."""
        box = self._buttons[number - 1]
        box.toggle()
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def restore(self, response: object) -> None:
        """Tick the choices ticked before."""
        if isinstance(response, frozenset | set):
            for choice, box in zip(self.item.options, self._buttons, strict=True):
                box.setChecked(choice in response)


class TrueFalseView(QuestionView):
    """True and False buttons; T or F answers at once."""

    keys_hint = "Press T for true or F for false, or Ctrl+Enter if you don't know."
    show_submit_button = False

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self._chosen: bool | None = None
        super().__init__(item, parent)

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The two answer buttons."""
        row = QHBoxLayout()
        self.true_button = push_button("True  (T)")
        self.false_button = push_button("False  (F)")
        # Enter must not answer "True" because the focus happens to be there: it goes on to
        # the view, which says how to answer. Space, a click, T and F answer.
        self.true_button.setAutoDefault(False)
        self.false_button.setAutoDefault(False)
        for button, value, key in (
            (self.true_button, True, "T"),
            (self.false_button, False, "F"),
        ):
            word = "True" if value else "False"
            button.setObjectName("answerButton")
            button.setAccessibleName(self.answer_name(word))
            button.setAccessibleDescription(f"Answers {word.lower()} at once. Shortcut: {key}")
            button.setToolTip(f"Answer {word.lower()} ({key})")
            button.clicked.connect(lambda _checked=False, v=value: self.answer_with(v))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.register_inputs([self.true_button, self.false_button])

    def answer_with(self, value: bool) -> None:
        """Answer true or false."""
        if not self.locked:
            self._chosen = value
            self.submit()

    def current_response(self) -> object | None:
        """The value chosen with the buttons or keys."""
        return self._chosen

    def empty_response(self) -> object:
        """Neither true nor false: graded as wrong."""
        return None

    def missing_message(self) -> str:
        """Nothing chosen yet."""
        return "Press T for true or F for false, or Ctrl+Enter if you don't know."

    def show_marks(self, result: GradeResult) -> None:
        """Mark the right button, and the learner's choice when it was wrong."""
        question = self.item.question
        assert isinstance(question, TrueFalse)
        for button, value in ((self.true_button, True), (self.false_button, False)):
            if value == question.answer:
                mark = "  ✓ right answer"
            elif value is self._chosen:
                mark = "  ✗ your answer"
            else:
                continue
            button.setText(button.text() + mark)
            button.setAccessibleDescription(mark.strip())

    def handle_key(self, event: QKeyEvent) -> bool:
        """T and F answer."""
        if event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            return False
        if event.key() == Qt.Key.Key_T:
            self.answer_with(True)
            return True
        if event.key() == Qt.Key.Key_F:
            self.answer_with(False)
            return True
        return False
