"""The date language: EDTF-style expressions, durations, windows of possible days, labels.

Every date expression becomes a `Window` of possible days `[earliest, latest]`, either
bound open (`None`). A span (`a/b`) becomes a `SpanExpr` of two such expressions. A
reference (`report.end + 1d`) stays symbolic here (`RefExpr`) and is resolved against
other events by `timeline.resolve`. This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone, UTC

from .errors import DateSyntaxError, quote

FORMS = (
    "expected a date such as 2004-11-23, 2004-11 or 2004; a span 2004-07/2004-10; "
    "a quarter or a half 2005-Q2 or 2005-H1; "
    "one of a set [2004-11, 2004-12] or [2004-11..2004-12]; on or before [..2005-07]; "
    "on or after [2005-08..]; a qualifier 2005-04~ or 2005-04?; a time 2005-11-16T10:00; "
    "or a reference ID, ID.start or ID.end with an optional shift such as + 1d"
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------------------
# Durations


@dataclass(frozen=True)
class Duration:
    """A length of time as written: `3d`, `2w`, `1m` (calendar months), `1y`, `12h`."""

    amount: int
    """How many units."""
    unit: str
    """One of `h`, `d`, `w`, `m`, `y`."""

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def approx_days(self) -> int:
        """Length in whole days (months as 30, years as 365); for horizons and lead times."""
        if self.unit == "h":
            return self.amount // 24
        return {"d": 1, "w": 7, "m": 30, "y": 365}[self.unit] * self.amount

    def to_timedelta(self) -> timedelta:
        """Exact length for h/d/w; months and years as 30 and 365 days."""
        if self.unit == "h":
            return timedelta(hours=self.amount)
        return timedelta(days=self.approx_days())

    def ical(self) -> str:
        """The RFC 5545 dur-value (which has no months or years: those become days)."""
        if self.unit == "h":
            return f"PT{self.amount}H"
        if self.unit == "w":
            return f"P{self.amount}W"
        return f"P{self.approx_days()}D"

    def before(self, day: date) -> date:
        """The day this duration before `day` (calendar months and years)."""
        return shift_date(day, -self.amount, self.unit)


_DURATION = re.compile(r"^(\d{1,6})\s*([hdwmy])$")
MAX_DURATION = {"h": 100 * 8766, "d": 36525, "w": 5218, "m": 1200, "y": 100}
"""The longest duration in each unit: 100 years (longer ones only overflow the calendar)."""


def parse_duration(text: str) -> Duration:
    """Parse `3d`, `2w`, `1m`, `1y` or `12h`, at most 100 years."""
    m = _DURATION.match(text.strip())
    if not m:
        raise DateSyntaxError(
            f"bad duration {quote(text)}: expected a whole number and a unit, such as 12h, 3d, 2w, 1m or 1y"
        )
    amount, unit = int(m.group(1)), m.group(2)
    if amount > MAX_DURATION[unit]:
        raise DateSyntaxError(f"duration {quote(text)} is too long: at most 100 years ({MAX_DURATION[unit]}{unit})")
    return Duration(amount, unit)


OUT_OF_RANGE = "a shift moves the date outside the years 1 to 9999"


_LENGTH = re.compile(r"(?:(\d{1,3})\s*h)?\s*(?:(\d{1,5})\s*min)?")
MAX_LENGTH = timedelta(days=31)


def parse_length(text: str) -> timedelta:
    """How long a timed event lasts: `45min`, `1h`, `1h30min` (minutes are `min`: `1m` is a month)."""
    m = _LENGTH.fullmatch(text.strip())
    if not m or not any(m.groups()):
        raise DateSyntaxError(f"bad duration {quote(text)}: expected hours and minutes such as 45min, 1h or "
                              "1h30min (minutes are written min; 1m would be a month)")
    length = timedelta(hours=int(m.group(1) or 0), minutes=int(m.group(2) or 0))
    if not timedelta(0) < length <= MAX_LENGTH:
        raise DateSyntaxError(f"duration {quote(text)}: expected more than zero and at most 31 days")
    return length


def iso_day(text: str) -> date:
    """Exactly one day written `2026-11-10` (the name of an occurrence, a skipped day)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise DateSyntaxError(f"bad day {quote(text)}: expected a day such as 2026-11-10")


