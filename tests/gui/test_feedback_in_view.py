"""After an answer the question stays in view beside its feedback, at 100 % and 200 % text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import Driver, Entry, open_window
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_settings import Theme
from crisisquiz.core.learners import Learner
from crisisquiz.gui.services import Services
from crisisquiz.gui.theme import Appearance


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def shown_part(widget: QWidget, viewport: QWidget) -> QRect:
    """The part of ``widget`` inside the scroll area's viewport, in viewport coordinates."""
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return QRect(top_left, widget.size()).intersected(viewport.rect())


def fully_shown(widget: QWidget, viewport: QWidget) -> bool:
    return shown_part(widget, viewport).height() == widget.height()


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_the_question_and_its_verdict_show_together(
    scale: float,
    qtbot: QtBot,
    services: Services,
    learner: Learner,
    appearance: Appearance,
    clock: Any,
) -> None:
    appearance.apply(Theme.LIGHT, scale)
    app: Driver = open_window(qtbot, services, appearance, learner)
    study = app.enter_study(Entry.TAB_ENTER)
    stage = study.stage
    seen = set()
    while not study.showing_summary and len(seen) < 9:
        view = app.view()
        seen.add(view.item.question.type)
        with qtbot.waitSignal(stage.feedback_revealed):
            app.answer(right=False)
        viewport = stage.viewport()
        kind = view.item.question.type.value
        assert fully_shown(view.prompt_label, viewport), (kind, scale)
        assert shown_part(stage.panel.verdict_label, viewport).height() > 0, (kind, scale)
        app.press(Qt.Key.Key_Return)
        clock.advance(seconds=5)
    assert len(seen) == 9
