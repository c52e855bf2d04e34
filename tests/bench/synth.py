"""Synthetic learners: FSRS review histories and the crisisquiz databases that hold them.

Histories are replayed through :func:`crisisquiz.core.scheduling.next_state` for a
library of a few thousand *templates* (one card's whole life: each answer, its
rating and the state before and after it). Every studied question gets a template
(or the first part of one) moved in time, so that it ends a realistic distance
before "now": most cards are not yet due, a share of them are overdue (a learner
back after a week or so away). Moving a history in time keeps it exact: FSRS only
looks at the time between reviews. The reviews, card states and daily figures are
then written with ``executemany`` in one transaction, in the storage format
SQLAlchemy uses, and checked against each other and against a replay afterwards.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.grading import correct_answer_text, grade, response_to_json
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_schema import Pack, Question, QuestionType
from crisisquiz.core.packs import PackService
from crisisquiz.core.recording import MATURE_GAP
from crisisquiz.core.scheduling import CardState, Rating, State, next_state, retrievability
from crisisquiz.resources import BUILTIN_PACK_ID, builtin_pack_path
from crisisquiz.storage.database import DATABASE_FILE, STATE_SUFFIX, Database, open_database
from crisisquiz.storage.models import CardStateRow, QuestionRow, ReviewRow
from tests.bench import packs as packgen

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
ROLLOVER_HOUR = 4  # the learner default; study days are cut in UTC (tz=UTC everywhere here)
DESIRED_RETENTION = 0.9
QUESTIONS_PER_PACK = 10_000
TOPICS_PER_PACK = 12
SEEN_SHARE = 0.85  # questions the learner has studied at least once
DUE_SHARE = 0.12  # studied questions overdue now
MID_SESSION_SHARE = 0.003  # studied questions left in a learning step (a session cut short)
QUIZZES = 40  # finished quizzes of 20 questions, for the quiz part of the scores
HISTORY_SPAN = 3 * 365 * 86_400  # no card's history is longer than three years
# The learner forgets a little faster than FSRS's default parameters expect (recall is
# R ** 1.5), which gives about one "Again" in five answers, as in real collections.
FORGETTING = 1.5

# Which ratings an answer to each type can give: auto-graded right answers are Good,
# partial credit or a spelling slip Hard (types that have them), flashcards all four.
BINARY = "binary"
GRADED = "graded"
SELF = "self"
RATING_KIND = {
    QuestionType.MULTIPLE_CHOICE: BINARY,
    QuestionType.TRUE_FALSE: BINARY,
    QuestionType.YEAR: BINARY,
    QuestionType.NUMBER: BINARY,
    QuestionType.SHORT_ANSWER: GRADED,
    QuestionType.CLOZE: GRADED,
    QuestionType.MULTI_SELECT: GRADED,
    QuestionType.ORDERING: GRADED,
    QuestionType.MATCHING: GRADED,
    QuestionType.FLASHCARD: SELF,
}
# The ratings the histories of each kind hold (``_rating``); each must be what the grader
# makes of the response stored with it, so that a card's reviews replay to its state.
KIND_RATINGS = {
    BINARY: (int(Rating.Again), int(Rating.Good)),
    GRADED: (int(Rating.Again), int(Rating.Hard), int(Rating.Good)),
    SELF: (int(Rating.Again), int(Rating.Hard), int(Rating.Good), int(Rating.Easy)),
}


@dataclass(frozen=True)
class Size:
    """A benchmark size: questions in the bank and reviews in the learner's history."""

    name: str
    questions: int
    reviews: int


SIZES = {
    "small": Size("small", 1_000, 10_000),
    "medium": Size("medium", 10_000, 100_000),
    "large": Size("large", 100_000, 1_000_000),
}


# ------------------------------------------------------------------------------ templates


@dataclass(frozen=True)
class Step:
    """One answer in a template history; times are whole seconds after ``EPOCH``."""

    at: int
    rating: int
    previous: CardState | None
    state: CardState


