"""A teacher brings a Moodle file in through the window, checks it, studies it, sends packs out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import Number
from crisisquiz.gui.main_window import MainWindow, Screen
from crisisquiz.gui.packs_screen import EXPORT_FILTERS
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.interop.registry import Format, ReadOptions, detect_format, read_pack

GIFT = """\
$CATEGORY: $course$/top/Missiles

::R-12 range:: Range of the R-12 missile, in thousands of kilometres? {#2.08:0.1}

::Essay:: Write about the crisis. {}
"""


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
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
    qtbot.waitUntil(lambda: not window.home.topics_pending)
    return window


def focused() -> QLineEdit:
    widget = QApplication.focusWidget()
    assert isinstance(widget, QLineEdit), widget
    return widget


def key(
    qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, which, modifier)


def test_a_moodle_file_is_checked_renamed_imported_and_studied(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "missiles.gift"
    path.write_text(GIFT, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    window = open_window(qtbot, services, appearance, learner)

    key(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # File ▸ Import pack
    packs = window.packs
    qtbot.waitUntil(lambda: packs.preview is not None and packs.preview.isVisible())
    preview = packs.preview
    assert preview is not None
    # What will come in and what will not, before anything is stored.
    listed = [preview.entries.item(i).text() for i in range(preview.entries.count())]
    assert any("✗" in line and "essay" in line for line in listed)
    assert any("changed as number" in line for line in listed)
    assert "1 converted with changes, 1 skipped" in preview.summary.text()
    assert services.packs.installed_version("missiles") is None

    # The title field has the focus: the teacher gives the pack a better title.
    field = focused()
    assert field is preview.title_field
    field.selectAll()
    qtbot.keyClicks(field, "Soviet missiles")
    # A version that is no version is refused in the dialog, which stays open.
    preview.version_field.setFocus()
    preview.version_field.selectAll()
    qtbot.keyClicks(preview.version_field, "one")
    key(qtbot, Qt.Key.Key_Return)
    assert preview.isVisible() and preview.error.isVisible()
    assert "is not a version" in preview.error.text()
    assert focused() is preview.version_field
    qtbot.keyClicks(preview.version_field, "1.0.0")
    with qtbot.waitSignal(packs.packs_changed):
        key(qtbot, Qt.Key.Key_Return)
    card = packs.card_for("missiles")
    assert card is not None and card.title.text() == "Soviet missiles"

    # Study it at once from Home, by the new topic's own button.
    window.activateWindow()  # the dialog has closed; the offscreen platform needs telling
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() is Screen.HOME
    qtbot.waitUntil(lambda: not window.home.topics_pending)
    row = next(r for r in window.home.topic_rows if r.topic.title == "Missiles")
    qtbot.mouseClick(row.study_button, Qt.MouseButton.LeftButton)
    study = window.study_screen
    assert study is not None
    view = study.stage.view
    assert view is not None and isinstance(view.item.question, Number)
    # The number question takes a decimal comma.
    qtbot.keyClicks(focused(), "2,1")
    key(qtbot, Qt.Key.Key_Return)
    assert study.stage.panel.verdict_label.text() == "✓ Right"


def test_cancel_stores_nothing(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "missiles.gift"
    path.write_text(GIFT, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    window = open_window(qtbot, services, appearance, learner)
    window.go(Screen.PACKS)
    qtbot.mouseClick(window.packs.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.packs.preview is not None and window.packs.preview.isVisible())
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.packs.result.isVisible())
    assert window.packs.result.title.text() == "✓ Nothing imported"
    assert services.packs.installed_version("missiles") is None


@pytest.mark.parametrize(
    "chosen", list(EXPORT_FILTERS), ids=[f.value for f in EXPORT_FILTERS.values()]
)
def test_export_offers_every_format(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chosen: str,
) -> None:
    offered: list[str] = []

    def save_as(*args: object, **_kwargs: object) -> tuple[str, str]:
        offered.extend(str(args[3]).split(";;"))
        return str(tmp_path / "exported"), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    window = open_window(qtbot, services, appearance, learner)
    window.go(Screen.PACKS)
    card = window.packs.card_for("test-pack")
    assert card is not None
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.packs.result.isVisible())
    assert offered == list(EXPORT_FILTERS)
    fmt = EXPORT_FILTERS[chosen]
    written = next(tmp_path.glob("exported.*"))
    assert window.packs.result.title.text() == "✓ Pack exported"
    assert detect_format(written) is fmt
    back = read_pack(written).pack
    # Aiken holds multiple choice (and true/false) only; GIFT one blank per cloze.
    expected = {Format.AIKEN: 2, Format.GIFT: 8}.get(fmt, 9)
    assert len(back.questions) == expected
    if expected < 9:
        # What Aiken cannot hold is listed under the message.
        assert window.packs.result.issue_texts()


def test_a_quizlet_export_laid_out_its_own_way_is_read_as_the_teacher_says(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Quizlet's export with custom settings: " - " between term and definition and a
    # semicolon between rows, all on one line.
    path = tmp_path / "capitals.txt"
    path.write_text(
        "Havana - Capital of Cuba;Moscow - Capital of the Soviet Union;"
        "Washington - Capital of the United States",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    window = open_window(qtbot, services, appearance, learner)
    key(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    packs = window.packs
    qtbot.waitUntil(lambda: packs.preview is not None and packs.preview.isVisible())
    preview = packs.preview
    assert preview is not None
    qtbot.waitUntil(preview.isActiveWindow)

    # Read the usual way (comma between term and definition, rows on lines), nothing
    # comes in; the dialog says where and why, and asks how the file is laid out.
    assert not preview.import_button.isEnabled()
    assert "line 1: needs a term and a definition with a comma" in preview.error.text()
    assert "change how it is laid out" in preview.summary.text()
    assert QApplication.focusWidget() is preview.term_choice
    assert preview.term_choice.currentText() == "Comma"

    # Between rows: Semicolon (Alt+W, then the arrow key).
    key(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is preview.row_choice
    with qtbot.waitSignal(preview.reread):
        key(qtbot, Qt.Key.Key_Down)
    assert preview.row_choice.currentText() == "Semicolon"
    assert "row 1: needs a term and a definition with a comma" in preview.error.text()

    # Between term and definition: Custom, then " - " typed in the field beside it.
    key(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(preview.reread):
        key(qtbot, Qt.Key.Key_End)
    assert preview.term_choice.currentText() == "Custom"
    assert "Type what stands between term and definition" in preview.summary.text()
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is preview.term_custom
    qtbot.keyClicks(focused(), " - ")
    qtbot.waitUntil(lambda: preview.import_button.isEnabled())
    assert "3 questions in capitals.txt" in preview.summary.text()
    listed = [preview.entries.item(i).text() for i in range(preview.entries.count())]
    assert len(listed) == 3 and all("flashcard" in line for line in listed)
    assert preview.converted is not None
    cards = {q.prompt: q.answer for q in preview.converted.pack.questions}
    assert cards["Havana"] == "Capital of Cuba"

    # The title typed by the teacher stays while the rows become short answers.
    key(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert focused() is preview.title_field
    key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "Capitals of 1962")
    key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is preview.kind_choice
    with qtbot.waitSignal(preview.reread):
        key(qtbot, Qt.Key.Key_Down)
    listed = [preview.entries.item(i).text() for i in range(preview.entries.count())]
    assert any("as short answer" in line for line in listed)
    assert preview.title_field.text() == "Capitals of 1962"

    with qtbot.waitSignal(packs.packs_changed):
        key(qtbot, Qt.Key.Key_Return)
    stored = services.packs.installed_version("capitals")
    assert stored == "1.0.0"
    card = packs.card_for("capitals")
    assert card is not None and card.title.text() == "Capitals of 1962"


def test_a_quizlet_file_read_again_says_which_version_is_installed(
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "capitals.txt"
    path.write_text("Havana - Capital of Cuba;Moscow - Capital of the USSR", encoding="utf-8")
    layout = ReadOptions(term_separator=" - ", row_separator=";")
    services.packs.import_pack(read_pack(path, layout).pack, now=services.clock())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    window = open_window(qtbot, services, appearance, learner)
    key(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    packs = window.packs
    qtbot.waitUntil(lambda: packs.preview is not None and packs.preview.isVisible())
    preview = packs.preview
    assert preview is not None
    qtbot.waitUntil(preview.isActiveWindow)
    # Not readable as first guessed, so the pack is not known yet.
    assert "The id names the pack for good" in preview.hint.text()
    key(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(preview.reread):
        key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(preview.reread):
        key(qtbot, Qt.Key.Key_End)
    key(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), " - ")
    qtbot.waitUntil(preview.import_button.isEnabled)
    assert preview.hint.text().startswith("Version 1.0.0 of this pack is installed")
