"""Plans change (#15): the baseline is kept, slips are told against it and the re-plan, moves
keep their meaning, and what moved is said."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.schedule import slip

from .conftest import DEFAULT_EVENTS, by_id, schedule_at, write

PLAN = """\
calendar: {timezone: Europe/Zurich, domain: example.org}
events:
  - id: note
    title: Use cases note
    when: 2005-03-10
  - id: report
    title: Report
    due: note.end + 4w
  - id: meeting
    title: Meeting
    when: 2005-04
    after: note
"""


def test_a_move_keeps_the_baseline_and_slips_judge_against_both(tmp_path, run):
    path = shutil.copyfile(DEFAULT_EVENTS, tmp_path / "events.yaml")
    assert run("move", "composition", "2004-11-11", "-f", str(path)).stdout.startswith("composition: moved to 2004-11-11\n")
    text = path.read_text(encoding="utf-8")
    assert "    baseline: {due: 2004-10}\n" in text and "    due: 2004-11-11\n" in text
    out = run("slips", "-f", str(path), "--as-of", "2026-11-28").stdout
    line = next(line for line in out.splitlines() if "Composition" in line)
    assert line.startswith("late       +11d  by 31 Oct 2004") and line.endswith("(re-planned: by 11 Nov 2004, on plan)")
    current = run("slips", "-f", str(path), "--as-of", "2026-11-28", "--against", "current").stdout
    line = next(line for line in current.splitlines() if "Composition" in line)
    assert line.startswith("on-plan    0d    by 11 Nov 2004") and line.endswith("(baseline: by 31 Oct 2004, late +11d)")
    item = {i["id"]: i for i in json.loads(run("slips", "-f", str(path), "--json", "--as-of", "2026-11-28").stdout)["items"]}["composition"]
    assert (item["verdict"], item["slip_days"], item["replanned"]) == ("late", 11, True)
    assert item["baseline"]["verdict"] == "late" and item["current"] == {
        "planned": {"earliest": None, "latest": "2004-11-11"}, "slip_days": 0, "verdict": "on-plan"}
    again = run("move", "composition", "2004-11-12", "-f", str(path))  # further moves keep the first baseline
    assert again.exit_code == 0 and path.read_text(encoding="utf-8").count("baseline: {due: 2004-10}") == 1


def test_the_feed_and_the_page_say_planned_and_re_planned(tmp_path, run):
    path = shutil.copyfile(DEFAULT_EVENTS, tmp_path / "events.yaml")
    run("move", "composition", "2004-11-11", "-f", str(path))
    feed = run("ics", "-f", str(path)).stdout_bytes.decode("utf-8").replace("\r\n ", "")
    assert "Planned: by 31 Oct 2004 (baseline)\\, re-planned: by 11 Nov 2004" in feed
    assert "Slip: +11 days against the baseline" in feed
    assert run("build", str(tmp_path / "site"), "-f", str(path)).exit_code == 0
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "planned: by 31 Oct 2004 (baseline), re-planned: by 11 Nov 2004" in page


def test_baseline_makes_the_current_plan_the_baseline(tmp_path, run):
    path = write(tmp_path, PLAN)
    run("move", "note", "2005-03-20", "-f", str(path))
    assert by_id(schedule_at(path))["report"].replanned  # downstream of the move
    result = run("baseline", "-f", str(path))
    assert result.exit_code == 0 and "(2 re-planned events)" in result.stdout
    assert "baseline" not in path.read_text(encoding="utf-8")
    assert not any(e.replanned for e in schedule_at(path).events)


def test_a_shift_keeps_references_and_says_what_else_moved(tmp_path, run):
    path = write(tmp_path, PLAN)
    result = run("move", "report", "+2w", "-f", str(path))
    assert (result.exit_code, result.stdout) == (0, "report: moved by +2w to by 21 Apr 2005\n")
    text = path.read_text(encoding="utf-8")
    assert "    due: note.end + 6w\n" in text and "    baseline: {due: note.end + 4w}\n" in text
    later = run("move", "note", "+4w", "-f", str(path))
    assert later.stdout == ("note: moved by +4w to 7 Apr 2005\n  meeting: Apr 2005 → 7–30 Apr 2005\n"
                            "  report: by 21 Apr 2005 → by 19 May 2005\n")  # in the schedule's order
    assert "    when: 2005-04-07\n" in path.read_text(encoding="utf-8")


def test_replacing_a_reference_says_so(tmp_path, run):
    path = write(tmp_path, PLAN)
    result = run("move", "report", "2005-05-01", "-f", str(path))
    assert result.stdout.splitlines()[:2] == ["report: moved to 2005-05-01", "  replaced the reference due: note.end + 4w"]


@pytest.mark.parametrize("args, message", [
    (["move", "meeting", "+2w"], "cannot move '2005-04' by +2w in the form it is written"),
    (["move", "meeting", "2005-03-01"], "contradiction"),
])
def test_moves_that_cannot_be_made_leave_the_file(tmp_path, run, args, message):
    path = write(tmp_path, PLAN)
    result = run(*args, "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr
    assert path.read_text(encoding="utf-8") == PLAN


@pytest.mark.parametrize("baseline, message", [
    ("baseline: 2005-03", "5:15: baseline must be a mapping of the dates before the first move"),
    ("baseline: {when: soon}", "5:15: baseline: unknown event 'soon'"),
    ("baseline: {when: 2005-03, due: 2005-04}", "event has both 'when' and 'due'"),
    ("baseline: {colour: red}", "unknown key 'colour' in a baseline"),
])
def test_a_baseline_edited_into_nonsense_is_located(tmp_path, run, baseline, message):
    path = write(tmp_path, PLAN.replace("    title: Use cases note\n", f"    title: Use cases note\n    {baseline}\n"))
    result = run("check", "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr, result.stderr


# -- a slip is news, not an error -------------------------------------------------------------

PUSHED = """\
calendar: {timezone: Europe/Zurich}
events:
  - {id: pred, title: Predecessor, when: 2005-07, actual: 2005-08-10}
  - {id: succ, title: Successor, due: 2005-08-05, after: pred}
  - {id: next, title: Next step, when: 2005-08-08/2005-08-12, after: succ}
  - {id: apart, title: Unrelated, when: 2005-09}
