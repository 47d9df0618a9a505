"""The events file as text and as a YAML node tree: reading it (bounded, UTF-8), composing it
with libyaml's C composer into nodes that keep each value's line, column and written text,
and refusing alias bombs. `loader` validates the tree; `edit` splices the text at its marks.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache

import yaml
from yaml import MappingNode, Node, ScalarNode, SequenceNode

from .errors import EventsFileError, FileAccessError, Problem, quote

MAX_BYTES = 64 * 1024 * 1024
"""Files larger than this are refused before parsing."""
MAX_EXPANSION = 10
"""Aliases may make the document at most this many times its own node count (plus a margin)."""

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
TEXTUAL = {STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
"""Tags of scalars read as text (the last three only appear when written explicitly, as `!!int 5`)."""
_PLAIN_TAGS = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), NULL),
    **dict.fromkeys((v for w in ("yes", "no", "true", "false", "on", "off") for v in (w, w.capitalize(), w.upper())), BOOL),
}


@cache
def yaml_loader() -> type:
    """PyYAML's C composer (where libyaml is built in) with a fast implicit-tag resolver.

    PyYAML resolves every plain scalar against a table of regular expressions in Python,
    which was most of the composing time. Nothing here needs ints, floats or timestamps
    told apart from text (a date is read from the text as written), only null and the
    booleans, so plain scalars are resolved by spelling (`_PLAIN_TAGS`), and a quoted
    scalar is text, as in YAML's own rules.
    """
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    plain = _PLAIN_TAGS.get

    class Loader(base):  # type: ignore[misc, valid-type]
        def resolve(self, kind, value, implicit):
            if kind is ScalarNode:
                return plain(value, STR) if implicit[0] else STR
            return SEQ if kind is SequenceNode else MAP

        # no path resolvers are registered: the composer's hooks for them have nothing to do
        def descend_resolver(self, current_node, current_index):
            pass

        def ascend_resolver(self):
            pass

    return Loader


@dataclass(frozen=True)
class Source:
    """The raw text of an events file and where it came from."""

    path: str
    """The file as the user named it (`<stdin>` for `-`)."""
    text: str
    """Its contents."""
    mtime: float | None
    """Its modification time (None for standard input)."""
    bom: bool = False
    """True when the file began with a UTF-8 byte order mark (edits keep it)."""


def read_source(path: str) -> Source:
    """Read an events file (`-` is standard input), refusing missing, huge or non-UTF-8 files."""
    if path == "-":
        return decode_source("<stdin>", sys.stdin.buffer.read(MAX_BYTES + 1), None)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise FileAccessError(f"{path}: file is {size} bytes; the limit is {MAX_BYTES} bytes")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)  # bounded: /dev/zero or a pipe reports no size
            mtime = os.fstat(f.fileno()).st_mtime
    except OSError as e:
        raise access_error(path, e) from None
    return decode_source(path, data, mtime)


def access_error(path: str, e: OSError) -> FileAccessError:
    """The message for an events file that cannot be opened or read."""
    if isinstance(e, FileNotFoundError):
        return FileAccessError(f"{path}: no such file (give one with -f PATH or $TIMELINE_FILE)")
    if isinstance(e, IsADirectoryError):
        return FileAccessError(f"{path}: is a directory, expected an events file")
    if isinstance(e, PermissionError):
        return FileAccessError(f"{path}: permission denied")
    return FileAccessError(f"{path}: cannot read: {e.strerror}")


def decode_source(name: str, data: bytes, mtime: float | None) -> Source:
    """An events file's bytes as text (a BOM is dropped), refusing huge or non-UTF-8 input."""
    if len(data) > MAX_BYTES:
        raise FileAccessError(f"{name}: input exceeds the limit of {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise EventsFileError(
            [Problem(name, line, col, "the file is not valid UTF-8; save it as UTF-8")]
        ) from None
    return Source(name, text, mtime, data.startswith(b"\xef\xbb\xbf"))


def compose(source: Source) -> Node:
    """The node tree of a source (with marks and styles), or an `EventsFileError` for
    syntax errors and alias bombs."""
    try:
        root = yaml.compose(source.text, Loader=yaml_loader())
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = " ".join(x for x in (e.context, e.problem) if x)
        if e.context_mark is not None and e.problem_mark is not None and e.context_mark.line != e.problem_mark.line:
            what += f" (the construct began at line {e.context_mark.line + 1}, column {e.context_mark.column + 1})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "mapping values are not allowed" in what:
            what += ("; a value with ': ' in it must be quoted, such as title: \"Report: final draft\" "
                     "(the colon here made it look like a new key)")
        raise EventsFileError([Problem(source.path, line, col, f"YAML syntax error: {what}")]) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow
        before = source.text[: e.position]
        line, col = before.count("\n") + 1, e.position - (before.rfind("\n") + 1) + 1
        char = f"U+{e.character:04X}" if isinstance(e.character, int) else quote(str(e.character))
        raise EventsFileError([Problem(source.path, line, col, f"the character {char} is not allowed in YAML; "
                                       "remove it (write a line break as \\n inside double quotes)")]) from None
    except yaml.YAMLError as e:
        message = " ".join(str(e).split())
        raise EventsFileError([Problem(source.path, 1, 1, f"YAML error: {quote(message, 200)}")]) from None
    if root is None:
        raise EventsFileError(
            [Problem(source.path, 1, 1, "the file is empty; expected a mapping with an 'events' list")]
        )
    if "*" in source.text:  # an alias needs a '*'; without one there is nothing to expand
        _refuse_alias_bombs(source.path, root)
    return root


def _refuse_alias_bombs(path: str, root: Node) -> None:
    """Refuse documents whose aliases expand far beyond their written size."""
    sizes: dict[int, int] = {}
    reused: list[Node] = []
    # each node's expanded size, children first, without recursion (nesting can be deep)
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if not children_done:
            if key in sizes:
                reused.append(node)
                continue
            sizes[key] = 1  # a recursive alias counts once
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
        else:
            sizes[key] = min(1 + sum(sizes[id(child)] for child in _children(node)), sys.maxsize)
    expanded = sizes[id(root)]
    limit = MAX_EXPANSION * len(sizes) + 10_000
    if expanded > limit:
        at = reused[0].start_mark if reused else root.start_mark
        raise EventsFileError([
            Problem(path, at.line + 1, at.column + 1,
                    f"YAML aliases expand the document to {expanded} nodes (limit {limit}); "
                    "write the values out instead of nesting aliases")
        ])


def _children(node: Node) -> list[Node]:
    """The nodes directly inside a node (keys and values of a mapping)."""
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def node_at(node: Node) -> tuple[int, int]:
    """1-based (line, column) where a node starts."""
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


