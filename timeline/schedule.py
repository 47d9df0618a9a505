"""The resolved schedule: each event with concrete windows as planned, as baselined and as
of the day judged, and the rules every view reads them by (how late, in what order).

`timeline.resolve` computes these from an events file; every renderer and analysis reads
them and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

from .dates import Window
from .model import Calendar, Event, Kind, Status
from .repeats import Series


@dataclass(unsafe_hash=True, slots=True)
class ResolvedEvent:
    """One event with concrete windows, as planned and as of the schedule's date.

    Hashable and treated as immutable (not `frozen`: see docs/design.md).
    """

    event: Event
    """The event as written."""
    planned_start: Window
    """Start window of the plan (no actuals anywhere)."""
    planned_end: Window
    """End window of the plan."""
    start: Window
    """Start window now: the actual when done, else the plan updated by upstream actuals."""
    end: Window
    """End window now."""
    done: bool
    """Done as of the schedule's date."""
    status: Status
    """Effective status as of the schedule's date."""
    label: str
    """Human label of `start`..`end`."""
    planned_label: str
    """Human label of the plan."""
    baseline_start: Window
    """Start window of the baseline: the plan as it was before any move (see `model.Baseline`)."""
    baseline_end: Window
    """End window of the baseline."""
    baseline_label: str
    """Human label of the baseline."""
    projected_by: int | None = None
    """When what happened upstream pushed this event (not done yet) past its own window: at
    least how many days late its start or its end is against the plan (`late_by`); else None."""
    projection: str | None = None
    """Why it is projected: which events, done or projected themselves, hold it back."""
    overdue: bool = False
    """Not done, and its window closed before the schedule's date: later events see it end
    on that date at the earliest."""
    series: Series | None = None
    """The occurrences of a repeating event (its `start` is the first one's start, its `end`
    the last one's end, open when it never ends); None for an event that happens once."""
    pushed_by: tuple[str, ...] = ()
    """The events whose links (references, `after`) set a projected event's first possible
    days: the next links of its chain (`explain` follows them)."""
    at_risk: str | None = None
    """Why it may not happen as planned though its own window still holds: an event that
    must end before it starts can no longer, or the event it repeats until has no end."""

    @property
    def id(self) -> str:
        """The event's id."""
        return self.event.id

    @property
    def kind(self) -> Kind:
        """The event's kind."""
        return self.event.kind

    @property
    def title(self) -> str:
        """The event's title."""
        return self.event.title

    @property
    def location(self) -> str | None:
        """Where it happens."""
        return self.event.location

    @property
    def tags(self) -> tuple[str, ...]:
        """Its tags."""
        return self.event.tags

    @property
    def owners(self) -> tuple[str, ...]:
        """Who is responsible for it."""
        return self.event.owners

    @property
    def parent(self) -> str | None:
        """The id of its parent phase."""
        return self.event.parent

    @property
    def earliest(self) -> date | None:
        """First possible day of the whole event."""
        return self.start.earliest

    @property
    def latest(self) -> date | None:
        """Last possible day of the whole event."""
        return self.end.latest

    @property
    def actual_recorded(self) -> bool:
        """True when what happened is recorded and counts as of the schedule's date."""
        return self.done and self.event.actual is not None

    @property
    def replanned(self) -> bool:
        """True when the plan differs from the baseline (the event, or one it depends on, moved)."""
        return (self.baseline_start, self.baseline_end) != (self.planned_start, self.planned_end)

    @property
    def slip_days(self) -> int | None:
        """Days the actual start fell after the planned start window (negative: before; 0: inside)."""
        if not self.actual_recorded:
            return None
        return slip(self.planned_start, self.start)


def slip(planned: Window, actual: Window) -> int:
    """Days an actual window lies after (positive) or before (negative) a planned window."""
    if planned.latest is not None and actual.earliest is not None and actual.earliest > planned.latest:
        return (actual.earliest - planned.latest).days
    if planned.earliest is not None and actual.latest is not None and actual.latest < planned.earliest:
        return -(planned.earliest - actual.latest).days
    return 0


