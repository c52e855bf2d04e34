"""A school server under load: ``python -m tests.bench.server_bench`` (also part of ``make bench``).

One PostgreSQL server on this machine (started in a temporary folder, durable settings:
fsync and synchronous commit on), set up with the app's own ``server init`` code:

1. **Load**: 200 pupils, each signed in with their own role and connection, study the
   built-in pack through the app's own study sessions, answering as fast as they can
   for 60 seconds (no time to think). Answers per second, p50 and p99 per answer
   (choosing the next question, grading, scheduling and the committed transaction),
   errors, and afterwards the reviews stored for each pupil compared with the answers
   the app acknowledged: none lost, none doubled.
2. **A lab at work**: the same 200 pupils, each thinking 5 seconds between answers
   (a real pupil reads the question and the feedback: 10-20 s), for 60 seconds: the
   latency a pupil feels.
3. **One pupil**: the single-pupil study loop, 1,000 answers, on PostgreSQL and on a
   SQLite file side by side.
4. **Class report**: a teacher signed in reads the class report of their 30 pupils
   live from the server (each pupil's results built from the database, then the report).

The pupils run in several processes (one thread and one connection per pupil), so the
clients' Python is not held to one core; clients and server share this machine's cores,
as the figures say.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.bench import machine
from tests.bench import packs as packgen

PUPILS = 200
SECONDS = 60.0
CLASS_SIZE = 30
PROCESSES = 8
THINK_SECONDS = 5.0
SINGLE_ANSWERS = 1000
PASSWORD = "bench-pupil-password"
ADMIN = "bench_admin"
DATABASE = "bench_school"
CLASS = "Bench class"
TEACHER = "bench_teacher"
# Targets on this 2-core machine, server and pupils sharing it.
P50_MS = 10.0
P99_MS = 100.0
# Durable, as a school's server runs; only the connection limit and memory are raised.
SERVER_SETTINGS = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "max_connections": str(PUPILS + 50),  # one connection per pupil, and room
    "shared_buffers": "256MB",
}


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class PupilResult:
    """What one simulated pupil did."""

    role: str
    acknowledged: int = 0
    errors: list[str] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)  # choose + answer
    store_ms: list[float] = field(default_factory=list)  # the answer: grade, schedule, commit


def _pupil_loop(
    url: str, role: str, ready: Any, seconds: float, think: float, seed: int
) -> PupilResult:
    """One pupil: sign in, study until the time is up, answering every question shown."""
    from crisisquiz.core.learners import LearnerService
    from crisisquiz.core.study import StudyService
    from crisisquiz.storage.server import open_server_database

    result = PupilResult(role)
    rng = random.Random(seed)
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC) + timedelta(minutes=seed)
    try:
        database = open_server_database(url, now=now, migrate=False)
    except BaseException:
        ready.wait()  # the others start without this pupil; the error is counted
        raise
    try:
        try:
            learner = LearnerService(database).list()[0]
            service = StudyService(database, tz=UTC, rng=random.Random(seed))
            session = service.start(learner.id, now=now)
        finally:
            # Everyone starts together once every pupil is signed in, however long that
            # takes on a busy machine, so the run is the given seconds of all of them.
            ready.wait()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                item = session.next_item(now)
                if item is None:  # the day's questions are done: the next day
                    now += timedelta(days=1)
                    session = service.start(learner.id, now=now)
                    continue
                try:
                    response = packgen.respond(item.question, packgen.outcome_for(rng), rng)
                except Exception:
                    response = "?"  # a question kind the generator does not answer: wrong
                t1 = time.perf_counter()
                session.answer(
                    item,
                    response,
                    now=now,
                    response_ms=rng.randrange(2_000, 20_000),
                    answer_key=uuid.uuid4().hex,
                )
                t2 = time.perf_counter()
            except Exception as error:  # counted, never hidden
                result.errors.append(f"{type(error).__name__}: {error}")
                continue
            result.acknowledged += 1
            result.total_ms.append((t2 - t0) * 1000)
            result.store_ms.append((t2 - t1) * 1000)
            now += timedelta(seconds=10)
            if think:
                time.sleep(think)
    finally:
        database.close()
    return result


def _worker(
    urls: list[tuple[str, str]],
    ready: Any,
    seconds: float,
    think: float,
    seed: int,
    out: Any,
) -> None:
    """A client process: one thread per pupil; the results go back on ``out``."""
    results: list[PupilResult] = []
    lock = threading.Lock()

    def run(index: int, url: str, role: str) -> None:
        try:
            outcome = _pupil_loop(url, role, ready, seconds, think, seed + index)
        except Exception:
            outcome = PupilResult(role, errors=[traceback.format_exc(limit=3)])
        with lock:
            results.append(outcome)

    threads = [
        threading.Thread(target=run, args=(i, url, role), daemon=True)
        for i, (url, role) in enumerate(urls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put([asdict(r) for r in results])


def run_pupils(
    server: Any, roles: list[str], seconds: float, think: float, processes: int
) -> list[PupilResult]:
    """Every pupil at once, in ``processes`` client processes, for ``seconds``."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    ready = context.Barrier(len(roles), timeout=600)
    chunks = [roles[i::processes] for i in range(processes)]
    workers = []
    for number, chunk in enumerate(chunks):
        urls = [(server.url(DATABASE, role, PASSWORD), role) for role in chunk]
        process = context.Process(
            target=_worker, args=(urls, ready, seconds, think, 1000 * number, out)
        )
        process.start()
        workers.append(process)
    results: list[PupilResult] = []
    for _ in workers:
        results += [PupilResult(**r) for r in out.get(timeout=seconds + 600)]
    for process in workers:
        process.join()
    return results


