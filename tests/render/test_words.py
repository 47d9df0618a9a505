"""Distances in words: one wording for every view, arrow's."""

from __future__ import annotations

from datetime import date, timedelta

import arrow
import pytest
from hypothesis import assume, given, strategies as st

from timeline.render.words import DAYS_BELOW, WEEKS_BELOW, distance, humanize

BASE = date(2005, 3, 1)


@pytest.mark.parametrize("days, text", [
    (0, "today"), (1, "tomorrow"), (-1, "yesterday"), (2, "in 2 days"), (16, "in 16 days"), (-20, "20 days ago"),
    (-21, "3 weeks ago"), (30, "in 4 weeks"), (44, "in 6 weeks"), (45, "in a month"), (-106, "3 months ago"), (400, "in a year"), (-8000, "21 years ago"),
])
def test_humanize(days, text):
    assert humanize(BASE + timedelta(days=days), BASE) == text


def test_distance_has_no_direction():
    assert distance(BASE, BASE + timedelta(days=1)) == "1 day"
    assert distance(BASE + timedelta(days=12), BASE) == "12 days"
    assert distance(date(2005, 11, 30), date(2026, 11, 28)) == "21 years"


def _arrow(day: date, today: date) -> str:
    """What arrow itself says: by days, then weeks, below the thresholds, else its automatic wording."""
    a, b = arrow.Arrow(day.year, day.month, day.day), arrow.Arrow(today.year, today.month, today.day)
    n = abs((day - today).days)
    return a.humanize(b, granularity="day" if n < DAYS_BELOW else "week") if n < WEEKS_BELOW else a.humanize(b)


@pytest.mark.parametrize("today", [date(2004, 1, 31), date(2005, 3, 1), date(2024, 2, 29)])
def test_humanize_is_arrows_wording(today):
    days = [d for d in range(-800, 801) if abs(d) > 1] + list(range(801, 40000, 97)) + list(range(-40000, -800, 89))
    assert [humanize(today + timedelta(days=d), today) for d in days] == [_arrow(today + timedelta(days=d), today) for d in days]


@given(st.dates(), st.dates())
def test_any_two_days_are_worded_as_arrow_words_them(day, today):
    """The rules in words.py, not arrow's code, word the distances: they must say what arrow says."""
    assume(abs((day - today).days) > 1)  # today, tomorrow, yesterday: named, not measured
    assert humanize(day, today) == _arrow(day, today)
