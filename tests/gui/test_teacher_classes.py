"""A teacher whose class studies on this computer: classes, the report, its filters, drill-down.

Everything goes through the main window as a teacher does it: the Teacher menu's
shortcuts, keys sent to the widget with the focus, Enter on a table's row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from crisisquiz.core.class_report import DATABASE_SOURCE, build_class_report
from crisisquiz.core.class_report_tables import scope_line
from crisisquiz.core.class_sources import database_results
from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import MultipleChoice, ShortAnswer, TrueFalse
from crisisquiz.core.teacher_lock import TeacherLock
from crisisquiz.gui.class_report_detail import DetailDialog
from crisisquiz.gui.class_report_screen import ClassReportScreen
from crisisquiz.gui.classes_dialog import ClassesDialog
from crisisquiz.gui.services import Services
from crisisquiz.gui.teacher_passphrase import PassphraseDialog, UnlockDialog
from crisisquiz.gui.theme import Appearance
from tests.gui.conftest import FakeClock
from tests.gui.harness import Alt, Ctrl, Driver, NoModifier, open_window

Shift = Qt.KeyboardModifier.ShiftModifier
SOVIET_LEADER = "Who was the Soviet leader?"


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's look; the application's style, font and palette are put back afterwards."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def study(services: Services, learner: Learner, *, right: bool, typed: str) -> int:
    """One study session over the whole small pack; returns how many answers it gave.

    Choice questions are answered right or wrong, the short answer with ``typed``,
    the others with a wrong guess.
    """
    session = services.study.start(learner.id, now=services.clock())
    given = 0
    while (item := session.next_item(services.clock())) is not None and given < 9:
        question = item.question
        response: object = "no idea"
        if isinstance(question, TrueFalse):
            response = question.answer if right else not question.answer
        elif isinstance(question, MultipleChoice):
            response = (
                question.answer
                if right
                else next(c for c in question.choices if c != question.answer)
            )
        elif isinstance(question, ShortAnswer):
            response = typed
        session.answer(item, response, now=services.clock(), response_ms=4000)
        given += 1
    return given


@pytest.fixture
def pupils(services: Services, learner: Learner, clock: FakeClock) -> dict[str, Learner]:
    """Six pupils: Ben studied ten days ago, the five others this week."""
    names = ["Ben", "Chloé", "Dev", "Eli", "Fay"]
    everyone = {"Ana": learner} | {n: services.learners.create(n, now=clock()) for n in names}
    study(services, everyone["Ben"], right=True, typed="Khrushchev")
    clock.advance(days=10)  # 2026-03-12, a Thursday; the week began on Monday 9 March
    typed = {
        "Ana": "Khrushchev",
        "Chloé": "Brezhnev",
        "Dev": " brezhnev",
        "Eli": "BREZHNEV!",
        "Fay": "Castro",
    }
    for name, answer in typed.items():
        study(services, everyone[name], right=name in ("Ana", "Fay"), typed=answer)
    clock.advance(hours=1)
    return everyone


def wait_for_report(qtbot: QtBot, screen: ClassReportScreen) -> None:
    qtbot.waitUntil(lambda: not screen.working and screen.report is not None)


def open_dialog(app: Driver) -> DetailDialog:
    app.qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DetailDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DetailDialog)
    app.qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_a_class_on_this_computer_reported_filtered_and_opened_without_a_file(
    qtbot: QtBot,
    services: Services,
    appearance: Appearance,
    pupils: dict[str, Learner],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = open_window(qtbot, services, appearance, pupils["Ana"])

    # Teacher ▸ Classes (Ctrl+Shift+C): add a class and tick its six learners.
    app.press(Qt.Key.Key_C, Ctrl | Shift)
    qtbot.waitUntil(lambda: isinstance(app.window.classes_dialog, ClassesDialog))
    dialog = app.window.classes_dialog
    assert isinstance(dialog, ClassesDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Year 9 History", True))
    app.press(Qt.Key.Key_A, Alt)  # a button's Alt key clicks it a moment later
    qtbot.waitUntil(lambda: app.focus() is dialog.learners)
    for _row in range(dialog.learners.count()):
        app.press(Qt.Key.Key_Space)
        app.press(Qt.Key.Key_Down)
    members = services.classes.get("Year 9 History").learner_names
    assert members == ("Ana", "Ben", "Chloé", "Dev", "Eli", "Fay")

    # Its report, straight from the database: no file collected.
    app.press(Qt.Key.Key_P, Alt)
    qtbot.waitUntil(lambda: isinstance(app.window.class_report, ClassReportScreen))
    screen = app.window.class_report
    assert isinstance(screen, ClassReportScreen)
    wait_for_report(qtbot, screen)
    assert app.window.stack.currentWidget() is screen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    assert screen.chosen_class() == "Year 9 History"
    assert [f.source for f in screen.files] == [DATABASE_SOURCE] * 6
    assert screen.result.message.text().startswith("Read 6 learners from the database as of")
    assert app.focus() is screen.result.dismiss_button
    ids = [p.id for p in sorted(pupils.values(), key=lambda p: p.name)]
    expected = build_class_report(
        database_results(services.database, ids, now=clock()), now=clock()
    )
    assert screen.overview.text() == scope_line(expected, UTC) + "."
    assert screen.overview.text().startswith("6 learners, 9 of 9 questions in the packs answered")
    assert screen.learners_table.column_texts(0) == ["Ana", "Ben", "Chloé", "Dev", "Eli", "Fay"]
    assert screen.files_table.column_texts(1) == ["read from the database"] * 6

    # This week and one pack: Ben's answers of ten days ago drop out of accuracy.
    app.press(Qt.Key.Key_S, Alt)
    assert app.focus() is screen.period_choice
    app.press(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: screen.report is not None and screen.report.since is not None)
    wait_for_report(qtbot, screen)
    app.press(Qt.Key.Key_P, Alt)
    assert app.focus() is screen.pack_choice
    app.press(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: screen.report is not None and screen.report.pack_id == "test-pack")
    wait_for_report(qtbot, screen)
    report = screen.report
    assert report is not None
    assert report.since == datetime(2026, 3, 9, tzinfo=UTC)
    assert screen.overview.text() == (
        "6 learners, 9 of 9 questions in the packs answered, 2 topics, answers since "
        "2026-03-09 00:00, pack test-pack."
    )
    ben = report.learners[1]
    assert (ben.name, ben.answers, ben.mean_score) == ("Ben", 0, None)
    # Five learners answered this week: enough for facility, from 5 learners on.
    leader = next(q for q in report.questions if q.prompt == SOVIET_LEADER)
    assert (leader.learners, leader.facility_pct) == (5, 20.0)

    # One pupil's answers: Enter on Chloé's row.
    table = screen.learners_table
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(table.proxy.index(2, 0)).center(),
    )
    assert app.focus() is table
    app.press(Qt.Key.Key_Return)
    chloe = open_dialog(app)
    answers = chloe.tables["Every answer"]
    assert answers.proxy.rowCount() == 9
    row = answers.column_texts(1).index(SOVIET_LEADER)
    assert (answers.cell_text(row, 3), answers.cell_text(row, 4)) == ("Brezhnev", "✗ wrong")
    assert chloe.summary.text().startswith("9 answers to 9 questions in the report's period")
    assert app.focus() is chloe.close_button
    app.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    assert app.focus() is table

    # One question's commonest wrong answers, grouped as grading compares them.
    questions = screen.questions_table
    row = questions.column_texts(0).index(SOVIET_LEADER)
    # Typed answers grouped as grading compares them, in the table as in the CSV.
    assert questions.cell_text(row, 5) == "Brezhnev x3 (3 learners); Castro x1 (1 learner)"
    statement = next(i for i, text in enumerate(questions.column_texts(0)) if "quarantine" in text)
    assert questions.cell_text(statement, 5) == "—"  # true or false: nothing typed to group
    qtbot.mouseClick(
        questions.viewport(),
        Qt.MouseButton.LeftButton,
        pos=questions.visualRect(questions.proxy.index(row, 0)).center(),
    )
    app.press(Qt.Key.Key_Return)
    leader_dialog = open_dialog(app)
    wrong = leader_dialog.tables["Commonest wrong answers"]
    assert wrong.column_texts(0) == ["Brezhnev", "Castro"]
    assert wrong.column_texts(1) == ["3", "1"]
    assert wrong.column_texts(2) == ["3", "1"]
    each = leader_dialog.tables["Each learner's answers"]
    assert each.column_texts(0) == ["Ana", "Chloé", "Dev", "Eli", "Fay"]
    assert "facility 20 %" in leader_dialog.summary.text()
    app.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_item_figures_below_five_learners_say_too_few_answers(
    qtbot: QtBot,
    services: Services,
    appearance: Appearance,
    pupils: dict[str, Learner],
) -> None:
    services.classes.create("Pair", now=services.clock())
    services.classes.enrol("Pair", ["Ana", "Chloé"])
    app = open_window(qtbot, services, appearance, pupils["Ana"])
    app.press(Qt.Key.Key_R, Ctrl)
    screen = app.window.class_report
    assert isinstance(screen, ClassReportScreen)
    qtbot.waitUntil(lambda: screen.class_choice.count() > 0)
    app.press(Qt.Key.Key_W, Alt)  # Which class
    assert app.focus() is screen.class_choice
    assert screen.chosen_class() == "Pair"
    app.press(Qt.Key.Key_B, Alt)  # Read from the database
    wait_for_report(qtbot, screen)
    assert set(screen.questions_table.column_texts(3)) == {"too few answers"}
    assert set(screen.questions_table.column_texts(4)) == {"too few answers"}
    assert screen.hardest_labels == []
    assert "5 learners or more" in screen.hardest_note.text()


def test_the_teacher_menu_asks_for_the_passphrase(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> None:
    TeacherLock(services.database).set("tulips in march")
    app = open_window(qtbot, services, appearance, learner)

    app.press(Qt.Key.Key_R, Ctrl)
    qtbot.waitUntil(lambda: isinstance(app.window.unlock_dialog, UnlockDialog))
    unlock = app.window.unlock_dialog
    assert isinstance(unlock, UnlockDialog)
    qtbot.waitUntil(lambda: app.focus() is unlock.passphrase)
    app.type("a pupil's guess")
    app.press(Qt.Key.Key_Return)
    assert unlock.isVisible() and app.window.class_report is None
    assert unlock.error_label.text() == "⚠ That is not the teacher passphrase. Type it again."
    assert app.focus() is unlock.passphrase and unlock.passphrase.text() == ""
    app.type("tulips in march")
    app.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(app.window.class_report, ClassReportScreen))
    assert app.window.stack.currentWidget() is app.window.class_report
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    assert app.focus() is app.window.class_report.add_button  # no class to read yet

    # Typed once, it holds for this learner: Classes opens straight away.
    app.press(Qt.Key.Key_C, Ctrl | Shift)
    qtbot.waitUntil(lambda: isinstance(app.window.classes_dialog, ClassesDialog))
    assert app.window.unlock_dialog is None
    classes = app.window.classes_dialog
    assert isinstance(classes, ClassesDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is classes)
    app.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.window.classes_dialog is None)

    # Another learner at the same computer is asked again.
    app.window.set_learner(services.learners.create("Ben", now=services.clock()))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
    app.press(Qt.Key.Key_R, Ctrl)
    qtbot.waitUntil(lambda: isinstance(app.window.unlock_dialog, UnlockDialog))


def test_a_teacher_sets_the_passphrase_from_the_teacher_menu(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> None:
    app = open_window(qtbot, services, appearance, learner)
    app.menu("R", "P")
    qtbot.waitUntil(lambda: isinstance(app.window.unlock_dialog, PassphraseDialog))
    dialog = app.window.unlock_dialog
    assert isinstance(dialog, PassphraseDialog)
    qtbot.waitUntil(lambda: app.focus() is dialog.new)
    app.type("daffodils")
    app.press(Qt.Key.Key_Tab)
    app.type("daffodilz")
    app.press(Qt.Key.Key_Return)
    assert dialog.error_label.text() == "⚠ The two new passphrases differ. Type them again."
    assert not TeacherLock(services.database).is_set()
    app.type("daffodils")
    app.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window.unlock_dialog is None)
    lock = TeacherLock(services.database)
    assert lock.is_set() and lock.check("daffodils") and not lock.check("daffodilz")


def test_unticking_a_learner_takes_them_out_and_keeps_their_progress(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> None:
    services.classes.create("Year 9", now=services.clock())
    services.classes.enrol("Year 9", ["Ana"])
    answered = study(services, learner, right=True, typed="Khrushchev")
    app = open_window(qtbot, services, appearance, learner)
    app.press(Qt.Key.Key_C, Ctrl | Shift)
    qtbot.waitUntil(lambda: isinstance(app.window.classes_dialog, ClassesDialog))
    dialog = app.window.classes_dialog
    assert isinstance(dialog, ClassesDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    app.press(Qt.Key.Key_E, Alt)
    assert app.focus() is dialog.learners
    assert dialog.learners.item(0).checkState() == Qt.CheckState.Checked
    app.press(Qt.Key.Key_Space)
    assert services.classes.get("Year 9").learner_names == ()
    assert answered == 9
    assert services.stats.learner_topic_stats(learner.id, now=services.clock(), tz=UTC).overall.seen
    # The built-in box and the packs list: hide the built-in pack, tick the test pack.
    app.press(Qt.Key.Key_S, Alt)
    assert app.focus() is dialog.packs
    app.press(Qt.Key.Key_Space)
    assert services.classes.get("Year 9").packs == ("test-pack",)
    app.press(Qt.Key.Key_B, Alt)  # the box's Alt key ticks it off a moment later
    qtbot.waitUntil(lambda: services.classes.get("Year 9").hide_builtin)
    assert not dialog.builtin_box.isChecked()
    app.press(Qt.Key.Key_Escape, NoModifier)
    qtbot.waitUntil(lambda: app.window.classes_dialog is None)


def test_the_periods_start_at_local_midnight() -> None:
    from datetime import date, timezone

    from crisisquiz.gui.class_report_screen import period_start

    tz = timezone(timedelta(hours=-5))
    thursday = date(2026, 3, 12)
    assert period_start("all", thursday, thursday, tz) is None
    assert period_start("week", thursday, thursday, tz) == datetime(2026, 3, 9, 5, tzinfo=UTC)
    assert period_start("30", thursday, thursday, tz) == datetime(2026, 2, 11, 5, tzinfo=UTC)
    chosen = date(2026, 1, 5)
    assert period_start("day", thursday, chosen, tz) == datetime(2026, 1, 5, 5, tzinfo=UTC)


class Refused(Exception):
    """What the PostgreSQL driver raises when the server refuses a user an action."""

    sqlstate = "42501"  # insufficient_privilege


def test_a_school_server_refusing_a_class_change_is_said_in_words(
    qtbot: QtBot,
    services: Services,
    appearance: Appearance,
    learner: Learner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise Refused("permission denied for table classes")

    monkeypatch.setattr(services.classes, "create", refuse)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Year 9", True))
    app = open_window(qtbot, services, appearance, learner)
    app.press(Qt.Key.Key_C, Ctrl | Shift)
    qtbot.waitUntil(lambda: isinstance(app.window.classes_dialog, ClassesDialog))
    dialog = app.window.classes_dialog
    assert isinstance(dialog, ClassesDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    app.press(Qt.Key.Key_A, Alt)
    qtbot.waitUntil(dialog.error_label.isVisible)
    assert dialog.error_label.text().startswith(
        "⚠ The school server does not allow this user to do that"
    )
    assert dialog.classes.count() == 0
