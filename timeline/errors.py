"""The one exception tree: every error a user can cause derives from `TimelineError`.

The CLI catches `TimelineError` once, prints `str(error)` on stderr and exits 1.
"""

from __future__ import annotations

from dataclasses import dataclass


class TimelineError(Exception):
    """Base of every error caused by the user's input or request."""


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file."""

    file: str
    """The file as the user named it (`<stdin>` for standard input)."""
    line: int
    """1-based line number."""
    col: int
    """1-based column number."""
    message: str
    """What is wrong and what was expected."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class EventsFileError(TimelineError):
    """The events file is invalid; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.col, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class DateSyntaxError(TimelineError):
    """A date expression or duration could not be parsed (located by the caller)."""


class FileAccessError(TimelineError):
    """The events file is missing, unreadable, too large, or cannot be written."""


class DayOptionError(TimelineError):
    """A day option that reads well but names a day outside the years 1 to 9999 once the
    calendar's today is known (`--as-of 'in 9000 years'`): a usage error, exit 2."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(message)


class RequestError(TimelineError):
    """A well-formed request that cannot be met (an unknown id, a chart too narrow): exit 1.

    Malformed command lines (an unknown option, a bad option value) are usage errors that
    the command-line parser reports with exit code 2; they never reach this tree."""


EXCERPT = 60
"""The most characters of the user's text a message quotes."""


def quote(text: str, limit: int = EXCERPT) -> str:
    """User text as a message quotes it: in quotes, escaped (control characters and line
    breaks as `\\n`, `\\x85`...: a message is always one line), at most `limit` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
