"""The iCalendar feed: contents, determinism, stable UIDs, atomic writes, round trips."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.render import ics as ics_module
from timeline.errors import FileAccessError
from timeline.fsutil import atomic_write
from timeline.analysis.placement import WindowMode
from timeline.render.ics import IcsOptions, feed_stamp, latest_day, render_ics
from timeline.model import Calendar
from ..conftest import DATA, ROOT, assert_golden, schedule_at, write


STRESS = DATA / "stress.yaml"


def feed(path: Path, mode: WindowMode = WindowMode.SPAN) -> bytes:
    schedule = schedule_at(path)
    stamp = feed_stamp(schedule.calendar, None, None, latest_day(schedule.events))
    return render_ics(schedule, IcsOptions(stamp, mode, source=schedule.calendar.url))  # as `timeline ics` writes the whole feed


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split("@")[0]: e for e in parse(data).walk("VEVENT")}


@pytest.mark.parametrize("name, path", [("default", ROOT / "events.yaml"), ("stress", STRESS)])
def test_golden(name, path):
    assert_golden(f"{name}.ics", feed(path).decode("utf-8"))


def test_calendar_properties(default_events):
    text = feed(default_events).decode()
    for line in ("VERSION:2.0", "PRODID:-//timeline//timeline", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                 "NAME:WGIG timeline (plan of 24 June 2004)", "X-WR-CALNAME:WGIG timeline (plan of 24 June 2004)",
                 "X-WR-TIMEZONE:Europe/Zurich", "REFRESH-INTERVAL;VALUE=DURATION:P1D", "X-PUBLISHED-TTL:P1D"):
        assert f"\r\n{line}" in text
    stress = feed(STRESS).decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in stress and "X-PUBLISHED-TTL:PT12H" in stress
    assert "SOURCE;VALUE=URI:https://example.org/stress.ics" in stress


def test_no_timezone_setting_means_no_x_wr_timezone(tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: 2005-01-01T10:00}\n")
    text = feed(path).decode()
    assert "X-WR-TIMEZONE" not in text and "VTIMEZONE" not in text
    assert "DTSTART:20050101T100000Z" in text


def test_one_vevent_per_event_with_stable_uids(default_events):
    found = events(feed(default_events))
    schedule = schedule_at(default_events)
    assert sorted(found) == sorted(e.id for e in schedule.events)
    assert all(str(e["UID"]).endswith("@wgig-timeline.example.org") for e in found.values())


def test_imprecise_events_are_tentative_transparent_spans():
    choice = events(feed(STRESS))["set"]
    assert str(choice["SUMMARY"]) == "November or December (Nov–Dec 2004, date to be set)"
    assert choice.decoded("DTSTART") == date(2004, 11, 1) and choice.decoded("DTEND") == date(2005, 1, 1)
    assert (str(choice["STATUS"]), str(choice["TRANSP"])) == ("TENTATIVE", "TRANSPARENT")


@pytest.mark.parametrize("mode, day", [(WindowMode.START, date(2004, 11, 1)), (WindowMode.END, date(2004, 12, 31))])
def test_window_modes_put_one_day_on_an_edge(mode, day):
    choice = events(feed(STRESS, mode))["set"]
    assert choice.decoded("DTSTART") == day and choice.decoded("DTEND") == day + timedelta(days=1)


def test_exact_days_are_all_day_with_exclusive_end(default_events):
    prepcom = events(feed(default_events))["prepcom-2"]
    assert prepcom.decoded("DTSTART") == date(2005, 2, 17) and prepcom.decoded("DTEND") == date(2005, 2, 26)
    assert (str(prepcom["STATUS"]), str(prepcom["TRANSP"])) == ("CONFIRMED", "OPAQUE")
    assert str(prepcom["LOCATION"]) == "Palais des Nations, Geneva"
    assert [str(c) for c in prepcom["CATEGORIES"].cats] == ["meeting", "wsis", "prepcom", "PrepCom"]  # kind, tags, owner


def test_deadlines_have_an_alarm_on_the_due_day(default_events):
    draft = events(feed(default_events))["draft-report"]
    assert str(draft["SUMMARY"]) == "Due: First draft of the report available"
    assert draft.decoded("DTSTART") == date(2005, 2, 17)
    alarm = draft.subcomponents[0]
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") == -timedelta(days=14)
    stress = events(feed(STRESS))["deadline"]
    assert stress.subcomponents[0].decoded("TRIGGER") == -timedelta(weeks=3)


def test_description_carries_window_status_dependencies_and_source(default_events):
    text = str(events(feed(default_events))["draft-report"]["DESCRIPTION"])
    assert text.startswith("When: by 17 Feb 2005\nOwner: WGIG\nStatus: tentative\nAfter: first-meeting\nPart of: phase-2\n")
    assert text.endswith("Source: Even first draft be available by PrepCom2")


def test_done_events_use_actual_dates_and_keep_the_plan(default_events):
    report = events(feed(default_events))["report"]
    assert report.decoded("DTSTART") == date(2005, 7, 15) and str(report["SUMMARY"]) == "WGIG report issued"
    assert "Planned: by 31 Jul 2005" in str(report["DESCRIPTION"]) and not report.subcomponents
    first = events(feed(default_events))["first-meeting"]
    assert "Planned: Nov–Dec 2004" in str(first["DESCRIPTION"])


def test_open_ended_windows_get_a_dtstart():
    for e in events(feed(STRESS)).values():
        assert "DTSTART" in e
    after = events(feed(STRESS))["on-or-after"]
    assert after.decoded("DTSTART") == date(2005, 8, 1)
    assert str(after["SUMMARY"]) == "On or after August (from 1 Aug 2005, date to be set)"


def test_cancelled_and_done_events():
    found = events(feed(STRESS))
    cancelled = found["cancelled"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["SUMMARY"]) == "A cancelled meeting (cancelled)"
    done = found["done"]
    assert done.decoded("DTSTART") == date(2004, 11, 23) and done.decoded("DTEND") == date(2004, 11, 26)
    assert "Planned: Nov–Dec 2004" in str(done["DESCRIPTION"])
    met = found["done-deadline"]
    assert met.decoded("DTSTART") == date(2004, 11, 11) and not met.subcomponents
    assert "Slip: +11 days" in str(met["DESCRIPTION"]) and "Note: Late, by 11 days" in str(met["DESCRIPTION"])


def test_text_cannot_break_the_structure():
    data = feed(STRESS)
    cal = parse(data)
    written = Path(STRESS).read_text(encoding="utf-8").count("\n  - id: ")  # the events the file holds
    assert written == 40 and len(list(cal.walk("VEVENT"))) == written
    found = events(data)
    assert str(found["injection"]["SUMMARY"]) == "BEGIN:VEVENT UID:evil@example.org END:VEVENT"
    assert str(found["punctuation"]["SUMMARY"]) == "Commas, semicolons; colons: and \\ backslashes"
    assert "\nBEGIN:VEVENT\nEND:VCALENDAR" in str(found["punctuation"]["DESCRIPTION"])
    assert str(found["cjk"]["SUMMARY"]) == "互联网治理工作组会议 — 日本語のタイトル 🌐"
    assert str(found["multiline"]["SUMMARY"]) == "Title written on two lines"
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character


def test_timed_events_use_tzid_with_a_yearly_rule_vtimezone():
    data = feed(STRESS).decode()
    assert "DTSTART;TZID=Europe/Zurich:20050705T100000" in data
    assert "DTSTART:20051030T003000Z" in data  # an ambiguous local time is written in UTC
    assert "DTSTART:20050601T120000Z" in data and "DTSTART:20050602T063000Z" in data
    zones = {part.split("TZID:", 1)[1].split("\r\n", 1)[0]: part for part in data.split("BEGIN:VTIMEZONE")[1:]}
    assert sorted(zones) == ["America/New_York", "Europe/Zurich"]  # one for every zone a time is written in
    zone = zones["Europe/Zurich"]
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in zone and "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in zone
    assert "RDATE" not in data
    found = {str(c["TZID"]): c.to_tz() for c in parse(data.encode()).walk("VTIMEZONE")}
    tz, new_york = found["Europe/Zurich"], found["America/New_York"]
    assert datetime(2005, 7, 5, 10, tzinfo=tz).utcoffset() == timedelta(hours=2)
    assert datetime(2005, 1, 5, 10, tzinfo=tz).utcoffset() == timedelta(hours=1)
    assert datetime(2005, 1, 20, 11, tzinfo=new_york).utcoffset() == timedelta(hours=-5)
    assert "DTSTART;TZID=America/New_York:20050120T110000" in data


def test_dtstamp_sources(tmp_path):
    cal = Calendar()
    assert feed_stamp(Calendar(updated=date(2005, 7, 18)), 1.0, "5", date(2000, 1, 1)) == datetime(2005, 7, 18, tzinfo=UTC)
    assert feed_stamp(cal, 86400.5, "3600", date(2000, 1, 1)) == datetime(1970, 1, 1, 1, tzinfo=UTC)
    assert feed_stamp(cal, 86400.5, None, date(2000, 1, 1)) == datetime(1970, 1, 2, tzinfo=UTC)
    assert feed_stamp(cal, None, None, date(2000, 1, 1)) == datetime(2000, 1, 1, tzinfo=UTC)
    local = Calendar(timezone="Europe/Zurich", updated=datetime(2005, 7, 18, 12, 0))
    assert feed_stamp(local, None, None, date(2000, 1, 1)) == datetime(2005, 7, 18, 10, tzinfo=UTC)


def test_byte_identical_across_runs(tmp_path):
    outputs = []
    for i in range(2):
        out = tmp_path / f"{i}.ics"
        subprocess.run([sys.executable, "-m", "timeline", "ics", "-f", str(STRESS), "-o", str(out)], check=True, cwd=ROOT)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"BEGIN:VCALENDAR\r\n")


def test_dtstamp_from_mtime_and_source_date_epoch(tmp_path, run):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: 2005-01-01}\n")
    os.utime(path, (1_120_000_000, 1_120_000_000))
    assert "DTSTAMP:20050628T230640Z" in run("ics", "-f", str(path)).stdout
    assert "DTSTAMP:19700101T010000Z" in run("ics", "-f", str(path), env={"SOURCE_DATE_EPOCH": "3600"}).stdout


def test_editing_one_title_changes_only_that_event(tmp_path, default_events):
    before = feed(default_events).decode().split("\r\n")
    edited = write(tmp_path, default_events.read_text(encoding="utf-8").replace("title: First WGIG meeting", "title: First meeting of the WGIG"))
    after = feed(edited).decode().split("\r\n")
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(before) == len(after)
    assert changed == [("SUMMARY:First WGIG meeting", "SUMMARY:First meeting of the WGIG")]


def test_uids_survive_date_edits(tmp_path, default_events):
    edited = write(tmp_path, default_events.read_text(encoding="utf-8").replace("when: [2004-11..]", "when: 2005-03"))
    assert sorted(events(feed(edited))) == sorted(events(feed(default_events)))
    assert events(feed(edited))["advisory-board"].decoded("DTSTART") == date(2005, 3, 1)


def test_filters_give_per_track_feeds(run, default_events):
    text = run("ics", "-f", str(default_events), "--tag", "prepcom", "--kind", "meeting").stdout_bytes.decode()
    uids = sorted(line.split(":")[1].split("@")[0] for line in text.split("\r\n") if line.startswith("UID:"))
    assert uids == ["prepcom-1", "prepcom-2", "prepcom-2-consultation", "prepcom-3", "prepcom-3-resumed"]


def test_output_file_is_written_atomically(run, default_events, tmp_path):
    out = tmp_path / "feed.ics"
    assert run("ics", "-f", str(default_events), "-o", str(out)).exit_code == 0
    assert out.read_bytes() == feed(default_events) or out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir()] == ["feed.ics"]


def test_failed_build_leaves_no_partial_file(run, default_events, tmp_path, monkeypatch):
    out = tmp_path / "feed.ics"
    out.write_bytes(b"the previous feed")
    built = []
    real = ics_module.event_lines

    def fail_halfway(e, *args):
        built.append(e.id)
        if len(built) == 10:
            raise FileAccessError("disk on fire")
        return real(e, *args)

    monkeypatch.setattr(ics_module, "event_lines", fail_halfway)
    result = run("ics", "-f", str(default_events), "-o", str(out))
    assert result.exit_code == 1 and result.stderr == "disk on fire\n"
    assert out.read_bytes() == b"the previous feed" and len(built) == 10
    assert [p.name for p in tmp_path.iterdir()] == ["feed.ics"]


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "feed.ics"
    out.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(FileAccessError, match="No space left on device"):
        atomic_write(str(out), b"new" * 1000)
    assert out.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["feed.ics"]


# -- round trip -----------------------------------------------------------------------

titles = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120).filter(lambda t: t.strip())
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def schedules(draw):
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        first = draw(days)
        length = draw(st.integers(0, 40))
        form = draw(st.sampled_from(["day", "span", "month", "due"]))
        rows.append((f"e{i}", draw(titles), form, first, first + timedelta(days=length)))
    return rows


def _yaml_text(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=schedules())
def test_round_trip_days_titles_uids(rows, tmp_path):
    lines = ["calendar: {domain: example.org, updated: 2020-01-01}", "events:"]
    for ident, title, form, first, last in rows:
        when = {"day": f"when: {first}", "span": f"when: {first}/{last}", "month": f"when: {first:%Y-%m}", "due": f"due: {first}"}[form]
        lines.append(f"  - {{id: {ident}, title: {_yaml_text(title)}, {when}}}")
    path = write(tmp_path, "\n".join(lines) + "\n")
    found = events(feed(path))
    assert sorted(found) == sorted(r[0] for r in rows)
    for ident, title, form, first, last in rows:
        e = found[ident]
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        summary = str(e["SUMMARY"])
        flat = " ".join(title.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        if form == "day":
            assert (start, end, summary) == (first, first + timedelta(days=1), flat)
        elif form == "span":
            assert (start, end, summary) == (first, last + timedelta(days=1), flat)
        elif form == "month":
            assert start == first.replace(day=1) and end.day == 1 and summary.startswith(flat + " (")
        else:
            assert (start, summary) == (first, "Due: " + flat)
        assert str(e["UID"]) == f"{ident}@example.org"


@pytest.mark.parametrize("line", ["SUMMARY:" + "é" * 100, "SUMMARY:" + "互" * 60, "DESCRIPTION:" + "a\\,b" * 40,
                                  "X:" + "x" * 72 + "\\n" + "y" * 10, "SHORT:ok"])
def test_fold_keeps_characters_and_escapes_whole(line):
    from timeline.render.ics import fold

    folded = fold(line)
    assert folded.endswith("\r\n")
    physical = folded[:-2].split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line
    assert not any(p.endswith("\\") for p in physical[:-1])


def test_escape_text():
    from timeline.render.ics import escape_text

    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def _fold_by_character(line: str) -> str:
    """Folding one character at a time: what `fold`'s slicing must equal."""
    parts, current, size, limit = [], "", 0, 75
    for i, ch in enumerate(line):
        width = len(ch.encode("utf-8"))
        if size + width > limit or (ch == "\\" and size + width + 1 > limit and i + 1 < len(line)):
            parts.append(current)
            current, size, limit = "", 0, 74
        current += ch
        size += width
    return "\r\n ".join(parts + [current]) + "\r\n"


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from("ab,;\\nX é互"), max_size=400))
def test_fold_cuts_where_a_character_by_character_fold_cuts(line):
    from timeline.render.ics import fold

    assert fold(line) == _fold_by_character(line)
    physical = fold(line)[:-2].split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)


