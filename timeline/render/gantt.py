"""`timeline gantt`: a text Gantt chart that tells firm dates from uncertain ones.

The geometry (range, axis, shapes) is `chart`'s, shared with the SVG. Widths are terminal
columns (wide characters count two); no line is ever wider than asked. The picture is a
grid of cells; each event paints its own row, and the "today" line fills the cells that
are still empty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from ..dates import MONTHS
from ..labels import day_label
from ..errors import RequestError
from ..model import Kind, Status
from ..schedule import ResolvedEvent, Schedule
from .chart import Axis, Mark, Shape, chart_range, known_days, months, shapes
from .text import one_line, text_width, truncate
from .words import days, distance

MONTHS_2 = ("Ja", "Fe", "Mr", "Ap", "My", "Jn", "Jl", "Au", "Se", "Oc", "No", "De")
"""Two-letter months, for axes with three cells a month."""
MIN_WIDTH = 30
"""Below this many columns the chart cannot show a label and a readable time axis."""


class Scale(str, Enum):
    """Units of the time axis."""

    AUTO = "auto"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Glyph(str, Enum):
    """What a cell shows (the value is the Unicode form)."""

    EMPTY = " "
    SOLID = "█"
    LIGHT = "░"
    DAY = "◆"
    DUE = "▐"
    RIGHT = "→"
    LEFT = "←"
    CANCELLED = "✗"
    STRUCK = "─"
    TODAY = "│"
    BAND = "▒"
    P50 = "┼"


ASCII = {
    Glyph.EMPTY: " ", Glyph.SOLID: "#", Glyph.LIGHT: ".", Glyph.DAY: "*", Glyph.DUE: "!",
    Glyph.RIGHT: ">", Glyph.LEFT: "<", Glyph.CANCELLED: "x", Glyph.STRUCK: "-", Glyph.TODAY: "|",
    Glyph.BAND: "=", Glyph.P50: "+",
}

_COLORS = {Kind.PHASE: "34", Kind.MEETING: "32", Kind.MILESTONE: "35", Kind.DEADLINE: "31"}


@dataclass(frozen=True)
class GanttOptions:
    """How to draw the chart."""

    width: int = 80
    """Total width in terminal columns."""
    scale: Scale = Scale.AUTO
    """Axis units."""
    start: date | None = None
    """First day shown (default: the first day of the first event's month)."""
    stop: date | None = None
    """Last day shown (default: the last day of the last event's month)."""
    ascii: bool = False
    """Only ASCII characters."""
    color: bool = False
    """ANSI colors by kind and status."""
    bands: dict[str, tuple[date, date, date]] | None = None
    """`gantt --forecast`: each event's P10 start, P50 end and P90 end (`timeline.forecast`)."""


def pick_scale(axis: Axis) -> Scale:
    """The finest axis unit whose labels fit."""
    per_month = axis.size * 30.44 / axis.days
    if per_month >= 20:
        return Scale.WEEK
    if per_month >= 2:
        return Scale.MONTH
    if per_month * 3 >= 3:
        return Scale.QUARTER
    return Scale.YEAR


def _place(line: list[str], col: int, *texts: str) -> None:
    """Write the first of `texts` that fits at `col` with a blank cell on each side, if any."""
    for text in texts:
        if col >= 0 and col + len(text) <= len(line) and all(c == " " for c in line[max(0, col - 1):col + len(text) + 1]):
            line[col:col + len(text)] = list(text)
            return


def axis_lines(axis: Axis, scale: Scale) -> tuple[str, str]:
    """Two heading lines for the chart area: years (or months for weeks), then the units."""
    top = [" "] * axis.size
    bottom = [" "] * axis.size
    if scale == Scale.WEEK:
        for month in months(axis.start, axis.stop):
            first = max(month, axis.start)
            name = MONTHS[month.month - 1]
            _place(top, axis.col(first), f"{name} {month.year}", name)
        for offset in range(axis.days):
            day = axis.start + timedelta(days=offset)
            if day.weekday() == 0:
                _place(bottom, axis.col(day), str(day.day))
        return "".join(top), "".join(bottom)
    # whole years first, so that a partial first year (a December) never hides the next one
    years = sorted(range(axis.start.year, axis.stop.year + 1), key=lambda y: date(y, 1, 1) < axis.start)
    if scale == Scale.YEAR:  # years below, their decades above
        for year in years:
            first = max(date(year, 1, 1), axis.start)
            _place(bottom, axis.col(first), str(year), f"'{year % 100:02d}")
            if year % 10 == 0 or first == axis.start:
                _place(top, axis.col(first), f"{year - year % 10}s")
        return "".join(top), "".join(bottom)
    for year in years:
        first = max(date(year, 1, 1), axis.start)
        _place(top, axis.col(first), str(year), f"'{year % 100:02d}")
    per_month = axis.size * 30 // axis.days
    for month in months(axis.start, axis.stop):
        first = max(month, axis.start)
        if scale == Scale.MONTH:
            # three letters where they fit, else two (Ja Fe Mr ...: one letter would be ambiguous),
            # else only the first month of each quarter
            if per_month >= 4:
                _place(bottom, axis.col(first), MONTHS[month.month - 1])
            elif per_month >= 3:
                _place(bottom, axis.col(first), MONTHS_2[month.month - 1])
            elif month.month in (1, 4, 7, 10):
                _place(bottom, axis.col(first), MONTHS[month.month - 1])
        elif scale == Scale.QUARTER and month.month in (1, 4, 7, 10):
            _place(bottom, axis.col(first), f"Q{(month.month - 1) // 3 + 1}")
    return "".join(top), "".join(bottom)


def paint(e: ResolvedEvent, axis: Axis) -> list[Glyph]:
    """The cells of one event's row."""
    row = [Glyph.EMPTY] * axis.size
    marked: dict[int, date] = {}
    possible: Shape | None = None

    def fill(lo: date, hi: date, glyph: Glyph) -> None:
        if hi < axis.start or lo > axis.stop:
            return
        for c in range(axis.col(max(lo, axis.start)), axis.col(min(hi, axis.stop)) + 1):
            row[c] = glyph

    def mark(day: date, glyph: Glyph) -> None:
        """A one-cell mark; a mark for another day in the same cell moves one cell aside,
        so that (say) a due date and a later actual day never hide in one cell."""
        if not axis.inside(day):
            return
        c = axis.col(day)
        if c in marked and marked[c] != day:
            step = 1 if day > marked[c] else -1
            if 0 <= c + step < axis.size and c + step not in marked:
                c += step
        marked[c] = day
        row[c] = glyph

    for shape in shapes(e, axis.start, axis.stop, axis.size):
        first = shape.first or axis.start
        last = shape.last or axis.stop
        if shape.mark == Mark.OCCURRENCE:  # many may share a cell: each marks its own cells
            if first == last:
                if axis.start <= first <= axis.stop:
                    c = (first - axis.start).days * axis.size // axis.days
                    if row[c] == Glyph.EMPTY:
                        row[c] = Glyph.DAY
            else:
                fill(first, last, Glyph.SOLID)
        elif shape.mark == Mark.POSSIBLE:
            possible = shape
            fill(first, last, Glyph.LIGHT)
        elif shape.mark in (Mark.CERTAIN, Mark.ACTUAL):
            fill(first, last, Glyph.SOLID)
            if shape.mark == Mark.CERTAIN and possible is not None:
                # however coarse the cells, an uncertain edge keeps its light cell
                for edge, sure in ((possible.first, first), (possible.last, last)):
                    if edge != sure and edge is not None and axis.inside(edge):
                        row[axis.col(edge)] = Glyph.LIGHT
        elif shape.mark == Mark.OPEN_LEFT:
            fill(first, last, Glyph.LIGHT)
            row[0] = Glyph.LEFT
        elif shape.mark == Mark.OPEN_RIGHT:
            fill(first, last, Glyph.LIGHT)
            row[-1] = Glyph.RIGHT
        elif shape.mark == Mark.DUE:
            mark(first, Glyph.DUE)
        else:  # DAY, ACTUAL_DAY
            if shape.mark == Mark.ACTUAL_DAY and possible is not None:
                # an actual outside the plan never shares the plan's edge cell: it would read "on plan"
                for edge in (possible.first, possible.last):
                    outside = first > edge if edge == possible.last else first < edge  # type: ignore[operator]
                    if edge is not None and axis.inside(edge) and outside:
                        marked.setdefault(axis.col(edge), edge)
            mark(first, Glyph.DAY)
    if e.status == Status.CANCELLED:
        row = [Glyph.STRUCK if g != Glyph.EMPTY else g for g in row]
        first_cell = next((i for i, g in enumerate(row) if g != Glyph.EMPTY), None)
        if first_cell is not None:
            row[first_cell] = Glyph.CANCELLED
    return row


def band(cells: list[Glyph], axis: Axis, first: date, middle: date, last: date) -> None:
    """The forecast over a row: the P10–P90 days shaded over empty and merely possible cells,
    P50 marked."""
    lo, hi = max(first, axis.start), min(last, axis.stop)
    if lo <= hi:
        for c in range(axis.col(lo), axis.col(hi) + 1):
            if cells[c] in (Glyph.EMPTY, Glyph.LIGHT):
                cells[c] = Glyph.BAND
    if axis.inside(middle):
        cells[axis.col(middle)] = Glyph.P50


def _ascii_text(text: str) -> str:
    """Text reduced to ASCII: accents dropped, dashes and dots mapped, anything else '?'."""
    text = text.replace("–", "-").replace("—", "-").replace("…", "...").replace("·", "-").replace("≈", "~")
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if ch.isascii():
            out.append(ch)
        elif not unicodedata.combining(ch):
            out.append("?")
    return "".join(out)


def row_labels(schedule: Schedule, ascii_only: bool) -> list[str]:
    """The label of each row: the title on one line, indented under its phase."""
    labels = ["  " * schedule.depths[e.id] + one_line(e.title) for e in schedule.events]
    return [_ascii_text(label) for label in labels] if ascii_only else labels


def layout(schedule: Schedule, labels: Sequence[str], opts: GanttOptions) -> tuple[int, Axis]:
    """The label column's width and the time axis of the chart area beside it."""
    start, stop = chart_range(schedule.events, opts.start, opts.stop, schedule.today, opts.bands)
    label_w = min(max([text_width(label) for label in labels] + [8]), max(10, opts.width * 2 // 5))
    return label_w, Axis(start, stop, opts.width - label_w - 1)


def render_gantt(schedule: Schedule, opts: GanttOptions = GanttOptions()) -> str:
    """The whole chart: heading, two axis lines, one row per event, a legend; the today
    line on the schedule's `today`."""
    if opts.width < MIN_WIDTH:
        raise RequestError(f"width {opts.width} is too narrow: the chart needs at least {MIN_WIDTH} columns")
    text = _ascii_text if opts.ascii else (lambda s: s)
    ellipsis = "..." if opts.ascii else "…"
    events, today = schedule.events, schedule.today
    labels = row_labels(schedule, opts.ascii)
    label_w, axis = layout(schedule, labels, opts)
    start, stop = axis.start, axis.stop
    scale = pick_scale(axis) if opts.scale == Scale.AUTO else opts.scale
    glyph = (lambda g: ASCII[g]) if opts.ascii else (lambda g: g.value)

    span = f" · {day_label(start)} – {day_label(stop)}"
    known = [d for e in events for d in known_days(e)]
    if today > stop:
        edge = stop if opts.stop is not None or not known else max(known)
        what = "the last day shown" if opts.stop is not None else "the last event"
        note = f" · today: {distance(edge, today)} after {what}"
    elif today < start:
        edge = start if opts.start is not None or not known else min(known)
        what = "the first day shown" if opts.start is not None else "the first event"
        note = f" · today: {distance(today, edge)} before {what}"
    else:
        note = f" · today: {day_label(today)}"
    lines = [_heading(text(schedule.calendar.name), text(span), text(note), opts.width, ellipsis)]
    years, units = axis_lines(axis, scale)
    lines.append(" " * (label_w + 1) + years)
    lines.append(" " * (label_w + 1) + units)
    today_col = axis.col(today) if axis.inside(today) else None
    for e, label in zip(events, labels, strict=False):
        cells = paint(e, axis)
        if opts.bands is not None and e.id in opts.bands:
            band(cells, axis, *opts.bands[e.id])
        if today_col is not None and cells[today_col] == Glyph.EMPTY:
            cells[today_col] = Glyph.TODAY
        label = truncate(label, label_w, ellipsis)
        bar = "".join(_colored(glyph(g), g, e, opts.color) for g in cells).rstrip()
        lines.append((label + " " * (label_w - text_width(label)) + " " + bar).rstrip())
    lines.append(_legend(opts, glyph, text))
    if opts.bands is not None:
        lines.append(f"{glyph(Glyph.BAND)} forecast P10–P90 (start to end)  {glyph(Glyph.P50)} P50 of the end")
    lines += [text(line) for line in _why(events, today, opts.width)]
    return "\n".join(lines) + "\n"


def _why(events: Sequence[ResolvedEvent], today: date, width: int) -> list[str]:
    """Below the legend, why each row that what happened moved is where it is: projected
    late, or at risk, with the chain behind it (the chart has no room for it in the row)."""
    import textwrap

    notes = []
    for e in events:
        if e.projected_by is not None:
            notes.append(f"{one_line(e.title)}: {e.label}, at least {days(e.projected_by)} late: {e.projection}")
        elif e.at_risk is not None:
            notes.append(f"{one_line(e.title)}: at risk: {e.at_risk}")
    if not notes:
        return []
    out = [f"As of {day_label(today)}:"]
    for note in notes:
        out += textwrap.wrap(note, max(width, 30), initial_indent="  ", subsequent_indent="    ")
    return out


def _heading(title: str, span: str, note: str, width: int, ellipsis: str) -> str:
    """The heading line: the title gives way first, then the range; the today note stays."""
    if text_width(title + span + note) <= width:
        return title + span + note
    room = width - text_width(span + note)
    if room >= 12:
        return truncate(title, room, ellipsis) + span + note
    room = width - text_width(note)
    if room >= 12:
        return truncate(title, room, ellipsis) + note
    return truncate(title + span + note, width, ellipsis)


def _colored(ch: str, g: Glyph, e: ResolvedEvent, color: bool) -> str:
    """A cell with its ANSI color (by kind; cancelled grey, tentative dim)."""
    if not color or g in (Glyph.EMPTY,):
        return ch
    if g == Glyph.TODAY:
        return f"\x1b[33m{ch}\x1b[0m"
    code = "90" if e.status == Status.CANCELLED else _COLORS[e.kind]
    if e.status == Status.TENTATIVE and g == Glyph.LIGHT:
        code = "2;" + code
    return f"\x1b[{code}m{ch}\x1b[0m"


def _legend(opts: GanttOptions, glyph, text) -> str:
    """One line: as many legend entries as fit the width."""
    entries = [((Glyph.SOLID,), "certain"), ((Glyph.LIGHT,), "possible"), ((Glyph.DAY,), "one day"),
               ((Glyph.DUE,), "due"), ((Glyph.LEFT, Glyph.RIGHT), "open before/after"), ((Glyph.CANCELLED,), "cancelled"),
               ((Glyph.TODAY,), "today")]
    out = ""
    for glyphs, name in entries:
        part = f"{''.join(glyph(g) for g in glyphs)} {text(name)}"
        candidate = f"{out}  {part}" if out else part
        if text_width(candidate) > opts.width:
            break
        out = candidate
    return out
