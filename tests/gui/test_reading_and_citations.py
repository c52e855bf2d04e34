"""Quotations above questions, sources named properly after answering, and Read first.

Entered the way a learner does: from Home through the main window, keys sent to the
focused widget.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from test_question_views import focused, give_answer, press
from test_shell import open_window

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.reading_dialog import ReadingDialog
from crisisquiz.gui.services import Services
from crisisquiz.gui.study_screen import StudyScreen
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's look; the application's style, font and palette are put back afterwards."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


@pytest.fixture
def cited(database: Database, cited_pack_text: str, clock: object) -> Services:
    built = Services.create(database, clock=clock, tz=UTC, rng=random.Random(3))  # type: ignore[arg-type]
    built.packs.import_pack(parse_pack_text(cited_pack_text), now=built.clock())
    return built


@pytest.fixture
def reader(cited: Services) -> Learner:
    return cited.learners.create("Ana", now=cited.clock())


def reading_dialog(qtbot: QtBot, window: MainWindow) -> ReadingDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReadingDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ReadingDialog)
    assert window.reading_dialog is dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def tab_into(qtbot: QtBot, widget: QWidget) -> None:
    """Tab, as a person would, until the keyboard focus is inside ``widget``."""
    for _ in range(12):
        if widget.isAncestorOf(focused()):
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.objectName()}; focus on {focused()}")


def close_with_escape(qtbot: QtBot, dialog: QDialog) -> None:
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, Qt.Key.Key_Escape)


def test_a_quoted_question_and_its_sources_from_home(
    qtbot: QtBot, cited: Services, reader: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, cited, appearance, reader)
    press(qtbot, Qt.Key.Key_2, CTRL)
    screen = window.study_screen
    assert isinstance(screen, StudyScreen)
    seen = set()
    while len(seen) < 2:
        qtbot.waitUntil(lambda: screen.stage.view is not None)
        view = screen.stage.view
        assert view is not None
        qid = view.item.question.id
        seen.add(qid)
        tab_into(qtbot, view)
        if qid == "decision-month":
            # The quotation stands above the question, with its document named.
            quote = view.quote_label
            assert quote is not None and quote.isVisible()
            assert quote.y() < view.prompt_label.y()
            assert "In March 1962, during a visit to Bulgaria" in quote.text()
            assert quote.accessibleName() == (
                "Quotation from “Khrushchev's account of the crisis deserves a second look”, "
                "The Moscow Times, October 2022, sentence 3: "
                "In March 1962, during a visit to Bulgaria"
            )
        else:
            assert view.quote_label is None
        give_answer(qtbot, view, right=False)
        panel = screen.stage.panel
        qtbot.waitUntil(panel.isVisible)
        source = panel.source_label
        if qid == "decision-month":
            # The document by title, publisher and date; the sentence by what it claims.
            assert source.accessibleName() == (
                "Sources: “Khrushchev's account of the crisis deserves a second look”, "
                "The Moscow Times, October 2022 "
                "Sentence 3 claims: The essay dates Khrushchev's decision to a visit to "
                "Bulgaria in March 1962. "
                "What is wrong: The Bulgaria visit, and the decision, were in May 1962. "
                "Michael Dobbs, One Minute to Midnight (Alfred A. Knopf, 2008)"
            )
            assert "<i>One Minute to Midnight</i>" in source.text()
            assert "sentence 3" not in source.text()
            # Alpha has a guide: read about it from the feedback, then come back.
            assert panel.read_button.isVisible()
            assert focused() is panel.next_button
            press(qtbot, Qt.Key.Key_G, CTRL)
            dialog = reading_dialog(qtbot, window)
            assert dialog.current_title == "Alpha"
            assert "Khrushchev chose to send missiles in May 1962." in dialog.text.toPlainText()
            close_with_escape(qtbot, dialog)
            qtbot.waitUntil(lambda p=panel: focused() is p.next_button)
        else:
            assert source.accessibleName() == (
                "Sources: Michael Dobbs, One Minute to Midnight (Alfred A. Knopf, 2008) "
                "“Class notes”"
            )
            # Beta has no guide, so there is nothing to open.
            assert not panel.read_button.isVisible()
        press(qtbot, Qt.Key.Key_Return)


def test_read_first_from_home_by_button_and_by_keys(
    qtbot: QtBot, cited: Services, reader: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, cited, appearance, reader)
    button = window.home.read_button
    assert button.isVisible()
    assert "Ctrl+G" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = reading_dialog(qtbot, window)
    assert dialog.titles == ["Timeline", "Alpha"]
    assert focused() is dialog.contents
    text = dialog.text.toPlainText()
    assert "1959 — Castro takes power." in text
    assert "May 1962 — Khrushchev decides to send missiles. (Alpha)" in text
    assert "14 October 1962 — A U-2 photographs the sites. (Beta)" in text
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.current_title == "Alpha"
    assert dialog.text.accessibleName() == "Reading: Alpha"
    assert "The quarantine began on 24 October." in dialog.text.toPlainText()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.text
    close_with_escape(qtbot, dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    # The menu's shortcut opens it too, from anywhere outside an answered question.
    press(qtbot, Qt.Key.Key_G, CTRL)
    dialog = reading_dialog(qtbot, window)
    assert dialog.current_title == "Timeline"
    close_with_escape(qtbot, dialog)


def test_with_nothing_to_read_the_reading_says_so(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    window = open_window(qtbot, services, appearance, learner)
    press(qtbot, Qt.Key.Key_G, CTRL)
    dialog = reading_dialog(qtbot, window)
    assert dialog.titles == []
    assert "no study guides or timeline yet" in dialog.text.toPlainText()
    close_with_escape(qtbot, dialog)
