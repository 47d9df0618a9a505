"""In-place edits of events.yaml: `done`, `cancel`, `move`.

An edit never re-serialises the file. Under an exclusive lock it reads the file once,
composes it once, takes the calendar's time zone from its validated `calendar:` block,
finds the event's mapping, and splices the text at the nodes' marks (replacing the text of
a value, inserting `key: value` lines, or removing lines), leaving every other byte as it
was (comments, quoting, key order, layout, line endings). The result goes through the
pipeline, as any command's file does, before it is written atomically.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import yaml

from .dates import DateExpr, SpanExpr, Window, parse_expr, refers, shift_written

from .days import DayArg
from .errors import DateSyntaxError, EventsFileError, FileAccessError, Problem, RequestError, quote
from .fsutil import atomic_write, remove_leftovers
from .loader import validate_calendar
from .repeats import shift
from .source import access_error, compose, read_source, Source, writable
from .pipeline import schedule_from_source, today_in
from .schedule import ResolvedEvent, Schedule
from .yamltext import Change, apply_splices, event_splices, yaml_scalar



class EditRefused(EventsFileError):
    """The edited (or new) file would be invalid; nothing was written."""

    def __init__(self, path: str, problems: list[Problem], new: bool = False, text: str = "",
                 said: list[str] | None = None, action: str = "edit") -> None:
        super().__init__(problems)
        self.path, self.new, self.text = path, new, text
        """The file named, whether it is new, and the text that was not written."""
        what = "not written: the new file would be invalid" if new else \
            f"not changed: after this {action} the file would be invalid"
        if said is None:  # the problems, located in the text that was not written
            self.args = (f"{path}: {what} (line numbers as they would be):\n{self.args[0]}",)
        else:  # the problems as the caller says them (an import: at the rows they came from)
            self.args = (f"{path}: {what}:\n" + "\n".join(said),)


@dataclass(frozen=True)
class WrittenDate:
    """A date expression from the command line: as typed, and as parsed (checked once, there)."""

    text: str
    """As typed."""
    expr: DateExpr
    """As parsed."""


Plan = Callable[[yaml.MappingNode, date, "ResolvedEvent | None"], list[Change]]
"""What an edit changes, decided from the event's mapping, the calendar's today and (when
the edit asked for it) the event as resolved before the edit."""


@contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive lock on the events file for a read-modify-write.

    Where the system has `fcntl` (Linux, macOS, the BSDs) the lock is on the file itself; an
    atomic write replaces the file, so after taking the lock we check that we still hold the
    file the path names, and otherwise take it again. Elsewhere (Windows) the maintained
    `filelock` library locks `PATH.lock` beside it (msvcrt there, an atomically created lock
    file where neither exists).
    """
    try:
        import fcntl
    except ImportError:
        from filelock import FileLock

        if not os.path.exists(path):
            raise access_error(path, FileNotFoundError()) from None
        with FileLock(path + ".lock"):
            yield
        return
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as e:
            raise access_error(path, e) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current == os.fstat(fd).st_ino:
                yield
                return
        finally:
            os.close(fd)  # closing releases the lock


FilePlan = Callable[[yaml.Node, date, "Schedule | None"], list[tuple[yaml.MappingNode, list[Change]]]]
"""What an edit of the whole file changes: for each event's mapping, its changes."""


@dataclass(frozen=True)
class Edited:
    """What an edit did."""

    changes: list[Change]
    """The changes made (for one event; empty for a whole-file edit)."""
    before: Schedule | None
    """The schedule before the edit (when asked for), every actual counting."""
    after: Schedule
    """The schedule after it."""


def edit_event(path: str, ident: str, plan: Plan, now: datetime, *, compare: bool = False) -> Edited:
    """Apply an edit to one event of the file at `path` (written); `compare` also resolves
    the file as it was, to tell what else moved."""
    made: list[Change] = []

    def one(root: yaml.Node, today: date, before: Schedule | None) -> list[tuple[yaml.MappingNode, list[Change]]]:
        event = find_event(path, root, ident)
        resolved = next((e for e in before.events if e.id == ident), None) if before is not None else None
        made.extend(plan(event, today, resolved))
        return [(event, made)]

    before, after = edit_file(path, one, now, compare=compare)
    return Edited(made, before, after)


