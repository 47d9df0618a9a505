"""`timeline gantt`: a text Gantt chart that tells firm dates from uncertain ones.

Columns come from date arithmetic alone (day ordinals scaled to the chart's width), so no
bar loses a day across a clock change. Widths are terminal columns (wide characters count
two); no line is ever wider than asked. The picture is a grid of cells; each event paints
its own row, and the "today" line fills the cells that are still empty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from .dates import MONTHS, day_label
from .errors import UsageError
from .model import Kind, Status
from .resolve import ResolvedEvent
from .textwidth import one_line, text_width, truncate

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


ASCII = {
    Glyph.EMPTY: " ", Glyph.SOLID: "#", Glyph.LIGHT: ".", Glyph.DAY: "*", Glyph.DUE: "!",
    Glyph.RIGHT: ">", Glyph.LEFT: "<", Glyph.CANCELLED: "x", Glyph.STRUCK: "-", Glyph.TODAY: "|",
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
    today: date | None = None
    """Where the today line goes (None: no line)."""
    ascii: bool = False
    """Only ASCII characters."""
    color: bool = False
    """ANSI colors by kind and status."""
    title: str = "Timeline"
    """The heading."""


@dataclass(frozen=True)
class Axis:
    """Maps days to columns of the chart area."""

    start: date
    """First day shown."""
    stop: date
    """Last day shown."""
    cols: int
    """Columns of the chart area."""

    @property
    def days(self) -> int:
        """Days shown."""
        return (self.stop - self.start).days + 1

    def col(self, day: date) -> int:
        """The column of a day (days outside are clamped to the edges)."""
        offset = (day - self.start).days
        return max(0, min(self.cols - 1, offset * self.cols // self.days))

    def inside(self, day: date) -> bool:
        """True when the day is in the shown range."""
        return self.start <= day <= self.stop


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _month_end(d: date) -> date:
    nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def chart_range(events: Sequence[ResolvedEvent], start: date | None, stop: date | None, today: date | None) -> tuple[date, date]:
    """The days to show: whole months around every known day of the events."""
    days = [d for e in events for d in _known_days(e)]
    if not days:
        days = [today or date(2000, 1, 1)]
    lo = start if start is not None else _month_start(min(days))
    hi = stop if stop is not None else _month_end(max(days))
    if hi < lo:
        raise UsageError(f"--to {hi} is before --from {lo}")
    return lo, hi


def _known_days(e: ResolvedEvent) -> list[date]:
    windows = [e.start, e.end, e.planned_start, e.planned_end]
    return [d for w in windows for d in (w.earliest, w.latest) if d is not None]


def pick_scale(axis: Axis) -> Scale:
    """The finest axis unit whose labels fit."""
    per_month = axis.cols * 30.44 / axis.days
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
    top = [" "] * axis.cols
    bottom = [" "] * axis.cols
    if scale == Scale.WEEK:
        month = _month_start(axis.start)
        while month <= axis.stop:
            first = max(month, axis.start)
            name = MONTHS[month.month - 1]
            _place(top, axis.col(first), f"{name} {month.year}", name)
            month = _month_end(month) + timedelta(days=1)
        day = axis.start
        while day <= axis.stop:
            if day.weekday() == 0:
                _place(bottom, axis.col(day), str(day.day))
            day += timedelta(days=1)
        return "".join(top), "".join(bottom)
    # whole years first, so that a partial first year (a December) never hides the next one
    years = range(axis.start.year, axis.stop.year + 1)
    for year in sorted(years, key=lambda y: date(y, 1, 1) < axis.start):
        first = max(date(year, 1, 1), axis.start)
        _place(top, axis.col(first), str(year), f"'{year % 100:02d}")
    month = _month_start(axis.start)
    wide = axis.cols * 30 // axis.days >= 4
    while month <= axis.stop:
        first = max(month, axis.start)
        if scale == Scale.MONTH:
            _place(bottom, axis.col(first), MONTHS[month.month - 1] if wide else MONTHS[month.month - 1][0])
        elif scale == Scale.QUARTER and month.month in (1, 4, 7, 10):
            _place(bottom, axis.col(first), f"Q{(month.month - 1) // 3 + 1}")
        month = _month_end(month) + timedelta(days=1)
    return "".join(top), "".join(bottom)


class Mark(str, Enum):
    """What a stretch of days in a row stands for."""

    POSSIBLE = "possible"
    CERTAIN = "certain"
    DAY = "day"
    DUE = "due"
    OPEN_LEFT = "open-left"
    OPEN_RIGHT = "open-right"
    ACTUAL = "actual"
    ACTUAL_DAY = "actual-day"


@dataclass(unsafe_hash=True, slots=True)
class Shape:
    """One stretch of an event's row; later shapes are drawn over earlier ones."""

    mark: Mark
    """What it stands for."""
    first: date | None
    """First day (None: from the left edge)."""
    last: date | None
    """Last day (None: to the right edge)."""