@dataclass(frozen=True)
class Schedule:
    """A resolved events file: calendar settings and events in display order."""

    path: str
    """The events file as the user named it."""
    calendar: Calendar
    """Calendar settings."""
    events: tuple[ResolvedEvent, ...]
    """Events in chronological order, children right after their parent phase."""
    today: date
    """The day every view judges by: today in the calendar's zone, or the day asked for
    (`--as-of`); actuals after it are not yet known."""
    mtime: float | None = None
    """Modification time of the events file."""

    @cached_property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.calendar.timezone)

    @cached_property
    def depths(self) -> dict[str, int]:
        """How far each event is indented: how many of its ancestors this schedule holds.

        The one rule of indentation for every view: with a filter, a child is indented
        only under a parent that is shown.
        """
        out: dict[str, int] = {}
        for e in self.events:  # display order: a parent comes before its children
            out[e.id] = out[e.parent] + 1 if e.parent in out else 0
        return out

    def outside_parents(self) -> list[tuple[ResolvedEvent, ResolvedEvent]]:
        """(event, parent) for every event planned (in part) outside its parent phase's
        planned window: views still list it under the phase, so it reads out of date
        order there (`check` warns about each)."""
        by_id = {e.id: e for e in self.events}
        out = []
        for e in self.events:
            p = by_id.get(e.parent) if e.parent is not None else None
            if p is None:
                continue
            lo, hi = e.planned_start.earliest, e.planned_end.latest
            p_lo, p_hi = p.planned_start.earliest, p.planned_end.latest
            # an open side (a deadline's "by", an open end) says nothing about where it falls
            if (p_lo is not None and lo is not None and lo < p_lo) or (p_hi is not None and hi is not None and hi > p_hi):
                out.append((e, p))
        return out

    def select(
        self,
        tags: Iterable[str] = (),
        kinds: Iterable[str] = (),
        start: date | None = None,
        stop: date | None = None,
        owners: Iterable[str] = (),
    ) -> Schedule:
        """The events having any of `tags`, any of `kinds`, any of `owners` (names compared
        without regard to case), and possibly overlapping [start, stop]."""
        tags, kinds, owners = set(tags), set(kinds), {o.casefold() for o in owners}
        if not (tags or kinds or start or stop or owners):
            return self
        chosen = tuple(
            e for e in self.events
            if (not tags or not tags.isdisjoint(e.tags))
            and (not kinds or e.kind.value in kinds)
            and (not owners or not owners.isdisjoint(o.casefold() for o in e.owners))
            and (start is None or e.latest is None or e.latest >= start)
            and (stop is None or e.earliest is None or e.earliest <= stop)
        )
        shown = {e.id for e in chosen}
        if any(e.parent is not None and e.parent not in shown for e in chosen):
            chosen = tuple(display_order(chosen))  # a child whose phase is hidden takes its own date's place
        return replace(self, events=chosen)


def late_by(plan: tuple[Window, Window], now: tuple[Window, Window]) -> int | None:
    """At least how many days the windows `now` lie after the windows `plan` (the larger of
    the start's and the end's; 1 when a side that closed is now open), or None when they
    can still be kept: the one rule of "projected late" for every view."""
    days = []
    for was, is_ in zip(plan, now, strict=False):
        if was.latest is None:
            continue
        if is_.earliest is not None and is_.earliest > was.latest:
            days.append((is_.earliest - was.latest).days)
        elif is_.latest is None:
            days.append(1)
    return max(days) if days else None


def display_order(events: Iterable[ResolvedEvent]) -> list[ResolvedEvent]:
    """Chronological (first day, last day, then the order of the file), each child right
    after its parent phase when the parent is among `events`: the one order of every view."""
    resolved = {r.event.id: r for r in events}

    def key(r: ResolvedEvent) -> tuple[date, date, int, int]:
        first = r.start.earliest or r.start.latest or date.max
        last = r.end.latest or r.end.earliest or date.max
        return first, last, r.event.line, r.event.col

    children: dict[str | None, list[ResolvedEvent]] = {}
    for r in resolved.values():
        parent = r.event.parent if r.event.parent in resolved else None
        children.setdefault(parent, []).append(r)
    for group in children.values():
        group.sort(key=key)
    out: list[ResolvedEvent] = []
    placed: set[str] = set()
    stack = [iter(children.get(None, ()))]  # depth-first, without recursion: phases nest deep
    while stack:
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            continue
        ident = nxt.event.id
        if ident in placed:
            continue
        placed.add(ident)
        out.append(nxt)
        if ident in children:
            stack.append(iter(children[ident]))
    if len(out) < len(resolved):  # parent cycles: shown flat, already reported
        out.extend(sorted((r for r in resolved.values() if r.event.id not in placed), key=key))
    return out
