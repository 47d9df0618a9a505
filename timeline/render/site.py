"""The published site: every feed plus one self-contained index.html, as bytes in memory.

`timeline build` writes these files into a folder (atomically); `timeline serve` serves
the same mapping of paths to bytes. Nothing here touches the file system or the clock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from .. import __version__
from ..model import Kind
from ..schedule import ResolvedEvent, Schedule
from .ics import feed_options, ics_chunks
from .chart import chart_range
from .svg import ACCENT, CANCELLED, COLORS, DARK_COLORS, FADE, SvgOptions, render_svg
from .text import one_line, slug
from .words import count

CONTENT_TYPES = {".ics": "text/calendar; charset=utf-8", ".html": "text/html; charset=utf-8"}

_DARK_MARKS = "".join(
    f".k-{k.value}>:not(.open-left):not(.open-right),.legend .k-{k.value}{{fill:{DARK_COLORS[k]};stroke:{DARK_COLORS[k]}}}"
    f".k-{k.value}>.possible,.legend .k-{k.value}.possible{{fill-opacity:.25}}" for k in Kind)
"""The marks of each kind in their dark-background colours (`svg.DARK_COLORS`)."""

_CSS = """
:root{--fg:#1a202c;--muted:#4a5568;--line:#e2e8f0;--bg:#fff;--link:#2b6cb0;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e2e8f0;--muted:#a0aec0;--line:#4a5568;--bg:#1a202c;--link:#90cdf4}DARK}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:var(--fg);background:var(--bg);line-height:1.4;overflow-wrap:break-word}
a{color:var(--link)}h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin-top:2rem}
summary{cursor:pointer}.feeds{list-style:none;padding:0}.feeds li{margin:.35rem 0}.feeds a{margin-right:.6rem;word-break:break-all}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;margin:.5rem 0;list-style:none;font-size:.9rem}.legend li{display:flex;align-items:center;gap:.3rem}
.chart{display:flex;border:1px solid var(--line);border-radius:6px;padding:.5rem 0;max-width:100%}
.names{flex:0 1 auto;min-width:6rem;max-width:45%;margin:0;padding:44px .5rem 0;list-style:none;font-size:12px;border-right:1px solid var(--line)}
.names li{height:22px;line-height:22px;white-space:nowrap;overflow:hidden;overflow-wrap:normal}.names a{display:block;overflow:hidden;text-overflow:ellipsis}
.bars{overflow-x:auto;flex:1 1 auto;min-width:0}.bars:focus-visible{outline:2px solid var(--link);outline-offset:2px}
.bars svg{display:block}.bars svg text{fill:var(--fg)}.bars svg .grid{stroke:var(--line)}.bars svg line.cancelled{stroke:var(--fg)}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
.when{min-width:7rem;overflow-wrap:anywhere}.depth1{padding-left:1.4rem}.depth2{padding-left:2.8rem}.status-cancelled .title{text-decoration:line-through;color:var(--muted)}
td details p{margin:.3rem 0;color:var(--muted);font-size:.88rem}:target{outline:2px solid ACCENT}
footer{margin-top:2rem;color:var(--muted);font-size:.8rem}
@media (max-width:640px){table thead{display:none}table,tbody,tr,td{display:block}tr{border-bottom:1px solid var(--line);padding:.4rem 0}
td{border:0;padding:.1rem 0}td.depth1,td.depth2{padding-left:0}td:empty{display:none}td::before{content:attr(data-label) ": ";color:var(--muted);font-size:.85rem}}
@page{size:landscape;margin:1cm}
@media print{.subscribe{display:none}body{max-width:none;color:#000;background:#fff;padding:0}.chart{border:0;zoom:.86;break-inside:auto}
.names{flex:none;width:250px;max-width:none}.bars{overflow:visible}table{font-size:.8rem}tr{break-inside:avoid}.when{min-width:6rem}}
""".strip().replace("DARK", _DARK_MARKS).replace("ACCENT", ACCENT)
"""The page's style. Printed, the page is landscape and the chart scaled to 86%: the names
(250 px) beside the picture (770 px) then fit the width of A4 and of Letter paper."""

_SCRIPT = """
for(const d of document.querySelectorAll('details.subscribe'))if(matchMedia('(min-width:700px)').matches)d.open=true;
addEventListener('beforeprint',()=>{for(const d of document.querySelectorAll('td details'))d.open=true});
for(const t of document.querySelectorAll('.bars line.today')){const b=t.closest('.bars');b.scrollLeft=Math.max(0,t.x1.baseVal.value-b.clientWidth/2)}
""".strip()
"""The page's only script: the subscribe list open on wide screens, descriptions open in
print, the chart scrolled to today. Without it the page works the same, with the list
closed and the chart at its first month."""


def _swatch(shape: str) -> str:
    """A small SVG picture for the legend, drawn as the chart draws it."""
    return f'<svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">{shape}</svg>'


def legend(today: date, forecast: bool = False) -> str:
    """The legend: every colour and mark the chart draws."""
    def kind(k: Kind, shape: str) -> str:
        return f'<g class="k-{k.value}">{shape}</g>'

    items = [_swatch(kind(k, f'<rect x="1" y="2" width="20" height="10" fill="{COLORS[k]}" class="k-{k.value}"/>'))
             + k.value for k in Kind]
    blue, milestone, deadline, meeting = (COLORS[k] for k in (Kind.PHASE, Kind.MILESTONE, Kind.DEADLINE, Kind.MEETING))
    items += [
        _swatch(kind(Kind.PHASE, f'<rect x="1" y="2" width="20" height="10" fill="{blue}"/>')) + "certain days",
        _swatch(kind(Kind.PHASE, f'<rect x="1" y="2" width="20" height="10" fill="{blue}" fill-opacity="0.25" '
                                 f'stroke="{blue}" class="possible"/>')) + "possible days",
        _swatch(kind(Kind.PHASE, f'<rect x="1" y="2" width="20" height="10" fill="url(#legend-fade)" class="open-right"/>'
                                 f'<path d="M15 3 L20 7 L15 11" fill="none" stroke="{blue}" stroke-width="2"/>'
                                 f'<defs><linearGradient id="legend-fade"><stop offset="0" stop-color="{FADE}" '
                                 f'stop-opacity="0.6"/><stop offset="1" stop-color="{FADE}" stop-opacity="0"/>'
                                 '</linearGradient></defs>')) + "open: no known end (or start)",
        _swatch(kind(Kind.MILESTONE, f'<polygon points="11,0 18,7 11,14 4,7" fill="{milestone}"/>')) + "one day",
        _swatch(kind(Kind.DEADLINE, f'<path d="M6 1 v12 M6 1 h8 l-3 4 l3 4 h-8" stroke="{deadline}" fill="{deadline}" '
                                    'stroke-width="2"/>')) + "due day",
        _swatch(kind(Kind.MEETING, "".join(f'<rect x="{x}" y="2" width="2" height="10" fill="{meeting}"/>'
                                           for x in (3, 10, 17)))) + "occurrences of a repeating event",
        _swatch(f'<rect x="1" y="2" width="20" height="10" fill="{CANCELLED}"/><line x1="1" y1="7" x2="21" y2="7" '
                'stroke="currentColor" stroke-width="2"/>') + "cancelled",
        _swatch(f'<line x1="11" y1="0" x2="11" y2="14" stroke="{ACCENT}" stroke-width="2" stroke-dasharray="4 3"/>')
        + f"today ({today.isoformat()})",
    ]
    if forecast:
        items += [_swatch(f'<rect x="1" y="2" width="20" height="10" fill="{ACCENT}" fill-opacity="0.18" stroke="{ACCENT}"/>'
                          f'<line x1="11" y1="1" x2="11" y2="13" stroke="{ACCENT}" stroke-width="2"/>')
                  + "forecast: P10–P90, and P50"]
    return '<ul class="legend">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


@dataclass(frozen=True)
class SiteOptions:
    """How to build the site."""

    stamp: datetime
    """DTSTAMP of the feeds (`ics.schedule_stamp`)."""
    base_url: str | None = None
    """Where the site is published, for subscribe links (default: `calendar.url`)."""
    windows: str | None = None
    """How uncertain windows appear in the feeds (default: `calendar.windows`)."""
    since: date | None = None
    """Feeds leave out events that ended before this day (default: `calendar.keep`)."""
    bands: dict[str, tuple[date, date, date]] | None = None
    """`build --forecast`: each event's P10 start, P50 end and P90 end, shaded in the chart."""


FEED_LIMIT = 1_000_000
"""Bytes above which `build` warns about a feed (Google Calendar refuses larger ones)."""


_PLAIN_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""A name whose feed is named by the name itself: lower-case letters and digits, words
joined by single dashes (`un-secretary-general` for `UN Secretary-General`)."""


def owner_path(name: str) -> str:
    """`owners/<stem>.ics` for an owner, from the name alone, so that an address always
    carries the same person's events whoever else is in the plan: the name, lower-cased with
    spaces as dashes, when that is plain (`_PLAIN_NAME`); else its folded letters (or `owner`)
    and, after a double dash no plain name has, 16 hex digits of the name's SHA-256
    (`李` → `owner--…`, `Zoë` → `zoe--…`)."""
    plain = name.casefold().replace(" ", "-")
    if _PLAIN_NAME.fullmatch(plain):
        return f"owners/{plain}.ics"
    digest = hashlib.sha256(name.casefold().encode("utf-8")).hexdigest()[:16]
    return f"owners/{slug(name) or 'owner'}--{digest}.ics"


def owner_paths(schedule: Schedule) -> dict[str, str]:
    """`owner_path` of each owner (names that differ only in case are one owner, the first
    spelling in sorted order naming it)."""
    paths: dict[str, str] = {}
    seen: set[str] = set()
    for name in sorted({o for e in schedule.events for o in e.owners}, key=lambda n: (n.casefold(), n)):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            paths[name] = owner_path(name)
    return paths


def feed_paths(schedule: Schedule) -> dict[str, tuple[str, Schedule]]:
    """Every feed of the site: path → (name suffix, the schedule of its events)."""
    feeds = {"calendar.ics": ("", schedule)}
    for tag in sorted({t for e in schedule.events for t in e.tags}):
        feeds[f"tags/{tag}.ics"] = (f" · {tag}", schedule.select(tags=[tag]))
    for kind in Kind:
        chosen = schedule.select(kinds=[kind.value])
        if chosen.events:
            feeds[f"kinds/{kind.value}.ics"] = (f" · {kind.value}s", chosen)
    for name, path in owner_paths(schedule).items():
        feeds[path] = (f" · {name}", schedule.select(owners=[name]))
    return feeds


def render_site(schedule: Schedule, options: SiteOptions) -> dict[str, bytes]:
    """Every file of the site, by relative path; the chart's today line on the schedule's `today`."""
    return {path: b"".join(pieces) for path, pieces in site_chunks(schedule, options).items()}


def site_chunks(schedule: Schedule, options: SiteOptions) -> dict[str, Iterator[bytes]]:
    """The files of `render_site`, each in pieces made only as it is read (`ics_chunks`,
    `index_chunks`): `build` writes a site of 100,000 events (330 MB of files) without
    holding any file whole."""
    files: dict[str, Iterator[bytes]] = {}
    feeds = feed_paths(schedule)
    base = options.base_url or schedule.calendar.url
    folder = _base(base)
    for path, (suffix, chosen) in feeds.items():
        source = folder + path if folder else None  # each feed's own address (SOURCE)
        files[path] = ics_chunks(chosen, feed_options(schedule, options.stamp, options.windows, options.since, suffix,
                                                      source))
    files["index.html"] = (piece.encode("utf-8") for piece in index_chunks(schedule, list(feeds), base, options.bands))
    files["calendar.html"] = _calendar_chunks(schedule)
    return files


CALENDAR_YEARS = 10
"""calendar.html covers at most this many years from the plan's first month (a series that
runs to 9999 would otherwise make millions of days)."""


def _calendar_chunks(schedule: Schedule) -> Iterator[bytes]:
    """calendar.html in pieces: every month of the plan with something on a day (the first
    `CALENDAR_YEARS` years of it)."""
    from ..analysis.month import months_of
    from .month import calendar_page_chunks

    lo, hi = chart_range(schedule.events, None, None, schedule.today)
    if lo.year + CALENDAR_YEARS <= 9999:
        hi = min(hi, date(lo.year + CALENDAR_YEARS, lo.month, 1) - timedelta(days=1))
    for piece in calendar_page_chunks(schedule.calendar.name, months_of(schedule, lo, hi)):
        yield piece.encode("utf-8")


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


def _details(e: ResolvedEvent) -> str:
    """What the table shows under an event's title, when asked: description, note, source,
    owners (the title alone when there is none of these)."""
    ev = e.event
    parts = []
    if ev.owners:
        parts.append(f"Owner{'s' if len(ev.owners) > 1 else ''}: " + escape(", ".join(one_line(o) for o in ev.owners)))
    for label, text in (("", ev.description), ("Note: ", ev.note), ("Source: ", ev.source)):
        if text:
            parts.append(escape(label + text).replace("\n", "<br>"))
    if ev.url:
        parts.append(f'<a href="{escape(ev.url)}" rel="noopener noreferrer">{escape(ev.url)}</a>')
    title = escape(one_line(e.title))
    if not parts:
        return f'<span class="title">{title}</span>'
    return f'<details><summary class="title">{title}</summary>' + "".join(f"<p>{p}</p>" for p in parts) + "</details>"


COLUMNS = ("When", "Event", "Kind", "Status", "Owner", "Location")
"""The schedule table's columns (on a phone each cell is named by its column)."""


