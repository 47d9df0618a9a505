"""YAML as text: a value written so that it reads back as exactly itself, and changes to a
mapping as splices of the original text at its nodes' marks, so that every other byte of
the file (comments, quoting, key order, layout) stays as it was. Used by the edits
(`edit`) and by `add` and `import` (`append`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

_PLAIN_SAFE = re.compile(r"[0-9A-Za-z][0-9A-Za-z ./:+~?%_-]*")


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


@dataclass(frozen=True)
class Change:
    """Set a key to a value, or remove it when `text` is None."""

    key: str
    """The event key."""
    text: str | None
    """The new value as plain text, or None to remove the key."""
    yaml: bool = False
    """True when `text` is YAML already (a flow mapping such as `{when: 2004-10}`)."""
    block: bool = False
    """`text` is the lines of a block mapping (YAML already), written below the key, one
    level deeper (in a flow mapping, they become a flow mapping)."""
    ordered: bool = False
    """A new key goes before the first key of the mapping that sorts after it (the days
    under `occurrences:`), not at the end."""

    @property
    def value(self) -> str | None:
        """The new value as YAML text."""
        return None if self.text is None else self.text if self.yaml else yaml_scalar(self.text)


def newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def line_end(text: str, index: int) -> int:
    """Index just after the newline ending the line that holds `index - 1` (the value's last char)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def content_end(text: str, node: yaml.Node) -> int:
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


def event_splices(text: str, event: yaml.MappingNode, changes: list[Change]) -> list[tuple[int, int, str]]:
    """Every change to one event's mapping as a splice `(start, end, replacement)` of the
    original text, found with the marks of its node tree; new keys are inserted together at
    the end of the mapping, in order."""
    splices: list[tuple[int, int, str]] = []
    new: list[Change] = []
    for change in changes:
        entry = next(((k, v) for k, v in event.value if k.value == change.key), None)
        if entry is not None and change.block and change.text is not None and not event.flow_style:
            key, value = entry
            start = text.index(":", key.end_mark.index) + 1
            splices.append((start, content_end(text, value), _block(text, key.start_mark.column, change.text)))
        elif entry is not None:
            splices.append(_splice(text, event, *entry, _inline(change)))
        elif change.ordered and not event.flow_style and change.value is not None:
            later = next((k for k, _ in event.value if str(k.value) > change.key), None)
            if later is None:
                new.append(change)
                continue
            at = line_start(text, later.start_mark.index)
            indent = " " * later.start_mark.column
            splices.append((at, at, f"{indent}{change.key}: {change.value}{newline(text)}"))
        elif change.value is not None:
            new.append(change)
    if new:
        splices.append(_insertion(text, event, new))
    return splices


def _inline(change: Change) -> str | None:
    """A change's value on the key's own line: a block's lines become a flow mapping."""
    if change.block and change.text is not None:
        return "{" + ", ".join(change.text.split("\n")) + "}"
    return change.value


def _block(text: str, column: int, lines: str) -> str:
    """The lines of a block mapping below a key at `column` (from just after its colon)."""
    nl, indent = newline(text), " " * (column + 2)
    return "".join(f"{nl}{indent}{line}" for line in lines.split("\n"))


def apply_splices(text: str, splices: list[tuple[int, int, str]]) -> str:
    """The text with non-overlapping splices made."""
    out, at = [], 0
    for start, end, replacement in sorted(splices, key=lambda s: (s[0], s[1])):
        out += [text[at:start], replacement]
        at = end
    return "".join(out) + text[at:]


def _splice(text: str, event: yaml.MappingNode, key: yaml.Node, value: yaml.Node, new: str | None) -> tuple[int, int, str]:
    """Replace an existing key's value with `new`, or remove the key (None)."""
    end = content_end(text, value)
    if new is None:
        if event.flow_style:
            start = text.rfind(",", event.start_mark.index, key.start_mark.index)
            if start < 0:  # the first key: take the comma after it instead
                start = key.start_mark.index
                after = text.find(",", end, event.end_mark.index)
                end = after + 1 if after >= 0 else end
            return start, end, ""
        return line_start(text, key.start_mark.index), line_end(text, end), ""
    if isinstance(value, (yaml.SequenceNode, yaml.MappingNode)) and not value.flow_style:
        start = text.index(":", key.end_mark.index) + 1  # a block list below the key: replace from the colon
        return start, end, " " + new
    return value.start_mark.index, end, new


def _insertion(text: str, event: yaml.MappingNode, changes: list[Change]) -> tuple[int, int, str]:
    """Add new keys at the end of a mapping."""
    if event.flow_style:
        close = event.end_mark.index - 1  # the closing brace
        body_end = event.start_mark.index + 1 + len(text[event.start_mark.index + 1:close].rstrip())
        entries = ", ".join(f"{c.key}: {_inline(c)}" for c in changes)
        return body_end, close, f", {entries}"
    nl = newline(text)
    column = event.value[0][0].start_mark.column
    indent = " " * column
    at = line_end(text, content_end(text, event))
    prefix = "" if at == 0 or text[at - 1] == "\n" else nl
    return at, at, prefix + "".join(
        f"{indent}{c.key}:{_block(text, column, c.text)}{nl}" if c.block and c.text is not None
        else f"{indent}{c.key}: {c.value}{nl}" for c in changes)
