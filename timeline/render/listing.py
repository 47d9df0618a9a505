"""`timeline list`: the schedule as text, Markdown, JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..dates import shift_within
from ..feedtext import FORMULA_STARTS
from ..repeats import Occurrence
from ..schedule import ResolvedEvent, Schedule
from .jsonout import actual_dict, iso_bound, json_chunks, window_dict
from .text import one_line, pad, printable, text_width
from .words import count, remark


class ListFormat(str, Enum):
    """Output formats of `timeline list`."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class ListOptions:
    """How to list the schedule."""

    format: ListFormat = ListFormat.TEXT
    """Output format."""
    start: date | None = None
    """`--from`: with it or `stop`, each series lists its occurrences in the range."""
    stop: date | None = None
    """`--to`."""

    @property
    def ranged(self) -> bool:
        """True when a range was asked for (series then list their occurrences)."""
        return self.start is not None or self.stop is not None


ENDLESS_LOOK = 1
"""Years of occurrences listed for a series that never ends when only `--from` is given."""


def occurrences_in(e: ResolvedEvent, options: ListOptions) -> tuple[list[Occurrence], bool]:
    """A series' occurrences in the asked range, and whether more follow (a series that
    never ends, listed without `--to`: a year of them)."""
    assert e.series is not None
    stop, more = options.stop, False
    if stop is None and e.end.latest is None:
        stop, more = shift_within(options.start or e.start.earliest, ENDLESS_LOOK, "y"), True  # type: ignore[arg-type]
    return e.series.occurrences(options.start, stop), more


def render_list(schedule: Schedule, options: ListOptions = ListOptions()) -> str:
    """The schedule's events in one format."""
    return "".join(list_chunks(schedule, options))


def list_chunks(schedule: Schedule, options: ListOptions = ListOptions()) -> Iterator[str]:
    """The text of `render_list` in pieces: JSON an event at a time (see `json_chunks`); the
    other formats, a line a few dozen bytes long an event, whole."""
    if options.format is ListFormat.JSON:
        return _json(schedule, options)
    return iter(({
        ListFormat.TEXT: _text,
        ListFormat.MARKDOWN: _markdown,
        ListFormat.CSV: _csv,
    }[options.format](schedule, options),))


def _rows(schedule: Schedule, options: ListOptions) -> list[tuple[ResolvedEvent, int, str, str, str]]:
    """(event, depth, label, status, title) of each line: every event, and under a series,
    with a range asked for, its occurrences in it."""
    depth = schedule.depths
    rows = []
    for e in schedule.events:
        rows.append((e, depth[e.id], e.label, e.status.value, one_line(e.title)))
        if e.series is not None and options.ranged:
            found, more = occurrences_in(e, options)
            rows += [(e, depth[e.id] + 1, e.series.occurrence_label(o), o.status.value,
                      one_line(e.title) + remark(o)) for o in found]
            if more:
                rows.append((e, depth[e.id] + 1, "…", "", "and more: the series never ends (give --to)"))
    return rows


def _text(schedule: Schedule, options: ListOptions) -> str:
    """Aligned columns: window label, kind, status, title (indented under its phase), location."""
    events = schedule.events
    header = f"{schedule.calendar.name} · {count(len(events), 'event')} · {schedule.calendar.timezone}"
    if not events:
        return header + "\n\nNo events match.\n"
    rows = _rows(schedule, options)
    label_w = max(text_width(label) for _, _, label, _, _ in rows)
    lines = [header, ""]
    for e, depth, label, status, title in rows:
        where = f"  @ {one_line(e.location)}" if e.location else ""
        if e.owners and depth == schedule.depths[e.id]:  # on the event's line, not its occurrences'
            where += f"  [{', '.join(one_line(o) for o in e.owners)}]"
        lines.append(f"{pad(label, label_w)}  {e.kind.value:<9}  {status:<9}  {'  ' * depth}{title}{where}".rstrip())
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def _markdown(schedule: Schedule, options: ListOptions) -> str:
    """A Markdown table."""
    lines = [f"# {_md(schedule.calendar.name)}", "", "| When | Event | Kind | Status | Location | Owner |",
             "|---|---|---|---|---|---|"]
    for e, depth, label, status, title in _rows(schedule, options):
        owners = _md(", ".join(e.owners))
        lines.append(f"| {_md(label)} | {'↳ ' * depth}{_md(title)} | {e.kind.value} | {status} | {_md(e.location or '')} | {owners} |")
    return "\n".join(lines) + "\n"


