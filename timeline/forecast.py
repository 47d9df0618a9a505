"""Forecast: how likely each date is, given the windows, the dependencies and what happened.

A run draws every event once, in dependency order, so that every constraint holds inside the
run: an event `after` another starts no earlier than that run's end of it, a reference takes
that run's date of the event it names (shifted), a parent phase stretches over its children
before what depends on it is drawn, a done event keeps its actual dates. Runs are computed
together, one array of days per event (numpy: 10,000 runs of the default plan are about as
costly as one), and the percentiles, the chance of meeting a deadline and the events that
drive it are read off the arrays. The rules (docs/forecast.md):

- Within a window every day is equally likely; `likely:` (a day, or a sub-window) makes the
  density a trapezoid: flat over the likely days, falling to zero at the window's edges (a
  triangle for one likely day). Trapezoid rather than PERT: a plan's `likely` is a stretch
  of days as often as one day, and the shape has no parameter that nobody wrote.
- An open side is closed by a stated rule, reported with the forecast: a window open at the
  start (a deadline's "by") opens on the as-of day; one open at the end closes
  `OPEN_END_DAYS` after it opens.
- A milestone or deadline not done whose days lie before the as-of day happens within
  `OVERDUE_DAYS` of the as-of day; one whose window is under way keeps only its days from
  the as-of day on.
- A deadline is drawn from its due day: the chance rises evenly from where its work can
  begin (its `after` predecessors' end in the run, else `DEADLINE_LEAD_DAYS` before the due
  day) to the due day, with the days before the as-of day taken out.
- A repeating event keeps the dates its rule gives: its first and last occurrence.
- With `after` and `before`, each run draws within the days that run allows (from the
  predecessors' end to the successors' start, inside the written window): conditioned on the
  run, not moved to its bound. When no day is left, `after` wins, and the share of such runs
  is reported as impossible.
- A window is an estimate: unless asked not to (`history=False`, `--no-history`), each run
  misses it as often and by as much as the plan's closed windows say (`analysis.history`,
  `_Overrun`), correlated within an owner or a phase.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist

import numpy as np

from .dates import Duration, RefExpr, Window, shift_within
from .model import Event, Kind, Status
from .schedule import ResolvedEvent, Schedule
from .resolve import OVERDUE_KINDS
from .analysis.history import History, group_of, history_of
from .errors import RequestError
from .runs import DEFAULT_RUNS, DEFAULT_SEED, MAX_DRAWS

OPEN_END_DAYS = 365
"""Days a window open at the end is taken to last (stated in every forecast)."""
OVERDUE_DAYS = 30
"""A milestone or deadline not done and past its days happens within this many days of the
as-of day (stated in every forecast that uses it)."""
DEADLINE_LEAD_DAYS = 90
"""A deadline that follows nothing is taken to be worked towards over this many days before
its due day (its chance rising evenly to the due day)."""
LAST_DAY = date.max.toordinal()


@dataclass
class Drawn:
    """One event's days in every run (day ordinals), and what bound them."""

    start: np.ndarray
    end: np.ndarray
    binding: dict[str, np.ndarray] = field(default_factory=dict)
    """For each `after` predecessor, the runs in which its end set this event's start."""
    impossible: int = 0
    """Runs in which its rules could not all hold (`conflicts` says which)."""
    conflicts: list[str] = field(default_factory=list)
    """Which rules could not hold in some runs, in words."""
    conflicted: np.ndarray | None = None
    """The runs in which some rule could not hold."""

    def conflict(self, runs: np.ndarray, why: str) -> None:
        """Count the runs (a mask) in which a rule could not hold, and say which rule."""
        if not runs.any():
            return
        self.conflicted = runs if self.conflicted is None else self.conflicted | runs
        self.impossible = int(np.count_nonzero(self.conflicted))
        self.conflicts.append(why)
    assumed: str | None = None
    """How an open side was closed, when one was."""
    due: np.ndarray | None = None
    """A deadline's due day in every run (a due day written as a reference moves with it)."""


