"""The command line: a thin layer that parses options, calls the library, prints, exits.

Each command reads the clock once (`now_utc`), loads its schedule through
`timeline.pipeline`, renders it with one of `timeline.render`, and writes the result.
Every `TimelineError` raised below is turned into its message on stderr and exit code 1
in one place (`_Group.invoke`); a malformed command line is a usage error, exit 2 (Click).
Heavy modules (icalendar, arrow, the web server) are imported inside the commands that
need them so that start-up stays fast. There is deliberately no
`from __future__ import annotations` here: Typer would then evaluate every annotation
string at each start, which more than doubles the time it takes to build the command tree.
"""

import copy
import os
import sys
from collections.abc import Iterable
from datetime import date, datetime, UTC
from enum import Enum
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from typer.core import TyperGroup

from . import __version__
from .dates import Duration
from .days import DayArg, day_of, parse_bound, parse_day
from .errors import DateSyntaxError, DayOptionError, FileAccessError, RequestError, TimelineError, quote
from .runs import DEFAULT_RUNS, DEFAULT_SEED, MAX_RUNS

if TYPE_CHECKING:
    from yaml import Node

    from .append import Update
    from .importers import Imported
    from .source import Source
    from .schedule import ResolvedEvent, Schedule


class _Group(TyperGroup):
    """Translates library errors into exit code 1 with the message on stderr; a bare
    `timeline` prints the help on stdout and exits 0 (README: exit codes)."""

    def parse_args(self, ctx, args):
        if not args and not ctx.resilient_parsing:
            typer.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def format_commands(self, ctx, formatter):
        """Each command with the whole first sentence of its help, wrapped (Click would cut it
        to the terminal's width with "...")."""
        rows = [(name, cmd.get_short_help_str(limit=10_000)) for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DayOptionError as e:  # a day option out of range once today is known: a usage error
            raise typer.BadParameter(str(e), param_hint=f"'{e.option}'") from None
        except TimelineError as e:
            # a name the system gave as bytes that are not UTF-8 (a file name, an argument) is
            # shown as those bytes, `\xff`, not as Python's stand-in for them
            typer.echo(str(e).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"), err=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:  # `timeline list | head`
            sys.stderr.close()
            raise typer.Exit(0) from None


app = typer.Typer(
    cls=_Group,
    help="Track milestones whose dates are windows, from one declarative events.yaml.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def now_utc() -> datetime:
    """The current instant; the one place the CLI reads the clock."""
    return datetime.now(UTC)


def _write(text: str | Iterable[str]) -> None:
    """Write rendered text (or its pieces, as they are made) to stdout exactly."""
    if isinstance(text, str):
        sys.stdout.write(text)
    else:
        sys.stdout.writelines(text)
    sys.stdout.flush()


# -- option values: each kind of value is checked in one place, as a usage error ----------

E = TypeVar("E", bound=Enum)


def _choice(kind: type[E], value: str, option: str) -> E:
    """The member of a `str` Enum named by an option value (an unknown one is a usage error)."""
    try:
        return kind(value)
    except ValueError:
        names = [str(m.value) for m in kind]
        what = option.lstrip("-")
        raise typer.BadParameter(f"unknown {what} {quote(value)}; expected {', '.join(names[:-1])} or {names[-1]}",
                                 param_hint=option) from None


class _Color(str, Enum):
    """`gantt --color`."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class _Chart(str, Enum):
    """`gantt --format`."""

    TEXT = "text"
    MERMAID = "mermaid"
    MARKDOWN = "markdown"


def _day(text: str) -> DayArg:
    """A day option: YYYY-MM-DD, or words relative to the calendar's today."""
    try:
        return parse_day(text)
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e)) from None


def _from_day(text: str) -> DayArg:
    """`--from`: a day, or a date expression's first day (`2026-12`, `2026-Q2`)."""
    try:
        return parse_bound(text, "start")
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e)) from None


def _to_day(text: str) -> DayArg:
    """`--to`: a day, or a date expression's last day."""
    try:
        return parse_bound(text, "end")
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e)) from None


def _within(text: str) -> Duration:
    """`--within`: days, weeks, months or years."""
    from .dates import parse_duration

    try:
        horizon = parse_duration(text)
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e)) from None
    if horizon.unit == "h":
        raise typer.BadParameter("--within takes days, weeks, months or years, such as 30d")
    return horizon


def _base_url(text: str) -> str:
    """`--base-url`: where the site is published (http, https or webcal)."""
    from .values import feed_url

    try:
        return feed_url(text)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


def _move_to(text: str):
    """`move WHEN`: a date expression to write into the file, or a shift (`+2w`, `-3d`)."""
    from .dates import SHIFT, parse_expr
    from .edit import Shift, WrittenDate

    shift = SHIFT.fullmatch(text.strip())
    if shift:
        sign, amount, unit = shift.groups()
        return Shift(int(amount) * (-1 if sign == "-" else 1), unit, text.strip())
    try:
        return WrittenDate(text, parse_expr(text))
    except DateSyntaxError as e:
        raise typer.BadParameter(f"{e}; or a shift such as +2w or -3d") from None


def _when_done(text: str):
    """`done --on`: a date expression for what happened, or a day relative to today."""
    from .dates import parse_expr, refers
    from .edit import WrittenDate

    try:
        expr, problem = parse_expr(text), None
    except DateSyntaxError as e:
        expr, problem = None, e
    if expr is not None and not refers(expr):
        return WrittenDate(text, expr)
    try:
        return parse_day(text)
    except DateSyntaxError as e:
        why = str(problem) if problem is not None else f"{e}; or a date expression such as 2004-11-23/2004-11-25"
        raise typer.BadParameter(why) from None


def _occurrence(ident: str) -> tuple[str, date | None]:
    """`ID@DAY` names one occurrence of a series (the day the rule gives it); `ID` the event."""
    from .dates import iso_day

    name, at, day = ident.partition("@")
    if not at:
        return ident, None
    try:
        return name, iso_day(day)
    except DateSyntaxError:
        raise typer.BadParameter(f"bad occurrence {quote(ident)}: expected ID@DAY such as weekly-call@2026-11-10 "
                                 "(the day the rule gives it)") from None


