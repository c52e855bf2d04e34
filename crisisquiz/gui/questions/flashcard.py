"""The flashcard view: the front, then the back on Space, then the learner's own rating."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from crisisquiz.core.items import StudyItem
from crisisquiz.core.pack_schema import Flashcard
from crisisquiz.core.scheduling import Rating
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.questions.base import QuestionView
from crisisquiz.gui.questions.keys import has_ctrl, is_enter, number_key
from crisisquiz.gui.questions.look import (
    focus_colour,
    interval_words,
    push_button,
    short_interval,
    wrapped_label,
)
from crisisquiz.gui.widgets import FlowRow

RATINGS: tuple[tuple[Rating, str, str], ...] = (
    (Rating.Again, "Again", "I did not remember it"),
    (Rating.Hard, "Hard", "I remembered it with real effort"),
    (Rating.Good, "Good", "I remembered it after a moment"),
    (Rating.Easy, "Easy", "I remembered it at once"),
)


class FlashcardView(QuestionView):
    """Front first; Space shows the back; then 1-4 rate Again, Hard, Good or Easy."""

    keys_hint = "Recall the answer, then press Space to see the back of the card."
    has_submit = False

    def __init__(self, item: StudyItem, parent: QWidget | None = None) -> None:
        self.rating_buttons: list[QPushButton] = []
        self._rating: Rating | None = None
        super().__init__(item, parent)

    @property
    def card(self) -> Flashcard:
        """The question as a flashcard."""
        question = self.item.question
        assert isinstance(question, Flashcard)
        return question

    def build_inputs(self, layout: QVBoxLayout) -> None:
        """The Show answer button, the hidden back and the hidden rating buttons."""
        self.show_button = push_button("Show answer (Space)")
        self.show_button.setObjectName("showAnswerButton")
        self.show_button.setProperty("role", "primary")
        self.show_button.setToolTip("Turn the card over (Space)")
        self.show_button.setAccessibleName(f"Show the back of the card: {self.short_prompt()}")
        self.show_button.setAccessibleDescription("Shortcut: Space")
        self.show_button.clicked.connect(self.reveal)
        row = QHBoxLayout()
        row.addWidget(self.show_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.back_card = QFrame()
        self.back_card.setObjectName("flashcardBack")
        self.back_card.setProperty("role", "card")
        self.back_card.setFrameShape(QFrame.Shape.StyledPanel)
        back_layout = QVBoxLayout(self.back_card)
        back_layout.setContentsMargins(16, 12, 16, 12)
        back_layout.addWidget(wrapped_label("Back of the card", role="muted"))
        self.back_label = wrapped_label(self.card.answer, object_name="flashcardBackText")
        # The back takes the focus when the card turns, so a screen reader reads it out and
        # the keyboard is where the rating keys work; Enter there asks for a rating.
        self.back_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # The ring's room is kept when it is off, so the text never moves or gets cut.
        self.back_label.setStyleSheet(
            "QLabel { border: 3px solid transparent; border-radius: 4px; padding: 2px; }"
            f"QLabel:focus {{ border-color: {focus_colour(self)}; }}"
        )
        self.back_label.setAccessibleDescription(
            "The back of the card. Rate how well you remembered it: 1 Again, 2 Hard, "
            "3 Good, 4 Easy."
        )
        self.back_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        back_layout.addWidget(self.back_label)
        self.back_card.hide()
        layout.addWidget(self.back_card)
        self.rate_label = wrapped_label(
            "How well did you remember it? Press 1 Again, 2 Hard, 3 Good or 4 Easy.",
            object_name="questionHint",
            role="muted",
        )
        self.rate_label.hide()
        layout.addWidget(self.rate_label)
        # The four buttons, each with its interval, wrap at large text sizes rather than
        # widening the page past the window (a sideways scroll at 200 %).
        ratings = FlowRow()
        for number, (rating, word, meaning) in enumerate(RATINGS, 1):
            button = push_button(f"{number}  {word}")
            button.setObjectName("ratingButton")
            button.setToolTip(f"{meaning} ({number})")
            button.setAccessibleName(f"{word}: {meaning}")
            button.setAccessibleDescription(f"Rates the card {word}. Shortcut: {number}")
            button.clicked.connect(lambda _checked=False, r=rating: self.rate(r))
            button.hide()
            ratings.addWidget(button)
            self.rating_buttons.append(button)
        layout.addLayout(ratings)
        self.register_inputs([self.show_button, self.back_label, *self.rating_buttons])

    def set_intervals(self, intervals: Mapping[Rating, timedelta]) -> None:
        """Show on each rating button when the card comes back after it, as Anki does."""
        for number, (button, (rating, word, meaning)) in enumerate(
            zip(self.rating_buttons, RATINGS, strict=True), 1
        ):
            wait = intervals.get(rating)
            if wait is None:
                continue
            button.setText(f"{number}  {word} · {short_interval(wait)}")
            button.setAccessibleDescription(
                f"Rates the card {word} ({meaning}). It comes back "
                f"{interval_words(wait)}. Shortcut: {number}"
            )

    @property
    def revealed(self) -> bool:
        """Whether the back is showing."""
        return not self.back_card.isHidden()

    def reveal(self) -> None:
        """Show the back of the card and the rating buttons."""
        if self.locked or self.revealed:
            return
        self.show_button.hide()
        self.hint_label.hide()
        self.back_card.show()
        self.rate_label.show()
        for button in self.rating_buttons:
            button.show()
        self.back_label.setFocus(Qt.FocusReason.OtherFocusReason)
        # Spoken at once, whatever the screen reader makes of a focused label.
        announce(self.back_label, f"Back of the card: {self.card.answer}")

    def rate(self, rating: Rating) -> None:
        """Give the learner's rating as the answer."""
        if self.locked or not self.revealed:
            return
        self._rating = rating
        self.submit()

    def current_response(self) -> object | None:
        """The rating given."""
        return self._rating

    def missing_message(self) -> str:
        """The card has not been rated."""
        return "Rate the card: 1 Again, 2 Hard, 3 Good or 4 Easy."

    def handle_key(self, event: QKeyEvent) -> bool:
        """Space (or Enter) turns the card; 1-4 rate it; Enter before a rating asks for one."""
        if not self.revealed:
            if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.reveal()
                return True
            return False
        number = number_key(event)
        if number is not None and number <= len(RATINGS):
            self.rate(RATINGS[number - 1][0])
            return True
        if is_enter(event) and not has_ctrl(event):
            self.show_missing(self.missing_message())
            return True
        return False

    def lock(self) -> None:
        """Disable the rating buttons, marking the one chosen."""
        super().lock()
        self.rate_label.hide()
        for button, (rating, _word, _meaning) in zip(self.rating_buttons, RATINGS, strict=True):
            if rating == self._rating:
                button.setText(f"{button.text()} — your rating")
