"""Structural RFC 5545 checks that clients tolerate but subscriptions trip over."""

from __future__ import annotations

import re


def lint(data: bytes) -> list[str]:
    """Every structural problem of a feed (empty when it is clean)."""
    problems: list[str] = []
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    physical = data.split(b"\r\n")[:-1]
    if any(b"\n" in line or b"\r" in line for line in physical):
        problems.append("a line ends with a bare LF or CR")
    if any(not line for line in physical):
        problems.append("an empty content line")
    long = [i + 1 for i, line in enumerate(physical) if len(line) > 75]
    if long:
        problems.append(f"{len(long)} lines longer than 75 octets (first: line {long[0]})")
    split = [i + 1 for i, line in enumerate(physical) if not _utf8(line)]
    if split:
        problems.append(f"a fold splits a UTF-8 character (line {split[0]})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:  # a fold inside a character would show here
        return problems + [f"not valid UTF-8 at byte {e.start}"]
    logical = re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]
    names = [re.split(r"[;:]", line, maxsplit=1)[0].upper() for line in logical]
    for need in ("PRODID", "VERSION"):
        if need not in names:
            problems.append(f"no {need}")
    stack: list[str] = []
    seen: set[str] = set()
    uids: list[str] = []
    tzids: set[str] = set()
    zones: set[str] = set()
    recurrence = ""
    for line, name in zip(logical, names, strict=False):
        if name == "BEGIN":
            stack.append(line[6:])
            if line[6:] == "VEVENT":
                seen = set()
        elif name == "END":
            if not stack or stack[-1] != line[4:]:
                problems.append(f"END:{line[4:]} does not close {stack[-1] if stack else 'anything'}")
            else:
                closed = stack.pop()
                if closed == "VEVENT":
                    problems += [f"a VEVENT has no {p}" for p in ("UID", "DTSTAMP", "DTSTART") if p not in seen]
                    if "RECURRENCE-ID" in seen and uids:  # an override shares its series' UID
                        uids[-1] += " (override " + recurrence + ")"
        elif stack and stack[-1] == "VEVENT":
            seen.add(name)
            if name == "UID":
                uids.append(line.split(":", 1)[1])
            if name == "RECURRENCE-ID":
                recurrence = line.split(":", 1)[1]
        tzids.update(re.findall(r";TZID=([^;:]+)", line.split(":", 1)[0]))
        if name == "TZID" and stack and stack[-1] == "VTIMEZONE":
            zones.add(line.split(":", 1)[1])
    if stack:
        problems.append(f"unclosed components: {stack}")
    if len(uids) != len(set(uids)):
        problems.append(f"{len(uids) - len(set(uids))} duplicate UIDs")
    if tzids - zones:
        problems.append(f"TZID without a VTIMEZONE: {sorted(tzids - zones)}")
    return problems


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
