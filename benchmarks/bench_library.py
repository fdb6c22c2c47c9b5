"""Big-library benchmark (issue 11): a folder of 10,000 documents from `make-many`.

- first line: `seedreader FOLDER` until the first document's first line is on screen, against the
  Textual floor showing that document's first line (same pty, same rounds);
- `]` and `[`: from the ready app (footer shown), each press timed until the next (previous)
  document's name is in the header row and its first line on screen; with the library panel
  hidden, then shown (`L`, then Tab back to the document, the panel staying);
- `seedreader search` over the folder with a warm cache against `ugrep -r -i -Z2` on the same
  misspelled words, and cold (a fresh cache folder each run) as MB/s of text.

Usage: python benchmarks/bench_library.py [--quick] [--work DIR]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_reader import FLOOR, SEEDREADER, Subject, environment, needle, subjects
from bench_search import CLI_QUERIES
from bench_start import footer_shown
from common import (
    CORPUS,
    CORPUS_MISSING,
    fmt_ms,
    fmt_ratio,
    median,
    scrub,
    standalone,
    verdict,
)
from ptyscreen import COLS, ROWS, PtyScreen

DOCUMENTS = 10_000
FIRST_TARGET = 1.5
SWITCH_TARGET = 0.100
COLD_TARGET = 15.0
RUNS = 5
QUICK_RUNS = 2
SWITCHES = 10
QUICK_SWITCHES = 4
TIMEOUT = 60.0


def many(work: Path, count: int = DOCUMENTS) -> Path:
    """A folder of `count` documents from `make-many`, built once and reused by later runs."""
    folder = work / f"many-{count}"
    if folder.is_dir():
        return folder
    partial = work / f"many-{count}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(
        [sys.executable, str(CORPUS / "make-many"), str(partial), str(count)], check=True
    )
    os.replace(partial, folder)
    return folder


def library_order(folder: Path) -> list[Path]:
    """The documents in the order the library lists them (by the bytes of their names)."""
    files = [p for p in folder.iterdir() if p.is_file()]
    return sorted(files, key=lambda p: os.fsencode(p.name))


def opening_line(path: Path) -> str:
    """The needle of a document's first non-blank line."""
    with path.open("rb") as handle:
        for raw in handle:
            line = raw.decode("utf-8", errors="replace").strip()
            if line:
                return needle(line)
    return ""


def shows(screen: PtyScreen, path: Path, first: str) -> bool:
    """The document is open: its name in the header row and its first line on screen."""
    display = screen.screen.display
    return path.name in display[0] and any(first in row for row in display[1:])


def _program(label: str) -> Subject:
    return next(p for p in subjects() if p.label == label)


def first_line_rounds(folder: Path, first_doc: Path, work: Path, runs: int) -> dict:
    """Floor (on the first document) and seedreader (on the folder), taking turns."""
    first = opening_line(first_doc)
    times: dict[str, list[float]] = {FLOOR: [], SEEDREADER: []}
    for round_number in range(runs + 1):
        for label, target in ((FLOOR, first_doc), (SEEDREADER, folder)):
            program = _program(label)
            assert program.command is not None
            with tempfile.TemporaryDirectory(dir=work, prefix="run-") as scratch:
                env = environment(Path(scratch))
                with PtyScreen(program.command(target), env=env, rows=ROWS, cols=COLS) as screen:
                    elapsed = screen.wait_for(first, TIMEOUT)
            if round_number:
                times[label].append(elapsed)
    return times


