"""`timeline import`: events from an iCalendar file or a CSV file, as new events.

iCalendar (what any calendar exports): each VEVENT becomes an event, with its UID as the id
where it is a valid one (else an id made from the summary, reported), all-day and timed
values kept exactly, a time in another zone kept in that zone (`timezone:`), and a
recurrence written as `repeat:` where it fits the rules `repeat:` has (else refused, saying
what does not fit). A feed written by `timeline ics` is read with its own conventions:
`Due: ` titles are deadlines, `(…, date to be set)` titles are windows, the CATEGORIES give
kind and tags, and DESCRIPTION's first block (generated) is left out.

CSV (what a spreadsheet exports): a header row naming columns of `CSV_COLUMNS`, one event a
row, dates in the date language.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, UTC
from typing import Any

from .append import NewEvent, YamlText, suggest_id
from .edit import DATE_KEYS, EditRefused, events_by_id
from .dates import DateSyntaxError, RefExpr, length_text, parse_expr
from .errors import EventsFileError, Problem, RequestError, quote
from .feedtext import (
    CANCELLED, DUE, FIRST_MARKER_TITLE, FORMULA_STARTS, LAST_MARKER, OWNER_LINES, PRODID_PREFIX, WINDOW_TITLE,
)
from .model import Kind
from .repeats import ICAL_DAYS, WEEKDAYS
from .render.text import slug
from . import source as _source
from .values import ID_PATTERN, is_zone, parse_expr_or_none, web_url

CSV_COLUMNS = (
    "id", "title", "kind", "when", "start", "end", "due", "duration", "timezone", "after", "before", "parent",
    "tags", "location", "description", "url", "source", "warn", "status", "note", "owner", "likely",
)
"""The columns a CSV file may have (`title` and a date are required)."""
LISTED_COLUMNS = (
    "label", "start_earliest", "start_latest", "end_earliest", "end_latest", "actual_start", "actual_end",
    "slip_days", "line", "owners",
)
"""The other columns `list --format csv` writes: the resolved windows give the date when no
date column does, the actual and the owners come back, the rest (label, slip, line) is derived
and read past, so that a listing imports back."""
_LISTS = ("after", "before", "tags")
_FREQS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_ORDINAL_WORDS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an imported event was read: a CSV row (the line it starts on, and the column of
    each key) or an iCalendar VEVENT (the line of its BEGIN, and the words that name it)."""

    line: int
    columns: dict[str, int] = field(default_factory=dict)
    """CSV: each column's number, by name."""
    what: str = ""
    """iCalendar: `VEVENT 2 (UID 'x@y')`."""

    def column(self, key: str) -> int:
        """The column a key of the event came from (1 where it was derived)."""
        return self.columns.get(key) or self.columns.get(_FROM_COLUMN.get(key, ""), 0) or 1


_FROM_COLUMN = {"id": "title", "owner": "owners", "actual": "actual_start", "when": "start_earliest"}
"""The column a key comes from when no column has its name."""


@dataclass
class Imported:
    """What an import found."""

    events: list[NewEvent] = field(default_factory=list)
    """The events to add, in the order found."""
    updates: list[NewEvent] = field(default_factory=list)
    """Events the file has already (the same id, from the UID or the id column; or the same
    title and first day): what the source says of them now, to compare and update."""
    notes: list[str] = field(default_factory=list)
    """What was derived or skipped, for the report."""
    calendar: dict[str, str] = field(default_factory=dict)
    """Calendar settings the source states (for a new file): name, timezone, domain."""
    origins: dict[str, Origin] = field(default_factory=dict)
    """Where each event (new or updated) was read, by id."""


