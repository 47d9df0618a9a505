"""`timeline diff`: the changes of `analysis.changes`, as text, Markdown or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from ..analysis.changes import FIELDS, Change
from ..schedule import Schedule
from .jsonout import dumps
from .text import one_line


class DiffFormat(str, Enum):
    """Output formats of `timeline diff`."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(frozen=True)
class DiffOptions:
    """What to compare the schedule with, and how to say it."""

    old: Schedule
    """The earlier version."""
    format: DiffFormat = DiffFormat.TEXT
    """Output format."""


def _shift_text(change: Change) -> str:
    shift = change.shift()
    if not shift or not any(shift.values()):
        return ""
    parts = [f"{bound} {days:+d}d" for bound, days in shift.items() if days]
    return " (" + ", ".join(parts) + ")"


def _line(change: Change) -> tuple[str, str]:
    """What happened, and to what: `moved`, `composition: by 31 Oct 2004 → by 11 Nov 2004 (end +11d)`."""
    old, new = change.old, change.new
    if old is None:
        return "added", f"{change.id}: {new.label}  {one_line(new.title)}"  # type: ignore[union-attr]
    if new is None:
        return "removed", f"{change.id}: {old.label}  {one_line(old.title)}"
    parts = []
    what = change.what()
    if "moved" in what or "done" in what:
        text = f"{old.label} → {'done: ' if 'done' in what else ''}{new.label}{_shift_text(change)}"
        if old.label == new.label and "done" not in what:
            text += " (" + ", ".join(change.bounds()) + ")"
        parts.append(text)
    if "re-planned" in what:
        text = f"plan {old.planned_label} → {new.planned_label}{_shift_text(change)}"
        if old.planned_label == new.planned_label:
            text += " (the plan's windows moved)"
        parts.append(text)
    if "retitled" in what:
        parts.append(f"title {one_line(old.title)!r} → {one_line(new.title)!r}")
    if "re-statused" in what:
        parts.append(f"status {old.status.value} → {new.status.value}")
    for name in FIELDS:
        if name in what:
            a, b = change.field(name)
            parts.append(f"{name} {one_line(a or 'none')!r} → {one_line(b or 'none')!r}")
    if "occurrences" in what:
        parts.append("occurrences: " + ", ".join(change.occurrence_changes()))
    return ", ".join(what), f"{change.id}: " + "; ".join(parts)


def render_diff(schedule: Schedule, found: Sequence[Change], options: DiffOptions) -> str:
    """What changed from `options.old` to `schedule` (`analysis.changes.changes` of the two)."""
    if options.format == DiffFormat.JSON:
        return dumps({"old": options.old.path, "new": schedule.path, "changes": [
            {"id": c.id, "what": c.what(), "old": c.old and c.old.label, "new": c.new and c.new.label,
             "shift_days": c.shift(), "old_title": c.old and c.old.title, "new_title": c.new and c.new.title,
             "old_status": c.old and c.old.status.value, "new_status": c.new and c.new.status.value,
             "fields": {name: dict(zip(("old", "new"), c.field(name), strict=False)) for name in FIELDS if name in c.what()},
             "occurrences": c.occurrence_changes() if "occurrences" in c.what() else [],
             "bounds": c.bounds() if "moved" in c.what() else []}
            for c in found]})
    rows = [_line(c) for c in found]
    if options.format == DiffFormat.MARKDOWN:
        lines = [f"**{options.old.path}** → **{schedule.path}**: {len(found)} changed", ""]
        if rows:
            lines += ["| change | event |", "|---|---|"] + [f"| {what} | {text.replace('|', chr(92) + '|')} |" for what, text in rows]
        return "\n".join(lines) + "\n"
    if not rows:
        return f"{options.old.path} → {schedule.path}: nothing changed\n"
    width = max(len(what) for what, _ in rows)
    return "\n".join(f"{what:<{width}}  {text}" for what, text in rows) + "\n"