def _rating(kind: str, correct: bool, rng: random.Random) -> Rating:
    if not correct:
        return Rating.Again
    draw = rng.random()
    if kind == BINARY:
        return Rating.Good
    if kind == GRADED:
        return Rating.Hard if draw < 0.15 else Rating.Good
    return Rating.Hard if draw < 0.15 else Rating.Easy if draw < 0.23 else Rating.Good


def simulate(
    length: int, kind: str, rng: random.Random, forgetting: float = FORGETTING
) -> list[Step]:
    """A card's first ``length`` answers (fewer past three years), answered when due."""
    steps: list[Step] = []
    at = first = rng.randrange(86_400)
    state: CardState | None = None
    # At least until the card first graduates: nobody leaves a card half-learnt for good.
    while len(steps) < length or (state is not None and state.state is State.Learning):
        moment = EPOCH + timedelta(seconds=at)
        if state is None:
            p_right = 0.65 ** (forgetting / FORGETTING)  # first sight: partly known or guessed
        elif state.state in (State.Learning, State.Relearning):
            p_right = 0.8 ** (forgetting / FORGETTING)
        else:
            p_right = retrievability(state.stability, state.last_review, moment) ** forgetting
        rating = _rating(kind, rng.random() < p_right, rng)
        new = next_state(state, rating, now=moment, desired_retention=DESIRED_RETENTION, rng=rng)
        steps.append(Step(at, int(rating), state, new))
        state = new
        wait = (new.due - moment).total_seconds()
        if wait < 86_400 and rng.random() < 0.9:
            wait += rng.uniform(0, 300)  # the next learning step, in the same sitting
        else:
            wait += rng.uniform(0, 0.2 * wait + 43_200)  # a little late, as people are
        at += max(60, round(wait))
        if at - first > HISTORY_SPAN:
            break
    return steps


@dataclass
class Library:
    """Template histories by rating kind."""

    templates: dict[str, list[list[Step]]]

    @classmethod
    def build(
        cls,
        mean_length: float,
        per_kind: int,
        rng: random.Random,
        forgetting: float = FORGETTING,
    ) -> Library:
        """Templates about ``mean_length`` answers long on average."""
        shape = 1.5
        # Histories cut at three years come out about a quarter shorter than drawn.
        scale = max(0.1, (1.3 * mean_length - 1) / shape)
        templates: dict[str, list[list[Step]]] = {}
        for kind in (BINARY, GRADED, SELF):
            lengths = [min(200, 1 + round(rng.gammavariate(shape, scale))) for _ in range(per_kind)]
            templates[kind] = [simulate(n, kind, rng, forgetting) for n in lengths]
        return cls(templates)


# ------------------------------------------------------------------------------ questions


@dataclass(frozen=True)
class Outcome:
    """What an answer with a given rating stores: the response and its grade."""

    response: str  # JSON, as the review row stores it
    correct: bool
    score: float
    rating: int  # what the grader makes of the response (a results file is checked on it)


@dataclass(frozen=True)
class QuestionInfo:
    """A question row as the history writer needs it."""

    row_id: int
    pack_id: str
    topic_id: str
    kind: str
    front: str  # for the Anki twin: the question as shown ...
    back: str  # ... and its answer
    outcomes: dict[int, Outcome]


