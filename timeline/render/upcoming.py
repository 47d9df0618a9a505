"""`timeline upcoming`: what needs attention as of a date, for a person and for a script.

Warnings start early enough for the *earliest possible* day of a window: a meeting
"sometime in November or December" is announced before 1 November, not before its
middle. "Done" is judged as of the date (the schedule is resolved with it), so running
with a past `--as-of` replays what one would have been told then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..dates import Duration, day_label, shift_within
from ..model import Kind, Status
from ..repeats import Occurrence
from ..schedule import ResolvedEvent, Schedule
from .jsonout import dumps, window_dict
from .text import one_line, pad, text_width
from .words import days, humanize, remark


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


@dataclass(frozen=True)
class UpcomingOptions:
    """What `upcoming` looks at, and how it says it."""

    within: Duration | None = None
    """The horizon after the schedule's `today`, a hard bound (`--within`); None: 30 days,
    and each event's `warn` lead time also announces it earlier."""
    json: bool = False
    """Machine-readable output."""


DEFAULT_WITHIN = Duration(30, "d")
"""The horizon when `--within` is not given."""


def horizon(schedule: Schedule, within: Duration | None) -> date:
    """The last day looked at: `within` (else 30 days) after the schedule's `today`."""
    within = within or DEFAULT_WITHIN
    return shift_within(schedule.today, within.amount, within.unit)


def find_upcoming(schedule: Schedule, options: UpcomingOptions) -> list[Item]:
    """Every event needing attention as of the schedule's `today`, most urgent first
    (overdue, then by date)."""
    as_of, last = schedule.today, horizon(schedule, options.within)
    default_warn = schedule.calendar.warn
    items = []
    for e in schedule.events:
        warn = None if options.within is not None else e.event.warn or default_warn
        if e.series is not None:
            items += occurrence_items(e, as_of, last)
        elif (item := classify(e, as_of, last, warn)) is not None:
            items.append(item)
    return sorted(items, key=lambda i: (i.state != State.OVERDUE, i.date, _RANK[i.state], i.event.id,
                                        i.occurrence.day if i.occurrence else date.min))


def render_upcoming(schedule: Schedule, options: UpcomingOptions = UpcomingOptions()) -> str:
    """What needs attention, as text or JSON."""
    items = find_upcoming(schedule, options)
    if options.json:
        return _json(schedule, items, horizon(schedule, options.within))
    return _text(schedule, items, horizon(schedule, options.within))


def _label(item: Item) -> str:
    """The date or window shown for an item."""
    if item.state in (State.DUE, State.OVERDUE) and item.event.kind == Kind.DEADLINE:
        return f"by {day_label(item.date)}"
    if item.occurrence is not None and item.event.series is not None:
        return item.event.series.occurrence_label(item.occurrence)
    return item.event.label


def _text(schedule: Schedule, items: Sequence[Item], horizon: date) -> str:
    """One line per item, then a summary line; plain statements when nothing is listed."""
    as_of, events = schedule.today, schedule.events
    within = (horizon - as_of).days
    lines = []
    if items:
        label_w = max(text_width(_label(i)) for i in items)
        when_w = max(text_width(humanize(i.date, as_of)) for i in items)
        for i in items:
            where = f"  @ {one_line(i.event.location)}" if i.event.location else ""
            if i.event.owners:
                where += f"  [{', '.join(one_line(o) for o in i.event.owners)}]"
            if i.state == State.AT_RISK and i.event.projected_by is not None:
                where += f"  (at least {days(i.event.projected_by)} late: {i.event.projection})"
            elif i.state == State.AT_RISK:
                where += f"  (at risk: {i.event.at_risk})"
            title = one_line(i.event.title) + (remark(i.occurrence) if i.occurrence else "")
            lines.append(f"{i.state.value:<8}  {pad(_label(i), label_w)}  {pad(humanize(i.date, as_of), when_w)}  "
                         f"{title}{where}")
        counts = {s: sum(1 for i in items if i.state == s) for s in State}
        risk = f", {counts[State.AT_RISK]} at risk" if counts[State.AT_RISK] else ""
        lines.append(f"{counts[State.DUE]} due, {counts[State.ONGOING]} ongoing, "
                     f"{counts[State.STARTING]} starting, {counts[State.OVERDUE]} overdue{risk}")
    ahead = [e for e in events if e.status != Status.CANCELLED and not e.done and e.start.earliest is not None and e.start.earliest > horizon]
    last = max((d for e in events for d in (e.end.latest, e.start.earliest) if d is not None), default=None)
    endless = any(e.series is not None and e.end.latest is None for e in events)
    if not ahead and last is not None and last < as_of and not endless:
        lines.append(f"Nothing lies ahead: the whole schedule is in the past (its last day, {day_label(last)}, was {humanize(last, as_of)}).")
    elif not items:
        nxt = min(ahead, key=lambda e: e.start.earliest) if ahead else None  # type: ignore[arg-type, return-value]
        text = f"Nothing in the next {within} days"
        if nxt is not None:
            first = nxt.start.earliest
            assert first is not None
            text += f"; next: {one_line(nxt.title)}, {nxt.label} (from {day_label(first)}, {humanize(first, as_of)})"
        lines.append(text + ".")
    return "\n".join(lines) + "\n"


def _json(schedule: Schedule, items: Sequence[Item], horizon: date) -> str:
    """`{"as_of", "within_days", "items": [{"id", "title", "kind", "state", "date", "days", "label",
    "when", "start", "end", "location", "owners", "late_days", "why_late", "occurrence"}]}`: `label` is
    what the text shows (`by DAY` for a deadline), `when` the event's (or the occurrence's)
    label, `start` and `end` its windows (`{"earliest", "latest"}`, date-times with offsets
    for timed events), `late_days` and `why_late` say how late an at-risk item is and why
    (else null; an item at risk whose own window still holds has `late_days` null and
    `why_late` the risk), `occurrence` is the day the rule gives a series' occurrence (else null)."""
    as_of, zone = schedule.today, schedule.zone

    def item(i: Item) -> dict[str, object]:
        e, o = i.event, i.occurrence
        start, end = (o.start, o.end) if o is not None else (e.start, e.end)
        when = e.series.occurrence_label(o) if o is not None and e.series is not None else e.label
        return {"id": e.id, "title": e.title, "kind": e.kind.value, "state": i.state.value,
                "date": i.date.isoformat(), "days": i.days, "label": _label(i), "when": when,
                "start": window_dict(start, zone), "end": window_dict(end, zone), "location": e.location,
                "owners": list(e.owners),
                "late_days": e.projected_by if i.state == State.AT_RISK else None,
                "why_late": (e.projection or e.at_risk) if i.state == State.AT_RISK else None,
                "occurrence": o.day.isoformat() if o is not None else None}

    return dumps({"as_of": as_of.isoformat(), "within_days": (horizon - as_of).days, "items": [item(i) for i in items]})
