"""The crisisquiz side of each workload; each returns plain numbers for the report."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crisisquiz.core.learners import LearnerService
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.core.packs import PackService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import DATABASE_FILE, open_database
from tests.bench import packs as packgen
from tests.bench import synth

HERE = Path(__file__).resolve().parent
IMPORT_QUESTIONS = 10_000
CLASS_LEARNERS = 30
CLASS_QUESTIONS = 200
SESSION_ANSWERS = 1_000


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0..1) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    """The median, NaN for nothing."""
    return statistics.median(values) if values else float("nan")


def summarise_runs(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The median over repeats of every numeric figure, and the repeats themselves."""
    keys = [k for k, v in runs[0].items() if isinstance(v, int | float)] if runs else []
    summary: dict[str, Any] = {k: median([run[k] for run in runs]) for k in keys}
    summary["repeats"] = len(runs)
    summary["runs"] = list(runs)
    return summary


# ------------------------------------------------------------------------------ 2. study loop


@dataclass(frozen=True)
class AnswerTimes:
    """Per-answer times of one session, in seconds."""

    total: list[float]
    choose: list[float]
    answer: list[float]
    start: float
    cpu: list[float]  # process CPU time of each answer: what other work on the machine skews less

    def figures(self) -> dict[str, Any]:
        ms = [t * 1000 for t in self.total]
        return {
            "answers": len(ms),
            "p50_ms": percentile(ms, 0.5),
            "p99_ms": percentile(ms, 0.99),
            "mean_ms": statistics.fmean(ms) if ms else float("nan"),
            "max_ms": max(ms, default=float("nan")),
            "cpu_p50_ms": percentile([t * 1000 for t in self.cpu], 0.5),
            "choose_p50_ms": percentile([t * 1000 for t in self.choose], 0.5),
            "answer_p50_ms": percentile([t * 1000 for t in self.answer], 0.5),
            "session_start_ms": self.start * 1000,
        }


def run_study_session(
    folder: Path, learner_id: int, now: datetime, seed: int, answers: int = SESSION_ANSWERS
) -> AnswerTimes:
    """Answer up to ``answers`` questions as a learner would, timing each answer.

    An answer's time is choosing the next item plus grading, scheduling and committing
    it; making up the learner's response in between is not counted.
    """
    database = open_database(folder, now=now)
    outcomes = random.Random(seed)  # right, slip or wrong: the same draws as on Anki's side
    learner_rng = random.Random(seed + 2)  # which wrong choice, how long it took
    try:
        service = StudyService(database, tz=UTC, rng=random.Random(seed + 1))
        mark = time.perf_counter()
        session = service.start(learner_id, now=now)
        start = time.perf_counter() - mark
        total: list[float] = []
        choose: list[float] = []
        answer: list[float] = []
        cpu: list[float] = []
        for _ in range(answers):
            c0, t0 = time.process_time(), time.perf_counter()
            item = session.next_item(now)
            c1, t1 = time.process_time(), time.perf_counter()
            if item is None:
                break
            response = packgen.respond(item.question, packgen.outcome_for(outcomes), learner_rng)
            response_ms = learner_rng.randrange(2_000, 20_000)
            c2, t2 = time.process_time(), time.perf_counter()
            session.answer(item, response, now=now, response_ms=response_ms)
            c3, t3 = time.process_time(), time.perf_counter()
            choose.append(t1 - t0)
            answer.append(t3 - t2)
            total.append(t1 - t0 + t3 - t2)
            cpu.append(c1 - c0 + c3 - c2)
            # What the app does while the learner reads the feedback (the terminal before
            # reading the next line, the window on its timer): the log checkpoint. Not
            # timed: the learner is reading.
            database.idle()
            now += timedelta(milliseconds=response_ms + 1_500)
    finally:
        database.close()
    return AnswerTimes(total, choose, answer, start, cpu)


