"""Where each event lands in a calendar feed: which days (or times) an uncertain window
occupies, by the window mode. `render.ics` writes what is decided here; the interop test
holds seven clients to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from ..dates import day_after
from ..model import Kind
from ..schedule import ResolvedEvent


class WindowMode(str, Enum):
    """How an uncertain window becomes a calendar event (`calendar.windows`, `--windows`)."""

    QUIET = "quiet"
    """A window of possible days, or a phase's certain days, as a span when it is at most
    `SHORT_WINDOW` days, else as a marker on its first day and one on its last (the default:
    nothing fills a subscriber's calendar on every day of a long stretch; a long meeting's
    certain days stay, each a day of it)."""
    SPAN = "span"
    START = "start"
    END = "end"


SHORT_WINDOW = 7
"""The longest window (in days) that the quiet mode shows as one span."""


@dataclass(unsafe_hash=True, slots=True)
class Placement:
    """Where an event lands in a calendar."""

    start: date | datetime
    """DTSTART: a date (all-day) or an aware date-time."""
    end: date | datetime | timedelta | None
    """DTEND (exclusive for dates), a DURATION (an all-day event ending on 31 Dec 9999), or
    None for an instant."""
    firm: bool
    """False when the event only marks a window of possible days."""
    marker: str = ""
    """The quiet mode's markers: `opens` and `closes` on a window's first and last possible
    day, `starts` and `ends` on a long span's first and last day."""


def placements(e: ResolvedEvent, mode: WindowMode) -> list[Placement]:
    """Where an event lands: one placement, or (quiet mode, whole days longer than
    `SHORT_WINDOW`) a marker on the first day and one on the last."""
    placement = place(e, mode)
    first, after = placement.start, placement.end
    if (mode != WindowMode.QUIET or isinstance(first, datetime) or not isinstance(after, date)
            or (after - first).days <= SHORT_WINDOW or placement.firm and e.kind != Kind.PHASE):
        return [placement]  # a meeting's certain days are each a day of it: they stay
    last = after - timedelta(days=1)
    opens, closes = ("starts", "ends") if placement.firm else ("opens", "closes")
    return [Placement(first, first + timedelta(days=1), placement.firm, opens),
            Placement(last, after, placement.firm, closes)]


def place(e: ResolvedEvent, mode: WindowMode) -> Placement:
    """Decide DTSTART/DTEND for an event: exact days, times, the due day, or the window by
    `mode` (the quiet mode places it as `span` does; `placements` splits a long one)."""
    start, end = e.start, e.end
    if start.moment is not None and end.moment is not None:
        if end.moment.timestamp() > start.moment.timestamp():  # instants: 02:30 CET comes after 02:30 CEST
            return Placement(start.moment, end.moment, True)
        return Placement(start.moment, None, True)
    if e.kind == Kind.DEADLINE and not e.done and end.latest is not None:
        return _days(end.latest, end.latest, True)
    vague = start.approximate or start.uncertain or end.approximate or end.uncertain
    if start.is_day and end.is_day and not vague:
        return _days(start.earliest, end.latest, True)  # type: ignore[arg-type]
    first, last = start.earliest, end.latest
    if first is None or last is None:  # open-ended: one day at the known edge, never no DTSTART
        edge = first or last or start.latest or end.earliest
        assert edge is not None  # the date language has no window open on both sides
        return _days(edge, edge, False)
    if mode == WindowMode.START:
        return _days(first, first, False)
    if mode == WindowMode.END:
        return _days(last, last, False)
    return _days(first, last, False)


def _days(first: date, last: date, firm: bool) -> Placement:
    """An all-day placement from `first` to `last` inclusive (DTEND is the day after; on
    31 Dec 9999, which has none, the length is written as a DURATION instead)."""
    after = day_after(last)
    return Placement(first, after if after is not None else timedelta(days=(last - first).days + 1), firm)
