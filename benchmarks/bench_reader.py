"""Reader benchmark: time to the first line on screen, resident memory, and `G` to the last line.

`less`, the Textual floor (`floor_app.py`) and seedreader each run in a real 120x40 pty whose output
is drawn by pyte; a figure is the time until the expected text is on the drawn screen. Every
figure is the median of several runs after one warm-up run, and seedreader's start-up is stated
as a ratio to the floor measured in the same run.

Usage: python benchmarks/bench_reader.py [--quick] [--work DIR]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import (
    CORPUS,
    CORPUS_MISSING,
    SEEDS,
    fmt_mb,
    fmt_ms,
    fmt_ratio,
    fmt_size,
    large_file,
    median,
    scrub,
    standalone,
    verdict,
)
from ptyscreen import COLS, ROWS, PtyScreen

HERE = Path(__file__).resolve().parent
SEED = SEEDS / "000_a8aeaf84e4eee549.txt"
# Enough of a line to be unambiguous, short enough to fit on one row of a narrow pane.
NEEDLE_CHARS = 40
FIRST_LINE_TIMEOUT = 30.0
END_TIMEOUT = 10.0
RUNS = 7
QUICK_RUNS = 5
FLOOR = "Textual floor"
SEEDREADER = "seedreader"


@dataclass(frozen=True)
class Subject:
    """A program under test."""

    label: str
    command: Callable[[Path], list[str]] | None
    """Builds the command line for a file; None when the program is not installed."""
    has_end_key: bool
    """Whether `G` jumps to the end of the document."""


@dataclass(frozen=True)
class Case:
    """A document to open, and the text that proves it is on screen."""

    label: str
    path: Path
    first: str
    last: str | None
    """Text of the last line, when `G` is timed on this document."""
    ratio_target: float
    rss_target: int | None


@dataclass(frozen=True)
class Trial:
    """The figures of one run of one program on one document."""

    first_line: float
    rss: int
    end: float | None
    rss_after_end: int | None


@dataclass(frozen=True)
class Outcome:
    """All runs of one program on one document, or why they could not be made."""

    subject: Subject
    case: Case
    trials: tuple[Trial, ...]
    error: str | None = None

    def first_line(self) -> float | None:
        return median([t.first_line for t in self.trials]) if self.trials else None

    def end(self) -> float | None:
        ends = [t.end for t in self.trials if t.end is not None]
        return median(ends) if ends else None

    def rss(self) -> int | None:
        return int(median([t.rss for t in self.trials])) if self.trials else None

    def peak_rss(self) -> int | None:
        """The median over runs of the larger of the settled and after-`G` memory."""
        if not self.trials:
            return None
        return int(median([max(t.rss, t.rss_after_end or 0) for t in self.trials]))


def needle(line: str) -> str:
    """The start of `line` to look for on screen, cut at a word boundary."""
    line = line.strip()
    if len(line) <= NEEDLE_CHARS:
        return line
    cut = line.rfind(" ", 0, NEEDLE_CHARS + 1)
    return line[: cut if cut > 0 else NEEDLE_CHARS]


def first_line(path: Path) -> str:
    with path.open("rb") as handle:
        return handle.readline(4096).decode("utf-8", errors="replace")


def last_line(path: Path) -> str:
    """The last non-empty line of a file, read from its end (the file may be 1 GB)."""
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - 8192))
        tail = handle.read()
    lines = [line for line in tail.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1]


def subjects() -> list[Subject]:
    """less, the floor and seedreader (the console script next to this Python)."""
    less = shutil.which("less")
    script = Path(sys.executable).parent / "seedreader"
    floor = HERE / "floor_app.py"
    return [
        Subject("less", (lambda path: [less, str(path)]) if less else None, True),
        Subject(FLOOR, lambda path: [sys.executable, str(floor), str(path)], False),
        Subject(
            SEEDREADER, (lambda path: [str(script), str(path)]) if script.exists() else None, True
        ),
    ]


def environment(scratch: Path) -> dict[str, str]:
    """The environment of a run: a plain xterm, and seedreader's folders in `scratch`."""
    env = {
        key: value
        for key, value in os.environ.items()
        # User settings of less and Textual, and a forced size, would skew the comparison.
        if not key.startswith(("LESS", "TEXTUAL")) and key not in ("COLUMNS", "LINES", "NO_COLOR")
    }
    # An installed seedreader has its bytecode cached; recompiling on every start would not.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        TERM="xterm-256color",
        LESSHISTFILE="-",
        SEEDREADER_DATA_DIR=str(scratch / "data"),
        SEEDREADER_CACHE_DIR=str(scratch / "cache"),
    )
    return env


