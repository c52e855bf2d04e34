"""Views for typed answers: short answer, year, number, and cloze with blanks in the sentence."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QRegularExpression, QSize, Qt
from PySide6.QtGui import QIntValidator, QKeyEvent, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.grading import GradeResult, Verdict, read_number
from crisisquiz.core.items import StudyItem
from crisisquiz.core.pack_schema import CLOZE_BLANK, Cloze
from crisisquiz.core.text_match import MatchKind, match_answer
from crisisquiz.gui.questions.base import QuestionView
from crisisquiz.gui.questions.flow_layout import FlowLayout
from crisisquiz.gui.questions.look import is_dark, scaled_font, set_text_role, verdict_colour

# Wide enough for most answers, and the same for every blank so its width gives nothing away.
BLANK_CHARS = 11
YEAR_CHARS = 6
YEAR_RANGE = (-9999, 9999)
NUMBER_CHARS = 12
# What may be typed on the way to a number: a sign, digits, one decimal point or comma,
# and spaces between groups of thousands.
NUMBER_TYPING = r"[+-]?[0-9 ]{0,18}([.,][0-9]{0,15})?"


class _LetUndoThrough(QObject):
    """Lets Ctrl+Z reach the screen (undo the last answer) when a field has nothing to undo.

    A QLineEdit claims Ctrl+Z even when empty, so without this the learner could not
    undo their last answer while the cursor sits in the next question's field.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refuse the shortcut override for Undo when the field cannot undo."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, QLineEdit)
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and not watched.isUndoAvailable()
        ):
            return True
        return super().eventFilter(watched, event)