# -- completion ---------------------------------------------------------------------------

def _written_events(ctx: typer.Context):
    """The events of the file named on the command line so far, as far as they are valid."""
    from .loader import validate
    from .source import read_source

    path = ctx.params.get("file") or os.environ.get("TIMELINE_FILE") or "events.yaml"
    try:
        return validate(read_source(path))[0].events
    except TimelineError:
        return ()


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Event ids of the file that begin with what is typed."""
    return [e.id for e in _written_events(ctx) if e.id.startswith(incomplete)]


def _complete_tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """Tags of the file that begin with what is typed."""
    return sorted({t for e in _written_events(ctx) for t in e.tags if t.startswith(incomplete)})


def _complete_owners(ctx: typer.Context, incomplete: str) -> list[str]:
    """Owners of the file that begin with what is typed (case does not matter)."""
    return sorted({o for e in _written_events(ctx) for o in e.owners if o.casefold().startswith(incomplete.casefold())})


def _choices(*values: str):
    """Completion of an option's fixed values."""
    return lambda incomplete: [v for v in values if v.startswith(incomplete)]


def _complete_kinds(incomplete: str) -> list[str]:
    from .model import Kind

    return [k.value for k in Kind if k.value.startswith(incomplete)]


FileOpt = Annotated[
    str,
    typer.Option("-f", "--file", envvar="TIMELINE_FILE", metavar="PATH",
                 help="Events file (default: $TIMELINE_FILE, else ./events.yaml; '-' is standard input)."),
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", metavar="T", autocompletion=_complete_tags,
                                                     help="Only events with this tag (repeatable).")]
OwnerOpt = Annotated[list[str] | None, typer.Option("--owner", metavar="NAME", autocompletion=_complete_owners, help="Only events this person or body is responsible for (repeatable; case does not matter).")]
KindOpt = Annotated[list[str] | None, typer.Option("--kind", metavar="K", autocompletion=_complete_kinds,
                                                      help="Only events of this kind (repeatable).")]
DAY = "YYYY-MM-DD|today|'in 2 weeks'|..."
_AS_OF_HELP = ("Judge as of this day: actuals recorded by then count, and what they (or events overdue by then) "
               "delay is projected (default: today in the calendar's zone).")
AsOfOpt = Annotated[DayArg | None, typer.Option("--as-of", parser=_day, metavar=DAY, help=_AS_OF_HELP)]
AsOfTodayOpt = Annotated[DayArg | None, typer.Option("--as-of", "--today", parser=_day, metavar=DAY,
                                                        help=_AS_OF_HELP + " --today is the same option.")]
MAX_WIDTH = 10_000
"""The widest chart or grid `--width` draws (`gantt`, `calendar`)."""
WidthOpt = Annotated[int | None, typer.Option("--width", metavar="N", max=MAX_WIDTH, help="Columns (default: the terminal's width, else 80).")]
AsciiOpt = Annotated[bool, typer.Option("--ascii", help="Only ASCII characters.")]

WindowsOpt = Annotated[str | None, typer.Option("--windows", metavar="quiet|span|start|end", autocompletion=_choices("quiet", "span", "start", "end"), help="How an uncertain window appears in feeds: quiet (a window of a week or less as a span, a longer one as a marker on the day it opens and one on the day it closes), span (the whole window), start or end (its first or last possible day). Default: calendar.windows, else quiet.")]
SinceOpt = Annotated[DayArg | None, typer.Option("--since", parser=_from_day, metavar=DAY, help="Leave out events that ended before this day ('1 year ago', 2025-01). Default: calendar.keep before today, else keep all.")]
FromOpt = Annotated[DayArg | None, typer.Option("--from", parser=_from_day, metavar=DAY, help="Only events that may fall on or after this day (or the first day of a date expression: 2026-12, 2026-Q2).")]
ToOpt = Annotated[DayArg | None, typer.Option("--to", parser=_to_day, metavar=DAY, help="Only events that may fall on or before this day (or the last day of a date expression).")]
IdArg = Annotated[str, typer.Argument(metavar="ID", autocompletion=_complete_ids, help="The event's id.")]
NoteOpt = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A remark recorded with the event.")]
FormatOpt = Annotated[str, typer.Option("--format", metavar="text|json", autocompletion=_choices("text", "json"), help="Output format.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="The same as --format json.")]


def _json_format(fmt: str, json_: bool) -> bool:
    """`--format text|json` (with `--json` as its alias): True for JSON."""
    if json_:
        return True
    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"unknown format {quote(fmt)}; expected text or json", param_hint="'--format'")
    return fmt == "json"


def _chosen(schedule, tags: list[str] | None, kinds: list[str], start: date | None = None,
            stop: date | None = None, owners: list[str] | None = None):
    """`Schedule.select` with the --tag and --owner values checked against the file's: an
    unknown one is a usage error naming the known ones (a typo must never hide an event
    from a cron job)."""
    _known("tag", tags, sorted({t for e in schedule.events for t in e.tags}), schedule.path)
    _known("owner", owners, sorted({o for e in schedule.events for o in e.owners}, key=str.casefold), schedule.path)
    return schedule.select(tags or (), kinds, start, stop, owners or ())


def _known(what: str, given: list[str] | None, known: list[str], path: str) -> None:
    """A usage error for a --tag or --owner value the file does not have, naming the known ones."""
    folded = {k.casefold() for k in known} if what == "owner" else set(known)
    for value in given or ():
        if (value.casefold() if what == "owner" else value) not in folded:
            import difflib

            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean {quote(close[0])}? " if close else ""
            listed = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "") if known else "none"
            raise typer.BadParameter(f"unknown {what} {quote(value)} in {path}; {hint}known {what}s: {listed}",
                                     param_hint=f"'--{what}'")


def _windows(value: str | None) -> str | None:
    """Check --windows (None: the file's `calendar.windows`)."""
    from .values import parse_windows

    try:
        return None if value is None else parse_windows(value)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="'--windows'") from None