def trial(subject: Subject, case: Case, work: Path) -> Trial:
    """Run `subject` once on `case`, with fresh data and cache folders (no state of other runs)."""
    assert subject.command is not None
    with tempfile.TemporaryDirectory(dir=work, prefix="run-") as scratch:
        env = environment(Path(scratch))
        with PtyScreen(subject.command(case.path), env=env, rows=ROWS, cols=COLS) as screen:
            first = screen.wait_for(case.first, FIRST_LINE_TIMEOUT)
            rss = screen.settled_rss()
            if case.last is None or not subject.has_end_key:
                return Trial(first, rss, None, None)
            if case.last in screen.text():
                raise RuntimeError(f"{case.last!r} is on screen before G was pressed")
            sent = screen.send("G")
            end = screen.wait_for(case.last, END_TIMEOUT, since=sent)
            return Trial(first, rss, end, screen.settled_rss())


def measure(programs: list[Subject], case: Case, work: Path, runs: int) -> list[Outcome]:
    """Every program on one document: a warm-up round (page cache, bytecode), then `runs` rounds.

    Rounds interleave the programs (less, floor, seedreader, less, ...) so that a burst of load
    from elsewhere on the machine hits the floor and seedreader alike and the ratio stays fair.
    A program that fails once is not run again; its error is reported instead.
    """
    trials: dict[str, list[Trial]] = {program.label: [] for program in programs}
    errors = {program.label: "not installed" for program in programs if program.command is None}
    for round_number in range(runs + 1):
        for program in programs:
            if program.label in errors:
                continue
            try:
                result = trial(program, case, work)
            except Exception as exc:  # noqa: BLE001 - reported in the table; the others go on
                errors[program.label] = scrub(" ".join(str(exc).split()) or repr(exc), work)
                continue
            if round_number > 0:
                trials[program.label].append(result)
    return [
        Outcome(program, case, tuple(trials[program.label]), errors.get(program.label))
        for program in programs
    ]


def cases(work: Path, quick: bool) -> list[Case]:
    """The seed article, a 100 MB file and (unless quick) a 1 GB file (both need the corpus)."""
    found = [Case("seed article", SEED, needle(first_line(SEED)), None, 1.25, None)]
    if not CORPUS.is_dir():
        return found
    sizes = [(100, 100_000_000)] + ([] if quick else [(1000, 300_000_000)])
    for megabytes, rss_target in sizes:
        path = large_file(work, megabytes)
        last = needle(last_line(path)) if megabytes == 100 else None
        label = f"{megabytes // 1000} GB file" if megabytes >= 1000 else f"{megabytes} MB file"
        found.append(Case(label, path, needle(first_line(path)), last, 1.5, rss_target))
    return found


def _cell(value: float | None, fmt: Callable[[float], str]) -> str:
    return "–" if value is None else fmt(value)


def _spread(outcome: Outcome) -> str:
    times = [t.first_line for t in outcome.trials]
    return f"{fmt_ms(min(times))} – {fmt_ms(max(times))}" if times else "–"


def paired_ratio(ours: Outcome, floor: Outcome) -> float | None:
    """The median over rounds of seedreader's time over the floor's in the same round.

    Both ran seconds apart, so load from elsewhere on the machine mostly cancels out.
    """
    pairs = list(zip(ours.trials, floor.trials, strict=False))
    if not pairs or len(ours.trials) != len(floor.trials):
        return None
    return median([a.first_line / b.first_line for a, b in pairs])