"""


def test_what_happened_projects_the_plan_instead_of_breaking_it(tmp_path, run):
    path = write(tmp_path, PUSHED)
    check = run("check", "-f", str(path), "--as-of", "2005-08-12")
    assert (check.exit_code, check.stdout) == (0, "4 events OK\n")
    assert check.stderr.splitlines() == [
        f"{path}:4:5: warning: 'succ' is projected at least 5 days late as of 2005-08-12: it cannot start before "
        "'pred' (done) ends, on or after 2005-08-10",
        f"{path}:5:5: warning: 'next' is projected at least 2 days late as of 2005-08-12: it cannot start before "
        "'succ' (itself projected) ends, on or after 2005-08-10; 'succ': it cannot start before 'pred' (done) ends, "
        "on or after 2005-08-10",
    ]
    events = by_id(schedule_at(path, date(2005, 8, 12)))
    assert (events["succ"].start.earliest.isoformat(), events["succ"].projected_by) == ("2005-08-10", 5)
    assert events["succ"].label == "from 10 Aug 2005 (projected)" and events["apart"].projected_by is None
    listed = [line.split() for line in run("list", "-f", str(path), "--as-of", "2005-08-12").stdout.splitlines()]
    assert ["from", "10", "Aug", "2005", "(projected)", "deadline", "tentative", "Successor"] in listed


def test_upcoming_slips_feed_and_chart_show_the_projection(tmp_path, run):
    path = write(tmp_path, PUSHED)
    upcoming = run("upcoming", "-f", str(path), "--as-of", "2005-08-12").stdout
    succ = next(line for line in upcoming.splitlines() if "Successor" in line)
    assert succ.startswith("at-risk   from 10 Aug 2005 (projected)")
    assert "(at least 5 days late: it cannot start before 'pred' (done) ends, on or after 2005-08-10)" in upcoming
    assert upcoming.rstrip().endswith("2 at risk")
    slips = run("slips", "-f", str(path), "--as-of", "2005-08-12").stdout
    assert "projected-late  ≥+5d  by 5 Aug 2005  —            Successor" in slips
    assert slips.rstrip().endswith("2 projected late by 2 and 5 days at least")
    feed = run("ics", "-f", str(path), "--as-of", "2005-08-12").stdout_bytes.decode("utf-8").replace("\r\n ", "")
    assert "Projected: at least 5 days late (it cannot start before 'pred' (done) ends\\, on or after 2005-08-10)" in feed
    chart = run("gantt", "-f", str(path), "--width", "70", "--today", "2005-08-12", "--color", "never").stdout
    row = next(line for line in chart.splitlines() if line.startswith("Successor"))
    assert row.index("▐") < row.index("░")  # the due mark as planned, the projection after it


def test_a_contradiction_with_no_actual_involved_is_still_an_error(tmp_path, run):
    path = write(tmp_path, PUSHED.replace("when: 2005-07, actual: 2005-08-10", "when: 2005-08-10"))
    result = run("check", "-f", str(path))
    assert result.exit_code == 1 and "contradiction: the window of 'succ' is empty" in result.stderr


# -- why this date ------------------------------------------------------------------------------


def test_explain_follows_each_bound_to_where_it_was_written(tmp_path, run):
    path = write(tmp_path, PLAN)
    out = run("explain", "report", "-f", str(path), "--as-of", "2005-02-01").stdout.splitlines()
    assert out[0] == f"report: by 7 Apr 2005  ({path}:6:9)"
    assert out[1:3] == ["  start earliest: open", f"    ← due: note.end + 4w (a deadline is open at the start)  ({path}:8:10)"]
    assert out[-3:] == ["  end latest: 2005-04-07", f"    ← due: note.end + 4w  ({path}:8:10)",
                        f"      ← note end latest = 2005-03-10: when: 10 Mar 2005  ({path}:5:11)"]


def test_explain_names_after_actuals_and_projections(tmp_path, run):
    path = write(tmp_path, PUSHED)
    out = run("explain", "next", "-f", str(path), "--as-of", "2005-08-12").stdout
    assert (f"    ← projected: it cannot start before 'succ' (itself projected) ends, on or after 2005-08-10; 'succ': "
            f"it cannot start before 'pred' (done) ends, on or after 2005-08-10  ({path}:5:") in out
    assert f"      ← succ end earliest = 2005-08-10: after: pred  ({path}:4:" in out
    assert f"        ← pred end earliest = 2005-08-10: actual: 10 Aug 2005  ({path}:3:" in out
    assert "  start latest: open\n    ← projected: the window it was planned for cannot be kept" in out
    data = json.loads(run("explain", "next", "-f", str(path), "--json", "--as-of", "2005-08-12").stdout)
    assert data["depends_on"] == ["succ"] and [link["event"] for link in data["bounds"]["start earliest"]] == ["next", "succ", "pred"]


def test_explain_of_an_unknown_id_is_a_message(tmp_path, run):
    path = write(tmp_path, PLAN)
    result = run("explain", "reprot", "-f", str(path))
    assert (result.exit_code, result.stderr) == (1, f"{path}: no event with id 'reprot'; did you mean 'report'?\n")


def test_list_json_names_what_each_window_depends_on(tmp_path, run):
    path = write(tmp_path, PLAN)
    events = {e["id"]: e for e in json.loads(run("list", "-f", str(path), "--format", "json").stdout)["events"]}
    assert (events["note"]["depends_on"], events["report"]["depends_on"], events["meeting"]["depends_on"]) == ([], ["note"], ["note"])


def test_a_long_chain_is_explained_without_recursion(tmp_path, run):
    body = "events:\n  - {id: e0, title: E, when: 2005-01-01}\n" + "".join(
        f"  - {{id: e{i}, title: E, when: e{i - 1}.end + 1d}}\n" for i in range(1, 2000))
    path = write(tmp_path, body)
    out = run("explain", "e1999", "-f", str(path), "--as-of", "2004-12-01").stdout
    assert "e0 end latest = 2005-01-01: when: 1 Jan 2005" in out
    assert max(len(line) for line in out.splitlines()) < 120 + len(str(path))  # as wide deep in the chain as near
    assert "[1999] ← e0 end" in out  # past the first indentation steps, each link is numbered


def test_an_overdue_event_pushes_what_follows_it(tmp_path, run):
    body = """\
