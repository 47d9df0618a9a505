"""In-place edits: byte-for-byte preservation, refusal of invalid results, atomicity, locking."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from datetime import datetime, UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.yamltext import yaml_scalar
from timeline.source import Source, compose

from .conftest import ROOT, by_id, schedule_at, write


COMMENTED = """\
# The plan, as reported (a heavily commented file: every byte outside the edit must stay).
calendar:
  name: 'Commented plan'     # single-quoted on purpose
  timezone: Europe/Zurich

events:
  # --- phase one ---
  - id: setup   # trailing comment on an id
    title: "Set-up"          # double-quoted
    start: 2004-07   # July
    end: 2004-10     # October
    tags:
      - wgig
      - setup
    # a comment after the tags, inside the event

  # --- the meeting ---
  - id: meeting
    title: First meeting
    when: [2004-11, 2004-12]   # Nov or Dec
    after: setup
    description: >-
      A folded description
      on two lines.

  - {id: report, title: Report, due: 2005-07}   # flow style
  - id: summit
    title: Summit
    when: 2005-11
# the end
"""


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_done_inserts_lines_and_keeps_every_other_byte(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    result = run("done", "meeting", "-f", str(path), "--on", "2004-11-23/2004-11-25", "--note", "Geneva, with a consultation: 24 Nov")
    assert (result.exit_code, result.stdout) == (0, "meeting: done (2004-11-23/2004-11-25)\n")
    after = path.read_text(encoding="utf-8")
    removed, added = changed_lines(COMMENTED, after)
    assert removed == []
    assert added == ["    actual: 2004-11-23/2004-11-25\n", "    status: done\n", '    note: "Geneva, with a consultation: 24 Nov"\n']
    assert after.index("on two lines.\n") < after.index("    actual:") < after.index("  - {id: report")
    event = by_id(schedule_at(path))["meeting"]
    assert event.done and event.event.note == "Geneva, with a consultation: 24 Nov"


def test_done_in_a_block_with_a_list_last(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    assert run("done", "setup", "-f", str(path), "--on", "2004-11-11").exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert "      - setup\n    actual: 2004-11-11\n    status: done\n    # a comment after the tags" in after
    assert changed_lines(COMMENTED, after)[0] == []


def test_done_in_flow_style(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    assert run("done", "report", "-f", str(path), "--on", "2005-07-15").exit_code == 0
    removed, added = changed_lines(COMMENTED, path.read_text(encoding="utf-8"))
    assert removed == ["  - {id: report, title: Report, due: 2005-07}   # flow style\n"]
    assert added == ["  - {id: report, title: Report, due: 2005-07, actual: 2005-07-15, status: done}   # flow style\n"]


def test_done_without_on_records_the_planned_day_once_it_has_come(tmp_path, run, monkeypatch):
    import timeline.cli as cli

    body = "calendar: {timezone: Europe/Zurich}\nevents:\n  - {id: day, title: D, when: 2005-11-17}\n" \
           "  - {id: span, title: S, when: 2005-11-14/2005-11-16}\n  - {id: month, title: M, when: 2005-11}\n"
    path = write(tmp_path, body)
    monkeypatch.setattr(cli, "now_utc", lambda: datetime(2005, 11, 16, 22, 30, tzinfo=UTC))  # 23:30 in Zurich
    early = run("done", "day", "-f", str(path))
    assert early.exit_code == 1 and "is planned for 17 Nov 2005, after today (2005-11-16)" in early.stderr
    monkeypatch.setattr(cli, "now_utc", lambda: datetime(2005, 11, 16, 23, 30, tzinfo=UTC))  # the 17th there
    assert run("done", "day", "-f", str(path)).stdout == "day: done (2005-11-17)\n"
    assert run("done", "span", "-f", str(path)).stdout == "span: done (2005-11-14/2005-11-16)\n"
    window = run("done", "month", "-f", str(path))
    assert window.exit_code == 1 and "not one exact day: say when it happened with --on" in window.stderr
    assert "actual" not in path.read_text(encoding="utf-8").split("id: month")[1]


@pytest.mark.parametrize("on", ["tomorrow", "in 2 weeks", "2005-11-18", "2005-11-20/2005-11-21"])
def test_done_on_a_day_after_today_is_refused(tmp_path, run, monkeypatch, on):
    import timeline.cli as cli

    monkeypatch.setattr(cli, "now_utc", lambda: datetime(2005, 11, 17, 12, tzinfo=UTC))
    path = write(tmp_path, COMMENTED)
    result = run("done", "summit", "-f", str(path), "--on", on)
    assert result.exit_code == 1 and "after today (2005-11-17)" in result.stderr
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_cancel_replaces_an_existing_status(tmp_path, run):
    path = write(tmp_path, COMMENTED.replace("    title: Summit\n", "    title: Summit\n    status: tentative   # not sure\n"))
    before = path.read_text(encoding="utf-8")
    assert run("cancel", "summit", "-f", str(path), "--note", "postponed").exit_code == 0
    removed, added = changed_lines(before, path.read_text(encoding="utf-8"))
    assert removed == ["    status: tentative   # not sure\n"]
    assert added == ["    status: cancelled   # not sure\n", "    note: postponed\n"]


@pytest.mark.parametrize(
    "ident, when, removed, added",
    [
        ("summit", "2005-11-16/2005-11-18", ["    when: 2005-11\n"],
         ["    when: 2005-11-16/2005-11-18\n", "    baseline: {when: 2005-11}\n"]),
        ("meeting", "[2004-11..2004-12]", ["    when: [2004-11, 2004-12]   # Nov or Dec\n"],
         ['    when: "[2004-11..2004-12]"   # Nov or Dec\n', "    baseline: {when: [2004-11, 2004-12]}\n"]),
        ("setup", "2004-08/2004-11", ["    start: 2004-07   # July\n", "    end: 2004-10     # October\n"],
         ["    start: 2004-08   # July\n", "    end: 2004-11     # October\n", "    baseline: {start: 2004-07, end: 2004-10}\n"]),
        ("report", "2005-06", ["  - {id: report, title: Report, due: 2005-07}   # flow style\n"],
         ["  - {id: report, title: Report, due: 2005-06, baseline: {due: 2005-07}}   # flow style\n"]),
    ],
)
def test_move(tmp_path, run, ident, when, removed, added):
    path = write(tmp_path, COMMENTED)
    result = run("move", ident, when, "-f", str(path))
    assert (result.exit_code, result.stdout) == (0, f"{ident}: moved to {when}\n")
    assert changed_lines(COMMENTED, path.read_text(encoding="utf-8")) == (removed, added)


def test_move_a_span_to_a_point_rewrites_it_as_when(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    assert run("move", "setup", "2004-09", "-f", str(path)).exit_code == 0
    removed, added = changed_lines(COMMENTED, path.read_text(encoding="utf-8"))
    assert removed == ["    start: 2004-07   # July\n", "    end: 2004-10     # October\n"]
    assert added == ["    baseline: {start: 2004-07, end: 2004-10}\n", "    when: 2004-09\n"]
    assert by_id(schedule_at(path))["setup"].label == "Sep 2004"


@pytest.mark.parametrize(
    "args, message",
    [
        (["move", "meeting", "2004-06"], "contradiction: the window of 'meeting' is empty"),
        (["move", "setup", "meeting.end"], "dependency cycle"),
        (["cancel", "meeting"], None),
        (["move", "report", "2005-01/2005-02"], "is a deadline (due:)"),
    ],
)
def test_invalid_results_are_refused_and_the_file_is_untouched(tmp_path, run, args, message):
    path = write(tmp_path, COMMENTED)
    if message is None:  # cancelling a done event: the result would say cancelled and actual at once
        run("done", "meeting", "-f", str(path), "--on", "2004-11-23")
        message = "status 'cancelled' contradicts 'actual'"
    before = path.read_bytes()
    result = run(*args, "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr and result.stdout == ""
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.yaml"]


def test_refusal_names_the_file_and_says_it_is_unchanged(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    result = run("move", "meeting", "2004-06", "-f", str(path))
    first, second = result.stderr.splitlines()[:2]
    assert first == f"{path}: not changed: after this edit the file would be invalid (line numbers as they would be):"
    assert second.startswith(f"{path}:18:5: contradiction")


def test_unknown_id_and_bad_arguments(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    result = run("done", "meting", "-f", str(path))
    assert result.exit_code == 1 and result.stderr == f"{path}: no event with id 'meting'; did you mean 'meeting'?\n"
    bad = run("done", "meeting", "-f", str(path), "--on", "2004-11-31")
    assert bad.exit_code == 2 and "day 31 does not exist in Nov 2004" in bad.stderr
    reference = run("done", "meeting", "-f", str(path), "--on", "summit")  # a reference is not what happened
    assert reference.exit_code == 2 and "bad date 'summit'" in reference.stderr
    assert run("move", "meeting", "2004-13", "-f", str(path)).exit_code == 2
    unknown = run("move", "meeting", "soon", "-f", str(path))  # a reference to no event
    assert unknown.exit_code == 1 and "unknown event 'soon'" in unknown.stderr
    stdin = run("cancel", "meeting", "-f", "-", input=COMMENTED)
    assert stdin.exit_code == 1 and "cannot edit standard input" in stdin.stderr
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_crlf_and_bom_are_kept(tmp_path, run):
    path = tmp_path / "events.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode())
    assert run("done", "summit", "-f", str(path), "--on", "2005-11-16").exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(b"    when: 2005-11\r\n    actual: 2005-11-16\r\n    status: done\r\n# the end\r\n")


def test_two_processes_editing_at_once_both_land(tmp_path):
    body = "events:\n" + "".join(f"  - id: e{i}\n    title: Event {i}\n    when: 2005-01\n" for i in range(12))
    path = write(tmp_path, body)
    procs = [
        subprocess.Popen([sys.executable, "-m", "timeline", "done", f"e{i}", "-f", str(path), "--on", f"2005-01-{i + 1:02d}"],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(12)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    schedule = schedule_at(path)
    assert all(by_id(schedule)[f"e{i}"].done for i in range(12))
    assert [by_id(schedule)[f"e{i}"].start.earliest.day for i in range(12)] == list(range(1, 13))


@pytest.mark.parametrize("text, written", [("2004-11-23", "2004-11-23"), ("[2004-11, 2004-12]", '"[2004-11, 2004-12]"'),
                                           ("a: b", '"a: b"'), ("tab\there", '"tab\\there"'), ("#x", '"#x"'),
                                           ("2005-04~", "2005-04~"), ("Geneva", "Geneva"), ("yes", '"yes"'), ("No", '"No"')])
def test_yaml_scalar(text, written):
    assert yaml_scalar(text) == written


@pytest.mark.parametrize("on, expected", [("yesterday", "2026-11-29"), ("3 days ago", "2026-11-27"), ("today", "2026-11-30")])
def test_done_on_a_day_relative_to_the_calendars_today(tmp_path, run, monkeypatch, on, expected):
    from datetime import datetime

    from timeline import cli

    monkeypatch.setattr(cli, "now_utc", lambda: datetime(2026, 11, 30, 12, tzinfo=UTC))
    path = write(tmp_path, COMMENTED)
    result = run("done", "meeting", "-f", str(path), "--on", on)
    assert (result.exit_code, result.stdout) == (0, f"meeting: done ({expected})\n")
    assert f"    actual: {expected}\n" in path.read_text(encoding="utf-8")


# -- hostile edits (#14, items 12 to 16) -------------------------------------------------


def test_an_edit_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path, run):
    real = write(tmp_path, COMMENTED, "real.yaml")
    link = tmp_path / "link.yaml"
    link.symlink_to(real.name)
    result = run("done", "meeting", "-f", str(link), "--on", "2004-11-23")
    assert result.exit_code == 0
    assert link.is_symlink() and os.readlink(link) == real.name
    assert "    actual: 2004-11-23\n" in real.read_text(encoding="utf-8")


def test_a_read_only_file_is_refused(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    path.chmod(0o444)
    result = run("cancel", "meeting", "-f", str(path))
    assert result.exit_code == 1 and "read-only; not changed" in result.stderr
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_an_unreadable_file_is_a_message(tmp_path, run, monkeypatch):
    path = write(tmp_path, COMMENTED)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("timeline.edit.os.open", refuse)
    result = run("cancel", "meeting", "-f", str(path))
    assert (result.exit_code, result.stderr) == (1, f"{path}: permission denied\n")


def test_leftovers_of_a_killed_edit_are_removed(tmp_path, run):
    path = write(tmp_path, COMMENTED)
    leftover = tmp_path / ".events.yaml.abc123.tmp"
    leftover.write_text(COMMENTED)
    other = tmp_path / ".other.yaml.abc123.tmp"
    other.write_text("x")
    assert run("cancel", "meeting", "-f", str(path)).exit_code == 0
    assert not leftover.exists() and other.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".events.yaml.")]


def test_a_kept_block_scalar_keeps_its_trailing_blank_lines(tmp_path, run):
    text = "events:\n  - id: a\n    title: A\n    when: 2005\n    description: |+\n      one\n\n\n"
    path = write(tmp_path, text)
    assert run("done", "a", "-f", str(path), "--on", "2005-03-01").exit_code == 0
    assert by_id(schedule_at(path))["a"].event.description == "one\n\n\n"


@pytest.mark.parametrize("note", ["Done:", "null:", "a\u0085b", "del\x7f", "line\u2028sep", "~", "  lead", "#x", "'q'"])
def test_notes_are_written_so_they_read_back_exactly(tmp_path, run, note):
    path = write(tmp_path, COMMENTED)
    result = run("cancel", "meeting", "-f", str(path), "--note", note)
    assert result.exit_code == 0, result.stderr
    assert by_id(schedule_at(path))["meeting"].event.note == note


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_every_text_reads_back_as_written(text):
    node = compose(Source("t.yaml", f"k: {yaml_scalar(text)}\n", None))
    assert node.value[0][1].value == text


_NO_FCNTL = """\
import sys
sys.modules["fcntl"] = None  # as on Windows: `import fcntl` fails
from timeline.cli import main
sys.argv = ["timeline", *sys.argv[1:]]
main()
"""


def test_the_edit_commands_work_where_fcntl_is_missing(tmp_path):
    """Windows has no fcntl: every command that edits locks through filelock instead."""
    path = tmp_path / "events.yaml"
    path.write_text("events:\n  - {id: a, title: A, when: 2005-03-01}\n  - {id: b, title: B, when: 2005-04}\n")
    sheet = tmp_path / "more.csv"
    sheet.write_text("title,when\nC,2005-05-02\n")

    def edit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _NO_FCNTL, *args, "-f", str(path)], capture_output=True, text=True,
                              cwd=tmp_path, timeout=60)

    for args in (["done", "a", "--on", "2005-03-01"], ["cancel", "b", "--note", "off"], ["move", "b", "2005-05"],
                 ["add", "--title", "D", "--when", "2005-06-01"], ["import", str(sheet), "--dry-run"],
                 ["import", str(sheet)], ["baseline"]):
        result = edit(*args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
    text = path.read_text()
    assert "actual: 2005-03-01" in text and "status: cancelled" in text and "id: d" in text and "title: C" in text
    assert not (tmp_path / "events.yaml.lock").exists()  # the lock file is gone once the edit is done
