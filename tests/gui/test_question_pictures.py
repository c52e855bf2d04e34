"""Pictures are shown in study, quiz and feedback, fitted at 100 % and 200 %, full size too."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Alt, Driver, Entry, digit, open_window
from image_pack import MAP_ALT, MAP_SIZE, png, write_image_pack
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisquiz.core.app_settings import Theme
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.gui.questions.picture import FullPicture, PictureView
from crisisquiz.gui.services import Services
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


@pytest.fixture
def picture_app(
    qtbot: QtBot, database: Database, clock: Any, appearance: Appearance, tmp_path: Path
) -> Driver:
    services = Services.create(database, clock=clock, tz=clock().tzinfo, rng=random.Random(4))
    services.packs.import_pack(load_pack(write_image_pack(tmp_path / "pictures")), now=clock())
    learner = services.learners.create("Ana", now=clock())
    return open_window(qtbot, services, appearance, learner)


def shown_picture(app: Driver) -> PictureView:
    picture = app.view().picture
    assert isinstance(picture, PictureView)
    assert picture.isVisible() and picture.readable
    return picture


def full_picture(app: Driver) -> FullPicture:
    app.qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), FullPicture))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, FullPicture)
    app.qtbot.waitUntil(dialog.isActiveWindow)  # the keyboard is in it now
    return dialog


@pytest.mark.parametrize("scale", [1.0, 2.0], ids=["100%", "200%"])
def test_the_picture_shows_fitted_in_study_and_feedback(
    scale: float, picture_app: Driver, appearance: Appearance
) -> None:
    appearance.apply(Theme.LIGHT, scale)
    app = picture_app
    study = app.enter_study(Entry.TAB_ENTER)
    picture = shown_picture(app)
    # The image itself, not a line of text about it: the stored bytes are the file's.
    assert app.view().item.image == png(*MAP_SIZE)
    assert picture.accessibleName() == "Picture"
    assert picture.accessibleDescription().startswith(MAP_ALT)
    # Fitted: never wider than the column, proportions kept, grown with the text size.
    drawn = picture.picture_rect()
    assert drawn.width() <= picture.width() and drawn.height() > 0
    ratio = drawn.width() / drawn.height()
    assert ratio == pytest.approx(MAP_SIZE[0] / MAP_SIZE[1], rel=0.02)
    if scale == 2.0:
        assert drawn.width() > MAP_SIZE[0] or drawn.width() == picture.width() - 6
    # The keyboard is still in the answer, and the feedback keeps the picture in view.
    assert app.focus_is_in_answer()
    with app.qtbot.waitSignal(study.stage.feedback_revealed):
        app.answer(right=True)
    viewport = study.stage.viewport()
    top = picture.mapTo(viewport, QPoint(0, 0)).y()
    assert top + picture.height() > 0 and top < viewport.height()
    assert picture.isVisible()


def test_a_click_or_alt_p_opens_it_full_size_and_escape_comes_back(
    picture_app: Driver, qtbot: QtBot
) -> None:
    app = picture_app
    app.enter_study(Entry.SHORTCUT)
    answer_input = app.view().first_input()
    app.press(Qt.Key.Key_P, Alt)
    dialog = full_picture(app)
    assert dialog.picture.pixmap().size().toTuple() == MAP_SIZE
    assert dialog.picture.accessibleDescription() == MAP_ALT
    app.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is answer_input)

    picture = shown_picture(app)
    qtbot.mouseClick(picture, Qt.MouseButton.LeftButton, pos=picture.picture_rect().center())
    full_picture(app)
    app.press(Qt.Key.Key_Return)  # Close has the focus
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_the_picture_shows_in_a_quiz_and_its_results(picture_app: Driver, qtbot: QtBot) -> None:
    app = picture_app
    quiz = app.enter_quiz(Entry.SHORTCUT)
    quiz.at_end.setChecked(True)  # feedback at the end: the results review each question
    app.press(Qt.Key.Key_Return)
    for _ in range(2):
        shown_picture(app)
        app.answer(right=False)
    assert quiz.result is not None
    pictures = quiz.results_page.findChildren(PictureView)
    assert len(pictures) == 2 and all(p.readable for p in pictures)
    assert digit(1)  # keys 1-9 stay the choices' own
