"""In-place edits of events.yaml: `done`, `cancel`, `move`.

An edit never re-serialises the file. Under an exclusive lock it reads the file once,
composes it once, takes the calendar's time zone from its validated `calendar:` block,
finds the event's mapping, and splices the text at the nodes' marks (replacing the text of
a value, inserting `key: value` lines, or removing lines), leaving every other byte as it
was (comments, quoting, key order, layout, line endings). The result goes through the
pipeline, as any command's file does, before it is written atomically.
"""

from __future__ import annotations

import difflib
import fcntl
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime

import yaml

from .dates import DateExpr, DayArg, SpanExpr
from .errors import EventsFileError, FileAccessError, Problem, RequestError, quote
from .fsutil import atomic_write, remove_leftovers
from .loader import Source, access_error, compose, read_source, validate_calendar
from .pipeline import schedule_from_source, today_in

_PLAIN_SAFE = re.compile(r"[0-9A-Za-z][0-9A-Za-z ./:+~?%-]*")


class EditRefused(EventsFileError):
    """The edited file would be invalid; nothing was written."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.args = (f"{path}: not changed: after this edit the file would be invalid "
                     f"(line numbers as they would be):\n{self.args[0]}",)


@dataclass(frozen=True)
class Change:
    """Set a key to a value, or remove it when `text` is None."""

    key: str
    """The event key."""
    text: str | None
    """The new value as plain text, or None to remove the key."""

    @property
    def value(self) -> str | None:
        """The new value as YAML text."""
        return None if self.text is None else yaml_scalar(self.text)


@dataclass(frozen=True)
class WrittenDate:
    """A date expression from the command line: as typed, and as parsed (checked once, there)."""

    text: str
    """As typed."""
    expr: DateExpr
    """As parsed."""


Plan = Callable[[yaml.MappingNode, date], list[Change]]
"""What an edit changes, decided from the event's mapping and the calendar's today."""


def yaml_scalar(text: str) -> str:
    """YAML text for a value that reads back as exactly `text`: plain when that is so,
    else double-quoted with every character YAML would not keep as itself escaped."""
    special = text.lower() in ("yes", "no", "true", "false", "on", "off", "null", "y", "n", "~")  # YAML 1.1
    if (_PLAIN_SAFE.fullmatch(text) and ": " not in text and " #" not in text and not text.endswith((" ", ":"))
            and not special):
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
"""Characters that a double-quoted YAML scalar would not keep as they are (line breaks such
as NEL, non-printable ones): written as `\\uXXXX` escapes, which `json.dumps` leaves raw."""


@contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive lock on the events file for a read-modify-write.

    The lock is on the file itself; an atomic write replaces the file, so after taking the
    lock we check that we still hold the file the path names, and otherwise take it again.
    """
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as e:
            raise access_error(path, e) from None
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


def edit_event(path: str, ident: str, plan: Plan, now: datetime) -> list[Change]:
    """Apply an edit to one event of the file at `path`; return the changes made (written)."""
    if path == "-":
        raise RequestError("cannot edit standard input; give the events file with -f PATH")
    target = os.path.realpath(path)  # a symbolic link stays; the file it names is edited
    with locked(target):
        if not os.stat(target).st_mode & 0o222 or not os.access(target, os.W_OK):
            raise FileAccessError(f"{path}: the file is read-only; not changed (make it writable to edit it)")
        remove_leftovers(target)
        source = replace(read_source(target), path=path)  # messages name the file as the user did
        root = compose(source)
        today = today_in(validate_calendar(source, root).timezone, now)
        event = find_event(source, root, ident)
        changes = plan(event, today)
        new_text = apply_changes(source.text, event, changes)
        try:
            schedule_from_source(Source(path, new_text, None), now, every_actual=True)
        except EventsFileError as e:
            raise EditRefused(path, e.problems) from None
        atomic_write(target, ("\ufeff" if source.bom else "").encode() + new_text.encode("utf-8"))
    return changes


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
    hint = f"; did you mean {quote(close[0])}?" if close else ""
    raise RequestError(f"{source.path}: no event with id {quote(ident)}{hint}")


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
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        header = text[start:text.find("\n", start)]
        if "+" in header.split("#")[0]:  # kept chomping: its trailing blank lines are content
            return end
    return start + len(text[start:end].rstrip())


