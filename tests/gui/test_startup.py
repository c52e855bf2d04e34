"""Start-up weight: opening the window and a study session loads only what they show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.packs import PackService

# What the window builds or imports on first use only; each one slows every start.
NOT_AT_START = (
    "alembic",
    "PySide6.QtCharts",
    "crisisquiz.core.class_report",
    "crisisquiz.core.results",
    "crisisquiz.gui.charts",
    "crisisquiz.gui.class_report_screen",
    "crisisquiz.gui.packs_screen",
    "crisisquiz.gui.progress_screen",
    "crisisquiz.gui.quiz_screen",
    "crisisquiz.gui.report_pdf",
    "crisisquiz.gui.settings_screen",
)
VIEW_MODULES = ("arranging", "choices", "flashcard", "typed")

# A returning learner's start, as crisisquiz.gui.app.run_app does it, then a click on Study.
START = """
import json, random, sys
from datetime import UTC
from pathlib import Path

from crisisquiz.core.app_context import AppContext
from crisisquiz.gui.app import application
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance

app = application()
context = AppContext(Path(sys.argv[1]))
services = Services.create(context.database, clock=context.clock, tz=UTC, rng=random.Random(1))
window = MainWindow(services, Appearance(app), services.learners.list()[0])
window.show()
window.start_study()
app.processEvents()
print(json.dumps(sorted(sys.modules)))
context.close()
"""


def test_the_window_and_a_study_session_load_only_what_they_show(
    tmp_path: Path, small_pack_file: Path, now: datetime
) -> None:
    data = tmp_path / "data"
    context = AppContext(data, lambda: now)  # migrated, with the built-in pack
    PackService(context.database).import_file(small_pack_file, now=now)
    LearnerService(context.database).create("Sam", now=now)
    context.close()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [sys.executable, "-c", START, str(data)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert "crisisquiz.gui.study_screen" in loaded
    assert [name for name in loaded if name.startswith(NOT_AT_START)] == []
    # Only the view of the first question's type.
    views = [m for m in VIEW_MODULES if f"crisisquiz.gui.questions.{m}" in loaded]
    assert len(views) == 1
