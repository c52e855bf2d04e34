"""The stage both study and quiz screens show questions on.

A scrollable, centred column holding the current question view and, once the
answer is graded, the feedback panel. The stage times each answer from the
moment the question is shown to the moment it is submitted, both read from the
services' clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QVBoxLayout, QWidget

from crisisquiz.core.grading import GradeResult
from crisisquiz.core.items import StudyItem
from crisisquiz.gui.feedback_panel import FeedbackPanel
from crisisquiz.gui.questions import GivenAnswer, QuestionView, create_question_view

# The reading column is at most this many average characters wide; wider lines tire the eye.
COLUMN_CHARS = 95


@dataclass(frozen=True)
class Submission:
    """An answer as the learner gave it, with when and how long it took."""

    item: StudyItem
    given: GivenAnswer
    answered_at: datetime
    response_ms: int


class CentredColumn(QWidget):
    """Keeps its one child ``column`` at a readable width, centred, on any screen size."""

    def __init__(self, column: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(column)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Put the spare width on both sides of the column."""
        widest = self.fontMetrics().averageCharWidth() * COLUMN_CHARS
        side = max(12, (event.size().width() - widest) // 2)
        self._layout.setContentsMargins(side, 16, side, 16)
        super().resizeEvent(event)


def scroll_page(column: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``column`` centred in a scroll area, so a page never gets cut off at large text sizes."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # The page is no Tab stop of its own (a silent one for screen readers): Tab goes to its
    # controls, and the area scrolls to follow the focus.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(CentredColumn(column))
    return area


class QuestionStage(QScrollArea):
    """Shows one question, then its feedback; emits :attr:`submitted` with a :class:`Submission`."""

    submitted = Signal(object)
    next_requested = Signal()
    undo_requested = Signal()
    feedback_revealed = Signal()
    # The learner asks to read about the question just answered: (pack id, topic id).
    read_requested = Signal(str, str)

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        can_undo: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("questionStage")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # see scroll_page
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._clock = clock
        self._column = QWidget()
        self._column.setObjectName("questionColumn")
        self._layout = QVBoxLayout(self._column)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(20)
        self.panel = FeedbackPanel(can_undo=can_undo)
        self.panel.next_requested.connect(self.next_requested)
        self.panel.undo_requested.connect(self.undo_requested)
        self.panel.read_requested.connect(self.request_reading)
        self._layout.addWidget(self.panel)
        self._layout.addStretch(1)
        self.setWidget(CentredColumn(self._column))
        self._view: QuestionView | None = None
        self._shown_at: datetime | None = None

    def request_reading(self) -> bool:
        """Ask to read about the answered question's topic; False when there is nothing to read.

        Only after answering: before that the guide would give the answer away.
        """
        view = self._view
        if view is None or self.panel.isHidden() or not view.item.has_guide:
            return False
        self.read_requested.emit(view.item.ref.pack_id, view.item.ref.topic_id)
        return True

    @property
    def view(self) -> QuestionView | None:
        """The question view on show."""
        return self._view

    def show_item(self, item: StudyItem) -> QuestionView:
        """Replace the question on show with ``item``; the answer clock starts now."""
        self.clear()
        view = create_question_view(item)
        view.answered.connect(self._on_answered)
        self._layout.insertWidget(0, view)
        # A layout shows a new child only on the next event loop pass; the learner may
        # already be typing, and focus cannot go to a hidden field.
        view.show()
        self._view = view
        self._shown_at = self._clock()
        self.verticalScrollBar().setValue(0)
        view.focus_first()
        return view

    def clear(self) -> None:
        """Remove the question and hide the feedback."""
        self.panel.clear()
        if self._view is not None:
            self._layout.removeWidget(self._view)
            self._view.hide()
            self._view.deleteLater()
            self._view = None

    def show_feedback(
        self,
        result: GradeResult,
        *,
        dont_know: bool = False,
        comes_back: str | None = None,
        next_text: str = "Next",
    ) -> None:
        """Lock the question and show how the answer was graded."""
        if self._view is None:
            return
        self._view.lock()
        self._view.show_marks(result)
        self.panel.show_result(
            self._view.item,
            result,
            dont_know=dont_know,
            comes_back=comes_back,
            next_text=next_text,
        )
        # After layout has placed the panel, bring it into view.
        QTimer.singleShot(0, self, self._reveal_panel)

    def _reveal_panel(self) -> None:
        """Scroll so the feedback shows without taking the question out of view.

        Both whole when they fit; otherwise as much of the feedback as fits while the
        question's text stays at the top, so the learner always sees what was asked
        next to the verdict (at 200 % text the two rarely fit together).
        """
        holder = self.widget()
        if self.panel.isHidden() or holder is None or self._view is None:
            return
        # The panel was just shown: lay it out first, or its place and height are stale.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        margin = 16
        prompt = self._view.prompt_label
        question_top = prompt.mapTo(holder, QPoint(0, 0)).y() - margin
        panel_top = self.panel.mapTo(holder, QPoint(0, 0)).y()
        verdict_bottom = panel_top + self.panel.head_height()
        bottom = panel_top + self.panel.height()
        room = self.viewport().height()
        bar = self.verticalScrollBar()
        if bottom + margin - question_top <= room:
            wanted = bottom + margin - room  # everything fits: the end of the feedback
        else:
            # As low as shows the verdict, but never past the question's first line.
            wanted = min(question_top, verdict_bottom + margin - room)
        bar.setValue(max(0, min(wanted, question_top)))
        self.feedback_revealed.emit()

    def _on_answered(self, given: GivenAnswer) -> None:
        if self._view is None or self._shown_at is None:
            return
        now = self._clock()
        elapsed = max(0, round((now - self._shown_at).total_seconds() * 1000))
        self.submitted.emit(Submission(self._view.item, given, now, elapsed))

    def focus_target(self) -> QWidget | None:
        """What the learner acts on next: the question's input, or Next after feedback."""
        if not self.panel.isHidden():
            return self.panel.next_button
        if self._view is not None:
            return self._view.first_input()
        return None

    def focus_current(self) -> None:
        """Put the focus on :meth:`focus_target`."""
        target = self.focus_target()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        """Focus set while the stage was hidden is lost; set it again when it shows."""
        super().showEvent(event)
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            self.focus_current()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Space goes on once feedback shows, wherever the focus is."""
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if not self.panel.isHidden() and event.key() in keys:
            self.next_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
