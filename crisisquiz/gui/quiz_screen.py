"""The quiz screen: set-up, the quiz itself with a progress bar and countdown, the results."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.grading import Verdict, correct_answer_text
from crisisquiz.core.learners import Learner
from crisisquiz.core.quiz import (
    Feedback,
    Quiz,
    QuizAnswer,
    QuizError,
    QuizResult,
    QuizSettings,
    is_self_rated,
)
from crisisquiz.core.topic_keys import TopicKey, installed_topics
from crisisquiz.gui.accessibility import announce
from crisisquiz.gui.citation_view import quote_label, sources_caption
from crisisquiz.gui.feedback_panel import (
    answer_lines,
    citations_text,
    rich_lines,
    verdict_text,
    verdict_words,
)
from crisisquiz.gui.not_saved import NotSavedBar
from crisisquiz.gui.questions import GivenAnswer, describe_response
from crisisquiz.gui.questions.look import (
    VERDICT_WORDS,
    is_dark,
    push_button,
    set_text_role,
    verdict_colour,
    wrapped_label,
)
from crisisquiz.gui.questions.picture import FullPicture, PictureView
from crisisquiz.gui.questions.stage import CentredColumn, QuestionStage, Submission, scroll_page
from crisisquiz.gui.services import Services
from crisisquiz.storage.dialects import ConnectionLost

log = logging.getLogger(__name__)

DEFAULT_COUNT = 20
DEFAULT_MINUTES = 10
MAX_MINUTES = 180
# The countdown is redrawn this often; the deadline itself comes from the clock, not the timer.
TICK_MS = 500


@dataclass(frozen=True)
class TopicChoice:
    """A topic offered on the set-up page."""

    pack_id: str
    topic_id: str
    title: str
    pack_title: str
    questions: int


def _points(score: float) -> str:
    return f"{score:.0f}" if score == int(score) else f"{score:.1f}"


def countdown_text(left: timedelta) -> tuple[str, str]:
    """The time left as shown ("12:05") and as read aloud ("12 minutes 5 seconds")."""
    seconds = max(0, int(left.total_seconds()))
    minutes, rest = divmod(seconds, 60)
    spoken = f"{minutes} minutes {rest} seconds" if minutes else f"{rest} seconds"
    return f"{minutes}:{rest:02d}", spoken


class QuizScreen(QWidget):
    """Set up a quiz, take it, see the results. :attr:`closed` goes back home.

    Set-up: topics, number of questions, feedback after each question or at the
    end, an optional time limit. The quiz never changes the study schedule
    (unless the learner's setting counts quiz answers as reviews).
    """

    closed = Signal()
    mistakes_requested = Signal(int)  # the attempt whose wrong answers to review

    def __init__(self, services: Services, learner: Learner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quizScreen")
        self._services = services
        self._learner = learner
        self.quiz: Quiz | None = None
        self.result: QuizResult | None = None
        self._position = 0
        self._given: dict[int, GivenAnswer] = {}
        # An answer the server did not confirm, and the key it is sent again under.
        self.unsaved: tuple[Submission, str] | None = None
        self.pages = QStackedWidget()
        self.setup_page = self._build_setup_page()
        self.quiz_page = self._build_quiz_page()
        self.results_page = self._build_results_page()
        for page in (self.setup_page, self.quiz_page, self.results_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.countdown = QTimer(self)
        self.countdown.setObjectName("quizCountdown")
        self.countdown.setInterval(TICK_MS)
        self.countdown.timeout.connect(self._tick)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self._escape)
        self._update_available()

    def initial_focus(self) -> QWidget | None:
        """Where the keyboard goes when the screen shows: Start, the answer, or the results."""
        page = self.pages.currentWidget()
        if page is self.setup_page:
            return self.start_button
        if page is self.quiz_page:
            return self.stage.focus_target()
        return self.home_button

    # -- set-up -----------------------------------------------------------------------------

    def _topic_choices(self) -> list[TopicChoice] | None:
        """The topics to offer, or None when they cannot be read."""
        try:
            return self._read_topics()
        except Exception:
            log.exception("could not list the topics for a quiz")
            return None

    def _read_topics(self) -> list[TopicChoice]:
        choices: list[TopicChoice] = []
        # The packs the learner's classes study (every pack for a learner in no class).
        shown = self._services.classes.visible_packs(self._learner.id)
        for topic in installed_topics(self._services.database):
            if shown is not None and topic.pack_id not in shown:
                continue
            # One box per topic of each pack: two packs may use the same topic id.
            count = self._services.quizzes.available([topic.key])
            if count:
                choices.append(
                    TopicChoice(topic.pack_id, topic.topic_id, topic.title, topic.pack_title, count)
                )
        return choices

    def _build_setup_page(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setSpacing(16)
        layout.addWidget(wrapped_label("Take a quiz", object_name="quizTitle", role="h1"))
        schedule = (
            "Your settings count quiz answers as study reviews."
            if self._learner.quiz_counts_as_review
            else "A quiz does not change when questions come back in study."
        )
        layout.addWidget(
            wrapped_label(f"A scored test over the topics you choose. {schedule}", role="muted")
        )

        topics_box = QGroupBox("Topics")
        topics_box.setObjectName("quizTopics")
        topics_layout = QVBoxLayout(topics_box)
        select_row = QHBoxLayout()
        all_button = push_button("Select all")
        all_button.setAccessibleName("Select all topics")
        all_button.clicked.connect(lambda: self._select_all(True))
        none_button = push_button("Select none")
        none_button.setAccessibleName("Clear every topic")
        none_button.clicked.connect(lambda: self._select_all(False))
        select_row.addWidget(all_button)
        select_row.addWidget(none_button)
        select_row.addStretch(1)
        topics_layout.addLayout(select_row)
        self.topic_boxes: dict[TopicKey, QCheckBox] = {}
        found = self._topic_choices()
        choices = found or []
        packs = {choice.pack_id for choice in choices}
        pack_shown = ""
        for choice in choices:
            if len(packs) > 1 and choice.pack_id != pack_shown:
                pack_shown = choice.pack_id
                topics_layout.addWidget(wrapped_label(choice.pack_title, role="h3"))
            noun = "question" if choice.questions == 1 else "questions"
            box = QCheckBox(f"{choice.title} ({choice.questions} {noun})".replace("&", "&&"))
            box.setObjectName("quizTopic")
            box.setChecked(True)
            box.setAccessibleName(f"{choice.title}, {choice.questions} {noun}")
            box.toggled.connect(self._update_available)
            topics_layout.addWidget(box)
            self.topic_boxes[(choice.pack_id, choice.topic_id)] = box
        if found is None:
            problem = (
                "The topics could not be read. Go back to the home screen and try again; "
                "if it keeps failing, restart the app."
            )
        else:
            problem = "No questions are installed yet. Import a question pack first."
        if not choices:
            topics_layout.addWidget(wrapped_label(problem, role="error"))
        layout.addWidget(topics_box)

        options = QGroupBox("Options")
        grid = QGridLayout(options)
        grid.setColumnStretch(2, 1)
        count_label = QLabel("&Number of questions")
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("quizCount")
        self.count_spin.setRange(1, max(1, DEFAULT_COUNT))
        self.count_spin.setValue(DEFAULT_COUNT)
        self.count_spin.setAccessibleName("Number of questions")
        self._wanted_count = DEFAULT_COUNT
        self.count_spin.valueChanged.connect(self._count_chosen)
        count_label.setBuddy(self.count_spin)
        self.available_label = wrapped_label(role="muted")
        grid.addWidget(count_label, 0, 0)
        grid.addWidget(self.count_spin, 0, 1)
        grid.addWidget(self.available_label, 0, 2)

        feedback_label = wrapped_label("Show right and wrong:")
        grid.addWidget(feedback_label, 1, 0, 1, 3)
        self.after_each = QRadioButton("&After each question")
        self.after_each.setObjectName("feedbackAfterEach")
        self.after_each.setAccessibleName("Show right and wrong after each question")
        self.at_end = QRadioButton("At the &end only")
        self.at_end.setObjectName("feedbackAtEnd")
        self.at_end.setAccessibleName("Show right and wrong at the end only")
        self.after_each.setChecked(True)
        self._feedback_group = QButtonGroup(self)
        self._feedback_group.addButton(self.after_each)
        self._feedback_group.addButton(self.at_end)
        grid.addWidget(self.after_each, 2, 0, 1, 3)
        grid.addWidget(self.at_end, 3, 0, 1, 3)

        self.timed_box = QCheckBox("&Time limit")
        self.timed_box.setObjectName("quizTimed")
        self.timed_box.setAccessibleName("Time limit")
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setObjectName("quizMinutes")
        self.minutes_spin.setRange(1, MAX_MINUTES)
        self.minutes_spin.setValue(DEFAULT_MINUTES)
        self.minutes_spin.setSuffix(" min")
        self.minutes_spin.setAccessibleName("Time limit in minutes")
        self.minutes_spin.setEnabled(False)
        self.timed_box.toggled.connect(self.minutes_spin.setEnabled)
        grid.addWidget(self.timed_box, 4, 0)
        grid.addWidget(self.minutes_spin, 4, 1)
        grid.addWidget(wrapped_label("When time is up, the quiz ends.", role="muted"), 4, 2)
        layout.addWidget(options)

        self.setup_error = wrapped_label(object_name="quizSetupError", role="error")
        self.setup_error.hide()
        layout.addWidget(self.setup_error)
        buttons = QHBoxLayout()
        self.start_button = push_button("Start quiz")
        self.start_button.setObjectName("startQuizButton")
        self.start_button.setProperty("role", "primary")
        self.start_button.setToolTip("Start the quiz (Enter)")
        self.start_button.clicked.connect(self.start)
        back = push_button("Back to home")
        back.setToolTip("Return to the home screen (Esc)")
        back.clicked.connect(self.closed)
        buttons.addWidget(self.start_button)
        buttons.addWidget(back)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return scroll_page(column)

    def _count_chosen(self, value: int) -> None:
        self._wanted_count = value

    def _select_all(self, checked: bool) -> None:
        for box in self.topic_boxes.values():
            box.setChecked(checked)

    def _chosen_topics(self) -> list[TopicKey]:
        return [topic for topic, box in self.topic_boxes.items() if box.isChecked()]

    def _update_available(self) -> None:
        chosen = self._chosen_topics()
        try:
            available = self._services.quizzes.available(chosen) if chosen else 0
        except Exception:
            log.exception("could not count the questions for a quiz")
            available = 0
        self.count_spin.setEnabled(available > 0)
        if available:
            # Clamping to fewer available questions must not overwrite what the learner chose.
            wanted = self._wanted_count
            self.count_spin.blockSignals(True)
            self.count_spin.setMaximum(available)
            self.count_spin.setValue(min(wanted, available))
            self.count_spin.blockSignals(False)
        noun = "question" if available == 1 else "questions"
        self.available_label.setText(f"of {available} {noun} in the chosen topics")
        self.count_spin.setAccessibleDescription(f"{available} {noun} available")

    def start(self) -> None:
        """Start a quiz with the settings chosen."""
        chosen = self._chosen_topics()
        if not chosen:
            self._setup_problem("Choose at least one topic.")
            return
        every = len(chosen) == len(self.topic_boxes)
        limit = timedelta(minutes=self.minutes_spin.value()) if self.timed_box.isChecked() else None
        now = self._services.clock()
        settings = QuizSettings(
            count=self.count_spin.value(),
            topics=() if every else tuple(chosen),
            seed=int(now.timestamp()),
            feedback=Feedback.AFTER_EACH if self.after_each.isChecked() else Feedback.AT_END,
            time_limit=limit,
        )
        try:
            self.quiz = self._services.quizzes.start(self._learner.id, settings, now=now)
        except QuizError as exc:
            self._setup_problem(f"The quiz could not start: {exc}. Choose other topics.")
            return
        except Exception:
            log.exception("could not start a quiz")
            self._setup_problem(
                "The quiz could not start because the data could not be read. "
                "Restart the app and try again."
            )
            return
        self.setup_error.hide()
        self.result = None
        self._given = {}
        self.unsaved = None
        self.not_saved.hide()
        self._position = 0
        self.pages.setCurrentWidget(self.quiz_page)
        self.time_label.setVisible(limit is not None)
        if limit is not None:
            self._tick()
            self.countdown.start()
        self._show_question()

    def _setup_problem(self, text: str) -> None:
        self.setup_error.setText(f"⚠ {text}")
        self.setup_error.show()
        announce(self.setup_error, text, assertive=True)

    # -- taking the quiz --------------------------------------------------------------------

    def _build_quiz_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        rows = QVBoxLayout(header)
        rows.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("quizProgressText")
        set_text_role(self.progress_label, "h3")
        top.addWidget(self.progress_label)
        self.topic_label = wrapped_label(object_name="quizTopicTitle", role="muted")
        top.addWidget(self.topic_label, 1)
        self.time_label = QLabel()
        self.time_label.setObjectName("quizTimeLeft")
        set_text_role(self.time_label, "h3")
        top.addWidget(self.time_label)
        self.end_button = push_button("Finish quiz")
        self.end_button.setObjectName("endQuizButton")
        self.end_button.setToolTip("End the quiz now; unanswered questions count as wrong (Esc)")
        self.end_button.setAccessibleDescription(
            "Ends the quiz now. Questions not answered count as wrong."
        )
        self.end_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.end_button.clicked.connect(self._confirm_end)
        top.addWidget(self.end_button)
        rows.addLayout(top)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("quizProgress")
        self.progress_bar.setTextVisible(False)
        rows.addWidget(self.progress_bar)
        layout.addWidget(CentredColumn(header))
        self.not_saved = NotSavedBar()
        self.not_saved.retry_requested.connect(self.retry)
        layout.addWidget(CentredColumn(self.not_saved))
        self.stage = QuestionStage(self._services.clock)
        self.stage.submitted.connect(self._on_submitted)
        self.stage.next_requested.connect(self._advance)
        layout.addWidget(self.stage, 1)
        return page

    def _show_question(self) -> None:
        quiz = self.quiz
        assert quiz is not None
        total = len(quiz.items)
        item = quiz.items[self._position]
        text = f"Question {self._position + 1} of {total}"
        self.progress_label.setText(text)
        self.progress_label.setAccessibleName(text)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(self._position)
        self.progress_bar.setAccessibleName(f"{self._position} of {total} answered")
        self.topic_label.setText(item.topic_title)
        view = self.stage.show_item(item)
        try:
            intervals = quiz.preview(item, self._services.clock())
        except Exception:
            log.exception("could not work out when a card comes back")
            intervals = None
        if intervals is not None:
            view.set_intervals(intervals)

    @property
    def position(self) -> int:
        """The 0-based position of the question on show."""
        return self._position

    def _on_submitted(self, submission: Submission) -> None:
        quiz = self.quiz
        if quiz is None or self.result is not None or self.unsaved is not None:
            return
        if self._time_is_up(submission.answered_at):
            self.finish(time_up=True)
            return
        self._store(submission, uuid.uuid4().hex)

    def retry(self) -> None:
        """Send the answer the server did not confirm again, under the same key."""
        if self.unsaved is not None:
            self._store(*self.unsaved)

    def _store(self, submission: Submission, key: str) -> None:
        quiz = self.quiz
        if quiz is None or self.result is not None:
            return
        try:
            answer = quiz.answer(
                self._position,
                submission.given.response,
                now=submission.answered_at,
                response_ms=submission.response_ms,
                answer_key=key,
            )
        except ConnectionLost as exc:
            # Locked as given, so what is sent again is what the server may hold.
            self.unsaved = (submission, key)
            view = self.stage.view
            if view is not None:
                view.lock()
            self.not_saved.show_problem(str(exc))
            return
        except QuizError:
            # Time ran out between the last tick and the answer; the quiz is over.
            self.finish(time_up=self._time_is_up(submission.answered_at))
            return
        except Exception:
            log.exception("could not store a quiz answer")
            QMessageBox.warning(
                self,
                "Your answer was not saved",
                "Check that the disk is not full and submit again; if it keeps failing, "
                "finish the quiz.",
            )
            return
        self.unsaved = None
        self.not_saved.hide()
        self._given[self._position] = submission.given
        self.progress_bar.setValue(self._position + 1)
        if quiz.settings.feedback is Feedback.AFTER_EACH:
            last = self._position + 1 >= len(quiz.items)
            self.stage.show_feedback(
                answer.grade,
                dont_know=submission.given.dont_know,
                next_text="See results" if last else "Next question",
            )
        else:
            self._advance()

    def _advance(self) -> None:
        quiz = self.quiz
        if quiz is None or self.result is not None:
            return
        if self._position + 1 >= len(quiz.items):
            self.finish()
            return
        self._position += 1
        self._show_question()

    def _time_is_up(self, now: datetime) -> bool:
        quiz = self.quiz
        if quiz is None or quiz.deadline is None:
            return False
        return now > quiz.deadline

    def _tick(self) -> None:
        quiz = self.quiz
        if quiz is None or self.result is not None:
            self.countdown.stop()
            return
        left = quiz.time_left(self._services.clock())
        if left is None:
            self.countdown.stop()
            return
        shown, spoken = countdown_text(left)
        self.time_label.setText(f"Time left {shown}")
        self.time_label.setAccessibleDescription(f"Time left: {spoken}")
        if left <= timedelta(0):
            self.finish(time_up=True)

    def _confirm_end(self) -> None:
        quiz = self.quiz
        if quiz is None or self.result is not None or quiz.abandoned:
            return
        left = len(quiz.items) - len(self._given)
        if left == 0:
            self.finish()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Stop the quiz?")
        box.setText(
            f"Stop the quiz now? You have answered {len(self._given)} of {len(quiz.items)}."
        )
        box.setInformativeText(
            "A quiz stopped early is kept as abandoned: it gets no score and stays out of "
            "your progress charts. The answers you gave are kept."
        )
        stop = box.addButton("Stop the quiz", QMessageBox.ButtonRole.AcceptRole)
        stop.setAccessibleName("Stop the quiz")
        keep = box.addButton("Keep going", QMessageBox.ButtonRole.RejectRole)
        keep.setAccessibleName("Keep going")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        if box.clickedButton() is stop:
            self.stop()
        else:
            # Back to the question where it was left, keyboard and all.
            self.window().activateWindow()
            self.stage.focus_current()

    def stop(self) -> None:
        """End the quiz early: kept as abandoned, without a score; shows what was answered."""
        quiz = self.quiz
        if quiz is None or self.result is not None:
            return
        self.countdown.stop()
        try:
            quiz.abandon(self._services.clock())
        except Exception:
            log.exception("could not store a stopped quiz")
        self.stage.clear()
        self._fill_stopped(quiz)
        self.pages.setCurrentWidget(self.results_page)
        self.window().activateWindow()
        self.home_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def abandon_if_running(self) -> None:
        """Keep a quiz left half-way (the screen closes, the app quits) as abandoned."""
        quiz = self.quiz
        if quiz is not None and self.result is None and not quiz.abandoned:
            self.countdown.stop()
            try:
                quiz.abandon(self._services.clock())
            except Exception:
                log.exception("could not store a left quiz as abandoned")

    def _escape(self) -> None:
        if self.pages.currentWidget() is self.quiz_page and self.result is None:
            self._confirm_end()
        else:
            self.closed.emit()

    def finish(self, *, time_up: bool = False) -> None:
        """End the quiz and show the results; ``time_up`` when the time limit ended it."""
        quiz = self.quiz
        if quiz is None:
            return
        self.countdown.stop()
        try:
            self.result = quiz.finish(self._services.clock())
        except Exception:
            log.exception("could not finish a quiz")
            QMessageBox.warning(
                self,
                "The score was not saved",
                "Your answers are stored, but the final score could not be written. "
                "Restart the app; the results will not count towards your statistics.",
            )
            return
        self.stage.clear()
        self._fill_results(quiz, self.result, time_up=time_up or self.result.timed_out)
        self.pages.setCurrentWidget(self.results_page)
        self.home_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- results ----------------------------------------------------------------------------

    def _build_results_page(self) -> QWidget:
        column = QWidget()
        self.results_layout = QVBoxLayout(column)
        self.results_layout.setSpacing(16)
        self.results_title = wrapped_label("Quiz results", object_name="resultsTitle", role="h1")
        self.results_layout.addWidget(self.results_title)
        self.timed_out_label = wrapped_label(object_name="resultsTimedOut", role="error")
        self.results_layout.addWidget(self.timed_out_label)
        self.score_label = wrapped_label(object_name="resultsScore", role="h2")
        self.results_layout.addWidget(self.score_label)
        self.answered_label = wrapped_label(object_name="resultsAnswered", role="muted")
        self.results_layout.addWidget(self.answered_label)
        buttons = QHBoxLayout()
        self.home_button = push_button("Back to home")
        self.home_button.setObjectName("homeButton")
        self.home_button.setProperty("role", "primary")
        self.home_button.setToolTip("Return to the home screen (Enter or Esc)")
        self.home_button.clicked.connect(self.closed)
        again = push_button("New quiz")
        again.setObjectName("newQuizButton")
        again.setToolTip("Set up another quiz")
        again.clicked.connect(self._new_quiz)
        buttons.addWidget(self.home_button)
        buttons.addWidget(again)
        self.mistakes_button = push_button("Review my mistakes")
        self.mistakes_button.setObjectName("reviewMistakesButton")
        self.mistakes_button.setAccessibleDescription(
            "This quiz's wrong answers again, until each is right; the score stays as it is"
        )
        self.mistakes_button.clicked.connect(self._review_mistakes)
        buttons.addWidget(self.mistakes_button)
        buttons.addStretch(1)
        self.results_layout.addLayout(buttons)
        self.by_topic_heading = wrapped_label("By topic", role="h2")
        self.results_layout.addWidget(self.by_topic_heading)
        self.topics_grid = QGridLayout()
        self.topics_grid.setHorizontalSpacing(16)
        self.topics_grid.setVerticalSpacing(6)
        self.topics_grid.setColumnStretch(0, 1)
        self.results_layout.addLayout(self.topics_grid)
        self.results_layout.addWidget(wrapped_label("Your answers", role="h2"))
        self.review_layout = QVBoxLayout()
        self.review_layout.setSpacing(12)
        self.results_layout.addLayout(self.review_layout)
        self.results_layout.addStretch(1)
        return scroll_page(column)

    def _new_quiz(self) -> None:
        self.quiz = None
        self.result = None
        self.pages.setCurrentWidget(self.setup_page)
        self.start_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _clear(layout: QGridLayout | QVBoxLayout) -> None:
        while layout.count():
            child = layout.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _fill_results(self, quiz: Quiz, result: QuizResult, *, time_up: bool) -> None:
        self.results_title.setText("Quiz results")
        if result.questions:
            overall = (
                f"Score: {_points(result.score)} of {result.questions} ({round(result.percent)} %)"
            )
        else:
            overall = "Not scored: every question was a flashcard you rated yourself"
        self.score_label.setText(overall)
        answered = f"You answered {result.answered} of {result.questions}."
        if result.self_rated == 1:
            answered += " The flashcard you rated yourself is not part of the score."
        elif result.self_rated:
            answered += (
                f" The {result.self_rated} flashcards you rated yourself are not part of the score."
            )
        self.answered_label.setText(answered)
        self.timed_out_label.setText("Time ran out. Questions you had not answered count as wrong.")
        self.timed_out_label.setVisible(time_up)
        self.home_button.setAccessibleDescription(
            f"{overall}. " + ("Time ran out. " if time_up else "")
        )
        self._fill_topics(result)
        self._fill_review(quiz, {answer.position: answer for answer in result.answers})
        self._offer_mistakes(result.answers)

    def _fill_stopped(self, quiz: Quiz) -> None:
        """The results page of a quiz stopped early: no score, the answers given."""
        given = len(self._given)
        self.results_title.setText("Quiz stopped")
        self.score_label.setText("Not scored")
        self.answered_label.setText(
            f"You answered {given} of {len(quiz.items)} before stopping. A quiz stopped "
            "early is kept as abandoned: it gets no score and stays out of your progress "
            "charts."
        )
        self.timed_out_label.hide()
        self.home_button.setAccessibleDescription(
            f"Quiz stopped, not scored. You answered {given} of {len(quiz.items)}."
        )
        self._fill_topics(None)
        answers = {
            position: answer
            for position in self._given
            if (answer := quiz.answered(position)) is not None
        }
        self._fill_review(quiz, answers, only_answered=True)
        self._offer_mistakes(tuple(answers.values()))

    def _offer_mistakes(self, answers: tuple[QuizAnswer, ...]) -> None:
        wrong = sum(1 for answer in answers if answer.grade.verdict is not Verdict.RIGHT)
        self.mistakes_button.setVisible(wrong > 0)
        self.mistakes_button.setText(f"Review my mistakes ({wrong})")
        self.mistakes_button.setAccessibleName(
            f"Review my mistakes: {wrong} from this quiz, again until right"
        )

    def _review_mistakes(self) -> None:
        if self.quiz is not None:
            self.mistakes_requested.emit(self.quiz.attempt_id)

    def _fill_topics(self, result: QuizResult | None) -> None:
        self._clear(self.topics_grid)
        per_topic = result.per_topic if result is not None else ()
        self.by_topic_heading.setVisible(bool(per_topic))
        for row, topic in enumerate(per_topic):
            title = wrapped_label(topic.title, object_name="resultsTopic")
            score = QLabel(f"{_points(topic.score)} of {topic.questions}")
            score.setObjectName("resultsTopicScore")
            percent = QLabel(f"{round(topic.percent)} %")
            percent.setObjectName("resultsTopicPercent")
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round(topic.percent))
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{topic.title}: {round(topic.percent)} percent")
            bar.setMaximumWidth(bar.fontMetrics().averageCharWidth() * 16)
            self.topics_grid.addWidget(title, row, 0)
            self.topics_grid.addWidget(score, row, 1)
            self.topics_grid.addWidget(percent, row, 2, Qt.AlignmentFlag.AlignRight)
            self.topics_grid.addWidget(bar, row, 3)

    def _fill_review(
        self, quiz: Quiz, answers: dict[int, QuizAnswer], *, only_answered: bool = False
    ) -> None:
        self._clear(self.review_layout)
        for position in range(len(quiz.items)):
            if only_answered and position not in answers:
                continue
            self.review_layout.addWidget(
                self._review_card(position, answers.get(position), self._given.get(position))
            )

    def _review_card(
        self, position: int, answer: QuizAnswer | None, given: GivenAnswer | None
    ) -> QFrame:
        quiz = self.quiz
        assert quiz is not None
        item = quiz.items[position]
        card = QFrame()
        card.setObjectName("reviewCard")
        card.setProperty("role", "card")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 12, 16, 12)
        if answer is not None:
            verdict = answer.grade.verdict
            head = verdict_text(answer.grade, item.question)
            words = verdict_words(answer.grade, item.question)
            if is_self_rated(item):
                head += " (not scored)"
                words += ", not scored"
        else:
            verdict = Verdict.WRONG
            symbol, _word = VERDICT_WORDS[Verdict.WRONG]
            words = "Not answered"
            head = f"{symbol} {words}"
        colour = verdict_colour(verdict, dark=is_dark(self))
        title = wrapped_label(f"{position + 1}. {head} · {item.topic_title}", role="h3")
        title.setStyleSheet(f"color: {colour};")
        layout.addWidget(title)
        prompt = item.question.display_prompt
        if item.quote is not None:
            layout.addWidget(quote_label(item.quote))
        layout.addWidget(wrapped_label(prompt, object_name="reviewPrompt", selectable=True))
        if item.image:
            picture = PictureView(item.image, item.question.image_alt or "no description given")
            if picture.readable:
                picture.opened.connect(lambda p=picture: FullPicture(p.image, p.alt, self).open())
                layout.addWidget(picture)
            else:
                picture.deleteLater()
        yours = describe_response(item.question, given)
        right = answer.grade.correct_answer if answer else correct_answer_text(item.question)
        right = "\n".join(answer_lines(item.question, right))
        rows = [("Your answer:", yours)]
        wrong = answer is None or answer.grade.verdict is not Verdict.RIGHT
        if wrong:
            rows.append(("Right answer:", right))
        if answer is not None and wrong and given is not None and not given.dont_know:
            rows.append(("What was wrong:", " ".join(answer.grade.feedback)))
        if item.question.explanation:
            rows.append(("Why:", item.question.explanation))
        if item.citations:
            rows.append((sources_caption(item.citations), citations_text(item.citations)))
        for caption, text in rows:
            label = QLabel(rich_lines(caption, text.split("\n")))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setObjectName("reviewLine")
            label.setAccessibleName(f"{caption} {' '.join(text.splitlines())}")
            layout.addWidget(label)
        card.setAccessibleName(f"Question {position + 1}: {words}")
        card.setAccessibleDescription(f"{prompt} " + " ".join(f"{c} {t}" for c, t in rows))
        return card

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on the set-up page starts the quiz."""
        if self.pages.currentWidget() is self.setup_page and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self.start()
            event.accept()
            return
        super().keyPressEvent(event)
