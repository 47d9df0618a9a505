"""The date language: every row of the table in docs/format.md, durations and labels."""

from __future__ import annotations

from datetime import date, datetime, timedelta, UTC

import pytest

from timeline.dates import RefExpr, SpanExpr, Window, parse_duration, parse_expr, parse_point, shift_date, shift_written
from timeline.labels import range_label, span_label, window_label
from timeline.errors import DateSyntaxError

D = date


@pytest.mark.parametrize(
    "text, earliest, latest, label",
    [
        ("2004-11-23", D(2004, 11, 23), D(2004, 11, 23), "23 Nov 2004"),
        ("2004-11", D(2004, 11, 1), D(2004, 11, 30), "Nov 2004"),
        ("2004", D(2004, 1, 1), D(2004, 12, 31), "2004"),
        ("[2004-11, 2004-12]", D(2004, 11, 1), D(2004, 12, 31), "Nov–Dec 2004"),
        ("[2004-11..2004-12]", D(2004, 11, 1), D(2004, 12, 31), "Nov–Dec 2004"),
        ("[..2005-07]", None, D(2005, 7, 31), "by 31 Jul 2005"),
        ("../2005-07", None, D(2005, 7, 31), "by 31 Jul 2005"),
        ("[2005-08..]", D(2005, 8, 1), None, "from 1 Aug 2005"),
        ("2005-08/..", D(2005, 8, 1), None, "from 1 Aug 2005"),
        ("2005-04~", D(2005, 3, 1), D(2005, 5, 31), "≈ Apr 2005"),
        ("2005-04?", D(2005, 4, 1), D(2005, 4, 30), "Apr 2005?"),
        ("2005-04%", D(2005, 3, 1), D(2005, 5, 31), "≈ Apr 2005?"),
        ("2004-11-23~", D(2004, 11, 22), D(2004, 11, 24), "≈ 23 Nov 2004"),
        ("2004~", D(2003, 1, 1), D(2005, 12, 31), "≈ 2004"),
        ("2004-1X", D(2004, 10, 1), D(2004, 12, 31), "Oct–Dec 2004"),
        ("200X", D(2000, 1, 1), D(2009, 12, 31), "2000–2009"),
        ("2004-11-XX", D(2004, 11, 1), D(2004, 11, 30), "Nov 2004"),
        ("2005-21", D(2005, 3, 1), D(2005, 5, 31), "Mar–May 2005"),
        ("2004-24", D(2004, 12, 1), D(2005, 2, 28), "Dec 2004–Feb 2005"),
        ("[2004-11-23, 2004-12-05]", D(2004, 11, 23), D(2004, 12, 5), "23 Nov–5 Dec 2004"),
        ("2004-02-29", D(2004, 2, 29), D(2004, 2, 29), "29 Feb 2004"),
    ],
)
def test_table_rows(text, earliest, latest, label):
    w = parse_point(text)
    assert isinstance(w, Window)
    assert (w.earliest, w.latest) == (earliest, latest)
    assert window_label(w) == label


def test_approximate_and_uncertain_flags_are_kept():
    assert parse_point("2005-04~").approximate and not parse_point("2005-04~").uncertain
    assert parse_point("2005-04?").uncertain and not parse_point("2005-04?").approximate
    both = parse_point("2005-04%")
    assert both.approximate and both.uncertain


def test_span():
    expr = parse_expr("2004-07/2004-10")
    assert isinstance(expr, SpanExpr)
    assert (expr.start.earliest, expr.start.latest) == (D(2004, 7, 1), D(2004, 7, 31))
    assert (expr.end.earliest, expr.end.latest) == (D(2004, 10, 1), D(2004, 10, 31))
    assert span_label(expr.start, expr.end) == "Jul–Oct 2004"


@pytest.mark.parametrize(
    "text, label",
    [
        ("2005-11-16/2005-11-18", "16–18 Nov 2005"),
        ("2004-11-30/2004-12-02", "30 Nov–2 Dec 2004"),
        ("2004-12-30/2005-01-02", "30 Dec 2004–2 Jan 2005"),
        ("2004-11/2005-02", "Nov 2004–Feb 2005"),
        ("2004/2005", "2004–2005"),
        ("2004-11/2005-07-15", "Nov 2004 to 15 Jul 2005"),
        ("2005-04~/2005-06", "≈ Apr 2005 to Jun 2005"),
    ],
)
def test_span_labels(text, label):
    expr = parse_expr(text)
    assert span_label(expr.start, expr.end) == label


def test_timed_values():
    local = parse_point("2005-11-16T10:00")
    assert local.moment == datetime(2005, 11, 16, 10, 0) and local.is_day
    utc = parse_point("2005-11-16T10:00Z")
    assert utc.moment == datetime(2005, 11, 16, 10, 0, tzinfo=UTC)
    offset = parse_point("2005-11-16T10:00:30+01:00")
    assert offset.moment.utcoffset() == timedelta(hours=1) and offset.moment.second == 30


