"""The import dialog as a screen reader user meets it: names, spoken lines, focus order.

Entered from the main window's File menu (Alt+F, I), moved through with Tab alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot
from samples import SAMPLES, need_samples

from crisisquiz.core.learners import Learner
from crisisquiz.gui.import_preview import ImportPreview
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def open_preview(
    qtbot: QtBot,
    services: Services,
    appearance: Appearance,
    learner: Learner,
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
) -> ImportPreview:
    """The main window, then File ▸ Import pack… by the keyboard, on ``path``."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    window = MainWindow(services, appearance, learner)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: not window.home.topics_pending)
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    popup = QApplication.activePopupWidget()
    assert popup is not None
    qtbot.keyClick(popup, Qt.Key.Key_I)
    packs = window.packs
    qtbot.waitUntil(lambda: packs.preview is not None and packs.preview.isVisible())
    preview = packs.preview
    assert preview is not None
    qtbot.waitUntil(preview.isActiveWindow)
    return preview


def press(
    qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key pressed where the focus is."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, which, modifier)


def tab_through(qtbot: QtBot, stops: int) -> list[QWidget]:
    """The widgets the focus visits with Tab, starting where it is."""
    visited = []
    for _ in range(stops):
        focus = QApplication.focusWidget()
        assert focus is not None
        visited.append(focus)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    return visited


def spoken(widget: QWidget) -> str:
    """What a screen reader says a widget is: its accessible name, else its label's.

    On Linux Qt names a combo box by its value and points to its label by a "labelled
    by" relation, which a screen reader reads first: that label's text is taken here.
    """
    access = QAccessible.queryAccessibleInterface(widget)
    assert access is not None
    labels = [
        other.text(QAccessible.Text.Name)
        for other, relation in access.relations(QAccessible.Relation.Label)
        if other is not None
    ]
    if isinstance(widget, QComboBox) and labels:
        return labels[0].rstrip(":")
    return access.text(QAccessible.Text.Name)


@need_samples
def test_a_moodle_file_s_dialog_reads_in_order_with_every_stop_named(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = SAMPLES / "gift" / "giftFormatPhpExamples.gift"
    preview = open_preview(qtbot, services, appearance, learner, monkeypatch, path)
    # The dialog says what it is and, as it opens, what the file brings.
    assert preview.accessibleName() == "Check giftFormatPhpExamples.gift before importing"
    assert preview.accessibleDescription().startswith(
        "10 questions in giftFormatPhpExamples.gift (Moodle GIFT)"
    )
    stops = tab_through(qtbot, 7)
    assert [spoken(w) for w in stops] == [
        "Pack title",
        "Pack id",
        "Pack version",
        "What happens to each question",
        "Import",
        "Cancel",
        "Pack title",
    ]
    assert preview.import_button.accessibleDescription() == "Store these 10 questions as a pack"
    # Each line is read as words: no mark, question types not written as code names.
    lines = [
        preview.entries.item(i).data(Qt.ItemDataRole.AccessibleTextRole)
        for i in range(preview.entries.count())
    ]
    assert lines and all(line[0].isalnum() for line in lines)
    assert any("changed as multiple choice" in line for line in lines)
    assert any("converted as true false" in line for line in lines)
    code_names = ("as multiple_choice", "as true_false", "as short_answer")
    assert not any(name in line for line in lines for name in code_names)


def test_a_quizlet_file_s_choices_are_named_by_their_labels_and_in_form_order(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("Havana\tCapital of Cuba\nMoscow\tCapital of the USSR\n", encoding="utf-8")
    preview = open_preview(qtbot, services, appearance, learner, monkeypatch, path)
    assert QApplication.focusWidget() is preview.title_field
    stops = tab_through(qtbot, 9)
    # The custom fields are passed over while their choice is not "Custom".
    assert [spoken(w) for w in stops] == [
        "Pack title",
        "Pack id",
        "Pack version",
        "Between term and definition",
        "Between rows",
        "Each row becomes",
        "What happens to each question",
        "Import",
        "Cancel",
    ]
    # On Linux a combo box is named by its value; its label is its buddy, which a screen
    # reader reads with it.
    for combo, words in (
        (preview.term_choice, "Between t&erm and definition:"),
        (preview.row_choice, "Between ro&ws:"),
        (preview.kind_choice, "Each row &becomes:"),
    ):
        label = next(lb for lb in preview.findChildren(QLabel) if lb.text() == words)
        assert label.buddy() is combo
    assert preview.term_choice.currentText() == "Tab"

    # A problem is heard: the dialog's description says why nothing comes in, and the
    # problem's label is named by its text, not by a word that hides it.
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is preview.term_choice
    with qtbot.waitSignal(preview.reread):
        press(qtbot, Qt.Key.Key_Down)  # Comma
    assert not preview.import_button.isEnabled()
    assert "line 1: needs a term and a definition with a comma" in preview.error.text()
    assert preview.error.accessibleName() == ""
    assert "needs a term and a definition" in preview.accessibleDescription()
    # Custom: its field joins the Tab order, named for what it holds.
    with qtbot.waitSignal(preview.reread):
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is preview.term_custom
    assert spoken(preview.term_custom) == "Custom text between term and definition"
    assert "Type what stands between term and definition" in preview.accessibleDescription()


def test_a_refused_version_is_heard_on_the_field_it_is_about(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("Havana\tCapital of Cuba\nMoscow\tCapital of the USSR\n", encoding="utf-8")
    preview = open_preview(qtbot, services, appearance, learner, monkeypatch, path)
    press(qtbot, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    field = QApplication.focusWidget()
    assert field is preview.version_field
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "two")
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is preview.version_field
    assert "is not a version" in preview.version_field.accessibleDescription()
