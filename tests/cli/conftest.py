"""Fixtures for the terminal commands: a data folder with the small pack and a learner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import crisisquiz.cli
from crisisquiz.cli import main, terminal_study
from crisisquiz.core.app_context import AppContext


class SteppingClock:
    """A clock that moves half a second every time it is read."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=500)
        return self.now


@pytest.fixture
def data(
    tmp_path: Path,
    small_pack_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
    capsys: pytest.CaptureFixture[str],
) -> str:
    """A data folder holding the small pack and the learner Sam; fixed clock and zone."""
    monkeypatch.setattr(
        crisisquiz.cli,
        "AppContext",
        lambda data_dir, **options: AppContext(data_dir, SteppingClock(now), **options),
    )
    monkeypatch.setattr(terminal_study, "local_zone", lambda: UTC)
    folder = str(tmp_path / "data")
    assert main(["--data-dir", folder, "pack", "import", str(small_pack_file)]) == 0
    assert main(["--data-dir", folder, "learner", "add", "Sam"]) == 0
    capsys.readouterr()
    return folder
