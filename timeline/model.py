"""The events file as data: the calendar settings (a frozen dataclass) and the events
(slotted dataclasses, hashable and treated as immutable: see docs/design.md).

This is the model *as written*: date expressions are still symbolic (references are
unresolved). `timeline.resolve` turns it into a `Schedule` of concrete windows.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from itertools import chain

from .dates import DateExpr, Duration, PointExpr, RefExpr, Window


class Kind(str, Enum):
    """What sort of event this is; it decides defaults and how views draw it."""

    PHASE = "phase"
    MEETING = "meeting"
    MILESTONE = "milestone"
    DEADLINE = "deadline"


class Status(str, Enum):
    """How sure or how finished an event is."""

    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    DONE = "done"
    CANCELLED = "cancelled"


DEFAULT_MEETING_LENGTH = timedelta(hours=1)
"""How long a timed meeting written with one time and no `duration` lasts."""
DEFAULT_WARN = Duration(14, "d")
DEFAULT_REFRESH = Duration(1, "d")


@dataclass(frozen=True)
class Calendar:
    """The `calendar:` block: settings for the feed and for "today"."""

    name: str = "Timeline"
    """Feed name (NAME / X-WR-CALNAME)."""
    domain: str = "timeline.invalid"
    """UID domain: every feed UID is `<id>@<domain>`."""
    timezone: str = "UTC"
    """IANA zone of timed events and of "today"."""
    updated: date | datetime | None = None
    """The feed's DTSTAMP, when given."""
    warn: Duration = DEFAULT_WARN
    """Default lead time for upcoming warnings and alarms."""
    refresh: Duration = DEFAULT_REFRESH
    """How often subscribers should refetch the feed."""
    url: str | None = None
    """Where the feed is published."""
    timezone_set: bool = False
    """True when `timezone` was written in the file (X-WR-TIMEZONE is emitted then)."""
    windows: str = "quiet"
    """How an uncertain window becomes a feed event (`analysis.placement.WindowMode`)."""
    keep: Duration | None = None
    """Feeds drop events that ended more than this before today (None: keep all)."""


@dataclass(unsafe_hash=True, slots=True)
class Baseline:
    """The dates an event had before it was first moved: its `baseline:` block, written by
    `timeline move` and cleared by `timeline baseline` (without one, the written dates are
    the baseline)."""

    start: PointExpr
    """When it started in the baseline (for a point event: its one date)."""
    end: PointExpr
    """When it ended in the baseline."""
    is_span: bool
    """True for `start`+`end` or `when: a/b`."""
    is_due: bool
    """True when written with `due:`."""


@dataclass(unsafe_hash=True, slots=True)
class Repeat:
    """The `repeat:` rule of a series: a readable subset of RFC 5545 recurrence (see
    `timeline.repeats`, which computes its occurrences)."""

    every: str
    """`day`, `week`, `month` or `year`."""
    interval: int = 1
    """Every how many of them (`every: 2 weeks`)."""
    on: tuple[tuple[int, int], ...] = ()
    """`on:` weekdays as (weekday 0 = Monday, n-th of the month: 1 to 5, -1 last, 0 every)."""
    until: PointExpr | None = None
    """The last day an occurrence may fall on (a day, or a reference: its last possible day)."""
    count: int | None = None
    """How many occurrences there are."""
    skip: tuple[date, ...] = ()
    """Days the rule gives that have no occurrence (EXDATE)."""
    line: int = 0
    """1-based line of the `repeat:` value."""
    col: int = 0
    """1-based column of the `repeat:` value."""


@dataclass(unsafe_hash=True, slots=True)
class OccurrenceRecord:
    """One entry of `occurrences:`: what became of one occurrence of a series."""

    day: date
    """The day the rule gives it (its name: `ID@DAY`)."""
    when: Window | None = None
    """Where it was moved to (a day, or a time), or None."""
    status: Status | None = None
    """`cancelled` or `done`, or None."""
    actual: DateExpr | None = None
    """When it really happened, when recorded."""
    note: str | None = None
    """A remark recorded with `done` or `cancel`."""
    line: int = 0
    """1-based line of its key."""
    col: int = 0
    """1-based column of its key."""


