"""Distances between days in words, the same in every view: "in 16 days", "4 months ago".

The wording is arrow's English. Below three weeks it is counted in days (arrow's "day"
granularity), up to six weeks in weeks ("week" granularity: "in 3 weeks"), beyond as
arrow's automatic wording says it, in calendar months and years (which would otherwise
call anything from 16 to 44 days "a month"). The rules are written out here rather than
asked of arrow: importing arrow took 10 of the 82 ms that `timeline upcoming` takes to
start (docs/performance.md), and tests/render/test_words.py holds them to arrow's own
`humanize` over generated days.
"""

from __future__ import annotations

from datetime import date

from ..labels import day_label
from ..repeats import Occurrence
from .text import one_line

_NAMED = {0: "today", 1: "tomorrow", -1: "yesterday"}
DAYS_BELOW = 21
"""Distances shorter than this many days are said in days."""
WEEKS_BELOW = 45
"""Distances shorter than this many days (and not in days) are said in weeks."""


def count(n: int, noun: str) -> str:
    """`1 event`, `24 events`: a number and its noun, singular for one."""
    return f"{n} {noun}" if abs(n) == 1 else f"{n} {noun}s"


def days(n: int) -> str:
    """`1 day`, `5 days`."""
    return count(n, "day")


def distance(a: date, b: date) -> str:
    """How far apart two days are, without a direction: `12 days`, `3 months`, `21 years`."""
    lo, hi = sorted((a, b))
    n = (hi - lo).days
    if n < DAYS_BELOW:
        return days(n)
    if n < WEEKS_BELOW:
        return count(n // 7, "week")
    if n < 365:
        months = _months(lo, hi)
        return "a month" if months == 1 else f"{months} months"
    return "a year" if n < 730 else f"{n // 365} years"


def _months(lo: date, hi: date) -> int:
    """Calendar months from `lo` to `hi`, a part of more than 14 days counted whole, at
    most 12 (as arrow counts them for a distance under a year)."""
    from dateutil.relativedelta import relativedelta

    apart = relativedelta(hi, lo)
    return min(apart.years * 12 + apart.months + (apart.days > 14), 12)


def humanize(day: date, today: date) -> str:
    """When `day` is, seen from `today`: `today`, `tomorrow`, `in 16 days`, `4 months ago`."""
    days = (day - today).days
    if days in _NAMED:
        return _NAMED[days]
    words = distance(today, day)
    return f"in {words}" if days > 0 else f"{words} ago"


def remark(o: Occurrence) -> str:
    """` (moved from 10 Nov 2026; holiday)`: what became of an occurrence, or nothing."""
    parts = [f"moved from {day_label(o.day)}"] if o.moved else []
    if o.note:
        parts.append(one_line(o.note))
    return f" ({'; '.join(parts)})" if parts else ""
