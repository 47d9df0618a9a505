"""Days as a person types them on the command line (`--as-of`, `--from`, `--to`, `--since`,
`done --on`): an ISO date, a date expression's first or last day, or words relative to
the calendar's today (`yesterday`, `in 2 weeks`, `1 year ago`: arrow's `dehumanize`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import SpanExpr, Window, parse_expr
from .errors import DateSyntaxError, DayOptionError, quote


_NAMED_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_ONE = re.compile(r"\b1\s+(day|week|month|year)s?\b")
_SHORTER = re.compile(r"\b(second|minute|hour)s?\b")


def _arrow_words(text: str) -> str:
    """Relative words as arrow's English locale reads them: it knows `a year ago` and
    `in 2 weeks`, not `1 year ago`, so a count of one is said as `a`."""
    return _ONE.sub(r"a \1", text.lower())


@dataclass(frozen=True)
class DayArg:
    """A day given on the command line: an ISO date, or words relative to the calendar's
    today (`today`, `yesterday`, `tomorrow`, `in 2 weeks`, `3 days ago`: arrow's `dehumanize`)."""

    text: str
    """As typed, stripped."""
    day: date | None
    """The day when it was written as a date (None: relative to today)."""

    def on(self, today: date) -> date:
        """The day this names when today is `today` (local date in the calendar's zone)."""
        if self.day is not None:
            return self.day
        if self.text in _NAMED_DAYS:
            return today + timedelta(days=_NAMED_DAYS[self.text])
        import arrow

        try:
            return arrow.Arrow(today.year, today.month, today.day).dehumanize(_arrow_words(self.text)).date()
        except (ValueError, OverflowError) as e:
            raise DateSyntaxError(f"{quote(self.text)} falls outside the years 1 to 9999") from e


def parse_bound(text: str, side: str) -> DayArg:
    """`--from` (side `start`) or `--to` (`end`): a day as `parse_day` reads it, or any date
    expression without a reference, naming its first day (`--from`) or its last (`--to`):
    `--from 2026-12`, `--to 2026-Q2`."""
    try:
        return parse_day(text)
    except DateSyntaxError as e:
        problem = e
    try:
        expr = parse_expr(text)
    except DateSyntaxError:
        raise problem from None
    if isinstance(expr, SpanExpr):
        expr = expr.start if side == "start" else expr.end
    if not isinstance(expr, Window):
        raise DateSyntaxError(f"bad date {quote(text)}: expected a day, a date expression such as 2026-12 or "
                              "2026-Q2, or words such as 'in 2 weeks' (not a reference)")
    day = expr.earliest if side == "start" else expr.latest
    if day is None:
        raise DateSyntaxError(f"bad date {quote(text)}: its {'first' if side == 'start' else 'last'} day is open")
    return DayArg(text.strip(), day)


def parse_day(text: str) -> DayArg:
    """A day option (`--as-of`, `--today`, `--from`, `--to`): `YYYY-MM-DD` or relative words."""
    text = text.strip()
    try:
        return DayArg(text, date.fromisoformat(text))
    except ValueError:
        pass
    if text.lower() in _NAMED_DAYS:
        return DayArg(text.lower(), None)
    import arrow

    try:  # checks the words; the day itself is known once the calendar's today is
        if _SHORTER.search(text.lower()):
            raise ValueError("a day option counts whole days")
        arrow.Arrow(2000, 1, 1).dehumanize(_arrow_words(text))
    except (ValueError, OverflowError):
        raise DateSyntaxError(
            f"bad date {quote(text)}: expected a day such as 2004-10-15, a date expression such as 2004-10 "
            "or 2004-Q4 (for --from and --to), or today, yesterday, tomorrow, 'in 2 weeks', '1 year ago' or "
            "'a day ago' (in days, weeks, months or years)"
        ) from None
    return DayArg(text, None)


def day_of(arg: DayArg | None, today: date, option: str) -> date | None:
    """The day a day option names, counted from `today`; one outside the years 1 to 9999 is
    a `DayOptionError` (a usage error, exit 2), whichever option it is."""
    if arg is None:
        return None
    try:
        return arg.on(today)
    except DateSyntaxError as e:
        raise DayOptionError(option, str(e)) from None
