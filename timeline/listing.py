"""`timeline list`: the schedule as text, Markdown, JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from enum import Enum

from .model import Kind, Status
from .resolve import ResolvedEvent, Schedule
from .serialize import Encoded, actual_dict, dumps, json_string, window_dict, window_json
from .textwidth import one_line, pad, text_width


class ListFormat(str, Enum):
    """Output formats of `timeline list`."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    CSV = "csv"


def render_list(schedule: Schedule, events: Sequence[ResolvedEvent], fmt: ListFormat) -> str:
    """Render the selected events of a schedule in one format."""
    return {
        ListFormat.TEXT: render_text,
        ListFormat.MARKDOWN: render_markdown,
        ListFormat.JSON: render_json,
        ListFormat.CSV: render_csv,
    }[fmt](schedule, events)


def _depths(events: Sequence[ResolvedEvent]) -> dict[str, int]:
    """Indentation of each shown event: how many of its ancestors are shown too."""
    shown = {e.id: e for e in events}
    out = {}
    for e in events:
        depth, parent = 0, e.event.parent
        while parent in shown and depth < len(shown):
            depth += 1
            parent = shown[parent].event.parent
        out[e.id] = depth
    return out


def render_text(schedule: Schedule, events: Sequence[ResolvedEvent]) -> str:
    """Aligned columns: window label, kind, status, title (indented under its phase), location."""
    header = f"{schedule.calendar.name} · {len(events)} events · {schedule.calendar.timezone}"
    if not events:
        return header + "\n\nNo events match.\n"
    depth = _depths(events)
    label_w = max(text_width(e.label) for e in events)
    lines = [header, ""]
    for e in events:
        title = "  " * depth[e.id] + one_line(e.event.title)
        where = f"  @ {one_line(e.event.location)}" if e.event.location else ""
        lines.append(f"{pad(e.label, label_w)}  {e.kind.value:<9}  {e.status.value:<9}  {title}{where}".rstrip())
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def render_markdown(schedule: Schedule, events: Sequence[ResolvedEvent]) -> str:
    """A Markdown table."""
    depth = _depths(events)
    lines = [f"# {_md(schedule.calendar.name)}", "", "| When | Event | Kind | Status | Location |", "|---|---|---|---|---|"]
    for e in events:
        title = "↳ " * depth[e.id] + _md(e.event.title)
        lines.append(f"| {_md(e.label)} | {title} | {e.kind.value} | {e.status.value} | {_md(e.event.location or '')} |")
    return "\n".join(lines) + "\n"


def event_json(schedule: Schedule, e: ResolvedEvent) -> dict[str, object]:
    """The machine contract for one event (see docs/format.md)."""
    zone = schedule.zone
    return {
        "id": e.id,
        "title": e.event.title,
        "kind": e.kind.value,
        "status": e.status.value,
        "tags": list(e.event.tags),
        "label": e.label,
        "start": window_dict(e.start, zone),
        "end": window_dict(e.end, zone),
        "parent": e.event.parent,
        "source": e.event.source,
        "actual": actual_dict(e, zone),
        "slip_days": e.slip_days,
        "line": e.event.line,
        "location": e.event.location,
        "planned": {
            "label": e.planned_label,
            "start": window_dict(e.planned_start, zone),
            "end": window_dict(e.planned_end, zone),
        },
    }


_KINDS = {kind: json_string(kind.value) for kind in Kind}
_STATUSES = {status: json_string(status.value) for status in Status}


def event_json_text(schedule: Schedule, e: ResolvedEvent) -> Encoded:
    """`event_json` as JSON text, written directly: the text `json` writes for it (tests
    hold the two equal) at a third of the cost, which is most of `list --format json`."""
    zone = schedule.zone
    ev = e.event
    actual = actual_dict(e, zone)
    actual_text = "null" if actual is None else f'{{"start": {json_string(actual["start"])}, "end": {json_string(actual["end"])}}}'
    slip = "null" if e.slip_days is None else str(e.slip_days)
    start = window_json(e.start, zone)
    end = start if e.end is e.start else window_json(e.end, zone)
    # the plan is usually the very same windows: their text is written once
    planned_start = start if e.planned_start is e.start else window_json(e.planned_start, zone)
    planned_end = end if e.planned_end is e.end else window_json(e.planned_end, zone)
    label = json_string(e.label)
    return Encoded(
        f'{{"id": {json_string(ev.id)}, "title": {json_string(ev.title)}, "kind": {_KINDS[ev.kind]}, '
        f'"status": {_STATUSES[e.status]}, "tags": [{", ".join(map(json_string, ev.tags))}], '
        f'"label": {label}, "start": {start}, "end": {end}, '
        f'"parent": {json_string(ev.parent)}, "source": {json_string(ev.source)}, "actual": {actual_text}, '
        f'"slip_days": {slip}, "line": {ev.line}, "location": {json_string(ev.location)}, '
        f'"planned": {{"label": {label if e.planned_label is e.label else json_string(e.planned_label)}, '
        f'"start": {planned_start}, "end": {planned_end}}}}}'
    )


def render_json(schedule: Schedule, events: Sequence[ResolvedEvent]) -> str:
    """`{"calendar": {...}, "events": [...]}`."""
    cal = schedule.calendar
    return dumps({
        "calendar": {"name": cal.name, "timezone": cal.timezone, "domain": cal.domain},
        "events": [event_json_text(schedule, e) for e in events],
    })


CSV_COLUMNS = (
    "id", "title", "kind", "status", "label", "start_earliest", "start_latest", "end_earliest",
    "end_latest", "parent", "tags", "location", "actual_start", "actual_end", "slip_days", "source", "line",
)


def render_csv(schedule: Schedule, events: Sequence[ResolvedEvent]) -> str:
    """One row per event; tags joined with spaces; open bounds empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        j = event_json(schedule, e)
        actual = j["actual"] or {}
        writer.writerow([
            e.id, e.event.title, e.kind.value, e.status.value, e.label,
            j["start"]["earliest"], j["start"]["latest"], j["end"]["earliest"], j["end"]["latest"],  # type: ignore[index]
            e.event.parent, " ".join(e.event.tags), e.event.location,
            actual.get("start"), actual.get("end"), e.slip_days, e.event.source, e.event.line,  # type: ignore[union-attr]
        ])
    return out.getvalue()
