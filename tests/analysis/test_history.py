"""The history the forecast learns from: closed windows, missed, beaten, unrecorded (#25)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from timeline.analysis.history import PRIOR_LATE, PRIOR_WEIGHT, history_of

from ..conftest import schedule_at, write

PLAN = """\
events:
  - {id: start, title: Start, when: 2026-01-05, actual: 2026-01-05}
  - {id: late, title: Late, when: "[2026-02-01..2026-02-28]", owner: board, actual: 2026-03-31}
  - {id: inside, title: Inside, when: "[2026-03-01..2026-03-31]", owner: board, actual: 2026-03-10}
  - {id: early, title: Early, when: "[2026-04-01..2026-04-30]", owner: chair, actual: 2026-03-02}
  - {id: unrecorded, title: Unrecorded, when: "[2026-04-01..2026-04-30]", owner: chair}
  - {id: due, title: Due, due: 2026-05-31, actual: 2026-05-01}
  - {id: open, title: Still open, when: "[2026-06-01..2026-12-31]", actual: 2026-06-02}
  - {id: gone, title: Cancelled, when: 2026-02, status: cancelled}
"""


def test_each_closed_window_is_one_observation(tmp_path):
    h = history_of(schedule_at(write(tmp_path, PLAN), date(2026, 7, 1)))
    origin = date(2026, 1, 5)
    assert h.origin == origin  # the plan's first planned day (`start` lies on it: no distance)
    items = {i.id: i for i in h.items}
    assert set(items) == {"late", "inside", "early", "unrecorded", "due"}  # not the open window, not the cancelled
    days = lambda d: (d - origin).days  # noqa: E731
    assert items["late"].late and math.isclose(items["late"].excess, math.log(days(date(2026, 3, 31)) / days(date(2026, 2, 28))))
    assert not items["inside"].late and items["inside"].excess == 0
    assert not items["due"].late and items["due"].excess == 0  # met before its due day: not early, a deadline opens on nothing
    assert math.isclose(items["early"].excess, math.log(days(date(2026, 3, 2)) / days(date(2026, 4, 1))))
    assert items["unrecorded"].censored and items["unrecorded"].late  # at least as late as 1 July makes it
    assert math.isclose(items["unrecorded"].excess, math.log(days(date(2026, 7, 1)) / days(date(2026, 4, 30))))
    assert h.p_late == (2 + PRIOR_LATE * PRIOR_WEIGHT) / (5 + PRIOR_WEIGHT)
    board_late, _ = h.chances("owner:board")  # one of two missed: drawn towards the plan's share
    assert board_late == (1 + h.p_late * PRIOR_WEIGHT) / (2 + PRIOR_WEIGHT)
    assert h.said() == ("history: 5 closed windows (1 with nothing recorded), 2 missed, 1 beaten, a late one median "
                        f"{math.exp(h.median_excess) - 1:.0%} further than planned; {h.p_late:.0%} of windows taken to be missed")
    assert "over 100 times as far" in replace(h, items=(replace(h.items[0], late=True, excess=800.0),)).said()


def test_a_plan_with_no_closed_window_has_the_prior(tmp_path):
    h = history_of(schedule_at(write(tmp_path, PLAN), date(2026, 1, 1)))
    assert h.items == () and h.p_late == PRIOR_LATE and math.isclose(h.median_excess, math.log(1.1))
    assert h.said().startswith("history: no window has closed yet; the prior is used: 35% of windows taken to be missed")


def test_a_late_event_recorded_while_its_window_was_still_open_is_not_counted_twice(tmp_path):
    """What came early inside a window still open says nothing yet: counting it would learn
    only from what finished in time."""
    h = history_of(schedule_at(write(tmp_path, PLAN), date(2026, 6, 15)))
    assert "open" not in {i.id for i in h.items}


def test_how_much_a_group_shares_its_misses_is_learned_where_groups_have_history():
    """The correlation of misses within an owner's events: high where each owner either
    missed every window or kept every one, low where misses are spread evenly; the stated
    0.5 with fewer than two owners of two closed windows."""
    from timeline.analysis.history import SHARED, History, Lateness

    def history(pattern: dict[str, list[bool]]) -> History:
        return History(date(2026, 1, 1), tuple(Lateness(f"{g}{i}", m, 0.1 if m else 0.0, group=g)
                                               for g, misses in pattern.items() for i, m in enumerate(misses)))

    apart = history({"a": [True] * 4, "b": [False] * 4, "c": [True] * 4, "d": [False] * 4})
    even = history({"a": [True, False] * 2, "b": [True, False] * 2, "c": [False, True] * 2, "d": [True, False] * 2})
    assert apart.shared > SHARED > even.shared
    assert math.isclose(apart.shared, (4 * 0.9 + PRIOR_WEIGHT * SHARED) / (4 + PRIOR_WEIGHT))
    assert math.isclose(even.shared, PRIOR_WEIGHT * SHARED / (4 + PRIOR_WEIGHT))
    assert history({"a": [True, False], "b": [True]}).shared == SHARED
