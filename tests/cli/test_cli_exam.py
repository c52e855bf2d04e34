"""``crisisquiz learner set NAME --exam-date`` and the predictions in ``stats --json``."""

from __future__ import annotations

import json
from datetime import UTC

import pytest

import crisisquiz.cli.learners
import crisisquiz.cli.reports
from crisisquiz.cli import main


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crisisquiz.cli.learners, "local_zone", lambda: UTC)
    monkeypatch.setattr(crisisquiz.cli.reports, "local_zone", lambda: UTC)


def run(capsys: pytest.CaptureFixture[str], data: str, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["--data-dir", data, *argv])
    except SystemExit as stop:  # argparse's own errors (a date it cannot read)
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_set_an_exam_date_and_read_the_predictions(
    capsys: pytest.CaptureFixture[str], data: str
) -> None:
    code, out, err = run(
        capsys,
        data,
        "learner",
        "set",
        "Sam",
        "--exam-date",
        "2026-03-09",
        "--minutes-per-day",
        "20",
        "--pack",
        "test-pack",
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Exam on Test pack on Monday 2026-03-09, in 7 days."
    assert lines[1].startswith("  Predicted exam-day score: 0% now, ")
    assert "within the 20 you gave" in lines[2]
    assert (
        lines[3] == "  It starts about 2 new questions a day until all 9 unseen ones are started."
    )
    code, out, _ = run(capsys, data, "learner", "set", "Sam")
    assert "Exam on Test pack on Monday 2026-03-09" in out
    code, out, _ = run(capsys, data, "stats", "--learner", "Sam", "--json")
    [exam] = json.loads(out)["exams"]
    assert exam["pack"] == "test-pack" and exam["exam_date"] == "2026-03-09"
    assert exam["days_left"] == 7 and exam["minutes_per_day"] == 20
    assert exam["predicted_now"] == 0.0 and 0.5 < exam["predicted_with_plan"] <= 1.0
    assert exam["minutes_per_day_needed"] >= 1 and exam["new_per_day"] == 2
    titles = {topic["title"] for topic in exam["topics"]}
    assert {"Alpha", "Beta"} <= titles
    assert all(0.0 <= t["predicted_with_plan"] <= 1.0 for t in exam["topics"])
    code, out, _ = run(capsys, data, "stats", "--learner", "Sam")
    assert "Predicted exam-day score: 0% now" in out
    code, out, _ = run(capsys, data, "learner", "set", "Sam", "--no-exam")
    assert out == "Removed the exam on test-pack: Sam's schedule is as usual.\n"
    code, out, _ = run(capsys, data, "stats", "--learner", "Sam", "--json")
    assert json.loads(out)["exams"] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--exam-date", "2026-03-02"), "is not after today (2026-03-02)"),
        (("--exam-date", "9 March"), "expected a date written YYYY-MM-DD"),
        (("--exam-date", "2026-03-09", "--minutes-per-day", "1000"), "between 5 and 600"),
        (("--minutes-per-day", "20"), "--minutes-per-day goes with --exam-date"),
        (("--exam-date", "2026-03-09", "--pack", "nope"), "no pack 'nope' is installed"),
    ],
)
def test_mistakes_in_an_exam_date_are_said(
    capsys: pytest.CaptureFixture[str], data: str, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, data, "learner", "set", "Sam", *argv)
    assert code != 0 and out == ""
    assert message in err
