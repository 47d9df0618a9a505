"""Series: the `repeat:` rule of an event, its occurrences, its words and its RRULE.

A rule is a readable subset of RFC 5545 recurrence: every N days, weeks, months or years,
on given weekdays or on the n-th (or last) weekday of the month, until a day (or a
reference) or a number of times, with skipped days. The first occurrence is the event's
own date, which must be exact (see `docs/format.md`: an uncertain anchor is refused).

Occurrences are computed by `dateutil.rrule` (installed with `arrow`), in the wall-clock
time of the series' zone as RFC 5545 says, and only for the range a view asks for; what
became of single occurrences (`occurrences:` in the file) is applied on top.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, UTC
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .dates import MONTHS, SpanExpr, Window
from .labels import day_label
from .errors import DateSyntaxError, quote
from .labels import label
from .model import OccurrenceRecord, Repeat, Status
from .zones import gaps

UNITS: dict[str, Literal[0, 1, 2, 3]] = {"day": 3, "week": 2, "month": 1, "year": 0}
"""The frequencies of `every:`, as dateutil numbers them (DAILY 3 ... YEARLY 0; a test holds
them equal): dateutil is imported only when occurrences are computed, so that the commands
that never compute one do not pay for it."""
ICAL_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1}
MAX_INTERVAL = 1000
"""The largest interval of `every:` (`1000 days`)."""
MAX_COUNT = 10_000
"""The largest `count` of one series."""
MAX_COUNTED = 200_000
"""The most occurrences the counts of one file's series may add up to (each is counted out
from the first: about a second of work); beyond, `until` is the way to bound a series."""
_EVERY = re.compile(r"(?:(\d{1,4})\s+)?([a-z]+?)s?")
_ON = re.compile(r"(?:(1st|2nd|3rd|4th|5th|last)\s+)?([a-z]{3})[a-z]*")


def parse_every(text: str) -> tuple[str, int]:
    """`week`, `2 weeks`, `month`: the frequency and the interval."""
    m = _EVERY.fullmatch(text.strip().lower())
    if not m or m.group(2) not in UNITS:
        raise DateSyntaxError(f"unknown frequency {quote(text)}; expected day, week, month or year, "
                              "or a number of them such as 2 weeks")
    interval = int(m.group(1) or 1)
    if not 1 <= interval <= MAX_INTERVAL:
        raise DateSyntaxError(f"{quote(text)}: expected from 1 to {MAX_INTERVAL} {m.group(2)}s")
    return m.group(2), interval


def parse_on(text: str) -> tuple[int, int]:
    """`tue`, `Tuesday`, `2nd tue`, `last fri`: (weekday, n-th; 0 for every one)."""
    m = _ON.fullmatch(text.strip().lower())
    day = m.group(2) if m else None
    if not m or day not in WEEKDAYS or not DAY_NAMES[WEEKDAYS.index(day)].lower().startswith(m.group(0).split()[-1]):
        raise DateSyntaxError(f"bad day {quote(text)}: expected a weekday such as tue, or the n-th weekday of "
                              "the month such as 2nd tue or last fri")
    return WEEKDAYS.index(day), ORDINALS.get(m.group(1) or "", 0)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a series, as it stands (moved, cancelled or done where recorded)."""

    day: date
    """The day the rule gives it, in the series' zone: its name (`ID@DAY`)."""
    start: Window
    """Its start: a day, or a time (its day is the calendar's)."""
    end: Window
    """Its end."""
    status: Status
    """confirmed, cancelled or done (as recorded)."""
    moved: bool = False
    """True when it was moved from the day the rule gives."""
    note: str | None = None
    """The note recorded with it."""
    actual: tuple[Window, Window] | None = None
    """When it really happened, when recorded (start and end windows, as written)."""


