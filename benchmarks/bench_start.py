"""Start-up benchmark (issue 11): first text, the app ready, `G` at once, no blank in between.

`less`, the Textual floor (`floor_app.py`) and seedreader run in a real 120x40 pty drawn by pyte,
taking turns round after round. For every run:
- first text: the document's first line on the drawn screen, whoever drew it (an early screen
  printed before Textual is up, or the app);
- ready (seedreader): the footer shown (`? Help` on the bottom row);
- `G` at once (100 MB and 1 GB files): `G` sent the moment the app is ready (`less`: the moment
  its first line is shown), timed until the file's last line is on screen;
- clears: the raw output between the first text and the ready frame, replayed byte by byte to
  find both instants exactly, searched for what blanks a terminal (ESC[2J, ESC[H ESC[J, ESC c,
  alternate-screen toggles).
The same is then measured through tmux: a private tmux server (own socket, status line off, so
the pane is 120x40 too) started inside the pty, the program running in its pane; there the
drawn screen is tmux's, and "the early text holds" means the first line stays on it after every
read of tmux's output until the app is ready.

Usage: python benchmarks/bench_start.py [--quick] [--work DIR]
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyte

from bench_reader import (
    FLOOR,
    SEED,
    SEEDREADER,
    Subject,
    environment,
    first_line,
    last_line,
    needle,
    subjects,
)
from common import (
    CORPUS,
    CORPUS_MISSING,
    fmt_ms,
    fmt_ratio,
    fmt_size,
    large_file,
    median,
    scrub,
    standalone,
    verdict,
)
from ptyscreen import COLS, ROWS, PtyScreen, absent_at, find_clears, replay_offset

RUNS = 7
QUICK_RUNS = 3
TMUX_RUNS = 5
QUICK_TMUX_RUNS = 2
START_TIMEOUT = 30.0
END_TIMEOUT = 30.0
FIRST_TEXT_TARGET = 0.5
READY_TARGET = 1.1
G_TARGET = 0.100
READY_MARK = "? Help"
"""The footer's help key: on the bottom row once the whole app is up."""


def footer_shown(display: list[str]) -> bool:
    """Whether the app's footer is on the bottom row of a drawn screen (the app is ready)."""
    return bool(display) and READY_MARK in display[-1]


def has(text: str) -> Callable[[pyte.Screen], bool]:
    """A check for `replay_offset`: `text` on one row of the screen."""
    return lambda screen: any(text in row for row in screen.display)


@dataclass(frozen=True)
class Case:
    """A document to open, the text proving it is on screen, and which targets apply."""

    label: str
    path: Path
    first: str
    last: str | None
    """The last line's text, when `G` at once is timed on this document."""
    startup_targets: bool
    """Whether the first-text and ready targets are judged on this document."""


@dataclass
class Trial:
    """One run of one program on one document."""

    first: float
    ready: float | None = None
    end: float | None = None
    clears: list[str] = field(default_factory=list)
    gaps: int = 0
    """Reads after which the first line was missing from the screen before the app was ready."""


@dataclass
class Outcome:
    """All runs of one program on one document, or why they stopped."""

    subject: Subject
    trials: list[Trial] = field(default_factory=list)
    error: str | None = None

    def figure(self, name: str) -> float | None:
        values = [getattr(t, name) for t in self.trials if getattr(t, name) is not None]
        return median(values) if values else None


def tmux_command(argv: list[str], scratch: Path) -> tuple[list[str], Path]:
    """`argv` run in the pane of a private tmux server; returns the command and its socket."""
    conf = scratch / "tmux.conf"
    terminal = "tmux-256color" if _has_terminfo("tmux-256color") else "screen-256color"
    conf.write_text(f"set -g status off\nset -g default-terminal {terminal}\n")
    socket = scratch / "tmux.sock"
    command = ["tmux", "-S", str(socket), "-f", str(conf), "new-session", shlex.join(argv)]
    return command, socket


def _has_terminfo(name: str) -> bool:
    if shutil.which("infocmp") is None:
        return False
    done = subprocess.run(["infocmp", name], capture_output=True, check=False)
    return done.returncode == 0


def _kill_tmux(socket: Path) -> None:
    if socket.exists():
        subprocess.run(
            ["tmux", "-S", str(socket), "kill-server"], capture_output=True, check=False, timeout=10
        )


