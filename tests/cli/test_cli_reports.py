"""``crisisquiz stats``, ``results export`` and ``report class`` through ``main``."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import crisisquiz.cli
from crisisquiz.cli import main, reports
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.packs import PackService
from crisisquiz.core.results import load_results
from crisisquiz.storage.database import open_database
from crisisquiz.storage.models import (
    CardStateRow,
    DailyTopicStatsRow,
    LearnerRow,
    QuestionRow,
    ReviewRow,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the Qt application starts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def answer(folder: Path, now: datetime, learner: str, question_id: str, value: str) -> None:
    """A study answer, right when it is "Khrushchev", stored as the study engine stores one."""
    db = open_database(folder, now=now)
    try:
        with db.transaction() as session:
            learner_id = session.scalars(
                select(LearnerRow.id).where(LearnerRow.name == learner)
            ).one()
            q = session.scalars(
                select(QuestionRow).where(QuestionRow.question_id == question_id)
            ).one()
            correct = value == "Khrushchev"
            when = now - timedelta(days=2)
            session.add(
                ReviewRow(
                    learner_id=learner_id,
                    question_id=q.id,
                    reviewed_at=when,
                    rating=3 if correct else 1,
                    correct=correct,
                    score=float(correct),
                    response={"value": value},
                    response_ms=800,
                    previous_state=None,
                    topic_id=q.topic_id,
                    pack_id=q.pack_id,
                )
            )
            session.add(
                CardStateRow(
                    learner_id=learner_id,
                    question_id=q.id,
                    due=now - timedelta(hours=1),
                    stability=2.0,
                    difficulty=5.0,
                    state=2,
                    step=None,
                    last_review=when,
                    pack_id=q.pack_id,
                    topic_id=q.topic_id,
                )
            )
            session.add(
                DailyTopicStatsRow(
                    learner_id=learner_id,
                    pack_id=q.pack_id,
                    topic_id=q.topic_id,
                    day=date(2026, 2, 28),
                    answers=1,
                    correct=int(correct),
                    new=1,
                    mature=0,
                    mature_correct=0,
                    time_ms=800,
                )
            )
    finally:
        db.close()


@pytest.fixture
def data(
    tmp_path: Path,
    small_pack_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    now: datetime,
    capsys: pytest.CaptureFixture[str],
) -> Path:
    """The small pack and learners Ana (right on mc) and Ben (wrong); fixed clock and zone."""
    monkeypatch.setattr(
        crisisquiz.cli, "AppContext", lambda data_dir, **kw: AppContext(data_dir, lambda: now, **kw)
    )
    monkeypatch.setattr(reports, "local_zone", lambda: UTC)
    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "pack", "import", str(small_pack_file)]) == 0
    for name in ("Ana", "Ben"):
        assert main(["--data-dir", str(folder), "learner", "add", name]) == 0
    answer(folder, now, "Ana", "mc", "Khrushchev")
    answer(folder, now, "Ben", "mc", "Brezhnev")
    capsys.readouterr()
    return folder


def test_stats_table(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(
        capsys, "--data-dir", str(data), "stats", "--learner", "ana", "--pack", "test-pack"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Ana: study day 2026-03-02"
    header = next(line for line in lines if line.startswith("TOPIC"))
    assert header.split() == [
        "TOPIC",
        "SEEN",
        "COVER",
        "ACC",
        "30D",
        "ACC",
        "ALL",
        "MASTERY",
        "DUE",
        "NOW",
        "DUE",
        "7D",
        "RETENTION",
    ]
    alpha = next(line for line in lines if line.startswith("Alpha"))
    # 1 of 4 seen, 1 of 1 right, 1 due. Mastery looks a week ahead: reviewed 2 days ago at
    # stability 2, recall in 9 days is (1 + 0.98035 * 9 / 2) ** -0.1542 = 0.771, / 4 -> 19 %.
    assert alpha.split() == ["Alpha", "1/4", "25%", "100%", "100%", "19%", "1", "1", "-"]
    assert next(line for line in lines if line.startswith("Beta")).split()[1:3] == ["0/5", "0%"]
    assert any(line.startswith("All topics") for line in lines)


def test_stats_json(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", str(data), "stats", "--learner", "Ben", "--json")
    assert code == 0
    stats = json.loads(out)
    alpha = next(t for t in stats["topics"] if t["topic_id"] == "alpha")
    assert alpha["figures"]["accuracy"] == 0.0
    assert alpha["figures"]["due_now"] == 1
    assert stats["learner_name"] == "Ben"


def test_stats_unknown_learner_or_pack(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, "--data-dir", str(data), "stats", "--learner", "Zed")
    assert code == 1 and out == ""
    assert "no learner named 'Zed'" in err and "Traceback" not in err
    code, _, err = run(capsys, "--data-dir", str(data), "stats", "--learner", "Ana", "--pack", "x")
    assert code == 1 and "no pack 'x' is installed" in err


def export(capsys: pytest.CaptureFixture[str], data: Path, name: str, target: Path) -> None:
    code, _, err = run(
        capsys, "--data-dir", str(data), "results", "export", "--learner", name, "-o", str(target)
    )
    assert code == 0, err
    assert f"Wrote the results of {name} (1 answer) to {target}" in err


def test_export_then_class_report(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    ana, ben = tmp_path / "ana.json", tmp_path / "ben.json"
    export(capsys, data, "Ana", ana)
    export(capsys, data, "Ben", ben)
    assert load_results(ana).learner == "Ana"
    code, out, err = run(
        capsys,
        "--data-dir",
        str(data),
        "report",
        "class",
        str(ana),
        str(ben),
        str(ana),
        "--csv",
        str(tmp_path / "class.csv"),
    )
    assert code == 0, err
    # The files hold every installed pack: the small one's 9 questions and the built-in's.
    database = open_database(data, now=datetime(2026, 3, 2, tzinfo=UTC))
    try:
        in_packs = sum(pack.question_count for pack in PackService(database).list_packs())
    finally:
        database.close()
    assert out.startswith(
        f"Class report: 2 learners, 1 of {in_packs} questions in the packs answered, 1 topic\n"
    )
    assert f"left out {ana}: the same file as {ana}" in out
    assert "T1 Alpha" in out
    # Two learners are too few for facility and discrimination.
    assert "none: no question has been answered by 5 learners yet" in out
    assert "(1 question answered by fewer than 5 learners: too few answers" in out
    for name in ("learners", "questions", "answers"):
        path = tmp_path / f"class-{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert f"Wrote {path}" in err


def test_class_report_json(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    ana, ben = tmp_path / "ana.json", tmp_path / "ben.json"
    export(capsys, data, "Ana", ana)
    export(capsys, data, "Ben", ben)
    code, out, _ = run(
        capsys, "--data-dir", str(data), "report", "class", str(ana), str(ben), "--json"
    )
    assert code == 0
    report = json.loads(out)
    assert [learner["name"] for learner in report["learners"]] == ["Ana", "Ben"]
    mc = next(q for q in report["questions"] if q["question_id"] == "mc")
    assert (mc["learners"], mc["facility_pct"]) == (2, None)  # fewer than 5 learners
    assert [(a["learner"], a["response"], a["verdict"]) for a in report["answers"]] == [
        (0, "Khrushchev", "right"),
        (1, "Brezhnev", "wrong"),
    ]
    assert report["refused"] == []


def test_class_report_figures_by_hand(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    from results_builder import ANA, BEN, CY, DI, ED, results_data

    paths = []
    for i, (name, given) in enumerate(
        [("Ana", ANA), ("Ben", BEN), ("Cy", CY), ("Di", DI), ("Ed", ED)], 1
    ):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(results_data(name, given, file_id=i)), encoding="utf-8")
        paths.append(str(path))
    code, out, _ = run(capsys, "--data-dir", str(data), "report", "class", *paths)
    assert code == 0
    assert out.startswith(
        "Class report: 5 learners, 4 of 4 questions in the packs answered, 2 topics"
    )
    hardest = out[out.index("Hardest questions") :].splitlines()[1:]
    # Worked out in tests/core/test_class_report.py: q4 40 % (D 75.8), q1 60 % (D 49.7).
    assert hardest[0].split()[:3] == ["40%", "76%", "5"]
    assert hardest[0].endswith("p/q4: Who was the Soviet leader?")
    assert hardest[1] == "                     wrong answers: Brezhnev x2, Gromyko x1"
    assert hardest[2].split()[:4] == ["60%", "50%", "5", "p/q1:"]
    assert hardest[3] == "                     wrong picks: C x3, B x2"
    assert "(1 question answered by fewer than 5 learners" in out


def test_one_bad_file_does_not_sink_the_report(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    code, out, err = run(capsys, "--data-dir", str(data), "report", "class", str(bad))
    assert code == 1 and out == ""
    assert f"crisisquiz: {bad} is left out: not a crisisquiz results file" in err
    assert err.endswith("crisisquiz: error: no results to report on: 1 file given, none usable\n")
    assert "Traceback" not in err
    ana = tmp_path / "ana.json"
    export(capsys, data, "Ana", ana)
    code, out, err = run(capsys, "--data-dir", str(data), "report", "class", str(bad), str(ana))
    assert code == 0
    assert out.startswith("Class report: 1 learner,")
    assert f"  left out {bad}: not a crisisquiz results file" in out
    assert f"crisisquiz: {bad} is left out:" in err


def test_class_report_needs_a_class_or_files(
    capsys: pytest.CaptureFixture[str], data: Path
) -> None:
    code, _, err = run(capsys, "--data-dir", str(data), "report", "class")
    assert code == 1 and "name a class of this computer with --class NAME" in err
    code, _, err = run(capsys, "--data-dir", str(data), "report", "class", "--class", "9Z")
    assert code == 1 and "no class named '9Z'" in err
    with pytest.raises(SystemExit):
        main(["--data-dir", str(data), "report", "class", "--class", "x", "--since", "May"])
    assert "'May' is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err


def test_a_class_on_this_computer_reports_as_its_exported_files_do(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    assert main(["--data-dir", str(data), "class", "add", "9H"]) == 0
    assert main(["--data-dir", str(data), "class", "enrol", "9H", "Ana", "Ben"]) == 0
    ana, ben = tmp_path / "ana.json", tmp_path / "ben.json"
    export(capsys, data, "Ana", ana)
    export(capsys, data, "Ben", ben)
    since = ["--since", "2026-02-20", "--pack", "test-pack"]
    code, from_db, err = run(
        capsys, "--data-dir", str(data), "report", "class", "--class", "9H",
        "--csv", str(tmp_path / "db.csv"), *since,
    )  # fmt: skip
    assert code == 0, err
    code, from_files, err = run(
        capsys, "--data-dir", str(data), "report", "class", str(ana), str(ben),
        "--csv", str(tmp_path / "files.csv"), *since,
    )  # fmt: skip
    assert code == 0, err
    assert from_db == from_files
    assert "answers since 2026-02-20 00:00, pack test-pack" in from_db
    for name in ("learners", "questions", "answers"):
        assert (tmp_path / f"db-{name}.csv").read_bytes() == (
            tmp_path / f"files-{name}.csv"
        ).read_bytes()


def test_class_report_pdf(
    capsys: pytest.CaptureFixture[str],
    data: Path,
    tmp_path: Path,
    qapp: object,  # the application Qt's text layout needs, made before the command runs
) -> None:
    ana = tmp_path / "ana.json"
    export(capsys, data, "Ana", ana)
    pdf = tmp_path / "class.pdf"
    code, _, err = run(
        capsys,
        "--data-dir",
        str(data),
        "report",
        "class",
        str(ana),
        "--pdf",
        str(pdf),
        "--page-size",
        "letter",
    )
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    assert b"/MediaBox [0 0 612" in pdf.read_bytes()
