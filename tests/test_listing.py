"""`list --format json` writes each event's JSON directly: the same text as `json` writes."""

from __future__ import annotations

import json
import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.listing import event_json, event_json_text
from timeline.loader import Source, read_source
from timeline.resolve import schedule_from_source
from timeline.serialize import json_string

from .conftest import DATA, DEFAULT_EVENTS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import events_yaml  # noqa: E402

ENCODE = json.JSONEncoder(ensure_ascii=False).encode


@pytest.mark.parametrize(
    "source",
    [lambda: read_source(str(DEFAULT_EVENTS)), lambda: read_source(str(DATA / "stress.yaml")),
     lambda: Source("generated.yaml", events_yaml(500), None)],
    ids=["default", "stress", "generated"],
)
@pytest.mark.parametrize("as_of", [None, date(2004, 12, 1), date(2005, 7, 1)])
def test_each_event_is_the_text_json_writes_for_its_dict(source, as_of) -> None:
    schedule = schedule_from_source(source(), as_of)
    assert schedule.events
    for e in schedule.events:
        text = event_json_text(schedule, e)
        assert text == ENCODE(event_json(schedule, e))
        assert json.loads(text) == event_json(schedule, e)


@given(st.one_of(st.none(), st.text()))
def test_strings_are_written_as_json_writes_them(text) -> None:
    assert json_string(text) == ENCODE(text)
