"""Repeating events (#16): `repeat:` and `occurrences:`, in every view and in the edits."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates import DateSyntaxError
from timeline.model import Repeat
from timeline.repeats import Series, parse_every, parse_on

from .conftest import ROOT, by_id, schedule_at, write

CALLS = """\
calendar: {name: WG, timezone: Europe/Zurich}
events:
  - id: call
    title: Editors' call
    # weekly, in Zurich time
    when: 2026-10-20T15:00
    duration: 1h
    repeat: {every: week, until: report, skip: [2026-12-29]}
    occurrences:
      2026-11-10: {when: 2026-11-12T15:00}
      2027-01-05: {status: cancelled, note: holiday}
  - id: liaison
    title: Liaison call
    when: 2026-10-08T11:00
    timezone: America/New_York
    duration: 45min
    repeat: {every: month, on: 2nd thu, count: 6}
  - {id: retreat, title: Retreat, start: 2026-06-01, end: 2026-06-03, repeat: {every: year, count: 3}}
  - {id: report, title: Report, when: 2027-02-26}
  - {id: review, title: Review, when: liaison.end + 1d}
"""
EXAMPLE = ROOT / "examples" / "working-group.yaml"


def events(tmp_path: Path, text: str = CALLS):
    return by_id(schedule_at(write(tmp_path, text)))


# -- the rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("week", ("week", 1)), ("2 weeks", ("week", 2)), ("Month", ("month", 1)),
                                            ("3 days", ("day", 3)), ("year", ("year", 1))])
def test_every(text, expected):
    assert parse_every(text) == expected


@pytest.mark.parametrize("text, expected", [("tue", (1, 0)), ("Tuesday", (1, 0)), ("2nd thu", (3, 2)), ("last fri", (4, -1))])
def test_on(text, expected):
    assert parse_on(text) == expected


@pytest.mark.parametrize("bad", ["fortnight", "0 weeks", "week 2", "tuesdays"])
def test_every_refuses(bad):
    with pytest.raises(DateSyntaxError):
        parse_every(bad)


@pytest.mark.parametrize("bad", ["tues day", "6th mon", "tux", "2nd"])
def test_on_refuses(bad):
    with pytest.raises(DateSyntaxError):
        parse_on(bad)


def test_labels_say_the_rule_in_words(tmp_path):
    e = events(tmp_path)
    assert e["call"].label == "every Tuesday 15:00–16:00 CET/CEST from 20 Oct 2026 until 23 Feb 2027"
    assert e["liaison"].label == "every 2nd Thursday of the month 11:00–11:45 New York time (17:00–17:45 CEST) from 8 Oct 2026, 6 times"
    assert e["retreat"].label == "every year on 1 Jun for 3 days from 1 Jun 2026, 3 times"
    assert e["call"].kind.value == "meeting" and e["retreat"].kind.value == "meeting"


def test_occurrences_keep_their_wall_clock_time_across_clock_changes(tmp_path):
    call = events(tmp_path)["call"].series
    starts = {o.day: o.start.moment for o in call.occurrences(date(2026, 10, 20), date(2026, 11, 3))}
    assert [m.strftime("%H:%M %Z") for m in starts.values()] == ["15:00 CEST", "15:00 CET", "15:00 CET"]
    liaison = events(tmp_path)["liaison"].series
    utc = [o.start.moment.utcoffset() for o in liaison.occurrences(date(2026, 10, 1), date(2027, 4, 30))]
    assert [int(u.total_seconds() // 3600) for u in utc] == [-4, -5, -5, -5, -5, -5]  # EDT, then EST (11 March 2027 is before the US change)


def test_skips_moves_and_cancellations(tmp_path):
    call = events(tmp_path)["call"].series
    found = {o.day: o for o in call.occurrences(date(2026, 11, 1), date(2027, 1, 10))}
    assert date(2026, 12, 29) not in found  # skipped: no occurrence at all
    assert found[date(2026, 11, 10)].moved and found[date(2026, 11, 10)].start.earliest == date(2026, 11, 12)
    assert found[date(2027, 1, 5)].status.value == "cancelled" and found[date(2027, 1, 5)].note == "holiday"


def test_references_to_a_series_mean_its_first_and_last_occurrence(tmp_path):
    e = events(tmp_path)
    assert e["call"].start.earliest == date(2026, 10, 20)
    assert e["call"].end.latest == date(2027, 2, 23)  # the last Tuesday on or before the report
    assert e["liaison"].end.latest == date(2027, 3, 11)  # the sixth 2nd Thursday
    assert e["review"].label == "12 Mar 2027"


def test_a_moved_occurrence_can_come_from_outside_the_range(tmp_path):
    call = events(tmp_path)["call"].series
    assert [o.day for o in call.occurrences(date(2026, 11, 11), date(2026, 11, 12))] == [date(2026, 11, 10)]


def test_an_endless_series(tmp_path, run):
    path = write(tmp_path, "events:\n  - {id: s, title: Standup, when: 2026-01-05T09:00, repeat: {every: day, on: [mon, tue, wed, thu, fri]}}\n")
    s = by_id(schedule_at(path))["s"]
    assert s.end.latest is None and s.label == "every Monday, Tuesday, Wednesday, Thursday and Friday 09:00–10:00 UTC from 5 Jan 2026"
    assert len(s.series.occurrences(date(2030, 1, 1), date(2030, 1, 31))) == 23
    listed = run("list", "-f", str(path), "--from", "2026-01-05").stdout
    assert listed.count("Standup") == 1 + 261 + 1 and "and more: the series never ends (give --to)" in listed
    feed = run("ics", "-f", str(path)).stdout_bytes.decode()
    assert "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR\r\n" in feed


# -- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("event, message", [
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: fortnight}}",
     "6:63: repeat.every: unknown frequency 'fortnight'; expected day, week, month or year"),
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week, until: 2026-10-01}}",
     "6:55: repeat: the rule produces no occurrence (it ends on 2026-10-01, before its first occurrence on 2026-11-03)"),
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week, until: 2027-01-01, count: 3}}",
     "repeat has both 'until' and 'count'; expected one of them"),
    ("{id: s, title: S, when: 2026-11-03T15:00, duration: 25h, repeat: {every: day}}",
     "duration (25h) is longer than the time between two occurrences (1 day)"),
    ("{id: s, title: S, when: 2026-11-03T15:00, duration: -1h, repeat: {every: day}}",
     "duration: bad duration '-1h'"),
    ("{id: s, title: S, when: 2026-11-03T15:00, timezone: Europe/Atlantis, repeat: {every: day}}",
     "timezone: unknown time zone 'Europe/Atlantis'"),
    ("{id: s, title: S, when: 2026-11, repeat: {every: week}}",
     "when: a series needs an exact first occurrence (a day or a time), not Nov 2026; anchor it"),
    ("{id: s, title: S, when: 2026-11-02T15:00, repeat: {every: week, on: tue}}",
     "the first occurrence, 2 Nov 2026, is not a day the rule gives (every Tuesday); start the series on 3 Nov 2026"),
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week, on: 2nd tue}}",
     "repeat.on: the n-th weekday is for monthly repeats, not every week"),
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week, count: 3}, occurrences: {2026-11-04: {status: cancelled}}}",
     "occurrences: 2026-11-04 is not an occurrence of 's' (every Tuesday); name an occurrence by the day the rule gives it"),
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week, count: 3}, occurrences: {2026-11-03: {when: 2026-11-10T15:00}}}",
     "occurrences: 2026-11-03 moves onto the occurrence of 2026-11-10; expected a day without one"),
    ("{id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week, count: 3, skip: [2026-11-05]}}",
     "repeat.skip: 2026-11-05 is not a day the rule gives (every Tuesday)"),
    ("{id: s, title: S, due: 2026-11-03, repeat: {every: week}}", "repeat: a deadline does not repeat"),
    ("{id: s, title: S, when: 2026-11-03, actual: 2026-11-03, repeat: {every: week}}",
     "a series is not done as a whole: record one occurrence with timeline done ID@DAY"),
    ("{id: s, title: S, when: 2026-11-03, occurrences: {2026-11-03: {status: cancelled}}}",
     "occurrences: only a series (an event with repeat:) has occurrences"),
    ("{id: s, title: S, when: 2026-11-03, repeat: {every: week, until: nowhere}}", "repeat: unknown event 'nowhere'"),
])
def test_bad_rules_are_located(tmp_path, run, event, message):
    path = write(tmp_path, "calendar: {timezone: UTC}\nevents:\n  - {id: z, title: Z, when: 2026}\n\n\n  - " + event + "\n")
    before = path.read_bytes()
    result = run("check", "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith(f"{path}:6:")
    assert path.read_bytes() == before


# -- views ------------------------------------------------------------------------------------

def test_list_shows_a_series_once_and_its_occurrences_in_a_range(tmp_path, run):
    path = write(tmp_path, CALLS)
    plain = run("list", "-f", str(path)).stdout
    assert plain.count("Editors' call") == 1
    ranged = run("list", "-f", str(path), "--from", "2026-11-01", "--to", "2026-11-30").stdout.splitlines()
    rows = [line for line in ranged if "Editors' call" in line]
    assert len(rows) == 1 + 4
    assert rows[2].startswith("12 Nov 2026 15:00–16:00 CET") and rows[2].endswith("Editors' call (moved from 10 Nov 2026)")
    liaison = [line for line in ranged if "Liaison call" in line]
    assert liaison[1].startswith("12 Nov 2026 17:00–17:45 CET (11:00–11:45 New York)")


def test_list_json_carries_the_rule_and_the_occurrences(tmp_path, run):
    path = write(tmp_path, CALLS)
    data = {e["id"]: e for e in json.loads(run("list", "-f", str(path), "--format", "json").stdout)["events"]}
    assert data["report"]["repeat"] is None
    assert data["call"]["repeat"] == {"rule": "every Tuesday", "rrule": "FREQ=WEEKLY;UNTIL=20270223T140000Z", "occurrences": None}
    ranged = json.loads(run("list", "-f", str(path), "--format", "json", "--from", "2027-01-01", "--to", "2027-01-12").stdout)
    occurrences = {e["id"]: e for e in ranged["events"]}["call"]["repeat"]["occurrences"]
    assert occurrences == [
        {"day": "2027-01-05", "label": "5 Jan 2027 15:00–16:00 CET", "status": "cancelled", "moved": False,
         "note": "holiday", "start": "2027-01-05T15:00:00+01:00", "end": "2027-01-05T16:00:00+01:00"},
        {"day": "2027-01-12", "label": "12 Jan 2027 15:00–16:00 CET", "status": "confirmed", "moved": False,
         "note": None, "start": "2027-01-12T15:00:00+01:00", "end": "2027-01-12T16:00:00+01:00"},
    ]


def test_gantt_marks_each_occurrence(tmp_path, run):
    path = write(tmp_path, CALLS)
    chart = run("gantt", "-f", str(path), "--from", "2026-12-01", "--to", "2027-01-31", "--width", "100", "--ascii").stdout
    row = next(line for line in chart.splitlines() if line.startswith("Editors' call"))
    assert row.count("*") == 7  # Tuesdays of Dec and Jan (9), less the skipped and the cancelled one


def test_upcoming_lists_the_next_occurrences(tmp_path, run):
    path = write(tmp_path, CALLS)
    result = run("upcoming", "-f", str(path), "--as-of", "2026-11-05", "--within", "14d")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("starting  12 Nov 2026 15:00–16:00 CET") and lines[0].endswith("Editors' call (moved from 10 Nov 2026)")
    assert sum("Editors' call" in line for line in lines) == 2 and sum("Liaison call" in line for line in lines) == 1
    data = json.loads(run("upcoming", "-f", str(path), "--as-of", "2027-01-01", "--within", "7d", "--json").stdout)
    assert [(i["id"], i["occurrence"]) for i in data["items"]] == []  # the 5 January call is cancelled


def test_feed_writes_one_vevent_per_series(tmp_path, run):
    path = write(tmp_path, CALLS)
    feed = run("ics", "-f", str(path)).stdout_bytes.decode()
    assert feed.count("UID:call@") == 2  # the series and its moved occurrence
    master = feed.split("UID:call@")[1]
    assert "DTSTART;TZID=Europe/Zurich:20261020T150000\r\nDTEND;TZID=Europe/Zurich:20261020T160000\r\n" in master
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270223T140000Z\r\n" in master
    assert "EXDATE;TZID=Europe/Zurich:20261229T150000\r\nEXDATE;TZID=Europe/Zurich:20270105T150000\r\n" in master
    moved = feed.split("UID:call@")[2]
    assert "RECURRENCE-ID;TZID=Europe/Zurich:20261110T150000\r\nDTSTART;TZID=Europe/Zurich:20261112T150000\r\n" in moved
    assert "RRULE:FREQ=MONTHLY;BYDAY=2TH;COUNT=6\r\n" in feed
    retreat = feed.split("UID:retreat@")[1]
    assert "DTSTART;VALUE=DATE:20260601\r\nDTEND;VALUE=DATE:20260604\r\nRRULE:FREQ=YEARLY;COUNT=3\r\n" in retreat
    assert "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n" in feed
    assert run("ics", "-f", str(path)).stdout_bytes.decode() == feed  # deterministic


def test_the_example_file_checks(run):
    result = run("check", "-f", str(EXAMPLE))
    assert result.exit_code == 0 and result.stdout == "9 events OK\n"


# -- edits of one occurrence ------------------------------------------------------------------

def test_done_cancel_and_move_one_occurrence(tmp_path, run):
    path = write(tmp_path, CALLS)
    assert run("done", "call@2026-10-27", "-f", str(path)).stdout == "call@2026-10-27: done\n"
    assert run("done", "call@2026-11-03", "-f", str(path), "--on", "2026-11-04", "--note", "a day late").exit_code == 0
    assert run("cancel", "call@2026-11-17", "-f", str(path), "--note", "ill").exit_code == 0
    assert run("move", "call@2026-11-24", "2026-11-25T15:00", "-f", str(path)).exit_code == 0
    assert run("cancel", "call@2026-11-10", "-f", str(path)).exit_code == 0  # the moved one: its entry gains a key
    text = path.read_text()
    assert "    # weekly, in Zurich time\n" in text  # the file's own comments stay
    assert ("      2026-10-27: {status: done}\n"  # each new day in its place: the days stay in order
            "      2026-11-03: {status: done, actual: 2026-11-04, note: a day late}\n"
            "      2026-11-10: {when: 2026-11-12T15:00, status: cancelled}\n"
            "      2026-11-17: {status: cancelled, note: ill}\n"
            "      2026-11-24: {when: 2026-11-25T15:00}\n"
            "      2027-01-05: {status: cancelled, note: holiday}\n") in text
    slips = run("slips", "-f", str(path), "--as-of", "2026-11-30").stdout
    assert "late     +1d   3 Nov 2026 15:00–16:00 CET" in slips and "on-plan  0d    27 Oct 2026" in slips
    assert not any(line.startswith("no-record") and "Editors' call" in line for line in slips.splitlines())
    asked = run("slips", "-f", str(path), "--as-of", "2026-11-30", "--occurrences").stdout
    assert "no-record        20 Oct 2026 15:00–16:00 CEST" in asked and "17 Nov 2026" not in asked  # cancelled: not judged
    feed = run("ics", "-f", str(path)).stdout_bytes.decode()
    assert "EXDATE;TZID=Europe/Zurich:20261110T150000" in feed and "RECURRENCE-ID;TZID=Europe/Zurich:20261110T150000" not in feed


def test_occurrences_key_is_added_when_missing(tmp_path, run):
    path = write(tmp_path, "events:\n  - id: s\n    title: S\n    when: 2026-11-03T15:00\n    repeat: {every: week}\n")
    assert run("cancel", "s@2026-11-10", "-f", str(path)).exit_code == 0
    assert path.read_text().endswith("    repeat: {every: week}\n    occurrences:\n      2026-11-10: {status: cancelled}\n")
    assert run("cancel", "s@2026-11-03", "-f", str(path), "--note", "a: b").exit_code == 0
    assert path.read_text().endswith('    occurrences:\n      2026-11-03: {status: cancelled, note: "a: b"}\n'
                                     "      2026-11-10: {status: cancelled}\n")


def test_occurrences_written_on_one_line_become_a_block_in_order(tmp_path, run):
    """What earlier versions wrote, a flow mapping that only grew, is laid out as a block in
    the order of the days at the next edit of a new day, every entry reading back the same."""
    flow = ("events:\n  - id: s\n    title: S\n    when: 2026-11-03T15:00\n    repeat: {every: week}\n"
            "    occurrences: {2026-11-24: {status: cancelled, note: \"x, y\"}, 2026-11-10: {when: 2026-11-11T15:00}}\n")
    path = write(tmp_path, flow)
    def records(at):
        return {(o.day, o.when, o.status, o.note) for o in by_id(schedule_at(at, date(2026, 11, 1)))["s"].event.occurrences}

    before = records(path)
    assert run("cancel", "s@2026-11-17", "-f", str(path)).exit_code == 0
    assert path.read_text().endswith("    occurrences:\n      2026-11-10: {when: 2026-11-11T15:00}\n"
                                     "      2026-11-17: {status: cancelled}\n"
                                     '      2026-11-24: {status: cancelled, note: "x, y"}\n')
    after = records(path)
    assert before < after and len(after) == 3
    one_line = write(tmp_path, "events:\n  - {id: s, title: S, when: 2026-11-03T15:00, repeat: {every: week}}\n", "flow.yaml")
    assert run("cancel", "s@2026-11-10", "-f", str(one_line)).exit_code == 0  # an event on one line stays on one line
    assert one_line.read_text().endswith("repeat: {every: week}, occurrences: {2026-11-10: {status: cancelled}}}\n")


@pytest.mark.parametrize("args, message", [
    (["done", "call@2026-11-04"], "'call' has no occurrence on 2026-11-04 (every Tuesday); the nearest: call@2026-11-03, call@2026-11-10"),
    (["done", "call@2027-02-23"], "call@2027-02-23 is after today"),
    (["done", "report@2027-02-26"], "'report' happens once (it has no repeat:); name it without @2027-02-26"),
    (["move", "call@2026-11-03", "+1d"], "an occurrence moves to a day or a time, such as 2026-11-03T16:00, not by a shift"),
    (["move", "call@2026-11-03", "2026-11"], "an occurrence moves to one day or one time"),
    (["move", "call@2026-11-03", "2026-11-17T15:00"], "occurrences: 2026-11-03 moves onto the occurrence of 2026-11-17"),
])
def test_bad_occurrence_edits_change_nothing(tmp_path, run, args, message):
    path = write(tmp_path, CALLS)
    before = path.read_bytes()
    result = run(*args, "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert path.read_bytes() == before


def test_a_bad_occurrence_name_is_a_usage_error(tmp_path, run):
    result = run("done", "call@2026-13-01", "-f", str(write(tmp_path, CALLS)))
    assert result.exit_code == 2 and "expected ID@DAY such as weekly-call@2026-11-10" in result.stderr


def test_series_dates_do_not_move_with_what_happens_upstream(tmp_path):
    """A series keeps the dates its rule gives: an upstream actual later than planned does
    not project it (its occurrences are fixed appointments)."""
    text = CALLS + ("  - {id: kickoff, title: Kickoff, when: 2026-10-01, actual: 2026-10-30}\n"
                    "  - {id: sync, title: Sync, when: 2026-10-29T10:00, after: kickoff, repeat: {every: week, count: 4}}\n")
    sync = events(tmp_path, text)["sync"]
    assert sync.start.earliest == date(2026, 10, 29) and sync.projected_by is None
    assert sync.label == "every Thursday 10:00–11:00 CET/CEST from 29 Oct 2026, 4 times"


# -- a rule started near the range gives what the whole rule gives ------------------------------

@settings(max_examples=500, deadline=None)
@given(
    every=st.sampled_from(["day", "week", "month", "year"]),
    interval=st.integers(1, 5),
    first=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    hour=st.integers(0, 23),
    extra=st.sets(st.integers(0, 6), max_size=4),
    until=st.one_of(st.none(), st.integers(0, 2000)),
    lo=st.integers(-30, 4000),
    length=st.integers(0, 400),
)
def test_a_rule_started_near_the_range_gives_the_same_starts(every, interval, first, hour, extra, until, lo, length):
    on = tuple((d, 0) for d in sorted(extra | {first.weekday()})) if extra else ()
    if every == "month" and extra and hour % 2:  # the n-th weekday of the month: the first occurrence's
        on = ((first.weekday(), -1 if first.day > 21 else (first.day - 1) // 7 + 1),)
    rule = Repeat(every, interval, on, None, None, ())
    start = datetime.combine(first, time(hour), ZoneInfo("Europe/Zurich"))
    series = Series(rule, start, timedelta(hours=1), first + timedelta(days=until) if until is not None else None,
                    ZoneInfo("Europe/Zurich"))
    after = datetime.combine(first + timedelta(days=lo), time(hour // 2))
    before = after + timedelta(days=length, hours=hour)
    assert series.rrule(after).between(after, before, inc=True) == series.rrule().between(after, before, inc=True)


def test_explain_says_where_a_series_ends(tmp_path, run):
    path = write(tmp_path, CALLS)
    text = run("explain", "call", "-f", str(path)).stdout
    assert "← repeat: its last occurrence on or before until: report (every Tuesday)" in text
    assert "← report end latest = 2027-02-26: when: 26 Feb 2027" in text
    assert "← repeat: the last of its 6 occurrences" in run("explain", "liaison", "-f", str(path)).stdout


def test_the_page_draws_a_tick_per_occurrence(tmp_path, run):
    site = tmp_path / "site"
    assert run("build", str(site), "-f", str(write(tmp_path, CALLS))).exit_code == 0
    page = (site / "index.html").read_text()
    # the weekly call: 19 Tuesdays from 20 Oct 2026 to 23 Feb 2027, less the skipped and the cancelled one
    # (the moved one drawn where it moved); the monthly call: 6; the retreat: 3
    assert page.count('class="occurrence"') == 17 + 6 + 3


def test_a_chart_too_coarse_for_each_occurrence_marks_each_cell(tmp_path, run):
    path = write(tmp_path, "events:\n  - {id: s, title: Standup, when: 2026-01-05T09:00, repeat: {every: day, until: 2125-12-31,"
                           " skip: [2026-01-06]}}\n")
    chart = run("gantt", "-f", str(path), "--width", "60", "--ascii").stdout
    row = next(line for line in chart.splitlines() if line.startswith("Standup"))
    assert set(row[len("Standup"):].strip()) == {"*"} and len(row) == 60


def test_frequencies_are_dateutils():
    from dateutil import rrule

    from timeline.repeats import UNITS

    assert UNITS == {"day": rrule.DAILY, "week": rrule.WEEKLY, "month": rrule.MONTHLY, "year": rrule.YEARLY}


def test_on_the_days_clocks_change_an_occurrence_keeps_its_length(tmp_path, run):
    """A time the clocks skip is read with the offset before the gap (RFC 5545); an hour in the
    repeated hour ends an hour later, not nowhere."""
    path = write(tmp_path, "calendar: {timezone: Europe/Zurich}\nevents:\n"
                           "  - {id: w, title: Weekly, when: 2026-03-01T02:30, duration: 1h, repeat: {every: week, until: 2026-11-01}}\n"
                           "  - {id: r, title: Repeated hour, when: 2026-10-25T02:30, duration: 1h}\n")
    spring = run("list", "-f", str(path), "--from", "2026-03-29", "--to", "2026-03-29").stdout
    assert "29 Mar 2026 03:30–04:30 CEST" in spring
    autumn = run("list", "-f", str(path), "--from", "2026-10-25", "--to", "2026-10-25").stdout
    assert autumn.count("25 Oct 2026 02:30 CEST–02:30 CET") == 2
    feed = run("ics", "-f", str(path)).stdout_bytes.decode()
    assert "DTSTART:20261025T003000Z\r\nDTEND:20261025T013000Z" in feed  # an hour, not an instant
    assert run("list", "-f", str(write(tmp_path, "events:\n  - {id: a, title: A, when: 2026-01-01}\n", "one.yaml"))).stdout.startswith("Timeline · 1 event · UTC")


@pytest.mark.parametrize("zone, clock, every", [
    ("Europe/Zurich", "02:30", "week"),       # the spring hour, 02:00 to 03:00
    ("America/Havana", "00:30", "day"),       # the clocks go forward at midnight
    ("Australia/Lord_Howe", "02:15", "week"),  # a half-hour jump
    ("America/Santiago", "00:00", "day"),     # midnight itself is skipped
    ("Europe/Zurich", "15:00", "day"),        # no start in a gap
])
def test_the_starts_the_clocks_skip_are_the_ones_a_round_trip_changes(tmp_path, zone, clock, every):
    path = write(tmp_path, f"""\