class SizedLineEdit(QLineEdit):
    """A text field sized in characters of its own font, so it grows with the text size."""

    def __init__(self, chars: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chars = chars
        if chars is not None:
            self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        """``chars`` wide characters, plus the frame and padding the style adds."""
        hint = super().sizeHint()
        if self._chars is None:
            return hint
        metrics = self.fontMetrics()
        frame = hint.width() - metrics.horizontalAdvance("x" * 17)
        return QSize(metrics.horizontalAdvance("m" * self._chars) + max(frame, 8), hint.height())

    def minimumSizeHint(self) -> QSize:
        """Never narrower than the size hint: a blank must show what was typed."""
        return self.sizeHint() if self._chars is not None else super().minimumSizeHint()


def _answer_field(
    undo_filter: QObject, name: str, placeholder: str, *, chars: int | None = None
) -> QLineEdit:
    field = SizedLineEdit(chars)
    field.setObjectName("answerField")
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(False)
    field.installEventFilter(undo_filter)
    return field


class _TypedView(QuestionView):
    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self.undo_filter = _LetUndoThrough()
        super().__init__(item, parent)
        self.undo_filter.setParent(self)


class ShortAnswerView(_TypedView):
    """One text field; Enter submits."""

    keys_hint = "Type your answer and press Enter, or Ctrl+Enter if you don't know."

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The text field."""
        self.field = _answer_field(self.undo_filter, self.answer_name(), "Your answer")
        self.field.setAccessibleDescription("Press Enter to submit, Ctrl+Enter if you don't know.")
        self.field.setMaxLength(500)
        layout.addWidget(self.field)
        self.register_inputs([self.field])

    def current_response(self) -> object | None:
        """The typed text, unless it is blank."""
        text = self.field.text()
        return text if text.strip() else None

    def restore(self, response: object) -> None:
        """The text typed before, cursor at its end."""
        if isinstance(response, str):
            self.field.setText(response)

    def missing_message(self) -> str:
        """Nothing typed yet."""
        return "Type an answer, or press Ctrl+Enter to say you don't know."


class YearView(_TypedView):
    """A number field that takes whole years only; Enter submits."""

    keys_hint = (
        "Type the year (use a minus sign for years BC) and press Enter, "
        "or Ctrl+Enter if you don't know."
    )

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The year field, with no number filled in so nothing is suggested."""
        self.field = _answer_field(
            self.undo_filter, self.answer_name("Year"), "Year", chars=YEAR_CHARS
        )
        self.field.setValidator(QIntValidator(*YEAR_RANGE, self.field))
        self.field.setAccessibleDescription(
            "Whole years only. Press Enter to submit, Ctrl+Enter if you don't know."
        )
        layout.addWidget(self.field)
        self.register_inputs([self.field])

    def restore(self, response: object) -> None:
        """The year typed before."""
        if isinstance(response, int):
            self.field.setText(str(response))

    def current_response(self) -> object | None:
        """The year as a number, or None while the field holds no whole number."""
        text = self.field.text().strip()
        try:
            return int(text)
        except ValueError:
            return None

    def missing_message(self) -> str:
        """No year typed yet."""
        return "Type a year such as 1900, or press Ctrl+Enter to say you don't know."


class NumberView(_TypedView):
    """A field for a number that need not be whole; Enter submits."""

    keys_hint = (
        "Type the number (a point or a comma before decimals) and press Enter, "
        "or Ctrl+Enter if you don't know."
    )

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The number field, empty so nothing is suggested."""
        self.field = _answer_field(
            self.undo_filter, self.answer_name("Number"), "Number", chars=NUMBER_CHARS
        )
        self.field.setValidator(
            QRegularExpressionValidator(QRegularExpression(NUMBER_TYPING), self.field)
        )
        self.field.setAccessibleDescription(
            "A number such as 3.14 or 3,14. Press Enter to submit, Ctrl+Enter if you don't know."
        )
        layout.addWidget(self.field)
        self.register_inputs([self.field])

    def current_response(self) -> object | None:
        """The typed number as text (the grader reads it), or None until it is a number."""
        text = self.field.text().strip()
        return text if read_number(text) is not None else None

    def restore(self, response: object) -> None:
        """Put the number given before back, as it was typed."""
        if isinstance(response, str | int | float) and not isinstance(response, bool):
            self.field.setText(str(response))

    def missing_message(self) -> str:
        """No number typed yet."""
        return "Type a number such as 3.14, or press Ctrl+Enter to say you don't know."


def _words(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into words, each with whether white space comes before it."""
    return [(match.group(2), bool(match.group(1))) for match in re.finditer(r"(\s*)(\S+)", text)]


class ClozeView(_TypedView):
    """The sentence with a text field in place of each blank; Tab moves, Enter submits."""

    keys_hint = (
        "Fill in each blank; Tab moves to the next one. Press Enter to submit, "
        "or Ctrl+Enter if you don't know."
    )

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self.fields: list[QLineEdit] = []
        self.marks: list[QLabel] = []
        self._warned: tuple[str, ...] | None = None
        super().__init__(item, parent)

    @property
    def cloze(self) -> Cloze:
        """The question as a cloze."""
        question = self.item.question
        assert isinstance(question, Cloze)
        return question

    def prompt_text(self) -> str:
        """The instruction above the sentence."""
        count = len(self.cloze.blanks)
        default = "Fill in the blank." if count == 1 else "Fill in the blanks."
        return self.cloze.prompt or default

    def short_prompt(self) -> str:
        """The sentence with numbered gaps: what a screen reader needs to answer."""
        gapped = self.cloze.display_prompt
        if self.cloze.prompt:
            gapped = gapped.removeprefix(self.cloze.prompt).strip()
        return " ".join(gapped.split())

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The sentence as words and fields that wrap like a paragraph."""
        sentence = QWidget()
        sentence.setObjectName("clozeSentence")
        sentence.setAccessibleName(f"Sentence: {self.short_prompt()}")
        # Sized like a heading, so the sentence stands out, but in regular weight to read well.
        sentence.setStyleSheet("QLabel#clozeWord { font-weight: normal; }")
        flow = FlowLayout(sentence)
        text = self.cloze.text
        count = len(self.cloze.blanks)
        position = 0
        for number, match in enumerate(CLOZE_BLANK.finditer(text), 1):
            before = text[position : match.start()]
            self._add_words(flow, before)
            field = _answer_field(
                self.undo_filter,
                f"Blank {number} of {count} — answer to: {self.short_prompt()}",
                f"blank {number}",
                chars=BLANK_CHARS,
            )
            field.setMaxLength(200)
            field.setAccessibleDescription(
                "Tab moves to the next blank. Enter submits, Ctrl+Enter if you don't know."
            )
            mark = QLabel()
            mark.setObjectName("blankMark")
            mark.setTextFormat(Qt.TextFormat.PlainText)  # it shows the blank's answer
            mark.hide()
            # Field and mark travel together, so a mark never wraps onto a line of its own.
            blank = QWidget()
            blank.setObjectName("clozeBlank")
            row = QHBoxLayout(blank)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            row.addWidget(field)
            row.addWidget(mark)
            flow.add_widget(blank, gap_before=not before or before[-1].isspace())
            self.fields.append(field)
            self.marks.append(mark)
            position = match.end()
        self._add_words(flow, text[position:])
        layout.addWidget(sentence)
        self.register_inputs(self.fields)

    @staticmethod
    def _add_words(flow: FlowLayout, text: str) -> None:
        for word, gap in _words(text):
            label = QLabel(word)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setObjectName("clozeWord")
            set_text_role(label, "h3")
            label.setFont(scaled_font(label.font(), 1.0, bold=False))
            flow.add_widget(label, gap_before=gap)

    def current_response(self) -> object | None:
        """One text per blank; None while a blank is empty, unless the learner confirmed."""
        typed = tuple(field.text() for field in self.fields)
        empty = [number for number, text in enumerate(typed, 1) if not text.strip()]
        if not empty or (self._warned == typed and len(empty) < len(typed)):
            return typed
        self._warned = typed
        return None

    def restore(self, response: object) -> None:
        """The text typed before into each blank."""
        if isinstance(response, tuple):
            for field, text in zip(self.fields, response, strict=False):
                field.setText(str(text))

    def show_marks(self, result: GradeResult) -> None:
        """Put ✓ or ✗ after each blank, judged as the grader judges it."""
        dark = is_dark(self)
        blanks = self.cloze.blanks
        for index, (field, mark) in enumerate(zip(self.fields, self.marks, strict=True)):
            aliases = self.cloze.accept[index] if index < len(self.cloze.accept) else ()
            found = match_answer(field.text(), blanks[index], aliases)
            right = bool(field.text().strip()) and found.kind in (MatchKind.EXACT, MatchKind.SLIP)
            verdict = Verdict.RIGHT if right else Verdict.WRONG
            mark.setText("✓" if right else f"✗ ({blanks[index]})")
            mark.setStyleSheet(f"color: {verdict_colour(verdict, dark=dark)}; font-weight: 600;")
            mark.setAccessibleName(f"Blank {index + 1}: {'right' if right else 'wrong'}")
            field.setAccessibleDescription(
                "Right." if right else f"Wrong; the answer is {blanks[index]}."
            )
            mark.show()

    def empty_response(self) -> object:
        """Every blank left empty."""
        return tuple("" for _ in self.fields)

    def missing_message(self) -> str:
        """Which blanks are still empty."""
        empty = [str(n) for n, field in enumerate(self.fields, 1) if not field.text().strip()]
        if len(empty) == len(self.fields):
            return "Fill in the blanks, or press Ctrl+Enter to say you don't know."
        which = "Blank " + empty[0] if len(empty) == 1 else "Blanks " + ", ".join(empty)
        verb, pronoun = ("is", "it") if len(empty) == 1 else ("are", "them")
        return (
            f"{which} {verb} still empty. Fill {pronoun} in, "
            "or press Enter again to submit as it is."
        )
