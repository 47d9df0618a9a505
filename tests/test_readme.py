"""The README shows real output and the two set-up commands."""

from __future__ import annotations

import re

from .conftest import ROOT


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_session_is_real_output(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"<!-- session: (\w+) -->\n```console\n\$ (timeline [^\n]*)\n(.*?)```\n<!-- /session -->", readme(), re.S)
    assert blocks, "README has no session block"
    for _, command, output in blocks:
        result = run(*command.split()[1:])
        assert result.stdout == output, f"README output of `{command}` is stale"


def test_quick_start_has_two_one_line_commands():
    section = readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^    (python3 .*)$", section, re.M)
    assert len(commands) == 2
    assert "timeline list" in commands[0] and "pytest" in commands[1] and "-c constraints.txt" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()  # CI runs exactly what the README says
