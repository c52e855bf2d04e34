"""The benchmark's generated data holds together (the benchmark itself is not run here).

``make bench`` builds its learners' histories with tests/bench/synth.py and refuses data
whose reviews do not replay through FSRS to the stored card states. These tests build a
small installation the same way, so that a change to the app's grading, scheduling or
built-in pack that the generator is out of step with shows up in the normal suite, not
only when someone runs the benchmark.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from crisisquiz.core.builtin import ensure_builtin_pack
from crisisquiz.core.pack_schema import Cloze, Number
from crisisquiz.core.packs import PackService
from crisisquiz.core.scheduling import Rating
from crisisquiz.resources import BUILTIN_PACK_ID, builtin_pack_path
from crisisquiz.storage.database import open_database
from tests.bench import packs as packgen
from tests.bench import synth

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_every_stored_response_grades_to_the_rating_its_history_holds(tmp_path: Path) -> None:
    """A card's state comes from its plan's ratings, the review row from the grader's."""
    database = open_database(tmp_path, now=NOW)
    try:
        service = PackService(database)
        ensure_builtin_pack(service, builtin_pack_path(), now=NOW)
        builtin = service.get_pack(BUILTIN_PACK_ID)
    finally:
        database.close()
    rng = random.Random(7)
    generated = packgen.pack_model(packgen.pack_dict("bench-01", "Bench pack 01", 300, 12, rng))
    questions = [*builtin.questions, *generated.questions]
    single_blank = [q for q in builtin.questions if isinstance(q, Cloze) and len(q.blanks) == 1]
    assert single_blank, "the built-in pack has a cloze of one blank, which cannot grade Hard"
    for number, question in enumerate(questions):
        info = synth.question_info(number, "pack", question, rng)
        for rating in synth.KIND_RATINGS[info.kind]:
            assert info.outcomes[rating].rating == rating, (question.id, Rating(rating))
    kinds = {synth.question_info(0, "pack", q, rng).kind for q in single_blank}
    assert kinds == {synth.BINARY}


def test_a_small_generated_installation_replays_card_by_card(tmp_path: Path) -> None:
    """Every card's reviews, read back through the models, replay to its stored state."""
    size = synth.Size("tiny", 200, 2_000)
    dataset = synth.build_dataset(size, tmp_path, NOW)
    assert dataset.reviews == 2_000
    checks = synth.check_dataset(dataset, random.Random(1), replays=len(dataset.plans))
    assert checks["replayed_cards"] == len(dataset.plans) == checks["card_states"]


def test_a_number_question_gets_histories_that_grade_as_stored() -> None:
    """The tenth type has its place in the generator: right, or wrong beyond its tolerance."""
    question = Number.model_validate(
        {
            "id": "r12-range",
            "topic": "deployment",
            "type": "number",
            "prompt": "Range of the R-12 missile, in thousands of kilometres?",
            "answer": 2.08,
            "tolerance": 0.1,
        }
    )
    info = synth.question_info(0, "pack", question, random.Random(3))
    assert info.kind == synth.BINARY
    assert info.outcomes[int(Rating.Good)].correct
    assert not info.outcomes[int(Rating.Again)].correct
