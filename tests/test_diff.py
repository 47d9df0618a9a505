"""`timeline diff`: two versions of a plan (files or git revisions), resolved windows compared."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .conftest import DEFAULT_EVENTS, write


def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), "-c", "user.email=t@example.org", "-c", "user.name=T", *args],
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, run):
    """A git repository whose events file has two commits: the plan, then a week of changes."""
    shutil.copyfile(DEFAULT_EVENTS, tmp_path / "events.yaml")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "events.yaml")
    git(tmp_path, "commit", "-qm", "plan")
    path = tmp_path / "events.yaml"
    assert run("move", "further-round", "2005-05", "-f", str(path)).exit_code == 0
    assert run("done", "advisory-board", "--on", "2005-02-01", "-f", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8").replace("title: Chairperson appointed", "title: Chair appointed")
    path.write_text(text.replace("  - id: secretariat\n", "  - id: kickoff\n    title: Kick-off\n    when: 2004-06-30\n  - id: secretariat\n"),
                    encoding="utf-8")
    git(tmp_path, "commit", "-qam", "a week later")
    return tmp_path


def test_between_two_revisions_lists_exactly_what_moved(repo, run):
    result = run("diff", "HEAD~1", "HEAD", "-f", str(repo / "events.yaml"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "added       kickoff: 30 Jun 2004  Kick-off" in lines
    assert "retitled    chair-appointed: title 'Chairperson appointed' → 'Chair appointed'" in lines
    assert ("done        advisory-board: 1 Nov 2004–15 Jul 2005 → done: 1 Feb 2005 (start earliest +92d, "
            "start latest -164d, end earliest +92d, end latest -164d)") in lines  # done inside its window: not "moved"
    assert ("re-planned  further-round: plan Apr–May 2005 → May 2005 (start earliest +30d, end earliest +30d)"
            in lines)
    listed = {line.split(": ")[0].split()[-1] for line in lines}
    assert listed == {"kickoff", "chair-appointed", "advisory-board", "further-round", "phase-2", "consultations",
                      "report", "phase-3", "secretariat-scales-down"}  # the move's knock-on effects, nothing untouched


def test_moves_are_counted_in_days_on_each_side(repo, run):
    data = json.loads(run("diff", "HEAD~1", "-f", str(repo / "events.yaml"), "--format", "json").stdout)
    by_id = {c["id"]: c for c in data["changes"]}
    assert {"kickoff", "chair-appointed", "advisory-board", "further-round", "phase-2"} <= set(by_id)
    assert by_id["advisory-board"]["shift_days"] == {"start earliest": 92, "start latest": -164,
                                                     "end earliest": 92, "end latest": -164}
    assert by_id["chair-appointed"]["what"] == ["retitled"] and by_id["kickoff"]["what"] == ["added"]
    assert data["old"] == f"HEAD~1:{repo / 'events.yaml'}"


def test_files_markdown_and_exit_code(repo, run, tmp_path):
    old = tmp_path / "old.yaml"
    shutil.copyfile(DEFAULT_EVENTS, old)
    result = run("diff", str(old), "-f", str(repo / "events.yaml"), "--format", "markdown", "--exit-code")
    assert result.exit_code == 4
    assert result.stdout.startswith(f"**{old}** → **{repo / 'events.yaml'}**: 9 changed\n\n| change | event |\n|---|---|\n")
    same = run("diff", str(old), str(old), "-f", str(old), "--exit-code")
    assert (same.exit_code, same.stdout) == (0, f"{old} → {old}: nothing changed\n")


def test_an_unknown_revision_or_no_repository_is_a_message(repo, run, tmp_path_factory):
    unknown = run("diff", "no-such-rev", "-f", str(repo / "events.yaml"))
    assert unknown.exit_code == 1 and "no-such-rev:" in unknown.stderr and "git cannot show it" in unknown.stderr
    alone = tmp_path_factory.mktemp("alone")
    shutil.copyfile(DEFAULT_EVENTS, alone / "events.yaml")
    result = run("diff", "HEAD", "-f", str(alone / "events.yaml"))
    assert result.exit_code == 1 and "is not in a git repository; give the older version as a file" in result.stderr


@pytest.mark.parametrize("spec", ["HEAD\nX: forged line", "a" * 100_000, "HEAD\x1b[2J"])
def test_a_revision_is_never_echoed_raw(repo, run, spec):
    """A revision with a line break, an escape or 100 KB is quoted and cut: one short line."""
    result = run("diff", spec, "-f", str(repo / "events.yaml"))
    assert result.exit_code == 1 and result.stderr.startswith(repr(spec[:100])[:50])
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr and len(result.stderr) < 1_000


FIELDS_OLD = """\
calendar: {timezone: UTC}
events:
  - id: call
    title: Weekly call
    when: 2026-04-06
    repeat: {every: week, count: 5}
    occurrences:
      2026-04-13: {status: cancelled}
  - {id: r, title: Report, due: "[2027-01-10..2027-01-31]", owner: Ann, location: Geneva, tags: [x], url: "https://a.example"}
  - {id: m, title: Meeting, when: 2027-03}
  - {id: s, title: Start, when: "[2027-05-01..2027-05-31]"}
