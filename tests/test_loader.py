"""Loading and validation: one data file per bad input, with the exact message it must produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import loader, source
from timeline.errors import EventsFileError, FileAccessError
from timeline.model import Kind, Status

from .conftest import DATA, write

BAD = sorted((DATA / "bad").glob("*.yaml"))


def load_events(path: str):  # type: ignore[no-untyped-def]
    """Read and validate a file (no resolution), raising every problem."""
    events_file, problems, _ = loader.validate(source.read_source(path))
    if problems:
        raise EventsFileError(problems)
    return events_file


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_input_gives_located_message(path: Path, run, monkeypatch):
    monkeypatch.chdir(path.parent)
    result = run("check", "-f", path.name)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (path.with_suffix(".err")).read_text(encoding="utf-8")
    for line in result.stderr.splitlines():
        name, lineno, col, message = line.split(":", 3)
        assert name == path.name and int(lineno) >= 1 and int(col) >= 1 and message.strip()
    assert "Traceback" not in result.stderr


def test_every_problem_is_reported_not_just_the_first(tmp_path, run):
    path = write(tmp_path, """\
events:
  - id: Bad Id
    title: A
    when: 2004-11
  - id: b
    title: B
    when: not a date
  - id: c
    title: C
    when: 2004-11
    colour: red
""")
    result = run("check", "-f", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[1:3] for line in lines] == [["2", "9"], ["7", "11"], ["11", "5"]]


def test_missing_file_is_one_line(run, tmp_path):
    result = run("check", "-f", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'nope.yaml'}: no such file (give one with -f PATH or $TIMELINE_FILE)\n"


def test_file_over_size_limit_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path, "events: []\n" + "# padding\n" * 20)
    monkeypatch.setattr(source, "MAX_BYTES", 100)
    with pytest.raises(FileAccessError, match="the limit is 100 bytes"):
        load_events(str(path))


def test_not_utf8_is_located(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("events:\n  - id: a\n    title: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(EventsFileError) as e:
        load_events(str(path))
    assert str(e.value) == f"{path}:3:15: the file is not valid UTF-8; save it as UTF-8"


def test_standard_input(run, default_events):
    result = run("check", "-f", "-", input=default_events.read_text(encoding="utf-8"))
    assert result.exit_code == 0 and result.stdout.endswith(("events OK\n", "event OK\n"))


def test_yaml_dates_and_lists_are_the_same_as_strings(tmp_path):
    path = write(tmp_path, """\
events:
  - {id: a, title: A, when: 2004-11-23}
  - {id: b, title: B, when: "2004-11-23"}
  - {id: c, title: C, when: [2004-11, 2004-12]}
  - {id: d, title: D, when: "[2004-11, 2004-12]"}
  - {id: e, title: E, when: [..2005-07]}
  - {id: f, title: F, when: 2004}
""")
    ev = {e.id: e for e in load_events(str(path)).events}
    assert ev["a"].start == ev["b"].start
    assert ev["c"].start == ev["d"].start
    assert ev["e"].start.earliest is None
    assert ev["f"].start.latest.isoformat() == "2004-12-31"


def test_kind_and_status_defaults(tmp_path):
    path = write(tmp_path, """\
events:
  - {id: a, title: A, due: 2005-07}
  - {id: b, title: B, start: 2004-07, end: 2004-10}
  - {id: c, title: C, when: 2004-11-23}
  - {id: d, title: D, when: 2004-11-23, actual: 2004-11-24}
