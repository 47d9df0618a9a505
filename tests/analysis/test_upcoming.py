"""`timeline upcoming`: states, boundaries, replaying the past, JSON contract, exit codes, zones."""

from __future__ import annotations

import json
from datetime import date, datetime, UTC

import pytest

from timeline.dates import Duration
from ..conftest import schedule_at, write
from timeline.analysis.upcoming import find_upcoming


D = date
AS_OF = D(2005, 3, 1)


def states(tmp_path, body, as_of=AS_OF, within=None, calendar=""):
    """States as `upcoming` finds them; `within` None: not given (30 days, and each event's warn)."""
    path = write(tmp_path, f"{calendar}events:\n{body}")
    schedule = schedule_at(path, as_of)
    items = find_upcoming(schedule, None if within is None else Duration(within, "d")).items
    return {i.event.id: (i.state.value, i.date.isoformat(), i.days) for i in items}


@pytest.mark.parametrize(
    "when, expected",
    [
        # overdue: deadlines and milestones whose latest day has passed, at every precision
        ("due: 2005-02-28", ("overdue", "2005-02-28", -1)),
        ("due: 2005-01", ("overdue", "2005-01-31", -29)),
        ("due: 2004", ("overdue", "2004-12-31", -60)),
        ("when: [2004-11, 2004-12]", ("overdue", "2004-12-31", -60)),
        ("when: [..2005-02]", ("overdue", "2005-02-28", -1)),
        # due: the due date within the horizon, or its warning begun
        ("due: 2005-03-01", ("due", "2005-03-01", 0)),
        ("due: 2005-03-02", ("due", "2005-03-02", 1)),
        ("due: 2005-03", ("due", "2005-03-31", 30)),
        ("due: 2005-03-31", ("due", "2005-03-31", 30)),
        ("when: [..2005-03]", ("due", "2005-03-31", 30)),
        # ongoing: the as-of day lies inside the window
        ("when: 2005-03", ("ongoing", "2005-03-31", 30)),
        ("when: 2005", ("ongoing", "2005-12-31", 305)),
        ("when: 2005-03-01", ("ongoing", "2005-03-01", 0)),
        ("when: 2005-02~", ("ongoing", "2005-03-31", 30)),
        ("when: [2005-02..]", ("ongoing", "2005-03-01", 0)),
        # starting: the window opens within the horizon (the earliest possible day counts)
        ("when: 2005-03-02", ("starting", "2005-03-02", 1)),
        ("when: 2005-03-31", ("starting", "2005-03-31", 30)),
        ("when: [2005-03-20, 2005-06]", ("starting", "2005-03-20", 19)),
        ("when: 2005-03-15/2005-06", ("starting", "2005-03-15", 14)),
        ("when: 2005-04~", ("ongoing", "2005-05-31", 91)),
    ],
)
def test_each_state_at_each_precision(tmp_path, when, expected):
    kind = "deadline" if when.startswith("due") else "milestone"
    assert states(tmp_path, f"  - {{id: x, title: X, kind: {kind}, {when}}}\n") == {"x": expected}


def test_boundaries(tmp_path):
    found = states(tmp_path, """\
  - {id: due-today, title: A, due: 2005-03-01}
  - {id: due-tomorrow, title: B, due: 2005-03-02}
  - {id: at-horizon, title: C, when: 2005-03-31}
  - {id: past-horizon, title: D, when: 2005-04-01}
  - {id: warned-today, title: E, due: 2005-04-30, warn: 60d}
  - {id: warning-tomorrow, title: F, due: 2005-05-01, warn: 60d}
  - {id: start-warned-today, title: G, when: 2005-04-10, warn: 40d}
  - {id: deadline-past-horizon, title: H, due: 2005-04-01}
""")
    assert found == {
        "due-today": ("due", "2005-03-01", 0),
        "due-tomorrow": ("due", "2005-03-02", 1),
        "at-horizon": ("starting", "2005-03-31", 30),
        "warned-today": ("due", "2005-04-30", 60),
        "start-warned-today": ("starting", "2005-04-10", 40),
    }


def test_calendar_warn_is_the_default_lead(tmp_path):
    body = "  - {id: x, title: X, due: 2005-05-15}\n"
    assert states(tmp_path, body) == {}
    assert states(tmp_path, body, calendar="calendar: {warn: 11w}\n") == {"x": ("due", "2005-05-15", 75)}


def test_within_is_a_hard_bound(tmp_path):
    """`--within` given: nothing due or starting after it is listed, whatever its warn says
    (before, `--within 1d` listed items 12 days away, and `--within 0d` a deadline four
    weeks away)."""
    body = ("  - {id: warned, title: W, due: 2005-03-13, warn: 3w}\n"
            "  - {id: far, title: F, due: 2005-03-29, warn: 6w}\n"
            "  - {id: today, title: T, due: 2005-03-01}\n"
            "  - {id: late, title: L, due: 2005-02-27}\n")
    assert set(states(tmp_path, body)) == {"warned", "far", "today", "late"}
    assert set(states(tmp_path, body, within=1)) == {"today", "late"}
    assert states(tmp_path, body, within=0) == {"today": ("due", "2005-03-01", 0), "late": ("overdue", "2005-02-27", -2)}
    assert set(states(tmp_path, body, within=12)) == {"warned", "today", "late"}


def test_meetings_and_phases_in_the_past_are_history(tmp_path):
    assert states(tmp_path, """\
  - {id: m, title: M, kind: meeting, when: 2005-01}
  - {id: p, title: P, when: 2004-07/2004-10}
""") == {}


