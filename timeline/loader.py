"""Loading and validation: events.yaml text → `EventsFile`, with FILE:LINE:COL problems.

The YAML is composed (`source.stream`, from libyaml's parse events) into nodes rather
than constructed into Python objects, so every value keeps its line and column, scalars
keep the text the user wrote, and aliases are never expanded by accident. The validator
walks the nodes an event at a time as they are composed, and keeps of each event only its
values and where they are written (`model.Positions`), never the nodes; edits
(`timeline.edit`) compose the whole tree and splice the text at its marks. Every problem
in the file is collected and reported together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, UTC
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from yaml import MappingNode, Node, ScalarNode, SequenceNode

from .dates import (
    DateExpr,
    Duration,
    RefExpr,
    SpanExpr,
    Window,
    iso_day,
    parse_duration,
    parse_expr,
    parse_length,
    parse_point,
    refers,
)
from .errors import DateSyntaxError, EventsFileError, Problem, quote
from .model import (
    DEFAULT_MEETING_LENGTH, Baseline, Calendar, Event, EventsFile, Kind, OccurrenceRecord, Repeat, Status, Positions,
)
from .repeats import MAX_COUNT, parse_every, parse_on
from .source import BOOL, NULL, TEXTUAL, Document, Source, node_at, stream
from .values import HOST_NAME, ID_PATTERN, check_zone, feed_url, parse_expr_or_none, parse_windows, web_url

TOP_KEYS = dict.fromkeys(("calendar", "events"))
CALENDAR_KEYS = dict.fromkeys(("name", "domain", "timezone", "updated", "warn", "refresh", "url", "windows", "keep"))
MAX_OWNER = 100
"""The longest owner name."""
EVENT_KEYS = dict.fromkeys((
    "id", "title", "kind", "when", "start", "end", "due", "after", "before", "parent",
    "tags", "owner", "location", "description", "url", "source", "warn", "status", "actual", "note", "baseline",
    "duration", "timezone", "repeat", "occurrences", "likely",
))
BASELINE_KEYS = dict.fromkeys(("when", "start", "end", "due"))
REPEAT_KEYS = dict.fromkeys(("every", "on", "until", "count", "skip"))
OCCURRENCE_KEYS = dict.fromkeys(("when", "status", "actual", "note"))
"""The keys allowed at each level, in the order messages list them (dicts: fast look-ups)."""
SYNONYMS = {
    "length": "duration", "lenght": "duration", "len": "duration", "date": "when", "on": "when", "at": "when",
    "begin": "start", "from": "start", "until": "end", "to": "end", "deadline": "due", "by": "due",
    "depends": "after", "depends_on": "after", "requires": "after", "tag": "tags", "labels": "tags",
    "desc": "description", "notes": "note", "tz": "timezone", "zone": "timezone", "time_zone": "timezone",
    "place": "location", "where": "location", "link": "url", "name": "title", "summary": "title",
    "recurrence": "repeat", "rrule": "repeat", "repeats": "repeat", "every": "repeat",
}
"""Keys people write for the ones we have, for "did you mean" where spelling is no guide."""
def validate(source: Source, root: Node | None = None) -> tuple[EventsFile, list[Problem], set[str]]:
    """The valid part of a source, every problem found, and every id written (valid or not).

    `root` is the source's node tree when the caller has composed it already (edits do).
    Raises `EventsFileError` only when nothing can be salvaged (YAML syntax, wrong top level).
    """
    def document() -> Document:
        return stream(source) if root is None else Document.of(source, root)

    validator = _Validator(source)
    try:
        events_file = validator.run(document())
    except _CalendarLate:  # a calendar key spelt with escapes, after the events: read again, holding them
        validator = _Validator(source, hold=True)
        events_file = validator.run(document())
    return events_file, validator.problems, validator.known_ids


class _CalendarLate(Exception):
    """A `calendar:` block came after events that were read in UTC, not held for it."""


def validate_calendar(source: Source, root: Node) -> Calendar:
    """The calendar settings of a composed source (problems in them raise `EventsFileError`)."""
    validator = _Validator(source)
    calendar = Calendar()
    if isinstance(root, MappingNode):
        keys = {k.value: v for k, v in root.value if isinstance(k, ScalarNode)}
        if "calendar" in keys:
            calendar = validator.calendar(keys["calendar"])
    if validator.problems:
        raise EventsFileError(validator.problems)
    return calendar


T = TypeVar("T")


class _Validator:
    """Walks the nodes once, collecting problems instead of stopping at the first."""

    def __init__(self, source: Source, hold: bool = False) -> None:
        self.source = source
        self.hold = hold or "calendar" in source.text
        """Whether events listed before the calendar are held until it is read: only where
        the word is written (a file without a calendar block is read an event at a time
        wherever its events are; a key spelt with escapes is found late: `_CalendarLate`)."""
        self.problems: list[Problem] = []
        self.known_ids: set[str] = set()
        self.zone = "UTC"
        """The calendar's zone, once the calendar block is read."""
        self.shared: dict[Any, Any] = {}
        """One object for each value that recurs across events (ids, tags, owners, places, key
        tuples): a large file keeps one copy, not one an event (see `once`)."""

    def once(self, value: T) -> T:
        """The first object equal to `value` met so far (or `value`, remembered)."""
        return self.shared.setdefault(value, value)

    # -- helpers -------------------------------------------------------------------
    def problem(self, node: Node | tuple[int, int], message: str) -> None:
        """Record a problem at a node (or a (line, col) pair)."""
        line, col = node if isinstance(node, tuple) else node_at(node)
        self.problems.append(Problem(self.source.path, line, col, message))

    def mapping(
        self, node: MappingNode, allowed: dict[str, None], what: str, where: dict[str, tuple[int, int]] | None = None
    ) -> dict[str, Node]:
        """Value nodes by key, reporting unknown and duplicate keys; `where` gets each value's (line, col)."""
        out: dict[str, Node] = {}
        for knode, vnode in node.value:
            key = knode.value if isinstance(knode, ScalarNode) else None
            if key is None or key not in allowed or key in out:
                self.bad_key(key, node_at(knode), allowed, what, _key_at(node, key) if key in out else None)
                continue
            out[key] = vnode
            if where is not None:
                where[key] = node_at(vnode)
        return out

    def bad_key(self, key: str | None, at: tuple[int, int], allowed: dict[str, None], what: str,
                first: tuple[int, int] | None) -> None:
        """Report a key that is not a name, is repeated (`first`: where it was first), or is not one of `allowed`."""
        if key is None:
            self.problem(at, f"keys of {what} must be plain names; expected one of {', '.join(allowed)}")
        elif first is not None:
            self.problem(at, f"duplicate key {quote(key)} in {what} (first at line {first[0]})")
        else:
            import difflib

            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.75)
            if not close and SYNONYMS.get(key.lower().replace("-", "_")) in allowed:
                close = [SYNONYMS[key.lower().replace("-", "_")]]
            hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of {', '.join(allowed)}"
            self.problem(at, f"unknown key {quote(key)} in {what}{hint}")

    def text(self, node: Node, what: str, *, allow_empty: bool = False) -> str | None:
        """A scalar's text as written, or a problem when it is not text."""
        if not isinstance(node, ScalarNode) or node.tag not in TEXTUAL:
            kind = _kind_of(node)
            self.problem(node, f"{what} must be text, not {kind}")
            return None
        value = node.value
        if not allow_empty and not value.strip():
            self.problem(node, f"{what} must not be empty")
            return None
        return value

    def converted(self, node: Node, what: str, parse: Callable[[str], Any]) -> Any:
        """A scalar parsed by `parse`, reporting its error at the node."""
        raw = self.text(node, what)
        if raw is None:
            return None
        try:
            return parse(raw)
        except (DateSyntaxError, ValueError) as e:
            self.problem(node, f"{what}: {e}")
            return None

    def date_text(self, node: Node, what: str) -> str | None:
        """The text of a date value; a YAML list `[a, b]` is the set form `[a, b]`."""
        if isinstance(node, SequenceNode):
            parts = []
            for item in node.value:
                if not isinstance(item, ScalarNode) or item.tag not in TEXTUAL:
                    self.problem(item, f"{what}: a set holds dates, not {_kind_of(item)}")
                    return None
                parts.append(item.value)
            return "[" + ", ".join(parts) + "]"
        return self.text(node, what)

    def date_expr(self, node: Node, what: str, *, point: bool) -> DateExpr | None:
        """Parse a date value into an expression."""
        raw = self.date_text(node, what)
        if raw is None:
            return None
        try:
            return parse_point(raw) if point else parse_expr(raw)
        except DateSyntaxError as e:
            self.problem(node, f"{what}: {e}")
            return None

    def names(self, items: list[Node], what: str, complaint: str) -> tuple[str, ...] | None:
        """Scalars that must each match ID_PATTERN (ids and tags alike); `complaint` words a
        bad one (`{what}` and `{value}` are filled in)."""
        out = []
        bad = False
        for item in items:  # every bad one is reported
            if isinstance(item, ScalarNode) and item.tag in TEXTUAL and ID_PATTERN.match(item.value):
                out.append(self.once(item.value))
                continue
            value = self.text(item, what)
            if value is not None:
                self.problem(item, complaint.format(what=what, value=quote(value)))
            bad = True
        return None if bad else self.once(tuple(out))

    def id_list(self, node: Node, what: str) -> tuple[str, ...] | None:
        """An id or a list of ids."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        return self.names(items, what, "{what}: {value} is not an event id (lowercase letters, digits and -)")

    # -- walk ----------------------------------------------------------------------
    def run(self, document: Document) -> EventsFile:
        """Validate the whole file, an event at a time as the document is read (the calendar
        first: events' times are read in its zone; a file that lists its events before its
        calendar has them held until the calendar is read, `hold`)."""
        root = document.root
        if not isinstance(root, MappingNode):
            self.problem(root, f"the top level must be a mapping with 'events' (and optionally 'calendar'), not {_kind_of(root)}")
            raise EventsFileError(self.problems)
        calendar: Calendar | None = None
        held: list[Node] | None = None
        events: list[Event] = []
        seen: dict[str, tuple[int, int]] = {}
        first: dict[str, tuple[int, int]] = {}
        for knode, value in document.pairs():
            key = knode.value if isinstance(knode, ScalarNode) else None
            if key is None or key not in TOP_KEYS or key in first:
                self.bad_key(key, node_at(knode), TOP_KEYS, "the top level", first.get(key) if key else None)
                continue
            first[key] = node_at(knode)
            if key == "calendar":
                if "events" in first and not self.hold:  # the events were read in UTC
                    raise _CalendarLate
                calendar = self.calendar(value)
                self.zone = calendar.timezone
            elif "calendar" not in first and self.hold:
                held = list(self.items(value))  # the calendar may still come
            else:
                events = self.events(self.items(value), seen)
        if held is not None:
            events = self.events(held, seen)
        if "events" not in first:
            self.problem(root, "missing 'events': expected a list of events under the key 'events'")
        self.known_ids = set(seen)
        return EventsFile(self.source.path, calendar or Calendar(), tuple(events), self.source.mtime)

    def calendar(self, node: Node) -> Calendar:
        """The `calendar:` block."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"'calendar' must be a mapping of settings, not {_kind_of(node)}")
            return Calendar()
        keys = self.mapping(node, CALENDAR_KEYS, "calendar")
        values: dict[str, Any] = {}
        for key in ("name", "domain", "url"):
            if key in keys:
                values[key] = self.text(keys[key], f"calendar.{key}")
        if "domain" in keys and values.get("domain") and not HOST_NAME.fullmatch(values["domain"]):
            self.problem(keys["domain"], "calendar.domain must be a host name such as example.org")
            values["domain"] = None
        if values.get("url"):
            values["url"] = self.converted(keys["url"], "calendar.url", feed_url)
        if "timezone" in keys:
            values["timezone"] = self.converted(keys["timezone"], "calendar.timezone", check_zone)
            values["timezone_set"] = True
        if "updated" in keys:
            values["updated"] = self.converted(keys["updated"], "calendar.updated", _parse_updated)
        for key in ("warn", "refresh", "keep"):
            if key in keys:
                values[key] = self.converted(keys[key], f"calendar.{key}", parse_duration)
        if "windows" in keys:
            values["windows"] = self.converted(keys["windows"], "calendar.windows", parse_windows)
        if "refresh" in keys and isinstance(values.get("refresh"), Duration):
            if values["refresh"].unit in ("m", "y") or values["refresh"].to_timedelta().total_seconds() <= 0:
                self.problem(keys["refresh"], "calendar.refresh must be hours, days or weeks above zero, such as 12h or 1d")
        return Calendar(**{k: v for k, v in values.items() if v is not None})

    def items(self, node: Node) -> Iterable[Node]:
        """The items of the `events:` list (read as they are asked for), or none with a
        problem when it is not a list."""
        if not isinstance(node, SequenceNode):
            self.problem(node, f"'events' must be a list of events (lines starting with '- '), not {_kind_of(node)}")
            return ()
        return node.value

    def events(self, items: Iterable[Node], seen: dict[str, tuple[int, int]]) -> list[Event]:
        """The events of the `events:` list's items, an event at a time; `seen` gets each id's place."""
        events: list[Event] = []
        for item in items:
            event = self.event(item, seen)
            if event is not None:
                events.append(event)
        return events

    def event(self, node: Node, seen: dict[str, tuple[int, int]]) -> Event | None:
        """One event mapping."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"each event must be a mapping with at least 'id', 'title' and a date, not {_kind_of(node)}")
            return None
        before = len(self.problems)
        where: dict[str, tuple[int, int]] = {}
        keys = self.mapping(node, EVENT_KEYS, "an event", where)
        get: dict[str, Any] = {}

        ident = None
        if "id" not in keys:
            self.problem(node, "event has no 'id'; expected a unique id such as first-meeting")
        else:
            ident = self.text(keys["id"], "id")
            if ident is not None and not ID_PATTERN.match(ident):
                self.problem(keys["id"], f"bad id {quote(ident)}: expected lowercase letters, digits and - (such as first-meeting)")
                ident = None
            elif ident is not None and ident[0].isdigit() and isinstance(parse_expr_or_none(ident), Window):
                self.problem(keys["id"], f"bad id {quote(ident)}: an id must not look like a date")
                ident = None
            elif ident is not None and ident in seen:
                line, col = seen[ident]
                self.problem(keys["id"], f"duplicate id {quote(ident)}: already used at {self.source.path}:{line}:{col}")
                ident = None
            elif ident is not None:
                ident = self.once(ident)
                seen[ident] = node_at(keys["id"])
        title = None
        if "title" not in keys:
            self.problem(node, "event has no 'title'; expected the event's name")
        else:
            title = self.text(keys["title"], "title")

        for key in ("location", "description", "source", "note"):
            if key in keys:
                text = self.text(keys[key], key)
                get[key] = self.once(text) if key in ("location", "source") else text
        if "url" in keys:
            get["url"] = self.converted(keys["url"], "url", web_url)
        if "parent" in keys:
            parent = self.id_list(keys["parent"], "parent")
            if parent is not None and len(parent) != 1:
                self.problem(keys["parent"], "parent must be one id, not a list")
            elif parent is not None:
                get["parent"] = parent[0]
        for key in ("after", "before"):
            if key in keys:
                get[key] = self.id_list(keys[key], key)
        if "tags" in keys:
            get["tags"] = self.tags(keys["tags"])
        if "owner" in keys:
            get["owners"] = self.owners(keys["owner"])
        if "warn" in keys:
            get["warn"] = self.converted(keys["warn"], "warn", parse_duration)
        if "timezone" in keys:
            get["timezone"] = self.converted(keys["timezone"], "timezone", check_zone)
        status = None
        if "status" in keys:
            status = self.converted(keys["status"], "status", _parse_status)
        kind = None
        if "kind" in keys:
            kind = self.converted(keys["kind"], "kind", _parse_kind)

        dates = self.dates(node, keys)
        length = None
        if "duration" in keys:
            length = self.converted(keys["duration"], "duration", parse_length)
            if length is not None and dates is not None and not _timed_point(dates):
                self.problem(keys["duration"], "duration: only an event at one time has a length, such as "
                                               "when: 2026-05-05T15:00; a span is written start/end or A/B")
        if "baseline" in keys:
            get["baseline"] = self.baseline(keys["baseline"], length, kind, get.get("timezone") or self.zone)
        actual = None
        if "actual" in keys:
            actual = self.date_expr(keys["actual"], "actual", point=False)
            if actual is not None and refers(actual):
                self.problem(keys["actual"], "actual must be a date (what really happened), not a reference")
                actual = None
            if status is not None and status != Status.DONE and actual is not None:
                self.problem(keys["status"], f"status '{status.value}' contradicts 'actual' (an actual date means done); remove one of them")

        if "repeat" in keys:
            get["repeat"] = self.repeat(keys["repeat"])
            if dates is not None and dates[3]:
                self.problem(keys["repeat"], "repeat: a deadline does not repeat; write the series with when "
                                             "(or start and end) and a time, such as when: 2026-11-03T15:00")
            if kind not in (None, Kind.MEETING):
                self.problem(keys["kind"], f"a series is a meeting, not a {kind.value}; remove kind "
                                           "(or the repeat, and write each date as an event of its own)")
            if actual is not None or status == Status.DONE:
                self.problem(keys["actual" if actual is not None else "status"],
                             "a series is not done as a whole: record one occurrence with "
                             "timeline done ID@DAY (it goes under occurrences:)")
        if "occurrences" in keys:
            if "repeat" not in keys:
                self.problem(keys["occurrences"], "occurrences: only a series (an event with repeat:) has occurrences")
            else:
                get["occurrences"] = self.occurrences(keys["occurrences"])

        if "likely" in keys and dates is not None:
            get["likely"] = self.likely(keys["likely"], dates)

        if len(self.problems) > before or ident is None or title is None or dates is None:
            return None
        start, end, is_span, is_due = dates
        if kind is None:
            kind = (Kind.DEADLINE if is_due else Kind.MEETING if "repeat" in keys or length
                    else Kind.PHASE if is_span else Kind.MILESTONE)
        start, end, is_span, is_due = _lengthened(dates, length, kind, get.get("timezone") or self.zone)
        if kind == Kind.DEADLINE and is_span:
            self.problem(node, "a deadline is a single date; write due: DATE (or give kind: phase for a span)")
            return None
        # every None put in `get` came with a problem: here it holds values only
        line, col = node_at(node)
        return Event(
            id=ident, title=title, kind=kind, start=start, end=end, is_span=is_span, is_due=is_due,
            line=line, col=col,
            status=status, actual=actual, where=Positions.of(where, self.once), **get,
        )

    def dates(self, node: MappingNode, keys: dict[str, Node]) -> tuple[Any, Any, bool, bool] | None:
        """Exactly one of `when`, `start`+`end`, `due`."""
        has_span = "start" in keys or "end" in keys
        if ("when" in keys) + ("due" in keys) + has_span != 1:
            forms = [k for k in ("when", "due") if k in keys] + (["start/end"] if has_span else [])
            if not forms:
                self.problem(node, "event has no date; expected exactly one of 'when', 'start' and 'end', or 'due'")
                return None
            names = " and ".join(f"'{f}'" for f in forms)
            self.problem(_key_at(node, [k for k in ("due", "when", "start", "end") if k in keys][-1]),
                         f"event has both {names}; expected exactly one of 'when', 'start' and 'end', or 'due'")
            return None
        if "when" in keys:
            expr = self.date_expr(keys["when"], "when", point=False)
            if expr is None:
                return None
            if isinstance(expr, SpanExpr):
                if self._reversed(expr.start, expr.end):
                    self.problem(keys["when"], "when: the span ends before it starts; expected START/END with END on or after START")
                    return None
                return expr.start, expr.end, True, False
            return expr, expr, False, False
        if "due" in keys:
            expr = self.date_expr(keys["due"], "due", point=True)
            if expr is None:
                return None
            if isinstance(expr, Window):
                expr = Window(None, expr.latest, expr.approximate, expr.uncertain, None, expr.moment)
            return expr, expr, False, True
        missing = "end" if "end" not in keys else "start"
        if missing in ("start", "end") and missing not in keys:
            present = _key_at(node, "start" if missing == "end" else "end")
            self.problem(present, f"'{'start' if missing == 'end' else 'end'}' needs '{missing}': a span has both (an open side is written [2005-08..] or [..2005-07])")
            return None
        start = self.date_expr(keys["start"], "start", point=True)
        end = self.date_expr(keys["end"], "end", point=True)
        if start is None or end is None:
            return None
        if self._reversed(start, end):
            self.problem(keys["end"], f"end ({keys['end'].value}) is before start ({keys['start'].value}); expected an end on or after the start")
            return None
        return start, end, True, False

    def baseline(self, node: Node, length: timedelta | None, kind: Kind | None, zone: str) -> Baseline | None:
        """`baseline:`: the dates before the first move, in one of the date forms (a time
        lasts as long as the event does)."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"baseline must be a mapping of the dates before the first move, such as "
                               f"{{when: 2004-10}}, not {_kind_of(node)}")
            return None
        keys = self.mapping(node, BASELINE_KEYS, "a baseline")
        dates = self.dates(node, keys)
        if dates is None:
            return None
        if kind is None and length:
            kind = Kind.MEETING
        return Baseline(*_lengthened(dates, length, kind, zone))

    def repeat(self, node: Node) -> Repeat | None:
        """`repeat:`: every, on, until or count, skip."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"repeat must be a mapping such as {{every: week, until: 2027-06-30}}, not {_kind_of(node)}")
            return None
        before = len(self.problems)
        keys = self.mapping(node, REPEAT_KEYS, "a repeat")
        if "every" not in keys:
            self.problem(node, "repeat has no 'every'; expected day, week, month or year, such as every: week")
            return None
        every = self.converted(keys["every"], "repeat.every", parse_every)
        on: tuple[tuple[int, int], ...] = ()
        if "on" in keys:
            items = keys["on"].value if isinstance(keys["on"], SequenceNode) else [keys["on"]]
            days = [self.converted(item, "repeat.on", parse_on) for item in items]
            if None not in days:
                on = tuple(days)
                if len(set(on)) < len(on):
                    self.problem(keys["on"], "repeat.on: a day is named twice")
            if every is not None and any(nth for _, nth in on) and every[0] != "month":
                self.problem(keys["on"], f"repeat.on: the n-th weekday is for monthly repeats, not every {every[0]}; "
                                         "write a weekday such as tue")
        until: Window | RefExpr | None = None
        count: int | None = None
        if "until" in keys and "count" in keys:
            self.problem(keys["count"], "repeat has both 'until' and 'count'; expected one of them (or neither: it never ends)")
        elif "until" in keys:
            written = self.date_expr(keys["until"], "repeat.until", point=True)
            assert not isinstance(written, SpanExpr)  # point=True
            until = written
            if isinstance(until, Window) and (until.moment is not None or not until.is_day
                                              or until.approximate or until.uncertain):
                self.problem(keys["until"], "repeat.until: expected one day such as 2027-06-30, or an event's id")
        elif "count" in keys:
            count = self.converted(keys["count"], "repeat.count", _parse_count)
        skip: list[date] = []
        if "skip" in keys:
            items = keys["skip"].value if isinstance(keys["skip"], SequenceNode) else [keys["skip"]]
            skip = [d for item in items if (d := self.converted(item, "repeat.skip", iso_day)) is not None]
        if len(self.problems) > before or every is None:
            return None
        line, col = node_at(node)
        return Repeat(every[0], every[1], on, until, count, tuple(skip), line, col)

    def occurrences(self, node: Node) -> tuple[OccurrenceRecord, ...]:
        """`occurrences:`: what became of single occurrences, by the day the rule gives them."""
        if not isinstance(node, MappingNode):
            self.problem(node, "occurrences must be a mapping from the day an occurrence has to what became of it, "
                               f"such as {{2026-11-10: {{status: cancelled}}}}, not {_kind_of(node)}")
            return ()
        out: list[OccurrenceRecord] = []
        seen: dict[date, int] = {}
        for knode, vnode in node.value:
            day = self.converted(knode, "occurrences", iso_day)
            if day is None:
                continue
            if day in seen:
                self.problem(knode, f"occurrences: {day} is named twice (first at line {seen[day]})")
                continue
            seen[day] = node_at(knode)[0]
            if not isinstance(vnode, MappingNode):
                self.problem(vnode, f"occurrences: {day}: expected a mapping such as {{status: cancelled}} or "
                                    f"{{when: {day}T16:00}}, not {_kind_of(vnode)}")
                continue
            keys = self.mapping(vnode, OCCURRENCE_KEYS, "an occurrence")
            values: dict[str, Any] = {}
            if "when" in keys:
                values["when"] = self.date_expr(keys["when"], "when", point=True)
                w = values["when"]
                if w is not None and (not isinstance(w, Window) or not w.is_day or w.approximate or w.uncertain):
                    self.problem(keys["when"], "when: an occurrence moves to one day or one time, such as 2026-11-12T15:00")
                    values["when"] = None
            if "status" in keys:
                values["status"] = self.converted(keys["status"], "status", _parse_status)
                if values["status"] not in (None, Status.CANCELLED, Status.DONE):
                    self.problem(keys["status"], f"status: an occurrence is cancelled or done, not {values['status'].value}")
            if "actual" in keys:
                values["actual"] = self.date_expr(keys["actual"], "actual", point=False)
                if values["actual"] is not None and refers(values["actual"]):
                    self.problem(keys["actual"], "actual must be a date (what really happened), not a reference")
            if "note" in keys:
                values["note"] = self.text(keys["note"], "note")
            line, col = node_at(knode)
            out.append(OccurrenceRecord(day, **{k: v for k, v in values.items() if v is not None}, line=line, col=col))
        return tuple(out)

    @staticmethod
    def _reversed(start: Any, end: Any) -> bool:
        """True when two literal windows certainly put the end before the start."""
        if not (isinstance(start, Window) and isinstance(end, Window)):
            return False
        if start.moment is not None and end.moment is not None:
            if (start.moment.tzinfo is None) == (end.moment.tzinfo is None):
                return end.moment < start.moment
        return start.earliest is not None and end.latest is not None and end.latest < start.earliest

    def likely(self, node: Node, dates: tuple[Any, Any, bool, bool]) -> Window | None:
        """`likely:` the days most likely inside a point's or a deadline's own window (a day,
        a month, a range [a..b] or a span a/b)."""
        expr = self.date_expr(node, "likely", point=False)
        if expr is None:
            return None
        if isinstance(expr, SpanExpr) and isinstance(expr.start, Window) and isinstance(expr.end, Window):
            if expr.end.latest is None or expr.start.earliest is None or expr.end.latest < expr.start.earliest:
                self.problem(node, "likely: the window is empty (it ends before it starts); expected days inside "
                                   "the event's window, such as 2026-05 or 2026-05-10/2026-05-20")
                return None
            expr = Window(expr.start.earliest, expr.end.latest)
        if not isinstance(expr, Window) or expr.earliest is None or expr.latest is None:
            self.problem(node, "likely: expected days written out (a day, a month, [a..b] or a/b), not a reference "
                               "or an open window")
            return None
        start, _, is_span, is_due = dates
        if is_span or not isinstance(start, Window):
            self.problem(node, "likely: only an event at one date whose window is written out (when: or due:) has "
                               "likely days")
            return None
        lo, hi = start.earliest, start.latest
        if (lo is not None and expr.earliest < lo) or (hi is not None and expr.latest > hi):
            own = f"{lo or '..'}–{hi or '..'}"
            self.problem(node, f"likely: {expr.earliest}–{expr.latest} lies outside the event's window ({own}); "
                               "expected days inside it")
            return None
        return Window(expr.earliest, expr.latest)

    def owners(self, node: Node) -> tuple[str, ...] | None:
        """`owner:`: a name, or a list of names (people or bodies)."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        if not items:
            self.problem(node, "owner: expected a name, or a list of names such as [WGIG, secretariat]")
            return None
        out: list[str] = []
        for item in items:
            name = self.text(item, "owner")
            if name is None:
                return None
            if any(not c.isprintable() for c in name) or len(name) > MAX_OWNER or name != name.strip():
                self.problem(item, f"owner: {quote(name)} is not a name: expected printable text of at most "
                                   f"{MAX_OWNER} characters, without control characters or spaces at either end")
                return None
            if name.casefold() in (o.casefold() for o in out):
                self.problem(item, f"owner: {quote(name)} is named twice")
                return None
            out.append(self.once(name))
        return self.once(tuple(out))

    def tags(self, node: Node) -> tuple[str, ...] | None:
        """A list of tags."""
        if not isinstance(node, SequenceNode):
            self.problem(node, f"tags must be a list such as [wgig, wsis], not {_kind_of(node)}")
            return None
        return self.names(node.value, "tag", "bad tag {value}: expected lowercase letters, digits and - (tags name feed files)")


