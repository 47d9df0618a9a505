"""`timeline build`: the files, escaping, determinism, atomic replacement."""

from __future__ import annotations

import re
from datetime import date, datetime, UTC

import icalendar
import pytest

from timeline import publish
from timeline.errors import FileAccessError
from timeline.render.site import SiteOptions, render_site

from ..conftest import schedule_at, write


STAMP = datetime(2005, 11, 18, tzinfo=UTC)


def site(path, base_url=None, today=date(2005, 3, 1)):
    return render_site(schedule_at(path, today), SiteOptions(STAMP, base_url))


def test_build_writes_every_feed_and_the_page(run, default_events, tmp_path):
    out = tmp_path / "site"
    result = run("build", str(out), "-f", str(default_events), "--today", "2005-03-01")
    assert result.exit_code == 0 and result.stdout == f"{out}: 18 files\n"
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == sorted([
        "calendar.html", "calendar.ics", "index.html", "kinds/deadline.ics", "kinds/meeting.ics", "kinds/milestone.ics", "kinds/phase.ics",
        "tags/consultation.ics", "tags/meeting.ics", "tags/prepcom.ics", "tags/report.ics", "tags/secretariat.ics",
        "tags/wgig.ics", "tags/wsis.ics", "owners/prepcom.ics", "owners/un-secretary-general.ics", "owners/wgig.ics",
        "owners/wgig-secretariat.ics",
    ])
    prepcom = icalendar.Calendar.from_ical((out / "tags" / "prepcom.ics").read_bytes())
    assert sorted(str(e["UID"]).split("@")[0] for e in prepcom.walk("VEVENT")) == [
        "prepcom-1", "prepcom-2", "prepcom-2-consultation", "prepcom-3", "prepcom-3-resumed"]
    assert str(prepcom["X-WR-CALNAME"]) == "WGIG timeline (plan of 24 June 2004) · prepcom"
    files = publish.site_files(schedule_at(default_events, date(2005, 3, 1)), publish.SiteRequest(), None)
    assert {name: (out / name).read_bytes() for name in names} == files  # written in pieces, the same bytes


def test_a_site_written_in_pieces_fails_whole(default_events, tmp_path):
    """A file whose pieces stop with an error mid-way leaves the old site and no staging folder."""
    out = tmp_path / "site"
    publish.write_site(str(out), {"calendar.ics": b"old"})

    def broken():
        yield b"BEGIN:VCALENDAR\r\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(FileAccessError, match="No space left on device"):
        publish.write_site(str(out), {"calendar.ics": b"new", "tags/x.ics": broken()})
    assert (out / "calendar.ics").read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    sizes = publish.write_site(str(out), {"calendar.ics": iter([b"ab", b"cde"]), "index.html": b"page"})
    assert sizes == {"calendar.ics": 5, "index.html": 4} and (out / "calendar.ics").read_bytes() == b"abcde"


def test_page_is_self_contained_with_links(default_events):
    page = site(default_events, "https://example.org/wgig/")["index.html"].decode()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<table>" in page
    assert 'href="webcal://example.org/wgig/calendar.ics"' in page
    assert 'href="https://example.org/wgig/tags/wgig.ics"' in page
    assert 'href="calendar.ics" download' in page
    inline = page.replace('<link rel="icon" href="data:,">', "")  # no icon to fetch: an empty one, inline
    for external in ("<script src", "<link", "@import", "url(http", 'src="http'):
        assert external not in inline
    assert page.count("<script>") == 1  # its own few lines, inline (README: the page)
    assert 'name="viewport"' in page and "@media print" in page


def test_without_a_base_url_only_download_links(default_events):
    page = site(default_events)["index.html"].decode()
    assert "webcal://" not in page and 'href="calendar.ics" download' in page


def test_calendar_url_gives_the_base(tmp_path):
    path = write(tmp_path, "calendar: {url: 'https://cal.example.org/feeds/calendar.ics'}\nevents:\n  - {id: a, title: A, when: 2005}\n")
    page = site(path)["index.html"].decode()
    assert 'href="webcal://cal.example.org/feeds/calendar.ics"' in page


def test_text_is_escaped(tmp_path):
    path = write(tmp_path, """\
calendar: {name: "<b>Bold</b> & co"}
events:
  - {id: a, title: "<script>alert(1)</script>", when: 2005-01-01, location: "<img src=x onerror=alert(2)>"}
""")
    page = site(path)["index.html"].decode()
    assert "<script>alert" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page


