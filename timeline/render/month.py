"""The month calendar: a grid of a month's days with what each holds (`analysis.month`), as
text for a terminal (`timeline calendar`, like `cal` or `remind -c`) and as a printable HTML
page for the site (a month a printed page)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape

from ..analysis.month import Entry, Month
from .text import one_line, pad, truncate

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SIGNS = {"day": "", "possible": "?", "opens": "▸", "closes": "◂", "starts": "▶", "ends": "◀", "due": "⚑"}
"""What an entry's text begins with, by how it is on its day (`KEY` says it in words)."""
_ASCII_SIGNS = {"day": "", "possible": "?", "opens": ">", "closes": "<", "starts": ">>", "ends": "<<", "due": "!"}
"""The same in ASCII."""
KEY = ("{possible} a possible day of a short window · {opens} {closes} a long window's first and last possible day · "
       "{starts} {ends} a long phase's first and last day · {due} a deadline's day · (…) cancelled")
"""The key printed under every month."""


def entry_text(entry: Entry, ascii: bool = False) -> str:
    """An entry as one line: `10:00 Editors' call`, `▸ First WGIG meeting` (its window opens)."""
    sign = (_ASCII_SIGNS if ascii else _SIGNS)[entry.what]
    text = (f"{sign} " if sign else "") + (f"{entry.time} " if entry.time else "") + one_line(entry.title)
    return f"({text})" if entry.cancelled else text


def key(ascii: bool = False) -> str:
    """The key to the signs."""
    text = KEY.format(**(_ASCII_SIGNS if ascii else _SIGNS))
    return text.replace("·", "-").replace("…", "...") if ascii else text


@dataclass(frozen=True)
class MonthOptions:
    """How to draw the text grid."""

    width: int = 80
    """Columns (each day at least `MIN_CELL` wide)."""
    ascii: bool = False
    """Only ASCII characters."""


MIN_CELL = 6
"""The narrowest day cell, in columns."""
MIN_WIDTH = 7 * MIN_CELL + 8
"""The narrowest grid."""


def render_month(month: Month, options: MonthOptions = MonthOptions()) -> str:
    """The month as a text grid: a row of cells a week, each with its day's number and one
    line an entry (cut to the cell's width; every entry is listed), then the key."""
    cell = max(MIN_CELL, (options.width - 8) // 7)
    bar, side = ("-", "|") if options.ascii else ("─", "│")
    corners = ["+++"] * 3 if options.ascii else ["┌┬┐", "├┼┤", "└┴┘"]
    top, rule, bottom = (c[0] + c[1].join(bar * cell for _ in range(7)) + c[2] for c in corners)
    ellipsis = "..." if options.ascii else "…"
    lines = [f"{month.first:%B %Y}".center(len(rule)).rstrip(), top,
             side + side.join(day.center(cell) for day in WEEKDAYS) + side, rule]
    for week in month.weeks:
        held = [month.days[d] if d is not None else [] for d in week]
        lines.append(side + side.join((str(d.day) if d else "").ljust(cell) for d in week) + side)
        for n in range(max(len(h) for h in held)):
            lines.append(side + side.join(
                pad(truncate(entry_text(h[n], options.ascii), cell, ellipsis), cell) if n < len(h) else " " * cell
                for h in held) + side)
        lines.append(rule)
    lines[-1] = bottom
    lines += textwrap.wrap(key(options.ascii), len(rule))
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1a202c;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}a{color:#2b6cb0}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border:1px solid #a0aec0;vertical-align:top;padding:.2rem;font-size:.8rem}
th{background:#edf2f7}td{height:5.5rem;overflow-wrap:anywhere}td .n{font-weight:bold;display:block}td ul{margin:0;padding:0;list-style:none}
td li{margin:.1rem 0}.other{background:#f7fafc}.cancelled{text-decoration:line-through;color:#4a5568}.key{font-size:.8rem;color:#4a5568}
@page{size:landscape;margin:1cm}@media print{section{break-after:page}body{max-width:none;padding:0}}
""".strip()


_STRUCK = ' class="cancelled"'
"""A cancelled entry's class."""


def calendar_page_chunks(name: str, months: Sequence[Month]) -> Iterator[str]:
    """calendar.html: every month of the plan as a grid, a month a printed page."""
    title = escape(one_line(name))
    yield (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
           f"<title>{title}: month calendar</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
           f'<header><h1>{title}: month calendar</h1><p><a href="index.html">The chart and the schedule</a></p></header>\n<main>\n')
    for month in months:
        yield f'<section aria-label="{month.first:%B %Y}">\n<h2>{month.first:%B %Y}</h2>\n<table>\n<thead><tr>'
        yield "".join(f"<th>{d}</th>" for d in WEEKDAYS) + "</tr></thead>\n<tbody>\n"
        for week in month.weeks:
            cells = []
            for d in week:
                if d is None:
                    cells.append('<td class="other"></td>')
                    continue
                items = "".join(f"<li{_STRUCK if x.cancelled else ''}>{escape(entry_text(x))}</li>" for x in month.days[d])
                cells.append(f'<td><span class="n">{d.day}</span>' + (f"<ul>{items}</ul>" if items else "") + "</td>")
            yield "<tr>" + "".join(cells) + "</tr>\n"
        yield f'</tbody>\n</table>\n<p class="key">{escape(key())}</p>\n</section>\n'
    yield "</main>\n</body>\n</html>\n"