@pytest.mark.parametrize(
    "text, ref",
    [
        ("report", RefExpr("report", "whole")),
        ("report.end", RefExpr("report", "end")),
        ("report.end + 1d", RefExpr("report", "end", 1, "d")),
        ("prepcom-2.start - 1w", RefExpr("prepcom-2", "start", -1, "w")),
        ("phase-1.start+2m", RefExpr("phase-1", "start", 2, "m")),
    ],
)
def test_references(text, ref):
    assert parse_expr(text) == ref


def test_reference_shift_keeps_whole_months():
    july = parse_point("2004-06").shifted(1, "m")
    assert (july.earliest, july.latest) == (D(2004, 7, 1), D(2004, 7, 31))
    w = parse_point("2004-11-23").shifted(-1, "w")
    assert w.earliest == D(2004, 11, 16)


def test_shift_clamps_to_month_end():
    assert shift_date(D(2005, 1, 31), 1, "m") == D(2005, 2, 28)
    assert shift_date(D(2004, 2, 29), 1, "y") == D(2005, 2, 28)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("November 2004", "expected a date such as 2004-11-23"),
        ("2004-13", "month 13 is not 01 to 12"),
        ("2005-02-29", "day 29 does not exist in Feb 2005"),
        ("2004-11-23T25:00", "hour must be in 0..23"),
        ("[2004-12..2004-11]", "2004-11 is before 2004-12"),
        ("[2004-11, 2004-12", "must close with ']'"),
        ("[]", "the set is empty"),
        ("../..", "at least one end must be a date"),
        ("2004/2005/2006", "a span has one '/'"),
        ("", "empty date"),
        ("0000", "years before 1 are not supported"),
    ],
)
def test_bad_dates(text, fragment):
    with pytest.raises(DateSyntaxError, match=fragment.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        parse_expr(text)


def test_span_where_a_point_is_expected():
    with pytest.raises(DateSyntaxError, match="is a span"):
        parse_point("2004-07/2004-10")


@pytest.mark.parametrize("text, days, ical", [("3d", 3, "P3D"), ("2w", 14, "P2W"), ("1m", 30, "P30D"), ("1y", 365, "P365D"), ("12h", 0, "PT12H")])
def test_durations(text, days, ical):
    d = parse_duration(text)
    assert d.approx_days() == days and d.ical() == ical and str(d) == text


@pytest.mark.parametrize("text", ["two weeks", "3", "d", "-1d", "1.5d", "3 days"])
def test_bad_durations(text):
    with pytest.raises(DateSyntaxError, match="expected a whole number and a unit"):
        parse_duration(text)


def test_range_label_units():
    assert range_label(D(2004, 1, 1), D(2005, 12, 31)) == "2004–2005"
    assert range_label(D(2004, 11, 3), D(2004, 11, 20)) == "3–20 Nov 2004"


def test_days_in_month_agrees_with_the_calendar_module():
    import calendar

    from timeline.dates import days_in_month

    for year in (1900, 2000, 2004, 2005, 2100):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


@pytest.mark.parametrize("text, lo, hi, label", [
    ("2026-33", date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
    ("2026-36", date(2026, 10, 1), date(2026, 12, 31), "Q4 2026"),
    ("2026-40", date(2026, 1, 1), date(2026, 6, 30), "H1 2026"),
    ("2026-41", date(2026, 7, 1), date(2026, 12, 31), "H2 2026"),
    ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "Q2 2026"),
    ("2026-q3", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
    ("2026-H1", date(2026, 1, 1), date(2026, 6, 30), "H1 2026"),
    ("2026-Q2?", date(2026, 4, 1), date(2026, 6, 30), "Q2 2026?"),
    ("2026-Q2~", date(2026, 1, 1), date(2026, 9, 30), "≈ Q2 2026"),
])
def test_quarters_and_halves(text, lo, hi, label):
    w = parse_expr(text)
    assert (w.earliest, w.latest, window_label(w)) == (lo, hi, label)


@pytest.mark.parametrize("bad, message", [
    ("2026-Q5", "bad date '2026-Q5'"), ("2026-H3", "a year has two halves"), ("2026-37", "33 to 36 for a quarter"),
    ("2026-33-01", "a quarter or a half has no day"),
])
def test_bad_quarters(bad, message):
    with pytest.raises(DateSyntaxError, match=message):
        parse_expr(bad)


@pytest.mark.parametrize("day, shifted", [("2027-02-28", "2027-03-28"), ("2027-04-30", "2027-05-30"), ("2027-01-31", "2027-02-28")])
def test_a_month_shift_of_an_exact_day_stays_exact(day, shifted):
    d = date.fromisoformat(day)
    assert Window(d, d).shifted(1, "m") == Window(date.fromisoformat(shifted), date.fromisoformat(shifted))


def test_a_month_shift_of_a_whole_month_stays_whole():
    assert Window(date(2027, 2, 1), date(2027, 2, 28)).shifted(1, "m") == Window(date(2027, 3, 1), date(2027, 3, 31))


def test_a_range_written_with_two_dots_moves_both_sides():
    assert shift_written("[2027-02-15..2027-02-26]", 1, "w") == "[2027-02-22..2027-03-05]"
    assert shift_written("[2027-02..2027-03]", 1, "m") == "[2027-03..2027-04]"
