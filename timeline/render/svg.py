"""The Gantt chart as an inline SVG picture for the published page.

The same reading as the text chart: certain days solid, possible days shaded, one-day
events as diamonds, deadlines as a flag on the due day, open windows fading to the edge,
done events drawn over their plan, a today line. The geometry is `chart`'s, shared with
the text chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from ..dates import day_after
from ..model import Kind, Status
from ..schedule import ResolvedEvent, Schedule
from .chart import Axis, Mark, chart_range, months, shapes
from .text import one_line

ROW = 22
"""Height of a row, in pixels."""
LABEL = 300
"""Width of the label column."""
CHART = 760
"""Width of the chart area."""
HEAD = 44
"""Height of the axis above the rows."""
COLORS = {Kind.PHASE: "#2b6cb0", Kind.MEETING: "#2f855a", Kind.MILESTONE: "#805ad5", Kind.DEADLINE: "#c53030"}
"""Each kind's colour on a light background (4.5:1 or more against white)."""
DARK_COLORS = {Kind.PHASE: "#63b3ed", Kind.MEETING: "#68d391", Kind.MILESTONE: "#b794f4", Kind.DEADLINE: "#fc8181"}
"""The same on the page's dark background, where the light ones fall to 3:1 (6.6:1 or more
against #1a202c); the page's style swaps them in."""
CANCELLED = "#718096"
"""A cancelled event's colour: 4:1 against both backgrounds."""
ACCENT = "#dd6b20"
"""Today's line and the forecast: 3.4:1 against white, 4.8:1 against the dark background."""
FADE = "#a0aec0"
"""The fill that fades towards an open end (the end itself is marked by a chevron in the
event's colour, which carries the contrast)."""


@dataclass(frozen=True)
class SvgOptions:
    """How to draw the picture."""

    labels: bool = True
    """Draw each row's title at its left (the page lists the names beside the picture instead,
    so that they stay in view while the chart scrolls)."""
    bands: dict[str, tuple[date, date, date]] | None = None
    """`build --forecast`: each event's P10 start, P50 end and P90 end, drawn under its row."""


def render_svg(schedule: Schedule, options: SvgOptions = SvgOptions()) -> str:
    """An SVG document (no XML declaration) drawing every event on its own row, and a
    today line on the schedule's `today`; its size in pixels is fixed (rows of `ROW`)."""
    events, today = schedule.events, schedule.today
    start, stop = chart_range(events, None, None, today, options.bands)
    axis = Axis(start, stop, CHART)
    left = LABEL if options.labels else 0

    def x(day: date) -> float:
        return left + axis.x(day)

    width = left + CHART + 10
    height = HEAD + ROW * len(events) + 10
    fade = f'<stop offset="0" stop-color="{FADE}" stop-opacity="0.6"/><stop offset="1" stop-color="{FADE}" stop-opacity="0"/>'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="Gantt chart" font-family="system-ui, sans-serif" font-size="12">',
        f'<defs><linearGradient id="fade-right">{fade}</linearGradient>'
        f'<linearGradient id="fade-left" x1="1" x2="0">{fade}</linearGradient></defs>',
    ]
    out += _axis(start, stop, x, height, width)
    for i, e in enumerate(events):
        y = HEAD + i * ROW
        if options.labels:
            label = escape("\u2003" * schedule.depths[e.id] + one_line(e.title))
            out.append(f'<text x="4" y="{y + 15}" class="label">{label}<title>{escape(e.label)}</title></text>')
        if options.bands is not None and e.id in options.bands:
            lo, mid, hi = options.bands[e.id]
            band_left, band_right = x(max(lo, start)), x(day_after(min(hi, stop)) or stop)
            out.append(f'<rect x="{band_left}" y="{y + 1}" width="{round(max(band_right - band_left, 2.0), 1)}" height="{ROW - 2}" '
                       f'fill="{ACCENT}" fill-opacity="0.18" stroke="{ACCENT}" stroke-width="1" class="forecast">'
                       f'<title>forecast P10–P90: {lo.isoformat()} – {hi.isoformat()}, P50 {mid.isoformat()}</title></rect>')
            if start <= mid <= stop:
                out.append(f'<line x1="{x(mid)}" y1="{y + 1}" x2="{x(mid)}" y2="{y + ROW - 1}" stroke="{ACCENT}" '
                           'stroke-width="2" class="p50"/>')
        kind = "cancelled" if e.status == Status.CANCELLED else e.kind.value
        out.append(f'<g class="k-{kind}">')
        out += _bars(e, x, y, start, stop)
        out.append("</g>")
    if axis.inside(today):
        out.append(f'<line x1="{x(today)}" y1="{HEAD - 6}" x2="{x(today)}" y2="{height - 6}" stroke="{ACCENT}" '
                   f'stroke-width="2" stroke-dasharray="4 3" class="today"><title>today: {today.isoformat()}</title></line>')
    out.append("</svg>")
    return "\n".join(out)