@dataclass
class Forecast:
    """Every event's draws over `runs` runs, as of a day."""

    schedule: Schedule
    as_of: date
    runs: int
    seed: int
    drawn: dict[str, Drawn]
    history: History | None = None
    """What the plan's history says of its windows (None: drawn as written, `--no-history`)."""

    def percentiles(self, ident: str, side: str, qs: Sequence[int]) -> list[date]:
        """The days at the given percentiles of an event's start or end."""
        days = getattr(self.drawn[ident], side)
        return [date.fromordinal(int(v)) for v in np.percentile(days, list(qs), method="inverted_cdf")]

    def share(self, mask: np.ndarray) -> float:
        """The share of runs a mask holds in."""
        return float(np.count_nonzero(mask)) / self.runs

    def met(self, e: ResolvedEvent) -> float | None:
        """The chance a deadline ends on or before its due day (None for other kinds)."""
        due = e.planned_end.latest
        if e.kind != Kind.DEADLINE or due is None:
            return None
        d = self.drawn[e.id]
        return self.share(d.end <= (d.due if d.due is not None else due.toordinal()))

    def inside(self, e: ResolvedEvent) -> float:
        """The chance the event starts and ends inside its planned windows."""
        d = self.drawn[e.id]
        ok = np.ones(self.runs, dtype=bool)
        for days, w in ((d.start, e.planned_start), (d.end, e.planned_end)):
            if w.earliest is not None:
                ok &= days >= w.earliest.toordinal()
            if w.latest is not None:
                ok &= days <= w.latest.toordinal()
        return self.share(ok)

    def moved_by(self, ident: str, most: int = 3) -> list[tuple[str, float]]:
        """What to chase: the events this one's days depend on, along whole paths (references,
        after, before, in turn), each with the share of this event's variation across runs
        that moves with it (the squared correlation of their end days), most first."""
        mine = self.drawn[ident].end.astype(float)
        if mine.std() == 0:
            return []
        out = []
        for other in sorted(_closure(self.schedule, _Tree(self.schedule), [ident]) - {ident}):
            theirs = self.drawn[other].end.astype(float) if other in self.drawn else None
            if theirs is None or theirs.std() == 0:
                continue
            r = float(np.corrcoef(mine, theirs)[0, 1])
            if r * r >= 0.005:
                out.append((other, r * r))
        return sorted(out, key=lambda x: (-x[1], x[0]))[:most]

    def drivers(self, ident: str) -> list[tuple[str, float]]:
        """The predecessors whose end set this event's start, with the share of runs in which
        each did (most often first), for a criticality index."""
        d = self.drawn[ident]
        found = [(other, self.share(mask)) for other, mask in d.binding.items()]
        return sorted((x for x in found if x[1] > 0), key=lambda x: (-x[1], x[0]))


def bands(schedule: Schedule) -> dict[str, tuple[date, date, date]]:
    """Each event's P10 start, P50 end and P90 end with the default runs and seed: what the
    charts shade (`gantt --forecast`, the page of `build --forecast` and `serve --forecast`)."""
    f = forecast(schedule)
    out: dict[str, tuple[date, date, date]] = {}
    for e in schedule.events:
        p50, p90 = f.percentiles(e.id, "end", [50, 90])
        out[e.id] = (f.percentiles(e.id, "start", [10])[0], p50, p90)
    return out


