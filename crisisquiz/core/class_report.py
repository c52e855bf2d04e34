"""A class report from learners' results files: scores per topic and item analysis.

Answers are matched on (pack id, question id), so files exported from different
versions of a pack fit together; a question's text, topic and answer key come
from the newest pack version among the files. Item analysis follows Moodle's
quiz statistics, with each learner's latest answer to a question as their item
score (0..1):

- facility index F = mean item score / maximum score, as a percentage;
- discrimination index D = Pearson correlation, as a percentage, between the
  item score and the learner's score on the rest of the test (their mean item
  score over the *other* questions they answered). D is None with fewer than
  two learners (who also answered something else) or when either score does
  not vary.

Wrong choices are counted over every answer (repeats included), with how many
learners picked each. In the learner x topic table, mastery is the learner's own
figure from their file and accuracy is worked out from the answers listed
(study and quiz). Topics no learner has started are left out of the table.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from crisisquiz.core.pack_schema import QuestionType, VersionKey, version_key
from crisisquiz.core.results import ResultsAnswer, ResultsFile, ResultsQuestion
from crisisquiz.core.stats import jsonable

QuestionKey = tuple[str, str]  # (pack id, question id)
TopicKey = tuple[str, str]  # (pack id, topic id)

_CHOICE_TYPES = (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTI_SELECT)


@dataclass(frozen=True)
class ReportTopic:
    """A topic as the report shows it."""

    pack_id: str
    topic_id: str
    title: str


@dataclass(frozen=True)
class TopicCell:
    """One learner on one topic. Ratios 0..1; None when there is nothing to show."""

    mastery: float | None  # from the learner's own figures (FSRS predicted recall)
    accuracy: float | None  # right answers / answers, study and quiz, in the files
    answers: int
    seen: int  # questions of the topic the learner has studied, from their figures


@dataclass(frozen=True)
class LearnerResult:
    """A learner's row of the learner x topic table; ``cells`` follow ``ClassReport.topics``.

    ``name`` is as shown: the learner's name, followed by the start of their id when
    another learner in the report has the same name.
    """

    name: str
    learner_id: str
    sources: tuple[str, ...]  # the files (several when merged), newest first
    exported_at: datetime  # of the newest file
    questions_answered: int
    mean_score: float | None  # mean of their latest scores, 0..1
    cells: tuple[TopicCell, ...]


@dataclass(frozen=True)
class ChoiceCount:
    """How often a wrong choice was picked: every answer, and by how many learners."""

    choice: str
    picks: int
    learners: int


@dataclass(frozen=True)
class QuestionReport:
    """Item analysis of one question."""

    pack_id: str
    question_id: str
    topic_id: str
    topic_title: str
    type: str
    prompt: str
    retired: bool  # not in the newest pack version among the files
    learners: int  # learners who answered it
    answers: int  # every answer, repeats included
    facility_pct: float | None
    discrimination_pct: float | None
    wrong_choices: tuple[ChoiceCount, ...]  # multiple_choice / multi_select only


@dataclass(frozen=True)
class TopicReport:
    """A topic across the class: the mean of the learners who have it."""

    topic: ReportTopic
    learners: int
    mean_mastery: float | None
    mean_accuracy: float | None


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the report, and why."""

    source: str
    file_id: str
    learner: str
    reason: str


@dataclass(frozen=True)
class MergedLearner:
    """Files of one learner (the same learner id) that the report took as one."""

    name: str
    learner_id: str
    sources: tuple[str, ...]
    answers: int  # distinct answers after merging
    repeated: int  # answers found in more than one of the files, counted once


@dataclass(frozen=True)
class ClassReport:
    """The whole class report."""

    topics: tuple[ReportTopic, ...]
    learners: tuple[LearnerResult, ...]
    questions: tuple[QuestionReport, ...]
    topic_summaries: tuple[TopicReport, ...]
    hardest: tuple[QuestionReport, ...]  # lowest facility, at least 2 learners
    weakest_topics: tuple[TopicReport, ...]  # lowest mean mastery
    skipped: tuple[SkippedFile, ...]
    merged: tuple[MergedLearner, ...] = ()


