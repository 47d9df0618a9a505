"""`timeline list`: the schedule as text, Markdown, JSON or CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import Enum

from ..resolve import ResolvedEvent, Schedule
from .jsonout import actual_dict, dumps, window_dict
from .text import one_line, pad, printable, text_width


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


def render_list(schedule: Schedule, options: ListOptions = ListOptions()) -> str:
    """The schedule's events in one format."""
    return {
        ListFormat.TEXT: _text,
        ListFormat.MARKDOWN: _markdown,
        ListFormat.JSON: _json,
        ListFormat.CSV: _csv,
    }[options.format](schedule)


def _text(schedule: Schedule) -> str:
    """Aligned columns: window label, kind, status, title (indented under its phase), location."""
    events = schedule.events
    header = f"{schedule.calendar.name} · {len(events)} events · {schedule.calendar.timezone}"
    if not events:
        return header + "\n\nNo events match.\n"
    depth = schedule.depths
    label_w = max(text_width(e.label) for e in events)
    lines = [header, ""]
    for e in events:
        title = "  " * depth[e.id] + one_line(e.title)
        where = f"  @ {one_line(e.location)}" if e.location else ""
        lines.append(f"{pad(e.label, label_w)}  {e.kind.value:<9}  {e.status.value:<9}  {title}{where}".rstrip())
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def _markdown(schedule: Schedule) -> str:
    """A Markdown table."""
    depth = schedule.depths
    lines = [f"# {_md(schedule.calendar.name)}", "", "| When | Event | Kind | Status | Location |", "|---|---|---|---|---|"]
    for e in schedule.events:
        title = "↳ " * depth[e.id] + _md(e.title)
        lines.append(f"| {_md(e.label)} | {title} | {e.kind.value} | {e.status.value} | {_md(e.location or '')} |")
    return "\n".join(lines) + "\n"


def event_json(schedule: Schedule, e: ResolvedEvent) -> dict[str, object]:
    """The machine contract for one event (see docs/format.md)."""
    zone = schedule.zone
    return {
        "id": e.id,
        "title": e.title,
        "kind": e.kind.value,
        "status": e.status.value,
        "tags": list(e.tags),
        "label": e.label,
        "start": window_dict(e.start, zone),
        "end": window_dict(e.end, zone),
        "parent": e.parent,
        "source": e.event.source,
        "actual": actual_dict(e, zone),
        "slip_days": e.slip_days,
        "line": e.event.line,
        "location": e.location,
        "depends_on": sorted({ident for _, ident in e.event.refs()}),
        "planned": {
            "label": e.planned_label,
            "start": window_dict(e.planned_start, zone),
            "end": window_dict(e.planned_end, zone),
        },
    }


def _json(schedule: Schedule) -> str:
    """`{"calendar": {...}, "events": [...]}`."""
    cal = schedule.calendar
    return dumps({
        "calendar": {"name": cal.name, "timezone": cal.timezone, "domain": cal.domain},
        "events": [event_json(schedule, e) for e in schedule.events],
    })


CSV_COLUMNS = (
    "id", "title", "kind", "status", "label", "start_earliest", "start_latest", "end_earliest",
    "end_latest", "parent", "tags", "location", "actual_start", "actual_end", "slip_days", "source", "line",
)


def _csv(schedule: Schedule) -> str:
    """One row per event; tags joined with spaces; open bounds empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in schedule.events:
        j = event_json(schedule, e)
        actual = j["actual"] or {}
        writer.writerow([
            e.id, printable(e.title), e.kind.value, e.status.value, e.label,
            j["start"]["earliest"], j["start"]["latest"], j["end"]["earliest"], j["end"]["latest"],  # type: ignore[index]
            e.parent, " ".join(e.tags), e.location and printable(e.location),
            actual.get("start"), actual.get("end"), e.slip_days, e.event.source and printable(e.event.source),  # type: ignore[union-attr]
            e.event.line,
        ])
    return out.getvalue()
