"""`timeline diff`: two versions of a plan (files or git revisions), resolved windows compared."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .conftest import DEFAULT_EVENTS


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
    assert "added               kickoff: 30 Jun 2004  Kick-off" in lines
    assert "retitled            chair-appointed: title 'Chairperson appointed' → 'Chair appointed'" in lines
    assert ("moved, re-statused  advisory-board: 1 Nov 2004–15 Jul 2005 → 1 Feb 2005 (start earliest +92d, "
            "start latest -164d, end earliest +92d, end latest -164d); status tentative → done") in lines
    assert ("re-planned          further-round: plan Apr–May 2005 → May 2005 (start earliest +30d, end earliest +30d)"
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
