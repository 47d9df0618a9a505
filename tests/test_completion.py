"""Shell completion: commands, options, event ids and tags of the file, in bash, zsh and fish."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import DEFAULT_EVENTS, ROOT, write


def complete(shell: str, words: str, env: dict[str, str] | None = None) -> list[str]:
    """What the completion offers for a command line (the last word is being typed)."""
    extra = {"_TIMELINE_COMPLETE": f"complete_{shell}", **(env or {})}
    if shell == "bash":
        extra |= {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    else:
        extra |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    done = subprocess.run([sys.executable, "-m", "timeline"], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **extra}, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize("command", ["done", "cancel", "move"])
def test_event_ids_of_the_named_file(command):
    assert complete("bash", f"timeline {command} -f {DEFAULT_EVENTS} prep") == [
        "prepcom-1", "prepcom-2-consultation", "prepcom-2", "prepcom-3", "prepcom-3-resumed"]


def test_ids_of_the_file_in_the_environment(tmp_path):
    path = write(tmp_path, "events:\n  - {id: alpha, title: A, when: 2005}\n  - {id: beta, title: B, when: 2006}\n")
    assert complete("bash", "timeline done ", {"TIMELINE_FILE": str(path)}) == ["alpha", "beta"]


def test_ids_of_a_file_with_problems_are_still_offered(tmp_path):
    path = write(tmp_path, "events:\n  - {id: alpha, title: A, when: 2005}\n  - {id: beta, title: B, when: never}\n")
    assert complete("bash", f"timeline cancel -f {path} a") == ["alpha"]


def test_tags_and_kinds():
    assert complete("bash", f"timeline list -f {DEFAULT_EVENTS} --tag pr") == ["prepcom"]
    assert complete("bash", "timeline gantt --kind m") == ["meeting", "milestone"]


def test_commands_and_options():
    assert "upcoming" in complete("bash", "timeline ")
    assert complete("bash", "timeline upcoming --fail") == ["--fail-on-overdue"]


def test_zsh_and_fish():
    assert complete("zsh", f"timeline list -f {DEFAULT_EVENTS} --tag re") == ["_arguments", "'*:", ":((\"report\"))'"]
    assert complete("fish", f"timeline cancel -f {DEFAULT_EVENTS} first") == ["first-meeting"]


def test_show_completion_prints_the_script_of_the_shell_it_runs_in():
    """`--show-completion` is a flag: the script is for the shell the command runs in (found
    from the process tree), here bash. (Passing the shell's name after it, as this test once
    did, only worked where the tree happened to hold a shell.)"""
    done = subprocess.run(["bash", "-c", f"'{sys.executable}' -m timeline --show-completion; true"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "_TIMELINE_COMPLETE=complete_bash" in done.stdout, done.stderr


def test_option_values_complete():
    assert complete("bash", "timeline list --format j") == ["json"]
    assert complete("bash", "timeline ics --windows s") == ["span", "start"]
    assert complete("bash", "timeline gantt --scale q") == ["quarter"]
    assert complete("bash", "timeline slips --against ") == ["baseline", "current"]
    assert complete("bash", "timeline upcoming --format ") == ["text", "json"]
    assert " ".join(complete("bash", f"timeline upcoming -f {DEFAULT_EVENTS} --owner UN")) == "UN Secretary-General"
