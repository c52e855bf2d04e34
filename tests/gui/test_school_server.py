"""The window and a school server: File ▸ Connect, signing out, a server that goes away.

Each test runs the app's own controller on a real PostgreSQL server and works it by
keyboard from the main window, as a pupil would.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import psycopg
import pytest
from engines import School
from keyring.backend import KeyringBackend
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.app_settings import AppSettings, SettingsService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.sign_in import SignInStore
from crisisquiz.gui import credentials
from crisisquiz.gui.app import AppController
from crisisquiz.gui.connect_dialog import ConnectDialog
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.questions.flashcard import FlashcardView
from crisisquiz.gui.study_screen import StudyScreen

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class MemoryKeyring(KeyringBackend):
    """A keyring in memory, standing in for the desktop's own in tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(before)


@pytest.fixture
def local_data(tmp_path: Path) -> Path:
    """This computer's own data folder, used by Lena."""
    ctx = AppContext(tmp_path / "local", clock=lambda: NOW)
    lena = LearnerService(ctx.database).create("Lena", now=NOW)
    SettingsService(ctx.database).save(AppSettings(last_learner_id=lena.id))
    ctx.close()
    return tmp_path / "local"


@pytest.fixture
def controller(qapp: QApplication, local_data: Path) -> Iterator[AppController]:
    made = AppController(qapp, AppContext(local_data, clock=lambda: NOW))
    yield made
    if made.window is not None:
        made.window.close()
        made.window.deleteLater()
    # Windows replaced by a sign-in or sign-out go now, closing their connections.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if made.database is not None:
        made.database.close()
    style = qapp.style().name()
    qapp.setStyleSheet("")
    qapp.setStyle(style)


def shown_window(qtbot: QtBot, controller: AppController) -> MainWindow:
    window = controller.window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def type_into_focus(qtbot: QtBot, text: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, text)


def key(
    qtbot: QtBot, code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, code, modifier)


def open_file_menu_item(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Alt+F opens File; the item is chosen with its underlined letter, as by hand."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    action = next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))
    assert action.isEnabled()
    letter = action.text()[action.text().index("&") + 1]
    qtbot.keyClick(menu, letter.lower())


def fill_in(qtbot: QtBot, dialog: ConnectDialog, school: School, user: str, password: str) -> None:
    """Type the sign-in as a pupil would: the fields in order, Tab between them."""
    server = school.databases.server
    assert QApplication.focusWidget() is dialog.host_edit
    type_into_focus(qtbot, server.host)
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.port_spin
    key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_into_focus(qtbot, str(server.port))
    key(qtbot, Qt.Key.Key_Tab)
    type_into_focus(qtbot, school.name)
    key(qtbot, Qt.Key.Key_Tab)
    type_into_focus(qtbot, user)
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.password_edit
    type_into_focus(qtbot, password)


def connect_dialog(qtbot: QtBot, controller: AppController) -> ConnectDialog:
    qtbot.waitUntil(lambda: controller.connect_dialog is not None)
    dialog = controller.connect_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    return dialog


def test_signing_in_remembering_and_signing_out(
    qtbot: QtBot, controller: AppController, school: School, memory_keyring: MemoryKeyring
) -> None:
    ana = school.add("learner", "Ana", "ana")
    assert controller.start() is None
    window = shown_window(qtbot, controller)
    assert window.windowTitle() == "Lena — crisisquiz"
    assert not window.sign_out_action.isEnabled()

    open_file_menu_item(qtbot, window, "Connect to a school server")
    dialog = connect_dialog(qtbot, controller)
    fill_in(qtbot, dialog, school, ana, school.passwords[ana])
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.remember_box
    key(qtbot, Qt.Key.Key_Space)
    assert dialog.remember_box.isChecked()
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not window, timeout=20_000)

    signed_in = shown_window(qtbot, controller)
    assert signed_in.windowTitle() == f"Ana — {school.name} on the school server — crisisquiz"
    assert signed_in.server_label.isVisible()
    assert signed_in.server_label.text() == (
        f"School server: {ana} on {school.name} at 127.0.0.1:{school.databases.server.port}"
    )
    assert signed_in.learner_label.text() == "Studying as Ana"
    assert not signed_in.switch_button.isVisible()  # a pupil studies as herself only
    # The password is in the keyring, and nowhere in the local data.
    assert list(memory_keyring.passwords.values()) == [school.passwords[ana]]
    local = AppContext(controller._local.data_dir)
    try:
        sign_in, automatic = SignInStore(local.database).load()
        assert sign_in is not None and sign_in.user == ana and automatic
    finally:
        local.close()
    data = (controller._local.data_dir / "crisisquiz.sqlite3").read_bytes()
    assert school.passwords[ana].encode() not in data

    open_file_menu_item(qtbot, signed_in, "Sign out")
    qtbot.waitUntil(lambda: controller.window is not signed_in)
    back = shown_window(qtbot, controller)
    assert back.windowTitle() == "Lena — crisisquiz"
    assert not back.server_label.isVisible()
    assert memory_keyring.passwords == {}