def _color_wanted() -> bool:
    """`--color auto`, by the conventions: NO_COLOR (any value) turns colour off, else
    FORCE_COLOR (any value) turns it on, else TERM=dumb turns it off, else colour on a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and sys.stdout.isatty()


def _kinds(kinds: list[str] | None) -> list[str]:
    """Check --kind values (an unknown one is a usage error)."""
    from .model import Kind

    return [_choice(Kind, k, "--kind").value for k in kinds or []]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"timeline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Track milestones whose dates are windows, from one declarative events.yaml.

    Example: timeline list --tag wgig
    """


# -- commands -----------------------------------------------------------------------------

@app.command()
def init(
    path: Annotated[str | None, typer.Argument(metavar="[PATH]", help="Where to write it (default: $TIMELINE_FILE, else events.yaml).")] = None,
) -> None:
    """Write a short, commented starter events file that shows every date form and key once
    and passes check (its dates are in the coming year). An existing file is never
    overwritten.

    Example: timeline init plan.yaml
    """
    from .fsutil import create_new
    from .starter import starter

    target = path or os.environ.get("TIMELINE_FILE") or "events.yaml"
    create_new(target, starter(now_utc().date()).encode("utf-8"))
    _write(f"{target}: written; see it with: timeline list -f {target}\n")


Opt = str | None


@app.command()
def add(
    file: FileOpt = "events.yaml",
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="What the event is called (required).")] = "",
    ident: Annotated[Opt, typer.Option("--id", metavar="ID", help="Its id (default: made from the title).")] = None,
    when: Annotated[Opt, typer.Option("--when", metavar="DATE-EXPRESSION", help="Its date: a point or a span (2026-05, 2026-Q2, 2026-05-05T15:00, first-meeting.end + 2w).")] = None,
    start: Annotated[Opt, typer.Option("--start", metavar="DATE-EXPRESSION", help="The start of a span (with --end).")] = None,
    end: Annotated[Opt, typer.Option("--end", metavar="DATE-EXPRESSION", help="The end of a span (with --start).")] = None,
    due: Annotated[Opt, typer.Option("--due", metavar="DATE-EXPRESSION", help="A deadline: by the last day of this window.")] = None,
    kind: Annotated[Opt, typer.Option("--kind", metavar="phase|meeting|milestone|deadline", autocompletion=_complete_kinds, help="Its kind (default: from the date's form).")] = None,
    after: Annotated[list[str] | None, typer.Option("--after", metavar="ID", autocompletion=_complete_ids, help="An event it cannot start before the end of (repeatable).")] = None,
    before: Annotated[list[str] | None, typer.Option("--before", metavar="ID", autocompletion=_complete_ids, help="An event it must end before the start of (repeatable).")] = None,
    parent: Annotated[Opt, typer.Option("--parent", metavar="ID", autocompletion=_complete_ids, help="The phase it belongs to.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", metavar="T", autocompletion=_complete_tags, help="A tag (repeatable).")] = None,
    location: Annotated[Opt, typer.Option("--location", metavar="TEXT", help="Where it happens.")] = None,
    description: Annotated[Opt, typer.Option("--description", metavar="TEXT", help="Free text.")] = None,
    url: Annotated[Opt, typer.Option("--url", metavar="URL", help="A link about it (http or https).")] = None,
    source: Annotated[Opt, typer.Option("--source", metavar="TEXT", help="The quote that states the date.")] = None,
    duration: Annotated[Opt, typer.Option("--duration", metavar="LENGTH", help="How long a timed event lasts: 45min, 1h30min.")] = None,
    zone: Annotated[Opt, typer.Option("--timezone", metavar="ZONE", help="The IANA zone its times are written in.")] = None,
    warn: Annotated[Opt, typer.Option("--warn", metavar="DURATION", help="Lead time for warnings and alarms: 3w.")] = None,
    status: Annotated[Opt, typer.Option("--status", metavar="tentative|confirmed|done|cancelled", help="Its status.")] = None,
    owner: Annotated[list[str] | None, typer.Option("--owner", metavar="NAME", help="Who is responsible for it (repeatable).")] = None,
    likely: Annotated[Opt, typer.Option("--likely", metavar="DATE-EXPRESSION", help="For the forecast: the days most likely inside its window.")] = None,
    note: NoteOpt = None,
    repeat: Annotated[Opt, typer.Option("--repeat", metavar="EVERY", help="Make it a series: every day, week, month or year, or a number of them (2 weeks); its date is the first occurrence.")] = None,
    on: Annotated[list[str] | None, typer.Option("--on", metavar="DAY", help="With --repeat: a weekday (tue), or a weekday of the month (2nd thu, last fri) (repeatable).")] = None,
    until: Annotated[Opt, typer.Option("--until", metavar="DAY|ID", help="With --repeat: the last day an occurrence may fall on, or an event whose window's last day it is.")] = None,
    count: Annotated[int | None, typer.Option("--count", metavar="N", min=1, help="With --repeat: how many occurrences (instead of --until).")] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", metavar="DAY", help="With --repeat: a day the rule gives that has no occurrence (repeatable).")] = None,
) -> None:
    """Add an event at the end of the events file, in the file's own layout: validated with
    the rest of the file first, written atomically (comments and every other line kept).

    Example: timeline add --title "First meeting" --when "[2004-11, 2004-12]" --after composition --tag wgig
    """
    from .append import NewEvent, append_events, repeat_rule, suggest_id
    from .loader import validate
    from .source import read_source

    if not title.strip():
        raise typer.BadParameter("every event has a title; give --title TEXT", param_hint="'--title'")
    for given, option in ((on, "--on"), (until, "--until"), (count, "--count"), (skip, "--skip")):
        if given and repeat is None:
            raise typer.BadParameter("only a series has it; give --repeat EVERY too (such as --repeat week)",
                                     param_hint=f"'{option}'")
    if file != "-" and not os.path.exists(file):
        raise RequestError(f"{file}: no such file; start one with: timeline init {file}")
    if ident is None:
        ident = suggest_id(title, validate(read_source(file))[2])
    new = NewEvent.of([
        ("id", ident), ("title", title), ("kind", kind), ("when", when), ("start", start), ("end", end), ("due", due),
        ("duration", duration), ("timezone", zone),
        ("repeat", repeat_rule(repeat, on or [], until, count, skip or []) if repeat is not None else None),
        ("after", after or None), ("before", before or None),
        ("parent", parent), ("tags", tag or None), ("location", location), ("description", description), ("url", url),
        ("source", source), ("warn", warn), ("status", status), ("owner", owner or None), ("likely", likely),
        ("note", note),
    ])
    schedule = append_events(file, [new], now_utc())
    added = next(e for e in schedule.events if e.id == ident)
    _write(f"{ident}: added ({added.planned_label})\n")
    if added.projection is not None:
        _write(f"  as of {schedule.today}: {added.label}, at least {added.projected_by} days late: {added.projection}\n")