def study_loop(dataset: synth.Dataset, work: Path, repeats: int) -> dict[str, Any]:
    """Workload 2 on crisisquiz: the median over repeats, each on a fresh copy of the data."""
    runs = []
    for repeat in range(repeats):
        folder = dataset.copy_to(work / f"study-{dataset.size.name}-{repeat}")
        try:
            times = run_study_session(folder, dataset.learner_id, dataset.now, seed=100 + repeat)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        runs.append(times.figures())
    return summarise_runs(runs)


# ------------------------------------------------------------------------------ 3. import


def import_pack_text(seed: int = 7) -> str:
    """The 10,000-question pack of the import workload, as TOML."""
    data = packgen.pack_dict(
        "bench-import", "Bench import pack", IMPORT_QUESTIONS, 20, random.Random(seed)
    )
    return packgen.pack_toml(data)


def import_workload(pack_file: Path, work: Path, repeats: int, now: datetime) -> dict[str, Any]:
    """Workload 3 on crisisquiz: read and validate the pack file, then import it."""
    runs = []
    for repeat in range(repeats):
        folder = work / f"import-{repeat}"
        database = open_database(folder, now=now)
        try:
            c0, t0 = time.process_time(), time.perf_counter()
            pack = load_pack(pack_file)
            t1 = time.perf_counter()
            result = PackService(database).import_pack(pack, now=now)
            c2, t2 = time.process_time(), time.perf_counter()
        finally:
            database.close()
            shutil.rmtree(folder, ignore_errors=True)
        if result.added != IMPORT_QUESTIONS:
            raise AssertionError(f"imported {result.added} questions, not {IMPORT_QUESTIONS}")
        runs.append(
            {
                "questions_per_s": IMPORT_QUESTIONS / (t2 - t0),
                "seconds": t2 - t0,
                "cpu_questions_per_s": IMPORT_QUESTIONS / max(c2 - c0, 1e-9),
                "parse_s": t1 - t0,
                "store_s": t2 - t1,
            }
        )
    return summarise_runs(runs)


# ------------------------------------------------------------------------------ 4. scores


def scores_available() -> bool:
    """Whether the statistics service exists yet."""
    return importlib.util.find_spec("crisisquiz.core.stats") is not None


def scores_workload(dataset: synth.Dataset, work: Path, repeats: int) -> dict[str, Any]:
    """Workload 4: per-topic figures of the learner, from a new service each time (and again)."""
    from crisisquiz.core.stats import StatsService

    folder = dataset.copy_to(work / f"scores-{dataset.size.name}")
    database = open_database(folder, now=dataset.now)
    runs = []
    try:
        for _ in range(repeats):
            service = StatsService(database)
            c0, t0 = time.process_time(), time.perf_counter()
            stats = service.learner_topic_stats(dataset.learner_id, now=dataset.now, tz=UTC)
            c1, t1 = time.process_time(), time.perf_counter()
            service.learner_topic_stats(dataset.learner_id, now=dataset.now, tz=UTC)
            t2 = time.perf_counter()
            if stats.overall.answers != dataset.reviews:
                raise AssertionError(
                    f"stats count {stats.overall.answers} answers, the data has {dataset.reviews}"
                )
            runs.append(
                {
                    "ms": (t1 - t0) * 1000,
                    "cpu_ms": (c1 - c0) * 1000,
                    "again_ms": (t2 - t1) * 1000,
                    "topics": len(stats.topics),
                }
            )
    finally:
        database.close()
        shutil.rmtree(folder, ignore_errors=True)
    return summarise_runs(runs)


# ------------------------------------------------------------------------------ 5. class report


def class_report_available() -> str | None:
    """None when results files and class reports can be built, else why not."""
    for module in ("crisisquiz.core.results", "crisisquiz.core.class_report"):
        if importlib.util.find_spec(module) is None:
            return f"{module} does not exist"
    return None