def question_info(
    row_id: int, pack_id: str, question: Question, rng: random.Random
) -> QuestionInfo:
    """Stored responses for each rating, graded by the real grader."""
    kind = RATING_KIND[question.type]
    wanted = {
        int(Rating.Again): "wrong",
        int(Rating.Hard): "slip",
        int(Rating.Good): "right",
        int(Rating.Easy): "right",
    }
    outcomes: dict[int, Outcome] = {}
    for rating, outcome in wanted.items():
        response: object = packgen.respond(question, outcome, rng)
        if kind == SELF:
            response = Rating(rating)
        result = grade(question, response)
        outcomes[rating] = Outcome(
            json.dumps(response_to_json(question, response)),
            result.verdict.value == "right",
            result.score,
            int(result.rating),
        )
    if kind == GRADED and outcomes[int(Rating.Hard)].rating != int(Rating.Hard):
        # No response to this question grades Hard (a cloze of one blank has no "first blank
        # only", a short answer of three letters no letter to leave out): its histories can
        # only hold Good and Again, or a Hard in the card's state would sit beside the Good
        # that the stored response grades to, and the two would not replay.
        kind = BINARY
    for rating in KIND_RATINGS[kind]:
        if outcomes[rating].rating != rating:
            raise ValueError(
                f"question {question.id}: the response made for rating {rating} grades"
                f" {outcomes[rating].rating}"
            )
    return QuestionInfo(
        row_id=row_id,
        pack_id=pack_id,
        topic_id=question.topic,
        kind=kind,
        front=question.display_prompt,
        back=correct_answer_text(question),
        outcomes=outcomes,
    )


# ------------------------------------------------------------------------------ plans


@dataclass(frozen=True)
class CardPlan:
    """A studied question: the first ``length`` steps of a template, moved by ``shift`` s."""

    question: QuestionInfo
    steps: Sequence[Step]
    length: int
    shift: int

    @property
    def last(self) -> Step:
        return self.steps[self.length - 1]

    def state(self) -> CardState:
        """The card's state now (after its last answer), at real times."""
        return moved(self.last.state, self.shift)


def moved(state: CardState, shift: int) -> CardState:
    """``state`` with its times moved by ``shift`` seconds."""
    delta = timedelta(seconds=shift)
    return CardState(
        due=state.due + delta,
        stability=state.stability,
        difficulty=state.difficulty,
        state=state.state,
        step=state.step,
        last_review=state.last_review + delta if state.last_review else None,
    )


def plan_histories(
    questions: Sequence[QuestionInfo],
    budget: int,
    library: Library,
    now: datetime,
    rng: random.Random,
) -> list[CardPlan]:
    """Give questions histories, in random order, until ``budget`` answers are spent."""
    order = list(questions)
    rng.shuffle(order)
    plans: list[CardPlan] = []
    left = budget
    now_s = int((now - EPOCH).total_seconds())
    for info in order:
        if left <= 0:
            break
        steps = rng.choice(library.templates[info.kind])
        length = min(len(steps), left)
        if rng.random() >= MID_SESSION_SHARE:
            # Cards rest in review between sessions: end after the last answer that left the
            # card in review (learning steps are finished in the sitting they start in).
            ends = [k for k in range(1, len(steps) + 1) if steps[k - 1].state.state is State.Review]
            before = [k for k in ends if k <= length]
            if before:
                length = before[-1]
            elif ends and ends[0] <= left:
                length = ends[0]
        left -= length
        last = steps[length - 1]
        interval = max(60, int((last.state.due - EPOCH).total_seconds()) - last.at)
        if rng.random() < DUE_SHARE:
            age = interval + rng.randrange(1 + 10 * 86_400)  # overdue by up to ten days
        else:
            age = rng.randrange(interval)  # somewhere inside its interval
        plans.append(CardPlan(info, steps, length, now_s - age - last.at))
    if left > 0:
        raise ValueError(f"{left} answers left over: the templates are too short")
    return plans


# ------------------------------------------------------------------------------ writing

_NAIVE_EPOCH = EPOCH.replace(tzinfo=None)


def _sql_time(seconds: int) -> str:
    """A time as SQLAlchemy stores DateTime on SQLite: naive UTC with microseconds."""
    return (_NAIVE_EPOCH + timedelta(seconds=seconds)).isoformat(" ", "microseconds")


def _sql_state_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_ROLLOVER = timedelta(hours=ROLLOVER_HOUR)
MATURE_SECONDS = int(MATURE_GAP.total_seconds())


