#!/usr/bin/env python3
"""Whole-process benchmarks of timeline, with TaskJuggler side by side where `tj3` exists.

    python benchmarks/run.py                 # every size, prints the table
    python benchmarks/run.py --sizes 100 1000 --repeat 3   # the default is 5
    python benchmarks/run.py --markdown docs/performance.md   # also write the report

Each command runs as a separate process (as a person or a cron job runs it); the table
gives the median wall time and the median peak memory (max RSS from wait4). The sizes take
turns, run by run, so that the machine's drift falls on all of them alike. `done` (an
edit: read, compose, splice, validate the result, write) is compared with `check` on the
same file. Start-up is compared with `python -c pass` measured in the same run, interleaved.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generate import events_yaml, milestones_yaml, series_yaml, taskjuggler_project  # noqa: E402

COMMANDS = {
    "check": ["check"],
    "list": ["list", "--format", "json"],
    "upcoming": ["upcoming", "--as-of", "2005-01-01"],
    "gantt": ["gantt", "--width", "120", "--today", "2005-01-01", "--color", "never"],
    "ics": ["ics", "-o", "{out}"],
    "build": ["build", "{site}"],
    "done": ["done", "e5", "--on", "2005-01-02"],
}
TARGETS = {
    10_000: {"check": ("s", 1.0), "list": ("s", 1.0), "upcoming": ("s", 1.0), "ics": ("s", 2.0)},
    100_000: {"check": ("MB", 250), "list": ("MB", 250), "ics": ("MB", 250), "build": ("MB", 400)},
}
"""The targets of #13 (time at 10,000 events) and #24 (peak memory at 100,000)."""
SERIES_COMMANDS = {
    "check": ["check"],
    "list": ["list"],
    "list a month": ["list", "--from", "2030-03-01", "--to", "2030-03-31"],
    "upcoming": ["upcoming", "--as-of", "2030-03-01"],
    "gantt": ["gantt", "--width", "120", "--today", "2030-03-01", "--color", "never"],
    "ics": ["ics", "-o", "{out}"],
}
"""Commands timed on 200 weekly series over ten years (about 104,000 occurrences; the
target of each is 2 s)."""
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as on a user's machine
TIMELINE = [sys.executable, "-m", "timeline"]


_LAUNCHER = r"""
import json, os, sys, time
for line in sys.stdin:
    argv, cwd, env, errors = json.loads(line)
    began = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        if cwd:
            os.chdir(cwd)
        out = os.open(os.devnull, os.O_WRONLY)
        err = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.execvpe(argv[0], argv, env)
    _, status, usage = os.wait4(pid, 0)
    print(json.dumps([time.perf_counter() - began, usage.ru_maxrss / 1024, status]), flush=True)
"""


class Launcher:
    """A small process that runs each measured command and reports its time and peak memory.

    A child forked from a large process starts with that process's peak RSS in
    `ru_maxrss`; the benchmark grows (it generates 100,000-event files), so the commands
    are forked from this helper, started while everything is still small.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.errors = tempfile.NamedTemporaryFile(prefix="bench-", suffix=".err", delete=False).name

    def run(self, argv: list[str], cwd: Path | None = None) -> tuple[float, float]:
        """Wall seconds and peak memory (MB) of one process."""
        import json

        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps([argv, str(cwd) if cwd else None, ENV, self.errors]) + "\n")
        self.proc.stdin.flush()
        wall, peak, status = json.loads(self.proc.stdout.readline())
        if status != 0:
            raise SystemExit(f"failed ({status}): {' '.join(argv)}\n{Path(self.errors).read_text()[-500:]}")
        return wall, peak


LAUNCHER = Launcher()


def measure(argv: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one process."""
    return LAUNCHER.run(argv, cwd)


def medians(argv: list[str], repeat: int, cwd: Path | None = None) -> tuple[float, float]:
    """Median wall time and peak memory over `repeat` runs (after one warm-up)."""
    measure(argv, cwd)
    return median_pair([measure(argv, cwd) for _ in range(repeat)])