def test_clean_removes_exactly_the_control_characters() -> None:
    import unicodedata

    from timeline.render.ics import clean

    breaks = "\r\x85\u2028\u2029"
    for c in map(chr, range(0x10000)):
        control = unicodedata.category(c) == "Cc" and c not in "\t\n" + breaks
        expected = "a\nb" if c in breaks else "ab" if control else f"a{c}b"
        assert clean(f"a{c}b") == expected, repr(c)
    assert clean("x\r\ny\rz\x00\tw") == "x\ny\nz\tw"


# -- hostile text (#14, items 17 and 18) --------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=80), st.text(alphabet="A,;\\\\é😀\n", min_size=1, max_size=40))
def test_folding_never_splits_an_escape_or_a_character(prefix, tail):
    from timeline.render.ics import escape_text, fold

    line = "SUMMARY:" + escape_text("A" * prefix + tail)
    folded = fold(line)
    parts = folded[:-2].split("\r\n ")
    assert "".join(parts) == line
    for part in parts:
        raw = part.encode("utf-8")
        assert len(raw) <= 75
        backslashes = len(part) - len(part.rstrip("\\"))
        assert backslashes % 2 == 0, f"a line ends inside an escape: {part!r}"


@pytest.mark.parametrize("separator", ["\u0085", "\u2028", "\u2029", "\r", "\r\n"])
def test_line_separators_are_line_breaks_and_control_characters_go(tmp_path, separator):
    from timeline.render.ics import clean

    assert clean(f"one{separator}two\x1b\x07\x00") == "one\ntwo"


