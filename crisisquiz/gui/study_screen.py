"""The study screen: due and new questions one after another, feedback, undo, a summary."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.items import ItemKind, StudyItem
from crisisquiz.core.learners import Learner
from crisisquiz.core.removed import LearnerRemovedError, QuestionRemovedError
from crisisquiz.core.study import STUDY_MORE, StudySession, StudySummary
from crisisquiz.core.topic_keys import TopicKey
from crisisquiz.gui.feedback_panel import comes_back_text
from crisisquiz.gui.not_saved import NotSavedBar
from crisisquiz.gui.questions import GivenAnswer
from crisisquiz.gui.questions.look import push_button, set_text_role, wrapped_label
from crisisquiz.gui.questions.stage import CentredColumn, QuestionStage, Submission, scroll_page
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import FlowRow, show_error
from crisisquiz.storage.dialects import ConnectionLost
from crisisquiz.storage.sqlite_health import explain_storage_error

log = logging.getLogger(__name__)

KIND_WORDS = {
    ItemKind.NEW: "New question",
    ItemKind.LEARNING: "Learning",
    ItemKind.REVIEW: "Review",
    ItemKind.QUIZ: "Quiz",
}


def duration_text(milliseconds: int) -> str:
    """A time span for people: "45 s", "4 min 12 s", "1 h 3 min"."""
    seconds = max(0, round(milliseconds / 1000))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class StudyScreen(QWidget):
    """Studies the learner's due and new questions, optionally within some topics.

    Enter submits and goes on, Ctrl+Z undoes the last answer (what was given comes
    back into the inputs, to be corrected), Escape ends the session with its summary
    (and leaves from the summary). :attr:`closed` is emitted when the learner leaves.
    """

    closed = Signal()
    more_requested = Signal()
    mistakes_requested = Signal()

    def __init__(
        self,
        services: Services,
        learner: Learner,
        topics: Sequence[TopicKey] = (),
        parent: QWidget | None = None,
        *,
        extra_new: int = 0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("studyScreen")
        self._services = services
        self._learner = learner
        self.session: StudySession | None = None
        try:
            self.session = services.study.start(
                learner.id, now=services.clock(), topics=topics, extra_new=extra_new
            )
        except Exception:
            log.exception("could not start a study session")
        self._item: StudyItem | None = None
        # What was given for each answer still stored, newest last: an undo puts it back.
        self._given: list[GivenAnswer] = []
        # An answer the server did not confirm, and the key it is sent again under.
        self.unsaved: tuple[Submission, str] | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_study_page())
        self.pages.addWidget(self._build_summary_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self._escape)
        if self.session is None:
            self._show_failure()
        else:
            self._show_next()

    # -- building ---------------------------------------------------------------------------

    def _build_study_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        header.setObjectName("studyHeader")
        rows = QVBoxLayout(header)
        rows.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.topic_label = wrapped_label(object_name="studyTopic", role="h3")
        self.topic_label.setAccessibleDescription("The topic of the question")
        self.kind_label = QLabel()
        self.kind_label.setObjectName("studyKind")
        set_text_role(self.kind_label, "badge")
        top.addWidget(self.topic_label, 1)
        top.addWidget(self.kind_label, 0, Qt.AlignmentFlag.AlignVCenter)
        self.finish_button = push_button("Finish")
        self.finish_button.setObjectName("finishButton")
        self.finish_button.setToolTip("End the session and see what you did (Esc)")
        self.finish_button.setAccessibleName("Finish studying")
        self.finish_button.setAccessibleDescription(
            "Ends the session and shows a summary. Shortcut: Escape"
        )
        self.finish_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.finish_button.clicked.connect(self.finish)
        top.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignVCenter)
        rows.addLayout(top)
        self.counts_label = wrapped_label(object_name="studyCounts", role="muted")
        rows.addWidget(self.counts_label)
        layout.addWidget(CentredColumn(header))
        self.not_saved = NotSavedBar()
        self.not_saved.retry_requested.connect(self.retry)
        layout.addWidget(CentredColumn(self.not_saved))
        self.stage = QuestionStage(self._services.clock, can_undo=True)
        self.stage.submitted.connect(self._on_submitted)
        self.stage.next_requested.connect(self._show_next)
        self.stage.undo_requested.connect(self.undo)
        layout.addWidget(self.stage, 1)
        return page

    def _build_summary_page(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setSpacing(16)
        self.summary_title = wrapped_label(object_name="summaryTitle", role="h1")
        layout.addWidget(self.summary_title)
        self.summary_intro = wrapped_label(object_name="summaryIntro")
        layout.addWidget(self.summary_intro)
        self.figures = QGridLayout()
        self.figures.setHorizontalSpacing(24)
        self.figures.setVerticalSpacing(8)
        self.figure_labels: dict[str, QLabel] = {}
        rows = (
            ("answered", "Answered"),
            ("right", "✓ Right"),
            ("partly", "◐ Partly right"),
            ("wrong", "✗ Wrong"),
            ("new", "New questions"),
            ("time", "Time spent"),
        )
        for row, (key, words) in enumerate(rows):
            name = QLabel(words)
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            set_text_role(value, "h3")
            self.figures.addWidget(name, row, 0)
            self.figures.addWidget(value, row, 1)
            self.figure_labels[key] = value
        self.figures.setColumnStretch(2, 1)
        layout.addLayout(self.figures)
        self.summary_next = wrapped_label(object_name="summaryNext", role="muted")
        layout.addWidget(self.summary_next)
        buttons = QHBoxLayout()
        self.home_button = push_button("Back to home")
        self.home_button.setObjectName("homeButton")
        self.home_button.setProperty("role", "primary")
        self.home_button.setToolTip("Return to the home screen (Enter or Esc)")
        self.home_button.clicked.connect(self.closed)
        buttons.addWidget(self.home_button)
        self.summary_undo = push_button("Undo last answer (Ctrl+Z)")
        self.summary_undo.setAccessibleName("Undo last answer")
        self.summary_undo.setToolTip("Take the last answer back and show that question again")
        self.summary_undo.clicked.connect(self.undo)
        buttons.addWidget(self.summary_undo)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        # More to do today: past the day's new-question limit, and the day's mistakes.
        more = FlowRow()
        self.more_button = push_button(f"Study {STUDY_MORE} more new questions")
        self.more_button.setObjectName("studyMoreButton")
        self.more_button.setAccessibleDescription(
            "Starts new questions beyond today's limit, for today only"
        )
        self.more_button.clicked.connect(self.more_requested)
        more.addWidget(self.more_button)
        self.mistakes_button = push_button("Review my mistakes")
        self.mistakes_button.setObjectName("reviewMistakesButton")
        self.mistakes_button.setAccessibleDescription(
            "Today's wrong answers again, until each is right; your schedule stays as it is"
        )
        self.mistakes_button.clicked.connect(self.mistakes_requested)
        more.addWidget(self.mistakes_button)
        layout.addLayout(more)
        layout.addStretch(1)
        return scroll_page(column)

    # -- flow -------------------------------------------------------------------------------

    @property
    def current_item(self) -> StudyItem | None:
        """The question on show, or None on the summary."""
        return self._item if self.pages.currentIndex() == 0 else None

    @property
    def showing_summary(self) -> bool:
        """Whether the summary page is on show."""
        return self.pages.currentIndex() == 1

    def initial_focus(self) -> QWidget | None:
        """Where the keyboard goes when the screen shows: the answer, Next, or the summary."""
        if self.showing_summary:
            return self.home_button
        return self.stage.focus_target()

    def _escape(self) -> None:
        # Escape ends the session as Finish does; on the summary it goes home.
        if self.showing_summary:
            self.closed.emit()
        else:
            self.finish()

    def _show_failure(self) -> None:
        self.summary_title.setText("Studying could not start")
        self.summary_intro.setText(
            "Your progress could not be read. Go back to the home screen and try again; "
            "if it keeps failing, restart the app."
        )
        for row in range(self.figures.count()):
            item = self.figures.itemAt(row)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
        self.summary_next.hide()
        self.summary_undo.hide()
        self.pages.setCurrentIndex(1)
        self.home_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_next(self) -> None:
        if self.session is None:
            return
        now = self._services.clock()
        try:
            item = self.session.next_item(now)
        except Exception:
            log.exception("could not load the next question")
            self._error(
                "The next question could not be loaded",
                "Your answers so far are saved. Go back to the home screen and start "
                "studying again; if this keeps happening, re-import the question pack.",
            )
            return
        if item is None:
            self._show_summary()
            return
        self._show_item(item)

    def _show_item(self, item: StudyItem) -> None:
        self._item = item
        self.pages.setCurrentIndex(0)
        self.topic_label.setText(item.topic_title)
        self.kind_label.setText(KIND_WORDS.get(item.kind, ""))
        self.kind_label.setAccessibleName(KIND_WORDS.get(item.kind, ""))
        self._update_counts()
        view = self.stage.show_item(item)
        if self.session is not None:
            try:
                view.set_intervals(self.session.preview(item, self._services.clock()))
            except Exception:
                log.exception("could not work out when a card comes back")

    def _update_counts(self) -> None:
        if self.session is None:
            return
        counts = self.session.counts(self._services.clock())
        text = f"Left: {counts.learning} learning · {counts.due} due · {counts.new} new"
        self.counts_label.setText(text)
        self.counts_label.setAccessibleDescription("Left in this session")

    def _on_submitted(self, submission: Submission) -> None:
        if self.session is None or self.unsaved is not None:
            return
        self._store(submission, uuid.uuid4().hex)

    def retry(self) -> None:
        """Send the answer the server did not confirm again, under the same key."""
        if self.unsaved is not None:
            self._store(*self.unsaved)

    def _store(self, submission: Submission, key: str) -> None:
        if self.session is None:
            return
        try:
            outcome = self.session.answer(
                submission.item,
                submission.given.response,
                now=submission.answered_at,
                response_ms=submission.response_ms,
                answer_key=key,
            )
        except ConnectionLost as exc:
            # Locked as given: what is sent again must be the answer the server may
            # already hold, or it could be stored twice.
            self.unsaved = (submission, key)
            view = self.stage.view
            if view is not None:
                view.lock()
            self.not_saved.show_problem(str(exc))
            return
        except QuestionRemovedError:
            self._error(
                "This question was removed",
                "Its pack was removed while you answered, so the answer could not be kept. "
                "The next question comes now.",
            )
            self._show_next()
            return
        except LearnerRemovedError:
            self._error(
                "This learner was removed",
                f"{self._learner_name()} was removed while studying, with all of their "
                "answers, so nothing more can be saved.",
            )
            self.closed.emit()
            return
        except Exception as exc:
            log.exception("could not store an answer")
            explained = explain_storage_error(exc)
            self._error(
                "Your answer was not saved",
                (explained + " Your answer is still on the screen: submit it again.")
                if explained
                else "Nothing was changed. Try again; if it keeps failing, restart the app.",
            )
            return
        self.unsaved = None
        self.not_saved.hide()
        self._given.append(submission.given)
        self._update_counts()
        self.stage.show_feedback(
            outcome.grade,
            dont_know=submission.given.dont_know,
            comes_back=comes_back_text(outcome.interval(submission.answered_at)),
        )

    def undo(self) -> None:
        """Take back the last answer and show that question again."""
        if self.session is None or self.unsaved is not None:
            return  # first the answer on screen must be known to be stored
        try:
            item = self.session.undo()
        except ConnectionLost as exc:
            self._error("The answer could not be taken back", f"{exc} It is still stored.")
            return
        except Exception:
            log.exception("could not undo an answer")
            self._error(
                "The answer could not be taken back",
                "It is still stored. Try again, or carry on studying.",
            )
            return
        if item is not None:
            given = self._given.pop() if self._given else None
            self._show_item(item)
            view = self.stage.view
            if view is not None and given is not None and not given.dont_know:
                view.restore(given.response)
                self.stage.focus_current()

    def finish(self) -> None:
        """End the session: the summary, or straight home when nothing was answered."""
        if self.session is None or self.session.summary(self._services.clock()).answered == 0:
            self.closed.emit()
        else:
            self._show_summary()

    def _show_summary(self) -> None:
        if self.session is None:
            return
        summary = self.session.summary(self._services.clock())
        self._item = None
        self.stage.clear()
        self._fill_summary(self.session, summary)
        self.pages.setCurrentIndex(1)
        self.home_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_summary(self, session: StudySession, summary: StudySummary) -> None:
        done = session.counts(self._services.clock()).total == 0
        if summary.answered == 0:
            self.summary_title.setText("Nothing to study right now")
            self.summary_intro.setText(
                "No questions are due, and you have started today's new questions "
                f"({self._learner.new_per_day} a day). Come back later, or take a quiz."
            )
        else:
            self.summary_title.setText("All done for now" if done else "Session finished")
            self.summary_intro.setText(
                "Every answer is saved; the questions come back when they are due."
            )
        values = {
            "answered": str(summary.answered),
            "right": str(summary.right),
            "partly": str(summary.partly),
            "wrong": str(summary.wrong),
            "new": str(summary.new),
            "time": duration_text(summary.time_ms),
        }
        for key, value in values.items():
            self.figure_labels[key].setText(value)
        if summary.still_learning:
            count = summary.still_learning
            noun = "question is" if count == 1 else "questions are"
            self.summary_next.setText(
                f"{count} {noun} still being learnt and will come back later today."
            )
        else:
            self.summary_next.setText("")
        self.summary_next.setVisible(bool(summary.still_learning))
        self.summary_undo.setVisible(session.can_undo)
        self._offer_more(session)
        spoken = (
            f"{self.summary_title.text()}. Answered {summary.answered}: {summary.right} right, "
            f"{summary.partly} partly right, {summary.wrong} wrong; {summary.new} new. "
            f"Time spent {duration_text(summary.time_ms)}."
        )
        self.home_button.setAccessibleName("Back to home")
        self.home_button.setAccessibleDescription(spoken)

    def _offer_more(self, session: StudySession) -> None:
        """Study more when today's new questions are all started; mistakes to review."""
        now = self._services.clock()
        learner_id = session.learner.id
        try:
            more = self._services.study.more_new(learner_id, now=now, up_to=STUDY_MORE)
            limit_met = self._services.study.new_left_today(session.learner, now) == 0
            mistakes = len(self._services.mistakes.today(learner_id, now=now))
        except Exception:
            log.exception("could not count what else there is to study")
            more, limit_met, mistakes = 0, False, 0
        paused = session.learner.new_per_day == 0
        self.more_button.setVisible(limit_met and more > 0 and not paused)
        if more:
            noun = "question" if more == 1 else "questions"
            self.more_button.setText(f"Study {more} more new {noun}")
            self.more_button.setAccessibleName(f"Study {more} more new {noun}, today only")
        if limit_met and more and not paused and session.summary(now).answered == 0:
            self.summary_intro.setText(
                "No questions are due, and you have started today's new questions "
                f"({self._learner.new_per_day} a day). You can study more today, or come "
                "back tomorrow."
            )
        self.mistakes_button.setVisible(mistakes > 0)
        self.mistakes_button.setText(f"Review my mistakes ({mistakes})")
        self.mistakes_button.setAccessibleName(
            f"Review my mistakes: {mistakes} from today, again until right"
        )

    def _learner_name(self) -> str:
        return self.session.learner.name if self.session is not None else "The learner"

    def _error(self, title: str, text: str) -> None:
        show_error(self, title, text)
