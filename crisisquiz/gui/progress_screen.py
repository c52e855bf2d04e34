"""Progress: the learner's figures per topic, charts of their study, and results export.

The figures come from the core's :class:`~crisisquiz.core.stats.StatsService`,
read off the GUI thread (with a large pack and a long history they take a
moment). Each chart has a summary in words beside it, and the table shows every
figure as text.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCharts import QChart
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.core.learners import Learner, LearnerError
from crisisquiz.core.mastery import MASTERY_EXPLAINED
from crisisquiz.core.results import ResultsError, export_results, write_results
from crisisquiz.core.stats import (
    DayActivity,
    DueDay,
    LearnerStats,
    QuizResult,
    StatsService,
    TopicStats,
)
from crisisquiz.gui.charts import (
    NO_VALUE,
    ChartColours,
    ChartPanel,
    FiguresPage,
    FigureTable,
    day_label,
    figure_item,
    horizontal_bar_chart,
    percent_text,
    score_line_chart,
    stacked_day_chart,
)
from crisisquiz.gui.figure_cards import ResponsiveFigures
from crisisquiz.gui.packs_screen import ResultPanel
from crisisquiz.gui.services import Services
from crisisquiz.gui.widgets import BusyRow, Card, FlowRow, heading, push_button, text_label
from crisisquiz.gui.worker import TaskRunner

CHART_DAYS = 30
RESULTS_FILTER = "crisisquiz results (*.json)"
EMPTY_TEXT = "No reviews yet — study a few questions and your progress appears here."


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class ProgressData:
    """Everything the progress screen shows, read from the core at one moment."""

    stats: LearnerStats
    activity: tuple[DayActivity, ...]  # the last CHART_DAYS study days, oldest first
    forecast: tuple[DueDay, ...]  # the next CHART_DAYS study days, today first
    tz: tzinfo

    @property
    def has_history(self) -> bool:
        """Whether the learner has answered anything, in study or in a quiz."""
        return self.stats.overall.answers > 0 or bool(self.stats.quizzes)

    @property
    def scored_quizzes(self) -> tuple[QuizResult, ...]:
        """The finished quizzes that have a score, oldest first."""
        return tuple(q for q in self.stats.quizzes if q.score is not None)


def load_progress(
    stats: StatsService,
    learner_id: int,
    *,
    now: datetime,
    tz: tzinfo,
    exams: Mapping[str, datetime] | None = None,
) -> ProgressData:
    """Read the progress screen's figures for a learner at ``now`` (safe off the GUI thread).

    ``exams``: the moment of each exam ahead by pack, where mastery looks (as on Home).
    """
    return ProgressData(
        stats=stats.learner_topic_stats(learner_id, now=now, tz=tz, exams=exams),
        activity=stats.reviews_per_day(learner_id, CHART_DAYS, now=now, tz=tz),
        forecast=stats.due_forecast(learner_id, CHART_DAYS, now=now, tz=tz),
        tz=tz,
    )


# -- the summaries in words -------------------------------------------------------------------


def mastery_summary(topics: Sequence[TopicStats]) -> str:
    """One sentence on where mastery is highest and lowest."""
    if not topics:
        return "There are no topics to show: import a pack on the Packs screen."
    if len(topics) == 1:
        only = topics[0]
        return f"Mastery of {only.title} is {percent_text(only.figures.mastery)}."
    ranked = sorted(topics, key=lambda t: t.figures.mastery)
    low, high = ranked[0], ranked[-1]
    if round(high.figures.mastery * 100) == round(low.figures.mastery * 100):
        return f"Mastery is {percent_text(low.figures.mastery)} in every topic."
    return (
        f"Mastery is highest in {high.title} ({percent_text(high.figures.mastery)}) "
        f"and lowest in {low.title} ({percent_text(low.figures.mastery)})."
    )


def activity_summary(days: Sequence[DayActivity]) -> str:
    """What the learner did over the chart's days, in words."""
    answers = sum(d.answers for d in days)
    if not answers:
        return f"You answered no questions in study in the last {len(days)} days."
    right = sum(d.correct for d in days)
    active = sum(1 for d in days if d.answers)
    busiest = max(days, key=lambda d: (d.answers, d.day))
    return (
        f"In the last {len(days)} days you answered {_plural(answers, 'question')} on "
        f"{_plural(active, 'day')}: {right} right and {answers - right} wrong "
        f"({percent_text(right / answers)} right). The busiest day was "
        f"{day_label(busiest.day)} with {_plural(busiest.answers, 'answer')}."
    )


