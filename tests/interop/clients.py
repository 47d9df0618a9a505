"""Seven independent calendar clients, each reduced to what it shows a person.

Every reader returns a set of pairs for a range of days `[lo, hi)`:
`("D", "YYYY-MM-DD", summary)` for each day an all-day event covers (DTEND exclusive),
`("T", "YYYY-MM-DDTHH:MM", summary)` for the UTC start of a timed event.
The programs are real clients: Mozilla's ical.js and node-ical (npm), libical through
ical2html, khal and calcurse (Debian), vobject and ics-py (PyPI).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
ENV = dict(os.environ, TZ="UTC", NODE_PATH=str(NODE_MODULES), LC_ALL="C.UTF-8")

Pairs = set[tuple[str, str, str]]


def day_pairs(first: date, end_exclusive: date, summary: str, lo: date, hi: date) -> Pairs:
    """One pair per day of an all-day event inside [lo, hi)."""
    out: Pairs = set()
    d = max(first, lo)
    stop = min(max(end_exclusive, first + timedelta(days=1)), hi)
    while d < stop:
        out.add(("D", d.isoformat(), summary))
        d += timedelta(days=1)
    return out


def instant_pair(moment: datetime, summary: str, lo: date, hi: date) -> Pairs:
    """The pair of a timed event's start, when it falls inside [lo, hi) in UTC."""
    utc = moment.astimezone(UTC)
    if lo <= utc.date() < hi:
        return {("T", utc.strftime("%Y-%m-%dT%H:%M"), summary)}
    return set()


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=300, **kw)  # type: ignore[call-overload]
    if proc.returncode:
        raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {(proc.stderr or proc.stdout)[-500:]}")
    return proc


def _from_json_events(events: Iterable[dict[str, object]], lo: date, hi: date) -> Pairs:
    out: Pairs = set()
    for ev in events:
        summary, start, end = str(ev["summary"]), str(ev["start"]), ev.get("end")
        if ev["allDay"]:
            first = date.fromisoformat(start[:10])
            last = date.fromisoformat(str(end)[:10]) if end else first + timedelta(days=1)
            out |= day_pairs(first, last, summary, lo, hi)
        else:
            out |= instant_pair(datetime.fromisoformat(start.replace("Z", "+00:00")), summary, lo, hi)
    return out


def read_icaljs(path: Path, lo: date, hi: date) -> Pairs:
    """Mozilla's ical.js, as Thunderbird uses it (recurrences expanded by its iterator)."""
    out = _run(["node", str(HERE / "read_icaljs.js"), str(path), hi.isoformat()]).stdout
    return _from_json_events(json.loads(out), lo, hi)


def read_icaljs_starts(path: Path, hi: date) -> Pairs:
    """ical.js's start instants of every series before `hi`, as pairs (its compact mode,
    for feeds of a million instances)."""
    starts = json.loads(_run(["node", str(HERE / "read_icaljs.js"), str(path), hi.isoformat(), "starts"]).stdout)
    return {("T", start, summary) for summary, found in starts.items() for start in found}


def read_nodeical(path: Path, lo: date, hi: date) -> Pairs:
    """node-ical (recurrences expanded by its `expandRecurringEvent`)."""
    out = _run(["node", str(HERE / "read_nodeical.js"), str(path), lo.isoformat(), hi.isoformat()]).stdout
    return _from_json_events(json.loads(out), lo, hi)


def fetch_nodeical(url: str, lo: date, hi: date) -> Pairs:
    """node-ical subscribing to a feed URL: it fetches the feed over HTTP itself."""
    return _from_json_events(json.loads(_run(["node", str(HERE / "read_nodeical.js"), url]).stdout), lo, hi)