calendar: {{name: t, timezone: UTC}}
events:
  - {{id: s, title: S, when: 2024-01-07T{clock}, duration: 1h, timezone: {zone},
     repeat: {{every: {every}, until: 2029-12-31, skip: [2026-03-29]}}}}
""")
    series = by_id(schedule_at(path, date(2024, 1, 1)))["s"].series
    tz = ZoneInfo(zone)
    brute = [n for n in series.starts(date(2024, 1, 1), date(2029, 12, 31))
             if n.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != n]
    assert series.nonexistent(date(2024, 1, 1), date(2029, 12, 31)) == brute
    assert (brute != []) == (clock != "15:00")


def test_check_warns_about_a_series_at_a_time_the_clocks_skip(tmp_path, run):
    path = write(tmp_path, """\
calendar: {name: t, timezone: Europe/Zurich}
events:
  - id: night
    title: Night call
    when: 2026-03-22T02:30
    duration: 1h
    repeat: {every: week, until: 2027-04-30}
    occurrences:
      2027-03-28: {when: 2027-03-28T04:00}
  - {id: day, title: Day call, when: 2026-03-22T15:00, duration: 1h, repeat: {every: week, count: 60}}
""")
    out = run("check", "-f", str(path), "--as-of", "2026-01-01")
    assert out.exit_code == 0
    assert out.stderr.count("a time the clocks skip") == 1
    assert f"{path}:5:11: warning: 'night' falls at 02:30, a time the clocks skip in Europe/Zurich, on 29 Mar 2026;" \
        in out.stderr  # 28 Mar 2027 moved away: no longer at 02:30
    assert "held an hour later" in out.stderr
    later = run("check", "-f", str(path), "--as-of", "2026-04-01")
    assert "clocks skip" not in later.stderr  # what is past has happened


def test_one_rule_for_a_day_in_the_edits_of_an_occurrence(tmp_path, run):
    """An occurrence is recorded done only once it has happened, as an event is, and moved
    only to a time that exists, as an event is written."""
    path = write(tmp_path, "calendar: {timezone: Europe/Zurich}\nevents:\n"
                           "  - {id: s, title: S, when: 2026-03-22T10:00, duration: 1h, repeat: {every: week, count: 60}}\n")
    before = path.read_text()
    future = run("done", "s@2027-03-21", "-f", str(path), "--on", "2027-03-21")  # NOW is 30 Nov 2026
    assert future.exit_code == 1 and "--on 2027-03-21 is after today (2026-11-30)" in future.stderr
    gap = run("move", "s@2026-03-29", "2026-03-29T02:30", "-f", str(path))
    assert gap.exit_code == 1 and "2026-03-29 02:30 does not exist in Europe/Zurich (the clocks skip it)" in gap.stderr
    assert path.read_text() == before
    assert run("done", "s@2026-03-29", "-f", str(path), "--on", "2026-03-29").exit_code == 0


def test_the_edges_of_the_calendar_are_messages_not_tracebacks(tmp_path, run):
    early = write(tmp_path, "events:\n  - {id: s, title: S, when: 0001-01-01, repeat: {every: week, count: 3}}\n", "early.yaml")
    assert run("cancel", "s@0001-01-01", "-f", str(early)).exit_code == 0  # the first day there is
    late = write(tmp_path, "events:\n  - {id: s, title: S, when: 9999-12-03, repeat: {every: week, count: 4}}\n", "late.yaml")
    missing = run("cancel", "s@9999-12-31", "-f", str(late))
    assert missing.exit_code == 1 and "has no occurrence on 9999-12-31" in missing.stderr
    past = write(tmp_path, "events:\n  - {id: s, title: S, when: 9999-12-01, repeat: {every: week, count: 30}}\n", "past.yaml")
    refused = run("check", "-f", str(past))
    assert refused.exit_code == 1 and "repeat.count: 30 occurrences run past the year 9999 (the calendar holds 5" \
        in refused.stderr
