"""New events at the end of events.yaml: `timeline add` and `timeline import`.

The new events are written in the file's own layout (block or flow items, its indentation
and line endings) after its last event, every other byte kept; the result is validated
with the rest of the file and written atomically under the file's lock, like every edit
(`edit.rewrite`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, UTC
from zoneinfo import ZoneInfo

import yaml

from .dates import RefExpr, SpanExpr, Window, parse_length
from .edit import DATE_KEYS, events_by_id, rewrite
from .yamltext import Change, apply_splices, content_end, event_splices, line_end, newline, yaml_scalar
from .errors import RequestError
from .source import Source, compose
from .values import ID_PATTERN, parse_expr_or_none
from .render.text import slug
from .schedule import ResolvedEvent, Schedule

MAX_ID = 48
"""Ids suggested from titles are at most this long."""


class YamlText(str):
    """A value that is YAML text already (a flow mapping such as `{every: week}`)."""


@dataclass(frozen=True)
class NewEvent:
    """An event to add: its keys in order, each with its value as YAML text."""

    fields: tuple[tuple[str, str], ...]
    """(key, YAML text) pairs, `id` first."""

    @property
    def id(self) -> str:
        """The event's id."""
        return dict(self.fields)["id"]

    @staticmethod
    def of(pairs: Iterable[tuple[str, str | list[str] | None]]) -> NewEvent:
        """From (key, value) pairs of plain text (a list becomes a flow list, `YamlText` stays
        as it is; None is left out)."""
        fields = []
        for key, value in pairs:
            if value is None or value == []:
                continue
            if isinstance(value, list):
                fields.append((key, "[" + ", ".join(yaml_scalar(v) for v in value) + "]"))
            elif isinstance(value, YamlText):
                fields.append((key, str(value)))
            else:
                fields.append((key, yaml_scalar(value)))
        return NewEvent(tuple(fields))


def repeat_rule(every: str, on: Sequence[str], until: str | None, count: int | None, skip: Sequence[str]) -> YamlText:
    """A series' rule as a flow mapping, `{every: week, on: [tue, thu], until: 2027-06-30}`,
    each value written so that it reads back as given (the file's validation judges it)."""
    def one_or_list(values: Sequence[str]) -> str:
        return yaml_scalar(values[0]) if len(values) == 1 else "[" + ", ".join(map(yaml_scalar, values)) + "]"

    parts = [f"every: {yaml_scalar(every)}"]
    if on:
        parts.append(f"on: {one_or_list(on)}")
    if until is not None:
        parts.append(f"until: {yaml_scalar(until)}")
    if count is not None:
        parts.append(f"count: {count}")
    if skip:
        parts.append(f"skip: {one_or_list(skip)}")
    return YamlText("{" + ", ".join(parts) + "}")


def suggest_id(title: str, taken: set[str]) -> str:
    """An id from a title (`First WGIG meeting` → `first-wgig-meeting`), unique among `taken`."""
    base = slug(title, MAX_ID) or "event"
    if not base[0].isalnum() or parse_expr_or_none(base) is not None and base[0].isdigit():
        base = f"event-{base}".strip("-")
    ident, n = base, 2
    while ident in taken or not ID_PATTERN.match(ident):
        ident = f"{base}-{n}"
        n += 1
    return ident


def append_events(path: str, events: Sequence[NewEvent], now: datetime) -> Schedule:
    """Append events to the file's `events:` list (validated with the rest of the file, then
    written atomically under its lock); the schedule after."""
    def append(source: Source, root: yaml.Node, today: date, before: Schedule | None) -> str:
        return appended(source.text, root, events)

    return rewrite(path, append, now)[1]


@dataclass(frozen=True)
class Update:
    """What an import changes in an event the file has."""

    id: str
    """The event."""
    changes: tuple[Change, ...]
    """The keys set or removed (empty: the source says what the file says)."""
    words: tuple[str, ...]
    """Each change as `key: old → new`."""


def plan_updates(text: str, nodes: dict[str, yaml.MappingNode], updates: Sequence[NewEvent],
                 schedule: Schedule) -> list[Update]:
    """Compare what a source says of events the file has with what the file says (`schedule`:
    the file resolved): a key the source carries and the file writes otherwise is set, one the
    source cannot carry (after, parent, actual, notes ...) is kept. The dates (with the
    length) change as a whole, and only when the source's days fall outside the file's
    planned windows (a calendar shows "July to October" as days inside it); dates written as
    references, or of an event with an actual, are kept (a calendar holds only the days
    they gave). `nodes`: the file's events by id (`edit.events_by_id`)."""
    resolved = {e.id: e for e in schedule.events}
    return [_update(text, nodes[u.id], u, resolved[u.id], schedule.calendar.timezone)
            for u in updates if u.id in nodes and u.id in resolved]


