"""`timeline explain ID`: why each bound of an event's windows is what it is.

For each bound (the earliest and latest day of the start and of the end window), the chain
of what produced it, one link a line, each with its place in the file: the date written
for it, a reference to another event (followed to that event's bound), an `after` or
`before` that narrowed it (followed likewise), the span rule (an end never opens before
its start), an actual, or a projection. Chains are followed without recursion, however
long they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dates import RefExpr, SpanExpr, Window, referenced
from ..labels import window_label
from ..errors import RequestError, quote
from ..schedule import ResolvedEvent, Schedule
from .jsonout import dumps

BOUNDS = (("start", "earliest"), ("start", "latest"), ("end", "earliest"), ("end", "latest"))


@dataclass(frozen=True)
class ExplainOptions:
    """What to explain."""

    ident: str
    """The event's id."""
    json: bool = False
    """Machine-readable output."""


@dataclass(frozen=True)
class Link:
    """One step of a chain: what gave an event's bound its value."""

    event: str
    """The event whose bound this is."""
    bound: str
    """`start earliest`, `end latest`..."""
    day: date | None
    """The bound's value (None: open)."""
    because: str
    """What gave it that value."""
    where: str
    """FILE:LINE:COL of what is named."""


MAX_INDENT = 12
"""Links of a chain are indented a step each up to this depth, then numbered: the output of a
chain of any length grows with it, not with its square."""


def explain(schedule: Schedule, ident: str) -> dict[str, list[Link]]:
    """The chain behind each bound of an event, by bound (`start earliest`...)."""
    events = {e.id: e for e in schedule.events}
    if ident not in events:
        import difflib

        close = difflib.get_close_matches(ident, list(events), n=1)
        hint = f"; did you mean {quote(close[0])}?" if close else ""
        raise RequestError(f"{schedule.path}: no event with id {quote(ident)}{hint}")
    return {f"{side} {which}": _chain(schedule, events, ident, side, which) for side, which in BOUNDS}


def _window(e: ResolvedEvent, side: str) -> Window:
    return e.start if side == "start" else e.end


def _chain(schedule: Schedule, events: dict[str, ResolvedEvent], ident: str, side: str, which: str) -> list[Link]:
    """Follow one bound back to where it was written, one link at a time."""
    links: list[Link] = []
    seen: set[tuple[str, str, str]] = set()
    step: tuple[str, str, str] | None = (ident, side, which)
    while step is not None and step not in seen:
        seen.add(step)
        link, step = _step(schedule, events, *step)
        links.append(link)
    return links


def _where(schedule: Schedule, e: ResolvedEvent, key: str) -> str:
    line, col = e.event.position(key)
    return f"{schedule.path}:{line}:{col}"


def _step(
    schedule: Schedule, events: dict[str, ResolvedEvent], ident: str, side: str, which: str
) -> tuple[Link, tuple[str, str, str] | None]:
    """What gave one bound its value, and the bound the chain goes on to (None: it ends here)."""
    e = events[ident]
    day = getattr(_window(e, side), which)
    bound = f"{side} {which}"
    ev = e.event
    key = ev.date_key(side)

    def link(because: str, at: str, value: date | None = day) -> Link:
        return Link(ident, bound, value, because, _where(schedule, e, at))

    if e.actual_recorded:
        return link(f"actual: {_text(ev.actual)}", "actual"), None
    if e.overdue and side == "end":
        return link(f"overdue: not done by {schedule.today} (planned {e.label}), so what follows takes it to "
                    "end then at the earliest", key, schedule.today), None
    if e.series is not None and side == "end":  # a series ends with its last occurrence
        rule = e.series.rule
        if rule.count is not None:
            return link(f"repeat: the last of its {rule.count} occurrences ({e.series.words()})", "repeat"), None
        if rule.until is None:
            what = "it never ends" if which == "latest" else "it never ends; its first occurrence ends then"
            return link(f"repeat: {what}", "repeat"), None
        until = rule.until
        following = None
        if isinstance(until, RefExpr) and until.target in events:
            following = (until.target, until.part if until.part != "whole" else "end", "latest")
        return link(f"repeat: its last occurrence on or before until: {_text(until)} ({e.series.words()})", "repeat"), following
    cause = _constraint(events, e, side, which, day)
    if e.projected_by is not None and (side, which) == ("start", "earliest"):
        behind = next((o for o in e.pushed_by if o in events), None)  # the link that set its first day
        part = "end"
        for expr in (ev.start, ev.end):
            if isinstance(expr, RefExpr) and expr.target == behind and expr.part == "start":
                part = "start"
        at = "after" if behind in ev.after else key
        return link(f"projected: {e.projection}", at), (behind, part, "earliest") if behind else None
    if e.projected_by is not None and day is None:
        return link("projected: the window it was planned for cannot be kept, so this side stays open until "
                    "it happens", key), None
    if cause is not None:
        constraint, other = cause
        following = (other, "end", "earliest") if constraint == "after" else (other, "start", "latest")
        return link(f"{constraint}: {other}", constraint), following
    if ev.is_span and _spanned(events, e, side, which, day):
        following = (ident, "start", "earliest") if side == "end" else (ident, "end", "latest")
        return link("a span cannot end before it starts", ev.date_key("end")), following
    expr = ev.start if side == "start" else ev.end
    if ev.is_due and which == "earliest":
        return link(f"due: {_text(expr)} (a deadline is open at the start)", key), None
    following = None
    if isinstance(expr, RefExpr) and day is not None and expr.target in events:
        part = expr.part if expr.part != "whole" else ("start" if which == "earliest" else "end")
        following = (expr.target, part, which)
    return link(f"{key}: {_text(expr)}", key), following