def apply_changes(text: str, event: yaml.MappingNode, changes: list[Change]) -> str:
    """The text with the changes made to one event's mapping (not validated).

    Every change becomes a splice of the original text, found with the marks of the one
    node tree; new keys are inserted together at the end of the mapping, in order.
    """
    splices: list[tuple[int, int, str]] = []
    new: list[Change] = []
    for change in changes:
        entry = next(((k, v) for k, v in event.value if k.value == change.key), None)
        if entry is not None:
            splices.append(_splice(text, event, *entry, change.value))
        elif change.value is not None:
            new.append(change)
    if new:
        splices.append(_insertion(text, event, new))
    out, at = [], 0
    for start, end, replacement in sorted(splices, key=lambda s: (s[0], s[1])):
        out += [text[at:start], replacement]
        at = end
    return "".join(out) + text[at:]


def _splice(text: str, event: yaml.MappingNode, key: yaml.Node, value: yaml.Node, new: str | None) -> tuple[int, int, str]:
    """Replace an existing key's value with `new`, or remove the key (None)."""
    end = _content_end(text, value)
    if new is None:
        if event.flow_style:
            start = text.rfind(",", event.start_mark.index, key.start_mark.index)
            if start < 0:  # the first key: take the comma after it instead
                start = key.start_mark.index
                after = text.find(",", end, event.end_mark.index)
                end = after + 1 if after >= 0 else end
            return start, end, ""
        return _line_start(text, key.start_mark.index), _line_end(text, end), ""
    if isinstance(value, (yaml.SequenceNode, yaml.MappingNode)) and not value.flow_style:
        start = text.index(":", key.end_mark.index) + 1  # a block list below the key: replace from the colon
        return start, end, " " + new
    return value.start_mark.index, end, new


def _insertion(text: str, event: yaml.MappingNode, changes: list[Change]) -> tuple[int, int, str]:
    """Add new keys at the end of a mapping."""
    if event.flow_style:
        close = event.end_mark.index - 1  # the closing brace
        body_end = event.start_mark.index + 1 + len(text[event.start_mark.index + 1:close].rstrip())
        entries = ", ".join(f"{c.key}: {c.value}" for c in changes)
        return body_end, close, f", {entries}"
    nl = _newline(text)
    indent = " " * event.value[0][0].start_mark.column
    at = _line_end(text, _content_end(text, event))
    prefix = "" if at == 0 or text[at - 1] == "\n" else nl
    return at, at, prefix + "".join(f"{indent}{c.key}: {c.value}{nl}" for c in changes)


def done_changes(on: WrittenDate | DayArg | None, note: str | None) -> Plan:
    """`timeline done`: record `actual` (default: today) and `status: done` (and a note)."""
    def plan(event: yaml.MappingNode, today: date) -> list[Change]:
        when = on.text if isinstance(on, WrittenDate) else (on.on(today) if on else today).isoformat()
        changes = [Change("actual", when), Change("status", "done")]
        if note is not None:
            changes.append(Change("note", note))
        return changes

    return plan


def cancel_changes(note: str | None) -> Plan:
    """`timeline cancel`: `status: cancelled` (and a note)."""
    def plan(event: yaml.MappingNode, today: date) -> list[Change]:
        changes = [Change("status", "cancelled")]
        if note is not None:
            changes.append(Change("note", note))
        return changes

    return plan


def move_changes(ident: str, when: WrittenDate) -> Plan:
    """`timeline move`: replace the event's date, keeping the form it was written in where possible."""
    def plan(event: yaml.MappingNode, today: date) -> list[Change]:
        keys = {k.value for k, _ in event.value}
        if "due" in keys:
            if isinstance(when.expr, SpanExpr):
                raise RequestError(f"{quote(ident)} is a deadline (due:); move it to one date, not a span such as {when.text}")
            return [Change("due", when.text)]
        if "start" in keys or "end" in keys:
            if isinstance(when.expr, SpanExpr):
                left, _, right = when.text.partition("/")
                return [Change("start", left.strip()), Change("end", right.strip())]
            return [Change("end", None), Change("start", None), Change("when", when.text)]
        return [Change("when", when.text)]

    return plan
