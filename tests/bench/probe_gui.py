"""Cold start: the app's own start-up steps, up to the first study question painted.

Run by the benchmark as ``python tests/bench/probe_gui.py DATA_DIR LEARNER_ID``. It
does what ``crisisquiz.gui.app.run_app`` does for a returning learner (open and
check the database, the services, the theme, the main window) and then opens the
study screen, as a click on "Study" would. It prints one JSON line as soon as a
label showing the first question has been painted, and exits.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

# As the ``crisisquiz`` command does: the command-line package (and with it the core and
# storage) first, Qt only when the window opens. The order matters: PySide6 hooks every
# import that comes after it (and reads each module's source), so the import sorter is
# kept off this block.
# isort: off
import crisisquiz.cli  # noqa: E402, F401
from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget  # noqa: E402

from crisisquiz.core.app_context import AppContext  # noqa: E402
from crisisquiz.core.local_zone import SYSTEM_ZONE  # noqa: E402
from crisisquiz.gui.app import application  # noqa: E402
from crisisquiz.gui.main_window import MainWindow  # noqa: E402
from crisisquiz.gui.services import Services  # noqa: E402
from crisisquiz.gui.theme import Appearance  # noqa: E402

# isort: on

MARKER = "(bench #"  # every synthetic question's text holds it
PHASES: dict[str, float] = {"imports": time.perf_counter() - STARTED}
TIMEOUT_MS = 120_000


def peak_rss_kib() -> int:
    """This process's peak resident memory (VmHWM), in KiB.

    Not ``ru_maxrss``: on Linux that carries over the parent's peak through fork and
    exec, so a child of a big benchmark process would report the parent's size.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _emit(line: dict[str, Any]) -> None:
    line["maxrss_kib"] = peak_rss_kib()
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    os._exit(0)


def _text(widget: QObject) -> str:
    if isinstance(widget, QLabel):
        return widget.text()
    parent = widget.parent()
    if isinstance(parent, QAbstractScrollArea) and hasattr(parent, "toPlainText"):
        return str(parent.toPlainText())  # a text view paints its viewport
    return ""


class _FirstQuestionPainted(QObject):
    """Reports once a label under the study screen showing the question has been painted."""

    def __init__(self) -> None:
        super().__init__()
        self.screen: QWidget | None = None
        self.needle = MARKER
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._done or self.screen is None or event.type() != QEvent.Type.Paint:
            return False
        if not isinstance(watched, QWidget) or not self.screen.isAncestorOf(watched):
            return False
        if self.needle in _text(watched) and watched.isVisible():
            self._done = True
            # Reported on the next turn of the event loop, once this paint has finished.
            QTimer.singleShot(
                0, lambda: _emit({"ok": True, "ready_s": _elapsed(), "phases": _phases()})
            )
        return False


def _elapsed() -> float:
    return time.perf_counter() - STARTED


def _mark(phase: str) -> None:
    PHASES[phase] = _elapsed()


def _phases() -> dict[str, float]:
    """Seconds spent in each phase (the marks are cumulative)."""
    _mark("painted")
    spent, before = {}, 0.0
    for phase, at in PHASES.items():
        spent[phase] = at - before
        before = at
    return spent


def main(argv: list[str]) -> None:
    data_dir, learner_id = Path(argv[1]), int(argv[2])
    app = application()
    watcher = _FirstQuestionPainted()
    app.installEventFilter(watcher)
    _mark("qapplication")
    context = AppContext(data_dir=data_dir)
    database = context.database
    _mark("open_database")
    services = Services.create(database, clock=context.clock, tz=SYSTEM_ZONE, rng=random.Random())
    appearance = Appearance(app)
    settings = services.settings.load()
    appearance.apply(settings.theme, settings.text_scale)
    learner = services.learners.get(learner_id)  # the remembered learner
    _mark("services_theme")
    window = MainWindow(services, appearance, learner)
    _mark("main_window")
    window.show()
    window.start_study()
    _mark("study_screen")
    screen = window.study_screen
    if screen is None:
        raise RuntimeError("MainWindow.start_study() opened no study screen")
    item = getattr(screen, "_item", None)
    question = getattr(item, "question", None)
    prompt = str(getattr(question, "display_prompt", ""))
    if prompt and MARKER not in prompt:
        watcher.needle = prompt.strip().splitlines()[0][:40]
    watcher.screen = screen
    QTimer.singleShot(
        TIMEOUT_MS, lambda: _emit({"ok": False, "error": "no question painted in time"})
    )
    app.exec()


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Exception as exc:
        _emit(
            {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        )
