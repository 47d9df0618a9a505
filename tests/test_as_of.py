"""One day for every command, and a plan that falls behind never goes dark (#23).

The invariant: any file that passes `check` works in every command as of any day, every
command tells the same story of each event, and each projection is named. Held by a
property test over generated plans (references with offsets on every bound, after,
before, parents, series, every precision, some actuals), run in process; the examples of
the issue are kept as tests beside it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from timeline import cli
from timeline.days import DayArg
from timeline.pipeline import load_schedule
from timeline.web import Site

from .conftest import NOW, by_id, schedule_at, write
from .strategies import date_text

ISSUE = """\
calendar: {timezone: UTC}
events:
  - {id: draft, title: Draft due, due: 2026-05-01}
  - {id: review, title: Review a week after the draft, when: draft.end + 1w}
  - {id: comments, title: Comment period, start: review.end + 1d, end: 2026-06-15}
  - {id: phase, title: Phase, start: 2026-04, end: 2026-06}
  - {id: sub, title: Ends with the phase, start: draft.end, end: phase.end}
"""

EPOCH = {"SOURCE_DATE_EPOCH": "1780000000"}
"""Feeds stamped alike, so that those of different commands compare byte for byte."""


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI in process with its clock at NOW: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli.app, list(args), env=EPOCH, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(cli, "now_utc", lambda: NOW)
    for key, value in EPOCH.items():
        monkeypatch.setenv(key, value)


# -- the issue's example ----------------------------------------------------------------------


@pytest.mark.parametrize("day, late", [("2026-06-10", {"review", "comments", "sub"}), ("2026-07-15", {"review", "comments", "sub"})])
def test_the_issues_plan_is_projected_in_every_view(tmp_path, day, late):
    path = str(write(tmp_path, ISSUE))
    events = by_id(schedule_at(path, date.fromisoformat(day)))
    assert {e.id for e in events.values() if e.projected_by is not None} == late
    assert events["comments"].label.endswith("(projected)") and events["comments"].start.earliest > date(2026, 6, 15)
    assert "'review' (itself projected)" in events["comments"].projection
    assert "'draft': " not in events["comments"].projection  # the chain names each link once
    assert f"'draft' (overdue: not done by {day})" in events["comments"].projection
    code, out, err = invoke("check", "-f", path, "--as-of", day)
    assert (code, out) == (0, "5 events OK\n") and all(f"'{i}' is projected" in err for i in late)
    code, out, _ = invoke("upcoming", "-f", path, "--as-of", day, "--json")
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert code == 0 and {i for i, item in items.items() if item["state"] == "at-risk"} == late
    assert items["comments"]["why_late"] == events["comments"].projection
    code, out, _ = invoke("slips", "-f", path, "--as-of", day, "--json")
    assert code == 0 and {i["id"] for i in json.loads(out)["items"] if i["verdict"] == "projected-late"} == late
    code, out, _ = invoke("gantt", "-f", path, "--as-of", day, "--width", "90", "--color", "never")
    notes = out[out.index("As of "):].replace("\n    ", " ")  # below the legend: why each row is where it is
    assert code == 0 and all(f"{events[i].title}: {events[i].label}, at least" in notes for i in late)
    assert "start: review.end + 1d follows 'review' (itself projected)" in notes
    code, feed, _ = invoke("ics", "-f", path, "--as-of", day)
    unfolded = re.sub(r"\r?\n ", "", feed)
    assert code == 0 and unfolded.count("Projected: at least") >= len(late)
    code, _, _ = invoke("build", str(tmp_path / "site"), "-f", path, "--as-of", day)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert code == 0 and f"Comment period: {events['comments'].label}" in page
    code, out, _ = invoke("explain", "comments", "-f", path, "--as-of", day)
    assert code == 0 and "← draft end earliest" in out
    code, out, _ = invoke("forecast", "-f", path, "--as-of", day, "--runs", "200")
    assert code == 0


def test_a_written_contradiction_is_still_an_error_on_every_day(tmp_path):
    path = str(write(tmp_path, ISSUE + "  - {id: early, title: Early, when: 2026-05-10, after: phase}\n"))
    for day in ("2025-01-01", "2026-06-10", "2030-01-01"):
        code, _, err = invoke("check", "-f", path, "--as-of", day)
        assert code == 1 and "contradiction: the window of 'early' is empty" in err
        assert invoke("upcoming", "-f", path, "--as-of", day)[0] == 1


def test_a_server_starts_on_a_plan_whose_deadline_passed_unrecorded(tmp_path):
    path = str(write(tmp_path, ISSUE))
    site = Site(path, clock=lambda: NOW, log=lambda line: None)
    assert site.error is None and site.today == date(2026, 11, 30)
    body = re.sub(r"\r?\n ", "", site.files["calendar.ics"].body.decode("utf-8"))
    assert "SUMMARY:Comment period (from 8 Dec 2026 (projected)" in body  # review 7 Dec, a week after today


def test_every_day_option_is_one_option(tmp_path):
    path = str(write(tmp_path, ISSUE))
    for command in ("check", "list", "ics", "upcoming", "gantt", "slips", "forecast", "diff"):
        args = [command, "-f", path, "--as-of", "2026-06-10"] + (["--runs", "100"] if command == "forecast" else [])
        if command == "diff":
            args = ["diff", path, path, "-f", path, "--as-of", "2026-06-10"]
        assert invoke(*args)[0] == 0, command
    assert invoke("explain", "draft", "-f", path, "--as-of", "2026-06-10")[0] == 0
    for command in ("gantt", "build"):  # --today stays, the same option
        args = [command] + ([str(tmp_path / "site")] if command == "build" else []) + ["-f", path, "--today", "2026-06-10"]
        assert invoke(*args)[0] == 0, command


@pytest.mark.parametrize("value", ["soon", "2026-13-01", "in 9000 years", "9000 years ago", "an hour ago"])
@pytest.mark.parametrize("command", ["check", "list", "ics", "upcoming", "gantt", "slips", "explain", "diff", "build",
                                     "forecast", "serve"])
def test_a_day_that_is_no_day_is_a_usage_error(tmp_path, command, value):
    path = str(write(tmp_path, ISSUE))
    args = {"explain": ["explain", "draft"], "diff": ["diff", path, path], "build": ["build", str(tmp_path / "site")]}
    code, _, err = invoke(*args.get(command, [command]), "-f", path, "--as-of", value)
    assert code == 2 and "--as-of" in err and "Traceback" not in err, (command, value, err)
    assert not (tmp_path / "site").exists()


def test_list_ics_build_and_upcoming_show_the_same_windows(tmp_path):
    path = str(write(tmp_path, ISSUE))
    day = "2026-06-10"
    _, listed, _ = invoke("list", "-f", path, "--as-of", day, "--format", "json")
    labels = {e["id"]: e["label"] for e in json.loads(listed)["events"]}
    _, feed, _ = invoke("ics", "-f", path, "--as-of", day)
    invoke("build", str(tmp_path / "site"), "-f", path, "--as-of", day)
    assert (tmp_path / "site" / "calendar.ics").read_bytes() == feed.encode("utf-8")
    site = Site(path, clock=lambda: NOW, log=lambda line: None, as_of=DayArg(day, date.fromisoformat(day)))
    assert site.files["calendar.ics"].body == feed.encode("utf-8")
    assert site.files["index.html"].body == (tmp_path / "site" / "index.html").read_bytes()
    _, out, _ = invoke("upcoming", "-f", path, "--as-of", day, "--json")
    assert all(labels[i["id"]] == i["when"] for i in json.loads(out)["items"])


# -- the invariant, over generated plans --------------------------------------------------------

BASE = date(2026, 3, 2)


def _day(offset: int) -> str:
    return (BASE + timedelta(days=offset)).isoformat()


NEAR = st.dates(min_value=BASE, max_value=BASE + timedelta(days=600))
"""The days of the generated plans."""


@st.composite
def reference(draw, earlier: list[str]) -> str:
    target = draw(st.sampled_from(earlier))
    part = draw(st.sampled_from(["", ".start", ".end"]))
    amount = draw(st.integers(0, 8))
    unit = draw(st.sampled_from("dwm"))
    return f"{target}{part}" + (f" + {amount}{unit}" if amount else "")


@st.composite
def plans(draw) -> str:
    """An events file of 2 to 9 events, each date written or referring to an earlier event;
    an `after` is sometimes stated from both sides (the earlier event `before` the later)."""
    count = draw(st.integers(2, 9))
    lines = ["calendar: {timezone: Europe/Zurich}", "events:"]
    phases: list[str] = []
    ids: list[str] = []
    series: set[str] = set()
    written_fields: dict[str, list[str]] = {}
    befores: dict[str, list[str]] = {f"e{i}": [] for i in range(count)}
    written = date_text(NEAR).map(json.dumps)  # quoted for the flow mapping
    for i in range(count):
        ident = f"e{i}"
        date_of = (lambda: draw(st.one_of(written, reference(ids)))) if ids else (lambda: draw(written))
        shape = draw(st.sampled_from(["when", "due", "span", "series"]))
        if shape == "span":
            fields = [f"start: {date_of()}", f"end: {date_of()}"]
        elif shape == "series":
            until = f"until: {draw(st.sampled_from(ids))}" if ids and draw(st.booleans()) else f"count: {draw(st.integers(1, 8))}"
            first = draw(st.integers(0, 300))
            fields = [f"when: {_day(first)}", f"repeat: {{every: week, {until}}}"]
            if draw(st.booleans()):  # what became of its second occurrence
                record = draw(st.sampled_from(["{status: cancelled}", "{status: done}", f"{{when: {_day(first + 8)}}}"]))
                fields.append(f"occurrences: {{{_day(first + 7)}: {record}}}")
        else:
            fields = [f"{shape}: {date_of()}"]
        if ids and shape != "series" and draw(st.booleans()):
            first = draw(st.sampled_from(ids))
            fields.append(f"after: [{first}]")
            if first not in series and draw(st.booleans()):  # the same order stated from its side too
                befores[first].append(ident)
        if ids and shape != "series" and draw(st.integers(0, 4)) == 0:
            befores[ident].append(draw(st.sampled_from(ids)))
        if phases and shape != "series" and draw(st.booleans()):
            fields.append(f"parent: {draw(st.sampled_from(phases))}")
        if shape != "series" and draw(st.integers(0, 3)) == 0:
            fields.append(f"actual: {_day(draw(st.integers(0, 700)))}")
        elif shape != "series" and draw(st.integers(0, 5)) == 0:
            fields.append(f"status: {draw(st.sampled_from(['cancelled', 'done', 'confirmed']))}")
        written_fields[ident] = fields
        ids.append(ident)
        if shape == "span":
            phases.append(ident)
        if shape == "series":
            series.add(ident)
    for i, (ident, fields) in enumerate(written_fields.items()):
        if befores[ident]:
            fields.append(f"before: [{', '.join(befores[ident])}]")
        lines.append(f"  - {{id: {ident}, title: Event {i}, {', '.join(fields)}}}")
    return "\n".join(lines) + "\n"


EXITS = {0, 3, 4}
"""The documented exit codes of a command that worked (3: --fail-on-overdue, 4: diff --exit-code)."""


def _valid(path: str) -> bool:
    try:
        load_schedule(path, NOW)
        return True
    except Exception as e:  # noqa: BLE001 - the check itself must never raise anything else
        assert type(e).__name__ == "EventsFileError", repr(e)
        return False


EXAMPLES = int(os.environ.get("TIMELINE_EXAMPLES", "60" if os.environ.get("CI") else "25"))
"""Generated plans per run: 60 in CI, 25 in the fast loop; TIMELINE_EXAMPLES=3000 to hunt."""


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=plans(), when=st.integers(-365, 1300))
def test_a_file_that_passes_check_works_in_every_command_on_every_day(tmp_path_factory, text, when):
    folder = tmp_path_factory.mktemp("plan")
    path = str(write(folder, text))
    assume(_valid(path))
    day = (BASE + timedelta(days=when)).isoformat()
    schedule = load_schedule(path, NOW, DayArg(day, date.fromisoformat(day)))
    projected = {e.id for e in schedule.events if e.projected_by is not None}
    code, out, err = invoke("check", "-f", path, "--as-of", day)
    assert code == 0 and out.endswith(("events OK\n", "event OK\n")), err
    assert {m for m in re.findall(r"'(e\d+)' is projected", err)} == projected
    views = {
        "list": ["list", "--format", "json"], "ics": ["ics"], "upcoming": ["upcoming", "--json", "--fail-on-overdue"],
        "gantt": ["gantt", "--width", "80", "--color", "never"], "slips": ["slips", "--json", "--occurrences"],
        "forecast": ["forecast", "--runs", "100", "--json"], "diff": ["diff", path, path, "--exit-code"],
        "explain": ["explain", schedule.events[-1].id, "--json"],
        "mermaid": ["gantt", "--format", "markdown"], "calendar": ["calendar", day, "--width", "60"],
    }
    outputs = {}
    for name, args in views.items():
        code, out, err = invoke(*args, "-f", path, "--as-of", day)
        assert code in EXITS and not err.startswith("Traceback"), (name, code, err)
        outputs[name] = out
    listed = {e["id"]: e for e in json.loads(outputs["list"])["events"]}
    assert {i for i, e in listed.items() if e["projected_by"] is not None} == projected
    feed = re.sub(r"\r?\n ", "", outputs["ics"])
    for ident in projected:  # every projection is named in the feed, with its reason
        block = feed[feed.index(f"UID:{ident}@"):]
        assert "Projected: at least" in block[:block.index("END:VEVENT")], ident
    for item in json.loads(outputs["upcoming"])["items"]:  # upcoming shows the windows list shows
        assert item["when"] == listed[item["id"]]["label"] or item["occurrence"] is not None
    site = folder / "site"
    assert invoke("build", str(site), "-f", path, "--as-of", day)[0] == 0
    assert (site / "calendar.ics").read_bytes() == outputs["ics"].encode("utf-8")
    served = Site(path, clock=lambda: NOW, log=lambda line: None, as_of=DayArg(day, date.fromisoformat(day)))
    assert served.error is None and served.files["calendar.ics"].body == outputs["ics"].encode("utf-8")
    assert Path(path).read_text(encoding="utf-8") == text  # no view changes the file


# -- every kind of link ------------------------------------------------------------------------

LINKS = """\
calendar: {timezone: UTC}
events:
  - {id: draft, title: Draft due, due: 2026-05-01}
  - {id: phase, title: Phase, start: 2026-04, end: 2026-06}
  - {id: part, title: Part of the phase, when: draft.end + 2w, parent: phase}
  - {id: next, title: After the phase, when: 2026-07-01, after: phase}
  - {id: a, title: Must precede b, when: "[2026-05-01..2026-05-20]", after: draft, before: b}
  - {id: b, title: B, when: 2026-07-20}
  - {id: call, title: Weekly call, when: 2026-04-06, repeat: {every: week, until: part}}
