"""A zone's changes of UTC offset, read from the zone database through `zoneinfo`: what the
feed's VTIMEZONE is made of (`render.vtimezone`), and the wall-clock times a change skips,
which `check` warns about in a series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, UTC
from functools import lru_cache
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Transition:
    """One change of a zone's UTC offset."""

    utc: datetime
    """The instant of the change (aware, UTC)."""
    before: timedelta
    """Offset before the change."""
    after: timedelta
    """Offset after the change."""
    name: str
    """Abbreviation after the change (CET, CEST)."""
    dst: bool
    """True when the offset after the change is daylight-saving time."""

    @property
    def local(self) -> datetime:
        """Wall-clock time of the change in the offset before it (naive), as DTSTART wants."""
        return (self.utc + self.before).replace(tzinfo=None)

    def rules(self) -> set[tuple[object, ...]]:
        """Every yearly rule this transition fits: nth or last weekday of its month."""
        local = self.local
        common = (local.month, local.weekday(), local.time(), self.before, self.after, self.name)
        out: set[tuple[object, ...]] = {((local.day - 1) // 7 + 1, *common)}
        if (local + timedelta(days=7)).month != local.month:
            out.add((-1, *common))
        return out


def transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every offset change of `zone` from the start of `first_year` to the end of `last_year`."""
    out: list[Transition] = []
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(days=1)
    t, off = start, start.astimezone(zone).utcoffset()
    while t < end:
        nxt = t + step
        off_next = nxt.astimezone(zone).utcoffset()
        if off_next != off:
            lo, hi = 0, 24 * 60  # the change lies in (t + lo min, t + hi min]: find the minute
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if (t + timedelta(minutes=mid)).astimezone(zone).utcoffset() == off:
                    lo = mid
                else:
                    hi = mid
            local = (t + timedelta(minutes=hi)).astimezone(zone)
            dst = bool(local.dst())
            out.append(Transition(t + timedelta(minutes=hi), off, off_next, local.tzname() or "", dst))  # type: ignore[arg-type]
        t, off = nxt, off_next
    return out


@lru_cache(maxsize=1024)
def gaps(zone: ZoneInfo, year: int) -> tuple[tuple[datetime, datetime], ...]:
    """The wall-clock times the clocks skip in `zone` in a year: for each change that puts the
    clocks forward, [the local time it happens, that time plus the jump), naive."""
    return tuple((c.local, c.local + (c.after - c.before)) for c in transitions(zone, year, year) if c.after > c.before)


def skipped(naive: datetime, zone: ZoneInfo) -> bool:
    """True for a wall-clock time the clocks skip in `zone` (02:30 on the spring day in
    Zurich): read with the offset before the change, it comes back as another time."""
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive
