"""The shell: choosing a learner, remembering them, navigating by keyboard, the menus."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner, LearnerError
from crisisquiz.gui.app import choose_learner
from crisisquiz.gui.home_screen import HomeScreen
from crisisquiz.gui.learner_dialog import (
    LearnerPickerDialog,
    ManageLearnersDialog,
    remembered_learner,
)
from crisisquiz.gui.main_window import (
    PROGRESS_UNAVAILABLE,
    MainWindow,
    Screen,
    progress_screen_available,
)
from crisisquiz.gui.packs_screen import PacksScreen
from crisisquiz.gui.questions.base import GivenAnswer
from crisisquiz.gui.screenshots import wrong_response
from crisisquiz.gui.services import Services
from crisisquiz.gui.settings_screen import SettingsScreen
from crisisquiz.gui.study_screen import StudyScreen
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database, open_database

# The offscreen platform cannot pass a window's size limits on, and says so for every
# window shown; it is not a problem of the app.


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's look; the application's style, font and palette are put back afterwards."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def open_window(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> MainWindow:
    window = MainWindow(services, appearance, learner)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # The topic rows follow the first paint; once drawn they are shown and in the Tab order.
    qtbot.waitUntil(lambda: window.home.topics_drawn)
    return window


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """Press a key where the keyboard focus is, as a user would."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def restart(database: Database, services: Services) -> Services:
    """Close the database and open it again, as starting the app anew does."""
    folder = database.path.parent
    database.close()
    reopened = open_database(folder, now=services.clock())
    return Services.create(reopened, clock=services.clock, tz=UTC, rng=random.Random(5))


def test_first_start_creates_a_learner_from_the_picker(qtbot: QtBot, services: Services) -> None:
    seen: list[LearnerPickerDialog] = []

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LearnerPickerDialog)
        seen.append(dialog)
        try:
            assert dialog.names.isHidden()  # nobody to pick yet
            assert dialog.cancel_button.text() == "&Quit"
            qtbot.keyClicks(dialog.name_edit, "  Lena  ")
            qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        finally:
            if dialog.isVisible():  # never leave the test waiting on a dialog
                dialog.reject()

    QTimer.singleShot(0, fill_in)
    chosen = choose_learner(services)  # the start-up path, with its modal dialog

    assert len(seen) == 1
    assert chosen is not None and chosen.name == "Lena"
    assert [learner.name for learner in services.learners.list()] == ["Lena"]
    assert services.settings.load().last_learner_id == chosen.id


