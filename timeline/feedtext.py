"""The words and marks our outputs write, in one place: `render.ics` (and the CSV of
`render.listing`) write them and `import` reads them back (a feed written by `timeline ics`,
or a listing, imports as the same events).
"""

from __future__ import annotations

import re

PRODID_PREFIX = "-//timeline//"
"""How our PRODID begins: a feed that has it is read with the conventions below."""
LAST_MARKER = ".end"
"""Added to an id for the UID of the quiet mode's marker on the last day (no id has a dot)."""
TO_BE_SET = "date to be set"
"""Said in the title of an event that only marks a window of possible days."""
DUE = "Due: "
"""Begins the title of a deadline not done."""
CANCELLED = " (cancelled)"
"""Ends the title of a cancelled event."""
OWNER_LINES = ("Owner: ", "Owners: ")
"""Begin the DESCRIPTION line that names the owners."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a CSV cell that a spreadsheet would run as a formula begins (OWASP's CSV injection
rule): the listing writes such a text cell after a `'`, which import takes off."""


def window_title(title: str, label: str) -> str:
    """`Title (Nov–Dec 2004, date to be set)`."""
    return f"{title} ({label}, {TO_BE_SET})"


def marker_title(title: str, marker: str, label: str, window: bool) -> str:
    """The quiet mode's markers: `Title · window opens (Jul–Oct 2004, date to be set)` on a
    window, `Title · starts (Jul–Oct 2004)` on a long span of certain days."""
    if window:
        return f"{title} · window {marker} ({label}, {TO_BE_SET})"
    return f"{title} · {marker} ({label})"


WINDOW_TITLE = re.compile(rf"^(.*) \((.+), {TO_BE_SET}\)$")
"""Reads `window_title` back: (title, label)."""
FIRST_MARKER_TITLE = re.compile(rf"^(.*) · (?:window opens|starts) \((.+?)(, {TO_BE_SET})?\)$")
"""Reads `marker_title` of the marker on a long stretch's first day back: (title, label,
window); its last day is the VEVENT whose UID has `LAST_MARKER` before the `@`."""