def trial(subject: Subject, case: Case, work: Path, in_tmux: bool) -> Trial:
    """Run `subject` once on `case` (fresh data and cache folders)."""
    assert subject.command is not None
    with tempfile.TemporaryDirectory(dir=work, prefix="run-") as scratch_name:
        scratch = Path(scratch_name)
        env = environment(scratch)
        argv = subject.command(case.path)
        socket: Path | None = None
        if in_tmux:
            argv, socket = tmux_command(argv, scratch)
            # Run from inside tmux, the new session would otherwise refuse to nest.
            env.pop("TMUX", None)
            env.pop("TMUX_PANE", None)
        try:
            with PtyScreen(argv, env=env, rows=ROWS, cols=COLS) as screen:
                first = screen.wait_until(
                    lambda s: case.first in s.text(), START_TIMEOUT, what=repr(case.first)
                )
                result = Trial(first)
                ours = subject.label == SEEDREADER
                if ours:
                    result.ready = screen.wait_until(
                        lambda s: footer_shown(s.screen.display), START_TIMEOUT, what="the footer"
                    )
                if case.last is not None and subject.has_end_key and not in_tmux:
                    if case.last in screen.text():
                        raise RuntimeError(f"{case.last!r} is on screen before G was pressed")
                    sent = screen.send("G")
                    result.end = screen.wait_for(case.last, END_TIMEOUT, since=sent)
                raw, reads = bytes(screen.raw), [end for _, end in screen.reads]
        finally:
            if socket is not None:
                _kill_tmux(socket)
        if ours:
            # After the run, so replaying the output costs the measured program nothing.
            since = replay_offset(raw, reads, has(case.first))
            until = replay_offset(raw, reads, lambda s: footer_shown(s.display))
            if since is not None and until is not None:
                result.clears = [name for at, name in find_clears(raw) if since <= at < until]
                if in_tmux:
                    result.gaps = len(absent_at(raw, reads, case.first, since, until))
        return result


def measure(programs: list[Subject], case: Case, work: Path, runs: int, in_tmux: bool) -> dict:
    """A warm-up round, then `runs` rounds in which the programs take turns."""
    outcomes = {p.label: Outcome(p) for p in programs}
    for program in programs:
        if program.command is None:
            outcomes[program.label].error = "not installed"
    for round_number in range(runs + 1):
        for program in programs:
            outcome = outcomes[program.label]
            if outcome.error:
                continue
            try:
                result = trial(program, case, work, in_tmux)
            except Exception as exc:  # noqa: BLE001 - reported in the table; the others go on
                outcome.error = scrub(" ".join(str(exc).split()) or repr(exc), work)
                continue
            if round_number > 0:
                outcome.trials.append(result)
    return outcomes


def cases(work: Path, quick: bool) -> list[Case]:
    """The seed article, the 100 MB file (`G`) and, unless quick, the 1 GB file."""
    found = [Case("seed article", SEED, needle(first_line(SEED)), None, True)]
    if not CORPUS.is_dir():
        return found
    for megabytes in [100] if quick else [100, 1000]:
        path = large_file(work, megabytes)
        label = "1 GB file" if megabytes == 1000 else "100 MB file"
        last = needle(last_line(path))
        found.append(Case(label, path, needle(first_line(path)), last, megabytes == 1000))
    return found


def _ms(value: float | None) -> str:
    return "–" if value is None else fmt_ms(value)


def _ratio(value: float | None, reference: float | None) -> str:
    return "–" if value is None or not reference else fmt_ratio(value / reference)


def _clears(outcome: Outcome) -> str:
    seen = sorted({name for t in outcome.trials for name in t.clears})
    runs = sum(1 for t in outcome.trials if t.clears)
    return "none" if not seen else f"in {runs}/{len(outcome.trials)} runs: " + "; ".join(seen)


def target_rows(case: Case, outcomes: dict[str, Outcome]) -> list[str]:
    ours, floor = outcomes[SEEDREADER], outcomes[FLOOR]
    floor_first = floor.figure("first")
    first, ready, end = ours.figure("first"), ours.figure("ready"), ours.figure("end")
    n = len(ours.trials)
    failed = f" ({ours.error})" if ours.error else ""
    rows = []
    if case.startup_targets:
        ok = first is not None and bool(floor_first) and first / floor_first <= FIRST_TEXT_TARGET
        rows.append(
            f"| first text, {case.label}: at most {FIRST_TEXT_TARGET}x the floor's first line "
            f"| {_ratio(first, floor_first)} ({_ms(first)} vs {_ms(floor_first)}; n={n}){failed} "
            f"| {verdict(ok)} |"
        )
        ok = ready is not None and bool(floor_first) and ready / floor_first <= READY_TARGET
        rows.append(
            f"| app ready (footer), {case.label}: at most {READY_TARGET}x the floor's first line "
            f"| {_ratio(ready, floor_first)} ({_ms(ready)} vs {_ms(floor_first)}; n={n}) "
            f"| {verdict(ok)} |"
        )
        clean = bool(ours.trials) and not any(t.clears for t in ours.trials)
        rows.append(
            f"| nothing clears the screen between first text and ready, {case.label} "
            f"| {_clears(ours)} | {verdict(clean)} |"
        )
    if case.last is not None:
        ok = end is not None and end <= G_TARGET
        rows.append(
            f"| `G` at once (sent when the footer shows) → last line, {case.label}: at most "
            f"{fmt_ms(G_TARGET)} | {_ms(end)} (n={n}){failed} | {verdict(ok)} |"
        )
    return rows


