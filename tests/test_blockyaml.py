"""The fast block-YAML reader builds PyYAML's tree, or declines and leaves the text to PyYAML."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import yaml

from timeline import blockyaml
from timeline.blockyaml import Mapping, Node, Scalar, Sequence
from timeline.loader import yaml_loader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import events_yaml  # noqa: E402


def ours(node: Node) -> tuple:
    """A comparable form of a `blockyaml` tree."""
    if isinstance(node, Scalar):
        return ("scalar", node.tag, node.value, node.line, node.column)
    if isinstance(node, Sequence):
        return ("list", [ours(c) for c in node.value], node.line, node.column)
    assert isinstance(node, Mapping)
    return ("map", [(key, line, column, ours(v)) for key, line, column, v in node.value], node.line, node.column)


def theirs(node: yaml.Node) -> tuple:
    """The same form of PyYAML's tree."""
    line, column = node.start_mark.line, node.start_mark.column
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, line, column)
    if isinstance(node, yaml.SequenceNode):
        return ("list", [theirs(c) for c in node.value], line, column)
    entries = [
        (k.value if isinstance(k, yaml.ScalarNode) else None, k.start_mark.line, k.start_mark.column, theirs(v))
        for k, v in node.value
    ]
    return ("map", entries, line, column)


def outcome(text: str) -> str:
    """'same' when both readers agree, 'declined' or 'invalid' (PyYAML refused); fails on a difference."""
    got = blockyaml.read(text)
    try:
        expected = yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError:
        assert got is None, f"read accepted text PyYAML refuses:\n{text}"
        return "invalid"
    if got is None:
        return "declined"
    assert expected is not None
    assert ours(got) == theirs(expected), f"trees differ for:\n{text}"
    return "same"


@pytest.mark.parametrize(
    "path",
    sorted([ROOT / "events.yaml", *(ROOT / "tests" / "data").glob("*.yaml"), *(ROOT / "tests" / "data" / "bad").glob("*.yaml")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_events_file_in_the_repository_reads_the_same(path: Path) -> None:
    assert outcome(path.read_text(encoding="utf-8-sig")) in ("same", "declined", "invalid")


@pytest.mark.parametrize("path", ["events.yaml", "tests/data/stress.yaml"])
def test_the_shipped_files_take_the_fast_path(path: str) -> None:
    assert outcome((ROOT / path).read_text(encoding="utf-8")) == "same"


def test_the_benchmark_files_take_the_fast_path() -> None:
    assert outcome(events_yaml(300)) == "same"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: >-\n  one\n  two\n\n  three\n", "one two\nthree"),
        ("a: >\n  one\n  two\n", "one two\n"),
        ("a: |\n  one\n   two\n\n  three\n", "one\n two\n\nthree\n"),
        ("a: |-\n  one\n  # not a comment\nb: 1\n", "one\n# not a comment"),
        ("a: >\n  last line without a break", "last line without a break"),
        ('a: "tab\\tand \\"quotes\\" \\\\ \\/"  # c\n', 'tab\tand "quotes" \\ /'),
        ("a: 'it''s'\n", "it's"),
        ("a: plain  text   # comment\n", "plain  text"),
        ("a: x#y\n", "x#y"),
    ],
)
def test_scalars(text: str, value: str) -> None:
    assert outcome(text) == "same"
    root = blockyaml.read(text)
    assert isinstance(root, Mapping)
    assert root.value[0][3].value == value


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # explicit tags
        "a: {b: 1}\n",  # flow mappings
        "a: [b, [c]]\n",  # nested flow lists
        "a: 'two\n  lines'\n",  # multi-line quoted
        "a: two\n  lines\n",  # multi-line plain
        'a: "\\x41"\n',  # other escapes
        "a: |+\n  keep\n",  # keep chomping
        "a: |2\n   indented\n",  # indentation indicator
        "---\na: 1\n",  # document markers
        "a:\tb\n",  # tabs
        "a: 1\r\nb: 2\r\n",  # CR LF line ends
        "- a\n- b\n",  # a list at the top
        "",  # empty
        "# only a comment\n",
        "a b: 1\n",  # keys beyond plain names
    ],
)
def test_beyond_the_subset_it_declines(text: str) -> None:
    assert blockyaml.read(text) is None
    assert outcome(text) in ("declined", "invalid")


def test_unusual_characters_are_found_in_ascii_and_other_text() -> None:
    specials = [chr(c) for c in range(0x3000)] + ["\u2028", "\u2029", "\ufeff", "\ud800", "\udfff", "\ufffe", "\uffff"]
    for c in specials:
        for text in (c, f"a: b{c}c\n", f"é: {c}"):  # ASCII text and other text take different paths
            assert blockyaml._unusual(text) == (blockyaml._UNUSUAL.search(text) is not None), repr(text)
    assert blockyaml.read("a: b\tc\n") is None
    assert blockyaml.read("a: b\u2028c\n") is None


@pytest.mark.parametrize(
    "text",
    [
        "a: b: c\n",
        "a: 1\n  b: 2\n",
        "a:\n  - x\n  y: 1\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: [x, y\n",
        "a: 'x' y\n",
        'a: "x"y\n',
        "a: - x\n",
        "a: >\n    x\n  y\nb: 1\n",
    ],
)
def test_invalid_yaml_is_left_to_pyyaml(text: str) -> None:
    assert blockyaml.read(text) is None
    assert outcome(text) == "invalid"


