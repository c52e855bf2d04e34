"""Row-level security, checked the way a curious pupil would: plain SQL with their own
sign-in (psycopg, as psql does), not through the app."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime

import psycopg
import pytest
from engines import School
from sqlalchemy import text

from crisisquiz.core.app_context import AppContext
from crisisquiz.core.app_settings import AppSettings, SettingsService
from crisisquiz.core.exams import ExamService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.quiz import QuizService, QuizSettings
from crisisquiz.core.study import StudyService

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def study(school: School, role: str, answers: int, tmp_path: object) -> int:
    """The pupil answers ``answers`` questions through the app; returns their learner id."""
    ctx = AppContext(school.tmp_path / role, clock=lambda: NOW, database_url=school.url(role))
    try:
        learners = LearnerService(ctx.database).list()
        assert len(learners) == 1  # a pupil sees their own learner only
        learner = learners[0]
        session = StudyService(ctx.database, tz=UTC, rng=random.Random(1)).start(
            learner.id, now=NOW
        )
        for _ in range(answers):
            item = session.next_item(NOW)
            assert item is not None
            session.answer(item, "no idea", now=NOW, response_ms=900)
        quiz = QuizService(ctx.database, tz=UTC).start(learner.id, QuizSettings(count=2), now=NOW)
        quiz.answer(0, "no idea", now=NOW, response_ms=500)
        quiz.finish(NOW)
        SettingsService(ctx.database).save(AppSettings(last_learner_id=learner.id))
        with ctx.database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO exam_plans (learner_id, pack_id, exam_day, set_at) "
                    "VALUES (:id, 'cuban-missile-crisis', '2026-05-20', now())"
                ),
                {"id": learner.id},
            )
        # The app reads it back with the pupil's own rights, and moves it.
        exams = ExamService(ctx.database, tz=UTC)
        [plan] = exams.plans(learner.id, now=NOW)
        assert plan.pack_id == "cuban-missile-crisis" and plan.exam_day == date(2026, 5, 20)
        exams.set(learner.id, plan.pack_id, date(2026, 5, 20), minutes_per_day=20, now=NOW)
        assert exams.plans(learner.id, now=NOW)[0].minutes_per_day == 20
        return learner.id
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def classroom(
    pg_databases: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[School, str, str, int, int]]:
    """A school with pupils Ana and Ben (class 7B) who have both studied."""
    made = School(pg_databases, tmp_path_factory.mktemp("school"))  # type: ignore[arg-type]
    assert made.run("server", "init") == 0
    ana = made.add("learner", "Ana", "ana", "--class", "7B")
    ben = made.add("learner", "Ben", "ben", "--class", "7B")
    ana_id = study(made, ana, 3, None)
    ben_id = study(made, ben, 4, None)
    yield made, ana, ben, ana_id, ben_id
    made.drop()


def as_user(school: School, role: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(school.dsn(role))


def count(connection: psycopg.Connection[tuple[object, ...]], sql: str, *args: object) -> int:
    row = connection.execute(sql, args).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return int(row[0])  # type: ignore[call-overload]


LEARNER_TABLES = (
    "card_states",
    "reviews",
    "quiz_attempts",
    "daily_topic_stats",
    "topic_totals",
    "exam_plans",
)


def test_a_pupil_reads_only_their_own_rows(classroom: tuple[School, str, str, int, int]) -> None:
    school, ana, _ben, ana_id, ben_id = classroom
    with as_user(school, school.admin) as admin:
        for table in LEARNER_TABLES:
            assert count(admin, f"SELECT count(*) FROM {table} WHERE learner_id = %s", ben_id) > 0
        assert count(admin, "SELECT count(*) FROM quiz_answers") == 2
    with as_user(school, ana) as pupil:
        assert count(pupil, "SELECT count(*) FROM learners") == 1
        assert count(pupil, "SELECT count(*) FROM learners WHERE id = %s", ben_id) == 0
        for table in LEARNER_TABLES:
            assert count(pupil, f"SELECT count(*) FROM {table} WHERE learner_id = %s", ben_id) == 0
            assert count(pupil, f"SELECT count(*) FROM {table} WHERE learner_id = %s", ana_id) > 0
        assert count(pupil, "SELECT count(*) FROM quiz_answers") == 1
        assert count(pupil, "SELECT count(*) FROM reviews") == 3
        accounts = pupil.execute("SELECT role_name FROM server_accounts").fetchall()
        assert accounts == [(ana,)]
        # The packs are everyone's to read.
        assert count(pupil, "SELECT count(*) FROM questions") > 200


def test_a_pupil_cannot_change_or_delete_anothers_rows(
    classroom: tuple[School, str, str, int, int],
) -> None:
    school, ana, _ben, _ana_id, ben_id = classroom
    with as_user(school, school.admin) as admin:
        before = admin.execute(
            "SELECT id, correct, score FROM reviews WHERE learner_id = %s ORDER BY id", (ben_id,)
        ).fetchall()
    with as_user(school, ana) as pupil:
        # Rows the policy hides are not there to change: nothing is touched.
        changed = pupil.execute(
            "UPDATE reviews SET correct = true, score = 1 WHERE learner_id = %s", (ben_id,)
        )
        assert changed.rowcount == 0
        assert pupil.execute("DELETE FROM reviews WHERE learner_id = %s", (ben_id,)).rowcount == 0
        assert (
            pupil.execute("DELETE FROM card_states WHERE learner_id = %s", (ben_id,)).rowcount == 0
        )
        assert (
            pupil.execute("UPDATE learners SET new_per_day = 0 WHERE id = %s", (ben_id,)).rowcount
            == 0
        )
        pupil.commit()
    with as_user(school, school.admin) as admin:
        after = admin.execute(
            "SELECT id, correct, score FROM reviews WHERE learner_id = %s ORDER BY id", (ben_id,)
        ).fetchall()
        assert after == before
        assert count(admin, "SELECT new_per_day FROM learners WHERE id = %s", ben_id) == 15


# Each table holding a learner's data: how to pick out Ben's rows, and a change to them.
BENS_ROWS = {
    "learners": ("id = {ben_id}", "new_per_day = 0, name = 'Taken'"),
    "card_states": ("learner_id = {ben_id}", "due = due + interval '1 year', stability = 0"),
    "reviews": ("learner_id = {ben_id}", "correct = true, score = 1"),
    "quiz_attempts": ("learner_id = {ben_id}", "score = 1"),
    "quiz_answers": ("attempt_id IN ({ben_attempts})", "correct = true, score = 1"),
    "daily_topic_stats": ("learner_id = {ben_id}", "correct = answers"),
    "topic_totals": ("learner_id = {ben_id}", "correct = answers"),
    "exam_plans": ("learner_id = {ben_id}", "exam_day = '2026-01-01'"),
    "settings": ("owner = '{ben}'", "value = 'taken over'"),
}


def bens_rows(admin: psycopg.Connection[tuple[object, ...]], table: str, where: str) -> list[str]:
    rows = admin.execute(f"SELECT t::text FROM {table} t WHERE {where} ORDER BY 1").fetchall()  # type: ignore[arg-type]
    return [str(row[0]) for row in rows]


def rows_touched(connection: psycopg.Connection[tuple[object, ...]], statement: str) -> int:
    """The rows ``statement`` changed and committed: 0 when refused outright."""
    try:
        touched = connection.execute(statement).rowcount  # type: ignore[arg-type]
    except psycopg.errors.InsufficientPrivilege:
        connection.rollback()
        return 0
    connection.commit()
    return touched


@pytest.mark.parametrize("table", sorted(BENS_ROWS))
def test_a_pupil_can_neither_read_nor_change_nor_delete_anothers_rows(
    classroom: tuple[School, str, str, int, int], table: str
) -> None:
    """For every table of a learner's data: Ana, with plain SQL, finds none of Ben's rows
    to read, and an UPDATE or DELETE aimed at them touches nothing."""
    school, ana, ben, _ana_id, ben_id = classroom
    with as_user(school, school.admin) as admin:
        attempts = admin.execute(
            "SELECT id FROM quiz_attempts WHERE learner_id = %s", (ben_id,)
        ).fetchall()
        template, change = BENS_ROWS[table]
        where = template.format(
            ben_id=ben_id, ben=ben, ben_attempts=", ".join(str(a[0]) for a in attempts)
        )
        before = bens_rows(admin, table, where)
        own = count(admin, f"SELECT count(*) FROM {table}") - len(before)
    assert before, f"Ben has no rows in {table}: the test would prove nothing"
    with as_user(school, ana) as pupil:
        assert count(pupil, f"SELECT count(*) FROM {table} WHERE {where}") == 0
        assert count(pupil, f"SELECT count(*) FROM {table}") < own + 1  # hers at most
        for statement in (
            f"UPDATE {table} SET {change} WHERE {where}",
            f"DELETE FROM {table} WHERE {where}",
        ):
            assert rows_touched(pupil, statement) == 0, statement
    with as_user(school, school.admin) as admin:
        assert bens_rows(admin, table, where) == before


@pytest.mark.parametrize(
    "statement",
    [
        # Inserting a review for Ben.
        "INSERT INTO reviews (learner_id, question_id, reviewed_at, rating, correct, score, "
        "response, response_ms, topic_id, pack_id) SELECT {ben}, id, now(), 3, true, 1, "
        "'{{}}', 1, topic_id, pack_id FROM questions LIMIT 1",
        # Moving one of her own reviews over to Ben.
        "UPDATE reviews SET learner_id = {ben}",
        # Inserting figures for Ben.
        "INSERT INTO daily_topic_stats VALUES ({ben}, 'p', 't', '2026-03-02', 9, 9, 0, 0, 0, 0)",
        # Starting a quiz in Ben's name.
        "INSERT INTO quiz_attempts (learner_id, started_at, seed, topics, question_ids, "
        "feedback) VALUES ({ben}, now(), 1, '[]', '[]', 'x')",
        # An answer added to one of Ben's quizzes.
        "INSERT INTO quiz_answers (attempt_id, position, question_id, answered_at, correct, "
        "score, response, response_ms, pack_id, topic_id) SELECT {ben_attempt}, 99, id, now(), "
        "true, 1, '{{}}', 1, pack_id, topic_id FROM questions LIMIT 1",
        # A card state, a total, an exam date and a setting in Ben's name.
        "INSERT INTO card_states (learner_id, question_id, due, stability, difficulty, state, "
        "step, pack_id, topic_id) SELECT {ben}, id, now(), 1, 5, 1, 0, pack_id, topic_id "
        "FROM questions ORDER BY id DESC LIMIT 1",
        "INSERT INTO topic_totals VALUES ({ben}, 'p', 't', 9, 9, 0, 0, 0, 0)",
        "INSERT INTO exam_plans (learner_id, pack_id, exam_day, set_at) "
        "VALUES ({ben}, 'cuban-missile-crisis', '2026-06-01', now())",
        "INSERT INTO settings (key, value, owner) VALUES ('theme', 'dark', '{ben_role}')",
        # A learner row of her own making.
        "INSERT INTO learners (name, desired_retention, new_per_day, day_rollover_hour, "
        "quiz_counts_as_review, created_at, uid) VALUES ('Fake', 0.9, 10, 4, false, now(), "
        "gen_random_uuid())",
    ],
    ids=[
        "insert-review",
        "move-review",
        "insert-figures",
        "insert-quiz",
        "insert-quiz-answer",
        "insert-card",
        "insert-totals",
        "insert-exam",
        "insert-setting",
        "insert-learner",
    ],
)
def test_a_pupil_cannot_write_rows_in_anothers_name(
    classroom: tuple[School, str, str, int, int], statement: str
) -> None:
    school, ana, ben, _ana_id, ben_id = classroom
    with as_user(school, school.admin) as admin:
        attempt = count(admin, "SELECT max(id) FROM quiz_attempts WHERE learner_id = %s", ben_id)
    sql = statement.format(ben=ben_id, ben_role=ben, ben_attempt=attempt)
    with as_user(school, ana) as pupil, pytest.raises(psycopg.errors.InsufficientPrivilege):
        pupil.execute(sql)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER ROLE {ben} PASSWORD 'taken-over-1'",
        "CREATE ROLE intruder LOGIN PASSWORD 'intruder-1'",
        "GRANT {teachers} TO {ana}",
        "DROP ROLE {ben}",
        "UPDATE server_accounts SET learner_id = {ben_id}",
        "INSERT INTO server_accounts VALUES ('intruder', 'teacher', NULL)",
        "INSERT INTO packs (id, title, version, language, authors, description, builtin, "
        "imported_at) VALUES ('mine', 'Mine', '1.0.0', 'en', '[]', '', false, now())",
        "DELETE FROM questions",
        "UPDATE learners SET id = {ben_id} + 100 WHERE true",
    ],
    ids=[
        "alter-role",
        "create-role",
        "grant-group",
        "drop-role",
        "remap-account",
        "add-account",
        "import-pack",
        "delete-questions",
        "change-learner-id",
    ],
)
def test_a_pupil_cannot_touch_roles_accounts_or_packs(
    classroom: tuple[School, str, str, int, int], statement: str
) -> None:
    school, ana, ben, _ana_id, ben_id = classroom
    teachers = f"{school.name}_teachers"
    sql = statement.format(ben=ben, ana=ana, teachers=teachers, ben_id=ben_id)
    with as_user(school, ana) as pupil, pytest.raises(psycopg.errors.InsufficientPrivilege):
        pupil.execute(sql)  # type: ignore[arg-type]


def test_a_pupil_keeps_their_own_settings(classroom: tuple[School, str, str, int, int]) -> None:
    school, ana, ben, _ana_id, _ben_id = classroom
    from crisisquiz.core.app_settings import Theme

    contexts = {
        role: AppContext(school.tmp_path / role, clock=lambda: NOW, database_url=school.url(role))
        for role in (ana, ben)
    }
    try:
        SettingsService(contexts[ana].database).save(AppSettings(theme=Theme.DARK, text_scale=1.5))
        SettingsService(contexts[ben].database).save(AppSettings(theme=Theme.LIGHT))
        assert SettingsService(contexts[ana].database).load().theme is Theme.DARK
        assert SettingsService(contexts[ben].database).load().theme is Theme.LIGHT
    finally:
        for ctx in contexts.values():
            ctx.close()
    with as_user(school, ana) as pupil:
        assert count(pupil, "SELECT count(*) FROM settings WHERE owner != current_user") == 0


def test_every_table_with_learners_data_is_guarded() -> None:
    """A new table holding a learner's rows must get a policy, not count as pack content."""
    from crisisquiz.storage.models import Base
    from crisisquiz.storage.school import LEARNER_TABLES, OTHER_TABLES, pack_tables

    for table in Base.metadata.sorted_tables:
        if "learner_id" in table.c:
            assert table.name in LEARNER_TABLES or table.name in OTHER_TABLES
    assert "learners" in LEARNER_TABLES
    assert set(pack_tables()).isdisjoint(set(LEARNER_TABLES) | set(OTHER_TABLES))
    assert {"packs", "questions", "topics", "sources", "media"} <= set(pack_tables())