def build_class_report(
    files: Sequence[ResultsFile], *, hardest: int = 10, weakest: int = 5
) -> ClassReport:
    """Gather results files into a class report.

    A file given twice (same file id) counts once and is listed in ``skipped``.
    Files of the same learner (the same learner id: exports from two computers, or
    two exports over time) are merged: their answers united, each answer counted
    once, and listed in ``merged``. Learners are people, not names: two learners
    with one name stay two, told apart by the start of their ids.
    """
    kept, skipped = _deduplicate(files)
    groups = _group_by_learner(kept)
    catalogue, live = _catalogue(kept)
    every_topic = _topics(kept, catalogue)
    topic_index = {(t.pack_id, t.topic_id): i for i, t in enumerate(every_topic)}
    titles = {(t.pack_id, t.topic_id): t.title for t in every_topic}

    given = [_distinct_answers(a for f in group for a in f.data.answers) for group in groups]
    latest = [_latest_answers(answers) for answers in given]
    names = _display_names(groups)
    every_learner = [
        _learner_result(group, name, answers, last, catalogue, topic_index, len(every_topic))
        for group, name, answers, last in zip(groups, names, given, latest, strict=True)
    ]
    merged = tuple(
        MergedLearner(
            name=name,
            learner_id=str(group[0].learner_id),
            sources=tuple(f.source for f in group),
            answers=len(answers),
            repeated=sum(len(_distinct_answers(f.data.answers)) for f in group) - len(answers),
        )
        for group, name, answers in zip(groups, names, given, strict=True)
        if len(group) > 1
    )
    # Topics nobody has started would fill the table with zeros and crowd out the
    # weakest topics the class is actually working on; they are left out.
    active = [
        i
        for i in range(len(every_topic))
        if any(row.cells[i].answers or row.cells[i].seen for row in every_learner)
    ] or list(range(len(every_topic)))
    topics = tuple(every_topic[i] for i in active)
    learners = tuple(
        replace(row, cells=tuple(row.cells[i] for i in active)) for row in every_learner
    )
    every: dict[QuestionKey, list[tuple[int, ResultsAnswer]]] = defaultdict(list)
    for index, answers in enumerate(given):
        for a in answers:
            every[(a.pack_id, a.question_id)].append((index, a))
    totals = [(sum(a.score for a in answers.values()), len(answers)) for answers in latest]
    questions = tuple(
        _question_report(key, question, key not in live, every.get(key, []), latest, totals, titles)
        for key, question in catalogue.items()
    )
    summaries = tuple(_topic_report(i, topic, learners) for i, topic in enumerate(topics))
    order = {key: i for i, key in enumerate(catalogue)}
    ranked = sorted(
        (q for q in questions if q.learners >= 2 and q.facility_pct is not None and not q.retired),
        key=lambda q: (q.facility_pct, -q.learners, order[(q.pack_id, q.question_id)]),
    )
    weakest_topics = sorted(
        (t for t in summaries if t.mean_mastery is not None),
        key=lambda t: (t.mean_mastery, topic_index[(t.topic.pack_id, t.topic.topic_id)]),
    )
    return ClassReport(
        topics=topics,
        learners=learners,
        questions=questions,
        topic_summaries=summaries,
        hardest=tuple(ranked[:hardest]),
        weakest_topics=tuple(weakest_topics[:weakest]),
        skipped=tuple(skipped),
        merged=merged,
    )


def _deduplicate(files: Sequence[ResultsFile]) -> tuple[list[ResultsFile], list[SkippedFile]]:
    skipped: list[SkippedFile] = []
    by_id: dict[str, ResultsFile] = {}
    for f in files:
        file_id = str(f.file_id)
        first = by_id.setdefault(file_id, f)
        if first is not f:
            reason = f"the same file as {first.source}"
            skipped.append(SkippedFile(f.source, file_id, f.learner, reason))
    return list(by_id.values()), skipped


def _group_by_learner(files: Sequence[ResultsFile]) -> list[list[ResultsFile]]:
    """The files of each learner, newest export first; learners in order of first file."""
    groups: dict[str, list[ResultsFile]] = {}
    for f in files:
        groups.setdefault(str(f.learner_id), []).append(f)
    return [
        sorted(group, key=lambda f: f.data.exported_at, reverse=True) for group in groups.values()
    ]


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _display_names(groups: Sequence[Sequence[ResultsFile]]) -> list[str]:
    """Each learner's name (from their newest file), with the start of their id when shared.

    The id is shown to 4 characters, more when two learners of one name share those.
    """
    names = [group[0].learner for group in groups]
    ids = [group[0].learner_id.hex for group in groups]
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        by_name[_name_key(name)].append(i)
    shown = list(names)
    for indexes in by_name.values():
        if len(indexes) < 2:
            continue
        width = 4
        while len({ids[i][:width] for i in indexes}) < len(indexes):
            width += 2
        for i in indexes:
            shown[i] = f"{names[i]} ({ids[i][:width]})"
    return shown


