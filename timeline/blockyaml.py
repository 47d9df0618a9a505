"""A fast reader for the block YAML that events files are written in, and the node tree it builds.

Events files use a small part of YAML: block mappings and lists, one-line plain or quoted
scalars, one-line flow lists of plain scalars, and `|`/`>` block scalars. `read` handles
exactly that part, line by line, and builds the same tree PyYAML would compose (values,
tags and start positions); anything else (anchors, tags, flow mappings, rarer escapes, multi-line
plain or quoted scalars, tabs, document markers, syntax errors) makes it decline, and the
loader composes the text with PyYAML instead. Tests hold the two to the same tree.

Plain scalars resolve as in `loader`: null and the booleans by their spelling, all else text.
"""

from __future__ import annotations

import re
from typing import Union

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
STR = "tag:yaml.org,2002:str"
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
BOOLS = frozenset(v for w in ("yes", "no", "true", "false", "on", "off") for v in (w, w.capitalize(), w.upper()))


class Scalar:
    """A scalar: its resolved tag (null, bool or str), its text as YAML reads it, where it starts."""

    __slots__ = ("tag", "value", "line", "column")

    def __init__(self, tag: str, value: str, line: int, column: int) -> None:
        self.tag = tag
        self.value = value
        self.line = line
        """0-based, as are the columns."""
        self.column = column

    def __repr__(self) -> str:
        return f"Scalar({self.tag.rsplit(':', 1)[-1]}, {self.value!r}, {self.line}, {self.column})"


class _Block:
    """A collection node: its items and where it starts (one `__init__`, no `super()` call to pay)."""

    __slots__ = ("value", "line", "column")
    value: list

    def __init__(self, value: list, line: int, column: int) -> None:
        self.value = value
        self.line = line
        self.column = column

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r}, {self.line}, {self.column})"


class Sequence(_Block):
    """A list of nodes; it starts at its first dash, or at its '['."""

    __slots__ = ()
    value: list[Node]


class Mapping(_Block):
    """Entries `(key, line, column, value node)` in the order written (duplicates kept: the
    loader reports them). A key is its text; None for a key that is not a scalar (only
    PyYAML reads those). Keys are not nodes: only their text and place are ever needed, and
    building a node for each would be a third of the reader's work."""

    __slots__ = ()
    value: list[tuple[str | None, int, int, Node]]


Node = Union[Scalar, Sequence, Mapping]


_TAGS = {**dict.fromkeys(NULLS, NULL), **dict.fromkeys(BOOLS, BOOL)}


def plain_tag(text: str) -> str:
    """The tag of a plain scalar: null and booleans by spelling, anything else text."""
    return _TAGS.get(text, STR)


class Declined(Exception):
    """The text uses YAML beyond what `read` handles (or is not valid YAML)."""


# Characters that YAML refuses or reads as line breaks, and tabs: left to PyYAML.
_UNUSUAL = re.compile("[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_USUAL_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
# One line: indentation, a list dash, a `key:` and the spaces after it, the rest.
_LINE = re.compile(r"^( *)(-(?: +|$))?(?:([A-Za-z0-9_][A-Za-z0-9_.-]*):( +|$))?(.*)$", re.M)
_ESCAPES = {"\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t"}
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
_PLAIN_LAST = frozenset(" :")
_FLOW_INSIDE = re.compile(r"[^\[\]{}#'\":]*")
"""What a flow list of plain scalars may hold between its brackets."""


def read(text: str) -> Node | None:
    """The node tree of `text`, or None when the text is not in the part of YAML read here."""
    if _unusual(text):
        return None
    try:
        return _Reader(text).document()
    except Declined:
        return None


def _unusual(text: str) -> bool:
    """True when the text holds a character `_UNUSUAL` matches.

    ASCII text (most files) is checked by deleting the usual bytes, seven times faster
    than the regular expression's scan of every character.
    """
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _USUAL_ASCII))
    return _UNUSUAL.search(text) is not None


