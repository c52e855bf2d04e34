"""``crisisquiz stats``, ``crisisquiz results export`` and ``crisisquiz report class``."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crisisquiz.cli.context import UserError
from crisisquiz.cli.learners import describe_exam
from crisisquiz.cli.teacher_gate import teacher_only
from crisisquiz.cli.terminal_study import local_zone
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.exams import ExamForecast, ExamService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.mastery import MASTERY_EXPLAINED, MASTERY_FOR_TEACHERS
from crisisquiz.core.packs import PackService, UnknownPackError
from crisisquiz.core.stats import Figures, LearnerStats, StatsService, stats_to_json
from crisisquiz.core.words import percent, plural

if TYPE_CHECKING:
    from crisisquiz.core.class_report import ClassReport

# The class report and results modules are imported by the commands that use them: every
# start of the app builds this parser, and the window needs neither.

TITLE_WIDTH = 38


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``stats``, ``results`` and ``report`` commands."""
    stats = commands.add_parser(
        "stats",
        help="a learner's scores per topic",
        description="Show a learner's coverage, accuracy, mastery, due counts and true "
        "retention for every topic.",
    )
    stats.add_argument("--learner", required=True, metavar="NAME", help="the learner's name")
    stats.add_argument("--pack", metavar="PACK_ID", help="only this pack's topics")
    stats.add_argument("--json", action="store_true", help="print every figure as JSON")
    stats.set_defaults(handler=_stats)

    results = commands.add_parser(
        "results",
        help="export a learner's results for a teacher",
        description="Write a learner's answers and scores to a results file for a class report.",
    )
    results_sub = results.add_subparsers(dest="results_command", metavar="COMMAND", required=True)
    export = results_sub.add_parser(
        "export",
        help="write a learner's results file",
        description="Write a learner's answers and per-topic figures as a results file "
        "(JSON) that 'crisisquiz report class' reads.",
    )
    export.add_argument("--learner", required=True, metavar="NAME", help="the learner's name")
    export.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE", help="the file to write"
    )
    export.set_defaults(handler=_export)

    report = commands.add_parser(
        "report",
        help="reports for teachers, from this computer's learners or results files",
        description="Build reports for teachers.",
    )
    report_sub = report.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    klass = report_sub.add_parser(
        "class",
        help="a class report: learner x topic, and item analysis per question",
        description="A class report: mastery and accuracy per learner and topic, per "
        "question the facility and discrimination indices, the wrong choices picked and "
        "the commonest wrong typed answers, and every answer. From a class's learners on "
        "this computer (--class), from learners' results files, or both. A file that "
        "cannot be used is listed with the reason and the others are reported; the exit "
        "status is 1 only when there is nothing to report.",
    )
    klass.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="learners' results files"
    )
    klass.add_argument(
        "--class",
        dest="class_name",
        metavar="NAME",
        help="the learners of this class on this computer, read from its database",
    )
    klass.add_argument("--pack", metavar="PACK_ID", help="only this pack's topics and questions")
    klass.add_argument(
        "--since",
        type=_date,
        metavar="DATE",
        help="only answers given from this day on (YYYY-MM-DD, local time) for accuracy, "
        "the item analysis and the answers listed; mastery always counts every answer",
    )
    klass.add_argument(
        "--csv",
        type=Path,
        metavar="OUT",
        help="also write OUT-learners.csv, OUT-questions.csv and OUT-answers.csv "
        "(for Excel or LibreOffice)",
    )
    klass.add_argument("--pdf", type=Path, metavar="OUT", help="also write a printable PDF")
    klass.add_argument(
        "--page-size", choices=["a4", "letter"], default="a4", help="PDF page size (default a4)"
    )
    klass.add_argument(
        "--json", action="store_true", help="print the whole report as JSON instead of tables"
    )
    klass.set_defaults(handler=teacher_only(_class_report))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-02"
        ) from None


def _stats(args: argparse.Namespace, ctx: AppContext) -> int:
    learner = LearnerService(ctx.database).by_name(args.learner)
    if args.pack is not None and PackService(ctx.database).installed_version(args.pack) is None:
        raise UnknownPackError(f"no pack {args.pack!r} is installed; see 'crisisquiz pack list'")
    now = ctx.clock()
    exams = ExamService(ctx.database, tz=local_zone())
    stats = StatsService(ctx.database).learner_topic_stats(
        learner.id,
        now=now,
        tz=local_zone(),
        pack_id=args.pack,
        exams=exams.exam_moments(learner.id, now=now),
    )
    mastery = {(t.pack_id, t.topic_id): t.figures.mastery for t in stats.topics}
    forecasts = [
        f
        for f in exams.forecasts(learner.id, now=now, mastery=mastery)
        if args.pack is None or f.plan.pack_id == args.pack
    ]
    if args.json:
        data = stats_to_json(stats)
        data["exams"] = [exam_to_json(f) for f in forecasts]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(format_stats(stats))
        for forecast in forecasts:
            print()
            print(describe_exam(forecast))
    return 0