def build_class_files(work: Path, now: datetime, seed: int = 30) -> list[Path]:
    """30 learners' results files over one 200-question pack, each learner as able as drawn."""
    from crisisquiz.core.results import export_results, write_results

    rng = random.Random(seed)
    folder = work / "class-db"
    database = open_database(folder, now=now)
    try:
        data = packgen.pack_dict("class-pack", "Class pack", CLASS_QUESTIONS, 8, rng)
        pack = packgen.pack_model(data)
        PackService(database).import_pack(pack, now=now)
        from sqlalchemy import select

        from crisisquiz.storage.models import QuestionRow

        with database.sessions() as session:
            rows = dict(session.execute(select(QuestionRow.question_id, QuestionRow.id)).all())
        infos = [synth.question_info(rows[q.id], "class-pack", q, rng) for q in pack.questions]
        learners = LearnerService(database)
        ids = [
            learners.create(f"Learner {n + 1:02d}", now=now - timedelta(days=200)).id
            for n in range(CLASS_LEARNERS)
        ]
    finally:
        database.close()
    path = folder / DATABASE_FILE
    for learner_id in ids:
        # Abler learners forget less and so answer fewer times, and right more often.
        library = synth.Library.build(3.0, 60, rng, forgetting=rng.uniform(0.7, 4.0))
        plans = synth.plan_histories(infos, 3 * CLASS_QUESTIONS, library, now, rng)
        synth.write_histories(path, learner_id, plans, rng)
        synth.write_quizzes(path, learner_id, infos, now, rng, count=3)
    files = []
    database = open_database(folder, now=now)
    try:
        for learner_id in ids:
            exported = export_results(
                database, learner_id, now=now, file_id=uuid.UUID(int=rng.getrandbits(128))
            )
            target = work / "class-files" / f"learner-{learner_id:02d}.json"
            write_results(exported, target)
            files.append(target)
    finally:
        database.close()
    return files


def class_report_workload(work: Path, repeats: int, now: datetime) -> dict[str, Any]:
    """Workload 5: read 30 results files, checked whole, and build the class report.

    As the teacher's command does, answers are also graded against the pack as
    installed on the teacher's computer (here the computer that wrote the files).
    """
    from crisisquiz.core.class_report import build_class_report
    from crisisquiz.core.class_sources import installed_texts
    from crisisquiz.core.results import load_results

    t0 = time.perf_counter()
    paths = build_class_files(work, now)
    prepare = time.perf_counter() - t0
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        database = open_database(work / "class-db", now=now)
        try:
            installed = installed_texts(database)
        finally:
            database.close()
        files = [load_results(p, installed=installed) for p in paths]
        t1 = time.perf_counter()
        report = build_class_report(files, now=now)
        t2 = time.perf_counter()
        runs.append(
            {
                "ms": (t2 - t0) * 1000,
                "read_ms": (t1 - t0) * 1000,
                "build_ms": (t2 - t1) * 1000,
                "learners": len(report.learners),
                "questions": len(report.questions),
            }
        )
    summary = summarise_runs(runs)
    summary["prepare_s"] = prepare
    summary["answers_in_files"] = sum(len(json.loads(p.read_text())["answers"]) for p in paths)
    return summary


# ------------------------------------------------------------------------------ subprocesses


