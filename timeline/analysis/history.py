"""How late a plan runs, learned from its own history: the reference class of the forecast.

Each event whose window has closed is one observation. Its window is the one planned first
(the baseline where there is one). An event recorded after its window's last day is late by
how much further from the plan's start it came than that last day: `excess`, the log of
the ratio of the two distances (0.1 is about 10% further). One recorded before its window's
first day is early by as much (a negative excess, against the first day). One recorded
inside its window is neither. An event whose window closed before the day judged with
nothing recorded is late by at least what the day judged makes it (censored: "at least this
late", not left out, or the history would be learned only from what finished in time).

With little history the learned share of late events is drawn towards a stated prior,
`PRIOR_LATE` (`PRIOR_WEIGHT` events' worth); docs/forecast.md gives the model and its
evidence. `timeline.forecast` draws from this; nothing here draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

from ..model import Status
from ..schedule import ResolvedEvent, Schedule

PRIOR_LATE = 0.35
"""The share of windows a plan with no history is taken to miss: ranges that estimators
state with 90% confidence hold the truth only about 60 to 70% of the time in studies of
software estimates (Jørgensen and colleagues); a third missed is that record, rounded."""
PRIOR_EXCESS = math.log(1.1)
"""The median excess of a late event with no history to learn from: 10% further from the
plan's start than its window's last day, the median overrun the review of this round
simulated for plans that run late as real ones do."""
PRIOR_EARLY = 0.05
"""The share of windows a plan with no history is taken to beat (an event before its window)."""
PRIOR_WEIGHT = 2
"""How many events' worth of history the prior counts for."""
SHARED = 0.5
"""The correlation of lateness between events that share a cause (an owner, else a top-level
phase) with no history to learn it from: half of what makes each late is common to the
group (`History.shared` learns it where groups have history)."""


@dataclass(frozen=True)
class Lateness:
    """One event of the history."""

    id: str
    late: bool
    """Recorded after its window, or not recorded and its window closed."""
    excess: float
    """For a late event, log((day − origin) / (window's last day − origin)); for an early
    one, log((day − origin) / (window's first day − origin)), below 0; else 0. For a censored
    one, the least it can be."""
    censored: bool = False
    """Nothing recorded: at least `excess` late."""
    group: str = ""
    """The cause it shares with others (`group_of`)."""
    width: float | None = None
    """Half its window's width in log distance from the plan's start, log(last / first) / 2
    (None: open at the start)."""


