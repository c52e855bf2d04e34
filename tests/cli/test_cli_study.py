"""``crisisquiz study``: a scripted terminal session through ``main``, checked in the database."""

from __future__ import annotations

import io
import random
from collections.abc import MutableSequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating
from sqlalchemy import select

from crisisquiz.cli import main, terminal_study
from crisisquiz.core.grading import GradeResult, Verdict
from crisisquiz.core.items import Citation, ItemKind, StudyItem
from crisisquiz.core.pack_schema import Matching, Ordering
from crisisquiz.core.recording import QuestionRef
from crisisquiz.storage.database import open_database
from crisisquiz.storage.models import LearnerRow, QuestionRow, ReviewRow


class NoShuffle(random.Random):
    """Shows options in pack order (an ordering is then rotated by one, see items.py)."""

    def shuffle(self, x: MutableSequence[Any]) -> None:
        return None


@pytest.fixture
def data(data: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shared data folder, with options shown in pack order."""
    monkeypatch.setattr(terminal_study, "make_rng", lambda: NoShuffle(3))
    return data


def study(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
    lines: list[str] | None,
    *extra: str,
    learner: str = "Sam",
) -> tuple[int, str, str]:
    if lines is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    code = main(["--data-dir", data, "study", "--learner", learner, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def reviews(data: str, now: datetime) -> list[tuple[str, bool, float, dict[str, Any], int]]:
    db = open_database(Path(data), now=now)
    try:
        with db.sessions() as session:
            rows = session.execute(
                select(
                    QuestionRow.question_id,
                    ReviewRow.correct,
                    ReviewRow.score,
                    ReviewRow.response,
                    ReviewRow.response_ms,
                )
                .join(QuestionRow, QuestionRow.id == ReviewRow.question_id)
                .join(LearnerRow, LearnerRow.id == ReviewRow.learner_id)
                .where(LearnerRow.name == "Sam")
                .order_by(ReviewRow.id)
            ).all()
            return [tuple(row) for row in rows]
    finally:
        db.close()


# Pack order shown: ms 1 Turkey 2 Italy 3 France 4 Spain; mc 1 Khrushchev 2 Brezhnev 3 Stalin;
# or (rotated) 1 Bay of Pigs 2 Missile crisis 3 Cuban Revolution; mt a Kennedy b Dobrynin,
# 1 President 2 Ambassador. Study order: fc, ms, mc, tf, sa, or, cz, mt, yr.
SCRIPT = [
    "",  # fc: show the back
    "x",  # not a rating
    "3",  # Good
    "Turkey",  # ms: not numbers
    "2 1",  # ms: right
    "2",  # mc: Brezhnev, wrong
    "u",  # at tf: take back the wrong mc answer
    "1",  # mc again: right
    "maybe",  # tf: unreadable
    "yes",  # tf: right
    "?",  # sa: help
    "Kruschev",  # sa: right with a slip
    "3 1 2",  # or: right
    "U2 | Havana",  # cz: partly right
    "a2 b1",  # mt: wrong
    "q",  # yr: stop
]


def test_scripted_session(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
    now: datetime,
) -> None:
    code, out, err = study(capsys, monkeypatch, data, SCRIPT, "--topic", "alpha", "beta")
    assert code == 0, err
    assert err == ""
    assert "Studying as Sam in alpha, beta: 9 new, 0 due, 0 in learning." in out
    # Flashcard: the back, a hint for a bad rating, the rating in words.
    assert "Back: The group of advisers Kennedy consulted during the crisis" in out
    assert "Rate how well you knew it: 1 Again, 2 Hard, 3 Good, 4 Easy. (? for help)" in out
    assert "You rated it Good." in out
    assert "Source: “Class notes”, sentence 1" in out
    # Bad input gets the expected form, then the question goes on.
    assert "Type the numbers of every right choice (1 to 4), like 1 3" in out
    assert "Type t for true or f for false. (? for help)" in out
    # A wrong answer: the verdict, the right answer numbered as shown, the explanation.
    assert "Wrong.\n  Answer: 1. Khrushchev\n  Why: Brezhnev replaced him in 1964." in out
    assert "Took back your last answer; here is that question again." in out
    assert out.count("Who led the Soviet Union in 1962?") == 2
    # Help, slips, partial credit, matching feedback, when questions come back.
    assert "u   take back your last answer" in out
    assert "This question: Type your answer." in out
    assert "Right, with a spelling slip." in out
    assert 'Accepted "Kruschev" as "Khrushchev" (spelling slip).' in out
    assert "Partly right (50%)." in out
    assert "Answer: The missiles were found by a [U-2] flight over [Cuba]." in out
    assert 'Blank 2: expected "Cuba".' in out
    assert "Right pairs: a1 b2" in out
    assert '"Kennedy" goes with "President", not "Ambassador".' in out
    assert "Comes back in 10 minutes, later in this session." in out
    assert "Comes back in 1 minute, later in this session." in out
    # The summary after q.
    assert "Year of the crisis?" in out
    summary = out[out.index("Session summary") :]
    for line in ["Answered: 8", "Right:    6", "Partly:   1", "Wrong:    1", "New:      8"]:
        assert line in summary
    assert "8 questions still in learning" in summary
    assert "Traceback" not in out

    stored = reviews(data, now)
    assert [row[0] for row in stored] == ["fc", "ms", "mc", "tf", "sa", "or", "cz", "mt"]
    by_id = {row[0]: row for row in stored}
    assert by_id["mc"][1:4] == (True, 1.0, {"type": "multiple_choice", "value": "Khrushchev"})
    assert by_id["ms"][3] == {"type": "multi_select", "value": ["Italy", "Turkey"]}
    assert by_id["fc"][3] == {"type": "flashcard", "value": 3}
    assert by_id["tf"][3] == {"type": "true_false", "value": True}
    assert by_id["or"][3]["value"] == ["Cuban Revolution", "Bay of Pigs", "Missile crisis"]
    assert by_id["cz"][1:4] == (False, 0.5, {"type": "cloze", "value": ["U2", "Havana"]})
    assert by_id["mt"][3]["value"] == {"Kennedy": "Ambassador", "Dobrynin": "President"}
    assert all(row[4] > 0 for row in stored)  # a response time was measured for each


def test_end_of_input_ends_cleanly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, now: datetime
) -> None:
    code, out, err = study(capsys, monkeypatch, data, ["", "4", "1 2"], "--topic", "alpha", "beta")
    assert code == 0 and err == ""
    assert "Session summary\n  Answered: 2\n  Right:    2" in out
    assert out.rstrip().endswith("soon.")
    assert [row[0] for row in reviews(data, now)] == ["fc", "ms"]


def test_empty_input_and_nothing_answered(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    code, out, _ = study(capsys, monkeypatch, data, [], "--topic", "beta")
    assert code == 0
    assert "Which countries hosted US Jupiter missiles?" in out
    assert "No questions answered." in out


def test_undo_with_nothing_to_undo_asks_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    code, out, _ = study(capsys, monkeypatch, data, ["u", "q"], "--topic", "beta")
    assert code == 0
    assert "Nothing to undo yet." in out
    assert out.count("Which countries hosted US Jupiter missiles?") == 1


def test_undo_twice_goes_back_two_answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, now: datetime
) -> None:
    lines = ["1 2", "t", "u", "u", "3", "q"]  # ms right, tf right, undo both, ms wrong
    code, out, _ = study(capsys, monkeypatch, data, lines, "--topic", "beta")
    assert code == 0
    assert out.count("Took back your last answer") == 2
    assert [(row[0], row[1]) for row in reviews(data, now)] == [("ms", False)]
    assert "Answered: 1" in out


def test_flashcard_shows_what_was_typed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    _, out, _ = study(
        capsys, monkeypatch, data, ["Kennedy's advisers", "again"], "--topic", "alpha"
    )
    assert "You said: Kennedy's advisers\nBack: The group of advisers" in out
    assert "You rated it Again." in out


def test_ctrl_c_stops_with_the_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    class Interrupting:
        def isatty(self) -> bool:
            return False

        def readline(self) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", Interrupting())
    code, out, _ = study(capsys, monkeypatch, data, None, "--topic", "alpha")
    assert code == 130
    assert "Stopped." in out and "Session summary" in out


def test_nothing_to_study(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    assert main(["--data-dir", data, "learner", "set", "Sam", "--new-per-day", "0"]) == 0
    code, out, _ = study(capsys, monkeypatch, data, [], "--topic", "alpha")
    assert code == 0
    assert (
        "Nothing to study for Sam in alpha right now: no question is due and today's "
        "0 new questions are done (--more N starts N more today)." in out
    )


def test_unknown_learner_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    code, out, err = study(capsys, monkeypatch, data, [], learner="Nobody")
    assert code == 1
    assert out == ""
    assert err.startswith("crisisquiz: error: no learner named 'Nobody'. Learners: Sam.")
    assert "Traceback" not in err


def test_unknown_topic_exits_1_and_lists_topics(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    code, _, err = study(capsys, monkeypatch, data, [], "--topic", "alpha", "gamma")
    assert code == 1
    assert "no topic 'gamma'" in err
    assert "  test-pack:alpha  Alpha" in err and "  cuban-missile-crisis:origins  " in err


def test_learner_is_required(capsys: pytest.CaptureFixture[str], data: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", data, "study"])
    assert caught.value.code == 2
    assert "--learner" in capsys.readouterr().err


def test_builtin_pack_session_never_crashes_on_any_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    # Every kind of line at every kind of question of the real pack: answers or hints only.
    lines = ["", "1", "1 2", "t", "3 1 2 4", "a1 b2 c3", "2 1 3", "1962", "x | y", "zzz", "3"]
    code, out, err = study(capsys, monkeypatch, data, lines * 12, "--topic", "deal", "origins")
    assert code == 0, err
    assert "Traceback" not in out + err
    assert "Session summary" in out


# --- the pure rendering helpers ---------------------------------------------------------------


def _item(question: Any, options: tuple[str, ...]) -> StudyItem:
    return StudyItem(
        ref=QuestionRef(1, "p", "t", "1.0.0"),
        question=question,
        topic_title="T",
        kind=ItemKind.NEW,
        options=options,
        citations=(Citation("Notes", 4), Citation("Notes", 7), Citation("Essay", None)),
    )


def test_render_question_matching_and_ordering() -> None:
    matching = Matching(
        id="m", topic="t", type="matching", prompt="Match.", pairs=(("A", "x"), ("B", "y"))
    )
    assert terminal_study.render_question(_item(matching, ("y", "x")), 60) == [
        "Match.",
        "  a. A    1. y",
        "  b. B    2. x",
    ]
    narrow = terminal_study.render_question(_item(matching, ("y", "x")), 10)
    assert "  matched with:" in narrow
    ordering = Ordering(id="o", topic="t", type="ordering", prompt="Order.", items=("A", "B"))
    assert terminal_study.render_question(_item(ordering, ("B", "A")), 60) == [
        "Order.",
        "  1. B",
        "  2. A",
    ]


def test_render_outcome_groups_sources() -> None:
    ordering = Ordering(id="o", topic="t", type="ordering", prompt="Order.", items=("A", "B"))
    result = GradeResult(Verdict.WRONG, 0.0, Rating.Again, "1. A → 2. B", ("A is out.",))
    lines = terminal_study.render_outcome(_item(ordering, ("B", "A")), result, 80)
    assert lines == [
        "Wrong.",
        "  Right order: 2 1",
        "    2. A",
        "    1. B",
        "  - A is out.",
        "  Sources: “Notes”, sentences 4, 7",
        "    “Essay”",
    ]


@pytest.mark.parametrize(
    ("wait", "text"),
    [
        (timedelta(seconds=20), "in under a minute, later in this session"),
        (timedelta(minutes=10), "in 10 minutes, later in this session"),
        (timedelta(minutes=40), "in 40 minutes"),
        (timedelta(hours=5), "in 5 hours"),
        (timedelta(days=1), "in 1 day (Tue 3 Mar)"),
        (timedelta(days=300), "in 300 days (Sun 27 Dec)"),
        (timedelta(days=400), "in 400 days (Tue 6 Apr 2027)"),
    ],
)
def test_describe_wait(wait: timedelta, text: str, now: datetime) -> None:
    assert terminal_study.describe_wait(now, now + wait, UTC) == text


def test_describe_time_and_rule() -> None:
    assert terminal_study.describe_time(4_400) == "4 s"
    assert terminal_study.describe_time(125_000) == "2 min 5 s"
    assert terminal_study.describe_time(3_780_000) == "1 h 3 min"
    assert terminal_study.rule("1 · new · T", "left", 26) == "── 1 · new · T ─── left ──"
    assert terminal_study.rule("1 · new · T", "left", 24) == "── 1 · new · T ─────────"
    long = terminal_study.rule("1 · new · " + "x" * 80, "left: 1 new", 60)
    assert len(long) == 60 and "…" in long and long.endswith("left: 1 new ──")


def test_quotation_and_sources_in_words(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
    cited_pack_text: str,
    tmp_path: Path,
) -> None:
    pack = tmp_path / "cited.toml"
    pack.write_text(cited_pack_text, encoding="utf-8")
    assert main(["--data-dir", data, "pack", "import", str(pack)]) == 0
    capsys.readouterr()
    # In pack order: decision-month (1 March 2 May 3 August), then ships-turned.
    code, out, err = study(capsys, monkeypatch, data, ["1", "q"], "--topic", "cited-pack:alpha")
    assert code == 0, err
    question = out.index("In which month of 1962")
    quote = out.index("  | “In March 1962, during a visit to Bulgaria”")
    assert quote < question
    assert "  | — “Khrushchev's account of the crisis deserves a second look”, The" in out
    assert "sentence 3" in out[quote:question]
    assert (
        "  Sources: “Khrushchev's account of the crisis deserves a second look”, The\n"
        "    Moscow Times, October 2022\n"
        "      Sentence 3 claims: The essay dates Khrushchev's decision to a visit to\n"
        "        Bulgaria in March 1962.\n"
        "      What is wrong: The Bulgaria visit, and the decision, were in May 1962.\n"
        "    Michael Dobbs, One Minute to Midnight (Alfred A. Knopf, 2008)\n"
    ) in out


def test_study_more_starts_new_questions_past_the_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    assert main(["--data-dir", data, "learner", "set", "Sam", "--new-per-day", "1"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    main(["--data-dir", data, "study", "--learner", "Sam", "--topic", "beta"])
    out = capsys.readouterr().out
    assert "1 new" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    main(["--data-dir", data, "study", "--learner", "Sam", "--topic", "beta", "--more", "3"])
    # Nothing answered yet: today's one new question plus three more.
    assert "4 new" in capsys.readouterr().out
    assert main(["--data-dir", data, "study", "--learner", "Sam", "--more", "-2"]) == 1
    assert "--more takes a number" in capsys.readouterr().err
