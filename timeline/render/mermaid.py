"""The chart as a Mermaid `gantt`, for the places teams write: GitHub and GitLab draw it in
Markdown files, issues and wikis.

Mermaid's bars have one start and one end, so a window is drawn as `chart.shapes` reads it,
a bar per shape: the possible days as an `active` bar (Mermaid's lighter style) named
"possible days", the certain days as a plain bar, a one-day event as a milestone, a due day
as a critical milestone, what happened as a `done` bar, an open side as an `active` bar to
the chart's edge named "open". A series is one bar from its first occurrence to its last.
Mermaid marks today by the reader's clock, so its marker is off and the day judged by is in
the title. Text is made safe for Mermaid's grammar: the characters that end or split a
statement (`:` `;` `#`) and markup (`<` `>`) are replaced by look-alikes, line breaks by
spaces, and a name that starts with one of Mermaid's keywords is prefixed.
"""

from __future__ import annotations

from datetime import date

from ..dates import day_after
from ..labels import day_label
from ..model import Kind
from ..schedule import ResolvedEvent, Schedule
from .chart import Mark, chart_range, shapes

_LOOKALIKES = str.maketrans({":": "\u2236", ";": "\uff1b", "#": "\uff03", "<": "\u2039", ">": "\u203a",
                             "\n": " ", "\r": " ", "\t": " ", "%": "\uff05", "`": "\u02cb", "\\": "\u29f5"})
"""What would end a statement, start a comment, an entity or markup, and its stand-in."""
_KEYWORDS = ("title", "section", "dateformat", "axisformat", "tickinterval", "excludes", "includes", "todaymarker",
             "inclusiveenddates", "topaxis", "weekday", "weekend", "click", "acctitle", "accdescr", "displaymode",
             "gantt", "vert")
"""Words Mermaid reads as a statement at the start of a line."""


def safe(text: str, limit: int = 120) -> str:
    """Text as Mermaid shows it and cannot misread: one line, no statement separators."""
    clean = " ".join(text.translate(_LOOKALIKES).split())[:limit] or "(untitled)"
    if clean.split(" ", 1)[0].casefold() in _KEYWORDS:
        clean = "\u2023 " + clean
    return clean


def render_mermaid(schedule: Schedule, start: date | None = None, stop: date | None = None) -> str:
    """A Mermaid gantt of the events (display order: a phase opens a section with its
    children; other top-level events are in sections of their own kind's name)."""
    lo, hi = chart_range(schedule.events, start, stop, schedule.today)
    lines = [
        "gantt",
        f"    title {safe(schedule.calendar.name)} (as of {day_label(schedule.today)})",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %b %Y",
        "    todayMarker off",
        "    %% possible days: 'active' bars; certain days: plain bars; one day: a milestone; a due day: a critical",
        "    %% milestone; what happened: 'done'; an open side runs to the chart's edge; a series spans its occurrences",
    ]
    section = None
    by_id = {e.id: e for e in schedule.events}
    for e in schedule.events:
        top = e
        while top.parent is not None and top.parent in by_id:
            top = by_id[top.parent]
        wanted = safe(top.title) if top.kind == Kind.PHASE else "Events"
        if wanted != section:
            section = wanted
            lines.append(f"    section {section}")
        lines += [f"    {line}" for line in _rows(e, lo, hi)]
    return "\n".join(lines) + "\n"


_NAMES = {
    Mark.POSSIBLE: ("active", " · possible days"), Mark.CERTAIN: ("", ""), Mark.DAY: ("milestone", ""),
    Mark.DUE: ("crit, milestone", " · due"), Mark.OPEN_LEFT: ("active", " · open start"),
    Mark.OPEN_RIGHT: ("active", " · open end"), Mark.ACTUAL: ("done", " · done"), Mark.ACTUAL_DAY: ("done, milestone", " · done"),
}
"""For each mark: Mermaid's tags and what the bar's name adds."""


def _rows(e: ResolvedEvent, lo: date, hi: date) -> list[str]:
    """The task lines of one event: a bar per shape of its row."""
    name = safe(e.title) + (" (cancelled)" if e.status.value == "cancelled" else "")
    drawn = shapes(e, lo, hi)
    sure = {(s.first, s.last) for s in drawn if s.mark in (Mark.CERTAIN, Mark.DAY)}
    seen: set[tuple[Mark, date | None, date | None]] = set()
    out = []
    if e.series is not None:
        if drawn:
            first, last = drawn[0].first or lo, drawn[-1].last or hi
            out.append(f"{name} · repeats, {len(drawn)} times :t-{e.id}, {first.isoformat()}, {_after(last)}")
        return out
    for n, shape in enumerate(drawn):
        if (shape.mark, shape.first, shape.last) in seen or shape.mark == Mark.POSSIBLE and (shape.first, shape.last) in sure:
            continue  # drawn already, or no uncertainty: possible days that are the certain ones
        seen.add((shape.mark, shape.first, shape.last))
        tags, suffix = _NAMES[shape.mark]
        if shape.mark == Mark.POSSIBLE and e.done:
            suffix = " · planned"
        first, last = max(shape.first or lo, lo), min(shape.last or hi, hi)
        if last < first:
            continue
        ident = f"t-{e.id}" if n == 0 else f"t-{e.id}-{n}"
        lead = f"{tags}, " if tags else ""
        end = "0d" if "milestone" in tags else _after(last)
        out.append(f"{name}{suffix} :{lead}{ident}, {first.isoformat()}, {end}")
    return out


def _after(day: date) -> str:
    """The day after, as Mermaid's exclusive end (the last day itself for 31 Dec 9999)."""
    return (day_after(day) or day).isoformat()


def render_markdown(schedule: Schedule, start: date | None = None, stop: date | None = None) -> str:
    """For a README or an issue comment: the list's Markdown (`list --format markdown`) with
    the Mermaid chart in a fenced block under its heading."""
    from .listing import ListFormat, ListOptions, render_list

    listing = render_list(schedule, ListOptions(ListFormat.MARKDOWN, start, stop))
    heading, _, rest = listing.partition("\n")
    return f"{heading}\n\n```mermaid\n{render_mermaid(schedule, start, stop)}```\n{rest}"
