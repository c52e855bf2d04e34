"""Classes: enrolment, the packs a class studies, and what its learners are offered."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from small_pack import SMALL_PACK, TWIN_PACK

from crisisquiz.core.classes import ClassError, ClassService
from crisisquiz.core.learners import LearnerError, LearnerService
from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database


@pytest.fixture
def classes(database: Database, now: datetime) -> ClassService:
    packs = PackService(database)
    # The small pack stands for the built-in one here.
    packs.import_pack(parse_pack_text(SMALL_PACK), now=now, builtin=True)
    packs.import_pack(parse_pack_text(TWIN_PACK), now=now)
    learners = LearnerService(database)
    for name in ("Ana", "Ben", "Cy"):
        learners.create(name, now=now)
    return ClassService(database)


def test_add_enrol_rename_unenrol_remove(
    classes: ClassService, database: Database, now: datetime
) -> None:
    classes.create("Year 9 History", now=now)
    with pytest.raises(ClassError, match="already a class named 'year 9 history'"):
        classes.create("year 9  history", now=now)
    info = classes.enrol("YEAR 9 HISTORY", ["ben", "Ana", "Ana"])
    assert info.learner_names == ("Ana", "Ben")
    with pytest.raises(LearnerError, match=r"no learner named 'Zed'\. Learners: Ana, Ben, Cy\."):
        classes.enrol("Year 9 History", ["Zed"])
    assert classes.get("year 9 history").learner_names == ("Ana", "Ben")  # nothing half-done
    classes.create("Year 10", now=now)
    classes.enrol("Year 10", ["Ana"])
    ana = LearnerService(database).by_name("Ana")
    assert [c.name for c in classes.classes_of(ana.id)] == ["Year 10", "Year 9 History"]
    assert classes.rename("Year 10", "Year 10 Politics").name == "Year 10 Politics"
    with pytest.raises(ClassError, match="'Cy' is not in the class 'Year 9 History'"):
        classes.unenrol("Year 9 History", ["Cy"])
    assert classes.unenrol("Year 9 History", ["Ana"]).learner_names == ("Ben",)
    classes.remove("year 10 politics")
    assert [c.name for c in classes.list()] == ["Year 9 History"]
    assert classes.classes_of(ana.id) == ()
    with pytest.raises(ClassError, match=r"no class named 'Year 10'\. Classes: Year 9 History"):
        classes.get("Year 10")
    # A learner removed leaves their classes; a class removed leaves its learners.
    LearnerService(database).remove("Ben")
    assert classes.get("Year 9 History").learners == ()
    assert [learner.name for learner in LearnerService(database).list()] == ["Ana", "Cy"]


def test_what_a_learner_is_offered_follows_their_classes(
    classes: ClassService, database: Database, now: datetime
) -> None:
    learners = LearnerService(database)
    ana, ben, cy = (learners.by_name(name).id for name in ("Ana", "Ben", "Cy"))
    classes.create("History", now=now)
    classes.create("Politics", now=now)
    classes.enrol("History", ["Ana", "Ben"])
    classes.enrol("Politics", ["Ben"])
    # A class with no pack chosen and the built-in one shown: every pack.
    assert classes.visible_packs(ana) == {"test-pack", "twin-pack"}
    assert classes.visible_packs(cy) is None  # in no class: every pack
    classes.set_packs("History", hide_builtin=True)
    assert classes.visible_packs(ana) == {"twin-pack"}
    with pytest.raises(ClassError, match="'test-pack' is the built-in pack"):
        classes.set_packs("Politics", ["test-pack"])
    with pytest.raises(ClassError, match="no pack 'nope' is installed"):
        classes.set_packs("Politics", ["nope"])
    classes.set_packs("History", ["twin-pack"], hide_builtin=False)
    assert classes.visible_packs(ana) == {"test-pack", "twin-pack"}
    classes.set_packs("History", hide_builtin=True)
    classes.set_packs("Politics", [], hide_builtin=True)
    assert classes.get("Politics").packs == ()
    # Ben: History shows twin-pack; Politics every pack but the built-in one.
    assert classes.visible_packs(ben) == {"twin-pack"}
    classes.set_packs("Politics", hide_builtin=False)
    assert classes.visible_packs(ben) == {"test-pack", "twin-pack"}
    # A pack removed leaves the classes that chose it.
    PackService(database).remove_pack("twin-pack")
    assert classes.get("History").packs == ()


def test_study_quiz_and_home_figures_offer_the_classs_packs(
    classes: ClassService, database: Database, now: datetime
) -> None:
    ana = LearnerService(database).by_name("Ana").id
    classes.create("History", now=now)
    classes.enrol("History", ["Ana"])
    classes.set_packs("History", ["twin-pack"], hide_builtin=True)
    study = StudyService(database, tz=UTC, rng=random.Random(1))
    session = study.start(ana, now=now)
    assert session.counts(now).new == 9
    item = session.next_item(now)
    assert item is not None and item.ref.pack_id == "twin-pack"
    assert study.queue_counts(ana, now=now).new == 9
    # Asked for by name, another pack's topic can still be studied.
    other = study.start(ana, now=now, topics=[("test-pack", "alpha")])
    first = other.next_item(now)
    assert first is not None and first.ref.pack_id == "test-pack"
    quiz = QuizService(database, tz=UTC).start(ana, QuizSettings(count=20, seed=1), now=now)
    assert {i.ref.pack_id for i in quiz.items} == {"twin-pack"} and len(quiz.items) == 9
    stats = StatsService(database).learner_topic_stats(
        ana, now=now, tz=UTC, packs=classes.visible_packs(ana)
    )
    assert {t.pack_id for t in stats.topics} == {"twin-pack"}
    assert stats.overall.total == 9
