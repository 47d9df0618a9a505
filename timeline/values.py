"""Values that are checked the same way wherever they are written (the events file, the
command line, an import, the server): ids and tags, web and feed addresses, time zones,
how windows appear in feeds."""

from __future__ import annotations

import re

from .analysis.placement import WindowMode
from .dates import DateExpr, parse_expr
from .errors import DateSyntaxError, quote

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
"""Ids and tags alike: tags name feed files, so they follow the same rule."""
WINDOW_MODES = tuple(m.value for m in WindowMode)
"""The values of `calendar.windows` and `--windows`."""


HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")
"""A host name: the domain of every UID (`fullmatch`: a final line break is not a host name)."""


def web_url(text: str, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """An absolute web address: the only kind that may become a link or a feed's URI.

    A scheme of `schemes`, a host, and no space or control character anywhere (a line break
    would end the feed's content line and start another one).
    """
    from urllib.parse import urlsplit

    expected = ", ".join(schemes[:-1]) + f" or {schemes[-1]}"
    if any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError(f"an address must not contain spaces or control characters; expected an {expected} address "
                         "such as https://example.org/wgig/")
    try:
        parts = urlsplit(text)
    except ValueError as e:
        raise ValueError(f"not an address ({e}); expected an {expected} address such as https://example.org/wgig/") from None
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise ValueError(f"expected an {expected} address such as https://example.org/wgig/, not {quote(text)}")
    return text


def feed_url(text: str) -> str:
    """Where a feed is published: an http, https or webcal address."""
    return web_url(text, ("http", "https", "webcal"))


def is_zone(name: str) -> bool:
    """True when the zone database has a zone of this name. `Europe` (a folder of the
    database), `zone.tab` (a file that is not a zone) or a 300-character name are not zones,
    and are answered so, not as errors of the file system. (Reading the database's whole list
    instead, with `available_timezones`, took 56 ms of every start.)"""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        return False
    return True


def check_zone(name: str) -> str:
    """An IANA zone name that exists."""
    if not is_zone(name):
        raise ValueError(f"unknown time zone {quote(name)}; expected an IANA name such as Europe/Zurich or UTC")
    return name


def parse_expr_or_none(text: str) -> DateExpr | None:
    """`parse_expr`, or None when the text is not a date expression."""
    try:
        return parse_expr(text)
    except DateSyntaxError:
        return None


def parse_windows(text: str) -> str:
    """How uncertain windows appear in feeds."""
    if text not in WINDOW_MODES:
        raise ValueError(f"unknown mode {quote(text)}; expected one of {', '.join(WINDOW_MODES)}")
    return text


