"""Meetings as they are (#16, lengths): `duration`, a timed start/end, and the default length."""

from __future__ import annotations

import pytest

from timeline.dates import parse_length

from .conftest import by_id, schedule_at, write

CALLS = """\
calendar: {timezone: Europe/Zurich}
events:
  - {id: call, title: Editors' call, when: "2026-05-05T15:00", duration: 45min}
  - {id: liaison, title: Liaison call, kind: meeting, when: "2026-05-06T17:00"}
  - {id: pair, title: Timed pair, kind: meeting, start: "2026-05-08T10:00", end: "2026-05-08T12:30"}
  - {id: filed, title: Report filed, when: "2026-05-09T17:00"}
  - {id: night, title: Night call, when: "2026-03-29T01:30", duration: 1h}
  - {id: offset, title: Call written in UTC, when: "2026-05-10T08:00Z", duration: 1h30min}
"""


def test_labels_say_how_long(tmp_path):
    events = by_id(schedule_at(write(tmp_path, CALLS)))
    assert events["call"].label == "5 May 2026 15:00–15:45 CEST" and events["call"].kind.value == "meeting"
    assert events["liaison"].label == "6 May 2026 17:00–18:00 CEST"  # a timed meeting lasts an hour by default
    assert events["pair"].label == "8 May 2026 10:00–12:30 CEST"
    assert events["filed"].label == "9 May 2026 17:00 CEST"  # a milestone at a time is an instant
    assert events["night"].label == "29 Mar 2026 01:30 CET–03:30 CEST"  # exactly an hour across the change


def test_the_feed_writes_the_end(tmp_path, run):
    feed = run("ics", "-f", str(write(tmp_path, CALLS))).stdout_bytes.decode("utf-8")
    assert "DTSTART;TZID=Europe/Zurich:20260505T150000\r\nDTEND;TZID=Europe/Zurich:20260505T154500\r\n" in feed
    assert "DTSTART;TZID=Europe/Zurich:20260506T170000\r\nDTEND;TZID=Europe/Zurich:20260506T180000\r\n" in feed
    assert "DTSTART:20260510T080000Z\r\nDTEND:20260510T093000Z\r\n" in feed
    filed = feed.split("UID:filed@")[1].split("END:VEVENT")[0]
    assert "DTEND" not in filed


def test_a_move_keeps_the_length_and_the_baseline_is_not_a_re_plan(tmp_path, run):
    path = write(tmp_path, CALLS)
    assert run("move", "call", "+1w", "-f", str(path)).exit_code == 0
    events = by_id(schedule_at(path))
    assert events["call"].label == "12 May 2026 15:00–15:45 CEST"
    assert events["call"].baseline_label == "5 May 2026 15:00–15:45 CEST"
    assert not events["liaison"].replanned


@pytest.mark.parametrize("text, minutes", [("45min", 45), ("1h", 60), ("1h30min", 90), ("2 h 15 min", 135)])
def test_lengths_are_hours_and_minutes(text, minutes):
    assert parse_length(text).total_seconds() == minutes * 60


@pytest.mark.parametrize("line, message", [
    ('{id: a, title: A, when: "2026-05-05T15:00", duration: 90m}', "4:59: duration: bad duration '90m': expected hours and minutes such as 45min"),
    ('{id: a, title: A, when: "2026-05-05T15:00", duration: 0min}', "duration: duration '0min': expected more than zero"),
    ('{id: a, title: A, when: "2026-05-05T15:00", duration: -1h}', "bad duration '-1h'"),
    ("{id: a, title: A, when: 2026-05-05, duration: 1h}", "4:51: duration: only an event at one time has a length"),
    ('{id: a, title: A, start: "2026-05-05T15:00", end: "2026-05-05T16:00", duration: 1h}', "only an event at one time"),
    ('{id: a, title: A, when: "2026-05-05T15:00", timezone: Mars/Olympus}', "4:59: timezone: unknown time zone 'Mars/Olympus'"),
    ('{id: a, title: A, when: "2026-03-08T02:30", timezone: America/New_York}', "when: 2026-03-08 02:30 does not exist in America/New_York"),
])
def test_bad_lengths_and_zones_are_located(tmp_path, run, line, message):
    path = write(tmp_path, "calendar: {timezone: UTC}\nevents:\n  - {id: z, title: Z, when: 2026}\n  - " + line + "\n")
    result = run("check", "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr, result.stderr


# -- an event's own time zone ------------------------------------------------------------------

ZONES = """\
calendar: {timezone: Europe/Zurich}
events:
  - {id: liaison, title: Liaison call, when: "2026-01-15T11:00", timezone: America/New_York, duration: 1h}
  - {id: gap, title: Liaison call, when: "2026-03-12T11:00", timezone: America/New_York, duration: 1h}
  - {id: late, title: Late call, when: "2026-01-15T20:00", timezone: America/New_York, kind: meeting}
"""


def test_times_are_read_in_the_events_zone_and_shown_in_both(tmp_path):
    events = by_id(schedule_at(write(tmp_path, ZONES)))
    assert events["liaison"].label == "15 Jan 2026 17:00–18:00 CET (11:00–12:00 New York)"
    assert events["gap"].label == "12 Mar 2026 16:00–17:00 CET (11:00–12:00 New York)"  # the US changed clocks first
    assert events["late"].label == "16 Jan 2026 02:00–03:00 CET (15 Jan 2026 20:00–21:00 New York)"


def test_the_feed_writes_each_zone_with_its_vtimezone(tmp_path, run):
    feed = run("ics", "-f", str(write(tmp_path, ZONES))).stdout_bytes.decode("utf-8")
    assert "DTSTART;TZID=America/New_York:20260312T110000\r\nDTEND;TZID=America/New_York:20260312T120000\r\n" in feed
    assert feed.count("BEGIN:VTIMEZONE") == 1 and "TZID:America/New_York" in feed  # no time in Zurich's zone here