def median_pair(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """Median wall time and median peak memory of some runs."""
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def sizes_interleaved(argvs: dict[int, list[str]], repeat: int) -> dict[int, tuple[float, float]]:
    """Medians of one command at every size.

    The sizes take turns within each round, so that the machine's drift over minutes
    (up to half of its speed here) falls on every size alike and the growth from one size to
    the next is measured in like conditions. Sizes of 100,000 events and more run in the
    first half of the rounds only (rounded up).
    """
    rounds = {n: (repeat + 1) // 2 if n >= 100_000 else repeat for n in argvs}
    for argv in argvs.values():  # warm-ups
        measure(argv)
    runs: dict[int, list[tuple[float, float]]] = {n: [] for n in argvs}
    for r in range(repeat):
        for n, argv in argvs.items():
            if r < rounds[n]:
                runs[n].append(measure(argv))
    return {n: median_pair(v) for n, v in runs.items()}


def interpreter(script: Path) -> str:
    """The Python a console script runs on, from its `#!` line, resolved to the binary."""
    try:
        first = script.read_bytes().split(b"\n", 1)[0].decode()
    except (OSError, UnicodeDecodeError):
        return "unknown"
    path = first[2:].strip().split()[0] if first.startswith("#!") else "unknown"
    return os.path.realpath(path) if os.path.exists(path) else path


def startup(repeat: int, folder: Path) -> tuple[dict[str, float], dict[str, str]]:
    """`python -c pass` against `timeline list` and `upcoming` on the default file, and
    `khal list` over the same 30 days of the default file's own feed where khal is
    installed, interleaved. The console script, not `python -m`, as a person runs it.

    Like is compared with like only when both run on the same Python: khal from Debian
    runs on Debian's `/usr/bin/python3` (built with PGO and LTO, it starts in half the time
    of a Python compiled from source by pyenv), so run this from a virtual environment
    made with that Python, as the README's install does on Debian. Returns the medians and
    the Python each program ran on."""
    default = str(ROOT / "events.yaml")
    script = shutil.which("timeline", path=str(Path(sys.executable).parent)) or shutil.which("timeline")
    command = [script] if script else TIMELINE
    interpreters = {"timeline": interpreter(Path(script)) if script else sys.executable}
    argvs = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "timeline list": command + ["list", "-f", default],
        "timeline upcoming": command + ["upcoming", "-f", default, "--as-of", "2004-10-15"],
    }
    khal = shutil.which("khal")
    if khal:
        from tests.interop.clients import khal_calendar

        home = folder / "khal"
        home.mkdir(exist_ok=True)
        feed = folder / "feed.ics"
        subprocess.run(command + ["ics", "-f", default, "-o", str(feed)], check=True, env=ENV)
        argvs["khal list"] = [khal, "-c", khal_calendar(str(home), feed), "list", "2004-10-15", "30d"]
        interpreters["khal"] = interpreter(Path(khal))
    for argv in argvs.values():
        measure(argv)
    times: dict[str, list[float]] = {name: [] for name in argvs}
    for _ in range(repeat):
        for name, argv in argvs.items():
            times[name].append(measure(argv)[0])
    return {name: statistics.median(values) for name, values in times.items()}, interpreters


def in_turn(argvs: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float]]:
    """Medians of several commands, taking turns run by run (after one warm-up each)."""
    for argv in argvs.values():
        measure(argv)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in argvs}
    for _ in range(repeat):
        for name, argv in argvs.items():
            runs[name].append(measure(argv))
    return {name: median_pair(values) for name, values in runs.items()}