def shapes(e: ResolvedEvent) -> list[Shape]:
    """How an event reads, independent of the medium (text cells or SVG pixels).

    The plan (or, for an event not done yet, the plan updated by what happened upstream):
    possible days, certain days, a one-day event, a due day, open sides to the edge. Once
    an event is done its plan is only possible days, and what happened goes over it.
    """
    plan_s, plan_e = (e.planned_start, e.planned_end) if e.done else (e.start, e.end)
    lo = plan_s.earliest if plan_s.earliest is not None else plan_s.latest
    hi = plan_e.latest if plan_e.latest is not None else plan_e.earliest
    due = e.kind == Kind.DEADLINE
    out: list[Shape] = []
    if lo is not None and hi is not None and not (due and plan_s.earliest is None):
        out.append(Shape(Mark.POSSIBLE, lo, hi))
        sure_lo, sure_hi = plan_s.latest, plan_e.earliest
        if not e.done and e.event.is_span and sure_lo is not None and sure_hi is not None and sure_lo <= sure_hi:
            out.append(Shape(Mark.CERTAIN, sure_lo, sure_hi))
        if not e.done and plan_s.is_day and plan_e.is_day and not due:
            out.append(Shape(Mark.DAY, lo, lo) if lo == hi else Shape(Mark.CERTAIN, lo, hi))
    if plan_s.earliest is None and not due and plan_s.latest is not None:
        out.append(Shape(Mark.OPEN_LEFT, None, plan_s.latest))
    if plan_e.latest is None and plan_e.earliest is not None:
        out.append(Shape(Mark.OPEN_RIGHT, plan_e.earliest, None))
    if due and plan_e.latest is not None:
        out.append(Shape(Mark.DUE, plan_e.latest, plan_e.latest))
    if e.done:
        a_lo = e.start.earliest or e.start.latest
        a_hi = e.end.latest or e.end.earliest
        if a_lo is not None and a_hi is not None:
            out.append(Shape(Mark.ACTUAL_DAY, a_lo, a_lo) if a_lo == a_hi else Shape(Mark.ACTUAL, a_lo, a_hi))
    return out


def paint(e: ResolvedEvent, axis: Axis) -> list[Glyph]:
    """The cells of one event's row."""
    row = [Glyph.EMPTY] * axis.cols
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
            if 0 <= c + step < axis.cols and c + step not in marked:
                c += step
        marked[c] = day
        row[c] = glyph

    for shape in shapes(e):
        first = shape.first or axis.start
        last = shape.last or axis.stop
        if shape.mark == Mark.POSSIBLE:
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


def humanize_gap(days: int) -> str:
    """`21 years`, `3 months`, `12 days`."""
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    return f"{days} day" + ("s" if days != 1 else "")


def row_labels(events: Sequence[ResolvedEvent], ascii_only: bool) -> list[str]:
    """The label of each row: the title on one line, indented under its phase."""
    labels = ["  " * e.depth + one_line(e.event.title) for e in events]
    return [_ascii_text(label) for label in labels] if ascii_only else labels


def layout(events: Sequence[ResolvedEvent], labels: Sequence[str], opts: GanttOptions) -> tuple[int, Axis]:
    """The label column's width and the time axis of the chart area beside it."""
    start, stop = chart_range(events, opts.start, opts.stop, opts.today)
    label_w = min(max([text_width(l) for l in labels] + [8]), max(10, opts.width * 2 // 5))
    return label_w, Axis(start, stop, opts.width - label_w - 1)


def render_gantt(events: Sequence[ResolvedEvent], opts: GanttOptions) -> str:
    """The whole chart: heading, two axis lines, one row per event, a legend."""
    if opts.width < MIN_WIDTH:
        raise UsageError(f"width {opts.width} is too narrow: the chart needs at least {MIN_WIDTH} columns")
    text = _ascii_text if opts.ascii else (lambda s: s)
    ellipsis = "..." if opts.ascii else "…"
    labels = row_labels(events, opts.ascii)
    label_w, axis = layout(events, labels, opts)
    start, stop = axis.start, axis.stop
    scale = pick_scale(axis) if opts.scale == Scale.AUTO else opts.scale
    glyph = (lambda g: ASCII[g]) if opts.ascii else (lambda g: g.value)

    span = f" · {day_label(start)} – {day_label(stop)}"
    note = ""
    if opts.today is not None:
        last = [d for e in events for d in _known_days(e)]
        if opts.today > stop:
            edge = stop if opts.stop is not None or not last else max(last)
            what = "the last day shown" if opts.stop is not None else "the last event"
            note = f" · today: {humanize_gap((opts.today - edge).days)} after {what}"
        elif opts.today < start:
            edge = start if opts.start is not None or not last else min(last)
            what = "the first day shown" if opts.start is not None else "the first event"
            note = f" · today: {humanize_gap((edge - opts.today).days)} before {what}"
        else:
            note = f" · today: {day_label(opts.today)}"
    lines = [_heading(text(opts.title), text(span), text(note), opts.width, ellipsis)]
    years, units = axis_lines(axis, scale)
    lines.append(" " * (label_w + 1) + years)
    lines.append(" " * (label_w + 1) + units)
    today_col = axis.col(opts.today) if opts.today is not None and axis.inside(opts.today) else None
    for e, label in zip(events, labels):
        cells = paint(e, axis)
        if today_col is not None and cells[today_col] == Glyph.EMPTY:
            cells[today_col] = Glyph.TODAY
        label = truncate(label, label_w, ellipsis)
        bar = "".join(_colored(glyph(g), g, e, opts.color) for g in cells).rstrip()
        lines.append((label + " " * (label_w - text_width(label)) + " " + bar).rstrip())
    lines.append(_legend(opts, glyph, text))
    return "\n".join(lines) + "\n"


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


def _legend(opts: GanttOptions, glyph, text) -> str:  # type: ignore[no-untyped-def]
    """One line: as many legend entries as fit the width."""
    entries = [(Glyph.SOLID, "certain"), (Glyph.LIGHT, "possible"), (Glyph.DAY, "one day"), (Glyph.DUE, "due"),
               (Glyph.RIGHT, "open"), (Glyph.CANCELLED, "cancelled"), (Glyph.TODAY, "today")]
    out = ""
    for g, name in entries:
        part = f"{glyph(g)} {text(name)}"
        candidate = f"{out}  {part}" if out else part
        if text_width(candidate) > opts.width:
            break
        out = candidate
    return out