def test_picker_explains_empty_and_duplicate_names(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    dialog = LearnerPickerDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()

    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisibleTo(dialog)
    assert "Type a name first" in dialog.error_label.text()

    qtbot.keyClicks(dialog.name_edit, "ANA")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "already a learner called Ana" in dialog.error_label.text()
    assert dialog.name_edit.accessibleDescription() in dialog.error_label.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert [x.name for x in services.learners.list()] == ["Ana"]


def test_the_last_learner_is_remembered_after_a_restart(
    qtbot: QtBot, services: Services, database: Database, learner: Learner, appearance: Appearance
) -> None:
    ben = services.learners.create("Ben", now=services.clock())
    dialog = LearnerPickerDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.names.setFocus()
    rows = [dialog.names.item(i).text() for i in range(dialog.names.count())]
    assert rows == ["Ana", "Ben"]
    qtbot.keyClick(dialog.names, Qt.Key.Key_End)  # Ben
    qtbot.keyClick(dialog.names, Qt.Key.Key_Return)
    assert dialog.learner == ben

    again = restart(database, services)
    try:
        chosen = choose_learner(again)  # no dialog: the remembered learner comes back
        assert chosen == ben
        window = open_window(qtbot, again, appearance, chosen)
        assert "Ben" in window.windowTitle()
        window.close()
    finally:
        again.database.close()


def test_a_removed_learner_is_not_remembered(services: Services, learner: Learner) -> None:
    services.settings.save(services.settings.load().__class__(last_learner_id=learner.id))
    assert remembered_learner(services) == learner
    services.learners.remove("Ana")
    assert remembered_learner(services) is None


def test_window_title_names_the_learner(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    assert window.windowTitle() == "Ana — crisisquiz"
    assert window.current_screen() is Screen.HOME
    assert "Ana" in window.learner_label.text()


def test_shortcuts_reach_every_screen(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    ctrl = Qt.KeyboardModifier.ControlModifier
    expected = {
        Qt.Key.Key_5: (Screen.PACKS, PacksScreen),
        Qt.Key.Key_6: (Screen.SETTINGS, SettingsScreen),
        Qt.Key.Key_2: (Screen.STUDY, None),
        Qt.Key.Key_3: (Screen.QUIZ, None),
        Qt.Key.Key_1: (Screen.HOME, HomeScreen),
    }
    for key, (screen, kind) in expected.items():
        press(qtbot, key, ctrl)
        assert window.current_screen() is screen
        if kind is not None:
            assert isinstance(window.stack.currentWidget(), kind)
        assert window.nav_buttons[screen].property("current") is True
        assert window.nav_buttons[screen].accessibleDescription().startswith("Current screen.")
        # The keyboard lands on the screen, ready for Tab.
        focus = QApplication.focusWidget()
        assert focus is not None and window.stack.currentWidget().isAncestorOf(focus)

    from crisisquiz.gui.quiz_screen import QuizScreen

    assert isinstance(window.study_screen, StudyScreen)
    assert isinstance(window.quiz_screen, QuizScreen)

    progress = window.nav_buttons[Screen.PROGRESS]
    press(qtbot, Qt.Key.Key_4, ctrl)
    if progress_screen_available():
        assert window.current_screen() is Screen.PROGRESS
    else:
        assert window.current_screen() is Screen.HOME
        assert not progress.isEnabled()
        assert progress.accessibleDescription() == PROGRESS_UNAVAILABLE


def test_tab_and_space_move_through_the_navigation(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    buttons = window.nav_buttons
    for button in buttons.values():
        assert button.accessibleName()
        assert button.toolTip()
    buttons[Screen.HOME].setFocus()
    reached = [Screen.HOME]
    for _ in range(len(buttons) - 1):
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
        focus = QApplication.focusWidget()
        place = next((s for s, b in buttons.items() if b is focus), None)
        if place is None:
            break
        reached.append(place)
    enabled = [s for s, b in buttons.items() if b.isEnabled()]
    assert reached == enabled

    # From the navigation, Tab goes on into the screen, in reading order.
    window.switch_button.setFocus()
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    assert QApplication.focusWidget() is window.home.study_button
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    assert QApplication.focusWidget() is window.home.quiz_button
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    assert QApplication.focusWidget() is window.home.read_button
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    assert QApplication.focusWidget() is window.home.exam_button
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    assert QApplication.focusWidget() is window.home.topic_rows[0].study_button

    buttons[Screen.SETTINGS].setFocus()
    press(qtbot, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)
    assert window.current_screen() is Screen.SETTINGS
    buttons[Screen.PACKS].setFocus()
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert window.current_screen() is Screen.PACKS


def test_only_home_is_built_at_start_and_the_other_screens_when_first_opened(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    assert window.stack.count() == 1
    assert window.progress_screen is None and window.class_report is None
    window.go(Screen.SETTINGS)
    settings = window.settings
    assert isinstance(settings, SettingsScreen) and window.current_screen() is Screen.SETTINGS
    window.go(Screen.PACKS)
    assert isinstance(window.packs, PacksScreen) and window.current_screen() is Screen.PACKS
    window.go(Screen.HOME)
    window.go(Screen.SETTINGS)
    assert window.settings is settings  # built once
    assert window.stack.count() == 3


def test_the_packs_screen_built_while_a_job_runs_shows_it_running(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    release = threading.Event()
    window.runner.run(release.wait, lambda _result: None, lambda _error: None)
    try:
        window.go(Screen.PACKS)
        assert window.packs.busy.isVisibleTo(window.packs)
        assert not window.packs.import_button.isEnabled()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not window.runner.busy)
    assert window.packs.import_button.isEnabled()


def test_study_and_quiz_screens_return_home_when_closed(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    qtbot.mouseClick(window.home.study_button, Qt.MouseButton.LeftButton)
    study = window.study_screen
    assert study is not None and window.stack.currentWidget() is study
    study.closed.emit()  # type: ignore[attr-defined]
    assert window.study_screen is None
    assert window.current_screen() is Screen.HOME
    assert window.stack.indexOf(study) == -1

    qtbot.mouseClick(window.home.quiz_button, Qt.MouseButton.LeftButton)
    quiz = window.quiz_screen
    assert quiz is not None and window.stack.currentWidget() is quiz
    quiz.closed.emit()  # type: ignore[attr-defined]
    assert window.quiz_screen is None
    assert window.current_screen() is Screen.HOME


def test_study_returns_to_a_session_in_progress_and_starts_anew_after_a_finished_one(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    window.go(Screen.STUDY)
    study = window.study_screen
    assert isinstance(study, StudyScreen) and study.stage.view is not None
    item = study.current_item
    assert item is not None
    study.stage.view.answered.emit(GivenAnswer(wrong_response(item.question)))
    window.go(Screen.HOME)
    window.go(Screen.STUDY)
    assert window.study_screen is study and not study.showing_summary

    qtbot.mouseClick(study.finish_button, Qt.MouseButton.LeftButton)
    assert study.showing_summary
    window.go(Screen.HOME)
    window.go(Screen.STUDY)
    again = window.study_screen
    assert isinstance(again, StudyScreen) and again is not study
    assert not again.showing_summary and again.current_item is not None


def test_study_this_topic_opens_a_session_on_that_topic(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    beta = next(row for row in window.home.topic_rows if row.topic.topic_id == "beta")
    qtbot.mouseClick(beta.study_button, Qt.MouseButton.LeftButton)
    study = window.study_screen
    assert study is not None
    assert study.session.topics == frozenset({("test-pack", "beta")})  # type: ignore[attr-defined]


def test_switch_learner_from_the_menu(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    window.open_learner_picker()
    picker = window.learner_picker
    assert picker is not None
    qtbot.keyClicks(picker.name_edit, "Chris")
    qtbot.keyClick(picker.name_edit, Qt.Key.Key_Return)

    assert window.learner.name == "Chris"
    assert window.windowTitle() == "Chris — crisisquiz"
    assert window.current_screen() is Screen.HOME
    assert window.home.greeting.text() == "Hi, Chris"
    assert services.settings.load().last_learner_id == window.learner.id


def test_manage_learners_renames_and_removes_after_asking(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.learners.create("Ben", now=services.clock())
    dialog = ManageLearnersDialog(services, learner.id)
    qtbot.addWidget(dialog)
    dialog.show()
    # The learner using the app cannot be removed from under themselves.
    assert dialog.names.currentItem().text() == "Ana (studying now)"
    assert not dialog.remove_button.isEnabled()

    monkeypatch.setattr(QInputDialog, "getText", lambda *_args, **_kw: ("Anna", True))
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert services.learners.get(learner.id).name == "Anna"

    dialog.names.setCurrentRow(1)  # Ben
    asked: list[str] = []

    def answer(box: QMessageBox, reply: QMessageBox.StandardButton) -> int:
        asked.append(box.text())
        return reply.value

    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: answer(box, QMessageBox.StandardButton.Cancel)
    )
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert [x.name for x in services.learners.list()] == ["Anna", "Ben"]
    assert "Remove Ben?" in asked[0]

    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: answer(box, QMessageBox.StandardButton.Yes)
    )
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert [x.name for x in services.learners.list()] == ["Anna"]
    with pytest.raises(LearnerError):
        services.learners.by_name("Ben")


def test_help_lists_the_shortcuts(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    press(qtbot, Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.windowTitle().startswith("Keyboard")]
    assert len(dialogs) == 1
    listing: QWidget = dialogs[0]
    assert "Ctrl+5: Packs" in " ".join(
        child.accessibleDescription() for child in listing.findChildren(QWidget)
    )
    listing.close()
    assert window.isVisible()


def test_screenshots_draw_the_screens_at_1024_by_768(
    tmp_path: Path, appearance: Appearance
) -> None:
    from crisisquiz.gui.screenshots import render

    written = render(tmp_path, 1.0, only=("home", "packs-import-error", "reading-guide"))
    assert sorted(path.name for path in written) == [
        "home-dark.png",
        "home-light.png",
        "packs-import-error-dark.png",
        "packs-import-error-light.png",
        "reading-guide-dark.png",
        "reading-guide-light.png",
    ]
    for path in written:
        size = QImage(str(path)).size()
        if path.name.startswith("reading"):
            # The reading window as it opens over the main window: most of it, not
            # shrunk to its smallest size.
            assert size.width() > 0.8 * 1024 and size.height() > 0.8 * 768
        else:
            assert size == QSize(1024, 768)


def test_the_app_starts_with_the_picker_then_remembers_the_learner(
    tmp_path: Path,
    qapp: QApplication,
    appearance: Appearance,
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
) -> None:
    from crisisquiz.core.app_context import AppContext
    from crisisquiz.gui.app import run_app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its own
    titles: list[str] = []

    def close_window() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        shown = [w for w in windows if w.isVisible()]
        titles.extend(w.windowTitle() for w in shown)
        for window in shown:
            window.close()

    def pick_name() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, LearnerPickerDialog):
            dialog.name_edit.setText("Lena")
            dialog.create_button.click()
        QTimer.singleShot(0, close_window)

    for _start in range(2):
        ctx = AppContext(tmp_path / "data", clock=lambda: now)
        QTimer.singleShot(0, pick_name)
        guard = QTimer()  # a failed step must not leave the test waiting for ever
        guard.setSingleShot(True)
        guard.timeout.connect(qapp.quit)
        guard.start(20_000)
        try:
            assert run_app(ctx) == 0
        finally:
            guard.stop()
            ctx.close()
    # The second start went straight to the window, for the learner created in the first.
    assert titles == ["Lena — crisisquiz", "Lena — crisisquiz"]


def test_changing_the_packs_closes_an_open_study_session(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    small_pack_text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    window.go(Screen.STUDY)
    assert window.study_screen is not None
    path = tmp_path / "other.toml"
    path.write_text(small_pack_text.replace('id = "test-pack"', 'id = "other"'), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))

    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # File ▸ Import pack
    # The file is read, then shown before anything is stored; Enter confirms.
    qtbot.waitUntil(lambda: window.packs.preview is not None and window.packs.preview.isVisible())
    with qtbot.waitSignal(window.packs.packs_changed):
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert window.current_screen() is Screen.PACKS
    assert window.study_screen is None
    assert window.packs.card_for("other") is not None
