"""`timeline upcoming`: what needs attention (`analysis.upcoming`), for a person and for a script."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..analysis.upcoming import Item, State, Upcoming
from ..labels import day_label
from ..model import Kind, Status
from ..schedule import Schedule
from .jsonout import dumps, window_dict
from .text import one_line, pad, text_width
from .words import days, humanize, remark


@dataclass(frozen=True)
class UpcomingOptions:
    """How `upcoming` says it."""

    json: bool = False
    """Machine-readable output."""


def render_upcoming(schedule: Schedule, found: Upcoming, options: UpcomingOptions = UpcomingOptions()) -> str:
    """What needs attention (`analysis.upcoming.find_upcoming` of the same schedule), as text or JSON."""
    if options.json:
        return _json(schedule, found.items, found.horizon)
    return _text(schedule, found.items, found.horizon)


def _label(item: Item) -> str:
    """The date or window shown for an item."""
    if item.state in (State.DUE, State.OVERDUE) and item.event.kind == Kind.DEADLINE:
        return f"by {day_label(item.date)}"
    if item.occurrence is not None and item.event.series is not None:
        return item.event.series.occurrence_label(item.occurrence)
    return item.event.label


def _text(schedule: Schedule, items: Sequence[Item], horizon: date) -> str:
    """One line per item, then a summary line; plain statements when nothing is listed."""
    as_of, events = schedule.today, schedule.events
    within = (horizon - as_of).days
    lines = []
    if items:
        label_w = max(text_width(_label(i)) for i in items)
        when_w = max(text_width(humanize(i.date, as_of)) for i in items)
        for i in items:
            where = f"  @ {one_line(i.event.location)}" if i.event.location else ""
            if i.event.owners:
                where += f"  [{', '.join(one_line(o) for o in i.event.owners)}]"
            if i.state == State.AT_RISK and i.event.projected_by is not None:
                where += f"  (at least {days(i.event.projected_by)} late: {i.event.projection})"
            elif i.state == State.AT_RISK:
                where += f"  (at risk: {i.event.at_risk})"
            title = one_line(i.event.title) + (remark(i.occurrence) if i.occurrence else "")
            lines.append(f"{i.state.value:<8}  {pad(_label(i), label_w)}  {pad(humanize(i.date, as_of), when_w)}  "
                         f"{title}{where}")
        counts = {s: sum(1 for i in items if i.state == s) for s in State}
        risk = f", {counts[State.AT_RISK]} at risk" if counts[State.AT_RISK] else ""
        lines.append(f"{counts[State.DUE]} due, {counts[State.ONGOING]} ongoing, "
                     f"{counts[State.STARTING]} starting, {counts[State.OVERDUE]} overdue{risk}")
    ahead = [e for e in events if e.status != Status.CANCELLED and not e.done and e.start.earliest is not None and e.start.earliest > horizon]
    last = max((d for e in events for d in (e.end.latest, e.start.earliest) if d is not None), default=None)
    endless = any(e.series is not None and e.end.latest is None for e in events)
    if not ahead and last is not None and last < as_of and not endless:
        lines.append(f"Nothing lies ahead: the whole schedule is in the past (its last day, {day_label(last)}, was {humanize(last, as_of)}).")
    elif not items:
        nxt = min(ahead, key=lambda e: e.start.earliest) if ahead else None  # type: ignore[arg-type, return-value]
        text = f"Nothing in the next {within} days"
        if nxt is not None:
            first = nxt.start.earliest
            assert first is not None
            text += f"; next: {one_line(nxt.title)}, {nxt.label} (from {day_label(first)}, {humanize(first, as_of)})"
        lines.append(text + ".")
    return "\n".join(lines) + "\n"


def _json(schedule: Schedule, items: Sequence[Item], horizon: date) -> str:
    """`{"as_of", "within_days", "items": [{"id", "title", "kind", "state", "date", "days", "label",
    "when", "start", "end", "location", "owners", "late_days", "why_late", "occurrence"}]}`: `label` is
    what the text shows (`by DAY` for a deadline), `when` the event's (or the occurrence's)
    label, `start` and `end` its windows (`{"earliest", "latest"}`, date-times with offsets
    for timed events), `late_days` and `why_late` say how late an at-risk item is and why
    (else null; an item at risk whose own window still holds has `late_days` null and
    `why_late` the risk), `occurrence` is the day the rule gives a series' occurrence (else null)."""
    as_of, zone = schedule.today, schedule.zone

    def item(i: Item) -> dict[str, object]:
        e, o = i.event, i.occurrence
        start, end = (o.start, o.end) if o is not None else (e.start, e.end)
        when = e.series.occurrence_label(o) if o is not None and e.series is not None else e.label
        return {"id": e.id, "title": e.title, "kind": e.kind.value, "state": i.state.value,
                "date": i.date.isoformat(), "days": i.days, "label": _label(i), "when": when,
                "start": window_dict(start, zone), "end": window_dict(end, zone), "location": e.location,
                "owners": list(e.owners),
                "late_days": e.projected_by if i.state == State.AT_RISK else None,
                "why_late": (e.projection or e.at_risk) if i.state == State.AT_RISK else None,
                "occurrence": o.day.isoformat() if o is not None else None}

    return dumps({"as_of": as_of.isoformat(), "within_days": (horizon - as_of).days, "items": [item(i) for i in items]})