def edit_file(path: str, plan: FilePlan, now: datetime, *, compare: bool = False) -> tuple[Schedule | None, Schedule]:
    """Apply an edit to the file at `path` under its lock: read, compose and splice once, put
    the result through the pipeline, write it atomically. Returns the schedule before (with
    `compare`) and after."""
    def splice(source: Source, root: yaml.Node, today: date, before: Schedule | None) -> str:
        splices = [s for event, changes in plan(root, today, before) for s in event_splices(source.text, event, changes)]
        return apply_splices(source.text, splices)

    return rewrite(path, splice, now, compare=compare)


Rewrite = Callable[[Source, yaml.Node, date, "Schedule | None"], str]
"""The new text of an events file, from its source, its node tree, the calendar's today and
(when asked for) its schedule before the edit."""


def rewrite(path: str, make: Rewrite, now: datetime, *, compare: bool = False) -> tuple[Schedule | None, Schedule]:
    """Rewrite the file at `path` under its lock: read and compose it once, make the new text,
    put it through the pipeline (a refusal changes nothing), write it atomically. Returns
    the schedule before (with `compare`) and after."""
    if path == "-":
        raise RequestError("cannot edit standard input; give the events file with -f PATH")
    target = os.path.realpath(path)  # a symbolic link stays; the file it names is edited
    with locked(target):
        if not os.stat(target).st_mode & 0o222 or not os.access(target, os.W_OK):
            raise FileAccessError(f"{path}: the file is read-only; not changed (make it writable to edit it)")
        remove_leftovers(target)
        source = replace(read_source(target), path=path)  # messages name the file as the user did
        root = compose(source)
        today = today_in(validate_calendar(source, root).timezone, now)
        before = None
        if compare:
            try:
                before = schedule_from_source(source, now, root=root)
            except EventsFileError:
                pass  # the file is invalid as it stands: the result is checked below all the same
        new_text = make(source, root, today, before)
        data = writable(path, ("\ufeff" if source.bom else "").encode() + new_text.encode("utf-8"))
        after = would_be(path, new_text, now)
        atomic_write(target, data)
    return before, after


def would_be(path: str, text: str, now: datetime, *, new: bool = False) -> Schedule:
    """The schedule of the text an edit (or an import, `new`: of a file not yet there) would
    write, or `EditRefused` with its problems, located in that text and said to be so."""
    try:
        return schedule_from_source(Source(path, text, None), now)
    except EventsFileError as e:
        raise EditRefused(path, e.problems, new, text) from None


def moved_by(before: Schedule, after: Schedule, skip: str) -> list[str]:
    """`id: old label → new label` for every event (but `skip`) whose planned window changed
    (a move changes the plan; what happened is judged the same before and after it)."""
    old = {e.id: e for e in before.events}
    return [f"  {e.id}: {old[e.id].planned_label} → {e.planned_label}" for e in after.events
            if e.id != skip and e.id in old
            and (old[e.id].planned_start, old[e.id].planned_end) != (e.planned_start, e.planned_end)]


def events_of(root: yaml.Node) -> list[yaml.MappingNode]:
    """The mapping nodes of every event."""
    out: list[yaml.MappingNode] = []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "events" and isinstance(value, yaml.SequenceNode):
                out += [item for item in value.value if isinstance(item, yaml.MappingNode)]
    return out


def events_by_id(root: yaml.Node) -> dict[str, yaml.MappingNode]:
    """The mapping node of each event, by id."""
    return {str(v.value): item for item in events_of(root) for k, v in item.value if k.value == "id"}


def find_event(path: str, root: yaml.Node, ident: str) -> yaml.MappingNode:
    """The mapping node of the event with this id."""
    ids: list[str] = []
    for item in events_of(root):
        for k, v in item.value:
            if k.value == "id" and isinstance(v, yaml.ScalarNode):
                if v.value == ident:
                    return item
                ids.append(v.value)
    close = difflib.get_close_matches(ident, ids, n=1)
    hint = f"; did you mean {quote(close[0])}?" if close else ""
    raise RequestError(f"{path}: no event with id {quote(ident)}{hint}")