def _aware_iso(seconds: int) -> str:
    """``datetime.isoformat()`` of an aware UTC time, as ``CardState.to_json`` writes it."""
    return (_NAIVE_EPOCH + timedelta(seconds=seconds)).isoformat() + "+00:00"


def study_day(seconds: int) -> date:
    """The study day of a time (``StudyClock.day_of`` with tz UTC and the default rollover)."""
    return (_NAIVE_EPOCH + timedelta(seconds=seconds - ROLLOVER_HOUR * 3600)).date()


@dataclass
class _Daily:
    answers: int = 0
    correct: int = 0
    new: int = 0
    mature: int = 0
    mature_correct: int = 0
    time_ms: int = 0


@dataclass
class WriteStats:
    """What the writer wrote."""

    reviews: int = 0
    cards: int = 0
    daily_rows: int = 0
    seconds: float = 0.0
    by_table: dict[str, float] = field(default_factory=dict)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-262144")
    connection.execute("PRAGMA temp_store=MEMORY")
    return connection


def write_histories(
    path: Path, learner_id: int, plans: Sequence[CardPlan], rng: random.Random
) -> WriteStats:
    """Insert the plans' reviews (in time order), card states and daily figures, in one go."""
    stats = WriteStats()
    started = time.perf_counter()
    keys = sorted(
        (plan.steps[i].at + plan.shift, n, i)
        for n, plan in enumerate(plans)
        for i in range(plan.length)
    )
    stats.by_table["sort"] = time.perf_counter() - started
    daily: dict[tuple[str, str, date], _Daily] = defaultdict(_Daily)
    response_ms = [rng.randrange(1_500, 25_000) for _ in range(4096)]

    pieces: dict[int, tuple[str, str, str, int, int]] = {}

    def previous_pieces(step: Step) -> tuple[str, str, str, int, int]:
        # CardState.to_json of the previous state, cut where the moved times go.
        found = pieces.get(id(step))
        if found is None:
            previous = step.previous
            assert previous is not None and previous.last_review is not None
            text = json.dumps(
                {
                    "due": "\0",
                    "stability": previous.stability,
                    "difficulty": previous.difficulty,
                    "state": int(previous.state),
                    "step": previous.step,
                    "last_review": "\0",
                }
            )
            head, middle, tail = text.split("\\u0000")
            found = (
                head,
                middle,
                tail,
                int((previous.due - EPOCH).total_seconds()),
                int((previous.last_review - EPOCH).total_seconds()),
            )
            pieces[id(step)] = found
        return found

    def review_rows() -> Iterator[tuple[Any, ...]]:
        for k, (at, n, i) in enumerate(keys):
            plan = plans[n]
            info = plan.question
            step = plan.steps[i]
            outcome = info.outcomes[step.rating]
            ms = response_ms[k & 4095]
            moment = _NAIVE_EPOCH + timedelta(seconds=at)
            if step.previous is None:
                previous_json = None
                mature = False
            else:
                head, middle, tail, due, last = previous_pieces(step)
                previous_json = (
                    head
                    + _aware_iso(due + plan.shift)
                    + middle
                    + _aware_iso(last + plan.shift)
                    + tail
                )
                mature = step.at - last >= MATURE_SECONDS
            day = daily[(info.pack_id, info.topic_id, (moment - _ROLLOVER).date())]
            day.answers += 1
            day.correct += outcome.correct
            day.new += step.previous is None
            day.mature += mature
            day.mature_correct += mature and outcome.correct
            day.time_ms += ms
            yield (
                learner_id,
                info.row_id,
                moment.isoformat(" ", "microseconds"),
                # The grader's rating, as the app stores it; question_info makes sure it is
                # the plan's rating, the one the card's state was computed from.
                outcome.rating,
                int(outcome.correct),
                outcome.score,
                outcome.response,
                ms,
                previous_json,
                info.topic_id,
                info.pack_id,
            )

    connection = _connect(path)
    try:
        # No journal while the bulk is written (a failure throws the whole folder away anyway);
        # WAL, as the app opens it, once it is done.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("BEGIN")
        # The indexes are built once afterwards (the same definitions), not row by row.
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        mark = time.perf_counter()
        connection.executemany(
            "INSERT INTO reviews (learner_id, question_id, reviewed_at, rating, correct, score,"
            " response, response_ms, previous_state, topic_id, pack_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            review_rows(),
        )
        stats.by_table["reviews"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for _name, sql in indexes:
            connection.execute(sql)
        stats.by_table["review indexes"] = time.perf_counter() - mark
        mark = time.perf_counter()
        card_rows = []
        for plan in plans:
            state = plan.state()
            card_rows.append(
                (
                    learner_id,
                    plan.question.row_id,
                    _sql_state_time(state.due),
                    state.stability,
                    state.difficulty,
                    int(state.state),
                    state.step,
                    _sql_state_time(state.last_review),
                    plan.question.pack_id,
                    plan.question.topic_id,
                )
            )
        connection.executemany(
            "INSERT INTO card_states (learner_id, question_id, due, stability, difficulty, state,"
            " step, last_review, pack_id, topic_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            card_rows,
        )
        connection.executemany(
            "INSERT INTO daily_topic_stats (learner_id, pack_id, topic_id, day, answers, correct,"
            " new, mature, mature_correct, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    learner_id,
                    pack_id,
                    topic_id,
                    day.isoformat(),
                    d.answers,
                    d.correct,
                    d.new,
                    d.mature,
                    d.mature_correct,
                    d.time_ms,
                )
                for (pack_id, topic_id, day), d in daily.items()
            ],
        )
        stats.by_table["cards+daily"] = time.perf_counter() - mark
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    stats.reviews = len(keys)
    stats.cards = len(plans)
    stats.daily_rows = len(daily)
    stats.seconds = time.perf_counter() - started
    return stats


