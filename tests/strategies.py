"""Hypothesis strategies shared by the property tests: dates as a person writes them."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
"""Every day the date language can name."""


def _later(day: date, days: int) -> date:
    """`day` plus `days`, stopping at the last day of 9999."""
    return day + timedelta(days=days) if day <= date(9999, 12, 31) - timedelta(days=days) else day


@st.composite
def date_text(draw, days: st.SearchStrategy[date] = DAYS) -> str:
    """A written date of any precision and form, on a day drawn from `days`, as plain text
    (the caller quotes it for YAML)."""
    day = draw(days)
    form = draw(st.sampled_from(["day", "month", "year", "quarter", "approx", "span", "range", "before", "after",
                                 "time", "set"]))
    if form == "day":
        return day.isoformat()
    if form == "month":
        return day.isoformat()[:7]
    if form == "year":
        return day.isoformat()[:4]
    if form == "quarter":
        return f"{day.isoformat()[:4]}-Q{(day.month - 1) // 3 + 1}"
    if form == "approx":
        return day.isoformat()[:draw(st.sampled_from([7, 10]))] + draw(st.sampled_from(["~", "?", "%"]))
    if form == "span":
        return f"{day.isoformat()}/{_later(day, draw(st.integers(0, 400))).isoformat()}"
    if form == "range":
        return f"[{day.isoformat()}..{_later(day, draw(st.integers(1, 60))).isoformat()}]"
    if form == "before":
        return f"[..{day.isoformat()}]"
    if form == "after":
        return f"[{day.isoformat()}..]"
    if form == "time":
        return f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    return f"[{day.isoformat()[:7]}, {draw(days).isoformat()[:7]}]"