@dataclass(frozen=True)
class History:
    """What a plan's closed windows say about how late it runs."""

    origin: date
    """The plan's first planned day: distances are counted from it."""
    items: tuple[Lateness, ...]

    @property
    def late(self) -> tuple[Lateness, ...]:
        return tuple(i for i in self.items if i.late)

    @property
    def early(self) -> tuple[Lateness, ...]:
        return tuple(i for i in self.items if i.excess < 0)

    @property
    def censored(self) -> int:
        return sum(1 for i in self.items if i.censored)

    @property
    def p_late(self) -> float:
        """The share of windows missed: the history's, drawn towards the prior."""
        return (len(self.late) + PRIOR_LATE * PRIOR_WEIGHT) / (len(self.items) + PRIOR_WEIGHT)

    @property
    def p_early(self) -> float:
        """The share of windows beaten: the history's, drawn towards the prior."""
        return (len(self.early) + PRIOR_EARLY * PRIOR_WEIGHT) / (len(self.items) + PRIOR_WEIGHT)

    @property
    def shared(self) -> float:
        """The correlation of misses within a group: the intra-class correlation of the closed
        windows (missed or not) across the groups that have two or more (the one-way
        analysis-of-variance estimator, from 0 to 0.9), drawn towards `SHARED` with
        `PRIOR_WEIGHT` groups' worth; `SHARED` where fewer than two groups have two."""
        groups: dict[str, list[int]] = {}
        for i in self.items:
            groups.setdefault(i.group, []).append(1 if i.late or i.excess < 0 else 0)
        sizes = [(len(v), sum(v)) for v in groups.values() if len(v) >= 2]
        k, n = len(sizes), sum(size for size, _ in sizes)
        if k < 2:
            return SHARED
        p = sum(m for _, m in sizes) / n
        between = sum(size * (m / size - p) ** 2 for size, m in sizes) / (k - 1)
        within = sum(m * (1 - m / size) for size, m in sizes) / (n - k)
        n0 = (n - sum(size * size for size, _ in sizes) / n) / (k - 1)
        denominator = between + (n0 - 1) * within
        icc = 0.0 if denominator <= 0 else min(max((between - within) / denominator, 0.0), 0.9)
        return (k * icc + PRIOR_WEIGHT * SHARED) / (k + PRIOR_WEIGHT)

    def chances(self, group: str) -> tuple[float, float]:
        """The shares of windows missed and beaten in one group (an owner's, a phase's): its
        own history drawn towards the whole plan's (`PRIOR_WEIGHT` events' worth), since
        delays that share a cause recur."""
        mine = [i for i in self.items if i.group == group]
        late = sum(1 for i in mine if i.late)
        early = sum(1 for i in mine if i.excess < 0)
        return ((late + self.p_late * PRIOR_WEIGHT) / (len(mine) + PRIOR_WEIGHT),
                (early + self.p_early * PRIOR_WEIGHT) / (len(mine) + PRIOR_WEIGHT))

    @property
    def late_scale(self) -> float:
        """The scale of the exponential that a late event's excess is taken to follow: the
        maximum-likelihood one with the censored events at least as late as they are (the
        sum of the excesses over the late events that were recorded), the prior's median
        counted as `PRIOR_WEIGHT` more late events."""
        return _scale([i.excess for i in self.late], sum(1 for i in self.late if not i.censored))

    @property
    def early_scale(self) -> float:
        """The same for how much earlier than its first day a beaten window's event came."""
        return _scale([-i.excess for i in self.early], len(self.early))

    @property
    def width(self) -> float | None:
        """The median half-width of the closed windows (log distance), None when none has two ends."""
        values = sorted(i.width for i in self.items if i.width is not None)
        return values[len(values) // 2] if values else None

    @property
    def median_excess(self) -> float:
        """The median excess of a late event, as learned."""
        return self.late_scale * math.log(2)

    def said(self) -> str:
        """`history: 9 closed windows (2 with nothing recorded), 3 missed, a late one median
        12% further than planned; 41% of windows taken to be missed`."""
        n = len(self.items)
        if not n:
            return (f"history: no window has closed yet; the prior is used: {self.p_late:.0%} of windows "
                    f"taken to be missed, a late one {_further(self.median_excess)} than planned")
        unrecorded = f" ({self.censored} with nothing recorded)" if self.censored else ""
        early = f", {len(self.early)} beaten" if self.early else ""
        return (f"history: {n} closed window{'s' if n != 1 else ''}{unrecorded}, {len(self.late)} missed{early}"
                + (f", a late one median {_further(self.median_excess)} than planned" if self.late else "")
                + f"; {self.p_late:.0%} of windows taken to be missed")


def _further(excess: float) -> str:
    """`12% further`, or `over 100 times as far` (dates near the years 1 and 9999 go that far)."""
    return f"{math.expm1(excess):.0%} further" if excess < math.log(100) else "over 100 times as far"


def _scale(excesses: list[float], uncensored: int) -> float:
    """An exponential's scale from excesses (some of them lower bounds) and the prior."""
    prior = PRIOR_EXCESS / math.log(2)
    return (sum(excesses) + PRIOR_WEIGHT * prior) / (uncensored + PRIOR_WEIGHT)


def group_of(e: ResolvedEvent, events: dict[str, ResolvedEvent]) -> str:
    """The cause an event shares with others: its first owner, else its top-level phase."""
    if e.owners:
        return "owner:" + e.owners[0].casefold()
    top, seen = e, {e.id}
    while top.parent is not None and top.parent in events and top.parent not in seen:
        seen.add(top.parent)
        top = events[top.parent]
    return "phase:" + top.id


def history_of(schedule: Schedule) -> History:
    """The history of a schedule as of its day (`schedule.today`)."""
    every = {e.id: e for e in schedule.events}
    events = [e for e in schedule.events if e.series is None and e.status != Status.CANCELLED]
    firsts = [w.earliest for e in events for w in (e.baseline_start, e.planned_start) if w.earliest is not None]
    origin = min(firsts, default=schedule.today)
    items = [replace(item, group=group_of(e, every)) for e in events
             if (item := _lateness(e, origin, schedule.today)) is not None]
    return History(origin, tuple(items))


def _lateness(e: ResolvedEvent, origin: date, today: date) -> Lateness | None:
    """One event as history: None while its window is open (whatever is recorded), or when
    it has no last day or lies on the plan's first day (no distance to compare)."""
    last = e.baseline_end.latest or e.planned_end.latest
    first = e.baseline_end.earliest or e.planned_end.earliest  # None: open at the start (a deadline)
    if last is None or last <= origin or (first is not None and first <= origin):
        return None
    planned = (last - origin).days
    if last >= today:
        return None  # still open: what came in time is known, what will be late is not (a biased sample)
    width = None if first is None else math.log(planned / (first - origin).days) / 2
    if e.actual_recorded and e.end.latest is not None:
        day = e.end.latest
        if first is not None and day < first:
            return Lateness(e.id, False, math.log(max((day - origin).days, 1) / (first - origin).days), width=width)
        if day <= last:
            return Lateness(e.id, False, 0.0, width=width)
        return Lateness(e.id, True, math.log((day - origin).days / planned), width=width)
    if e.done:
        return None  # done without a date
    return Lateness(e.id, True, math.log((today - origin).days / planned), censored=True, width=width)