""")
    ev = {e.id: e for e in load_events(str(path)).events}
    assert [ev[i].kind for i in "abcd"] == [Kind.DEADLINE, Kind.PHASE, Kind.MILESTONE, Kind.MILESTONE]
    assert ev["a"].is_due and ev["b"].is_span


@pytest.mark.parametrize(
    "body, message",
    [
        ("{id: a, title: A, when: 2004, status: finished}", "unknown status 'finished'; expected one of tentative, confirmed, done, cancelled"),
        ("{id: a, title: A, when: 2004, kind: workshop}", "unknown kind 'workshop'; expected one of phase, meeting, milestone, deadline"),
        ("{id: a, title: A, when: 2004, status: cancelled, actual: 2004-05-01}", "status 'cancelled' contradicts 'actual'"),
        ("{id: a, title: A, when: 2004, actual: b}", "actual must be a date (what really happened), not a reference"),
        ("{id: a, title: A, start: 2004}", "'start' needs 'end'"),
        ("{id: a, title: A}", "event has no date"),
        ("{id: a, title: A, kind: deadline, when: 2004/2005}", "a deadline is a single date"),
        ("{id: a, title: A, when: 2004, tags: [Not OK]}", "bad tag 'Not OK'"),
        ("{id: a, title: A, when: 2004, parent: [x, y]}", "parent must be one id, not a list"),
        ("{id: 2004-11, title: A, when: 2004}", "an id must not look like a date"),
        ("{id: a, title: true, when: 2004}", "title must be text, not the boolean true"),
        ("{id: a, title: A, when: 2004, title: B}", "duplicate key 'title' in an event (first at line 2)"),
        ("{id: a, title: A, when: 2004, [x]: 1}", "2:35: keys of an event must be plain names"),
        ("{id: a, title: A, due: 2004/2005}", "is a span; here a single date"),
    ],
)
def test_event_problems(tmp_path, body, message):
    path = write(tmp_path, f"events:\n  - {body}\n")
    with pytest.raises(EventsFileError) as e:
        load_events(str(path))
    assert message in str(e.value)
    assert str(e.value).startswith(f"{path}:2:")


def test_calendar_settings(tmp_path):
    path = write(tmp_path, """\
calendar:
  name: Mine
  domain: example.org
  timezone: Pacific/Auckland
  updated: 2005-07-18
  warn: 3w
  refresh: 12h
  url: https://example.org/calendar.ics
events: []
""")
    cal = load_events(str(path)).calendar
    assert (cal.name, cal.domain, cal.timezone, cal.updated.isoformat(), str(cal.warn), str(cal.refresh), cal.url) == (
        "Mine", "example.org", "Pacific/Auckland", "2005-07-18", "3w", "12h", "https://example.org/calendar.ics")


def test_calendar_problems(tmp_path):
    path = write(tmp_path, """\
calendar:
  refresh: 1m
  domain: not a domain
  colour: blue
events: []
""")
    with pytest.raises(EventsFileError) as e:
        load_events(str(path))
    assert [str(p).split(": ", 1)[1] for p in e.value.problems] == [
        "calendar.refresh must be hours, days or weeks above zero, such as 12h or 1d",
        "calendar.domain must be a host name such as example.org",
        "unknown key 'colour' in calendar; expected one of name, domain, timezone, updated, warn, refresh, url, windows, keep",
    ]


def test_status_done_is_kept(tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: 2004, status: done}\n")
    assert load_events(str(path)).events[0].status == Status.DONE


def test_ids_and_tags_with_a_line_break_are_refused(tmp_path):
    path = write(tmp_path, 'events:\n  - id: "a\\n"\n    title: A\n    when: 2005\n    tags: ["b\\n"]\n')
    with pytest.raises(EventsFileError) as e:
        load_events(str(path))
    text = str(e.value)
    assert "2:9: bad id 'a\\n'" in text and "bad tag 'b\\n'" in text
    assert len(text.splitlines()) == 2  # one line per problem (#14, item 20)


@pytest.mark.parametrize("event, messages", [
    ("{id: a, title: A, when: 2026-05-05T15:00 America/New_York}",
     ["when: bad date '2026-05-05T15:00 America/New_York': a time zone is not written in the date; write the time "
      "alone (2026-05-05T15:00) and the zone as the event's timezone: America/New_York"]),
    ("{id: a, title: A, when: 2026, tags: [Public, wide review, ok]}",
     ["3:42: bad tag 'Public'", "3:50: bad tag 'wide review'"]),
    ("{id: a, title: A, when: 2026, lenght: 1h}", ["unknown key 'lenght' in an event; did you mean 'duration'?"]),
    ("{id: a, title: A, date: 2026}", ["event has no date", "unknown key 'date' in an event; did you mean 'when'?"]),
    ("{id: a, title: A, when: 2026, durtion: 1h}", ["did you mean 'duration'?"]),
])
def test_messages_that_used_to_mislead(tmp_path, run, event, messages):
    """Each problem reported, with a hint where the cause is common (#17)."""
    path = write(tmp_path, "events:\n  - {id: z, title: Z, when: 2026}\n  - " + event + "\n")
    result = run("check", "-f", str(path))
    assert result.exit_code == 1
    for message in messages:
        assert message in result.stderr, result.stderr
    assert result.stderr.count("\n") == len(messages)


def test_an_unquoted_colon_gets_a_hint(tmp_path, run):
    path = write(tmp_path, "events:\n  - id: a\n    title: Report: final\n    when: 2026\n")
    result = run("check", "-f", str(path))
    assert result.exit_code == 1 and result.stderr.startswith(f"{path}:3:18: YAML syntax error: mapping values")
    assert "must be quoted, such as title: \"Report: final draft\"" in result.stderr


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 250_000])
def test_reading_is_bounded_whatever_the_stream_says_its_size_is(monkeypatch, size):
    """A pipe reports no size, a file may grow while it is read: at most MAX_BYTES + 1 are read."""
    import io

    monkeypatch.setattr(source, "MAX_BYTES", 100_000)
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    for claimed in (0, size, 7):
        got = source.read_bounded(io.BytesIO(data), claimed)
        assert got == data[: source.MAX_BYTES + 1]


