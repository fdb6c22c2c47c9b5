"""Key-to-screen benchmark (issue 11): `j`, space, `?` and Esc through the pty, `less` alongside.

Each program runs once in a real 120x40 pty drawn by pyte, on a long document (the corpus's
`kjv.txt`). Before every key the harness reads the pty until the program has been quiet for a
while, so whatever changes next is the key's doing; it then sends the key and reads the pty as
soon as anything arrives (select, no polling interval), checking the drawn screen after every
read outside a synchronized update:
- `j` and space: any cell of the screen changed (text or colour: a moved cursor line counts);
- `?`: the help screen's title is on screen; Esc: it is gone again.
The figure is the time from writing the key to the read that completed the change. p50 and p95
over many presses; `less` (`j`, space) is measured in the same run as the reference.

Usage: python benchmarks/bench_keys.py [--quick] [--work DIR]
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench_reader import SEED, SEEDREADER, environment, first_line, needle, subjects
from bench_start import footer_shown
from common import CORPUS, fmt_ms, fmt_ratio, median, scrub, standalone, verdict
from ptyscreen import COLS, ROWS, PtyScreen, changed_rows

PRESSES = 60
QUICK_PRESSES = 15
QUIET = 0.05
"""Seconds without output before a key is sent."""
KEY_TIMEOUT = 10.0
HELP_TITLE = "seedreader — keys"
MOVE_TARGET = 0.025
DIALOG_TARGET = 0.060
KEYS = {"j": "j", "space": " ", "?": "?", "Esc": "\x1b"}


def p95(values: list[float]) -> float:
    """The 95th percentile (the last of 20 quantiles; the value itself for one press)."""
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def document() -> Path:
    """A long document, so that `j` and space never reach its end: the corpus's KJV."""
    kjv = CORPUS / "kjv" / "kjv.txt"
    return kjv if kjv.is_file() else SEED


def press(screen: PtyScreen, key: str, done: Callable[[PtyScreen], bool]) -> tuple[float, float]:
    """Send `key` once the program is quiet; seconds until `done` holds on the drawn screen,
    and until the program's last write before it went quiet again (the whole change drawn,
    the status bar included)."""
    screen.wait_quiet(QUIET)
    sent = screen.send(key)
    first = screen.wait_until(done, KEY_TIMEOUT, since=sent, what=f"the change after {key!r}")
    screen.wait_quiet(QUIET)
    return first, max(first, screen.last_output - sent)


def changes(screen: PtyScreen) -> Callable[[PtyScreen], bool]:
    """A check that holds once any cell differs from the screen as it is now."""
    before = screen.snapshot()
    return lambda s: bool(changed_rows(before, s.snapshot()))


Times = dict[str, list[tuple[float, float]]]
"""Per key: (first change, whole change) of every press."""


def presses(screen: PtyScreen, label: str, count: int) -> list[tuple[float, float]]:
    """`count` presses of a movement key (`j` or space), each timed to the changed screen."""
    times = []
    for _ in range(count):
        screen.wait_quiet(QUIET)
        times.append(press(screen, KEYS[label], changes(screen)))
    return times


def dialog(screen: PtyScreen, count: int) -> Times:
    """`count` times: `?` until the help is shown, Esc until it is gone."""
    times: Times = {"?": [], "Esc": []}
    for _ in range(count):
        times["?"].append(press(screen, "?", lambda s: HELP_TITLE in s.text()))
        times["Esc"].append(press(screen, "\x1b", lambda s: HELP_TITLE not in s.text()))
    return times