def write_quizzes(
    path: Path,
    learner_id: int,
    questions: Sequence[QuestionInfo],
    now: datetime,
    rng: random.Random,
    count: int = QUIZZES,
) -> None:
    """Finished quizzes of 20 questions over the last 90 days."""
    now_s = int((now - EPOCH).total_seconds())
    connection = _connect(path)
    try:
        connection.execute("BEGIN")
        for _ in range(count):
            started = now_s - rng.randrange(90 * 86_400)
            chosen = rng.sample(list(questions), min(20, len(questions)))
            answers = []
            for position, info in enumerate(chosen):
                outcome = info.outcomes[int(rng.choice((Rating.Again, Rating.Good, Rating.Good)))]
                answers.append((position, info, outcome))
            score = sum(o.score for _p, _i, o in answers) / len(answers)
            cursor = connection.execute(
                "INSERT INTO quiz_attempts (learner_id, started_at, finished_at, seed, topics,"
                " question_ids, feedback, time_limit_s, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    learner_id,
                    _sql_time(started),
                    _sql_time(started + 600),
                    rng.randrange(1 << 30),
                    "[]",
                    json.dumps([info.row_id for info in chosen]),
                    "after_each",
                    None,
                    score,
                ),
            )
            attempt = cursor.lastrowid
            connection.executemany(
                "INSERT INTO quiz_answers (attempt_id, position, question_id, answered_at,"
                " correct, score, response, response_ms, pack_id, topic_id, rating)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        attempt,
                        position,
                        info.row_id,
                        _sql_time(started + 25 * position),
                        int(o.correct),
                        o.score,
                        o.response,
                        rng.randrange(2_000, 20_000),
                        info.pack_id,
                        info.topic_id,
                        o.rating,
                    )
                    for position, info, o in answers
                ],
            )
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# ------------------------------------------------------------------------------ datasets


