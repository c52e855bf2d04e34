"""Text from packs and names is shown as text: never drawn as pictures, links or markup.

A pack title with an <img> tag would otherwise load a picture from the disk, and a
learner called <a href=...> would be a link to click. Every screen is opened the way a
person opens it, and every label, tooltip and confirmation is looked at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from small_pack import SMALL_PACK
from test_question_views import give_answer, press

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.pack_schema import Cloze
from crisisquiz.gui.main_window import MainWindow, Screen
from crisisquiz.gui.progress_screen import ProgressScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database

PICTURE = '<img src="/tmp/crisisquiz-evil.png">'
LINK = '<a href="https://example.org/">click</a>'
HOSTILE = f"{PICTURE} {LINK}"


def hostile_pack() -> str:
    return (
        SMALL_PACK.replace('title = "Test pack"', f"title = 'Test pack {HOSTILE}'")
        .replace('title = "Alpha"', f"title = 'Alpha {HOSTILE}'")
        .replace('title = "Beta"', f"title = 'Beta {LINK}'")
        .replace('title = "Class notes"', f"title = 'Class notes {PICTURE}'")
        .replace('prompt = "Who led the Soviet Union in 1962?"', f"prompt = 'Who led? {HOSTILE}'")
        .replace("{{U-2}}", "{{<b>U-2</b>}}")
        .replace(
            'explanation = "Brezhnev replaced him in 1964."',
            f"explanation = 'Brezhnev replaced him. {HOSTILE}'",
        )
    )


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


@pytest.fixture
def hostile(database: Database, clock: object) -> Services:
    services = Services.create(database, clock=clock, tz=UTC, rng=random.Random(3))  # type: ignore[arg-type]
    services.packs.import_pack(parse_pack_text(hostile_pack()), now=services.clock())
    return services


@pytest.fixture
def named(hostile: Services) -> Learner:
    return hostile.learners.create(f"Ana {LINK}", now=hostile.clock())


def _model_tooltips(model: QAbstractItemModel) -> Iterator[str]:
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a list model keeps its column count to itself: one column
        columns = 1
    for row in range(model.rowCount(root)):
        for column in range(columns):
            tip = model.data(model.index(row, column, root), Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield tip
    for column in range(columns):
        tip = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        if isinstance(tip, str):
            yield tip


def markup_shown(root: QWidget) -> list[str]:
    """Every place under ``root`` where pack or learner text would be read as markup."""
    found = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if ("<img" in text or "<a " in text or "<b>U-2" in text) and (
            label.textFormat() != Qt.TextFormat.PlainText
        ):
            found.append(f"label {label.objectName() or type(label.parent()).__name__}: {text!r}")
    tips = [w.toolTip() for w in [root, *root.findChildren(QWidget)]]
    for view in root.findChildren(QAbstractItemView):
        if view.model() is not None:
            tips += list(_model_tooltips(view.model()))
    found += [f"tooltip {tip!r}" for tip in tips if "<img" in tip or "<a " in tip]
    return found


def open_window(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> MainWindow:
    window = MainWindow(services, appearance, learner)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.home.topics_drawn)
    return window


def test_every_screen_shows_hostile_titles_names_and_prompts_as_text(
    qtbot: QtBot, hostile: Services, named: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, hostile, appearance, named)
    assert markup_shown(window) == []
    progress = window._ensure_progress_screen()
    assert isinstance(progress, ProgressScreen)
    with qtbot.waitSignal(progress.figures_shown, timeout=10_000):
        press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert markup_shown(window) == [], "progress"
    for key, screen in ((Qt.Key.Key_5, Screen.PACKS), (Qt.Key.Key_6, Screen.SETTINGS)):
        press(qtbot, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda s=screen: window.current_screen() is s)
        assert markup_shown(window) == [], screen
    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_screen() is Screen.QUIZ)
    assert markup_shown(window) == [], "quiz"

    # Study until the cloze is answered wrongly: its marks show each blank's answer.
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    study = window.study_screen
    assert study is not None
    for _ in range(12):
        view = study.stage.view
        assert view is not None
        cloze = isinstance(view.item.question, Cloze)
        give_answer(qtbot, view, right=False)
        assert markup_shown(window) == []
        if cloze:
            marks = [m for m in view.marks if m.isVisible()]  # type: ignore[attr-defined]
            assert marks and marks[0].text() == "✗ (<b>U-2</b>)"
            break
        press(qtbot, Qt.Key.Key_Return)
    else:
        pytest.fail("the cloze question never came")


def test_the_remove_and_reset_confirmations_show_names_as_text(
    qtbot: QtBot,
    hostile: Services,
    named: Learner,
    appearance: Appearance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[str, Qt.TextFormat]] = []

    def exec_(box: QMessageBox) -> int:
        asked.append((box.text(), box.textFormat()))
        return QMessageBox.StandardButton.Cancel.value

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    window = open_window(qtbot, hostile, appearance, named)
    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    card = window.packs.card_for("test-pack")
    assert card is not None
    qtbot.mouseClick(card.remove_button, Qt.MouseButton.LeftButton)
    press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(window.settings.reset_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert PICTURE in asked[0][0] and LINK in asked[1][0]
    assert [fmt for _text, fmt in asked] == [Qt.TextFormat.PlainText] * 2
