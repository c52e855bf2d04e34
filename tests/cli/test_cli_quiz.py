"""``crisisquiz quiz``: scripted quizzes through ``main``, answered from what the screen shows."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crisisquiz.cli import main
from crisisquiz.storage.database import open_database
from crisisquiz.storage.models import QuizAnswerRow, QuizAttemptRow, ReviewRow


def number_of(screen: str, text: str) -> str:
    """The number the screen shows in front of ``text`` (at the end of a line)."""
    found = re.findall(rf"(\d+)\. {re.escape(text)}$", screen, flags=re.MULTILINE)
    assert found, f"{text!r} is not on screen:\n{screen}"
    return str(found[-1])


def right_answer(question: str) -> list[str]:
    """The lines that answer the small pack's question shown last in ``question`` rightly."""
    if "ExComm" in question:
        return ["", "3"]
    if "Who led the Soviet Union" in question:
        return [number_of(question, "Khrushchev")]
    if "Jupiter missiles" in question:
        return [f"{number_of(question, 'Turkey')},{number_of(question, 'Italy')}"]
    if "quarantine began" in question:
        return ["true"]
    if "Who was the Soviet leader" in question:
        return ["Khrushchev"]
    if "missiles were found" in question:
        return ["U-2 | Cuba"]
    if "Earliest first" in question:
        items = ["Cuban Revolution", "Bay of Pigs", "Missile crisis"]
        return [" ".join(number_of(question, item) for item in items)]
    if "Match person to role" in question:
        return [f"a{number_of(question, 'President')} b{number_of(question, 'Ambassador')}"]
    if "Year of the crisis" in question:
        return ["1962"]
    raise AssertionError(f"unknown question:\n{question}")


class Responder:
    """Standard input that reads the screen and types an answer, as a learner would.

    ``decide`` gets the text of the question on screen and returns the lines to
    type; after ``stop_after`` questions it types ``q``.
    """

    def __init__(
        self,
        capsys: pytest.CaptureFixture[str],
        decide: Callable[[str], list[str]],
        stop_after: int | None = None,
    ) -> None:
        self.capsys = capsys
        self.decide = decide
        self.stop_after = stop_after
        self.screen = ""
        self.pending: list[str] = []
        self.asked = 0

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        self.screen += self.capsys.readouterr().out
        if not self.pending:
            question = self.screen[self.screen.rindex("── ") :]
            self.asked += 1
            if self.stop_after is not None and self.asked > self.stop_after:
                self.pending = ["q"]
            else:
                self.pending = list(self.decide(question))
        return self.pending.pop(0) + "\n"

    def transcript(self) -> str:
        return self.screen + self.capsys.readouterr().out


class EndOfInputAfterOne(Responder):
    """Answers the first question, then reads end of input (as when a pipe runs dry)."""

    def readline(self) -> str:
        if self.asked >= 1 and not self.pending:
            return ""
        return super().readline()


