"""The same workloads through Anki's own library (``pip install anki``), when it is installed.

The Anki twin of a dataset is a collection in the same temporary folder with one
Basic note per question (front: the question as shown, back: its answer), every
card in the FSRS state crisisquiz has for it, and every review in the revision
log. FSRS is switched on, with the same desired retention, the same new-card
limit, no review limit and reviews in ascending retrievability, as crisisquiz
orders them. Anki reads the wall clock, so the twin is built at the benchmark's
"now" (the wall clock when the run started).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crisisquiz.core.grading import correct_answer_text
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.scheduling import CardState, State, scheduler_for
from tests.bench import packs as packgen
from tests.bench import synth
from tests.bench.workloads import SESSION_ANSWERS, percentile, summarise_runs

COLLECTION = "collection.anki2"
DECK = "Bench"


def unavailable() -> str | None:
    """None when Anki's library can be used here, else exactly why not."""
    try:
        from anki.buildinfo import version
        from anki.collection import Collection
    except Exception as exc:  # ImportError, or a missing shared library inside the wheel
        return f"anki is not importable ({type(exc).__name__}: {exc}); pip install anki"
    try:
        scratch = Path(tempfile.mkdtemp(prefix="anki-probe-"))
        try:
            col = Collection(str(scratch / COLLECTION))
            col.close()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    except Exception as exc:
        return f"anki {version} is installed but cannot open a collection: {exc}"
    return None


def anki_version() -> str | None:
    try:
        from anki.buildinfo import version
    except Exception:
        return None
    return str(version)


def _configure(col: Any, deck_id: int) -> None:
    from anki.deck_config_pb2 import DeckConfig

    col.set_config("fsrs", True)
    config = col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = 15  # crisisquiz's default new questions per day
    config["rev"]["perDay"] = 9_999  # the most Anki accepts
    config["desiredRetention"] = synth.DESIRED_RETENTION
    config["reviewOrder"] = DeckConfig.Config.REVIEW_CARD_ORDER_RETRIEVABILITY_ASCENDING
    col.decks.save(config)
    col.decks.select(deck_id)


@dataclass
class AnkiTwin:
    """A collection equal to a crisisquiz dataset, never written to after it is made."""

    path: Path
    deck_id: int
    cards: int
    reviews: int
    due_now: int
    build_seconds: float

    def copy_to(self, target: Path) -> Path:
        """A fresh copy of the collection to work on."""
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copy2(self.path, target / COLLECTION)
        return target / COLLECTION


def build_twin(dataset: synth.Dataset, folder: Path) -> AnkiTwin:
    """Build the Anki collection equal to ``dataset`` in ``folder``."""
    from anki.collection import AddNoteRequest, Collection

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / COLLECTION
    col: Any = Collection(str(path))
    try:
        deck_id = col.decks.id(DECK)
        _configure(col, deck_id)
        basic = col.models.by_name("Basic")
        requests = []
        for info in dataset.questions:
            note = col.new_note(basic)
            note["Front"] = info.front
            note["Back"] = info.back
            requests.append(AddNoteRequest(note=note, deck_id=deck_id))
        col.add_notes(requests)
        card_of_note = dict(col.db.all("SELECT nid, id FROM cards"))
        card_ids = [card_of_note[request.note.id] for request in requests]
        today = int(col.sched.today)
    finally:
        col.close()
    position = {info.row_id: n for n, info in enumerate(dataset.questions)}
    reviews = _write_states(path, dataset, card_ids, position, today)
    col = Collection(str(path))
    try:
        col.decks.select(deck_id)
        due_now = int(col.sched.counts()[2])
    finally:
        col.close()
    return AnkiTwin(
        path, int(deck_id), len(card_ids), reviews, due_now, time.perf_counter() - started
    )


def _anki_day(moment: datetime) -> int:
    """Days since the epoch in Anki's terms: the day rolls over at 4:00 (UTC here)."""
    return (moment.astimezone(UTC) - timedelta(hours=synth.ROLLOVER_HOUR)).toordinal()


