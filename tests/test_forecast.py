"""The forecast (#19): exact cases with tolerances that follow from the run count, properties
of every run, the command and its JSON, backtests, and bad input."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.forecast import forecast

from .conftest import DEFAULT_EVENTS, by_id, schedule_at, write

RUNS = 20_000
AS_OF = date(2025, 12, 1)


def sigma_days(p: float, density: float, runs: int = RUNS) -> float:
    """The standard error, in days, of a sample's p-quantile: sqrt(p(1-p)/n) / f(x)."""
    return math.sqrt(p * (1 - p) / runs) / density


def sigma_share(p: float, runs: int = RUNS) -> float:
    """The standard error of a share of runs."""
    return math.sqrt(p * (1 - p) / runs)


def run_forecast(tmp_path, text: str, runs: int = RUNS, seed: int = 7, as_of: date = AS_OF, history: bool = False):
    """A forecast of a small plan; by default from its windows alone (the rules of each
    window), with `history` as the command draws it (windows overrun as the history says)."""
    return forecast(schedule_at(write(tmp_path, text), as_of), runs, seed, history=history)


CASES = """\
events:
  - {id: a, title: A, when: 2026-01}
  - {id: b, title: B, when: 2026-01}
  - {id: both, title: After both, when: 2026-01-01, after: [a, b]}
  - {id: week-later, title: A week after A, when: a.end + 7d}
"""
DEADLINES = """\
events:
  - {id: m, title: M, when: 2026-02, actual: 2026-03-10}
  - {id: early, title: Early, kind: deadline, due: 2026-02-20, after: m}
  - {id: late, title: Late, kind: deadline, due: 2026-05, after: m}
"""


def test_one_uniform_window_has_its_middle_day_as_p50(tmp_path):
    f = run_forecast(tmp_path, CASES)
    p50 = f.percentiles("a", "end", [50])[0]
    tolerance = math.ceil(4 * sigma_days(0.5, 1 / 31))  # 31 equally likely days
    assert abs((p50 - date(2026, 1, 16)).days) <= tolerance


def test_an_event_after_two_independent_windows_follows_their_maximum(tmp_path):
    f = run_forecast(tmp_path, CASES)
    days = f.drawn["both"].start - date(2026, 1, 1).toordinal()  # 0 to 30: the later of two uniform days
    assert (days == np.maximum(f.drawn["a"].end, f.drawn["b"].end) - date(2026, 1, 1).toordinal()).all()
    # P(max <= k) = ((k + 1) / 31) ** 2 for whole days k = 0..30
    for k in (7, 15, 25):
        expected = ((k + 1) / 31) ** 2
        assert abs(f.share(days <= k) - expected) <= 4 * sigma_share(expected)
    shares = dict(f.drivers("both"))  # each predecessor sets the bound in half the runs (both on a tie)
    tie = 1 / 31
    for ident in ("a", "b"):
        assert abs(shares[ident] - (0.5 + tie / 2)) <= 4 * sigma_share(0.5) + tie
    median = 31 * math.sqrt(0.5) - 1  # the day k where ((k + 1) / 31) ** 2 crosses 1/2
    density = 2 * (median + 1) / 31 ** 2
    assert abs((f.percentiles("both", "end", [50])[0] - date(2026, 1, 1)).days - median) <= 1 + 4 * sigma_days(0.5, density)


def test_a_reference_with_an_offset_holds_in_every_run(tmp_path):
    f = run_forecast(tmp_path, CASES)
    assert (f.drawn["week-later"].start == f.drawn["a"].end + 7).all()


def test_a_deadline_wholly_before_or_after_its_predecessor_is_met_never_or_always(tmp_path):
    f = run_forecast(tmp_path, DEADLINES, as_of=date(2026, 3, 15))  # M happened on 10 March
    events = by_id(f.schedule)
    assert f.met(events["early"]) == 0.0 and f.met(events["late"]) == 1.0  # exactly, whatever the runs
    assert f.drivers("early") == []  # past due as of 15 March: the as-of day, not M, bound it


