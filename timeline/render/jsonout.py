"""Plain-data forms of windows and events, shared by every JSON and CSV output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..dates import Window
from ..schedule import ResolvedEvent


def iso_bound(day: date | None, moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO text of a bound: a date, a date-time with offset for timed values, None when open."""
    if moment is not None:
        return moment.astimezone(zone).isoformat()
    return None if day is None else day.isoformat()


def bounds_dict(first: Window, last: Window, zone: ZoneInfo) -> dict[str, str | None]:
    """`{"earliest", "latest"}`: the earliest bound of `first` and the latest of `last`
    (the same window for one window; start and end windows for a whole event)."""
    return {"earliest": iso_bound(first.earliest, first.moment, zone), "latest": iso_bound(last.latest, last.moment, zone)}


def window_dict(w: Window, zone: ZoneInfo) -> dict[str, str | None]:
    """`{"earliest", "latest"}` of a window."""
    return bounds_dict(w, w, zone)


def actual_dict(e: ResolvedEvent, zone: ZoneInfo) -> dict[str, str | None] | None:
    """`{"start", "end"}` of what actually happened (first and last possible day), or None."""
    if not e.actual_recorded:
        return None
    return {"start": iso_bound(e.start.earliest, e.start.moment, zone),
            "end": iso_bound(e.end.latest, e.end.moment, zone)}


def dumps(data: dict[str, Any]) -> str:
    """Deterministic JSON text: one top-level key, and one item of each list, per line.

    Readable and diff-friendly like indented JSON, but each line is written by the C
    encoder (indenting falls back to the pure-Python one, three times slower on 10,000
    events).
    """
    return "".join(json_chunks(data))


def json_chunks(data: dict[str, Any]) -> Iterator[str]:
    """The text of `dumps` in pieces, a list item at a time. A list may be given as an
    iterator: each item is made, encoded and handed on before the next, so a large output
    is never held whole (100,000 events' dicts and text took 600 MB)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield "{\n"
    for n, (key, value) in enumerate(data.items()):
        yield (",\n  " if n else "  ") + encode(key) + ": "
        if isinstance(value, (list, Iterator)):
            opened = False
            for item in value:
                yield ",\n    " if opened else "[\n    "
                yield encode(item)
                opened = True
            yield "\n  ]" if opened else "[]"
        else:
            yield encode(value)
    yield "\n}\n"