LIST_KEYS = ("owner", "tags", "after", "before")
"""Keys whose one value and a list of it say the same (`owner: Ann` and `owner: [Ann]`)."""
WHEN_KEYS = (*DATE_KEYS, "duration")
"""The keys an update of the dates replaces together (the dates, `edit.DATE_KEYS`, and the length)."""


def _update(text: str, node: yaml.MappingNode, new: NewEvent, resolved: ResolvedEvent, zone: str) -> Update:
    had = {str(k.value): v for k, v in node.value}
    said = {k: v for k, v in new.fields if k != "id"}
    read = {k: _loaded(_value_node(v)) for k, v in said.items()}  # each value as YAML reads it, once
    changes: list[Change] = []
    words: list[str] = []
    keep_dates = "actual" in had or any(_refers(had[k]) for k in DATE_KEYS if k in had) \
        or _fits(had, read, resolved, zone)
    for key, value in said.items():
        if key in WHEN_KEYS and keep_dates:
            continue
        if key not in had and key == "kind" and resolved.kind.value == read[key]:
            continue  # the kind the file's dates give already
        if key not in had or _plain(key, _loaded(had[key])) != _plain(key, read[key]):
            changes.append(Change(key, value, yaml=True))
            words.append(f"{key}: {_shown(text, had[key]) if key in had else '(none)'} → {value}")
    if not keep_dates:
        for key in WHEN_KEYS:
            if key in had and key not in said:
                changes.append(Change(key, None))
                words.append(f"{key}: {_shown(text, had[key])} → (none)")
    return Update(new.id, tuple(changes), tuple(words))


def _plain(key: str, value: object) -> object:
    """A value as compared: one value of a list key as a list of it; a title with its
    line breaks as spaces (a calendar's title is one line)."""
    if key in LIST_KEYS and not isinstance(value, list):
        return [value]
    return " ".join(value.split()) if key == "title" and isinstance(value, str) else value


def _fits(had: dict[str, yaml.Node], read: dict[str, object], resolved: ResolvedEvent, zone: str) -> bool:
    """True when the days the source gives (`read`: its values as YAML reads them) fall
    inside the file's planned windows, said the same way (a due date is not a window): a
    calendar shows an uncertain window as days, so days inside it say nothing new; days
    outside it are a new plan."""
    dates = {k: str(v) for k, v in read.items() if k in WHEN_KEYS}
    if ("due" in had) != ("due" in dates):
        return False
    theirs = _extent(dates, ZoneInfo(str(read["timezone"]) if "timezone" in read else zone))
    if theirs is None:
        return False
    return _inside(theirs[0], resolved.planned_start) and _inside(theirs[1], resolved.planned_end)


Point = tuple[date | None, date | None, datetime | None]
"""A side of an event as a source gives it: first and last day (None: open), and the instant
of a time."""


def _extent(dates: dict[str, str], zone: ZoneInfo) -> tuple[Point, Point] | None:
    """The start and end a source's date keys give (a due date: its day at both), times as
    instants in `zone`; None when they are not plain dates."""
    def points(text: str) -> list[Point] | None:
        expr = parse_expr_or_none(text)
        parts = [expr.start, expr.end] if isinstance(expr, SpanExpr) else [expr]
        out = [(p.earliest, p.latest, p.moment if p.moment is None or p.moment.tzinfo else p.moment.replace(tzinfo=zone))
               for p in parts if isinstance(p, Window)]
        return out if len(out) == len(parts) else None

    found = [points(dates[k]) for k in DATE_KEYS if k in dates]
    if not found or any(f is None for f in found):
        return None
    first, last = found[0][0], found[-1][-1]  # type: ignore[index]
    moment = first[2]
    if "duration" in dates and moment is not None and "end" not in dates:
        end = (moment.astimezone(UTC) + parse_length(dates["duration"])).astimezone(zone)
        last = (end.date(), end.date(), end)
    return first, last


def _inside(theirs: Point, mine: Window) -> bool:
    """True when a side's days (and time) fall inside the file's window for it (an open
    side only inside one open there too)."""
    lo, hi, moment = theirs
    if lo is None and mine.earliest is not None or hi is None and mine.latest is not None:
        return False
    if lo is not None and mine.earliest is not None and lo < mine.earliest:
        return False
    if hi is not None and mine.latest is not None and hi > mine.latest:
        return False
    return mine.moment is None or moment is not None and moment == mine.moment


def _refers(node: yaml.Node) -> bool:
    """True for a date written as a reference to another event."""
    if not isinstance(node, yaml.ScalarNode):
        return False
    expr = parse_expr_or_none(str(node.value))
    return isinstance(expr, RefExpr) or isinstance(expr, SpanExpr) and (
        isinstance(expr.start, RefExpr) or isinstance(expr.end, RefExpr))


def _shown(text: str, node: yaml.Node) -> str:
    """A value as the file writes it, on one line."""
    written = text[node.start_mark.index:node.end_mark.index]
    return " ".join(written.split()) if len(written) <= 80 else " ".join(written[:77].split()) + "..."


