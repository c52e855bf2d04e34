"""Drafts survive: a crashed editor's draft (a real process killed with SIGKILL) comes back."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from editor_child import BACK, FRONT, TITLE
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_context import AppContext
from crisisquiz.gui.editor.launcher import DraftsDialog
from crisisquiz.gui.main_window import MainWindow
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance

CHILD = Path(__file__).with_name("editor_child.py")


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The app's look; the application's style, font and palette are put back afterwards."""
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_the_draft_of_a_killed_editor_is_offered_back_at_the_next_start(
    qtbot: QtBot, tmp_path: Path, appearance: Appearance
) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        # The child says when its editor has saved the draft; nothing else is waited for.
        line = child.stdout.readline()
        if line.strip() == "SAVED":
            child.send_signal(signal.SIGKILL)
        else:
            child.kill()
        _out, errors = child.communicate(timeout=60)
        assert line.strip() == "SAVED", errors
        assert child.returncode == -signal.SIGKILL

    # The next start: the same data folder, the app's own services and window.
    context = AppContext(data)
    try:
        services = Services.create(
            context.database,
            clock=context.clock,
            tz=UTC,
            rng=random.Random(1),
        )
        [learner] = services.learners.list()
        window = MainWindow(services, appearance, learner)
        qtbot.addWidget(window)
        window.show()
        # The window offers the draft back as soon as it shows.
        qtbot.waitUntil(lambda: window._editors is not None and window.editors.offer is not None)
        offer = window.editors.offer
        assert isinstance(offer, DraftsDialog)
        qtbot.waitUntil(offer.isVisible)
        assert offer.list.item(0).text().startswith(f"{TITLE}\n1 question ·")
        qtbot.waitUntil(offer.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # "Open it"
        qtbot.waitUntil(lambda: bool(window.editors.editors))
        [editor] = window.editors.editors.values()
        draft = editor.document.draft
        assert draft.info["title"] == TITLE
        assert draft.questions[0].data["prompt"] == FRONT
        assert draft.questions[0].data["answer"].startswith(BACK)
        assert editor.details.title.text() == TITLE
        window.close()
    finally:
        context.close()
