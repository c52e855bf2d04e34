"""Editing in the pack editor: undo and redo, order, search, copies of installed packs,
pictures, saving, opening files, names for screen readers, the window at 200 % text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from editor_harness import Alt, Ctrl, Shift, Teacher
from harness import Driver, open_window
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from small_pack import with_five_mistakes

from crisisquiz.core.app_settings import Theme
from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.gui.editor.fields import ListEditor
from crisisquiz.gui.editor.window import EditorWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.resources import builtin_pack_path

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


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
def app(qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner) -> Driver:
    return open_window(qtbot, services, appearance, learner)


def editor_of(app: Driver) -> Teacher:
    [editor] = app.window.editors.editors.values()
    if not editor.isActiveWindow():
        editor.activateWindow()
        app.qtbot.waitUntil(editor.isActiveWindow)
    return Teacher(app.qtbot, editor)


def edit_installed(app: Driver, pack_id: str = "test-pack") -> Teacher:
    """Packs screen, then the pack's Edit button."""
    app.press(Qt.Key.Key_5, Ctrl)
    card = app.window.packs.card_for(pack_id)
    assert card is not None
    app.click(card.edit_button)
    return editor_of(app)


def questions_of(t: Teacher) -> list[str]:
    return [q.id for q in t.editor.document.draft.questions]


def test_editing_an_installed_pack_changes_a_copy_until_published(
    app: Driver, services: Services
) -> None:
    t = edit_installed(app)
    editor = t.editor
    assert editor.details.pack_id.isReadOnly()  # progress is kept by the id
    assert (
        "editing a copy of the installed pack (version 1.0.0)"
        in editor.details.installed_note.text()
    )
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(1)
    t.write(t.box("prompt"), "The Executive Committee")
    t.settle()
    assert services.packs.get_pack("test-pack").questions[0].prompt == "ExComm"
    # The draft is kept on disk as it is typed: closing the editor loses nothing.
    editor.close()
    app.window.activateWindow()
    app.qtbot.waitUntil(app.window.isActiveWindow)
    [draft] = services.drafts.summaries()
    assert draft.title == "Test pack" and draft.origin.pack_id == "test-pack"
    button = app.window.packs.draft_buttons[draft.draft_id]
    app.click(button)
    t = editor_of(app)
    assert t.editor.document.draft.questions[0].data["prompt"] == "The Executive Committee"
    # Edit again from the pack's card: the same draft comes back, not a fresh copy.
    t.editor.close()
    app.window.activateWindow()
    app.qtbot.waitUntil(app.window.isActiveWindow)
    t = edit_installed(app)
    assert t.editor.document.draft.draft_id == draft.draft_id


def test_undo_and_redo_every_kind_of_change(app: Driver) -> None:
    t = edit_installed(app)
    editor = t.editor
    document = editor.document
    t.press(Qt.Key.Key_2, Ctrl)
    ids = questions_of(t)
    t.select_question(2)

    # Typing a word is one step, not one per letter.
    t.write(t.box("prompt"), "Who led the USSR?")
    t.settle()
    t.press(Qt.Key.Key_Z, Ctrl)
    assert document.draft.questions[1].data["prompt"] == "Who led the Soviet Union in 1962?"
    assert t.box("prompt").toPlainText() == "Who led the Soviet Union in 1962?"
    t.press(Qt.Key.Key_Z, Ctrl | Shift)
    assert t.box("prompt").toPlainText() == "Who led the USSR?"

    # Delete with the Delete key in the list; undo brings the question back in its place.
    t.click_row(editor.question_list.list, 1)
    t.press(Qt.Key.Key_Delete)
    assert questions_of(t) == [ids[0], *ids[2:]]
    assert "Undo" in editor.message_label.text()
    t.click(editor.undo_button)
    assert questions_of(t) == ids
    t.click(editor.redo_button)
    assert questions_of(t) == [ids[0], *ids[2:]]
    t.press(Qt.Key.Key_Z, Ctrl)

    # A change of kind keeps the wording; undo brings the choices back.
    t.select_question(2)
    kind = editor.form.editor("type")
    assert isinstance(kind, QComboBox)
    t.click(kind)
    t.qtbot.waitUntil(lambda: kind.view().isVisible())
    index = kind.findData(QuestionType.SHORT_ANSWER.value)
    kind.view().setCurrentIndex(kind.model().index(index, 0))
    t.qtbot.keyClick(kind.view(), Qt.Key.Key_Return)
    assert document.draft.questions[1].data["type"] == "short_answer"
    assert document.draft.questions[1].data["prompt"] == "Who led the USSR?"
    t.press(Qt.Key.Key_Z, Ctrl)
    assert document.draft.questions[1].data["choices"] == ["Khrushchev", "Brezhnev", "Stalin"]

    # A topic's title, and the topic id that follows it into every question.
    t.press(Qt.Key.Key_1, Ctrl)
    t.click_row(editor.topics.list, 0)
    t.write(editor.topics.fields["id"].first_editor(), "first")  # type: ignore[arg-type]
    assert {q.data["topic"] for q in document.draft.questions if q.id in ("fc", "mc")} == {"first"}
    t.press(Qt.Key.Key_Z, Ctrl)
    assert {q.data["topic"] for q in document.draft.questions if q.id in ("fc", "mc")} == {"alpha"}


