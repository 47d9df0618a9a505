"""What changed between two versions of a plan, window by window (`render.diff` says it).

Both versions are resolved as of the same day, so a change is a change of the windows an
event may fall in, not of the text: an event moved by a reference moves here too. For
each event in both: the days each bound moved (and which bound, when the label stays the
same), `done` when it was recorded done, and every other change a subscriber of the feed
would see (title, status, kind, owners, location, tags, url, description, what became of
single occurrences); events only in one version are added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import OccurrenceRecord
from ..schedule import ResolvedEvent, Schedule


@dataclass(frozen=True)
class Change:
    """How one event differs between the versions."""

    id: str
    """The event's id."""
    kind: str
    """`added`, `removed` or `changed`."""
    old: ResolvedEvent | None
    """The event before (None: added)."""
    new: ResolvedEvent | None
    """The event after (None: removed)."""

    def shift(self) -> dict[str, int | None] | None:
        """Days each bound moved, earliest and latest of the start and end windows (None when
        either is open): of the windows now when they moved, else of the plan."""
        if self.old is None or self.new is None:
            return None
        old, new = self.old, self.new
        if (old.start, old.end) == (new.start, new.end):
            pairs = ((old.planned_start, new.planned_start), (old.planned_end, new.planned_end))
        else:
            pairs = ((old.start, new.start), (old.end, new.end))
        return {f"{side} {which}": _days(getattr(a, which), getattr(b, which))
                for side, (a, b) in zip(("start", "end"), pairs, strict=False) for which in ("earliest", "latest")}

    def what(self) -> list[str]:
        """What changed: `done` (recorded done since), `moved` (the windows an event may fall
        in now), `re-planned` (its plan, when what happened kept it where it was),
        `retitled`, `re-statused`, then each other field by name (`owners`, `location`,
        `tags`, `kind`, `url`, `description`, `occurrences`)."""
        if self.old is None or self.new is None:
            return [self.kind]
        old, new = self.old, self.new
        out = []
        if new.done and not old.done:
            out.append("done")
        elif (old.start, old.end) != (new.start, new.end):
            out.append("moved")
        elif (old.planned_start, old.planned_end) != (new.planned_start, new.planned_end):
            out.append("re-planned")
        if old.title != new.title:
            out.append("retitled")
        if old.status != new.status and not (new.done and not old.done):
            out.append("re-statused")
        out += [name for name in FIELDS if self.field(name)[0] != self.field(name)[1]]
        if old.event.occurrences != new.event.occurrences:
            out.append("occurrences")
        return out

    def field(self, name: str) -> tuple[str | None, str | None]:
        """A field as text, before and after."""
        def text(e: ResolvedEvent | None) -> str | None:
            if e is None:
                return None
            value = getattr(e.event, name)
            if isinstance(value, tuple):
                return ", ".join(value) or None
            return value.value if hasattr(value, "value") else value
        return text(self.old), text(self.new)

    def occurrence_changes(self) -> list[str]:
        """What became of single occurrences since: `2026-04-13 cancelled`, `2026-04-20 moved
        to 21 Apr 2026`, `2026-04-27 done`, `2026-05-04 record removed`."""
        before = {r.day: r for r in self.old.event.occurrences} if self.old else {}
        after = {r.day: r for r in self.new.event.occurrences} if self.new else {}
        out = []
        for day in sorted(set(before) | set(after)):
            a, b = before.get(day), after.get(day)
            if a != b:
                out.append(f"{day} {_record_text(b) if b is not None else 'record removed'}")
        return out

    def bounds(self) -> list[str]:
        """`start earliest open → 2027-01-10`: each bound that changed, for a change whose label
        did not (so that no line reads `by 31 Jan 2027 → by 31 Jan 2027`)."""
        if self.old is None or self.new is None:
            return []
        out = []
        for side in ("start", "end"):
            for which in ("earliest", "latest"):
                a, b = getattr(getattr(self.old, side), which), getattr(getattr(self.new, side), which)
                if a != b:
                    out.append(f"{side} {which} {a or 'open'} → {b or 'open'}")
        return out


FIELDS = ("kind", "owners", "location", "tags", "url", "description")
"""The fields besides dates, title and status that a feed shows, in the order `diff` names them."""


def _record_text(r: OccurrenceRecord) -> str:
    """What one occurrence record says."""
    parts = []
    if r.status is not None:
        parts.append(r.status.value)
    if r.when is not None:
        parts.append(f"moved to {r.when.moment or r.when.earliest}")
    if r.actual is not None:
        parts.append("with an actual")
    return ", ".join(parts) or "noted"


def _days(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else (b - a).days


def changes(old: Schedule, new: Schedule) -> list[Change]:
    """Every event added, removed or changed, in the new schedule's order (removed ones last)."""
    before = {e.id: e for e in old.events}
    after = {e.id: e for e in new.events}
    out = []
    for e in new.events:
        if e.id not in before:
            out.append(Change(e.id, "added", None, e))
        else:
            change = Change(e.id, "changed", before[e.id], e)
            if change.what():
                out.append(change)
    out += [Change(e.id, "removed", e, None) for e in old.events if e.id not in after]
    return out