def exam_to_json(forecast: ExamForecast) -> dict[str, Any]:
    """An exam's plan and predictions as JSON-safe values (scores 0..1)."""
    plan = forecast.plan
    return {
        "pack": plan.pack_id,
        "exam_date": plan.exam_day.isoformat(),
        "days_left": forecast.days_left,
        "minutes_per_day": plan.minutes_per_day,
        "minutes_per_day_needed": forecast.minutes_needed,
        "predicted_now": round(forecast.now, 4),
        "predicted_with_plan": round(forecast.with_plan, 4),
        "plan_retention": forecast.retention,
        "new_per_day": forecast.new_a_day,
        "unseen": forecast.unseen,
        "topics": [
            {
                "pack": t.pack_id,
                "topic": t.topic_id,
                "title": t.title,
                "predicted_now": round(t.now, 4),
                "predicted_with_plan": round(t.with_plan, 4),
            }
            for t in forecast.topics
        ],
    }


def format_stats(stats: LearnerStats) -> str:
    """The learner's figures as a table for a terminal."""

    header = (
        "TOPIC",
        "SEEN",
        "COVER",
        "ACC 30D",
        "ACC ALL",
        "MASTERY",
        "DUE NOW",
        "DUE 7D",
        "RETENTION",
    )
    rows: list[tuple[str, ...]] = [header]
    rows += [_stats_row(_clip(t.title), t.figures) for t in stats.topics]
    rows.append(_stats_row("All topics", stats.overall))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells).rstrip()

    lines = [f"{stats.learner_name}: study day {stats.today:%Y-%m-%d}", ""]
    lines += [line(row) for row in rows[:-1]]
    lines += ["-" * len(line(rows[0])), line(rows[-1])]
    finished = stats.quizzes
    if finished:
        last = finished[-1]
        lines += [
            "",
            f"Quizzes finished: {len(finished)}; last on {last.finished_at:%Y-%m-%d}: "
            f"{percent(last.score)}",
        ]
    lines += [
        "",
        f"{MASTERY_EXPLAINED} "
        "Retention: right answers on questions last seen a day or more before.",
    ]
    return "\n".join(lines)


def _stats_row(title: str, f: Figures) -> tuple[str, ...]:

    return (
        title,
        f"{f.seen}/{f.total}",
        percent(f.coverage),
        percent(f.accuracy_30d),
        percent(f.accuracy),
        percent(f.mastery),
        str(f.due_now),
        str(f.due_7d),
        percent(f.true_retention),
    )


def _aligned(row: Sequence[str], widths: Sequence[int]) -> str:
    # The first column (names) reads best left-aligned, numbers right-aligned.
    cells = [row[0].ljust(widths[0])]
    cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
    return "  ".join(cells).rstrip()


