"""File ▸ Backups… in the window, and the start-up offer of the newest backup for damaged data."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.app_settings import AppSettings, SettingsService
from crisisquiz.core.backups import BackupService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.study import StudyService
from crisisquiz.gui.app import AppController
from crisisquiz.gui.backups_dialog import BackupsDialog
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.storage.database import DATABASE_FILE

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def answers_in(folder: Path) -> int:
    connection = sqlite3.connect(folder / DATABASE_FILE)
    try:
        return int(connection.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Lena's data folder: the built-in pack and three answers."""
    clock = Clock()
    ctx = AppContext(tmp_path / "data", clock=clock)
    lena = LearnerService(ctx.database).create("Lena", now=clock())
    SettingsService(ctx.database).save(AppSettings(last_learner_id=lena.id))
    session = StudyService(ctx.database, tz=UTC, rng=random.Random(1)).start(lena.id, now=clock())
    for _ in range(3):
        item = session.next_item(clock.now)
        assert item is not None
        session.answer(item, "no idea", now=clock(), response_ms=800)
    ctx.close()
    return tmp_path / "data"


@pytest.fixture
def controller(qapp: QApplication, data: Path) -> Iterator[AppController]:
    made = AppController(qapp, AppContext(data, clock=Clock()))
    yield made
    if made.window is not None:
        made.window.close()
    made._ctx.close()
    style = qapp.style().name()
    qapp.setStyleSheet("")
    qapp.setStyle(style)


def answer_boxes(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        return answer.value

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def shown(qtbot: QtBot, controller: AppController) -> MainWindow:
    window = controller.window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def open_backups(qtbot: QtBot, window: MainWindow) -> BackupsDialog:
    """Alt+F, then B: File ▸ Backups…, as by hand."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    qtbot.keyClick(menu, "b")
    qtbot.waitUntil(lambda: isinstance(window.backups_dialog, BackupsDialog))
    dialog = window.backups_dialog
    assert isinstance(dialog, BackupsDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_backing_up_from_the_file_menu_and_restoring_with_one_confirmation(
    qtbot: QtBot, controller: AppController, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert controller.start() is None
    window = shown(qtbot, controller)
    dialog = open_backups(qtbot, window)
    assert dialog.table.rowCount() == 0
    assert "No backups yet" in dialog.status.text()

    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("✓ Backed up"))
    assert dialog.table.rowCount() == 1
    assert "1 learner and 3 answers" in dialog.status.text()
    cells = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert cells[1] == "made by hand" and cells[3:] == ["1", "3"]

    # Lena answers more after the backup; then puts the backup back.
    with sqlite3.connect(data / DATABASE_FILE) as connection:
        connection.execute("DELETE FROM reviews WHERE id = (SELECT max(id) FROM reviews)")
    assert answers_in(data) == 2
    asked = answer_boxes(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.table.setFocus()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.window is not window)
    assert len(asked) == 2  # the one confirmation, then "Backup restored"
    assert "Put the backup of 2 March 2026" in asked[0]
    assert "Your data is now as it was on" in asked[1]
    assert answers_in(data) == 3
    reasons = [b.reason for b in BackupService(data, clock=Clock(), tz=UTC).backups()]
    assert "before-restore" in reasons and "manual" in reasons


def test_damaged_data_at_start_is_replaced_by_the_newest_good_backup_with_one_confirmation(
    qapp: QApplication, data: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    backups = BackupService(data, clock=Clock(), tz=UTC)
    backups.back_up("automatic")
    # A newer backup, of two answers, is itself damaged: it is passed over, not offered.
    connection = sqlite3.connect(data / DATABASE_FILE)
    connection.execute("DELETE FROM reviews WHERE id = (SELECT max(id) FROM reviews)")
    connection.commit()
    connection.close()
    newer = backups.back_up("manual").path
    spoilt = bytearray(newer.read_bytes())
    spoilt[len(spoilt) // 2] ^= 0xFF
    newer.write_bytes(bytes(spoilt))
    path = data / DATABASE_FILE
    raw = bytearray(path.read_bytes())
    for number in range(3, len(raw) // 4096 - 1):
        raw[number * 4096 : number * 4096 + 64] = b"\xde\xad" * 32
    path.write_bytes(bytes(raw))

    asked = answer_boxes(monkeypatch, QMessageBox.StandardButton.Yes)
    controller = AppController(qapp, AppContext(data, clock=Clock()))
    try:
        assert controller.start() is None
        assert len(asked) == 1
        assert "is damaged" in asked[0]
        assert "The newest good backup is from 2 March 2026" in asked[0]
        assert "holds 1 learner and 3 answers" in asked[0]
        window = shown(qtbot, controller)
        assert "Lena" in window.windowTitle()
        kept = [p for p in data.iterdir() if ".damaged-" in p.name]
        assert len(kept) == 1 and kept[0].read_bytes() == bytes(raw)
        assert answers_in(data) == 3
    finally:
        if controller.window is not None:
            controller.window.close()
        controller._ctx.close()


def test_damaged_data_is_left_alone_when_the_offer_is_declined(
    qapp: QApplication, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    BackupService(data, clock=Clock(), tz=UTC).back_up("automatic")
    path = data / DATABASE_FILE
    raw = bytearray(path.read_bytes())
    del raw[len(raw) // 2 :]
    path.write_bytes(bytes(raw))
    answer_boxes(monkeypatch, QMessageBox.StandardButton.No)
    controller = AppController(qapp, AppContext(data, clock=Clock()))
    assert controller.start() == 1
    assert path.read_bytes() == bytes(raw)
    assert not [p for p in data.iterdir() if ".damaged-" in p.name]
