"""Hostile files and extreme values through every command: no traceback, no hang, documented
exit codes, one located line per problem, and files left as they were when a command refuses.

The corpus is `tests/data/hostile/` (one or more files per item of the review that found
them) plus files too large to keep in the repository, made here. A Hypothesis test makes
events files with arbitrary text and extreme dates in every field.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.yamltext import yaml_scalar

from .conftest import DATA, ROOT
from .interop.lint import lint
from .strategies import DAYS, date_text

HOSTILE = DATA / "hostile"
BOUND = 60
"""Seconds one command may take on any file here."""
READING = [
    ["check"], ["list", "--format", "json"], ["list", "--format", "csv"], ["upcoming", "--fail-on-overdue"],
    ["gantt", "--width", "80"], ["gantt", "--width", "60", "--scale", "week"], ["slips"], ["ics"],
    ["forecast", "--runs", "200"], ["forecast", "--backtest", "--runs", "100"],
    ["gantt", "--format", "markdown"], ["calendar", "2005-03", "--width", "70"],
]
EDITING = [["done", "a", "--on", "2005-03-01"], ["cancel", "a", "--note", "null:"], ["move", "a", "2005-04"]]


def generated(folder: Path) -> list[Path]:
    """The corpus files too large to keep in the repository."""
    files = {
        "unknown-references": "events:\n" + "".join(f"  - {{id: e{i}, title: E, when: missing-{i}.end}}\n" for i in range(20000)),
        "moved-occurrences": "events:\n  - id: d\n    title: D\n    when: 2005-01-01\n    repeat: {every: day, count: 6000}\n"
        "    occurrences:\n" + "".join(f"      {date(2005, 1, 1) + timedelta(days=i)}: {{when: {date(2005, 1, 1) + timedelta(days=i)}}}\n"
                                   for i in range(5000)),
        "unknown-parents": "events:\n" + "".join(f"  - {{id: e{i}, title: E, when: 2005, parent: nope-{i}}}\n" for i in range(3000)),
        "deep-phases": "events:\n" + "".join(
            f"  - {{id: p{i}, title: P, start: 2005-01, end: 2005-02{f', parent: p{i - 1}' if i else ''}}}\n" for i in range(3000)),
        "deep-nesting": "events:\n" + "".join("  " * i + "- \n" for i in range(1, 3000)),
        "counted-series": "events:\n" + "".join(
            f"  - {{id: s{i}, title: S, when: 2005-01-03T10:00, repeat: {{every: day, count: 10000}}}}\n" for i in range(100)),
        "huge-key": "events:\n  - id: a\n    title: A\n    when: 2005\n    " + "k" * 5_000_000 + ": 1\n",
    }
    paths = []
    for name, text in files.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run(args: list[str], path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "timeline", *args, "-f", str(path)], capture_output=True,
                          text=True, cwd=cwd, timeout=BOUND, env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "0"})


def run_in_process(args: list[str], path: Path) -> subprocess.CompletedProcess[str]:
    """`run`, in this process (a Hypothesis test's hundreds of examples: 8 times faster)."""
    from typer.testing import CliRunner

    from timeline import cli

    result = CliRunner().invoke(cli.app, [*args, "-f", str(path)], env={"SOURCE_DATE_EPOCH": "0"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def well_behaved(result: subprocess.CompletedProcess[str], path: Path) -> None:
    """No traceback, a documented exit code, and messages of one line each, located when
    they concern the file."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1, 2, 3), result.stderr[-2000:]
    if result.returncode == 1:
        for line in result.stderr.splitlines():
            assert line.strip() and len(line) < 2000, line[:200]
            if line.startswith(str(path) + ":"):
                assert re.match(rf"{re.escape(str(path))}(:\d+:\d+)?: \S", line), line[:200]


def corpus(tmp_path: Path) -> list[Path]:
    return sorted(HOSTILE.glob("*.yaml")) + generated(tmp_path)


@pytest.mark.slow
def test_every_command_on_every_hostile_file(tmp_path, monkeypatch):
    """`check` on every file in a process of its own (bounded in time); a file it refuses is
    refused alike by every command, which all load it the same way, so those run in process
    and must say what `check` said; a file it accepts goes through every command, each in a
    process of its own."""
    from typer.testing import CliRunner

    from timeline import cli

    paths = corpus(tmp_path)
    with ThreadPoolExecutor(4) as pool:
        checked = dict(zip(paths, pool.map(lambda path: run(["check"], path, tmp_path), paths), strict=True))
    monkeypatch.chdir(tmp_path)
    for path, result in checked.items():
        well_behaved(result, path)
        if result.returncode != 1:
            continue
        for args in READING[1:] + [["build", str(tmp_path / "site")]]:
            refused = CliRunner().invoke(cli.app, [*args, "-f", str(path)], catch_exceptions=False)
            assert (refused.exit_code, refused.stderr) == (1, result.stderr), (args, path.name)
    accepted = [(args, path) for path, result in checked.items() if result.returncode == 0
                for args in READING[1:] + [["build", str(tmp_path / "site")]]]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda case: (case, run(case[0], case[1], tmp_path)), accepted))
    for (_args, path), result in results:
        well_behaved(result, path)


@pytest.mark.slow
def test_every_edit_on_every_hostile_file_keeps_refused_files(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for source in corpus(tmp_path):
        for args in EDITING:
            path = work / source.name
            shutil.copyfile(source, path)
            before = path.read_bytes()
            result = run(args, path, tmp_path)
            well_behaved(result, path)
            if result.returncode != 0:
                assert path.read_bytes() == before, f"{args} changed {source.name} and failed"
            else:
                assert run(["check"], path, tmp_path).returncode == 0


def test_health_and_log_quote_only_a_short_excerpt(tmp_path):
    from timeline.web import Site

    path = tmp_path / "events.yaml"
    path.write_text("events:\n  - {id: a, title: A, when: 2005}\n", encoding="utf-8")
    lines: list[str] = []
    site = Site(str(path), log=lines.append)
    secret = tmp_path / "secret.txt"
    secret.write_text("events:\n  - " + "s3cr3t" * 1_000_000 + ": 1\n", encoding="utf-8")
    path.unlink()
    path.symlink_to(secret)
    site.refresh()
    assert site.error is not None and len(site.error) < 500
    assert lines and all(len(line) < 600 for line in lines)
    assert site.error.count("s3cr3t") <= 10
    responses: list[str] = []
    body = b"".join(site({"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"}, lambda status, headers: responses.append(status)))
    assert b"s3cr3t" not in body and str(tmp_path).encode() not in body  # the public page says neither


def test_no_module_unpickles():
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "timeline").rglob("*.py")]
    assert not any(re.search(r"\bimport pickle\b|\bpickle\.load|\bmarshal\.load", s) for s in sources)


# -- arbitrary text and extreme dates in every field -----------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)


@st.composite
def events_file(draw) -> str:
    zone = draw(st.sampled_from(["UTC", "Europe/Zurich", "Pacific/Kiritimati", "Pacific/Pago_Pago"]))
    lines = ["calendar:", f"  name: {yaml_scalar(draw(TEXT) or 'x')}", f"  timezone: {zone}",
             f"  updated: {draw(DAYS).isoformat()}", "events:"]
    for i in range(draw(st.integers(1, 6))):
        lines += [f"  - id: e{i}", f"    title: {yaml_scalar(draw(TEXT) or 'x')}", f"    when: {yaml_scalar(draw(date_text()))}"]
        for key in ("location", "description", "note", "source"):
            if draw(st.booleans()):
                lines.append(f"    {key}: {yaml_scalar(draw(TEXT) or 'x')}")
        if i and draw(st.booleans()):
            lines.append(f"    after: e{draw(st.integers(0, i - 1))}")
        if draw(st.booleans()):
            lines.append(f"    warn: {draw(st.integers(0, 5218))}w")
        if draw(st.booleans()):
            lines.append(f"    actual: {draw(DAYS).isoformat()}")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events_file())
def test_arbitrary_files_are_handled_and_feeds_are_well_formed(tmp_path, text):
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    assert yaml.compose(text) is not None  # the generator writes YAML
    feed = tmp_path / "feed.ics"
    feed.unlink(missing_ok=True)
    for args in (["check"], ["list", "--format", "json"], ["ics", "-o", str(feed)], ["build", str(tmp_path / "site")]):
        result = run_in_process(args, path)  # the process adds nothing here: exits and signals are held above
        well_behaved(result, path)
        if args[0] == "ics" and result.returncode == 0:
            assert lint(feed.read_bytes()) == []


# -- what each hostile file must be told ---------------------------------------------------

REFUSED = sorted(p for p in HOSTILE.glob("*.yaml") if p.with_suffix(".err").exists())
ACCEPTED = sorted(p for p in HOSTILE.glob("*.yaml") if not p.with_suffix(".err").exists())


@pytest.mark.parametrize("path", REFUSED, ids=[p.stem for p in REFUSED])
def test_refused_files_get_their_located_messages(path, run, monkeypatch):
    monkeypatch.chdir(path.parent)
    result = run("check", "-f", path.name)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == path.with_suffix(".err").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ACCEPTED, ids=[p.stem for p in ACCEPTED])
def test_accepted_files_make_well_formed_feeds(path, run):
    result = run("check", "-f", str(path))
    assert result.exit_code == 0 and result.stdout.endswith((" events OK\n", " event OK\n"))
    feed = run("ics", "-f", str(path), env={"SOURCE_DATE_EPOCH": "0"}).stdout_bytes
    assert lint(feed) == []
    assert not any(c in feed.decode("utf-8") for c in "\x85\u2028\u2029\x1b\x07")


def test_the_last_day_of_9999_is_an_all_day_event_with_a_duration(run):
    feed = run("ics", "-f", str(HOSTILE / "dates-at-the-edges.yaml")).stdout_bytes.decode("utf-8")
    assert "DTSTART;VALUE=DATE:99991230\r\nDURATION:P2D\r\n" in feed
    assert "DTSTART;TZID=Asia/Tokyo:00010101T100000\r\n" in feed  # years before 1000 keep four digits


@pytest.mark.parametrize("field", ["name", "title", "location", "description", "note", "source", "url", "domain"])
def test_hostile_values_in_any_field_never_add_an_event(tmp_path, run, field):
    hostile = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:injected\u2028\u0085BEGIN:VEVENT\\,;\x1b"
    calendar = {"name": "N", "domain": "example.org"}
    event = {"id": "a", "title": "A", "when": "2005-03-01"}
    (calendar if field in ("name", "domain") else event)[field] = hostile
    text = yaml.safe_dump({"calendar": calendar, "events": [event]}, allow_unicode=True)
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("ics", "-f", str(path))
    if field in ("url", "domain"):  # refused where they are written
        assert result.exit_code == 1 and f"{path}:" in result.stderr
        return
    assert result.exit_code == 0
    lines = result.stdout_bytes.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1 and b"UID:evil" not in lines  # only as escaped text inside a value
    assert lint(result.stdout_bytes) == []


@pytest.mark.parametrize("command", [["build", "site"], ["serve", "--port", "0"]])
@pytest.mark.parametrize("url", ["mailto:x@y", "javascript:alert(1)", "example.org/feeds", "https://a b/"])
def test_a_base_url_that_is_no_web_address_is_a_usage_error(run, tmp_path, default_events, command, url):
    result = run(*command, "-f", str(default_events), "--base-url", url)
    assert result.exit_code == 2 and "--base-url" in result.stderr
    assert not (tmp_path / "site").exists()


def test_an_address_without_a_scheme_edited_in_while_serving_is_reported(tmp_path):
    from timeline.web import Site, create_app

    path = tmp_path / "events.yaml"
    path.write_text("calendar: {url: 'https://example.org/feeds/'}\nevents:\n  - {id: a, title: A, when: 2005}\n")
    site = Site(str(path), log=lambda line: None)
    assert site.error is None and 'href="https://example.org/feeds/calendar.ics"' in site.files["index.html"].body.decode()
    path.write_text("calendar: {url: 'example.org/feeds'}\nevents:\n  - {id: a, title: A, when: 2006}\n")
    os.utime(path, (1, 1))
    site.refresh()
    assert site.error is not None and "calendar.url" in site.error
    assert 'href="https://example.org/feeds/calendar.ics"' in site.files["index.html"].body.decode()  # the last good one
    with pytest.raises(Exception, match="base URL"):
        create_app(str(path), "javascript:alert(1)")


def test_csv_carries_no_control_characters(run):
    out = run("list", "--format", "csv", "-f", str(HOSTILE / "line-separators.yaml")).stdout
    assert "one\ntwo\nthree\nfour" in out and not any(c in out for c in "\x1b\x07\x00\x85\u2028\u2029")


@pytest.mark.parametrize("args, message", [
    (["upcoming", "--within", "999999w"], "too long: at most 100 years"),
    (["gantt", "--width", "100000000"], "--width"),
])
def test_huge_option_values_are_usage_errors(run, default_events, args, message):
    result = run(*args, "-f", str(default_events))
    assert result.exit_code == 2 and message in result.stderr


def test_a_huge_source_date_epoch_is_a_message(run, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("events:\n  - {id: a, title: A, when: 2005}\n")
    result = run("ics", "-f", str(path), env={"SOURCE_DATE_EPOCH": "99999999999999"})
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH" in result.stderr


def test_an_endless_input_stops_at_the_limit(tmp_path):
    result = run(["check"], Path("/dev/zero"), tmp_path)
    assert result.returncode == 1 and "exceeds the limit of 67108864 bytes" in result.stderr