def length_text(span: timedelta) -> str:
    """A length as `duration:` is written (`parse_length` reads it back): `1h30min`, `45min`, `26h`."""
    hours, minutes = divmod(int(span.total_seconds()) // 60, 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}min" if minutes else "")


def shift_date(day: date, amount: int, unit: str) -> date:
    """Move a day by whole days, weeks, calendar months or years (clamped to month end);
    a `DateSyntaxError` when the result would leave the years 1 to 9999."""
    if unit in ("d", "w"):
        try:
            return day + timedelta(days=amount * (7 if unit == "w" else 1))
        except OverflowError:
            raise DateSyntaxError(OUT_OF_RANGE) from None
    if unit in ("m", "y"):
        months = amount * (12 if unit == "y" else 1)
        index = day.year * 12 + day.month - 1 + months
        year, month = divmod(index, 12)
        if not 1 <= year <= 9999:
            raise DateSyntaxError(OUT_OF_RANGE)
        return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))
    raise DateSyntaxError(f"a date shift takes days, weeks, months or years, not {quote(unit)}")


def shift_within(day: date, amount: int, unit: str) -> date:
    """`shift_date`, stopping at 1 Jan 1 or 31 Dec 9999 (for horizons, lead times, widening)."""
    try:
        return shift_date(day, amount, unit)
    except DateSyntaxError:
        return date.min if amount < 0 else date.max


def day_after(day: date) -> date | None:
    """The next day, or None after 31 Dec 9999."""
    return None if day == date.max else day + timedelta(days=1)


