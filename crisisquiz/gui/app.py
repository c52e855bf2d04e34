"""Start the desktop app: one QApplication, the services, the learner, the main window."""

from __future__ import annotations

import random
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.learners import Learner
from crisisquiz.core.local_zone import SYSTEM_ZONE
from crisisquiz.gui.learner_dialog import LearnerPickerDialog, remembered_learner
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance
from crisisquiz.resources import asset_path
from crisisquiz.storage.database import DatabaseError


def application() -> QApplication:
    """The running QApplication, created if there is none yet."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("crisisquiz")
    app.setApplicationDisplayName("crisisquiz")
    app.setWindowIcon(QIcon(str(asset_path("icons", "crisisquiz.svg"))))
    return app


def choose_learner(services: Services) -> Learner | None:
    """The remembered learner, or the one picked in the learner dialog; None if cancelled."""
    learner = remembered_learner(services)
    if learner is not None:
        return learner
    dialog = LearnerPickerDialog(services, first_start=not services.learners.list())
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.learner


_Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def _error_reporter(ctx: AppContext) -> _Hook:
    def report(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        # The disk full, a read-only file, a lock held too long: the cause in words.
        explained = ctx.explain(error)
        if explained is not None:
            QMessageBox.warning(None, "crisisquiz could not save", explained)
            return
        # A bug must not pass silently, nor show a traceback to a student: the details go
        # to the terminal, the user gets a message saying what to do.
        traceback.print_exception(kind, error, trace)
        QMessageBox.critical(
            None,
            "Something went wrong",
            f"crisisquiz hit a problem it did not expect: {error}\n\nEvery answer you gave "
            "before this is saved. If this keeps happening, restart crisisquiz.",
        )

    return report


def run_app(ctx: AppContext) -> int:
    """Open the app on the context's database; returns the exit status."""
    app = application()
    try:
        database = ctx.database
    except DatabaseError as exc:
        QMessageBox.critical(None, "crisisquiz cannot open its data", str(exc))
        return 1
    except Exception as exc:
        explained = ctx.explain(exc)
        if explained is None:
            raise
        QMessageBox.critical(None, "crisisquiz cannot open its data", explained)
        return 1
    # Study days start at the learner's local hour, summer time included.
    services = Services.create(database, clock=ctx.clock, tz=SYSTEM_ZONE, rng=random.Random())
    appearance = Appearance(app)
    settings = services.settings.load()
    appearance.apply(settings.theme, settings.text_scale)
    learner = choose_learner(services)
    if learner is None:
        return 0
    sys.excepthook = _error_reporter(ctx)
    window = MainWindow(services, appearance, learner)
    window.show()
    for notice in ctx.notices:
        QMessageBox.warning(window, "crisisquiz", notice)
    ctx.notices.clear()
    return int(app.exec())