def test_reordering_by_keys_and_by_dragging(app: Driver) -> None:
    t = edit_installed(app)
    t.press(Qt.Key.Key_2, Ctrl)
    ids = questions_of(t)
    listing = t.editor.question_list.list
    t.click_row(listing, 0)
    t.press(Qt.Key.Key_Down, Alt)
    assert questions_of(t)[:2] == [ids[1], ids[0]]
    assert listing.currentRow() == 1  # the moved question stays chosen
    t.press(Qt.Key.Key_Up, Alt)
    assert questions_of(t) == ids

    # Drag the first question onto the lower half of the third: it goes after it.
    viewport = listing.viewport()
    first = listing.visualItemRect(listing.item(0)).center()
    third = listing.visualItemRect(listing.item(2))
    t.qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=first)
    for y in range(first.y(), third.bottom() - 2, 4):
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(first.x(), y),
            viewport.mapToGlobal(QPointF(first.x(), y)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, move)
    t.qtbot.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, pos=QPoint(first.x(), third.bottom() - 2)
    )
    assert questions_of(t)[:3] == [ids[1], ids[2], ids[0]]
    assert listing.currentRow() == 2
    t.press(Qt.Key.Key_Z, Ctrl)
    assert questions_of(t) == ids


def test_search_and_filters_narrow_the_list(app: Driver) -> None:
    t = edit_installed(app)
    editor = t.editor
    panel = editor.question_list
    t.press(Qt.Key.Key_F, Ctrl)
    assert t.focus() is panel.search
    t.type("brezhnev")  # found in choices and refused answers, not only prompts
    shown = [i for i in range(panel.list.count()) if not panel.list.item(i).isHidden()]
    assert [editor.document.draft.questions[i].id for i in shown] == ["mc", "sa"]
    assert panel.count_label.text() == "Showing 2 of 9 questions"
    assert not panel.up_button.isEnabled()  # no reordering in a narrowed list
    t.press(Qt.Key.Key_A, Ctrl)
    t.press(Qt.Key.Key_Delete)
    # Break one question: "only questions with problems" finds it.
    t.select_question(9)
    year = editor.form.editor("answer")
    assert isinstance(year, QSpinBox)
    t.write(t.box("prompt"), "")
    t.settle()
    t.click(panel.problems_only)
    shown = [i for i in range(panel.list.count()) if not panel.list.item(i).isHidden()]
    assert shown == [8]
    assert panel.list.item(8).text().startswith("⚠ 9. Year")
    t.press(Qt.Key.Key_F8)
    assert t.focus() is t.box("prompt")
    assert "Question 9: Write the question." in editor.message_label.text()


def test_a_picture_is_copied_into_the_pack_and_needs_its_description(
    app: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = tmp_path / "Missile sites.png"
    picture.write_bytes(PNG)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(picture), ""))
    t = edit_installed(app)
    editor = t.editor
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(1)
    shared = editor.form.field("image")
    choose = next(
        b for b in shared.findChildren(QAbstractButton) if b.text() == "Choose a picture…"
    )
    t.click(choose)
    draft = editor.document.draft
    assert draft.files["media/missile-sites.png"] == PNG
    assert draft.questions[0].data["image"] == "media/missile-sites.png"
    t.settle()
    assert "needs a text description for screen readers" in t.field_text("image")
    assert t.focus().accessibleName() == "Description of the picture for screen readers"
    t.type("Aerial photograph of a missile site")
    t.settle()
    assert t.field_text("image") == ""
    assert editor.document.check.ok
    # The preview draws the picture as the study screen does, described for screen readers.
    t.press(Qt.Key.Key_P, Ctrl)
    view = editor.preview.stage.view
    assert view is not None and view.picture is not None
    assert view.picture.accessibleDescription().startswith("Aerial photograph of a missile site")


