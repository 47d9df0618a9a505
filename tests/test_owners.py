"""Owners (#18): `owner:` in the file, `--owner` on every view, owner feeds, and where owners show."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import by_id, schedule_at, write

PLAN = """\
calendar: {name: Plan, domain: plan.example.org}
events:
  - {id: draft, title: Draft, due: 2026-03, owner: Editors}
  - {id: review, title: Review, when: 2026-04, owner: [Editors, "Chair, WG"]}
  - {id: vote, title: Vote, when: 2026-05-05, owner: Plenary}
  - {id: party, title: Party, when: 2026-06-01}
"""


def test_owners_are_read_and_every_view_filters_by_them(tmp_path, run):
    path = write(tmp_path, PLAN)
    assert by_id(schedule_at(path))["review"].owners == ("Editors", "Chair, WG")
    listed = run("list", "-f", str(path), "--owner", "editors").stdout
    assert "Draft" in listed and "Review" in listed and "Vote" not in listed
    assert "Review  [Editors, Chair, WG]" in listed
    due = run("upcoming", "-f", str(path), "--as-of", "2026-03-20", "--owner", "Editors", "--json").stdout
    assert [i["id"] for i in json.loads(due)["items"]] == ["draft", "review"]
    assert json.loads(due)["items"][0]["owners"] == ["Editors"]
    assert "Vote" in run("gantt", "-f", str(path), "--owner", "Plenary", "--width", "60").stdout
    assert "Draft" not in run("gantt", "-f", str(path), "--owner", "Plenary", "--width", "60").stdout
    feed = run("ics", "-f", str(path), "--owner", "Chair, WG").stdout_bytes.decode()
    assert feed.count("BEGIN:VEVENT") == 2 and "UID:review@plan.example.org" in feed and "UID:review.end@plan" in feed
    assert "CATEGORIES:milestone,Editors,Chair\\, WG\r\n" in feed
    assert "DESCRIPTION:When: Apr 2026 (date to be set)\\nOwners: Editors\\, Chair\\, WG\\n" in feed.replace("\r\n ", "")
    assert "SUMMARY:Review · window opens (Apr 2026\\, date to be set)" in feed
    slips = run("slips", "-f", str(path), "--as-of", "2026-12-01", "--owner", "Plenary", "--json").stdout
    assert [i["id"] for i in json.loads(slips)["items"]] == ["vote"]


@pytest.mark.parametrize("command", [["list"], ["upcoming"], ["gantt"], ["ics"], ["slips"]])
def test_an_unknown_owner_is_an_error_naming_the_known_ones(tmp_path, run, command):
    result = run(*command, "-f", str(write(tmp_path, PLAN)), "--owner", "Editor")
    assert result.exit_code == 2
    assert "unknown owner 'Editor'" in result.stderr and "did you mean 'Editors'? known owners: Chair, WG, Editors, Plenary" in result.stderr


def test_owners_in_every_list_format(tmp_path, run):
    path = write(tmp_path, PLAN)
    data = {e["id"]: e for e in json.loads(run("list", "-f", str(path), "--format", "json").stdout)["events"]}
    assert data["review"]["owners"] == ["Editors", "Chair, WG"] and data["party"]["owners"] == []
    assert "| Apr 2026 | Review | milestone | tentative |  | Editors, Chair, WG |" in run("list", "-f", str(path), "--format", "markdown").stdout
    csv = run("list", "-f", str(path), "--format", "csv").stdout.splitlines()
    assert csv[0].endswith(",owners") and csv[2].endswith(",\"Editors; Chair, WG\"")


def test_build_publishes_a_feed_per_owner(tmp_path, run):
    out = tmp_path / "site"
    assert run("build", str(out), "-f", str(write(tmp_path, PLAN))).exit_code == 0
    assert sorted(p.name for p in (out / "owners").iterdir()) == ["chair-wg--7457eecd0168a46f.ics", "editors.ics", "plenary.ics"]
    editors = (out / "owners" / "editors.ics").read_bytes().decode()
    assert editors.count("UID:draft@") == 1 and editors.count("UID:review") == 2 and "NAME:Plan · Editors\r\n" in editors
    page = (out / "index.html").read_text()
    assert "<strong>owner Chair, WG</strong>" in page and '<td data-label="Owner">Editors, Chair, WG</td>' in page


@pytest.mark.parametrize("value, message", [
    ("{a: b}", "owner must be text, not a mapping"),
    ('"bad\\tname\\u0007"', "is not a name: expected printable text"),
    ("[A, a]", "owner: 'a' is named twice"),
    ("[]", "owner: expected a name, or a list of names"),
])
def test_bad_owners_are_located(tmp_path, run, value, message):
    path = write(tmp_path, "events:\n  - {id: a, title: A, when: 2026, owner: " + value + "}\n")
    result = run("check", "-f", str(path))
    assert result.exit_code == 1 and message in result.stderr and result.stderr.startswith(f"{path}:2:")


def test_default_data_says_who_acts(run, default_events):
    events = by_id(schedule_at(default_events))
    assert events["composition"].owners == ("UN Secretary-General",)
    assert events["report"].owners == ("WGIG",)
    assert events["phase-3"].owners == ("WGIG", "WGIG secretariat")
    text = default_events.read_text()
    assert 'owner: UN Secretary-General  # "mandate to UN SG to setup WGIG" (note)' in text


@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12).map(str.strip)
                .filter(bool), min_size=1, max_size=6, unique_by=str.casefold),
       st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12).map(str.strip).filter(bool))
def test_another_owner_never_changes_whose_events_an_address_carries(names, other):
    from timeline.render.site import owner_path

    paths = {owner_path(n) for n in names}
    assert len(paths) == len(names)  # one address a person
    if other.casefold() not in {n.casefold() for n in names}:
        assert owner_path(other) not in paths  # a newcomer never takes anyone's address
    for n in names:
        assert re.fullmatch(r"owners/[a-z0-9-]+\.ics", owner_path(n)), n  # a safe file name


def test_names_without_latin_letters_keep_their_own_feed(tmp_path, run):
    one = write(tmp_path, "events:\n  - {id: a, title: A, when: 2026-01-01, owner: 李}\n", "one.yaml")
    two = write(tmp_path, "events:\n  - {id: a, title: A, when: 2026-01-01, owner: 李}\n"
                          "  - {id: b, title: B, when: 2026-01-02, owner: 一}\n", "two.yaml")
    for path, site in ((one, "s1"), (two, "s2")):
        assert run("build", str(tmp_path / site), "-f", str(path)).exit_code == 0
    (li,) = (tmp_path / "s1" / "owners").iterdir()
    again = (tmp_path / "s2" / "owners" / li.name).read_text()
    assert "UID:a@" in again and "UID:b@" not in again  # 一 came in: 李's address still carries only 李's events
