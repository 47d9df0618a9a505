"""`timeline list`: the JSON contract on every kind of file, and indentation under shown parents."""

from __future__ import annotations

import json
import sys
from datetime import date

import pytest

from timeline.source import Source
from timeline.pipeline import schedule_from_source
from timeline.render.gantt import GanttOptions, render_gantt
from timeline.render.listing import ListFormat, ListOptions, event_json, render_list

from ..conftest import DATA, DEFAULT_EVENTS, NOW, ROOT, schedule_at, write

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import events_yaml  # noqa: E402


@pytest.mark.parametrize("path", [DEFAULT_EVENTS, DATA / "stress.yaml"], ids=["default", "stress"])
@pytest.mark.parametrize("day", [None, date(2004, 12, 1), date(2005, 7, 1)])
def test_json_holds_every_event_as_its_dict(path, day) -> None:
    schedule = schedule_at(path, day)
    data = json.loads(render_list(schedule, ListOptions(ListFormat.JSON)))
    assert [e["id"] for e in data["events"]] == [e.id for e in schedule.events]
    assert data["events"] == [json.loads(json.dumps(event_json(schedule, e))) for e in schedule.events]


def test_json_of_a_generated_file_is_one_event_per_line() -> None:
    schedule = schedule_from_source(Source("generated.yaml", events_yaml(500), None), NOW)
    text = render_list(schedule, ListOptions(ListFormat.JSON))
    lines = text.splitlines()
    assert len(lines) == 2 + 1 + 500 + 2  # {, calendar, "events": [, one per event, ], }
    assert json.loads(text)["events"][499]["id"] == schedule.events[499].id


def _indents(text: str, titles: list[str]) -> dict[str, int]:
    """How many spaces stand before each title on its line."""
    out = {}
    for title in titles:
        line = next(line for line in text.splitlines() if title[:20] in line)
        at = line.index(title[:20])
        out[title] = len(line[:at]) - len(line[:at].rstrip(" ")) - (0 if line.startswith(" ") else 2)
    return out


@pytest.mark.parametrize("kinds, indented", [((), True), (("meeting",), False)])
def test_list_and_gantt_indent_a_child_only_under_a_shown_parent(kinds, indented) -> None:
    schedule = schedule_at(DEFAULT_EVENTS, date(2005, 3, 1)).select(kinds=kinds)
    child = next(e for e in schedule.events if e.id == "first-meeting")  # under phase-2
    assert schedule.depths[child.id] == (1 if indented else 0)
    listed = render_list(schedule)
    chart = render_gantt(schedule, GanttOptions(width=120))
    top = next(e for e in schedule.events if e.id == "prepcom-2")  # a meeting at the top level
    column = {e.id: next(line.index(e.title) for line in listed.splitlines() if e.title in line) for e in (child, top)}
    assert column[child.id] - column[top.id] == (2 if indented else 0)
    gantt_line = next(line for line in chart.splitlines() if line.lstrip().startswith(child.title[:20]))
    assert gantt_line.startswith("  ") == indented


def test_json_carries_what_the_text_shows(tmp_path, run):
    """Every field the text form shows (and description, url and note) is in the JSON."""
    path = write(tmp_path, "calendar: {timezone: Europe/Zurich}\nevents:\n"
                 "  - {id: a, title: A, when: 2005-03-01T10:00, timezone: America/New_York, location: Geneva,"
                 " description: the first, url: 'https://example.org/a', status: cancelled, note: not needed}\n")
    event = json.loads(run("list", "-f", str(path), "--format", "json").stdout)["events"][0]
    assert (event["description"], event["url"], event["note"], event["timezone"], event["location"]) == (
        "the first", "https://example.org/a", "not needed", "America/New_York", "Geneva")
    assert event["label"] == "1 Mar 2005 16:00 CET (10:00 New York)" and event["status"] == "cancelled"


def test_json_is_made_an_event_at_a_time_and_reads_as_one_document():
    """`list --format json` is written as it is made (a large file's events are never all
    held as dicts); the pieces are the document of `render_list`, and an empty list is `[]`."""
    from timeline.render.jsonout import dumps, json_chunks
    from timeline.render.listing import list_chunks

    schedule = schedule_at(DEFAULT_EVENTS)
    options = ListOptions(format=ListFormat.JSON)
    pieces = list(list_chunks(schedule, options))
    assert len(pieces) > len(schedule.events)
    assert "".join(pieces) == render_list(schedule, options)
    assert [e["id"] for e in json.loads("".join(pieces))["events"]] == [e.id for e in schedule.events]
    for plain in ([], [{"a": 1}], [{"a": 1}, 2]):
        assert "".join(json_chunks({"k": iter(plain), "n": 1})) == dumps({"k": plain, "n": 1})
        assert json.loads(dumps({"k": plain, "n": 1})) == {"k": plain, "n": 1}