"""


def test_a_part_pushed_beyond_its_phase_stretches_the_phase_and_what_follows_it(tmp_path):
    events = by_id(schedule_at(write(tmp_path, LINKS), date(2026, 6, 25)))
    part, phase, nxt = events["part"], events["phase"], events["next"]
    assert part.start.earliest == date(2026, 7, 9) and part.label == "9 Jul 2026 (projected)"
    assert phase.end.earliest == date(2026, 7, 9) and phase.projected_by == 9
    assert phase.projection == ("its part 'part' is projected to end on or after 2026-07-09, after the phase's "
                                "planned end (2026-06-30)")
    assert nxt.start.earliest == date(2026, 7, 9) and "'phase' (itself projected)" in nxt.projection
    assert phase.planned_end.latest == date(2026, 6, 30)  # the plan is kept beside the projection


def test_a_before_that_can_no_longer_hold_puts_both_at_risk(tmp_path):
    events = by_id(schedule_at(write(tmp_path, LINKS), date(2026, 7, 25)))
    a, b = events["a"], events["b"]
    assert a.projected_by is not None and "it must end before 'b' starts (by 2026-07-20), which it no longer can" in a.projection
    assert b.at_risk is None  # b is overdue by then: that says more
    events = by_id(schedule_at(write(tmp_path, LINKS.replace("2026-07-20", "2026-08-20")), date(2026, 8, 25)))
    assert events["b"].overdue
    early = by_id(schedule_at(write(tmp_path, LINKS.replace("when: 2026-07-20", "when: 2026-07-20/2026-08-31")),
                              date(2026, 7, 25)))
    assert early["b"].at_risk == "'a', which must end before it starts, can end no sooner than 2026-07-25"
    path = str(tmp_path / "events.yaml")
    code, out, _ = invoke("upcoming", "-f", path, "--as-of", "2026-07-25", "--json")
    item = next(i for i in json.loads(out)["items"] if i["id"] == "b")
    assert (item["state"], item["late_days"], item["why_late"]) == ("at-risk", None, early["b"].at_risk)
    assert "'b' is at risk as of 2026-07-25" in invoke("check", "-f", path, "--as-of", "2026-07-25")[2]
    feed = re.sub(r"\r?\n ", "", invoke("ics", "-f", path, "--as-of", "2026-07-25")[1])
    assert "At risk: 'a'\\, which must end before it starts" in feed


def test_a_series_until_an_event_runs_until_where_that_event_is_now(tmp_path):
    path = write(tmp_path, LINKS)
    planned = by_id(schedule_at(path, date(2026, 4, 1)))["call"]
    assert planned.label == "every Monday from 6 Apr 2026 until 11 May 2026" and planned.projection is None
    late = by_id(schedule_at(path, date(2026, 6, 25)))["call"]
    assert late.end.latest == date(2026, 7, 6) and late.label == "every Monday from 6 Apr 2026 until 6 Jul 2026 (projected)"
    assert late.planned_label == planned.label and late.series.until == date(2026, 7, 9)
    assert "it repeats until part, and 'part' is itself projected, so until 2026-07-09" in late.projection


def test_a_projection_that_leaves_the_years_stays_open(tmp_path):
    body = "events:\n  - {id: a, title: A, when: 9999-11-01}\n  - {id: b, title: B, when: a.end + 3w}\n"
    path = str(write(tmp_path, body))
    assert by_id(schedule_at(path, date(9999, 12, 31)))["b"].label == "from 31 Dec 9999 (projected)"
    for command in ("list", "ics", "upcoming", "gantt", "slips", "check"):
        code, _, err = invoke(command, "-f", path, "--as-of", "9999-12-31")
        assert code == 0, (command, err)


# -- dates people write on the command line ---------------------------------------------------

@pytest.mark.parametrize("words, day", [("1 year ago", "2025-11-30"), ("in 1 week", "2026-12-07"), ("a day ago", "2026-11-29"),
                                        ("in 1 day", "2026-12-01"), ("2 years ago", "2024-11-30"), ("in a month", "2026-12-30")])
def test_relative_days_in_the_singular(tmp_path, words, day):
    path = str(write(tmp_path, ISSUE))
    code, out, _ = invoke("upcoming", "-f", path, "--as-of", words, "--json")
    assert code == 0 and json.loads(out)["as_of"] == day
    assert invoke("ics", "-f", path, "--since", words)[0] == 0  # the README's --since '1 year ago'
