"""Progress: the core's figures per topic, the charts, the empty state and results export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pytest
from PySide6.QtCharts import QAbstractBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import MultipleChoice, TrueFalse
from crisisquiz.core.quiz import QuizSettings
from crisisquiz.core.results import load_results
from crisisquiz.gui.charts import percent_text, series_points
from crisisquiz.gui.main_window import MainWindow, Screen
from crisisquiz.gui.progress_screen import (
    CHART_DAYS,
    EMPTY_TEXT,
    Column,
    ProgressScreen,
    mastery_summary,
)
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance


class FakeClock(Protocol):
    """The ``clock`` fixture: a clock the test moves by hand."""

    def __call__(self) -> datetime: ...

    def advance(self, **delta: float) -> None: ...


def right_answer(question: object) -> object:
    """A right answer for the question types the helpers answer right; others get nonsense."""
    if isinstance(question, MultipleChoice | TrueFalse):
        return question.answer
    return "no idea"


def study(services: Services, learner: Learner, count: int) -> None:
    """Answer ``count`` questions through a study session, as the study screen does."""
    session = services.study.start(learner.id, now=services.clock())
    for _ in range(count):
        item = session.next_item(services.clock())
        assert item is not None
        session.answer(item, right_answer(item.question), now=services.clock(), response_ms=4000)


def take_quiz(services: Services, learner: Learner, seed: int) -> None:
    """Take and finish a four-question quiz."""
    quiz = services.quizzes.start(
        learner.id, QuizSettings(count=4, seed=seed), now=services.clock()
    )
    for position, item in enumerate(quiz.items):
        quiz.answer(position, right_answer(item.question), now=services.clock(), response_ms=3000)
    quiz.finish(services.clock())


def open_screen(qtbot: QtBot, services: Services, learner: Learner) -> ProgressScreen:
    screen = ProgressScreen(services, learner)
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    screen.refresh()
    assert screen.busy.isVisibleTo(screen)  # the figures are read in the background
    qtbot.waitUntil(lambda: not screen.loading)
    assert not screen.busy.isVisibleTo(screen)
    return screen


def test_the_table_shows_the_figures_the_core_computes(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    study(services, learner, 6)
    clock.advance(days=2)  # some answers have come due, the 30-day window still holds them
    screen = open_screen(qtbot, services, learner)
    stats = services.stats.learner_topic_stats(learner.id, now=clock(), tz=services.tz)

    assert screen.content.isVisibleTo(screen)
    assert not screen.empty_state.isVisibleTo(screen)
    table = screen.table
    assert table.accessibleName() == "Figures per topic"
    assert table.column_texts(Column.TOPIC) == [t.title for t in stats.topics]
    for row, topic in enumerate(stats.topics):
        f = topic.figures
        assert table.cell_text(row, Column.SEEN) == (
            f"{percent_text(f.coverage)} ({f.seen}/{f.total})"
        )
        assert table.cell_text(row, Column.ACCURACY_30D) == percent_text(f.accuracy_30d)
        assert table.cell_text(row, Column.ACCURACY) == percent_text(f.accuracy)
        assert table.cell_text(row, Column.MASTERY) == percent_text(f.mastery)
        assert table.cell_text(row, Column.DUE_NOW) == str(f.due_now)
        assert table.cell_text(row, Column.DUE_7D) == str(f.due_7d)
        assert table.cell_text(row, Column.RETENTION) == percent_text(f.true_retention)
    assert sum(t.figures.answers for t in stats.topics) == 6
    assert sum(t.figures.due_now for t in stats.topics) > 0
    overall = stats.overall
    assert f"{overall.seen} of {overall.total} questions seen" in screen.overall_label.text()
    # A figure with nothing to count is a dash on screen and words for a screen reader.
    dashes = [
        table.proxy.index(row, Column.RETENTION)
        for row in range(len(stats.topics))
        if stats.topics[row].figures.true_retention is None
    ]
    assert dashes and all(i.data() == "—" for i in dashes)
    assert all(i.data(Qt.ItemDataRole.AccessibleTextRole) for i in dashes)


def test_the_charts_hold_one_point_per_topic_and_per_day(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    study(services, learner, 5)
    clock.advance(days=1)
    study(services, learner, 3)
    screen = open_screen(qtbot, services, learner)
    stats = services.stats.learner_topic_stats(learner.id, now=clock(), tz=services.tz)
    activity = services.stats.reviews_per_day(learner.id, CHART_DAYS, now=clock(), tz=services.tz)

    mastery = screen.mastery_panel.chart
    assert series_points(mastery) == [len(stats.topics)]
    series = mastery.series()[0]
    assert isinstance(series, QAbstractBarSeries)
    bars = series.barSets()[0]
    # The first topic is drawn at the top, which Qt counts last.
    drawn = [bars.at(i) for i in reversed(range(bars.count()))]
    assert drawn == [round(t.figures.mastery * 100) for t in stats.topics]
    assert screen.mastery_panel.summary.text() == mastery_summary(stats.topics)

    reviews = screen.activity_panel.chart
    assert series_points(reviews) == [CHART_DAYS, CHART_DAYS]  # right and wrong, stacked
    stacked = reviews.series()[0]
    assert isinstance(stacked, QAbstractBarSeries)
    right, wrong = stacked.barSets()
    assert [right.at(i) for i in range(CHART_DAYS)] == [d.correct for d in activity]
    assert [wrong.at(i) for i in range(CHART_DAYS)] == [d.answers - d.correct for d in activity]
    assert [right.label(), wrong.label()] == ["✓ Right", "✗ Wrong"]
    assert "8 questions on 2 days" in screen.activity_panel.summary.text()

    assert series_points(screen.forecast_panel.chart) == [CHART_DAYS]
    # No quiz yet: no quiz chart.
    assert not screen.quiz_panel.parentWidget().isVisibleTo(screen)

    for panel in (screen.mastery_panel, screen.activity_panel, screen.forecast_panel):
        assert panel.chart.title()
        assert panel.view.accessibleName()
        # The chart is named by its summary itself: the text alternative, not a description.
        assert panel.view.accessibleName().endswith(f": {panel.summary.text()}")
        assert panel.summary.accessibleName() in ("", panel.summary.text())
        titled = [axis.titleText() for axis in panel.chart.axes() if axis.titleText()]
        assert titled  # the value axis says what it counts


def test_quiz_scores_get_a_chart_once_quizzes_were_taken(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    take_quiz(services, learner, seed=1)
    clock.advance(days=3)
    take_quiz(services, learner, seed=2)
    screen = open_screen(qtbot, services, learner)

    assert screen.content.isVisibleTo(screen)  # quizzes alone are history enough
    assert screen.quiz_panel.parentWidget().isVisibleTo(screen)
    assert series_points(screen.quiz_panel.chart) == [2, 2]  # the line and its dots
    assert screen.quiz_panel.summary.text().startswith("You finished 2 quizzes.")


def test_a_new_learner_sees_the_empty_state(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    screen = open_screen(qtbot, services, learner)

    assert screen.empty_state.isVisibleTo(screen)
    assert screen.empty_message.text() == EMPTY_TEXT
    assert not screen.content.isVisibleTo(screen)


def test_sorting_from_the_keyboard_follows_the_numbers(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    study(services, learner, 9)
    screen = open_screen(qtbot, services, learner)
    stats = services.stats.learner_topic_stats(learner.id, now=clock(), tz=services.tz)
    masteries = {t.title: t.figures.mastery for t in stats.topics}

    screen.sort_by.setFocus()
    while screen.sort_by.currentText() != "Mastery":
        qtbot.keyClick(screen.sort_by, Qt.Key.Key_Down)
    shown = screen.table.column_texts(Column.TOPIC)
    assert [masteries[t] for t in shown] == sorted(masteries.values())

    qtbot.keyClick(screen.sort_order, Qt.Key.Key_Down)
    shown = screen.table.column_texts(Column.TOPIC)
    assert [masteries[t] for t in shown] == sorted(masteries.values(), reverse=True)

    while screen.sort_by.currentIndex() > 0:
        qtbot.keyClick(screen.sort_by, Qt.Key.Key_Up)
    assert screen.table.column_texts(Column.TOPIC) == [t.title for t in stats.topics]
    assert not screen.sort_order.isEnabled()


def test_export_writes_a_results_file_the_core_reads(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    study(services, learner, 4)
    screen = open_screen(qtbot, services, learner)
    target = tmp_path / "mine.json"
    asked: list[str] = []

    def save_as(*args: Any, **kwargs: Any) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(target), "crisisquiz results (*.json)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.result.isVisibleTo(screen))

    assert Path(asked[0]).name == "results-ana-2026-03-02.json"
    results = load_results(target)
    assert results.learner == "Ana"
    assert sum(1 for a in results.data.answers if a.kind == "study") == 4
    assert screen.result.title.text() == "✓ Results exported"
    assert str(target) in screen.result.message.text()
    assert screen.export_button.isEnabled()


def test_export_says_clearly_when_the_file_cannot_be_written(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    study(services, learner, 2)
    screen = open_screen(qtbot, services, learner)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    target = blocker / "mine.json"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "crisisquiz results")
    )
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.result.isVisibleTo(screen))

    assert screen.result.title.text() == "⚠ mine.json was not saved"
    message = screen.result.message.text()
    assert str(target) in message
    assert "Choose another folder" in message
    assert not target.exists()


def test_the_file_menu_exports_from_any_screen(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    qapp: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    study(services, learner, 3)
    window = MainWindow(services, Appearance(qapp), learner)
    qtbot.addWidget(window)
    window.show()
    assert window.nav_buttons[Screen.PROGRESS].isEnabled()
    target = tmp_path / "from-menu.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    window.export_results_action.trigger()
    assert window.current_screen() is Screen.PROGRESS
    qtbot.waitUntil(lambda: target.exists() and not window.runner.busy)
    assert load_results(target).learner == "Ana"


def test_tab_reaches_every_control_in_reading_order(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    study(services, learner, 3)
    screen = open_screen(qtbot, services, learner)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.export_button.setFocus()
    reached = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    # The order list is off until a column is chosen, so Tab skips it.
    assert reached[:2] == [screen.sort_by, screen.table]
    assert screen.table.accessibleName() and screen.sort_by.accessibleName()
    # Tab leaves the table (arrow keys move inside it) for the first chart: a screen
    # reader reaches each chart and hears its summary.
    assert reached[2] is screen.mastery_panel.view
    assert screen.mastery_panel.view.accessibleName().startswith("Mastery per topic chart: ")