def _timed_point(dates: tuple[Any, Any, bool, bool]) -> bool:
    """True for dates written as one time (`when: 2026-05-05T15:00`)."""
    start, _, is_span, is_due = dates
    return isinstance(start, Window) and start.moment is not None and not is_span and not is_due


def _lengthened(
    dates: tuple[Any, Any, bool, bool], length: timedelta | None, kind: Kind | None, zone: str
) -> tuple[Any, Any, bool, bool]:
    """One time with a length (its `duration`, or a meeting's default) as a timed span: the
    end is exactly the length after the start (a local time is read in the calendar's zone,
    so a meeting across a clock change lasts what it says)."""
    if not _timed_point(dates) or (length is None and kind != Kind.MEETING):
        return dates
    start = dates[0]
    begin = start.moment if start.moment.tzinfo is not None else start.moment.replace(tzinfo=ZoneInfo(zone))
    try:
        moment = (begin.astimezone(UTC) + (length or DEFAULT_MEETING_LENGTH)).astimezone(begin.tzinfo)
    except OverflowError:
        return dates  # at the very end of 9999: the start alone (the resolver refuses such a time anyway)
    day = moment.date()
    return start, Window(day, day, moment=moment), True, False


def _key_at(node: MappingNode, key: str) -> tuple[int, int]:
    """(line, col) of the first `key` in a mapping node."""
    return next(node_at(k) for k, _ in node.value if isinstance(k, ScalarNode) and k.value == key)


def _kind_of(node: Node) -> str:
    """Describe a node's type for messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    if node.tag == BOOL:
        return f"the boolean {node.value}"
    return quote(node.value)


def _parse_updated(text: str) -> date | datetime:
    """A date or date-time for DTSTAMP."""
    try:
        if len(text.strip()) == 10:
            return date.fromisoformat(text.strip())
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"bad date {quote(text)}: expected a date 2005-07-18 or a date-time 2005-07-18T09:00:00Z") from None


def _parse_count(text: str) -> int:
    """A number of occurrences."""
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise ValueError(f"expected a whole number from 1 to {MAX_COUNT}, not {quote(text)}")
    return int(text)


def _parse_status(text: str) -> Status:
    try:
        return Status(text)
    except ValueError:
        raise ValueError(f"unknown status {quote(text)}; expected one of {', '.join(s.value for s in Status)}") from None


def _parse_kind(text: str) -> Kind:
    try:
        return Kind(text)
    except ValueError:
        raise ValueError(f"unknown kind {quote(text)}; expected one of {', '.join(k.value for k in Kind)}") from None