@dataclass(frozen=True, slots=True)
class Positions:
    """Where each key of an event is written: the keys in the order written (one tuple shared
    by every event written with the same keys) and each value's line and column, packed as
    unsigned 32-bit ints. About 140 bytes an event where a dict of (line, col) tuples took
    490: a large file keeps one for each event (docs/performance.md)."""

    keys: tuple[str, ...] = ()
    packed: bytes = b""

    @classmethod
    def of(cls, where: dict[str, tuple[int, int]], once: Callable[[tuple[str, ...]], tuple[str, ...]]) -> Positions:
        """Pack a dict of (line, col) by key; `once` gives the key tuple shared with the events before."""
        return cls(once(tuple(where)), struct.pack(f"<{2 * len(where)}I", *chain(*where.values())))

    def __contains__(self, key: str) -> bool:
        return key in self.keys

    def get(self, key: str) -> tuple[int, int] | None:
        """The (line, col) of a key's value, or None when the key is not written."""
        if key not in self.keys:
            return None
        line, col = struct.unpack_from("<2I", self.packed, 8 * self.keys.index(key))
        return line, col


@dataclass(unsafe_hash=True, slots=True)
class Event:
    """One event as written in the file."""

    id: str
    """Unique id: lowercase letters, digits and `-`."""
    title: str
    """What it is called."""
    kind: Kind
    """phase, meeting, milestone or deadline."""
    start: PointExpr
    """When it starts (for a point event: its one date)."""
    end: PointExpr
    """When it ends (for a point event: the same object as `start`)."""
    is_span: bool
    """True for `start`+`end` or `when: a/b`."""
    is_due: bool
    """True when written with `due:` (open at the start)."""
    line: int
    """1-based line of the event's mapping."""
    col: int
    """1-based column of the event's mapping."""
    after: tuple[str, ...] = ()
    """Ids this event cannot start before the end of."""
    before: tuple[str, ...] = ()
    """Ids this event must end before the start of."""
    parent: str | None = None
    """The id of the phase it belongs to."""
    tags: tuple[str, ...] = ()
    """Tracks it belongs to."""
    owners: tuple[str, ...] = ()
    """Who is responsible for it: people or bodies, by name."""
    location: str | None = None
    """Where it happens."""
    description: str | None = None
    """Free text."""
    url: str | None = None
    """A link about it."""
    source: str | None = None
    """The quote from the source document that states it."""
    warn: Duration | None = None
    """Lead time for warnings and alarms (else the calendar's)."""
    status: Status | None = None
    """Status as written (None: default from precision and `actual`)."""
    actual: DateExpr | None = None
    """When it really happened (a literal point or span)."""
    note: str | None = None
    """A remark recorded with `done` or `cancel`."""
    timezone: str | None = None
    """The IANA zone its times are written in (None: the calendar's)."""
    baseline: Baseline | None = None
    """The dates before the first move (None: the written dates are the baseline)."""
    likely: Window | None = None
    """The days most likely inside its window, for the forecast (None: every day alike)."""
    repeat: Repeat | None = None
    """The rule of a series (None: it happens once)."""
    occurrences: tuple[OccurrenceRecord, ...] = ()
    """What became of single occurrences of a series (moved, cancelled, done)."""
    where: Positions = field(default=Positions(), compare=False, hash=False)
    """Where each key's value is written, for located messages."""

    def refs(self) -> list[tuple[str, str]]:
        """Every (key, id) this event's dates (and its baseline's) depend on, in a stable order."""
        out: list[tuple[str, str]] = []
        if isinstance(self.start, RefExpr):
            out.append((self.date_key("start"), self.start.target))
        if self.is_span and isinstance(self.end, RefExpr):
            out.append((self.date_key("end"), self.end.target))
        if self.baseline is not None:
            for expr in (self.baseline.start, self.baseline.end):
                if isinstance(expr, RefExpr) and ("baseline", expr.target) not in out:
                    out.append(("baseline", expr.target))
        if self.repeat is not None and isinstance(self.repeat.until, RefExpr):
            out.append(("repeat", self.repeat.until.target))
        for ident in self.after:
            out.append(("after", ident))
        for ident in self.before:
            out.append(("before", ident))
        return out

    def date_key(self, key: str) -> str:
        """The key the user wrote for `start`/`end` (`when`, `due`, `start`, `end`)."""
        if key in self.where:
            return key
        return "due" if self.is_due else "when"

    def position(self, key: str) -> tuple[int, int]:
        """Where to point a message about `key` (the event itself when unknown)."""
        return self.where.get(key) or (self.line, self.col)


@dataclass(frozen=True)
class EventsFile:
    """A loaded, structurally valid events file."""

    path: str
    """The file as the user named it (`<stdin>` for standard input)."""
    calendar: Calendar
    """Calendar settings."""
    events: tuple[Event, ...]
    """Events in file order."""
    mtime: float | None = None
    """Modification time of the file (for DTSTAMP when nothing else gives one)."""