def test_done_and_cancelled_are_never_listed(tmp_path):
    body = """\
  - {id: done, title: A, due: 2005-02, actual: 2005-02-10}
  - {id: done-later, title: B, due: 2005-02, actual: 2005-03-10}
  - {id: cancelled, title: C, due: 2005-03-05, status: cancelled}
  - {id: marked-done, title: D, when: 2005-03-05, status: done}
"""
    assert states(tmp_path, body) == {"done-later": ("overdue", "2005-02-28", -1)}
    assert states(tmp_path, body, as_of=D(2005, 3, 10)) == {}


def test_default_data_as_of_15_october_2004(run, default_events):
    result = run("upcoming", "-f", str(default_events), "--as-of", "2004-10-15", "--json")
    data = json.loads(result.stdout)
    items = {i["id"]: i for i in data["items"]}
    assert (data["as_of"], data["within_days"]) == ("2004-10-15", 30)
    assert items["composition"] == {"id": "composition", "title": "Composition of the WGIG complete", "kind": "deadline",
                                    "state": "due", "date": "2004-10-31", "days": 16, "label": "by 31 Oct 2004",
                                    "when": "by 31 Oct 2004", "start": {"earliest": None, "latest": "2004-10-31"},
                                    "end": {"earliest": None, "latest": "2004-10-31"}, "location": None,
                                    "owners": ["UN Secretary-General"],
                                    "late_days": None, "why_late": None, "occurrence": None}
    assert (items["first-meeting"]["state"], items["first-meeting"]["date"], items["first-meeting"]["days"]) == ("starting", "2004-11-01", 17)
    for item in data["items"]:
        assert set(item) == {"id", "title", "kind", "state", "date", "days", "label", "when", "start", "end",
                             "location", "owners", "late_days", "why_late", "occurrence"}


def test_report_overdue_without_actual_and_fail_on_overdue(run, tmp_path):
    path = write(tmp_path, "events:\n  - {id: report, title: WGIG report issued, due: 2005-07}\n")
    result = run("upcoming", "-f", str(path), "--as-of", "2005-08-15", "--json", "--fail-on-overdue")
    assert result.exit_code == 3
    item = json.loads(result.stdout)["items"][0]
    assert (item["state"], item["date"], item["days"]) == ("overdue", "2005-07-31", -15)
    assert run("upcoming", "-f", str(path), "--as-of", "2005-07-15", "--fail-on-overdue").exit_code == 0
    assert run("upcoming", "-f", str(path), "--as-of", "2005-08-15").exit_code == 0


def test_text_output(run, tmp_path):
    path = write(tmp_path, """\
events:
  - {id: a, title: Composition, due: 2004-10}
  - {id: b, title: First meeting, kind: meeting, when: [2004-11, 2004-12], location: Geneva}
  - {id: c, title: Setup, when: 2004-07/2004-10}
  - {id: d, title: Chair, when: 2004-09}
""")
    result = run("upcoming", "-f", str(path), "--as-of", "2004-10-15")
    assert result.stdout == (
        "overdue   Sep 2004        15 days ago  Chair\n"
        "due       by 31 Oct 2004  in 16 days   Composition\n"
        "ongoing   Jul–Oct 2004    in 16 days   Setup\n"
        "starting  Nov–Dec 2004    in 17 days   First meeting  @ Geneva\n"
        "1 due, 1 ongoing, 1 starting, 1 overdue\n"
    )


def test_nothing_in_the_horizon_names_the_next_event(run, tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: Summit, when: 2005-11}\n")
    result = run("upcoming", "-f", str(path), "--as-of", "2005-06-01")
    assert result.stdout == "Nothing in the next 30 days; next: Summit, Nov 2005 (from 1 Nov 2005, in 5 months).\n"


def test_everything_in_the_past(run, tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: Summit, kind: meeting, when: 2005-11-16/2005-11-18}\n")
    result = run("upcoming", "-f", str(path), "--as-of", "2026-11-28")
    assert result.stdout == "Nothing lies ahead: the whole schedule is in the past (its last day, 18 Nov 2005, was 21 years ago).\n"


def test_within_and_filters(run, default_events):
    wide = json.loads(run("upcoming", "-f", str(default_events), "--as-of", "2004-10-15", "--within", "1y", "--json").stdout)
    assert wide["within_days"] == 365
    only = json.loads(run("upcoming", "-f", str(default_events), "--as-of", "2004-10-15", "--kind", "deadline", "--json").stdout)
    assert [i["id"] for i in only["items"]] == ["composition"]
    bad = run("upcoming", "-f", str(default_events), "--within", "soon")
    assert bad.exit_code == 2 and "bad duration" in bad.stderr


def test_today_follows_the_calendar_zone(run, tmp_path, monkeypatch):
    import timeline.cli as cli

    monkeypatch.setattr(cli, "now_utc", lambda: datetime(2005, 3, 1, 12, 0, tzinfo=UTC))
    body = "events:\n  - {id: a, title: A, due: 2005-03-01}\n"
    auckland = write(tmp_path, "calendar: {timezone: Pacific/Auckland}\n" + body, "auckland.yaml")
    los_angeles = write(tmp_path, "calendar: {timezone: America/Los_Angeles}\n" + body, "la.yaml")
    a = json.loads(run("upcoming", "-f", str(auckland), "--json").stdout)
    b = json.loads(run("upcoming", "-f", str(los_angeles), "--json").stdout)
    assert (a["as_of"], b["as_of"]) == ("2005-03-02", "2005-03-01")
    assert (a["items"][0]["state"], b["items"][0]["state"]) == ("overdue", "due")


def test_lead_in_hours():
    from timeline.analysis.upcoming import lead_start

    assert lead_start(D(2005, 3, 10), Duration(36, "h")) == D(2005, 3, 8)