def read_libical(path: Path, lo: date, hi: date) -> Pairs:
    """libical, through ical2html's month grids (run in UTC: timed starts are shown in UTC)."""
    out = _run(["ical2html", lo.strftime("%Y%m%d"), f"P{(hi - lo).days}D", str(path)]).stdout
    pairs: Pairs = set()
    pattern = re.compile(r'class="dtstart"\s+title="(\d{8})(T\d{6}Z)?".*?<span class="summary">(.*?)</span>', re.S)
    for start, clock, summary in pattern.findall(out):
        text = html.unescape(summary)
        if clock:
            moment = datetime.strptime(start + clock, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            pairs |= instant_pair(moment, text, lo, hi)
        else:
            day = datetime.strptime(start, "%Y%m%d").date()
            if lo <= day < hi:
                pairs.add(("D", day.isoformat(), text))
    return pairs


_KHAL_CONFIG = """[calendars]
[[feed]]
path = {folder}/calendar
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = UTC
default_timezone = UTC
[sqlite]
path = {folder}/khal.db
"""


def khal_calendar(folder: str, feed: Path) -> str:
    """A khal calendar in `folder` (which it fills) holding a feed, shown in UTC: the path of
    its configuration (the benchmark's start-up comparison uses it too)."""
    os.mkdir(f"{folder}/calendar")
    config = f"{folder}/khal.conf"
    Path(config).write_text(_KHAL_CONFIG.format(folder=folder))
    _run(["khal", "-c", config, "import", "--batch", "-a", "feed", str(feed)])
    return config


def read_khal(path: Path, lo: date, hi: date) -> Pairs:
    """khal: import into a throw-away calendar, then list the range day by day (in UTC)."""
    with tempfile.TemporaryDirectory() as folder:
        config = khal_calendar(folder, path)
        listing = _run(["khal", "-c", config, "list", "--day-format", "@{date}",
                        "--format", "{start-date}|{start-time}|{title}", lo.isoformat(), f"{(hi - lo).days}d"]).stdout
    pairs: Pairs = set()
    today = None
    for line in listing.splitlines():
        if line.startswith("@"):
            today = line[1:].strip()
        elif line.strip() and today:
            start_date, start_time, title = line.split("|", 2)
            if start_time:
                moment = datetime.fromisoformat(f"{start_date}T{start_time}").replace(tzinfo=UTC)
                pairs |= instant_pair(moment, title, lo, hi)
            elif lo.isoformat() <= today < hi.isoformat():
                pairs.add(("D", today, title))
    return pairs


def read_calcurse(path: Path, lo: date, hi: date) -> Pairs:
    """calcurse: import into a throw-away data folder, then query the range (in UTC)."""
    with tempfile.TemporaryDirectory() as folder:
        _run(["calcurse", "-D", folder, "-i", str(path)])
        listing = _run([
            # the date formats must come before the dates they apply to
            "calcurse", "-D", folder, "--input-datefmt", "4", "--output-datefmt", "%Y-%m-%d",
            "-Q", "--from", lo.isoformat(), "--to", (hi - timedelta(days=1)).isoformat(),
            "--format-event", "@D|%m\n", "--format-recur-event", "@D|%m\n",
            "--format-apt", "@T|%(start:%Y-%m-%dT%H:%M)|%m\n", "--format-recur-apt", "@T|%(start:%Y-%m-%dT%H:%M)|%m\n",
        ]).stdout
    pairs: Pairs = set()
    today = None
    for line in listing.splitlines():
        heading = re.fullmatch(r"(\d{4}-\d{2}-\d{2}):", line)
        if heading:
            today = heading.group(1)
        elif line.startswith("@D|") and today:
            pairs.add(("D", today, line[3:]))
        elif line.startswith("@T|"):
            start, title = line[3:].split("|", 1)
            pairs |= instant_pair(datetime.fromisoformat(start).replace(tzinfo=UTC), title, lo, hi)
    return pairs


def read_vobject(path: Path, lo: date, hi: date) -> Pairs:
    """vobject: a recurring event expanded by its rruleset (RRULE and EXDATE) inside the
    range, each RECURRENCE-ID override put in place of the instance it replaces."""
    import vobject

    def instant(value: date) -> date:
        """A start as compared with RECURRENCE-ID: a date, or the UTC instant of a time."""
        if isinstance(value, datetime):
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        return value

    # vobject keeps the first VTIMEZONE of each TZID it reads for the life of the process; a
    # calendar program reading this one feed starts with none (the stress feed's New York,
    # whose pre-2007 rule ends in 2006, must not stand in for this feed's)
    import vobject.icalendar

    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    pairs: Pairs = set()
    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    events = list(getattr(calendar, "vevent_list", []))
    replaced = {(e.uid.value, instant(e.recurrence_id.value)) for e in events if hasattr(e, "recurrence_id")}
    for event in events:
        start, summary = event.dtstart.value, event.summary.value
        timed = isinstance(start, datetime)
        length = event.dtend.value - start if hasattr(event, "dtend") else timedelta(days=0 if timed else 1)
        starts = [start]
        if hasattr(event, "rrule") and not hasattr(event, "recurrence_id"):
            zone = UTC if timed and start.tzinfo else None
            after = datetime.combine(lo - timedelta(days=2), datetime.min.time(), zone)
            before = datetime.combine(hi, datetime.min.time(), zone)
            found = event.getrruleset(addRDate=True).between(after, before, inc=True)
            starts = [s if timed else s.date() for s in found]
            starts = [s for s in starts if (event.uid.value, instant(s)) not in replaced]
        for first in starts:
            if timed:
                pairs |= instant_pair(first if first.tzinfo else first.replace(tzinfo=UTC), summary, lo, hi)
            else:
                pairs |= day_pairs(first, first + length, summary, lo, hi)
    return pairs


class CannotExpand(Exception):
    """The client cannot expand recurring events (it would show only their first instance)."""


def read_icspy(path: Path, lo: date, hi: date) -> Pairs:
    """ics-py (which cannot expand recurrences: a feed with them raises `CannotExpand`)."""
    import ics

    events = "".join(re.findall(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?$", path.read_text(encoding="utf-8"), re.M | re.S))
    if re.search(r"^(RRULE|RDATE|RECURRENCE-ID)[:;]", events, re.M):
        raise CannotExpand("ics-py reads RRULE but cannot expand it: it shows a series' first instance only")

    pairs: Pairs = set()
    for event in ics.Calendar(path.read_text(encoding="utf-8")).events:
        if event.all_day:
            pairs |= day_pairs(event.begin.date(), event.end.date(), event.name, lo, hi)
        else:
            pairs |= instant_pair(event.begin.datetime, event.name, lo, hi)
    return pairs


CLIENTS: dict[str, Callable[[Path, date, date], Pairs]] = {
    "ical.js": read_icaljs,
    "node-ical": read_nodeical,
    "libical (ical2html)": read_libical,
    "khal": read_khal,
    "calcurse": read_calcurse,
    "vobject": read_vobject,
    "ics-py": read_icspy,
}


EXPANDS_FAITHFULLY = ("ical.js", "node-ical", "khal", "vobject")
"""The clients that expand recurrences as RFC 5545 says (in the series' zone, with EXDATE and
RECURRENCE-ID). Of the others: libical's ical2html also shows the instances that EXDATE
removes or RECURRENCE-ID replaces; calcurse (which has no time zones) repeats a timed event
at one fixed time of its own zone, so across a clock change it moves by an hour, and it keeps
the replaced instance; ics-py cannot expand recurrences at all."""


def missing(name: str) -> str | None:
    """Why a client cannot run here, or None when it can."""
    programs = {"ical.js": "node", "node-ical": "node", "libical (ical2html)": "ical2html", "khal": "khal", "calcurse": "calcurse"}
    if name in programs and shutil.which(programs[name]) is None:
        return f"{programs[name]} is not installed"
    module = {"ical.js": "ical.js", "node-ical": "node-ical"}.get(name)
    if module and not (NODE_MODULES / module).is_dir():
        return f"npm package {module} is not installed in {NODE_MODULES} (npm install --prefix tests/interop)"
    python_module = {"vobject": "vobject", "ics-py": "ics"}.get(name)
    if python_module:
        import importlib.util

        if importlib.util.find_spec(python_module) is None:
            return f"Python package {python_module} is not installed"
    return None
