"""A pack editor in a process of its own, for the crash test: ``python editor_child.py DATA_DIR``.

It opens the main window on DATA_DIR, starts a new pack with Ctrl+N, types a title and
a flashcard through the keyboard, waits until the editor has saved its draft, says
``SAVED`` on standard output, types on (unsaved keystrokes a crash may lose) and then
waits to be killed.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

TITLE = "Crash course"
FRONT = "Black Saturday"
BACK = "27 October 1962, the most dangerous day of the crisis"


def main(data_dir: Path) -> None:
    app = QApplication([sys.argv[0], "-platform", "offscreen"])
    from crisisquiz.core.app_context import AppContext
    from crisisquiz.core.pack_schema import QuestionType
    from crisisquiz.gui.main_window import MainWindow
    from crisisquiz.gui.services import Services
    from crisisquiz.gui.theme import Appearance

    context = AppContext(data_dir)
    services = Services.create(context.database, clock=context.clock, tz=UTC, rng=random.Random())
    learner = services.learners.create("Ana", now=context.clock())
    window = MainWindow(services, Appearance(app), learner)
    window.show()
    window.activateWindow()

    def wait_for(condition: object) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if condition() else None)  # type: ignore[operator]
        timer.start(5)
        loop.exec()
        timer.stop()

    wait_for(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    [editor] = window.editors.editors.values()
    QTest.keyClicks(editor.details.title, TITLE)
    editor.question_list.add_question(QuestionType.FLASHCARD)
    QTest.keyClicks(editor.form.editor("prompt"), FRONT)
    QTest.keyClicks(editor.form.editor("answer"), BACK)
    saved: list[object] = []
    editor.document.saved.connect(saved.append)
    wait_for(lambda: bool(saved))
    print("SAVED", flush=True)
    # Typing goes on after the save; the process is killed while the editor is busy.
    QTest.keyClicks(editor.form.editor("answer"), " (and more typing)")
    app.exec()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