def test_same_input_same_bytes(run, default_events, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert run("build", str(out), "-f", str(default_events), "--today", "2005-03-01").exit_code == 0
    for f in a.rglob("*"):
        if f.is_file():
            assert f.read_bytes() == (b / f.relative_to(a)).read_bytes()


def test_rebuild_swaps_the_whole_folder(run, default_events, tmp_path):
    out = tmp_path / "site"
    run("build", str(out), "-f", str(default_events))
    (out / "stale.ics").write_text("from an older build")
    assert run("build", str(out), "-f", str(default_events)).exit_code == 0
    assert not (out / "stale.ics").exists() and (out / "calendar.ics").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_a_failed_build_leaves_the_old_site(default_events, tmp_path, monkeypatch):
    out = tmp_path / "site"
    publish.write_site(str(out), {"calendar.ics": b"old", "index.html": b"old page"})
    real_open = open
    written = []

    def failing_open(path, mode="r", *args, **kw):
        if "w" in mode and str(path).startswith(str(tmp_path)):
            written.append(path)
            if len(written) == 3:
                raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kw)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(FileAccessError, match="No space left on device"):
        publish.write_site(str(out), site(default_events))
    monkeypatch.undo()
    assert (out / "calendar.ics").read_bytes() == b"old" and (out / "index.html").read_bytes() == b"old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_exchange_is_used_where_available(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    assert publish._exchange(str(a), str(b))  # Linux (glibc 2.28+): one atomic step
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_refuses_to_replace_a_file(default_events, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("precious")
    with pytest.raises(FileAccessError, match="exists and is not a folder"):
        publish.write_site(str(target), site(default_events))
    assert target.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_svg_draws_every_kind_of_mark(default_events):
    from timeline.render.svg import SvgOptions, render_svg

    page = site(default_events, today=date(2005, 3, 1))["index.html"].decode()
    chart = page[page.index('<div class="bars"'):]
    svg = chart[:chart.index("</svg>")]
    for cls in ('class="possible"', 'class="certain"', 'class="due"', 'class="actual"', 'class="actual-day"'):
        assert cls in svg
    assert "today: 2005-03-01" in svg and 'class="label"' not in svg  # the page lists the names beside it
    events = schedule_at(default_events, date(2005, 3, 1))
    assert render_svg(events).count('class="label"') == len(events.events)  # the SVG alone draws its names
    assert render_svg(events, SvgOptions(labels=False)) in page


def test_the_legend_names_every_mark_the_chart_draws(default_events):
    page = site(default_events, today=date(2005, 3, 1))["index.html"].decode()
    legend = page[page.index('<ul class="legend">'):page.index("</ul>", page.index('<ul class="legend">'))]
    for name in ("phase", "meeting", "milestone", "deadline", "certain days", "possible days", "open: no known end",
                 "one day", "due day", "occurrences of a repeating event", "cancelled", "today (2005-03-01)"):
        assert f"{name}" in legend, name


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def luminance(color: str) -> float:
        channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_mark_stands_out_at_three_to_one_in_both_schemes(default_events, tmp_path):
    from timeline.model import Kind
    from timeline.render.site import render_index
    from timeline.render.svg import ACCENT, CANCELLED, COLORS, DARK_COLORS

    light, dark = "#ffffff", "#1a202c"
    for kind in Kind:  # WCAG 1.4.11: graphics 3:1 against what is next to them
        assert contrast(COLORS[kind], light) >= 3 and contrast(DARK_COLORS[kind], dark) >= 3, kind
    assert contrast(CANCELLED, light) >= 3 and contrast(CANCELLED, dark) >= 3
    assert contrast(ACCENT, light) >= 3 and contrast(ACCENT, dark) >= 3
    page = render_index(schedule_at(default_events, date(2005, 3, 1)), ["calendar.ics"], None)
    for kind in Kind:  # the page swaps the dark colours in, for the chart and the legend alike
        assert f".k-{kind.value}>:not(.open-left):not(.open-right),.legend .k-{kind.value}{{fill:{DARK_COLORS[kind]}" in page
    # possible days are a light fill with an outline in the full colour; an open end has a chevron
    assert re.search(r'<rect [^>]*fill-opacity="0.25" stroke="#[0-9a-f]{6}" class="possible">', page)
    opened = write(tmp_path, "events:\n  - {id: a, title: A, when: '[2026-05..]'}\n  - {id: b, title: B, when: 2026-09}\n")
    assert re.search(r'class="open-right">.*\n<path [^>]*stroke="#[0-9a-f]{6}" stroke-width="2" class="chevron"/>',
                     render_index(schedule_at(opened, date(2026, 1, 1)), [], None))
