"""Home: what to study now, today's progress, and every topic's mastery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.exams import ExamForecast
from crisisquiz.core.mastery import MASTERY_EXPLAINED, MASTERY_SHORT
from crisisquiz.core.stats import LearnerStats, StatsService, TopicStats
from crisisquiz.core.streak import STREAK_LOOKBACK_DAYS, current_streak
from crisisquiz.core.study import STUDY_MORE, QueueCounts
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import (
    Card,
    FlowRow,
    Page,
    clear_layout,
    heading,
    push_button,
    text_label,
)
from crisisquiz.resources import asset_path


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class HomeData:
    """Everything the home screen shows, read from the core at one moment (``read_at``).

    ``stats``, the per-topic figures, is None while they have not been read yet.
    """

    read_at: datetime
    learner_name: str
    new_per_day: int
    counts: QueueCounts
    new_left_today: int
    answers_today: int
    streak: int
    stats: LearnerStats | None
    mistakes_today: int = 0  # questions answered wrong today, not yet put right
    more_new: int = 0  # new questions "study more" could start once today's are done
    # Each exam ahead, with its predictions (read with the topics' figures).
    exams: tuple[ExamForecast, ...] = ()

    @property
    def due(self) -> int:
        """Questions waiting for review now (learning steps included)."""
        return self.counts.learning + self.counts.due

    @property
    def nothing_to_study(self) -> bool:
        """Whether nothing is due and no new question is left for today."""
        return self.due == 0 and self.counts.new == 0

    def can_study_topic(self, topic: TopicStats) -> bool:
        """Whether a study session on ``topic`` would have anything to show."""
        unseen = topic.figures.total - topic.figures.seen
        return topic.figures.due_now > 0 or (unseen > 0 and self.new_left_today > 0)

    @staticmethod
    def more_in_topic(topic: TopicStats) -> int:
        """Unseen questions "study more of this topic" could start, past today's limit."""
        return max(0, topic.figures.total - topic.figures.seen)


def load_home_data(
    services: Services, stats: StatsService, learner_id: int, *, topics: bool = True
) -> HomeData:
    """Read the home screen's figures for a learner now; the per-topic ones only with ``topics``."""
    now = services.clock()
    learner = services.learners.get(learner_id)
    services.exams.plans(learner_id, now=now)  # an exam whose day has come is settled
    counts = services.study.queue_counts(learner_id, now=now)
    activity = stats.reviews_per_day(learner_id, STREAK_LOOKBACK_DAYS, now=now, tz=services.tz)
    new_left = services.study.new_left_today(learner, now)
    data = HomeData(
        read_at=now,
        learner_name=learner.name,
        new_per_day=learner.new_per_day,
        counts=counts,
        new_left_today=new_left,
        answers_today=activity[-1].answers,
        streak=current_streak(activity),
        stats=None,
        mistakes_today=len(services.mistakes.today(learner_id, now=now)),
        # Past a limit met, not past new questions paused on purpose (0 a day).
        more_new=(
            0
            if new_left or learner.new_per_day == 0
            else services.study.more_new(learner_id, now=now, up_to=STUDY_MORE)
        ),
    )
    return with_topic_stats(data, stats, learner_id, services) if topics else data


def with_topic_stats(
    data: HomeData, stats: StatsService, learner_id: int, services: Services
) -> HomeData:
    """``data`` with the per-topic figures, read as of the same moment as the rest.

    Only the packs the learner's classes study are shown (every pack without a class).
    With an exam ahead, its pack's mastery is predicted for the exam, and the exam's
    forecast comes with it.
    """
    learner_stats = stats.learner_topic_stats(
        learner_id,
        now=data.read_at,
        tz=services.tz,
        packs=services.classes.visible_packs(learner_id),
        exams=services.exams.exam_moments(learner_id, now=data.read_at),
    )
    mastery = {(t.pack_id, t.topic_id): t.figures.mastery for t in learner_stats.topics}
    forecasts = services.exams.forecasts(learner_id, now=data.read_at, mastery=mastery)
    return replace(data, stats=learner_stats, exams=tuple(forecasts))