def days_in_month(year: int, month: int) -> int:
    """How many days a month has (without importing `calendar`, which costs start-up time)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def last_of_month(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=days_in_month(day.year, day.month))


# ---------------------------------------------------------------------------
# Windows


@dataclass(unsafe_hash=True, slots=True)
class Window:
    """The possible days of one date: `[earliest, latest]`, either bound open (`None`).

    Hashable and treated as immutable, like the other value types; not `frozen`, which
    made building one 3.7 times slower (docs/design.md).
    """

    earliest: date | None
    """First possible day, or None when open."""
    latest: date | None
    """Last possible day, or None when open."""
    approximate: bool = False
    """Written with `~` (or `%`): shown with ≈; the window was widened by one unit."""
    uncertain: bool = False
    """Written with `?` (or `%`): shown with a trailing ?."""
    nominal: tuple[date, date] | None = None
    """The window before `~` widened it, for the label."""
    moment: datetime | None = None
    """The exact instant of a timed value (naive means: in the calendar's zone)."""
    named: str | None = None
    """The name of a window written as a quarter or a half (`Q2 2026`), for its label."""

    @property
    def is_day(self) -> bool:
        """True when the window is one known day."""
        return self.earliest is not None and self.earliest == self.latest

    @property
    def is_open(self) -> bool:
        """True when either bound is open."""
        return self.earliest is None or self.latest is None

    def bounded(self, earliest: date | None, latest: date | None) -> Window:
        """The same window with other bounds (a fast `dataclasses.replace`)."""
        return Window(earliest, latest, self.approximate, self.uncertain, self.nominal, self.moment,
                      self.named if (earliest, latest) == (self.earliest, self.latest) else None)

    def shifted(self, amount: int, unit: str) -> Window:
        """The window moved by a duration, keeping whole-month windows whole."""

        def move(d: date | None) -> date | None:
            return None if d is None else shift_date(d, amount, unit)

        latest = move(self.latest)
        if (  # a window of whole months stays whole (Feb 2027 + 1m is March); a day stays that day
            unit in ("m", "y")
            and self.earliest is not None
            and self.earliest.day == 1
            and self.earliest != self.latest
            and self.latest is not None
            and latest is not None
            and self.latest == last_of_month(self.latest)
        ):
            latest = last_of_month(latest)
        nominal = None
        if self.nominal is not None:
            nominal = (shift_date(self.nominal[0], amount, unit), shift_date(self.nominal[1], amount, unit))
        moment = None
        if self.moment is not None and unit in ("d", "w"):
            try:
                moment = self.moment + timedelta(days=amount * (7 if unit == "w" else 1))
            except OverflowError:
                raise DateSyntaxError(OUT_OF_RANGE) from None
        return Window(move(self.earliest), latest, self.approximate, self.uncertain, nominal, moment)


def hull(a: Window, b: Window) -> Window:
    """The smallest window holding both (open when either is open on that side)."""
    lo = None if a.earliest is None or b.earliest is None else min(a.earliest, b.earliest)
    hi = None if a.latest is None or b.latest is None else max(a.latest, b.latest)
    return Window(lo, hi, a.approximate or b.approximate, a.uncertain or b.uncertain)


# ---------------------------------------------------------------------------
# Expressions


@dataclass(unsafe_hash=True, slots=True)
class RefExpr:
    """A reference to another event's window: `ID`, `ID.start` or `ID.end`, shifted."""

    target: str
    """The id referred to."""
    part: str
    """`start`, `end` or `whole` (the event's whole extent)."""
    amount: int = 0
    """Shift amount (signed)."""
    unit: str = "d"
    """Shift unit (d, w, m, y)."""

    def __str__(self) -> str:
        text = self.target if self.part == "whole" else f"{self.target}.{self.part}"
        if self.amount:
            sign = "+" if self.amount > 0 else "-"
            text += f" {sign} {abs(self.amount)}{self.unit}"
        return text


@dataclass(unsafe_hash=True, slots=True)
class SpanExpr:
    """A span `a/b`: a start expression and an end expression."""

    start: PointExpr
    """When it starts."""
    end: PointExpr
    """When it ends."""


PointExpr = Window | RefExpr
"""A single date: either a literal window or a reference."""

DateExpr = Window | RefExpr | SpanExpr
"""Anything a date key may hold."""

_ID = r"[a-z0-9][a-z0-9-]*"
_LONG_YEAR = re.compile(r"\d{5,}(?:-\d|$)")
"""A date with a year of five digits or more (which would otherwise read as an id)."""
_REF = re.compile(rf"^({_ID})(?:\.(start|end))?(?:\s*([+-])\s*(\d{{1,6}})\s*([dwmy]))?$")
_DATE = re.compile(r"^(\d{4}|\d{3}X|\d{2}XX)(?:-(\d{2}|\dX|XX)(?:-(\d{2}|\dX|XX))?)?([~?%])?$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$"
)
_ZONED = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)\s+([A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+)$")
"""A time followed by an IANA zone name, as people write it: `2026-05-05T15:00 America/New_York`."""
_SEASONS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}
_PARTS = {**{32 + q: (3 * q - 2, 3 * q, f"Q{q}") for q in range(1, 5)}, 40: (1, 6, "H1"), 41: (7, 12, "H2")}
"""EDTF level 2 quarters (33 to 36) and halves (40, 41): first and last month, and name."""
_SPELLED = re.compile(r"^(\d{4})-([QqHh])([1-4])([~?%])?$")
"""A quarter or a half as people write it: `2026-Q2`, `2026-H1`."""


@lru_cache(maxsize=8192)
def parse_expr(text: str) -> DateExpr:
    """Parse any date expression (point, span, set, open window or reference).

    Cached: the result is immutable and real files repeat the same months many times.
    """
    text = text.strip()
    if not text:
        raise DateSyntaxError(f"empty date: {FORMS}")
    ref = _REF.match(text)
    if ref and _LONG_YEAR.match(text):
        raise DateSyntaxError(f"bad date {quote(text)}: years after 9999 are not supported")
    if ref and not (_DATE.match(text) or _DATETIME.match(text) or _SPELLED.match(text)):
        target, part, sign, amount, unit = ref.groups()
        shift = int(amount) * (-1 if sign == "-" else 1) if amount else 0
        return RefExpr(target, part or "whole", shift, unit or "d")
    if text.startswith("["):
        return _parse_set(text)
    zoned = _ZONED.match(text)
    if zoned:
        raise DateSyntaxError(f"bad date {quote(text)}: a time zone is not written in the date; write the time "
                              f"alone ({zoned.group(1)}) and the zone as the event's timezone: {zoned.group(2)}")
    if "/" in text:
        left, _, right = text.partition("/")
        left, right = left.strip(), right.strip()
        if "/" in right:
            raise DateSyntaxError(f"bad date {quote(text)}: a span has one '/'; {FORMS}")
        if left in ("", "..") and right in ("", ".."):
            raise DateSyntaxError(f"bad date {quote(text)}: at least one end must be a date")
        if left in ("", ".."):
            return replace(_parse_simple(right), earliest=None, nominal=None)
        if right in ("", ".."):
            return replace(_parse_simple(left), latest=None, nominal=None)
        start, end = _parse_simple(left), _parse_simple(right)
        return SpanExpr(start, end)
    return _parse_simple(text)