def read_import(name: str, data: bytes, calendar_zone: str, existing: dict[str, tuple[str, str]]) -> Imported:
    """Events from an iCalendar or CSV file's bytes (told apart by content); `existing` maps
    the ids of the events file to their (title, first day) so that duplicates are reported,
    not added."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RequestError(f"{name}: not UTF-8 text; expected an iCalendar (.ics) or CSV file") from None
    if text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return _from_ics(name, text, calendar_zone, existing)
    return _from_csv(name, text, existing, calendar_zone)


class _Ids:
    """Ids taken so far (the file's, and the import's own), and duplicate detection."""

    def __init__(self, existing: dict[str, tuple[str, str]], out: Imported) -> None:
        self.existing = existing
        self.taken = set(existing)
        self.seen: dict[tuple[str, str], str] = {(t.casefold(), d): i for i, (t, d) in existing.items()}
        self.updated: set[str] = set()
        self.out = out
        self.size = 0  # about the bytes the new events take as YAML

    def place(self, wanted: str | None, title: str, first_day: str, what: str) -> tuple[str, bool] | None:
        """The id for an event, and whether the events file has it already (None: a
        duplicate within the source, reported and skipped). The file's event is found by id
        first, then by title and first day."""
        same = self.seen.get((title.casefold(), first_day))
        if wanted is not None and wanted in self.existing and wanted not in self.updated:
            self.updated.add(wanted)
            return wanted, True
        if same is not None and same in self.existing and same not in self.updated \
                and (wanted is None or wanted not in self.existing):
            self.updated.add(same)
            return same, True
        if same is not None:
            self.out.notes.append(f"skipped {what}: it looks like {quote(same)} (same title and first day {first_day})")
            return None
        if wanted is not None and wanted in self.existing:
            self.out.notes.append(f"skipped {what}: {quote(wanted)} is updated from an earlier one already")
            return None
        if wanted is not None and ID_PATTERN.match(wanted) and not _date_like(wanted) and wanted not in self.taken:
            ident = wanted
        else:
            ident = suggest_id(title, self.taken)
            if wanted is not None:
                self.out.notes.append(f"{what}: {quote(wanted)} is not a usable id; imported as {quote(ident)}")
        self.taken.add(ident)
        self.seen[(title.casefold(), first_day)] = ident
        return ident, False

    def add(self, ident: tuple[str, bool] | None, event: list[tuple[str, Any]], origin: Origin) -> None:
        """File the event as new or as an update (nothing for a skipped one), and where it was
        read; what would not fit in an events file every command can read is refused as soon
        as it is known."""
        if ident is None:
            return
        self.out.origins[ident[0]] = origin
        new = NewEvent.of([("id", ident[0]), *event])
        self.size += sum(len(k) + len(v.encode()) + 6 for k, v in new.fields)
        if self.size > _source.MAX_BYTES:
            raise RequestError(f"the events imported would take more than {_source.MAX_BYTES:,} bytes, the limit every "
                               "command reads; nothing imported (import fewer at a time, into several files)")
        (self.out.updates if ident[1] else self.out.events).append(new)


def _date_like(text: str) -> bool:
    """True for an id a reference would read as a date (`2026-05`); one that reads as a
    reference to itself (`7kukuqrfedlm2f9t0qfhpkvbqc`, a Google UID) is fine."""
    expr = parse_expr_or_none(text) if text[0].isdigit() else None
    return expr is not None and not isinstance(expr, RefExpr)


# -- iCalendar ---------------------------------------------------------------------------------

def _from_ics(name: str, text: str, calendar_zone: str, existing: dict[str, tuple[str, str]]) -> Imported:
    from icalendar import Calendar

    try:
        feed = Calendar.from_ical(text)
    except (ValueError, AttributeError, TypeError, KeyError, IndexError) as e:  # icalendar's own, on malformed input
        raise RequestError(f"{name}: not a readable iCalendar file: {quote(str(e), 200)}") from None
    out = Imported()
    own = str(feed.get("PRODID", "")).startswith(PRODID_PREFIX)
    for key, setting in (("X-WR-CALNAME", "name"), ("X-WR-TIMEZONE", "timezone")):
        if feed.get(key):
            out.calendar[setting] = _unescape(str(feed.get(key)))
    if "timezone" in out.calendar:  # Google's name for the feed's zone; Outlook's may be a Windows one
        named = iana_zone(out.calendar["timezone"])
        if named is None:
            raise RequestError(f"{name}: X-WR-TIMEZONE: unknown time zone {quote(out.calendar['timezone'])}; "
                               "expected an IANA name such as Europe/Zurich, or a Windows one such as "
                               "W. Europe Standard Time")
        out.calendar["timezone"] = named
    named_zone = out.calendar.get("timezone")
    zone = out.calendar.get("timezone", calendar_zone)
    events = [c for c in feed.walk("VEVENT")]
    overrides: dict[str, list[Any]] = {}
    for ev in events:
        if ev.get("RECURRENCE-ID") is not None:
            overrides.setdefault(str(ev.get("UID", "")), []).append(ev)
    masters = {str(ev.get("UID", "")) for ev in events if ev.get("RECURRENCE-ID") is None}
    for number, ev in enumerate(events, 1):
        if ev.get("RECURRENCE-ID") is not None and str(ev.get("UID", "")) not in masters:
            out.notes.append(f"skipped VEVENT {number} (UID {quote(str(ev.get('UID', '')), 60)}): a changed occurrence "
                             "(RECURRENCE-ID) of a series that is not in the file")
    ids = _Ids(existing, out)
    last_days = {}
    if own:  # a quiet feed's marker on a long stretch's last day: `<id>.end@<domain>`
        for ev in events:
            marker = str(ev.get("UID", ""))
            if f"{LAST_MARKER}@" in marker and "DTSTART" in ev:
                last_days[marker.replace(f"{LAST_MARKER}@", "@", 1)] = ev.decoded("DTSTART")
    first_of: dict[str, int] = {}
    begins = _begins(text)
    for number, ev in enumerate(events, 1):
        if ev.get("RECURRENCE-ID") is not None or own and f"{LAST_MARKER}@" in str(ev.get("UID", "")):
            continue
        uid = str(ev.get("UID", "")) or None
        what = f"VEVENT {number}" + (f" (UID {quote(uid, 60)})" if uid else "")
        if uid is not None and first_of.setdefault(uid, number) != number:
            raise RequestError(f"{name}: {what}: the same UID as VEVENT {first_of[uid]}; a calendar has one event "
                               "a UID (a changed occurrence of a series carries a RECURRENCE-ID), so which one "
                               "is meant is unknown; nothing imported")
        if uid and "@" in uid and not out.calendar.get("domain"):
            out.calendar["domain"] = uid.rsplit("@", 1)[1]
        try:
            fields = _vevent(ev, own, zone, what, overrides.get(uid or "", []), last_days.get(uid or ""),
                             named_zone)
        except _Unknown as e:
            raise RequestError(f"{name}: {what}: {e}") from None
        except RequestError as e:  # a refusal of this VEVENT, which names it
            raise RequestError(f"{name}: {e}") from None
        except (OverflowError, ValueError, TypeError, KeyError, AttributeError) as e:
            # a value icalendar reads but no date can hold (a duration past 9999, a broken RRULE ...)
            raise RequestError(f"{name}: {what}: cannot be imported: {quote(str(e), 200)}") from None
        title = fields.pop("title")
        first_day = fields.pop("_first")
        wanted = uid.split("@", 1)[0] if uid else None
        line = begins[number - 1] if number <= len(begins) else 1
        ids.add(ids.place(wanted, title, first_day, what), [("title", title), *fields.items()], Origin(line, what=what))
    return out


def _begins(text: str) -> list[int]:
    """The line each VEVENT begins on, in order (a content line may be folded anywhere)."""
    out: list[int] = []
    logical, first = "", 0
    for number, line in enumerate(text.splitlines() + [""], 1):
        if line[:1] in (" ", "\t"):
            logical += line[1:]
            continue
        if logical.rstrip().upper() == "BEGIN:VEVENT":
            out.append(first)
        logical, first = line, number
    return out


def _vevent(ev: Any, own: bool, zone: str, what: str, overrides: list[Any], last_day: date | None = None,
            named_zone: str | None = None) -> dict[str, Any]:
    """One VEVENT's fields (and `title`, and `_first`: its first day); `last_day`: the day of
    the marker that closes it (a quiet feed of our own); `named_zone`: the zone the feed names
    (X-WR-TIMEZONE), which its times in UTC are read in."""
    summary = str(ev.get("SUMMARY", "")).strip() or "(no title)"
    categories = _categories(ev)
    kind = categories[0] if categories and categories[0] in {k.value for k in Kind} else None
    rest = categories[1 if kind else 0:]
    owners = _own_owners(str(ev.get("DESCRIPTION", "")), rest) if own else []
    tags = [c if ID_PATTERN.match(c) else slug(c) for c in rest[:len(rest) - len(owners)]]
    tags = [t for t in dict.fromkeys(tags) if t]  # `Team Meeting` as the tag team-meeting
    status = str(ev.get("STATUS", "")).upper()
    due = window = False
    label = ""
    if own:
        if summary.startswith(DUE):
            summary, due = summary[len(DUE):], True
        if summary.endswith(CANCELLED):
            summary = summary[: -len(CANCELLED)]
        marker = FIRST_MARKER_TITLE.match(summary) if last_day is not None else None
        match = WINDOW_TITLE.match(summary)
        if marker:
            summary, label, window = marker.group(1), marker.group(2), bool(marker.group(3))
        elif match:
            summary, label, window = match.group(1), match.group(2), True
    if "DTSTART" not in ev:
        raise RequestError(f"{what}: has no DTSTART; every event needs a date")
    if not isinstance(ev.decoded("DTSTART"), date):
        raise RequestError(f"{what}: DTSTART {quote(str(ev.get('DTSTART').to_ical().decode(errors='replace')), 60)} "
                           "is not a date or a date-time")
    start = _zoned(ev.decoded("DTSTART"), ev["DTSTART"], named_zone)
    end = _zoned(ev.decoded("DTEND"), ev["DTEND"], named_zone) if "DTEND" in ev else None
    if end is None and "DURATION" in ev:
        end = start + ev.decoded("DURATION")
    if last_day is not None and not isinstance(start, datetime):
        end = last_day + timedelta(days=1)
    fields: dict[str, Any] = {"title": summary}
    if isinstance(start, datetime):
        fields.update(_timed(start, end, zone, kind))
        first = start.date()
    else:
        last = (end - timedelta(days=1)) if isinstance(end, date) and end > start else start
        first = start
        if due:
            fields["due"] = last.isoformat()
        elif window and start == last and label.startswith(("by ", "until ")):  # open at the start: one day at its edge
            fields["when"] = f"[..{last}]"
        elif window and start == last and label.startswith("from "):
            fields["when"] = f"[{start}..]"
        elif window and kind == Kind.PHASE.value:
            fields["when"] = f"{start}/{last}"
        elif window or start == last:
            fields["when"] = start.isoformat() if start == last else f"[{start}..{last}]"
        else:
            fields["when"] = f"{start}/{last}"
    if "RRULE" in ev:
        fields["repeat"] = _repeat(ev, start, what, zone)
        if overrides:
            fields["occurrences"] = _overrides(overrides, start, zone, what)
        kind = None if kind == Kind.MEETING.value else kind
    keep_kind = kind and not (due and kind == Kind.DEADLINE.value)
    fields = {"title": fields.pop("title"), **({"kind": kind} if keep_kind else {}), **fields}
    if tags:
        fields["tags"] = tags
    if owners:
        fields["owner"] = owners
    if ev.get("LOCATION"):
        fields["location"] = str(ev.get("LOCATION"))
    if ev.get("URL"):
        try:
            fields["url"] = web_url(str(ev.get("URL")))
        except ValueError:
            pass  # only http and https addresses become links
    description, source = _description(str(ev.get("DESCRIPTION", "")), own)
    if description:
        fields["description"] = description
    if source:
        fields["source"] = source
    if status == "CANCELLED":
        fields["status"] = "cancelled"
    elif status == "TENTATIVE" and not own:
        fields["status"] = "tentative"
    fields["_first"] = first.isoformat()
    return fields


def _own_owners(description: str, categories: list[str]) -> list[str]:
    """The owners of an event of our own feed: the last CATEGORIES, as many as make the
    DESCRIPTION's `Owner:` (or `Owners:`) line when joined with commas."""
    line = next((x for x in description.replace("\r\n", "\n").split("\n\n")[0].split("\n")
                 if x.startswith(OWNER_LINES)), None)
    if line is None:
        return []
    text = line.split(": ", 1)[1]
    for n in range(1, len(categories) + 1):
        if ", ".join(categories[-n:]) == text:
            return categories[-n:]
    return []