def detail_table(case: Case, outcomes: list[Outcome]) -> str:
    """One document: every program side by side."""
    floor = next(o.first_line() for o in outcomes if o.subject.label == FLOOR)
    size = case.path.stat().st_size
    rows = [
        f"**{case.label}** (`{case.path.name}`, {fmt_size(size)}; first line `{case.first}`)",
        "",
        (
            "| program | first line on screen | range | vs floor | RSS settled "
            "| `G` → last line | RSS after `G` |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for outcome in outcomes:
        start = outcome.first_line()
        ratio = fmt_ratio(start / floor) if start is not None and floor else "–"
        rss_end = [t.rss_after_end for t in outcome.trials if t.rss_after_end is not None]
        label = outcome.subject.label
        if outcome.error:
            label += f" (**failed**: {outcome.error[:200]})"
        rows.append(
            f"| {label} | {_cell(start, fmt_ms)} | {_spread(outcome)} | {ratio} "
            f"| {_cell(outcome.rss(), lambda v: fmt_mb(int(v)))} | {_cell(outcome.end(), fmt_ms)} "
            f"| {fmt_mb(int(median(rss_end))) if rss_end else '–'} |"
        )
    return "\n".join(rows)


def target_rows(case: Case, outcomes: list[Outcome]) -> list[str]:
    """seedreader against the issue's targets on one document."""
    by_label = {o.subject.label: o for o in outcomes}
    ours, floor_outcome = by_label[SEEDREADER], by_label[FLOOR]
    start, floor = ours.first_line(), floor_outcome.first_line()
    paired = paired_ratio(ours, floor_outcome)
    rows = []
    name = f"first line, {case.label}: at most {case.ratio_target}x the floor"
    if start is None or not floor:
        rows.append(f"| {name} | not measured ({ours.error}) | **FAIL** |")
    else:
        ratio = start / floor
        rows.append(
            f"| {name} | {fmt_ratio(ratio)} ({fmt_ms(start)} vs {fmt_ms(floor)}; "
            f"per round {_cell(paired, fmt_ratio)}) "
            f"| {verdict(ratio <= case.ratio_target)} |"
        )
    if case.last is not None:
        end = ours.end()
        name = f"`G` → last line on screen, {case.label}: at most 100 ms"
        shown = "not measured" if end is None else fmt_ms(end)
        rows.append(f"| {name} | {shown} | {verdict(end is not None and end <= 0.1)} |")
    if case.rss_target is not None:
        peak = ours.peak_rss()
        name = f"resident memory, {case.label}: at most {fmt_mb(case.rss_target)}"
        shown = "not measured" if peak is None else fmt_mb(peak)
        ok = peak is not None and peak <= case.rss_target
        rows.append(f"| {name} | {shown} | {verdict(ok)} |")
    return rows


def run(work: Path, quick: bool) -> str:
    """Measure every program on every document and return the Markdown section."""
    runs = QUICK_RUNS if quick else RUNS
    work.mkdir(parents=True, exist_ok=True)
    programs = subjects()
    results = [(case, measure(programs, case, work, runs)) for case in cases(work, quick)]
    targets = [row for case, outcomes in results for row in target_rows(case, outcomes)]
    if not CORPUS.is_dir():
        targets.append(f"| 100 MB and 1 GB files | {CORPUS_MISSING} | – |")
    elif quick:
        targets.append("| 1 GB file (first line, memory) | not measured (`--quick`) | – |")
    parts = [
        "## Reader: first line on screen, memory, `G`",
        "",
        (
            f"Each program runs in a real {COLS}x{ROWS} pty (`TERM=xterm-256color`) whose output "
            "is drawn by pyte; a time is from launch (or from sending `G`) until the expected text "
            f"is on the drawn screen. Medians of {runs} runs after a warm-up run, the programs "
            "taking turns; each run has fresh "
            "`SEEDREADER_DATA_DIR` and `SEEDREADER_CACHE_DIR`. The floor is the smallest Textual "
            "app showing the file's first line (`benchmarks/floor_app.py`). RSS is VmRSS of the "
            "process tree once it stopped growing (within 1 MB for 1.5 s); memory targets are "
            "judged on the larger of the figures before and after `G`. `G` is pressed once memory "
            "has settled. "
            'The verdict uses the ratio of medians; "per round" is the median of the ratios '
            "within each round, less sensitive to load from elsewhere on the machine."
        ),
        "",
        "| target (issue 3) | seedreader | verdict |",
        "|---|---|---|",
        *targets,
        "",
    ]
    for case, outcomes in results:
        parts += [detail_table(case, outcomes), ""]
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(standalone(run))
