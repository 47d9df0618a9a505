"""What a subscriber should see of each event, written from the rules as docs/feeds.md states
them, apart from `analysis.placement` and `render.ics`: the interop test holds the clients,
and so the code, to this.

- A timed event: from its start to its end (an instant when they are the same).
- A deadline not done: its due day.
- Exact days: those days.
- A window open on one side: one day at its known edge.
- Any other window: `span` its possible days, `start` its first, `end` its last; `quiet` as
  `span` when it covers at most a week, else a marker on its first day and one on its last
  (so too a phase's certain days over a week; a meeting's certain days stay).
- Titles: `Due: T` for a deadline not done, `T (cancelled)`, `T (LABEL, date to be set)` for a
  window, `T · window opens (LABEL, date to be set)` and `T · window closes (…)` for a long
  window's markers, `T · starts (LABEL)` and `T · ends (LABEL)` for a long phase's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from timeline.model import Kind, Status
from timeline.schedule import ResolvedEvent

WEEK = 7

Spot = tuple[date | datetime, date | datetime | None, str]
"""(first day or instant, the day after the last or the end instant (None: an instant), title)."""


def spots(e: ResolvedEvent, mode: str) -> list[Spot]:
    """Where one event appears in a feed of this window mode, with its titles."""
    title = e.title.replace("\n", " ")
    start, end = e.start, e.end
    if start.moment is not None and end.moment is not None:
        return [(start.moment, end.moment if end.moment > start.moment else None, _title(e, title, True))]
    if e.kind == Kind.DEADLINE and not e.done and end.latest is not None:
        return [_day(end.latest, end.latest, _title(e, title, True))]
    vague = start.approximate or start.uncertain or end.approximate or end.uncertain
    firm = start.is_day and end.is_day and not vague
    first, last = (start.earliest, end.latest)
    if firm:
        assert first is not None and last is not None
    elif first is None or last is None:
        edge = first or last or start.latest or end.earliest
        assert edge is not None
        return [_day(edge, edge, _title(e, title, False))]
    elif mode == "start":
        last = first
    elif mode == "end":
        first = last
    assert first is not None and last is not None
    long = (last - first).days + 1 > WEEK
    if mode == "quiet" and long and (not firm or e.kind == Kind.PHASE):
        opens, closes = ("starts", "ends") if firm else ("window opens", "window closes")
        return [_day(first, first, _title(e, title, firm, opens)), _day(last, last, _title(e, title, firm, closes))]
    return [_day(first, last, _title(e, title, firm))]


def _day(first: date, last: date, title: str) -> Spot:
    return first, (last + timedelta(days=1) if last < date.max else None), title


def _title(e: ResolvedEvent, title: str, firm: bool, marker: str = "") -> str:
    if e.status == Status.CANCELLED:
        return f"{title} (cancelled)"
    if e.kind == Kind.DEADLINE and not e.done:
        return f"Due: {title}"
    if marker:
        return f"{title} · {marker} ({e.label}{'' if firm else ', date to be set'})"
    return title if firm else f"{title} ({e.label}, date to be set)"
