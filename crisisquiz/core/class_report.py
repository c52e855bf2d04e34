"""A class report: scores per learner and topic, and item analysis per question.

The report is built from learners' results (files, or this computer's database read
the same way, see :mod:`crisisquiz.core.class_sources`), so a report from the
database and one from the same learners' exported files are the same report.

- Learners are people, not names: results with one learner id are taken together
  (their answers united, each answer counted once); two learners with one name stay
  two, told apart by the start of their ids.
- Answers are matched on (pack id, question id), so results from different versions
  of a pack fit together; a question's text, topic and answer key in the tables come
  from the newest pack version among them, while each answer is judged (wrong
  choices, wrong typed answers) against the text of the version it was given in.
- Mastery is :mod:`crisisquiz.core.mastery`'s, worked out from every answer a week
  after the report's date. Accuracy and the item analysis use the answers in the
  report's period (``since``) only.
- Item analysis follows Moodle's quiz statistics, with each learner's latest answer
  in the period as their item score (0..1): the facility index F is the mean item
  score as a percentage; the discrimination index D is the Pearson correlation, as
  a percentage, between the item score and the learner's mean score on the other
  questions they answered. Both are given only when at least
  :data:`MIN_ITEM_LEARNERS` learners answered the question (fewer say little about
  the question and a lot about the few learners); the hardest questions and weakest
  topics are ranked among those only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from crisisquiz.core.grading import Verdict, response_from_json, wrong_typed_parts
from crisisquiz.core.mastery import Memory, mastery_moment, recall_at
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    VersionKey,
    Year,
    version_key,
)
from crisisquiz.core.packs import question_from_body
from crisisquiz.core.results_check import memories, question_texts
from crisisquiz.core.results_format import ResultsAnswer, ResultsFile
from crisisquiz.core.text_match import normalise

QuestionKey = tuple[str, str]  # (pack id, question id)
TopicKey = tuple[str, str]  # (pack id, topic id)

# Facility and discrimination are shown from this many learners on (see the module).
MIN_ITEM_LEARNERS = 5
DATABASE_SOURCE = "this computer's database"


@dataclass(frozen=True)
class ReportTopic:
    """A topic as the report shows it."""

    pack_id: str
    topic_id: str
    title: str


@dataclass(frozen=True)
class TopicCell:
    """One learner on one topic. Ratios 0..1; None when there is nothing to show."""

    mastery: float  # predicted recall a week after the report's date (core.mastery)
    accuracy: float | None  # right answers / answers in the period, study and quiz
    answers: int  # in the period
    seen: int  # questions of the topic the learner has studied (ever)
    started: bool  # the learner has answered a question of the topic (ever)


@dataclass(frozen=True)
class LearnerResult:
    """A learner's row of the learner x topic table; ``cells`` follow ``ClassReport.topics``.

    ``name`` is as shown: the learner's name, followed by the start of their id when
    another learner in the report has the same name.
    """

    name: str
    learner_id: str
    sources: tuple[str, ...]  # where their answers came from, newest first
    exported_at: datetime  # of the newest source
    questions_answered: int  # in the period
    answers: int  # in the period
    mean_score: float | None  # mean of their latest scores in the period, 0..1
    cells: tuple[TopicCell, ...]


@dataclass(frozen=True)
class ChoiceCount:
    """How often a wrong choice was picked: every answer, and by how many learners."""

    choice: str
    picks: int
    learners: int


@dataclass(frozen=True)
class TypedCount:
    """A wrong typed answer, grouped with others equal after grading's normalisation."""

    text: str  # the commonest way it was typed
    blank: int | None  # for a cloze question: which blank (0-based)
    count: int
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
    retired: bool  # not in the newest pack version among the results
    learners: int  # learners who answered it in the period
    answers: int  # every answer in the period, repeats included
    facility_pct: float | None  # None below MIN_ITEM_LEARNERS learners
    discrimination_pct: float | None  # None below MIN_ITEM_LEARNERS, or without variance
    wrong_choices: tuple[ChoiceCount, ...]  # multiple_choice / multi_select only
    wrong_typed: tuple[TypedCount, ...] = ()  # short answer, cloze, year, number

    @property
    def key(self) -> QuestionKey:
        """(pack id, question id)."""
        return (self.pack_id, self.question_id)

    @property
    def enough_learners(self) -> bool:
        """Whether enough learners answered for facility and discrimination to mean much."""
        return self.learners >= MIN_ITEM_LEARNERS