class _Reader:
    """Reads block YAML a line at a time.

    `rows` holds the lines that carry content (not blank, not comments), split by `_LINE`,
    with a sentinel of depth -1 at the end; every method leaves `i` on the next unread row.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        found = _LINE.findall(text)
        if len(found) != text.count("\n") + 1:
            raise Declined
        self.rows = [
            (n, len(indent), dash, key, spaces, rest)
            for n, (indent, dash, key, spaces, rest) in enumerate(found)
            if dash or key or rest[:1] not in ("", "#")
        ]
        self.rows.append((len(found), -1, "", "", "", ""))
        self.i = 0

    def document(self) -> Node:
        """The whole text: one block mapping at column 0."""
        if self.rows[0][1] != 0:
            raise Declined
        root = self.mapping(0, False)
        if self.rows[self.i][1] != -1:
            raise Declined
        return root

    def mapping(self, indent: int, inline: bool) -> Mapping:
        """A block mapping whose keys sit at `indent`; `inline` when its first key follows '- '."""
        rows = self.rows
        i = self.i  # kept in a local in this, the hottest loop, and handed over around calls
        pairs: list[tuple[str | None, int, int, Node]] = []
        node = Mapping(pairs, rows[i][0], indent)
        while True:
            line, depth, dash, key, spaces, rest = rows[i]
            if inline:
                inline = False
            elif depth != indent or dash:
                if depth > indent:
                    raise Declined
                break  # a shallower line, or a list item at this level: the caller's
            if not key:
                raise Declined  # not `key:` where a key must be
            after = indent + len(key) + 1
            if (rest and rest[0] not in _PLAIN_FIRST and rest[-1] not in _PLAIN_LAST
                    and " #" not in rest and ": " not in rest and rows[i + 1][1] <= indent):
                # the common case, a one-line plain scalar, without the general path of `value`
                i += 1
                value: Node = Scalar(_TAGS.get(rest, STR), rest, line, after + len(spaces))
            else:
                self.i = i
                value = self.value(rest, after + len(spaces), indent, after)
                i = self.i
            pairs.append((key, line, indent, value))
        self.i = i
        return node

    def sequence(self, indent: int) -> Sequence:
        """A block list whose dashes sit at `indent`."""
        rows = self.rows
        items: list[Node] = []
        node = Sequence(items, rows[self.i][0], indent)
        while True:
            _, depth, dash, key, _, rest = rows[self.i]
            if depth != indent or not dash:
                if depth > indent:
                    raise Declined
                break  # the caller decides whether the line fits (a key of the enclosing mapping)
            at = indent + len(dash)
            if key:
                items.append(self.mapping(at, True))
            elif not rest or rest[0] == "#":
                items.append(self.nested(indent, indent + 1, same_level_list=False))
            else:
                items.append(self.value(rest, at, indent, None))
        return node

    def nested(self, indent: int, null_column: int, *, same_level_list: bool) -> Node:
        """What follows an empty value: a deeper block, a list at the key's level, or null."""
        line = self.rows[self.i][0]
        self.i += 1
        _, depth, dash, _, _, _ = self.rows[self.i]
        if depth > indent or same_level_list and depth == indent and dash:
            if dash:
                return self.sequence(depth)
            return self.mapping(depth, False)
        return Scalar(NULL, "", line, null_column)

    def value(self, rest: str, at: int, indent: int, null_column: int | None) -> Node:
        """The value `rest`, starting at column `at` of the current line, in a block at `indent`."""
        line = self.rows[self.i][0]
        first = rest[0] if rest else "#"
        if first == "#":
            assert null_column is not None  # empty list items are handled by `sequence`
            return self.nested(indent, null_column, same_level_list=True)
        if first == "[":
            node, after = self.flow(rest, line, at)
        elif first == "'":
            node, after = self.single_quoted(rest, line, at)
        elif first == '"':
            node, after = self.double_quoted(rest, line, at)
        elif first in "|>":
            return self.block_scalar(rest, at, indent)
        elif first in _PLAIN_FIRST:
            raise Declined
        else:
            end = rest.find(" #")
            text = (rest if end < 0 else rest[:end]).rstrip(" ")
            if ": " in text or text[-1] == ":":
                raise Declined
            node, after = Scalar(_TAGS.get(text, STR), text, line, at), ""
        if after and (after[0] != " " or after.strip(" ") and after.lstrip(" ")[0] != "#"):
            raise Declined  # text after a closing quote or bracket
        self.i += 1
        if self.rows[self.i][1] > indent:
            raise Declined  # a continuation line (a multi-line scalar) or misplaced content
        return node

    @staticmethod
    def flow(rest: str, line: int, at: int) -> tuple[Node, str]:
        """A one-line flow list of plain scalars: `[a, b]`."""
        close = rest.find("]")
        if close < 0:
            raise Declined
        items: list[Node] = []
        inside = rest[1:close]
        if not _FLOW_INSIDE.fullmatch(inside):
            raise Declined
        if inside.strip(" "):
            column = at + 1
            for part in inside.split(","):
                text = part.strip(" ")
                if not text or text[0] in _PLAIN_FIRST:
                    raise Declined
                items.append(Scalar(_TAGS.get(text, STR), text, line, column + len(part) - len(part.lstrip(" "))))
                column += len(part) + 1
        return Sequence(items, line, at), rest[close + 1:]

    @staticmethod
    def single_quoted(rest: str, line: int, at: int) -> tuple[Node, str]:
        """A one-line 'single-quoted' scalar ('' is a quote)."""
        j = 1
        while True:
            j = rest.find("'", j)
            if j < 0:
                raise Declined  # it goes on over lines
            if rest.startswith("''", j):
                j += 2
                continue
            break
        return Scalar(STR, rest[1:j].replace("''", "'"), line, at), rest[j + 1:]

    @staticmethod
    def double_quoted(rest: str, line: int, at: int) -> tuple[Node, str]:
        """A one-line "double-quoted" scalar, with the escapes \\\\, \\", \\/, \\n and \\t."""
        j = rest.find('"', 1)
        if j < 0:
            raise Declined  # it goes on over lines
        if "\\" not in rest[:j]:
            return Scalar(STR, rest[1:j], line, at), rest[j + 1:]
        out: list[str] = []
        j = 1
        while True:
            c = rest[j] if j < len(rest) else ""
            if c == '"':
                return Scalar(STR, "".join(out), line, at), rest[j + 1:]
            if c == "\\":
                escaped = _ESCAPES.get(rest[j + 1:j + 2])
                if escaped is None:
                    raise Declined  # other escapes, or a line continuation
                out.append(escaped)
                j += 2
            elif c:
                out.append(c)
                j += 1
            else:
                raise Declined

    def block_scalar(self, rest: str, at: int, indent: int) -> Node:
        """A `|` (literal) or `>` (folded) block scalar, clipped or with `-` (strip)."""
        header = rest.rstrip(" ")
        if header not in ("|", ">", "|-", ">-"):
            raise Declined  # indentation indicators, keep chomping, comments after the header
        folded, strip = header[0] == ">", header[-1] == "-"
        start = self.rows[self.i][0]
        lines = self.text.split("\n")  # only files with block scalars pay for this, once per scalar
        if start + 1 >= len(lines) or not lines[start + 1].strip(" "):
            raise Declined  # leading blank lines or an empty scalar
        body = len(lines[start + 1]) - len(lines[start + 1].lstrip(" "))
        if body <= indent:
            raise Declined
        chunks: list[str] = []
        blanks = 0
        last = start
        for n in range(start + 1, len(lines)):
            raw = lines[n]
            stripped = raw.lstrip(" ")
            depth = len(raw) - len(stripped)
            if not stripped:
                if depth > body:
                    raise Declined  # spaces beyond the indentation are content
                blanks += 1
                continue
            if depth < body:
                break
            if depth > body and folded:
                raise Declined  # more-indented lines fold differently
            if chunks:
                chunks.append(("\n" * blanks or " ") if folded else "\n" * (blanks + 1))
            chunks.append(raw[body:])
            blanks = 0
            last = n
        if not strip and last + 1 < len(lines):  # the last line ends with a line break
            chunks.append("\n")
        rows = self.rows
        while rows[self.i][0] <= last:
            self.i += 1
        if rows[self.i][1] > indent:
            raise Declined  # a line between the key's level and the scalar's
        return Scalar(STR, "".join(chunks), start, at)