def test_a_remembered_sign_in_opens_the_server_at_start(
    qtbot: QtBot,
    qapp: QApplication,
    local_data: Path,
    school: School,
    memory_keyring: MemoryKeyring,
) -> None:
    ben = school.add("learner", "Ben", "ben")
    ctx = AppContext(local_data, clock=lambda: NOW)
    server = school.databases.server
    from crisisquiz.core.sign_in import SignIn

    sign_in = SignIn("127.0.0.1", school.name, ben, server.port)
    SignInStore(ctx.database).save(sign_in, automatic=True)
    credentials.remember(sign_in.key, school.passwords[ben])
    controller = AppController(qapp, ctx)
    try:
        assert controller.start() is None
        window = shown_window(qtbot, controller)
        assert window.learner_label.text() == "Studying as Ben"
    finally:
        if controller.window is not None:
            controller.window.close()
        if controller.database is not None:
            controller.database.close()
        ctx.close()


def test_a_wrong_password_is_said_in_the_dialog(
    qtbot: QtBot, controller: AppController, school: School, memory_keyring: MemoryKeyring
) -> None:
    ana = school.add("learner", "Ana", "ana")
    assert controller.start() is None
    window = shown_window(qtbot, controller)
    open_file_menu_item(qtbot, window, "Connect to a school server")
    dialog = connect_dialog(qtbot, controller)
    fill_in(qtbot, dialog, school, ana, "not-her-password")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=20_000)
    assert dialog.error_label.text() == (
        f"Not signed in: the server at 127.0.0.1 refused the user name or password for {ana}."
    )
    assert QApplication.focusWidget() is dialog.password_edit
    assert controller.window is window  # still on this computer's data
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller.connect_dialog is None)
    assert memory_keyring.passwords == {}


def test_an_empty_field_is_named(
    qtbot: QtBot, controller: AppController, memory_keyring: MemoryKeyring
) -> None:
    assert controller.start() is None
    window = shown_window(qtbot, controller)
    open_file_menu_item(qtbot, window, "Connect to a school server")
    dialog = connect_dialog(qtbot, controller)
    type_into_focus(qtbot, "school.example.org")
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.error_label.text() == "Type the name of the school's database."
    assert QApplication.focusWidget() is dialog.database_edit
    assert "encrypted (TLS)" in dialog.tls_label.text()