_Stamp = tuple[VersionKey, datetime]  # (pack version, exported at)


def _catalogue(
    files: Sequence[ResultsFile],
) -> tuple[dict[QuestionKey, ResultsQuestion], set[QuestionKey]]:
    """Each question once, as the newest pack version has it; and the ones live in it.

    Ordered by pack, then as the newest file lists them (questions only older
    versions had come after).
    """
    listings: list[tuple[_Stamp, int, int, ResultsQuestion]] = []
    newest: dict[str, _Stamp] = {}
    for index, f in enumerate(files):
        versions = {p.id: (version_key(p.version), f.data.exported_at) for p in f.data.packs}
        for pack_id, stamp in versions.items():
            newest[pack_id] = max(newest.get(pack_id, stamp), stamp)
        listings += [(versions[q.pack_id], index, -n, q) for n, q in enumerate(f.data.questions)]
    # Newest first, each file in its own order: the first listing seen of a question wins.
    listings.sort(key=lambda item: item[:3], reverse=True)
    catalogue: dict[QuestionKey, ResultsQuestion] = {}
    live: set[QuestionKey] = set()
    for stamp, _index, _n, q in listings:
        key = (q.pack_id, q.question_id)
        catalogue.setdefault(key, q)
        if not q.retired and stamp[0] == newest[q.pack_id][0]:
            live.add(key)
    ordered = dict(sorted(catalogue.items(), key=lambda item: item[0][0]))
    return ordered, live


def _topics(
    files: Sequence[ResultsFile], catalogue: dict[QuestionKey, ResultsQuestion]
) -> tuple[ReportTopic, ...]:
    """Every topic, by pack title, in the newest pack version's order."""
    newest: dict[str, tuple[_Stamp, str]] = {}
    lists: dict[str, list[ReportTopic]] = {}
    for f in files:
        for p in f.data.packs:
            stamp = (version_key(p.version), f.data.exported_at)
            if p.id not in newest or stamp > newest[p.id][0]:
                newest[p.id] = (stamp, p.title)
                lists[p.id] = [ReportTopic(p.id, t.id, t.title) for t in p.topics]
    # Topics an older version had (or only retired questions name) still hold answers.
    for f in files:
        for p in f.data.packs:
            known = {t.topic_id for t in lists[p.id]}
            lists[p.id] += [ReportTopic(p.id, t.id, t.title) for t in p.topics if t.id not in known]
    for q in catalogue.values():
        if q.pack_id in lists and q.topic_id not in {t.topic_id for t in lists[q.pack_id]}:
            lists[q.pack_id].append(ReportTopic(q.pack_id, q.topic_id, q.topic_id))
    order = sorted(newest, key=lambda pack_id: (newest[pack_id][1], pack_id))
    return tuple(topic for pack_id in order for topic in lists[pack_id])


def _distinct_answers(answers: Iterable[ResultsAnswer]) -> list[ResultsAnswer]:
    """The answers with each one given once.

    A quiz answer that also counts as a review is stored twice (as "quiz" and as
    "study", same question, time and response); counted twice it would weigh double.
    """
    seen: set[tuple[str, str, datetime, str]] = set()
    distinct = []
    for a in answers:
        identity = (a.pack_id, a.question_id, a.time, json.dumps(a.response, sort_keys=True))
        if identity not in seen:
            seen.add(identity)
            distinct.append(a)
    return distinct


def _latest_answers(answers: Iterable[ResultsAnswer]) -> dict[QuestionKey, ResultsAnswer]:
    latest: dict[QuestionKey, ResultsAnswer] = {}
    for answer in answers:  # listed in time order; of two at the same time the later wins
        key = (answer.pack_id, answer.question_id)
        if key not in latest or answer.time >= latest[key].time:
            latest[key] = answer
    return latest