def forecast_summary(days: Sequence[DueDay]) -> str:
    """What is coming up for review, in words."""
    total = sum(d.due for d in days)
    if not total:
        return f"Nothing is due for review in the next {len(days)} days."
    today = days[0].due
    first = (
        f"{_plural(today, 'question is', 'questions are')} due today (overdue ones included)"
        if today
        else "Nothing is due today"
    )
    busiest = max(days[1:], key=lambda d: (d.due, -d.day.toordinal()), default=None)
    later = ""
    if busiest is not None and busiest.due:
        later = f"; after today the busiest day is {day_label(busiest.day)} with {busiest.due}"
    return f"{first}, and {total} in the next {len(days)} days{later}."


def quiz_summary(quizzes: Sequence[QuizResult], tz: tzinfo) -> str:
    """The learner's quiz scores, in words."""
    scored = [q for q in quizzes if q.score is not None]
    if not scored:
        return "You have not finished a quiz yet."
    latest = scored[-1]
    best = max(scored, key=lambda q: q.score or 0.0)
    text = (
        f"You finished {_plural(len(scored), 'quiz', 'quizzes')}. The latest, on "
        f"{day_label(_local_day(latest.finished_at, tz))}, scored {percent_text(latest.score)}"
    )
    if len(scored) > 1:
        text += f"; your best score is {percent_text(best.score)}"
    return text + "."


def _local_day(moment: datetime, tz: tzinfo) -> date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()


def _local_time(moment: datetime, tz: tzinfo) -> datetime:
    # QDateTime reads a naive datetime as local wall time: hand it the learner's wall time.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).replace(tzinfo=None)


# -- the table ------------------------------------------------------------------------------


class Column:
    """The table's columns, in order."""

    TOPIC, SEEN, ACCURACY_30D, ACCURACY, MASTERY, DUE_NOW, DUE_7D, RETENTION = range(8)


HEADERS: tuple[tuple[str, str], ...] = (
    ("Topic", "The topic's title"),
    ("Seen", "Questions you have answered at least once, of all the topic's questions"),
    ("Accuracy\n30 days", "Study answers right out of all study answers, the last 30 days"),
    ("Accuracy\nall time", "Study answers right out of all study answers, ever"),
    ("Mastery", MASTERY_EXPLAINED),
    ("Due\nnow", "Questions waiting for review now"),
    ("Due in\n7 days", "Questions due for review within 7 days, those due now included"),
    (
        "True\nretention",
        "How often you were right on questions that came back a day or more after you last "
        "saw them",
    ),
)

# What the "Sort by" list offers: the keyboard's way to sort, as clicking a heading does.
SORT_CHOICES: tuple[tuple[str, int], ...] = (
    ("Pack order", -1),
    ("Topic", Column.TOPIC),
    ("Seen", Column.SEEN),
    ("Accuracy, 30 days", Column.ACCURACY_30D),
    ("Accuracy, all time", Column.ACCURACY),
    ("Mastery", Column.MASTERY),
    ("Due now", Column.DUE_NOW),
    ("Due in 7 days", Column.DUE_7D),
    ("True retention", Column.RETENTION),
)
ORDER_CHOICES: tuple[tuple[str, Qt.SortOrder], ...] = (
    ("Lowest first (A to Z)", Qt.SortOrder.AscendingOrder),
    ("Highest first (Z to A)", Qt.SortOrder.DescendingOrder),
)


