"""Labels of resolved windows: days, spans and times in the calendar's zone, with an
event's own zone beside them where it differs (`16:00 CET (10:00 New York)`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from .dates import Window, day_label, span_label, window_label


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