@app.command("import")
def import_(
    source: Annotated[str, typer.Argument(metavar="FILE", help="An iCalendar file (.ics, what any calendar exports) or a CSV file with a header row (see the README), or - for standard input.")],
    file: FileOpt = "events.yaml",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the new events as YAML and the updates on stderr; write nothing.")] = False,
) -> None:
    """Bring events in from an iCalendar or CSV file: appended to the events file (made,
    with the feed's calendar settings, when it does not exist), validated with the rest of
    it first; an event the file has already (same id, or same title and first day) is
    updated with what changed. Ids derived, duplicates skipped and updates are reported on
    stderr.

    Example: timeline import exported.ics --dry-run
    """
    from .edit import EditRefused
    from .importers import read_import, relocated
    from .source import MAX_BYTES, compose, read_bounded, read_source
    from .pipeline import load_schedule, schedule_from_source

    now = now_utc()
    if source == "-":
        data = read_bounded(sys.stdin.buffer, 0)
    else:
        try:
            with open(source, "rb") as f:
                data = read_bounded(f, os.fstat(f.fileno()).st_size)
        except OSError as e:
            raise FileAccessError(f"{source}: cannot read: {e.strerror}") from None
    if len(data) > MAX_BYTES:
        raise FileAccessError(f"{source}: larger than {MAX_BYTES} bytes")
    exists = file == "-" or os.path.exists(file)
    existing: dict[str, tuple[str, str]] = {}
    zone = "UTC"
    read = None  # a dry run's events file, read once: its text and nodes, which it splices
    if exists:
        if dry_run and file != "-":
            current = read_source(file)
            read = current, compose(current)
            schedule = schedule_from_source(current, now, root=read[1])
        else:
            schedule = load_schedule(file, now)
        zone = schedule.calendar.timezone
        existing = {e.id: (e.title, (e.start.earliest or e.end.latest or date.min).isoformat()) for e in schedule.events}
    imported = read_import(source, data, zone, existing)
    for note in imported.notes:
        typer.echo(f"{source}: {note}", err=True)
    try:
        _import(source, file, imported, now, dry_run, exists, read, schedule if exists else None)
    except EditRefused as e:
        raise relocated(e, imported, "<stdin>" if source == "-" else source) from None


def _import(source: str, file: str, imported: "Imported", now: datetime, dry_run: bool, exists: bool,
            read: "tuple[Source, Node] | None", schedule: "Schedule | None") -> None:
    """The writing half of `import` (or, with `dry_run`, its checks)."""
    from .append import import_events, imported as imported_text
    from .edit import would_be
    from .fsutil import create_new
    from .importers import new_file_text, yaml_items
    from .source import writable

    if dry_run:  # the import's checks, nothing written
        if read is not None and schedule is not None:
            found, text = imported_text(*read, schedule, imported.events, imported.updates)
            would_be(file, text, now)
            for u in found:
                _say_update(source, u, "would update")
        elif not exists:
            would_be(file, new_file_text(imported, imported.events), now, new=True)
        _write(yaml_items(imported.events))
        return
    if not imported.events and not imported.updates:
        _write(f"{file}: nothing to import\n")
        return
    updated, added = 0, len(imported.events)
    if exists:
        updates, _ = import_events(file, imported.events, imported.updates, now)
        for u in updates:
            _say_update(source, u, "updated")
        updated = sum(1 for u in updates if u.changes)
    else:
        text = new_file_text(imported, imported.events)
        imported.events.clear()  # the text holds them now (a million rows: 0.7 GB less at once)
        data = writable(file, text.encode("utf-8"))
        would_be(file, text, now, new=True)  # refused whole, or written
        create_new(file, data)
    from .render.words import count

    same = len(imported.updates) - updated
    _write(f"{file}: imported {count(added, 'event')}"
           + (f", updated {updated}" if updated else "") + (f", {same} unchanged" if same else "") + "\n")


def _say_update(source: str, update: "Update", verb: str) -> None:
    """Report what an import changes in one event (on stderr)."""
    if update.changes:
        typer.echo(f"{source}: {verb} {quote(update.id)}: {'; '.join(update.words)}", err=True)


@app.command()
def check(file: FileOpt = "events.yaml", as_of: AsOfOpt = None) -> None:
    """Validate the events file: print 'N events OK', or every problem as FILE:LINE:COL.
    What happened by the day judged (a slip, an overdue event) is never a problem: it is
    warned about, with what it delays.

    Example: timeline check -f events.yaml --as-of 2005-03-01
    """
    from .pipeline import load_schedule
    from .render.words import count, days

    schedule = load_schedule(file, now_utc(), as_of)
    _write(f"{count(len(schedule.events), 'event')} OK\n")

    for e in schedule.events:  # news, not errors: the file is valid
        where = f"{schedule.path}:{e.event.line}:{e.event.col}: warning: {quote(e.id)}"
        if e.projected_by is not None:
            typer.echo(f"{where} is projected at least {days(e.projected_by)} late as of {schedule.today}: "
                       f"{e.projection}", err=True)
        if e.at_risk is not None:
            typer.echo(f"{where} is at risk as of {schedule.today}: {e.at_risk}", err=True)
    for e in schedule.events:
        _warn_nonexistent(schedule, e)
    for e, parent in schedule.outside_parents():
        line, col = e.event.position("parent")
        typer.echo(f"{schedule.path}:{line}:{col}: warning: {quote(e.id)} is planned for {e.planned_label}, outside "
                   f"its parent phase {quote(parent.id)} ({parent.planned_label}); views list it under the phase all "
                   "the same, out of date order (widen the phase, or give the event another parent)", err=True)