def _ratio_item(value: float | None, *, none: str, tooltip: str) -> QStandardItem:
    return figure_item(
        percent_text(value),
        NO_VALUE if value is None else value,
        spoken=none if value is None else None,
        tooltip=tooltip,
    )


def topic_row(topic: TopicStats) -> list[QStandardItem]:
    """The table cells for one topic, every figure as text."""
    f = topic.figures
    return [
        figure_item(topic.title, topic.title.casefold(), align_right=False),
        figure_item(
            f"{percent_text(f.coverage)} ({f.seen}/{f.total})",
            f.coverage,
            spoken=f"{f.seen} of {f.total} questions seen, {percent_text(f.coverage)}",
        ),
        _ratio_item(
            f.accuracy_30d,
            none="no answers in the last 30 days",
            tooltip=f"{f.correct_30d} of {_plural(f.answers_30d, 'answer')} right",
        ),
        _ratio_item(
            f.accuracy,
            none="no answers yet",
            tooltip=f"{f.correct} of {_plural(f.answers, 'answer')} right",
        ),
        figure_item(percent_text(f.mastery), f.mastery),
        figure_item(str(f.due_now), f.due_now),
        figure_item(str(f.due_7d), f.due_7d),
        _ratio_item(
            f.true_retention,
            none="no question has come back yet",
            tooltip=f"{f.mature_correct} of {f.mature} right",
        ),
    ]


# -- chart builders -------------------------------------------------------------------------


def mastery_chart(topics: Sequence[TopicStats], colours: ChartColours, font: QFont) -> QChart:
    """Mastery per topic, one horizontal bar each."""
    return horizontal_bar_chart(
        "Mastery per topic",
        [(t.title, t.figures.mastery) for t in topics],
        colours,
        font,
        value_title="Mastery",
    )


def activity_chart(days: Sequence[DayActivity], colours: ChartColours, font: QFont) -> QChart:
    """Study answers per day, right and wrong stacked."""
    return stacked_day_chart(
        f"Reviews per day, last {len(days)} days",
        [d.day for d in days],
        [
            ("✓ Right", [d.correct for d in days], colours.right, False),
            ("✗ Wrong", [d.answers - d.correct for d in days], colours.wrong, True),
        ],
        colours,
        font,
        value_title="Answers",
    )


def forecast_chart(days: Sequence[DueDay], colours: ChartColours, font: QFont) -> QChart:
    """Reviews falling due per day, today (with the overdue ones) first."""
    return stacked_day_chart(
        f"Reviews due, next {len(days)} days",
        [d.day for d in days],
        [("Due", [d.due for d in days], colours.primary, False)],
        colours,
        font,
        value_title="Questions due",
        first_label="Today",
    )


def quiz_chart(
    quizzes: Sequence[QuizResult], tz: tzinfo, colours: ChartColours, font: QFont
) -> QChart:
    """Each finished quiz's score at the time it was finished."""
    return score_line_chart(
        "Quiz scores",
        [(_local_time(q.finished_at, tz), q.score or 0.0) for q in quizzes],
        colours,
        font,
        value_title="Score",
    )


def default_results_name(learner_name: str, day: date) -> str:
    """A file name for a learner's results, e.g. ``results-maya-2026-03-12.json``."""
    slug = re.sub(r"[^\w]+", "-", learner_name.casefold(), flags=re.UNICODE).strip("-_")
    return f"results-{slug or 'learner'}-{day.isoformat()}.json"


# -- the screen -----------------------------------------------------------------------------


