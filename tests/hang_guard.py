"""Run a call that must not hang: a test fails instead of blocking the whole suite."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Generous: the calls guarded here take milliseconds; only a real hang comes near it.
LIMIT_S = 60.0


def finishes(call: Callable[[], T], limit_s: float = LIMIT_S) -> T:
    """``call()``'s result (or its exception), failing the test if it has not returned in time.

    The call runs in a daemon thread, so a call that never returns (an open() waiting on a
    FIFO, a read of /dev/zero) fails the test instead of keeping the process alive.
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit_s)
    if worker.is_alive():
        raise AssertionError(f"still running after {limit_s:.0f} s: it hangs")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
