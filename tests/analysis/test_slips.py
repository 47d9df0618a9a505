"""`timeline slips`: verdicts and days for actuals against windowed plans, and no-record."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ..conftest import schedule_at, write
from timeline.analysis.slips import Verdict, find_slips
from timeline.render.slips import summary_line


AS_OF = date(2006, 1, 1)


def verdicts(tmp_path, body, as_of=AS_OF):
    schedule = schedule_at(write(tmp_path, f"events:\n{body}"), as_of)
    return {s.event.id: (s.verdict.value, s.days) for s in find_slips(schedule)}


@pytest.mark.parametrize(
    "plan, actual, verdict, days",
    [
        # day precision
        ("when: 2005-03-10", "2005-03-10", "on-plan", 0),
        ("when: 2005-03-10", "2005-03-12", "late", 2),
        ("when: 2005-03-10", "2005-03-01", "early", -9),
        # month precision
        ("when: 2005-03", "2005-03-31", "on-plan", 0),
        ("when: 2005-03", "2005-04-01", "late", 1),
        ("when: 2005-03", "2005-02-27", "early", -2),
        # one of a set
        ("when: [2004-11, 2004-12]", "2004-11-23/2004-11-25", "on-plan", 0),
        ("when: [2004-11, 2004-12]", "2005-01-10", "late", 10),
        # year precision, approximate
        ("when: 2005", "2005-07-01", "on-plan", 0),
        ("when: 2005-04~", "2005-05-31", "on-plan", 0),
        ("when: 2005-04~", "2005-06-05", "late", 5),
        # deadlines and open windows
        ("due: 2004-10", "2004-11-11", "late", 11),
        ("due: 2005-07", "2005-07-15", "on-plan", 0),
        ("when: [2005-08..]", "2005-07-20", "early", -12),
        # spans: the actual start against the planned start window
        ("when: 2004-07/2004-10", "2004-08-15/2004-12-01", "late", 15),
        ("when: 2004-07/2004-10", "2004-07-05/2004-09-01", "on-plan", 0),
        # an imprecise actual: the days it certainly fell after the plan
        ("when: 2005-03-10", "2005-04", "late", 22),
        ("when: 2005-03", "2005-03-20~", "on-plan", 0),
    ],
)
def test_verdicts_at_every_precision(tmp_path, plan, actual, verdict, days):
    assert verdicts(tmp_path, f"  - {{id: x, title: X, {plan}, actual: {actual}}}\n") == {"x": (verdict, days)}


def test_no_record_and_what_is_not_listed(tmp_path):
    found = verdicts(tmp_path, """\
  - {id: passed, title: A, when: 2005-03}
  - {id: open-ended, title: B, when: [2005-03..]}
  - {id: future, title: C, when: 2006-02}
  - {id: cancelled, title: D, when: 2005-03, status: cancelled}
  - {id: ongoing, title: E, when: 2005-12/2006-03}
  - {id: done-later, title: F, when: 2005-03, actual: 2006-02-01}
""")
    assert found == {"passed": ("no-record", None), "done-later": ("no-record", None)}
    assert verdicts(tmp_path, "  - {id: f, title: F, when: 2005-03, actual: 2006-02-01}\n", as_of=date(2006, 3, 1)) == {"f": ("late", 307)}


def test_slip_days_match_list_json(tmp_path, run):
    path = write(tmp_path, "events:\n  - {id: a, title: A, due: 2004-10, actual: 2004-11-11}\n  - {id: b, title: B, when: 2005-03, actual: 2005-02-27}\n")
    listed = {e["id"]: e["slip_days"] for e in json.loads(run("list", "-f", str(path), "--format", "json").stdout)["events"]}
    slipped = {i["id"]: i["slip_days"] for i in json.loads(run("slips", "-f", str(path), "--json").stdout)["items"]}
    assert listed == slipped == {"a": 11, "b": -2}


def test_json_contract(run, default_events):
    data = json.loads(run("slips", "-f", str(default_events), "--json", "--as-of", "2026-11-28").stdout)
    assert set(data) == {"items"}
    for item in data["items"]:
        assert set(item) == {"id", "title", "planned", "actual", "slip_days", "verdict", "against", "replanned", "occurrence", "planned_label", "actual_label",
                             "baseline", "current"}
        assert item["against"] == "baseline" and item["replanned"] is False and item["baseline"] == item["current"]
        assert set(item["planned"]) == {"earliest", "latest"}
        assert item["verdict"] in {v.value for v in Verdict}
        assert (item["actual"] is None) == (item["verdict"] == "no-record") == (item["slip_days"] is None)
    items = {i["id"]: i for i in data["items"]}
    composition = {k: v for k, v in items["composition"].items() if k not in ("against", "replanned", "baseline", "current", "occurrence", "planned_label", "actual_label")}
    assert composition == {"id": "composition", "title": "Composition of the WGIG complete",
                           "planned": {"earliest": None, "latest": "2004-10-31"},
                           "actual": {"start": "2004-11-11", "end": "2004-11-11"}, "slip_days": 11, "verdict": "late"}
    assert items["first-meeting"]["verdict"] == "on-plan"
    assert items["first-meeting"]["actual"] == {"start": "2004-11-23", "end": "2004-11-25"}
    assert items["secretariat"]["verdict"] == "no-record"


def test_default_data_tells_how_the_plan_fared(run, default_events):
    out = run("slips", "-f", str(default_events), "--as-of", "2026-11-28").stdout
    assert out.splitlines()[-1] == "15 on plan, 2 late by 11 and 11 days, 0 early, 7 with no record"
    assert "late       +11d  by 31 Oct 2004" in out


def test_summary_line_wording(tmp_path):
    schedule = schedule_at(write(tmp_path, """\
events:
  - {id: a, title: A, when: 2005-03, actual: 2005-03-02}
  - {id: b, title: B, when: 2005-03, actual: 2005-04-01}
  - {id: c, title: C, when: 2005-03, actual: 2005-05-10}
  - {id: d, title: D, when: 2005-03, actual: 2005-02-20}
"""), AS_OF)
    assert summary_line(find_slips(schedule)) == "1 on plan, 2 late by 1 and 40 days, 1 early by 9 days, 0 with no record"


def test_nothing_to_compare(run, tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: 2099-01}\n")
    assert run("slips", "-f", str(path), "--as-of", "2026-11-28").stdout == (
        "Nothing to compare yet: no event has an actual date, and no planned window has passed.\n")


def test_one_reality_gives_one_verdict_however_it_was_recorded(tmp_path):
    body = """\
  - id: call
    title: Weekly call
    when: 2026-04-06
    repeat: {every: week, count: 5}
    occurrences:
      2026-04-13: {when: 2026-04-14, status: done}
      2026-04-20: {status: done, actual: 2026-04-21}
"""
    schedule = schedule_at(write(tmp_path, f"events:\n{body}"), date(2026, 5, 30))
    baseline = {s.occurrence.day: (s.verdict.value, s.days) for s in find_slips(schedule)}
    assert baseline == {date(2026, 4, 13): ("late", 1), date(2026, 4, 20): ("late", 1)}  # a day after the rule's day
    current = {s.occurrence.day: (s.current.verdict.value, s.current.days) for s in find_slips(schedule)}
    assert current[date(2026, 4, 13)] == ("on-plan", 0)  # as moved