def render_index(schedule: Schedule, feeds: Sequence[str], base_url: str | None,
                 bands: dict[str, tuple[date, date, date]] | None = None) -> str:
    """index.html: name, subscribe links, the legend and the Gantt picture (names beside it,
    each a link to its row), the schedule as a table whose rows open on descriptions."""
    return "".join(index_chunks(schedule, feeds, base_url, bands))


def index_chunks(schedule: Schedule, feeds: Sequence[str], base_url: str | None,
                 bands: dict[str, tuple[date, date, date]] | None = None) -> Iterator[str]:
    """The page of `render_index` in pieces, a name or a table row at a time."""
    name = escape(one_line(schedule.calendar.name))
    base = _base(base_url)
    owner_of = {path: name for name, path in owner_paths(schedule).items()}
    links = []
    for path in feeds:
        folder, _, stem = path.removesuffix(".ics").rpartition("/")
        label = {"": "Everything", "tags": f"tag {stem}", "kinds": f"{stem}s", "owners": f"owner {owner_of.get(path, stem)}"}[folder]
        parts = [f'<a href="{escape(path)}" download>download</a>']
        if base:
            https = base + path
            webcal = "webcal://" + https.split("://", 1)[1]
            parts.insert(0, f'<a href="{escape(webcal)}">subscribe</a> <a href="{escape(https)}">{escape(https)}</a>')
        links.append(f"<li><strong>{escape(label)}</strong>: {' '.join(parts)}</li>")
    yield f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="timeline {__version__}">
