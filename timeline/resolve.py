"""Resolution: references, `after`/`before` and actuals → concrete windows for every event.

Events are resolved in dependency order. Each event is resolved twice: once as planned
(no actual counts: the baseline every slip is measured against) and once as of a date
(actuals recorded on or before it replace the plan, and references follow them). A window
that becomes empty is a contradiction and a dependency cycle is an error; both name every
event involved with its FILE:LINE. This module neither reads files nor the clock: the
road from a file to a `Schedule` is `timeline.pipeline`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

from .dates import RefExpr, SpanExpr, Window, day_label, length_text, referenced
from .labels import label
from .errors import DateSyntaxError, Problem, quote
from .model import Baseline, Calendar, Event, EventsFile, Kind, Status
from .repeats import MAX_COUNTED, Series


@dataclass(unsafe_hash=True, slots=True)
class ResolvedEvent:
    """One event with concrete windows, as planned and as of the schedule's date.

    Hashable and treated as immutable (not `frozen`: see the README's design notes).
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
    least how many days after its planned start window (a deadline: its due day) it can start
    (see `projection`); else None."""
    projection: str | None = None
    """Why it is projected: which events, done or projected themselves, hold it back."""
    overdue: bool = False
    """Not done, and its window closed before the schedule's date: later events see it end
    on that date at the earliest."""
    series: Series | None = None
    """The occurrences of a repeating event (its `start` is the first one's start, its `end`
    the last one's end, open when it never ends); None for an event that happens once."""

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


def _length(span: timedelta) -> str:
    """`1h30min`, `2 days`: a length in words for messages."""
    if span.seconds == 0:
        return f"{span.days} day{'s' if span.days != 1 else ''}"
    return length_text(span)


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
    """The day the views judge by: today in the calendar's zone, or the day asked for."""
    as_of: date | None = None
    """Actuals after this day are ignored (None: every actual counts)."""
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
        return replace(self, events=chosen)


OVERDUE_KINDS = (Kind.DEADLINE, Kind.MILESTONE)
"""Kinds that are overdue when their window closes with no record; a meeting or a phase
wholly in the past is taken as history."""
SUGGESTIONS = 20
"""At most this many unknown references in a file get a "did you mean"."""


def resolve_events(
    events_file: EventsFile, as_of: date | None, known_ids: Iterable[str] = ()
) -> tuple[tuple[ResolvedEvent, ...], list[Problem]]:
    """Resolve every event as of a day (None: every actual counts): the events in display
    order and the problems found (empty when the file is valid)."""
    return _Resolver(events_file, as_of, set(known_ids)).run()


class _Resolver:
    """Orders events by dependency and computes their windows."""

    def __init__(self, events_file: EventsFile, as_of: date | None, known: set[str]) -> None:
        self.file = events_file
        self.as_of = as_of
        self.events = {e.id: e for e in events_file.events}
        self.known = known | set(self.events)
        self.problems: list[Problem] = []
        self.zone = ZoneInfo(events_file.calendar.timezone)
        self.deps: dict[str, list[str]] = {}
        """The events each event's dates depend on (set by `order`)."""
        self.sorted_ids = sorted(self.known)
        self.projected: dict[str, str] = {}
        """Why each projected event is projected (see `projection`)."""
        self.overdue: set[str] = set()
        """Events not done whose window closed before the day judged."""
        self.suggestions = 0
        """How many unknown ids got a suggestion so far."""
        self.counted = 0
        """How many occurrences the counts of the series resolved so far add up to."""
        self.series: dict[str, Series] = {}
        """The series of each repeating event (set by `anchor`)."""

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
                elif target in self.events:
                    mine.append(target)
            deps[event.id] = mine
        self.deps = deps
        if event_parent_problems := self.check_parents():
            self.problems += event_parent_problems
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
        """Report a dependency cycle at each event in it."""
        chain = " → ".join(self.where(i) for i in ids + ids[:1])
        first = self.events[ids[0]]
        self.problems.append(Problem(self.file.path, first.line, first.col, f"dependency cycle: {chain}"))
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
    def run(self) -> tuple[tuple[ResolvedEvent, ...], list[Problem]]:
        """Resolve the plan and the state as of the date."""
        self.cyclic: set[str] = set()
        order = self.order()
        planned: dict[str, tuple[Window, Window]] = {}
        baselined: dict[str, tuple[Window, Window]] = {}
        current: dict[str, tuple[Window, Window]] = {}
        reach: dict[str, tuple[Window, Window]] = {}  # what later events see: an overdue one ends no earlier than today
        done: dict[str, bool] = {}
        moved: set[str] = set()  # events whose windows, as later events see them, differ from the plan
        rebased: set[str] = set()  # events whose baseline windows differ from the plan
        for ident in order:
            if ident in self.cyclic:
                continue
            event = self.events[ident]
            plan = self.windows(event, planned)
            if plan is not None and event.repeat is not None:
                plan = self.anchor(event, plan, planned)
            if plan is None:
                continue
            planned[ident] = plan
            baselined[ident] = plan
            if event.baseline is not None or (rebased and not rebased.isdisjoint(self.deps[ident])):
                base = self.windows(event, baselined, event.baseline or event)
                if base is not None and event.repeat is not None:
                    base = self.anchor(event, base, baselined, keep=False)
                if base is not None and base != plan:
                    baselined[ident] = base
                    rebased.add(ident)
            actual = self.actual(event)
            is_done = event.status == Status.DONE or actual is not None
            if actual is not None and self.as_of is not None and actual[0].earliest is not None:
                is_done = actual[0].earliest <= self.as_of
            if is_done and actual is not None:
                current[ident] = reach[ident] = actual
                moved.add(ident)
            elif moved and not moved.isdisjoint(self.deps[ident]) and event.repeat is None:
                # what happened upstream moves it (a series keeps the dates its rule gives)
                now = self.windows(event, reach, project=True)
                current[ident] = reach[ident] = now if now is not None else plan
                moved.add(ident)
            else:
                current[ident] = reach[ident] = plan
            done[ident] = is_done
            last = current[ident][1].latest
            if (self.as_of is not None and not is_done and event.status != Status.CANCELLED
                    and event.kind in OVERDUE_KINDS and last is not None and last < self.as_of):
                # overdue: it cannot end before the day judged; what follows sees it end then at
                # the earliest (references follow it there, `after` starts no sooner)
                reach[ident] = (current[ident][0], Window(self.as_of, self.as_of))
                self.overdue.add(ident)
                moved.add(ident)
        resolved = {
            ident: self.finish(self.events[ident], planned[ident], current[ident], done[ident], baselined[ident])
            for ident in planned
        }
        return tuple(self.display_order(resolved)), self.problems

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
        if problem not in self.problems:
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
                back = moment.astimezone(timezone.utc).astimezone(own)
                if back.replace(tzinfo=None) != w.moment:
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
        *, project: bool = False,
    ) -> tuple[Window, Window] | None:
        """Start and end windows from the expressions of `form` (the event's own dates, or its
        baseline's), narrowed by after/before. With `project` (the windows as of a day, after
        what happened upstream), a window that `after` empties is not a contradiction: what
        happened wins over the hoped-for window, and the event gets a projected window
        (`self.projected` says why)."""
        form = form or event
        start = self.point(event, "start", table, form)
        if start is None:
            return None
        end = start
        if form.is_span:
            end = self.point(event, "end", table, form)
            if end is None:
                return None
        reasons_lo: list[str] = []
        reasons_hi: list[str] = []
        for other in event.after:
            if other in table:
                lo = table[other][1].earliest
                if lo is not None and (start.earliest is None or lo > start.earliest):
                    start = start.bounded(lo, start.latest)
                    reasons_lo.append(other)
        for other in event.before:
            if other in table:
                hi = table[other][0].latest
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
                if project and reasons_lo and not reasons_hi:
                    return self.projection(event, form, table, reasons_lo, start, end)
                self.contradiction(event, w, reasons_lo, reasons_hi)
                return None
        if start.moment is not None and end.moment is not None and end.moment < start.moment:
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

    def projection(
        self, event: Event, form: Event | Baseline, table: dict[str, tuple[Window, Window]], lo: list[str],
        start: Window, end: Window,
    ) -> tuple[Window, Window]:
        """The windows of an event that what happened upstream pushed past its own window:
        from the first day `after` allows, open-ended; the reason goes in `self.projected`."""
        first = max(d for d in (table[i][1].earliest for i in lo) if d is not None)
        causes = []
        for i in lo:
            if table[i][1].earliest == first:
                how = ("itself projected" if i in self.projected else
                       f"overdue: not done by {self.as_of}" if i in self.overdue else "done")
                causes.append(f"{quote(i)} ({how})")
        self.projected[event.id] = f"it cannot start before {' and '.join(causes)} ends, on or after {first}"
        projected_start = Window(first, None)
        if not form.is_span:
            return projected_start, projected_start
        end_latest = end.latest if end.latest is not None and end.latest >= first else None
        return projected_start, Window(max(first, end.earliest or first), end_latest)

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
            projection = self.projected[event.id]
            late = plan[0].latest  # the last day it was planned to start (a deadline: its due day)
            projected_by = max(1, (now[0].earliest - late).days) if now[0].earliest and late else None
            label = self.label(now, event.is_span, False) + " (projected)"
            if status != Status.CANCELLED:
                status = Status.TENTATIVE
        series = self.series.get(event.id)
        if series is not None:
            planned_label = label = series.label()
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
        )

    def label(self, windows: tuple[Window, Window], span: bool, due: bool, own: str | None = None) -> str:
        """The label of an event's windows (`labels.label` in the calendar's zone)."""
        return label(windows, span, due, self.zone, own)

    def display_order(self, resolved: dict[str, ResolvedEvent]) -> list[ResolvedEvent]:
        """Chronological, children right after their parent phase, indented."""
        index = {ident: i for i, ident in enumerate(self.events)}

        def key(r: ResolvedEvent) -> tuple[date, date, int]:
            first = r.start.earliest or r.start.latest or date.max
            last = r.end.latest or r.end.earliest or date.max
            return first, last, index[r.event.id]

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
            r = next(stack[-1], None)
            if r is None:
                stack.pop()
                continue
            ident = r.event.id
            if ident in placed:
                continue
            placed.add(ident)
            out.append(r)
            if ident in children:
                stack.append(iter(children[ident]))
        if len(out) < len(resolved):  # parent cycles: shown flat, already reported
            out.extend(sorted((r for r in resolved.values() if r.event.id not in placed), key=key))
        return out