def child_env(pycache: Path) -> dict[str, str]:
    """The environment of probe processes: offscreen Qt, this checkout, cached bytecode.

    Bytecode is written to and read from ``pycache`` (``PYTHONPYCACHEPREFIX``) even when
    ``PYTHONDONTWRITEBYTECODE`` is set here: an installed app starts from compiled
    modules, and the checkout stays free of ``__pycache__`` folders.
    """
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    root = str(HERE.parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_probe(
    script: str, args: Sequence[str], pycache: Path, *, timeout: float = 180.0
) -> tuple[float, Any]:
    """Start ``script`` in a new Python and wait for the one JSON line it prints.

    Returns the seconds from just before the process was started to the moment the
    line arrived, and the line's content. The probes report their own peak memory.
    """
    command = [sys.executable, str(HERE / script), *args]
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(pycache),
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    arrived = time.perf_counter()
    try:
        _out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        _out, err = child.communicate()
    if not line.strip():
        raise RuntimeError(f"{script} printed nothing (exit {child.returncode}):\n{err[-3000:]}")
    return arrived - started, json.loads(line)


# ------------------------------------------------------------------------------ 6. memory


def memory_workload(dataset: synth.Dataset, work: Path, repeats: int) -> dict[str, Any]:
    """Workload 6: peak resident memory of a process studying on the bank."""
    runs = []
    for repeat in range(repeats):
        folder = dataset.copy_to(work / f"memory-{dataset.size.name}-{repeat}")
        try:
            _elapsed, data = run_probe(
                "probe_memory.py",
                [str(folder), str(dataset.learner_id), dataset.now.isoformat(), "50"],
                work / "pycache",
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        runs.append(data)
    return summarise_runs(runs)


# ------------------------------------------------------------------------------ 1. cold start


def gui_available() -> str | None:
    """None when the GUI pieces the cold-start probe opens exist, else why not."""
    for module in (
        "PySide6.QtWidgets",
        "crisisquiz.gui.main_window",
        "crisisquiz.gui.study_screen",
    ):
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            found = None
        if found is None:
            return f"GUI not available ({module} does not exist)"
    return None


def cold_start_workload(
    dataset: synth.Dataset, work: Path, repeats: int, floor: Callable[[], float]
) -> dict[str, Any]:
    """Workload 1: process start to the first question painted, against the bare window."""
    runs = []
    for repeat in range(-1, repeats):  # the first run only fills the bytecode cache
        folder = dataset.copy_to(work / f"cold-{dataset.size.name}-{repeat}")
        try:
            elapsed, data = run_probe(
                "probe_gui.py", [str(folder), str(dataset.learner_id)], work / "pycache"
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if not data.get("ok"):
            raise RuntimeError(f"the GUI probe failed: {data.get('error')}")
        if repeat < 0:
            continue
        runs.append(
            {
                "seconds": elapsed,
                "in_process_s": data["ready_s"],
                "peak_rss_mb": data["maxrss_kib"] / 1024,
                **{f"phase_{k}": v for k, v in data.get("phases", {}).items()},
            }
        )
    summary = summarise_runs(runs)
    summary["phases"] = {
        k.removeprefix("phase_"): v for k, v in summary.items() if k.startswith("phase_")
    }
    summary["floor_seconds"] = floor()
    summary["ratio"] = summary["seconds"] / summary["floor_seconds"]
    return summary


def floor_workload(repeats: int, work: Path) -> dict[str, Any]:
    """The floor of workload 1: a bare PySide6 window with one label, painted."""
    runs = []
    for repeat in range(-1, repeats):  # the first run only fills the bytecode cache
        elapsed, data = run_probe("probe_floor.py", [], work / "pycache")
        if repeat < 0:
            continue
        runs.append({"seconds": elapsed, "peak_rss_mb": data["maxrss_kib"] / 1024})
    return summarise_runs(runs)


def now_utc() -> datetime:
    """The wall clock, whole seconds (the benchmark's "now": Anki and the GUI read it too)."""
    return datetime.now(UTC).replace(microsecond=0)


# ------------------------------------------------------------------ 3b. import from other apps


def interop_import_workload(
    source: Path, expected: int, work: Path, repeats: int, now: datetime
) -> dict[str, Any]:
    """A file from another app (CSV, GIFT, .apkg) read, converted and imported by crisisquiz."""
    from crisisquiz.interop.registry import read_pack

    runs = []
    for repeat in range(repeats):
        folder = work / f"interop-{repeat}"
        database = open_database(folder, now=now)
        try:
            c0, t0 = time.process_time(), time.perf_counter()
            converted = read_pack(source)
            t1 = time.perf_counter()
            result = PackService(database).import_pack(converted.pack, now=now)
            c2, t2 = time.process_time(), time.perf_counter()
        finally:
            database.close()
            shutil.rmtree(folder, ignore_errors=True)
        if result.added != expected:
            raise AssertionError(f"imported {result.added} questions, not {expected}")
        runs.append(
            {
                "questions_per_s": expected / (t2 - t0),
                "seconds": t2 - t0,
                "cpu_questions_per_s": expected / max(c2 - c0, 1e-9),
                "parse_s": t1 - t0,
                "store_s": t2 - t1,
            }
        )
    return summarise_runs(runs)
