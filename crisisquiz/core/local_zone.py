"""The computer's own time zone, with its daylight-saving rules.

``datetime.now().astimezone().tzinfo`` is a fixed offset: the one in force when
the app started. Learners' study days are cut in local time, so across a change
to or from summer time that offset would put the day's rollover an hour off.
:class:`SystemZone` asks the operating system (which honours ``TZ``) for the
offset at each moment.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY = 86_400


def _seconds(dt: datetime) -> int:
    """The wall time of ``dt`` as whole seconds since the epoch, read as if it were UTC."""
    return int((dt.replace(tzinfo=UTC, fold=0) - _EPOCH).total_seconds() // 1)


def _offset_at(instant: int) -> int:
    return time.localtime(instant).tm_gmtoff


class SystemZone(tzinfo):
    """Local time as the operating system defines it, moment by moment.

    Wall times that occur twice (clocks set back) or not at all (clocks set
    forward) follow PEP 495: ``fold=0`` takes the offset from before the
    change, ``fold=1`` the one after.
    """

    def utcoffset(self, dt: datetime | None) -> timedelta:
        """The offset in force at local wall time ``dt`` (now when None)."""
        if dt is None:
            return timedelta(seconds=_offset_at(int(time.time())))
        wall = _seconds(dt)
        # Real zones change their offset at most once in two days.
        before, after = _offset_at(wall - _DAY), _offset_at(wall + _DAY)
        fits = [offset for offset in (before, after) if _offset_at(wall - offset) == offset]
        if len(set(fits)) == 1:
            return timedelta(seconds=fits[0])
        # Both fit (a repeated hour) or neither does (a skipped hour).
        return timedelta(seconds=after if dt.fold else before)

    def fromutc(self, dt: datetime) -> datetime:
        """The UTC time ``dt`` (tagged with this zone) as local wall time."""
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        instant = _seconds(dt)
        offset = _offset_at(instant)
        wall = dt + timedelta(seconds=offset)
        # In a repeated hour the second pass is fold=1: read with fold=0 it would get
        # the earlier offset.
        if self.utcoffset(wall) != timedelta(seconds=offset):
            wall = wall.replace(fold=1)
        return wall

    def dst(self, dt: datetime | None) -> timedelta | None:
        """Not known: the system gives the total offset, not its summer-time share."""
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        """The system's abbreviation for the zone at ``dt`` (e.g. CET, CEST)."""
        if dt is None:
            return time.localtime().tm_zone
        instant = _seconds(dt) - int(self.utcoffset(dt).total_seconds())
        return time.localtime(instant).tm_zone

    def __repr__(self) -> str:
        return "SystemZone()"


SYSTEM_ZONE = SystemZone()