def series(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Medians of each command on 200 weekly series over ten years, the commands taking turns."""
    path = folder / "series.yaml"
    path.write_text(series_yaml(200), encoding="utf-8")
    return in_turn({name: TIMELINE + [a.replace("{out}", str(folder / "series.ics")) for a in extra] + ["-f", str(path)]
                    for name, extra in SERIES_COMMANDS.items()}, repeat)


def imported(folder: Path, n: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Medians of `import` of an `n`-row CSV into a new file, and of `check` and `list` on
    the file it writes: no calendar block, block items, as a spreadsheet brings them in."""
    rows = folder / f"rows-{n}.csv"
    rows.write_text("title,when,tags\n" + "".join(f"Event number {i},2026-{i % 12 + 1:02d}-{i % 28 + 1:02d},t{i % 50}\n"
                                                  for i in range(n)), encoding="utf-8")
    new = folder / f"imported-{n}.yaml"
    command = " ".join(TIMELINE)
    timed = {"import": ["sh", "-c", f"rm -f {new} && exec {command} import {rows} -f {new}"]}
    subprocess.run(timed["import"], check=True, env=ENV, capture_output=True)
    timed |= {"check": TIMELINE + ["check", "-f", str(new)], "list": TIMELINE + ["list", "--format", "json", "-f", str(new)]}
    return in_turn(timed, repeat)


def forecasts(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Medians of the forecast's two targets, with `list` on the default file beside them, in turn."""
    events = folder / "forecast-1000.yaml"
    events.write_text(events_yaml(1_000), encoding="utf-8")
    default = str(ROOT / "events.yaml")
    argvs = {
        "forecast, default data, 10,000 runs": TIMELINE + ["forecast", "-f", default, "--as-of", "2004-06-24"],
        "forecast, 1,000 events, 1,000 runs": TIMELINE + ["forecast", "-f", str(events), "--runs", "1000", "--as-of", "2004-06-01"],
        "list, default data": TIMELINE + ["list", "-f", default],
    }
    return in_turn(argvs, repeat)


def machine() -> str:
    """A line describing the machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    loop = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    loop = time.perf_counter() - loop
    return (f"{platform.machine()}, {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; "
            f"a 3-million-step pure-Python loop takes {loop:.2f} s")


def verdict(where: str, name: str, limit: float, unit: str, value: float) -> str:
    """One line of the report: a target, the figure measured, and whether it holds."""
    return f"- target at {where}: {name} under {limit} {unit}: {value:.2f} {unit}, {'holds' if value < limit else 'does not hold'}"


def report_startup(say: Callable[[str], None], measured: tuple[dict[str, float], dict[str, str]]) -> None:
    """Say the start-up figures, against `python -c pass` and, where measured, khal."""
    start, interpreters = measured
    base = start["python -c pass"]
    say("Start-up on the default events.yaml (medians, interleaved in one run):")
    say("")
    for name, value in start.items():
        ratio = "" if name.startswith("python") else f" = {value / base:.2f}x python -c pass"
        say(f"- {name}: {value * 1000:.0f} ms{ratio}")
    if "khal list" in start:
        ratio = start["timeline upcoming"] / start["khal list"]
        say(f"- `timeline upcoming` / `khal list` on the same feed: {ratio:.2f}x "
            f"(the target of #24 is at most 0.9x: {'holds' if ratio <= 0.9 else 'does not hold'})")
        ours, theirs = interpreters.get("timeline", "?"), interpreters.get("khal", "?")
        if ours != theirs:
            say(f"- not like for like: timeline ran on {ours}, khal on {theirs}; for the comparison, "
                f"run this script from a virtual environment made with {theirs} -m venv")
    else:
        say("- khal is not installed (apt-get install khal): the comparison with it is skipped")
    say("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs per measurement (at 100,000 events: half as many, rounded up)")
    parser.add_argument("--markdown", type=Path, help="also write the report as Markdown to this file")
    parser.add_argument("--no-load", action="store_true", help="skip the loopback HTTP load test")
    parser.add_argument("--series-only", action="store_true", help="only the repeating-events benchmark")
    parser.add_argument("--startup-only", action="store_true", help="only start-up (beside python and khal)")
    args = parser.parse_args()

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"Machine: {machine()}")
    say()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.startup_only:
            report_startup(say, startup(max(args.repeat, 5), folder))
            return
        timed = series(folder, args.repeat)
        say("200 weekly series over ten years (about 104,000 occurrences; the target is 2 s each):")
        say()
        say("| " + " | ".join(timed) + " |")
        say("|" + "---:|" * len(timed))
        say("| " + " | ".join(f"{w:.2f} s, {m:.0f} MB" for w, m in timed.values()) + " |")
        say()
        if args.series_only:
            return
        say("The forecast (targets: 0.5 s and 3 s), whole processes in turn with `list`:")
        say()
        for name, (wall, peak) in forecasts(folder, max(args.repeat, 5)).items():
            say(f"- {name}: {wall:.2f} s, {peak:.0f} MB")
        say()
        results: dict[int, dict[str, tuple[float, float]]] = {}
        paths = {n: folder / f"events-{n}.yaml" for n in args.sizes}
        for n, path in paths.items():
            path.write_text(events_yaml(n), encoding="utf-8")
            results[n] = {}
        for name, extra in COMMANDS.items():
            argvs = {
                n: TIMELINE + [a.replace("{out}", str(folder / "out.ics")).replace("{site}", str(folder / "site"))
                               for a in extra] + ["-f", str(path)]
                for n, path in paths.items()
            }
            for n, value in sizes_interleaved(argvs, args.repeat).items():
                results[n][name] = value
        say("Every command on a file (read, validate, resolve, render):")
        say()
        say("| events | " + " | ".join(COMMANDS) + " | done / check |")
        say("|---:|" + "---:|" * (len(COMMANDS) + 1))
        for n, row in results.items():
            ratio = row["done"][0] / row["check"][0]
            say(f"| {n:,} | " + " | ".join(f"{w:.2f} s, {m:.0f} MB" for w, m in row.values()) + f" | {ratio:.2f}x |")
        say()
        if 10_000 in results and 100_000 in results:
            say("Growth from 10,000 to 100,000 events (linear is 10x; the target is at most 11x): "
                + ", ".join(f"{name} {results[100_000][name][0] / results[10_000][name][0]:.1f}x" for name in COMMANDS))
            say()

        for n, targets in TARGETS.items():
            if n in results:
                for name, (unit, limit) in targets.items():
                    wall, peak = results[n][name]
                    say(verdict(f"{n:,} events", name, limit, unit, wall if unit == "s" else peak))
                say()

        if 100_000 in args.sizes:
            brought = imported(folder, 100_000, (args.repeat + 1) // 2)
            say("A CSV of 100,000 rows imported into a new file (no calendar block), and the file it writes:")
            say()
            say("- " + ", ".join(f"`{name}` {wall:.2f} s, {peak:.0f} MB" for name, (wall, peak) in brought.items()))
            for name in ("check", "list"):
                unit, limit = TARGETS[100_000][name]
                say(verdict("100,000 events, a file without a calendar block", name, limit, unit, brought[name][1]))
            say()

        report_startup(say, startup(max(args.repeat, 5), folder))

        tj3 = shutil.which("tj3")
        if tj3:
            say("TaskJuggler (`tj3`, an iCalendar report) against `timeline ics`, the same milestones:")
            say()
            say("| milestones | tj3 | timeline ics | tj3 / timeline |")
            say("|---:|---:|---:|---:|")
            for n in (5, 1_000, 5_000):
                tjp = folder / f"tj-{n}.tjp"
                tjp.write_text(taskjuggler_project(n), encoding="utf-8")
                tj_wall, tj_mem = medians([tj3, "--silent", str(tjp)], args.repeat, cwd=folder)
                yaml_path = folder / f"milestones-{n}.yaml"
                yaml_path.write_text(milestones_yaml(n), encoding="utf-8")
                ours_wall, ours_mem = medians(TIMELINE + ["ics", "-f", str(yaml_path), "-o", str(folder / "m.ics")], args.repeat)
                say(f"| {n:,} | {tj_wall:.2f} s, {tj_mem:.0f} MB | {ours_wall:.2f} s, {ours_mem:.0f} MB | {tj_wall / ours_wall:.1f}x |")
            say()
        else:
            say("TaskJuggler: `tj3` is not installed (apt-get install tj3); skipped.")
            say()

        if not args.no_load:
            from tests.loadgen import run_load
            from tests.test_load import start_server

            proc, port = start_server(ROOT / "events.yaml", folder / "access.log")
            try:
                result = run_load(port, clients=200, each=50)
            finally:
                proc.terminate()
                proc.wait(timeout=60)
            say(f"`timeline serve` under load on loopback (200 clients x 50 requests, half conditional): "
                f"{result.requests} requests, {len(result.errors)} errors, {result.seconds:.1f} s, "
                f"{result.per_second:.0f} requests/s")
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
