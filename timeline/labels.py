"""Labels of resolved windows: days, spans and times in the calendar's zone, with an
event's own zone beside them where it differs (`16:00 CET (10:00 New York)`)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from .dates import MONTHS, Window, last_of_month


def day_label(d: date) -> str:
    """`23 Nov 2004`."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _whole_months(lo: date, hi: date) -> bool:
    return lo.day == 1 and hi == last_of_month(hi)


def range_label(lo: date, hi: date) -> str:
    """A closed range of days at the coarsest honest unit: `Nov–Dec 2004`, `16–18 Nov 2005`."""
    if lo == hi:
        return day_label(lo)
    if _whole_months(lo, hi):
        if lo.month == 1 and hi.month == 12:
            return str(lo.year) if lo.year == hi.year else f"{lo.year}–{hi.year}"
        if (lo.year, lo.month) == (hi.year, hi.month):
            return f"{MONTHS[lo.month - 1]} {lo.year}"
        if lo.year == hi.year:
            return f"{MONTHS[lo.month - 1]}–{MONTHS[hi.month - 1]} {lo.year}"
        return f"{MONTHS[lo.month - 1]} {lo.year}–{MONTHS[hi.month - 1]} {hi.year}"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.day}–{hi.day} {MONTHS[lo.month - 1]} {lo.year}"
    if lo.year == hi.year:
        return f"{lo.day} {MONTHS[lo.month - 1]}–{day_label(hi)}"
    return f"{day_label(lo)}–{day_label(hi)}"


def window_label(w: Window, time_text: str | None = None) -> str:
    """Label one window: `Nov 2004`, `by 31 Jul 2005`, `from 1 Aug 2005`, `≈ Apr 2005`."""
    if w.earliest is None and w.latest is None:
        text = "date unknown"
    elif w.earliest is None:
        text = f"by {day_label(w.latest)}"  # type: ignore[arg-type]
    elif w.latest is None:
        text = f"from {day_label(w.earliest)}"
    elif w.named is not None:
        text = w.named
    elif w.approximate and w.nominal is not None:
        text = range_label(*w.nominal)
    else:
        text = range_label(w.earliest, w.latest)
    if time_text:
        text = f"{text} {time_text}"
    if w.approximate:
        text = f"≈ {text}"
    if w.uncertain:
        text += "?"
    return text


def span_label(start: Window, end: Window, times: tuple[str, str] | None = None) -> str:
    """Label a span from its start and end windows: `Jul–Oct 2004`, `16–18 Nov 2005`."""
    if start.named and end.named and start.named[-4:] == end.named[-4:] and not (start.approximate or end.approximate):
        return f"{start.named[:2]}–{end.named}{'?' if start.uncertain or end.uncertain else ''}"  # Q1–Q3 2026
    if times is not None and start.is_day and end.is_day:
        if start.earliest == end.earliest:
            return f"{day_label(start.earliest)} {times[0]}–{times[1]}"  # type: ignore[arg-type]
        return f"{day_label(start.earliest)} {times[0]} – {day_label(end.earliest)} {times[1]}"  # type: ignore[arg-type]
    plain = not (start.approximate or start.uncertain or end.approximate or end.uncertain)
    if start.earliest is None and start.latest is None:
        return f"until {window_label(end)}"
    if end.earliest is None and end.latest is None or end.latest is None and end.earliest == start.earliest:
        return window_label(start) if start.latest is None and start.earliest is not None else f"from {window_label(start)}"
    if plain and not start.is_open and not end.is_open:
        s_lo, s_hi, e_lo, e_hi = start.earliest, start.latest, end.earliest, end.latest
        both_days = start.is_day and end.is_day
        both_months = (
            _whole_months(s_lo, s_hi)  # type: ignore[arg-type]
            and _whole_months(e_lo, e_hi)  # type: ignore[arg-type]
            and (s_lo.year, s_lo.month) == (s_hi.year, s_hi.month)  # type: ignore[union-attr]
            and (e_lo.year, e_lo.month) == (e_hi.year, e_hi.month)  # type: ignore[union-attr]
        )
        both_years = all(
            lo.month == 1 and lo.day == 1 and hi == date(lo.year, 12, 31)  # type: ignore[union-attr]
            for lo, hi in ((s_lo, s_hi), (e_lo, e_hi))
        )
        if both_days or both_months or both_years:
            return range_label(s_lo, e_hi)  # type: ignore[arg-type]
    return f"{window_label(start)} to {window_label(end)}"


def label(windows: tuple[Window, Window], span: bool, due: bool, zone: ZoneInfo, own: str | None = None) -> str:
    """The label of an event's windows (deadlines: `by DAY`); times in the calendar's
    `zone`, and in the event's `own` zone too where it differs."""
    start, end = windows
    if due:
        return window_label(Window(None, start.latest, uncertain=start.uncertain))
    if not span:
        text = window_label(start, None if start.moment is None else clock(start, zone))
    else:
        times = None
        if start.moment is not None and end.moment is not None:
            times = (clock(start, zone) or "", clock(end, zone) or "")
            zone_a, zone_b = times[0].rsplit(" ", 1)[1], times[1].rsplit(" ", 1)[1]
            if zone_a == zone_b and start.earliest == end.earliest:  # 09:00–17:00 CET
                times = (times[0].rsplit(" ", 1)[0], times[1])
        text = span_label(start, end, times)
    if own and own != zone.key and start.moment is not None:
        text += f" ({own_clock(start, end if span else None, ZoneInfo(own))})"
    return text


def times(start: Window, end: Window, zone: ZoneInfo) -> str:
    """`15:00–16:00 CET`: the times of one timed occurrence, without its day."""
    a, b = clock(start, zone) or "", clock(end, zone) or ""
    if a.rsplit(" ", 1)[-1] == b.rsplit(" ", 1)[-1]:
        a = a.rsplit(" ", 1)[0]
    return f"{a}–{b}"


def own_clock(start: Window, end: Window | None, own: ZoneInfo, *, days: bool = True) -> str:
    """`10:00–11:00 New York`: the times in an event's own zone (with the day, where it
    differs from the day in the calendar's zone, unless `days` is False)."""
    a = start.moment.astimezone(own)  # type: ignore[union-attr]
    text = f"{a:%H:%M}" if a.date() == start.earliest or not days else f"{day_label(a.date())} {a:%H:%M}"
    if end is not None and end.moment is not None and end.moment != start.moment:
        b = end.moment.astimezone(own)
        text += f"–{b:%H:%M}" if b.date() == a.date() or not days else f" – {day_label(b.date())} {b:%H:%M}"
    return f"{text} {own.key.rsplit('/', 1)[-1].replace('_', ' ')}"


def clock(w: Window, zone: ZoneInfo) -> str | None:
    """`10:00 CET` in `zone`, or None for a day."""
    if w.moment is None:
        return None
    local = w.moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname()}"
