"""In-place edits of events.yaml: `done`, `cancel`, `move`.

An edit never re-serialises the file. It finds the event's mapping with the YAML node
marks, replaces the text of one value, inserts one `key: value` line, or removes one, and
leaves every other byte as it was (comments, quoting, key order, layout, line endings).
The whole result is validated before anything is written; the write is atomic; and the
read-modify-write runs under an exclusive lock, so two edits at once both land.
"""

from __future__ import annotations

import difflib
import fcntl
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import yaml

from .dates import SpanExpr, parse_expr
from .errors import DateSyntaxError, EventsFileError, FileAccessError, Problem, UsageError
from .fsutil import atomic_write
from .loader import Source, compose_yaml
from .resolve import schedule_from_source

_PLAIN_SAFE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z ./:+~?%-]*$")


class EditRefused(EventsFileError):
    """The edited file would be invalid; nothing was written."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.args = (f"{path}: not changed: after this edit the file would be invalid "
                     f"(line numbers as they would be):\n{self.args[0]}",)


@dataclass(frozen=True)
class Change:
    """Set a key to a value (already YAML text), or remove it when `value` is None."""

    key: str
    """The event key."""
    value: str | None
    """YAML text of the new value, or None to remove the key."""


def yaml_scalar(text: str) -> str:
    """YAML text for a value: plain when that reads back the same, else double-quoted."""
    special = text.lower() in ("yes", "no", "true", "false", "on", "off", "null", "y", "n")  # YAML 1.1 booleans
    if _PLAIN_SAFE.match(text) and ": " not in text and " #" not in text and not text.endswith(" ") and not special:
        return text
    return json.dumps(text, ensure_ascii=False)


@contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive lock on the events file for a read-modify-write.

    The lock is on the file itself; an atomic write replaces the file, so after taking the
    lock we check that we still hold the file the path names, and otherwise take it again.
    """
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise FileAccessError(f"{path}: no such file (give one with -f PATH or $TIMELINE_FILE)") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current == os.fstat(fd).st_ino:
                yield
                return
        finally:
            os.close(fd)  # closing releases the lock


def edit_event(path: str, ident: str, changes: list[Change] | Callable[[Source], list[Change]]) -> str:
    """Apply changes to one event of the file at `path`; return the new text (already written).

    `changes` may be a function of the file's current text (as `move` needs: what it
    changes depends on how the date is written); it is called under the lock.
    """
    if path == "-":
        raise UsageError("cannot edit standard input; give the events file with -f PATH")
    with locked(path):
        with open(path, "rb") as f:
            raw = f.read()
        bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileAccessError(f"{path}: the file is not valid UTF-8; save it as UTF-8") from None
        source = Source(path, text, None)
        new_text = apply_changes(source, ident, changes(source) if callable(changes) else changes)
        try:
            schedule_from_source(Source(path, new_text, None))
        except EventsFileError as e:
            raise EditRefused(path, e.problems) from None
        atomic_write(path, (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))
    return new_text


def apply_changes(source: Source, ident: str, changes: list[Change]) -> str:
    """The text with the changes made to event `ident` (not validated)."""
    text = source.text
    for change in changes:  # each splice moves the marks after it: compose the new text again
        current = Source(source.path, text, None)
        text = _apply(text, find_event(current, compose_yaml(current), ident), change)
    return text


def find_event(source: Source, root: yaml.Node, ident: str) -> yaml.MappingNode:
    """The mapping node of the event with this id."""
    ids: list[str] = []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "events" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    if isinstance(item, yaml.MappingNode):
                        for k, v in item.value:
                            if k.value == "id" and isinstance(v, yaml.ScalarNode):
                                if v.value == ident:
                                    return item
                                ids.append(v.value)
    close = difflib.get_close_matches(ident, ids, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(f"{source.path}: no event with id '{ident}'{hint}")


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just after the newline ending the line that holds `index - 1` (the value's last char)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def _content_end(text: str, node: yaml.Node) -> int:
    """Index just after the last character a value really holds.

    A block collection's end mark lies at the next token, past any comments after it, so
    the end is taken from its deepest last scalar; trailing blank lines are not content.
    """
    while isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    start, end = node.start_mark.index, node.end_mark.index
    return start + len(text[start:end].rstrip())


def _apply(text: str, event: yaml.MappingNode, change: Change) -> str:
    """One change to one mapping, as a text splice."""
    entry = next(((k, v) for k, v in event.value if k.value == change.key), None)
    nl = _newline(text)
    if entry is not None:
        key, value = entry
        end = _content_end(text, value)
        if change.value is None:  # remove the key
            if event.flow_style:
                start = text.rfind(",", event.start_mark.index, key.start_mark.index)
                if start < 0:  # the first key: take the comma after it instead
                    start = key.start_mark.index
                    after = text.find(",", end, event.end_mark.index)
                    end = after + 1 if after >= 0 else end
                return text[:start] + text[end:]
            return text[:_line_start(text, key.start_mark.index)] + text[_line_end(text, end):]
        start = value.start_mark.index
        if isinstance(value, (yaml.SequenceNode, yaml.MappingNode)) and not value.flow_style:
            start = text.index(":", key.end_mark.index) + 1  # a block list below the key: replace from the colon
            return text[:start] + " " + change.value + text[end:]
        return text[:start] + change.value + text[end:]
    if change.value is None:
        return text
    if event.flow_style:
        close = event.end_mark.index - 1  # the closing brace
        body = text[event.start_mark.index + 1:close].rstrip()
        sep = ", " if body.strip() else ""
        return text[:event.start_mark.index + 1] + body + f"{sep}{change.key}: {change.value}" + text[close:]
    indent = " " * event.value[0][0].start_mark.column
    at = _line_end(text, _content_end(text, event))
    prefix = "" if at == 0 or text[at - 1] == "\n" else nl
    return text[:at] + prefix + f"{indent}{change.key}: {change.value}{nl}" + text[at:]


def done_changes(on: str, note: str | None) -> list[Change]:
    """`timeline done`: record `actual` and `status: done` (and a note)."""
    _check_date(on, "--on")
    changes = [Change("actual", yaml_scalar(on)), Change("status", "done")]
    if note is not None:
        changes.append(Change("note", yaml_scalar(note)))
    return changes


def cancel_changes(note: str | None) -> list[Change]:
    """`timeline cancel`: `status: cancelled` (and a note)."""
    changes = [Change("status", "cancelled")]
    if note is not None:
        changes.append(Change("note", yaml_scalar(note)))
    return changes


def move_changes(source: Source, ident: str, when: str) -> list[Change]:
    """`timeline move`: replace the event's date, keeping the form it was written in where possible."""
    expr = _check_date(when, "WHEN")
    event = find_event(source, compose_yaml(source), ident)
    keys = {k.value for k, _ in event.value}
    if "due" in keys:
        if isinstance(expr, SpanExpr):
            raise UsageError(f"'{ident}' is a deadline (due:); move it to one date, not a span such as {when}")
        return [Change("due", yaml_scalar(when))]
    if "start" in keys or "end" in keys:
        if isinstance(expr, SpanExpr):
            left, _, right = when.partition("/")
            return [Change("start", yaml_scalar(left.strip())), Change("end", yaml_scalar(right.strip()))]
        return [Change("end", None), Change("start", None), Change("when", yaml_scalar(when))]
    return [Change("when", yaml_scalar(when))]


def _check_date(text: str, what: str):  # type: ignore[no-untyped-def]
    """Parse a date expression given on the command line, as a usage error when bad."""
    try:
        return parse_expr(text)
    except DateSyntaxError as e:
        raise UsageError(f"{what}: {e}") from None
