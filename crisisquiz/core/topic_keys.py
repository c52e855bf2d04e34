"""A topic is (pack id, topic id): naming topics on the command line and listing them.

Two packs may both have a topic called "origins"; everything that stores, filters or
reports by topic uses the pair. People may still type a bare topic id where it is
unique among the installed packs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import QueryableAttribute

from crisisquiz.storage.database import Database
from crisisquiz.storage.models import PackRow, TopicRow

TopicKey = tuple[str, str]  # (pack id, topic id)

SEPARATOR = ":"


class TopicError(Exception):
    """A topic named on the command line that is unknown or ambiguous; says the choices."""


@dataclass(frozen=True)
class TopicChoice:
    """An installed topic with the titles people recognise it by."""

    pack_id: str
    topic_id: str
    title: str
    pack_title: str

    @property
    def key(self) -> TopicKey:
        """The topic's identity."""
        return (self.pack_id, self.topic_id)

    @property
    def ref(self) -> str:
        """How to name it on the command line: ``PACK:TOPIC``."""
        return f"{self.pack_id}{SEPARATOR}{self.topic_id}"


def installed_topics(database: Database) -> list[TopicChoice]:
    """Every topic of every installed pack, by pack title, in each pack's order."""
    query = (
        select(TopicRow.pack_id, TopicRow.topic_id, TopicRow.title, PackRow.title)
        .join(PackRow, PackRow.id == TopicRow.pack_id)
        .order_by(PackRow.title, PackRow.id, TopicRow.position)
    )
    with database.sessions() as session:
        return [TopicChoice(*row) for row in session.execute(query)]


Column = ColumnElement[str] | QueryableAttribute[str]


def in_topics(
    pack_column: Column, topic_column: Column, topics: Iterable[TopicKey]
) -> ColumnElement[bool]:
    """SQL: the row's (pack, topic) is one of ``topics`` (a topic id alone could be two)."""
    keys = list(topics)
    for key in keys:
        # A bare topic id is a string of letters, which unpacks into nonsense silently.
        if not isinstance(key, tuple) or len(key) != 2:
            raise TypeError(f"a topic is a (pack id, topic id) pair, not {key!r}")
    return tuple_(pack_column, topic_column).in_(keys)


def topic_ref(key: TopicKey) -> str:
    """``PACK:TOPIC`` for a topic key."""
    return f"{key[0]}{SEPARATOR}{key[1]}"


def short_refs(keys: Iterable[TopicKey], choices: Sequence[TopicChoice]) -> str:
    """The topics as people type them: the bare id where it is unique, else ``PACK:TOPIC``."""
    packs_with: dict[str, int] = {}
    for choice in choices:
        packs_with[choice.topic_id] = packs_with.get(choice.topic_id, 0) + 1
    return ", ".join(key[1] if packs_with.get(key[1], 0) <= 1 else topic_ref(key) for key in keys)


def resolve_topics(refs: Iterable[str], choices: Sequence[TopicChoice]) -> tuple[TopicKey, ...]:
    """The topics named by ``refs`` (``PACK:TOPIC``, or a bare topic id that is unique).

    Raises :class:`TopicError` for the first one that names no topic, or a bare id
    that more than one pack has; the message lists what could be meant.
    """
    found: list[TopicKey] = []
    for ref in refs:
        key = resolve_topic(ref, choices)
        if key not in found:
            found.append(key)
    return tuple(found)


def resolve_topic(ref: str, choices: Sequence[TopicChoice]) -> TopicKey:
    """One topic named by ``ref``; see :func:`resolve_topics`."""
    text = ref.strip()
    if SEPARATOR in text:
        pack_id, _, topic_id = text.partition(SEPARATOR)
        for choice in choices:
            if choice.key == (pack_id.strip(), topic_id.strip()):
                return choice.key
        raise TopicError(f"no topic {text!r}. {_listing(choices)}")
    matches = [choice for choice in choices if choice.topic_id == text]
    if len(matches) == 1:
        return matches[0].key
    if not matches:
        raise TopicError(f"no topic {text!r}. {_listing(choices)}")
    raise TopicError(
        f"topic {text!r} is in {len(matches)} packs; name one as PACK{SEPARATOR}TOPIC:\n"
        + "\n".join(f"  {c.ref}  {c.title} ({c.pack_title})" for c in matches)
    )


def _listing(choices: Sequence[TopicChoice]) -> str:
    if not choices:
        return "No pack is installed; import one with 'crisisquiz pack import FILE'."
    return f"Topics (PACK{SEPARATOR}TOPIC):\n" + "\n".join(f"  {c.ref}  {c.title}" for c in choices)


__all__ = [
    "SEPARATOR",
    "TopicChoice",
    "TopicError",
    "TopicKey",
    "in_topics",
    "installed_topics",
    "resolve_topic",
    "resolve_topics",
    "short_refs",
    "topic_ref",
]
