"""The class report as a PDF: A4 or Letter, several pages when the class is large."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from results_builder import BODIES, EXPORTED, results_data, results_file

from crisisquiz.core.class_report import ClassReport, build_class_report
from crisisquiz.core.results import parse_results
from crisisquiz.gui.report_pdf import (
    ReportPdfError,
    class_report_html,
    heat_colour,
    write_class_report_pdf,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the Qt application starts


def class_of(size: int) -> ClassReport:
    """A class answering q1 once each: the even learners right, the odd ones B (wrong)."""
    files = [
        results_file(f"Learner <{i}> & co", [("q1", "A" if i % 2 == 0 else "B")], file_id=i)
        for i in range(size)
    ]
    return build_class_report(files, now=EXPORTED + timedelta(hours=12))


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
    assert pages >= 1
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
    # Topic one holds q1 and q2. Mastery, 8 days after a first answer to q1 and none to
    # q2: right (Good) (1 + 0.98035 * 8 / 2.3065) ** -0.1542 / 2 = 0.398 -> 40 %; wrong
    # (Again, stability 0.212) 0.571 / 2 -> 29 %. Each cell carries its number.
    assert "<b>40%</b>" in markup and "<b>29%</b>" in markup
    assert "Learner &lt;0&gt; &amp; co" in markup  # names are escaped
    assert "Made 2026-03-02 12:00." in markup
    assert "2 learners, 1 of 4 questions in the packs answered, 1 topic" in markup
    assert "B: 1 (1 learner)" in markup
    # Two learners are too few for item statistics, and the report says so.
    assert "too few answers" in markup


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
    long_prompt = {**BODIES["q1"], "prompt": "Who " + "Q" * 3990}  # within the pack's limits
    for i in range(3):
        data = results_data(
            f"{i}",
            [("q1", "A" if i % 2 == 0 else "B")],
            file_id=i,
            bodies={**BODIES, "q1": long_prompt},
        )
        data["packs"][0]["topics"][0]["title"] = "Origins " + "T" * 990  # within the file's limits
        data["summary"]["topics"][0]["title"] = "Origins " + "T" * 990
        data["learner"] = "N" * 200
        files.append(parse_results(data, source=f"{i}.json"))
    report = build_class_report(files, now=EXPORTED)
    markup = class_report_html(report)
    assert "T" * 100 not in markup and "Q" * 400 not in markup and "N" * 70 not in markup
    assert "…" in markup
    path = tmp_path / "long.pdf"
    pages = write_class_report_pdf(report, path)
    assert pages <= 3
    assert path.stat().st_size < 2_000_000
