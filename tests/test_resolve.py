"""Resolution: references, after/before narrowing, actuals, contradictions, cycles, time zones."""

from __future__ import annotations

from datetime import date, datetime, UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.errors import EventsFileError
from timeline.model import Status
from timeline.pipeline import today_in
from timeline.schedule import slip

from .conftest import DATA, DEFAULT_EVENTS, by_id, schedule_at, write
from timeline.dates import Window


D = date


def schedule(tmp_path, body, as_of=None, calendar=""):
    return schedule_at(write(tmp_path, f"{calendar}events:\n{body}"), as_of)


def test_references_and_shifts(tmp_path):
    s = schedule(tmp_path, """\
  - {id: report, title: Report, due: 2005-07}
  - {id: after, title: After, when: report.end + 1d}
  - {id: phase, title: Phase, start: report, end: 2005-11}
  - {id: week, title: Week before, when: prepcom.start - 1w}
  - {id: prepcom, title: PrepCom, when: 2005-02-17/2005-02-25}
""", D(2004, 6, 24))
    after = by_id(s)["after"]
    assert (after.start.earliest, after.start.latest) == (None, D(2005, 8, 1))
    assert by_id(s)["phase"].start.latest == D(2005, 7, 31)
    assert by_id(s)["week"].start.earliest == D(2005, 2, 10)


def test_after_and_before_narrow_windows(tmp_path):
    s = schedule(tmp_path, """\
  - {id: meeting, title: Meeting, when: [2005-04, 2005-05]}
  - {id: report, title: Report, due: 2005-07, after: meeting}
  - {id: board, title: Board, when: [2004-11..], before: report}
""", D(2004, 6, 24))
    report, board = by_id(s)["report"], by_id(s)["board"]
    assert (report.start.earliest, report.start.latest) == (D(2005, 4, 1), D(2005, 7, 31))
    assert report.label == "by 31 Jul 2005"
    assert (board.start.earliest, board.start.latest) == (D(2004, 11, 1), D(2005, 7, 31))
    assert board.label == "Nov 2004–Jul 2005"


def test_span_ends_are_kept_consistent(tmp_path):
    s = schedule(tmp_path, "  - {id: p, title: P, start: [2004-07..2004-12], end: [2004-09..2004-10]}\n")
    p = by_id(s)["p"]
    assert p.start.latest == D(2004, 10, 31) and p.end.earliest == D(2004, 9, 1)


def test_contradiction_names_every_event(tmp_path):
    with pytest.raises(EventsFileError) as e:
        schedule(tmp_path, """\
  - {id: a, title: A, when: 2005-07}
  - {id: b, title: B, when: 2005-01}
  - {id: c, title: C, when: 2005-03, after: a, before: b}
""")
    message = str(e.value)
    assert message.count("\n") == 0
    assert ":4:5: contradiction: the window of 'c' is empty" in message
    for ident, line in (("a", 2), ("b", 3), ("c", 4)):
        assert f"'{ident}' (" in message and f"events.yaml:{line})" in message


def test_cycle_through_after(tmp_path):
    with pytest.raises(EventsFileError, match=r"dependency cycle: 'a' \(.*:2\) → 'b' \(.*:3\) → 'a'"):
        schedule(tmp_path, """\
  - {id: a, title: A, when: 2005, after: b}
  - {id: b, title: B, when: a.end}
""")


def test_self_reference(tmp_path):
    with pytest.raises(EventsFileError, match="refers to the event itself"):
        schedule(tmp_path, "  - {id: a, title: A, when: a.end}\n")


def test_parent_must_be_phase(tmp_path):
    with pytest.raises(EventsFileError, match="parent: 'm' is a meeting; a parent must be a phase"):
        schedule(tmp_path, """\
  - {id: m, title: M, kind: meeting, when: 2005}
  - {id: a, title: A, when: 2005, parent: m}
""")