def _unescape(text: str) -> str:
    """A TEXT value's escapes undone (icalendar leaves those of X- properties as written)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _categories(ev: Any) -> list[str]:
    found = ev.get("CATEGORIES")
    if found is None:
        return []
    items = found if isinstance(found, list) else [found]
    return [str(c) for item in items for c in getattr(item, "cats", [item])]


class _Unknown(ValueError):
    """Something in a VEVENT that cannot be read as it means (its message says what to do)."""


def iana_zone(name: str) -> str | None:
    """The IANA zone a feed's zone name means: itself when the zone database has it, else a
    Windows name (`W. Europe Standard Time`, what Outlook and Exchange write) through
    icalendar's table; None when neither knows it."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    name = name.strip().strip('"')
    return name if is_zone(name) else WINDOWS_TO_OLSON.get(name)


def _zoned(value: Any, prop: Any, feed_zone: str | None) -> Any:
    """A time in the zone its TZID names, as an IANA zone (a feed's own VTIMEZONE of a Windows
    name is read by its name, so that a weekly 14:00 stays 14:00 across clock changes); a
    time in UTC in a feed whose X-WR-TIMEZONE names a zone, in that zone."""
    from zoneinfo import ZoneInfo

    tzid = getattr(prop, "params", {}).get("TZID")
    if isinstance(value, datetime) and value.tzinfo is None and tzid:
        # icalendar found no VTIMEZONE of that name and knows no zone by it: the time's instant is unknown
        raise _Unknown(f"its time zone {quote(str(tzid), 80)} (TZID) is neither an IANA zone nor a Windows zone "
                         "with a known IANA one, and the file has no VTIMEZONE for it; export the calendar with "
                         "its time zones, or write an IANA name such as Europe/Zurich in its place")
    if not isinstance(value, datetime) or value.tzinfo is None:
        return value
    if tzid and not getattr(value.tzinfo, "key", None) and (iana := iana_zone(str(tzid))) is not None:
        return value.replace(tzinfo=ZoneInfo(iana))
    if not tzid and value.utcoffset() == timedelta(0) and feed_zone not in (None, "UTC"):
        return value.astimezone(ZoneInfo(feed_zone))
    return value


