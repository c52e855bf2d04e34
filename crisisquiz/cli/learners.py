"""``crisisquiz learner ...``: add, list, rename, remove and configure learner profiles."""

from __future__ import annotations

import argparse
import json
from datetime import date

from crisisquiz.cli.context import UserError, confirm
from crisisquiz.cli.terminal_study import local_zone
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.exams import ExamForecast, ExamService
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.packs import PackService
from crisisquiz.resources import BUILTIN_PACK_ID


def _yes_no(text: str) -> bool:
    """``yes``/``no`` (also ``y``/``n``, ``true``/``false``, ``on``/``off``) as a bool."""
    word = text.strip().lower()
    if word in {"yes", "y", "true", "on", "1"}:
        return True
    if word in {"no", "n", "false", "off", "0"}:
        return False
    raise argparse.ArgumentTypeError(f"expected yes or no, got {text!r}")


def _day(text: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date written YYYY-MM-DD (such as 2026-12-14), got {text!r}"
        ) from None


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``learner`` command and its subcommands."""
    learner = commands.add_parser(
        "learner",
        help="add, list, rename, remove or configure learners",
        description="Work with learner profiles. Each learner has their own schedule, "
        "history and settings.",
    )
    sub = learner.add_subparsers(dest="learner_command", metavar="COMMAND", required=True)

    add = sub.add_parser("add", help="add a learner", description="Add a learner profile.")
    add.add_argument("name", metavar="NAME", help="the learner's name (quote it if it has spaces)")
    add.set_defaults(handler=_add)

    listing = sub.add_parser(
        "list",
        help="list learners and their settings",
        description="List learners with their study settings.",
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_list)

    rename = sub.add_parser("rename", help="rename a learner", description="Rename a learner.")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(handler=_rename)

    remove = sub.add_parser(
        "remove",
        help="remove a learner and all their progress",
        description="Remove a learner, their schedule, answers and quiz results.",
    )
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    remove.set_defaults(handler=_remove)

    settings = sub.add_parser(
        "set",
        help="change a learner's study settings",
        description="Change a learner's study settings; with no option, show them.",
    )
    settings.add_argument("name", metavar="NAME")
    settings.add_argument(
        "--retention",
        type=float,
        metavar="R",
        help="desired retention, the chance of recalling a question when it comes due "
        "(0.70 to 0.97; default 0.90)",
    )
    settings.add_argument(
        "--new-per-day",
        type=int,
        metavar="N",
        help="new questions a day (0 to 500; default 15)",
    )
    settings.add_argument(
        "--rollover-hour",
        type=int,
        metavar="H",
        help="local hour at which a new study day begins (0 to 23; default 4)",
    )
    settings.add_argument(
        "--quiz-counts-as-review",
        type=_yes_no,
        metavar="yes|no",
        help="whether quiz answers also move the study schedule (default no)",
    )
    settings.add_argument(
        "--exam-date",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the day of an exam on a pack: until then study is planned for the best "
        "score on that day",
    )
    settings.add_argument(
        "--minutes-per-day",
        type=int,
        metavar="N",
        help="with --exam-date: minutes a day to study for it (default: as many as the plan needs)",
    )
    settings.add_argument(
        "--pack",
        metavar="PACK_ID",
        help="the pack the exam is on (default: the built-in pack, or the only one installed)",
    )
    settings.add_argument(
        "--no-exam", action="store_true", help="remove the exam date (of --pack, or every one)"
    )
    settings.set_defaults(handler=_set)


def _describe(learner: Learner) -> str:
    quiz = (
        "quiz answers count as reviews"
        if learner.quiz_counts_as_review
        else ("quizzes leave the schedule alone")
    )
    return (
        f"retention {learner.desired_retention:.2f}, {learner.new_per_day} new a day, "
        f"day starts at {learner.day_rollover_hour:02d}:00, {quiz}"
    )


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    learner = LearnerService(ctx.database).create(args.name, now=ctx.clock())
    print(f"Added learner {learner.name!r}: {_describe(learner)}.")
    return 0


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    learners = LearnerService(ctx.database).list()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": learner.name,
                        "id": str(learner.uid),
                        "desired_retention": learner.desired_retention,
                        "new_per_day": learner.new_per_day,
                        "day_rollover_hour": learner.day_rollover_hour,
                        "quiz_counts_as_review": learner.quiz_counts_as_review,
                        "created_at": learner.created_at.isoformat(),
                    }
                    for learner in learners
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not learners:
        print("No learners yet. Add one with: crisisquiz learner add NAME")
        return 0
    rows = [("NAME", "RETENTION", "NEW/DAY", "DAY STARTS", "QUIZ = REVIEW")] + [
        (
            learner.name,
            f"{learner.desired_retention:.2f}",
            str(learner.new_per_day),
            f"{learner.day_rollover_hour:02d}:00",
            "yes" if learner.quiz_counts_as_review else "no",
        )
        for learner in learners
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            f"{row[0]:<{widths[0]}}",
            f"{row[1]:>{widths[1]}}",
            f"{row[2]:>{widths[2]}}",
            f"{row[3]:>{widths[3]}}",
            row[4],
        ]
        print("  ".join(cells))
    return 0


def _rename(args: argparse.Namespace, ctx: AppContext) -> int:
    service = LearnerService(ctx.database)
    old = service.by_name(args.old).name
    learner = service.rename(args.old, args.new)
    print(f"Renamed {old!r} to {learner.name!r}.")
    return 0


def _remove(args: argparse.Namespace, ctx: AppContext) -> int:
    service = LearnerService(ctx.database)
    name = service.by_name(args.name).name  # an unknown name fails before any question
    if not args.yes and not confirm(
        f"Remove learner {name!r} and all their progress?",
        refusal="removing a learner deletes all their progress; add --yes to confirm",
    ):
        print("Nothing removed.")
        return 0
    service.remove(name)
    print(f"Removed learner {name!r}.")
    return 0


def _set(args: argparse.Namespace, ctx: AppContext) -> int:
    service = LearnerService(ctx.database)
    learner = service.by_name(args.name)
    changes = {
        "desired_retention": args.retention,
        "new_per_day": args.new_per_day,
        "day_rollover_hour": args.rollover_hour,
        "quiz_counts_as_review": args.quiz_counts_as_review,
    }
    exams = ExamService(ctx.database, tz=local_zone())
    if args.minutes_per_day is not None and args.exam_date is None:
        raise UserError("--minutes-per-day goes with --exam-date: give the exam's day too")
    if args.no_exam and args.exam_date is not None:
        raise UserError("--no-exam and --exam-date go against each other: give one of them")
    exam_change = args.exam_date is not None or args.no_exam
    if all(value is None for value in changes.values()) and not exam_change:
        print(f"{learner.name}: {_describe(learner)}.")
        for forecast in exams.forecasts(learner.id, now=ctx.clock()):
            print(describe_exam(forecast))
        return 0
    if exam_change:
        _change_exam(args, ctx, exams, learner)
    if all(value is None for value in changes.values()):
        return 0
    updated = service.update_settings(
        learner.id,
        desired_retention=args.retention,
        new_per_day=args.new_per_day,
        day_rollover_hour=args.rollover_hour,
        quiz_counts_as_review=args.quiz_counts_as_review,
    )
    print(f"Updated {updated.name}: {_describe(updated)}.")
    return 0


def _change_exam(
    args: argparse.Namespace, ctx: AppContext, exams: ExamService, learner: Learner
) -> None:
    now = ctx.clock()
    if args.no_exam:
        packs = [args.pack] if args.pack else [p.pack_id for p in exams.plans(learner.id, now=now)]
        removed = [pack for pack in packs if exams.clear(learner.id, pack)]
        if removed:
            print(
                f"Removed the exam on {', '.join(removed)}: {learner.name}'s schedule is as usual."
            )
        else:
            print(f"{learner.name} has no exam date set.")
        return
    pack_id = args.pack
    if pack_id is None:
        installed = [summary.id for summary in PackService(ctx.database).list_packs()]
        if len(installed) == 1:
            pack_id = installed[0]
        elif BUILTIN_PACK_ID in installed:
            pack_id = BUILTIN_PACK_ID  # the pack the app is about; --pack names another
        else:
            names = ", ".join(installed) or "none"
            raise UserError(f"say which pack the exam is on with --pack (installed: {names})")
    exams.set(learner.id, pack_id, args.exam_date, minutes_per_day=args.minutes_per_day, now=now)
    for forecast in exams.forecasts(learner.id, now=now):
        if forecast.plan.pack_id == pack_id:
            print(describe_exam(forecast))


def describe_exam(forecast: ExamForecast) -> str:
    """An exam plan's forecast in a few lines, for a terminal."""
    plan = forecast.plan
    days = "1 day" if forecast.days_left == 1 else f"{forecast.days_left} days"
    budget = ""
    if forecast.over_budget:
        budget = (
            f" (more than the {plan.minutes_per_day} you gave: every question has to be "
            "started before the exam)"
        )
    elif plan.minutes_per_day is not None:
        budget = f" (within the {plan.minutes_per_day} you gave)"
    lines = [
        f"Exam on {plan.pack_title} on {plan.exam_day:%A %Y-%m-%d}, in {days}.",
        f"  Predicted exam-day score: {forecast.now:.0%} now, {forecast.with_plan:.0%} if "
        "you keep to the plan.",
        f"  The plan needs about {forecast.minutes_needed} minutes a day{budget}.",
    ]
    if forecast.unseen:
        lines.append(
            f"  It starts about {forecast.new_a_day} new questions a day until all "
            f"{forecast.unseen} unseen ones are started."
        )
    return "\n".join(lines)
