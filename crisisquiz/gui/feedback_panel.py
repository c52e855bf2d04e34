"""The panel shown after an answer: right or wrong, the answer, why, the source, what next."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.items import Citation, StudyItem
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultiSelect,
    Ordering,
    Question,
)
from crisisquiz.core.scheduling import Rating
from crisisquiz.gui.citation_view import sources_caption, sources_html, sources_plain
from crisisquiz.gui.questions.look import (
    VERDICT_WORDS,
    is_dark,
    push_button,
    set_text_role,
    verdict_colour,
)
from crisisquiz.gui.widgets import FlowRow

# Opens the reading: from the feedback, at the guide of the question's topic.
READ_SHORTCUT = "Ctrl+G"


# A flashcard is not graded: the learner's own rating is what they said, in their words.
RATING_WORDS: dict[Rating, str] = {
    Rating.Again: "Again",
    Rating.Hard: "Hard",
    Rating.Good: "Good",
    Rating.Easy: "Easy",
}


def verdict_words(result: GradeResult, question: Question | None = None) -> str:
    """The verdict in words, e.g. "Wrong", "Partly right (50 %)" or, for a flashcard,
    "You rated it Good"; read aloud as it is."""
    if isinstance(question, Flashcard):
        return f"You rated it {RATING_WORDS[result.rating]}"
    _symbol, word = VERDICT_WORDS[result.verdict]
    if result.verdict is Verdict.PARTLY:
        return f"{word} ({round(result.score * 100)} %)"
    if result.slip:
        return f"{word}, with a spelling slip"
    return word


def verdict_text(result: GradeResult, question: Question | None = None) -> str:
    """The verdict with its symbol, e.g. "✗ Wrong" or "◐ Partly right (50 %)"; a flashcard's
    rating has no symbol (it is not right or wrong)."""
    if isinstance(question, Flashcard):
        return verdict_words(result, question)
    return f"{VERDICT_WORDS[result.verdict][0]} {verdict_words(result)}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def comes_back_text(interval: timedelta) -> str:
    """When a question comes back, in words: "Back in 10 minutes", "Back in 4 days"."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "Back in under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"Back in {_plural(minutes, 'minute')}"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"Back in {_plural(hours, 'hour')}"
    days = round(seconds / 86400)
    if days < 60:
        return f"Back in {_plural(days, 'day')}"
    months = round(days / 30.4)
    if months < 24:
        return f"Back in about {_plural(months, 'month')}"
    return f"Back in about {_plural(round(days / 365.25), 'year')}"


def citations_text(citations: Sequence[Citation]) -> str:
    """The sources as plain text, one line each (see :func:`citation_view.sources_plain`)."""
    return sources_plain(citations)


def answer_lines(question: Question, correct_answer: str) -> list[str]:
    """The right answer as lines: one per pair or place where one line would be a wall."""
    if isinstance(question, Matching):
        return [f"{left} → {right}" for left, right in question.pairs]
    if isinstance(question, Ordering):
        return [f"{place}. {item}" for place, item in enumerate(question.items, 1)]
    if isinstance(question, MultiSelect) and len(question.answers) > 1:
        return [f"• {choice}" for choice in question.answers]
    if isinstance(question, Cloze) and len(question.blanks) > 1:
        return [f"Blank {number}: {blank}" for number, blank in enumerate(question.blanks, 1)]
    return [correct_answer] if correct_answer else []


def rich_caption(caption: str, text: str) -> str:
    """``caption`` in bold before ``text``, both escaped, for a rich-text label."""
    return f"<b>{html.escape(caption)}</b> {html.escape(text)}"


def rich_lines(caption: str, lines: Sequence[str]) -> str:
    """``caption`` in bold, then the lines, escaped; several lines go below the caption."""
    if len(lines) <= 1:
        return rich_caption(caption, "".join(lines))
    body = "<br>".join(html.escape(line) for line in lines)
    return f"<b>{html.escape(caption)}</b><br>{body}"