def test_one_order_stated_from_both_sides_has_both_effects(tmp_path):
    """`a: before: b` with `b: after: a` is one constraint, not a cycle: `a` ends no later
    than `b` can start, and `b` starts no sooner than `a` can end."""
    s = schedule(tmp_path, """\
  - {id: a, title: A, when: "[2026-01-10..2026-03]", before: b}
  - {id: b, title: B, when: "[2026-01..2026-02-20]", after: a}
""", D(2025, 12, 1))
    a, b = by_id(s)["a"], by_id(s)["b"]
    assert (a.start.earliest, a.start.latest) == (D(2026, 1, 10), D(2026, 2, 20))
    assert (b.start.earliest, b.start.latest) == (D(2026, 1, 10), D(2026, 2, 20))
    ring = write(tmp_path, "events:\n  - {id: a, title: A, when: 2026-01-01, after: b}\n"
                           "  - {id: b, title: B, when: 2026-02-01, after: a}\n", "ring.yaml")
    with pytest.raises(EventsFileError, match="dependency cycle"):  # a true cycle stays one
        schedule_at(ring)
    both = write(tmp_path, "events:\n  - {id: a, title: A, when: b.start - 1d, before: b}\n"
                           "  - {id: b, title: B, when: 2026-02-01, after: a}\n", "both.yaml")
    with pytest.raises(EventsFileError, match="dependency cycle"):  # a reference back is still a cycle
        schedule_at(both)


def test_a_deadline_closed_only_by_a_before_stated_from_both_sides(tmp_path):
    s = schedule(tmp_path, """\
  - {id: d, title: D, due: "[2026-05..]", before: b}
  - {id: b, title: B, when: 2026-06-10, after: d}
""", D(2026, 1, 1))
    assert by_id(s)["d"].end.latest == D(2026, 6, 10)


LINKS = st.sampled_from(["before", "after", "both"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=2, max_size=12), st.data())
def test_a_chain_of_orders_narrows_as_each_statement_says(tmp_path_factory, spans, data):
    """Milestones in a chain, each link stated as `before`, `after` or both: every window is
    what the statements give, computed here on their own terms: an `after` lifts the first
    day along the chain, a `before` lowers the last day back along it."""
    links = [data.draw(LINKS) for _ in spans[1:]]
    base = D(2026, 1, 1)
    windows = [(base.toordinal() + lo, base.toordinal() + lo + span) for lo, span in spans]
    lines = []
    for i, (first, last) in enumerate(windows):
        keys = ""
        if i + 1 < len(windows) and links[i] in ("before", "both"):
            keys += f", before: e{i + 1}"
        if i > 0 and links[i - 1] in ("after", "both"):
            keys += f", after: e{i - 1}"
        lines.append(f'  - {{id: e{i}, title: E, when: "[{D.fromordinal(first)}..{D.fromordinal(last)}]"{keys}}}')
    earliest, latest = [w[0] for w in windows], [w[1] for w in windows]
    for i in range(1, len(windows)):
        if links[i - 1] in ("after", "both"):
            earliest[i] = max(earliest[i], earliest[i - 1])
    for i in reversed(range(len(windows) - 1)):
        if links[i] in ("before", "both"):
            latest[i] = min(latest[i], latest[i + 1])
    path = write(tmp_path_factory.mktemp("chain"), "events:\n" + "\n".join(lines) + "\n")
    if any(first > last for first, last in zip(earliest, latest, strict=True)):
        with pytest.raises(EventsFileError, match="contradiction"):
            schedule_at(path, base)
        return
    got = by_id(schedule_at(path, base))
    assert [(got[f"e{i}"].start.earliest, got[f"e{i}"].start.latest) for i in range(len(windows))] == [
        (D.fromordinal(first), D.fromordinal(last)) for first, last in zip(earliest, latest, strict=True)]


def test_an_order_from_both_sides_whose_target_refers_back_is_a_cycle(tmp_path):
    """`b` starts a day before `a` ends and `a` must end before `b` starts: no pass settles
    it (each would take a day off), so it is the cycle it is, found at once."""
    path = write(tmp_path, 'events:\n  - {id: a, title: A, when: "[2026-01..2026-12]", before: b}\n'
                           "  - {id: b, title: B, when: a.end - 1d, after: a}\n")
    with pytest.raises(EventsFileError, match="dependency cycle"):
        schedule_at(path, D(2025, 1, 1))


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.lists(st.sampled_from("abcdefgh"), max_size=3), min_size=1))
def test_components_are_what_reaches_what_both_ways(graph):
    from timeline.resolve import _components

    graph = {k: [t for t in v if t in graph] for k, v in graph.items()}

    def reach(a: str) -> set[str]:
        seen, todo = {a}, [a]
        while todo:
            for y in graph[todo.pop()]:
                if y not in seen:
                    seen.add(y)
                    todo.append(y)
        return seen

    component, reached = _components(graph), {v: reach(v) for v in graph}
    assert all((component[a] == component[b]) == (b in reached[a] and a in reached[b]) for a in graph for b in graph)