# -- quiet feeds, and feeds of a sensible size (#18) -----------------------------------------------

QUIET = """\
calendar: {domain: q.example.org, updated: 2026-01-01}
events:
  - {id: week, title: Week, when: "[2026-03-02..2026-03-08]"}
  - {id: month, title: Month, when: 2026-04}
  - {id: by, title: By, when: "[..2026-05-31]"}
  - {id: from, title: From, when: "[2026-06-01..]"}
  - {id: phase, title: Phase, start: 2026-01-05, end: 2026-03-20}
  - {id: due, title: Due, due: 2026-07}
  - {id: old, title: Old, when: 2025-01-10}
"""


def test_quiet_is_the_default_and_marks_long_stretches_at_both_ends(tmp_path, run):
    feed = run("ics", "-f", str(write(tmp_path, QUIET))).stdout_bytes.decode().replace("\r\n ", "")
    summaries = [line[8:] for line in feed.split("\r\n") if line.startswith("SUMMARY:")]
    assert summaries == [
        "Old", "Phase · starts (5 Jan–20 Mar 2026)", "Phase · ends (5 Jan–20 Mar 2026)",
        "Week (2–8 Mar 2026\\, date to be set)",  # a week or less: one span
        "Month · window opens (Apr 2026\\, date to be set)", "Month · window closes (Apr 2026\\, date to be set)",
        "By (by 31 May 2026\\, date to be set)",  # open at the start: only its known edge, never an arbitrary day
        "From (from 1 Jun 2026\\, date to be set)", "Due: Due",
    ]
    uids = [line[4:] for line in feed.split("\r\n") if line.startswith("UID:")]
    assert uids[:3] == ["old@q.example.org", "phase@q.example.org", "phase.end@q.example.org"]
    span = run("ics", "-f", str(write(tmp_path, QUIET)), "--windows", "span").stdout_bytes.decode()
    assert "UID:month@q.example.org" in span and ".end@" not in span  # the same UID in every mode
    assert "DTSTART;VALUE=DATE:20260401\r\nDTEND;VALUE=DATE:20260501\r\n" in span