def detail_table(case: Case, outcomes: dict[str, Outcome], in_tmux: bool) -> str:
    floor_first = outcomes[FLOOR].figure("first")
    where = " in tmux" if in_tmux else ""
    title = (
        f"**{case.label}{where}** (`{case.path.name}`, {fmt_size(case.path.stat().st_size)}; "
        f"first line `{case.first}`)"
    )
    columns = [
        "program",
        "runs",
        "first text",
        "vs floor",
        "ready (footer)",
        "vs floor",
        "`G` at once",
        "clears between",
    ] + (["first line held"] if in_tmux else [])
    rows = [
        title,
        "",
        "| " + " | ".join(columns) + " |",
        "|---|" + "---:|" * 6 + "---|" * (len(columns) - 7),
    ]
    for outcome in outcomes.values():
        label = outcome.subject.label
        if outcome.error:
            label += f" (**failed**: {outcome.error[:200]})"
        first, ready = outcome.figure("first"), outcome.figure("ready")
        ours = outcome.subject.label == SEEDREADER
        cells = [
            label,
            str(len(outcome.trials)),
            _ms(first),
            _ratio(first, floor_first),
            _ms(ready),
            _ratio(ready, floor_first),
            _ms(outcome.figure("end")),
            _clears(outcome) if ours else "–",
        ]
        if in_tmux:
            held = sum(1 for t in outcome.trials if t.gaps == 0)
            cells.append(f"{held}/{len(outcome.trials)} runs" if ours else "–")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def run(work: Path, quick: bool) -> str:
    """Measure start-up and `G` at once, directly and in tmux; the Markdown section."""
    runs = QUICK_RUNS if quick else RUNS
    tmux_runs = QUICK_TMUX_RUNS if quick else TMUX_RUNS
    work.mkdir(parents=True, exist_ok=True)
    programs = subjects()
    results = [(case, measure(programs, case, work, runs, False)) for case in cases(work, quick)]
    targets = [row for case, outcomes in results for row in target_rows(case, outcomes)]
    if not CORPUS.is_dir():
        targets.append(f"| 100 MB and 1 GB files | {CORPUS_MISSING} | – |")
    elif quick:
        targets.append("| 1 GB file (first text, ready, `G`) | not measured (`--quick`) | – |")
    parts = [
        "## Start-up: first text, ready, `G` at once (issue 11)",
        "",
        (
            f"Each program runs in a real {COLS}x{ROWS} pty (`TERM=xterm-256color`) drawn by pyte, "
            f"the programs taking turns; medians of {runs} runs after a warm-up round (n = runs). "
            "*First text*: the document's first line on the drawn screen, whichever part of the "
            "program drew it. *Ready*: seedreader's footer (`? Help`) on the bottom row. *`G` at "
            "once*: `G` sent the moment the footer shows (`less`: its first line), timed to the "
            "file's last line on screen. *Clears between*: the raw output between the first text "
            "and the ready frame (both located exactly by replaying the output byte by byte), "
            "searched for ESC[2J, ESC[3J, ESC[H ESC[J, ESC c and alternate-screen toggles "
            "(?1049/?1047/?47); any of them blanks a real terminal. Ratios are to the floor's "
            "first line (`benchmarks/floor_app.py`) in the same run."
        ),
        "",
        "| target (issue 11) | seedreader | verdict |",
        "|---|---|---|",
        *targets,
        "",
    ]
    for case, outcomes in results:
        parts += [detail_table(case, outcomes, False), ""]
    if shutil.which("tmux") is None:
        parts += ["**In tmux**: not measured (tmux is not installed).", ""]
        return "\n".join(parts)
    tmux_case = results[0][0]
    tmux_outcomes = measure(programs, tmux_case, work, tmux_runs, True)
    ours = tmux_outcomes[SEEDREADER]
    held = bool(ours.trials) and all(t.gaps == 0 for t in ours.trials)
    parts += [
        "### In tmux",
        "",
        (
            f"`tmux -S SOCKET -f CONF new-session 'PROGRAM FILE'` started inside the same "
            f"{COLS}x{ROWS} pty: a private server with the status line off "
            "(`default-terminal tmux-256color`), killed after each run; times are from starting "
            f"the tmux client; medians of {tmux_runs} runs. The drawn screen is what tmux shows; "
            "*first line held* counts the runs in which the first line stayed on it after every "
            "read of tmux's output until the footer showed (a blank frame in between breaks it)."
        ),
        "",
        "| target (issue 11) | seedreader | verdict |",
        "|---|---|---|",
        *[
            row.replace(f", {tmux_case.label}", ", seed article in tmux")
            for row in target_rows(tmux_case, tmux_outcomes)
        ],
        (
            f"| the first text holds until the app is ready, in tmux "
            f"| {sum(1 for t in ours.trials if t.gaps == 0)}/{len(ours.trials)} runs "
            f"| {verdict(held)} |"
        ),
        "",
        detail_table(tmux_case, tmux_outcomes, True),
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(standalone(run))