def refers(expr: DateExpr) -> bool:
    """True when an expression refers to another event (a reference, or a span with one)."""
    return isinstance(expr, RefExpr) or isinstance(expr, SpanExpr) and (
        isinstance(expr.start, RefExpr) or isinstance(expr.end, RefExpr))


def referenced(expr: RefExpr, start: Window, end: Window) -> Window:
    """The window a reference gives, from the start and end windows of the event it names:
    its start, its end or its whole extent, shifted, as days (a time stays the other's)."""
    w = start if expr.part == "start" else end if expr.part == "end" else hull(start, end)
    w = Window(w.earliest, w.latest, w.approximate, w.uncertain)
    return w.shifted(expr.amount, expr.unit) if expr.amount else w


def parse_point(text: str) -> PointExpr:
    """Parse an expression that must be a single date (not a span)."""
    expr = parse_expr(text)
    if isinstance(expr, SpanExpr):
        raise DateSyntaxError(
            f"{quote(text)} is a span; here a single date or window is expected, such as 2004-11 or [..2005-07]"
        )
    return expr


def _parse_set(text: str) -> Window:
    """`[a, b]`, `[a..b]`, `[..a]`, `[a..]`: one of a set, as the hull of its members."""
    if not text.endswith("]"):
        raise DateSyntaxError(f"bad date {quote(text)}: a set opened with '[' must close with ']'")
    body = text[1:-1].strip()
    if not body:
        raise DateSyntaxError(f"bad date {quote(text)}: the set is empty; {FORMS}")
    windows: list[Window] = []
    for item in body.split(","):
        item = item.strip()
        if ".." in item:
            left, _, right = item.partition("..")
            left, right = left.strip(), right.strip()
            if not left and not right:
                raise DateSyntaxError(f"bad date {quote(text)}: '..' needs a date on at least one side")
            lo = _parse_simple(left).earliest if left else None
            hi = _parse_simple(right).latest if right else None
            if lo is not None and hi is not None and hi < lo:
                raise DateSyntaxError(f"bad date {quote(text)}: {right} is before {left}")
            windows.append(Window(lo, hi))
        elif item:
            windows.append(_parse_simple(item))
        else:
            raise DateSyntaxError(f"bad date {quote(text)}: empty member in the set")
    result = windows[0]
    for w in windows[1:]:
        result = hull(result, w)
    if len(windows) == 1 and windows[0].nominal is not None:
        return windows[0]
    return replace(result, nominal=None, moment=None)


