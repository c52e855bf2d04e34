"""Application settings survive a restart and shrug off damaged values."""

from __future__ import annotations

from datetime import datetime

from engines import reopen

from crisisquiz.core.app_settings import AppSettings, SettingsService, Theme
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import SettingRow


def test_settings_persist_across_a_restart(database: Database, now: datetime) -> None:
    assert SettingsService(database).load() == AppSettings()
    SettingsService(database).save(AppSettings(Theme.DARK, 1.5, 3))
    database.close()
    reopened = reopen(database, now)
    assert SettingsService(reopened).load() == AppSettings(Theme.DARK, 1.5, 3)
    reopened.close()


def test_damaged_values_fall_back_to_defaults(database: Database) -> None:
    owner = "" if database.server is None else database.server.user
    with database.transaction() as session:
        session.add_all(
            [
                SettingRow(owner=owner, key="theme", value="neon"),
                SettingRow(owner=owner, key="text_scale", value="huge"),
                SettingRow(owner=owner, key="last_learner_id", value="x"),
            ]
        )
    assert SettingsService(database).load() == AppSettings()


def test_text_scale_is_clamped(database: Database) -> None:
    SettingsService(database).save(AppSettings(text_scale=9.0))
    assert SettingsService(database).load().text_scale == 2.0