@dataclass(frozen=True)
class TopicReport:
    """A topic across the class: the mean over the learners who have started it."""

    topic: ReportTopic
    learners: int  # who have answered a question of it
    mean_mastery: float | None
    mean_accuracy: float | None


@dataclass(frozen=True)
class AnswerRecord:
    """One answer in the report's period, for the drill-down views."""

    learner: int  # index into ClassReport.learners
    pack_id: str
    question_id: str
    pack_version: str
    time: datetime
    kind: str  # "study" or "quiz"
    response: str  # in words, as the question's text at that version reads it
    verdict: str  # Verdict value: "right", "partly right", "wrong"
    score: float

    @property
    def key(self) -> QuestionKey:
        """(pack id, question id)."""
        return (self.pack_id, self.question_id)


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the report, and why."""

    source: str
    file_id: str
    learner: str
    reason: str


@dataclass(frozen=True)
class MergedLearner:
    """Results of one learner (the same learner id) that the report took as one."""

    name: str
    learner_id: str
    sources: tuple[str, ...]
    answers: int  # distinct answers after merging
    repeated: int  # answers found in more than one of the sources, counted once


@dataclass(frozen=True)
class ClassReport:
    """The whole class report."""

    topics: tuple[ReportTopic, ...]
    learners: tuple[LearnerResult, ...]
    questions: tuple[QuestionReport, ...]
    topic_summaries: tuple[TopicReport, ...]
    hardest: tuple[QuestionReport, ...]  # lowest facility, enough learners
    weakest_topics: tuple[TopicReport, ...]  # lowest mean mastery, enough learners
    skipped: tuple[SkippedFile, ...]
    merged: tuple[MergedLearner, ...] = ()
    answers: tuple[AnswerRecord, ...] = ()  # every answer in the period, in time order
    as_of: datetime | None = None  # the report's date
    mastery_at: datetime | None = None  # the moment mastery predicts recall for
    since: datetime | None = None  # the period's start (None: every answer)
    pack_id: str | None = None  # the one pack reported on (None: every pack)
    questions_in_packs: int = 0  # live questions of the packs reported on
    min_learners: int = MIN_ITEM_LEARNERS

    @property
    def questions_answered(self) -> int:
        """Questions answered at least once in the period."""
        return sum(1 for q in self.questions if q.answers)


@dataclass
class _Learner:
    """One learner's results while the report is built."""

    files: list[ResultsFile]
    name: str = ""
    answers: list[ResultsAnswer] = field(default_factory=list)  # every one, distinct
    # The answers in the period, each given once: a quiz answer that counted as a
    # review is stored twice (as a quiz answer and as a study answer).
    given: list[ResultsAnswer] = field(default_factory=list)
    latest: dict[QuestionKey, ResultsAnswer] = field(default_factory=dict)  # of ``given``
    by_question: dict[QuestionKey, list[ResultsAnswer]] = field(default_factory=dict)

    @property
    def learner_id(self) -> str:
        return str(self.files[0].learner_id)


