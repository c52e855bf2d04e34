"""Run slow database work (import, export, removal) off the GUI thread.

The window stays responsive while a job runs; its result or its error comes
back on the GUI thread, where the screen that started it shows it. Jobs run
one at a time, so two writes to the database never race each other.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from crisisquiz.storage.sqlite_health import explain_storage_error


class StorageFailure(Exception):
    """A job failed for a reason of the disk or the database file, said in plain words."""


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from a worker thread reach it queued."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._id = job_id
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # every failure is handed to the GUI to explain
            # A full disk or a read-only file reaches the screen as its cause in words,
            # not as the database driver's message.
            explained = explain_storage_error(exc)
            failure = exc if explained is None else StorageFailure(explained)
            self._relay.failed.emit(self._id, failure)
        else:
            self._relay.succeeded.emit(self._id, result)


@dataclass(frozen=True)
class _Callbacks:
    on_success: Callable[[Any], None]
    on_failure: Callable[[Exception], None]


class TaskRunner(QObject):
    """Runs callables on a background thread and calls back on the GUI thread.

    ``busy_changed`` tells screens when to show or hide their progress indicator.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._succeeded)
        self._relay.failed.connect(self._failed)
        self._pending: dict[int, _Callbacks] = {}
        self._ids = itertools.count(1)

    @property
    def busy(self) -> bool:
        """Whether a job is queued or running."""
        return bool(self._pending)

    def run(
        self,
        work: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        """Start ``work`` in the background; one of the callbacks runs on the GUI thread after."""
        job_id = next(self._ids)
        was_busy = self.busy
        self._pending[job_id] = _Callbacks(on_success, on_failure)
        if not was_busy:
            self.busy_changed.emit(True)
        self._pool.start(_Job(job_id, work, self._relay))

    def wait(self, msecs: int = -1) -> bool:
        """Block until every job has finished (on close); False if ``msecs`` ran out first."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object)
    def _succeeded(self, job_id: int, result: object) -> None:
        callbacks = self._pending.pop(job_id)
        try:
            callbacks.on_success(result)
        finally:
            self._after()

    @Slot(int, object)
    def _failed(self, job_id: int, error: object) -> None:
        callbacks = self._pending.pop(job_id)
        try:
            callbacks.on_failure(
                error if isinstance(error, Exception) else RuntimeError(str(error))
            )
        finally:
            self._after()

    def _after(self) -> None:
        if not self.busy:
            self.busy_changed.emit(False)
