"""Packs: importing good and broken packs, exporting and removing, all off the GUI thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from small_pack import with_five_mistakes

from crisisquiz.core.pack_loader import PackError, load_pack
from crisisquiz.gui.packs_screen import JSON_FILTER, TOML_FILTER, PacksScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.worker import TaskRunner


@pytest.fixture
def screen(qtbot: QtBot, services: Services) -> Iterator[PacksScreen]:
    runner = TaskRunner()
    packs = PacksScreen(services, runner)
    qtbot.addWidget(packs)
    packs.refresh()
    packs.resize(1024, 768)
    packs.show()
    # The page lays itself out once events run; a click before that would miss the button.
    qtbot.waitUntil(lambda: packs.import_button.height() > 0)
    yield packs
    runner.wait()


def other_pack(small_pack_text: str) -> str:
    return small_pack_text.replace('id = "test-pack"', 'id = "other-pack"').replace(
        'title = "Test pack"', 'title = "Other pack"'
    )


def broken_pack(small_pack_text: str) -> str:
    """The small pack with three mistakes: a bad version, a wrong answer, a repeated id."""
    text = other_pack(small_pack_text).replace('version = "1.0.0"', 'version = "1.0"')
    text = text.replace('answer = "Khrushchev"\nexplanation', 'answer = "Castro"\nexplanation')
    return text.replace('id = "tf"', 'id = "ms"')


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def answer_box(monkeypatch: pytest.MonkeyPatch, reply: QMessageBox.StandardButton) -> list[str]:
    """Make every confirmation answer ``reply``; returns the questions asked."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        return reply.value

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def wait_idle(qtbot: QtBot, screen: PacksScreen) -> None:
    qtbot.waitUntil(lambda: not screen._runner.busy)


def confirm_preview(qtbot: QtBot, screen: PacksScreen) -> None:
    """Wait for the file to be read, then choose Import in its preview."""
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible())
    assert screen.preview is not None
    qtbot.mouseClick(screen.preview.import_button, Qt.MouseButton.LeftButton)


