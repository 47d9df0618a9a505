"""`timeline forecast`: percentiles of every event's dates, the chance of each deadline, the
events that drive it, and (`--backtest`) how well-calibrated the plan was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis.history import History
from ..forecast import Backtest, Forecast, Share
from ..model import Status
from ..schedule import Schedule
from ..schedule import ResolvedEvent
from .jsonout import dumps
from .text import one_line, pad, text_width

DEFAULT_PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class ForecastOptions:
    """How to report a forecast."""

    percentiles: tuple[int, ...] = DEFAULT_PERCENTILES
    """Which percentiles of each start and end."""
    json: bool = False
    """Machine-readable output."""
    shown: Schedule | None = None
    """The events to report (`--tag`, `--kind`, `--owner`; None: all); the forecast draws the
    whole plan, so that what moves them is found along whole paths."""


def _event(f: Forecast, e: ResolvedEvent, qs: Sequence[int]) -> dict[str, object]:
    drawn = f.drawn[e.id]
    met = f.met(e)
    return {
        "id": e.id, "title": e.title, "kind": e.kind.value, "planned": e.planned_label,
        "start": {str(q): d.isoformat() for q, d in zip(qs, f.percentiles(e.id, "start", qs), strict=False)},
        "end": {str(q): d.isoformat() for q, d in zip(qs, f.percentiles(e.id, "end", qs), strict=False)},
        "p_in_window": round(f.inside(e), 4), "p_met": None if met is None else round(met, 4),
        "drivers": [{"id": i, "share": round(share, 4)} for i, share in f.drivers(e.id)] if met is not None else [],
        "moved_by": [{"id": i, "share": round(share, 4)} for i, share in f.moved_by(e.id)] if met is not None else [],
        "impossible_runs": drawn.impossible, "assumed": drawn.assumed,
    }


def render_forecast(f: Forecast, options: ForecastOptions = ForecastOptions()) -> str:
    """Each event's percentiles, and per deadline its chance and its drivers; text or JSON."""
    qs = options.percentiles
    shown = options.shown or f.schedule
    events = [e for e in shown.events if e.status != Status.CANCELLED]  # they will not happen
    if options.json:
        return dumps({"as_of": f.as_of.isoformat(), "runs": f.runs, "seed": f.seed, "percentiles": list(qs),
                      "history": _history(f.history), "events": [_event(f, e, qs) for e in events]})
    head = f"Forecast as of {f.as_of} · {f.runs:,} runs · seed {f.seed} · percentiles {', '.join(f'P{q}' for q in qs)} of the end"
    head += "\n" + (f.history.said() + "; windows widened accordingly" if f.history is not None
                    else "history: not used (--no-history): every window drawn as written")
    if not events:
        return head + "\n\nNothing to forecast: no event is chosen, or every chosen one is cancelled.\n"
    rows = []
    for e in events:
        ends = f.percentiles(e.id, "end", qs)
        met = f.met(e)
        chance = f"{met:6.1%} met" if met is not None else f"{f.inside(e):6.1%} in plan"
        rows.append((" – ".join(d.isoformat() for d in ends), chance, "  " * shown.depths[e.id] + one_line(e.title)))
    width = max(text_width(r[0]) for r in rows)
    lines = [head, ""] + [f"{pad(a, width)}  {b}  {c}" for a, b, c in rows]
    notes = []
    for e in events:
        met = f.met(e)
        drivers = f.drivers(e.id)
        if met is not None and drivers:
            notes.append(f"{e.id}: driven by " + ", ".join(f"{i} ({share:.0%} of runs)" for i, share in drivers[:3]))
        moved = f.moved_by(e.id) if met is not None else []
        if moved:
            notes.append(f"{e.id}: {met:.0%} met; " + ", ".join(f"{share:.0%} of its variation from {i}"
                                                                 for i, share in moved))
        drawn = f.drawn[e.id]
        if drawn.impossible:
            notes.append(f"{e.id}: in {drawn.impossible:,} of {f.runs:,} runs ({drawn.impossible / f.runs:.1%}) its rules "
                         "could not all hold: " + "; ".join(drawn.conflicts))
        if drawn.assumed:
            notes.append(f"{e.id}: {drawn.assumed}")
    if notes:
        lines += [""] + notes
    return "\n".join(lines) + "\n"