@pytest.fixture(scope="module")
def teachers(
    classroom: tuple[School, str, str, int, int],
) -> tuple[str, str, int]:
    """Tia teaches 7B; Omar teaches 8C, where Cleo (who has studied) is."""
    school = classroom[0]
    tia = school.add("teacher", "Tia", "tia", "--class", "7B")
    omar = school.add("teacher", "Omar", "omar", "--class", "8C")
    cleo = school.add("learner", "Cleo", "cleo", "--class", "8C")
    cleo_id = study(school, cleo, 2, None)
    return tia, omar, cleo_id


def test_a_teacher_reads_the_learners_of_their_classes_only(
    classroom: tuple[School, str, str, int, int], teachers: tuple[str, str, int]
) -> None:
    school, _ana, _ben, ana_id, ben_id = classroom
    tia, omar, cleo_id = teachers
    with as_user(school, tia) as teacher:
        names = {row[0] for row in teacher.execute("SELECT name FROM learners").fetchall()}
        assert names == {"Ana", "Ben", "Tia"}  # her class, and her own profile
        seen = {row[0] for row in teacher.execute("SELECT learner_id FROM reviews").fetchall()}
        assert seen == {ana_id, ben_id}
        for table in LEARNER_TABLES:
            assert (
                count(teacher, f"SELECT count(*) FROM {table} WHERE learner_id = %s", cleo_id) == 0
            )
        assert count(teacher, "SELECT count(*) FROM quiz_answers") == 2
        classes = teacher.execute("SELECT name FROM classes").fetchall()
        assert classes == [("7B",)]
    with as_user(school, omar) as teacher:
        seen = {row[0] for row in teacher.execute("SELECT learner_id FROM reviews").fetchall()}
        assert seen == {cleo_id}


