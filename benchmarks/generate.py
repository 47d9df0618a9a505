"""Realistic events files of any size, for the benchmarks.

A mix like a long-running process: phases with uncertain edges, meetings in "one of"
windows, deadlines with `after:` references, approximate dates, timed meetings in a
European zone, references with shifts, tags. Deterministic for a given size.
"""

from __future__ import annotations

import random
from datetime import date, timedelta


def events_yaml(n: int, seed: int = 2004) -> str:
    """An events file with `n` events that `timeline check` accepts."""
    rng = random.Random(seed)
    start = date(2004, 1, 1)
    days = max(365, n // 3)  # about three events a day at the largest sizes
    lines = [
        "calendar:",
        f"  name: Benchmark ({n} events)",
        "  domain: bench.example.org",
        "  timezone: Europe/Zurich",
        "  updated: 2005-01-01",
        "events:",
    ]
    phase = None
    for i in range(n):
        day = start + timedelta(days=i * days // n)
        tags = rng.sample(["wgig", "wsis", "prepcom", "report", "meeting", "board"], 2)
        kind = i % 10
        lines.append(f"  - id: e{i}")
        lines.append(f"    title: Event {i} of the benchmark, with a title of ordinary length")
        if kind == 0:
            end = day + timedelta(days=rng.randint(30, 120))
            lines.append("    kind: phase")
            lines.append(f"    start: {day:%Y-%m}")
            lines.append(f"    end: {end:%Y-%m}")
            phase = i
        elif kind in (1, 2):
            other = day + timedelta(days=31)
            lines.append("    kind: meeting")
            lines.append(f"    when: [{day:%Y-%m}, {other:%Y-%m}]")
        elif kind == 3 and i > 5:
            lines.append(f"    due: {day + timedelta(days=60):%Y-%m-%d}")
            lines.append(f"    after: e{i - 5}")
        elif kind == 4:
            lines.append(f"    when: {day:%Y-%m}~")
        elif kind == 5:
            lines.append("    kind: meeting")
            lines.append(f"    start: {day:%Y-%m-%d}T09:30")
            lines.append(f"    end: {day:%Y-%m-%d}T17:00")
            lines.append("    location: Palais des Nations, Geneva")
        elif kind == 6 and i > 1:
            lines.append(f"    when: e{i - 1}.end + {rng.randint(1, 20)}d")
        elif kind == 7:
            lines.append(f"    when: {day:%Y-%m-%d}/{day + timedelta(days=2):%Y-%m-%d}")
            lines.append("    status: confirmed")
        elif kind == 8:
            lines.append(f"    when: [{day:%Y-%m}..]")
            if i < n // 2:
                lines.append(f"    actual: {day + timedelta(days=3):%Y-%m-%d}")
        else:
            lines.append(f"    when: {day:%Y-%m-%d}")
        if phase is not None and kind != 0 and i - phase < 10:
            lines.append(f"    parent: e{phase}")
        lines.append(f"    tags: [{', '.join(tags)}]")
        lines.append('    source: "Quoted from the minutes, paragraph 3"')
    return "\n".join(lines) + "\n"


def taskjuggler_project(n: int) -> str:
    """The same number of milestones as a TaskJuggler project with an iCalendar report."""
    start = date(2004, 1, 1)
    days = max(365, n // 3)
    out = [f'project bench "Benchmark" 2003-12-01 - {start + timedelta(days=days + 400):%Y-%m-%d} {{', "  timezone \"Europe/Zurich\"", "}"]
    for i in range(n):
        day = start + timedelta(days=i * days // n)
        out.append(f'task m{i} "Event {i}" {{ start {day:%Y-%m-%d} milestone }}')
    out.append('icalreport "bench" { }')
    return "\n".join(out) + "\n"


def milestones_yaml(n: int) -> str:
    """`n` one-day milestones, the same ones as `taskjuggler_project(n)`."""
    days = max(365, n // 3)
    out = ["calendar: {name: Milestones, domain: bench.example.org, timezone: Europe/Zurich, updated: 2005-01-01}", "events:"]
    for i in range(n):
        day = date(2004, 1, 1) + timedelta(days=i * days // n)
        out.append(f"  - {{id: m{i}, title: Event {i}, when: {day}}}")
    return "\n".join(out) + "\n"


def series_yaml(n: int, years: int = 10) -> str:
    """`n` weekly series over `years` years (about 52 * years occurrences each), half in the
    calendar's zone and half in New York time, each with two skipped weeks, a moved and a
    cancelled occurrence, and a done one; and a milestone after each."""
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    first = date(2026, 1, 5)  # a Monday
    last = date(2026 + years, 1, 4)
    out = ["calendar: {name: Series, domain: bench.example.org, timezone: Europe/Zurich, updated: 2026-01-01}", "events:"]
    for i in range(n):
        day = first + timedelta(days=i % 5)
        zone = "\n    timezone: America/New_York" if i % 2 else ""
        hour = 9 + i % 8
        skip = ", ".join(str(day + timedelta(weeks=w)) for w in (50, 51))
        out += [
            f"  - id: s{i}",
            f"    title: Call {i}",
            f"    when: {day}T{hour:02d}:00{zone}",
            "    duration: 45min",
            f"    repeat: {{every: week, on: {weekdays[i % 5]}, until: {last}, skip: [{skip}]}}",
            "    occurrences:",
            f"      {day + timedelta(weeks=3)}: {{when: {day + timedelta(weeks=3, days=1)}T{hour:02d}:00}}",
            f"      {day + timedelta(weeks=7)}: {{status: cancelled}}",
            f"      {day + timedelta(weeks=1)}: {{status: done}}",
            f"  - {{id: after-s{i}, title: After {i}, when: s{i}.end + 1d}}",
        ]
    return "\n".join(out) + "\n"