def answer_whatever_shows(qtbot: QtBot, screen: StudyScreen) -> None:
    """Answer the question on show by keyboard: "don't know", or a flashcard's rating."""
    view = screen.stage.view
    assert view is not None
    if isinstance(view, FlashcardView):
        key(qtbot, Qt.Key.Key_Space)
        key(qtbot, Qt.Key.Key_3)
    else:
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def reviews_of(school: School, role: str) -> int:
    with psycopg.connect(school.dsn(school.admin)) as admin:
        row = admin.execute(
            "SELECT count(*) FROM reviews r JOIN server_accounts a ON a.learner_id = r.learner_id "
            "WHERE a.role_name = %s",
            (role,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_an_answer_the_server_did_not_take_is_not_shown_as_saved(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, school: School
) -> None:
    ana = school.add("learner", "Ana", "ana")
    ctx = AppContext(tmp_path / "lab", clock=lambda: NOW, database_url=school.url(ana))
    controller = AppController(qapp, ctx)
    try:
        assert controller.start() is None
        window = shown_window(qtbot, controller)
        qtbot.waitUntil(lambda: window.home.topics_drawn)
        key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Study
        qtbot.waitUntil(lambda: isinstance(window.study_screen, StudyScreen))
        screen = window.study_screen
        assert isinstance(screen, StudyScreen)
        qtbot.waitUntil(lambda: screen.stage.view is not None)
        answer_whatever_shows(qtbot, screen)
        qtbot.waitUntil(lambda: not screen.stage.panel.isHidden())
        assert reviews_of(school, ana) == 1
        key(qtbot, Qt.Key.Key_Return)  # Next
        qtbot.waitUntil(lambda: screen.stage.panel.isHidden())

        # The server stops letting her in, and her open connections are cut.
        school.databases.admin(f"ALTER ROLE {ana} NOLOGIN")
        school.databases.admin(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{ana}'"
        )
        answer_whatever_shows(qtbot, screen)
        qtbot.waitUntil(screen.not_saved.isVisible, timeout=20_000)
        assert screen.stage.panel.isHidden()  # no verdict: nothing claims it was saved
        assert screen.not_saved.title.text() == "Your answer was not saved"
        assert "The school server cannot be reached" in screen.not_saved.reason.text()
        assert QApplication.focusWidget() is screen.not_saved.retry_button
        assert reviews_of(school, ana) == 1

        # Back again: Try again (Enter) stores it once, and the verdict shows.
        school.databases.admin(f"ALTER ROLE {ana} LOGIN")
        key(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not screen.stage.panel.isHidden(), timeout=20_000)
        assert not screen.not_saved.isVisible()
        assert reviews_of(school, ana) == 2
    finally:
        school.databases.admin(f"ALTER ROLE {ana} LOGIN")
        if controller.window is not None:
            controller.window.close()
        ctx.close()


def study_as(school: School, tmp_path: Path, role: str, answers: int) -> None:
    """A pupil answers ``answers`` questions from their own computer (another connection)."""
    import random

    from crisisquiz.core.study import StudyService

    ctx = AppContext(tmp_path / role, clock=lambda: NOW, database_url=school.url(role))
    try:
        learner = LearnerService(ctx.database).list()[0]
        session = StudyService(ctx.database, tz=UTC, rng=random.Random(3)).start(
            learner.id, now=NOW
        )
        for _ in range(answers):
            item = session.next_item(NOW)
            assert item is not None
            session.answer(item, "no idea", now=NOW, response_ms=900)
    finally:
        ctx.close()


def test_a_teacher_reads_their_class_live_from_the_server(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, school: School
) -> None:
    """Teacher ▸ Class report, signed in as a teacher: the classes she teaches, read from
    the server as they are now, and again after a pupil has answered more."""
    from crisisquiz.gui.class_report_screen import DATABASE_SOURCE, ClassReportScreen

    ana = school.add("learner", "Ana", "ana", "--class", "7B")
    ben = school.add("learner", "Ben", "ben", "--class", "7B")
    school.add("learner", "Cleo", "cleo", "--class", "8C")
    tia = school.add("teacher", "Tia", "tia", "--class", "7B")
    study_as(school, tmp_path, ana, 3)
    study_as(school, tmp_path, ben, 2)
    ctx = AppContext(tmp_path / "staffroom", clock=lambda: NOW, database_url=school.url(tia))
    controller = AppController(qapp, ctx)
    try:
        assert controller.start() is None
        window = shown_window(qtbot, controller)
        key(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Teacher ▸ Class report
        qtbot.waitUntil(lambda: isinstance(window.class_report, ClassReportScreen), timeout=20_000)
        screen = window.class_report
        assert isinstance(screen, ClassReportScreen)
        # Only the class she teaches: PostgreSQL hides 8C from her.
        qtbot.waitUntil(lambda: screen.class_choice.count() > 0, timeout=20_000)
        assert [screen.class_choice.itemText(i) for i in range(screen.class_choice.count())] == [
            "7B"
        ]
        key(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Which class
        assert QApplication.focusWidget() is screen.class_choice
        key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # Read from the database
        qtbot.waitUntil(lambda: screen.report is not None and not screen.working, timeout=20_000)
        report = screen.report
        assert report is not None
        answered = {x.name: x.questions_answered for x in report.learners}
        assert answered == {"Ana": 3, "Ben": 2}
        assert screen.result.isVisible()
        assert "Read 2 learners from the database" in screen.result.message.text()
        assert screen.files_table.model().rowCount() == 2

        # Ben answers two more on his computer; reading again shows them.
        study_as(school, tmp_path, ben, 2)
        screen.read_class_button.setFocus()
        key(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: screen.report is not report and not screen.working, timeout=20_000)
        assert screen.report is not None
        answered = {x.name: x.questions_answered for x in screen.report.learners}
        assert answered == {"Ana": 3, "Ben": 4}
        assert [f.source for f in screen.files] == [DATABASE_SOURCE] * 2
    finally:
        if controller.window is not None:
            controller.window.close()
        ctx.close()


def test_a_pupil_signs_in_at_the_first_start_of_a_lab_computer(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, school: School, memory_keyring: MemoryKeyring
) -> None:
    """On a computer with no learner yet, "Who is studying?" offers the school's sign-in:
    the pupil studies on the server without making a learner on the computer."""
    from PySide6.QtCore import QTimer

    from crisisquiz.gui.learner_dialog import LearnerPickerDialog

    ana = school.add("learner", "Ana", "ana")
    ctx = AppContext(tmp_path / "lab", clock=lambda: NOW)
    controller = AppController(qapp, ctx)
    seen: list[str] = []
    failed: list[BaseException] = []

    def modal() -> QWidget | None:
        return QApplication.activeModalWidget()

    def give_up() -> None:
        # A failed step must not leave start() waiting on a dialog: close each one that
        # opens until start() has returned.
        dialog = modal()
        if dialog is not None:
            dialog.close()
        if not seen or seen[-1] != "returned":
            QTimer.singleShot(50, give_up)

    def on_picker() -> None:
        try:
            dialog = modal()
            assert isinstance(dialog, LearnerPickerDialog)
            seen.append("picker")
            assert dialog.server_button is not None
            assert dialog.server_button.text() == "&Sign in to a school server…"
            QTimer.singleShot(0, on_connect)
            qtbot.mouseClick(dialog.server_button, Qt.MouseButton.LeftButton)
        except BaseException as error:
            failed.append(error)
            give_up()

    def on_connect() -> None:
        try:
            qtbot.waitUntil(lambda: isinstance(modal(), ConnectDialog))
            dialog = modal()
            assert isinstance(dialog, ConnectDialog)
            seen.append("connect")
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.host_edit)
            fill_in(qtbot, dialog, school, ana, school.passwords[ana])
            key(qtbot, Qt.Key.Key_Return)
        except BaseException as error:
            failed.append(error)
            give_up()

    QTimer.singleShot(0, on_picker)
    try:
        started = controller.start()
        seen.append("returned")
        assert failed == [], (seen, [traceback.format_exception(e)[-3:] for e in failed])
        assert seen == ["picker", "connect", "returned"]
        assert started is None
        window = shown_window(qtbot, controller)
        assert window.windowTitle() == f"Ana — {school.name} on the school server — crisisquiz"
        # Nothing was made on the computer itself.
        local = AppContext(tmp_path / "lab")
        try:
            assert LearnerService(local.database).list() == []
        finally:
            local.close()
    finally:
        if controller.window is not None:
            controller.window.close()
        if controller.database is not None:
            controller.database.close()
        ctx.close()