def _constraint(events: dict[str, ResolvedEvent], e: ResolvedEvent, side: str, which: str, day: date | None) -> tuple[str, str] | None:
    """The `after` or `before` event that set this bound, if one did."""
    if day is None:
        return None
    if which == "earliest" and (side == "start" or not e.event.is_span):
        for other in e.event.after:
            if other in events and events[other].end.earliest == day and _own(events, e, "start", which) != day:
                return "after", other
    if which == "latest" and (side == "end" or not e.event.is_span):
        for other in e.event.before:
            if other in events and events[other].start.latest == day and _own(events, e, "end", which) != day:
                return "before", other
    return None


def _own(events: dict[str, ResolvedEvent], e: ResolvedEvent, side: str, which: str) -> date | None:
    """A bound as the event's own expression gives it, before `after`/`before` narrow it."""
    expr = e.event.start if side == "start" else e.event.end
    if isinstance(expr, RefExpr):
        w = _lookup(events, expr)
        return None if w is None else getattr(w, which)
    return getattr(expr, which)


def _lookup(events: dict[str, ResolvedEvent], expr: RefExpr) -> Window | None:
    target = events.get(expr.target)
    return None if target is None else referenced(expr, target.start, target.end)


def _spanned(events: dict[str, ResolvedEvent], e: ResolvedEvent, side: str, which: str, day: date | None) -> bool:
    """True when the span rule set this bound (an end raised to its start, or a start lowered to its end)."""
    if side == "end" and which == "earliest":
        return day is not None and day == e.start.earliest and _own(events, e, "end", "earliest") != day
    if side == "start" and which == "latest":
        return day is not None and day == e.end.latest and _own(events, e, "start", "latest") != day
    return False


def _text(expr: object) -> str:
    """A date expression as the user would write it."""
    if isinstance(expr, RefExpr):
        return str(expr)
    if isinstance(expr, SpanExpr):
        return f"{_text(expr.start)}/{_text(expr.end)}"
    if isinstance(expr, Window):
        return expr.moment.isoformat(timespec="minutes") if expr.moment is not None else window_label(expr)
    return str(expr)


def render_explain(schedule: Schedule, options: ExplainOptions) -> str:
    """The chains behind an event's windows, as text or JSON."""
    chains = explain(schedule, options.ident)
    e = next(e for e in schedule.events if e.id == options.ident)
    if options.json:
        return dumps({
            "id": e.id, "label": e.label,
            "depends_on": sorted({i for _, i in e.event.refs()}),
            "bounds": {bound: [{"event": link.event, "bound": link.bound, "day": link.day and link.day.isoformat(),
                                "because": link.because, "where": link.where} for link in links]
                       for bound, links in chains.items()},
        })
    lines = [f"{e.id}: {e.label}  ({_where(schedule, e, 'id')})"]
    for bound, links in chains.items():
        first = links[0]
        lines.append(f"  {bound}: {first.day or 'open'}")
        for depth, link in enumerate(links):
            who = "" if link.event == e.id and depth == 0 else f"{link.event} {link.bound} = {link.day or 'open'}: "
            step = "  " * min(depth, MAX_INDENT) + (f"[{depth}] " if depth > MAX_INDENT else "")
            lines.append(f"    {step}← {who}{link.because}  ({link.where})")
    return "\n".join(lines) + "\n"