def stored_reviews(server: Any) -> dict[str, int]:
    """Reviews stored per pupil role, read as the administrator."""
    import psycopg

    with psycopg.connect(server.dsn(DATABASE, ADMIN, PASSWORD)) as admin:
        rows = admin.execute(
            "SELECT a.role_name, count(r.id) FROM server_accounts a "
            "LEFT JOIN reviews r ON r.learner_id = a.learner_id GROUP BY a.role_name"
        ).fetchall()
    return {str(role): int(n) for role, n in rows}


def summarise(
    results: list[PupilResult], seconds: float, before: dict[str, int], after: dict[str, int]
) -> dict[str, Any]:
    total = [t for r in results for t in r.total_ms]
    store = [t for r in results for t in r.store_ms]
    acknowledged = sum(r.acknowledged for r in results)
    lost = doubled = 0
    for r in results:
        stored = after.get(r.role, 0) - before.get(r.role, 0)
        lost += max(0, r.acknowledged - stored)
        doubled += max(0, stored - r.acknowledged)
    errors = [e for r in results for e in r.errors]
    return {
        "pupils": len(results),
        "seconds": seconds,
        "acknowledged": acknowledged,
        "stored": sum(after.get(r.role, 0) - before.get(r.role, 0) for r in results),
        "lost": lost,
        "doubled": doubled,
        "answers_per_s": acknowledged / seconds,
        "p50_ms": percentile(total, 0.5),
        "p99_ms": percentile(total, 0.99),
        "store_p50_ms": percentile(store, 0.5),
        "store_p99_ms": percentile(store, 0.99),
        "mean_ms": statistics.fmean(total) if total else float("nan"),
        "errors": len(errors),
        "error_kinds": sorted({e.split(":")[0] for e in errors}),
        "first_errors": errors[:3],
        "per_pupil_min": min((r.acknowledged for r in results), default=0),
        "per_pupil_max": max((r.acknowledged for r in results), default=0),
    }