@lru_cache(maxsize=8192)
def _parse_simple(text: str) -> Window:
    """One EDTF date (levels 0 and 1) or date-time (cached: set members and span ends repeat)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit():
        try:  # the most common form, a day, without the regular expressions
            day = date.fromisoformat(text)
            return Window(day, day)
        except ValueError:
            pass  # such as day 31 of a 30-day month: the general path words the message
    m = _DATETIME.match(text)
    if m:
        return _parse_datetime(text, m)
    spelled = _SPELLED.match(text)
    if spelled:
        year, letter, number, qualifier = spelled.groups()
        if letter.upper() == "H" and number not in "12":
            raise DateSyntaxError(f"bad date {quote(text)}: a year has two halves, H1 and H2")
        code = 32 + int(number) if letter.upper() == "Q" else 39 + int(number)
        text = f"{year}-{code}{qualifier or ''}"
    m = _DATE.match(text)
    if not m:
        raise DateSyntaxError(f"bad date {quote(text)}: {FORMS}")
    ytext, mtext, dtext, qualifier = m.groups()
    try:
        lo, hi = _date_bounds(ytext, mtext, dtext)
    except ValueError as e:
        raise DateSyntaxError(f"bad date {quote(text)}: {e}") from e
    approximate = qualifier in ("~", "%")
    uncertain = qualifier in ("?", "%")
    part = _PARTS.get(int(mtext)) if mtext is not None and mtext.isdigit() and dtext is None else None
    named = f"{part[2]} {lo.year}" if part else None
    if not approximate:
        return Window(lo, hi, approximate, uncertain, named=named)
    # one unit of the written precision each side (a day, a month, a season or a year),
    # within the years 1 to 9999
    if dtext:
        lo2, hi2 = shift_within(lo, -1, "d"), shift_within(hi, 1, "d")
    else:
        months = 12 if mtext is None else (part[1] - part[0] + 1 if part else 3 if mtext.isdigit() and int(mtext) >= 21 else 1)
        lo2 = shift_within(lo, -months, "m")
        hi2 = last_of_month(shift_within(hi, months, "m"))
    return Window(lo2, hi2, approximate, uncertain, nominal=(lo, hi), named=named)


def _date_bounds(ytext: str, mtext: str | None, dtext: str | None) -> tuple[date, date]:
    """First and last day of an EDTF date with possibly unspecified (X) digits or a season."""
    ylo, yhi = int(ytext.replace("X", "0")), int(ytext.replace("X", "9"))
    if ylo < 1:
        raise ValueError("years before 1 are not supported")
    if mtext is None:
        return date(ylo, 1, 1), date(yhi, 12, 31)
    if "X" in ytext:
        raise ValueError("a month needs a fully specified year")
    if mtext.isdigit() and int(mtext) in _PARTS:
        if dtext is not None:
            raise ValueError("a quarter or a half has no day")
        first, last, _ = _PARTS[int(mtext)]
        return date(ylo, first, 1), last_of_month(date(ylo, last, 1))
    if mtext.isdigit() and 21 <= int(mtext) <= 24:
        if dtext is not None:
            raise ValueError("a season has no day")
        first, last = _SEASONS[int(mtext)]
        lo = date(ylo, first, 1)
        hi_month = date(ylo + (last - 1) // 12, (last - 1) % 12 + 1, 1)
        return lo, last_of_month(hi_month)
    mlo, mhi = int(mtext.replace("X", "0")), int(mtext.replace("X", "9"))
    if mtext == "XX":
        mlo, mhi = 1, 12
    elif mtext[0] == "1" and mtext[1] == "X":
        mlo, mhi = 10, 12
    elif mtext[0] == "0" and mtext[1] == "X":
        mlo, mhi = 1, 9
    if not (1 <= mlo <= 12 and 1 <= mhi <= 12):
        raise ValueError(f"month {mtext} is not 01 to 12 (or 21 to 24 for a season, 33 to 36 for a quarter, "
                         "40 or 41 for a half)")
    lo_month, hi_month = date(ylo, mlo, 1), date(ylo, mhi, 1)
    if dtext is None:
        return lo_month, last_of_month(hi_month)
    if "X" in mtext:
        raise ValueError("a day needs a fully specified month")
    if "X" in dtext:
        dlo = max(1, int(dtext.replace("X", "0")))
        dhi = min(int(dtext.replace("X", "9")), last_of_month(lo_month).day)
        if dtext == "XX":
            dlo, dhi = 1, last_of_month(lo_month).day
        if dlo > dhi:
            raise ValueError(f"day {dtext} does not exist in that month")
        return lo_month.replace(day=dlo), lo_month.replace(day=dhi)
    day = int(dtext)
    if not 1 <= day <= last_of_month(lo_month).day:
        raise ValueError(f"day {dtext} does not exist in {MONTHS[mlo - 1]} {ylo}")
    d = lo_month.replace(day=day)
    return d, d


def _parse_datetime(text: str, m: re.Match[str]) -> Window:
    """`YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`: naive means the calendar's zone."""
    y, mo, d, hh, mm, ss, zone = m.groups()
    try:
        naive = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0))
    except ValueError as e:
        raise DateSyntaxError(f"bad date-time {quote(text)}: {e}") from e
    moment = naive
    if zone:
        if zone == "Z":
            tz = UTC
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                raise DateSyntaxError(f"bad date-time {quote(text)}: offset {zone} out of range")
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        moment = naive.replace(tzinfo=tz)
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise DateSyntaxError(f"bad date-time {quote(text)}: in UTC it falls outside the years 1 to 9999") from None
    day = naive.date()
    return Window(day, day, moment=moment)


