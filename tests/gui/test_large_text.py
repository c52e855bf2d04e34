"""At 200 % text on a 1024-pixel window every list, table, chart label and dialog fits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness import Alt, Ctrl, Driver, Entry, open_window, services_with_pack, single_type_pack
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_settings import Theme
from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import QuestionType
from crisisquiz.gui.charts import LABEL_LINE_CHARS, wrap_label
from crisisquiz.gui.main_window import Screen, ShortcutsDialog
from crisisquiz.gui.progress_screen import HEADERS, ProgressScreen
from crisisquiz.gui.questions import MatchingView
from crisisquiz.gui.services import Services
from crisisquiz.gui.settings_screen import SettingsScreen
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database


@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style, font, palette = qapp.style().name(), qapp.font(), qapp.palette()
    yield Appearance(qapp)
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setFont(font)
    qapp.setPalette(palette)


def every_row_shows(view: QAbstractItemView) -> bool:
    """Whether an open list shows all of its rows, none scrolled away or cut."""
    model = view.model()
    port = view.viewport().rect()
    return all(
        port.contains(view.visualRect(model.index(row, 0))) for row in range(model.rowCount())
    )


def open_list(app: Driver, box: QComboBox) -> QAbstractItemView:
    box.setFocus(Qt.FocusReason.TabFocusReason)
    app.press(Qt.Key.Key_Down, Alt)
    view = box.view()
    app.qtbot.waitUntil(view.isVisible)
    return view


def test_drop_down_lists_show_every_row_at_200_percent(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    appearance.apply(Theme.LIGHT, 2.0)
    app = open_window(qtbot, services, appearance, learner)
    app.press(Qt.Key.Key_6, Ctrl)
    settings = app.window.stack.currentWidget()
    assert isinstance(settings, SettingsScreen)
    for box in (settings.theme, settings.text_size):
        view = open_list(app, box)
        assert every_row_shows(view), box.accessibleName()
        app.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda view=view: not view.isVisible())


def test_matching_lists_wrap_long_options_at_200_percent(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: Any,
    appearance: Appearance,
) -> None:
    long_pairs = (
        'pairs = [["Kennedy", "President of the United States during the whole of the crisis '
        'and the negotiations after it"], ["Dobrynin", "Ambassador"]]'
    )
    text = small_pack_text.replace(
        'pairs = [["Kennedy", "President"], ["Dobrynin", "Ambassador"]]', long_pairs
    )
    appearance.apply(Theme.LIGHT, 2.0)
    services = services_with_pack(
        database, single_type_pack(text, QuestionType.MATCHING, copies=1), clock
    )
    learner = services.learners.create("Ana", now=clock())
    app = open_window(qtbot, services, appearance, learner)
    app.enter_study(Entry.CLICK)
    view = app.view()
    assert isinstance(view, MatchingView)
    box = view.boxes[0][1]
    listing = open_list(app, box)
    assert every_row_shows(listing)
    assert listing.textElideMode() == Qt.TextElideMode.ElideNone
    assert listing.wordWrap()  # type: ignore[attr-defined]


def test_progress_shows_every_figure_at_200_percent(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance, clock: Any
) -> None:
    for scale in (1.0, 2.0):
        appearance.apply(Theme.LIGHT, scale)
        app = open_window(qtbot, services, appearance, learner)
        if scale == 1.0:
            app.enter_study(Entry.SHORTCUT)
            for _ in range(4):
                app.answer(right=True)
                app.press(Qt.Key.Key_Return)
            app.home()
        progress = app.window._ensure_progress_screen()
        assert isinstance(progress, ProgressScreen)
        with qtbot.waitSignal(progress.figures_shown, timeout=10_000):
            app.press(Qt.Key.Key_4, Ctrl)
        figures = progress.figures
        qtbot.waitUntil(lambda figures=figures: not figures._queued)
        table = progress.table
        if scale == 1.0:
            # Every column whole inside the table: nothing behind a sideways scroll bar.
            assert not figures.narrow
            assert table.horizontalHeader().length() <= table.viewport().width()
        else:
            assert figures.narrow and not table.isVisible()
            titles = [" ".join(title.split()) for title, _meaning in HEADERS]
            for row in range(table.model().rowCount()):
                shown = figures.cards.card_texts(row)
                assert list(shown) == titles[1:]
                assert list(shown.values()) == [
                    table.cell_text(row, column) for column in range(1, len(HEADERS))
                ]
        app.window.close()


def test_the_wheel_over_a_closed_list_scrolls_the_page(
    qtbot: QtBot, services: Services, learner: Learner, appearance: Appearance
) -> None:
    appearance.apply(Theme.LIGHT, 2.0)
    app = open_window(qtbot, services, appearance, learner)
    app.press(Qt.Key.Key_6, Ctrl)
    assert app.window.current_screen() is Screen.SETTINGS
    settings = app.window.settings
    page = settings.findChild(QScrollArea)
    assert page is not None
    bar = page.verticalScrollBar()
    for box in (settings.theme, settings.retention):
        widget: QWidget = box
        page.ensureWidgetVisible(widget)
        before_value, before_scroll = _value(box), bar.value()
        centre = QPointF(widget.rect().center())
        wheel = QWheelEvent(
            centre,
            QPointF(widget.mapToGlobal(widget.rect().center())),
            QPoint(0, 0),
            QPoint(0, -120),  # one notch down
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, wheel)
        assert _value(box) == before_value, box.accessibleName()
        assert bar.value() > before_scroll or bar.value() == bar.maximum()


def _value(box: QWidget) -> object:
    return box.currentIndex() if isinstance(box, QComboBox) else box.value()  # type: ignore[attr-defined]


def test_the_shortcuts_window_fits_its_list(qtbot: QtBot, appearance: Appearance) -> None:
    appearance.apply(Theme.LIGHT, 1.0)
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.page.verticalScrollBar().maximum() == 0


def test_chart_labels_wrap_instead_of_being_cut() -> None:
    title = "Origins: revolution and the Bay of Pigs"
    wrapped = wrap_label(title)
    lines = wrapped.split("<br>")
    assert all(len(line) <= LABEL_LINE_CHARS for line in lines)
    assert " ".join(lines) == title
    assert wrap_label("Short") == "Short"
    assert wrap_label("A & B") == "A &amp; B"


@pytest.mark.parametrize("kind", list(QuestionType))
def test_the_question_never_scrolls_sideways_at_200_percent(
    qtbot: QtBot,
    database: Database,
    small_pack_text: str,
    clock: Any,
    appearance: Appearance,
    kind: QuestionType,
) -> None:
    appearance.apply(Theme.LIGHT, 2.0)
    services = services_with_pack(database, single_type_pack(small_pack_text, kind), clock)
    learner = services.learners.create("Ana", now=clock())
    app = open_window(qtbot, services, appearance, learner)
    app.window.resize(1024, 768)
    qtbot.waitUntil(lambda: app.window.width() == 1024)
    app.enter_study(Entry.SHORTCUT)
    stage = app.study.stage
    bar = stage.horizontalScrollBar()
    for step in ("question", "feedback"):
        column = stage.widget()
        port = stage.viewport()
        # Nothing needs more than the page's width: every line can wrap inside it...
        assert column.minimumSizeHint().width() <= port.width(), step
        # ...and once laid out, nothing lies beyond it to scroll sideways to.
        qtbot.waitUntil(lambda column=column, port=port: column.width() <= port.width())
        assert bar.maximum() == 0 and bar.value() == 0, step
        if step == "question":
            app.answer(right=False)