def forecast(schedule: Schedule, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
             only: Iterable[str] | None = None, history: bool = True) -> Forecast:
    """Draw every event of a schedule (resolved as of its `today`, which is the as-of day), or
    with `only` just those events and what their days depend on; with `history`, windows are
    overrun as the plan's own history says they are (`analysis.history`), else drawn as written."""
    tree = _Tree(schedule)
    wanted = _closure(schedule, tree, only) if only is not None else None
    events_count = len(schedule.events) if wanted is None else len(wanted)
    if events_count * runs > MAX_DRAWS:
        fits = max(MAX_DRAWS // max(events_count, 1), 0)
        raise RequestError(f"{runs:,} runs of {events_count:,} events are more than one forecast draws "
                           f"({MAX_DRAWS:,} runs × events, about 1 GB); give --runs {fits:,} or fewer")
    rng = np.random.default_rng(seed)
    as_of = schedule.today
    events = tree.events
    learned = history_of(schedule) if history else None
    overrun = _Overrun(learned, events, rng, runs) if learned is not None else None
    drawn: dict[str, Drawn] = {}
    complete: set[str] = set()  # phases stretched over all their descendants already
    for ident in _order(schedule, tree, wanted):
        if wanted is None or ident in wanted:
            for target in _depends_on(events[ident]):  # a phase it depends on is complete: stretch it first
                if target in tree.children and target not in complete and not tree.within(ident, target):
                    tree.stretch(target, drawn)
                    complete.add(target)
            drawn[ident] = _draw(events[ident], drawn, rng, runs, as_of, overrun)
    for root in tree.roots:
        if root not in complete:
            tree.stretch(root, drawn)
    return Forecast(schedule, as_of, runs, seed, drawn, learned)


def _closure(schedule: Schedule, tree: _Tree, only: Iterable[str]) -> set[str]:
    """The events whose days the days of `only` depend on: what they refer to, follow or
    precede, in turn, and the parts of every phase among them (a phase stretches over them)."""
    events, children = tree.events, tree.children
    out: set[str] = set()
    stack = [i for i in only if i in events]
    while stack:
        ident = stack.pop()
        if ident in out:
            continue
        out.add(ident)
        stack += [t for t in _depends_on(events[ident]) if t in events]
        stack += children.get(ident, [])
    return out


class _Tree:
    """The phases of a plan and what lies in each: children in file order, and for each
    event the span of the pre-order it heads, so that "is x inside phase a" is two
    comparisons, whatever the depth (a hostile file nests thousands deep)."""

    def __init__(self, schedule: Schedule) -> None:
        self.events = {e.id: e for e in schedule.events}
        self.children: dict[str, list[str]] = {}
        for e in schedule.events:
            if e.parent is not None and e.parent in self.events and e.parent != e.id:
                self.children.setdefault(e.parent, []).append(e.id)
        self.preorder: list[str] = []
        self.first: dict[str, int] = {}
        self.after: dict[str, int] = {}  # one past the last of its subtree
        self.roots = [e.id for e in schedule.events if e.parent is None or e.parent not in self.events
                      or e.parent == e.id]
        for root in self.roots:
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                ident, closing = stack.pop()
                if closing:
                    self.after[ident] = len(self.preorder)
                    continue
                if ident in self.first:
                    continue
                self.first[ident] = len(self.preorder)
                self.preorder.append(ident)
                stack.append((ident, True))
                stack.extend((child, False) for child in reversed(self.children.get(ident, [])))

    def within(self, ident: str, ancestor: str) -> bool:
        """True when `ident` is `ancestor` or lies inside it."""
        if ident not in self.first or ancestor not in self.first:
            return False
        return self.first[ancestor] <= self.first[ident] < self.after[ancestor]

    def stretch(self, ident: str, drawn: dict[str, Drawn]) -> None:
        """Stretch a phase over its drawn children, each over its own first, in every run;
        never a done or cancelled phase, nor over a cancelled child. Stretching again
        changes nothing."""
        if ident not in self.first:
            return
        for child in reversed(self.preorder[self.first[ident] + 1:self.after[ident]]):  # the deepest first
            e = self.events[child]
            parent = self.events[e.parent] if e.parent is not None else None
            if parent is not None and parent.id in drawn and child in drawn and not parent.done \
                    and e.status != Status.CANCELLED and parent.status != Status.CANCELLED:
                p = drawn[parent.id]
                np.minimum(p.start, drawn[child].start, out=p.start)
                np.maximum(p.end, drawn[child].end, out=p.end)


def _depends_on(e: ResolvedEvent) -> list[str]:
    """The events whose days this one's depend on directly (references, after, before)."""
    return [t for _, t in e.event.refs() if t != e.id]


_COMPLETE = "+"
"""Prefix of a phase's completion in `_order` (no id can begin with it)."""


def _order(schedule: Schedule, tree: _Tree, wanted: set[str] | None = None) -> list[str]:
    """Ids in dependency order (references, `after` and `before`); what depends on a phase
    comes after the phase's descendants, so that it sees the phase stretched over them
    (rule 3 of #25), unless it is one of them. A phase's completion is a node of its own
    that follows the phase and its children's completions: edges grow with the plan, not
    with the plan times the phases' sizes. With `wanted`, only those events are ordered."""
    deps: dict[str, list[str]] = {}
    for e in schedule.events:
        if wanted is not None and e.id not in wanted:
            continue
        mine = _depends_on(e)
        deps[e.id] = mine + [_COMPLETE + t for t in mine if t in tree.children and not tree.within(e.id, t)]
    for parent, kids in tree.children.items():
        if wanted is None or parent in wanted:
            deps[_COMPLETE + parent] = [parent] + [_COMPLETE + k if k in tree.children else k for k in kids]
    known = set(deps)
    order: list[str] = []
    state: dict[str, int] = {}
    for root in deps:
        stack = [(root, iter(deps[root]))]
        if state.get(root):
            continue
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                state[node] = 2
                if not node.startswith(_COMPLETE):
                    order.append(node)
            elif nxt in known and not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(deps[nxt])))
    return order


