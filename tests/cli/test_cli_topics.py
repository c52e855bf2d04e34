"""``--topic PACK:TOPIC``: two packs with a topic "alpha" are told apart on the command line."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from small_pack import TWIN_PACK
from sqlalchemy import select

from crisisquiz.cli import main
from crisisquiz.storage.database import open_database
from crisisquiz.storage.models import QuizAnswerRow, ReviewRow


@pytest.fixture
def twins(data: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The data folder with a second pack whose topics have the small pack's ids."""
    twin = tmp_path / "twin.toml"
    twin.write_text(TWIN_PACK, encoding="utf-8")
    assert main(["--data-dir", data, "pack", "import", str(twin)]) == 0
    capsys.readouterr()
    return data


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lines: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_bare_topic_id_two_packs_have_is_refused_with_both_choices(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, twins: str
) -> None:
    for command in ("study", "quiz"):
        code, out, err = run(
            capsys, monkeypatch, "", "--data-dir", twins, command, "--learner", "Sam",
            "--topic", "alpha",
        )  # fmt: skip
        assert code == 1 and out == ""
        assert err == (
            "crisisquiz: error: topic 'alpha' is in 2 packs; name one as PACK:TOPIC:\n"
            "  test-pack:alpha  Alpha (Test pack)\n"
            "  twin-pack:alpha  Alpha (Twin pack)\n"
        )


def test_pack_and_topic_pick_one_packs_topic_in_study_and_quiz(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    twins: str,
    now: datetime,
) -> None:
    code, out, _ = run(
        capsys, monkeypatch, "\n3\nq\n", "--data-dir", twins, "study", "--learner", "Sam",
        "--topic", "twin-pack:alpha",
    )  # fmt: skip
    assert code == 0
    assert "Studying as Sam in twin-pack:alpha: 4 new" in out
    code, out, _ = run(
        capsys, monkeypatch, "q\n", "--data-dir", twins, "quiz", "--learner", "Sam",
        "--topic", "test-pack:alpha", "test-pack:beta", "-n", "3",
        "--seed", "5",
    )  # fmt: skip
    assert code == 0
    assert "from test-pack:alpha, test-pack:beta" in out
    database = open_database(Path(twins), now=now)
    try:
        with database.sessions() as session:
            studied = session.execute(select(ReviewRow.pack_id, ReviewRow.topic_id)).all()
            quizzed = session.execute(select(QuizAnswerRow.pack_id)).all()
    finally:
        database.close()
    assert studied == [("twin-pack", "alpha")]
    assert quizzed == []  # q before the first answer


def test_a_bare_topic_id_that_one_pack_has_still_works(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str
) -> None:
    code, out, _ = run(
        capsys, monkeypatch, "q\n", "--data-dir", data, "study", "--learner", "Sam",
        "--topic", "beta",
    )  # fmt: skip
    assert code == 0
    assert "Studying as Sam in beta: 5 new" in out