def test_likely_days_shape_the_window(tmp_path):
    f = run_forecast(tmp_path, "events:\n  - {id: x, title: X, when: 2026-01, likely: 2026-01-05}\n"
                               "  - {id: y, title: Y, when: 2026-01, likely: 2026-01-10/2026-01-20}\n")
    x = f.drawn["x"].end - date(2026, 1, 1).toordinal()
    # a triangle on [0, 31) with its peak at 4: P(day < 4) = 4/31 (the rising edge's share)
    assert abs(f.share(x < 4) - 4 / 31) <= 4 * sigma_share(4 / 31)
    y = f.drawn["y"].end - date(2026, 1, 1).toordinal()
    flat = (20 - 9) / ((9 / 2) + (20 - 9) + (31 - 20) / 2)  # the flat top's share of the trapezoid's area
    assert abs(f.share((y >= 9) & (y < 20)) - flat) <= 4 * sigma_share(flat)


# -- properties -------------------------------------------------------------------------------

def check_constraints(f) -> None:
    """Every run keeps every after, before, reference and parent (but the runs counted impossible)."""
    events = {e.id: e for e in f.schedule.events}
    for ident, d in f.drawn.items():
        ev = events[ident].event
        assert (d.end >= d.start).all(), ident
        if events[ident].actual_recorded:
            continue
        for other in ev.after:
            assert (d.start >= f.drawn[other].end).all(), (ident, other)
        for other in ev.before:
            kept = d.end <= f.drawn[other].start
            assert np.count_nonzero(~kept) <= d.impossible, (ident, other)
        if ev.parent in f.drawn:
            assert (f.drawn[ev.parent].start <= d.start).all() and (f.drawn[ev.parent].end >= d.end).all()


@pytest.mark.parametrize("as_of", [date(2004, 6, 24), date(2005, 3, 1), date(2026, 1, 1)])
def test_every_run_keeps_every_constraint_of_the_default_plan(as_of):
    check_constraints(forecast(schedule_at(DEFAULT_EVENTS, as_of), 5_000, 11))


def test_every_run_keeps_every_constraint_of_a_stressed_plan(tmp_path):
    path = write(tmp_path, "events:\n  - {id: p, title: P, start: 2026-01, end: 2026-06}\n"
                           "  - {id: a, title: A, when: [2026-01..2026-03], parent: p}\n"
                           "  - {id: b, title: B, when: [2026-02..2026-04], after: a, before: c, parent: p}\n"
                           "  - {id: c, title: C, when: [2026-03..2026-05]}\n"
                           "  - {id: d, title: D, due: c.start + 2w, after: b}\n")
    f = forecast(schedule_at(path, AS_OF), 5_000, 3)
    check_constraints(f)
    assert 0 < f.drawn["b"].impossible < 5_000  # B after A and before C cannot always both hold


@settings(max_examples=25, deadline=None)
@given(qs=st.lists(st.integers(0, 100), min_size=2, max_size=6, unique=True), seed=st.integers(0, 2**32 - 1))
def test_percentiles_are_monotone(qs, seed):
    f = forecast(schedule_at(DEFAULT_EVENTS, date(2004, 6, 24)), 500, seed)
    qs = sorted(qs)
    for e in f.schedule.events:
        for side in ("start", "end"):
            days = f.percentiles(e.id, side, qs)
            assert days == sorted(days)
        assert f.percentiles(e.id, "start", [50])[0] <= f.percentiles(e.id, "end", [50])[0]


def test_more_runs_move_p50_by_no_more_than_the_sampling_error():
    schedule = schedule_at(DEFAULT_EVENTS, date(2004, 6, 24))
    few, many = forecast(schedule, 2_000, 1), forecast(schedule, 40_000, 2)
    for e in schedule.events:
        d = many.drawn[e.id].end
        spread = int(d.max() - d.min()) + 1
        # a bound on the median's error for any shape: the days between the quantiles
        # 0.5 ± 4·sqrt(0.25/n) of the larger sample
        half = 4 * math.sqrt(0.25 / 2_000)
        lo, hi = np.percentile(d, [100 * (0.5 - half), 100 * (0.5 + half)], method="inverted_cdf")
        p50 = few.percentiles(e.id, "end", [50])[0].toordinal()
        assert lo - 1 <= p50 <= hi + 1, (e.id, spread)