def done_changes(ident: str, on: WrittenDate | DayArg | None, note: str | None) -> Plan:
    """`timeline done`: record `actual` and `status: done` (and a note). Without `on`, the
    planned day or days, when they are exact and not after today (the edit must be asked
    with `compare` for that); a day after today is refused."""
    def plan(event: yaml.MappingNode, today: date, planned: ResolvedEvent | None) -> list[Change]:
        when = _planned_days(ident, planned, today) if on is None else _happened(on, today)
        changes = [Change("actual", when), Change("status", "done")]
        if note is not None:
            changes.append(Change("note", note))
        return changes

    return plan


def _happened(on: WrittenDate | DayArg, today: date) -> str:
    """`--on` of `done` (of an event or an occurrence) as the `actual` to write: one rule for
    both, a day after today refused."""
    if isinstance(on, WrittenDate):
        first = on.expr.start.earliest if isinstance(on.expr, SpanExpr) else on.expr.earliest  # type: ignore[union-attr]
        if first is not None and first > today:
            raise RequestError(f"--on {on.text} is after today ({today}); record what happened once it has")
        return on.text
    day = on.on(today)
    if day > today:
        raise RequestError(f"--on {on.text} is {day}, after today ({today}); record what happened once it has")
    return day.isoformat()


def _planned_days(ident: str, e: ResolvedEvent | None, today: date) -> str:
    """The actual `done` records by default: the planned day (or days), when exact and past."""
    if e is None:
        raise RequestError(f"give the day {quote(ident)} happened with --on: its plan cannot be resolved as the file stands")
    start, end = e.planned_start, e.planned_end
    first, last = start.earliest, end.latest
    if not (start.is_day and end.is_day) or first is None or last is None:
        raise RequestError(f"{quote(ident)} is planned for {e.planned_label}, not one exact day: say when it happened "
                           f"with --on, such as --on {today} or --on yesterday")
    if last > today:
        raise RequestError(f"{quote(ident)} is planned for {e.planned_label}, after today ({today}): say when it "
                           "happened with --on, or record it once it has")
    return first.isoformat() if first == last else f"{first}/{last}"


def cancel_changes(note: str | None) -> Plan:
    """`timeline cancel`: `status: cancelled` (and a note)."""
    def plan(event: yaml.MappingNode, today: date, planned: ResolvedEvent | None) -> list[Change]:
        changes = [Change("status", "cancelled")]
        if note is not None:
            changes.append(Change("note", note))
        return changes

    return plan


@dataclass(frozen=True)
class Shift:
    """A relative move from the command line: `+2w`, `-3d`, `+1m`."""

    amount: int
    """Signed amount."""
    unit: str
    """`d`, `w`, `m` or `y`."""
    text: str
    """As typed."""


DATE_KEYS = ("when", "start", "end", "due")
"""The keys that hold an event's dates."""


def move_changes(ident: str, when: WrittenDate | Shift, notes: list[str], keep_refs: bool = False) -> Plan:
    """`timeline move`: replace the event's date (keeping the form it was written in where
    possible) or shift it (keeping its references). With `keep_refs`, a new day for an event
    whose date is a reference becomes a shift of the reference (the edit must be asked with
    `compare`). The first move keeps the dates it replaces as the event's `baseline:`.
    `notes` gets a line for each reference replaced."""
    def plan(event: yaml.MappingNode, today: date, planned: ResolvedEvent | None) -> list[Change]:
        nonlocal when
        values = {k.value: v for k, v in event.value}
        present = [k for k in DATE_KEYS if k in values]
        changes = []
        if "baseline" not in values:
            written = ", ".join(f"{k}: {_flow(values[k])}" for k in present)
            changes.append(Change("baseline", f"{{{written}}}", yaml=True))
        if keep_refs and isinstance(when, WrittenDate):
            when = _as_shift(ident, when, planned, [values[k] for k in present])
        if isinstance(when, Shift):
            for key in present:
                node = values[key]
                if not isinstance(node, yaml.ScalarNode):
                    raise RequestError(f"cannot shift {quote(ident)}: its {key} is a list; give the new date instead")
                try:
                    changes.append(Change(key, shift_written(node.value, when.amount, when.unit)))
                except DateSyntaxError as e:
                    raise RequestError(f"{quote(ident)}: {key}: {e}") from None
            return changes
        for key in present:
            node = values[key]
            if isinstance(node, yaml.ScalarNode) and _refers(node.value):
                notes.append(f"  replaced the reference {key}: {node.value}")
        if "due" in values:
            if isinstance(when.expr, SpanExpr):
                raise RequestError(f"{quote(ident)} is a deadline (due:); move it to one date, not a span such as {when.text}")
            return changes + [Change("due", when.text)]
        if "start" in values or "end" in values:
            if isinstance(when.expr, SpanExpr):
                left, _, right = when.text.partition("/")
                return changes + [Change("start", left.strip()), Change("end", right.strip())]
            return changes + [Change("end", None), Change("start", None), Change("when", when.text)]
        return changes + [Change("when", when.text)]

    return plan


