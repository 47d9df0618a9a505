"""Resolution: references, `after`/`before` and actuals → concrete windows for every event.

Events are resolved in dependency order, three ways: as planned (no actual counts: what
every slip is measured against), as baselined (the dates before the first move), and as
of a day, the one every command judges by (actuals recorded by then replace the plan, an
event whose window closed with no record is overdue, and whatever follows from either is
*projected* through every link). Every problem of the file comes from what is written,
the first two: a window that is empty there is a contradiction and a dependency cycle is
an error, both naming every event involved with its FILE:LINE. What happened never makes
the file an error: the third way opens a window it empties and says why. This module
neither reads files nor the clock: the road from a file to a `Schedule` is
`timeline.pipeline`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .dates import RefExpr, SpanExpr, Window, length_text, referenced
from .labels import day_label
from .labels import label
from .errors import DateSyntaxError, Problem, quote
from .model import Baseline, Event, EventsFile, Kind, Status
from .repeats import MAX_COUNTED, Series
from .zones import skipped
from .schedule import ResolvedEvent, display_order, late_by


def _length(span: timedelta) -> str:
    """`1h30min`, `2 days`: a length in words for messages."""
    if span.seconds == 0:
        return f"{span.days} day{'s' if span.days != 1 else ''}"
    return length_text(span)


OVERDUE_KINDS = (Kind.DEADLINE, Kind.MILESTONE)
"""Kinds that are overdue when their window closes with no record; a meeting or a phase
wholly in the past is taken as history."""
SUGGESTIONS = 20
"""At most this many unknown references in a file get a "did you mean"."""


CHAIN_LINKS = 4
"""How many events behind a projected one its reason names."""
MAX_STRETCHES = 8
"""How many times a phase stretched over a late part may move what follows the phase
before the schedule is taken as it stands (each time is one pass over the events)."""
TWICE_WORK = 200_000
"""How many event windows (and occurrences of series counted out) the passes of the plan may
compute in all to carry the last days of orders stated from both sides (`a: before: b` with
`b: after: a`) back along a chain of them, one link a pass, before the file is refused: a
real plan settles in two passes, a plan of up to 440 events settles whatever its chains,
and at least 16 passes are allowed."""


def _opened(w: Window) -> Window:
    """A window that what happened emptied (its first possible day after its last): open
    from that first day, as a projection is."""
    if w.earliest is not None and w.latest is not None and w.earliest > w.latest:
        return Window(w.earliest, None, w.approximate, w.uncertain)
    return w


def resolve_days(
    events_file: EventsFile, known_ids: Iterable[str] = ()
) -> tuple[list[Problem], Callable[[date], tuple[ResolvedEvent, ...]]]:
    """Resolve a file: the plan pass (where every problem of the file is found: empty when
    it is valid; only what is written is a problem), and the events in display order as of
    any day, judged from it (what happened by then gives projections, never problems). The
    pipeline judges one day; a backtest replays many from one plan pass."""
    resolver = _Resolver(events_file, set(known_ids))
    order = resolver.order()
    planned, baselined = resolver.plan(order)
    return resolver.problems, lambda day: resolver.judged(day, order, planned, baselined)


def _components(graph: dict[str, list[str]]) -> dict[str, int]:
    """The strongly connected component of each node (Tarjan's algorithm, without recursion:
    chains can be long): two nodes share one when each reaches the other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            else:
                low[node] = min(low[node], low[graph[node][i - 1]])
            for j in range(i, len(graph[node])):
                nxt = graph[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = index[node]
                        if member == node:
                            break
    return component


class _Resolver:
    """Orders events by dependency and computes their windows."""

    def __init__(self, events_file: EventsFile, known: set[str]) -> None:
        self.file = events_file
        self.as_of = date.min
        """The day judged (set by `judged`)."""
        self.events = {e.id: e for e in events_file.events}
        self.known = known | set(self.events)
        self.problems: list[Problem] = []
        self.recorded: set[Problem] = set()  # the same problems, to find one in constant time
        self.zone = ZoneInfo(events_file.calendar.timezone)
        self.deps: dict[str, list[str]] = {}
        """The events each event's dates depend on (set by `order`)."""
        self.sorted_ids = sorted(self.known)
        self.cyclic: set[str] = set()
        """Events in a dependency cycle (set by `order`)."""
        self.twice: dict[str, list[str]] = {}
        """For each event, the `before` targets that also state the order from their side
        (`after:` it): one constraint, ordered by its `after` (set by `order`). The target is
        resolved later, so the last day it allows this event comes from the pass before
        (`plan`)."""
        self.actuals: dict[str, tuple[Window, Window]] = {}
        """The actual windows of each event that has one (set by `plan`)."""
        self.projected: dict[str, str] = {}
        """Why each projected event is projected (set by `judge`)."""
        self.pushed: dict[str, list[str]] = {}
        """The events whose links pushed each projected event (set by `judge`)."""
        self.at_risk: dict[str, str] = {}
        """Why each event at risk is: a `before` that cannot hold, an end that is open."""
        self.overdue: set[str] = set()
        """Events not done whose window closed before the day judged."""
        self.suggestions = 0
        """How many unknown ids got a suggestion so far."""
        self.counted = 0
        """How many occurrences the counts of the series resolved so far add up to."""
        self.series: dict[str, Series] = {}
        """The series of each repeating event as planned (set by `anchor`)."""
        self.moved_series: dict[str, Series] = {}
        """The series whose `until:` event moved, as of the day (set by `judge`)."""
        self.unstretched: dict[str, Window] = {}
        """Each event's end as of the day before a late part stretched it (set by `judge`)."""

    def problem(self, event: Event, key: str, message: str) -> None:
        """Record a problem at an event's key."""
        self.located(*event.position(key), message)

    def where(self, ident: str) -> str:
        """`id (FILE:LINE)` for messages naming several events."""
        e = self.events[ident]
        return f"{quote(ident)} ({self.file.path}:{e.line})"

    # -- ordering -----------------------------------------------------------------
    def order(self) -> list[str]:
        """Ids in dependency order; unknown references and cycles become problems."""
        deps: dict[str, list[str]] = {}
        for event in self.events.values():
            mine = []
            for key, target in event.refs():
                if target == event.id:
                    self.problem(event, key, f"{key}: {quote(target)} refers to the event itself")
                elif target not in self.known:
                    self.unknown(event, key, target)
                elif key == "before" and target in self.events and event.id in self.events[target].after:
                    self.twice.setdefault(event.id, []).append(target)  # the same order as its `after`
                elif target in self.events:
                    mine.append(target)
            deps[event.id] = mine
        if self.twice:
            self.untwice(deps)
        self.deps = deps
        if event_parent_problems := self.check_parents():
            for problem in event_parent_problems:
                self.located(problem.line, problem.col, problem.message)
        order: list[str] = []
        state: dict[str, int] = {}  # 1: on the stack, 2: done
        for root in self.events:
            if state.get(root):
                continue
            if not deps[root]:  # most events: nothing to visit first
                state[root] = 2
                order.append(root)
                continue
            stack: list[tuple[str, int]] = [(root, 0)]
            path: list[str] = [root]
            state[root] = 1
            while stack:
                node, i = stack[-1]
                if i < len(deps[node]):
                    stack[-1] = (node, i + 1)
                    nxt = deps[node][i]
                    if state.get(nxt) == 1:
                        self.cycle(path[path.index(nxt):])
                    elif not state.get(nxt):
                        state[nxt] = 1
                        stack.append((nxt, 0))
                        path.append(nxt)
                else:
                    stack.pop()
                    path.pop()
                    state[node] = 2
                    order.append(node)
        return order

    def untwice(self, deps: dict[str, list[str]]) -> None:
        """Put back among the dependencies each order stated from both sides whose target's
        last day depends, through references and `before`s, on its event's last day: that is
        a cycle (`a: before: b` with `b: start: a.end - 1d`, which no number of passes
        settles), reported as one."""
        latest = {e.id: [t for key, t in e.refs() if key != "after" and t in self.events and t != e.id]
                  for e in self.events.values()}  # what each event's last days depend on
        component = _components(latest)
        for ident, targets in self.twice.items():
            deps[ident] += [t for t in targets if component[t] == component[ident]]
        self.twice = {ident: kept for ident, targets in self.twice.items()
                      if (kept := [t for t in targets if component[t] != component[ident]])}

    def unknown(self, event: Event, key: str, target: str) -> None:
        """Report a reference to an id that no event has, with a suggestion for the first
        `SUGGESTIONS` of them (each costs a pass over every id: more would be quadratic)."""
        hint = ""
        if self.suggestions < SUGGESTIONS:
            import difflib

            self.suggestions += 1
            close = difflib.get_close_matches(target, self.sorted_ids, n=1)
            hint = f"; did you mean {quote(close[0])}?" if close else ""
        self.problem(event, key, f"{key}: unknown event {quote(target)}{hint}")

    def cycle(self, ids: list[str]) -> None:
        """Report a dependency cycle at the first event in it, naming every one."""
        first = self.events[ids[0]]
        chain = " → ".join(self.where(i) for i in ids + ids[:1])
        self.located(first.line, first.col, f"dependency cycle: {chain}")
        self.cyclic.update(ids)

    def check_parents(self) -> list[Problem]:
        """Parents must exist, be phases, and not nest in a circle."""
        out: list[Problem] = []
        for event in self.events.values():
            if event.parent is None:
                continue
            parent = self.events.get(event.parent)
            if event.parent not in self.known:
                self.unknown(event, "parent", event.parent)
            elif parent is not None and parent.kind != Kind.PHASE:
                line, col = event.position("parent")
                out.append(Problem(self.file.path, line, col,
                                   f"parent: {quote(event.parent)} is a {parent.kind.value}; a parent must be a phase"))
            elif parent is not None:
                seen = {event.id}
                p: Event | None = parent
                while p is not None and p.parent is not None:
                    if p.id in seen:
                        chain = " → ".join(self.where(i) for i in [event.id, *sorted(seen - {event.id})])
                        line, col = event.position("parent")
                        out.append(Problem(self.file.path, line, col, f"parent cycle: {chain}"))
                        break
                    seen.add(p.id)
                    p = self.events.get(p.parent)
        return out

    # -- windows ------------------------------------------------------------------
    def judged(self, day: date, order: list[str], planned: dict[str, tuple[Window, Window]],
               baselined: dict[str, tuple[Window, Window]]) -> tuple[ResolvedEvent, ...]:
        """The events as of a day, in display order, from the plan pass's results (the day
        judged never finds a problem: what happened gives projections, not errors)."""
        self.as_of = day
        stretched: dict[str, tuple[Window, str]] = {}
        current, done = self.judge(order, planned, stretched)
        for _ in range(MAX_STRETCHES):  # a phase stretched over a late part moves what follows the phase
            more = self.stretches(planned, current, done)
            if more == stretched:
                break
            stretched = more
            current, done = self.judge(order, planned, stretched)
        resolved = {
            ident: self.finish(self.events[ident], planned[ident], current[ident], done[ident], baselined[ident])
            for ident in planned
        }
        return tuple(display_order(resolved.values()))

    def plan(self, order: list[str]) -> tuple[dict[str, tuple[Window, Window]], dict[str, tuple[Window, Window]]]:
        """The windows of the plan and of the baseline (no actual counts), and each event's
        actual: every problem of what is written is found here.

        An order stated from both sides (`a: before: b`, `b: after: a`) is one constraint
        with two effects: `b` starts no sooner than `a` can end, and `a` ends no later than
        `b` can start. `b` is resolved after `a`, so the plan is taken again, `b`'s window
        looked up in the pass before (`twice`), for as long as that narrows `a`; windows
        only narrow from pass to pass, and the problems are those of the last pass."""
        found, counted = len(self.problems), self.counted
        prior = None
        planned, baselined = self.pass_(order, prior)
        passes = max(16, TWICE_WORK // max(len(order) + self.counted - counted, 1))  # a pass's work: its events and occurrences
        for _ in range(passes):
            if self.narrowing((planned, baselined), prior) is None:
                return planned, baselined
            del self.problems[found:]
            self.recorded = set(self.problems)
            self.counted = counted
            prior = planned, baselined
            planned, baselined = self.pass_(order, prior)
        if (narrowing := self.narrowing((planned, baselined), prior)) is not None:
            x, y = narrowing
            self.problem(self.events[x], "before", f"before: {quote(x)} before {quote(y)} and {quote(y)} after "
                         f"{quote(x)} state one order from both sides, in a chain of more than {passes} "
                         "such orders whose last days keep moving each other; state each order once (keep its "
                         "before: or its after:)")
        return planned, baselined

    def narrowing(self, tables: tuple[dict[str, tuple[Window, Window]], dict[str, tuple[Window, Window]]],
                  prior: tuple[dict[str, tuple[Window, Window]], dict[str, tuple[Window, Window]]] | None,
                  ) -> tuple[str, str] | None:
        """An order stated from both sides that another pass of the plan would narrow, or
        None: its target now allows its event an earlier last day than the event has, or
        the event failed in a pass that could not yet see its target (a deadline closes
        only by its `before`)."""
        for ident, targets in self.twice.items():
            for i, table in enumerate(tables):
                last = table[ident][1].latest if ident in table else None
                for other in targets:
                    hi = table[other][0].latest if other in table else None
                    if hi is None:
                        continue
                    if ident in table and (last is None or hi < last):
                        return ident, other
                    if ident not in table and (prior is None or other not in prior[i]):
                        return ident, other
        return None

    def pass_(
        self, order: list[str], prior: tuple[dict[str, tuple[Window, Window]], dict[str, tuple[Window, Window]]] | None,
    ) -> tuple[dict[str, tuple[Window, Window]], dict[str, tuple[Window, Window]]]:
        """One pass of the plan in dependency order; `prior` is the pass before, where the
        targets of `twice` are looked up."""
        planned: dict[str, tuple[Window, Window]] = {}
        baselined: dict[str, tuple[Window, Window]] = {}
        rebased: set[str] = set()  # events whose baseline windows differ from the plan
        for ident in order:
            if ident in self.cyclic:
                continue
            event = self.events[ident]
            plan = self.windows(event, planned, later=None if prior is None else prior[0])
            if plan is not None and event.repeat is not None:
                plan = self.anchor(event, plan, planned)
            if plan is None:
                continue
            planned[ident] = plan
            baselined[ident] = plan
            if event.baseline is not None or (rebased and not rebased.isdisjoint(self.deps[ident])):
                base = self.windows(event, baselined, event.baseline or event, later=None if prior is None else prior[1])
                if base is not None and event.repeat is not None:
                    base = self.anchor(event, base, baselined, keep=False)
                if base is not None and base != plan:
                    baselined[ident] = base
                    rebased.add(ident)
            actual = self.actual(event)
            if actual is not None:
                self.actuals[ident] = actual
        return planned, baselined

    def judge(
        self, order: list[str], planned: dict[str, tuple[Window, Window]], stretched: dict[str, tuple[Window, str]],
    ) -> tuple[dict[str, tuple[Window, Window]], dict[str, bool]]:
        """The windows as of the day: actuals recorded by then replace the plan, an event not
        done whose window has closed is overdue, and whatever follows from either is
        projected through every link (`follow`); `stretched` holds the end of each phase
        that a late part stretches (`stretches`). Nothing here is a problem of the file."""
        self.projected, self.pushed, self.at_risk, self.overdue, self.moved_series = {}, {}, {}, set(), {}
        current: dict[str, tuple[Window, Window]] = {}
        reach: dict[str, tuple[Window, Window]] = {}  # what later events see: an overdue one ends no earlier than today
        done: dict[str, bool] = {}
        moved: set[str] = set()  # events whose windows, as later events see them, differ from the plan
        for ident in order:
            plan = planned.get(ident)
            if plan is None:
                continue
            event = self.events[ident]
            actual = self.actuals.get(ident)
            is_done = event.status == Status.DONE or actual is not None
            if actual is not None and actual[0].earliest is not None:
                is_done = actual[0].earliest <= self.as_of
            now = plan
            if is_done and actual is not None:
                now = actual
            elif event.status == Status.CANCELLED:
                pass  # it will not happen: it keeps its plan, and is never late
            elif moved and not moved.isdisjoint(self.deps[ident]):
                now = self.follow(event, plan, reach, moved) if event.repeat is None else self.follow_series(event, plan, reach)
            self.unstretched[ident] = now[1]
            if ident in stretched and not is_done and event.status != Status.CANCELLED:
                end, why = stretched[ident]
                later = None if end.latest is None or now[1].latest is None else max(end.latest, now[1].latest)
                now = (now[0], Window(max(d for d in (end.earliest, now[1].earliest) if d is not None), later))
                self.note(ident, why)
            if now != plan:
                moved.add(ident)
            current[ident] = reach[ident] = now
            done[ident] = is_done
            last = now[1].latest
            if (not is_done and event.status != Status.CANCELLED and event.kind in OVERDUE_KINDS
                    and last is not None and last < self.as_of):
                # overdue: it cannot end before the day judged; what follows sees it end then at
                # the earliest (references follow it there, `after` starts no sooner)
                reach[ident] = (now[0], Window(self.as_of, self.as_of))
                self.overdue.add(ident)
                moved.add(ident)
        return current, done

    def follow(
        self, event: Event, plan: tuple[Window, Window], reach: dict[str, tuple[Window, Window]], moved: set[str],
    ) -> tuple[Window, Window]:
        """The windows of an event not done whose links moved: its references followed to
        where the events they name are now, `after` and `before` applied. A side that what
        happened empties opens ("from 18 Jun, projected") instead of contradicting, a
        `before` it can no longer keep puts its target at risk, and every push past the
        plan is recorded with its cause (`push`)."""
        pushes: list[tuple[date, str, str]] = []  # (day, the event behind it, how it is linked)
        start = self.followed(event, "start", plan[0], reach, moved, pushes)
        end = self.followed(event, "end", plan[1], reach, moved, pushes) if event.is_span else start
        for other in event.after:
            lo = reach[other][1].earliest if other in reach else None
            if lo is not None and (start.earliest is None or lo > start.earliest):
                start = Window(lo, start.latest, start.approximate, start.uncertain)
                if other in moved:
                    pushes.append((lo, other, "after"))
        for other in event.before:
            hi = reach[other][0].latest if other in reach else None
            floor = max((d for d in (start.earliest, end.earliest) if d is not None), default=None)
            if hi is not None and (end.latest is None or hi < end.latest) and (floor is None or hi >= floor):
                end = Window(end.earliest, hi, end.approximate, end.uncertain)
        if not event.is_span:
            same = start.earliest == end.earliest and start.latest == end.latest
            start = end = _opened(start if same else Window(start.earliest, end.latest, start.approximate, start.uncertain))
        else:
            start = _opened(start)
            if start.earliest is not None and (end.earliest is None or end.earliest < start.earliest):
                end = Window(start.earliest, end.latest, end.approximate, end.uncertain)
            end = _opened(end)
            if start.latest is not None and end.latest is not None and start.latest > end.latest:
                start = Window(start.earliest, end.latest, start.approximate, start.uncertain)
        now = (start, end)
        blocked = [(other, hi) for other in event.before  # what happened makes it end after `other` starts
                   if other in reach and (hi := reach[other][0].latest) is not None
                   and (first_end := end.earliest or start.earliest) is not None and first_end > hi]
        if late_by(plan, now) is not None or blocked:
            self.push(event, now, pushes, blocked)
        return now

    def followed(
        self, event: Event, side: str, planned: Window, reach: dict[str, tuple[Window, Window]], moved: set[str],
        pushes: list[tuple[date, str, str]],
    ) -> Window:
        """One side of an event as of the day: a reference followed to where its target is
        now (a shift past the year 9999 leaves it open), a written date as planned."""
        expr = event.start if side == "start" else event.end
        if not isinstance(expr, RefExpr) or expr.target not in reach:
            return planned
        try:
            w = referenced(expr, *reach[expr.target])
        except DateSyntaxError:
            w = Window(date.max, None)
        if event.is_due and w.latest is not None:  # open at the start; projected open: from its first day
            w = w.bounded(None, w.latest)
        if expr.target in moved and w.earliest is not None:
            pushes.append((w.earliest, expr.target, f"{event.date_key(side)}: {expr}"))
        elif expr.target in moved and w.latest is not None:  # a deadline: its due day
            pushes.append((w.latest, expr.target, f"{event.date_key(side)}: {expr}"))
        return w

    def follow_series(
        self, event: Event, plan: tuple[Window, Window], reach: dict[str, tuple[Window, Window]],
    ) -> tuple[Window, Window]:
        """A series keeps the days its rule gives; one that repeats `until:` an event that
        moved runs until that event's last possible day now (while that is open: as
        planned, and at risk)."""
        until = event.repeat.until if event.repeat is not None else None
        series = self.series.get(event.id)  # as planned
        if not isinstance(until, RefExpr) or until.target not in reach or series is None:
            return plan
        try:
            last = referenced(until, *reach[until.target]).latest
        except DateSyntaxError:
            last = None
        if last is None:
            self.at_risk[event.id] = (f"it repeats until {until}, and {quote(until.target)} has no last day now "
                                      f"({self.state(until.target)}); shown until its planned end")
            return plan
        if last == series.until:
            return plan
        moved = replace(series, until=last)
        final = moved.last_start
        if final is None or next(moved.starts(), None) is None or not moved.representable(final):
            return plan
        self.moved_series[event.id] = moved
        now = (plan[0], moved.window(final, "end"))
        if late_by(plan, now) is not None:
            self.note(event.id, f"it repeats until {until}, and {quote(until.target)} is {self.state(until.target)}, "
                      f"so until {last}")
        return now

    def push(
        self, event: Event, now: tuple[Window, Window], pushes: list[tuple[date, str, str]], blocked: list[tuple[str, date]],
    ) -> None:
        """Record why an event is projected: the links that set its first possible days,
        and each `before` it can no longer keep (whose target is then at risk)."""
        reasons = []
        firsts = {d for d in (now[0].earliest, now[1].earliest) if d is not None}
        causes = [p for p in pushes if p[0] in firsts] or pushes
        for day, other, how in sorted(set(causes), key=lambda c: (c[0], c[2], c[1])):
            if how == "after":
                reasons.append(f"it cannot start before {quote(other)} ({self.state(other)}) ends, on or after {day}")
            else:
                reasons.append(f"{how} follows {quote(other)} ({self.state(other)}), on or after {day}")
            pushed = self.pushed.setdefault(event.id, [])
            if other not in pushed:
                pushed.append(other)
        for other, hi in blocked:
            reasons.append(f"it must end before {quote(other)} starts (by {hi}), which it no longer can")
            self.at_risk[other] = (f"{quote(event.id)}, which must end before it starts, can end no sooner than "
                                   f"{now[1].earliest or now[0].earliest}")
        self.note(event.id, "; ".join(reasons) or "what happened upstream moved it past its window")

    def note(self, ident: str, why: str) -> None:
        """Add a reason to an event's projection."""
        self.projected[ident] = f"{self.projected[ident]}; {why}" if ident in self.projected else why

    def state(self, ident: str) -> str:
        """How an event that moves another stands: done, overdue or itself projected."""
        if ident in self.projected:
            return "itself projected"
        if ident in self.overdue:
            return f"overdue: not done by {self.as_of}"
        return "done"

    def stretches(
        self, planned: dict[str, tuple[Window, Window]], current: dict[str, tuple[Window, Window]], done: dict[str, bool],
    ) -> dict[str, tuple[Window, str]]:
        """The end of each phase (not done, not cancelled) that a part projected beyond it
        stretches, with the reason; a stretched phase stretches its own phase in turn.
        Measured against each phase's end before any stretch, so that the same schedule gives
        the same stretches and the loop of `run` ends."""
        out: dict[str, tuple[Window, str]] = {}
        for ident in list(self.projected):
            if done[ident]:
                continue
            child = self.events[ident]
            end = current[ident][1]
            seen: set[str] = set()
            while child.parent in current and child.parent not in seen:
                parent = self.events[child.parent]
                seen.add(parent.id)
                if done[parent.id] or parent.status == Status.CANCELLED:
                    break
                p_end = out[parent.id][0] if parent.id in out else self.unstretched[parent.id]
                beyond = end.earliest is not None and p_end.latest is not None and (
                    end.earliest > p_end.latest or end.latest is None)
                if not beyond:
                    break
                lo = max(d for d in (p_end.earliest, end.earliest) if d is not None)
                hi = None if end.latest is None else max(end.latest, p_end.latest)  # type: ignore[type-var]
                planned_end = planned[parent.id][1].latest
                out[parent.id] = (Window(lo, hi), f"its part {quote(child.id)} is projected to end on or after "
                                  f"{end.earliest}, after the phase's planned end ({planned_end})")
                child, end = parent, out[parent.id][0]
        return out

    def anchor(
        self, event: Event, windows: tuple[Window, Window], table: dict[str, tuple[Window, Window]], keep: bool = True,
    ) -> tuple[Window, Window] | None:
        """A series' windows (its first occurrence's start, its last one's end) from the
        windows of its own date, which must be exact; every problem of its rule is
        reported. With `keep`, the series is kept for the resolved event."""
        start, end = windows
        rule = event.repeat
        assert rule is not None
        key = event.date_key("start")
        exact = start.is_day and end.is_day and not (start.approximate or start.uncertain or end.approximate or end.uncertain)
        if not exact:
            self.problem(event, key, f"{key}: a series needs an exact first occurrence (a day or a time), not "
                         f"{self.label(windows, event.is_span, False)}; anchor it on the day it starts, such as "
                         "when: 2026-11-03T15:00 (an uncertain start is an event of its own, which the series "
                         "can refer to once it is set)")
            return None
        first: date | datetime
        if start.moment is not None and end.moment is not None:
            first = start.moment if isinstance(start.moment.tzinfo, ZoneInfo) else start.moment.astimezone(ZoneInfo("UTC"))
            length = end.moment - start.moment
        else:
            first, length = start.earliest, end.latest - start.earliest  # type: ignore[operator,assignment]
        until = None
        if isinstance(rule.until, RefExpr):
            reached = self.lookup(rule.until, table)
            if reached is None:
                return None
            if reached.latest is None:
                self.problem(event, "repeat", f"repeat.until: {rule.until} has no last day; expected an event "
                             "whose window closes, or a day")
                return None
            until = reached.latest
        elif rule.until is not None:
            until = rule.until.earliest
        if rule.count is not None and keep:
            self.counted += rule.count
            if self.counted > MAX_COUNTED:
                if self.counted - rule.count > MAX_COUNTED:
                    return None  # said once, at the series that went over
                self.problem(event, "repeat", f"repeat.count: the counts of this file's series add up to more than "
                             f"{MAX_COUNTED:,} occurrences; bound the longer series with until: DAY instead")
                return None
        series = Series(rule, first, length, until, self.zone, event.occurrences, frozenset(rule.skip))
        if rule.count is not None and series.counted is not None and len(series.counted) < rule.count:
            self.problem(event, "repeat", f"repeat.count: {rule.count} occurrences run past the year 9999 (the calendar "
                         f"holds {len(series.counted)} of them); expected a count of at most {len(series.counted)}")
            return None
        if not self.check_series(event, series):
            return None
        if keep:
            self.series[event.id] = series
        head = next(series.starts(), None)
        if head is None:
            self.problem(event, "repeat", "repeat: every day the rule gives is skipped; expected at least one occurrence")
            return None
        last = series.last_start
        for naive in (head, last):
            if naive is not None and not series.representable(naive):
                self.problem(event, "repeat", f"repeat: the occurrence of {naive.date()} would end after the last day "
                             "of 9999; expected a series that ends before it")
                return None
        tail = series.window(last, "end") if last is not None else Window(series.window(head, "end").earliest, None)
        return series.window(head), tail

    def check_series(self, event: Event, series: Series) -> bool:
        """Report what is wrong with a series' rule and its records; True when nothing is."""
        before = len(self.problems)
        given = next(iter(series.rrule()), None)
        first_day = series.naive_first.date()
        words = series.words()
        if given is None:
            self.problem(event, "repeat", f"repeat: the rule produces no occurrence (it ends on {series.until}, before "
                         f"its first occurrence on {first_day}); expected an end on or after the first occurrence")
            return False
        if given != series.naive_first:
            key = event.date_key("start")
            self.problem(event, key, f"{key}: the first occurrence, {day_label(first_day)}, is not a day the rule gives "
                         f"({words}); start the series on {day_label(given.date())}, or change repeat.on")
            return False
        gap = series.gaps[0] if series.gaps is not None else None
        spans = series.length + (timedelta(days=1) if not series.timed else timedelta(0))
        if gap is not None and spans > gap:
            what = "duration" if "duration" in event.where else "the length of each occurrence"
            self.problem(event, "duration" if "duration" in event.where else "repeat",
                         f"{what} ({_length(spans)}) is longer than the time between two occurrences "
                         f"({_length(gap)}); expected occurrences that do not overlap")
        for day in series.rule.skip:
            if not series.gives(day):
                self.problem(event, "repeat", f"repeat.skip: {day} is not a day the rule gives ({words})")
        taken: dict[date, date] = {}
        for record in series.records:
            if record.day in series.skipped or not series.gives(record.day):
                self.located(record.line, record.col, f"occurrences: {record.day} is not an occurrence of "
                             f"{quote(event.id)} ({words}{', skipped' if record.day in series.skipped else ''}); "
                             "name an occurrence by the day the rule gives it")
                continue
            if record.when is None:
                continue
            if series.timed != (record.when.moment is not None):
                self.located(record.line, record.col, f"occurrences: {record.day}: a {'timed' if series.timed else 'whole-day'} "
                             f"series moves an occurrence to {'a time such as ' + str(record.day) + 'T16:00' if series.timed else 'a day'}")
                continue
            moment = record.when.moment
            if moment is not None and moment.tzinfo is None and series.zone is not None and skipped(moment, series.zone):
                self.located(record.line, record.col, f"occurrences: {record.day}: {moment:%Y-%m-%d %H:%M} does not "
                             f"exist in {series.zone} (the clocks skip it); expected a time outside the change")
                continue
            to = series.moved_start(record.when).date()
            other = series.by_day.get(to)
            free = other is not None and (other.when is not None or other.status == Status.CANCELLED)
            if to != record.day and to not in series.skipped and series.gives(to) and not free:
                self.located(record.line, record.col, f"occurrences: {record.day} moves onto the occurrence of {to}; "
                             "expected a day without one (cancel or move that one first)")
            elif to in taken:
                self.located(record.line, record.col, f"occurrences: {record.day} and {taken[to]} both move to {to}; "
                             "expected one occurrence a day")
            taken[to] = record.day
        return len(self.problems) == before

    def located(self, line: int, col: int, message: str) -> None:
        """Record a problem at a line and column of the file, once (the plan, baseline and
        as-of passes meet the same literal problems)."""
        problem = Problem(self.file.path, line, col, message)
        if problem not in self.recorded:
            self.recorded.add(problem)
            self.problems.append(problem)

    def actual(self, event: Event) -> tuple[Window, Window] | None:
        """The actual start and end windows, with times made aware."""
        if event.actual is None:
            return None
        if isinstance(event.actual, SpanExpr):
            start, end = event.actual.start, event.actual.end
        else:
            start = end = event.actual
        assert isinstance(start, Window) and isinstance(end, Window)
        return self.localize(event, "actual", start), self.localize(event, "actual", end)

    def localize(self, event: Event, key: str, w: Window) -> Window:
        """Give a timed window an aware moment (a local time in the event's zone, else the
        calendar's), and its day in the calendar's zone."""
        if w.moment is None:
            return w
        moment = w.moment
        own = ZoneInfo(event.timezone) if event.timezone else self.zone
        try:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=own)
                if skipped(w.moment, own):
                    self.problem(event, key, f"{key}: {w.moment:%Y-%m-%d %H:%M} does not exist in "
                                 f"{own.key} (the clocks skip it); expected a time outside the change")
            day = moment.astimezone(self.zone).date()
        except OverflowError:
            self.problem(event, key, f"{key}: {w.moment:%Y-%m-%d %H:%M} in {own.key} falls outside "
                         "the years 1 to 9999 in UTC; expected a time inside them")
            return Window(w.earliest, w.latest, w.approximate, w.uncertain, w.nominal)
        return Window(day, day, w.approximate, w.uncertain, w.nominal, moment)

    def lookup(self, expr: RefExpr, table: dict[str, tuple[Window, Window]]) -> Window | None:
        """The window a reference points at, shifted."""
        if expr.target not in table:
            return None
        return referenced(expr, *table[expr.target])

    def windows(
        self, event: Event, table: dict[str, tuple[Window, Window]], form: Event | Baseline | None = None,
        later: dict[str, tuple[Window, Window]] | None = None,
    ) -> tuple[Window, Window] | None:
        """Start and end windows of the plan from the expressions of `form` (the event's own
        dates, or its baseline's), narrowed by after/before (a `before` target resolved
        later is looked up in `later`, the pass before); an empty window is a
        contradiction of what is written (what happened never empties one: `follow`)."""
        form = form or event
        start = self.point(event, "start", table, form)
        if start is None:
            return None
        end = start
        if form.is_span:
            written_end = self.point(event, "end", table, form)
            if written_end is None:
                return None
            end = written_end
        reasons_lo: list[str] = []
        reasons_hi: list[str] = []
        for other in event.after:
            if other in table:
                lo = table[other][1].earliest
                if lo is not None and (start.earliest is None or lo > start.earliest):
                    start = start.bounded(lo, start.latest)
                    reasons_lo.append(other)
        for other in event.before:
            seen = table if other in table else later
            if seen is not None and other in seen:
                hi = seen[other][0].latest
                if hi is not None and (end.latest is None or hi < end.latest):
                    end = end.bounded(end.earliest, hi)
                    reasons_hi.append(other)
        if not form.is_span:
            if end is not start:  # narrowed on either side: one window with both bounds
                start = end = start.bounded(start.earliest, end.latest)
        else:
            if start.earliest is not None and (end.earliest is None or end.earliest < start.earliest):
                end = end.bounded(start.earliest, end.latest)
            if end.latest is not None and (start.latest is None or start.latest > end.latest):
                start = start.bounded(start.earliest, end.latest)
        for w in (start, end):
            if w.earliest is not None and w.latest is not None and w.earliest > w.latest:
                self.contradiction(event, w, reasons_lo, reasons_hi)
                return None
        if form.is_due and end.latest is None:
            key = event.date_key("start") if form is event else "baseline"
            self.problem(event, key, f"{key}: a deadline needs a last day (its due day), and this window is open at the "
                         "end; expected a window that closes, such as due: 2026-05 or due: [2026-03-02..2026-05-31]")
            return None
        if start.moment is not None and end.moment is not None and end.moment.timestamp() < start.moment.timestamp():
            key = event.date_key("end")
            self.problem(event, key, f"{key}: the span ends ({end.moment:%Y-%m-%d %H:%M %Z}) before it starts "
                         f"({start.moment:%Y-%m-%d %H:%M %Z}); expected an end on or after the start")
            return None
        return start, end

    def point(self, event: Event, side: str, table: dict[str, tuple[Window, Window]], form: Event | Baseline) -> Window | None:
        """The window of the `start` or `end` side of `form` (None: it refers to an unresolved event)."""
        expr = form.start if side == "start" else form.end
        key = event.date_key(side) if form is event else "baseline"
        if isinstance(expr, RefExpr):
            try:
                w = self.lookup(expr, table)
            except DateSyntaxError as e:
                self.problem(event, key, f"{key}: {e}")
                return None
            if w is not None and form.is_due:
                w = w.bounded(None, w.latest)
            return w
        if expr.moment is None:
            return expr
        return self.localize(event, key, expr)

    def contradiction(self, event: Event, w: Window, lo: list[str], hi: list[str]) -> None:
        """Report an empty window, naming every event that narrowed it."""
        involved = [self.where(event.id)] + [self.where(i) for i in lo + hi]
        why = []
        if lo:
            why.append("it cannot start before " + ", ".join(f"'{i}'" for i in lo) + f" ends (on or after {w.earliest})")
        if hi:
            why.append("it must end before " + ", ".join(f"'{i}'" for i in hi) + f" starts (on or before {w.latest})")
        if lo and not hi:
            why.append(f"but its window closes on {w.latest}")
        elif hi and not lo:
            why.append(f"but its window opens on {w.earliest}")
        elif not lo and not hi:
            why.append(f"its end window closes ({w.latest}) before its start window opens ({w.earliest})")
        message = f"contradiction: the window of '{event.id}' is empty: {'; '.join(why)}; involved: {', '.join(involved)}"
        self.located(event.line, event.col, message)

    def finish(
        self, event: Event, plan: tuple[Window, Window], now: tuple[Window, Window], done: bool,
        base: tuple[Window, Window],
    ) -> ResolvedEvent:
        """Build the resolved event: status and labels."""
        if done:
            status = Status.DONE
        elif event.status is not None and event.status != Status.DONE:
            status = event.status
        else:
            exact = event.repeat is not None or plan[0].is_day and plan[1].is_day  # a series is anchored exactly
            status = Status.CONFIRMED if exact else Status.TENTATIVE
        planned_label = self.label(plan, event.is_span, event.is_due, event.timezone)
        if now is plan:
            label = planned_label
        elif done and event.actual is not None:
            label = self.label(now, isinstance(event.actual, SpanExpr), False)
        else:
            label = self.label(now, event.is_span, event.is_due, event.timezone)
        projected_by = projection = None
        if event.id in self.projected and not done:
            projection = self.chain(event.id)
            projected_by = late_by(plan, now) or 1
            label = self.label(now, event.is_span, False) + " (projected)"
            if status != Status.CANCELLED:
                status = Status.TENTATIVE
        series = self.series.get(event.id)
        if series is not None:
            planned_label = label = series.label()
            if event.id in self.moved_series:
                series = self.moved_series[event.id]
                label = series.label() + (" (projected)" if projection is not None else "")
        baseline_label = planned_label
        if base is not plan:
            form = event.baseline or event
            baseline_label = self.label(base, form.is_span, form.is_due, event.timezone)
        return ResolvedEvent(
            event=event, planned_start=plan[0], planned_end=plan[1], start=now[0], end=now[1],
            done=done, status=status, label=label, planned_label=planned_label,
            baseline_start=base[0], baseline_end=base[1], baseline_label=baseline_label,
            projected_by=projected_by, projection=projection,
            overdue=event.id in self.overdue, series=series,
            pushed_by=tuple(self.pushed.get(event.id, ())) if projection is not None else (),
            at_risk=(self.at_risk.get(event.id) if not done and event.status != Status.CANCELLED
                     and event.id not in self.overdue else None),
        )

    def chain(self, ident: str) -> str:
        """Why an event is projected, then why each projected event behind it is, for at
        most `CHAIN_LINKS` links (`explain` follows the whole chain)."""
        parts = [self.projected[ident]]
        seen = {ident}
        for _ in range(CHAIN_LINKS):
            ident = next((o for o in self.pushed.get(ident, ()) if o in self.projected and o not in seen), "")
            if not ident:
                return "; ".join(parts)
            seen.add(ident)
            parts.append(f"{quote(ident)}: {self.projected[ident]}")
        if any(o in self.projected and o not in seen for o in self.pushed.get(ident, ())):
            parts.append("and so on (timeline explain shows the whole chain)")
        return "; ".join(parts)

    def label(self, windows: tuple[Window, Window], span: bool, due: bool, own: str | None = None) -> str:
        """The label of an event's windows (`labels.label` in the calendar's zone)."""
        return label(windows, span, due, self.zone, own)