def import_events(path: str, events: Sequence[NewEvent], updates: Sequence[NewEvent], now: datetime) -> tuple[list[Update], Schedule]:
    """Update the events the file has and append the new ones, in one validated, atomic
    write under the file's lock; the updates made, and the schedule after."""
    made: list[Update] = []

    def change(source: Source, root: yaml.Node, today: date, before: Schedule | None) -> str:
        if before is None:
            raise RequestError(f"{path}: the events file is not valid; run timeline check")
        found, text = imported(source, root, before, events, updates)
        made.extend(found)
        return text

    return made, rewrite(path, change, now, compare=True)[1]


def imported(source: Source, root: yaml.Node, before: Schedule, events: Sequence[NewEvent],
             updates: Sequence[NewEvent]) -> tuple[list[Update], str]:
    """The updates an import makes and the file's text after it (updates spliced in place,
    new events appended): what `import` writes, and what `import --dry-run` checks."""
    nodes = events_by_id(root)
    made = plan_updates(source.text, nodes, updates, before)
    text = apply_splices(source.text, [s for u in made for s in event_splices(source.text, nodes[u.id], list(u.changes))])
    if events:
        text = appended(text, compose(Source(source.path, text, None)), events)
    return made, text


def _value_node(value: str) -> yaml.Node:
    """The node of a value written as YAML text, composed as the events file is."""
    root = compose(Source("<import>", f"v: {value}\n", None))
    assert isinstance(root, yaml.MappingNode)
    return root.value[0][1]


def _loaded(node: yaml.Node) -> object:
    """A value as YAML reads it."""
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def appended(text: str, root: yaml.Node, events: Sequence[NewEvent]) -> str:
    """The text with the events added after the last event, in the layout the file uses."""
    if "\r" in text and "\n" not in text:  # CR alone ends each line (old Mac files): same marks with LF
        return appended(text.replace("\r", "\n"), root, events).replace("\n", "\r")
    nl = newline(text)
    items = None
    key_node = None
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "events":
                key_node, items = k, v
    if key_node is None or items is None:
        end = "" if not text or text.endswith("\n") else nl
        return text + end + "events:" + nl + "".join(_block(e, "  - ", "    ", nl) for e in events)
    if isinstance(items, yaml.ScalarNode) and items.value == "":  # `events:` with nothing under it
        at = line_end(text, text.index(":", key_node.end_mark.index) + 1)  # its comment stays on its line
        lead = "" if text[at - 1:at] == "\n" else nl
        return text[:at] + lead + "".join(_block(e, "  - ", "    ", nl) for e in events) + text[at:]
    if not isinstance(items, yaml.SequenceNode):
        raise RequestError("the file's 'events' is not a list; run timeline check")
    if items.flow_style:
        close = items.end_mark.index - 1  # the closing bracket
        body = text[items.start_mark.index + 1:close].strip()
        entries = ", ".join(_flow(e) for e in events)
        if not body:  # `events: []`: no layout to follow yet; a block list, as a person writes one
            rest_of_line, _, remainder = text[close + 1:].partition("\n")
            head = text[:items.start_mark.index].rstrip(" ") + rest_of_line.rstrip("\r")
            return head + nl + "".join(_block(e, "  - ", "    ", nl) for e in events) + remainder
        before = text[:close].rstrip()
        return before + (" " if before.endswith(",") else ", ") + entries + text[close:]  # `[a, b,]` keeps one comma
    if not items.value:
        raise RequestError("the file's 'events' list is empty in an unexpected way; run timeline check")
    first = items.value[0]
    dash = items.start_mark.index  # a block sequence starts at its first `-` (a comment may follow it)
    line_start = text.rfind("\n", 0, dash) + 1
    prefix = " " * (dash - line_start)
    at = line_end(text, content_end(text, items))
    lead = "" if at == 0 or text[at - 1] == "\n" else nl
    if isinstance(first, yaml.MappingNode) and first.flow_style:
        return text[:at] + lead + "".join(f"{prefix}- {_flow(e)}{nl}" for e in events) + text[at:]
    column = (first.value[0][0].start_mark.column if isinstance(first, yaml.MappingNode) and first.value
              else dash - line_start + 2)  # where the keys of an item begin (`-   id:` keeps its gap)
    head = prefix + "-" + " " * max(1, column - len(prefix) - 1)
    return text[:at] + lead + "".join(_block(e, head, " " * len(head), nl) for e in events) + text[at:]


def _block(event: NewEvent, first: str, inner: str, nl: str) -> str:
    """A block mapping item: `- id: x` then one key a line."""
    lines = [f"{first}{k}: {v}" if i == 0 else f"{inner}{k}: {v}" for i, (k, v) in enumerate(event.fields)]
    return nl.join(lines) + nl


def _flow(event: NewEvent) -> str:
    """A flow mapping: `{id: x, title: y}`."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in event.fields) + "}"
