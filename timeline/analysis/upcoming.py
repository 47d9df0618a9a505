"""What needs attention as of a day: overdue, at risk, due, ongoing or starting.

Warnings start early enough for the *earliest possible* day of a window: a meeting
"sometime in November or December" is announced before 1 November, not before its
middle. "Done" is judged as of the day (the schedule is resolved with it), so a past
`--as-of` replays what one would have been told then. `render.upcoming` says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..dates import Duration, shift_within
from ..model import Kind, Status
from ..repeats import Occurrence
from ..schedule import ResolvedEvent, Schedule


class State(str, Enum):
    """Why an event is listed, most urgent first."""

    OVERDUE = "overdue"
    AT_RISK = "at-risk"
    DUE = "due"
    ONGOING = "ongoing"
    STARTING = "starting"


_RANK = {State.OVERDUE: 0, State.AT_RISK: 1, State.DUE: 2, State.ONGOING: 3, State.STARTING: 4}


@dataclass(unsafe_hash=True, slots=True)
class Item:
    """One event that needs attention."""

    event: ResolvedEvent
    """The event."""
    state: State
    """Why it is listed."""
    date: date
    """The day that makes it urgent."""
    days: int
    """`date - as_of` in days (negative when past)."""
    occurrence: Occurrence | None = None
    """The occurrence of a series that is listed (None: the event itself)."""


def lead_start(day: date, warn: Duration) -> date:
    """The first day of the warning period before `day`."""
    if warn.unit == "h":
        return shift_within(day, warn.amount // -24, "d")
    return shift_within(day, -warn.amount, warn.unit)


def occurrence_items(e: ResolvedEvent, as_of: date, horizon: date) -> list[Item]:
    """A series' occurrences that are under way or start from `as_of` to `horizon` (a
    series announces its occurrences within the horizon, not `warn` ahead of each)."""
    assert e.series is not None
    if e.status == Status.CANCELLED:
        return []
    items = []
    for o in e.series.occurrences(as_of, horizon):
        first, last = o.start.earliest, o.end.latest
        if o.status in (Status.CANCELLED, Status.DONE) or first is None or last is None:
            continue
        if first <= as_of:
            items.append(Item(e, State.ONGOING, last, (last - as_of).days, o))
        else:
            items.append(Item(e, State.STARTING, first, (first - as_of).days, o))
    return items


def classify(e: ResolvedEvent, as_of: date, horizon: date, warn: Duration | None) -> Item | None:
    """The state of one event as of a day (the day its schedule was resolved as of, which
    decided whether it is overdue), or None when it needs no attention. With a `warn` lead
    time, an event due or starting after the horizon is listed once the lead time before it
    has begun; without one (`--within` given) the horizon is a hard bound."""
    if e.done or e.status in (Status.DONE, Status.CANCELLED):
        return None
    first, last = e.start.earliest, e.end.latest
    if e.projected_by is not None and first is not None:  # what happened upstream makes it late
        return Item(e, State.AT_RISK, first, (first - as_of).days)
    if e.at_risk is not None and not e.overdue and last is not None and last >= as_of:  # its window holds, but
        day = first if first is not None and first > as_of else last                   # what it needs may not
        return Item(e, State.AT_RISK, day, (day - as_of).days)
    # A deadline, or a point whose window is open at the start ("no later than X"), has a due date.
    has_due = last is not None and (e.kind == Kind.DEADLINE or (first is None and not e.event.is_span))
    if e.overdue and last is not None:  # the resolver's verdict (`resolve.OVERDUE_KINDS`)
        return Item(e, State.OVERDUE, last, (last - as_of).days)
    if last is not None and last < as_of:
        return None  # meetings and phases wholly in the past are history
    if has_due:
        assert last is not None
        if last <= horizon or warn is not None and lead_start(last, warn) <= as_of:
            return Item(e, State.DUE, last, (last - as_of).days)
        return None
    if first is not None and first <= as_of and (last is None or as_of <= last):
        end = last if last is not None else as_of
        return Item(e, State.ONGOING, end, (end - as_of).days)
    if first is not None and first > as_of and (first <= horizon or warn is not None and lead_start(first, warn) <= as_of):
        return Item(e, State.STARTING, first, (first - as_of).days)
    return None


DEFAULT_WITHIN = Duration(30, "d")
"""The horizon when `--within` is not given."""


def horizon(schedule: Schedule, within: Duration | None) -> date:
    """The last day looked at: `within` (else 30 days) after the schedule's `today`."""
    within = within or DEFAULT_WITHIN
    return shift_within(schedule.today, within.amount, within.unit)


@dataclass(frozen=True)
class Upcoming:
    """What needs attention as of a day: what `upcoming` prints, and what its exit code reads."""

    as_of: date
    """The day judged by (the schedule's `today`)."""
    horizon: date
    """The last day looked at."""
    items: tuple[Item, ...]
    """Most urgent first: overdue, then by date."""

    @property
    def overdue(self) -> bool:
        """True when anything is overdue (`--fail-on-overdue` exits 3)."""
        return any(i.state == State.OVERDUE for i in self.items)


def find_upcoming(schedule: Schedule, within: Duration | None = None) -> Upcoming:
    """Every event needing attention as of the schedule's `today`, most urgent first
    (overdue, then by date). `within` is a hard horizon; None: 30 days, and each event's
    `warn` lead time (else the calendar's) also announces it earlier."""
    as_of, last = schedule.today, horizon(schedule, within)
    default_warn = schedule.calendar.warn
    items = []
    for e in schedule.events:
        warn = None if within is not None else e.event.warn or default_warn
        if e.series is not None:
            items += occurrence_items(e, as_of, last)
        elif (item := classify(e, as_of, last, warn)) is not None:
            items.append(item)
    ordered = sorted(items, key=lambda i: (i.state != State.OVERDUE, i.date, _RANK[i.state], i.event.id,
                                           i.occurrence.day if i.occurrence else date.min))
    return Upcoming(as_of, last, tuple(ordered))
