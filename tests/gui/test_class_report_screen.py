"""Class report: adding learners' results files, the tables, refused and repeated files, saving."""

from __future__ import annotations

import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from crisisquiz.core.class_report import build_class_report
from crisisquiz.core.class_report_tables import csv_paths
from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import MultipleChoice, TrueFalse
from crisisquiz.core.results import export_results, load_results, write_results
from crisisquiz.gui.charts import percent_text
from crisisquiz.gui.class_report_screen import ClassReportScreen
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance


class FakeClock(Protocol):
    """The ``clock`` fixture: a clock the test moves by hand."""

    def __call__(self) -> datetime: ...

    def advance(self, **delta: float) -> None: ...


def study(services: Services, learner: Learner, count: int, *, right: bool) -> None:
    """Answer ``count`` questions through a study session, right or wrong where it can tell."""
    session = services.study.start(learner.id, now=services.clock())
    for _ in range(count):
        item = session.next_item(services.clock())
        assert item is not None
        question = item.question
        response: object = "no idea"
        if isinstance(question, MultipleChoice | TrueFalse):
            response = question.answer if right else _wrong(question)
        session.answer(item, response, now=services.clock(), response_ms=4000)


def _wrong(question: MultipleChoice | TrueFalse) -> object:
    if isinstance(question, TrueFalse):
        return not question.answer
    return next(c for c in question.choices if c != question.answer)


def export(services: Services, learner: Learner, path: Path) -> Path:
    data = export_results(services.database, learner.id, now=services.clock(), file_id=uuid.uuid4())
    write_results(data, path)
    return path


@pytest.fixture
def files(
    services: Services, learner: Learner, clock: FakeClock, tmp_path: Path
) -> dict[str, Path]:
    """Results files of two learners who studied, a copy of one, and a file that is not one."""
    ben = services.learners.create("Ben", now=clock())
    study(services, learner, 9, right=True)
    study(services, ben, 9, right=False)
    clock.advance(hours=2)
    folder = tmp_path / "results"
    ana_file = export(services, learner, folder / "ana.json")
    ben_file = export(services, ben, folder / "ben.json")
    copy = folder / "ana-again.json"
    shutil.copyfile(ana_file, copy)
    bad = folder / "notes.json"
    bad.write_text("these are my notes, not results", encoding="utf-8")
    return {"ana": ana_file, "ben": ben_file, "copy": copy, "bad": bad}


def open_screen(qtbot: QtBot, services: Services) -> ClassReportScreen:
    screen = ClassReportScreen(services)
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    return screen


def add(
    qtbot: QtBot, screen: ClassReportScreen, monkeypatch: pytest.MonkeyPatch, paths: list[Path]
) -> None:
    """Pick ``paths`` in the file dialog, as a teacher does with Add results files."""
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], "")
    )
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.working)