def build_class_report(
    files: Sequence[ResultsFile],
    *,
    now: datetime,
    since: datetime | None = None,
    pack_id: str | None = None,
    hardest: int = 10,
    weakest: int = 5,
    min_learners: int = MIN_ITEM_LEARNERS,
) -> ClassReport:
    """Gather learners' results into a class report as of ``now``.

    ``since`` keeps only the answers given from then on for accuracy and the item
    analysis; ``pack_id`` reports on one pack. A file given twice (same file id)
    counts once and is listed in ``skipped``; results of one learner id are merged
    and listed in ``merged``.
    """
    if now.tzinfo is None or (since is not None and since.tzinfo is None):
        raise ValueError("times must be timezone-aware")
    kept, skipped = _deduplicate(files)
    texts = _texts(kept)
    catalogue = _catalogue(kept, pack_id)
    every_topic = _topics(kept, catalogue, pack_id)
    topic_index = {(t.pack_id, t.topic_id): i for i, t in enumerate(every_topic)}
    titles = {(t.pack_id, t.topic_id): t.title for t in every_topic}
    live = {key: entry for key, entry in catalogue.items() if not entry.retired}
    groups = _group_by_learner(kept, pack_id, since)
    moment = mastery_moment(now)
    every_learner = [
        _learner_result(g, _by_topic(live), topic_index, len(every_topic), moment) for g in groups
    ]
    # Topics nobody has started would fill the table with zeros and crowd out the
    # weakest topics the class is actually working on; they are left out.
    active = [
        i for i in range(len(every_topic)) if any(row.cells[i].started for row in every_learner)
    ] or list(range(len(every_topic)))
    topics = tuple(every_topic[i] for i in active)
    learners = tuple(
        replace(row, cells=tuple(row.cells[i] for i in active)) for row in every_learner
    )
    answers = _answer_records(groups, texts)
    # Each learner's summed latest scores and their number: "the rest of the test".
    totals = [(sum(a.score for a in g.latest.values()), len(g.latest)) for g in groups]
    questions = tuple(
        _question_report(key, entry, groups, totals, texts, titles, min_learners)
        for key, entry in catalogue.items()
    )
    summaries = tuple(_topic_report(i, topic, learners) for i, topic in enumerate(topics))
    order = {key: i for i, key in enumerate(catalogue)}
    ranked = sorted(
        (
            q
            for q in questions
            if q.learners >= min_learners and q.facility_pct is not None and not q.retired
        ),
        key=lambda q: (q.facility_pct, -q.learners, order[q.key]),
    )
    weakest_topics = sorted(
        (t for t in summaries if t.mean_mastery is not None and t.learners >= min_learners),
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
        merged=_merged(groups),
        answers=answers,
        as_of=now,
        mastery_at=moment,
        since=since,
        pack_id=pack_id,
        questions_in_packs=len(live),
        min_learners=min_learners,
    )


# ---------------------------------------------------------------------------- sources


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


def _group_by_learner(
    files: Sequence[ResultsFile], pack_id: str | None, since: datetime | None
) -> list[_Learner]:
    """Each learner's results, newest first, their answers united and filtered."""
    grouped: dict[str, list[ResultsFile]] = {}
    for f in files:
        grouped.setdefault(str(f.learner_id), []).append(f)
    learners = []
    for group in grouped.values():
        group.sort(key=lambda f: f.data.exported_at, reverse=True)
        learner = _Learner(files=group)
        every = _distinct(a for f in group for a in f.data.answers)
        if len(group) > 1:
            every.sort(key=lambda a: a.time)  # from several sources: one history, in time
        learner.answers = [a for a in every if pack_id is None or a.pack_id == pack_id]
        quizzed = {_identity(a) for a in learner.answers if a.kind == "quiz"}
        learner.given = [
            a
            for a in learner.answers
            if (since is None or a.time >= since)
            and not (a.kind == "study" and _identity(a) in quizzed)
        ]
        learner.latest = _latest(learner.given)
        for a in learner.given:
            learner.by_question.setdefault((a.pack_id, a.question_id), []).append(a)
        learners.append(learner)
    names = _display_names(learners)
    for learner, name in zip(learners, names, strict=True):
        learner.name = name
    return learners


def _identity(answer: ResultsAnswer) -> tuple[str, str, datetime, str]:
    """What makes an answer the same answer: question, time and response."""
    return (answer.pack_id, answer.question_id, answer.time, repr(answer.response))


def _distinct(answers: Iterable[ResultsAnswer]) -> list[ResultsAnswer]:
    """The answers with each one listed once.

    The same answer in two sources (a profile exported twice, or copied to another
    computer) is the same kind, question, time and response.
    """
    seen: set[tuple[str, tuple[str, str, datetime, str]]] = set()
    distinct = []
    for a in answers:
        identity = (a.kind, _identity(a))
        if identity not in seen:
            seen.add(identity)
            distinct.append(a)
    return distinct


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _display_names(learners: Sequence[_Learner]) -> list[str]:
    """Each learner's name (from their newest source), with the start of their id when shared.

    The id is shown to 4 characters, more when two learners of one name share those.
    """
    names = [learner.files[0].learner for learner in learners]
    ids = [learner.files[0].learner_id.hex for learner in learners]
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


def _merged(learners: Sequence[_Learner]) -> tuple[MergedLearner, ...]:
    merged = []
    for learner in learners:
        if len(learner.files) < 2:
            continue
        listed = sum(len(f.data.answers) for f in learner.files)
        distinct = len(_distinct(a for f in learner.files for a in f.data.answers))
        merged.append(
            MergedLearner(
                name=learner.name,
                learner_id=learner.learner_id,
                sources=tuple(f.source for f in learner.files),
                answers=distinct,
                repeated=listed - distinct,
            )
        )
    return tuple(merged)