def test_calendar_windows_chooses_the_mode(tmp_path, run):
    path = write(tmp_path, QUIET.replace("updated: 2026-01-01}", "updated: 2026-01-01, windows: start}"))
    assert ".end@" not in run("ics", "-f", str(path)).stdout
    assert ".end@" in run("ics", "-f", str(path), "--windows", "quiet").stdout
    assert run("ics", "-f", str(path), "--windows", "loud").exit_code == 2


def test_keep_and_since_leave_out_what_ended_long_ago(tmp_path, run):
    kept = write(tmp_path, QUIET.replace("updated: 2026-01-01}", "updated: 2026-01-01, keep: 100y}"), "kept.yaml")
    assert "UID:old@" in run("ics", "-f", str(kept)).stdout
    kept.write_text(QUIET.replace("updated: 2026-01-01}", "updated: 2026-01-01, keep: 1d}"))
    with_keep = run("ics", "-f", str(kept)).stdout  # today is the real one: every event here ended before it
    assert "UID:old@" not in with_keep and "UID:phase@" not in with_keep and "UID:from@" in with_keep  # open: kept
    plain = write(tmp_path, QUIET, "plain.yaml")
    assert "UID:old@" in run("ics", "-f", str(plain)).stdout
    assert "UID:old@" not in run("ics", "-f", str(plain), "--since", "2025-06").stdout
    assert "UID:old@" in run("ics", "-f", str(plain), "--since", "2024").stdout


