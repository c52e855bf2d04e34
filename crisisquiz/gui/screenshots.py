"""Render the shell's screens to PNG: ``python -m crisisquiz.gui.screenshots OUTDIR``.

Each screen is drawn in the light and the dark theme at 1024x768 as
``NAME-light.png`` and ``NAME-dark.png``. The data is real: a temporary
database with the built-in pack, and a learner whose two weeks of answers
were given through the study service, as the app would have stored them.
She and two classmates also studied and took quizzes through the core, and are
a class on this computer: the class report reads them from the database, and a
copy of Maya's exported results file is added to it, which counts once.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from fsrs import Rating

from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_draft import PackDraft
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizSettings
from crisisquiz.core.recording import StudyClock
from crisisquiz.core.results import export_results, write_results
from crisisquiz.core.source_texts import split_sentences
from crisisquiz.gui.services import Services
from crisisquiz.resources import builtin_pack_path
from crisisquiz.storage.database import Database, open_database

# The built-in pack, whose topics the pictures show.
BUILTIN_PACK = "cuban-missile-crisis"

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea, QWidget

WIDTH, HEIGHT = 1024, 768
# A fixed moment, so that two runs draw the same pictures.
SHOT_TIME = datetime(2026, 3, 12, 16, 30, tzinfo=UTC)
# Days before SHOT_TIME on which the learner studied (a gap breaks the older streak).
STUDY_DAYS = (13, 12, 11, 9, 8, 6, 5, 4, 3, 2, 1, 0)
# Days before SHOT_TIME on which Maya finished a ten-question quiz; her chance of a right answer.
QUIZ_DAYS = ((10, 0.5), (6, 0.65), (3, 0.7), (1, 0.85))
# Maya's classmates for the class report: name, days they studied, chance of a right answer.
CLASSMATES = (("Leo", (10, 8, 5, 3, 1), 0.55), ("Priya", (13, 11, 9, 6, 4, 2, 0), 0.9))
CLASS_NAME = "Year 9 History"

# A teacher's Moodle export, as GIFT, for the picture of the import preview.
MOODLE_EXPORT = """\
$CATEGORY: $course$/top/Cuba unit

