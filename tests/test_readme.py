"""The README shows real output and the two set-up commands."""

from __future__ import annotations

import re

from .conftest import ROOT


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def docs() -> str:
    """The README and every page of docs/."""
    return readme() + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))


def test_session_is_real_output(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"<!-- session: (\w+) -->\n```console\n\$ (timeline [^\n]*)\n(.*?)```\n<!-- /session -->", docs(), re.S)
    assert len(blocks) >= 5, "the README and docs/ have fewer session blocks than they had"
    for _, command, output in blocks:
        result = run(*command.split()[1:])
        assert result.stdout == output, f"README output of `{command}` is stale"


def test_quick_start_has_two_one_line_commands():
    section = readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^    (python3 .*)$", section, re.M)
    assert len(commands) == 2
    assert "timeline list" in commands[0] and "pytest" in commands[1] and "-c constraints.txt" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()  # CI runs exactly what the README says


def test_every_command_and_option_in_the_help_is_in_the_docs():
    import typer

    from timeline.cli import app

    text = docs()
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if f"timeline {name}" not in text:
            missing.append(f"timeline {name}")
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help" and opt not in text:
                    missing.append(f"timeline {name} {opt}")
    assert missing == []


def test_the_readme_is_for_users_and_short():
    assert len(readme().split()) < 3_500  # design notes, reliability and performance live in docs/
