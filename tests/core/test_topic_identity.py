"""A topic is (pack id, topic id): two packs with a topic "alpha" are studied, quizzed,
scored and reported apart, and a bare topic id is taken only where it is unique."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from small_pack import SMALL_PACK, TWIN_PACK

from crisisquiz.core.class_report import build_class_report
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.results import export_results, parse_results
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.core.topic_keys import TopicError, installed_topics, resolve_topics
from crisisquiz.storage.database import Database

ALPHA = ("test-pack", "alpha")
TWIN_ALPHA = ("twin-pack", "alpha")


@pytest.fixture
def learner(database: Database, now: datetime) -> Learner:
    packs = PackService(database)
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now)
    packs.import_pack(parse_pack_text(TWIN_PACK), now=now)
    return LearnerService(database).create("Ana", now=now)


def test_studying_one_packs_topic_leaves_the_other_packs_topic_of_the_same_id_alone(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = StudyService(database, tz=UTC, rng=random.Random(1))
    session = study.start(learner.id, now=now, topics=[TWIN_ALPHA])
    shown = []
    while (item := session.next_item(now)) is not None and len(shown) < 20:
        shown.append((item.ref.pack_id, item.ref.topic_id))
        session.answer(item, "no idea", now=now, response_ms=1000)
        now += timedelta(seconds=5)
    # fc, mc, sa and cz are twin-pack's alpha; each comes back once after a wrong answer.
    assert set(shown) == {TWIN_ALPHA}
    stats = StatsService(database).learner_topic_stats(learner.id, now=now, tz=UTC)
    figures = {(t.pack_id, t.topic_id): t.figures for t in stats.topics}
    assert figures[TWIN_ALPHA].seen == 4 and figures[TWIN_ALPHA].answers == len(shown)
    assert figures[ALPHA].seen == 0 and figures[ALPHA].answers == 0
    assert study.queue_counts(learner.id, now=now, topics=[ALPHA]).new == 4


def test_a_quiz_on_one_packs_topic_draws_and_scores_that_pack_only(
    database: Database, learner: Learner, now: datetime
) -> None:
    quizzes = QuizService(database, tz=UTC)
    assert quizzes.available([ALPHA]) == 4
    assert quizzes.available([ALPHA, TWIN_ALPHA]) == 8
    quiz = quizzes.start(learner.id, QuizSettings(count=8, topics=(ALPHA,), seed=3), now=now)
    assert {(i.ref.pack_id, i.ref.topic_id) for i in quiz.items} == {ALPHA}
    assert len(quiz.items) == 4
    result = quiz.finish(now)
    # Alpha's flashcard is rated by the learner, not scored.
    assert [(s.pack_id, s.topic_id, s.questions) for s in result.per_topic] == [
        ("test-pack", "alpha", 3)
    ]

    both = quizzes.start(
        learner.id, QuizSettings(count=8, topics=(ALPHA, TWIN_ALPHA), seed=4), now=now
    )
    for position, item in enumerate(both.items):
        if item.ref.pack_id == "twin-pack" and item.question.id == "mc":
            both.answer(position, "Khrushchev", now=now, response_ms=900)
    scores = {(s.pack_id, s.topic_id): (s.questions, s.score) for s in both.finish(now).per_topic}
    assert scores == {ALPHA: (3, 0.0), TWIN_ALPHA: (3, 1.0)}
    stats = StatsService(database).learner_topic_stats(learner.id, now=now, tz=UTC)
    quiz_scores = {(t.pack_id, t.topic_id): t.quiz_scores for t in stats.topics}
    # The figures count the questions answered: twin-pack's mc, right.
    assert [(s.score, s.answered) for s in quiz_scores[TWIN_ALPHA]] == [(1.0, 1)]
    assert quiz_scores[ALPHA] == ()


def test_a_class_report_keeps_two_packs_topics_of_one_id_apart(
    database: Database, learner: Learner, now: datetime
) -> None:
    study = StudyService(database, tz=UTC, rng=random.Random(2))
    session = study.start(learner.id, now=now, topics=[TWIN_ALPHA])
    item = session.next_item(now)
    assert item is not None and item.question.id == "fc"
    session.answer(item, 3, now=now, response_ms=1000)  # a flashcard rated Good
    data = export_results(database, learner.id, now=now, file_id=uuid.uuid4())
    report = build_class_report([parse_results(data, source="ana.json")], now=now)
    cells = dict(
        zip(
            [(t.pack_id, t.topic_id) for t in report.topics],
            report.learners[0].cells,
            strict=True,
        )
    )
    assert cells[TWIN_ALPHA].answers == 1 and cells[TWIN_ALPHA].accuracy == 1.0
    assert ALPHA not in cells or cells[ALPHA].answers == 0


def test_a_bare_topic_id_is_taken_only_where_it_is_unique(
    database: Database, learner: Learner
) -> None:
    choices = installed_topics(database)
    assert resolve_topics(["twin-pack:alpha", "test-pack:beta"], choices) == (
        TWIN_ALPHA,
        ("test-pack", "beta"),
    )
    with pytest.raises(TopicError) as ambiguous:
        resolve_topics(["alpha"], choices)
    assert str(ambiguous.value) == (
        "topic 'alpha' is in 2 packs; name one as PACK:TOPIC:\n"
        "  test-pack:alpha  Alpha (Test pack)\n"
        "  twin-pack:alpha  Alpha (Twin pack)"
    )
    with pytest.raises(TopicError, match="no topic 'other-pack:alpha'"):
        resolve_topics(["other-pack:alpha"], choices)
    PackService(database).remove_pack("twin-pack")
    assert resolve_topics(["alpha"], installed_topics(database)) == (ALPHA,)