// [id:bay-of-pigs-year]
::Bay of Pigs:: In what year did the Bay of Pigs landing fail? {#1961}

::R-12 range:: The R-12 missile reached about how many thousand kilometres? {#2.08:0.1}

::Leader::[html]Who led the <b>Soviet Union</b> in October 1962? {
    =Nikita Khrushchev#He was first secretary from 1953 to 1964.
    ~Leonid Brezhnev#He took over only in 1964.
    ~%50%Alexei Kosygin
}

Kennedy called the naval blockade a {=quarantine}.

::Reflection:: Write a paragraph on what the crisis changed. {}
"""

# A Quizlet set exported with a semicolon between rows, for the picture of its choices.
QUIZLET_EXPORT = (
    "ExComm\tKennedy's circle of advisers during the thirteen days;"
    "Quarantine\tThe word the White House used for its naval blockade of Cuba;"
    "Jupiter\tUS missile withdrawn quietly from Turkey after the crisis;"
    "U-2\tSpy plane whose photographs revealed the missile sites;"
    "Hotline\tDirect link set up between Washington and Moscow in 1963"
)

BROKEN_PACK = """\
[pack]
id = "cold-war-basics"
title = "Cold War basics"
version = "1.0"

[[topics]]
id = "berlin"
title = "Berlin"

[[questions]]
id = "wall-year"
topic = "berlin"
type = "year"
prompt = "When was the Berlin Wall built?"
answer = "1961"

[[questions]]
id = "airlift"
topic = "berlin"
type = "multiple_choice"
prompt = "What did the Western allies fly into West Berlin in 1948-49?"
choices = ["Supplies", "Troops"]
answer = "Food and fuel"

[[questions]]
id = "airlift"
topic = "blockade"
type = "true_false"
statement = "The blockade ended in May 1949."
answer = true
"""


# A teacher's class notes, one sentence a line once pasted, for the editor's pictures.
CLASS_NOTES = (
    "In May 1962 Khrushchev decided to place nuclear missiles in Cuba. "
    "Soviet ships carried the missiles and their crews across the Atlantic that summer. "
    "On 14 October an American U-2 photographed the launch sites. "
    "Kennedy chose a naval quarantine rather than an air strike. "
    "He told the nation about the missiles on 22 October. "
    "On 27 October a U-2 was shot down over Cuba. "
    "Khrushchev agreed the next day to take the missiles away. "
    "In return the United States promised not to invade Cuba."
)


def editor_draft(draft_id: str) -> PackDraft:
    """A teacher's pack half written: notes pasted in, questions citing them, one unfinished."""
    draft = PackDraft.new(draft_id, "Thirteen days: class review")
    draft.set_entry("topics", 0, {"id": "crisis", "title": "The crisis, day by day"})
    draft.add_document("Class notes", split_sentences(CLASS_NOTES))
    written: list[tuple[QuestionType, dict[str, object]]] = [
        (
            QuestionType.MULTIPLE_CHOICE,
            {
                "prompt": "When did Khrushchev decide to send missiles to Cuba?",
                "choices": ["May 1962", "March 1962", "August 1962"],
                "answer": "May 1962",
                "explanation": "He made up his mind during and after a visit to Bulgaria in May.",
                "sources": ["class-notes:1"],
            },
        ),
        (
            QuestionType.YEAR,
            {
                "prompt": "In what year did the crisis take place?",
                "answer": 1962,
                "sources": ["class-notes:3"],
            },
        ),
        (
            QuestionType.MULTIPLE_CHOICE,
            {
                "prompt": "Which aircraft photographed the launch sites on 14 October?",
                "choices": ["A U-2", "An SR-71", ""],
                "answer": "",
                "sources": ["class-notes:3"],
            },
        ),
        (
            QuestionType.TRUE_FALSE,
            {
                "statement": "Kennedy's first choice was an air strike on the sites.",
                "answer": False,
                "explanation": "He chose a quarantine, keeping an air strike in reserve.",
                "sources": ["class-notes:4"],
            },
        ),
        (
            QuestionType.CLOZE,
            {
                "text": "Kennedy told the nation about the missiles on {{22 October}}.",
                "sources": ["class-notes:5"],
            },
        ),
        (
            QuestionType.ORDERING,
            {
                "prompt": "Put these in order, earliest first.",
                "items": ["The U-2 photographs", "Kennedy's speech", "Khrushchev backs down"],
                "sources": ["class-notes:3", "class-notes:5", "class-notes:7"],
            },
        ),
    ]
    for qtype, values in written:
        question = draft.add_question(draft.new_question(qtype))
        draft.set_question_fields(question.key, values)
    return draft


class _Clock:
    """The shots' clock: moved by hand while the history is written."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def right_response(question: Question) -> object:
    """A right answer to ``question`` in the shape the grader reads."""
    if isinstance(question, Flashcard):
        return Rating.Good
    if isinstance(question, MultipleChoice | ShortAnswer | TrueFalse | Year):
        return question.answer
    if isinstance(question, MultiSelect):
        return frozenset(question.answers)
    if isinstance(question, Cloze):
        return question.blanks
    if isinstance(question, Ordering):
        return tuple(question.items)
    if isinstance(question, Matching):
        return dict(question.pairs)
    raise TypeError(f"no right answer for {type(question).__name__}")


def wrong_response(question: Question) -> object:
    """A plausible wrong answer to ``question``."""
    if isinstance(question, Flashcard):
        return Rating.Again
    if isinstance(question, MultipleChoice):
        return next(c for c in question.choices if c != question.answer)
    if isinstance(question, MultiSelect):
        return frozenset(question.choices[:1])
    if isinstance(question, TrueFalse):
        return not question.answer
    if isinstance(question, ShortAnswer):
        return "Eisenhower"
    if isinstance(question, Cloze):
        return tuple("no idea" for _blank in question.blanks)
    if isinstance(question, Ordering):
        return tuple(reversed(question.items))
    if isinstance(question, Matching):
        lefts = [left for left, _right in question.pairs]
        rights = [right for _left, right in question.pairs]
        return dict(zip(lefts, rights[1:] + rights[:1], strict=True))
    if isinstance(question, Year):
        return question.answer + question.tolerance + 3
    raise TypeError(f"no wrong answer for {type(question).__name__}")


def study_day(
    services: Services,
    clock: _Clock,
    learner: Learner,
    answers: int,
    rng: random.Random,
    right_rate: float = 0.8,
) -> None:
    """Answer up to ``answers`` questions in one session, about ``right_rate`` of them right."""
    session = services.study.start(learner.id, now=clock())
    for _ in range(answers):
        item = session.next_item(clock())
        if item is None:
            return
        right = rng.random() < right_rate
        response = right_response(item.question) if right else wrong_response(item.question)
        session.answer(item, response, now=clock(), response_ms=rng.randint(3_000, 20_000))
        clock.now += timedelta(seconds=rng.randint(20, 60))


def seed(database: Database) -> tuple[Services, Learner]:
    """The built-in pack, a learner with two weeks of real history, and one who is done."""
    start = SHOT_TIME - timedelta(days=max(STUDY_DAYS) + 1)
    clock = _Clock(start)
    ensure_builtin_pack(PackService(database), builtin_pack_path(), now=start)
    services = Services.create(database, clock=clock, tz=UTC, rng=random.Random(7))
    maya = services.learners.create("Maya", now=start)
    rng = random.Random(1962)
    for days_ago in STUDY_DAYS:
        clock.now = SHOT_TIME - timedelta(days=days_ago, hours=3)
        study_day(services, clock, maya, 12 if days_ago == 0 else rng.randint(20, 30), rng)
    quiz_rng = random.Random(1961)
    for number, (days_ago, right_rate) in enumerate(QUIZ_DAYS, 1):
        clock.now = SHOT_TIME - timedelta(days=days_ago, hours=1)
        take_quiz(services, clock, maya, quiz_rng, right_rate, seed=number)
    for name, days, right_rate in CLASSMATES:
        classmate = services.learners.create(name, now=start)
        class_rng = random.Random(name)
        for days_ago in days:
            clock.now = SHOT_TIME - timedelta(days=days_ago, hours=5)
            study_day(services, clock, classmate, class_rng.randint(20, 35), class_rng, right_rate)
    services.classes.create(CLASS_NAME, now=start)
    services.classes.enrol(CLASS_NAME, ["Maya", *(name for name, _days, _rate in CLASSMATES)])
    clock.now = SHOT_TIME
    sam = services.learners.create("Sam", now=start)
    services.learners.update_settings(sam.id, new_per_day=0)
    services.learners.create("Jordan", now=start)
    return services, maya


def take_quiz(
    services: Services,
    clock: _Clock,
    learner: Learner,
    rng: random.Random,
    right_rate: float,
    *,
    seed: int,
) -> None:
    """Take and finish a ten-question quiz on every topic, about ``right_rate`` right."""
    quiz = services.quizzes.start(learner.id, QuizSettings(count=10, seed=seed), now=clock())
    for position, item in enumerate(quiz.items):
        right = rng.random() < right_rate
        response = right_response(item.question) if right else wrong_response(item.question)
        quiz.answer(position, response, now=clock(), response_ms=rng.randint(4_000, 25_000))
        clock.now += timedelta(seconds=rng.randint(20, 60))
    quiz.finish(clock())


def export_class(services: Services, folder: Path) -> list[Path]:
    """The results files of Maya and her classmates, as each would export them, and a copy.

    The copy of Maya's file is what a teacher gets when a learner sends the same file
    twice; the class report counts it once.
    """
    rng = random.Random(1963)
    paths = []
    for name in ("Maya", *(classmate for classmate, _days, _rate in CLASSMATES)):
        learner = services.learners.by_name(name)
        file_id = uuid.UUID(int=rng.getrandbits(128), version=4)  # fixed, so shots repeat
        data = export_results(services.database, learner.id, now=SHOT_TIME, file_id=file_id)
        path = folder / f"results-{name.casefold()}.json"
        write_results(data, path)
        paths.append(path)
    copy = folder / "results-maya (1).json"
    shutil.copyfile(paths[0], copy)
    return [*paths, copy]


def _scroll_to(page: QScrollArea, widget: QWidget) -> None:
    """Scroll ``page`` so that ``widget`` is at the top of the view."""
    from PySide6.QtCore import QPoint

    holder = page.widget()
    if holder is not None:
        page.verticalScrollBar().setValue(widget.mapTo(holder, QPoint(0, 0)).y() - 16)


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def render(outdir: Path, scale: float, only: Sequence[str] = ()) -> list[Path]:
    """Draw every screen in both themes into ``outdir``; returns the files written."""
    from crisisquiz.core.app_settings import Theme
    from crisisquiz.core.class_report import DATABASE_SOURCE
    from crisisquiz.gui.app import application
    from crisisquiz.gui.class_report_detail import DetailDialog
    from crisisquiz.gui.editor.window import EditorWindow
    from crisisquiz.gui.exam_dialog import ExamDialog
    from crisisquiz.gui.learner_dialog import LearnerPickerDialog, ManageLearnersDialog
    from crisisquiz.gui.main_window import MainWindow, Screen, ShortcutsDialog
    from crisisquiz.gui.progress_screen import ProgressScreen
    from crisisquiz.gui.questions.base import GivenAnswer
    from crisisquiz.gui.quiz_screen import QuizScreen
    from crisisquiz.gui.reading_dialog import ReadingDialog
    from crisisquiz.gui.study_screen import StudyScreen
    from crisisquiz.gui.theme import Appearance
    from crisisquiz.interop.registry import Format

    app = application()
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="crisisquiz-shots-") as tmp:
        database = open_database(Path(tmp) / "data", now=SHOT_TIME)
        empty = open_database(Path(tmp) / "empty", now=SHOT_TIME)
        try:
            services, maya = seed(database)
            fresh = Services.create(empty, clock=services.clock, tz=UTC, rng=random.Random(7))
            appearance = Appearance(app)
            window = MainWindow(services, appearance, maya)
            window.resize(WIDTH, HEIGHT)
            window.show()
            broken = Path(tmp) / "cold-war-basics.toml"
            broken.write_text(BROKEN_PACK, encoding="utf-8")
            moodle = Path(tmp) / "cuba-unit.gift"
            moodle.write_text(MOODLE_EXPORT, encoding="utf-8")
            quizlet = Path(tmp) / "cold-war-terms.txt"
            quizlet.write_text(QUIZLET_EXPORT, encoding="utf-8")
            class_files = export_class(services, Path(tmp) / "results")

            def main(screen: Screen) -> Callable[[], QWidget]:
                def show() -> QWidget:
                    window.set_learner(maya)
                    window.go(screen)
                    if screen is Screen.HOME:
                        window.repaint()  # the home's topics follow its first paint
                        _settle()
                    return window

                return show

            def home_with_exam() -> QWidget:
                # An exam a week ahead, removed again once shot (the other pictures
                # show the usual schedule).
                day = StudyClock(UTC, maya.day_rollover_hour).day_of(services.clock()) + timedelta(
                    days=7
                )
                services.exams.set(
                    maya.id, BUILTIN_PACK, day, minutes_per_day=30, now=services.clock()
                )
                return main(Screen.HOME)()

            def exam_dialog() -> QWidget:
                return ExamDialog(services, maya.id, window)

            def caught_up() -> QWidget:
                window.set_learner(services.learners.by_name("Sam"))
                window.go(Screen.HOME)
                return window

            def import_error() -> QWidget:
                window.set_learner(maya)
                window.go(Screen.PACKS)
                window.packs.import_path(broken)
                window.runner.wait()
                _settle()
                return window

            def import_preview() -> QWidget:
                window.set_learner(maya)
                window.go(Screen.PACKS)
                window.packs.import_path(moodle)
                window.runner.wait()
                _settle()
                preview = window.packs.preview
                return preview if preview is not None else window

            def import_quizlet() -> QWidget:
                window.set_learner(maya)
                window.go(Screen.PACKS)
                window.packs.import_path(quizlet)
                window.runner.wait()
                _settle()
                preview = window.packs.preview
                if preview is None:
                    return window
                # Rows end at a semicolon; each definition asks for its term.
                preview.row_choice.setCurrentIndex(preview.row_choice.findText("Semicolon"))
                preview.kind_choice.setCurrentIndex(1)
                preview.kind_choice.setFocus()
                return preview

            def export_aiken() -> QWidget:
                window.set_learner(maya)
                window.go(Screen.PACKS)
                card = next((c for c in window.packs.cards if c.pack.builtin), None)
                if card is not None:
                    # Aiken holds multiple choice only: the notice lists the rest.
                    target = Path(tmp) / "exports" / "cuban-missile-crisis.txt"
                    target.parent.mkdir(exist_ok=True)
                    window.packs.export_to(card.pack, target, Format.AIKEN)
                    window.runner.wait()
                    _settle()
                return window

            def progress(charts: bool) -> Callable[[], QWidget]:
                def show() -> QWidget:
                    window.set_learner(maya)
                    window.go(Screen.PROGRESS)
                    window.runner.wait()
                    _settle()
                    screen = window.progress_screen
                    if isinstance(screen, ProgressScreen):
                        target = screen.charts_heading if charts else screen.title
                        _scroll_to(screen.page, target)
                    return window

                return show

            def class_report(questions: bool) -> Callable[[], QWidget]:
                def show() -> QWidget:
                    window.open_class_report(CLASS_NAME)
                    screen = window.class_report
                    assert screen is not None
                    for _job in ("list the classes", "read the class"):
                        window.runner.wait()
                        _settle()
                    if all(f.source == DATABASE_SOURCE for f in screen.files):
                        screen.add_files(class_files[-1:])  # Maya's file, a second time
                        window.runner.wait()
                        _settle()
                    _settle()
                    target = screen.weakest_label.parentWidget() if questions else None
                    _scroll_to(screen.page, target or screen.page.column)
                    return window

                return show

            def classes() -> QWidget:
                from crisisquiz.gui.classes_dialog import ClassesDialog

                dialog = ClassesDialog(services, window)
                dialog.resize(900, 560)
                return dialog

            def class_learner() -> QWidget:
                from crisisquiz.gui.class_report_detail import learner_dialog

                class_report(questions=False)()
                screen = window.class_report
                assert screen is not None and screen.report is not None
                dialog = learner_dialog(screen.report, 0, UTC, window)
                dialog.resize(960, 720)
                return dialog

            def study(feedback: bool) -> Callable[[], QWidget]:
                def show() -> QWidget:
                    window.set_learner(maya)
                    if isinstance(window.study_screen, StudyScreen):
                        window.study_screen.closed.emit()  # a fresh session each time
                    window.start_study(((BUILTIN_PACK, "deal"),))
                    screen = window.study_screen
                    assert isinstance(screen, StudyScreen)
                    item, view = screen.current_item, screen.stage.view
                    if feedback and item is not None and view is not None:
                        view.answered.emit(GivenAnswer(wrong_response(item.question)))
                    _settle()
                    return window

                return show

            def quiz(results: bool) -> Callable[[], QWidget]:
                def show() -> QWidget:
                    window.set_learner(maya)
                    if isinstance(window.quiz_screen, QuizScreen):
                        window.quiz_screen.closed.emit()
                    window.start_quiz()
                    screen = window.quiz_screen
                    assert isinstance(screen, QuizScreen)
                    if results:
                        screen.count_spin.setValue(6)
                        screen.start()
                        for number in range(6):
                            assert screen.quiz is not None
                            item = screen.quiz.items[screen.position]
                            view = screen.stage.view
                            assert view is not None
                            answer = right_response if number % 3 else wrong_response
                            view.answered.emit(GivenAnswer(answer(item.question)))
                            screen.stage.next_requested.emit()
                    _settle()
                    return window

                return show

            editor_window: list[EditorWindow] = []

            def reading(guide: str = "") -> Callable[[], QWidget]:
                """Read first, opened from Home as Ctrl+G does; at ``guide`` when named."""

                def show() -> QWidget:
                    window.set_learner(maya)
                    window.go(Screen.HOME)
                    window.read_action.trigger()  # the action behind Ctrl+G
                    dialog = window.reading_dialog
                    assert isinstance(dialog, ReadingDialog)
                    if guide:  # as the learner would pick it in the list
                        dialog.contents.setCurrentRow(dialog.titles.index(guide))
                    return dialog

                return show

            def editor(part: str) -> Callable[[], QWidget]:
                def show() -> QWidget:
                    if not editor_window:
                        made = EditorWindow(
                            services, editor_draft("shots"), rng=random.Random(1962)
                        )
                        made.resize(WIDTH, HEIGHT)
                        editor_window.append(made)
                    shown = editor_window[0]
                    shown.document.check_now()
                    if part == "sources":
                        shown.tabs.setCurrentWidget(shown.sources)
                        shown.sources.coverage.select_line(3)
                        shown.sources.coverage.list.setFocus()
                        return shown
                    shown.tabs.setCurrentWidget(shown.questions_tab)
                    shown.question_tabs.setCurrentIndex(1 if part == "preview" else 0)
                    keys = [q.key for q in shown.document.draft.questions]
                    shown.question_list.select(keys[2 if part == "problem" else 0])
                    if part == "preview":
                        shown.preview.refresh()
                    elif part == "list":
                        shown.question_list.list.setFocus()
                    _settle()
                    if part == "problem":
                        shown.form_page.verticalScrollBar().setValue(0)
                    return shown

                return show

            def picker() -> QWidget:
                return LearnerPickerDialog(services, window, current_id=maya.id)

            def first_start() -> QWidget:
                return LearnerPickerDialog(fresh, first_start=True)

            def manager() -> QWidget:
                return ManageLearnersDialog(services, maya.id, window)

            shots: dict[str, Callable[[], QWidget]] = {
                "home": main(Screen.HOME),
                "home-caught-up": caught_up,
                "home-exam": home_with_exam,
                "exam-date": exam_dialog,
                "packs": main(Screen.PACKS),
                "packs-import-error": import_error,
                "packs-import-preview": import_preview,
                "packs-import-quizlet": import_quizlet,
                "packs-export-aiken": export_aiken,
                "settings": main(Screen.SETTINGS),
                "study-question": study(feedback=False),
                "study-feedback": study(feedback=True),
                "quiz-setup": quiz(results=False),
                "quiz-results": quiz(results=True),
                "progress": progress(charts=False),
                "progress-charts": progress(charts=True),
                "class-report": class_report(questions=False),
                "class-report-questions": class_report(questions=True),
                "classes": classes,
                "class-report-learner": class_learner,
                "learner-picker": picker,
                "learner-first-start": first_start,
                "manage-learners": manager,
                "shortcuts": lambda: ShortcutsDialog(window),
                "reading-timeline": reading(),
                "reading-guide": reading("Discovery and the quarantine"),
                "editor-list": editor("list"),
                "editor-problem": editor("problem"),
                "editor-preview": editor("preview"),
                "editor-sources": editor("sources"),
            }
            for theme in (Theme.LIGHT, Theme.DARK):
                appearance.apply(theme, scale)
                for name, make in shots.items():
                    if only and name not in only:
                        continue
                    widget = make()
                    # These size themselves to the main window, as they open in the app.
                    if widget is not window and not isinstance(
                        widget, ShortcutsDialog | EditorWindow | ReadingDialog | DetailDialog
                    ):
                        widget.adjustSize()
                    if name.startswith("packs-import-") and widget is not window:
                        # The size it opens at on a desktop: adjustSize keeps a dialog
                        # within two thirds of this small offscreen screen.
                        widget.resize(widget.sizeHint())
                    widget.show()
                    # The focus ring shows only in the active window, as on a desktop.
                    widget.activateWindow()
                    _settle()
                    path = outdir / f"{name}-{theme.value}.png"
                    widget.grab().save(str(path))
                    written.append(path)
                    # Leave the data and screens as they were, so the other theme's
                    # pictures show the same figures and messages as this one's.
                    if name == "study-feedback" and isinstance(window.study_screen, StudyScreen):
                        window.study_screen.undo()
                    if name == "home-exam":
                        services.exams.clear(maya.id, BUILTIN_PACK)
                    if name in ("packs-import-error", "packs-export-aiken"):
                        window.packs.result.dismiss_button.click()
                    if name.startswith("packs-import-") and widget is not window:
                        widget.close()  # cancels the import; its notice goes too
                        window.packs.result.dismiss_button.click()
                    if widget is not window and not isinstance(widget, EditorWindow):
                        widget.close()
                        widget.deleteLater()
            for made in editor_window:
                made.document.discard()
                made.close()
                made.deleteLater()
            window.close()
            window.deleteLater()
            _settle()
        finally:
            database.close()
            empty.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: the output folder, and optionally a text scale and screen names."""
    parser = argparse.ArgumentParser(
        prog="python -m crisisquiz.gui.screenshots",
        description="Render the app's screens to PNG files in light and dark.",
    )
    parser.add_argument("outdir", type=Path, help="folder for the PNG files")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="text size, 1.0 = 100 %% (default), 2.0 = 200 %%"
    )
    parser.add_argument("--only", nargs="*", default=(), metavar="NAME", help="just these shots")
    args = parser.parse_args(argv)
    # Rendering needs no screen: draw offscreen unless told otherwise.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render(args.outdir, args.scale, args.only):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
