"""Peak memory of a learner studying on a big bank: open it, start a session, answer.

Run by the benchmark as ``python tests/bench/probe_memory.py FOLDER LEARNER NOW ANSWERS``;
prints one JSON line with the peak resident memory (MiB) after each stage.
"""

from __future__ import annotations

import json
import random
import resource
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _peak_mib() -> float:
    """Peak resident memory so far (VmHWM), in MiB.

    Not ``ru_maxrss``: on Linux that carries over the parent's peak through fork and
    exec, so a child of the (big) benchmark process would report the parent's size.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    folder, learner_id = Path(argv[1]), int(argv[2])
    now, answers = datetime.fromisoformat(argv[3]).astimezone(UTC), int(argv[4])
    figures = {"python_mb": _peak_mib()}
    from crisisquiz.core.study import StudyService
    from crisisquiz.storage.database import open_database
    from tests.bench.packs import outcome_for, respond

    figures["imports_mb"] = _peak_mib()
    database = open_database(folder, now=now)
    figures["open_mb"] = _peak_mib()
    rng = random.Random(5)
    session = StudyService(database, tz=UTC, rng=random.Random(6)).start(learner_id, now=now)
    figures["session_mb"] = _peak_mib()
    answered = 0
    for _ in range(answers):
        item = session.next_item(now)
        if item is None:
            break
        session.answer(
            item, respond(item.question, outcome_for(rng), rng), now=now, response_ms=5000
        )
        now += timedelta(seconds=8)
        answered += 1
    figures["peak_mb"] = _peak_mib()
    figures["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["answers"] = answered
    figures["due_in_session"] = session.counts(now).due
    database.close()
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main(sys.argv)
