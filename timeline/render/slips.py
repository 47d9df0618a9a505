"""`timeline slips`: the verdicts of `analysis.slips`, as a table or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis.slips import Against, Slip, Verdict
from ..labels import span_label, window_label
from ..model import Status
from ..schedule import Schedule
from .jsonout import actual_dict, bounds_dict, dumps, iso_bound
from .text import one_line, pad, text_width


@dataclass(frozen=True)
class SlipsOptions:
    """How to report slips."""

    json: bool = False
    """Machine-readable output."""


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
    projected = [s.days for s in slips if s.verdict == Verdict.PROJECTED_LATE]
    more = f", {len(projected)} projected late{days_list(projected)} at least" if projected else ""  # type: ignore[arg-type]
    return (f"{on} on plan, {len(late)} late{days_list(late)}, {len(early)} early{days_list(early)}"  # type: ignore[arg-type]
            f", {none} with no record{more}")


def render_slips(schedule: Schedule, found: Sequence[Slip], options: SlipsOptions = SlipsOptions()) -> str:
    """Each event against its plans (`analysis.slips.find_slips` of the same schedule), as text or JSON."""
    return _json(schedule, found) if options.json else _text(found)


def _aside(s: Slip) -> str:
    """For a re-planned event, how it fared against the other plan: `(re-planned: by 11 Nov 2004, on plan)`."""
    if not s.event.replanned:
        return ""
    other = s.other
    name = "re-planned" if s.against == Against.BASELINE else "baseline"
    label = s.event.planned_label if s.against == Against.BASELINE else s.event.baseline_label
    if other is None:
        return f"  ({name}: {label}, not due yet)"
    days = "" if other.days is None or other.days == 0 else f" {other.days:+d}d"
    return f"  ({name}: {label}, {other.verdict.value.replace('-', ' ')}{days})"


def happened(s: Slip) -> str:
    """What happened, as the text shows it (`—` when nothing is recorded)."""
    if s.occurrence is not None and s.verdict != Verdict.NO_RECORD:
        actual = s.occurrence.actual
        if actual is None and s.occurrence.moved and s.days:  # judged against the rule's day: where it went
            return s.event.series.occurrence_label(s.occurrence) if s.event.series is not None else "moved"
        if actual is None:
            return "as planned"
        return span_label(*actual) if actual[0] != actual[1] else window_label(actual[0])
    return s.event.label if s.verdict not in (Verdict.NO_RECORD, Verdict.PROJECTED_LATE) else "—"


def _text(slips: Sequence[Slip]) -> str:
    """A table: verdict, days, plan, what happened, title; then the summary."""
    if not slips:
        return "Nothing to compare yet: no event has an actual date, and no planned window has passed.\n"
    rows = []
    for s in slips:
        days = "" if s.days is None else f"{s.days:+d}d" if s.days else "0d"
        if s.verdict == Verdict.PROJECTED_LATE:
            days = f"≥{s.days:+d}d"
        rows.append((s.verdict.value, days, s.chosen.label, happened(s), one_line(s.event.title) + _aside(s)))
    widths = [max(text_width(r[i]) for r in rows + [("verdict", "slip", "planned", "actual", "")]) for i in range(4)]
    head = ("verdict", "slip", "planned", "actual")
    lines = ["  ".join(pad(h, w) for h, w in zip(head, widths, strict=False)) + "  event"]
    for r in rows:
        lines.append("  ".join(pad(c, w) for c, w in zip(r[:4], widths, strict=False)) + "  " + r[4])
    lines.append(summary_line(slips))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _json(schedule: Schedule, slips: Sequence[Slip]) -> str:
    """`{"items": [{"id", "title", "planned": {"earliest", "latest"}, "actual": {"start", "end"},
    "slip_days", "verdict", "against", "replanned", "baseline": {...}, "current": {...}}]}`:
    `planned`, `slip_days` and `verdict` are against the plan `against` names; `baseline`
    and `current` give each (`planned`, `slip_days`, `verdict`; `verdict` null while
    nothing can be said yet); `planned_label` and `actual_label` are the labels the text
    shows; `occurrence`: for one occurrence of a series, the day the rule gives it (else null)."""
    zone = schedule.zone
    items = []
    for s in slips:
        e = s.event
        plans = {"baseline": (e.baseline_start, e.baseline_end, s.baseline), "current": (e.planned_start, e.planned_end, s.current)}
        chosen = plans[s.against.value]
        actual = actual_dict(e, zone)
        if s.occurrence is not None:
            o = s.occurrence
            chosen = plans[s.against.value] = plans["baseline"] = plans["current"] = (o.start, o.end, s.baseline)
            actual = None if o.status != Status.DONE else (
                {"start": iso_bound(o.start.earliest, o.start.moment, zone), "end": iso_bound(o.end.latest, o.end.moment, zone)}
                if o.actual is None else
                {"start": iso_bound(o.actual[0].earliest, None, zone), "end": iso_bound(o.actual[1].latest, None, zone)})
        item: dict[str, object] = {
            "id": e.id, "title": e.title, "planned": bounds_dict(chosen[0], chosen[1], zone),
            "actual": actual, "slip_days": s.days, "verdict": s.verdict.value,
            "against": s.against.value, "replanned": e.replanned,
            "planned_label": s.chosen.label, "actual_label": happened(s),
            "occurrence": s.occurrence.day.isoformat() if s.occurrence else None,
        }
        for name, (start, end, judgement) in plans.items():
            item[name] = {"planned": bounds_dict(start, end, zone),
                          "slip_days": judgement.days if judgement else None,
                          "verdict": judgement.verdict.value if judgement else None}
        items.append(item)
    return dumps({"items": items})