events:
  - {id: permit, title: Permit, when: 2005-03-01}
  - {id: build, title: Build, when: 2005-03/2005-05, after: permit}
  - {id: opening, title: Opening, due: 2005-03-20, after: permit}
"""
    path = write(tmp_path, body)
    on_time = by_id(schedule_at(path, date(2005, 2, 20)))
    assert on_time["build"].label == "Mar–May 2005" and on_time["opening"].projected_by is None
    late = by_id(schedule_at(path, date(2005, 3, 25)))  # the permit is overdue
    assert late["permit"].label == "1 Mar 2005"  # the overdue item itself stays as planned
    assert late["build"].start.earliest == date(2005, 3, 25)  # cannot start before today
    assert late["opening"].projected_by == 5
    assert late["opening"].projection == "it cannot start before 'permit' (overdue: not done by 2005-03-25) ends, on or after 2005-03-25"
    upcoming = run("upcoming", "-f", str(path), "--as-of", "2005-03-25").stdout
    assert upcoming.splitlines()[0].startswith("overdue   1 Mar 2005")
    assert any(line.startswith("at-risk") and "Opening" in line for line in upcoming.splitlines())
    # every command judges by one day: with none given, today (NOW), when the permit is long overdue
    assert by_id(schedule_at(path))["build"].label == "from 30 Nov 2026 (projected)"
    assert run("list", "-f", str(path)).stdout.splitlines()[-1].startswith("from 30 Nov 2026 (projected)")


def test_keep_refs_shifts_the_reference_to_the_new_day(tmp_path, run):
    path = write(tmp_path, PLAN)
    result = run("move", "report", "2005-04-21", "--keep-refs", "-f", str(path))
    assert result.stdout == "report: moved to 2005-04-21\n"
    assert "    due: note.end + 42d\n" in path.read_text(encoding="utf-8")
    assert by_id(schedule_at(path, date(2005, 1, 1)))["report"].label == "by 21 Apr 2005"
    plain = run("move", "note", "2005-04-01", "--keep-refs", "-f", str(path))
    assert plain.exit_code == 1 and "refers to no other event" in plain.stderr


# -- slips tell the truth after any sequence of move, done and baseline --------------------------

HELD_OUT = """\
calendar: {timezone: UTC}
events:
  - {id: kickoff, title: Kick-off, when: 2006-01-10}
  - {id: draft, title: Draft, due: kickoff.end + 3w}
  - {id: review, title: Review, when: 2006-02-20, after: draft}
  - {id: final, title: Final, due: review.end + 2w}
  - {id: launch, title: Launch, when: 2006-03-20/2006-03-22, after: final}
