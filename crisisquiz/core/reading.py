"""What a learner reads first: each topic's study guide and each pack's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from crisisquiz.core.citations import date_words
from crisisquiz.storage.database import Database
from crisisquiz.storage.models import PackRow, TimelineRow, TopicRow


@dataclass(frozen=True)
class TopicGuide:
    """A topic's study guide; ``paragraphs`` are the guide split at its blank lines."""

    pack_id: str
    topic_id: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class TimelineItem:
    """One dated event, with its date in words and the title of its topic ("" for none)."""

    date: str
    when: str
    event: str
    topic_title: str


@dataclass(frozen=True)
class PackReading:
    """Everything to read in one pack, in pack order."""

    pack_id: str
    title: str
    guides: tuple[TopicGuide, ...]
    timeline: tuple[TimelineItem, ...]


def paragraphs(text: str) -> tuple[str, ...]:
    """A guide's paragraphs: split at blank lines, each paragraph's lines joined."""
    blocks = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in block.splitlines() if line.strip())
        if joined:
            blocks.append(joined)
    return tuple(blocks)


class ReadingService:
    """Reads guides and timelines from the installed packs."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def packs(self) -> list[PackReading]:
        """Every installed pack that has a guide or a timeline, by title."""
        with self._db.sessions() as session:
            packs = session.execute(select(PackRow.id, PackRow.title).order_by(PackRow.title)).all()
            topics = session.execute(
                select(
                    TopicRow.pack_id, TopicRow.topic_id, TopicRow.title, TopicRow.guide
                ).order_by(TopicRow.pack_id, TopicRow.position)
            ).all()
            events = session.execute(
                select(
                    TimelineRow.pack_id, TimelineRow.date, TimelineRow.event, TimelineRow.topic_id
                ).order_by(TimelineRow.pack_id, TimelineRow.position)
            ).all()
        titles = {(pack, topic): title for pack, topic, title, _guide in topics}
        readings = []
        for pack_id, pack_title in packs:
            guides = tuple(
                TopicGuide(pack, topic, title, paragraphs(guide))
                for pack, topic, title, guide in topics
                if pack == pack_id and guide.strip()
            )
            timeline = tuple(
                TimelineItem(date, date_words(date), event, titles.get((pack, topic or ""), ""))
                for pack, date, event, topic in events
                if pack == pack_id
            )
            if guides or timeline:
                readings.append(PackReading(pack_id, pack_title, guides, timeline))
        return readings

    def has_guide(self, pack_id: str, topic_id: str) -> bool:
        """Whether that topic has a study guide to read."""
        with self._db.sessions() as session:
            guide = session.scalar(
                select(TopicRow.guide).where(
                    TopicRow.pack_id == pack_id, TopicRow.topic_id == topic_id
                )
            )
        return bool(guide and guide.strip())
