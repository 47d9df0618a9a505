"""A simulation harness for the forecast's calibration (#25): random plans, realities drawn
from a stated model, the first half of each reality recorded, and the forecast as of that
day scored on the second half.

Two realities: one that follows the plan's windows (each date uniform in its window), and
one that runs late as real projects do (each date log-normally further from the plan's start
than a day of its window: median 1.1 times the distance, sigma 0.35, with a factor shared by
the events of one owner, as delays that share a cause are).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, UTC

from timeline.forecast import forecast
from timeline.pipeline import schedule_from_source
from timeline.schedule import Schedule
from timeline.source import Source

ORIGIN = date(2030, 1, 1)
OWNERS = ("board", "secretariat", "chair")


@dataclass(frozen=True)
class Planned:
    id: str
    lo: date
    hi: date
    deadline: bool
    owner: str
    after: str | None


def plan(rng: random.Random, n: int = 24) -> list[Planned]:
    """A plan of milestones and deadlines with windows of one to nine weeks, some after another."""
    out: list[Planned] = []
    for i in range(n):
        centre = ORIGIN + timedelta(days=30 + 18 * i + rng.randint(-10, 10))
        half = rng.randint(3, 30)
        after = out[-1].id if out and rng.random() < 0.3 and out[-1].hi < centre - timedelta(days=half) else None
        out.append(Planned(f"e{i}", centre - timedelta(days=half), centre + timedelta(days=half),
                           rng.random() < 0.25, rng.choice(OWNERS), after))
    return out


def reality(rng: random.Random, events: list[Planned], late: bool) -> dict[str, date]:
    """The day each event really happened."""
    shared = {o: rng.gauss(0, 0.35 * math.sqrt(0.5)) for o in OWNERS}
    out: dict[str, date] = {}
    for e in events:
        day = e.lo + timedelta(days=rng.randint(0, (e.hi - e.lo).days))
        if late:
            factor = math.exp(math.log(1.1) + shared[e.owner] + rng.gauss(0, 0.35 * math.sqrt(0.5)))
            day = ORIGIN + timedelta(days=round((day - ORIGIN).days * factor))
        if e.after is not None:
            day = max(day, out[e.after])
        out[e.id] = day
    return out


def yaml_of(events: list[Planned], recorded: dict[str, date]) -> str:
    """The events file: each event's window (a deadline's due day), and the recorded actuals."""
    lines = ["calendar:\n  timezone: UTC\nevents:\n"]
    for e in events:
        when = f"due: {e.hi}" if e.deadline else f"when: [{e.lo}..{e.hi}]"
        kind = "deadline" if e.deadline else "milestone"
        extra = f", after: {e.after}" if e.after else ""
        actual = f", actual: {recorded[e.id]}" if e.id in recorded else ""
        lines.append(f"  - {{id: {e.id}, title: {e.id}, kind: {kind}, {when}, owner: {e.owner}{extra}{actual}}}\n")
    return "".join(lines)


def midway(name: str, events: list[Planned], truth: dict[str, date]) -> tuple[Schedule, dict[str, date]]:
    """The plan as of the middle day of a reality, the first half recorded, and that half."""
    days = sorted(truth.values())
    as_of = days[len(days) // 2]
    recorded = {i: d for i, d in truth.items() if d < as_of}
    schedule = schedule_from_source(Source(name, yaml_of(events, recorded), None),
                                    datetime.combine(as_of, datetime.min.time(), UTC))
    return schedule, recorded


@dataclass
class Score:
    """Second-half events whose true day fell inside P10–P90, and deadlines by reported chance."""

    inside: int = 0
    scored: int = 0
    confident_deadlines: int = 0
    confident_met: int = 0

    @property
    def coverage(self) -> float:
        return self.inside / self.scored


def simulate(plans: int, late: bool, history: bool, seed: int = 1, runs: int = 2000) -> Score:
    """Score the forecast over `plans` random plans, each with one reality."""
    rng = random.Random(seed)
    score = Score()
    for k in range(plans):
        events = plan(rng)
        truth = reality(rng, events, late)
        schedule, recorded = midway(f"plan-{k}.yaml", events, truth)
        f = forecast(schedule, runs, seed + k, history=history)
        for e in schedule.events:
            if e.id in recorded:
                continue
            p10, p90 = f.percentiles(e.id, "end", [10, 90])
            score.scored += 1
            score.inside += p10 <= truth[e.id] <= p90
            met = f.met(e)
            if met is not None and met >= 0.99:
                score.confident_deadlines += 1
                score.confident_met += truth[e.id] <= e.planned_end.latest
    return score


def deadline_claims(plans: int, realities: int, late: bool, history: bool, seed: int = 3,
                    runs: int = 1000) -> list[tuple[float, float]]:
    """For each deadline of each plan: the share of realities in which it was met, and the
    highest chance any forecast (as of the middle of that reality, the first half recorded)
    reported for it while it was still ahead."""
    rng = random.Random(seed)
    out = []
    for k in range(plans):
        events = plan(rng)
        met: dict[str, list[bool]] = {e.id: [] for e in events if e.deadline}
        reported: dict[str, float] = {}
        for r in range(realities):
            truth = reality(rng, events, late)
            schedule, recorded = midway(f"plan-{k}.yaml", events, truth)
            f = forecast(schedule, runs, seed + r, history=history)
            for e in schedule.events:
                if e.id in met:
                    met[e.id].append(truth[e.id] <= e.planned_end.latest)
                    chance = f.met(e)
                    if e.id not in recorded and chance is not None:
                        reported[e.id] = max(reported.get(e.id, 0.0), chance)
        out += [(sum(m) / len(m), reported[i]) for i, m in met.items() if i in reported]
    return out