def test_save_as_writes_a_folder_or_a_zip_that_imports(
    app: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = edit_installed(app)
    for name, chosen in (("copy", "A pack folder"), ("copy.zip", "One .zip file (*.zip)")):
        target = tmp_path / name
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *_a, _t=target, _c=chosen, **_k: (str(_t), _c)
        )
        t.press(Qt.Key.Key_S, Ctrl | Shift)
        assert load_pack(target).pack.id == "test-pack"
        assert f"Saved to {target}" in t.editor.message_label.text()


def test_a_hand_written_pack_with_mistakes_opens_to_be_fixed(
    app: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "first-try.toml"
    path.write_text(with_five_mistakes(), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    app.press(Qt.Key.Key_5, Ctrl)
    app.click(app.window.packs.edit_file_button)
    t = editor_of(app)
    editor = t.editor
    # The slips in how the file is written were read past, and said.
    assert any("has no closing quote" in note for note in editor.opening_notes)
    assert any("typographic quotes" in note for note in editor.opening_notes)
    lines = [int(n.removeprefix(f"{path}:").split(":")[0]) for n in editor.opening_notes[1:]]
    assert len(lines) == 3 and lines == sorted(lines)  # in the file's order
    t.read_notice()
    # What the file still gets wrong is marked in the editor, to fix there.
    check = editor.document.check
    messages = [p.message for p in check.problems]
    assert any("is not an id" in m for m in messages)
    assert any("whole number" in m for m in messages)
    t.press(Qt.Key.Key_F8)
    assert "is not an id" in editor.message_label.text()
    t.write(t.line("id"), "quarantine-date")
    t.press(Qt.Key.Key_F8)
    assert (
        "whole number" in editor.message_label.text() or "Difficulty" in editor.message_label.text()
    )


@pytest.mark.skipif(not (SAMPLES / "gift").is_dir(), reason="sample files not beside the project")
def test_a_moodle_gift_file_opens_through_the_readers(
    app: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = SAMPLES / "gift" / "totara_moodle_multichoice.gift"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    app.press(Qt.Key.Key_5, Ctrl)
    app.click(app.window.packs.edit_file_button)
    t = editor_of(app)
    assert t.editor.document.draft.questions
    assert t.editor.opening_notes[0].startswith("Read from Moodle GIFT")


def focusable_controls(root: QWidget) -> list[QWidget]:
    controls: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget, QScrollArea) or widget.inherits("QTabBar"):
            continue
        if isinstance(widget.parentWidget(), QComboBox | QSpinBox):
            continue  # the line edit inside a spin box is the spin box
        controls.append(widget)
    return controls


def test_every_control_has_an_accessible_name(app: Driver, services: Services) -> None:
    t = edit_installed(app)
    editor = t.editor
    editor.sources.editor.add_document("Notes", ["One.", "Two."])
    missing: list[str] = []
    for tab in (editor.details_tab, editor.questions_tab, editor.sources):
        editor.tabs.setCurrentWidget(tab)
        for position in range(1, 10):
            if tab is editor.questions_tab:
                t.select_question(position)
            for control in focusable_controls(tab):
                name = control.accessibleName() or (
                    control.text() if isinstance(control, QAbstractButton) else ""
                )
                if not name.strip():
                    missing.append(f"{type(control).__name__} {control.objectName()}")
            if tab is not editor.questions_tab:
                break
    assert missing == []


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
def test_the_editor_fits_1024_by_768_at_200_percent_text(
    app: Driver, appearance: Appearance, theme: Theme
) -> None:
    appearance.apply(theme, 2.0)
    t = edit_installed(app)
    editor = t.editor
    editor.resize(1024, 768)
    editor.sources.editor.add_document("Notes", ["One sentence.", "Another one."])

    def fits(tab: QWidget) -> None:
        t.qtbot.waitUntil(lambda: not tab.rect().isEmpty())
        hint = editor.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 768, (tab, hint)
        # Nothing is cut off sideways: pages scroll down, never across.
        areas = tab.findChildren(QScrollArea) + ([tab] if isinstance(tab, QScrollArea) else [])
        for area in areas:
            inner = area.widget()
            if area.isVisible() and inner is not None:
                t.qtbot.waitUntil(lambda a=area, i=inner: i.width() <= a.viewport().width())
                assert not area.horizontalScrollBar().isVisible(), area

    for tab in (editor.details_tab, editor.sources):
        editor.tabs.setCurrentWidget(tab)
        fits(tab)
    editor.tabs.setCurrentWidget(editor.questions_tab)
    for position in range(1, 10):  # every kind of question's form
        t.select_question(position)
        fits(editor.questions_tab)


def test_one_question_from_nothing_to_published_by_keyboard_alone(
    app: Driver, services: Services
) -> None:
    app.press(Qt.Key.Key_N, Ctrl)
    t = editor_of(app)
    editor = t.editor
    t.type("Keyboard pack")
    t.press(Qt.Key.Key_2, Ctrl)
    assert t.focus() is editor.question_list.list
    # Tab to "Add a question", Enter opens the kinds, Enter takes the first: a flashcard.
    while t.focus() is not editor.question_list.add_button:
        t.press(Qt.Key.Key_Tab)
    with t.popup_watched():
        t.press(Qt.Key.Key_Return)
        menu = editor.question_list.add_button.menu_of_choices
        t.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
        t.qtbot.keyClick(menu, Qt.Key.Key_Return)
        t.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    t.qtbot.waitUntil(lambda: len(editor.document.draft.questions) == 1)
    assert t.focus() is t.box("prompt")
    t.type("Quarantine")
    t.press(Qt.Key.Key_Tab)
    assert t.focus() is t.box("answer")
    t.type("Kennedy's word for the naval blockade of Cuba")
    t.press(Qt.Key.Key_P, Ctrl | Shift)
    dialog = editor.publish_dialog
    assert dialog is not None
    t.qtbot.waitUntil(dialog.isActiveWindow)
    with t.qtbot.waitSignal(editor.published, timeout=10_000):
        t.press(Qt.Key.Key_Return)
    assert services.packs.get_pack("keyboard-pack").questions[0].prompt == "Quarantine"


def test_list_rows_move_and_grow_by_keys(app: Driver) -> None:
    t = edit_installed(app)
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(7)  # the ordering
    items = t.editor.form.editor("items")
    assert isinstance(items, ListEditor)
    t.click(items.row_editors(0)[0])
    t.press(Qt.Key.Key_Down, Alt)
    order = t.editor.document.draft.questions[6].data["items"]
    assert order == ["Bay of Pigs", "Cuban Revolution", "Missile crisis"]
    assert t.focus() is items.row_editors(1)[0]
    t.press(Qt.Key.Key_Return)  # Enter adds a row after this one
    assert items.row_count() == 4 and t.focus() is items.row_editors(2)[0]
    t.type("Vienna summit")
    t.settle()
    assert t.editor.document.draft.questions[6].data["items"][2] == "Vienna summit"
    t.press(Qt.Key.Key_A, Ctrl)
    t.press(Qt.Key.Key_Backspace)
    t.press(Qt.Key.Key_Backspace)  # Backspace in an empty row removes it
    assert items.row_count() == 3


_ = (QLineEdit, QListWidget, QPlainTextEdit, EditorWindow)


SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "sources"


@pytest.mark.skipif(
    not (SOURCES / "essay.txt").is_file(), reason="source documents not beside the project"
)
def test_coverage_of_the_built_in_packs_own_sources(
    app: Driver, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_builtin_pack(services.packs, builtin_pack_path(), now=services.clock())
    t = edit_installed(app, "cuban-missile-crisis")
    editor = t.editor
    t.press(Qt.Key.Key_3, Ctrl)
    sources = editor.sources
    ids = editor.document.draft.source_ids()
    t.click_row(sources.editor.list, ids.index("essay"))
    coverage = sources.coverage
    # The pack does not carry the essay's text: the sentences it cites are listed.
    assert "does not carry this document's text" in coverage.no_text.text()
    cited = coverage.coverage
    assert cited is not None and cited.sentences and all(s.cited for s in cited.sentences)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(SOURCES / "essay.txt"), "")
    )
    t.click(coverage.open_text)
    lines = (SOURCES / "essay.txt").read_text(encoding="utf-8").splitlines()
    assert coverage.list.count() == len([line for line in lines if line.strip()])
    assert "not added to the pack" in coverage.no_text.text()
    assert "sources/essay.txt" not in editor.document.draft.files
    uncited = [s.line for s in coverage.coverage.uncited]  # type: ignore[union-attr]
    assert 36 in uncited  # the publisher's appeal for donations is not history
    item = next(
        coverage.list.item(i)
        for i in range(coverage.list.count())
        if coverage.list.item(i).data(Qt.ItemDataRole.UserRole) == 36
    )
    assert "○ not cited" in item.text() and item.font().bold()


def test_a_sentence_note_says_what_it_claims(app: Driver) -> None:
    t = edit_installed(app)
    editor = t.editor
    editor.sources.editor.add_document("Notes", ["Castro took power in 1959.", "Two."])
    coverage = editor.sources.coverage
    t.press(Qt.Key.Key_3, Ctrl)
    t.click_row(coverage.list, 0)
    t.write(coverage.claim, "Castro came to power in January 1959")
    t.settle()
    source = editor.document.draft.sources[-1]
    assert source["sentences"] == [{"line": 1, "claim": "Castro came to power in January 1959"}]
    t.write(coverage.claim, "")
    t.settle()
    assert "sentences" not in editor.document.draft.sources[-1]
    assert editor.document.check.ok


def test_without_the_right_to_manage_packs_a_draft_is_saved_not_published(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> None:
    # A learner signed in to a school server: the server refuses their pack changes.
    app = open_window(qtbot, replace(services, can_manage_packs=False), appearance, learner)
    app.press(Qt.Key.Key_N, Ctrl)
    t = editor_of(app)
    assert not t.editor.publish_button.isEnabled()
    assert "only teachers and the administrator publish" in t.editor.publish_button.toolTip()
    t.press(Qt.Key.Key_P, Ctrl | Shift)
    assert t.editor.publish_dialog is None
    assert "use Save as" in t.editor.message_label.text()


def mnemonic(text: str) -> str | None:
    plain = text.replace("&&", "")
    place = plain.find("&")
    return plain[place + 1].lower() if 0 <= place < len(plain) - 1 else None


def test_no_two_alt_keys_in_the_editor_clash(app: Driver) -> None:
    t = edit_installed(app)
    editor = t.editor
    window_keys = [mnemonic(a.text()) for a in editor.menuBar().actions()]
    window_keys += [mnemonic(editor.tabs.tabText(i)) for i in range(editor.tabs.count())]
    for tab in (editor.details_tab, editor.questions_tab, editor.sources):
        editor.tabs.setCurrentWidget(tab)
        keys = list(window_keys)
        for button in tab.findChildren(QAbstractButton):
            if button.isVisibleTo(tab) and mnemonic(button.text()):
                keys.append(mnemonic(button.text()))
        keys = [k for k in keys if k]
        assert len(keys) == len(set(keys)), sorted(keys)


def test_tab_goes_through_a_form_in_reading_order(app: Driver) -> None:
    t = edit_installed(app)
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(2)  # multiple choice, "Khrushchev" marked right
    t.click(t.box("prompt"))
    names = []
    for _ in range(6):
        t.press(Qt.Key.Key_Tab)
        names.append(t.focus().accessibleName())
    assert names == [
        "Right: choice 1",
        "Choice 1 of 3",
        "Move choice 1 down",
        "Remove choice 1",
        "Choice 2 of 3",  # the other marks are reached with the arrow keys from the first
        "Move choice 2 up",
    ]
    # A row added in the middle takes its place in the order at once.
    t.click(t.editor.form.editor("choices").row_editors(0)[0])  # type: ignore[attr-defined]
    t.press(Qt.Key.Key_Return)
    t.type("Malenkov")
    t.press(Qt.Key.Key_Tab)
    assert t.focus().accessibleName() == "Move choice 2 up"


def test_enter_fills_a_new_questions_rows_in_turn(app: Driver) -> None:
    app.press(Qt.Key.Key_N, Ctrl)
    t = editor_of(app)
    t.type("Typing pack")
    t.press(Qt.Key.Key_2, Ctrl)
    t.add_question(QuestionType.MULTIPLE_CHOICE)
    t.type("Who led the Soviet Union in October 1962?")
    t.press(Qt.Key.Key_Tab)
    t.press(Qt.Key.Key_Space)  # the first choice is the right one
    t.press(Qt.Key.Key_Tab)
    choices = t.editor.form.editor("choices")
    assert isinstance(choices, ListEditor) and choices.row_count() == 3
    for name in ("Nikita Khrushchev", "Leonid Brezhnev", "Joseph Stalin"):
        t.type(name)
        t.press(Qt.Key.Key_Return)  # on to the next empty row, then a new one at the end
    assert t.focus() is choices.row_editors(3)[0]
    t.press(Qt.Key.Key_Backspace)  # not needed after all
    t.settle()
    data = t.editor.document.draft.questions[0].data
    assert (data["choices"], data["answer"]) == (
        ["Nikita Khrushchev", "Leonid Brezhnev", "Joseph Stalin"],
        "Nikita Khrushchev",
    )
    assert t.field_text("choices") == ""

    t.add_question(QuestionType.MATCHING)
    t.type("Match each man to his post in 1962.")
    t.press(Qt.Key.Key_Tab)
    pairs = t.editor.form.editor("pairs")
    assert isinstance(pairs, ListEditor)
    assert t.focus() is pairs.row_editors(0)[0]
    for left, right in (("Robert McNamara", "Defense"), ("Dean Rusk", "State")):
        t.type(left)
        t.press(Qt.Key.Key_Return)  # from a person to his match
        t.type(right)
        t.press(Qt.Key.Key_Return)
    t.settle()
    assert t.editor.document.draft.questions[1].data["pairs"][:2] == [
        ["Robert McNamara", "Defense"],
        ["Dean Rusk", "State"],
    ]


def test_a_screen_reader_reads_the_editors_labels_by_their_text(
    app: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_screen_reader import check_screen

    said: list[str] = []
    monkeypatch.setattr(
        "crisisquiz.gui.editor.window.announce", lambda _w, message, **_k: said.append(message)
    )
    t = edit_installed(app)
    editor = t.editor
    problems = {"details": check_screen(editor)}
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(2)
    t.press(Qt.Key.Key_Delete)  # what was done is spoken, not only shown
    assert said[-1] == "Question 2 deleted. Undo (Ctrl+Z) brings it back."
    t.press(Qt.Key.Key_Z, Ctrl)
    t.select_question(2)
    t.write(t.box("prompt"), "")  # a problem shown next to its field, and on the status line
    t.settle()
    assert editor.form.field("prompt").has_problem
    problems["a question with a problem"] = check_screen(editor)
    t.press(Qt.Key.Key_Z, Ctrl)
    t.press(Qt.Key.Key_P, Ctrl)
    problems["preview"] = check_screen(editor)
    t.press(Qt.Key.Key_P, Ctrl)
    editor.sources.editor.add_document("Notes", ["One.", "Two."])
    t.press(Qt.Key.Key_3, Ctrl)
    problems["sources"] = check_screen(editor)
    found = {part: found for part, found in problems.items() if found}
    assert not found, "\n".join(f"{part}: {p}" for part, ps in found.items() for p in ps)


def test_a_new_questions_rows_have_room_to_type_in_at_200_percent_text(
    app: Driver, appearance: Appearance
) -> None:
    appearance.apply(Theme.DARK, 2.0)
    app.press(Qt.Key.Key_N, Ctrl)
    t = editor_of(app)
    t.editor.resize(1024, 768)
    t.type("Large text pack")
    t.press(Qt.Key.Key_2, Ctrl)
    for kind in (QuestionType.MULTIPLE_CHOICE, QuestionType.MATCHING):
        t.add_question(kind)
        rows = t.editor.form.editor("pairs" if kind is QuestionType.MATCHING else "choices")
        assert isinstance(rows, ListEditor)
        area = next(a for a in t.editor.questions_tab.findChildren(QScrollArea) if a.isVisible())
        inner = area.widget()
        assert inner is not None
        t.qtbot.waitUntil(lambda a=area, i=inner: i.width() <= a.viewport().width())
        assert not area.horizontalScrollBar().isVisible()
        box = rows.row_editors(0)[0]
        # Room for a name of some length, not a slit: the list beside it gives way.
        assert box.width() >= box.fontMetrics().horizontalAdvance("Khrushchev"), kind


def test_the_built_in_packs_questions_are_shown_without_being_changed(
    app: Driver, services: Services
) -> None:
    # The built-in pack uses every field of the format (quotations, groups, pictures,
    # references, sentence notes, guides, the timeline): showing its questions' forms
    # must keep it all, pictures included.
    ensure_builtin_pack(services.packs, builtin_pack_path(), now=services.clock())
    t = edit_installed(app, "cuban-missile-crisis")
    editor = t.editor
    draft = editor.document.draft
    before = draft.tables()
    references = {s["id"] for s in before["sources"] if s.get("kind") == "reference"}
    features = {
        "quote": lambda q: bool(q.get("quote")),
        "group": lambda q: bool(q.get("group")),
        "image": lambda q: bool(q.get("image")),
        "reference": lambda q: bool(set(q.get("sources", ())) & references),
    }
    chosen = set()
    for name, has in features.items():
        position = next((i for i, q in enumerate(before["questions"]) if has(q)), None)
        assert position is not None, f"the built-in pack has no question with {name}"
        chosen.add(position)
    kinds = {q["type"]: i for i, q in reversed(list(enumerate(before["questions"])))}
    chosen |= set(kinds.values())  # the first question of each kind it has
    t.press(Qt.Key.Key_2, Ctrl)
    for position in sorted(chosen):
        t.select_question(position + 1)
        assert editor.form.key == draft.questions[position].key
    for tab in (Qt.Key.Key_1, Qt.Key.Key_3):
        t.press(tab, Ctrl)
    assert draft.tables() == before
    assert not editor.document.undo_stack.canUndo()
    t.settle()
    assert editor.document.check.ok, editor.document.check.problems[:3]


def test_going_from_question_to_question_changes_none_of_them(app: Driver) -> None:
    t = edit_installed(app)
    editor = t.editor
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(2)  # multiple choice, its first choice marked right
    t.press(Qt.Key.Key_D, Ctrl)  # a copy, where the last choice is the right one
    choices = editor.form.editor("choices")
    assert isinstance(choices, ListEditor)
    last = choices.mark_button(choices.row_count() - 1)
    assert last is not None
    t.click(last)
    t.write(choices.row_editors(1)[0], "Leonid Brezhnev, then")  # and one reworded
    t.settle()
    before = editor.document.draft.tables()
    t.press(Qt.Key.Key_2, Ctrl)
    assert t.focus() is editor.question_list.list
    assert editor.question_list.list.currentRow() == 2
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Down):
        t.press(key)  # the marks move from row to row as the forms are shown
    assert editor.document.draft.tables() == before


def test_a_pack_with_problems_is_not_published(app: Driver, services: Services) -> None:
    app.press(Qt.Key.Key_N, Ctrl)
    t = editor_of(app)
    t.type("Unfinished pack")
    t.press(Qt.Key.Key_2, Ctrl)
    t.add_question(QuestionType.MULTIPLE_CHOICE)
    t.type("Who led the Soviet Union in October 1962?")
    t.press(Qt.Key.Key_P, Ctrl | Shift)
    # No version is asked for: the keyboard goes to the first problem, which is said.
    assert t.editor.publish_dialog is None
    message = t.editor.message_label.text()
    assert message.startswith("Not published: 4 problems to fix first.")
    assert "Choice 1 is empty: write it or remove it." in message
    choices = t.editor.form.editor("choices")
    assert isinstance(choices, ListEditor)
    assert t.focus() is choices.row_editors(0)[0]
    assert "unfinished-pack" not in {p.id for p in services.packs.list_packs()}


def test_a_text_file_becomes_a_source(
    app: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "week-7_notes.txt"
    path.write_text(
        "Kennedy spoke to the nation on 22 October. The quarantine began on 24 October.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    app.press(Qt.Key.Key_N, Ctrl)
    t = editor_of(app)
    t.type("Week 7")
    t.press(Qt.Key.Key_3, Ctrl)
    sources = t.editor.sources
    t.click(sources.editor.open_button)
    dialog = sources.editor.text_dialog
    assert dialog is not None
    t.qtbot.waitUntil(dialog.isActiveWindow)
    # The title guessed from the file's name is selected, to be typed over; Enter adds.
    assert t.focus() is dialog.title and dialog.title.selectedText() == "week 7 notes"
    t.type("Notes for week 7")
    t.press(Qt.Key.Key_Return)
    t.back_from(dialog)
    [source] = t.editor.document.draft.sources
    assert source["title"] == "Notes for week 7"
    assert t.editor.document.draft.document_lines(source["id"]) == [
        "Kennedy spoke to the nation on 22 October.",
        "The quarantine began on 24 October.",
    ]
    assert t.focus() is sources.coverage.list  # the sentences, to cite one
