"""Terminal column widths: wide (CJK, emoji) characters take two columns, combining marks none."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes in a terminal."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    if 0x1F300 <= ord(ch) <= 0x1FAFF:  # pictographs some tables still call neutral
        return 2
    return 1


def text_width(text: str) -> int:
    """Columns a string takes in a terminal."""
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """Cut `text` to at most `width` columns, ending with `ellipsis` when cut."""
    if text_width(text) <= width:
        return text
    room = width - text_width(ellipsis)
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis if width > 0 else ""


def pad(text: str, width: int) -> str:
    """Left-align `text` in `width` columns (truncating when longer)."""
    text = truncate(text, width)
    return text + " " * (width - text_width(text))


_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text as every output writes it: each line break (CR LF, CR, NEL, LINE and PARAGRAPH
    SEPARATOR) a newline, and no other control character but tab."""
    if text.isprintable():  # no control character, no line break: most titles and places
        return text
    return _CONTROL.sub("", _BREAKS.sub("\n", text))


def one_line(text: str) -> str:
    """Text on one line: line breaks and tabs become spaces, other control characters go."""
    return "".join(c if c.isprintable() else " " if c in "\n\t" else "" for c in printable(text))


def slug(text: str, limit: int = 48) -> str:
    """Lowercase ASCII letters, digits and `-` from any text (`Réunion à Genève` →
    `reunion-a-geneve`), at most `limit` long; empty when nothing is left."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:limit].strip("-")