def test_a_broken_pack_lists_every_problem_and_changes_nothing(
    qtbot: QtBot,
    screen: PacksScreen,
    services: Services,
    small_pack_text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(broken_pack(small_pack_text), encoding="utf-8")
    with pytest.raises(PackError) as refused:
        load_pack(path)
    expected = [str(issue) for issue in refused.value.issues]
    assert len(expected) >= 3
    before = services.packs.list_packs()
    choose_file(monkeypatch, path)

    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, screen)

    result = screen.result
    assert result.isVisibleTo(screen)
    assert result.title.text() == "⚠ broken.toml was not imported"
    assert f"{len(expected)} problems" in result.message.text()
    assert "nothing changed" in result.message.text()
    assert result.issue_texts() == expected  # every problem, each on its own line
    assert result.issues.isVisibleTo(screen)
    assert services.packs.list_packs() == before
    assert [card.pack.id for card in screen.cards] == ["test-pack"]

    qtbot.mouseClick(result.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "\n".join(expected)


def test_the_five_commonest_slips_are_listed_in_a_teachers_words(
    qtbot: QtBot, screen: PacksScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "first-try.toml"
    path.write_text(with_five_mistakes(), encoding="utf-8")
    choose_file(monkeypatch, path)
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, screen)
    listed = screen.result.issue_texts()
    assert len(listed) == 5
    # The very lines the command line prints (tests/cli checks those against the loader).
    with pytest.raises(PackError) as refused:
        load_pack(path)
    assert listed == [str(issue) for issue in refused.value.issues]
    assert "has no closing quote" in listed[0]
    assert "typographic quotes" in listed[1]
    assert "double square brackets" in listed[2]
    assert "is not an id" in listed[3]
    assert "whole number" in listed[4]


def test_a_changed_pack_with_an_unchanged_version_is_told_to_raise_it(
    qtbot: QtBot,
    screen: PacksScreen,
    services: Services,
    small_pack_text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "changed.toml"
    path.write_text(small_pack_text.replace("Year of the crisis?", "Which year?"), "utf-8")
    choose_file(monkeypatch, path)
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    confirm_preview(qtbot, screen)
    wait_idle(qtbot, screen)
    assert screen.result.title.text() == "⚠ changed.toml was not imported"
    message = screen.result.message.text()
    assert message.startswith("Pack 'test-pack' version 1.0.0 is already installed, and this")
    assert "to 1.0.1 for corrections or 1.1.0 for new questions" in message
    assert "A newer version" not in message


def test_a_good_pack_is_imported_and_listed(
    qtbot: QtBot,
    screen: PacksScreen,
    services: Services,
    small_pack_text: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "other.toml"
    path.write_text(other_pack(small_pack_text), encoding="utf-8")
    choose_file(monkeypatch, path)

    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.packs_changed):
        confirm_preview(qtbot, screen)

    assert "Other pack" in {p.title for p in services.packs.list_packs()}
    card = screen.card_for("other-pack")
    assert card is not None and card.title.text() == "Other pack"
    assert card.meta.text() == "Version 1.0.0 · 9 questions · 2 topics"
    assert screen.result.title.text() == "✓ Pack imported"
    assert not screen.result.issues.isVisibleTo(screen)

    # The same file again changes nothing, and says so.
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    confirm_preview(qtbot, screen)
    wait_idle(qtbot, screen)
    assert screen.result.title.text() == "✓ Already installed"


def test_a_missing_file_is_explained(
    qtbot: QtBot, screen: PacksScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, tmp_path / "gone.toml")
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, screen)
    assert screen.result.title.text() == "⚠ gone.toml was not imported"
    assert screen.result.issue_texts() == [f"{tmp_path / 'gone.toml'}: no such file or folder"]


def test_removing_asks_first_and_names_the_pack(
    qtbot: QtBot, screen: PacksScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = screen.card_for("test-pack")
    assert card is not None and card.remove_button.isEnabled()

    asked = answer_box(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(card.remove_button, Qt.MouseButton.LeftButton)
    assert "“Test pack”" in asked[0] and "progress" in asked[0]
    assert [p.id for p in services.packs.list_packs()] == ["test-pack"]

    answer_box(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(screen.packs_changed):
        qtbot.mouseClick(card.remove_button, Qt.MouseButton.LeftButton)
    assert services.packs.list_packs() == []
    assert screen.cards == []
    assert screen.empty_label.isVisibleTo(screen)
    assert screen.result.title.text() == "✓ Pack removed"


def test_the_builtin_pack_cannot_be_removed(
    qtbot: QtBot, services: Services, small_pack_text: str
) -> None:
    from crisisquiz.core.pack_loader import parse_pack_text

    services.packs.import_pack(
        parse_pack_text(other_pack(small_pack_text)), now=services.clock(), builtin=True
    )
    runner = TaskRunner()
    screen = PacksScreen(services, runner)
    qtbot.addWidget(screen)
    screen.refresh()
    card = screen.card_for("other-pack")
    assert card is not None
    assert not card.remove_button.isEnabled()
    assert "cannot be removed" in card.remove_button.accessibleDescription()


@pytest.mark.parametrize(
    ("name", "chosen_filter"), [("out.json", JSON_FILTER), ("out", TOML_FILTER)]
)
def test_export_writes_json_or_toml(
    qtbot: QtBot,
    screen: PacksScreen,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    chosen_filter: str,
) -> None:
    target = tmp_path / name
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), chosen_filter)
    )
    card = screen.card_for("test-pack")
    assert card is not None
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, screen)

    assert screen.result.title.text() == "✓ Pack exported"
    if chosen_filter == JSON_FILTER:
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["pack"]["id"] == "test-pack"
        assert len(data["questions"]) == 9
    else:
        written = target.with_suffix(".toml")
        assert str(written) in screen.result.message.text()
        assert len(load_pack(written).questions) == 9


def test_export_to_a_folder_that_cannot_be_written_says_what_to_do(
    qtbot: QtBot, screen: PacksScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "no-such-folder" / "out.toml"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), TOML_FILTER)
    )
    card = screen.card_for("test-pack")
    assert card is not None
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, screen)
    assert screen.result.title.text() == "⚠ “Test pack” was not exported"
    assert "Choose another folder" in screen.result.message.text()


def test_work_runs_off_the_gui_thread_with_a_busy_indicator(
    qtbot: QtBot, screen: PacksScreen
) -> None:
    gate = threading.Event()
    ran_on: list[threading.Thread] = []
    results: list[object] = []

    def slow() -> str:
        ran_on.append(threading.current_thread())
        gate.wait(timeout=10)
        return "done"

    screen._runner.run(slow, results.append, results.append)
    assert screen.busy.isVisibleTo(screen)
    assert not screen.import_button.isEnabled()
    card = screen.card_for("test-pack")
    assert card is not None and not card.remove_button.isEnabled()

    gate.set()
    qtbot.waitUntil(lambda: results == ["done"])
    assert ran_on and ran_on[0] is not threading.main_thread()
    assert not screen.busy.isVisibleTo(screen)
    assert screen.import_button.isEnabled()
    assert card.remove_button.isEnabled()