def exam_lines(forecast: ExamForecast) -> tuple[str, str]:
    """An exam's forecast in words: the headline and the work it takes."""
    plan = forecast.plan
    days = "tomorrow" if forecast.days_left == 1 else f"in {forecast.days_left} days"
    day = f"{plan.exam_day:%A} {plan.exam_day.day} {plan.exam_day:%B}"
    headline = (
        f"Exam on {plan.pack_title}: {day} ({days}). Predicted score on the day: "
        f"{round(forecast.now * 100)} % now, {round(forecast.with_plan * 100)} % "
        "if you keep to the plan."
    )
    work = f"The plan needs about {forecast.minutes_needed} minutes a day"
    if forecast.over_budget:
        work += (
            f", more than the {plan.minutes_per_day} you set: every question has to be "
            "started before the exam"
        )
    elif plan.minutes_per_day is not None:
        work += f", within the {plan.minutes_per_day} you set"
    work += "."
    if forecast.unseen:
        work += (
            f" It starts about {_plural(forecast.new_a_day, 'new question')} a day until all "
            f"{forecast.unseen} unseen ones are started."
        )
    return headline, work


class TopicRow(Card):
    """One topic: its title, mastery bar, due count and a button to study just it.

    When today's new questions are done and the topic still has unseen ones, the button
    studies more of the topic instead (``more_requested`` with how many).
    """

    study_requested = Signal(object)  # the topic's (pack id, topic id)
    more_requested = Signal(object, int)  # the topic's key, unseen questions to start

    def __init__(
        self, topic: TopicStats, can_study: bool, more: int = 0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.topic = topic
        figures = topic.figures
        self.setAccessibleName(topic.title)

        top = QHBoxLayout()
        top.setSpacing(12)
        self.title = heading(topic.title, 3)
        top.addWidget(self.title, 1)
        self.study_button = push_button(
            "Study this topic",
            name=f"Study this topic: {topic.title}",
            description=f"Start a study session on {topic.title} only",
        )
        key = (topic.pack_id, topic.topic_id)
        if not can_study and more:
            self.study_button.setText("Study more of this topic")
            self.study_button.setAccessibleName(f"Study more of this topic: {topic.title}")
            self.study_button.setAccessibleDescription(
                f"Start {_plural(more, 'unseen question')} of {topic.title}, past today's "
                "limit, for today only"
            )
            self.study_button.clicked.connect(lambda: self.more_requested.emit(key, more))
        else:
            self.study_button.setEnabled(can_study)
            self.study_button.clicked.connect(lambda: self.study_requested.emit(key))
        top.addWidget(self.study_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(top)

        percent = round(figures.mastery * 100)
        bar_row = QHBoxLayout()
        bar_row.setSpacing(12)
        self.mastery_bar = QProgressBar()
        self.mastery_bar.setRange(0, 100)
        self.mastery_bar.setValue(percent)
        self.mastery_bar.setTextVisible(False)
        self.mastery_bar.setAccessibleName(f"Mastery of {topic.title}")
        self.mastery_bar.setAccessibleDescription(f"{percent} percent: {MASTERY_SHORT}")
        bar_row.addWidget(self.mastery_bar, 1)
        self.mastery_label = QLabel(f"Mastery {percent} %")
        self.mastery_label.setToolTip(MASTERY_EXPLAINED)
        bar_row.addWidget(self.mastery_label)
        self.body.addLayout(bar_row)

        parts = [
            f"{figures.due_now} due now" if figures.due_now else "Nothing due now",
            f"{figures.seen} of {_plural(figures.total, 'question')} seen",
        ]
        if not can_study:
            parts.append(
                "today's new questions are done" if more else "nothing to study here right now"
            )
        self.counts_label = text_label(" · ".join(parts), "muted")
        self.body.addWidget(self.counts_label)


class HomeScreen(QWidget):
    """The start screen: the big study button, today's progress and the topics.

    ``study_requested`` carries the (pack id, topic id) keys to study (empty: every topic);
    ``quiz_requested`` asks for the quiz screen; ``topics_shown`` says the topic rows are
    on screen (and in the Tab order).

    Until the screen has first been painted, :meth:`refresh` reads only today's figures;
    the topics (the slow part with a long history: figures for every topic and a row of
    widgets each) follow right after that first paint, so the window and its Study button
    show sooner. :attr:`topics_pending` tells when they are still to come.
    """

    study_requested = Signal(object)
    quiz_requested = Signal()
    topics_shown = Signal()
    read_requested = Signal()
    more_requested = Signal(object, int)  # topic keys (empty: every topic), new to start
    mistakes_requested = Signal()
    exam_requested = Signal()

    def __init__(
        self,
        services: Services,
        stats: StatsService,
        learner_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._stats = stats
        self._learner_id = learner_id
        self.data: HomeData | None = None
        self.topic_rows: list[TopicRow] = []
        self.topics_drawn = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = Page()
        outer.addWidget(page)
        body = page.body

        self.greeting = heading("", 1)
        body.addWidget(self.greeting)
        # The greeting, on top of the page, tells when the screen has first been painted.
        self._painted = False
        self.greeting.installEventFilter(self)

        today = Card()
        today.setAccessibleName("Today")
        today.body.addWidget(heading("Today", 2))
        self.summary = text_label("")
        today.body.addWidget(self.summary)

        self.empty_state = QWidget()
        empty_row = QHBoxLayout(self.empty_state)
        empty_row.setContentsMargins(0, 0, 0, 0)
        empty_row.setSpacing(14)
        icon = QLabel()
        icon.setPixmap(QIcon(str(asset_path("icons", "caught-up.svg"))).pixmap(QSize(40, 40)))
        icon.setAccessibleName("All caught up")
        empty_row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        empty_text = QVBoxLayout()
        self.empty_title = heading("You're all caught up", 3)
        empty_text.addWidget(self.empty_title)
        self.empty_message = text_label("")
        empty_text.addWidget(self.empty_message)
        empty_row.addLayout(empty_text, 1)
        today.body.addWidget(self.empty_state)

        actions = FlowRow()
        self.study_button = push_button("Study now", role="primary")
        self.study_button.clicked.connect(lambda: self.study_requested.emit(()))
        actions.addWidget(self.study_button)
        self.quiz_button = push_button(
            "Take a quiz",
            description="A scored test on the topics you choose; it does not change your "
            "study schedule",
        )
        self.more_button = push_button(f"Study {STUDY_MORE} more new questions")
        self.more_button.setObjectName("studyMoreButton")
        self.more_button.setAccessibleDescription(
            "New questions beyond today's limit, for today only"
        )
        self.more_button.clicked.connect(
            lambda: self.more_requested.emit((), self.data.more_new if self.data else STUDY_MORE)
        )
        actions.addWidget(self.more_button)
        self.mistakes_button = push_button("Review my mistakes")
        self.mistakes_button.setObjectName("reviewMistakesButton")
        self.mistakes_button.setAccessibleDescription(
            "Today's wrong answers again, until each is right; your schedule stays as it is"
        )
        self.mistakes_button.clicked.connect(self.mistakes_requested.emit)
        actions.addWidget(self.mistakes_button)
        self.quiz_button.clicked.connect(self.quiz_requested.emit)
        actions.addWidget(self.quiz_button)
        self.read_button = push_button(
            "Read first",
            description="The study guide of each topic and the timeline of key dates",
        )
        self.read_button.setObjectName("readFirstButton")
        self.read_button.clicked.connect(self.read_requested.emit)
        actions.addWidget(self.read_button)
        today.body.addLayout(actions)

        self.progress_label = text_label("", "muted")
        self.progress_label.setAccessibleDescription("Today's progress")
        today.body.addWidget(self.progress_label)
        body.addWidget(today)

        self.exam_card = Card()
        self.exam_card.setAccessibleName("Exam")
        self.exam_card.body.addWidget(heading("Exam", 2))
        self.exam_text = text_label(
            "Have an exam coming? Set its date: your study is then planned for the best "
            "score on the day, and this shows the score predicted."
        )
        self.exam_card.body.addWidget(self.exam_text)
        self.exam_work = text_label("", "muted")
        self.exam_card.body.addWidget(self.exam_work)
        self.exam_topics = text_label("", "small")
        self.exam_card.body.addWidget(self.exam_topics)
        self.exam_button = push_button(
            "Set an exam date…",
            description="Plan your study for the best score on an exam day",
        )
        self.exam_button.setObjectName("examDateButton")
        self.exam_button.clicked.connect(self.exam_requested.emit)
        self.exam_card.body.addWidget(self.exam_button, 0, Qt.AlignmentFlag.AlignLeft)
        body.addWidget(self.exam_card)

        self.topics_heading = heading("Topics", 2)
        body.addWidget(self.topics_heading)
        self.topics_intro = text_label(
            "Mastery is how much of a topic you are predicted to recall a week from now. It "
            "grows as you answer and review, and fades slowly while you are away.",
            "muted",
        )
        body.addWidget(self.topics_intro)
        self.topics_box = QVBoxLayout()
        self.topics_box.setSpacing(12)
        body.addLayout(self.topics_box)
        body.addStretch(1)

    def set_read_hint(self, keys: str) -> None:
        """Name the Read first shortcut in the button's tooltip and description."""
        self.read_button.setToolTip(f"{self.read_button.accessibleDescription()} ({keys})")
        self.read_button.setAccessibleDescription(
            f"The study guide of each topic and the timeline of key dates. Shortcut: {keys}"
        )

    def set_exam_hint(self, keys: str) -> None:
        """Name the exam date shortcut on the exam button."""
        self.exam_button.setToolTip(f"Plan your study for the best score on an exam day ({keys})")
        self.exam_button.setAccessibleDescription(
            f"Plan your study for the best score on an exam day. Shortcut: {keys}"
        )

    def set_shortcut_hints(self, study: str, quiz: str) -> None:
        """Show the window's shortcuts for studying and quizzing on the buttons' tooltips."""
        self.study_button.setToolTip(f"Start studying what is due and new ({study})")
        self.study_button.setAccessibleDescription(f"Shortcut: {study}")
        self.quiz_button.setToolTip(f"{self.quiz_button.accessibleDescription()} ({quiz})")

    def initial_focus(self) -> QWidget:
        """The control to focus when the screen is shown."""
        # isHidden, not isVisible: at start-up the window itself is not shown yet.
        for button in (self.study_button, self.more_button, self.mistakes_button):
            if not button.isHidden():
                return button
        return self.quiz_button

    @property
    def topics_pending(self) -> bool:
        """Whether the topics wait for the screen's first paint to be read and drawn."""
        return self.data is not None and self.data.stats is None

    def refresh(self) -> None:
        """Read the figures again and redraw (the topics after the first paint, see the class)."""
        data = load_home_data(self._services, self._stats, self._learner_id, topics=False)
        # The empty state's words depend on the topics' figures, so it waits for nothing.
        if self._painted or data.nothing_to_study:
            data = with_topic_stats(data, self._stats, self._learner_id, self._services)
        self.show_data(data)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Read the topics once the screen has been painted for the first time."""
        if watched is self.greeting and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.greeting.removeEventFilter(self)
            # On the next turn of the event loop, once this paint has reached the screen.
            QTimer.singleShot(0, self, self._show_pending_topics)
        return super().eventFilter(watched, event)

    def _show_pending_topics(self) -> None:
        if self.data is not None and self.data.stats is None:
            self.show_data(
                with_topic_stats(self.data, self._stats, self._learner_id, self._services)
            )

    def show_data(self, data: HomeData) -> None:
        """Draw ``data`` (without topics while its ``stats`` have not been read)."""
        self.data = data
        self.greeting.setText(f"Hi, {data.learner_name}")
        self.greeting.setAccessibleName(self.greeting.text())
        due, new = data.due, data.counts.new
        nothing = data.nothing_to_study
        self.empty_state.setVisible(nothing)
        self.study_button.setVisible(not nothing)
        self.summary.setVisible(not nothing)
        if nothing:
            self.empty_message.setText(self._empty_text(data))
        else:
            self.summary.setText(self._summary_text(due, new))
        self.study_button.setText(f"Study now ({due} due, {new} new)")
        self.study_button.setAccessibleName(f"Study now: {due} due, {new} new")
        more = data.more_new if data.new_left_today == 0 else 0
        self.more_button.setVisible(due == 0 and more > 0)
        noun = "question" if more == 1 else "questions"
        self.more_button.setText(f"Study {more} more new {noun}")
        self.more_button.setAccessibleName(f"Study {more} more new {noun}, today only")
        self.mistakes_button.setVisible(data.mistakes_today > 0)
        self.mistakes_button.setText(f"Review my mistakes ({data.mistakes_today})")
        self.mistakes_button.setAccessibleName(
            f"Review my mistakes: {data.mistakes_today} from today, again until right"
        )
        answers = (
            f"Answers today: {data.answers_today}" if data.answers_today else "No answers yet today"
        )
        streak = (
            f"study streak: {_plural(data.streak, 'day')} in a row"
            if data.streak
            else "study today to start a streak"
        )
        self.progress_label.setText(f"{answers} · {streak[:1].upper()}{streak[1:]}")
        self._show_exams(data)
        self._show_topics(data)
        self.topics_drawn = data.stats is not None
        if self.topics_drawn:
            self.topics_shown.emit()

    @staticmethod
    def _summary_text(due: int, new: int) -> str:
        if due and new:
            return (
                f"{_plural(due, 'question is', 'questions are')} due for review, and "
                f"{_plural(new, 'new question is', 'new questions are')} ready for today."
            )
        if due:
            return f"{_plural(due, 'question is', 'questions are')} due for review."
        return f"{_plural(new, 'new question is', 'new questions are')} ready for today."

    @staticmethod
    def _empty_text(data: HomeData) -> str:
        overall = None if data.stats is None else data.stats.overall
        if overall is not None and overall.total == 0:
            return (
                "There are no questions to study: every pack has been removed. Import a pack "
                "on the Packs screen to start again."
            )
        if data.new_per_day == 0 and overall is not None and overall.seen < overall.total:
            new = "New questions are paused: set “New questions per day” in Settings to start more."
        else:
            new = "You have met today's new questions."
        more = (
            " To go on today, study more new questions or review your mistakes."
            if data.more_new or data.mistakes_today
            else ""
        )
        return (
            f"Nothing is due for review. {new} Come back tomorrow: spacing your practice "
            f"out is what makes it stick.{more} Or take a quiz: it tests you without "
            "changing your schedule."
        )

    def _show_exams(self, data: HomeData) -> None:
        if not data.exams:
            self.exam_text.setText(
                "Have an exam coming? Set its date: your study is then planned for the best "
                "score on the day, and this shows the score predicted."
            )
            self.exam_work.hide()
            self.exam_topics.hide()
            self.exam_button.setText("Set an exam date…")
            self.exam_button.setAccessibleName("Set an exam date")
            self.topics_intro.setText(
                "Mastery is how much of a topic you are predicted to recall a week from now. "
                "It grows as you answer and review, and fades slowly while you are away."
            )
            return
        headlines, works, topics = [], [], []
        for forecast in data.exams:
            headline, work = exam_lines(forecast)
            headlines.append(headline)
            works.append(work)
            topics += [
                f"{t.title}: {round(t.now * 100)} % now, {round(t.with_plan * 100)} % with the plan"
                for t in forecast.topics
            ]
        self.exam_text.setText("\n".join(headlines))
        self.exam_work.setText("\n".join(works))
        self.exam_work.show()
        self.exam_topics.setText("\n".join(topics))
        self.exam_topics.show()
        self.exam_button.setText("Change the exam date…")
        self.exam_button.setAccessibleName("Change the exam date")
        self.topics_intro.setText(
            "Mastery is how much of a topic you are predicted to recall on your exam day "
            "(a week from now for a pack with no exam). It grows as you answer and review."
        )

    def _show_topics(self, data: HomeData) -> None:
        clear_layout(self.topics_box)
        self.topic_rows = []
        packs: dict[str, list[TopicStats]] = {}
        for topic in () if data.stats is None else data.stats.topics:
            packs.setdefault(topic.pack_id, []).append(topic)
        # Pack titles head the topics only when there are several packs.
        titles = (
            {s.id: s.title for s in self._services.packs.list_packs()} if len(packs) > 1 else {}
        )
        self.topics_heading.setVisible(bool(packs))
        self.topics_intro.setVisible(bool(packs))
        for pack_id, topics in packs.items():
            if len(packs) > 1:
                pack_heading = heading(titles.get(pack_id, pack_id), 3)
                self.topics_box.addWidget(pack_heading)
                pack_heading.show()
            self._add_topics(data, topics)
        if self.topic_rows:
            # The rows come after the first paint; Tab still reads on from the exam's button.
            QWidget.setTabOrder(self.exam_button, self.topic_rows[0].study_button)

    def _add_topics(self, data: HomeData, topics: Sequence[TopicStats]) -> None:
        for topic in topics:
            can_study = data.can_study_topic(topic)
            more = 0 if can_study or not data.more_new else data.more_in_topic(topic)
            row = TopicRow(topic, can_study, more)
            row.study_requested.connect(lambda key: self.study_requested.emit((key,)))
            row.more_requested.connect(lambda key, n: self.more_requested.emit((key,), n))
            self.topics_box.addWidget(row)
            # A widget added to a showing layout appears only on the next pass of the event
            # loop, and until then Tab skips it: shown now, Tab reaches it at once.
            row.show()
            self.topic_rows.append(row)

    def topic_study_buttons(self) -> list[QPushButton]:
        """The per-topic study buttons, in screen order."""
        return [row.study_button for row in self.topic_rows]