def set_up_school(server: Any, pupils: int, class_size: int, work: Path) -> list[str]:
    """The school: schema and pack by the app's own set-up, then the accounts."""
    import psycopg

    from crisisquiz.core.app_context import AppContext
    from crisisquiz.core.school import SchoolService
    from crisisquiz.storage.school import Kind

    with psycopg.connect(server.dsn(), autocommit=True) as superuser:
        superuser.execute(f"CREATE ROLE {ADMIN} LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
        superuser.execute(f"CREATE DATABASE {DATABASE} OWNER {ADMIN}")
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    ctx = AppContext(
        work / "admin", clock=lambda: now, database_url=server.url(DATABASE, ADMIN, PASSWORD)
    )
    try:
        school = SchoolService(ctx.database)
        school.init()
        roles = []
        for number in range(pupils):
            role = f"pupil_{number:03d}"
            school.add(
                Kind.PUPIL,
                f"Pupil {number:03d}",
                now=now,
                role=role,
                password=PASSWORD,
                classes=[CLASS] if number < class_size else [],
            )
            roles.append(role)
        school.add(
            Kind.TEACHER, "Bench Teacher", now=now, role=TEACHER, password=PASSWORD, classes=[CLASS]
        )
        with ctx.database.engine.begin() as connection:
            from sqlalchemy import text

            # Enough new questions a day that no pupil runs dry in a minute.
            connection.execute(text("UPDATE learners SET new_per_day = 500"))
    finally:
        ctx.close()
    return roles


def class_report(server: Any, repeats: int = 3) -> dict[str, Any]:
    """The teacher's class report over their class, read live from the server.

    As Teacher ▸ Class report reads it: the class's learners (those the teacher's
    rights show), each read into what their results file would hold, then the report.
    """
    from crisisquiz.core.class_report import build_class_report
    from crisisquiz.core.class_sources import class_learner_ids, database_results
    from crisisquiz.storage.server import open_server_database

    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    database = open_server_database(server.url(DATABASE, TEACHER, PASSWORD), now=now, migrate=False)
    times = []
    try:
        for _ in range(repeats):
            t0 = time.perf_counter()
            files = database_results(database, class_learner_ids(database, CLASS), now=now)
            report = build_class_report(files, now=now)
            times.append(time.perf_counter() - t0)
    finally:
        database.close()
    return {
        "learners": len(files),
        "report_learners": len(report.learners),
        "seconds_median": statistics.median(times),
        "seconds": times,
    }


def single_pupil(server: Any, work: Path, answers: int) -> dict[str, Any]:
    """One pupil's study loop on PostgreSQL and on a SQLite file, the same answers."""
    from crisisquiz.core.app_context import AppContext
    from crisisquiz.core.learners import LearnerService
    from crisisquiz.core.study import StudyService

    figures: dict[str, Any] = {}
    for engine in ("postgresql", "sqlite"):
        now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
        url = server.url(DATABASE, "pupil_000", PASSWORD) if engine == "postgresql" else None
        start = now
        ctx = AppContext(work / f"single-{engine}", clock=lambda s=start: s, database_url=url)
        try:
            learners = LearnerService(ctx.database)
            learner = learners.list()[0] if url else learners.create("Solo", now=now)
            if not url:
                learners.update_settings(learner.id, new_per_day=500)
            rng = random.Random(7)
            service = StudyService(ctx.database, tz=UTC, rng=random.Random(8))
            session = service.start(learner.id, now=now + timedelta(days=30))
            now += timedelta(days=30)
            total: list[float] = []
            cpu: list[float] = []
            while len(total) < answers:
                c0, t0 = time.process_time(), time.perf_counter()
                item = session.next_item(now)
                if item is None:
                    now += timedelta(days=1)
                    session = service.start(learner.id, now=now)
                    continue
                c1, t1 = time.process_time(), time.perf_counter()
                try:
                    response = packgen.respond(item.question, packgen.outcome_for(rng), rng)
                except Exception:
                    response = "?"
                c2, t2 = time.process_time(), time.perf_counter()
                session.answer(item, response, now=now, response_ms=5000)
                c3, t3 = time.process_time(), time.perf_counter()
                total.append((t1 - t0 + t3 - t2) * 1000)
                cpu.append((c1 - c0 + c3 - c2) * 1000)
                now += timedelta(seconds=20)
        finally:
            ctx.close()
        figures[engine] = {
            "answers": len(total),
            "p50_ms": percentile(total, 0.5),
            "p99_ms": percentile(total, 0.99),
            "cpu_p50_ms": percentile(cpu, 0.5),
        }
    return figures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.server_bench",
        description="A school's PostgreSQL server under load, on this machine.",
    )
    parser.add_argument("--pupils", type=int, default=PUPILS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--processes", type=int, default=PROCESSES)
    parser.add_argument(
        "--think",
        type=float,
        default=THINK_SECONDS,
        help="seconds a pupil thinks in the 'lab at work' run (0: skip it)",
    )
    parser.add_argument("--class-size", type=int, default=CLASS_SIZE)
    parser.add_argument("--single-answers", type=int, default=SINGLE_ANSWERS)
    parser.add_argument("--json", metavar="FILE")
    options = parser.parse_args(argv)
    if options.pupils < options.class_size or options.pupils < 1:
        parser.error("--pupils must be at least --class-size")
    return options


def run(options: argparse.Namespace) -> dict[str, Any]:
    """Every part of the server benchmark; the figures as a dict."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/pg_server.py
    from pg_server import start_server

    work = Path(tempfile.mkdtemp(prefix="crisisquiz-server-bench-"))
    server = start_server(settings=SERVER_SETTINGS)
    figures: dict[str, Any] = {"server_settings": SERVER_SETTINGS}
    try:
        log(f"PostgreSQL from {server.bin_dir} on port {server.port}; setting up the school")
        t0 = time.perf_counter()
        roles = set_up_school(server, options.pupils, options.class_size, work)
        figures["setup_seconds"] = time.perf_counter() - t0
        log(f"{len(roles)} pupils and a teacher added in {figures['setup_seconds']:.1f} s")
        for name, think in (("load", 0.0), ("lab", options.think)):
            if name == "lab" and think <= 0:
                continue
            before = stored_reviews(server)
            log(f"{name}: {len(roles)} pupils for {options.seconds:.0f} s, thinking {think} s")
            load_before = machine.load_average()
            results = run_pupils(server, roles, options.seconds, think, options.processes)
            after = stored_reviews(server)
            figures[name] = summarise(results, options.seconds, before, after)
            figures[name]["load_average_before"] = load_before
            figures[name]["load_average_after"] = machine.load_average()
            shown = {k: v for k, v in figures[name].items() if k != "first_errors"}
            log(f"{name}: {json.dumps(shown)}")
        log("class report, read live by the teacher")
        figures["class_report"] = class_report(server)
        log(f"class report: {figures['class_report']}")
        log(f"one pupil, {options.single_answers} answers, PostgreSQL and SQLite")
        figures["single_pupil"] = single_pupil(server, work, options.single_answers)
        log(f"one pupil: {figures['single_pupil']}")
        figures["postgres"] = server_version(server)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return figures


def server_version(server: Any) -> str:
    import psycopg

    with psycopg.connect(server.dsn()) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def log(message: str) -> None:
    print(f"[server bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def report(figures: dict[str, Any], command: str, info: dict[str, Any]) -> str:
    """The figures as text, with their targets."""
    lines = [
        f"crisisquiz school-server benchmark: {command}",
        f"machine: {machine.one_line(info)}; PostgreSQL {figures.get('postgres', '?')} "
        "(fsync and synchronous commit on), clients and server on the same cores",
    ]
    for name, title in (("load", "as fast as they can"), ("lab", "thinking between answers")):
        f = figures.get(name)
        if not f:
            continue
        met = f["p50_ms"] <= P50_MS and f["p99_ms"] <= P99_MS and f["lost"] == 0
        lines.append(
            f"{f['pupils']} pupils {title}, {f['seconds']:.0f} s: {f['answers_per_s']:.0f} "
            f"answers/s; per answer p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms "
            f"(commit part p50 {f['store_p50_ms']:.1f} ms, p99 {f['store_p99_ms']:.1f} ms); "
            f"errors {f['errors']}; acknowledged {f['acknowledged']}, stored {f['stored']}, "
            f"lost {f['lost']}, doubled {f['doubled']}; load average {f['load_average_before']}"
            f" -> {f['load_average_after']}; targets p50 <= {P50_MS:.0f} ms, p99 <= "
            f"{P99_MS:.0f} ms, 0 lost: {'met' if met else 'missed'}"
        )
    single = figures.get("single_pupil", {})
    for engine in ("postgresql", "sqlite"):
        s = single.get(engine)
        if s:
            lines.append(
                f"one pupil on {engine}: {s['answers']} answers, p50 {s['p50_ms']:.2f} ms, "
                f"p99 {s['p99_ms']:.2f} ms (CPU p50 {s['cpu_p50_ms']:.2f} ms)"
            )
    c = figures.get("class_report")
    if c:
        lines.append(
            f"class report of {c['learners']} pupils read live by their teacher: "
            f"{c['seconds_median'] * 1000:.0f} ms (median of {len(c['seconds'])})"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    info = machine.describe()
    figures = run(options)
    command = "python -m tests.bench.server_bench " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    info["load_average_at_end"] = machine.load_average()
    print(report(figures, command.strip(), info))
    if options.json:
        document = {"command": command.strip(), "machine": info, "figures": figures}
        Path(options.json).write_text(json.dumps(document, indent=2, default=str) + "\n")
    lost = sum(
        figures.get(n, {}).get("lost", 0) + figures.get(n, {}).get("doubled", 0)
        for n in ("load", "lab")
    )
    return 1 if lost else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