@pytest.mark.parametrize("setting, message", [
    ("keep: soon", "calendar.keep: bad duration 'soon'"),
    ("windows: loud", "calendar.windows: unknown mode 'loud'; expected one of quiet, span, start, end"),
])
def test_bad_feed_settings_are_located(tmp_path, run, setting, message):
    result = run("check", "-f", str(write(tmp_path, f"calendar:\n  {setting}\nevents: []\n")))
    assert result.exit_code == 1 and message in result.stderr and ":2:" in result.stderr


def test_build_warns_about_a_feed_over_a_megabyte(tmp_path, run):
    events = "".join(f"  - {{id: e{i}, title: {'Long title ' * 20}{i}, when: 2026-01-01, description: {'x' * 400}}}\n"
                     for i in range(1500))
    result = run("build", str(tmp_path / "site"), "-f", str(write(tmp_path, "events:\n" + events)))
    assert result.exit_code == 0
    assert f"{tmp_path / 'site'}/calendar.ics: warning: the feed is" in result.stderr
    assert "Google Calendar refuses feeds over about 1 MB: leave out old events with calendar.keep" in result.stderr
    small = run("build", str(tmp_path / "small"), "-f", str(write(tmp_path, QUIET, "small.yaml")))
    assert small.exit_code == 0 and small.stderr == ""


def test_each_feed_says_its_own_address_or_none(run, tmp_path):
    """SOURCE (RFC 7986) is where a client refreshes a feed from: never another feed's address."""
    from timeline.publish import SiteRequest, site_files

    schedule = schedule_at(STRESS)  # calendar.url: https://example.org/stress.ics
    files = site_files(schedule, SiteRequest(), None)
    sources = {path: re.search(rb"SOURCE;VALUE=URI:(\S+)", data).group(1).decode()
               for path, data in files.items() if path.endswith(".ics")}
    assert sources["calendar.ics"] == "https://example.org/calendar.ics"
    assert all(url == "https://example.org/" + path for path, url in sources.items())
    moved = site_files(schedule, SiteRequest(base_url="https://cal.example.net/plan/"), None)
    assert b"SOURCE;VALUE=URI:https://cal.example.net/plan/calendar.ics" in moved["calendar.ics"]
    part = run("ics", "-f", str(STRESS), "--kind", "meeting").stdout_bytes
    assert b"SOURCE" not in part  # a chosen part of the feed: its address is not known
    assert b"SOURCE;VALUE=URI:https://example.org/stress.ics" in run("ics", "-f", str(STRESS)).stdout_bytes