def test_where_each_value_is_written_is_kept_packed(tmp_path):
    """`Positions` answers as the dict of (line, col) it packs, and the key tuple is shared."""
    path = write(tmp_path, "events:\n  - id: a\n    title: A\n    when: 2004-11\n"
                           "  - {id: b,   title: B, when: 2004-12, location: Geneva}\n"
                           "  - id: c\n    title: C\n    when: 2005-01\n")
    a, b, c = load_events(str(path)).events
    assert [a.position(k) for k in ("id", "title", "when")] == [(2, 9), (3, 12), (4, 11)]
    flow = path.read_text().splitlines()[4]
    assert [b.position(k) for k in ("id", "title", "when", "location")] == [
        (5, flow.index(v) + 1) for v in ("b,", "B,", "2004-12", "Geneva")]
    assert "when" in a.where and "due" not in a.where and a.where.get("due") is None
    assert a.position("parent") == (a.line, a.col)  # not written: the event itself
    assert a.where.keys is c.where.keys  # written with the same keys: one tuple


def test_events_before_the_calendar_are_read_in_its_zone(tmp_path):
    """The file is validated as it is read; events listed before `calendar:` wait for its zone."""
    text = "events:\n  - id: a\n    title: A\n    when: 2004-11-15T09:00\ncalendar:\n  timezone: Asia/Tokyo\n"
    events, calendar = text.split("calendar:")
    late = load_events(str(write(tmp_path, text, "late.yaml")))
    early = load_events(str(write(tmp_path, "calendar:" + calendar + events, "early.yaml")))
    assert late.calendar == early.calendar and late.calendar.timezone == "Asia/Tokyo"
    assert [(e.id, e.start, e.end) for e in late.events] == [(e.id, e.start, e.end) for e in early.events]


def _peak(path: Path) -> int:
    """The most memory validating a file took at once, in bytes."""
    import tracemalloc

    read = source.read_source(str(path))
    tracemalloc.start()
    try:
        loader.validate(read)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_file_without_a_calendar_is_read_an_event_at_a_time(tmp_path):
    """Events are held for a calendar block only where one may follow them: a file without
    one (what `import` writes from a CSV) takes no more memory than a file whose calendar
    comes first, where holding every event's nodes took four times as much."""
    events = "".join(f"  - id: event-number-{i}\n    title: Event number {i}\n    when: 2026-03-{i % 28 + 1:02d}\n"
                     for i in range(3000))
    bare = write(tmp_path, "events:\n" + events, "bare.yaml")
    first = write(tmp_path, "calendar: {timezone: UTC}\nevents:\n" + events, "first.yaml")
    last = write(tmp_path, "events:\n" + events + "calendar: {timezone: UTC}\n", "last.yaml")
    assert _peak(bare) < 1.5 * _peak(first) < _peak(last)


def test_a_calendar_key_spelt_with_escapes_after_the_events_still_sets_their_zone(tmp_path):
    """The word `calendar` is nowhere in the text, yet a key reads as it: the events read in
    UTC are read again in the calendar's zone."""
    path = write(tmp_path, 'events:\n  - {id: m, title: M, kind: meeting, when: 2026-03-29T01:30, duration: 2h}\n'
                           '"\\x63alendar": {timezone: Europe/Zurich}\n')
    events_file, problems, _ = loader.validate(source.read_source(str(path)))
    assert problems == [] and events_file.calendar.timezone == "Europe/Zurich"
    end = events_file.events[0].end.moment  # two hours across the clock change, in Zurich
    assert (str(end.tzinfo), end.hour, end.minute) == ("Europe/Zurich", 4, 30)