class FeedbackPanel(QFrame):
    """Right / partly right / wrong in words, symbol and colour, with everything to learn from it.

    Enter or Space (on the focused Next button) emits :attr:`next_requested`; the Undo
    button, shown when ``can_undo``, emits :attr:`undo_requested`.
    """

    next_requested = Signal()
    undo_requested = Signal()
    read_requested = Signal()

    def __init__(self, *, can_undo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        self.verdict_label = self._label("feedbackVerdict")
        set_text_role(self.verdict_label, "h2")
        self.answer_label = self._label("feedbackAnswer", rich=True)
        self.details_label = self._label("feedbackDetails")
        self.explanation_label = self._label("feedbackExplanation", rich=True)
        self.source_label = self._label("feedbackSource", rich=True)
        self.schedule_label = self._label("feedbackSchedule", rich=True)
        for label in (
            self.verdict_label,
            self.answer_label,
            self.details_label,
            self.explanation_label,
            self.source_label,
            self.schedule_label,
        ):
            layout.addWidget(label)
        # The actions wrap onto a new line at large text sizes instead of widening the panel.
        row = FlowRow()
        self.next_button = push_button("Next (Enter)")
        self.next_button.setObjectName("nextButton")
        self.next_button.setToolTip("Go on to the next question (Enter or Space)")
        self.next_button.clicked.connect(self.next_requested)
        row.addWidget(self.next_button)
        self.undo_button = push_button("Undo answer (Ctrl+Z)")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setToolTip("Take this answer back and show the question again (Ctrl+Z)")
        self.undo_button.setAccessibleName("Undo answer")
        self.undo_button.setAccessibleDescription(
            "Takes the answer back and shows the question again. Shortcut: Ctrl+Z"
        )
        self.undo_button.clicked.connect(self.undo_requested)
        row.addWidget(self.undo_button)
        self.read_button = push_button(f"Read about this ({READ_SHORTCUT})")
        self.read_button.setObjectName("readAboutButton")
        self.read_button.setToolTip(
            f"Open the study guide of this question's topic ({READ_SHORTCUT})"
        )
        self.read_button.setAccessibleName("Read about this")
        self.read_button.setAccessibleDescription(
            f"Opens the study guide of this question's topic. Shortcut: {READ_SHORTCUT}"
        )
        self.read_button.clicked.connect(self.read_requested)
        self.read_button.hide()
        row.addWidget(self.read_button)
        layout.addLayout(row)
        # Only now, inside the panel: shown before it has a parent, a widget becomes a window
        # of its own for a moment, which takes the activation from the main window.
        self.undo_button.setVisible(can_undo)
        self._verdict: Verdict | None = None
        self.hide()

    def _label(self, name: str, *, rich: bool = False) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def head_height(self) -> int:
        """From the panel's top to the end of the verdict and the right answer."""
        last = self.answer_label if not self.answer_label.isHidden() else self.verdict_label
        return last.geometry().bottom() + 1

    @property
    def verdict(self) -> Verdict | None:
        """The verdict shown, or None before an answer."""
        return self._verdict

    def show_result(
        self,
        item: StudyItem,
        result: GradeResult,
        *,
        dont_know: bool = False,
        comes_back: str | None = None,
        next_text: str = "Next",
    ) -> None:
        """Fill the panel for ``result`` and show it; focus goes to the Next button."""
        self._verdict = result.verdict
        self.setProperty("verdict", result.verdict.name.lower())
        colour = verdict_colour(result.verdict, dark=is_dark(self))
        self.verdict_label.setText(verdict_text(result, item.question))
        self.verdict_label.setStyleSheet(f"color: {colour};")
        self.setStyleSheet(
            f"QFrame#feedbackPanel {{ border: 1px solid {colour}; "
            f"border-left: 6px solid {colour}; border-radius: 6px; }}"
        )
        # The symbol means nothing read aloud; the words say it all.
        words = verdict_words(result, item.question)
        spoken = [f"{words}."]

        lines = list(result.feedback)
        if dont_know:
            lines = ["You said you don't know, so it counts as wrong and comes back soon."]
        # A flashcard's back is already on screen above; repeating it adds nothing.
        answer = "" if isinstance(item.question, Flashcard) else result.correct_answer
        caption = "The answer:" if result.verdict is Verdict.RIGHT else "Right answer:"
        sources = " ".join(sources_plain(item.citations).splitlines())
        source_caption = sources_caption(item.citations)
        explanation = item.question.explanation
        sections = (
            (self.answer_label, caption, answer),
            (self.explanation_label, "Why:", explanation),
            (self.source_label, source_caption, sources),
            (self.schedule_label, "Next time:", comes_back or ""),
        )
        self.details_label.setText("\n".join(f"• {line}" for line in lines))
        self.details_label.setVisible(bool(lines))
        for label, label_caption, text in sections:
            if label is self.source_label:
                # Several lines (the source, what the sentence claims, what is wrong): below.
                label.setText(f"<b>{html.escape(label_caption)}</b>{sources_html(item.citations)}")
                # Read as one passage: the lines' layout means nothing aloud.
                label.setAccessibleName(f"{label_caption} {text}")
            else:
                shown = (
                    [text] if label is not self.answer_label else answer_lines(item.question, text)
                )
                label.setText(rich_lines(label_caption, shown))
            label.setVisible(bool(text))
        spoken.append(f"{caption} {answer}" if answer else "")
        if isinstance(item.question, Flashcard):
            # Shown above, but a screen reader user must hear the back with the rating.
            spoken.append(f"Back of the card: {result.correct_answer}.")
        spoken.extend(lines)
        spoken.extend(f"{c} {t}" for _label, c, t in sections[1:] if t)
        text = " ".join(part for part in spoken if part)
        self.verdict_label.setAccessibleName(words)
        self.read_button.setVisible(item.has_guide)
        self.next_button.setText(f"{next_text} (Enter)")
        self.next_button.setAccessibleName(next_text)
        # Read out when focus lands on Next, so a screen reader user hears the verdict at once.
        self.next_button.setAccessibleDescription(text)
        self.setAccessibleName("Feedback on your answer")
        self.setAccessibleDescription(text)
        self.show()
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        """Hide the panel until the next answer."""
        self._verdict = None
        self.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Space goes on, wherever the focus is within the panel."""
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if event.key() in keys and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            self.next_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