def _as_shift(ident: str, when: WrittenDate, planned: ResolvedEvent | None, nodes: list[yaml.Node]) -> Shift:
    """`move --keep-refs`: the new date as a shift of the event's own window, which keeps its
    references; possible when both are single days."""
    if not any(isinstance(n, yaml.ScalarNode) and _refers(n.value) for n in nodes):
        raise RequestError(f"--keep-refs: the date of {quote(ident)} refers to no other event; move it without --keep-refs")
    new = when.expr
    old = None
    if planned is not None:  # the day it was planned for (a deadline: its due day)
        old = planned.planned_end.latest if planned.event.is_due else (
            planned.planned_start.earliest if planned.planned_start.is_day else None)
    if old is None or not isinstance(new, Window) or not new.is_day:
        label = planned.planned_label if planned is not None else "date"
        raise RequestError(f"--keep-refs: {when.text} and the planned {label} of {quote(ident)} are not both single "
                           "days; give a shift such as +2w instead")
    days = (new.earliest - old).days  # type: ignore[operator]
    return Shift(days, "d", f"{days:+d}d")


def _refers(text: str) -> bool:
    """True when a written date refers to another event."""
    try:
        return refers(parse_expr(text))
    except DateSyntaxError:
        return False


def _flow(node: yaml.Node) -> str:
    """A date value as YAML text inside a flow mapping."""
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(yaml_scalar(item.value) for item in node.value if isinstance(item, yaml.ScalarNode)) + "]"
    return yaml_scalar(node.value)


def _flat(occurrences: yaml.MappingNode) -> bool:
    """True when every entry of `occurrences:` is a mapping of scalars and lists of scalars
    keyed by a scalar (what `_flow_entry` writes again as it reads)."""
    return all(isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.MappingNode)
               and all(isinstance(kk, yaml.ScalarNode) and (isinstance(vv, yaml.ScalarNode) or (
                   isinstance(vv, yaml.SequenceNode) and all(isinstance(i, yaml.ScalarNode) for i in vv.value)))
                       for kk, vv in v.value)
               for k, v in occurrences.value)


def _flow_entry(node: yaml.Node) -> str:
    """One entry of `occurrences:` as a flow mapping that reads back as it was."""
    assert isinstance(node, yaml.MappingNode)
    return "{" + ", ".join(f"{k.value}: {_flow(v)}" for k, v in node.value) + "}"


OccurrencePlan = Callable[[date, ResolvedEvent], list[Change]]
"""What an edit of one occurrence records: its keys under `occurrences:`, decided from the
calendar's today and the series as it stands."""


