"""The Gantt chart: golden pictures, widths in terminal columns, the today line, ASCII, colors."""

from __future__ import annotations

from datetime import date, timedelta

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.errors import RequestError
from timeline.render.chart import Axis
from timeline.render.gantt import ASCII, MIN_WIDTH, GanttOptions, Glyph, layout, render_gantt, row_labels
from ..conftest import assert_golden, schedule_at, write
from timeline.render.text import text_width


TODAY = date(2005, 3, 1)


def chart(path, today=None, **kw) -> str:
    return render_gantt(schedule_at(path, today), GanttOptions(**kw))


@pytest.mark.parametrize("width", [40, 80, 120, 200])
@pytest.mark.parametrize("ascii_", [False, True], ids=["unicode", "ascii"])
def test_golden(run, default_events, width, ascii_):
    args = ["gantt", "-f", str(default_events), "--width", str(width), "--today", TODAY.isoformat(), "--color", "never"]
    result = run(*args, *(["--ascii"] if ascii_ else []))
    assert result.exit_code == 0
    assert_golden(f"gantt-{width}{'-ascii' if ascii_ else ''}.txt", result.stdout)


def rows(text: str) -> dict[str, str]:
    """Chart rows by their label."""
    return {re.split(r"\s{2,}| (?=[█░◆▐→←✗─│])", line.lstrip())[0]: line for line in text.splitlines()[3:-1]}


def chart_part(row: str, label_w: int) -> str:
    """The cells of a row: what follows the label column, counted in terminal columns."""
    for i in range(len(row) + 1):
        if text_width(row[:i]) == label_w + 1:
            return row[i:]
    raise AssertionError(f"no column {label_w + 1} in {row!r}")


def columns_of(line: str, label_w: int) -> dict[int, str]:
    return {i: ch for i, ch in enumerate(line[label_w + 1:]) if ch != " "}


PLAN_DAY = date(2004, 10, 15)  # before anything in the WGIG plan was done


@pytest.mark.parametrize("width", range(MIN_WIDTH, 301))
def test_default_data_reads_right_at_every_width(default_events, width):
    schedule = schedule_at(default_events, PLAN_DAY)
    text = render_gantt(schedule, GanttOptions(width=width))
    lines = text.splitlines()
    assert all(text_width(line) <= width for line in lines)
    assert len(lines) == 3 + len(schedule.events) + 1
    by_id = dict(zip((e.id for e in schedule.events), lines[3:-1], strict=False))
    label_w, axis = layout(schedule, row_labels(schedule, False), GanttOptions(width=width))
    start = label_w + 1
    assert all(text_width(line[:start]) == start for line in lines[3:-1])

    def cells(ident):
        return by_id[ident][start:]

    phase1 = cells("phase-1")
    # phase 1: uncertain edges light, the certain middle (31 Jul to 1 Oct) solid
    assert phase1[axis.col(date(2004, 7, 1))] == "░" and phase1[axis.col(date(2004, 10, 31))] == "░"
    assert phase1[axis.col(date(2004, 9, 1))] == "█"
    first = cells("first-meeting")
    assert first[axis.col(date(2004, 11, 1))] in "░" and first[axis.col(date(2004, 12, 31))] == "░"
    assert "█" not in first and "◆" not in first
    report = cells("report")
    assert report[axis.col(date(2005, 7, 31))] == "▐" and report.rstrip()[-1] == "▐"
    tunis = cells("tunis-summit")
    assert tunis[axis.col(date(2005, 11, 1))] == "░" and tunis[axis.col(date(2005, 11, 30))] == "░"


def test_done_events_show_what_happened_over_the_plan(default_events):
    schedule = schedule_at(default_events, TODAY)
    opts = GanttOptions(width=120)
    label_w, _ = layout(schedule, row_labels(schedule, False), opts)
    r = rows(render_gantt(schedule, opts))
    first = chart_part(r["First WGIG meeting"], label_w)
    assert first.count("█") >= 1 and first.count("░") >= 2  # 23–25 Nov over the Nov–Dec window
    composition = chart_part(r["Composition of the WGIG complete"], label_w)
    assert composition.replace("│", "").strip() == "▐◆"  # due 31 Oct, done 11 Nov: never one cell


