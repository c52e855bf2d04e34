"""Start the desktop app: one QApplication, the database, the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from crisisquiz.cli.context import AppContext
from crisisquiz.core.packs import PackService
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.storage.database import DatabaseError


def run_app(ctx: AppContext) -> int:
    """Open the main window on the context's database; returns the exit status."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("crisisquiz")
    app.setApplicationDisplayName("crisisquiz")
    try:
        database = ctx.database
    except DatabaseError as exc:
        QMessageBox.critical(None, "crisisquiz cannot open its data", str(exc))
        return 1
    window = MainWindow(PackService(database))
    window.show()
    return int(app.exec())