def event_json(schedule: Schedule, e: ResolvedEvent, options: ListOptions = ListOptions()) -> dict[str, object]:
    """The machine contract for one event (see docs/format.md)."""
    zone = schedule.zone
    out: dict[str, object] = {
        "id": e.id,
        "title": e.title,
        "kind": e.kind.value,
        "status": e.status.value,
        "tags": list(e.tags),
        "owners": list(e.owners),
        "label": e.label,
        "start": window_dict(e.start, zone),
        "end": window_dict(e.end, zone),
        "parent": e.parent,
        "source": e.event.source,
        "actual": actual_dict(e, zone),
        "slip_days": e.slip_days,
        "line": e.event.line,
        "location": e.location,
        "description": e.event.description,
        "url": e.event.url,
        "note": e.event.note,
        "timezone": e.event.timezone,
        "depends_on": sorted({ident for _, ident in e.event.refs()}),
        "planned": {
            "label": e.planned_label,
            "start": window_dict(e.planned_start, zone),
            "end": window_dict(e.planned_end, zone),
        },
        "repeat": None,
        "overdue": e.overdue,
        "projected_by": e.projected_by,
        "projection": e.projection,
        "at_risk": e.at_risk,
    }
    if e.series is not None:
        found = occurrences_in(e, options)[0] if options.ranged else None
        out["repeat"] = {
            "rule": e.series.words(),
            "rrule": e.series.ical(),
            "occurrences": None if found is None else [
                {"day": o.day.isoformat(), "label": e.series.occurrence_label(o), "status": o.status.value,
                 "moved": o.moved, "note": o.note, "start": iso_bound(o.start.earliest, o.start.moment, zone),
                 "end": iso_bound(o.end.latest, o.end.moment, zone)}
                for o in found
            ],
        }
    return out


def _json(schedule: Schedule, options: ListOptions) -> Iterator[str]:
    """`{"calendar": {...}, "events": [...]}`, in pieces."""
    cal = schedule.calendar
    return json_chunks({
        "calendar": {"name": cal.name, "timezone": cal.timezone, "domain": cal.domain},
        "events": (event_json(schedule, e, options) for e in schedule.events),
    })


def _cell(text: str) -> str:
    """A text cell that a spreadsheet shows as text: one that would begin a formula gets a
    leading `'` (the import takes it off again)."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_COLUMNS = (
    "id", "title", "kind", "status", "label", "start_earliest", "start_latest", "end_earliest",
    "end_latest", "parent", "tags", "location", "actual_start", "actual_end", "slip_days", "source", "line", "owners",
)


def _csv(schedule: Schedule, options: ListOptions) -> str:
    """One row per event; tags joined with spaces; open bounds empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in schedule.events:
        start, end = window_dict(e.start, schedule.zone), window_dict(e.end, schedule.zone)
        actual = actual_dict(e, schedule.zone) or {}
        writer.writerow([
            e.id, _cell(e.title), e.kind.value, e.status.value, e.label,
            start["earliest"], start["latest"], end["earliest"], end["latest"],
            e.parent, " ".join(e.tags), e.location and _cell(e.location),
            actual.get("start"), actual.get("end"), e.slip_days, e.event.source and _cell(e.event.source),
            e.event.line, _cell("; ".join(printable(o) for o in e.owners)),
        ])
    return out.getvalue()
