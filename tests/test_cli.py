"""The command line through Typer's runner: exact output, exit codes, help on every command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

from timeline import __version__
from timeline.cli import app

from .conftest import ROOT, assert_golden, write


def commands() -> list[str]:
    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_an_example(run, name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Example: timeline " in result.stdout
    assert "--file" in result.stdout or name in ("serve", "init")  # init names its file as an argument


@pytest.mark.parametrize("name", commands())
@pytest.mark.parametrize("tail", [["--help"], ["--no-such-option"], ["-f"]])
def test_one_command_app_is_the_whole_app(name, tail):
    """`main` builds only the command it is asked for (`app_for`): its help, its usage errors
    and their exit codes are those of the whole app."""
    from typer.testing import CliRunner

    from timeline.cli import app_for

    args = [name, *tail]
    assert len(app_for(args).registered_commands) == 1
    whole, one = (CliRunner().invoke(a, args) for a in (app, app_for(args)))
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output)
    assert one.exit_code == (0 if tail == ["--help"] else 2)


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["upcomin"], ["-V", "list"]])
def test_whole_app_where_no_command_is_named_first(args):
    from timeline.cli import app_for

    assert app_for(args) is app


def test_version(run):
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"timeline {__version__}\n")


def test_check_default(run, default_events):
    result = run("check", "-f", str(default_events))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "24 events OK\n", "")


def test_file_from_environment(run, default_events, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", env={"TIMELINE_FILE": str(default_events)})
    assert result.exit_code == 0 and result.stdout == "24 events OK\n"
    assert run("check").exit_code == 1  # ./events.yaml does not exist here


@pytest.mark.parametrize("fmt, ext", [("text", "txt"), ("markdown", "md"), ("json", "json"), ("csv", "csv")])
def test_list_golden(run, default_events, monkeypatch, fmt, ext):
    monkeypatch.chdir(default_events.parent)
    result = run("list", "--format", fmt)
    assert result.exit_code == 0
    assert_golden(f"list.{ext}", result.stdout)


def test_list_json_contract(run, default_events):
    data = json.loads(run("list", "-f", str(default_events), "--format", "json").stdout)
    assert set(data["calendar"]) == {"name", "timezone", "domain"}
    keys = {"id", "title", "kind", "status", "tags", "label", "start", "end", "parent", "source", "actual", "slip_days", "line"}
    for event in data["events"]:
        assert keys <= set(event)
        for part in ("start", "end"):
            assert set(event[part]) == {"earliest", "latest"}
        assert isinstance(event["line"], int)
    report = next(e for e in data["events"] if e["id"] == "report")
    assert report["kind"] == "deadline"
    assert report["end"]["latest"] == "2005-07-15" and report["actual"] == {"start": "2005-07-15", "end": "2005-07-15"}
    assert report["planned"]["end"]["latest"] == "2005-07-31" and report["slip_days"] == 0
    composition = next(e for e in data["events"] if e["id"] == "composition")
    assert composition["slip_days"] == 11 and composition["status"] == "done"


def test_list_timed_json_has_offsets(run, tmp_path):
    path = write(tmp_path, "calendar: {timezone: Europe/Zurich}\nevents:\n  - {id: a, title: A, when: 2005-07-01T10:00}\n")
    event = json.loads(run("list", "-f", str(path), "--format", "json").stdout)["events"][0]
    assert event["start"] == {"earliest": "2005-07-01T10:00:00+02:00", "latest": "2005-07-01T10:00:00+02:00"}


def test_list_filters(run, default_events):
    result = run("list", "-f", str(default_events), "--format", "csv", "--tag", "prepcom", "--from", "2005-01-01", "--to", "2005-10-01")
    ids = [line.split(",")[0] for line in result.stdout.splitlines()[1:]]
    # the filter hides phase-2, so its part prepcom-2-consultation (24 Feb) takes its own date's place
    assert ids == ["prepcom-2", "prepcom-2-consultation", "prepcom-3"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["list", "--format", "xml"], "unknown format 'xml'"),
        (["list", "--from", "soon"], "bad date 'soon'"),
        (["list", "--kind", "party"], "unknown kind 'party'"),
        (["lsit"], "No such command"),
        (["upcoming", "--tag", "nonexistent", "--fail-on-overdue"], "unknown tag 'nonexistent' in"),
        (["list", "--tag", "wgi"], "did you mean 'wgig'? known tags: consultation, meeting, prepcom, report,"),
        (["ics", "--tag", "WGIG"], "unknown tag 'WGIG'"),
        (["gantt", "--tag", "nope"], "known tags:"),
        (["list", "--from", "report"], "not a reference"),
        (["list", "--to", "[2005-08..]"], "its last day is open"),
    ],
)
def test_usage_errors_exit_2(run, default_events, args, message):
    result = run(*args, "-f", str(default_events)) if args[0] != "lsit" else run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_python_dash_m_and_no_traceback_on_bad_file(tmp_path):
    bad = write(tmp_path, "events: [\n")
    proc = subprocess.run([sys.executable, "-m", "timeline", "check", "-f", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{bad}:2:1: YAML syntax error")
    assert "Traceback" not in proc.stderr


def test_every_choice_is_accepted_and_others_refused(run, default_events):
    from timeline.render.gantt import Scale
    from timeline.analysis.placement import WindowMode
    from timeline.render.listing import ListFormat

    for option, command, kind in (("--format", "list", ListFormat), ("--windows", "ics", WindowMode), ("--scale", "gantt", Scale)):
        for member in kind:
            assert run(command, "-f", str(default_events), option, member.value).exit_code == 0, (option, member)
        refused = run(command, "-f", str(default_events), option, "nonsense")
        assert refused.exit_code == 2 and "unknown" in refused.stderr and "nonsense" in refused.stderr


# -- the console entry point, as a process: it leaves with os._exit after flushing ----------
def _process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "timeline", *args], cwd=ROOT, capture_output=True,
                          input=stdin.encode() if stdin is not None else None, timeout=120)


def test_the_process_writes_exactly_what_the_command_writes(run):
    for args in (["list", "--format", "json"], ["list"], ["gantt", "--width", "100", "--today", "2005-01-01"]):
        done = _process(*args)
        assert done.returncode == 0
        assert done.stderr == b""
        assert done.stdout.decode() == run(*args).stdout


def test_the_process_exit_codes_and_messages():
    bad = _process("check", "-f", "tests/data/bad/cycle.yaml")
    assert bad.returncode == 1 and bad.stdout == b""
    assert bad.stderr.decode().startswith("tests/data/bad/cycle.yaml:2:5: dependency cycle")
    assert _process("no-such-command").returncode == 2
    overdue = _process("upcoming", "--as-of", "2005-06-30", "--fail-on-overdue")
    assert overdue.returncode == 3 and overdue.stdout


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    big = "events:\n" + "".join(f"  - {{id: e{i}, title: Event {i}, when: 2005-01-01}}\n" for i in range(3000))
    (tmp_path / "big.yaml").write_text(big)
    head = subprocess.run(
        f"{sys.executable} -m timeline list --format json -f {tmp_path / 'big.yaml'} | head -c 10",
        shell=True, capture_output=True, timeout=120,
    )
    assert head.stdout == b'{\n  "calen'
    assert b"Traceback" not in head.stderr and b"Error" not in head.stderr


_MODULES = """
import sys
from timeline.cli import app
try:
    app(prog_name="timeline")
