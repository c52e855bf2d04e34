"""The pack editor, used the way a teacher does: from the main window, by keys and clicks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from editor_harness import Ctrl, Shift, Teacher
from harness import Driver, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton, QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.gui.editor.fields import ListEditor
from crisisquiz.gui.editor.publish_dialog import PublishDialog
from crisisquiz.gui.editor.window import EditorWindow
from crisisquiz.gui.main_window import Screen
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.models import CardStateRow, QuestionRow, ReviewRow

ESSAY = (
    "In October 1962 an American U-2 photographed Soviet missile sites in Cuba. "
    "Kennedy announced a naval quarantine on 22 October. "
    "Khrushchev agreed on 28 October to take the missiles away."
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


def new_pack(app: Driver) -> Teacher:
    """Ctrl+N in the main window opens an empty editor with the keyboard in the title."""
    app.press(Qt.Key.Key_N, Ctrl)
    editors = app.window.editors.editors
    assert len(editors) == 1
    editor = next(iter(editors.values()))
    editor.activateWindow()
    app.qtbot.waitUntil(editor.isActiveWindow)
    assert QApplication.focusWidget() is editor.details.title
    return Teacher(app.qtbot, editor)


def write_all_types(t: Teacher) -> None:
    """One question of every type, typed in through the forms."""
    form = t.editor.form
    t.add_question(QuestionType.FLASHCARD)
    assert t.focus() is t.box("prompt")  # a new question starts in its first field
    t.type("ExComm")
    t.write(t.box("answer"), "The advisers Kennedy met throughout the crisis")

    t.add_question(QuestionType.MULTIPLE_CHOICE)
    t.type("Who led the Soviet Union in October 1962?")
    choices = form.editor("choices")
    assert isinstance(choices, ListEditor)
    t.fill_rows(choices, [["Nikita Khrushchev"], ["Leonid Brezhnev"], ["Joseph Stalin"]])
    # No choice is marked right yet: the live check says so next to the choices.
    t.settle()
    assert "Give the right answer." in t.field_text("choices")
    t.click(choices.mark_button(0))
    t.settle()
    assert t.field_text("choices") == ""

    t.add_question(QuestionType.MULTI_SELECT)
    t.type("Where were US Jupiter missiles based in 1962?")
    choices = form.editor("choices")
    assert isinstance(choices, ListEditor)
    t.fill_rows(choices, [["Turkey"], ["Italy"], ["France"]])
    t.click(choices.mark_button(0))
    t.click(choices.mark_button(1))

    t.add_question(QuestionType.TRUE_FALSE)
    t.type("The quarantine line was drawn around Florida.")
    false = next(b for b in form.findChildren(QRadioButton) if b.text() == "False")
    t.click(false)

    t.add_question(QuestionType.SHORT_ANSWER)
    t.type("Which Soviet ambassador met Robert Kennedy on 27 October?")
    t.write(t.line("answer"), "Anatoly Dobrynin")
    accept = form.editor("accept")
    assert isinstance(accept, ListEditor)
    t.fill_rows(accept, [["Dobrynin"]])

    t.add_question(QuestionType.CLOZE)
    assert t.focus() is t.box("text")
    t.type("A U-2 flight photographed the sites in Cuba.")
    # Select "Cuba" with the keyboard and make it a blank: no braces typed.
    t.press(Qt.Key.Key_End)
    t.press(Qt.Key.Key_Left)
    t.press(Qt.Key.Key_Left, Ctrl | Shift)
    t.press(Qt.Key.Key_B, Ctrl)
    assert t.box("text").toPlainText() == "A U-2 flight photographed the sites in {{Cuba}}."

    t.add_question(QuestionType.ORDERING)
    t.type("Put these in order, earliest first.")
    items = form.editor("items")
    assert isinstance(items, ListEditor)
    t.fill_rows(items, [["The U-2 photographs"], ["Kennedy's speech"], ["Khrushchev backs down"]])

    t.add_question(QuestionType.MATCHING)
    t.type("Match each person to their post in 1962.")
    pairs = form.editor("pairs")
    assert isinstance(pairs, ListEditor)
    t.fill_rows(
        pairs, [["Robert McNamara", "Secretary of Defense"], ["Dean Rusk", "Secretary of State"]]
    )

    t.add_question(QuestionType.YEAR)
    t.type("In what year was the Berlin Wall built?")
    year = form.editor("answer")
    assert isinstance(year, QSpinBox)
    t.click(year)
    t.press(Qt.Key.Key_A, Ctrl)
    t.type("1961")

    t.add_question(QuestionType.NUMBER)
    t.type("How many days did the crisis last, as it is usually counted?")
    t.write(t.line("answer"), "13")


def test_a_pack_of_every_type_from_an_empty_editor_to_a_learner_and_back(
    app: Driver, services: Services, learner: Learner
) -> None:
    t = new_pack(app)
    editor = t.editor
    t.type("Cold War basics")
    assert editor.details.pack_id.text() == "cold-war-basics"  # the id follows the title
    t.press(Qt.Key.Key_2, Ctrl)
    assert editor.tabs.currentWidget() is editor.questions_tab
    write_all_types(t)
    t.settle()
    assert editor.document.check.ok, editor.document.check.problems
    assert [q.data["type"] for q in editor.document.draft.questions] == [
        qtype.value for qtype in QuestionType
    ]
    assert editor.problems_label.text() == "✓ No problems: ready to publish"

    # A source text, pasted in; its second sentence gets a question citing it.
    t.press(Qt.Key.Key_3, Ctrl)
    sources = editor.sources
    t.click(sources.editor.add_button)
    dialog = sources.editor.text_dialog
    assert dialog is not None
    app.qtbot.waitUntil(dialog.isActiveWindow)
    assert t.focus() is dialog.title
    t.type("Class notes")
    t.click(dialog.text)
    t.type(ESSAY)
    assert dialog.count.text() == "3 sentences"
    t.click(dialog.ok)
    t.back_from(dialog)
    coverage = sources.coverage
    assert coverage.summary.text() == "0 of 3 sentences cited; 3 not cited."
    t.click_row(coverage.list, 0)
    t.press(Qt.Key.Key_Down)
    assert coverage.current_line() == 2
    count = len(editor.document.draft.questions)
    t.pick(coverage.new_button, "True or false")
    app.qtbot.waitUntil(lambda: len(editor.document.draft.questions) == count + 1)
    assert editor.tabs.currentWidget() is editor.questions_tab
    t.type("Kennedy announced the quarantine on 22 October 1962.")
    t.settle()
    added = editor.document.draft.questions[-1]
    assert added.data["sources"] == ["class-notes:2"]
    t.press(Qt.Key.Key_3, Ctrl)
    assert coverage.summary.text() == "1 of 3 sentences cited; 2 not cited."

    # Preview the multiple-choice question and answer it as a learner would.
    t.press(Qt.Key.Key_2, Ctrl)
    t.select_question(2)
    t.press(Qt.Key.Key_P, Ctrl)
    view = editor.preview.stage.view
    assert view is not None and t.focus() is view.first_input()
    right = view.item.options.index("Nikita Khrushchev") + 1
    t.press(Qt.Key(Qt.Key.Key_0.value + right))
    t.press(Qt.Key.Key_Return)
    assert editor.preview.stage.panel.verdict_label.text().endswith("Right")
    t.press(Qt.Key.Key_P, Ctrl)

    # Publish: version 1.0.0, installed for learners.
    t.press(Qt.Key.Key_P, Ctrl | Shift)
    publish = editor.publish_dialog
    assert isinstance(publish, PublishDialog)
    app.qtbot.waitUntil(publish.isActiveWindow)
    with app.qtbot.waitSignal(editor.published, timeout=10_000):
        t.press(Qt.Key.Key_Return)
    assert t.read_notice().startswith("Published “Cold War basics” version 1.0.0")
    installed = {p.id: p for p in services.packs.list_packs()}
    assert installed["cold-war-basics"].version == "1.0.0"
    assert installed["cold-war-basics"].question_count == 11

    # A learner studies it from the study screen.
    app.window.activateWindow()
    app.qtbot.waitUntil(app.window.isActiveWindow)
    app.home()
    row = next(r for r in app.window.home.topic_rows if r.topic.pack_id == "cold-war-basics")
    app.click(row.study_button)
    assert app.window.current_screen() is Screen.STUDY
    studied = app.view().item.question
    app.answer(right=True)
    app.press(Qt.Key.Key_Return)
    with services.database.sessions() as session:
        row_id = session.scalar(
            select(QuestionRow.id).where(
                QuestionRow.pack_id == "cold-war-basics", QuestionRow.question_id == studied.id
            )
        )
        reviews_before = session.scalar(
            select(func.count()).select_from(ReviewRow).where(ReviewRow.question_id == row_id)
        )
    assert reviews_before == 1

    # The teacher edits the question the learner answered; learners see it only once published.
    editor.activateWindow()
    app.qtbot.waitUntil(editor.isActiveWindow)
    position = next(
        i for i, q in enumerate(editor.document.draft.questions, 1) if q.id == studied.id
    )
    t.select_question(position)
    wording = "prompt" if studied.type is not QuestionType.TRUE_FALSE else "statement"
    if studied.type is QuestionType.CLOZE:
        wording = "text"
    new_text = "A U-2 flight photographed the missile sites in {{Cuba}}."
    t.write(t.box(wording), new_text if wording == "text" else "Reworded by the teacher?")
    t.settle()
    assert editor.document.check.ok
    assert services.packs.get_pack("cold-war-basics").pack.version == "1.0.0"
    t.press(Qt.Key.Key_P, Ctrl | Shift)
    publish = editor.publish_dialog
    assert isinstance(publish, PublishDialog)
    assert publish.choices["1.0.1"].isChecked()  # a correction: the next patch is suggested
    app.qtbot.waitUntil(publish.isActiveWindow)
    assert t.focus() is publish.choices["1.0.1"]
    with app.qtbot.waitSignal(editor.published, timeout=10_000):
        t.press(Qt.Key.Key_Return)
    assert "Every learner's history was kept." in t.read_notice()
    pack = services.packs.get_pack("cold-war-basics")
    assert pack.pack.version == "1.0.1"
    edited = next(q for q in pack.questions if q.id == studied.id)
    assert edited.model_dump().get(wording) == (
        new_text if wording == "text" else "Reworded by the teacher?"
    )
    with services.database.sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(ReviewRow).where(ReviewRow.question_id == row_id)
            )
            == reviews_before
        )
        assert (
            session.scalar(
                select(func.count())
                .select_from(CardStateRow)
                .where(CardStateRow.question_id == row_id, CardStateRow.learner_id == learner.id)
            )
            == 1
        )
    assert not services.drafts.summaries()  # published: no draft is left to offer back


def test_editor_window_is_the_one_opened(app: Driver) -> None:
    t = new_pack(app)
    assert isinstance(t.editor, EditorWindow)