def session(label: str, work: Path, path: Path, count: int) -> Times:
    """One program on `path`: every key it has, `count` presses each."""
    program = next(p for p in subjects() if p.label == label)
    if program.command is None:
        raise RuntimeError("not installed")
    ours = label == SEEDREADER
    with tempfile.TemporaryDirectory(dir=work, prefix="run-") as scratch:
        env = environment(Path(scratch))
        with PtyScreen(program.command(path), env=env, rows=ROWS, cols=COLS) as screen:
            screen.wait_for(needle(first_line(path)), 30)
            if ours:
                screen.wait_until(lambda s: footer_shown(s.screen.display), 30, what="the footer")
            # Let start-up work (indexing, a first resize) finish before the first key.
            screen.wait_quiet(0.5, limit=15)
            times = {"j": presses(screen, "j", count), "space": presses(screen, "space", count)}
            if ours:
                times.update(dialog(screen, count))
            return times


def run(work: Path, quick: bool) -> str:
    """Time the keys in seedreader and in less; the Markdown section."""
    count = QUICK_PRESSES if quick else PRESSES
    work.mkdir(parents=True, exist_ok=True)
    path = document()
    results: dict[str, Times] = {}
    errors: dict[str, str] = {}
    for label in ("less", SEEDREADER):
        try:
            results[label] = session(label, work, path, count)
        except Exception as exc:  # noqa: BLE001 - reported in the table
            errors[label] = scrub(" ".join(str(exc).split()) or repr(exc), work)
    ours, less = results.get(SEEDREADER, {}), results.get("less", {})
    targets = []
    for name, target in (("j", MOVE_TARGET), ("space", MOVE_TARGET), ("?", DIALOG_TARGET)):
        for key in [name] if name != "?" else ["?", "Esc"]:
            values = [first for first, _ in ours.get(key, [])]
            if not values:
                shown = f"not measured ({errors.get(SEEDREADER, 'no presses')})"
                targets.append(f"| `{key}` p50 at most {fmt_ms(target)} | {shown} | **FAIL** |")
                continue
            p50 = median(values)
            reference = [first for first, _ in less.get(key, [])]
            versus = f"; `less` {fmt_ms(median(reference))}" if reference else ""
            targets.append(
                f"| `{key}` p50 at most {fmt_ms(target)} | {fmt_ms(p50)} (p95 "
                f"{fmt_ms(p95(values))}, n={len(values)}{versus}) | {verdict(p50 <= target)} |"
            )
    rows = []
    for key in KEYS:
        cells = [f"`{key}`"]
        for label in ("less", SEEDREADER):
            pairs = results.get(label, {}).get(key)
            if pairs:
                first = [a for a, _ in pairs]
                whole = [b for _, b in pairs]
                cells.append(
                    f"{fmt_ms(median(first))} / {fmt_ms(p95(first))} "
                    f"({fmt_ms(median(whole))}) n={len(pairs)}"
                )
            elif label in errors:
                cells.append(f"failed: {errors[label][:150]}")
            else:
                cells.append("–")
        a, b = less.get(key), ours.get(key)
        ratio = median([x for x, _ in b]) / median([x for x, _ in a]) if a and b else None
        cells.append("–" if ratio is None else fmt_ratio(ratio))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(
        [
            "## Keys: key to screen through the pty (issue 11)",
            "",
            (
                f"One session per program in a {COLS}x{ROWS} pty on `{path.name}`; before each "
                f"key the pty is read until the program has been quiet for {fmt_ms(QUIET)}, then "
                "the key is written and the pty read as soon as output arrives; the time is to "
                "the read that completed the change on the drawn screen (`j`, space: any cell "
                "changed, colour included; `?`: the help title shown; Esc: the help gone). "
                f"{count} presses of each key; `less` is the reference for `j` and space. In "
                "brackets, p50 of the *whole change*: until the program's last write before it "
                f"was quiet again for {fmt_ms(QUIET)} (seedreader's status bar comes a frame "
                "after the text); the targets are judged on the first change."
            ),
            "",
            "| target (issue 11) | seedreader | verdict |",
            "|---|---|---|",
            *targets,
            "",
            "| key | `less` p50 / p95 (whole) n | seedreader p50 / p95 (whole) n | p50 vs `less` |",
            "|---|---:|---:|---:|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(standalone(run))