def test_adding_files_shows_the_tables_and_explains_refused_and_repeated_files(
    qtbot: QtBot, services: Services, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_screen(qtbot, services)
    assert screen.empty_state.isVisibleTo(screen)
    assert not screen.csv_button.isEnabled() and not screen.pdf_button.isEnabled()

    add(qtbot, screen, monkeypatch, [files["ana"], files["ben"], files["copy"], files["bad"]])

    expected = build_class_report(
        [load_results(files[k]) for k in ("ana", "ben", "copy")], now=services.clock()
    )
    assert screen.content.isVisibleTo(screen)
    assert not screen.empty_state.isVisibleTo(screen)

    # The refused file, with the core's message naming it and the problem.
    result = screen.result
    assert result.isVisibleTo(screen)
    assert result.title.text() == "⚠ 1 file could not be used"
    (problem,) = result.issue_texts()
    assert str(files["bad"]) in problem and "not valid JSON" in problem
    # The repeated file counts once, and the screen says so once.
    message = result.message.text()
    assert message.count("counts once") == 1
    assert "ana-again.json is left out: it is the same file as ana.json" in message

    files_table = screen.files_table
    assert files_table.column_texts(1) == ["ana.json", "ben.json", "ana-again.json"]
    statuses = files_table.column_texts(3)
    assert statuses[:2] == ["✓ Used", "✓ Used"]
    assert statuses[2] == "✗ Left out: the same file as ana.json"

    learners = screen.learners_table
    assert learners.column_texts(0) == ["Ana", "Ben"]
    topics = [t.title for t in expected.topics]
    headers = [
        str(learners.model().headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
        for c in range(3, learners.model().columnCount())
    ]
    assert headers == topics
    for row, learner in enumerate(expected.learners):
        for column, cell in enumerate(learner.cells, start=3):
            index = learners.proxy.index(row, column)
            text = str(index.data())
            # The number is always written; the colour only adds to it.
            assert text.startswith(percent_text(cell.mastery))
            assert f"{percent_text(cell.accuracy)} right" in text
            assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
            assert learner.name in str(index.data(Qt.ItemDataRole.AccessibleTextRole))

    answered = [q for q in expected.questions if q.learners]
    questions = screen.questions_table
    assert questions.column_texts(0) == [q.prompt for q in answered]
    assert questions.column_texts(2) == [str(q.learners) for q in answered]
    assert len(screen.hardest_labels) == len(expected.hardest)
    # Two learners are too few to rank topics or questions (5 are needed).
    assert expected.weakest_topics == () and expected.hardest == ()
    assert screen.weakest_label.text() == (
        "None yet: a topic is ranked once 5 learners have started it."
    )
    assert screen.csv_button.isEnabled() and screen.pdf_button.isEnabled()


def test_a_file_added_again_counts_once(
    qtbot: QtBot, services: Services, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_screen(qtbot, services)
    add(qtbot, screen, monkeypatch, [files["ana"]])
    add(qtbot, screen, monkeypatch, [files["ana"], files["ben"]])

    assert screen.result.title.text() == "✓ Files added"
    assert "ana.json was added already, so it counts once." in screen.result.message.text()
    assert screen.learners_table.column_texts(0) == ["Ana", "Ben"]
    assert screen.files_table.column_texts(1) == ["ana.json", "ben.json"]


def test_saving_csv_and_pdf_writes_the_files(
    qtbot: QtBot,
    services: Services,
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = open_screen(qtbot, services)
    add(qtbot, screen, monkeypatch, [files["ana"], files["ben"]])
    out = tmp_path / "out"
    out.mkdir()
    suggested: list[str] = []

    def save_as(target: Path) -> Any:
        def choose(*args: Any, **kwargs: Any) -> tuple[str, str]:
            suggested.append(Path(str(args[2])).name)
            return str(target), ""

        return choose

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as(out / "class"))
    qtbot.mouseClick(screen.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.working)
    learners_csv, questions_csv, _answers_csv = csv_paths(out / "class.csv")
    assert learners_csv.read_text(encoding="utf-8-sig").startswith("Learner,")
    assert "Facility %" in questions_csv.read_text(encoding="utf-8-sig")
    message = screen.result.message.text()
    assert str(learners_csv) in message and str(questions_csv) in message

    screen.page_size.setFocus()
    qtbot.keyClick(screen.page_size, Qt.Key.Key_Down)
    assert screen.chosen_page_size() == "letter"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as(out / "class.pdf"))
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.working)
    pdf = out / "class.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert screen.result.title.text() == "✓ PDF saved"
    assert str(pdf) in screen.result.message.text()
    assert "Letter" in screen.result.message.text()
    assert suggested == ["class-report-2026-03-02.csv", "class-report-2026-03-02.pdf"]


def test_a_save_that_fails_says_what_to_do(
    qtbot: QtBot,
    services: Services,
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = open_screen(qtbot, services)
    add(qtbot, screen, monkeypatch, [files["ana"]])
    missing = tmp_path / "no-such-folder" / "class.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), ""))
    qtbot.mouseClick(screen.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.working)

    assert screen.result.title.text() == "⚠ class.pdf was not saved"
    assert "does not exist" in screen.result.message.text()
    assert "Choose another folder" in screen.result.message.text()
    assert screen.pdf_button.isEnabled()


def test_start_over_empties_the_report(
    qtbot: QtBot, services: Services, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = open_screen(qtbot, services)
    add(qtbot, screen, monkeypatch, [files["ana"], files["ben"]])
    qtbot.mouseClick(screen.clear_button, Qt.MouseButton.LeftButton)

    assert screen.report is None and screen.files == []
    assert screen.empty_state.isVisibleTo(screen)
    assert not screen.csv_button.isEnabled()


def test_the_teacher_menu_opens_the_class_report(
    qtbot: QtBot, services: Services, learner: Learner, qapp: Any
) -> None:
    window = MainWindow(services, Appearance(qapp), learner)
    qtbot.addWidget(window)
    window.show()
    window.class_report_action.trigger()

    assert isinstance(window.class_report, ClassReportScreen)
    assert window.stack.currentWidget() is window.class_report
    assert window.class_report.add_button.hasFocus() or not window.isActiveWindow()