def test_empty_values_are_null_right_after_the_indicator() -> None:
    root = blockyaml.read("a:\nb:   # c\nc:\n- \n- x\n")
    assert outcome("a:\nb:   # c\nc:\n- \n- x\n") == "same"
    assert isinstance(root, Mapping)
    a, b, c = (v for *_, v in root.value)
    assert (a.tag, a.line, a.column) == (blockyaml.NULL, 0, 2)
    assert (b.tag, b.line, b.column) == (blockyaml.NULL, 1, 2)
    assert isinstance(c, Sequence) and (c.value[0].tag, c.value[0].column) == (blockyaml.NULL, 1)


# -- random documents --------------------------------------------------------------
GOOD = ["a", "a b", "yes", "~", "", "'q''s'", '"d\\"q"', "[a, b]", "[]", "2005-07-01T09:30", "..2005",
        "e5.end + 13d", "Chât é", "a  b  ", "#c", ">-", "|", "a:b", "a #c"]
TRICKY = ["No", "null", "a: b", "a# b", "'x' y", "'x'  # c", '"a\\nb"', '"a\\x41"', '"unterminated', "'unterminated",
          "[a,b ,c]", "[ ]", "[a, [b]]", "[a,]", "[a, 'b']", "[a b, c]", "[09:30]", "[a] x", "[a]  # c", "{a: 1}",
          "&x a", "*x", "!tag a", "-a", "- a", "?a", "%a", "@a", "`a", "x: y: z", "a:", "1.5", "0x1F", ">", "|-",
          "|+", ">2", "| # c", '"x" y', '"x"#y', "'x'#y", "a\tb", ",a", "]", "}", "a, b", "a]", "true", "ON", "-", "---"]
KEYS = ["id", "title", "when", "a", "b", "x1", "a.b", "a-b", "_k", "yes", "null", "2005", "a b", '"q"', "-k"]
BLOCK = (">-", ">", "|", "|-", "|+", ">2", "| # c")


class _Document:
    """A random document in (and around) the subset, from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def value(self) -> str:
        return self.rnd.choice(TRICKY if self.rnd.random() < 0.25 else GOOD)

    def block_lines(self, indent: int) -> list[str]:
        rnd = self.rnd
        base = indent + rnd.choice([1, 2, 2, 4])
        out = []
        for _ in range(rnd.randint(0, 4)):
            r = rnd.random()
            if r < 0.15:
                out.append("")
            elif r < 0.2:
                out.append(" " * rnd.randint(0, base + 2))
            elif r < 0.3:
                out.append(" " * (base + rnd.choice([-1, 1, 2])) + "more")
            elif r < 0.35:
                out.append(" " * base + "# not a comment")
            else:
                out.append(" " * base + rnd.choice(["text", "two words", "a: b", "- x", "x  "]))
        return out

    def mapping(self, indent: int, depth: int, first: str | None = None) -> list[str]:
        rnd = self.rnd
        out = []
        for n in range(rnd.randint(1, 4)):
            key = rnd.choice(KEYS) if rnd.random() < 0.3 else rnd.choice(KEYS[:6])
            lead = first if first is not None and n == 0 else " " * indent
            r = rnd.random()
            if r < 0.55 or depth > 3:
                v = self.value()
                out.append(f"{lead}{key}:{rnd.choice([' ', ' ', '  ', ''])}{v}")
                if v in BLOCK:
                    out += self.block_lines(indent)
            elif r < 0.75:
                out.append(f"{lead}{key}:" + rnd.choice(["", "  # c", " "]))
                out += self.sequence(indent + rnd.choice([0, 2, 2, 4]), depth + 1)
            else:
                out.append(f"{lead}{key}:")
                out += self.mapping(indent + rnd.choice([2, 2, 4, 1]), depth + 1)
            r = rnd.random()
            if r < 0.1:
                out.append("")
            elif r < 0.15:
                out.append(" " * rnd.randint(0, 6) + "# comment")
            elif r < 0.18:
                out.append(" " * rnd.randint(0, 6) + self.value())
        return out

    def sequence(self, indent: int, depth: int) -> list[str]:
        rnd = self.rnd
        out = []
        for _ in range(rnd.randint(1, 3)):
            dash = " " * indent + rnd.choice(["- ", "- ", "-  "])
            r = rnd.random()
            if r < 0.4 and depth < 4:
                out += self.mapping(len(dash), depth + 1, first=dash)
            elif r < 0.5 and depth < 4:
                out += [dash.rstrip(" ")] + self.mapping(indent + 2, depth + 1)
            elif r < 0.85:
                v = self.value()
                out.append(dash + v)
                if v in BLOCK:
                    out += self.block_lines(indent)
            else:
                out.append(dash.rstrip(" ") + rnd.choice(["", " # c"]))
        return out

    def text(self) -> str:
        return "\n".join(self.mapping(0, 0)) + self.rnd.choice(["\n", "", "\n\n"])


def test_random_documents_read_the_same_or_are_declined() -> None:
    outcomes = {"same": 0, "declined": 0, "invalid": 0}
    for seed in range(3000):
        outcomes[outcome(_Document(seed).text())] += 1
    # the generator must exercise all three outcomes, agreement most of all
    assert outcomes["same"] > 400 and outcomes["declined"] > 200 and outcomes["invalid"] > 200, outcomes
