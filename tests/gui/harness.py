"""Drive the real main window the way a person does: from Home, by keys and clicks.

Keys go to ``QApplication.focusWidget()`` (wherever the app put the focus, right or
wrong), clicks land in the middle of a widget, and menus are opened with Alt and
their underlined letters. Waits are on the app's own signals and state, never on time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMenu, QWidget
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Pack,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.gui.main_window import MainWindow, Screen
from crisisquiz.gui.questions import QuestionView
from crisisquiz.gui.quiz_screen import QuizScreen
from crisisquiz.gui.services import Services
from crisisquiz.gui.study_screen import StudyScreen
from crisisquiz.gui.theme import Appearance
from crisisquiz.storage.database import Database

NoModifier = Qt.KeyboardModifier.NoModifier
Alt = Qt.KeyboardModifier.AltModifier
Ctrl = Qt.KeyboardModifier.ControlModifier


class Entry(StrEnum):
    """The ways into Study (and Quiz) from Home."""

    CLICK = "click"  # the big button, with the mouse
    TAB_ENTER = "tab-enter"  # Tab to the button, then Enter
    SHORTCUT = "shortcut"  # Ctrl+2 (Ctrl+3 for a quiz)
    MENU = "menu"  # Alt+G, then the underlined letter
    TOPIC = "topic"  # "Study this topic" on the first topic card


def digit(number: int) -> Qt.Key:
    """The key for a digit 0-9."""
    return Qt.Key(Qt.Key.Key_0.value + number)


def letter(char: str) -> Qt.Key:
    """The key for a letter A-Z."""
    return Qt.Key(Qt.Key.Key_A.value + ord(char.upper()) - ord("A"))


# Types the small pack does not hold (it stays as other tests count it), by the same rules.
_EXTRA_MODELS: dict[QuestionType, Question] = {
    QuestionType.NUMBER: Number(
        type=QuestionType.NUMBER,
        id="nb",
        topic="alpha",
        prompt="Range of the R-12 missile, in thousands of kilometres?",
        answer=2.08,
        tolerance=0.1,
    )
}


def single_type_pack(base_text: str, kind: QuestionType, copies: int = 2) -> Pack:
    """A one-topic pack of ``copies`` questions of type ``kind``, made from ``base_text``'s."""
    base = parse_pack_text(base_text)
    model = next((q for q in base.questions if q.type is kind), None) or _EXTRA_MODELS[kind]
    questions: list[Question] = [
        model.model_copy(update={"id": f"{model.id}-{n}", "topic": base.topics[0].id})
        for n in range(1, copies + 1)
    ]
    info = base.pack.model_copy(update={"id": f"only-{kind.value.replace('_', '-')}"})
    return base.model_copy(
        update={"pack": info, "topics": base.topics[:1], "questions": tuple(questions)}
    )


class StrayWindows(QObject):
    """Notes every widget shown as a window of its own that is no window, dialog or menu.

    A widget made visible before it has a parent flashes up as a window for a moment and
    takes the activation (and so the keyboard) away from the main window.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Record a stray window as it is shown."""
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not isinstance(watched, QMainWindow | QDialog | QMenu)
            and watched.windowType() not in (Qt.WindowType.ToolTip, Qt.WindowType.Popup)
        ):
            self.seen.append(f"{type(watched).__name__} {watched.objectName()!r}")
        return False