class ProgressScreen(QWidget):
    """The learner's figures per topic, charts of their study and quizzes, and export.

    ``refresh`` reads the figures again in the background; the figures shown
    stay until the new ones arrive, with a busy indicator meanwhile, and
    :attr:`figures_shown` says when they are drawn.
    """

    figures_shown = Signal()

    def __init__(
        self,
        services: Services,
        learner: Learner,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._learner = learner
        # The window's runner runs jobs one at a time, so figures are never read halfway
        # through an import; alone (in tests) the screen brings its own.
        self._runner = runner if runner is not None else TaskRunner(self)
        self._folder = Path.home()
        self._loads = 0  # the latest load's number: an older one arriving late is dropped
        self._loading = False
        self._exporting = False
        self._export_name = ""
        self.data: ProgressData | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.page = FiguresPage()
        outer.addWidget(self.page)
        body = self.page.body

        self.title = heading("Your progress", 1)
        body.addWidget(self.title)
        body.addWidget(
            text_label(
                "How well you know each topic, how much you have studied, and what comes up "
                "for review next.",
                "muted",
            )
        )
        actions = FlowRow()
        self.export_button = push_button(
            "&Export my results…",
            description="Save everything you have answered as a results file for your teacher",
        )
        self.export_button.clicked.connect(self.choose_and_export)
        actions.addWidget(self.export_button)
        body.addLayout(actions)

        self.busy = BusyRow()
        self.busy_bar, self.busy_label = self.busy.bar, self.busy.label
        body.addWidget(self.busy)

        self.result = ResultPanel()
        body.addWidget(self.result)

        self.empty_state = Card()
        self.empty_state.setAccessibleName("No progress yet")
        self.empty_title = heading("Nothing to show yet", 2)
        self.empty_state.body.addWidget(self.empty_title)
        self.empty_message = text_label(EMPTY_TEXT)
        self.empty_state.body.addWidget(self.empty_message)
        self.empty_state.hide()
        body.addWidget(self.empty_state)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(16)
        self.content.hide()
        body.addWidget(self.content)
        self.overall_label = text_label("")
        content.addWidget(self.overall_label)
        self._build_table(content)
        self._build_charts(content)
        body.addStretch(1)

    def _build_table(self, content: QVBoxLayout) -> None:
        table_card = Card()
        table_card.setAccessibleName("Figures per topic")
        table_card.body.addWidget(heading("Figures per topic", 2))
        sorting = FlowRow()
        self.sort_by = QComboBox()
        self.sort_by.addItems([label for label, _column in SORT_CHOICES])
        self.sort_by.setAccessibleName("Sort the topics by")
        self.sort_order = QComboBox()
        self.sort_order.addItems([label for label, _order in ORDER_CHOICES])
        self.sort_order.setAccessibleName("Sort order")
        self.sort_order.setEnabled(False)
        sort_label = QLabel("&Sort by")
        sort_label.setBuddy(self.sort_by)
        # The label and its list stay together (and level) when the row wraps.
        labelled = QWidget()
        pair = QHBoxLayout(labelled)
        pair.setContentsMargins(0, 0, 0, 0)
        pair.addWidget(sort_label)
        pair.addWidget(self.sort_by)
        sorting.addWidget(labelled)
        sorting.addWidget(self.sort_order)
        table_card.body.addLayout(sorting)
        self.table = FigureTable("Figures per topic")
        self.table.setAccessibleDescription(
            "One row per topic. Use the arrow keys to move between rows; sort with the "
            "Sort by list above the table."
        )
        self.table.set_headers(HEADERS)
        self.table.set_column_layout(Column.TOPIC, minimum_chars=18)
        # At large text sizes eight columns do not fit: each topic becomes a card instead.
        self.figures = ResponsiveFigures(self.table)
        table_card.body.addWidget(self.figures)
        self.glossary = text_label(
            "Seen: questions answered at least once. Accuracy: study answers right. "
            f"{MASTERY_EXPLAINED} True retention: how often you were right when a question came "
            "back a day or more later. A dash means there is nothing to count yet.",
            "small",
        )
        table_card.body.addWidget(self.glossary)
        content.addWidget(table_card)
        self.sort_by.currentIndexChanged.connect(self._sort_chosen)
        self.sort_order.currentIndexChanged.connect(self._sort_chosen)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sorted_by_header)

    def _build_charts(self, content: QVBoxLayout) -> None:
        self.charts_heading = heading("Charts", 2)
        content.addWidget(self.charts_heading)
        self.mastery_panel = self._chart_card(content, "Mastery per topic chart")
        self.activity_panel = self._chart_card(content, "Reviews per day chart")
        self.forecast_panel = self._chart_card(content, "Reviews due chart")
        self.quiz_panel = self._chart_card(content, "Quiz scores chart")

    @staticmethod
    def _chart_card(content: QVBoxLayout, name: str) -> ChartPanel:
        card = Card()
        card.setAccessibleName(name)
        panel = ChartPanel(name)
        card.body.addWidget(panel)
        content.addWidget(card)
        return panel

    @staticmethod
    def _card_of(panel: ChartPanel) -> QWidget:
        parent = panel.parentWidget()
        assert parent is not None
        return parent

    # -- reading the figures ------------------------------------------------------------

    def initial_focus(self) -> QWidget:
        """The control to focus when the screen is shown."""
        return self.export_button

    def set_learner(self, learner: Learner) -> None:
        """Show ``learner``'s progress from now on (their name may have changed)."""
        self._learner = learner

    def refresh(self) -> None:
        """Read the figures again in the background and redraw when they arrive."""
        self._loads += 1
        number = self._loads
        stats = self._services.stats
        learner_id = self._learner.id
        now = self._services.clock()
        tz = self._services.tz
        exams = self._services.exams.exam_moments(learner_id, now=now)
        self._loading = True
        self._update_busy()
        self._runner.run(
            partial(load_progress, stats, learner_id, now=now, tz=tz, exams=exams),
            lambda data: self._loaded(number, data),
            lambda error: self._load_failed(number, error),
        )

    @property
    def loading(self) -> bool:
        """Whether new figures are on their way."""
        return self._loading

    def _alive(self) -> bool:
        # The window drops this screen when the learner changes; a job may still finish.
        return shiboken6.isValid(self)

    def _loaded(self, number: int, data: ProgressData) -> None:
        if not self._alive() or number != self._loads:
            return
        self._loading = False
        self._update_busy()
        self.show_data(data)

    def _load_failed(self, number: int, error: Exception) -> None:
        if not self._alive() or number != self._loads:
            return
        self._loading = False
        self._update_busy()
        if isinstance(error, LearnerError):
            message = "This learner no longer exists. Switch to another learner (Ctrl+L)."
        else:
            message = f"Something went wrong: {error}. Open this screen again to retry."
        self.result.show_failure("Your figures could not be read", message)

    def _update_busy(self) -> None:
        if self._exporting:
            self.busy_label.setText(f"Saving your results to {self._export_name}…")
        elif self._loading:
            self.busy_label.setText(
                "Updating your figures…" if self.data is not None else "Working out your figures…"
            )
        self.busy.setVisible(self._exporting or self._loading)

    def show_data(self, data: ProgressData) -> None:
        """Draw ``data``."""
        self.data = data
        history = data.has_history
        self.empty_state.setVisible(not history)
        self.content.setVisible(history)
        if not history:
            self.figures_shown.emit()
            return
        overall = data.stats.overall
        self.overall_label.setText(
            f"Overall: {overall.seen} of {_plural(overall.total, 'question')} seen, "
            f"mastery {percent_text(overall.mastery)}, {_plural(overall.answers, 'answer')} "
            f"in study ({percent_text(overall.accuracy)} right), {overall.due_now} due now."
        )
        self.table.set_rows([topic_row(t) for t in data.stats.topics])
        topics = data.stats.topics
        self.mastery_panel.show_chart(
            partial(mastery_chart, topics),
            mastery_summary(topics),
            lines=max(14, 4 * len(topics) + 6),
        )
        self.activity_panel.show_chart(
            partial(activity_chart, data.activity), activity_summary(data.activity)
        )
        self.forecast_panel.show_chart(
            partial(forecast_chart, data.forecast), forecast_summary(data.forecast)
        )
        quizzes = data.scored_quizzes
        self._card_of(self.quiz_panel).setVisible(bool(quizzes))
        if quizzes:
            self.quiz_panel.show_chart(
                partial(quiz_chart, quizzes, data.tz), quiz_summary(quizzes, data.tz)
            )
        self.figures_shown.emit()

    # -- sorting --------------------------------------------------------------------------

    def _sort_chosen(self) -> None:
        column = SORT_CHOICES[self.sort_by.currentIndex()][1]
        order = ORDER_CHOICES[self.sort_order.currentIndex()][1]
        self.sort_order.setEnabled(column >= 0)
        header = self.table.horizontalHeader()
        if column < 0:
            header.blockSignals(True)
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            self.table.proxy.sort(-1)
        else:
            self.table.sortByColumn(column, order)
        self.table.fit()

    def _sorted_by_header(self, column: int, order: Qt.SortOrder) -> None:
        # A click on a heading sorts; the lists above the table follow, so they never lie.
        index = next((i for i, (_l, c) in enumerate(SORT_CHOICES) if c == column), 0)
        position = next(i for i, (_l, o) in enumerate(ORDER_CHOICES) if o == order)
        for combo, value in ((self.sort_by, index), (self.sort_order, position)):
            combo.blockSignals(True)
            combo.setCurrentIndex(value)
            combo.blockSignals(False)
        self.sort_order.setEnabled(column >= 0)

    # -- export ---------------------------------------------------------------------------

    def choose_and_export(self) -> None:
        """Ask where to save the learner's results file, then write it in the background."""
        if self._exporting:
            return
        day = _local_day(self._services.clock(), self._services.tz)
        suggested = self._folder / default_results_name(self._learner.name, day)
        path_text, _filter = QFileDialog.getSaveFileName(
            self, "Export my results", str(suggested), RESULTS_FILTER
        )
        if not path_text:
            return
        path = Path(path_text)
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the learner's results file to ``path`` in the background."""
        self._folder = path.parent
        database = self._services.database
        learner_id = self._learner.id
        now = self._services.clock()
        # A file's id must differ on every computer and every export, so it is a random
        # UUID rather than a draw from the app's seeded generator.
        file_id = uuid.uuid4()

        def work() -> int:
            data = export_results(database, learner_id, now=now, file_id=file_id)
            write_results(data, path)
            return len(data["answers"])

        self._exporting = True
        self._export_name = path.name
        self.export_button.setEnabled(False)
        self.result.hide()
        self._update_busy()
        self._runner.run(
            work,
            lambda count: self._exported(path, int(count)),
            lambda error: self._export_failed(path, error),
        )

    def _export_done(self) -> bool:
        if not self._alive():
            return False
        self._exporting = False
        self.export_button.setEnabled(True)
        self._update_busy()
        return True

    def _exported(self, path: Path, answers: int) -> None:
        if not self._export_done():
            return
        self.result.show_success(
            "Results exported",
            f"Saved {_plural(answers, 'answer')} by {self._learner.name} to {path}. "
            "Give this file to your teacher; it holds your answers and figures, nothing else.",
        )
        self.result.dismiss_button.setFocus()

    def _export_failed(self, path: Path, error: Exception) -> None:
        if not self._export_done():
            return
        if isinstance(error, ResultsError | OSError):
            reason = str(error)
            message = (
                f"{reason[:1].upper()}{reason[1:]}. Choose another folder, such as your "
                "Documents, and export again."
            )
        elif isinstance(error, LearnerError):
            message = "This learner no longer exists, so there is nothing to export."
        else:
            message = f"Something went wrong: {error}. Try exporting again."
        self.result.show_failure(f"{path.name} was not saved", message)
        self.result.dismiss_button.setFocus()
