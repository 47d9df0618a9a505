"""`timeline init`: a short, commented starter file that shows every date form and key once."""

from __future__ import annotations

from datetime import date, timedelta

STARTER = """\
# A timeline: every date is a window of possible days. Edit it, then run `timeline check`.
# Every key and date form is shown once below; the whole format is docs/format.md.

calendar:
  name: My plan                     # the feed's name
  timezone: Europe/Zurich           # times without a zone, and "today", are read here
  domain: plan.example.org          # every feed UID is <id>@<domain>: never change an id once published
  warn: 14d                         # how long before a date `upcoming` and the feed's alarms warn
  refresh: 1d                       # how often subscribers fetch the feed again
  # url: https://example.org/plan/calendar.ics   # where the feed is published
  # updated: {Y0}-01-01             # the feed's DTSTAMP (else the file's modification time)

events:
  - id: kickoff                     # lowercase letters, digits and -
    title: Kick-off
    when: {Y}-01-15                 # one day
    kind: milestone                 # phase, meeting, milestone or deadline (else from the date's form)
    status: done                    # tentative, confirmed, done or cancelled
    actual: {Y}-01-16               # when it really happened (timeline done writes it)
    note: held a day late           # a remark (timeline done --note, timeline cancel --note)

  - id: phase-1
    title: Phase 1
    when: {Y}-01/{Y}-04             # a span of months (or start: and end:)
    tags: [core]                    # tracks; each gets its own feed
    description: Set-up and first drafts.

  - id: workshop
    title: First workshop
    when: [{Y}-03, {Y}-04]          # one day in March or April: not yet known which
    parent: phase-1                 # listed under its phase
    after: kickoff                  # cannot start before kickoff ends
    location: Geneva

  - id: call
    title: Weekly call
    when: {first}T15:00           # a time, in the calendar's zone ...
    duration: 45min                 # ... lasting 45 minutes (minutes are min: 1m is a month)
    repeat: {{every: week, until: {Y}-06-30, skip: [{skipped}]}}
    occurrences:                    # what became of single occurrences (ID@DAY on the command line)
      {moved}: {{when: {moved_to}T15:00}}

  - id: liaison
    title: Liaison call
    when: {Y}-02-12T11:00
    timezone: America/New_York      # its own zone: shown in both
    kind: meeting                   # a timed meeting lasts an hour unless it says

  - id: draft
    title: First draft
    due: {Y}-Q2                     # a deadline: by the last day of the window (Q2 = Apr-Jun)
    after: workshop
    warn: 3w                        # warn earlier than the calendar's default
    source: '"a first draft before the summer" (minutes of the kick-off)'

  - id: review
    title: Review
    start: draft.end + 1d           # a reference to another event, shifted
    end: {Y}-08~                    # about August (~ widens by a unit each side)
    before: summit                  # must end before the summit starts

  - id: summit
    title: Summit
    when: {Y}-11?                   # November, uncertain
    url: https://example.org/summit

  - id: follow-up
    title: Follow-up
    when: [{Y}-12..]                # on or after 1 December (open-ended)
    # baseline: {{when: {Y}-10}}    # the dates before a move (timeline move writes it)

  - id: report
    title: Final report
    when: [..{Y2}-H1]               # no later than the first half of next year
"""


def starter(today: date) -> str:
    """The starter file, with its dates in the year after `today`'s."""
    year = today.year + 1
    first = date(year, 1, 20)
    return STARTER.format(Y=year, Y0=year - 1, Y2=year + 1, first=first, skipped=first + timedelta(weeks=11),
                          moved=first + timedelta(weeks=2), moved_to=first + timedelta(weeks=2, days=1))
