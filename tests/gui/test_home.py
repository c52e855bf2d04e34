"""Home: the study button's counts, today's progress, the streak and each topic's figures."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisquiz.core.learners import Learner
from crisisquiz.core.pack_schema import MultipleChoice
from crisisquiz.core.stats import StatsService
from crisisquiz.gui.home_screen import HomeScreen
from crisisquiz.gui.services import Services


class FakeClock(Protocol):
    """The ``clock`` fixture: a clock the test moves by hand."""

    def __call__(self) -> datetime: ...

    def advance(self, **delta: float) -> None: ...


def answer(services: Services, learner: Learner, count: int, *, right: bool) -> None:
    """Answer ``count`` questions through a study session, as the study screen does."""
    session = services.study.start(learner.id, now=services.clock())
    for _ in range(count):
        item = session.next_item(services.clock())
        assert item is not None
        question = item.question
        # Any response the grader cannot read counts as wrong; the right one depends on the type.
        response: object = "no idea"
        if right and isinstance(question, MultipleChoice):
            response = question.answer
        session.answer(item, response, now=services.clock(), response_ms=5000)


def home_for(qtbot: QtBot, services: Services, learner: Learner) -> HomeScreen:
    home = HomeScreen(services, StatsService(services.database), learner.id)
    qtbot.addWidget(home)
    home.refresh()
    home.resize(1024, 768)
    home.show()
    qtbot.waitUntil(lambda: home.quiz_button.height() > 0 and not home.topics_pending)
    return home


def test_home_shows_the_topics_with_the_cores_due_and_new_counts(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    answer(services, learner, 4, right=False)
    clock.advance(days=2)  # the wrong answers have come due
    home = home_for(qtbot, services, learner)
    now = clock()

    counts = services.study.start(learner.id, now=now).counts(now)
    due = counts.learning + counts.due
    assert due > 0 and counts.new > 0
    assert home.study_button.text() == f"Study now ({due} due, {counts.new} new)"
    assert home.study_button.isVisibleTo(home)
    assert not home.empty_state.isVisibleTo(home)

    stats = StatsService(services.database).learner_topic_stats(learner.id, now=now, tz=services.tz)
    assert [row.title.text() for row in home.topic_rows] == [t.title for t in stats.topics]
    for row, topic in zip(home.topic_rows, stats.topics, strict=True):
        figures = topic.figures
        due_text = f"{figures.due_now} due now" if figures.due_now else "Nothing due now"
        assert row.counts_label.text().startswith(due_text)
        assert f"{figures.seen} of {figures.total} questions seen" in row.counts_label.text()
        assert row.mastery_bar.value() == round(figures.mastery * 100)
        assert row.mastery_label.text() == f"Mastery {round(figures.mastery * 100)} %"
        assert row.study_button.accessibleName() == f"Study this topic: {topic.title}"
    assert sum(t.figures.due_now for t in stats.topics) == 4


def test_the_topics_follow_the_first_paint_and_later_refreshes_read_them_at_once(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    home = HomeScreen(services, StatsService(services.database), learner.id)
    qtbot.addWidget(home)
    home.refresh()
    # Before the first paint: today's figures and the Study button, no topics yet.
    assert home.topics_pending
    assert home.study_button.text().startswith("Study now")
    assert home.topic_rows == []
    assert not home.topics_heading.isVisibleTo(home)
    home.resize(1024, 768)
    home.show()
    qtbot.waitUntil(lambda: not home.topics_pending)
    assert [row.topic.topic_id for row in home.topic_rows] == ["alpha", "beta"]
    assert home.topics_heading.isVisibleTo(home)

    answer(services, learner, 1, right=True)
    home.refresh()
    assert not home.topics_pending
    assert sum(row.topic.figures.seen for row in home.topic_rows) == 1


def test_today_and_streak_count_real_answers(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    home = home_for(qtbot, services, learner)
    assert home.progress_label.text() == "No answers yet today · Study today to start a streak"

    answer(services, learner, 2, right=True)
    clock.advance(days=1)
    answer(services, learner, 3, right=True)
    home.refresh()
    assert home.progress_label.text() == "Answers today: 3 · Study streak: 2 days in a row"

    clock.advance(days=1)  # a new day without answers yet keeps the streak
    home.refresh()
    assert home.progress_label.text() == "No answers yet today · Study streak: 2 days in a row"

    clock.advance(days=1)  # a whole day missed breaks it
    home.refresh()
    assert home.progress_label.text() == "No answers yet today · Study today to start a streak"


def test_nothing_to_do_shows_a_friendly_empty_state(
    qtbot: QtBot, services: Services, learner: Learner
) -> None:
    services.learners.update_settings(learner.id, new_per_day=0)
    home = HomeScreen(services, StatsService(services.database), learner.id)
    qtbot.addWidget(home)
    home.refresh()
    # Its words depend on the topics' figures: the empty state does not wait for a paint.
    assert not home.topics_pending
    home = home_for(qtbot, services, learner)
    assert home.empty_state.isVisibleTo(home)
    assert not home.study_button.isVisibleTo(home)
    assert "New questions are paused" in home.empty_message.text()
    assert home.initial_focus() is home.quiz_button
    assert all(not button.isEnabled() for button in home.topic_study_buttons())


def test_buttons_ask_to_study_or_quiz(qtbot: QtBot, services: Services, learner: Learner) -> None:
    home = home_for(qtbot, services, learner)
    with qtbot.waitSignal(home.study_requested) as everything:
        qtbot.mouseClick(home.study_button, Qt.MouseButton.LeftButton)
    assert everything.args == [()]
    alpha = home.topic_rows[0]
    with qtbot.waitSignal(home.study_requested) as one_topic:
        alpha.study_button.setFocus()
        qtbot.keyClick(alpha.study_button, Qt.Key.Key_Space)
    assert one_topic.args == [(("test-pack", "alpha"),)]
    with qtbot.waitSignal(home.quiz_requested):
        qtbot.mouseClick(home.quiz_button, Qt.MouseButton.LeftButton)


def test_home_offers_the_packs_of_the_learners_class(
    qtbot: QtBot, services: Services, learner: Learner, clock: FakeClock
) -> None:
    from small_pack import TWIN_PACK

    from crisisquiz.core.pack_loader import parse_pack_text

    services.packs.import_pack(parse_pack_text(TWIN_PACK), now=clock())
    services.classes.create("Year 9", now=clock())
    services.classes.enrol("Year 9", [learner.name])
    services.classes.set_packs("Year 9", ["twin-pack"])
    home = home_for(qtbot, services, learner)
    # No pack here is the built-in one: the class sees the pack chosen for it only.
    assert {row.topic.pack_id for row in home.topic_rows} == {"twin-pack"}
    assert home.study_button.text() == "Study now (0 due, 9 new)"
