"""Exam mode against normal scheduling, by simulation: ``python -m tests.bench.exam_sim``.

A simulated learner whose memory follows FSRS-6 with its default parameters (the
model of :mod:`crisisquiz.core.exam_plan`, checked against the ``fsrs`` package in
tests/core/test_exam_plan.py) studies the built-in pack from nothing for an exam 7,
14 and 30 days away. Each due question is answered right with the chance the
forgetting curve gives; both schedules start the unseen questions at the same pace
(all of them before the final stretch).

- **Exam mode**: the plan of :mod:`crisisquiz.core.exam_plan` at retention 0.90.
- **Normal scheduling**: FSRS at a retention raised from 0.90 in steps of 0.01 until it
  does at least as many reviews as exam mode (so it is never given fewer).
- For scale, the app without an exam date: FSRS at 0.90 with the default 15 new
  questions a day (the last column).

Reported: the mean predicted recall on the exam day over every question of the pack
(the simulated exam score), and the reviews each schedule did, each the mean of
``--runs`` learners. The exit status is 1 unless exam mode is higher at every horizon.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence

from crisisquiz.core.exam_plan import PlanCard, simulate
from crisisquiz.core.pack_loader import load_pack
from crisisquiz.resources import builtin_pack_path

HORIZONS = (7, 14, 30)
EXAM_RETENTION = 0.90


def _cards() -> list[PlanCard]:
    pack = load_pack(builtin_pack_path())
    return [PlanCard(key=i, group=q.topic) for i, q in enumerate(pack.questions)]


def _mean_run(
    cards: Sequence[PlanCard],
    days: int,
    *,
    exam_mode: bool,
    retention: float,
    runs: int,
    new_a_day: int | None = None,
) -> tuple[float, float]:
    results = [
        simulate(
            cards,
            days,
            exam_mode=exam_mode,
            retention=retention,
            rng=random.Random(seed),
            new_a_day=new_a_day,
        )
        for seed in range(runs)
    ]
    return (
        statistics.mean(r.recall for r in results),
        statistics.mean(sum(r.reviews) for r in results),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print a table; 1 when exam mode is not higher everywhere."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="simulated learners per figure")
    args = parser.parse_args(argv)
    cards = _cards()
    print(
        f"Exam mode vs normal scheduling: built-in pack, {len(cards)} questions, "
        f"{args.runs} simulated learners each"
    )
    print(
        "DAYS  EXAM RECALL  REVIEWS  |  NORMAL RECALL  REVIEWS  RETENTION  |  "
        "NO EXAM, 15 NEW/DAY  |  CPU s"
    )
    ok = True
    for days in HORIZONS:
        started = time.process_time()
        exam, exam_reviews = _mean_run(
            cards, days, exam_mode=True, retention=EXAM_RETENTION, runs=args.runs
        )
        retention = EXAM_RETENTION
        while True:
            normal, normal_reviews = _mean_run(
                cards, days, exam_mode=False, retention=retention, runs=args.runs
            )
            if normal_reviews >= exam_reviews or retention >= 0.99:
                break
            retention = round(retention + 0.01, 2)
        usual, _reviews = _mean_run(
            cards, days, exam_mode=False, retention=0.90, runs=args.runs, new_a_day=15
        )
        cpu = time.process_time() - started
        ok = ok and exam > normal and normal_reviews >= exam_reviews
        print(
            f"{days:4d}  {exam:11.1%}  {exam_reviews:7.0f}  |  {normal:13.1%}  "
            f"{normal_reviews:7.0f}  {retention:9.2f}  |  {usual:19.1%}  |  {cpu:5.1f}"
        )
    print("exam mode higher at every horizon" if ok else "EXAM MODE NOT HIGHER EVERYWHERE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
