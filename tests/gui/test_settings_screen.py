"""Settings: study settings, theme and text size are saved at once and survive a restart."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QSpinBox
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_settings import Theme
from crisisquiz.core.learners import Learner
from crisisquiz.core.stats import StatsService
from crisisquiz.gui.services import Services
from crisisquiz.gui.settings_screen import SettingsScreen
from crisisquiz.gui.theme import Appearance, Scheme
from crisisquiz.storage.database import Database, open_database


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's look; the application's style, font and palette are put back afterwards."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def settings_for(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> SettingsScreen:
    screen = SettingsScreen(services, appearance, learner.id)
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: screen.isActiveWindow() and screen.reset_button.height() > 0)
    return screen


def type_number(qtbot: QtBot, spin_box: QSpinBox, text: str) -> None:
    """Select what the box holds and type over it, as a user does."""
    spin_box.setFocus()
    qtbot.keyClick(spin_box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin_box, text)


def test_settings_persist_after_a_restart(
    qtbot: QtBot,
    services: Services,
    database: Database,
    learner: Learner,
    appearance: Appearance,
    qapp: QApplication,
) -> None:
    screen = settings_for(qtbot, services, appearance, learner)
    assert screen.retention.value() == 90
    assert screen.new_per_day.value() == 15

    type_number(qtbot, screen.retention, "85")
    type_number(qtbot, screen.new_per_day, "25")
    screen.quiz_counts.setFocus()
    qtbot.keyClick(screen.quiz_counts, Qt.Key.Key_Space)
    screen.theme.setFocus()
    qtbot.keyClick(screen.theme, Qt.Key.Key_End)  # Dark
    screen.text_size.setFocus()
    while screen.text_size.currentData() != 150:
        qtbot.keyClick(screen.text_size, Qt.Key.Key_Down)
    assert "Saved" in screen.status.text()

    # Theme and size apply at once, to the whole app.
    assert appearance.scheme is Scheme.DARK
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 128
    assert qapp.font().pointSizeF() == pytest.approx(appearance.point_size)
    assert appearance.scale == pytest.approx(1.5)

    # A restart: the database closed and opened again, a new screen on it.
    folder = database.path.parent
    database.close()
    reopened = open_database(folder, now=services.clock())
    try:
        again = Services.create(reopened, clock=services.clock, tz=UTC, rng=random.Random(2))
        saved = again.learners.get(learner.id)
        assert saved.desired_retention == pytest.approx(0.85)
        assert saved.new_per_day == 25
        assert saved.quiz_counts_as_review is True
        app_settings = again.settings.load()
        assert app_settings.theme is Theme.DARK
        assert app_settings.text_scale == pytest.approx(1.5)

        shown = settings_for(qtbot, again, appearance, saved)
        assert shown.retention.value() == 85
        assert shown.new_per_day.value() == 25
        assert shown.quiz_counts.isChecked()
        assert shown.theme.currentText() == "Dark"
        assert shown.text_size.currentText() == "150 %"
    finally:
        reopened.close()


def test_light_theme_and_small_text_apply_live(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, qapp: QApplication
) -> None:
    screen = settings_for(qtbot, services, appearance, learner)
    screen.theme.setFocus()
    qtbot.keyClick(screen.theme, Qt.Key.Key_Down)  # Light
    screen.text_size.setFocus()
    qtbot.keyClick(screen.text_size, Qt.Key.Key_Home)  # 80 %
    assert appearance.scheme is Scheme.LIGHT
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 128
    assert appearance.scale == pytest.approx(0.8)
    assert services.settings.load().text_scale == pytest.approx(0.8)


def test_explanations_are_in_plain_words(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    screen = settings_for(qtbot, services, appearance, learner)
    assert "9 questions in 10" in screen.retention.accessibleDescription()
    assert screen.retention.minimum() == 70 and screen.retention.maximum() == 97
    assert "Ana" in screen.study_heading.text()


def test_reset_progress_asks_naming_the_learner(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = services.study.start(learner.id, now=services.clock())
    for _ in range(3):
        item = session.next_item(services.clock())
        assert item is not None
        session.answer(item, "no idea", now=services.clock(), response_ms=4000)
    stats = StatsService(services.database)

    def seen() -> int:
        figures = stats.learner_topic_stats(learner.id, now=services.clock(), tz=UTC).overall
        return figures.seen

    assert seen() == 3
    screen = settings_for(qtbot, services, appearance, learner)
    assert screen.reset_button.text() == "Reset Ana's progress…"
    asked: list[str] = []

    def reply(answer: QMessageBox.StandardButton) -> None:
        def exec_(box: QMessageBox) -> int:
            asked.append(box.text())
            return answer.value

        monkeypatch.setattr(QMessageBox, "exec", exec_)

    reply(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    assert "Reset Ana's progress?" in asked[0]
    assert seen() == 3

    reply(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(screen.progress_reset):
        qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    assert seen() == 0
    assert services.learners.get(learner.id).name == "Ana"
    assert "progress was reset" in screen.status.text()
