"""`timeline slips`: what kept to plan, what slipped, and by how much.

An actual date is compared with the *planned* window (the plan with no actual anywhere):
0 days when it falls inside, positive days after its latest day, negative before its
earliest. Events whose planned window has passed with no record (and that were not
cancelled) are listed too, because a tracker that forgets them flatters the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from ..dates import Window, span_label, window_label
from ..model import Status
from ..repeats import Occurrence
from ..schedule import ResolvedEvent, Schedule, late_by, slip
from .jsonout import actual_dict, bounds_dict, dumps, iso_bound
from .text import one_line, pad, text_width


class Verdict(str, Enum):
    """How an event fared against its plan."""

    ON_PLAN = "on-plan"
    LATE = "late"
    EARLY = "early"
    NO_RECORD = "no-record"
    PROJECTED_LATE = "projected-late"
    """Not done yet, and what happened upstream already makes it late by at least `days`."""


class Against(str, Enum):
    """Which plan a verdict is measured against (`slips --against`)."""

    BASELINE = "baseline"
    CURRENT = "current"


@dataclass(frozen=True)
class Judgement:
    """An event against one plan."""

    verdict: Verdict
    """on-plan, late, early or no-record."""
    days: int | None
    """Slip in days (None for no-record)."""
    label: str
    """The plan's label."""


@dataclass(frozen=True)
class Slip:
    """One event's record against the baseline and against the current plan."""

    event: ResolvedEvent
    """The event."""
    baseline: Judgement | None
    """Against the plan before any move (None: nothing to say yet)."""
    current: Judgement | None
    """Against the plan as it stands (None: nothing to say yet)."""
    against: Against
    """Which one gives the verdict."""
    occurrence: Occurrence | None = None
    """The occurrence of a series judged (None: the event itself)."""

    @property
    def chosen(self) -> Judgement:
        """The judgement the verdict comes from."""
        judgement = self.baseline if self.against == Against.BASELINE else self.current
        assert judgement is not None
        return judgement

    @property
    def other(self) -> Judgement | None:
        """The judgement against the other plan."""
        return self.current if self.against == Against.BASELINE else self.baseline

    @property
    def verdict(self) -> Verdict:
        """The verdict against the chosen plan."""
        return self.chosen.verdict

    @property
    def days(self) -> int | None:
        """The slip in days against the chosen plan."""
        return self.chosen.days


@dataclass(frozen=True)
class SlipsOptions:
    """How to report slips."""

    json: bool = False
    """Machine-readable output."""
    against: Against = Against.BASELINE
    """The plan the verdict is measured against; the other is reported beside it."""
    occurrences: bool = False
    """Also list the past occurrences of series that have no record (`--occurrences`)."""


def judge(e: ResolvedEvent, start: Window, end: Window, label: str, as_of: date) -> Judgement | None:
    """An event against one plan's windows: its slip once done, no-record once the plan's
    window has passed, else None."""
    if e.actual_recorded:
        return _verdict(slip(start, e.start), label)
    if e.projected_by is not None:
        return Judgement(Verdict.PROJECTED_LATE, late_by((start, end), (e.start, e.end)) or 1, label)
    if not e.done and e.status != Status.CANCELLED and end.latest is not None and end.latest < as_of:
        return Judgement(Verdict.NO_RECORD, None, label)
    return None


def occurrence_slips(e: ResolvedEvent, as_of: date, against: Against, unrecorded: bool) -> list[Slip]:
    """A series' occurrences up to `as_of` that are recorded done (on plan, or late or early
    by their actual), and with `unrecorded` those that passed with no record; cancelled
    ones are not judged. The baseline of an occurrence is the day the rule gives it, the
    current plan where it was moved to: one reality gives one verdict against the rule,
    whether it was recorded as moved and done, or as done on another day (`--on`)."""
    series = e.series
    assert series is not None
    out = []
    for o in series.occurrences(e.start.earliest, as_of):
        label = series.occurrence_label(o)
        if o.status == Status.DONE and (o.actual is None or (o.actual[0].earliest or as_of) <= as_of):
            happened = o.actual[0] if o.actual is not None else o.start
            ruled, rule_label = o.start, label
            if o.moved:
                naive = datetime.combine(o.day, series.naive_first.time())
                ruled, rule_label = series.window(naive), series.occurrence_label(series.occurrence(naive, None))
            baseline, current = _verdict(slip(ruled, happened), rule_label), _verdict(slip(o.start, happened), label)
        elif unrecorded and o.status != Status.CANCELLED and o.end.latest is not None and o.end.latest < as_of:
            baseline = current = Judgement(Verdict.NO_RECORD, None, label)
        else:
            continue
        out.append(Slip(e, baseline, current, against, o))
    return out


def _verdict(days: int, label: str) -> Judgement:
    """On plan, late or early by `days`."""
    return Judgement(Verdict.ON_PLAN if days == 0 else Verdict.LATE if days > 0 else Verdict.EARLY, days, label)


def find_slips(schedule: Schedule, against: Against = Against.BASELINE, occurrences: bool = False) -> list[Slip]:
    """Every event with an actual (as of the schedule's `today`), and every event whose
    chosen plan has passed with no record, judged against both plans; of a series, its
    recorded occurrences (and with `occurrences`, those with no record too)."""
    out = []
    for e in schedule.events:
        if e.series is not None:
            out += occurrence_slips(e, schedule.today, against, occurrences)
            continue
        baseline = judge(e, e.baseline_start, e.baseline_end, e.baseline_label, schedule.today)
        current = baseline if not e.replanned else judge(e, e.planned_start, e.planned_end, e.planned_label, schedule.today)
        if (baseline if against == Against.BASELINE else current) is not None:
            out.append(Slip(e, baseline, current, against))
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
    projected = [s.days for s in slips if s.verdict == Verdict.PROJECTED_LATE]
    more = f", {len(projected)} projected late{days_list(projected)} at least" if projected else ""  # type: ignore[arg-type]
    return (f"{on} on plan, {len(late)} late{days_list(late)}, {len(early)} early{days_list(early)}"  # type: ignore[arg-type]
            f", {none} with no record{more}")


def render_slips(schedule: Schedule, options: SlipsOptions = SlipsOptions()) -> str:
    """Each event against its plans, as text or JSON."""
    found = find_slips(schedule, options.against, options.occurrences)
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