@dataclass
class Driver:
    """A person at the keyboard (and mouse) of one main window."""

    qtbot: QtBot
    window: MainWindow
    strays: StrayWindows

    # -- looking ------------------------------------------------------------------------------

    @staticmethod
    def focus() -> QWidget:
        """The widget with the keyboard focus now."""
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    @property
    def study(self) -> StudyScreen:
        """The open study screen."""
        screen = self.window.study_screen
        assert isinstance(screen, StudyScreen), "no study screen is open"
        return screen

    @property
    def quiz(self) -> QuizScreen:
        """The open quiz screen."""
        screen = self.window.quiz_screen
        assert isinstance(screen, QuizScreen), "no quiz screen is open"
        return screen

    def view(self) -> QuestionView:
        """The question on show in Study or Quiz, whichever is showing."""
        current = self.window.stack.currentWidget()
        stage = getattr(current, "stage", None)
        view = None if stage is None else stage.view
        assert isinstance(view, QuestionView), "no question is showing"
        return view

    def focus_is_in_answer(self) -> bool:
        """Whether the focus is on the question's first input (choice, field, list, box)."""
        return self.focus() is self.view().first_input()

    # -- acting -------------------------------------------------------------------------------

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = NoModifier) -> None:
        """Press ``key`` where the focus is."""
        self.qtbot.keyClick(self.focus(), key, modifier)

    def type(self, text: str) -> None:
        """Type ``text`` where the focus is."""
        self.qtbot.keyClicks(self.focus(), text)

    def click(self, widget: QWidget) -> None:
        """Click the middle of ``widget`` with the left button."""
        assert widget.isVisible() and widget.isEnabled(), f"cannot click {widget!r}"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())

    def menu(self, menu_letter: str, action_letter: str) -> None:
        """Open a menu with Alt and its letter, then pick the action by its letter."""
        self.press(letter(menu_letter), Alt)
        self.qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        popup = QApplication.activePopupWidget()
        assert popup is not None
        self.qtbot.keyClick(popup, letter(action_letter))
        self.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)

    @contextmanager
    def waiting_for(self, signal: object, timeout: int = 5000) -> Iterator[None]:
        """Do something, then wait until ``signal`` is emitted."""
        with self.qtbot.waitSignal(signal, timeout=timeout):
            yield

    # -- ways in ------------------------------------------------------------------------------

    def home(self) -> None:
        """Back to Home with Ctrl+1."""
        self.press(Qt.Key.Key_1, Ctrl)
        assert self.window.current_screen() is Screen.HOME

    def enter_study(self, entry: Entry) -> StudyScreen:
        """Open Study from Home the way ``entry`` says."""
        home = self.window.home
        assert self.window.current_screen() is Screen.HOME
        if entry is Entry.CLICK:
            self.click(home.study_button)
        elif entry is Entry.TAB_ENTER:
            self.window.switch_button.setFocus(Qt.FocusReason.MouseFocusReason)
            self.press(Qt.Key.Key_Tab)
            assert self.focus() is home.study_button
            self.press(Qt.Key.Key_Return)
        elif entry is Entry.SHORTCUT:
            self.press(Qt.Key.Key_2, Ctrl)
        elif entry is Entry.MENU:
            self.menu("G", "S")
        else:
            self.click(home.topic_rows[0].study_button)
        assert self.window.current_screen() is Screen.STUDY
        return self.study

    def enter_quiz(self, entry: Entry) -> QuizScreen:
        """Open the quiz set-up from Home the way ``entry`` says (no topic entry for quizzes)."""
        home = self.window.home
        if entry is Entry.CLICK:
            self.click(home.quiz_button)
        elif entry is Entry.TAB_ENTER:
            home.study_button.setFocus(Qt.FocusReason.MouseFocusReason)
            self.press(Qt.Key.Key_Tab)
            assert self.focus() is home.quiz_button
            self.press(Qt.Key.Key_Return)
        elif entry is Entry.SHORTCUT:
            self.press(Qt.Key.Key_3, Ctrl)
        elif entry is Entry.MENU:
            self.menu("G", "Q")
        else:
            raise ValueError("a quiz has no topic entry on Home")
        assert self.window.current_screen() is Screen.QUIZ
        return self.quiz

    # -- answering by keys alone --------------------------------------------------------------

    def answer(self, *, right: bool) -> None:
        """Answer the question on show from the keyboard alone, rightly or wrongly, and submit.

        Starts from where the app put the focus: the question's first input.
        """
        view = self.view()
        item = view.item
        q = item.question
        if isinstance(q, Flashcard):
            self.press(Qt.Key.Key_Space)
            self.press(digit(3 if right else 1))
            return
        if isinstance(q, TrueFalse):
            self.press(Qt.Key.Key_T if q.answer == right else Qt.Key.Key_F)
            return
        if isinstance(q, MultipleChoice):
            choice = q.answer if right else next(c for c in q.choices if c != q.answer)
            self.press(digit(item.options.index(choice) + 1))
        elif isinstance(q, MultiSelect):
            picks = q.answers if right else [c for c in q.choices if c not in q.answers][:1]
            for choice in picks:
                self.press(digit(item.options.index(choice) + 1))
        elif isinstance(q, ShortAnswer):
            self.type(q.answer if right else "no idea")
        elif isinstance(q, Year):
            self.type(str(q.answer if right else q.answer + 5))
        elif isinstance(q, Number):
            self.type(str(q.answer if right else q.answer + q.tolerance + 1).replace(".", ","))
        elif isinstance(q, Cloze):
            for number, blank in enumerate(q.blanks):
                if number:
                    self.press(Qt.Key.Key_Tab)
                self.type(blank if right else "no idea")
        elif isinstance(q, Ordering):
            self._arrange(view, q.items if right else tuple(reversed(q.items)))
        elif isinstance(q, Matching):
            rights = [r for _l, r in q.pairs]
            for number, (_left, partner) in enumerate(q.pairs):
                if number:
                    self.press(Qt.Key.Key_Tab)
                chosen = partner if right else rights[(number + 1) % len(rights)]
                # Each option starts with its letter, so typing the letter picks it.
                self.type(chr(ord("A") + item.options.index(chosen)))
        self.press(Qt.Key.Key_Return)
        if isinstance(q, Ordering) and not view.locked:
            # The order wanted is the order shown: the first Enter asks "submit as it is?".
            assert view.missing_label.isVisible()
            self.press(Qt.Key.Key_Return)

    def dont_know(self) -> None:
        """Say "don't know" (Ctrl+Enter); a flashcard is turned and rated Again instead."""
        if isinstance(self.view().item.question, Flashcard):
            self.press(Qt.Key.Key_Space)
            self.press(digit(1))
        else:
            self.press(Qt.Key.Key_Return, Ctrl)

    def _arrange(self, view: QuestionView, order: tuple[str, ...]) -> None:
        """Put an ordering list in ``order`` with Up, Down, Alt+Up and Alt+Down only."""
        listing = getattr(view, "list", None)
        assert listing is not None and self.focus() is listing
        for target, wanted in enumerate(order):
            while listing.currentRow() < listing.order().index(wanted):
                self.press(Qt.Key.Key_Down)
            while listing.currentRow() > listing.order().index(wanted):
                self.press(Qt.Key.Key_Up)
            while listing.currentRow() > target:
                self.press(Qt.Key.Key_Up, Alt)


def open_window(
    qtbot: QtBot, services: Services, appearance: Appearance, learner: Learner
) -> Driver:
    """The main window for ``learner``, shown, active, with Home's topics drawn."""
    strays = StrayWindows()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(strays)
    window = MainWindow(services, appearance, learner)
    qtbot.addWidget(window, before_close_func=lambda _w: _no_strays(app, strays))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # The topic rows follow the first paint; drawn, they are shown and in the Tab order.
    qtbot.waitUntil(lambda: window.home.topics_drawn)
    return Driver(qtbot, window, strays)


def _no_strays(app: QObject, strays: StrayWindows) -> None:
    app.removeEventFilter(strays)
    assert not strays.seen, f"widgets flashed up as windows of their own: {strays.seen}"


def services_with_pack(database: Database, pack: Pack, clock: Callable[[], datetime]) -> Services:
    """Services over ``database`` with only ``pack`` installed."""
    services = Services.create(database, clock=clock, tz=UTC, rng=random.Random(3))
    services.packs.import_pack(pack, now=clock())
    return services