def _axis(start: date, stop: date, x: Callable[[date], float], height: int, width: int) -> list[str]:
    """Month gridlines with their names, and each year once on the line above them (a
    label that would run past the picture's right edge is left out)."""
    out = []
    count = (stop.year - start.year) * 12 + stop.month - start.month + 1
    step = 1 if count <= 24 else 3 if count <= 72 else 12
    years: set[int] = set()
    for month in months(start, stop):
        if (month.month - 1) % step == 0 and month >= start:
            px = x(month)
            out.append(f'<line x1="{px}" y1="{HEAD - 12}" x2="{px}" y2="{height - 6}" stroke="#e2e8f0" class="grid"/>')
            if step < 12 and px + 26 <= width:
                out.append(f'<text x="{px + 2}" y="{HEAD - 16}">{month.strftime("%b")}</text>')
            room = x(date(month.year + 1, 1, 1)) - px if month.month != 1 else width  # before next year's label
            if month.year not in years and px + 34 <= width and room >= 36:
                years.add(month.year)
                out.append(f'<text x="{px + 2}" y="{HEAD - 31}" font-weight="bold">{month.year}</text>')
    return out


def _bars(e: ResolvedEvent, x: Callable[[date], float], y: int, start: date, stop: date) -> list[str]:
    """The SVG shapes of one row (see `chart.shapes`)."""
    color = CANCELLED if e.status == Status.CANCELLED else COLORS[e.kind]
    title = f"<title>{escape(one_line(e.title))}: {escape(e.label)}</title>"
    out = []
    drawn = shapes(e, start, stop, int(CHART))
    ticks: set[float] = set()
    for shape in drawn:
        first, last = shape.first or start, shape.last or stop
        left, right = x(first), x(day_after(last) or last)
        width = round(max(right - left, 2.0), 1)
        if shape.mark == Mark.OCCURRENCE:  # a tick per occurrence (one per position: a long series is a comb)
            if left not in ticks:
                ticks.add(left)
                out.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="{color}" '
                           f'class="occurrence">{title}</rect>')
        elif shape.mark == Mark.POSSIBLE:  # a light fill, outlined in the full colour (3:1 or more)
            out.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="{color}" '
                       f'fill-opacity="0.25" stroke="{color}" class="possible">{title}</rect>')
        elif shape.mark in (Mark.CERTAIN, Mark.ACTUAL):
            out.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="{color}" '
                       f'class="{shape.mark.value}">{title}</rect>')
        elif shape.mark in (Mark.OPEN_LEFT, Mark.OPEN_RIGHT):
            fade = "fade-left" if shape.mark == Mark.OPEN_LEFT else "fade-right"
            out.append(f'<rect x="{left}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="url(#{fade})" '
                       f'class="{shape.mark.value}">{title}</rect>')
            tip, turn = (left + 1, 5) if shape.mark == Mark.OPEN_LEFT else (right - 1, -5)
            out.append(f'<path d="M{round(tip - turn, 1)} {y + 6} L{round(tip, 1)} {y + ROW // 2} L{round(tip - turn, 1)} '
                       f'{y + ROW - 6}" fill="none" stroke="{color}" stroke-width="2" class="chevron"/>')
        elif shape.mark == Mark.DUE:
            out.append(f'<path d="M{left} {y + 3} v{ROW - 6} M{left} {y + 3} h8 l-3 4 l3 4 h-8" stroke="{color}" '
                       f'fill="{color}" stroke-width="2" class="due">{title}</path>')
        else:  # a one-day event, planned or actual
            cx, cy = round(left + 1, 1), y + ROW // 2
            out.append(f'<polygon points="{cx},{cy - 7} {round(cx + 7, 1)},{cy} {cx},{cy + 7} {round(cx - 7, 1)},{cy}" '
                       f'fill="{color}" class="{shape.mark.value}">{title}</polygon>')
    if e.status == Status.CANCELLED and drawn:  # struck through from its first to its last day
        x1 = x(min(s.first or start for s in drawn))
        last = max(s.last or stop for s in drawn)
        x2 = x(day_after(last) or last)
        out.append(f'<line x1="{x1}" y1="{y + ROW // 2}" x2="{x2}" y2="{y + ROW // 2}" stroke="#1a202c" '
                   f'stroke-width="2" class="cancelled"/>')
    return out