def switching(folder: Path, order: list[Path], work: Path, count: int, shown: bool) -> dict:
    """`count` presses of `]` then of `[`, each timed to the other document on screen."""
    program = _program(SEEDREADER)
    assert program.command is not None
    firsts = [opening_line(p) for p in order[: count + 1]]
    times: dict[str, list[float]] = {"]": [], "[": []}
    with tempfile.TemporaryDirectory(dir=work, prefix="run-") as scratch:
        env = environment(Path(scratch))
        with PtyScreen(program.command(folder), env=env, rows=ROWS, cols=COLS) as screen:
            screen.wait_until(lambda s: footer_shown(s.screen.display), TIMEOUT, what="footer")
            screen.wait_until(lambda s: shows(s, order[0], firsts[0]), TIMEOUT, what="document")
            if shown:
                screen.wait_quiet(0.3, limit=TIMEOUT)
                screen.send("L")
                # The panel lists the second document's name (the header names only the first).
                screen.wait_until(
                    lambda s: any(order[1].name in row for row in s.screen.display[1:]),
                    TIMEOUT,
                    what="the library panel",
                )
                screen.wait_quiet(0.3, limit=TIMEOUT)
                screen.send("\t")
            screen.wait_quiet(0.5, limit=TIMEOUT)
            steps = [("]", i + 1) for i in range(count)] + [
                ("[", i) for i in reversed(range(count))
            ]
            for key, index in steps:
                screen.wait_quiet(0.05, limit=TIMEOUT)
                sent = screen.send(key)
                times[key].append(
                    screen.wait_until(
                        lambda s, i=index: shows(s, order[i], firsts[i]),
                        TIMEOUT,
                        since=sent,
                        what=f"{order[index].name} after {key}",
                    )
                )
    return times


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    # Into a pipe, as a user reads it: grep-likes stop early when writing to /dev/null.
    subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def search_rows(folder: Path, work: Path, runs: int) -> tuple[list[str], bool, float]:
    """Warm `seedreader search` vs ugrep per query; and the cold MB/s (fresh caches)."""
    size = sum(p.stat().st_size for p in library_order(folder))
    ours = [sys.executable, "-m", "seedreader", "search"]
    rows, ok = [], True
    with tempfile.TemporaryDirectory(dir=work, prefix="search-") as scratch:
        env = {**os.environ, "SEEDREADER_CACHE_DIR": str(Path(scratch) / "warm")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        colds = []
        for n in range(max(1, runs // 2) + 1):
            cold_env = {**env, "SEEDREADER_CACHE_DIR": str(Path(scratch) / f"cold-{n}")}
            elapsed = _wall([*ours, CLI_QUERIES[0], str(folder)], cold_env)
            if n:  # the first one warms the page cache and the bytecode
                colds.append(elapsed)
        _wall([*ours, CLI_QUERIES[0], str(folder)], env)  # builds the warm cache
        for query in CLI_QUERIES:
            mine = median([_wall([*ours, query, str(folder)], env) for _ in range(runs)])
            try:
                _wall(["ugrep", "-r", "-i", "-Z2", query, str(folder)], env)
                peer = median(
                    [
                        _wall(["ugrep", "-r", "-i", "-Z2", query, str(folder)], env)
                        for _ in range(runs)
                    ]
                )
            except FileNotFoundError:
                rows.append(f"| `{query}` | {fmt_ms(mine)} | not installed | – |")
                continue
            ok = ok and mine <= peer
            rows.append(
                f"| `{query}` | {fmt_ms(mine)} | {fmt_ms(peer)} | {fmt_ratio(mine / peer)} |"
            )
    cold = median(colds)
    rows.append(
        f"| cold, `{CLI_QUERIES[0]}` (fresh cache; {len(colds)} runs) | {cold:.2f} s = "
        f"{size / 1e6 / cold:.1f} MB/s of {size / 1e6:.1f} MB | – | – |"
    )
    return rows, ok, size / 1e6 / cold


def _p50(values: list[float]) -> str:
    return (
        f"{fmt_ms(median(values))} (n={len(values)}; first press {fmt_ms(values[0])}, "
        f"max {fmt_ms(max(values))})"
    )


def run(work: Path, quick: bool) -> str:
    """Measure the big library; the Markdown section."""
    if not CORPUS.is_dir():
        return f"## Big library (issue 11)\n\nThe library benchmark {CORPUS_MISSING}\n"
    runs = QUICK_RUNS if quick else RUNS
    count = QUICK_SWITCHES if quick else SWITCHES
    work.mkdir(parents=True, exist_ok=True)
    folder = many(work)
    order = library_order(folder)
    targets: list[str] = []
    try:
        firsts = first_line_rounds(folder, order[0], work, runs)
        ours, floor = median(firsts[SEEDREADER]), median(firsts[FLOOR])
        targets.append(
            f"| first line of a {len(order):,}-document folder: at most {FIRST_TARGET}x the floor "
            f"| {fmt_ratio(ours / floor)} ({fmt_ms(ours)} vs {fmt_ms(floor)}; n={runs}) "
            f"| {verdict(ours / floor <= FIRST_TARGET)} |"
        )
    except Exception as exc:  # noqa: BLE001 - reported in the table; the others go on
        error = scrub(" ".join(str(exc).split()), work)[:200]
        targets.append(f"| first line of the folder | failed: {error} | **FAIL** |")
    for shown in (False, True):
        where = "library shown" if shown else "library hidden"
        try:
            times = switching(folder, order, work, count, shown)
        except Exception as exc:  # noqa: BLE001
            error = scrub(" ".join(str(exc).split()), work)[:200]
            targets.append(f"| `]` / `[`, {where} | failed: {error} | **FAIL** |")
            continue
        for key in ("]", "["):
            p50 = median(times[key])
            targets.append(
                f"| `{key}` to the next document's first line, {where}: p50 at most "
                f"{fmt_ms(SWITCH_TARGET)} | {_p50(times[key])} | {verdict(p50 <= SWITCH_TARGET)} |"
            )
    rows, warm_ok, cold = search_rows(folder, work, runs)
    targets.append(
        f"| warm `seedreader search` over the folder no slower than `ugrep -r -i -Z2` "
        f"| see below | {verdict(warm_ok)} |"
    )
    targets.append(
        f"| cold `seedreader search` (fresh cache) at least {COLD_TARGET:.0f} MB/s "
        f"| {cold:.1f} MB/s | {verdict(cold >= COLD_TARGET)} |"
    )
    return "\n".join(
        [
            "## Big library: 10,000 documents (issue 11)",
            "",
            (
                f"`make-many` writes {len(order):,} documents into the work folder once. *First "
                "line*: `seedreader FOLDER` until the first document's first line is on the "
                f"{COLS}x{ROWS} pty's screen, against the floor showing that document, taking "
                f"turns; medians of {runs} rounds after a warm-up. `]` / `[`: {count} presses "
                "each, from the ready app, each timed until the next document's name is in the "
                "header and its first non-blank line on screen; library hidden, then shown (`L`, "
                "Tab back to the document). Search: wall time of `seedreader search` (a new "
                f"process) over the folder with a warm cache, median of {runs} runs per query "
                "after a warm-up, against `ugrep -r -i -Z2` in the same way; cold = a fresh "
                "cache folder (the files themselves in the page cache)."
            ),
            "",
            "| target (issue 11) | seedreader | verdict |",
            "|---|---|---|",
            *targets,
            "",
            "| misspelled query | `seedreader search` | `ugrep -r -i -Z2` | ratio |",
            "|---|---:|---:|---:|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(standalone(run))
