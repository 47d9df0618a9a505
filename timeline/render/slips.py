"""`timeline slips`: what kept to plan, what slipped, and by how much.

An actual date is compared with the *planned* window (the plan with no actual anywhere):
0 days when it falls inside, positive days after its latest day, negative before its
earliest. Events whose planned window has passed with no record (and that were not
cancelled) are listed too, because a tracker that forgets them flatters the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from ..model import Status
from ..resolve import ResolvedEvent, Schedule, slip
from .jsonout import actual_dict, bounds_dict, dumps
from .text import one_line, pad, text_width


class Verdict(str, Enum):
    """How an event fared against its plan."""

    ON_PLAN = "on-plan"
    LATE = "late"
    EARLY = "early"
    NO_RECORD = "no-record"


@dataclass(unsafe_hash=True, slots=True)
class Slip:
    """One event's record against its plan."""

    event: ResolvedEvent
    """The event."""
    verdict: Verdict
    """on-plan, late, early or no-record."""
    days: int | None
    """Slip in days (None for no-record)."""


@dataclass(frozen=True)
class SlipsOptions:
    """How to report slips."""

    json: bool = False
    """Machine-readable output."""


def find_slips(schedule: Schedule) -> list[Slip]:
    """Every event with an actual (as of the schedule's `today`), and every planned window
    passed with no record."""
    out = []
    as_of = schedule.today
    for e in schedule.events:
        if e.actual_recorded:
            days = slip(e.planned_start, e.start)
            verdict = Verdict.ON_PLAN if days == 0 else Verdict.LATE if days > 0 else Verdict.EARLY
            out.append(Slip(e, verdict, days))
        elif not e.done and e.status != Status.CANCELLED:
            last = e.planned_end.latest
            if last is not None and last < as_of:
                out.append(Slip(e, Verdict.NO_RECORD, None))
    return out


def summary_line(slips: Sequence[Slip]) -> str:
    """`5 on plan, 2 late by 11 and 40 days, 0 early, 3 with no record`."""
    def days_list(values: list[int]) -> str:
        values = sorted(values)
        if not values:
            return ""
        joined = values[0] if len(values) == 1 else ", ".join(map(str, values[:-1])) + f" and {values[-1]}"
        return f" by {joined} day{'s' if values != [1] else ''}"

    on = sum(1 for s in slips if s.verdict == Verdict.ON_PLAN)
    late = [s.days for s in slips if s.verdict == Verdict.LATE]
    early = [-s.days for s in slips if s.verdict == Verdict.EARLY]  # type: ignore[operator]
    none = sum(1 for s in slips if s.verdict == Verdict.NO_RECORD)
    return (f"{on} on plan, {len(late)} late{days_list(late)}, {len(early)} early{days_list(early)}"  # type: ignore[arg-type]
            f", {none} with no record")


def render_slips(schedule: Schedule, options: SlipsOptions = SlipsOptions()) -> str:
    """Each event against its plan, as text or JSON."""
    found = find_slips(schedule)
    return _json(schedule, found) if options.json else _text(found)


def _text(slips: Sequence[Slip]) -> str:
    """A table: verdict, days, plan, what happened, title; then the summary."""
    if not slips:
        return "Nothing to compare yet: no event has an actual date, and no planned window has passed.\n"
    rows = []
    for s in slips:
        days = "" if s.days is None else f"{s.days:+d}d" if s.days else "0d"
        happened = s.event.label if s.verdict != Verdict.NO_RECORD else "—"
        rows.append((s.verdict.value, days, s.event.planned_label, happened, one_line(s.event.title)))
    widths = [max(text_width(r[i]) for r in rows + [("verdict", "slip", "planned", "actual", "")]) for i in range(4)]
    head = ("verdict", "slip", "planned", "actual")
    lines = ["  ".join(pad(h, w) for h, w in zip(head, widths)) + "  event"]
    for r in rows:
        lines.append("  ".join(pad(c, w) for c, w in zip(r[:4], widths)) + "  " + r[4])
    lines.append(summary_line(slips))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _json(schedule: Schedule, slips: Sequence[Slip]) -> str:
    """`{"items": [{"id", "title", "planned": {"earliest", "latest"}, "actual": {"start", "end"}, "slip_days", "verdict"}]}`."""
    zone = schedule.zone
    items = []
    for s in slips:
        e = s.event
        items.append({
            "id": e.id, "title": e.title, "planned": bounds_dict(e.planned_start, e.planned_end, zone),
            "actual": actual_dict(e, zone),
            "slip_days": s.days, "verdict": s.verdict.value,
        })
    return dumps({"items": items})