def test_today_line_lands_on_its_column(tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: 2005-01-01/2005-12-31}\n  - {id: b, title: B, when: 2005-01-01}\n")
    text = chart(path, width=80, today=date(2005, 7, 2))
    lines = text.splitlines()
    axis = Axis(date(2005, 1, 1), date(2005, 12, 31), 80 - 8 - 1)
    day_row, span_row = lines[3], lines[4]
    assert day_row.startswith("B ") and day_row[8 + 1 + axis.col(date(2005, 7, 2))] == "│"
    assert day_row.index("│") == 9 + (date(2005, 7, 2) - date(2005, 1, 1)).days * 71 // 365
    assert "│" not in span_row  # bars stay on top of the line
    assert "today: 2 Jul 2005" in lines[0]


def test_today_outside_the_range_is_noted(tmp_path, default_events):
    assert "today: 21 years after the last event" in chart(default_events, width=120, today=date(2026, 11, 28)).splitlines()[0]
    assert "today: 3 months before the first event" in chart(default_events, width=120, today=date(2003, 9, 1)).splitlines()[0]


def test_too_narrow_is_a_usage_error(run, default_events):
    result = run("gantt", "-f", str(default_events), "--width", str(MIN_WIDTH - 1))
    assert result.exit_code == 2
    assert f"Invalid value for '--width': {MIN_WIDTH - 1} is too narrow: the chart needs at least {MIN_WIDTH} columns" in result.stderr


def test_a_narrow_terminal_is_refused_by_the_renderer(default_events):
    from timeline.errors import RequestError
    from timeline.render.gantt import GanttOptions, render_gantt

    with pytest.raises(RequestError, match="width 29 is too narrow"):
        render_gantt(schedule_at(default_events), GanttOptions(width=29))


def test_wide_characters_count_two_columns(tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: 互联网治理工作组会议第一次会议在日内瓦举行, when: 2005-02-17}\n  - {id: b, title: x, when: 2005-06}\n")
    text = chart(path, width=40, today=TODAY)
    for line in text.splitlines():
        assert text_width(line) <= 40
    row = text.splitlines()[3]
    label = row[: row.index("…") + 1]
    assert label == "互联网治理工作…" and text_width(label) == 15  # 16 columns: an eighth would not fit
    assert text_width(row[: row.index("◆")]) == 17 + Axis(date(2005, 2, 1), date(2005, 6, 30), 40 - 17).col(date(2005, 2, 17))


def test_ascii_is_pure_ascii(default_events, run):
    out = run("gantt", "-f", str(default_events), "--ascii", "--width", "100").stdout
    assert out.isascii() and "#" in out and "!" in out


def test_colors(run, default_events):
    base = ["gantt", "-f", str(default_events), "--width", "80"]
    assert "\x1b[" in run(*base, "--color", "always").stdout
    assert "\x1b[" in run(*base, "--color", "always", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run(*base, "--color", "never").stdout
    assert "\x1b[" not in run(*base).stdout  # the test runner is not a terminal
    colored = run(*base, "--color", "always").stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", colored)
    assert plain == run(*base, "--color", "never").stdout


def test_scales_and_range(run, default_events):
    out = run("gantt", "-f", str(default_events), "--width", "120", "--scale", "week", "--from", "2004-10-01", "--to", "2004-12-31").stdout
    lines = out.splitlines()
    assert "Oct 2004" in lines[1] and "Nov 2004" in lines[1] and " 4 " in lines[2]
    assert not any(line.startswith("Tunis phase PrepCom-3") for line in lines)
    year = run("gantt", "-f", str(default_events), "--width", "120", "--scale", "year").stdout.splitlines()
    assert year[1].split() == ["2000s"] and year[2].split() == ["2004", "2005"]  # no blank axis row
    assert run("gantt", "-f", str(default_events), "--scale", "decade").exit_code == 2


def test_columns_follow_dates_not_clocks(tmp_path):
    # A span over the spring clock change is as long as its days say, not an hour short.
    path = write(tmp_path, """\
calendar: {timezone: Europe/Zurich}
events:
  - {id: a, title: A, when: 2005-03-20/2005-04-02}
  - {id: frame, title: F, when: 2005-03-01/2005-04-30}
""")
    text = chart(path, width=70)
    row = text.splitlines()[4]
    axis = Axis(date(2005, 3, 1), date(2005, 4, 30), 70 - 8 - 1)
    bar = [i for i, ch in enumerate(row[9:]) if ch == "█"]
    assert bar == list(range(axis.col(date(2005, 3, 20)), axis.col(date(2005, 4, 2)) + 1))


def test_short_events_still_show_and_kinds_have_marks(tmp_path):
    path = write(tmp_path, """\
events:
  - {id: frame, title: Frame, when: 2000-01-01/2009-12-31}
  - {id: day, title: Day, when: 2005-03-01}
  - {id: two, title: Two days, kind: meeting, when: 2005-03-01/2005-03-02}
  - {id: due, title: Due, due: 2005-03-01}
  - {id: open, title: Open, when: [2005-03..]}
  - {id: before, title: Before, when: [..2005-03]}
  - {id: gone, title: Gone, kind: meeting, when: 2005-03-01/2005-03-20, status: cancelled}
  - {id: done, title: Done, when: [2004-11, 2004-12], actual: 2005-02-10}
""")
    r = rows(chart(path, width=60))
    assert "◆" in r["Day"] and "█" in r["Two days"] and "◆" not in r["Two days"]
    assert "▐" in r["Due"]
    assert r["Open"].rstrip().endswith("→") and "░" in r["Open"]
    assert chart_part(r["Before"], 8)[0] == "←"
    assert "✗" in r["Gone"] and "█" not in r["Gone"]
    assert "◆" in r["Done"] and "░" in r["Done"]


def test_done_is_judged_as_of_today(tmp_path):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: [2004-11, 2004-12], actual: 2004-11-23}\n")
    assert "◆" in rows(chart(path, width=60, today=date(2004, 12, 1)))["A"]
    assert "◆" not in rows(chart(path, width=60, today=date(2004, 11, 1)))["A"]