def _learner_result(
    group: Sequence[ResultsFile],
    name: str,
    given: Sequence[ResultsAnswer],
    latest: dict[QuestionKey, ResultsAnswer],
    catalogue: dict[QuestionKey, ResultsQuestion],
    topic_index: dict[TopicKey, int],
    topic_count: int,
) -> LearnerResult:
    answers = [0] * topic_count
    right = [0] * topic_count
    for a in given:
        question = catalogue[(a.pack_id, a.question_id)]
        i = topic_index.get((question.pack_id, question.topic_id))
        if i is not None:
            answers[i] += 1
            right[i] += a.correct
    mastery: dict[int, float] = {}
    seen: dict[int, int] = {}
    newest = group[0]
    for s in newest.data.summary.topics:
        i = topic_index.get((s.pack_id, s.topic_id))
        if i is not None:
            mastery[i], seen[i] = s.mastery, s.seen
    cells = tuple(
        TopicCell(
            mastery=mastery.get(i),
            accuracy=right[i] / answers[i] if answers[i] else None,
            answers=answers[i],
            seen=seen.get(i, 0),
        )
        for i in range(topic_count)
    )
    scores = [a.score for a in latest.values()]
    return LearnerResult(
        name=name,
        learner_id=str(newest.learner_id),
        sources=tuple(f.source for f in group),
        exported_at=newest.data.exported_at,
        questions_answered=len(scores),
        mean_score=sum(scores) / len(scores) if scores else None,
        cells=cells,
    )


def _question_report(
    key: QuestionKey,
    question: ResultsQuestion,
    retired: bool,
    answers: Sequence[tuple[int, ResultsAnswer]],
    latest: Sequence[dict[QuestionKey, ResultsAnswer]],
    totals: Sequence[tuple[float, int]],
    titles: dict[TopicKey, str],
) -> QuestionReport:
    items: list[float] = []
    pairs: list[tuple[float, float]] = []
    for mine, (total, count) in zip(latest, totals, strict=True):
        if key not in mine:
            continue
        item = mine[key].score
        items.append(item)
        if count > 1:  # a learner who answered nothing else has no rest of the test
            pairs.append((item, (total - item) / (count - 1)))
    return QuestionReport(
        pack_id=key[0],
        question_id=key[1],
        topic_id=question.topic_id,
        topic_title=titles.get((question.pack_id, question.topic_id), question.topic_id),
        type=question.type.value,
        prompt=question.prompt,
        retired=retired,
        learners=len(items),
        answers=len(answers),
        facility_pct=100 * sum(items) / len(items) if items else None,
        discrimination_pct=_pearson_pct(pairs),
        wrong_choices=_wrong_choices(question, answers),
    )


def _pearson_pct(pairs: Sequence[tuple[float, float]]) -> float | None:
    if len(pairs) < 2:
        return None
    n = len(pairs)
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    syy = sum((y - mean_y) ** 2 for _, y in pairs)
    # Scores are multiples of small fractions; a spread this small is rounding, not variance.
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return 100 * sxy / math.sqrt(sxx * syy)


def _wrong_choices(
    question: ResultsQuestion, answers: Sequence[tuple[int, ResultsAnswer]]
) -> tuple[ChoiceCount, ...]:
    if question.type not in _CHOICE_TYPES:
        return ()
    right = set(question.correct_choices)
    picks: dict[str, int] = defaultdict(int)
    pickers: dict[str, set[int]] = defaultdict(set)
    for learner, a in answers:
        for choice in _picked(a.response.get("value")):
            if choice not in right:
                picks[choice] += 1
                pickers[choice].add(learner)
    # Every wrong choice of the question, unpicked ones too (a distractor nobody falls
    # for is worth knowing), then texts only an older version offered.
    names = [c for c in question.choices if c not in right]
    names += [c for c in picks if c not in names]
    counts = [ChoiceCount(c, picks.get(c, 0), len(pickers.get(c, ()))) for c in names]
    position = {c: i for i, c in enumerate(names)}
    return tuple(sorted(counts, key=lambda c: (-c.picks, position[c.choice])))


def _picked(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _topic_report(index: int, topic: ReportTopic, learners: Sequence[LearnerResult]) -> TopicReport:
    cells = [learner.cells[index] for learner in learners]
    masteries = [c.mastery for c in cells if c.mastery is not None]
    accuracies = [c.accuracy for c in cells if c.accuracy is not None]
    return TopicReport(
        topic=topic,
        learners=len(masteries),
        mean_mastery=sum(masteries) / len(masteries) if masteries else None,
        mean_accuracy=sum(accuracies) / len(accuracies) if accuracies else None,
    )


# ---------------------------------------------------------------------------- output


def report_to_json(report: ClassReport) -> dict[str, Any]:
    """The whole report as JSON-safe values (percentages as numbers, times in ISO 8601)."""
    data: dict[str, Any] = jsonable(asdict(report))
    return data


def percent(value: float | None, *, ratio: bool = True) -> str:
    """A figure as a whole-number percentage for people, "-" for no data."""
    if value is None:
        return "-"
    return f"{round(value * 100 if ratio else value)}%"


def _number(value: float | None, *, ratio: bool = True) -> str:
    # Spreadsheets get plain numbers with a dot, one decimal, and an empty cell for none.
    if value is None:
        return ""
    return f"{value * 100 if ratio else value:.1f}"


def learner_topic_rows(report: ClassReport) -> list[list[str]]:
    """The learner x topic table as CSV rows, header first."""
    header = ["Learner", "Exported at (UTC)", "Questions answered", "Mean score %"]
    for t in report.topics:
        header += [f"{t.title} - mastery %", f"{t.title} - accuracy %"]
    rows = [header]
    for learner in report.learners:
        row = [
            learner.name,
            learner.exported_at.strftime("%Y-%m-%d %H:%M"),
            str(learner.questions_answered),
            _number(learner.mean_score),
        ]
        for cell in learner.cells:
            row += [_number(cell.mastery), _number(cell.accuracy)]
        rows.append(row)
    return rows


def question_rows(report: ClassReport) -> list[list[str]]:
    """The per-question table as CSV rows, header first."""
    rows = [
        [
            "Pack",
            "Question",
            "Topic",
            "Type",
            "Prompt",
            "Retired",
            "Learners",
            "Answers",
            "Facility %",
            "Discrimination %",
            "Wrong choices picked",
        ]
    ]
    for q in report.questions:
        rows.append(
            [
                q.pack_id,
                q.question_id,
                q.topic_title,
                q.type,
                q.prompt,
                "yes" if q.retired else "no",
                str(q.learners),
                str(q.answers),
                _number(q.facility_pct, ratio=False),
                _number(q.discrimination_pct, ratio=False),
                wrong_choice_text(q),
            ]
        )
    return rows


def wrong_choice_text(question: QuestionReport) -> str:
    """The wrong choices picked and how often, most picked first, then those never picked."""
    picked = [
        f"{c.choice}: {c.picks} ({c.learners} learner{'s' if c.learners != 1 else ''})"
        for c in question.wrong_choices
        if c.picks
    ]
    never = [c.choice for c in question.wrong_choices if not c.picks]
    if never and question.learners:
        picked.append("never picked: " + ", ".join(never))
    return "; ".join(picked)


def merge_note(merged: MergedLearner) -> str:
    """What was merged for one learner and why, in a sentence."""
    files = ", ".join(merged.sources)
    repeated = (
        f"; {plural(merged.repeated, 'answer')} found in more than one file counted once"
        if merged.repeated
        else ""
    )
    return (
        f"{merged.name}: {len(merged.sources)} files of the same learner (id "
        f"{merged.learner_id[:8]}) taken together ({files}): "
        f"{plural(merged.answers, 'answer')}{repeated}"
    )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one: "1 learner", "2 learners"."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def csv_paths(path: Path) -> tuple[Path, Path]:
    """Where :func:`write_class_csv` writes: ``NAME-learners.csv`` and ``NAME-questions.csv``."""
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    return path.with_name(f"{stem}-learners.csv"), path.with_name(f"{stem}-questions.csv")


def write_class_csv(report: ClassReport, path: Path) -> tuple[Path, Path]:
    """Write the two tables as two CSV files beside ``path``; returns their paths.

    Two files rather than two sections in one: each is a plain rectangle that
    Excel and LibreOffice can sort, filter and pivot. UTF-8 with a byte-order
    mark (so Excel reads accents right), CRLF line ends, quoted where needed.
    """
    learners_path, questions_path = csv_paths(path)
    for target, rows in (
        (learners_path, learner_topic_rows(report)),
        (questions_path, question_rows(report)),
    ):
        with target.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream, dialect="excel", lineterminator="\r\n").writerows(rows)
    return learners_path, questions_path


__all__ = [
    "ChoiceCount",
    "ClassReport",
    "LearnerResult",
    "MergedLearner",
    "QuestionReport",
    "ReportTopic",
    "SkippedFile",
    "TopicCell",
    "TopicReport",
    "build_class_report",
    "csv_paths",
    "learner_topic_rows",
    "merge_note",
    "percent",
    "plural",
    "question_rows",
    "report_to_json",
    "write_class_csv",
    "wrong_choice_text",
]
