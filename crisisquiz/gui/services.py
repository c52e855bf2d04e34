"""What the windows need from the core, handed to every screen in its constructor."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from crisisquiz.core.app_settings import SettingsService
from crisisquiz.core.classes import ClassService
from crisisquiz.core.draft_store import DRAFTS_FOLDER, DraftStore
from crisisquiz.core.exams import ExamService
from crisisquiz.core.learners import LearnerService
from crisisquiz.core.mistakes import MistakesService
from crisisquiz.core.packs import PackService
from crisisquiz.core.quiz import QuizService
from crisisquiz.core.reading import ReadingService
from crisisquiz.core.stats import StatsService
from crisisquiz.core.study import StudyService
from crisisquiz.storage.database import Database, resolve_data_dir
from crisisquiz.storage.school import Account, may_manage_packs, signed_in_account


@dataclass(frozen=True)
class Services:
    """The core services over one database, plus the clock and time zone the GUI uses."""

    database: Database
    packs: PackService
    learners: LearnerService
    study: StudyService
    quizzes: QuizService
    settings: SettingsService
    stats: StatsService
    classes: ClassService
    reading: ReadingService
    mistakes: MistakesService
    exams: ExamService
    clock: Callable[[], datetime]
    tz: tzinfo
    drafts: DraftStore
    # On a school server: who signed in (None for a file, or a user with no account),
    # and whether they may import and remove packs (always, on a file).
    account: Account | None = None
    can_manage_packs: bool = True

    @classmethod
    def create(
        cls,
        database: Database,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo,
        rng: random.Random,
        drafts_folder: Path | None = None,
    ) -> Services:
        """Build every service on ``database``.

        Pack drafts are kept in ``drafts_folder``: by default beside the SQLite file, so
        a data folder carries its drafts (a school server's database has no file; its
        drafts stay on the teacher's own computer).
        """
        if drafts_folder is None:
            home = database.path.parent if database.path is not None else resolve_data_dir()
            drafts_folder = home / DRAFTS_FOLDER
        study = StudyService(database, tz=tz, rng=rng)
        return cls(
            database=database,
            packs=PackService(database),
            learners=LearnerService(database),
            study=study,
            quizzes=QuizService(database, tz=tz),
            settings=SettingsService(database),
            stats=StatsService(database),
            classes=ClassService(database),
            reading=ReadingService(database),
            mistakes=MistakesService(database, tz=tz, rng=rng),
            exams=study.exams,  # one service: the plan's retention is worked out once
            clock=clock,
            tz=tz,
            drafts=DraftStore(drafts_folder),
            account=signed_in_account(database),
            can_manage_packs=may_manage_packs(database),
        )