@dataclass(frozen=True)
class Series:
    """A rule anchored at an exact first occurrence: what the resolver gives a repeating event."""

    rule: Repeat
    """The rule as written."""
    first: date | datetime
    """The first occurrence's start: a day, or an aware time in the series' zone."""
    length: timedelta
    """How long each occurrence lasts (all-day: the days after the first one)."""
    until: date | None
    """The last day an occurrence may fall on (in the series' zone), resolved."""
    calendar_zone: ZoneInfo
    """The zone whose days the views show."""
    records: tuple[OccurrenceRecord, ...] = ()
    """What became of single occurrences."""
    skipped: frozenset[date] = field(default_factory=frozenset)
    """The days of `skip:`."""

    @property
    def timed(self) -> bool:
        """True when the occurrences are times, not days."""
        return isinstance(self.first, datetime)

    @property
    def zone(self) -> ZoneInfo | None:
        """The series' own zone (None for all-day series)."""
        return self.first.tzinfo if isinstance(self.first, datetime) else None  # type: ignore[return-value]

    @cached_property
    def by_day(self) -> dict[date, OccurrenceRecord]:
        """The records by the day the rule gives."""
        return {r.day: r for r in self.records}

    @property
    def naive_first(self) -> datetime:
        """The first start as the rule counts it: a naive wall-clock time (midnight for days)."""
        return self.first.replace(tzinfo=None) if isinstance(self.first, datetime) else datetime.combine(self.first, time())

    @cached_property
    def vacated(self) -> frozenset[date]:
        """The days the rule gives whose occurrence was cancelled or moved away."""
        return frozenset(r.day for r in self.records if r.status == Status.CANCELLED or r.when is not None)

    @cached_property
    def moved_starts(self) -> list[datetime]:
        """The naive starts of the moved occurrences that are not cancelled, in order."""
        return sorted(self.moved_start(r.when) for r in self.records if r.when is not None and r.status != Status.CANCELLED)

    def rrule(self, near: datetime | None = None) -> Any:
        """dateutil's rule, in naive wall-clock time of the series' zone.

        With `near`, a rule that gives the same starts from `near` on but begins at the
        whole period (of `interval` days, weeks, months or years) that holds it: dateutil
        iterates from a rule's first start, so a view ten years into a series would
        otherwise go through every start before it. The new first start is the beginning of
        that period (a week's Monday, a month's first day, a year's 1 January), with the
        weekday, day of the month and month the rule had from its first occurrence written
        out, so that nothing of the period is lost. A rule with a count is counted out from
        its first start, once (`counted`; the resolver bounds the counts of a file)."""
        from dateutil import rrule as _rrule

        rule = self.rule
        start = self.naive_first
        options: dict[str, Any] = {"byweekday": [_rrule.weekday(day, nth or None) for day, nth in rule.on] or None}
        until = datetime.combine(self.until, time.max) if self.until is not None else None
        if near is not None and near > start and rule.count is None:
            if rule.every == "day":
                start += timedelta(days=rule.interval) * ((near - start) // timedelta(days=rule.interval))
            elif rule.every == "week":
                options["byweekday"] = options["byweekday"] or [_rrule.weekday(start.weekday())]
                monday = start - timedelta(days=start.weekday())
                period = timedelta(weeks=rule.interval)
                start = monday + period * ((near - monday) // period)
            else:  # months or years: from the first day of the month (or of the year) of the period
                if not rule.on:
                    options["bymonthday"] = start.day
                    if rule.every == "year":
                        options["bymonth"] = start.month
                months = rule.interval * (12 if rule.every == "year" else 1)
                passed = (near.year - start.year) * 12 + near.month - start.month
                index = start.year * 12 + start.month - 1 + months * (passed // months)
                start = start.replace(year=index // 12, month=1 if rule.every == "year" else index % 12 + 1, day=1)
        return _rrule.rrule(UNITS[rule.every], dtstart=start, interval=rule.interval, count=rule.count, until=until,
                            cache=False, **options)

    @cached_property
    def counted(self) -> list[datetime] | None:
        """Every start of a rule with a count (which dateutil can only count out from the
        first one), computed once; None for any other rule."""
        return list(self.rrule()) if self.rule.count is not None else None

    def between(self, after: datetime, before: datetime) -> list[datetime]:
        """The starts the rule gives from `after` to `before` (naive wall-clock times), skipped days too."""
        counted = self.counted
        if counted is not None:
            return counted[bisect_left(counted, after):bisect_right(counted, before)]
        return self.rrule(after).between(after, before, inc=True)

    def starts(self, lo: date | None = None, hi: date | None = None) -> Iterator[datetime]:
        """The naive wall-clock starts the rule gives on the days [lo, hi] of the series'
        zone (skipped days left out; moves not applied)."""
        if lo is None and hi is None:
            found: Iterable[datetime] = self.counted if self.counted is not None else self.rrule()
        else:
            found = self.between(datetime.combine(lo or date.min, time()), datetime.combine(hi or date.max, time.max))
        for moment in found:
            if moment.date() not in self.skipped:
                yield moment

    @cached_property
    def last_start(self) -> datetime | None:
        """The last start the rule gives that is not skipped (None: it never ends)."""
        if self.counted is not None:
            return next((m for m in reversed(self.counted) if m.date() not in self.skipped), None)
        if self.until is None:
            return None
        first = self.naive_first
        end, span = datetime.combine(self.until, time.max), timedelta(days=120)
        while end >= first:  # back from the end, a stretch at a time, past any skipped days
            found = [m for m in self.between(max(end - span, first), end) if m.date() not in self.skipped]
            if found:
                return found[-1]
            end -= span
        return None

    def gives(self, day: date) -> bool:
        """True when the rule gives an occurrence on this day (skipped days count as given)."""
        return bool(self.between(datetime.combine(day, time()), datetime.combine(day, time.max)))

    def days(self, lo: date, hi: date) -> list[tuple[date, date]]:
        """The first and last day (the calendar's) of each occurrence that is not cancelled
        on the days [lo, hi]: what a chart draws, without building each occurrence."""
        margin = timedelta(days=1) + self.length
        first, last = shift(lo, -margin), shift(hi, margin)
        starts = [n for n in self.starts(first, last) if n.date() not in self.vacated]
        moved = self.moved_starts  # only those near the days asked for: a chart asks cell by cell
        starts += moved[bisect_left(moved, datetime.combine(first, time())):bisect_right(moved, datetime.combine(last, time.max))]
        return [(a, b) for a, b in map(self._days_of, filter(self.representable, starts)) if b >= lo and a <= hi]

    def representable(self, naive: datetime) -> bool:
        """False for an occurrence that would end after the last day of 9999 (or start before
        the first of year 1) in UTC or in the calendar's zone: it cannot be shown, and is none."""
        try:
            self.window(naive)
            self.window(naive, "end")
        except OverflowError:
            return False
        return True

    def _days_of(self, naive: datetime) -> tuple[date, date]:
        """The first and last day (the calendar's) of the occurrence that starts at `naive`."""
        if not isinstance(self.first, datetime):
            return naive.date(), naive.date() + self.length
        zone, calendar = self.first.tzinfo, self.calendar_zone
        end = naive + self.length
        if zone is calendar and end.date() == naive.date() and end.hour < 22:
            return naive.date(), naive.date()  # the same day whatever the clocks do
        start = naive.replace(tzinfo=zone).astimezone(UTC)
        return start.astimezone(calendar).date(), (start + self.length).astimezone(calendar).date()

    def nonexistent(self, lo: date, hi: date) -> list[datetime]:
        """The naive starts on the days [lo, hi] at a wall-clock time the clocks skip that
        day in the series' zone (02:30 on the spring day in Zurich): each is held an hour
        later, as calendar programs hold it (`window`), and `check` says so."""
        zone = self.zone
        if zone is None or lo > hi:
            return []
        clock = self.naive_first.time()  # every start the rule gives is at the first one's time of day
        found: list[datetime] = []
        for start, stop in (gap for year in range(lo.year, hi.year + 1) for gap in gaps(zone, year)):
            for day in sorted({start.date(), stop.date()}):
                naive = datetime.combine(day, clock)
                if start <= naive < stop and lo <= day <= hi and day not in self.skipped and day not in self.vacated \
                        and self.gives(day):
                    found.append(naive)
        return found

    def window(self, naive: datetime, side: str = "start") -> Window:
        """An occurrence's start (or, with `end`, its end) from its naive wall-clock start."""
        if isinstance(self.first, datetime):
            # a wall-clock time the clocks skip that day is read with the offset before the gap
            # (RFC 5545): 02:30 on the spring day is 03:30 summer time
            moment = naive.replace(tzinfo=self.first.tzinfo).astimezone(UTC).astimezone(self.first.tzinfo)
            if side == "end":
                moment = (moment.astimezone(UTC) + self.length).astimezone(self.first.tzinfo)
            day = moment.astimezone(self.calendar_zone).date()
            return Window(day, day, moment=moment)
        day = naive.date() + (self.length if side == "end" else timedelta(0))
        return Window(day, day)

    def occurrences(self, lo: date | None = None, hi: date | None = None) -> list[Occurrence]:
        """The occurrences that may fall on the days [lo, hi] (the calendar's), in order,
        with moves, cancellations and records applied (skipped days are no occurrence)."""
        margin = timedelta(days=1) + self.length  # a zone's day differs from the calendar's by up to a day
        out: list[Occurrence] = []
        for naive in self.starts(lo and shift(lo, -margin), hi and shift(hi, margin)):
            record = self.by_day.get(naive.date())
            if record is not None and record.when is not None:
                continue  # moved: placed below
            if self.representable(naive):
                out.append(self.occurrence(naive, record))
        for record in self.records:
            if record.when is not None and self.representable(start := self.moved_start(record.when)):
                out.append(self.occurrence(start, record, record.day))
        return sorted((o for o in out if _overlaps(o, lo, hi)), key=lambda o: (o.start.earliest, o.day))

    def moved_start(self, when: Window) -> datetime:
        """The naive wall-clock start of a moved occurrence."""
        if when.moment is not None:
            moment = when.moment
            if moment.tzinfo is not None and self.zone is not None:
                moment = moment.astimezone(self.zone)
            return moment.replace(tzinfo=None)
        assert when.earliest is not None
        return datetime.combine(when.earliest, time())

    def occurrence(self, naive: datetime, record: OccurrenceRecord | None, day: date | None = None) -> Occurrence:
        """The occurrence that starts at a naive wall-clock time (the rule gives it on `day`,
        or on that time's day), with its record applied."""
        status = Status.CONFIRMED
        if record is not None and record.status is not None:
            status = record.status
        elif record is not None and record.actual is not None:
            status = Status.DONE
        actual = None
        if record is not None and record.actual is not None:
            written = record.actual
            actual = (written.start, written.end) if isinstance(written, SpanExpr) else (written, written)
        return Occurrence(day or naive.date(), self.window(naive), self.window(naive, "end"), status,
                          record is not None and record.when is not None, record.note if record else None,
                          actual)  # type: ignore[arg-type]

    @cached_property
    def gaps(self) -> tuple[timedelta, timedelta] | None:
        """The shortest and the longest time between two starts the rule gives, from its
        first ones (every weekday pattern of a rule of days or weeks repeats within the
        sample; five years of one of months or years), or None for a single occurrence."""
        enough = 16 if self.rule.every in ("day", "week") else 60
        starts = []
        for moment in self.rrule():
            starts.append(moment)
            if len(starts) >= enough:
                break
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        return (min(gaps), max(gaps)) if gaps else None

    def marks(self, lo: date, hi: date, cells: int) -> list[tuple[date, date]]:
        """What a chart of `cells` cells over the days [lo, hi] marks for this series: the
        days of each occurrence (`days`), or, where the rule gives more than four occurrences
        a cell, one day in each cell that holds an occurrence. A cell at least as long as
        the longest gap between two starts holds one unless skips, cancellations or moves
        took every one of them: only such a cell is looked at one by one. The work is then
        bounded by the cells, however long the series."""
        span = (hi - lo).days + 1
        gaps = self.gaps
        if gaps is None or span <= 4 * cells * max(gaps[0].days, 1):
            return self.days(lo, hi)
        first = self.naive_first.date()
        last_start = self.last_start
        active = (max(lo, first), min(hi, last_start.date() if last_start is not None else hi))
        gone = sorted(self.skipped | self.vacated)
        longest = gaps[1].days + 1
        out = []
        for c in range(cells):
            a = lo + timedelta(days=-(-c * span // cells))  # the first day Axis.col puts in cell c
            b = lo + timedelta(days=-(-(c + 1) * span // cells) - 1)
            a, b = max(a, active[0]), min(b, active[1])
            if a > b:
                continue
            removed = bisect_right(gone, b) - bisect_left(gone, a)
            if ((b - a).days + 1) // longest > removed and b < date.max - timedelta(days=2):
                out.append((a, a))
            else:
                out += self.days(a, b)[:1]
        return out + [(x, y) for x, y in map(self._days_of, filter(self.representable, self.moved_starts))
                      if y >= lo and x <= hi]

    # -- words -------------------------------------------------------------------------
    def label(self) -> str:
        """`every Tuesday 15:00–16:00 CET/CEST from 3 Nov 2026 until 29 Jun 2027`: the times
        are wall-clock times of the series' zone, named by its abbreviations when it is the
        calendar's, else by its city, with the calendar's clock at the first occurrence beside
        them (`11:00–11:45 New York time (17:00–17:45 CET)`)."""
        text = self.words()
        if isinstance(self.first, datetime):
            zone = self.first.tzinfo
            end = (self.first.astimezone(UTC) + self.length).astimezone(zone)
            clock = f"{self.first:%H:%M}–{end:%H:%M}" + ("" if end.date() == self.first.date() else " the next day")
            key = getattr(zone, "key", "UTC")
            if key == self.calendar_zone.key or key == "UTC":
                year = self.first.year
                names = dict.fromkeys(datetime(year, m, 15, 12, tzinfo=zone).tzname() for m in (1, 7))
                text += f" {clock} {'/'.join(n for n in names if n)}"
            else:  # its own zone's clock, and the calendar's (at the first occurrence) beside it
                here = self.first.astimezone(self.calendar_zone)
                there = (self.first.astimezone(UTC) + self.length).astimezone(self.calendar_zone)
                text += (f" {clock} {key.rsplit('/', 1)[-1].replace('_', ' ')} time "
                         f"({here:%H:%M}–{there:%H:%M} {here.tzname()})")
        elif self.length:
            text += f" for {self.length.days + 1} days"
        return f"{text} {self.bounds_words()}"

    def occurrence_label(self, o: Occurrence) -> str:
        """`10 Nov 2026 15:00–16:00 CET (09:00–10:00 New York)`, `3 Nov 2026`."""
        own = self.zone
        timed = o.start.moment is not None and o.end.moment is not None
        span = o.end.moment.timestamp() != o.start.moment.timestamp() if timed else o.start != o.end  # type: ignore[union-attr]
        return label((o.start, o.end), span, False, self.calendar_zone,
                     own.key if own is not None and own.key != "UTC" else None)

    def words(self) -> str:
        """The rule in words: `every Tuesday`, `every 2 weeks on Monday and Thursday`,
        `every month on the last Friday`."""
        rule = self.rule
        first = self.first
        on = (rule.on or ((first.weekday(), 0),)) if rule.every == "week" else rule.on
        if rule.every in ("day", "week") and on and all(nth == 0 for _, nth in on):
            days = _and([DAY_NAMES[d] for d, _ in sorted(on)])
            if rule.interval == 1:
                return f"every {days}"
            return f"every {rule.interval} {rule.every}s on {days}"
        unit = "" if rule.interval == 1 else f"{rule.interval} "
        every = f"every {unit}{rule.every}" + ("" if rule.interval == 1 else "s")
        if rule.every == "month":
            if on and rule.interval == 1:
                return "every " + _and([_nth(n) + DAY_NAMES[d] for d, n in on]) + " of the month"
            if on:
                return f"{every} on the " + _and([_nth(n) + DAY_NAMES[d] for d, n in on])
            return f"{every} on the {_ordinal(first.day)}"
        if rule.every == "year":
            if on:
                return f"{every} on " + _and([_nth(n) + DAY_NAMES[d] for d, n in on])
            return f"{every} on {first.day} {MONTHS[first.month - 1]}"
        return every

    def bounds_words(self) -> str:
        """`from 3 Nov 2026 until 29 Jun 2027`, `from 3 Nov 2026, 12 times`."""
        first = self.naive_first.date()
        text = f"from {day_label(first)}"
        if self.rule.count is not None:
            return f"{text}, {self.rule.count} times"
        if self.last_start is not None:
            return f"{text} until {day_label(self.last_start.date())}"
        return text

    def ical(self) -> str:
        """The RRULE value: FREQ, INTERVAL, BYDAY, and COUNT or UNTIL (the last start, in UTC
        for a timed series as RFC 5545 requires)."""
        rule = self.rule
        parts = [f"FREQ={ICAL_FREQ[rule.every]}"]
        if rule.interval != 1:
            parts.append(f"INTERVAL={rule.interval}")
        if rule.on:
            parts.append("BYDAY=" + ",".join(f"{nth if nth else ''}{ICAL_DAYS[d]}" for d, nth in rule.on))
        if rule.count is not None:
            parts.append(f"COUNT={rule.count}")
        elif self.last_start is not None:
            last = self.last_start
            if isinstance(self.first, datetime):
                utc = last.replace(tzinfo=self.first.tzinfo).astimezone(UTC)
                parts.append(f"UNTIL={utc.year:04d}{utc:%m%dT%H%M%S}Z")
            else:
                parts.append(f"UNTIL={last.year:04d}{last:%m%d}")
        return ";".join(parts)


def shift(day: date, by: timedelta) -> date:
    """A day moved, kept inside the years 1 to 9999."""
    try:
        return day + by
    except OverflowError:
        return date.min if by < timedelta(0) else date.max


def _overlaps(o: Occurrence, lo: date | None, hi: date | None) -> bool:
    return (lo is None or o.end.latest >= lo) and (hi is None or o.start.earliest <= hi)  # type: ignore[operator]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _nth(n: int) -> str:
    return "" if n == 0 else "last " if n == -1 else f"{_ordinal(n)} "


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
