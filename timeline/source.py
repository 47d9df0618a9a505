"""The events file as text and as YAML nodes: reading it (bounded, UTF-8), composing
libyaml's parse events into nodes that keep each value's line, column and written text,
an event at a time (`stream`) or whole (`compose`), and refusing alias bombs. `loader`
validates the nodes as they come; `edit` splices the text at the whole tree's marks.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

import yaml
from yaml import MappingNode, Node, ScalarNode, SequenceNode
from yaml.events import (
    AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
    SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent,
)

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
"""Plain scalars resolved by spelling: null, the booleans, else text. PyYAML resolves each
against a table of regular expressions in Python, which was most of the composing time;
nothing here needs ints, floats or timestamps told apart from text (a date is read from the
text as written), and a quoted scalar is text, as in YAML's own rules."""


def _parser(text: str) -> Any:
    """A PyYAML loader used only for its parse events: libyaml's C parser where PyYAML is
    built with it, else PyYAML's own."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)


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


def writable(path: str, data: bytes) -> bytes:
    """The bytes an edit or an import is about to write, refused (nothing written) when they
    exceed `MAX_BYTES`: every command would then refuse to read the file."""
    if len(data) > MAX_BYTES:
        raise FileAccessError(f"{path}: not changed: the result would be {len(data):,} bytes, over the "
                              f"{MAX_BYTES:,}-byte limit every command reads; split the plan into files")
    return data


def read_source(path: str) -> Source:
    """Read an events file (`-` is standard input), refusing missing, huge or non-UTF-8 files."""
    if path == "-":
        return decode_source("<stdin>", read_bounded(sys.stdin.buffer, 0), None)
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise FileAccessError(f"{path}: file is {size} bytes; the limit is {MAX_BYTES} bytes")
        with open(path, "rb") as f:
            data = read_bounded(f, size)
            mtime = os.fstat(f.fileno()).st_mtime
    except OSError as e:
        raise access_error(path, e) from None
    return decode_source(path, data, mtime)


def read_bounded(f: BinaryIO, size: int) -> bytes:
    """At most `MAX_BYTES + 1` bytes of a stream whose size is `size` as far as is known
    (0 for a pipe, and /dev/zero reports none), in pieces: `read(MAX_BYTES + 1)` would set
    aside the whole 64 MB for a file of a few kilobytes."""
    chunks: list[bytes] = []
    left = MAX_BYTES + 1
    want = min(size + 1, left)
    while left > 0:
        chunk = f.read(min(max(want, 1 << 16), left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
        want = min(1 << 20, left)
    return b"".join(chunks)


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
    """The whole node tree of a source (with marks and styles), for edits that splice the
    text at its marks; an `EventsFileError` for syntax errors and alias bombs."""
    document = stream(source)
    root = document.root
    if isinstance(root, StreamedMapping):
        pairs: list[tuple[Node, Node]] = []
        for key, value in document.pairs():
            if isinstance(value, StreamedSequence):
                items = list(value.value)
                value = SequenceNode(value.tag, items, value.start_mark, value.end_mark, flow_style=value.flow_style)
            pairs.append((key, value))
        root = MappingNode(root.tag, pairs, root.start_mark, root.end_mark, flow_style=root.flow_style)
    return root


class StreamedMapping(MappingNode):
    """The top-level mapping of a streamed document: its marks, its pairs in `Document.pairs`."""


class StreamedSequence(SequenceNode):
    """The `events:` list of a streamed document: `value` yields its items one at a time,
    once, each composed when it is reached and free to be dropped when the next one is."""


class Document:
    """An events file composed a top-level value at a time, and the `events:` list an item
    at a time, so that a large file is never held as one node tree (a node with two marks
    per value is about 6 KB an event; see docs/performance.md).

    `root` is the top-level node: a `StreamedMapping` (no pairs of its own) when the file
    is a mapping, else the whole node. Syntax errors and alias bombs are raised as
    `EventsFileError` when they are reached, before anything after them is composed.
    """

    def __init__(self, source: Source, composer: _Composer | None, root: Node) -> None:
        self.source = source
        self.root = root
        self._composer = composer

    @classmethod
    def of(cls, source: Source, root: Node) -> Document:
        """A document over a tree already composed whole (edits compose one)."""
        return cls(source, None, root)

    def pairs(self) -> Iterator[tuple[Node, Node]]:
        """The top-level (key, value) pairs in the order written; under the key `events`, a
        list is a `StreamedSequence` (consume it before asking for the next pair)."""
        if self._composer is None:
            if isinstance(self.root, MappingNode):
                yield from self.root.value
            return
        composer, self._composer = self._composer, None  # once
        with _located(self.source):
            composer.get(MappingStartEvent)
            while not composer.at(MappingEndEvent):
                key = composer.node()
                if isinstance(key, ScalarNode) and key.value == "events" and composer.at(SequenceStartEvent):
                    items = composer.streamed_sequence()
                    yield key, items
                    for _ in items.value:  # whatever the caller left
                        pass
                else:
                    value = composer.node()
                    composer.refuse_bombs()
                    yield key, value
            self.root.end_mark = composer.get(MappingEndEvent).end_mark
            composer.end()


def stream(source: Source) -> Document:
    """The document of a source, composed as it is read (see `Document`)."""
    composer = _Composer(source)
    with _located(source):
        composer.get(StreamStartEvent)
        if composer.at(StreamEndEvent):
            raise EventsFileError(
                [Problem(source.path, 1, 1, "the file is empty; expected a mapping with an 'events' list")]
            )
        composer.get(DocumentStartEvent)
        if composer.at(MappingStartEvent):
            start = composer.peek()
            mapping = StreamedMapping(_tag(start.tag, MAP), [], start.start_mark, None, flow_style=start.flow_style)
            composer.anchor(start.anchor, mapping)
            return Document(source, composer, mapping)
        root = composer.node()
        composer.end()
    return Document(source, None, root)


class _Composer:
    """Nodes from libyaml's parse events, as PyYAML's composer makes them, without recursion
    (nesting can be deep) and counting what aliases would expand to as it goes."""

    def __init__(self, source: Source) -> None:
        parser = _parser(source.text)
        self._get = parser.get_event
        self.peek = parser.peek_event
        self.source = source
        self.careful = "*" in source.text  # an alias needs a '*'; without one there is nothing to expand
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.written = 1  # the root
        self.expanded = 1
        self.first_reused: Node | None = None

    def at(self, kind: type) -> bool:
        """True when the next event is of this kind."""
        return type(self.peek()) is kind

    def get(self, kind: type) -> Any:
        """The next event, which the parser guarantees is of this kind."""
        event = self._get()
        assert type(event) is kind, event
        return event

    def anchor(self, name: str | None, node: Node) -> None:
        """Name a node for later aliases (counted as one until it is complete)."""
        if name is None:
            return
        if name in self.anchors and self.anchors[name][0] is not node:
            raise yaml.composer.ComposerError(f"found duplicate anchor {name!r}; first occurrence",
                                              self.anchors[name][0].start_mark, "second occurrence", node.start_mark)
        self.anchors[name] = (node, 1)

    def end(self) -> None:
        """The end of the one document, and of the stream."""
        self.get(DocumentEndEvent)
        if not self.at(StreamEndEvent):
            event = self._get()
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
        self.refuse_bombs()

    def streamed_sequence(self) -> StreamedSequence:
        """The sequence that starts next, its items composed as they are asked for."""
        start = self.get(SequenceStartEvent)
        self.written += 1
        self.expanded += 1
        node = StreamedSequence(_tag(start.tag, SEQ), [], start.start_mark, None, flow_style=start.flow_style)
        self.anchor(start.anchor, node)
        node.value = self._items(node)
        return node

    def _items(self, node: SequenceNode) -> Iterator[Node]:
        """Each item of a sequence, checked for alias bombs before it is handed on."""
        with _located(self.source):
            while not self.at(SequenceEndEvent):
                item = self.node()
                self.refuse_bombs()
                yield item
            node.end_mark = self._get().end_mark

    def node(self) -> Node:
        """Compose the next node whole.

        Written for speed (it runs once per value of the file): locals for everything the
        loop touches, plain scalars resolved by spelling inline, the counts kept in locals.
        Sizes are Python ints, so a bomb's count grows large but never wraps.
        """
        get = self._get
        plain = _PLAIN_TAGS.get
        anchors = self.anchors
        scalar_event, alias_event, mapping_end = ScalarEvent, AliasEvent, MappingEndEvent
        written = expanded = 0  # nodes written here; what aliases add
        stack: list[list[Any]] = []  # open collections: [node, children, expanded size, anchor]
        try:
            while True:
                event = get()
                kind = type(event)
                if kind is scalar_event:
                    tag = event.tag
                    if tag is None or tag == "!":
                        tag = plain(event.value, STR) if event.implicit[0] else STR
                    node: Node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
                    written += 1
                    size = 1
                    if event.anchor is not None:
                        self.anchor(event.anchor, node)
                elif kind is alias_event:
                    if event.anchor not in anchors:
                        raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                                          event.start_mark)
                    node, size = anchors[event.anchor]
                    expanded += size
                    if self.first_reused is None:
                        self.first_reused = node
                elif kind is SequenceStartEvent or kind is MappingStartEvent:
                    mapping = kind is MappingStartEvent
                    tag = _tag(event.tag, MAP if mapping else SEQ)
                    node = (MappingNode if mapping else SequenceNode)(tag, [], event.start_mark, None,
                                                                      flow_style=event.flow_style)
                    written += 1
                    self.anchor(event.anchor, node)
                    stack.append([node, [], 1, event.anchor])
                    continue
                else:  # the end of a sequence or a mapping
                    node, children, size, name = stack.pop()
                    node.end_mark = event.end_mark
                    node.value = list(zip(children[::2], children[1::2], strict=True)) if kind is mapping_end else children
                    if name is not None:
                        anchors[name] = (node, size)
                if not stack:
                    return node
                parent = stack[-1]
                parent[1].append(node)
                parent[2] += size
        finally:
            self.written += written
            self.expanded += written + expanded

    def refuse_bombs(self) -> None:
        """Refuse a document whose aliases expand it far beyond its written size."""
        limit = MAX_EXPANSION * self.written + 10_000
        if self.careful and self.expanded > limit:
            line, col = node_at(self.first_reused) if self.first_reused is not None else (1, 1)
            raise EventsFileError([
                Problem(self.source.path, line, col,
                        f"YAML aliases expand the document to at least {min(self.expanded, sys.maxsize)} nodes (limit {limit}); "
                        "write the values out instead of nesting aliases")
            ])


@contextmanager
def _located(source: Source) -> Iterator[None]:
    """Turn PyYAML's errors into a located `EventsFileError`."""
    try:
        yield
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


def _tag(tag: str | None, implicit: str) -> str:
    """A collection's tag: as written, else the implicit one."""
    return implicit if tag is None or tag == "!" else tag


def node_at(node: Node) -> tuple[int, int]:
    """1-based (line, column) where a node starts."""
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