<link rel="icon" href="data:,">
<title>{name}</title>
<style>
{_CSS}
</style>
</head>
<body>
<header><h1>{name}</h1></header>
<main>
<details class="subscribe">
<summary>Subscribe: {len(feeds)} feeds</summary>
<p>Add a feed to Google Calendar, Outlook, Apple Calendar or Thunderbird by its address. A date that is not set yet shows as a tentative span when it is a week or less, and otherwise as a marker on the day its window opens and one on the day it closes.</p>
<ul class="feeds">
{chr(10).join(links)}
</ul>
</details>
<p><a href="calendar.html">Month calendar</a>: every month of the plan as a grid of days, to print.</p>
<h2>Chart</h2>
{legend(schedule.today, bands is not None)}
<div class="chart">
<ol class="names" aria-label="Events in the chart (each links to its row in the schedule)">
"""
    for e in schedule.events:
        yield (f'<li style="padding-left:{min(schedule.depths[e.id], 2)}em"><a href="#e-{e.id}" title="{escape(e.label)}">'
               f"{escape(one_line(e.title))}</a></li>\n")
    yield f"""</ol>
<div class="bars" tabindex="0" role="region" aria-label="Gantt chart; scroll sideways with the arrow keys">
{render_svg(schedule, SvgOptions(labels=False, bands=bands))}
</div>
</div>
<h2>Schedule</h2>
<table>
<thead><tr>{"".join(f"<th>{c}</th>" for c in COLUMNS)}</tr></thead>
<tbody>
"""
    for e in schedule.events:
        where = escape(one_line(e.location or ""))
        owners = escape(", ".join(one_line(o) for o in e.owners))
        when, event, kind, status, owner, location = (f' data-label="{c}"' for c in COLUMNS)
        yield (f'<tr id="e-{e.id}" class="status-{e.status.value}"><td class="when"{when}>{escape(e.label)}</td>'
               f'<td class="depth{min(schedule.depths[e.id], 2)}"{event}>{_details(e)}{_replanned(e)}</td>'
               f"<td{kind}>{e.kind.value}</td><td{status}>{e.status.value}</td><td{owner}>{owners}</td>"
               f"<td{location}>{where}</td></tr>\n")
    yield f"""</tbody>
</table>
</main>
<footer>{count(len(schedule.events), 'event')} · {escape(schedule.calendar.timezone)} · made by timeline {__version__}</footer>
<script>
{_SCRIPT}
</script>
</body>
</html>
"""
