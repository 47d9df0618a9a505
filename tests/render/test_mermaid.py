"""The Mermaid export: a bar per shape of each row, text Mermaid cannot misread."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from timeline.render.chart import Mark, chart_range, shapes
from timeline.render.mermaid import render_markdown, render_mermaid, safe

from ..conftest import DEFAULT_EVENTS, schedule_at

TASK = re.compile(r"^    (.+?) :(?:([a-z, ]+), )?(t-[a-z0-9-]+), (\d{4}-\d\d-\d\d), (0d|\d{4}-\d\d-\d\d)$")


def tasks(text: str) -> list[tuple[str, str, str, date, date]]:
    """(name, tags, id, first day, last day) of every task line."""
    out = []
    for line in text.splitlines():
        found = TASK.match(line)
        if found:
            name, tags, ident, first, end = found.groups()
            start = date.fromisoformat(first)
            last = start if end == "0d" else date.fromisoformat(end) - timedelta(days=1)
            out.append((name, tags or "", ident, start, last))
    return out


def test_every_row_is_its_shapes_where_their_days_are():
    schedule = schedule_at(DEFAULT_EVENTS, date(2005, 3, 1))
    text = render_mermaid(schedule)
    assert text.startswith("gantt\n    title WGIG timeline") and "todayMarker off" in text and "(as of 1 Mar 2005)" in text
    found = tasks(text)
    assert len(found) == sum(1 for line in text.splitlines() if " :" in line and not line.strip().startswith("%%"))
    lo, hi = chart_range(schedule.events, None, None, schedule.today)
    for e in schedule.events:
        mine = [t for t in found if re.fullmatch(rf"t-{e.id}(-\d+)?", t[2])]
        assert mine, e.id  # every event is drawn
        drawn = {(s.mark, max(s.first or lo, lo), min(s.last or hi, hi)) for s in shapes(e, lo, hi)}
        for name, tags, _, first, last in mine:  # each bar is one of the row's shapes, on its days
            mark = (Mark.ACTUAL_DAY if "milestone" in tags else Mark.ACTUAL) if "done" in tags else \
                Mark.DUE if "crit" in tags else Mark.DAY if "milestone" in tags else \
                Mark.POSSIBLE if "possible days" in name or "planned" in name else \
                Mark.OPEN_RIGHT if "open end" in name else Mark.OPEN_LEFT if "open start" in name else Mark.CERTAIN
            assert (mark, first, last) in drawn, (e.id, name, first, last)
    report = [t for t in found if re.fullmatch(r"t-report(-\d+)?", t[2])]
    assert [(t[1], t[3], t[4]) for t in report] == [("active", date(2005, 4, 1), date(2005, 7, 31)),
                                                     ("crit, milestone", date(2005, 7, 31), date(2005, 7, 31))]


@given(st.text(max_size=200))
def test_any_text_is_one_safe_line(text):
    clean = safe(text)
    assert clean and "\n" not in clean and "\r" not in clean
    assert not set(clean) & set(":;#<>%`\\")  # what ends a statement, starts a comment, an entity or markup
    assert clean.split(" ", 1)[0].casefold() not in ("section", "title", "click", "dateformat", "excludes")


def test_markdown_puts_the_chart_under_the_heading_and_the_list_after_it():
    schedule = schedule_at(DEFAULT_EVENTS, date(2005, 3, 1))
    text = render_markdown(schedule)
    assert text.startswith("# WGIG timeline (plan of 24 June 2004)\n\n```mermaid\ngantt\n")
    chart, _, rest = text.partition("```\n")
    assert rest.lstrip().startswith("| When | Event |") and rest.count("\n| ") >= len(schedule.events)


def test_gantt_formats_on_the_command_line(run):
    mermaid = run("gantt", "-f", str(DEFAULT_EVENTS), "--today", "2005-03-01", "--format", "mermaid")
    assert mermaid.exit_code == 0 and mermaid.stdout == render_mermaid(schedule_at(DEFAULT_EVENTS, date(2005, 3, 1)))
    chosen = run("gantt", "-f", str(DEFAULT_EVENTS), "--today", "2005-03-01", "--format", "markdown", "--kind", "deadline")
    assert chosen.exit_code == 0 and "```mermaid" in chosen.stdout and "Tunis summit" not in chosen.stdout
    refused = run("gantt", "-f", str(DEFAULT_EVENTS), "--format", "mermaid", "--forecast")
    assert refused.exit_code == 2 and "only in the text chart" in refused.stderr
    assert run("gantt", "-f", str(DEFAULT_EVENTS), "--format", "svg").exit_code == 2