def test_a_teacher_cannot_change_their_pupils_answers(
    classroom: tuple[School, str, str, int, int], teachers: tuple[str, str, int]
) -> None:
    school, _ana, _ben, ana_id, _ben_id = classroom
    tia = teachers[0]
    with as_user(school, tia) as teacher:
        assert (
            teacher.execute(
                "UPDATE reviews SET correct = true WHERE learner_id = %s", (ana_id,)
            ).rowcount
            == 0
        )
        assert teacher.execute("DELETE FROM reviews WHERE learner_id = %s", (ana_id,)).rowcount == 0
        assert teacher.execute("DELETE FROM quiz_answers").rowcount == 0
        teacher.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            teacher.execute(
                "INSERT INTO reviews (learner_id, question_id, reviewed_at, rating, correct, "
                "score, response, response_ms, topic_id, pack_id) SELECT %s, id, now(), 3, "
                "true, 1, '{}', 1, topic_id, pack_id FROM questions LIMIT 1",
                (ana_id,),
            )
    with as_user(school, tia) as teacher, pytest.raises(psycopg.errors.InsufficientPrivilege):
        teacher.execute(
            "INSERT INTO class_teachers (class_id, role_name) SELECT id, %s FROM classes",
            (tia,),
        )


@pytest.mark.parametrize(
    "statement",
    [
        # Taking Omar's class on, or bringing Cleo into her own class, to read Cleo's rows.
        "INSERT INTO class_teachers (class_id, role_name) VALUES ({other_class}, '{tia}')",
        "INSERT INTO class_learners (class_id, learner_id) VALUES ({own_class}, {cleo_id})",
        "UPDATE class_learners SET class_id = {own_class}",
        # Choosing the packs of a class she does not teach.
        "INSERT INTO class_packs (class_id, pack_id) "
        "VALUES ({other_class}, 'cuban-missile-crisis')",
        # Rows in a pupil's name.
        "INSERT INTO exam_plans (learner_id, pack_id, exam_day, set_at) "
        "VALUES ({cleo_id}, 'cuban-missile-crisis', '2026-06-01', now())",
        "UPDATE learners SET new_per_day = 0 WHERE id = {cleo_id}",
    ],
    ids=["teach-other-class", "enrol-pupil", "move-pupils", "other-class-packs", "exam", "learner"],
)
def test_a_teacher_cannot_reach_beyond_their_classes(
    classroom: tuple[School, str, str, int, int], teachers: tuple[str, str, int], statement: str
) -> None:
    school = classroom[0]
    tia, _omar, cleo_id = teachers
    with as_user(school, school.admin) as admin:
        classes = dict(admin.execute("SELECT name, id FROM classes").fetchall())  # type: ignore[arg-type]
        before = admin.execute("SELECT * FROM class_learners ORDER BY 1, 2").fetchall()
    sql = statement.format(
        tia=tia, cleo_id=cleo_id, own_class=classes["7B"], other_class=classes["8C"]
    )
    with as_user(school, tia) as teacher:
        assert rows_touched(teacher, sql) == 0
    with as_user(school, school.admin) as admin:
        assert admin.execute("SELECT * FROM class_learners ORDER BY 1, 2").fetchall() == before
        assert count(admin, "SELECT count(*) FROM class_packs") == 0
        teaching = admin.execute(
            "SELECT role_name FROM class_teachers WHERE class_id = %s", (classes["8C"],)
        ).fetchall()
        assert (tia,) not in teaching


