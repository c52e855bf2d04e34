"""What every question view shares: the prompt, the Submit and Don't know actions, the keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.grading import GradeResult
from crisisquiz.core.items import StudyItem
from crisisquiz.core.scheduling import Rating
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.citation_view import quote_label
from crisisquiz.gui.questions.keys import has_ctrl, is_enter
from crisisquiz.gui.questions.look import push_button, wrapped_label
from crisisquiz.gui.questions.picture import FULL_SIZE_KEY, FullPicture, PictureView

# A screen reader repeats an input's name on every focus change; a long prompt is cut here.
NAME_PROMPT_CHARS = 90


@dataclass(frozen=True)
class GivenAnswer:
    """A response ready for grading; ``dont_know`` marks the learner saying they don't know."""

    response: object
    dont_know: bool = False


def short_text(text: str, limit: int = NAME_PROMPT_CHARS) -> str:
    """``text`` on one line, cut with an ellipsis past ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class QuestionView(QWidget):
    """One question with its inputs; emits :attr:`answered` with a :class:`GivenAnswer`.

    Subclasses add their inputs in :meth:`build_inputs`, read them in
    :meth:`current_response` (None while something is missing) and say what is
    missing in :meth:`missing_message`. Enter submits, Ctrl+Enter says "don't know".
    """

    answered = Signal(object)

    #: Instruction shown under the prompt, with the keys that work here.
    keys_hint = "Press Enter to submit, or Ctrl+Enter if you don't know."
    #: Flashcards are rated by the learner, so they have no Submit or Don't know.
    has_submit = True
    #: True/false answers with its own buttons, so it needs no Submit button.
    show_submit_button = True

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionView")
        self._item = item
        self._locked = False
        self._inputs: list[QWidget] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        # A question about a document's wording shows the sentence it is about first.
        self.quote_label = quote_label(item.quote) if item.quote is not None else None
        if self.quote_label is not None:
            layout.addWidget(self.quote_label)
        self.prompt_label = wrapped_label(
            self.prompt_text(), object_name="questionPrompt", role="h2"
        )
        self.prompt_label.setAccessibleName(f"Question: {self.prompt_text()}")
        self.prompt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.prompt_label)
        self.picture: PictureView | None = None
        self.full_picture: FullPicture | None = None
        if item.question.image:
            self._add_picture(layout)
        self.hint_label = wrapped_label(self.keys_hint, object_name="questionHint", role="muted")
        layout.addWidget(self.hint_label)
        self.build_inputs(layout)
        self.missing_label = wrapped_label(object_name="answerMissing", role="error")
        self.missing_label.hide()
        layout.addWidget(self.missing_label)
        self.submit_button = push_button("Submit (Enter)")
        self.dont_know_button = push_button("Don't know (Ctrl+Enter)")
        if self.has_submit:
            row = QHBoxLayout()
            self.submit_button.setToolTip("Submit your answer (Enter)")
            self.submit_button.setAccessibleName(f"Submit answer to: {self.short_prompt()}")
            self.submit_button.setAccessibleDescription("Shortcut: Enter")
            self.submit_button.clicked.connect(self.submit)
            self.dont_know_button.setToolTip(
                "Show the answer; counts as wrong, so the question comes back soon (Ctrl+Enter)"
            )
            self.dont_know_button.setAccessibleName(f"I don't know: {self.short_prompt()}")
            self.dont_know_button.setAccessibleDescription(
                "Shows the answer and counts as wrong. Shortcut: Ctrl+Enter"
            )
            self.dont_know_button.clicked.connect(self.dont_know)
            row.addWidget(self.submit_button)
            row.addWidget(self.dont_know_button)
            row.addStretch(1)
            layout.addLayout(row)
            self.submit_button.setVisible(self.show_submit_button)
        else:
            self.submit_button.hide()
            self.dont_know_button.hide()

    def _add_picture(self, layout: QVBoxLayout) -> None:
        """The question's picture and how to open it; its text alone if it cannot be drawn."""
        alt = self._item.question.image_alt or "no description given"
        picture = PictureView(self._item.image or b"", alt)
        if not picture.readable:
            picture.deleteLater()
            layout.addWidget(wrapped_label(f"Picture: {alt}", object_name="questionImageAlt"))
            return
        self.picture = picture
        picture.opened.connect(self.open_picture)
        layout.addWidget(picture)
        layout.addWidget(
            wrapped_label(
                f"Click the picture or press {FULL_SIZE_KEY} to see it full size.",
                object_name="pictureHint",
                role="muted",
            )
        )
        shortcut = QShortcut(QKeySequence(FULL_SIZE_KEY), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.open_picture)

    def open_picture(self) -> None:
        """Show the question's picture at full size; the keyboard comes back here after."""
        if self.picture is None:
            return
        back_to = QApplication.focusWidget()
        dialog = FullPicture(self.picture.image, self.picture.alt, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._back_from_picture(back_to))
        self.full_picture = dialog
        dialog.open()

    def _back_from_picture(self, widget: QWidget | None) -> None:
        self.full_picture = None
        self.window().activateWindow()
        (widget or self.first_input()).setFocus(Qt.FocusReason.OtherFocusReason)

    # -- for subclasses ---------------------------------------------------------------------

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """Add the inputs of this question type to ``layout``."""
        raise NotImplementedError

    def current_response(self) -> object | None:
        """The response as :func:`crisisquiz.core.grading.grade` takes it, or None if incomplete."""
        raise NotImplementedError

    def empty_response(self) -> object:
        """The response that stands for "I don't know"; it always grades as wrong."""
        return ""

    def missing_message(self) -> str:
        """What the learner still has to do before submitting."""
        return "Give an answer first, or press Ctrl+Enter if you don't know."

    def handle_key(self, event: QKeyEvent) -> bool:
        """Handle a type-specific key; return True when it was used."""
        return False

    def show_marks(self, result: GradeResult) -> None:
        """After grading, mark right and wrong parts in the inputs themselves (optional)."""

    def register_inputs(self, widgets: Iterable[QWidget]) -> None:
        """Remember the inputs, so that :meth:`lock` can disable them after grading."""
        self._inputs.extend(widgets)

    def restore(self, response: object) -> None:
        """Put a response given before back into the inputs (after an undo), to be corrected."""

    def set_intervals(self, intervals: Mapping[Rating, timedelta]) -> None:
        """When the question comes back after each self-rating (flashcards show it)."""

    # -- public -----------------------------------------------------------------------------

    @property
    def item(self) -> StudyItem:
        """The question shown."""
        return self._item

    @property
    def locked(self) -> bool:
        """Whether the answer was given and the inputs are disabled."""
        return self._locked

    def prompt_text(self) -> str:
        """The question as shown to the learner."""
        return self._item.question.display_prompt

    def short_prompt(self) -> str:
        """The question shortened for accessible names."""
        return short_text(self.prompt_text())

    def answer_name(self, what: str = "") -> str:
        """An accessible name for an input, holding the question (``what`` comes first)."""
        prefix = f"{what} — " if what else ""
        return f"{prefix}Answer to: {self.short_prompt()}"

    def first_input(self) -> QWidget:
        """Where the answer starts: the first choice, field, list or box that takes focus."""
        for widget in self._inputs:
            if (
                widget.isEnabled()
                and widget.isVisibleTo(self)
                and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
            ):
                return widget
        return self.submit_button

    def focus_first(self) -> None:
        """Put keyboard focus on the first input."""
        self.first_input().setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        """Submit the answer, or say what is missing."""
        if self._locked:
            return
        response = self.current_response()
        if response is None:
            self.show_missing(self.missing_message())
            return
        self._give(GivenAnswer(response))

    def dont_know(self) -> None:
        """Submit an empty answer, graded as wrong."""
        if self._locked or not self.has_submit:
            return
        self._give(GivenAnswer(self.empty_response(), dont_know=True))

    def show_missing(self, message: str) -> None:
        """Tell the learner what is missing, in words next to the inputs."""
        self.missing_label.setText(f"⚠ {message}")
        self.missing_label.show()
        # Screen readers do not notice a label appearing: the message is spoken at once.
        announce(self.missing_label, message, assertive=True)

    def lock(self) -> None:
        """Disable every input: a graded answer cannot be changed."""
        self._locked = True
        for widget in [*self._inputs, self.submit_button, self.dont_know_button]:
            widget.setEnabled(False)
        self.missing_label.hide()
        self.hint_label.hide()

    def _give(self, answer: GivenAnswer) -> None:
        self.missing_label.hide()
        self.answered.emit(answer)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter submits, Ctrl+Enter says "don't know"; other keys go to the subclass."""
        if self._locked:
            super().keyPressEvent(event)
            return
        if is_enter(event) and self.has_submit:
            if has_ctrl(event):
                self.dont_know()
            else:
                self.submit()
            event.accept()
            return
        if self.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)
