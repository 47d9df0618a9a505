"""Chart geometry shared by the text Gantt chart and the SVG: the range of days shown, the
axis that maps days to columns or pixels, and the shapes an event's row is made of.

Positions come from day ordinals alone, so no bar loses a day across a clock change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..dates import day_after, last_of_month
from ..errors import RequestError
from ..model import Kind
from ..schedule import ResolvedEvent


@dataclass(frozen=True)
class Axis:
    """Maps the days from `start` to `stop` onto `size` units (text cells or pixels)."""

    start: date
    """First day shown."""
    stop: date
    """Last day shown."""
    size: int
    """Cells (or pixels) of the chart area."""

    @property
    def days(self) -> int:
        """Days shown."""
        return (self.stop - self.start).days + 1

    def col(self, day: date) -> int:
        """The cell of a day (days outside are clamped to the edges)."""
        offset = (day - self.start).days
        return max(0, min(self.size - 1, offset * self.size // self.days))

    def x(self, day: date) -> float:
        """The position of a day's start, to a tenth (days outside are clamped to the edges)."""
        return round((min(max(day, self.start), self.stop) - self.start).days * self.size / self.days, 1)

    def inside(self, day: date) -> bool:
        """True when the day is in the shown range."""
        return self.start <= day <= self.stop


def months(start: date, stop: date) -> Iterator[date]:
    """The first day of every month from `start`'s month to `stop`'s."""
    month: date | None = start.replace(day=1)
    while month is not None and month <= stop:
        yield month
        month = day_after(last_of_month(month))


def known_days(e: ResolvedEvent) -> list[date]:
    """Every bound of an event's windows, as planned and now."""
    windows = (e.start, e.end, e.planned_start, e.planned_end)
    return [d for w in windows for d in (w.earliest, w.latest) if d is not None]


def chart_range(events: Sequence[ResolvedEvent], start: date | None, stop: date | None, today: date | None,
                bands: dict[str, tuple[date, date, date]] | None = None) -> tuple[date, date]:
    """The days to show: whole months around every known day of the events, and of their
    forecast bands where they are shaded (a band can run past the plan's last day)."""
    days = [d for e in events for d in known_days(e)]
    if bands:
        days += [d for e in events if e.id in bands for d in (bands[e.id][0], bands[e.id][2])]
    if not days:
        days = [today or date(2000, 1, 1)]
    lo = start if start is not None else min(days).replace(day=1)
    hi = stop if stop is not None else last_of_month(max(days))
    if hi < lo:
        raise RequestError(f"--to {hi} is before --from {lo}")
    return lo, hi


class Mark(str, Enum):
    """What a stretch of days in a row stands for."""

    POSSIBLE = "possible"
    CERTAIN = "certain"
    DAY = "day"
    DUE = "due"
    OPEN_LEFT = "open-left"
    OPEN_RIGHT = "open-right"
    ACTUAL = "actual"
    ACTUAL_DAY = "actual-day"
    OCCURRENCE = "occurrence"
    """One occurrence of a series (not cancelled)."""


@dataclass(unsafe_hash=True, slots=True)
class Shape:
    """One stretch of an event's row; later shapes are drawn over earlier ones."""

    mark: Mark
    """What it stands for."""
    first: date | None
    """First day (None: from the left edge)."""
    last: date | None
    """Last day (None: to the right edge)."""


def shapes(e: ResolvedEvent, start: date | None = None, stop: date | None = None, cells: int = 1000) -> list[Shape]:
    """How an event reads, independent of the medium (text cells or SVG pixels).

    The plan (or, for an event not done yet, the plan updated by what happened upstream):
    possible days, certain days, a one-day event, a due day, open sides to the edge. Once
    an event is done its plan is only possible days, and what happened goes over it.
    A series is its occurrences on the days [start, stop] (cancelled ones are not drawn;
    where they are denser than the `cells` of the medium, one mark a cell: `Series.marks`).
    """
    if e.series is not None:
        first_day = start or e.start.earliest or date.min
        last_day = stop or e.end.latest or e.start.earliest or date.max
        return [Shape(Mark.OCCURRENCE, first, last) for first, last in e.series.marks(first_day, last_day, cells)]
    plan_s, plan_e = (e.planned_start, e.planned_end) if e.done else (e.start, e.end)
    lo = plan_s.earliest if plan_s.earliest is not None else plan_s.latest
    hi = plan_e.latest if plan_e.latest is not None else plan_e.earliest
    due = e.kind == Kind.DEADLINE
    out: list[Shape] = []
    if lo is not None and hi is not None and not (due and plan_s.earliest is None):
        out.append(Shape(Mark.POSSIBLE, lo, hi))
        sure_lo, sure_hi = plan_s.latest, plan_e.earliest
        if not e.done and e.event.is_span and sure_lo is not None and sure_hi is not None and sure_lo <= sure_hi:
            out.append(Shape(Mark.CERTAIN, sure_lo, sure_hi))
        if not e.done and plan_s.is_day and plan_e.is_day and not due:
            out.append(Shape(Mark.DAY, lo, lo) if lo == hi else Shape(Mark.CERTAIN, lo, hi))
    if plan_s.earliest is None and not due and plan_s.latest is not None:
        out.append(Shape(Mark.OPEN_LEFT, None, plan_s.latest))
    if plan_e.latest is None and plan_e.earliest is not None:
        out.append(Shape(Mark.OPEN_RIGHT, plan_e.earliest, None))
    if due and plan_e.latest is not None:
        out.append(Shape(Mark.DUE, plan_e.latest, plan_e.latest))
    elif due and e.projected_by is not None and e.planned_end.latest is not None:  # due as planned, projected later
        out.append(Shape(Mark.DUE, e.planned_end.latest, e.planned_end.latest))
    if e.done:
        a_lo = e.start.earliest or e.start.latest
        a_hi = e.end.latest or e.end.earliest
        if a_lo is not None and a_hi is not None:
            out.append(Shape(Mark.ACTUAL_DAY, a_lo, a_lo) if a_lo == a_hi else Shape(Mark.ACTUAL, a_lo, a_hi))
    return out