# ---------------------------------------------------------------------------
# Shifting a written expression (`timeline move ID +2w`)

SHIFT = re.compile(r"([+-])\s*(\d{1,6})\s*([dwmy])")
"""A relative move as typed: `+2w`, `-3d`, `+1m`."""


def shift_written(text: str, amount: int, unit: str) -> str:
    """A date expression moved by a duration, in a form the date language reads back as the
    moved window: a reference gains (or adds to) its shift; a day, a time, a month or a year
    keeps its precision and qualifier where the unit allows; a span and an open window move
    each written side. Anything else is a `DateSyntaxError` asking for the new date."""
    text = text.strip()
    expr = parse_expr(text)
    if isinstance(expr, RefExpr):
        return _shift_reference(expr, amount, unit)
    if "/" in text:
        left, _, right = text.partition("/")
        return "/".join(side.strip() if side.strip() in ("", "..") else shift_written(side, amount, unit)
                        for side in (left, right))
    inner = text[1:-1]
    if (text.startswith("[") and text.endswith("]") and "," not in text and inner.count("..") == 1
            and not inner.startswith("..") and not inner.endswith("..")):  # [2027-02-15..2027-02-26]
        left, _, right = inner.partition("..")
        return f"[{shift_written(left, amount, unit)}..{shift_written(right, amount, unit)}]"
    if text.startswith("[..") and text.endswith("]") and "," not in text:
        return f"[..{shift_written(text[3:-1], amount, unit)}]"
    if text.startswith("[") and text.endswith("..]") and "," not in text:
        return f"[{shift_written(text[1:-3], amount, unit)}..]"
    m = _DATETIME.match(text)
    if m and unit in ("d", "w"):
        try:
            moved = datetime.fromisoformat(text[:16]) + timedelta(days=amount * (7 if unit == "w" else 1))
        except OverflowError:
            raise DateSyntaxError(OUT_OF_RANGE) from None
        return f"{moved.year:04d}{moved:-%m-%dT%H:%M}{text[16:]}"
    m = _DATE.fullmatch(text)
    if m and "X" not in text:
        ytext, mtext, dtext, qualifier = m.groups()
        qualifier = qualifier or ""
        if dtext:
            return shift_date(date.fromisoformat(text.rstrip("~?%")), amount, unit).isoformat() + qualifier
        if mtext and int(mtext) <= 12 and unit in ("m", "y"):
            month = shift_date(date(int(ytext), int(mtext), 1), amount, unit)
            return f"{month.year:04d}-{month.month:02d}{qualifier}"
        if not mtext and unit == "y":
            return f"{int(ytext) + amount:04d}{qualifier}" if 1 <= int(ytext) + amount <= 9999 else _refuse(OUT_OF_RANGE)
    return _refuse(f"cannot move {quote(text)} by {'+' if amount >= 0 else '-'}{abs(amount)}{unit} in the form it "
                   "is written; give the new date instead, such as 2005-04 or [2005-04-15..2005-05-15]")


def _refuse(message: str) -> str:
    raise DateSyntaxError(message)


def _shift_reference(expr: RefExpr, amount: int, unit: str) -> str:
    """`X.end + 2w`: a reference with its shift and `amount` `unit` added."""
    if expr.amount and expr.unit != unit:
        if {expr.unit, unit} <= {"d", "w"}:  # weeks and days add up as days
            amount = amount * (7 if unit == "w" else 1) + expr.amount * (7 if expr.unit == "w" else 1)
            unit = "d"
        else:
            raise DateSyntaxError(f"cannot add {amount:+d}{unit} to a shift in {expr.unit} ({expr.target} "
                                  f"{'+' if expr.amount > 0 else '-'} {abs(expr.amount)}{expr.unit}); give the new date instead")
    else:
        amount += expr.amount
    return str(RefExpr(expr.target, expr.part, amount, unit))
