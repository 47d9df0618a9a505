"""What kept to plan, what slipped, and by how much.

An actual date is compared with the *planned* window (the plan with no actual anywhere):
0 days when it falls inside, positive days after its latest day, negative before its
earliest. Events whose planned window has passed with no record (and that were not
cancelled) are listed too, because a tracker that forgets them flatters the plan; events
that what happened pushed past their window are projected late. `render.slips` says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from ..dates import Window
from ..model import Status
from ..repeats import Occurrence
from ..schedule import ResolvedEvent, Schedule, late_by, slip


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