def test_the_same_seed_gives_the_same_forecast(run):
    a = run("forecast", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-06-24", "--json").stdout
    assert a == run("forecast", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-06-24", "--json").stdout
    assert a != run("forecast", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-06-24", "--json", "--seed", "5").stdout


# -- the command --------------------------------------------------------------------------------

def test_as_of_the_hammamet_plenary(run):
    """"The first meeting slipped to late November; will the report still make July?" As of
    24 June 2004, the plan's windows gave the report by July 2005 in every run, driven by the
    further round; with the history (one closed window, met) and the prior, about seven in ten."""
    args = ("forecast", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-06-24", "--json")
    data = json.loads(run(*args, "--no-history").stdout)
    assert (data["as_of"], data["runs"], data["seed"], data["percentiles"]) == ("2004-06-24", 10_000, 2004, [10, 50, 90])
    report = {e["id"]: e for e in data["events"]}["report"]
    assert set(report) == {"id", "title", "kind", "planned", "start", "end", "p_in_window", "p_met", "drivers",
                           "moved_by", "impossible_runs", "assumed"}
    assert data["history"] is None and report["p_met"] == 1.0 and report["drivers"][0]["id"] == "further-round"
    assert report["end"]["10"] <= report["end"]["50"] <= report["end"]["90"] <= "2005-07-31"
    text = run("forecast", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-06-24", "--no-history").stdout
    assert "100.0% met  WGIG report issued" in text and "report: driven by further-round" in text
    assert "history: not used (--no-history)" in text
    learned = json.loads(run(*args).stdout)
    assert learned["history"] == {"origin": "2003-12-10", "closed_windows": 1, "unrecorded": 0, "missed": 0,
                                  "p_late": round(0.35 * 2 / 3, 4), "median_excess": round(math.log(1.1), 4)}
    report = {e["id"]: e for e in learned["events"]}["report"]
    assert 0.5 < report["p_met"] < 0.9 and report["end"]["90"] > "2005-07-31"  # the windows can be overrun
    assert "history: 1 closed window, 0 missed; 23% of windows taken to be missed" in run(*args[:-1]).stdout


def test_backtest_says_how_well_calibrated_the_plan_was(run):
    out = run("forecast", "-f", str(DEFAULT_EVENTS), "--backtest").stdout
    assert "Backtest: each actual against the forecast made 90d before its planned date" in out
    # the sample size and a 95% interval beside every share (Wilson's, for 6 of 9: 35% to 88%),
    # before the history's correction and after it
    assert "Drawn from the windows alone (--no-history): 6 of 9 inside P10–P90 (67%, 95% interval 35%–88%; about 80% when" in out
    assert "Calibration over " in out
    data = json.loads(run("forecast", "-f", str(DEFAULT_EVENTS), "--backtest", "--json", "--lead", "30d").stdout)
    assert data["lead"] == "30d" and 0 <= data["calibration"] <= 1 and len(data["items"]) == 17
    assert data["sample_size"] == data["p10_p90"]["of"] and data["p10_p90"]["low"] <= data["calibration"] <= data["p10_p90"]["high"]
    assert data["windows_only"]["p10_p90"]["of"] <= data["sample_size"]
    alone = json.loads(run("forecast", "-f", str(DEFAULT_EVENTS), "--backtest", "--json", "--no-history").stdout)
    assert alone["windows_only"] is None and alone["p10_p90"]["held"] == 6 and alone["p10_p90"]["of"] == 9


def test_a_backtest_day_does_not_depend_on_the_outcome(tmp_path, run):
    """The as-of day is the planned date minus the lead: a perfect plan is not flattered."""
    early = write(tmp_path, "events:\n  - {id: a, title: A, when: 2005-06, actual: 2005-06-02}\n", "early.yaml")
    late = write(tmp_path, "events:\n  - {id: a, title: A, when: 2005-06, actual: 2005-06-29}\n", "late.yaml")
    days = {json.loads(run("forecast", "-f", str(p), "--backtest", "--json", "--runs", "1000").stdout)["items"][0]["as_of"]
            for p in (early, late)}
    assert days == {"2005-03-03"}  # 1 Jun 2005 minus 90 days, whatever happened


def test_filters_and_percentiles(run):
    data = json.loads(run("forecast", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-06-24", "--kind", "deadline",
                          "--percentiles", "5,95", "--json", "--runs", "1000").stdout)
    assert [e["id"] for e in data["events"]] == ["composition", "draft-report", "report"]
    assert set(data["events"][0]["end"]) == {"5", "95"}
    assert run("forecast", "-f", str(DEFAULT_EVENTS), "--percentiles", "90,10").exit_code == 2
    assert run("forecast", "-f", str(DEFAULT_EVENTS), "--runs", "5").exit_code == 2


@pytest.mark.parametrize("event, message", [
    ("{id: x, title: X, when: 2026-01, likely: 2026-02-03}", "likely: 2026-02-03–2026-02-03 lies outside the event's window"),
    ("{id: x, title: X, when: 2026-01, likely: 2026-01-20/2026-01-10}", "likely: the window is empty"),
    ("{id: x, title: X, start: 2026-01, end: 2026-02, likely: 2026-01-05}", "only an event at one date"),
    ("{id: x, title: X, when: 2026-01, after: y}\n  - {id: y, title: Y, when: 2026-03}",
     "contradiction: the window of 'x' is empty"),
])
def test_bad_input_is_located(tmp_path, run, event, message):
    path = write(tmp_path, "events:\n  - " + event + "\n")
    result = run("forecast", "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr and result.stderr.startswith(f"{path}:")


def test_an_open_side_is_stated_not_guessed(tmp_path):
    f = run_forecast(tmp_path, "events:\n  - {id: x, title: X, when: \"[2026-02..]\"}\n")
    assert f.drawn["x"].assumed == "closes 365 days after it opens"
    assert f.percentiles("x", "end", [100])[0] <= date(2026, 2, 1) + timedelta(days=365)


def test_charts_shade_the_band_and_mark_p50(run, tmp_path):
    chart = run("gantt", "-f", str(DEFAULT_EVENTS), "--today", "2004-06-24", "--forecast", "--width", "100", "--ascii").stdout
    rows = {line[:40].strip(): line for line in chart.splitlines()}
    first = next(line for key, line in rows.items() if key.startswith("First WGIG meeting"))
    assert "=" in first and first.count("+") == 1  # P10–P90 over the window's days, one P50
    assert chart.splitlines()[-1] == "= forecast P10–P90 (start to end)  + P50 of the end"
    assert "forecast" not in run("gantt", "-f", str(DEFAULT_EVENTS), "--today", "2004-06-24", "--width", "100").stdout
    out = tmp_path / "site"
    assert run("build", str(out), "-f", str(DEFAULT_EVENTS), "--today", "2004-06-24", "--forecast").exit_code == 0
    page = (out / "index.html").read_text()
    assert page.count('class="forecast"') == 24 and page.count('class="p50"') == 24 and "forecast: P10–P90" in page
    from timeline.forecast import bands
    from timeline.render.chart import chart_range

    schedule = schedule_at(DEFAULT_EVENTS, date(2004, 6, 24))
    shaded = bands(schedule)
    latest = max(p90 for _, _, p90 in shaded.values())
    assert chart_range(schedule.events, None, None, schedule.today)[1] < latest  # the plan alone would clip a band
    assert chart_range(schedule.events, None, None, schedule.today, shaded)[1] >= latest
    assert latest.strftime("%Y") in chart.splitlines()[1]  # the axis reaches the band's year


def test_a_series_keeps_its_first_and_last_occurrence(tmp_path):
    f = run_forecast(tmp_path, "events:\n  - {id: s, title: S, when: 2026-01-06T10:00, repeat: {every: week, count: 10}}\n"
                               "  - {id: t, title: T, when: 2026-Q1, after: s}\n", as_of=date(2025, 12, 1))
    assert set(f.drawn["s"].start) == {date(2026, 1, 6).toordinal()}
    assert set(f.drawn["s"].end) == {date(2026, 3, 10).toordinal()}  # the tenth Tuesday
    assert (f.drawn["t"].start >= date(2026, 3, 10).toordinal()).all()


# -- #25: rules that were wrong ------------------------------------------------------------------


def test_month_and_year_offsets_are_calendar_months_and_years(tmp_path):
    f = run_forecast(tmp_path, """\
events:
  - {id: r, title: R, when: 2026-01-31}
  - {id: m, title: A month on, when: r.end + 1m}
  - {id: y, title: A year on, when: "2027-06-01"}
  - {id: z, title: And a year, when: y.end + 1y}
""")
    events = {e.id: e for e in f.schedule.events}
    assert set(f.drawn["m"].end.tolist()) == {date(2026, 2, 28).toordinal()}  # as the plan says: 28 Feb
    assert f.inside(events["m"]) == 1.0
    assert set(f.drawn["z"].end.tolist()) == {date(2028, 6, 1).toordinal()}


def test_a_likely_day_already_past_does_not_pile_up_on_the_as_of_day(tmp_path):
    f = run_forecast(tmp_path, """\
events:
  - {id: m, title: M, when: "[2026-03-01..2026-06-30]", likely: 2026-03-10}
""", as_of=date(2026, 5, 1))
    days = f.drawn["m"].end
    on_the_day = float(np.count_nonzero(days == date(2026, 5, 1).toordinal())) / len(days)
    left = (date(2026, 6, 30) - date(2026, 5, 1)).days + 1  # every day left alike: about 1/61
    assert abs(on_the_day - 1 / left) < 5 * sigma_share(1 / left)


def test_a_date_written_as_a_reference_keeps_the_as_of_rules(tmp_path):
    f = run_forecast(tmp_path, """\
events:
  - {id: a, title: A, when: 2026-01-05, actual: 2026-01-05}
  - {id: b, title: A week after A, when: a.end + 1w}
""", as_of=date(2026, 2, 1))
    days = f.drawn["b"].end
    assert days.min() >= date(2026, 2, 1).toordinal() and days.max() <= date(2026, 3, 3).toordinal()  # not 12 Jan


def test_a_due_day_written_as_a_reference_is_met_against_each_runs_own_due_day(tmp_path):
    f = run_forecast(tmp_path, """\
events:
  - {id: f, title: F, when: "[2026-06-01..2026-06-30]"}
  - {id: h, title: H, when: "[2026-06-01..2026-06-30]"}
  - {id: g, title: G, due: f.end, after: h}
""", as_of=date(2026, 5, 1))
    events = {e.id: e for e in f.schedule.events}
    met = f.met(events["g"])  # g can be met only when h ends by f's day in that run: about half the runs
    assert met is not None and abs(met - 0.5) < 0.05


def test_cancelled_events_and_done_parents_are_left_as_they_are(tmp_path, run):
    text = """\
events:
  - {id: p, title: Phase, start: 2026-01, end: 2026-03, actual: 2026-01-05/2026-03-10}
  - {id: c, title: Child, when: 2026-05, parent: p}
  - {id: x, title: Called off, when: 2026-06, status: cancelled}
"""
    f = run_forecast(tmp_path, text, as_of=date(2026, 4, 1))
    assert f.drawn["p"].end.max() == date(2026, 3, 10).toordinal()  # a done phase keeps its actual
    out = run("forecast", "-f", str(tmp_path / "events.yaml"), "--as-of", "2026-04-01", "--runs", "200", "--json")
    assert "x" not in {e["id"] for e in json.loads(out.stdout)["events"]}


def test_a_forecast_too_large_or_of_nothing_is_a_message(tmp_path, run):
    path = write(tmp_path, "events:\n" + "".join(f"  - {{id: e{i}, title: E, when: 2026-0{1 + i % 9}}}\n" for i in range(100)))
    big = run("forecast", "-f", str(path), "--runs", "1000000")
    assert big.exit_code == 1 and "give --runs 500,000 or fewer" in big.stderr and "Traceback" not in big.stderr
    empty = run("forecast", "-f", str(write(tmp_path, "events: []\n", "empty.yaml")))
    assert empty.exit_code == 0 and "Nothing to forecast" in empty.stdout
    none = run("forecast", "-f", str(path), "--kind", "deadline")
    assert none.exit_code == 0 and "Nothing to forecast" in none.stdout


def test_before_and_after_condition_each_run_instead_of_piling_it_on_the_bound(tmp_path):
    f = run_forecast(tmp_path, """\
events:
  - {id: succ, title: Successor, when: 2026-04-15}
  - {id: e, title: Event, when: "[2026-03-01..2026-05-31]", before: succ}
  - {id: pred, title: Predecessor, when: "[2026-03-01..2026-03-31]"}
  - {id: g, title: After pred, when: "[2026-03-01..2026-05-31]", after: pred}
""", as_of=date(2026, 2, 1))
    days = f.drawn["e"].end
    on_the_bound = float(np.count_nonzero(days == date(2026, 4, 15).toordinal())) / len(days)
    assert on_the_bound < 0.05  # about 1 in 46 days; clamping put 63% of runs there
    p50, p90 = f.percentiles("e", "end", [50, 90])
    assert p50 < p90 <= date(2026, 4, 15)
    first = float(np.count_nonzero(f.drawn["g"].start == f.drawn["pred"].end)) / len(days)
    assert first < 0.05  # after the predecessor, not on its last day in half the runs


def test_what_moves_a_deadline_is_found_along_whole_paths(tmp_path, run):
    path = write(tmp_path, """\
events:
  - {id: a, title: A, when: "[2026-01-01..2026-06-30]"}
  - {id: b, title: A week after A, when: a.end + 1w}
  - {id: c, title: Unrelated, when: "[2026-01-01..2026-06-30]"}
  - {id: d, title: Deadline, due: 2026-09-30, after: b}
""")
    f = forecast(schedule_at(path, date(2025, 12, 1)), 20_000, 7, history=False)
    moved = dict(f.moved_by("d"))
    assert set(moved) == {"a", "b"} and moved["a"] == pytest.approx(moved["b"], abs=0.01) and moved["a"] > 0.1  # not c
    out = run("forecast", "-f", str(path), "--as-of", "2025-12-01", "--kind", "deadline", "--no-history")  # found though only d is shown
    assert "d: 100% met; " in out.stdout and "of its variation from a" in out.stdout


@pytest.mark.parametrize("percentiles", ["0,50", "50,100", "x", "50,10"])
def test_percentiles_are_from_1_to_99(run, percentiles):
    assert run("forecast", "-f", str(DEFAULT_EVENTS), "--percentiles", percentiles).exit_code == 2


def test_a_phase_is_stretched_over_its_children_before_what_depends_on_it_is_drawn(tmp_path):
    """Rule 3: an event after a phase, or dated from it, sees the phase as its children
    stretched it, in every run (they were drawn before the stretch, half of them too early)."""
    f = run_forecast(tmp_path, """\
events:
  - {id: p, title: Phase, start: 2026-01, end: 2026-03}
  - {id: c, title: Child, kind: phase, when: [2026-02..2026-06], parent: p}
  - {id: g, title: Grandchild, when: [2026-03..2026-09], parent: c}
  - {id: x, title: After the phase, when: [2026-03..2026-12], after: p}
  - {id: y, title: A week after the phase, when: p.end + 1w}
  - {id: z, title: Two weeks into the phase, when: p.start + 2w, parent: p}
""", runs=5_000)
    check_constraints(f)
    p = f.drawn["p"]
    assert (p.end >= f.drawn["g"].end).all() and (p.end >= f.drawn["c"].end).all()
    assert (f.drawn["x"].start >= p.end).all()
    assert (f.drawn["y"].start == p.end + 7).all()


def test_a_deadline_is_drawn_from_its_due_day_not_from_the_as_of_day(tmp_path):
    """The chance rises evenly over the 90 days before the due day (or from the end of what it
    follows); the as-of day only takes days out, so a forecast made earlier says the same."""
    text = ("events:\n  - {id: d, title: D, due: 2026-12-31}\n"
            "  - {id: m, title: M, when: [2026-10-01..2026-10-31]}\n  - {id: e, title: E, due: 2026-12-31, after: m}\n")
    early, earlier = (run_forecast(tmp_path, text, as_of=day) for day in (date(2026, 9, 1), date(2024, 1, 1)))
    due = date(2026, 12, 31).toordinal()
    for f in (early, earlier):
        days = f.drawn["d"].end
        assert days.min() >= due - 90 and days.max() == due
        median = due - 90 + 91 * math.sqrt(0.5)  # the rising triangle on [due - 90, due + 1)
        assert abs(np.median(days) - median) <= 4 * sigma_days(0.5, 2 * 0.5 ** 0.5 / 91) + 1
        assert (f.drawn["e"].end >= f.drawn["m"].end).all()  # from where what it follows ends
    assert early.percentiles("d", "end", [10, 50, 90]) == earlier.percentiles("d", "end", [10, 50, 90])
    later = run_forecast(tmp_path, text, as_of=date(2026, 12, 1))  # a month left: only days taken out
    assert later.drawn["d"].end.min() >= date(2026, 12, 1).toordinal()
    assert later.percentiles("d", "end", [50])[0] > early.percentiles("d", "end", [50])[0]


def test_calibration_on_simulated_plans_with_and_without_the_history():
    """The harness of tests/forecast_sim.py: 60 random plans, the first half of each reality
    recorded, the second half scored. Where reality follows the windows, P10–P90 holds about
    80% either way; where it runs late as real projects do, the windows alone hold about one
    date in eight and a deadline reported as certain is missed more often than not, while the
    history holds at least 65% (#25) and no deadline is reported as certain."""
    from .forecast_sim import simulate

    alone, learned = simulate(60, late=False, history=False), simulate(60, late=False, history=True)
    assert 0.76 <= alone.coverage <= 0.84 and 0.76 <= learned.coverage <= 0.88
    alone, learned = simulate(60, late=True, history=False), simulate(60, late=True, history=True)
    assert alone.coverage < 0.2 and alone.confident_met < alone.confident_deadlines * 0.6
    assert learned.coverage >= 0.65
    assert learned.confident_met >= 0.9 * learned.confident_deadlines  # nothing "certain" that then fails


@pytest.mark.slow
def test_no_deadline_is_reported_certain_when_most_realities_miss_it():
    """#25: over 10 plans and 20 late-running realities each, no deadline met in at most 60%
    of them is reported at 99% or more by any forecast made while it was ahead; from the
    windows alone, most such deadlines are."""
    from .forecast_sim import deadline_claims

    def overconfident(history: bool) -> int:
        return sum(1 for met, reported in deadline_claims(10, 20, late=True, history=history)
                   if met <= 0.6 and reported >= 0.99)

    assert overconfident(history=True) == 0 and overconfident(history=False) >= 20


def test_runs_in_which_a_rule_cannot_hold_are_counted_whatever_the_rule(tmp_path, run):
    """A due day or a date written as a reference that has passed by the as-of day in some
    runs (f drawn early) cannot hold there: those runs are counted and the rule named, as
    after-against-before runs are; and the words say in how many runs it is past due."""
    text = """\
events:
  - {id: f, title: F, when: "[2026-06-01..2026-06-30]"}
  - {id: g, title: G, due: f.end - 3w}
  - {id: m, title: M, kind: milestone, when: f.end - 3w}
"""
    f = run_forecast(tmp_path, text, as_of=date(2026, 5, 25), runs=5_000)
    f_end = f.drawn["f"].end
    passed = int(np.count_nonzero(f_end - 21 < date(2026, 5, 25).toordinal()))
    assert 0 < passed < 5_000
    for ident in ("g", "m"):
        assert f.drawn[ident].impossible == passed, ident
    assert f.drawn["g"].conflicts == ["its due day, f.end - 3w, had passed by the as-of day"]
    assert f.drawn["g"].assumed.startswith(f"past due in {passed:,} of 5,000 runs")
    out = run("forecast", "-f", str(write(tmp_path, text)), "--as-of", "2026-05-25", "--runs", "5000",
              "--no-history", "--seed", "7").stdout
    assert "g: in " in out and "its rules could not all hold: its due day, f.end - 3w, had passed" in out
