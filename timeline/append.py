"""New events at the end of events.yaml: `timeline add` and `timeline import`.

The new events are written in the file's own layout (block or flow items, its indentation
and line endings) after its last event, every other byte kept; the result is validated
with the rest of the file and written atomically under the file's lock, like every edit
(`edit.rewrite`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import yaml

from .edit import rewrite
from .yamltext import content_end, line_end, newline, yaml_scalar
from .errors import RequestError
from .source import Source
from .values import ID_PATTERN, parse_expr_or_none
from .render.text import slug
from .schedule import Schedule

MAX_ID = 48
"""Ids suggested from titles are at most this long."""


class YamlText(str):
    """A value that is YAML text already (a flow mapping such as `{every: week}`)."""


@dataclass(frozen=True)
class NewEvent:
    """An event to add: its keys in order, each with its value as YAML text."""

    fields: tuple[tuple[str, str], ...]
    """(key, YAML text) pairs, `id` first."""

    @property
    def id(self) -> str:
        """The event's id."""
        return dict(self.fields)["id"]

    @staticmethod
    def of(pairs: Iterable[tuple[str, str | list[str] | None]]) -> NewEvent:
        """From (key, value) pairs of plain text (a list becomes a flow list, `YamlText` stays
        as it is; None is left out)."""
        fields = []
        for key, value in pairs:
            if value is None or value == []:
                continue
            if isinstance(value, list):
                fields.append((key, "[" + ", ".join(yaml_scalar(v) for v in value) + "]"))
            elif isinstance(value, YamlText):
                fields.append((key, str(value)))
            else:
                fields.append((key, yaml_scalar(value)))
        return NewEvent(tuple(fields))


def repeat_rule(every: str, on: Sequence[str], until: str | None, count: int | None, skip: Sequence[str]) -> YamlText:
    """A series' rule as a flow mapping, `{every: week, on: [tue, thu], until: 2027-06-30}`,
    each value written so that it reads back as given (the file's validation judges it)."""
    def one_or_list(values: Sequence[str]) -> str:
        return yaml_scalar(values[0]) if len(values) == 1 else "[" + ", ".join(map(yaml_scalar, values)) + "]"

    parts = [f"every: {yaml_scalar(every)}"]
    if on:
        parts.append(f"on: {one_or_list(on)}")
    if until is not None:
        parts.append(f"until: {yaml_scalar(until)}")
    if count is not None:
        parts.append(f"count: {count}")
    if skip:
        parts.append(f"skip: {one_or_list(skip)}")
    return YamlText("{" + ", ".join(parts) + "}")


def suggest_id(title: str, taken: set[str]) -> str:
    """An id from a title (`First WGIG meeting` → `first-wgig-meeting`), unique among `taken`."""
    base = slug(title, MAX_ID) or "event"
    if not base[0].isalnum() or parse_expr_or_none(base) is not None and base[0].isdigit():
        base = f"event-{base}".strip("-")
    ident, n = base, 2
    while ident in taken or not ID_PATTERN.match(ident):
        ident = f"{base}-{n}"
        n += 1
    return ident


def append_events(path: str, events: Sequence[NewEvent], now: datetime) -> Schedule:
    """Append events to the file's `events:` list (validated with the rest of the file, then
    written atomically under its lock); the schedule after."""
    def append(source: Source, root: yaml.Node, today: date, before: Schedule | None) -> str:
        return appended(source.text, root, events)

    return rewrite(path, append, now)[1]


def appended(text: str, root: yaml.Node, events: Sequence[NewEvent]) -> str:
    """The text with the events added after the last event, in the layout the file uses."""
    nl = newline(text)
    items = None
    key_node = None
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "events":
                key_node, items = k, v
    if key_node is None or items is None:
        end = "" if not text or text.endswith("\n") else nl
        return text + end + "events:" + nl + "".join(_block(e, "  - ", "    ", nl) for e in events)
    if isinstance(items, yaml.ScalarNode) and items.value == "":  # `events:` with nothing under it
        at = key_node.end_mark.index
        colon = text.index(":", at) + 1
        return text[:colon] + nl + "".join(_block(e, "  - ", "    ", nl) for e in events) + text[line_end(text, colon):]
    if not isinstance(items, yaml.SequenceNode):
        raise RequestError("the file's 'events' is not a list; run timeline check")
    if items.flow_style:
        close = items.end_mark.index - 1  # the closing bracket
        body = text[items.start_mark.index + 1:close].strip()
        entries = ", ".join(_flow(e) for e in events)
        if not body:  # `events: []`: no layout to follow yet; a block list, as a person writes one
            rest_of_line, _, remainder = text[close + 1:].partition("\n")
            head = text[:items.start_mark.index].rstrip(" ") + rest_of_line.rstrip("\r")
            return head + nl + "".join(_block(e, "  - ", "    ", nl) for e in events) + remainder
        return text[:close].rstrip() + ", " + entries + text[close:]
    if not items.value:
        raise RequestError("the file's 'events' list is empty in an unexpected way; run timeline check")
    first = items.value[0]
    line_start = text.rfind("\n", 0, first.start_mark.index) + 1
    dash = text.index("-", line_start)
    prefix = " " * (dash - line_start)
    at = line_end(text, content_end(text, items))
    lead = "" if at == 0 or text[at - 1] == "\n" else nl
    if isinstance(first, yaml.MappingNode) and first.flow_style:
        return text[:at] + lead + "".join(f"{prefix}- {_flow(e)}{nl}" for e in events) + text[at:]
    column = (first.value[0][0].start_mark.column if isinstance(first, yaml.MappingNode) and first.value
              else dash - line_start + 2)  # where the keys of an item begin (`-   id:` keeps its gap)
    head = prefix + "-" + " " * max(1, column - len(prefix) - 1)
    return text[:at] + lead + "".join(_block(e, head, " " * len(head), nl) for e in events) + text[at:]


def _block(event: NewEvent, first: str, inner: str, nl: str) -> str:
    """A block mapping item: `- id: x` then one key a line."""
    lines = [f"{first}{k}: {v}" if i == 0 else f"{inner}{k}: {v}" for i, (k, v) in enumerate(event.fields)]
    return nl.join(lines) + nl


def _flow(event: NewEvent) -> str:
    """A flow mapping: `{id: x, title: y}`."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in event.fields) + "}"
