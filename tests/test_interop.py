"""Seven real calendar clients read our feeds and must see exactly what the model says.

For every event the model decides the days (or the instant) it occupies and its summary
(`timeline.render.ics.place` and `summary`); each client must show exactly those pairs, no more
and no fewer, and the feed must pass a structural lint. The clients are installed by
`.ci/run`; a missing client skips here but fails in CI.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from timeline.render.ics import IcsOptions, WindowMode, feed_stamp, latest_day, place, render_ics, summary
from .conftest import DATA, DEFAULT_EVENTS, schedule_at

from .interop.clients import CLIENTS, Pairs, day_pairs, fetch_nodeical, instant_pair, missing
from .interop.lint import lint

LO, HI = date(2003, 1, 1), date(2007, 1, 1)
FILES = {"default": DEFAULT_EVENTS, "stress": DATA / "stress.yaml"}


def need(client: str) -> None:
    why = missing(client)
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"{client} must run in CI: {why}")
        pytest.skip(why)


def expected(path: Path, mode: WindowMode, day: date | None = None) -> Pairs:
    """What the model says a person should see (judged as of `day`: None, every actual counts)."""
    schedule = schedule_at(path, day)
    pairs: Pairs = set()
    for e in schedule.events:
        spot = place(e, mode)
        title = summary(e, spot)
        if hasattr(spot.start, "hour"):
            pairs |= instant_pair(spot.start, title, LO, HI)  # type: ignore[arg-type]
        else:
            pairs |= day_pairs(spot.start, spot.end, title, LO, HI)  # type: ignore[arg-type]
    return pairs


@pytest.fixture(scope="module", params=[(name, mode) for name in FILES for mode in WindowMode],
                ids=lambda p: f"{p[0]}-{p[1].value}")
def feed(request, tmp_path_factory) -> tuple[Path, Pairs]:
    name, mode = request.param
    schedule = schedule_at(FILES[name])
    data = render_ics(schedule, IcsOptions(feed_stamp(schedule.calendar, None, None, latest_day(schedule.events)), mode))
    path = tmp_path_factory.mktemp("feeds") / f"{name}-{mode.value}.ics"
    path.write_bytes(data)
    return path, expected(FILES[name], mode)


def test_feed_has_no_lint_problem(feed):
    path, _ = feed
    assert lint(path.read_bytes()) == []


@pytest.mark.parametrize("client", list(CLIENTS))
def test_client_sees_what_the_model_says(feed, client):
    need(client)
    path, want = feed
    got = CLIENTS[client](path, LO, HI)
    assert got == want, (
        f"{client} differs: missing {sorted(want - got)[:5]}, extra {sorted(got - want)[:5]}"
    )


def test_expectation_is_not_trivial():
    pairs = expected(FILES["stress"], WindowMode.SPAN)
    assert any(kind == "T" for kind, _, _ in pairs) and len(pairs) > 500
    assert ("T", "2005-10-30T00:30", "At an ambiguous local time (first 02:30)") in pairs
    assert ("T", "2005-07-05T08:00", "Timed in summer (CEST)") in pairs
    assert ("T", "2005-01-12T08:00", "Timed in winter (CET)") in pairs


def test_lint_catches_problems():
    assert "the file does not end with CRLF" in lint(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR")
    assert any("longer than 75" in p for p in lint(b"BEGIN:VCALENDAR\r\n" + b"X" * 80 + b"\r\nEND:VCALENDAR\r\n"))
    assert any("splits a UTF-8" in p for p in lint("BEGIN:VCALENDAR\r\nX:é".encode()[:-1] + b"\r\n " + "é".encode()[1:] + b"\r\nEND:VCALENDAR\r\n"))
    bad = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Nowhere:20050101T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    found = lint(bad)
    assert "a VEVENT has no UID" in found and "TZID without a VTIMEZONE: ['Nowhere']" in found


def test_a_served_feed_subscribes_in_a_client(tmp_path):
    """node-ical fetches /calendar.ics from `timeline serve`'s application over HTTP."""
    from .test_web import Running

    need("node-ical")
    running = Running(FILES["stress"])
    try:
        got = fetch_nodeical(f"http://127.0.0.1:{running.port}/calendar.ics", LO, HI)
        today = running.site.today  # the day the server judged by
    finally:
        running.close()
    assert got == expected(FILES["stress"], WindowMode.SPAN, today)