def test_a_pupil_sees_only_their_own_class(
    classroom: tuple[School, str, str, int, int], teachers: tuple[str, str, int]
) -> None:
    school, ana, _ben, ana_id, _ben_id = classroom
    with as_user(school, ana) as pupil:
        assert pupil.execute("SELECT name FROM classes").fetchall() == [("7B",)]
        members = pupil.execute("SELECT learner_id FROM class_learners").fetchall()
        assert members == [(ana_id,)]
        assert count(pupil, "SELECT count(*) FROM class_teachers") == 0


def test_a_pupil_sets_and_clears_their_own_exam_date(
    classroom: tuple[School, str, str, int, int],
) -> None:
    """Exam plans through the app, signed in as the pupil: hers to set, move and clear;
    Ben's out of her reach."""
    from datetime import timedelta

    from crisisquiz.core.exams import ExamService
    from crisisquiz.core.learners import LearnerError

    school, ana, _ben, ana_id, ben_id = classroom
    ctx = AppContext(
        school.tmp_path / f"{ana}-exam", clock=lambda: NOW, database_url=school.url(ana)
    )
    exam_day = (NOW + timedelta(days=30)).date()
    try:
        exams = ExamService(ctx.database, tz=UTC)
        exams.set(ana_id, "cuban-missile-crisis", exam_day, minutes_per_day=20, now=NOW)
        plans = exams.plans(ana_id, now=NOW)
        assert [(p.pack_id, p.exam_day, p.minutes_per_day) for p in plans] == [
            ("cuban-missile-crisis", exam_day, 20)
        ]
        with pytest.raises(LearnerError):
            exams.set(ben_id, "cuban-missile-crisis", exam_day, minutes_per_day=None, now=NOW)
        assert exams.clear(ana_id, "cuban-missile-crisis")
        assert exams.plans(ana_id, now=NOW) == []
    finally:
        ctx.close()
    with as_user(school, school.admin) as admin:
        assert count(admin, "SELECT count(*) FROM exam_plans WHERE learner_id = %s", ben_id) == 1