def edit_occurrence(path: str, ident: str, day: date, plan: OccurrencePlan, now: datetime) -> Edited:
    """Record what became of one occurrence of a series (`ID@DAY`): its entry under the
    event's `occurrences:` gets the plan's keys (the entry, or the mapping, is added when
    missing, and what is written elsewhere in it stays)."""
    made: list[Change] = []

    def one(root: yaml.Node, today: date, before: Schedule | None) -> list[tuple[yaml.MappingNode, list[Change]]]:
        event = find_event(path, root, ident)
        series = next((e for e in before.events if e.id == ident), None) if before is not None else None
        if series is None:
            raise RequestError(f"{path}: {quote(ident)} cannot be resolved as the file stands; run timeline check")
        if series.series is None:
            raise RequestError(f"{quote(ident)} happens once (it has no repeat:); name it without @{day}")
        if not any(o.day == day for o in series.series.occurrences(shift(day, -timedelta(days=2)), shift(day, timedelta(days=2)))):
            near = series.series.occurrences(shift(day, -timedelta(days=31)), shift(day, timedelta(days=31)))
            hint = ", ".join(f"{ident}@{o.day}" for o in sorted(near, key=lambda o: abs((o.day - day).days))[:2])
            raise RequestError(f"{quote(ident)} has no occurrence on {day} ({series.series.words()})"
                               + (f"; the nearest: {hint}" if hint else ""))
        made.extend(plan(today, series))
        entry = "{" + ", ".join(f"{c.key}: {c.value}" for c in made if c.value is not None) + "}"
        values = {k.value: v for k, v in event.value}
        occurrences = values.get("occurrences")
        if occurrences is None:  # a block mapping below the key, one day a line
            return [(event, [Change("occurrences", f"{day}: {entry}", yaml=True, block=True)])]
        if not isinstance(occurrences, yaml.MappingNode):
            raise RequestError(f"{path}: the occurrences of {quote(ident)} are not a mapping; run timeline check")
        found = next((v for k, v in occurrences.value if isinstance(k, yaml.ScalarNode) and k.value == day.isoformat()), None)
        if found is None and occurrences.flow_style and not event.flow_style and _flat(occurrences):
            # one line that would only grow (as earlier versions wrote it): a block, in the order of the days
            lines = {str(k.value): f"{k.value}: {_flow_entry(v)}" for k, v in occurrences.value}
            lines[day.isoformat()] = f"{day}: {entry}"
            return [(event, [Change("occurrences", "\n".join(lines[k] for k in sorted(lines)), yaml=True, block=True)])]
        if found is None:
            return [(occurrences, [Change(day.isoformat(), entry, yaml=True, ordered=True)])]
        if not isinstance(found, yaml.MappingNode):
            raise RequestError(f"{path}: the entry of {day} under the occurrences of {quote(ident)} is not a mapping; "
                               "run timeline check")
        return [(found, made)]

    before, after = edit_file(path, one, now, compare=True)
    return Edited(made, before, after)


def occurrence_done(day: date, on: WrittenDate | DayArg | None, note: str | None) -> OccurrencePlan:
    """`timeline done ID@DAY`: `status: done` (and `actual` when said, and a note); an
    occurrence that has not come yet is refused."""
    def plan(today: date, e: ResolvedEvent) -> list[Change]:
        if day > today and on is None:
            raise RequestError(f"{e.id}@{day} is after today ({today}); record it once it has happened")
        changes = [Change("status", "done")]
        if on is not None:
            changes.append(Change("actual", _happened(on, today)))
        if note is not None:
            changes.append(Change("note", note))
        return changes

    return plan


def occurrence_cancelled(note: str | None) -> OccurrencePlan:
    """`timeline cancel ID@DAY`: `status: cancelled` (and a note)."""
    def plan(today: date, e: ResolvedEvent) -> list[Change]:
        return [Change("status", "cancelled")] + ([Change("note", note)] if note is not None else [])

    return plan


def occurrence_moved(when: WrittenDate) -> OccurrencePlan:
    """`timeline move ID@DAY WHEN`: `when:` the day or time it moves to."""
    def plan(today: date, e: ResolvedEvent) -> list[Change]:
        if not isinstance(when.expr, Window) or not when.expr.is_day or when.expr.approximate or when.expr.uncertain:
            raise RequestError(f"an occurrence moves to one day or one time, such as 2026-11-12T15:00, not {when.text}")
        return [Change("when", when.text)]

    return plan


def clear_baselines(root: yaml.Node, today: date, before: Schedule | None) -> list[tuple[yaml.MappingNode, list[Change]]]:
    """`timeline baseline`: the current plan becomes the baseline (every `baseline:` goes)."""
    return [(event, [Change("baseline", None)]) for event in events_of(root)
            if any(k.value == "baseline" for k, _ in event.value)]