def _latest(answers: Iterable[ResultsAnswer]) -> dict[QuestionKey, ResultsAnswer]:
    """Each question's latest answer; a quiz answer that counts as review is one answer."""
    latest: dict[QuestionKey, ResultsAnswer] = {}
    for answer in answers:  # in time order; of two at the same time the later wins
        key = (answer.pack_id, answer.question_id)
        if key not in latest or answer.time >= latest[key].time:
            latest[key] = answer
    return latest


# ---------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class _Entry:
    """A question as the newest pack version among the results has it."""

    question: Question
    topic_id: str
    retired: bool


_Stamp = tuple[VersionKey, datetime]  # (pack version, exported at)


def _texts(files: Sequence[ResultsFile]) -> dict[tuple[str, str, str], Question]:
    """Every question text of every file, by (pack, question, version)."""
    found: dict[tuple[str, str, str], Question] = {}
    for f in files:
        found.update(question_texts(f.data))
    return found


def _catalogue(files: Sequence[ResultsFile], pack_id: str | None) -> dict[QuestionKey, _Entry]:
    """Each question once, as the newest pack version among the files has it.

    A question is retired when the newest version of its pack does not have it.
    Ordered by pack, then as the newest file lists them (questions only older
    versions had come after).
    """
    newest: dict[str, _Stamp] = {}
    for f in files:
        for p in f.data.packs:
            stamp = (version_key(p.version), f.data.exported_at)
            newest[p.id] = max(newest.get(p.id, stamp), stamp)
    listings: list[tuple[_Stamp, int, int, str, Any]] = []
    for index, f in enumerate(files):
        versions = {p.id: p.version for p in f.data.packs}
        for n, q in enumerate(f.data.questions):
            if pack_id is not None and q.pack_id != pack_id:
                continue
            stamp = (version_key(versions[q.pack_id]), f.data.exported_at)
            listings.append((stamp, index, -n, versions[q.pack_id], q))
    # Newest first, each file in its own order: the first listing seen of a question wins.
    listings.sort(key=lambda item: item[:3], reverse=True)
    catalogue: dict[QuestionKey, _Entry] = {}
    for stamp, _index, _n, version, q in listings:
        key = (q.pack_id, q.question_id)
        if key in catalogue:
            continue
        text = next((t for t in q.texts if version in t.pack_versions), None)
        body = (
            text.body
            if text is not None
            else max(q.texts, key=lambda t: max(version_key(v) for v in t.pack_versions)).body
        )
        retired = q.retired or stamp[0] != newest[q.pack_id][0]
        catalogue[key] = _Entry(question_from_body(body), q.topic_id, retired)
    return dict(sorted(catalogue.items(), key=lambda item: item[0][0]))


def _by_topic(live: Mapping[QuestionKey, _Entry]) -> dict[TopicKey, list[QuestionKey]]:
    """The live questions of each topic."""
    by_topic: dict[TopicKey, list[QuestionKey]] = defaultdict(list)
    for key, entry in live.items():
        by_topic[(key[0], entry.topic_id)].append(key)
    return by_topic


def _topics(
    files: Sequence[ResultsFile], catalogue: Mapping[QuestionKey, _Entry], pack_id: str | None
) -> tuple[ReportTopic, ...]:
    """Every topic, by pack title, in the newest pack version's order."""
    newest: dict[str, tuple[_Stamp, str]] = {}
    lists: dict[str, list[ReportTopic]] = {}
    for f in files:
        for p in f.data.packs:
            if pack_id is not None and p.id != pack_id:
                continue
            stamp = (version_key(p.version), f.data.exported_at)
            if p.id not in newest or stamp > newest[p.id][0]:
                newest[p.id] = (stamp, p.title)
                lists[p.id] = [ReportTopic(p.id, t.id, t.title) for t in p.topics]
    # Topics an older version had (or only retired questions name) still hold answers.
    for f in files:
        for p in f.data.packs:
            if p.id not in lists:
                continue
            known = {t.topic_id for t in lists[p.id]}
            lists[p.id] += [ReportTopic(p.id, t.id, t.title) for t in p.topics if t.id not in known]
    for (p_id, _q), entry in catalogue.items():
        if p_id in lists and entry.topic_id not in {t.topic_id for t in lists[p_id]}:
            lists[p_id].append(ReportTopic(p_id, entry.topic_id, entry.topic_id))
    order = sorted(newest, key=lambda p: (newest[p][1], p))
    return tuple(topic for p in order for topic in lists[p])


