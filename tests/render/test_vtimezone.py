"""VTIMEZONE: clients that read it see the instants that looking the zone up by name gives."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from dateutil import tz

from timeline.render.vtimezone import build_vtimezone

FIRST, LAST = 2000, 2030
TIMES = ((1, 30), (9, 0), (23, 30))
"""A weekly series at these local times: one in the night when clocks change, one by day,
one near midnight, where a wrong offset moves the day."""


def offsets_off(name: str) -> list[str]:
    """The weekly instants of 2000–2030 at which a client reading our VTIMEZONE (dateutil's
    tzical, as libical, ical.js and vobject do) and the zone database disagree."""
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + build_vtimezone(name, FIRST, LAST).to_ical().decode() + "END:VCALENDAR\r\n"
    theirs, ours = tz.tzical(io.StringIO(text)).get(name), ZoneInfo(name)
    off = []
    day = datetime(FIRST, 1, 3)
    while day.year <= LAST:
        for h, m in TIMES:
            local = day.replace(hour=h, minute=m)
            aware = local.replace(tzinfo=ours)
            if aware.astimezone(ZoneInfo("UTC")).astimezone(ours).replace(tzinfo=None) != local:
                continue  # a time the clocks skipped that day: no instant to compare
            want = aware.utcoffset()
            if theirs.utcoffset(local) != want and theirs.utcoffset(local.replace(fold=1)) != want:
                off.append(f"{local:%Y-%m-%d %H:%M}")
        day += timedelta(days=7)
    return off


@pytest.mark.parametrize("name", ["America/Asuncion", "America/Mexico_City", "Asia/Amman", "Asia/Jerusalem",
                                  "Europe/Zurich", "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca"])
def test_zones_that_changed_their_rules_are_right_to_the_hour(name):
    assert offsets_off(name) == []  # Paraguay, Mexico and Jordan gave up summer time: no rule runs on


@pytest.mark.slow
def test_every_zone_of_the_database_is_right_to_the_hour():
    wrong = {name: off[:3] for name in sorted(available_timezones()) if not name.startswith("posix")
             and (off := offsets_off(name))}
    assert wrong == {}