def _timed(start: datetime, end: Any, zone: str, kind: str | None) -> dict[str, Any]:
    """`when` (a time, in the calendar's zone, its own zone, or UTC) and `duration` or `end`."""
    fields: dict[str, Any] = {}
    key = getattr(start.tzinfo, "key", None)
    if start.tzinfo is None or key == zone:
        fields["when"] = _clock(start)
    elif key and key != "UTC":
        fields["when"] = _clock(start)
        fields["timezone"] = key
    else:
        fields["when"] = _clock(start.astimezone(UTC)) + "Z"
    if isinstance(end, datetime) and end > start:
        length = end.astimezone(UTC) - start.astimezone(UTC) if start.tzinfo else end - start
        if length <= timedelta(days=31):
            fields["duration"] = length_text(length)
        else:
            fields["start"] = fields.pop("when")
            same = end.astimezone(start.tzinfo) if start.tzinfo else end
            fields["end"] = _clock(same) + ("Z" if fields["start"].endswith("Z") else "")
    elif kind == Kind.MEETING.value:
        fields["duration"] = "1min"  # an instant meeting: the shortest length there is
    return fields


def _clock(moment: datetime) -> str:
    return f"{moment.date().isoformat()}T{moment:%H:%M}" + (f":{moment:%S}" if moment.second else "")


