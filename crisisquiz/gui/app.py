"""Start the desktop app: one QApplication, the services, the learner, the main window."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from sqlalchemy.exc import SQLAlchemyError

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.draft_store import DRAFTS_FOLDER
from crisisquiz.core.learners import Learner
from crisisquiz.core.local_zone import SYSTEM_ZONE
from crisisquiz.core.sign_in import Connected, SignIn, SignInStore, connect
from crisisquiz.gui import credentials
from crisisquiz.gui.accessibility import install_accessibility
from crisisquiz.gui.backups_dialog import held_text, when_text
from crisisquiz.gui.connect_dialog import ConnectDialog
from crisisquiz.gui.learner_dialog import SIGN_IN_RESULT, LearnerPickerDialog, remembered_learner
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.gui.wheel_guard import install_wheel_guard
from crisisquiz.gui.widgets import message_box
from crisisquiz.gui.worker import TaskRunner
from crisisquiz.resources import asset_path
from crisisquiz.storage.database import DamagedDatabaseError, Database, DatabaseError
from crisisquiz.storage.dialects import ConnectionLost, connection_problem
from crisisquiz.storage.sqlite_backup import BackupError, BackupInfo


def application() -> QApplication:
    """The running QApplication, created if there is none yet."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("crisisquiz")
    app.setApplicationDisplayName("crisisquiz")
    app.setWindowIcon(QIcon(str(asset_path("icons", "crisisquiz.svg"))))
    install_accessibility(app)
    install_wheel_guard(app)
    return app


class SignInChosen:
    """The learner dialog's answer when the person chose to sign in to a school server."""


SIGN_IN_CHOSEN = SignInChosen()


def choose_learner(
    services: Services, *, offer_server: bool = False
) -> Learner | SignInChosen | None:
    """The remembered learner, or the one picked in the learner dialog; None if cancelled.

    ``offer_server``: the dialog also offers a school server's sign-in, answered with
    :data:`SIGN_IN_CHOSEN`.
    """
    learner = remembered_learner(services)
    if learner is not None:
        return learner
    dialog = LearnerPickerDialog(
        services, first_start=not services.learners.list(), offer_server=offer_server
    )
    result = dialog.exec()
    if result == SIGN_IN_RESULT:
        return SIGN_IN_CHOSEN
    if result != QDialog.DialogCode.Accepted:
        return None
    return dialog.learner


def _tell(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str) -> None:
    """A message whose text shows as written: names, titles and paths are never markup."""
    message_box(parent, icon, title, text).exec()


CANNOT_OPEN = "crisisquiz cannot open its data"
QUIET_MS = 2_000  # how often the window looks for quiet work (a log checkpoint)
BACKUP_CHECK_MS = 5 * 60_000  # how often it looks whether an automatic backup is due

_Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def _error_reporter(ctx: AppContext) -> _Hook:
    def report(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        lost = connection_problem(error)
        if lost is not None:
            # Not a bug: the school server went away while a screen was reading from it.
            _tell(
                QMessageBox.Icon.Warning,
                None,
                "The school server cannot be reached",
                f"{lost}\n\nEvery answer you were told was saved is saved. When the server "
                "is back, carry on: crisisquiz reconnects by itself.",
            )
            return
        # The disk full, a read-only file, a lock held too long: the cause in words.
        explained = ctx.explain(error)
        if explained is not None:
            _tell(QMessageBox.Icon.Warning, None, "crisisquiz could not save", explained)
            return
        # A bug must not pass silently, nor show a traceback to a student: the details go
        # to the terminal, the user gets a message saying what to do.
        traceback.print_exception(kind, error, trace)
        _tell(
            QMessageBox.Icon.Critical,
            None,
            "Something went wrong",
            f"crisisquiz hit a problem it did not expect: {error}\n\nEvery answer you gave "
            "before this is saved. If this keeps happening, restart crisisquiz.",
        )

    return report


class AppController:
    """Opens the window on this computer's data or a school server, and switches between them.

    Signing in or out changes the database under every screen, so the window is
    replaced by a new one on the other database; the old one's connections close.
    """

    def __init__(self, app: QApplication, ctx: AppContext) -> None:
        self._app = app
        self._ctx = ctx
        self._local = ctx if ctx.database_url is None else AppContext(ctx.data_dir, ctx.clock)
        self.appearance = Appearance(app)
        self.window: MainWindow | None = None
        self.database: Database | None = None
        self.sign_in: SignIn | None = None
        self.connect_dialog: ConnectDialog | None = None

    # -- starting -------------------------------------------------------------------------

    def start(self) -> int | None:
        """Open the first window: None when it is open, else the exit status (1: failed,
        0: the learner dialog was cancelled)."""
        try:
            database = self._ctx.database
        except DamagedDatabaseError as exc:
            if not self.offer_newest_backup(exc):
                return 1
            try:
                database = self._ctx.database
            except DatabaseError as again:
                _tell(QMessageBox.Icon.Critical, None, CANNOT_OPEN, str(again))
                return 1
        except DatabaseError as exc:
            _tell(QMessageBox.Icon.Critical, None, "crisisquiz cannot open its data", str(exc))
            return 1
        except Exception as exc:
            explained = self._ctx.explain(exc)
            if explained is None:
                raise
            _tell(QMessageBox.Icon.Critical, None, "crisisquiz cannot open its data", explained)
            return 1
        if database.server is None:
            database = self._remembered_server() or database
        if not self._open(database):
            return 0
        self._start_quiet_work()
        for notice in self._ctx.notices:
            _tell(QMessageBox.Icon.Warning, self.window, "crisisquiz", notice)
        self._ctx.notices.clear()
        return None

    # -- backups and the way back ---------------------------------------------------------

    def offer_newest_backup(self, error: DamagedDatabaseError) -> bool:
        """The data is damaged: offer the newest backup, with one confirmation.

        True when it was restored (the data can be opened again). Nothing is changed
        unless the person says so; the damaged file is kept beside the database.
        """
        from crisisquiz.core.backups import BackupService  # loaded when needed

        service = BackupService(self._ctx.data_dir, clock=self._ctx.clock, tz=SYSTEM_ZONE)
        newest = service.newest_good()
        if newest is None:
            _tell(
                QMessageBox.Icon.Critical,
                None,
                CANNOT_OPEN,
                f"{error}\n\nThere is no backup that can be restored. The damaged file has "
                "not been changed.",
            )
            return False
        box = message_box(
            None,
            QMessageBox.Icon.Warning,
            "Your data is damaged",
            f"{error}\n\nThe newest good backup is from {when_text(newest, SYSTEM_ZONE)} and "
            f"holds {held_text(newest)}. Put it in place of the damaged data? The damaged "
            "file is kept beside it; nothing is lost either way.",
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Restore the newest backup")
        box.button(QMessageBox.StandardButton.No).setText("Quit without changing anything")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        try:
            service.restore(newest)
        except BackupError as exc:
            _tell(QMessageBox.Icon.Critical, None, CANNOT_OPEN, f"Nothing was restored: {exc}")
            return False
        return True

    def restore(self, backup: BackupInfo) -> None:
        """File ▸ Backups… ▸ Restore: put ``backup`` in place, then a new window on it."""
        from crisisquiz.core.backups import BackupService  # loaded when needed

        service = BackupService(self._ctx.data_dir, clock=self._ctx.clock, tz=SYSTEM_ZONE)
        if self.window is not None:
            self.window.runner.wait()
        self._local.close()
        try:
            restored = service.restore(backup)
        except BackupError as exc:
            _tell(QMessageBox.Icon.Critical, self.window, "Nothing was restored", str(exc))
            restored = None
        try:
            database = self._local.database
        except DatabaseError as exc:
            _tell(QMessageBox.Icon.Critical, self.window, CANNOT_OPEN, str(exc))
            return
        if self._open(database) and restored is not None and self.window is not None:
            _tell(
                QMessageBox.Icon.Information,
                self.window,
                "Backup restored",
                f"Your data is now as it was on {when_text(backup, SYSTEM_ZONE)}. "
                + (
                    f"What was there before is backed up as {restored.safety.path.name}."
                    if restored.safety is not None
                    else ""
                ),
            )

    def _start_quiet_work(self) -> None:
        """Timers for the database's quiet work: log checkpoints, automatic backups."""
        self._quiet_timer = QTimer(self._app)
        self._quiet_timer.setInterval(QUIET_MS)
        self._quiet_timer.timeout.connect(self._quiet_moment)
        self._quiet_timer.start()
        self._backup_timer = QTimer(self._app)
        self._backup_timer.setInterval(BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self._backup_if_due)
        self._backup_timer.start()
        self._backups = TaskRunner(self._app)  # its own: the screens' busy signs are not for it

    def _quiet_moment(self) -> None:
        database = self.database
        if database is None or database.path is None:
            return
        # A problem here shows when something is next saved; a quiet moment stays quiet.
        with contextlib.suppress(SQLAlchemyError, sqlite3.Error, OSError):
            database.idle()

    def _backup_if_due(self) -> None:
        database = self.database
        if database is None or database.path is None or self._backups.busy:
            return
        from crisisquiz.core.backups import BackupService  # loaded when needed

        service = BackupService(self._ctx.data_dir, clock=self._ctx.clock, tz=SYSTEM_ZONE)
        self._backups.run(service.maybe_back_up, lambda _made: None, self._backup_failed)

    def _backup_failed(self, error: Exception) -> None:
        _tell(
            QMessageBox.Icon.Warning,
            self.window,
            "No backup was made",
            f"The automatic backup could not be made: {error}. Your data itself is fine; "
            "free some space or check the data folder, and it is tried again.",
        )

    def _remembered_server(self) -> Database | None:
        """The school server signed in to last time with a remembered password, if it answers."""
        store = SignInStore(self._local.database)
        sign_in, automatic = store.load()
        if sign_in is None or not automatic:
            return None
        password = credentials.recall(sign_in.key)
        if password is None:
            return None
        try:
            connected = connect(sign_in, password, now=self._ctx.clock())
        except (DatabaseError, ConnectionLost) as exc:
            _tell(
                QMessageBox.Icon.Warning,
                None,
                "Not signed in to the school server",
                f"{exc}\n\ncrisisquiz opens this computer's own data. To try again, use "
                "File ▸ Connect to a school server.",
            )
            return None
        self.sign_in = sign_in
        return connected.database

    def _open(self, database: Database) -> bool:
        # Study days start at the learner's local hour, summer time included.
        services = Services.create(
            database,
            clock=self._ctx.clock,
            tz=SYSTEM_ZONE,
            rng=random.Random(),
            drafts_folder=self._ctx.data_dir / DRAFTS_FOLDER,
        )
        settings = services.settings.load()
        self.appearance.apply(settings.theme, settings.text_scale)
        learner = self._learner_for(services)
        if isinstance(learner, SignInChosen):
            return self._sign_in_at_start(database)
        if learner is None:
            return False
        window = MainWindow(services, self.appearance, learner)
        window.connect_requested.connect(self.ask_to_connect)
        window.restore_requested.connect(self.restore)
        window.sign_out_requested.connect(self.sign_out)
        old, self.window = self.window, window
        old_database, self.database = self.database, database
        if old is not None:
            window.restoreGeometry(old.saveGeometry())  # the new window where the old one was
        window.show()
        # A server's connections close with its window; the file stays open for later.
        closing = (
            old_database
            if old_database is not None and old_database is not database and old_database.server
            else None
        )
        if old is not None:
            if closing is not None:
                # Again once the window is gone: a refresh it had already queued may
                # have opened a connection after the first close.
                old.destroyed.connect(closing.close)
            old.close()
            old.deleteLater()
        if closing is not None:
            closing.close()
        return True

    def _learner_for(self, services: Services) -> Learner | SignInChosen | None:
        account = services.account
        if account is not None and account.learner_id is not None:
            return services.learners.get(account.learner_id)
        # Before any window, on this computer's data: a pupil may sign in straight away.
        offer = self.window is None and services.database.server is None
        return choose_learner(services, offer_server=offer)

    def _sign_in_at_start(self, local: Database) -> bool:
        """The learner dialog's Sign in: the school's sign-in; cancelled, the dialog again."""
        last, _automatic = SignInStore(self._local.database).load()
        runner = TaskRunner()
        dialog = ConnectDialog(runner, self._ctx.clock, last)
        self.connect_dialog = dialog
        connected: list[Connected] = []
        dialog.connected.connect(connected.append)
        try:
            dialog.exec()
        finally:
            self.connect_dialog = None
        if not connected:
            return self._open(local)
        self._connected(dialog, connected[0])
        dialog.deleteLater()
        runner.deleteLater()
        return self.window is not None

    # -- signing in and out ---------------------------------------------------------------

    def ask_to_connect(self) -> None:
        """File ▸ Connect to a school server."""
        if self.window is None:
            return
        last, _automatic = SignInStore(self._local.database).load()
        dialog = ConnectDialog(self.window.runner, self._ctx.clock, last, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.connected.connect(lambda connected: self._connected(dialog, connected))
        dialog.finished.connect(lambda _result: self._forget_dialog())
        self.connect_dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self.connect_dialog = None

    def _connected(self, dialog: ConnectDialog, connected: Connected) -> None:
        remembered = dialog.remember_box.isChecked() and dialog.remembered is None
        SignInStore(self._local.database).save(connected.sign_in, automatic=remembered)
        self.sign_in = connected.sign_in
        if not self._open(connected.database):
            connected.database.close()
            return
        if dialog.remembered is not None and self.window is not None:
            reason = dialog.remembered
            _tell(
                QMessageBox.Icon.Information,
                self.window,
                "Password not remembered",
                reason[:1].upper() + reason[1:] + ".",
            )

    def sign_out(self) -> None:
        """File ▸ Sign out: forget the remembered password, back to this computer's data."""
        if self.sign_in is not None:
            credentials.forget(self.sign_in.key)
        SignInStore(self._local.database).stop_automatic()
        self.sign_in = None
        try:
            local = self._local.database
        except DatabaseError as exc:
            _tell(
                QMessageBox.Icon.Critical, self.window, "crisisquiz cannot open its data", str(exc)
            )
            return
        self._open(local)


def run_app(ctx: AppContext) -> int:
    """Open the app on the context's database; returns the exit status."""
    app = application()
    controller = AppController(app, ctx)
    status = controller.start()
    if status is not None:
        return status
    sys.excepthook = _error_reporter(ctx)
    status = int(app.exec())
    # Closing the window backs the data up when it changed since the last backup.
    ctx.close(back_up=True)
    return status