NONEXISTENT_YEARS = 10
"""How far past today `check` looks for occurrences of a series at a time the clocks skip
(only from today on: what is past has happened)."""


def _warn_nonexistent(schedule: "Schedule", e: "ResolvedEvent") -> None:
    """Warn about the occurrences of a series at a wall-clock time its zone skips that day."""
    series = e.series
    if series is None or not series.timed:
        return
    first = max(series.naive_first.date(), schedule.today)
    last = schedule.today.replace(year=min(schedule.today.year + NONEXISTENT_YEARS, 9999), day=28)
    if series.last_start is not None:
        last = min(last, series.last_start.date())
    found = series.nonexistent(first, last)
    if not found:
        return
    from .labels import day_label

    line, col = e.event.position("when")
    days = ", ".join(day_label(n.date()) for n in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    typer.echo(f"{schedule.path}:{line}:{col}: warning: {quote(e.id)} falls at {found[0]:%H:%M}, a time the clocks skip "
               f"in {series.zone}, on {days}; {'it is' if len(found) == 1 else 'they are'} held an hour later there, "
               "as calendar programs hold such a time (move an occurrence with `timeline move`, or pick another "
               "time)", err=True)


@app.command("list")
def list_(
    file: FileOpt = "events.yaml",
    fmt: Annotated[str, typer.Option("--format", metavar="text|markdown|json|csv", autocompletion=_choices("text", "markdown", "json", "csv"), help="Output format.")] = "text",
    tag: TagOpt = None,
    kind: KindOpt = None,
    owner: OwnerOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Print the schedule in chronological order, grouped under parent phases.

    Example: timeline list --format json --tag wgig --from 2004-11-01
    """
    from .pipeline import load_schedule
    from .render.listing import ListFormat, ListOptions, list_chunks

    kinds = _kinds(kind)
    schedule = load_schedule(file, now_utc(), as_of)
    start, stop = day_of(from_, schedule.today, "--from"), day_of(to, schedule.today, "--to")
    options = ListOptions(_choice(ListFormat, fmt, "--format"), start, stop)
    _write(list_chunks(_chosen(schedule, tag, kinds, start, stop, owner), options))


@app.command()
def ics(
    file: FileOpt = "events.yaml",
    output: Annotated[str | None, typer.Option("-o", "--output", metavar="FILE", help="Write the feed to FILE atomically instead of stdout.")] = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    owner: OwnerOpt = None,
    windows: WindowsOpt = None,
    since: SinceOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Write the schedule as an RFC 5545 iCalendar feed.

    Example: timeline ics --tag wgig -o wgig.ics
    """
    from .pipeline import load_schedule
    from .render.ics import feed_options, ics_chunks, schedule_stamp

    mode = _windows(windows)
    kinds = _kinds(kind)
    schedule = load_schedule(file, now_utc(), as_of)
    stamp = schedule_stamp(schedule, os.environ.get("SOURCE_DATE_EPOCH"))
    whole = not (tag or kind or owner)  # a chosen part of the feed has no known address of its own
    options = feed_options(schedule, stamp, mode, day_of(since, schedule.today, "--since"),
                           source=schedule.calendar.url if whole else None)
    data = ics_chunks(_chosen(schedule, tag, kinds, owners=owner), options)
    if output is None:
        sys.stdout.buffer.writelines(data)
        sys.stdout.flush()
    else:
        from .fsutil import atomic_write

        atomic_write(output, data)


@app.command()
def upcoming(
    file: FileOpt = "events.yaml",
    as_of: AsOfOpt = None,
    within: Annotated[Duration | None, typer.Option("--within", parser=_within, metavar="DURATION", help="A hard horizon, such as 30d, 2w or 1m: nothing starting or due later is listed. Without it: 30 days, and each event's warn lead time (else calendar.warn) also announces it earlier.")] = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = "text",
    json_: JsonOpt = False,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 3 when anything is overdue.")] = False,
) -> None:
    """List what is overdue, due, ongoing or starting soon.

    Example: timeline upcoming --as-of 2004-10-15 --within 30d
    """
    from .pipeline import load_schedule
    from .analysis.upcoming import find_upcoming
    from .render.upcoming import UpcomingOptions, render_upcoming

    kinds = _kinds(kind)
    schedule = _chosen(load_schedule(file, now_utc(), as_of), tag, kinds, owners=owner)
    found = find_upcoming(schedule, within)
    _write(render_upcoming(schedule, found, UpcomingOptions(_json_format(fmt, json_))))
    if fail_on_overdue and found.overdue:
        raise typer.Exit(3)


def _columns(width: int | None, minimum: int, what: str) -> int:
    """The columns a chart or grid may take: `--width` (a usage error below `minimum`), else
    the terminal's width, else 80."""
    import shutil

    if width is not None and width < minimum:
        raise typer.BadParameter(f"{width} is too narrow: {what} needs at least {minimum} columns", param_hint="'--width'")
    return width if width is not None else min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)


@app.command()
def gantt(
    file: FileOpt = "events.yaml",
    width: WidthOpt = None,
    scale: Annotated[str, typer.Option("--scale", metavar="auto|week|month|quarter|year", autocompletion=_choices("auto", "week", "month", "quarter", "year"), help="Units of the time axis.")] = "auto",
    from_: Annotated[DayArg | None, typer.Option("--from", parser=_from_day, metavar=DAY, help="First day shown (or the first day of a date expression: 2026-12, 2026-Q2).")] = None,
    to: Annotated[DayArg | None, typer.Option("--to", parser=_to_day, metavar=DAY, help="Last day shown (or the last day of a date expression).")] = None,
    as_of: AsOfTodayOpt = None,
    ascii_: AsciiOpt = False,
    color: Annotated[str, typer.Option("--color", metavar="auto|always|never", autocompletion=_choices("auto", "always", "never"), help="ANSI colors (auto: NO_COLOR turns them off, else FORCE_COLOR on, else TERM=dumb off, else on a terminal).")] = "auto",
    tag: TagOpt = None,
    kind: KindOpt = None,
    owner: OwnerOpt = None,
    forecast: Annotated[bool, typer.Option("--forecast", help=f"Shade each row's forecast P10–P90 and mark its P50 ({DEFAULT_RUNS:,} runs, seed {DEFAULT_SEED}, as of --as-of).")] = False,
    fmt: Annotated[str, typer.Option("--format", metavar="text|mermaid|markdown", autocompletion=_choices("text", "mermaid", "markdown"), help="text: the chart for a terminal; mermaid: a Mermaid gantt (GitHub and GitLab draw it); markdown: the Mermaid chart in a fenced block with the list beside it.")] = "text",
) -> None:
    """Draw a text Gantt chart: certain days solid, possible days light, today as a line
    (or, with --format mermaid or markdown, the chart for a README or an issue).

    Example: timeline gantt --width 100 --as-of 2004-10-15
    """
    from .pipeline import load_schedule
    from .render.gantt import MIN_WIDTH, GanttOptions, Scale, render_gantt

    columns = _columns(width, MIN_WIDTH, "the chart")
    axis_scale = _choice(Scale, scale, "--scale")
    chart = _choice(_Chart, fmt, "--format")
    mode = _choice(_Color, color, "--color")
    kinds = _kinds(kind)
    use_color = mode == _Color.ALWAYS or (mode == _Color.AUTO and _color_wanted())
    schedule = load_schedule(file, now_utc(), as_of)
    start, stop = day_of(from_, schedule.today, "--from"), day_of(to, schedule.today, "--to")
    if chart != _Chart.TEXT:
        if forecast:
            raise typer.BadParameter("the forecast is drawn only in the text chart", param_hint="'--forecast'")
        from .render.mermaid import render_markdown, render_mermaid

        chosen = _chosen(schedule, tag, kinds, start, stop, owner)
        _write((render_mermaid if chart == _Chart.MERMAID else render_markdown)(chosen, start, stop))
        return
    bands = None
    if forecast:
        from .forecast import bands as forecast_bands

        bands = forecast_bands(schedule)
    options = GanttOptions(width=columns, scale=axis_scale, start=start, stop=stop, ascii=ascii_, color=use_color,
                           bands=bands)
    _write(render_gantt(_chosen(schedule, tag, kinds, start, stop, owner), options))


@app.command("calendar")
def calendar_(
    month: Annotated[DayArg | None, typer.Argument(metavar="[MONTH]", parser=_from_day, help="The month: 2005-11, or any day in it (today, 'in 2 months'); default: this month (of --as-of).")] = None,
    file: FileOpt = "events.yaml",
    as_of: AsOfOpt = None,
    width: WidthOpt = None,
    ascii_: AsciiOpt = False,
    tag: TagOpt = None,
    kind: KindOpt = None,
    owner: OwnerOpt = None,
) -> None:
    """Print a month as a grid of days, each with its events as a subscribed calendar
    shows them (long windows as the days they open and close), like cal or remind -c.

    Example: timeline calendar 2004-11 --as-of 2004-10-15
    """
    from .analysis.month import month_of
    from .pipeline import load_schedule
    from .render.month import MIN_WIDTH, MonthOptions, render_month

    columns = _columns(width, MIN_WIDTH, "the grid")
    schedule = load_schedule(file, now_utc(), as_of)
    day = day_of(month, schedule.today, "MONTH") or schedule.today
    chosen = _chosen(schedule, tag, _kinds(kind), None, None, owner)
    _write(render_month(month_of(chosen, day.replace(day=1)), MonthOptions(width=columns, ascii=ascii_)))


@app.command()
def done(
    ident: IdArg,
    file: FileOpt = "events.yaml",
    on: Annotated[str | None, typer.Option("--on", parser=_when_done, metavar="DATE-EXPRESSION", help="When it happened: a day, a span, a window, or yesterday, '3 days ago' (default: the planned day, when the event is planned for one exact day that has come).")] = None,
    note: NoteOpt = None,
) -> None:
    """Record that an event happened: sets `actual` and `status: done` in the events file.
    Without --on, the planned day is recorded when the event is planned for an exact day
    that has come; otherwise say when it happened.

    Example: timeline done first-meeting --on 2004-11-23/2004-11-25 --note "Geneva"
    """
    from .edit import done_changes, edit_event, edit_occurrence, occurrence_done

    name, day = _occurrence(ident)
    if day is not None:
        edited = edit_occurrence(file, name, day, occurrence_done(day, on, note), now_utc())  # type: ignore[arg-type]
        _write(f"{ident}: done" + "".join(f" ({c.text})" for c in edited.changes if c.key == "actual") + "\n")
        return
    edited = edit_event(file, ident, done_changes(ident, on, note), now_utc(), compare=on is None)  # type: ignore[arg-type]
    _write(f"{ident}: done ({edited.changes[0].text})\n")


@app.command()
def cancel(ident: IdArg, file: FileOpt = "events.yaml", note: NoteOpt = None) -> None:
    """Mark an event cancelled (it stays in the feed, with STATUS:CANCELLED).

    Example: timeline cancel advisory-board --note "not set up"
    """
    from .edit import cancel_changes, edit_event, edit_occurrence, occurrence_cancelled

    name, day = _occurrence(ident)
    if day is not None:
        edit_occurrence(file, name, day, occurrence_cancelled(note), now_utc())
    else:
        edit_event(file, ident, cancel_changes(note), now_utc())
    _write(f"{ident}: cancelled\n")


@app.command(context_settings={"ignore_unknown_options": True})  # `move ID -3d`: a shift, not an option
def move(
    ident: IdArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", parser=_move_to, help="The new date expression, or a shift such as +2w or -3d.")],
    file: FileOpt = "events.yaml",
    keep_refs: Annotated[bool, typer.Option("--keep-refs", help="For a date written as a reference, shift the reference to the new day instead of replacing it.")] = False,
) -> None:
    """Move an event: a new date expression, or a shift of its own window (+2w, -3d, +1m)
    that keeps its references. The first move keeps the old dates as its baseline.

    Example: timeline move further-round "[2005-04-15..2005-05-15]"
    """
    from .edit import Shift, edit_event, edit_occurrence, move_changes, moved_by, occurrence_moved

    name, day = _occurrence(ident)
    if day is not None:
        if isinstance(when, Shift):
            raise RequestError(f"{ident}: an occurrence moves to a day or a time, such as {day}T16:00, not by a shift")
        edit_occurrence(file, name, day, occurrence_moved(when), now_utc())  # type: ignore[arg-type]
        _write(f"{ident}: moved to {when.text}\n")  # type: ignore[attr-defined]
        return
    notes: list[str] = []
    edited = edit_event(file, ident, move_changes(ident, when, notes, keep_refs), now_utc(), compare=True)  # type: ignore[arg-type]
    moved = next(e.planned_label for e in edited.after.events if e.id == ident)
    lines = [f"{ident}: moved by {when.text} to {moved}" if isinstance(when, Shift) else f"{ident}: moved to {when.text}"]  # type: ignore[attr-defined]
    lines += notes
    if edited.before is not None:
        lines += moved_by(edited.before, edited.after, ident)
    _write("\n".join(lines) + "\n")


@app.command()
def baseline(file: FileOpt = "events.yaml") -> None:
    """Make the current plan the baseline that slips are measured against (every event's
    `baseline:` from earlier moves is removed).

    Example: timeline baseline -f events.yaml
    """
    from .edit import clear_baselines, edit_file

    before, after = edit_file(file, clear_baselines, now_utc(), compare=True)
    count = sum(1 for e in before.events if e.replanned) if before is not None else 0
    _write(f"{file}: the current plan is the baseline ({count} re-planned events)\n")


@app.command()
def slips(
    file: FileOpt = "events.yaml",
    as_of: AsOfOpt = None,
    fmt: FormatOpt = "text",
    json_: JsonOpt = False,
    against: Annotated[str, typer.Option("--against", metavar="baseline|current", autocompletion=_choices("baseline", "current"), help="The plan the verdict is measured against (the other is shown beside it).")] = "baseline",
    occurrences: Annotated[bool, typer.Option("--occurrences", help="Also list the past occurrences of repeating events that have no record.")] = False,
    owner: OwnerOpt = None,
) -> None:
    """Compare what happened with the plan: on plan, late, early, or no record, against the
    baseline (the plan before any move) and the current plan.

    Example: timeline slips --json --against current
    """
    from .pipeline import load_schedule
    from .analysis.slips import Against, find_slips
    from .render.slips import SlipsOptions, render_slips

    plan = _choice(Against, against, "--against")
    schedule = _chosen(load_schedule(file, now_utc(), as_of), None, [], owners=owner)
    _write(render_slips(schedule, find_slips(schedule, plan, occurrences), SlipsOptions(_json_format(fmt, json_))))


@app.command()
def explain(
    ident: IdArg,
    file: FileOpt = "events.yaml",
    as_of: AsOfOpt = None,
    fmt: FormatOpt = "text",
    json_: JsonOpt = False,
) -> None:
    """Show why an event's windows are what they are: for each bound, the chain of written
    dates, references, after/before, actuals and projections behind it, with file:line.

    Example: timeline explain phase-2
    """
    from .pipeline import load_schedule
    from .render.explain import ExplainOptions, render_explain

    schedule = load_schedule(file, now_utc(), as_of)
    _write(render_explain(schedule, ExplainOptions(ident, _json_format(fmt, json_))))


@app.command()
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The earlier version: a file, or a git revision of the events file (HEAD~1, main@{1.week.ago}).")] = "HEAD",
    new: Annotated[str | None, typer.Argument(metavar="NEW", help="The later version (default: the events file as it is).")] = None,
    file: FileOpt = "events.yaml",
    fmt: Annotated[str, typer.Option("--format", metavar="text|markdown|json", autocompletion=_choices("text", "markdown", "json"), help="Output format.")] = "text",
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 4 when anything changed.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Show what changed between two versions of the plan: events added, removed, moved (by
    how many days), retitled or re-statused, comparing resolved windows.

    Example: timeline diff HEAD~1 --format markdown
    """
    from .source import read_source
    from .pipeline import schedule_from_source
    from .analysis.changes import changes
    from .render.diff import DiffFormat, DiffOptions, render_diff
    from .revisions import read_version

    form = _choice(DiffFormat, fmt, "--format")
    now = now_utc()
    before = schedule_from_source(read_version(old, file), now, as_of)
    after = schedule_from_source(read_version(new, file) if new else read_source(file), now, as_of)
    found = changes(before, after)
    _write(render_diff(after, found, DiffOptions(before, form)))
    if exit_code and found:
        raise typer.Exit(4)


@app.command("forecast")
def forecast_(
    file: FileOpt = "events.yaml",
    as_of: AsOfOpt = None,
    runs: Annotated[int, typer.Option("--runs", metavar="N", min=100, max=MAX_RUNS, help="How many runs to draw.")] = DEFAULT_RUNS,
    seed: Annotated[int, typer.Option("--seed", metavar="S", min=0, help="The random seed (the same seed gives the same forecast).")] = DEFAULT_SEED,
    percentiles: Annotated[str, typer.Option("--percentiles", metavar="P,P,...", help="Which percentiles to show, such as 10,50,90.")] = "10,50,90",
    tag: TagOpt = None,
    kind: KindOpt = None,
    owner: OwnerOpt = None,
    fmt: FormatOpt = "text",
    json_: JsonOpt = False,
    backtest: Annotated[bool, typer.Option("--backtest", help="Replay the forecast as of each recorded actual minus --lead, and say where each actual fell.")] = False,
    lead: Annotated[Duration, typer.Option("--lead", parser=_within, metavar="DURATION", help="For --backtest: how long before each actual the forecast is made.")] = "90d",  # type: ignore[assignment]
    no_history: Annotated[bool, typer.Option("--no-history", help="Draw every window as written, without learning from the plan's history how often and how far its windows are overrun.")] = False,
) -> None:
    """Forecast every event: P10, P50 and P90 of its start and end, the chance that each
    deadline is met and that each event lands in its planned window, and the events that
    most often drive each deadline, from runs that keep every dependency.

    Example: timeline forecast --as-of 2004-06-24 --runs 10000
    """

    from .forecast import backtest as replays_of
    from .forecast import forecast
    from .pipeline import load_days, load_schedule
    from .render.forecast import ForecastOptions, render_backtest, render_forecast

    try:
        qs = tuple(int(p) for p in percentiles.split(","))
    except ValueError:
        raise typer.BadParameter(f"expected whole numbers separated by commas, such as 10,50,90, not {quote(percentiles)}",
                                 param_hint="'--percentiles'") from None
    if not qs or any(not 1 <= q <= 99 for q in qs) or list(qs) != sorted(set(qs)):
        raise typer.BadParameter("expected rising percentiles from 1 to 99, such as 10,50,90", param_hint="'--percentiles'")
    kinds = _kinds(kind)
    as_json = _json_format(fmt, json_)
    if backtest:
        schedule, judged_on = load_days(file, now_utc(), as_of)
        chosen = _chosen(schedule, tag, kinds, owners=owner)
        replays, windows_only = replays_of(chosen.events, judged_on, lead, runs, seed, history=not no_history)
        _write(render_backtest(replays, as_json, windows_only))
        return
    schedule = load_schedule(file, now_utc(), as_of)
    chosen = _chosen(schedule, tag, kinds, owners=owner)
    result = forecast(schedule, runs, seed, history=not no_history)
    _write(render_forecast(result, ForecastOptions(qs, as_json, chosen)))


@app.command()
def build(
    outdir: Annotated[str, typer.Argument(metavar="OUTDIR", help="The folder to write the site into (replaced atomically).")],
    file: FileOpt = "events.yaml",
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL", parser=_base_url, help="Where the folder will be published, for subscribe links (default: calendar.url).")] = None,
    as_of: AsOfTodayOpt = None,
    windows: WindowsOpt = None,
    since: SinceOpt = None,
    forecast: Annotated[bool, typer.Option("--forecast", help="Shade each row's forecast P10–P90 and mark its P50 in the page's chart.")] = False,
) -> None:
    """Build a static site: calendar.ics, tags/*.ics, kinds/*.ics, owners/*.ics and index.html.
    A feed over 1 MB (Google Calendar refuses those) is warned about.

    Example: timeline build site --base-url https://example.org/wgig/
    """
    from .pipeline import load_schedule
    from .publish import SiteRequest, site_pieces, write_site
    from .render.site import FEED_LIMIT

    request = SiteRequest(base_url, _windows(windows), since, forecast)
    files = site_pieces(load_schedule(file, now_utc(), as_of), request, os.environ.get("SOURCE_DATE_EPOCH"))
    sizes = write_site(outdir, files)
    _write(f"{outdir}: {len(files)} files\n")
    for path, size in sizes.items():
        if path.endswith(".ics") and size > FEED_LIMIT:
            typer.echo(f"{outdir}/{path}: warning: the feed is {size / 1_000_000:.1f} MB; Google Calendar refuses "
                       "feeds over about 1 MB: leave out old events with calendar.keep (such as keep: 1y) or --since",
                       err=True)


@app.command()
def serve(
    file: FileOpt = "events.yaml",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8000,
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL", parser=_base_url, help="Public URL of the site, for subscribe links.")] = None,
    windows: WindowsOpt = None,
    since: SinceOpt = None,
    as_of: AsOfOpt = None,
    forecast: Annotated[bool, typer.Option("--forecast", help="Shade each row's forecast P10–P90 and mark its P50 in the page's chart.")] = False,
) -> None:
    """Serve the site from memory, reloading on every valid change of the events file and
    every new day; the same files as `timeline build` writes.

    Example: timeline serve --port 8000 --base-url https://cal.example.org/
    """
    import gc

    from .web import Site, log_to_stderr, serve as run_server

    gc.enable()  # a long-running server needs its garbage collected (see main)
    day_of(as_of, now_utc().date(), "--as-of")  # a day out of range is a usage error before anything starts
    site = Site(file, base_url, log=lambda line: None, windows=_windows(windows), since=since, as_of=as_of,
                forecast=forecast)
    if site.error is not None:  # refuse to start on an invalid file (exit 1 with its problems)
        raise TimelineError(site.error)
    site.log = log_to_stderr
    try:
        run_server(site, host, port)
    except OSError as e:
        raise TimelineError(f"cannot listen on {host}:{port}: {e.strerror}") from None


def app_for(args: list[str]) -> typer.Typer:
    """The app as it runs for these arguments: with only the named command when the first
    argument names one, else whole.

    Typer builds the Click parameters of every command at each start (13 ms of the 200 ms
    that `timeline upcoming` takes); a command line that names its command needs only that
    one's. The command's help, options, errors and exit codes are the same either way;
    `timeline`, `timeline --help`, `--version`, a mistyped command and shell completion
    get the whole app.
    """
    if not args:
        return app
    only = [c for c in app.registered_commands
            if (c.name or typer.main.get_command_name(c.callback.__name__)) == args[0]]  # type: ignore[union-attr]
    if not only:
        return app
    one = copy.copy(app)
    one.registered_commands = only
    return one


def main() -> None:
    """Console-script entry point: run one command, then leave without tearing down.

    A one-shot command builds many small objects; none of them form garbage cycles, yet
    the cyclic collector would walk them over and over (40% of `timeline check` on 10,000
    events, and more than linear growth), so it is switched off here and back on only for
    the long-running `serve`. For the same reason the process ends with `os._exit` once
    the output is flushed: freeing every object of a 10,000-event schedule one by one at
    interpreter exit took 0.15 s, and nothing is left to finalise (files are written and
    closed inside the commands, and nothing registers exit handlers).
    """
    import gc

    gc.disable()
    try:
        app_for(sys.argv[1:])(prog_name="timeline")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
        if isinstance(e.code, str):
            sys.stderr.write(e.code + "\n")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # `timeline list | head`, or a stream closed on purpose
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
