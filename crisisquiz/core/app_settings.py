"""Application settings kept in the database: theme, text size, the last learner."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import SettingRow

MIN_TEXT_SCALE, MAX_TEXT_SCALE = 0.8, 2.0


class Theme(StrEnum):
    """The colour scheme of the window."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class AppSettings:
    """Settings that belong to the installation rather than to one learner."""

    theme: Theme = Theme.SYSTEM
    text_scale: float = 1.0  # 1.0 is the system font size; 2.0 is 200 %
    last_learner_id: int | None = None


class SettingsService:
    """Reads and writes :class:`AppSettings`; unknown or damaged values fall back to defaults."""

    def __init__(self, database: Database) -> None:
        self._db = database
        # A file's settings belong to the installation; a server's to whoever signed in.
        self._owner = "" if database.server is None else database.server.user

    def load(self) -> AppSettings:
        """The saved settings (defaults for anything missing or unreadable)."""
        with self._db.sessions() as session:
            raw = dict(
                session.execute(
                    select(SettingRow.key, SettingRow.value).where(SettingRow.owner == self._owner)
                ).all()
            )
        defaults = AppSettings()
        try:
            theme = Theme(raw.get("theme", defaults.theme))
        except ValueError:
            theme = defaults.theme
        try:
            scale = float(raw.get("text_scale", defaults.text_scale))
        except ValueError:
            scale = defaults.text_scale
        scale = min(MAX_TEXT_SCALE, max(MIN_TEXT_SCALE, scale))
        learner = raw.get("last_learner_id")
        return AppSettings(
            theme=theme,
            text_scale=scale,
            last_learner_id=int(learner) if learner and learner.isdigit() else None,
        )

    def save(self, settings: AppSettings) -> None:
        """Store every setting in one transaction."""
        values = {
            "theme": settings.theme.value,
            "text_scale": f"{settings.text_scale:.2f}",
            "last_learner_id": ""
            if settings.last_learner_id is None
            else str(settings.last_learner_id),
        }
        with self._db.transaction() as session:
            for key, value in values.items():
                row = session.get(SettingRow, (self._owner, key))
                if row is None:
                    session.add(SettingRow(owner=self._owner, key=key, value=value))
                else:
                    row.value = value
