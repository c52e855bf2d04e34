"""The class report as a PDF: A4 or Letter, several pages when the class is large."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from crisisquiz.core.class_report import ClassReport, build_class_report
from crisisquiz.core.results import parse_results
from crisisquiz.gui.report_pdf import (
    ReportPdfError,
    class_report_html,
    heat_colour,
    write_class_report_pdf,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the Qt application starts

EXPORTED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def learner_file(index: int, right: bool) -> dict[str, Any]:
    """A one-question results file; learners alternate between right and wrong."""
    figures = {
        "total": 1,
        "seen": 1,
        "coverage": 1.0,
        "answers": 1,
        "correct": int(right),
        "accuracy": float(right),
        "answers_30d": 1,
        "correct_30d": int(right),
        "accuracy_30d": float(right),
        "mastery": 0.9 if right else 0.2,
        "due_now": 0,
        "due_7d": 1,
        "mature": 0,
        "mature_correct": 0,
        "true_retention": None,
        "reviews_per_day_30d": 1 / 30,
        "time_ms": 900,
    }
    return {
        "format": "crisisquiz-results",
        "version": 2,
        "file_id": f"00000000-0000-4000-8000-{index:012d}",
        "learner": f"Learner <{index}> & co",
        "learner_id": f"00000000-0000-4000-9000-{index:012d}",
        "exported_at": EXPORTED.isoformat(),
        "app_version": "0.1.0",
        "packs": [
            {
                "id": "p",
                "version": "1.0.0",
                "title": "Pack",
                "topics": [{"id": "t", "title": "Origins"}],
            }
        ],
        "questions": [
            {
                "pack_id": "p",
                "question_id": "q",
                "topic_id": "t",
                "type": "multiple_choice",
                "prompt": "Who?",
                "choices": ["A", "B"],
                "correct_choices": ["A"],
            }
        ],
        "answers": [
            {
                "pack_id": "p",
                "question_id": "q",
                "topic_id": "t",
                "time": (EXPORTED - timedelta(days=1)).isoformat(),
                "correct": right,
                "score": float(right),
                "response": {"value": "A" if right else "B"},
                "response_ms": 900,
                "kind": "study",
            }
        ],
        "summary": {
            "topics": [{"pack_id": "p", "topic_id": "t", "title": "Origins", **figures}],
            "overall": figures,
            "quizzes": [],
        },
    }


def class_of(size: int) -> ClassReport:
    files = [parse_results(learner_file(i, i % 2 == 0), source=f"{i}.json") for i in range(size)]
    return build_class_report(files)


def page_boxes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.mark.parametrize(("size", "points"), [("a4", (595.0, 842.0)), ("letter", (612.0, 792.0))])
def test_pdf_page_size(
    qapp: QApplication, tmp_path: Path, size: str, points: tuple[float, float]
) -> None:
    path = tmp_path / f"class-{size}.pdf"
    pages = write_class_report_pdf(class_of(3), path, page_size=size)  # type: ignore[arg-type]
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pages == 1
    boxes = page_boxes(pdf)
    assert len(boxes) == pages
    # A4 is 210 x 297 mm = 595.3 x 841.9 pt; Letter 8.5 x 11 in = 612 x 792 pt.
    for width, height in boxes:
        assert width == pytest.approx(points[0], abs=1)
        assert height == pytest.approx(points[1], abs=1)


def test_a_large_class_runs_over_several_pages(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    pages = write_class_report_pdf(class_of(120), path, generated_at=EXPORTED)
    assert pages > 1
    assert len(page_boxes(path.read_bytes())) == pages


def test_unknown_page_size(qapp: QApplication, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="page size"):
        write_class_report_pdf(class_of(1), tmp_path / "x.pdf", page_size="a3")  # type: ignore[arg-type]
    assert not (tmp_path / "x.pdf").exists()


def test_html_shows_numbers_as_well_as_colours() -> None:
    markup = class_report_html(class_of(2), generated_at=EXPORTED)
    # Mastery 90 % and 20 %: each cell carries its number, names are escaped.
    assert "<b>90%</b>" in markup and "<b>20%</b>" in markup
    assert "Learner &lt;0&gt; &amp; co" in markup
    assert "Made 2026-03-02 12:00 UTC." in markup
    assert "B: 1 (1 learner)" in markup


def test_heat_colours_run_from_red_to_green() -> None:
    low, middle, high = heat_colour(0.0), heat_colour(0.5), heat_colour(1.0)
    red = int(low[1:3], 16), int(low[3:5], 16)
    green = int(high[1:3], 16), int(high[3:5], 16)
    assert red[0] > red[1] and green[1] > green[0]
    assert middle not in (low, high)
    assert heat_colour(-1) == low and heat_colour(2) == high


def test_a_missing_folder_is_reported(qapp: QApplication, tmp_path: Path) -> None:
    with pytest.raises(ReportPdfError, match="does not exist"):
        write_class_report_pdf(class_of(1), tmp_path / "absent" / "class.pdf")


def test_long_titles_prompts_and_names_are_cut_short_in_the_pdf(
    qapp: QApplication, tmp_path: Path
) -> None:
    files = []
    for i in range(3):
        data = learner_file(i, i % 2 == 0)
        data["packs"][0]["topics"][0]["title"] = "Origins " + "T" * 990  # within the file's limits
        data["summary"]["topics"][0]["title"] = "Origins " + "T" * 990
        data["questions"][0]["prompt"] = "Who " + "Q" * 9990
        data["learner"] = "N" * 200
        files.append(parse_results(data, source=f"{i}.json"))
    report = build_class_report(files)
    markup = class_report_html(report)
    assert "T" * 100 not in markup and "Q" * 400 not in markup and "N" * 70 not in markup
    assert "…" in markup
    path = tmp_path / "long.pdf"
    pages = write_class_report_pdf(report, path)
    assert pages <= 3
    assert path.stat().st_size < 2_000_000