def _interval(state: CardState, at: datetime) -> int:
    """A revlog interval: days for review cards, minus seconds for learning steps."""
    if state.state is State.Review:
        return max(1, int((state.due - at).days))
    return -max(60, int((state.due - at).total_seconds()))


def _write_states(
    path: Path,
    dataset: synth.Dataset,
    card_ids: list[int],
    position: dict[int, int],
    today: int,
) -> int:
    """Put each studied card in its FSRS state and write its reviews to the revlog."""
    offset = datetime.now(UTC) - dataset.now  # Anki's clock has moved on since generation
    now_day = _anki_day(dataset.now)
    decay = round(float(scheduler_for(synth.DESIRED_RETENTION).parameters[20]), 4)
    cards = []
    revlog = []
    for plan in dataset.plans:
        cid = card_ids[position[plan.question.row_id]]
        state = plan.state()
        last = state.last_review
        assert last is not None and state.stability is not None
        if state.state is State.Review:
            kind, queue, due = 2, 2, today + _anki_day(state.due) - now_day
        else:
            kind = 1 if state.state is State.Learning else 3
            queue, due = 1, int((state.due + offset).timestamp())
        lapses = 0
        for i in range(plan.length):
            step = plan.steps[i]
            at = synth.EPOCH + timedelta(seconds=step.at + plan.shift)
            previous = synth.moved(step.previous, plan.shift) if step.previous else None
            after = synth.moved(step.state, plan.shift)
            if previous is not None and previous.state is State.Review and step.rating == 1:
                lapses += 1
            revlog_type = (
                0
                if previous is None or previous.state is State.Learning
                else 1
                if previous.state is State.Review
                else 2
            )
            revlog.append(
                (
                    int((at + offset).timestamp()) * 1000,
                    cid,
                    step.rating,
                    _interval(after, at),
                    _interval(previous, at) if previous else 0,
                    2500 if revlog_type else 0,
                    revlog_type,
                )
            )
        data = {
            "pos": position[plan.question.row_id] + 1,
            "s": round(state.stability, 4),
            "d": round(state.difficulty or 5.0, 3),
            "dr": synth.DESIRED_RETENTION,
            "decay": decay,
            "lrt": int((last + offset).timestamp()),
        }
        ivl = max(1, (state.due - last).days) if kind == 2 else 0
        cards.append(
            (
                kind,
                queue,
                due,
                ivl,
                plan.length,
                lapses,
                json.dumps(data, separators=(",", ":")),
                cid,
            )
        )
    revlog.sort()
    used: set[int] = set()
    rows = []
    rng = random.Random(3)
    for stamp, cid, ease, ivl, last_ivl, factor, revlog_type in revlog:
        while stamp in used:  # revlog ids are milliseconds and must be unique
            stamp += 1
        used.add(stamp)
        rows.append(
            (stamp, cid, -1, ease, ivl, last_ivl, factor, rng.randrange(1_500, 25_000), revlog_type)
        )
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        connection.executemany(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = 2500, reps = ?,"
            " lapses = ?, left = 0, data = ?, usn = -1 WHERE id = ?",
            cards,
        )
        connection.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return len(rows)


# ------------------------------------------------------------------------------ 2. study loop