def quiz(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: str,
    stdin: io.StringIO | Responder,
    *extra: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", stdin)
    code = main(["--data-dir", data, "quiz", "--learner", "Sam", *extra])
    screen = stdin.transcript() if isinstance(stdin, Responder) else ""
    out, err = capsys.readouterr()
    return code, screen + out, err


def stored(data: str, now: datetime) -> tuple[list[tuple[int, float | None]], int, int]:
    """(attempts as (seed, score)), quiz answers, reviews."""
    db = open_database(Path(data), now=now)
    try:
        with db.sessions() as session:
            attempts = session.execute(
                select(QuizAttemptRow.seed, QuizAttemptRow.score).order_by(QuizAttemptRow.id)
            ).all()
            answers = session.scalar(select(func.count()).select_from(QuizAnswerRow))
            reviews = session.scalar(select(func.count()).select_from(ReviewRow))
            return [(seed, score) for seed, score in attempts], int(answers or 0), int(reviews or 0)
    finally:
        db.close()


def test_all_right_with_feedback_after_each(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, now: datetime
) -> None:
    stdin = Responder(capsys, right_answer)
    code, out, err = quiz(
        capsys, monkeypatch, data, stdin, "--topics", "alpha", "beta", "-n", "20", "--seed", "7"
    )
    assert code == 0, err
    assert "Quiz for Sam: 9 questions from alpha, beta, seed 7 (repeat it with --seed 7)." in out
    assert "── 1 of 9 · " in out and "── 9 of 9 · " in out
    assert out.count("Right.") == 8
    # The flashcard is rated by the learner: not right or wrong, and not in the score.
    assert "You rated it Good (a flashcard is not scored)." in out
    assert "Wrong." not in out and "Comes back" not in out
    assert "Score: 8 of 8 (100%)" in out
    assert "Rated by you: 1 flashcard (not part of the score)" in out
    assert re.search(r"Alpha\s+3 of 3\s+100%", out)
    assert re.search(r"Beta\s+5 of 5\s+100%", out)
    attempts, answers, reviews = stored(data, now)
    assert attempts == [(7, 1.0)]
    assert answers == 9
    assert reviews == 0  # a quiz leaves the schedule alone by default


def test_same_seed_same_quiz(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    first = quiz(capsys, monkeypatch, data, io.StringIO(""), "-n", "3", "--seed", "11")[1]
    second = quiz(capsys, monkeypatch, data, io.StringIO(""), "-n", "3", "--seed", "11")[1]
    assert first == second
    assert "Quiz stopped" in first and "You answered 0 of 3." in first


def test_feedback_at_end_wrong_answers_undo_and_quit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, now: datetime
) -> None:
    def wrong_then_right(question: str) -> list[str]:
        if "Year of the crisis" in question:
            return ["u", "nineteen", "1961"]  # no undo in a quiz; unreadable; wrong
        if "Who was the Soviet leader" in question:
            return ["?", "Brezhnev"]
        return right_answer(question)

    stdin = Responder(capsys, wrong_then_right)
    code, out, err = quiz(
        capsys, monkeypatch, data, stdin, "--topic", "beta", "alpha", "--feedback", "end"
    )
    assert code == 0, err
    assert "Right and wrong are shown at the end." in out
    assert "There is no undo in a quiz: each answer counts as given." in out
    assert "(there is no undo in a quiz" in out
    assert "Type the year as a number. (? for help)" in out
    before_end = out[: out.index("Your answers")]
    assert "Right." not in before_end and "Wrong." not in before_end
    review = out[out.index("Your answers") : out.index("Quiz result")]
    assert review.count("Wrong.") == 2
    assert "Answer: 1962" in review and "1961 is 1 year off" in review
    assert '"Brezhnev" is not right here.' in review
    assert "Score: 6 of 8 (75%)" in out  # the flashcard is not scored
    attempts, answers, _ = stored(data, now)
    assert answers == 9 and attempts[0][1] == pytest.approx(6 / 8)


def test_quit_and_end_of_input_stop_the_quiz_unscored(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, now: datetime
) -> None:
    stdin = Responder(capsys, right_answer, stop_after=2)
    code, out, _ = quiz(capsys, monkeypatch, data, stdin, "--topics", "alpha", "beta", "-n", "5")
    assert code == 0
    assert "Quiz stopped" in out and "You answered 2 of 5." in out
    assert "kept as abandoned" in out and "Score:" not in out
    # Answer one question as a learner would, then close standard input.
    one_then_eof = EndOfInputAfterOne(capsys, right_answer)
    code, out, _ = quiz(
        capsys,
        monkeypatch,
        data,
        one_then_eof,
        "--topics",
        "alpha",
        "beta",
        "-n",
        "4",
        "--seed",
        "9",
    )
    assert code == 0
    assert "Quiz stopped" in out and "You answered 1 of 4." in out
    attempts, answers, _ = stored(data, now)
    # Both kept, without a score: a half-done quiz never shows as one.
    assert len(attempts) == 2 and all(score is None for _seed, score in attempts)
    assert answers == 3


def test_quiz_counts_as_review_when_the_learner_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, now: datetime
) -> None:
    assert (
        main(["--data-dir", data, "learner", "set", "Sam", "--quiz-counts-as-review", "yes"]) == 0
    )
    stdin = Responder(capsys, right_answer, stop_after=3)
    code, _, _ = quiz(capsys, monkeypatch, data, stdin, "--topics", "alpha", "-n", "4")
    assert code == 0
    assert stored(data, now)[2] == 3


def test_unknown_learner_topic_and_bad_count(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--data-dir", data, "quiz", "--learner", "Nobody"]) == 1
    assert "no learner named 'Nobody'" in capsys.readouterr().err
    assert main(["--data-dir", data, "quiz", "--learner", "Sam", "--topics", "nope"]) == 1
    assert "no topic 'nope'" in capsys.readouterr().err
    assert main(["--data-dir", data, "quiz", "--learner", "Sam", "-n", "0"]) == 1
    err = capsys.readouterr().err
    assert "a quiz needs at least one question" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", data, "quiz", "--learner", "Sam", "--feedback", "never"])
    assert caught.value.code == 2


def test_builtin_pack_quiz_survives_any_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    lines = ["", "1", "2 1", "f", "4 3 2 1", "a2 b1 c3 d4", "1 2 3 4", "1962", "a | b", "3"]
    stdin = io.StringIO("".join(line + "\n" for line in lines * 20))
    code, out, err = quiz(capsys, monkeypatch, data, stdin, "-n", "25", "--seed", "3")
    assert code == 0, err
    assert "Quiz result" in out or "Quiz stopped" in out
    assert "Traceback" not in out + err