"""
FIELDS_NEW = (FIELDS_OLD.replace("2026-04-13: {status: cancelled}", "2026-04-13: {when: 2026-04-14}\n      2026-04-20: {status: done}")
              .replace('owner: Ann, location: Geneva, tags: [x], url: "https://a.example"',
                       'owner: Bob, location: Tunis, tags: [y], url: "https://b.example", description: New')
              .replace("when: 2027-03}", "when: 2027-03, actual: 2027-03-10}")
              .replace('"[2027-05-01..2027-05-31]"', "2027-05"))


def test_diff_reports_every_change_a_feed_shows(tmp_path, run):
    old, new = write(tmp_path, FIELDS_OLD, "old.yaml"), write(tmp_path, FIELDS_NEW, "new.yaml")
    result = run("diff", str(old), str(new), "-f", str(new), "--as-of", "2027-04-01", "--exit-code")
    assert result.exit_code == 4
    lines = {re.search(r"  ([a-z0-9-]+): ", line).group(1): line for line in result.stdout.splitlines()}
    assert lines["call"].endswith("call: occurrences: 2026-04-13 moved to 2026-04-14, 2026-04-20 done")
    assert ("r: owners 'Ann' → 'Bob'; location 'Geneva' → 'Tunis'; tags 'x' → 'y'; url 'https://a.example' → "
            "'https://b.example'; description 'none' → 'New'") in lines["r"]
    assert lines["m"].startswith("done") and "m: Mar 2027 → done: 10 Mar 2027" in lines["m"]
    assert "s" not in lines  # [2027-05-01..2027-05-31] and 2027-05 are the same days
    data = {c["id"]: c for c in json.loads(run("diff", str(old), str(new), "-f", str(new), "--as-of", "2027-04-01",
                                               "--format", "json").stdout)["changes"]}
    assert data["r"]["fields"]["owners"] == {"old": "Ann", "new": "Bob"} and data["m"]["what"] == ["done"]
    assert data["call"]["occurrences"] == ["2026-04-13 moved to 2026-04-14", "2026-04-20 done"]


def test_diff_names_the_bound_that_moved_when_the_label_stays(tmp_path, run):
    old = write(tmp_path, "events:\n  - {id: p, title: P, start: [2027-01..], end: 2027-03}\n", "old.yaml")
    new = write(tmp_path, "events:\n  - {id: p, title: P, start: [2027-01-10..], end: 2027-03}\n", "new.yaml")
    out = run("diff", str(old), str(new), "-f", str(new), "--as-of", "2026-12-01").stdout
    assert "(start earliest +9d)" in out or "start earliest 2027-01-01 → 2027-01-10" in out
