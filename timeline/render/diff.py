"""`timeline diff`: what changed between two versions of a plan, window by window.

Both versions are resolved, so a change is a change of the windows an event may fall in,
not of the text: an event moved by a reference moves here too. For each event in both,
the days each bound moved (earliest and latest of the whole event), a new title or a new
status; events only in one version are added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..resolve import ResolvedEvent, Schedule
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


@dataclass(frozen=True)
class Change:
    """How one event differs between the versions."""

    id: str
    """The event's id."""
    kind: str
    """`added`, `removed` or `changed`."""
    old: ResolvedEvent | None
    """The event before (None: added)."""
    new: ResolvedEvent | None
    """The event after (None: removed)."""

    def shift(self) -> dict[str, int | None] | None:
        """Days each bound moved, earliest and latest of the start and end windows (None when
        either is open): of the windows now when they moved, else of the plan."""
        if self.old is None or self.new is None:
            return None
        old, new = self.old, self.new
        if (old.start, old.end) == (new.start, new.end):
            pairs = ((old.planned_start, new.planned_start), (old.planned_end, new.planned_end))
        else:
            pairs = ((old.start, new.start), (old.end, new.end))
        return {f"{side} {which}": _days(getattr(a, which), getattr(b, which))
                for side, (a, b) in zip(("start", "end"), pairs) for which in ("earliest", "latest")}

    def what(self) -> list[str]:
        """What changed: `moved` (the windows an event may fall in now), `re-planned` (its
        plan, when what happened kept it where it was), `retitled`, `re-statused`."""
        if self.old is None or self.new is None:
            return [self.kind]
        out = []
        if (self.old.start, self.old.end) != (self.new.start, self.new.end):
            out.append("moved")
        elif (self.old.planned_start, self.old.planned_end) != (self.new.planned_start, self.new.planned_end):
            out.append("re-planned")
        if self.old.title != self.new.title:
            out.append("retitled")
        if self.old.status != self.new.status:
            out.append("re-statused")
        return out


def _days(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else (b - a).days


def changes(old: Schedule, new: Schedule) -> list[Change]:
    """Every event added, removed or changed, in the new schedule's order (removed ones last)."""
    before = {e.id: e for e in old.events}
    after = {e.id: e for e in new.events}
    out = []
    for e in new.events:
        if e.id not in before:
            out.append(Change(e.id, "added", None, e))
        else:
            change = Change(e.id, "changed", before[e.id], e)
            if change.what():
                out.append(change)
    out += [Change(e.id, "removed", e, None) for e in old.events if e.id not in after]
    return out


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
    if "moved" in change.what():
        parts.append(f"{old.label} → {new.label}{_shift_text(change)}")
    if "re-planned" in change.what():
        parts.append(f"plan {old.planned_label} → {new.planned_label}{_shift_text(change)}")
    if "retitled" in change.what():
        parts.append(f"title {one_line(old.title)!r} → {one_line(new.title)!r}")
    if "re-statused" in change.what():
        parts.append(f"status {old.status.value} → {new.status.value}")
    return ", ".join(change.what()), f"{change.id}: " + "; ".join(parts)


def render_diff(schedule: Schedule, options: DiffOptions) -> str:
    """What changed from `options.old` to `schedule`."""
    found = changes(options.old, schedule)
    if options.format == DiffFormat.JSON:
        return dumps({"old": options.old.path, "new": schedule.path, "changes": [
            {"id": c.id, "what": c.what(), "old": c.old and c.old.label, "new": c.new and c.new.label,
             "shift_days": c.shift(), "old_title": c.old and c.old.title, "new_title": c.new and c.new.title,
             "old_status": c.old and c.old.status.value, "new_status": c.new and c.new.status.value}
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
