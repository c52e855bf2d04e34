"""The floor of the cold-start workload: a bare PySide6 window with a label, painted once.

Run by the benchmark as ``python tests/bench/probe_floor.py``; prints one JSON line
as soon as the label has been painted, then exits.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: E402


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


class _FirstPaint(QObject):
    """Reports once the label has been painted (on the next turn of the event loop)."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self._label = label
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and watched is self._label and event.type() == QEvent.Type.Paint:
            self._done = True
            QTimer.singleShot(0, _report)
        return False


def _report() -> None:
    peak = peak_rss_kib()
    line = {"ok": True, "ready_s": time.perf_counter() - STARTED, "maxrss_kib": peak}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    os._exit(0)


def main() -> None:
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1024, 768)
    label = QLabel("Which leader wrote the second letter of 27 October? (bench #0)")
    window.setCentralWidget(label)
    watcher = _FirstPaint(label)
    app.installEventFilter(watcher)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
