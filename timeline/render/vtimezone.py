"""VTIMEZONE components built from yearly RRULEs, which every client reads the same way.

`icalendar`'s `add_missing_timezones()` writes a zone's history as RDATE lists, which
ical.js and vobject read as the standard offset all year. Here the transitions of the
zone (from the system's tz database, via `zoneinfo`) are grouped into runs of years that
follow one rule ("last Sunday of March at 02:00"), and each run becomes one STANDARD or
DAYLIGHT sub-component with `RRULE:FREQ=YEARLY;BYMONTH=..;BYDAY=..`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, UTC
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from ..zones import Transition, transitions

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


SCAN_FROM, SCAN_TO = 1800, 2100
"""The years whose offset changes are looked for: tzdata has none before 1800, and after
2037 every zone repeats a yearly rule, which the last (open-ended) RRULEs carry on. A
range wider than this would only cost time: a day-by-day scan of years 1 to 9999 took
minutes."""


def build_vtimezone(name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `name` that is exact for every instant of the given years."""
    first_year = min(max(first_year, SCAN_FROM), SCAN_TO)
    last_year = max(min(last_year, SCAN_TO), first_year)
    zone = ZoneInfo(name)
    tz = Timezone()
    tz.add("tzid", name)
    # The state at the start of the range, stated explicitly so that no client has to guess
    # the offset before the first change (Zurich had no summer time before 1981, say).
    at = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone)
    initial = TimezoneDaylight() if at.dst() else TimezoneStandard()
    initial.add("dtstart", at.replace(tzinfo=None) - timedelta(days=1))
    initial.add("tzoffsetfrom", at.utcoffset())
    initial.add("tzoffsetto", at.utcoffset())
    initial.add("tzname", at.tzname())
    tz.add_component(initial)
    changes = transitions(zone, first_year, last_year)
    later = transitions(zone, last_year + 1, last_year + 1) if last_year < SCAN_TO else []
    for dst in (False, True):
        runs = _runs([c for c in changes if c.dst == dst])
        for i, (run, rule) in enumerate(runs):
            part = TimezoneDaylight() if dst else TimezoneStandard()
            first = run[0]
            part.add("dtstart", first.local)
            part.add("tzoffsetfrom", first.before)
            part.add("tzoffsetto", first.after)
            part.add("tzname", first.name)
            if rule is not None:  # a run of one change (a one-off) needs no rule
                nth, month, weekday = rule[0], rule[1], rule[2]
                assert isinstance(weekday, int)
                recur = {"freq": "yearly", "bymonth": month, "byday": f"{nth}{_WEEKDAYS[weekday]}"}
                kept = any(c.dst == dst and rule in c.rules() for c in later)
                if i < len(runs) - 1 or not kept:  # open-ended only while the zone keeps the rule
                    recur["until"] = _until(run[-1])
                part.add("rrule", vRecur(recur))
            tz.add_component(part)
    return tz


def _until(last: Transition) -> datetime:
    """UNTIL of a run: its last change, in UTC, moved on by the offset before it where that is
    positive. RFC 5545 reads UNTIL in UTC and vobject as local time; the local time of the
    change lies that much after its UTC instant, so both keep the last change, and the next
    change the rule would give is a year later."""
    return last.utc + max(last.before, timedelta(0))


def _runs(changes: list[Transition]) -> list[tuple[list[Transition], tuple[object, ...] | None]]:
    """Group consecutive yearly changes that one rule describes (preferring 'last weekday')."""
    runs: list[tuple[list[Transition], tuple[object, ...] | None]] = []
    current: list[Transition] = []
    candidates: set[tuple[object, ...]] = set()
    for change in changes:
        fits = candidates & change.rules() if current else change.rules()
        consecutive = not current or change.utc.year == current[-1].utc.year + 1
        if current and (not fits or not consecutive):
            runs.append((current, _pick(candidates) if len(current) > 1 else None))
            current, fits = [], change.rules()
        current.append(change)
        candidates = fits
    if current:
        runs.append((current, _pick(candidates) if len(current) > 1 else None))
    return runs


def _pick(candidates: set[tuple[object, ...]]) -> tuple[object, ...] | None:
    """The preferred rule: 'last weekday' (-1) when it fits, else the nth weekday."""
    if not candidates:
        return None
    return sorted(candidates, key=lambda r: (r[0] != -1, r[0]))[0]