# ---------------------------------------------------------------------------- learners


def _learner_result(
    learner: _Learner,
    live: Mapping[TopicKey, list[QuestionKey]],
    topic_index: Mapping[TopicKey, int],
    topic_count: int,
    moment: datetime,
) -> LearnerResult:
    answers = [0] * topic_count
    right = [0] * topic_count
    started = [False] * topic_count
    for a in learner.answers:
        i = topic_index.get((a.pack_id, a.topic_id))
        if i is not None:
            started[i] = True
    for a in learner.given:
        i = topic_index.get((a.pack_id, a.topic_id))
        if i is not None:
            answers[i] += 1
            right[i] += a.correct
    single = learner.files[0].memories if len(learner.files) == 1 else None
    # Worked out when the file was checked; a pack filter leaves other packs' unused.
    memory = dict(single) if single is not None else memories(learner.answers)
    studied = {(a.pack_id, a.question_id) for a in learner.answers if a.kind == "study"}
    cells = []
    for topic, i in topic_index.items():
        keys = live.get(topic, [])
        cells.append(
            TopicCell(
                mastery=_mean_recall(keys, memory, moment),
                accuracy=right[i] / answers[i] if answers[i] else None,
                answers=answers[i],
                seen=sum(1 for key in keys if key in studied),
                started=started[i],
            )
        )
    scores = [a.score for a in learner.latest.values()]
    return LearnerResult(
        name=learner.name,
        learner_id=learner.learner_id,
        sources=tuple(f.source for f in learner.files),
        exported_at=learner.files[0].data.exported_at,
        questions_answered=len(scores),
        answers=len(learner.given),
        mean_score=sum(scores) / len(scores) if scores else None,
        cells=tuple(cells),
    )


def _mean_recall(
    keys: Sequence[QuestionKey], memory: Mapping[QuestionKey, Memory], moment: datetime
) -> float:
    if not keys:
        return 0.0
    return min(1.0, sum(recall_at(memory.get(key), moment) for key in keys) / len(keys))


def _topic_report(index: int, topic: ReportTopic, learners: Sequence[LearnerResult]) -> TopicReport:
    cells = [learner.cells[index] for learner in learners if learner.cells[index].started]
    accuracies = [c.accuracy for c in cells if c.accuracy is not None]
    return TopicReport(
        topic=topic,
        learners=len(cells),
        mean_mastery=sum(c.mastery for c in cells) / len(cells) if cells else None,
        mean_accuracy=sum(accuracies) / len(accuracies) if accuracies else None,
    )


# ---------------------------------------------------------------------------- item analysis


def _question_report(
    key: QuestionKey,
    entry: _Entry,
    learners: Sequence[_Learner],
    totals: Sequence[tuple[float, int]],
    texts: Mapping[tuple[str, str, str], Question],
    titles: Mapping[TopicKey, str],
    min_learners: int,
) -> QuestionReport:
    items: list[float] = []
    pairs: list[tuple[float, float]] = []
    given: list[tuple[int, ResultsAnswer]] = []
    for index, (learner, (total, count)) in enumerate(zip(learners, totals, strict=True)):
        given += [(index, a) for a in learner.by_question.get(key, ())]
        mine = learner.latest.get(key)
        if mine is None:
            continue
        items.append(mine.score)
        if count > 1:  # a learner who answered nothing else has no rest of the test
            pairs.append((mine.score, (total - mine.score) / (count - 1)))
    enough = len(items) >= min_learners
    question = entry.question
    return QuestionReport(
        pack_id=key[0],
        question_id=key[1],
        topic_id=entry.topic_id,
        topic_title=titles.get((key[0], entry.topic_id), entry.topic_id),
        type=question.type.value,
        prompt=question.display_prompt,
        retired=entry.retired,
        learners=len(items),
        answers=len(given),
        facility_pct=100 * sum(items) / len(items) if enough else None,
        discrimination_pct=_pearson_pct(pairs) if enough else None,
        wrong_choices=_wrong_choices(question, given, texts),
        wrong_typed=_wrong_typed(given, texts),
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
    question: Question,
    answers: Sequence[tuple[int, ResultsAnswer]],
    texts: Mapping[tuple[str, str, str], Question],
) -> tuple[ChoiceCount, ...]:
    """Wrong choices picked, each judged against the version it was picked in."""
    if not isinstance(question, MultipleChoice | MultiSelect):
        return ()
    picks: dict[str, int] = defaultdict(int)
    pickers: dict[str, set[int]] = defaultdict(set)
    for learner, a in answers:
        shown = texts[(a.pack_id, a.question_id, a.pack_version)]
        if not isinstance(shown, MultipleChoice | MultiSelect):
            continue
        right = {shown.answer} if isinstance(shown, MultipleChoice) else set(shown.answers)
        for choice in _picked(a.response.get("value")):
            if choice not in right:
                picks[choice] += 1
                pickers[choice].add(learner)
    # Every wrong choice of the newest text, unpicked ones too (a distractor nobody
    # falls for is worth knowing), then texts only an older version offered.
    right_now = {question.answer} if isinstance(question, MultipleChoice) else set(question.answers)
    names = [c for c in question.choices if c not in right_now]
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


