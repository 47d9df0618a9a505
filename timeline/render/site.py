"""The published site: every feed plus one self-contained index.html, as bytes in memory.

`timeline build` writes these files into a folder (atomically); `timeline serve` serves
the same mapping of paths to bytes. Nothing here touches the file system or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from .. import __version__
from ..model import Kind
from ..resolve import ResolvedEvent, Schedule
from .ics import IcsOptions, WindowMode, render_ics
from .svg import render_svg
from .text import one_line

CONTENT_TYPES = {".ics": "text/calendar; charset=utf-8", ".html": "text/html; charset=utf-8"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1a202c;line-height:1.4}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin-top:2rem}
.feeds{list-style:none;padding:0}.feeds li{margin:.35rem 0}.feeds a{margin-right:.6rem}
.chart{overflow-x:auto;border:1px solid #e2e8f0;border-radius:6px;padding:.5rem}.chart svg{min-width:700px;width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e2e8f0;vertical-align:top}
.when{white-space:nowrap}.depth1{padding-left:1.4rem}.depth2{padding-left:2.8rem}.status-cancelled{text-decoration:line-through;color:#718096}
.legend span{margin-right:1rem;white-space:nowrap}.legend i{display:inline-block;width:1.2em;height:.8em;margin-right:.3em;vertical-align:middle}
footer{margin-top:2rem;color:#718096;font-size:.8rem}
@media (max-width:640px){table thead{display:none}table,tbody,tr,td{display:block}tr{border-bottom:1px solid #cbd5e0;padding:.4rem 0}td{border:0;padding:.1rem 0}}
@media print{.feeds,.legend{display:none}.chart{border:0;overflow:visible}.chart svg{min-width:0}body{max-width:none}}
""".strip()


@dataclass(frozen=True)
class SiteOptions:
    """How to build the site."""

    stamp: datetime
    """DTSTAMP of the feeds (`ics.schedule_stamp`)."""
    base_url: str | None = None
    """Where the site is published, for subscribe links (default: `calendar.url`)."""


def feed_paths(schedule: Schedule) -> dict[str, tuple[str, Schedule]]:
    """Every feed of the site: path → (name suffix, the schedule of its events)."""
    feeds = {"calendar.ics": ("", schedule)}
    for tag in sorted({t for e in schedule.events for t in e.tags}):
        feeds[f"tags/{tag}.ics"] = (f" · {tag}", schedule.select(tags=[tag]))
    for kind in Kind:
        chosen = schedule.select(kinds=[kind.value])
        if chosen.events:
            feeds[f"kinds/{kind.value}.ics"] = (f" · {kind.value}s", chosen)
    return feeds


def render_site(schedule: Schedule, options: SiteOptions) -> dict[str, bytes]:
    """Every file of the site, by relative path; the chart's today line on the schedule's `today`."""
    files: dict[str, bytes] = {}
    feeds = feed_paths(schedule)
    for path, (suffix, chosen) in feeds.items():
        files[path] = render_ics(chosen, IcsOptions(options.stamp, WindowMode.SPAN, suffix))
    base = options.base_url or schedule.calendar.url
    files["index.html"] = render_index(schedule, list(feeds), base).encode("utf-8")
    return files


def _base(url: str | None) -> str | None:
    """The folder URL the feeds live in (a feed URL such as .../calendar.ics gives its folder)."""
    if not url:
        return None
    if url.endswith(".ics"):
        url = url.rsplit("/", 1)[0]
    return url.rstrip("/") + "/"


def _replanned(e: ResolvedEvent) -> str:
    """For a re-planned event, a line under its title: planned, then re-planned."""
    if not e.replanned:
        return ""
    return (f'<br><small class="replanned">planned: {escape(e.baseline_label)} (baseline), '
            f're-planned: {escape(e.planned_label)}</small>')


def render_index(schedule: Schedule, feeds: Sequence[str], base_url: str | None) -> str:
    """index.html: name, subscribe links, the Gantt picture, the schedule as a table."""
    name = escape(one_line(schedule.calendar.name))
    base = _base(base_url)
    links = []
    for path in feeds:
        folder, _, stem = path.removesuffix(".ics").rpartition("/")
        label = {"": "Everything", "tags": f"tag {stem}", "kinds": f"{stem}s"}[folder]
        parts = [f'<a href="{escape(path)}" download>download</a>']
        if base:
            https = base + path
            webcal = "webcal://" + https.split("://", 1)[1]
            parts.insert(0, f'<a href="{escape(webcal)}">subscribe</a> <a href="{escape(https)}">{escape(https)}</a>')
        links.append(f"<li><strong>{escape(label)}</strong>: {' '.join(parts)}</li>")
    rows = []
    for e in schedule.events:
        where = escape(one_line(e.location or ""))
        rows.append(
            f'<tr class="status-{e.status.value}"><td class="when">{escape(e.label)}</td>'
            f'<td class="depth{min(schedule.depths[e.id], 2)}">{escape(one_line(e.title))}{_replanned(e)}</td>'
            f"<td>{e.kind.value}</td><td>{e.status.value}</td><td>{where}</td></tr>"
        )
    today_text = f" ({schedule.today.isoformat()})"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="timeline {__version__}">
<title>{name}</title>
<style>
{_CSS}
</style>
</head>
<body>
<h1>{name}</h1>
<h2>Subscribe</h2>
<p>Add a feed to Google Calendar, Outlook, Apple Calendar or Thunderbird by its address; uncertain dates appear as tentative all-day spans.</p>
<ul class="feeds">
{chr(10).join(links)}
</ul>
<h2>Chart</h2>
<p class="legend"><span><i style="background:#2b6cb0"></i>certain</span><span><i style="background:#2b6cb0;opacity:.25"></i>possible</span><span>◆ one day</span><span>⚑ due</span><span style="color:#dd6b20">┆ today{escape(today_text)}</span></p>
<div class="chart">
{render_svg(schedule)}
</div>
<h2>Schedule</h2>
<table>
<thead><tr><th>When</th><th>Event</th><th>Kind</th><th>Status</th><th>Location</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<footer>{len(schedule.events)} events · {escape(schedule.calendar.timezone)} · made by timeline {__version__}</footer>
</body>
</html>
"""
