"""The page's picture: every shape where its days are, with and without forecast bands."""

from __future__ import annotations

import re
from datetime import date

import pytest

from timeline.forecast import bands
from timeline.render.chart import Axis, chart_range
from timeline.render.svg import CHART, LABEL, SvgOptions, render_svg

from ..conftest import DEFAULT_EVENTS, schedule_at


@pytest.mark.parametrize("labels", [True, False])
@pytest.mark.parametrize("forecast", [False, True])
def test_every_shape_stays_where_its_days_are(labels, forecast):
    schedule = schedule_at(DEFAULT_EVENTS, date(2004, 6, 24))
    shaded = bands(schedule) if forecast else None
    svg = render_svg(schedule, SvgOptions(labels=labels, bands=shaded))
    left = LABEL if labels else 0
    xs = [float(x) for x in re.findall(r'<rect x="([0-9.]+)"', svg)]
    assert xs and all(left <= x <= left + CHART for x in xs)  # a band once moved every shape after it
    start, stop = chart_range(schedule.events, None, None, schedule.today, shaded)  # a band widens the range
    axis = Axis(start, stop, CHART)
    for e in schedule.events:  # each row's first possible-days shape begins on its first possible day
        title = re.escape(f"<title>{e.title}: {e.label}</title>")
        found = [float(x) for x in re.findall(rf'<rect x="([0-9.]+)"[^>]*class="possible">{title}', svg)]
        if found and e.start.earliest is not None:
            assert min(found) == pytest.approx(left + axis.x(e.start.earliest), abs=0.2), e.id