def test_glyph_tables_cover_every_glyph():
    for glyph in Glyph:
        assert glyph in ASCII and ASCII[glyph].isascii()


# -- property test ----------------------------------------------------------------------

day_strategy = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
title_strategy = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(lambda t: t.strip())


@st.composite
def schedule_text(draw):
    lines = ["events:"]
    for i in range(draw(st.integers(1, 12))):
        first = draw(day_strategy)
        last = first + timedelta(days=draw(st.integers(0, 3000)))
        form = draw(st.sampled_from([f"when: {first}", f"when: {first}/{last}", f"due: {first}", f"when: {first:%Y-%m}",
                                     f"when: [{first}..]", f"when: [..{first}]", f"when: {first:%Y}~"]))
        import json

        lines.append(f"  - {{id: e{i}, title: {json.dumps(draw(title_strategy), ensure_ascii=False)}, {form}}}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=schedule_text(), width=st.integers(MIN_WIDTH, 300), ascii_=st.booleans(), today=day_strategy)
def test_any_schedule_at_any_width(tmp_path_factory, text, width, ascii_, today):
    path = tmp_path_factory.mktemp("g") / "events.yaml"
    path.write_text(text, encoding="utf-8")
    schedule = schedule_at(path, today)
    out = render_gantt(schedule, GanttOptions(width=width, ascii=ascii_))
    lines = out.splitlines()
    assert all(text_width(line) <= width for line in lines)
    assert len(lines) == 3 + len(schedule.events) + 1
    marks = set("█░◆▐→←✗─#.*!<>x-")
    label_w, _ = layout(schedule, row_labels(schedule, ascii_), GanttOptions(width=width))
    for row in lines[3:-1]:
        assert set(chart_part(row, label_w)) & marks, f"an event has no mark: {row!r}"
    if ascii_:
        assert out.isascii()


def test_below_minimum_is_an_error(default_events):
    with pytest.raises(RequestError, match="too narrow"):
        render_gantt(schedule_at(default_events), GanttOptions(width=MIN_WIDTH - 1))


def test_month_axis_is_never_one_letter(run, default_events):
    """Three letters where they fit, two (Ja Fe Mr ...) with three cells a month, else the first
    month of each quarter: `J F M A M J J A S O N D` was ambiguous."""
    def months(width: int) -> list[str]:
        return run("gantt", "-f", str(default_events), "--width", str(width), "--scale", "month").stdout.splitlines()[2].split()

    assert months(200)[:3] == ["Dec", "Jan", "Feb"] and len(months(200)) == 24
    assert months(140)[:4] == ["De", "Ja", "Fe", "Mr"] and len(months(140)) == 24
    assert set(months(90)) == {"Jan", "Apr", "Jul", "Oct"}


def test_the_legend_explains_both_arrows(run, default_events):
    legend = run("gantt", "-f", str(default_events), "--width", "120").stdout.splitlines()[-1]
    assert "←→ open before/after" in legend