@dataclass
class Dataset:
    """A generated installation: a data folder, never written to after it is made."""

    size: Size
    folder: Path
    learner_id: int
    now: datetime
    questions: list[QuestionInfo]  # pack order, built-in pack included
    plans: list[CardPlan]
    seen: int
    due_now: int
    reviews: int
    generate_seconds: float
    write: WriteStats
    checks: dict[str, Any]

    @property
    def database_file(self) -> Path:
        return self.folder / DATABASE_FILE

    def copy_to(self, target: Path) -> Path:
        """A fresh copy of the data folder to work on (the pristine one is never changed)."""
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        # With the record of the last proper close (times kept by copy2), as a returning
        # learner's folder has it: a file without one is checked in full at its first start.
        for name in (DATABASE_FILE, DATABASE_FILE + STATE_SUFFIX):
            if (self.folder / name).exists():
                shutil.copy2(self.folder / name, target / name)
        return target


def install_packs(
    database: Database, size: Size, now: datetime, rng: random.Random
) -> list[tuple[str, Pack]]:
    """Enough synthetic packs for ``size`` questions, and the built-in pack, in title order."""
    service = PackService(database)
    ensure_builtin_pack(service, builtin_pack_path(), now=now)
    installed: list[tuple[str, Pack]] = []
    count = max(1, size.questions // QUESTIONS_PER_PACK)
    per_pack = size.questions // count
    for k in range(count):
        data = packgen.pack_dict(
            f"bench-{k + 1:02d}",
            f"Bench pack {k + 1:02d}",
            per_pack,
            TOPICS_PER_PACK,
            rng,
            first=k * per_pack,
        )
        pack = packgen.pack_model(data)
        service.import_pack(pack, now=now)
        installed.append((pack.pack.id, pack))
    installed.append((BUILTIN_PACK_ID, service.get_pack(BUILTIN_PACK_ID)))
    return installed


def build_dataset(size: Size, folder: Path, now: datetime, seed: int = 1962) -> Dataset:
    """Generate the installation for ``size`` in ``folder``."""
    started = time.perf_counter()
    rng = random.Random(seed)
    database = open_database(folder, now=now)
    try:
        installed = install_packs(database, size, now, rng)
        learner = LearnerService(database).create("Bench learner", now=now - timedelta(days=2400))
        with database.sessions() as session:
            rows = {
                (p, q): i
                for i, p, q in session.execute(
                    select(QuestionRow.id, QuestionRow.pack_id, QuestionRow.question_id)
                )
            }
    finally:
        database.close()
    infos = [
        question_info(rows[(pack_id, q.id)], pack_id, q, rng)
        for pack_id, pack in installed
        for q in pack.questions
    ]
    seen = round(size.questions * SEEN_SHARE)
    library = Library.build(size.reviews / seen, 1500, rng)
    plans = plan_histories(infos, size.reviews, library, now, rng)
    path = folder / DATABASE_FILE
    write = write_histories(path, learner.id, plans, rng)
    write_quizzes(path, learner.id, infos, now, rng)
    due = sum(1 for plan in plans if plan.state().due <= now)
    dataset = Dataset(
        size=size,
        folder=folder,
        learner_id=learner.id,
        now=now,
        questions=infos,
        plans=plans,
        seen=len(plans),
        due_now=due,
        reviews=write.reviews,
        generate_seconds=0.0,
        write=write,
        checks={},
    )
    dataset.generate_seconds = time.perf_counter() - started
    dataset.checks = check_dataset(dataset, rng)
    # The learner's last session ended with a proper close: the app checks the file that
    # the histories were written into and records it as closed, as it would have then.
    open_database(folder, now=now).close()
    return dataset


# ------------------------------------------------------------------------------ checks


def check_dataset(dataset: Dataset, rng: random.Random, replays: int = 25) -> dict[str, Any]:
    """Cross-check the tables, and replay a sample of cards through FSRS; raise on a mismatch."""
    path = dataset.database_file
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        one = connection.execute
        reviews = one("SELECT count(*) FROM reviews").fetchone()[0]
        daily = one("SELECT sum(answers), sum(correct), sum(new) FROM daily_topic_stats").fetchone()
        correct = one("SELECT sum(correct) FROM reviews").fetchone()[0]
        firsts = one("SELECT count(*) FROM reviews WHERE previous_state IS NULL").fetchone()[0]
        cards = one("SELECT count(*) FROM card_states").fetchone()[0]
        distinct = one("SELECT count(DISTINCT question_id) FROM reviews").fetchone()[0]
        # By the learner too: card_states' key starts with the learner, and without it
        # SQLite scans every card for every question (hours at the large size).
        stale = one(
            "SELECT count(*) FROM (SELECT question_id, max(reviewed_at) AS m FROM reviews"
            " WHERE learner_id = ? GROUP BY question_id) r JOIN card_states c"
            " ON c.learner_id = ? AND c.question_id = r.question_id WHERE r.m != c.last_review",
            (dataset.learner_id, dataset.learner_id),
        ).fetchone()[0]
    finally:
        connection.close()
    problems = []
    if daily[0] != reviews or daily[1] != correct or daily[2] != firsts:
        problems.append(f"daily_topic_stats {daily} != reviews ({reviews}, {correct}, {firsts})")
    if cards != distinct or firsts != cards:
        problems.append(f"{cards} card states, {distinct} reviewed questions, {firsts} firsts")
    if stale:
        problems.append(f"{stale} card states whose last_review is not their last review")
    replayed = _replay_sample(dataset, rng, replays)
    if replayed["mismatches"]:
        problems.append(f"replay mismatches: {replayed['mismatches']}")
    if problems:
        raise AssertionError("generated data is inconsistent: " + "; ".join(problems))
    return {"reviews": reviews, "card_states": cards, "replayed_cards": replayed["cards"]}


def _replay_sample(dataset: Dataset, rng: random.Random, count: int) -> dict[str, Any]:
    """Read cards back through the app's models and replay their reviews through FSRS."""
    database = open_database(dataset.folder, now=dataset.now)
    mismatches: list[tuple[Any, ...]] = []
    sample = rng.sample(dataset.plans, min(count, len(dataset.plans)))
    try:
        with database.sessions() as session:
            for plan in sample:
                qid = plan.question.row_id
                card = session.get(CardStateRow, (dataset.learner_id, qid))
                reviews = session.scalars(
                    select(ReviewRow)
                    .where(ReviewRow.learner_id == dataset.learner_id, ReviewRow.question_id == qid)
                    .order_by(ReviewRow.reviewed_at)
                ).all()
                expected: CardState | None = None
                for index, review in enumerate(reviews):
                    stored = (
                        CardState.from_json(review.previous_state)
                        if review.previous_state
                        else None
                    )
                    if (index == 0) != (stored is None) or (
                        stored is not None and _essentials(stored) != _essentials(expected)
                    ):
                        mismatches.append((qid, "previous_state", review.id))
                        break
                    # The stored previous state, not the replayed one: the interval fuzz came
                    # from another random generator, so only the due dates may differ.
                    expected = next_state(
                        stored,
                        Rating(review.rating),
                        now=review.reviewed_at,
                        desired_retention=DESIRED_RETENTION,
                        rng=random.Random(0),
                    )
                if card is None or expected is None:
                    mismatches.append((qid, "missing", None))
                    continue
                row_state = (
                    card.stability,
                    card.difficulty,
                    State(card.state),
                    card.step,
                    card.last_review,
                )
                if row_state != _essentials(expected):
                    mismatches.append((qid, "final", row_state, _essentials(expected)))
            total = session.scalar(select(func.count()).select_from(ReviewRow))
    finally:
        database.close()
    return {"cards": len(sample), "mismatches": mismatches[:5], "reviews": total}


def _essentials(state: CardState | None) -> tuple[Any, ...] | None:
    if state is None:
        return None
    return (state.stability, state.difficulty, state.state, state.step, state.last_review)
