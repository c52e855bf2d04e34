"""Review my mistakes: the questions got wrong, again until each is answered right.

Nothing is stored and the schedule stays as the first answers left it. Enter answers
and goes on, Escape ends the review with what was put right (and leaves from there).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from crisisquiz.core.mistakes import MistakesSession
from crisisquiz.gui.questions.look import push_button, wrapped_label
from crisisquiz.gui.questions.stage import CentredColumn, QuestionStage, Submission, scroll_page
from crisisquiz.gui.services import Services

log = logging.getLogger(__name__)


class MistakesScreen(QWidget):
    """A review of ``question_ids``; :attr:`closed` goes back home."""

    closed = Signal()

    def __init__(
        self,
        services: Services,
        question_ids: Sequence[int],
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mistakesScreen")
        self._services = services
        self._title = title
        self.session: MistakesSession = services.mistakes.start(question_ids)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_review_page())
        self.pages.addWidget(self._build_summary_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self._escape)
        self._show_next()

    def _build_review_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        rows = QVBoxLayout(header)
        rows.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title_label = wrapped_label(self._title, object_name="mistakesTitle", role="h3")
        top.addWidget(self.title_label, 1)
        self.finish_button = push_button("Finish")
        self.finish_button.setAccessibleName("Finish the review")
        self.finish_button.setAccessibleDescription(
            "Ends the review and shows what you put right. Shortcut: Escape"
        )
        self.finish_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.finish_button.clicked.connect(self.finish)
        top.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignVCenter)
        rows.addLayout(top)
        self.left_label = wrapped_label(object_name="mistakesLeft", role="muted")
        rows.addWidget(self.left_label)
        layout.addWidget(CentredColumn(header))
        self.stage = QuestionStage(self._services.clock)
        self.stage.submitted.connect(self._on_submitted)
        self.stage.next_requested.connect(self._show_next)
        layout.addWidget(self.stage, 1)
        return page

    def _build_summary_page(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setSpacing(16)
        self.summary_title = wrapped_label(object_name="mistakesSummaryTitle", role="h1")
        layout.addWidget(self.summary_title)
        self.summary_text = wrapped_label(object_name="mistakesSummaryText")
        layout.addWidget(self.summary_text)
        row = QHBoxLayout()
        self.home_button = push_button("Back to home")
        self.home_button.setProperty("role", "primary")
        self.home_button.setToolTip("Return to the home screen (Enter or Esc)")
        self.home_button.clicked.connect(self.closed)
        row.addWidget(self.home_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        return scroll_page(column)

    @property
    def showing_summary(self) -> bool:
        """Whether the review has ended on its summary."""
        return self.pages.currentIndex() == 1

    def initial_focus(self) -> QWidget | None:
        """The answer, Next after feedback, or Back to home on the summary."""
        return self.home_button if self.showing_summary else self.stage.focus_target()

    def _update_left(self) -> None:
        left, total = self.session.left, self.session.total
        self.left_label.setText(
            f"{left} of {total} still to put right · answers here do not change your schedule"
        )

    def _show_next(self) -> None:
        item = self.session.next_item()
        if item is None:
            self._show_summary()
            return
        self.pages.setCurrentIndex(0)
        self._update_left()
        self.stage.show_item(item)

    def _on_submitted(self, submission: Submission) -> None:
        result = self.session.answer(submission.item, submission.given.response)
        self._update_left()
        again = "Comes back at the end of this review, until you get it right"
        self.stage.show_feedback(
            result,
            dont_know=submission.given.dont_know,
            comes_back=None if result.verdict.name == "RIGHT" else again,
            next_text="Next" if self.session.left else "See what you put right",
        )

    def finish(self) -> None:
        """End the review now, with what was put right."""
        self._show_summary()

    def _escape(self) -> None:
        if self.showing_summary:
            self.closed.emit()
        else:
            self.finish()

    def _show_summary(self) -> None:
        summary = self.session.summary()
        left = self.session.left
        self.stage.clear()
        if left == 0:
            self.summary_title.setText("Every mistake put right")
        else:
            self.summary_title.setText("Review stopped")
        noun = "question" if summary.questions == 1 else "questions"
        text = f"You put right {summary.questions} {noun} in {summary.tries} answers."
        if left:
            text += f" {left} still to put right: they come back when they are due."
        text += " Your study schedule is as your first answers left it."
        self.summary_text.setText(text)
        self.home_button.setAccessibleDescription(f"{self.summary_title.text()}. {text}")
        self.pages.setCurrentIndex(1)
        self.home_button.setFocus(Qt.FocusReason.OtherFocusReason)