def study_loop(twin: AnkiTwin, work: Path, repeats: int, tag: str) -> dict[str, Any]:
    """Workload 2 through Anki: fetch the next card (and render it), answer it, commit."""
    from anki.cards import Card
    from anki.collection import Collection
    from anki.scheduler_pb2 import CardAnswer

    ratings = {"right": CardAnswer.GOOD, "slip": CardAnswer.HARD, "wrong": CardAnswer.AGAIN}
    runs = []
    for repeat in range(repeats):
        path = twin.copy_to(work / f"anki-study-{tag}-{repeat}")
        col: Any = Collection(str(path))
        try:
            col.decks.select(twin.deck_id)
            outcomes = random.Random(100 + repeat)
            mark = time.perf_counter()
            col.sched.get_queued_cards(fetch_limit=1)  # builds the queues: the session start
            start = time.perf_counter() - mark
            total: list[float] = []
            choose: list[float] = []
            answer: list[float] = []
            cpu: list[float] = []
            for _ in range(SESSION_ANSWERS):
                c0, t0 = time.process_time(), time.perf_counter()
                queued = col.sched.get_queued_cards(fetch_limit=1)
                if not queued.cards:
                    break
                top = queued.cards[0]
                card = Card(col, backend_card=top.card)
                card.start_timer()
                card.question()  # what the reviewer shows
                c1, t1 = time.process_time(), time.perf_counter()
                rating = ratings[packgen.outcome_for(outcomes)]
                c2, t2 = time.process_time(), time.perf_counter()
                col.sched.answer_card(
                    col.sched.build_answer(card=card, states=top.states, rating=rating)
                )
                c3, t3 = time.process_time(), time.perf_counter()
                choose.append(t1 - t0)
                answer.append(t3 - t2)
                total.append(t1 - t0 + t3 - t2)
                cpu.append(c1 - c0 + c3 - c2)
        finally:
            col.close()
            shutil.rmtree(path.parent, ignore_errors=True)
        ms = [t * 1000 for t in total]
        runs.append(
            {
                "answers": len(ms),
                "p50_ms": percentile(ms, 0.5),
                "p99_ms": percentile(ms, 0.99),
                "mean_ms": statistics.fmean(ms) if ms else float("nan"),
                "max_ms": max(ms, default=float("nan")),
                "cpu_p50_ms": percentile([t * 1000 for t in cpu], 0.5),
                "choose_p50_ms": percentile([t * 1000 for t in choose], 0.5),
                "answer_p50_ms": percentile([t * 1000 for t in answer], 0.5),
                "session_start_ms": start * 1000,
            }
        )
    return summarise_runs(runs)


# ------------------------------------------------------------------------------ 3. import


def write_notes_file(pack_file: Path, target: Path) -> int:
    """The import pack's questions as a tab-separated notes file (front, back) for Anki."""
    pack = load_pack(pack_file)
    with target.open("w", encoding="utf-8") as out:
        for question in pack.questions:
            front = question.display_prompt.replace("\t", " ").replace("\n", "<br>")
            back = correct_answer_text(question).replace("\t", " ").replace("\n", "<br>")
            out.write(f"{front}\t{back}\n")
    return len(pack.questions)


def import_workload(notes_file: Path, count: int, work: Path, repeats: int) -> dict[str, Any]:
    """Workload 3 through Anki: the notes file into a new collection, by the CSV importer.

    Also times building the same notes in Python and adding them with ``add_notes``.
    """
    from anki.collection import AddNoteRequest, Collection, ImportCsvRequest

    rows = [line.rstrip("\n").split("\t") for line in notes_file.read_text("utf-8").splitlines()]
    runs = []
    for repeat in range(repeats):
        folder = work / f"anki-import-{repeat}"
        folder.mkdir(parents=True, exist_ok=True)
        col: Any = Collection(str(folder / COLLECTION))
        try:
            deck_id = col.decks.id(DECK)
            c0, t0 = time.process_time(), time.perf_counter()
            metadata = col.get_csv_metadata(str(notes_file), None)
            metadata.deck_id = deck_id
            log = col.import_csv(ImportCsvRequest(path=str(notes_file), metadata=metadata))
            c1, t1 = time.process_time(), time.perf_counter()
            imported = len(log.log.new)
        finally:
            col.close()
        col = Collection(str(folder / "add-notes.anki2"))
        try:
            deck_id = col.decks.id(DECK)
            basic = col.models.by_name("Basic")
            t2 = time.perf_counter()
            requests = []
            for front, back in rows:
                note = col.new_note(basic)
                note["Front"] = front
                note["Back"] = back
                requests.append(AddNoteRequest(note=note, deck_id=deck_id))
            col.add_notes(requests)
            t3 = time.perf_counter()
        finally:
            col.close()
            shutil.rmtree(folder, ignore_errors=True)
        if imported != count:
            raise AssertionError(f"Anki imported {imported} notes, not {count}")
        runs.append(
            {
                "questions_per_s": count / (t1 - t0),
                "seconds": t1 - t0,
                "cpu_questions_per_s": count / max(c1 - c0, 1e-9),
                "add_notes_per_s": count / (t3 - t2),
            }
        )
    return summarise_runs(runs)