def _draw(e: ResolvedEvent, drawn: dict[str, Drawn], rng: np.random.Generator, runs: int, as_of: date,
          overrun: _Overrun | None = None) -> Drawn:
    """One event's days in every run."""
    ev = e.event
    if e.series is not None:  # a series keeps the dates its rule gives: its first and last occurrence
        first = e.start.earliest
        assert first is not None
        last = e.end.latest
        drawn_series = Drawn(np.full(runs, first.toordinal(), dtype=np.int64),
                             np.full(runs, (last or _later(first, OPEN_END_DAYS)).toordinal(), dtype=np.int64))
        if last is None:
            drawn_series.assumed = f"a series that never ends: taken to end {OPEN_END_DAYS} days after it begins"
        return drawn_series
    if e.actual_recorded:  # what happened: its days (uniform within an actual window)
        start = _uniform(rng, runs, e.start.earliest, e.start.latest)
        end = np.maximum(_uniform(rng, runs, e.end.earliest, e.end.latest), start)
        return Drawn(start, end)
    result = Drawn(np.empty(0), np.empty(0))
    floor = np.full(runs, np.iinfo(np.int64).min)  # the latest end of the `after` predecessors
    for other in ev.after:
        if other in drawn:
            np.maximum(floor, drawn[other].end, out=floor)
    cap = np.full(runs, np.iinfo(np.int64).max)  # the earliest start of the `before` successors
    for other in ev.before:
        if other in drawn:
            np.minimum(cap, drawn[other].start, out=cap)
    conditioned = bool(ev.after or ev.before)
    start = _side(ev, ev.start, e.planned_start, drawn, rng, runs, as_of, result, "start",
                  (floor, cap if not ev.is_span else None) if conditioned else None)
    end = (_side(ev, ev.end, e.planned_end, drawn, rng, runs, as_of, result, "end",
                 (start, cap) if conditioned else None) if ev.is_span else None)
    written = ev.start if isinstance(ev.start, Window) and ev.start.earliest is not None else e.planned_start
    first_written = (as_of.toordinal() if ev.is_due else written.earliest.toordinal() if written.earliest is not None
                     else np.iinfo(np.int64).min)
    for other in ev.after:  # which predecessor's end lifted the first possible day, in each run
        if other in drawn:
            result.binding[other] = (drawn[other].end == floor) & (floor > first_written)
    start = np.maximum(start, floor)
    end = start.copy() if end is None else np.maximum(end, start)
    window = (None, result.due) if ev.is_due and result.due is not None else _window(e, end)
    if overrun is not None and not e.done and window is not None:
        late_day, early_day = overrun.days(e, *window)
        # the runs in which it misses its window: later, or earlier but never before the as-of
        # day; not those whose window has closed already (the as-of rules placed them)
        moved = np.maximum(late_day - end, 0) + np.minimum(np.maximum(early_day, as_of.toordinal()) - end, 0)
        moved = np.where(window[1] < as_of.toordinal(), 0, moved)
        end = end + moved
        if e.kind != Kind.PHASE or not ev.is_span:  # a phase runs longer or shorter; anything else moves
            start = start + moved
            start = np.where(moved < 0, np.maximum(start, as_of.toordinal()), start)  # early, but not in the past
        start = np.maximum(start, floor)  # never before what it follows
        end = np.maximum(end, start)
    lowest = start if ev.is_span else floor  # a point moves as a whole: no earlier than `after`
    clash = cap < lowest
    result.conflict(clash, "after and before could not both hold (after won)")
    end = np.where(clash, np.maximum(end, lowest), np.minimum(end, cap))  # after wins where both cannot hold
    result.start, result.end = (start, end) if ev.is_span else (end, end.copy())
    return result


