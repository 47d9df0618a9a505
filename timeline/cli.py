"""The command line: a thin layer that parses options, calls the library, prints, exits.

Only this module prints or exits. Every `TimelineError` raised below is turned into its
message on stderr and exit code 1 in one place (`_Group.invoke`); usage errors exit 2.
Heavy modules (icalendar, PyYAML for edits, the web server) are imported inside the
commands that need them so that start-up stays fast. There is deliberately no
`from __future__ import annotations` here: Typer would then evaluate every annotation
string at each start, which more than doubles the time it takes to build the command tree.
"""

import os
import sys
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Annotated, Callable, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .dates import parse_as_of
from .errors import DateSyntaxError, TimelineError

if TYPE_CHECKING:
    from .resolve import Schedule


class _Group(TyperGroup):
    """Translates library errors into exit code 1 with the message on stderr."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except TimelineError as e:
            typer.echo(str(e), err=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:  # `timeline list | head`
            sys.stderr.close()
            raise typer.Exit(0) from None


app = typer.Typer(
    cls=_Group,
    help="Track milestones whose dates are windows, from one declarative events.yaml.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _day(text: str) -> date:
    """Parse a YYYY-MM-DD option value (a bad one is a usage error: exit 2)."""
    try:
        return parse_as_of(text)
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e)) from None


FileOpt = Annotated[
    str,
    typer.Option("-f", "--file", envvar="TIMELINE_FILE", metavar="PATH",
                 help="Events file (default: $TIMELINE_FILE, else ./events.yaml; '-' is standard input)."),
]
TagOpt = Annotated[Optional[list[str]], typer.Option("--tag", metavar="T", help="Only events with this tag (repeatable).")]
KindOpt = Annotated[Optional[list[str]], typer.Option("--kind", metavar="K", help="Only events of this kind (repeatable).")]


def now_utc() -> datetime:
    """The current instant; the one place the CLI reads the clock."""
    return datetime.now(timezone.utc)


_KEEP: list[Callable[[], None]] = []
"""Cache writes to run once the output is out (see `main`)."""


def _schedule(file: str, as_of: Optional[date] = None, now: Optional[datetime] = None) -> "Schedule":
    """Load and resolve an events file, through the schedule cache (`timeline.cache`)."""
    from .cache import load
    from .loader import read_source

    schedule, keep = load(read_source(file), as_of, now)
    if keep is not None:
        _KEEP.append(keep)
    return schedule


def _write(text: str) -> None:
    """Write rendered text to stdout exactly."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"timeline {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Track milestones whose dates are windows, from one declarative events.yaml.

    Example: timeline list --tag wgig
    """


def _choice(kind, value: str, what: str, option: str):  # type: ignore[no-untyped-def]
    """The member of a `str` Enum named by an option (an unknown one is a usage error)."""
    try:
        return kind(value)
    except ValueError:
        names = [m.value for m in kind]
        expected = ", ".join(names[:-1]) + f" or {names[-1]}"
        raise typer.BadParameter(f"unknown {what} {value!r}; expected {expected}", param_hint=option) from None


def _kinds(kinds: list[str] | None) -> list[str]:
    """Validate --kind values (a bad one is a usage error)."""
    from .model import Kind

    allowed = [k.value for k in Kind]
    for k in kinds or []:
        if k not in allowed:
            raise typer.BadParameter(f"unknown kind {k!r}; expected one of {', '.join(allowed)}", param_hint="--kind")
    return list(kinds or [])


@app.command()
def check(file: FileOpt = "events.yaml") -> None:
    """Validate the events file: print 'N events OK', or every problem as FILE:LINE:COL.

    Example: timeline check -f events.yaml
    """
    schedule = _schedule(file)
    _write(f"{len(schedule.events)} events OK\n")


@app.command("list")
def list_(
    file: FileOpt = "events.yaml",
    fmt: Annotated[str, typer.Option("--format", metavar="text|markdown|json|csv", help="Output format.")] = "text",
    tag: TagOpt = None,
    kind: KindOpt = None,
    from_: Annotated[Optional[date], typer.Option("--from", parser=_day, metavar="YYYY-MM-DD", help="Only events that may fall on or after this day.")] = None,
    to: Annotated[Optional[date], typer.Option("--to", parser=_day, metavar="YYYY-MM-DD", help="Only events that may fall on or before this day.")] = None,
) -> None:
    """Print the schedule in chronological order, grouped under parent phases.

    Example: timeline list --format json --tag wgig --from 2004-11-01
    """
    from .listing import ListFormat, render_list
    from .resolve import select

    form = _choice(ListFormat, fmt, "format", "--format")
    schedule = _schedule(file)
    events = select(schedule.events, tag or (), _kinds(kind), from_, to)
    _write(render_list(schedule, events, form))


@app.command()
def ics(
    file: FileOpt = "events.yaml",
    output: Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help="Write the feed to FILE atomically instead of stdout.")] = None,
    tag: TagOpt = None,
    kind: KindOpt = None,
    windows: Annotated[str, typer.Option("--windows", metavar="span|start|end", help="Uncertain windows: the whole window (span), or its first or last possible day.")] = "span",
) -> None:
    """Write the schedule as an RFC 5545 iCalendar feed.

    Example: timeline ics --tag wgig -o wgig.ics
    """
    from .ics import WindowMode, render_ics, schedule_stamp
    from .resolve import select

    mode = _choice(WindowMode, windows, "mode", "--windows")
    schedule = _schedule(file)
    events = select(schedule.events, tag or (), _kinds(kind))
    stamp = schedule_stamp(schedule, os.environ.get("SOURCE_DATE_EPOCH"))
    data = render_ics(schedule, events, stamp, mode)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from .fsutil import atomic_write

        atomic_write(output, data)


@app.command()
def upcoming(
    file: FileOpt = "events.yaml",
    as_of: Annotated[Optional[date], typer.Option("--as-of", parser=_day, metavar="YYYY-MM-DD", help="Judge as of this day (default: today in the calendar's zone).")] = None,
    within: Annotated[str, typer.Option("--within", metavar="DURATION", help="Horizon, such as 30d, 2w or 1m.")] = "30d",
    tag: TagOpt = None,
    kind: KindOpt = None,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 3 when anything is overdue.")] = False,
) -> None:
    """List what is overdue, due, ongoing or starting soon.

    Example: timeline upcoming --as-of 2004-10-15 --within 30d
    """
    from .dates import parse_duration, shift_date
    from .resolve import select
    from .upcoming import State, find_upcoming, render_json, render_text

    try:
        horizon_len = parse_duration(within)
        if horizon_len.unit == "h":
            raise DateSyntaxError("--within takes days, weeks, months or years, such as 30d")
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e), param_hint="--within") from None
    schedule = _schedule(file, as_of, now_utc())
    day = schedule.as_of
    assert day is not None
    horizon = shift_date(day, horizon_len.amount, horizon_len.unit)
    events = select(schedule.events, tag or (), _kinds(kind))
    items = find_upcoming(events, day, horizon, schedule.calendar.warn)
    _write(render_json(items, day, horizon) if json_ else render_text(schedule, items, day, horizon, events))
    if fail_on_overdue and any(i.state == State.OVERDUE for i in items):
        raise typer.Exit(3)


@app.command()
def gantt(
    file: FileOpt = "events.yaml",
    width: Annotated[Optional[int], typer.Option("--width", metavar="N", help="Columns (default: the terminal's width, else 80).")] = None,
    scale: Annotated[str, typer.Option("--scale", metavar="auto|week|month|quarter|year", help="Units of the time axis.")] = "auto",
    from_: Annotated[Optional[date], typer.Option("--from", parser=_day, metavar="YYYY-MM-DD", help="First day shown.")] = None,
    to: Annotated[Optional[date], typer.Option("--to", parser=_day, metavar="YYYY-MM-DD", help="Last day shown.")] = None,
    today: Annotated[Optional[date], typer.Option("--today", parser=_day, metavar="YYYY-MM-DD", help="Draw the today line here and judge 'done' as of this day.")] = None,
    ascii_: Annotated[bool, typer.Option("--ascii", help="Only ASCII characters.")] = False,
    color: Annotated[str, typer.Option("--color", metavar="auto|always|never", help="ANSI colors (auto: on a terminal, unless NO_COLOR is set).")] = "auto",
    tag: TagOpt = None,
    kind: KindOpt = None,
) -> None:
    """Draw a text Gantt chart: certain days solid, possible days light, today as a line.

    Example: timeline gantt --width 100 --today 2004-10-15
    """
    import shutil

    from .gantt import GanttOptions, Scale, render_gantt
    from .resolve import select

    axis_scale = _choice(Scale, scale, "scale", "--scale")
    if color not in ("auto", "always", "never"):
        raise typer.BadParameter(f"unknown value {color!r}; expected auto, always or never", param_hint="--color")
    use_color = color == "always" or (color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    columns = width if width is not None else shutil.get_terminal_size((80, 24)).columns
    schedule = _schedule(file, today, now_utc())
    events = select(schedule.events, tag or (), _kinds(kind), from_, to)
    options = GanttOptions(width=columns, scale=axis_scale, start=from_, stop=to, today=schedule.as_of,
                           ascii=ascii_, color=use_color, title=schedule.calendar.name)
    _write(render_gantt(events, options))


def _date_expr(text: str) -> str:
    """Check a date expression given on the command line (a bad one is a usage error)."""
    from .dates import parse_expr

    try:
        parse_expr(text)
    except DateSyntaxError as e:
        raise typer.BadParameter(str(e)) from None
    return text


IdArg = Annotated[str, typer.Argument(metavar="ID", help="The event's id.")]
NoteOpt = Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="A remark recorded with the event.")]


@app.command()
def done(
    ident: IdArg,
    file: FileOpt = "events.yaml",
    on: Annotated[Optional[str], typer.Option("--on", parser=_date_expr, metavar="DATE-EXPRESSION", help="When it happened (default: today in the calendar's zone); a day, a span, or a window.")] = None,
    note: NoteOpt = None,
) -> None:
    """Record that an event happened: sets `actual` and `status: done` in the events file.

    Example: timeline done first-meeting --on 2004-11-23/2004-11-25 --note "Geneva"
    """
    from .edit import done_changes, edit_event
    from .resolve import load_schedule, today_in

    if on is None:
        on = today_in(load_schedule(file).calendar.timezone, now_utc()).isoformat()
    edit_event(file, ident, done_changes(on, note))
    _write(f"{ident}: done ({on})\n")


@app.command()
def cancel(ident: IdArg, file: FileOpt = "events.yaml", note: NoteOpt = None) -> None:
    """Mark an event cancelled (it stays in the feed, with STATUS:CANCELLED).

    Example: timeline cancel advisory-board --note "not set up"
    """
    from .edit import cancel_changes, edit_event

    edit_event(file, ident, cancel_changes(note))
    _write(f"{ident}: cancelled\n")


@app.command()
def move(
    ident: IdArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", parser=_date_expr, help="The new date expression.")],
    file: FileOpt = "events.yaml",
) -> None:
    """Replace an event's date with a new date expression.

    Example: timeline move further-round "[2005-04-15..2005-05-15]"
    """
    from .edit import edit_event, move_changes

    edit_event(file, ident, lambda source: move_changes(source, ident, when))
    _write(f"{ident}: moved to {when}\n")


@app.command()
def slips(
    file: FileOpt = "events.yaml",
    as_of: Annotated[Optional[date], typer.Option("--as-of", parser=_day, metavar="YYYY-MM-DD", help="Judge as of this day (default: today in the calendar's zone).")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Compare what happened with the plan: on plan, late, early, or no record.

    Example: timeline slips --json
    """
    from .slips import find_slips, render_json, render_text

    schedule = _schedule(file, as_of, now_utc())
    assert schedule.as_of is not None
    found = find_slips(schedule.events, schedule.as_of)
    _write(render_json(schedule, found) if json_ else render_text(found))


@app.command()
def build(
    outdir: Annotated[str, typer.Argument(metavar="OUTDIR", help="The folder to write the site into (replaced atomically).")],
    file: FileOpt = "events.yaml",
    base_url: Annotated[Optional[str], typer.Option("--base-url", metavar="URL", help="Where the folder will be published, for subscribe links (default: calendar.url).")] = None,
    today: Annotated[Optional[date], typer.Option("--today", parser=_day, metavar="YYYY-MM-DD", help="The day the chart's today line marks (default: today in the calendar's zone).")] = None,
) -> None:
    """Build a static site: calendar.ics, tags/*.ics, kinds/*.ics and index.html.

    Example: timeline build site --base-url https://example.org/wgig/
    """
    from .ics import schedule_stamp
    from .publish import write_site
    from .site import build_site

    schedule = _schedule(file, today, now_utc())
    stamp = schedule_stamp(schedule, os.environ.get("SOURCE_DATE_EPOCH"))
    files = build_site(schedule, stamp, schedule.as_of, base_url)
    write_site(outdir, files)
    _write(f"{outdir}: {len(files)} files\n")


@app.command()
def serve(
    file: FileOpt = "events.yaml",
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8000,
    base_url: Annotated[Optional[str], typer.Option("--base-url", metavar="URL", help="Public URL of the site, for subscribe links.")] = None,
) -> None:
    """Serve the site from memory, reloading on every valid change of the events file.

    Example: timeline serve --port 8000 --base-url https://cal.example.org/
    """
    from .resolve import load_schedule
    from .web import Site, serve as run_server

    import gc

    gc.enable()  # a long-running server needs its garbage collected (see main)
    load_schedule(file)  # refuse to start on an invalid file (exit 1 with its problems)
    try:
        run_server(Site(file, base_url), host, port)
    except OSError as e:
        raise TimelineError(f"cannot listen on {host}:{port}: {e.strerror}") from None


def main() -> None:
    """Console-script entry point: run one command, then leave without tearing down.

    A one-shot command builds many small objects; none of them form garbage cycles, yet
    the cyclic collector would walk them over and over (40% of `timeline check` on 10,000
    events, and more than linear growth), so it is switched off here and back on only for
    the long-running `serve`. For the same reason the process ends with `os._exit` once
    the output is flushed: freeing every object of a 10,000-event schedule one by one at
    interpreter exit took 0.15 s, and nothing is left to finalise (files are written and
    closed inside the commands, and nothing registers exit handlers). Schedules computed
    for the cache are stored by a child process after that, so that storing them (0.3 s
    for 10,000 events) never delays the command.
    """
    import gc

    gc.disable()
    try:
        app(prog_name="timeline")
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
    if _KEEP and code == 0:
        _in_background(_KEEP)
    os._exit(code)


def _in_background(jobs: list[Callable[[], None]]) -> None:
    """Store schedules in a detached child whose standard streams lead nowhere, holding the
    cache's write lock from before the fork until it is done; the command does not wait."""
    from .cache import writer_lock

    lock = writer_lock()  # None where the cache is off (always where there is no fork)
    if lock is None:
        return  # cache off, or another process is storing (most likely the same schedule)
    try:
        if os.fork() != 0:
            return
    except OSError:
        return
    try:  # the child: let whoever reads our output see its end now
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        for job in jobs:
            job()
    finally:
        os._exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
