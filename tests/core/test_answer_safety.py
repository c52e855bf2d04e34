"""An answer is stored once however often it is sent, and conflicts are tried again."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import func, select

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database
from crisisquiz.storage.dialects import (
    POSTGRESQL,
    SQLITE,
    ConnectionLost,
    Retry,
    retrying,
)
from crisisquiz.storage.models import QuizAnswerRow, ReviewRow


def count(database: Database, model: type[ReviewRow] | type[QuizAnswerRow]) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_answer_sent_twice_is_stored_once(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    session = StudyService(database, tz=UTC, rng=random.Random(1)).start(learner.id, now=now)
    item = session.next_item(now)
    assert item is not None
    first = session.answer(item, "?", now=now, response_ms=900, answer_key="k-1")
    # As after a lost reply: the same answer, under its key, from a fresh session.
    again = StudyService(database, tz=UTC, rng=random.Random(2)).start(learner.id, now=now)
    second = again.answer(item, "?", now=now, response_ms=900, answer_key="k-1")
    assert second.review_id == first.review_id
    assert second.next_due == first.next_due
    assert count(database, ReviewRow) == 1
    # Another answer is another key.
    again.answer(item, "?", now=now, response_ms=900, answer_key="k-2")
    assert count(database, ReviewRow) == 2


def test_a_quiz_answer_sent_twice_is_stored_once(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    LearnerService(database).update_settings(learner.id, quiz_counts_as_review=True)
    quiz = QuizService(database, tz=UTC).start(learner.id, QuizSettings(count=3), now=now)
    quiz.answer(0, "?", now=now, response_ms=500, answer_key="q-1")
    # The reply was lost: the screen never learnt it was stored, and sends it again.
    quiz._answers.clear()
    quiz.answer(0, "?", now=now, response_ms=500, answer_key="q-1")
    assert count(database, QuizAnswerRow) == 1
    assert count(database, ReviewRow) == 1


class Flaky:
    """Work that fails with ``error`` the first ``failures`` times."""

    def __init__(self, error: Exception, failures: int) -> None:
        self.error = error
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "stored"


@pytest.mark.parametrize(
    "error",
    [psycopg.errors.SerializationFailure("conflict"), psycopg.errors.DeadlockDetected("cycle")],
    ids=["serialization", "deadlock"],
)
def test_conflicts_are_tried_again_a_bounded_number_of_times(error: Exception) -> None:
    pauses: list[float] = []
    work = Flaky(error, failures=2)
    assert retrying(POSTGRESQL, work, sleep=pauses.append) == "stored"
    assert work.calls == 3
    assert pauses == [0.005, 0.01]
    always = Flaky(error, failures=100)
    with pytest.raises(type(error)):
        retrying(POSTGRESQL, always, policy=Retry(attempts=4), sleep=pauses.append)
    assert always.calls == 4


def test_a_lost_connection_is_not_tried_again_but_said() -> None:
    work = Flaky(psycopg.OperationalError("server closed the connection unexpectedly"), 1)
    with pytest.raises(ConnectionLost, match="The school server cannot be reached"):
        retrying(POSTGRESQL, work, sleep=lambda _s: None)
    assert work.calls == 1


def test_other_errors_pass_through_untouched() -> None:
    work = Flaky(ValueError("a bug"), 1)
    with pytest.raises(ValueError, match="a bug"):
        retrying(SQLITE, work, sleep=lambda _s: None)
    assert work.calls == 1


def test_a_learners_work_needs_one_connection_at_a_time(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    """On a school server every computer's connections count against the server's limit."""
    from dataclasses import replace

    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from crisisquiz.core.stats import StatsService
    from crisisquiz.storage.dialects import rules_of

    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    engine = create_engine(database.engine.url, pool_size=1, max_overflow=0, pool_timeout=2)
    rules_of(engine).configure(engine)
    single = replace(database, engine=engine, sessions=sessionmaker(engine))
    try:
        session = StudyService(single, tz=UTC, rng=random.Random(1)).start(learner.id, now=now)
        for number in range(4):
            item = session.next_item(now)
            assert item is not None
            session.answer(item, "?", now=now, response_ms=900, answer_key=f"one-{number}")
        session.undo()
        StatsService(single).learner_topic_stats(learner.id, now=now, tz=UTC)
        quiz = QuizService(single, tz=UTC).start(learner.id, QuizSettings(count=2), now=now)
        quiz.answer(0, "?", now=now, response_ms=500)
        quiz.finish(now)
    finally:
        engine.dispose()


def test_two_computers_of_one_learner_answering_at_once(
    database: Database, small_pack_text: str, now: datetime
) -> None:
    """The same pupil signed in on two computers, both answering at the same moment:
    every answer acknowledged is stored once, and the figures count each one."""
    import threading
    from datetime import timedelta

    from engines import reopen

    from crisisquiz.storage.models import TopicTotalsRow

    PackService(database).import_pack(parse_pack_text(small_pack_text), now=now)
    learner = LearnerService(database).create("Ana", now=now)
    other = reopen(database, now)
    acknowledged: list[str] = []
    failures: list[BaseException] = []
    both_ready = threading.Barrier(2, timeout=60)

    def computer(db: Database, tag: str) -> None:
        try:
            session = StudyService(db, tz=UTC, rng=random.Random(tag)).start(learner.id, now=now)
            both_ready.wait()
            for number in range(6):
                moment = now + timedelta(minutes=number)
                item = session.next_item(moment)
                if item is None:
                    return
                key = f"{tag}-{number}"
                session.answer(item, "?", now=moment, response_ms=500, answer_key=key)
                acknowledged.append(key)
        except BaseException as error:  # reported below, with the thread's own traceback
            failures.append(error)

    threads = [
        threading.Thread(target=computer, args=(db, tag))
        for db, tag in ((database, "lab"), (other, "library"))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        other.close()
    assert failures == []
    assert len(acknowledged) >= 2
    assert count(database, ReviewRow) == len(acknowledged)
    with database.sessions() as session:
        counted = session.scalar(select(func.sum(TopicTotalsRow.answers)))
    assert counted == len(acknowledged)