"""
PLANS = {
    "held-out": (HELD_OUT, ["kickoff", "draft", "review", "final", "launch"]),
    "default": (DEFAULT_EVENTS.read_text(encoding="utf-8"),
                ["composition", "draft-report", "further-round", "report", "secretariat", "chair-appointed", "tunis-summit"]),
}


def operations(ids: list[str]) -> st.SearchStrategy:
    return st.lists(st.one_of(
        st.tuples(st.just("shift"), st.sampled_from(ids), st.integers(-10, 20)),
        st.tuples(st.just("done"), st.sampled_from(ids), st.integers(-5, 30)),
        st.tuples(st.just("baseline"), st.just(""), st.just(0)),
    ), max_size=7)


@pytest.mark.slow
@pytest.mark.parametrize("plan", list(PLANS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_slips_measure_against_the_plan_of_the_last_baseline(tmp_path_factory, run, plan, data):
    text, ids = PLANS[plan]
    operations_drawn = data.draw(operations(ids))
    path = write(tmp_path_factory.mktemp("plan"), text)
    agreed = {e.id: (e.planned_start, e.planned_end) for e in schedule_at(path).events}
    for op, ident, amount in operations_drawn:
        if op == "shift" and amount:
            run("move", ident, f"{amount:+d}d", "-f", str(path))  # refused moves leave the file as it was
        elif op == "done":
            planned = by_id(schedule_at(path))[ident]
            day = (planned.planned_end.latest or planned.planned_start.earliest) + timedelta(days=amount)
            run("done", ident, "--on", day.isoformat(), "-f", str(path))
        elif op == "baseline":
            assert run("baseline", "-f", str(path)).exit_code == 0
            agreed = {e.id: (e.planned_start, e.planned_end) for e in schedule_at(path).events}
    schedule = schedule_at(path)
    items = {i["id"]: i for i in json.loads(run("slips", "-f", str(path), "--json").stdout)["items"]}
    for e in schedule.events:
        assert (e.baseline_start, e.baseline_end) == agreed[e.id], e.id
        if e.actual_recorded:
            assert items[e.id]["baseline"]["slip_days"] == slip(agreed[e.id][0], e.start)
            assert items[e.id]["current"]["slip_days"] == slip(e.planned_start, e.start)


def test_explain_names_an_overdue_predecessor(tmp_path, run):
    body = "events:\n  - {id: permit, title: Permit, when: 2005-03-01}\n  - {id: opening, title: Opening, when: permit.end + 5d}\n"
    path = write(tmp_path, body)
    out = run("explain", "opening", "-f", str(path), "--as-of", "2005-03-25").stdout
    assert "  start earliest: 2005-03-30\n" in out
    assert "← permit end earliest = 2005-03-25: overdue: not done by 2005-03-25 (planned 1 Mar 2005)" in out


def test_a_past_meeting_with_no_record_is_history_and_pushes_nothing(tmp_path):
    body = "events:\n  - {id: talks, title: Talks, kind: meeting, when: 2005-03-01}\n  - {id: memo, title: Memo, when: talks.end + 5d}\n"
    path = write(tmp_path, body)
    assert by_id(schedule_at(path, date(2005, 6, 1)))["memo"].label == "6 Mar 2005"


def test_a_negative_shift_is_an_argument_not_an_option(tmp_path, run):
    path = write(tmp_path, PLAN)
    result = run("move", "note", "-3d", "-f", str(path))
    assert (result.exit_code, result.stdout) == (0, "note: moved by -3d to 7 Mar 2005\n  report: by 7 Apr 2005 → by 4 Apr 2005\n")
    assert run("move", "note", "--bogus", "-f", str(path)).exit_code == 2  # a real unknown option is still refused