_TYPED = (ShortAnswer, Cloze, Year, Number)


def _wrong_typed(
    answers: Sequence[tuple[int, ResultsAnswer]],
    texts: Mapping[tuple[str, str, str], Question],
) -> tuple[TypedCount, ...]:
    """Wrong typed answers grouped as grading compares them, commonest first."""
    groups: dict[tuple[int | None, str], Counter[str]] = defaultdict(Counter)
    learners: dict[tuple[int | None, str], set[int]] = defaultdict(set)
    for learner, a in answers:
        question = texts[(a.pack_id, a.question_id, a.pack_version)]
        if a.correct or not isinstance(question, _TYPED):
            continue  # a right answer has no wrong part; other types are not typed
        for blank, typed in wrong_typed_parts(question, response_from_json(question, a.response)):
            group = (blank, normalise(typed) or typed.strip())
            groups[group][" ".join(typed.split())] += 1
            learners[group].add(learner)
    counts = [
        TypedCount(
            text=forms.most_common(1)[0][0],
            blank=blank,
            count=sum(forms.values()),
            learners=len(learners[(blank, key)]),
        )
        for (blank, key), forms in groups.items()
    ]
    return tuple(sorted(counts, key=lambda c: (-c.count, -c.learners, c.blank or 0, c.text)))


# ---------------------------------------------------------------------------- answers


def _answer_records(
    learners: Sequence[_Learner], texts: Mapping[tuple[str, str, str], Question]
) -> tuple[AnswerRecord, ...]:
    records = []
    for index, learner in enumerate(learners):
        for a in learner.given:
            question = texts[(a.pack_id, a.question_id, a.pack_version)]
            response = response_from_json(question, a.response)
            # Checked against the grader when the file was read.
            verdict = (
                Verdict.RIGHT if a.correct else Verdict.PARTLY if a.score > 0 else Verdict.WRONG
            )
            records.append(
                AnswerRecord(
                    learner=index,
                    pack_id=a.pack_id,
                    question_id=a.question_id,
                    pack_version=a.pack_version,
                    time=a.time,
                    kind=a.kind,
                    response=response_text(question, response),
                    verdict=verdict.value,
                    score=a.score,
                )
            )
    records.sort(key=lambda r: (r.time, r.learner))
    return tuple(records)


def response_text(question: Question, response: object) -> str:
    """A stored response in words, on one line: what the learner chose or typed."""
    if response is None:
        return "(could not be read)"
    if isinstance(question, Flashcard):
        return f"rated {getattr(response, 'name', response)}"
    if isinstance(question, TrueFalse) and isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(question, MultiSelect) and isinstance(response, frozenset):
        picked = [c for c in question.choices if c in response]
        picked += sorted(c for c in response if c not in picked)
        return "; ".join(picked) or "(nothing ticked)"
    if isinstance(question, Cloze) and isinstance(response, tuple):
        return " | ".join(text.strip() or "(empty)" for text in response)
    if isinstance(question, Ordering) and isinstance(response, tuple):
        return " → ".join(response)
    if isinstance(question, Matching) and isinstance(response, Mapping):
        return "; ".join(f"{left} → {right}" for left, right in response.items())
    return " ".join(str(response).split())


__all__ = [
    "DATABASE_SOURCE",
    "MIN_ITEM_LEARNERS",
    "AnswerRecord",
    "ChoiceCount",
    "ClassReport",
    "LearnerResult",
    "MergedLearner",
    "QuestionReport",
    "ReportTopic",
    "SkippedFile",
    "TopicCell",
    "TopicReport",
    "TypedCount",
    "Verdict",
    "build_class_report",
    "response_text",
]