def _clip(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    from crisisquiz.core.results import ResultsError, export_results, write_results

    learner = LearnerService(ctx.database).by_name(args.learner)
    data = export_results(ctx.database, learner.id, now=ctx.clock(), file_id=uuid.uuid4())
    try:
        write_results(data, args.output)
    except ResultsError as exc:
        raise UserError(str(exc)) from None
    count = len(data["answers"])
    print(
        f"Wrote the results of {learner.name} ({count} answer{'s' if count != 1 else ''}) "
        f"to {args.output}",
        file=sys.stderr,
    )
    return 0


def _class_report(args: argparse.Namespace, ctx: AppContext) -> int:
    from crisisquiz.core.class_report import build_class_report
    from crisisquiz.core.class_report_tables import report_to_json, write_class_csv
    from crisisquiz.core.class_sources import (
        class_learner_ids,
        database_results,
        installed_texts,
        load_results_files,
    )

    if args.class_name is None and not args.files:
        raise UserError(
            "name a class of this computer with --class NAME, or give learners' results "
            "files, or both"
        )
    now = ctx.clock()
    tz = local_zone()
    since = None
    if args.since is not None:
        since = datetime.combine(args.since, time(0), tzinfo=tz).astimezone(UTC)
    results = []
    if args.class_name is not None:
        ids = class_learner_ids(ctx.database, args.class_name)
        results += database_results(ctx.database, ids, now=now)
    files, refused = load_results_files(args.files, installed=installed_texts(ctx.database))
    results += files
    for bad in refused:
        print(f"crisisquiz: {bad.source} is left out: {bad.reason}", file=sys.stderr)
    if not results:
        if refused:
            raise UserError(
                f"no results to report on: {plural(len(refused), 'file')} given, none usable"
            )
        raise UserError(f"the class {args.class_name!r} has no learners yet; see 'class enrol'")
    if args.pack is not None:
        known = {p.id for r in results for p in r.data.packs}
        if args.pack not in known:
            raise UserError(
                f"no pack {args.pack!r} in these results (packs: {', '.join(sorted(known))})"
            )
    report = build_class_report(results, now=now, since=since, pack_id=args.pack)
    written: list[Path] = []
    if args.csv is not None:
        try:
            written += write_class_csv(report, args.csv)
        except OSError as exc:
            raise UserError(f"cannot write {args.csv}: {exc.strerror or exc}") from None
    if args.pdf is not None:
        from crisisquiz.gui.report_pdf import (  # Qt is loaded only when a PDF is asked for
            ReportPdfError,
            write_class_report_pdf,
        )

        try:
            write_class_report_pdf(
                report,
                args.pdf,
                page_size=args.page_size,
                generated_at=now,
                tz=tz,
                refused=[(bad.source, bad.reason) for bad in refused],
            )
        except ReportPdfError as exc:
            raise UserError(str(exc)) from None
        except OSError as exc:
            raise UserError(f"cannot write {args.pdf}: {exc.strerror or exc}") from None
        written.append(args.pdf)
    if args.json:
        data = report_to_json(report)
        data["refused"] = [{"source": bad.source, "reason": bad.reason} for bad in refused]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(format_class_report(report, tz=tz, refused=[(b.source, b.reason) for b in refused]))
    for path in written:
        print(f"Wrote {path}", file=sys.stderr)
    return 0


def format_class_report(
    report: ClassReport, *, tz: tzinfo = UTC, refused: Sequence[tuple[str, str]] = ()
) -> str:
    """The learner x topic table, the weakest topics and the hardest questions, for a terminal."""
    from crisisquiz.core.class_report_tables import item_figure, merge_note, percent, scope_line

    lines = [f"Class report: {scope_line(report, tz)}"]
    for source, reason in refused:
        lines.append(f"  left out {source}: {reason.splitlines()[0]}")
    for skipped in report.skipped:
        lines.append(f"  left out {skipped.source}: {skipped.reason}")
    for merged in report.merged:
        lines.append(f"  merged {merge_note(merged)}")
    lines += ["", "Mastery / accuracy per learner and topic (T1... listed below):"]
    header = ["LEARNER"] + [f"T{i + 1}" for i in range(len(report.topics))]
    rows = [header]
    for learner in report.learners:
        rows.append(
            [_clip(learner.name, 24)]
            + [f"{_bare(c.mastery)}/{_bare(c.accuracy)}" for c in learner.cells]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells))
    lines.append("")
    lines += [f"  T{i + 1} {t.title}" for i, t in enumerate(report.topics)]
    enough = report.min_learners
    lines += [
        "",
        f"Weakest topics (mean mastery, mean accuracy; topics {enough} or more learners "
        "have started):",
    ]
    lines += [
        f"  {percent(t.mean_mastery):>4}  {percent(t.mean_accuracy):>4}  {t.topic.title}"
        for t in report.weakest_topics
    ] or ["  none yet"]
    lines += [
        "",
        f"Hardest questions (facility, discrimination, learners; questions {enough} or more "
        "learners answered):",
    ]
    for q in report.hardest:
        lines.append(
            f"  {item_figure(q, q.facility_pct):>4}  {item_figure(q, q.discrimination_pct):>4}  "
            f"{q.learners:>3}  {q.pack_id}/{q.question_id}: {_clip(q.prompt, 60)}"
        )
        if q.wrong_choices:
            picked = ", ".join(f"{c.choice} x{c.picks}" for c in q.wrong_choices if c.picks)
            lines.append(f"{'':21}wrong picks: {picked or 'none'}")
        if q.wrong_typed:
            typed = ", ".join(f"{t.text} x{t.count}" for t in q.wrong_typed[:3])
            lines.append(f"{'':21}wrong answers: {typed}")
    if not report.hardest:
        lines.append(f"  none: no question has been answered by {enough} learners yet")
    few = sum(1 for q in report.questions if q.learners and not q.enough_learners)
    if few:
        lines.append(
            f"  ({plural(few, 'question')} answered by fewer than {enough} learners: "
            "too few answers for facility and discrimination)"
        )
    lines += ["", MASTERY_FOR_TEACHERS]
    return "\n".join(lines)


def _bare(value: float | None) -> str:
    return "-" if value is None else str(round(value * 100))


__all__ = ["format_class_report", "format_stats", "register"]