def _side(ev: Event, expr: object, planned: Window, drawn: dict[str, Drawn], rng: np.random.Generator, runs: int,
          as_of: date, result: Drawn, side: str,
          bounds: tuple[np.ndarray, np.ndarray | None] | None = None) -> np.ndarray:
    """The days of one side (start or end) of an event in every run. With `bounds` (each
    run's first and last day that `after` and `before` allow), the days are drawn within
    them: conditioned on the run, not clamped to it (clamping piles runs on the bound)."""
    if ev.is_due:
        return _deadline(ev, expr, planned, drawn, rng, runs, as_of, result, bounds)
    if isinstance(expr, RefExpr) and expr.target in drawn:
        days = _side_of(drawn[expr.target], expr, rng, runs)
        past = days < as_of.toordinal()
        if ev.kind in OVERDUE_KINDS and not ev.is_span and bool(past.any()):
            # not done, and this run's day has passed: it happens within OVERDUE_DAYS of the as-of day
            soon = as_of.toordinal() + rng.integers(0, OVERDUE_DAYS + 1, size=runs, dtype=np.int64)
            days = np.where(past, np.minimum(soon, LAST_DAY), days)
            result.assumed = (f"not done and past in {np.count_nonzero(past):,} of {runs:,} runs: happens within "
                              f"{OVERDUE_DAYS} days of the as-of day ({as_of}) in those")
            result.conflict(past, f"its day, {expr}, had passed by the as-of day")
        return days
    lo, hi = planned.earliest, planned.latest
    if isinstance(expr, Window):
        lo, hi = expr.earliest, expr.latest  # the written window: `after` is applied per run
    notes = []
    if lo is None:
        lo = as_of if hi is None else min(as_of, hi)
        notes.append(f"opens on the as-of day ({as_of})")
    if hi is None:
        hi = _later(lo, OPEN_END_DAYS)
        notes.append(f"closes {OPEN_END_DAYS} days after it opens")
    if ev.kind in OVERDUE_KINDS and not ev.is_span and hi < as_of:
        lo, hi = as_of, _later(as_of, OVERDUE_DAYS)
        notes.append(f"not done and past: happens within {OVERDUE_DAYS} days of the as-of day ({as_of})")
    elif ev.kind in OVERDUE_KINDS and not ev.is_span and lo < as_of:
        lo = as_of
    if notes:
        result.assumed = "; ".join(notes)
    likely = ev.likely if side == "start" or not ev.is_span else None
    if bounds is None:
        return _trapezoid(rng, runs, lo, hi, likely)
    first = np.maximum(bounds[0], lo.toordinal())
    last = np.full(runs, hi.toordinal(), dtype=np.int64) if bounds[1] is None else np.minimum(bounds[1], hi.toordinal())
    last = np.maximum(last, first)  # no day left: the first day `after` allows (counted impossible by the caller)
    return first + np.floor(rng.random(runs) * (last - first + 1)).astype(np.int64)


def _deadline(ev: Event, expr: object, planned: Window, drawn: dict[str, Drawn], rng: np.random.Generator,
              runs: int, as_of: date, result: Drawn,
              bounds: tuple[np.ndarray, np.ndarray | None] | None = None) -> np.ndarray:
    """The day a deadline is met in every run, from a shape anchored on its due day (that
    run's, when the due day is a reference) and on what it follows, not on the as-of day:
    the chance rises evenly from where its work can begin (the end of its `after`
    predecessors in that run, else `DEADLINE_LEAD_DAYS` before the due day) to the due day,
    and the days before the as-of day are taken out (not done: it is met from the as-of day
    on). A later as-of day then only removes days, as new knowledge does. Past due and not
    done: within `OVERDUE_DAYS` of the as-of day."""
    start = as_of.toordinal()
    if isinstance(expr, RefExpr) and expr.target in drawn:
        due = _side_of(drawn[expr.target], expr, rng, runs)
    else:
        assert planned.latest is not None
        due = np.full(runs, planned.latest.toordinal(), dtype=np.int64)
    result.due = due
    late = due < start
    if late.all():
        result.assumed = f"past due and not done: met within {OVERDUE_DAYS} days of the as-of day ({as_of})"
    elif late.any():  # a due day written as a reference, passed in some runs only
        result.assumed = (f"past due in {np.count_nonzero(late):,} of {runs:,} runs: met within {OVERDUE_DAYS} days "
                          f"of the as-of day ({as_of}) in those")
        result.conflict(late, f"its due day, {expr}, had passed by the as-of day")
    anchor = due - DEADLINE_LEAD_DAYS
    if bounds is not None and ev.after:  # where the predecessors end, in each run
        anchor = np.where(bounds[0] > np.iinfo(np.int64).min, bounds[0], anchor)
    hi = due.copy()
    if bounds is not None and bounds[1] is not None:
        hi = np.minimum(hi, bounds[1])
    lo = np.maximum(anchor, start)
    if bounds is not None:
        lo = np.maximum(lo, bounds[0])
    if ev.likely is not None and not isinstance(expr, RefExpr) and bounds is None and not late.any():
        first = min(date.fromordinal(int(lo[0])), ev.likely.earliest or as_of)
        days = _trapezoid(rng, runs, max(first, as_of), date.fromordinal(int(hi[0])), ev.likely)
    else:
        days = _rising(rng, anchor, lo, hi)
    soon = start + np.floor(rng.random(runs) * (OVERDUE_DAYS + 1)).astype(np.int64)
    days = np.where(late, np.minimum(soon, LAST_DAY), days)
    return np.where(~late & (lo > hi), lo, days)  # no day left before the due day: missed, on the first day allowed