def test_a_chain_too_long_to_settle_is_refused_with_a_message(tmp_path):
    """Each pass carries a last day one link back: a chain of 40 orders from both sides whose
    last days all move needs 40 passes after the first; on a file of 5,001 events (39
    allowed) it is refused, named, rather than resolved at length."""
    chain = [f'  - {{id: c{i}, title: C, when: "[2026-01..2026-{12 - i // 4:02d}]", before: c{i + 1}, after: c{i - 1}}}'
             for i in range(1, 40)]
    ends = ['  - {id: c0, title: C, when: "[2026-01..2026-12]", before: c1}',
            '  - {id: c40, title: C, when: "[2026-01..2026-01-15]", after: c39}']
    filler = [f"  - {{id: f{i}, title: F, when: 2026-03}}" for i in range(4960)]
    path = write(tmp_path, "events:\n" + "\n".join(ends[:1] + chain + ends[1:] + filler) + "\n")
    with pytest.raises(EventsFileError) as e:
        schedule_at(path, D(2025, 1, 1))
    [problem] = e.value.problems
    assert "state one order from both sides, in a chain of more than 39 such orders" in problem.message
    short = write(tmp_path, "events:\n" + "\n".join(ends[:1] + chain + ends[1:]) + "\n", "short.yaml")
    assert by_id(schedule_at(short, D(2025, 1, 1)))["c0"].end.latest == D(2026, 1, 15)  # 41 events settle


def test_parent_cycle_is_reported_at_each_parent_key(tmp_path):
    with pytest.raises(EventsFileError) as e:
        schedule(tmp_path, """\
  - {id: a, title: A, kind: phase, when: 2005, parent: b}
  - {id: b, title: B, kind: phase, when: 2005, parent: a}
""")
    path = tmp_path / "events.yaml"
    assert str(e.value).splitlines() == [
        f"{path}:2:56: parent cycle: 'a' ({path}:2) → 'b' ({path}:3)",
        f"{path}:3:56: parent cycle: 'b' ({path}:3) → 'a' ({path}:2)",
    ]


def test_grouping_under_parents_in_chronological_order(tmp_path):
    s = schedule(tmp_path, """\
  - {id: late, title: Late, when: 2006}
  - {id: p, title: P, start: 2005-01, end: 2005-12}
  - {id: c2, title: C2, when: 2005-06, parent: p}
  - {id: c1, title: C1, when: 2005-02, parent: p}
  - {id: early, title: Early, when: 2004}
""")
    assert [(e.id, s.depths[e.id]) for e in s.events] == [("early", 0), ("p", 0), ("c1", 1), ("c2", 1), ("late", 0)]


def test_status_defaults_follow_precision(tmp_path):
    s = schedule(tmp_path, """\
  - {id: day, title: Day, when: 2005-02-17}
  - {id: month, title: Month, when: 2005-02}
  - {id: timed, title: Timed, when: 2005-02-17T10:00}
  - {id: written, title: Written, when: 2005-02, status: confirmed}
""")
    assert [e.status for e in s.events] == [Status.TENTATIVE, Status.CONFIRMED, Status.CONFIRMED, Status.CONFIRMED]
    assert [e.id for e in s.events] == ["month", "written", "day", "timed"]


def test_actuals_replace_plan_and_references_follow(tmp_path):
    body = """\
  - {id: report, title: Report, due: 2005-07, actual: 2005-07-15}
  - {id: phase-3, title: Phase 3, start: report, end: 2005-11}
"""
    s = schedule(tmp_path, body)
    assert by_id(s)["report"].done and by_id(s)["report"].slip_days == 0
    assert by_id(s)["phase-3"].start.earliest == D(2005, 7, 15)
    assert by_id(s)["phase-3"].planned_start.earliest is None
    before = schedule(tmp_path, body, as_of=D(2005, 7, 1))
    assert not by_id(before)["report"].done and by_id(before)["report"].status == Status.TENTATIVE
    assert by_id(before)["phase-3"].start.earliest is None