def _history(h: History | None) -> dict[str, object] | None:
    """The history the forecast learned from, as JSON (None with `--no-history`)."""
    if h is None:
        return None
    return {"origin": h.origin.isoformat(), "closed_windows": len(h.items), "unrecorded": h.censored,
            "missed": len(h.late), "p_late": round(h.p_late, 4), "median_excess": round(h.median_excess, 4)}


def _share(s: Share) -> dict[str, object]:
    interval = s.interval
    return {"held": s.held, "of": s.n, "share": None if s.share is None else round(s.share, 4),
            "low": None if interval is None else round(interval[0], 4),
            "high": None if interval is None else round(interval[1], 4)}


def _said(s: Share, what: str, calibrated: str) -> str:
    """`6 of 9 inside P10–P90 (67%, 95% interval 35%–88%; about 80% when calibrated)`."""
    if s.share is None or s.interval is None:
        return f"none {what}"
    low, high = s.interval
    return f"{s.held} of {s.n} {what} ({s.share:.0%}, 95% interval {low:.0%}–{high:.0%}; {calibrated} when calibrated)"


def render_backtest(b: Backtest, json: bool = False, windows_only: Backtest | None = None) -> str:
    """Where each actual fell in the forecast made `lead` before its planned date, how often
    inside P10–P90 and on or before P50, over the actuals whose forecast had more than one
    day (one planned to the day tests nothing), with the sample size and 95% intervals; with
    `windows_only` (the same replays without the history), the calibration before the
    history's correction too."""
    replays = b.replays
    if json:
        before = None if windows_only is None else {"p10_p90": _share(windows_only.inside), "p50": _share(windows_only.by_p50)}
        return dumps({"lead": str(b.lead), "sample_size": len(b.tested),
                      "calibration": None if b.inside.share is None else round(b.inside.share, 4),
                      "p10_p90": _share(b.inside), "p50": _share(b.by_p50), "windows_only": before,
                      "items": [{"id": r.event.id, "as_of": r.as_of.isoformat(),
                                 "actual": r.event.end.latest.isoformat() if r.event.end.latest else None,
                                 "percentile": round(100 * r.rank, 1), "certain": r.certain} for r in replays]})
    if not replays:
        return "Nothing to replay: no event has an actual date.\n"
    lines = [f"Backtest: each actual against the forecast made {b.lead} before its planned date", ""]
    width = max(text_width(one_line(r.event.title)) for r in replays)
    for r in replays:
        band = ("planned to the day" if r.certain else "inside P10–P90" if 0.1 <= r.rank <= 0.9
                else "outside P10–P90")
        lines.append(f"{pad(one_line(r.event.title), width)}  as of {r.as_of}  actual {r.event.end.latest}  "
                     f"at P{100 * r.rank:.0f}  {band}")
    if not b.tested:
        lines += ["", "Calibration: every actual was planned to the day; nothing to calibrate"]
    else:
        lines += ["", f"Calibration over {len(b.tested)} uncertain actuals: "
                      f"{_said(b.inside, 'inside P10–P90', 'about 80%')}; "
                      f"{_said(b.by_p50, 'on or before P50', 'about 50%')}"]
        if windows_only is not None and windows_only.tested:
            lines.append(f"Drawn from the windows alone (--no-history): {_said(windows_only.inside, 'inside P10–P90', 'about 80%')}; "
                         f"{_said(windows_only.by_p50, 'on or before P50', 'about 50%')}")
    return "\n".join(lines) + "\n"
