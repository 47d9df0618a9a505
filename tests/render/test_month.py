"""The month calendar: each event on its days, as a subscribed calendar shows it."""

from __future__ import annotations

from datetime import date

from timeline.analysis.month import month_of, months_of
from timeline.render.month import MonthOptions, calendar_page_chunks, render_month
from timeline.render.text import text_width

from ..conftest import DEFAULT_EVENTS, schedule_at, write


def cells(text: str, day: int) -> list[str]:
    """The lines of one day's cell in a text grid (found by its number)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        parts = line.split("│")[1:-1]
        for col, part in enumerate(parts):
            if part.strip() == str(day) and part.startswith(str(day)):
                out = []
                for below in lines[i + 1:]:
                    if not below.startswith("│"):
                        return out
                    text_part = below.split("│")[1:-1][col].strip()
                    if text_part:
                        out.append(text_part)
                return out
    raise AssertionError(f"no day {day}")


def test_each_event_is_on_its_days_as_a_subscriber_sees_it():
    schedule = schedule_at(DEFAULT_EVENTS, date(2004, 10, 15))
    month = month_of(schedule, date(2004, 11, 1))
    assert month.weeks[0][0] == date(2004, 11, 1)  # a Monday, in the first column
    text = render_month(month, MonthOptions(width=200))
    assert text.splitlines()[0].strip() == "November 2004"
    assert "▸ First WGIG meeting" in cells(text, 1)  # "Nov or Dec": a long window opens on the 1st
    assert cells(text, 15) == []
    december = render_month(month_of(schedule, date(2004, 12, 1)), MonthOptions(width=200))
    assert "◂ First WGIG meeting" in cells(december, 31)  # ... and closes on the 31st
    done = render_month(month_of(schedule_at(DEFAULT_EVENTS, None), date(2004, 11, 1)), MonthOptions(width=200))
    assert [c for c in cells(done, 23) if "First WGIG" in c] == ["First WGIG meeting"]  # what happened: 23-25 Nov
    assert "First WGIG meeting" in cells(done, 25) and not any("First WGIG" in c for c in cells(done, 26))


def test_a_crowded_day_lists_every_event_and_the_grid_stays_square(tmp_path):
    events = "".join(f"  - {{id: e{i}, title: \"会議 {i} <b>&amp;</b> \\u0007\", when: 2026-03-04}}\n" for i in range(100))
    schedule = schedule_at(write(tmp_path, "calendar: {timezone: UTC}\nevents:\n" + events), date(2026, 1, 1))
    for width, ascii in ((60, True), (120, False)):
        text = render_month(month_of(schedule, date(2026, 3, 1)), MonthOptions(width=width, ascii=ascii))
        grid = [line for line in text.splitlines() if line[:1] in "|│+┌├└"]
        assert len({text_width(line) for line in grid}) == 1 and text_width(grid[0]) <= width  # no cell spills
        assert len(cells(text.replace("|", "│"), 4)) == 100  # every event, one line each
        assert "\x07" not in text
    page = "".join(calendar_page_chunks("<Plan>", months_of(schedule, date(2026, 1, 1), date(2026, 12, 31))))
    assert page.count("<section") == 1  # only the months with something on a day
    assert "&lt;Plan&gt;" in page and "<b>" not in page and page.count("<li>") == 100


def test_the_calendar_command(run, tmp_path):
    text = run("calendar", "2004-11", "-f", str(DEFAULT_EVENTS), "--as-of", "2004-10-15", "--width", "100")
    assert text.exit_code == 0 and text.stdout == render_month(
        month_of(schedule_at(DEFAULT_EVENTS, date(2004, 10, 15)), date(2004, 11, 1)), MonthOptions(width=100))
    this = run("calendar", "-f", str(DEFAULT_EVENTS), "--as-of", "2005-02-10", "--width", "100", "--ascii")
    assert this.exit_code == 0 and this.stdout.splitlines()[0].strip() == "February 2005" and "─" not in this.stdout
    assert run("calendar", "2004-13", "-f", str(DEFAULT_EVENTS)).exit_code == 2
    assert run("calendar", "-f", str(DEFAULT_EVENTS), "--width", "20").exit_code == 2