except SystemExit:
    pass
sys.stderr.write(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("args", [["list"], ["list", "--format", "json"], ["upcoming"], ["gantt", "--width", "80"],
                                  ["check"], ["slips"]])
def test_commands_import_only_what_they_need(args):
    done = subprocess.run([sys.executable, "-c", _MODULES, *args, "-f", str(ROOT / "events.yaml")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    modules = set(done.stderr.split())
    assert "timeline.cli" in modules
    for heavy in ("icalendar", "wsgiref", "http.server", "socketserver", "timeline.web", "timeline.render.ics", "numpy",
                  "timeline.forecast"):
        assert heavy not in modules, f"{' '.join(args)} imports {heavy}"


def test_a_bare_timeline_prints_the_help_and_exits_0(run):
    result = run()
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ") and "[OPTIONS] COMMAND [ARGS]..." in result.stdout
    assert "upcoming" in result.stdout and result.stderr == ""


@pytest.mark.parametrize("written, days", [
    (["--from", "2004-12", "--to", "2005-Q1"], ["--from", "2004-12-01", "--to", "2005-03-31"]),
    (["--from", "2005-H2"], ["--from", "2005-07-01"]),
    (["--to", "2004"], ["--to", "2004-12-31"]),
    (["--from", "2005-07-01/2005-09-30", "--to", "2005-07-01/2005-09-30"], ["--from", "2005-07-01", "--to", "2005-09-30"]),
    (["--from", "2005-04~"], ["--from", "2005-03-01"]),
])
def test_from_and_to_take_date_expressions(run, default_events, written, days):
    """`--from` takes a date expression's first day, `--to` its last."""
    listed = run("list", "-f", str(default_events), *written).stdout
    assert listed == run("list", "-f", str(default_events), *days).stdout and listed.count("\n") > 4


@pytest.mark.parametrize("args", [["upcoming", "--as-of", "2005-01-01"], ["slips", "--as-of", "2005-08-01"],
                                  ["explain", "report"], ["forecast", "--runs", "100", "--as-of", "2004-06-24"]])
def test_format_json_and_the_json_alias_are_one_option(run, default_events, args):
    by_format = run(*args, "-f", str(default_events), "--format", "json")
    by_alias = run(*args, "-f", str(default_events), "--json")
    assert by_format.exit_code == 0 and by_format.stdout == by_alias.stdout and by_format.stdout.startswith("{")
    text = run(*args, "-f", str(default_events), "--format", "text")
    assert text.exit_code == 0 and not text.stdout.startswith("{")
    assert run(*args, "-f", str(default_events), "--format", "xml").exit_code == 2


def test_the_conventions_people_expect_of_a_command_line(run, tmp_path):
    assert run("-h").stdout == run("--help").stdout and run("list", "-h").stdout == run("list", "--help").stdout
    assert run("-V").stdout == run("--version").stdout and run("-V").stdout.startswith("timeline ")
    commands = run("--help").stdout.split("Commands:", 1)[1]
    flat = " ".join(commands.split())  # whole first sentences, wrapped, never cut with "..."
    assert "..." not in commands and "and the events that most often drive each deadline, from runs that keep" in flat
    one = write(tmp_path, "events:\n  - {id: a, title: A, when: 2026-01-01}\n")
    assert run("check", "-f", str(one)).stdout == "1 event OK\n"


@pytest.mark.parametrize("env, colored", [({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
                                          ({"FORCE_COLOR": "", "TERM": "dumb"}, False)])
def test_colour_follows_no_color_force_color_and_term(run, default_events, env, colored):
    out = run("gantt", "-f", str(default_events), "--width", "80", env={"NO_COLOR": "", "TERM": "xterm", **env}).stdout
    assert ("\x1b[" in out) == colored  # the test's output is no terminal: only FORCE_COLOR colours it


def test_a_name_that_is_not_utf8_is_shown_as_its_bytes(tmp_path):
    import os

    name = os.fsencode(str(tmp_path)) + b"/a\xff.yaml"
    proc = subprocess.run([sys.executable, "-m", "timeline", "list", "-f", name], capture_output=True)
    assert proc.returncode == 1 and b"a\\xff.yaml: no such file" in proc.stderr and b"udcff" not in proc.stderr