def _repeat(ev: Any, start: date, what: str, zone: str) -> YamlText:
    """The `repeat:` of an RRULE (as flow YAML text), or a refusal saying what does not fit."""
    rule = ev.get("RRULE")
    if isinstance(rule, list):
        raise RequestError(f"{what}: has {len(rule)} RRULEs, and repeat: is one rule; add it as separate events, "
                           "one a rule")
    parts = {k.upper(): v for k, v in rule.items()}
    unknown = sorted(set(parts) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT", "WKST"})
    freq = str(parts.get("FREQ", [""])[0]).upper()
    if unknown or freq not in _FREQS:
        why = f"its {', '.join(unknown)}" if unknown else f"FREQ={freq or '(none)'}"
        raise RequestError(f"{what}: RRULE {quote(rule.to_ical().decode(), 120)} cannot be written as repeat: "
                           f"({why} has no equivalent there; repeat: has FREQ, INTERVAL, BYDAY, UNTIL and COUNT); "
                           "add it as separate events, or write its repeat: by hand")
    interval = int(parts.get("INTERVAL", [1])[0])
    week_start = str(parts.get("WKST", ["MO"])[0]).upper()
    if week_start != "MO" and freq == "WEEKLY" and interval > 1 and len(parts.get("BYDAY", [])) > 1:
        raise RequestError(f"{what}: RRULE WKST={week_start} cannot be written as repeat: (its weeks start on "
                           "Monday, and with several days every few weeks the start of the week decides which "
                           "days go together); add it as one series a day, or write its repeat: by hand")
    out = [f"every: {_every(freq, interval)}"]
    days = []
    for day in parts.get("BYDAY", []):
        m = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", str(day).upper())
        nth = int(m.group(1)) if m and m.group(1) else 0
        if not m or nth not in _ORDINAL_WORDS and nth != 0 or nth and freq != "MONTHLY":
            raise RequestError(f"{what}: RRULE BYDAY={day} cannot be written as repeat: (the n-th weekday is for "
                               "monthly rules, 1st to 5th or last)")
        days.append((f"{_ORDINAL_WORDS[nth]} " if nth else "") + WEEKDAYS[ICAL_DAYS.index(m.group(2))])
    if days:
        out.append("on: " + (days[0] if len(days) == 1 else "[" + ", ".join(days) + "]"))
    if "UNTIL" in parts:
        until = parts["UNTIL"][0]
        if isinstance(until, datetime):
            local = until if until.tzinfo is None else until.astimezone(getattr(start, "tzinfo", None) or UTC)
            until = local.date()
        out.append(f"until: {until.isoformat()}")
    if "COUNT" in parts:
        out.append(f"count: {int(parts['COUNT'][0])}")
    skips = sorted({_local_day(d.dt, start) for x in _list(ev.get("EXDATE")) for d in x.dts})
    if skips:
        out.append("skip: [" + ", ".join(d.isoformat() for d in skips) + "]")
    return YamlText("{" + ", ".join(out) + "}")


def _every(freq: str, interval: int) -> str:
    unit = _FREQS[freq]
    return unit if interval == 1 else f"{interval} {unit}s"


def _list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _local_day(value: date, start: date) -> date:
    """The day of a recurrence's date or time in the series' own zone."""
    if isinstance(value, datetime) and isinstance(start, datetime) and value.tzinfo and start.tzinfo:
        return value.astimezone(start.tzinfo).date()
    return value.date() if isinstance(value, datetime) else value


def _overrides(overrides: list[Any], start: date, zone: str, what: str) -> YamlText:
    """`occurrences:` from RECURRENCE-ID overrides: moved, or cancelled."""
    entries = []
    for ov in sorted(overrides, key=lambda o: str(o.get("RECURRENCE-ID").to_ical())):
        if str(ov["RECURRENCE-ID"].params.get("RANGE", "")).upper() == "THISANDFUTURE":
            raise RequestError(f"{what}: a changed occurrence with RANGE=THISANDFUTURE (it and every later one changed) "
                               "cannot be written as occurrences:; split the series in the calendar first")
        day = _local_day(ov.decoded("RECURRENCE-ID"), start)
        if str(ov.get("STATUS", "")).upper() == "CANCELLED":
            entries.append(f"{day}: {{status: cancelled}}")
            continue
        new = ov.decoded("DTSTART")
        if isinstance(new, datetime) and isinstance(start, datetime) and new.tzinfo and start.tzinfo:
            new = new.astimezone(start.tzinfo)
        entries.append(f"{day}: {{when: {_clock(new) if isinstance(new, datetime) else new.isoformat()}}}")
    return YamlText("{" + ", ".join(entries) + "}")


def _description(text: str, own: bool) -> tuple[str | None, str | None]:
    """The description and source of a DESCRIPTION (a feed of our own: its first block is
    generated; a block `Source: ...` is the source)."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return None, None
    if not own:
        return text, None
    blocks = text.split("\n\n")[1:]
    source = next((b[len("Source: "):] for b in blocks if b.startswith("Source: ")), None)
    rest = "\n\n".join(b for b in blocks if not b.startswith("Source: ")).strip()
    return rest or None, source


# -- CSV ---------------------------------------------------------------------------------------

def _uncell(text: str) -> str:
    """A cell as written before `list --format csv` guarded it against spreadsheets running
    it as a formula (`'=SUM(…)` was `=SUM(…)`)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _bound(text: str, zone: str) -> str:
    """A bound as `list --format csv` writes it (a day, or a time with its offset) as the date
    language reads it: a time in the calendar's zone."""
    if "T" not in text:
        return text
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return f"{datetime.fromisoformat(text).astimezone(ZoneInfo(zone)):%Y-%m-%dT%H:%M}"


def _span_text(lo: str, hi: str) -> str | None:
    """`2026-05-05`, `[2026-05-01..2026-05-31]`, `[..2026-05-31]`, `[2026-05-01..]`, or None."""
    if lo and lo == hi:
        return lo
    if lo or hi:
        return f"[{lo}..{hi}]"
    return None


def _listed_dates(cells: dict[str, str], zone: str) -> list[tuple[str, str]]:
    """The date keys of a row of `list --format csv`, from its resolved windows and actual."""
    s_lo, s_hi, e_lo, e_hi = (_bound(cells.get(k, ""), zone) for k in
                              ("start_earliest", "start_latest", "end_earliest", "end_latest"))
    out: list[tuple[str, str]] = []
    if cells.get("kind") == "deadline" and s_hi == e_hi and e_hi:  # a deadline is its due day
        out.append(("due", e_hi))
    elif (s_lo, s_hi) == (e_lo, e_hi):
        if (when := _span_text(s_lo, s_hi)) is not None:
            out.append(("when", when))
    elif (start := _span_text(s_lo, s_hi)) is not None and (end := _span_text(e_lo, e_hi)) is not None:
        out += [("start", start), ("end", end)]
    a, b = (_bound(cells.get(k, ""), zone) for k in ("actual_start", "actual_end"))
    if a:
        out.append(("actual", a if not b or b == a else f"{a}/{b}"))
    return out


MAX_PROBLEMS = 100
"""Problems an import reports before it stops reading."""


def _csv_rows(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """Each row of a CSV text with the line it starts on, one at a time; a malformed one is a
    located problem."""
    reader = csv.reader(io.StringIO(text))
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as e:
        raise EventsFileError([Problem(name, start, 1, f"not a readable CSV file: {quote(str(e), 120)}")]) from None


def _from_csv(name: str, text: str, existing: dict[str, tuple[str, str]], zone: str = "UTC") -> Imported:
    # any line ends (Excel's "CSV (Macintosh)" writes CR alone); a cell as long as the file may be
    csv.field_size_limit(max(len(text), 131_072))
    rows = _csv_rows(name, text.replace("\r\n", "\n").replace("\r", "\n"))  # read as they are used
    first = next(rows, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise EventsFileError([Problem(name, 1, 1, "the CSV file has no header row; expected columns such as "
                                                   "id,title,when,kind,tags")])
    header = [cell.strip().lower() for cell in first[1]]
    problems = []
    for col, column in enumerate(header, 1):
        if column in header[:col - 1]:
            problems.append(Problem(name, 1, col, f"the column {quote(column)} again (first in column "
                                                  f"{header.index(column) + 1}); expected each column once"))
    for col, column in enumerate(header, 1):
        if column not in CSV_COLUMNS and column not in LISTED_COLUMNS:
            problems.append(Problem(name, 1, col, f"unknown column {quote(column)}; expected some of "
                                                  f"{', '.join(CSV_COLUMNS)} (or the columns of list --format csv)"))
    if "title" not in header:
        problems.append(Problem(name, 1, 1, "the CSV file has no 'title' column; every event has a title"))
    if problems:
        raise EventsFileError(problems)
    out = Imported()
    ids = _Ids(existing, out)
    columns = {column: i for i, column in enumerate(header, 1)}
    for number, row in rows:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(name, number, 1, f"more than {MAX_PROBLEMS} problems; the rest of the file is not read"))
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            problems.append(Problem(name, number, len(header) + 1, f"{len(row)} cells where the header names "
                                                                    f"{len(header)} columns; expected one cell a column"))
            continue
        cells = {column: _uncell(row[i].strip() if i < len(row) else "") for i, column in enumerate(header)}
        listed = _listed_dates(cells, zone) if not any(cells.get(k) for k in DATE_KEYS) else []
        cells.update((key, value) for key, value in listed if key in DATE_KEYS)
        if cells.get("owners") and not cells.get("owner"):
            cells["owner"] = cells["owners"]
        for key in DATE_KEYS:
            if cells.get(key):
                try:
                    parse_expr(cells[key])
                except DateSyntaxError as e:
                    problems.append(Problem(name, number, header.index(key) + 1, f"{key}: {e}"))
        title = cells.get("title", "")
        if not title:
            problems.append(Problem(name, number, header.index("title") + 1, "empty title; every event has a title"))
            continue
        written = next((cells[k] for k in DATE_KEYS if cells.get(k)), "")
        window = parse_expr_or_none(written) if written else None
        first = getattr(window, "earliest", None) or getattr(getattr(window, "start", None), "earliest", None)
        ident = ids.place(cells.get("id") or None, title, first.isoformat() if first else written, f"row {number}")
        pairs: list[tuple[str, Any]] = [("title", title)]
        for key in CSV_COLUMNS[2:]:
            value = cells.get(key, "")
            if key == "owner" and value:
                pairs.append((key, [o.strip() for o in value.split(";") if o.strip()]))
            elif value:
                pairs.append((key, re.split(r"[,\s]+", value.strip(", ")) if key in _LISTS else value))
        pairs += [(key, value) for key, value in listed if key == "actual"]
        ids.add(ident, pairs, Origin(number, columns))
    if problems:
        raise EventsFileError(problems)
    return out


def yaml_items(events: Iterable[NewEvent]) -> str:
    """The events as the block items `import --dry-run` prints."""
    lines = []
    for e in events:
        for i, (key, value) in enumerate(e.fields):
            lines.append(f"{'  - ' if i == 0 else '    '}{key}: {value}")
    return "\n".join(lines) + ("\n" if lines else "")


def new_file_text(imported: Imported, events: Iterable[NewEvent]) -> str:
    """An events file holding the imported events, with the calendar settings the source states."""
    from .yamltext import yaml_scalar

    lines = []
    settings = [(k, imported.calendar[k]) for k in ("name", "timezone", "domain") if imported.calendar.get(k)]
    if settings:
        lines.append("calendar:")
        lines += [f"  {k}: {yaml_scalar(v)}" for k, v in settings]
    lines.append("events:")
    return "\n".join(lines) + "\n" + yaml_items(events)


def relocated(refused: EditRefused, imported: Imported, name: str) -> EditRefused:
    """An import's refusal said where the user can act on it: a problem in an imported event
    at the CSV row and column (or the VEVENT) it came from, and the events named in its
    message likewise; a problem elsewhere in the file as the file would be."""
    if not refused.text or not imported.origins:
        return refused
    # each imported event's place in the text: (first, last) (line, column), where it came
    # from, and where each of its keys begins
    where: list[tuple[tuple[int, int], tuple[int, int], Origin, list[tuple[tuple[int, int], str]]]] = []
    try:
        nodes = events_by_id(_source.compose(_source.Source(refused.path, refused.text, None)))
    except EventsFileError:  # not even YAML: said as it is
        return refused
    for ident, node in nodes.items():
        if ident in imported.origins:
            keys = [((k.start_mark.line + 1, k.start_mark.column + 1), str(k.value)) for k, _ in node.value]
            where.append(((node.start_mark.line + 1, node.start_mark.column + 1),
                          (node.end_mark.line + 1, node.end_mark.column + 1), imported.origins[ident], keys))
    where.sort(key=lambda w: w[0])
    starts = [w[0] for w in where]

    def origin_of(line: int, col: int) -> tuple[Origin, str] | None:
        at = (line, col)
        i = bisect_right(starts, at) - 1
        if i < 0 or at > where[i][1]:
            return None
        _, _, origin, keys = where[i]
        return origin, max((k for k in keys if k[0] <= at), default=((0, 0), "id"))[1]

    def at(origin: Origin, key: str) -> str:
        return f"{name}:{origin.line}:{origin.column(key)}" if not origin.what else f"{name}:{origin.line}:1: {origin.what}"

    def named(message: str) -> str:  # `'f' (events.yaml:13)` → `'f' (rows.csv:6)`
        def one(m: re.Match[str]) -> str:
            origin = imported.origins.get(m.group(1))
            return f"'{m.group(1)}' ({name}:{origin.line})" if origin else m.group(0)
        return re.sub(rf"'([^'\s]+)' \({re.escape(refused.path)}:\d+\)", one, message)

    ours, theirs = [], []
    for p in refused.problems:
        found = origin_of(p.line, p.col)
        if found is None:
            theirs.append(f"{p.file}:{p.line}:{p.col}: {named(p.message)} (line numbers of {p.file} as they would be)")
        else:
            ours.append((found[0].line, f"{at(*found)}: {named(p.message)}"))
    said = [text for _, text in sorted(ours, key=lambda o: o[0])] + theirs
    return EditRefused(refused.path, refused.problems, refused.new, refused.text, said, "import")
