"""Plain-data forms of windows and events, shared by every JSON and CSV output."""

from __future__ import annotations

import json
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import Any
from zoneinfo import ZoneInfo

from .dates import Window
from .resolve import ResolvedEvent


def iso_bound(day: date | None, moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO text of a bound: a date, a date-time with offset for timed values, None when open."""
    if moment is not None:
        return moment.astimezone(zone).isoformat()
    return None if day is None else day.isoformat()


def window_dict(w: Window, zone: ZoneInfo) -> dict[str, str | None]:
    """`{"earliest", "latest"}` of a window."""
    return {"earliest": iso_bound(w.earliest, w.moment, zone), "latest": iso_bound(w.latest, w.moment, zone)}


def actual_dict(e: ResolvedEvent, zone: ZoneInfo) -> dict[str, str | None] | None:
    """`{"start", "end"}` of what actually happened (first and last possible day), or None."""
    if not e.done or e.event.actual is None:
        return None
    return {"start": iso_bound(e.start.earliest, e.start.moment, zone),
            "end": iso_bound(e.end.latest, e.end.moment, zone)}


class Encoded(str):
    """A value already written as JSON text (by a writer tested against `json`), kept as is by `dumps`."""

    __slots__ = ()


def json_string(text: str | None) -> str:
    """A JSON string (or null), as `json.dumps(text, ensure_ascii=False)` writes it."""
    return "null" if text is None else encode_basestring(text)


def day_json(day: date | None) -> str:
    """A day as a JSON string (or null)."""
    return "null" if day is None else f'"{day.isoformat()}"'


def window_json(w: Window, zone: ZoneInfo) -> str:
    """`window_dict` as JSON text, written directly."""
    if w.moment is not None:
        text = encode_basestring(w.moment.astimezone(zone).isoformat())
        return f'{{"earliest": {text}, "latest": {text}}}'
    return f'{{"earliest": {day_json(w.earliest)}, "latest": {day_json(w.latest)}}}'


def dumps(data: dict[str, Any]) -> str:
    """Deterministic JSON text: one top-level key, and one item of each list, per line.

    Readable and diff-friendly like indented JSON, but each line is written by the C
    encoder (indenting falls back to the pure-Python one, three times slower on 10,000
    events).
    """
    encoder = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every item

    def encode(item: Any) -> str:
        return item if isinstance(item, Encoded) else encoder(item)

    pieces = ["{\n"]  # joined once at the end: a 100,000-event list is 60 MB of text
    for n, (key, value) in enumerate(data.items()):
        if n:
            pieces.append(",\n")
        pieces.append(f"  {encode(key)}: ")
        if isinstance(value, list) and value:
            pieces.append("[\n    ")
            for i, item in enumerate(value):
                if i:
                    pieces.append(",\n    ")
                pieces.append(encode(item))
            pieces.append("\n  ]")
        else:
            pieces.append(encode(value))
    pieces.append("\n}\n")
    return "".join(pieces)