def _rising(rng: np.random.Generator, anchor: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Days from `lo` to `hi` in each run, the chance rising evenly from `anchor` (at most
    `lo`) to `hi`: a triangle on [anchor, hi + 1) with the days before `lo` taken out."""
    a = anchor.astype(float)
    width = np.maximum(hi + 1 - a, 1.0)
    below = np.clip((lo - a) / width, 0.0, 1.0) ** 2  # the triangle's share before `lo`
    u = below + rng.random(len(lo)) * (1.0 - below)
    days = np.floor(a + width * np.sqrt(u)).astype(np.int64)
    return np.clip(days, lo, np.maximum(hi, lo))


def _window(e: ResolvedEvent, end: np.ndarray) -> tuple[np.ndarray | None, np.ndarray] | None:
    """Each run's first and last day of an event's window (of its end): as written, or that
    run's day where the window is a reference's; the first is None for a window open at the
    start, which cannot be beaten (a deadline); None for one open at the end."""
    if isinstance(e.event.end, RefExpr):
        return (None if e.event.is_due else end), end
    if e.planned_end.latest is None:
        return None
    last = np.maximum(end, e.planned_end.latest.toordinal())
    first = e.planned_end.earliest
    return (np.minimum(end, first.toordinal()) if first is not None else None), last


class _Overrun:
    """In which runs each event misses its window, and to which day (#25). A run is late
    with the chance its group's history gives (`History.chances`: an owner's, else a
    top-level phase's, drawn towards the whole plan's) and early alike, correlated within
    the group (`History.shared`). A late run lands further from the plan's start than its
    window's last day by an excess drawn from the exponential the history gives
    (`History.late_scale`); an early one nearer than its first day, alike. As far as the
    history shows misses, both depend on the window's width: the misses are taken to be a
    normal error in log distance from the plan's start, fitted to the shares at the
    history's typical width (`History.width`), so a narrower window is missed more often
    and by more (`_beyond`); a plan that kept its windows keeps them however narrow."""

    def __init__(self, history: History, events: dict[str, ResolvedEvent], rng: np.random.Generator,
                 runs: int) -> None:
        self.history, self.events, self.rng, self.runs = history, events, rng, runs
        self.shared: dict[str, np.ndarray] = {}  # each group's shared factor, in every run
        self.rho = history.shared
        self.thresholds: dict[str, tuple[float, float]] = {}  # each group's, at the typical width (`_thresholds`)
        self.typical, self.late_scale, self.early_scale = history.width, history.late_scale, history.early_scale
        self.misses = len(history.late) + len(history.early)

    def days(self, e: ResolvedEvent, first: np.ndarray | None, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The day each run lands on when the event misses its window: late (after `last`,
        else 0) and early (before `first`, else the last day of 9999; never without `first`)."""
        rng, runs = self.rng, self.runs
        key = group_of(e, self.events)
        if key not in self.shared:
            self.shared[key] = rng.standard_normal(runs)
        z = math.sqrt(self.rho) * self.shared[key] + math.sqrt(1 - self.rho) * rng.standard_normal(runs)
        if key not in self.thresholds:
            self.thresholds[key] = _thresholds(*self.history.chances(key))
        a, b = self.thresholds[key]
        origin = self.history.origin.toordinal()
        typical = self.typical
        if first is not None and typical is not None and typical > 0 and a > b:
            # a window narrower than the history's typical one is missed more often, a wider one less:
            # the misses as a normal error in log distance, fitted to the shares at the typical width
            sigma = 2 * typical / (a - b)
            mu = typical - a * sigma
            lo_ = np.log(np.maximum(first - origin, 1))
            hi_ = np.log(np.maximum(last - origin, 1))
            half = (hi_ - lo_) / 2
            # as far as the history shows misses at all: a plan that keeps its windows keeps them
            # however narrow they are (its dates are not spread by the distance)
            trust = self.misses / (self.misses + 1)
            late_above = trust * (half - mu) / sigma + (1 - trust) * a
            early_below = trust * (-half - mu) / sigma + (1 - trust) * b
            # and missed by more: the normal error's mean beyond this window's edge against beyond the typical one's
            h = float(np.median(half))
            stretch = 1 + trust * (_beyond(mu, sigma, h) / _beyond(mu, sigma, typical) - 1)
            shrink = 1 + trust * (_beyond(-mu, sigma, h) / _beyond(-mu, sigma, typical) - 1)  # early: the mirror
        else:
            late_above, early_below = np.full(runs, a), np.full(runs, b)
            stretch = shrink = 1.0
        late = origin + (last - origin) * np.exp(np.minimum(stretch * rng.exponential(self.late_scale, runs), 5.0))
        late_day = np.maximum(np.ceil(np.minimum(late, LAST_DAY)).astype(np.int64), np.minimum(last + 1, LAST_DAY))
        late_day = np.where(z > late_above, late_day, 0)
        if first is None:
            return late_day, np.full(runs, LAST_DAY, dtype=np.int64)
        early = origin + (first - origin) * np.exp(-np.minimum(shrink * rng.exponential(self.early_scale, runs), 5.0))
        early_day = np.maximum(np.minimum(np.floor(early).astype(np.int64), first - 1), origin)
        return late_day, np.where(z < early_below, early_day, LAST_DAY)


def _thresholds(p_late: float, p_early: float) -> tuple[float, float]:
    """Where a run's standard normal draw makes it late (above the first) and early (below
    the second), for these chances."""
    normal = NormalDist()
    return (normal.inv_cdf(1 - min(max(p_late, 1e-6), 1 - 1e-6)),
            normal.inv_cdf(min(max(p_early, 1e-6), 1 - 1e-6)))


def _beyond(mu: float, sigma: float, edge: float) -> float:
    """The mean distance beyond `edge` of a normal error (mean `mu`, deviation `sigma`) that
    lies beyond it."""
    normal = NormalDist()
    alpha = (edge - mu) / sigma
    tail = max(1 - normal.cdf(alpha), 1e-12)
    return max(sigma * normal.pdf(alpha) / tail - (edge - mu), 1e-9)


def _side_of(target: Drawn, expr: RefExpr, rng: np.random.Generator, runs: int) -> np.ndarray:
    """A reference's day in every run: the target's start, end, or a day of its extent, shifted."""
    if expr.part == "start":
        base = target.start.copy()
    elif expr.part == "end":
        base = target.end.copy()
    else:
        base = target.start + np.floor(rng.random(runs) * (target.end - target.start + 1)).astype(np.int64)
    return _shifted(base, expr.amount, expr.unit) if expr.amount else base


def _later(day: date, days: int) -> date:
    """A day `days` later, at most the last day of 9999."""
    return date.fromordinal(min(day.toordinal() + days, LAST_DAY))


def _shifted(days: np.ndarray, amount: int, unit: str) -> np.ndarray:
    """Days shifted by a duration, as the resolver shifts them: whole days and weeks, calendar
    months and years (31 Jan + 1m is 28 Feb), kept inside the years 1 to 9999."""
    if unit in ("d", "w"):
        return np.clip(days + amount * (7 if unit == "w" else 1), 1, LAST_DAY)
    unique, where = np.unique(days, return_inverse=True)  # a window's few days, not one per run
    moved = np.array([shift_within(date.fromordinal(int(d)), amount, unit).toordinal() for d in unique], dtype=np.int64)
    return moved[where].reshape(days.shape)


def _uniform(rng: np.random.Generator, runs: int, lo: date | None, hi: date | None) -> np.ndarray:
    lo = lo or hi
    hi = hi or lo
    assert lo is not None and hi is not None
    return rng.integers(lo.toordinal(), hi.toordinal() + 1, size=runs, dtype=np.int64)


def _trapezoid(rng: np.random.Generator, runs: int, lo: date, hi: date, likely: Window | None) -> np.ndarray:
    """Days from lo to hi: uniform, or a trapezoid flat over the likely days."""
    a, d = lo.toordinal(), hi.toordinal() + 1  # [a, d): continuous, then floored to days
    if likely is None or likely.earliest is None or likely.latest is None:
        return rng.integers(a, d, size=runs, dtype=np.int64)
    b, c = max(likely.earliest.toordinal(), a), min(likely.latest.toordinal() + 1, d)
    if c <= b:  # the likely days are all past (or outside): every day left is alike
        return rng.integers(a, d, size=runs, dtype=np.int64)
    left, middle, right = (b - a) / 2, c - b, (d - c) / 2
    total = left + middle + right
    u = rng.random(runs) * total
    v = rng.random(runs)
    out = np.empty(runs)
    m1 = u < left
    m2 = (u >= left) & (u < left + middle)
    m3 = ~(m1 | m2)
    out[m1] = a + (b - a) * np.sqrt(v[m1])  # rising edge: density ∝ (x - a)
    out[m2] = b + (c - b) * v[m2]
    out[m3] = d - (d - c) * np.sqrt(v[m3])  # falling edge
    return np.clip(np.floor(out), a, d - 1).astype(np.int64)


def percentile_rank(days: np.ndarray, day: date) -> float:
    """Where a day falls among drawn days: the share drawn before it, plus half of those on it."""
    value = day.toordinal()
    return (float(np.count_nonzero(days < value)) + float(np.count_nonzero(days == value)) / 2) / len(days)


@dataclass(frozen=True)
class Replay:
    """One recorded actual against the forecast made `lead` days before it."""

    event: ResolvedEvent
    """The event, with its actual."""
    as_of: date
    """The day of the forecast."""
    rank: float
    """Where the actual end fell among the forecast's draws (0 to 1)."""
    certain: bool = False
    """The forecast gave one day only (planned to the day): nothing to calibrate."""


def replay(f: Forecast, e: ResolvedEvent, actual_end: date) -> Replay:
    """An actual end day against a forecast's draws of that event."""
    days = f.drawn[e.id].end
    return Replay(e, f.as_of, percentile_rank(days, actual_end), bool(days.min() == days.max()))


@dataclass(frozen=True)
class Share:
    """How many of `n` held, with a 95% interval (Wilson's, which stays inside 0 to 1 for small n)."""

    held: int
    n: int

    @property
    def share(self) -> float | None:
        return self.held / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.n:
            return None
        z, p, n = 1.959964, self.held / self.n, self.n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Backtest:
    """Each recorded actual against the forecast made `lead` before its planned date."""

    lead: Duration
    replays: tuple[Replay, ...]

    @property
    def tested(self) -> tuple[Replay, ...]:
        """The replays whose forecast had more than one day (one planned to the day tests nothing)."""
        return tuple(r for r in self.replays if not r.certain)

    @property
    def inside(self) -> Share:
        """How many actuals fell inside P10–P90 (about 80% for a well-calibrated plan)."""
        return Share(sum(1 for r in self.tested if 0.1 <= r.rank <= 0.9), len(self.tested))

    @property
    def by_p50(self) -> Share:
        """How many actuals fell on or before their forecast's P50 (about 50% when calibrated)."""
        return Share(sum(1 for r in self.tested if r.rank <= 0.5), len(self.tested))


def backtest(events: Iterable[ResolvedEvent], schedule_on: Callable[[date], Schedule], lead: Duration,
             runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
             history: bool = True) -> tuple[Backtest, Backtest | None]:
    """Each recorded actual of `events` against the forecast made as of its planned date minus
    `lead` (a day that does not depend on when it really happened), from the schedule as of
    that day (`schedule_on`, which knows only the history recorded by then); only what each
    event depends on is drawn. With `history`, also from the windows alone (the calibration
    before the history's correction), from the same schedule of each day."""
    learned, alone = [], []
    for e in events:
        planned = e.planned_start.earliest or e.planned_end.latest
        if not e.actual_recorded or planned is None or e.end.latest is None:
            continue
        schedule = schedule_on(lead.before(planned))
        learned.append(replay(forecast(schedule, runs, seed, only=[e.id], history=history), e, e.end.latest))
        if history:
            alone.append(replay(forecast(schedule, runs, seed, only=[e.id], history=False), e, e.end.latest))
    return Backtest(lead, tuple(learned)), Backtest(lead, tuple(alone)) if history else None