@pytest.mark.parametrize(
    "planned, actual, days",
    [
        (Window(D(2004, 11, 1), D(2004, 12, 31)), Window(D(2004, 11, 23), D(2004, 11, 23)), 0),
        (Window(None, D(2004, 10, 31)), Window(D(2004, 11, 11), D(2004, 11, 11)), 11),
        (Window(D(2005, 4, 1), D(2005, 5, 31)), Window(D(2005, 3, 30), D(2005, 3, 30)), -2),
        (Window(D(2005, 8, 1), None), Window(D(2005, 7, 15), D(2005, 7, 15)), -17),
    ],
)
def test_slip(planned, actual, days):
    assert slip(planned, actual) == days


def test_timed_events_in_the_calendar_zone(tmp_path):
    s = schedule(tmp_path, """\
  - {id: local, title: Local, when: 2005-11-16T10:00}
  - {id: utc, title: UTC, when: 2005-11-16T23:30Z}
""", calendar="calendar: {timezone: Europe/Zurich}\n")
    local, utc = by_id(s)["local"], by_id(s)["utc"]
    assert local.start.moment.utcoffset().total_seconds() == 3600
    assert local.label == "16 Nov 2005 10:00 CET"
    assert utc.start.earliest == D(2005, 11, 17)  # 00:30 the next day in Zurich
    assert utc.label == "17 Nov 2005 00:30 CET"


def test_nonexistent_local_time_is_an_error(tmp_path):
    with pytest.raises(EventsFileError, match="2005-03-27 02:30 does not exist in Europe/Zurich"):
        schedule(tmp_path, "  - {id: a, title: A, when: 2005-03-27T02:30}\n",
                 calendar="calendar: {timezone: Europe/Zurich}\n")


def test_ambiguous_local_time_takes_the_first(tmp_path):
    s = schedule(tmp_path, "  - {id: a, title: A, when: 2005-10-30T02:30}\n", calendar="calendar: {timezone: Europe/Zurich}\n")
    assert by_id(s)["a"].start.moment.utcoffset().total_seconds() == 7200


def test_today_depends_on_zone():
    instant = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert today_in("Pacific/Auckland", instant) == D(2026, 11, 29)
    assert today_in("America/Los_Angeles", instant) == D(2026, 11, 28)


def test_default_events_file_is_valid(default_events):
    s = schedule_at(default_events)
    labels = {e.id: e.planned_label for e in s.events}
    assert labels["phase-1"] == "Jul–Oct 2004"
    assert labels["first-meeting"] == "Nov–Dec 2004"
    assert labels["report"] == "by 31 Jul 2005"
    for e in s.events:
        assert e.event.source, f"{e.id} has no source"
        assert e.event.tags, f"{e.id} has no tags"


def test_an_event_planned_outside_its_parent_is_warned_about(tmp_path, run, default_events):
    """Views keep a child under its parent phase; one planned outside the phase's window would
    read out of date order there, so `check` says so (a warning: the file is valid)."""
    path = write(tmp_path, "events:\n  - {id: p, title: Phase, when: 2026-01/2026-04}\n"
                           "  - {id: c, title: Child, when: 2026-12, parent: p}\n"
                           "  - {id: d, title: Due inside, due: 2026-03, parent: p}\n"
                           "  - {id: e, title: Inside, when: 2026-02, parent: p}\n")
    result = run("check", "-f", str(path))
    assert result.exit_code == 0 and result.stdout == "4 events OK\n"
    assert result.stderr == (f"{path}:3:50: warning: 'c' is planned for Dec 2026, outside its parent phase 'p' "
                             "(Jan–Apr 2026); views list it under the phase all the same, out of date order "
                             "(widen the phase, or give the event another parent)\n")
    assert run("check", "-f", str(default_events)).stderr == ""  # a deadline's open start is no outside


@settings(max_examples=30, deadline=None)
@given(days=st.lists(st.dates(date(2003, 1, 1), date(2007, 1, 1)), min_size=1, max_size=4))
def test_a_plan_judged_as_of_many_days_is_the_plan_resolved_on_each(days):
    """`resolve_days` plans once and judges each day; in any order of days, the same as
    planning the file afresh for that day (what the backtest relies on)."""
    from timeline.loader import validate
    from timeline.resolve import resolve_days
    from timeline.source import read_source

    for path in (DEFAULT_EVENTS, DATA / "stress.yaml"):
        events_file, _, known = validate(read_source(str(path)))
        problems, on = resolve_days(events_file, known)
        for day in days:
            fresh_problems, fresh = resolve_days(events_file, known)
            assert fresh_problems == problems and on(day) == fresh(day)
