"""Markdown start-up benchmark: a 5 MB Markdown file against the same bytes as plain text.

The issue asks for real Markdown, not a fixture: the long descriptions that installed packages
ship in `*.dist-info/METADATA` (those whose `Description-Content-Type` is text/markdown, the body
after the header block), sorted by package name, concatenated and repeated to 5,000,000 bytes
(cut at a line end). The same bytes are written as `big.md` and `big.txt`, so the only difference
seedreader sees is the suffix. The longest description alone is a second case, a real README.

In a real 120x40 pty drawn by pyte (as `bench_start.py` does), for `seedreader big.txt` and
`seedreader big.md`, programs taking turns round after round:
- first text: a marker on screen, a plain phrase from the first paragraph of the body that plain
  text shows as is and Markdown renders unchanged (the body opens with raw HTML, which a renderer
  may drop, so the file's first line would not do);
- ready: the footer shown;
- raw markup: whether the file's first source line is still on screen once the app is ready (a
  Markdown view shows no `<h1 align=...>`), so a number is never read as Markdown rendered when the
  app showed the source.
Target: the first text of `big.md` at most 1.5x that of `big.txt`, medians of the same run.
Then the same in tmux (a private server, as in `bench_start.py`), and glow on the `.md` files for
reference when a glow binary is found (`SEEDREADER_BENCH_GLOW`, else `glow` on PATH): the time to
its first output in the pty (glow renders the whole document, then prints it at once).

Usage: python benchmarks/bench_markdown.py [--quick] [--work DIR]
"""

from __future__ import annotations

import contextlib
import email.parser
import os
import re
import select
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ptyprocess import PtyProcess  # type: ignore[import-untyped]

from bench_reader import SEEDREADER, environment, needle, subjects
from bench_start import _kill_tmux, footer_shown, has, tmux_command
from common import ROOT, fmt_ms, fmt_ratio, fmt_size, median, scrub, standalone, verdict
from ptyscreen import COLS, ROWS, PtyScreen, absent_at, find_clears, replay_offset

SIZE = 5_000_000
RUNS = 7
QUICK_RUNS = 3
TMUX_RUNS = 5
QUICK_TMUX_RUNS = 2
TIMEOUT = 60.0
FIRST_TEXT_TARGET = 1.5
OWN_PROJECT = "seedreader"
"""Left out of the Markdown: its README changes with every commit, so the file would too."""
GLOW_ENV = "SEEDREADER_BENCH_GLOW"
GLOW_ARGS = ["-s", "dark", "-w", "100"]
MARKER_MAX = 32
"""Characters of a marker at most: one row of any rendering (a quote bar, a margin) holds it."""
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,]*")
_BLOCK_PREFIX = re.compile(r"^(?:#{1,6}\s+|(?:>\s?)+|[-*+]\s+|\d{1,9}[.)]\s+)")
_STRONG = re.compile(r"\*\*[A-Za-z0-9]+")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")


def site_packages() -> Path:
    """The project venv's site-packages (a fresh checkout has it), else this Python's."""
    found = sorted((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    return found[-1] if found else Path(sysconfig.get_paths()["purelib"])


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def markdown_descriptions(where: Path) -> list[tuple[str, str]]:
    """(package name, long description) of every Markdown description in `where`, by name.

    Only the METADATA body counts (the header's `Description:` field is the old, folded form),
    and only when `Description-Content-Type` says text/markdown.
    """
    found: dict[str, tuple[str, str]] = {}
    parser = email.parser.Parser()
    for meta in where.glob("*.dist-info/METADATA"):
        message = parser.parsestr(meta.read_text(encoding="utf-8", errors="replace"))
        kind = str(message.get("Description-Content-Type", "")).split(";")[0].strip().lower()
        name = str(message.get("Name", meta.parent.name))
        body = message.get_payload()
        if kind != "text/markdown" or not isinstance(body, str) or not body.strip():
            continue
        if _normalized(name) == OWN_PROJECT:
            continue
        found[_normalized(name)] = (name, body)
    return [found[key] for key in sorted(found)]


def assemble(bodies: Sequence[str], size: int) -> bytes:
    """The bodies joined by blank lines, repeated to `size` bytes and cut after a line end.

    Each body ends with a blank line, so no construct of one (a list, an open HTML block) runs
    into the next; the cut keeps the file's last line whole.
    """
    unit = "".join(body.rstrip() + "\n\n" for body in bodies).encode("utf-8")
    if not unit.strip():
        raise ValueError("no Markdown text to assemble")
    data = unit * (size // len(unit) + 1)
    cut = data.rfind(b"\n", 0, size)
    return data[: cut + 1] if cut >= 0 else data[:size]


def _block_lines(body: str) -> Iterator[tuple[str, bool]]:
    """The lines of `body` outside code fences and raw HTML blocks, and whether each opens a block.

    An HTML block is taken, as CommonMark does for most tags, to run from a line that opens a
    block with `<` to the next blank line.
    """
    in_fence = in_html = False
    previous = ""
    for line in body.splitlines():
        opens_block = not previous.strip()
        previous = line
        if _FENCE.match(line):
            in_fence = not in_fence
        elif in_fence:
            continue
        elif in_html:
            in_html = bool(line.strip())
        elif (
            opens_block and line.lstrip(" ").startswith("<") and len(line) - len(line.lstrip()) < 4
        ):
            in_html = True
        elif line.strip():
            yield line, opens_block


def marker(body: str) -> str:
    """A phrase from the start of the first paragraph of `body` that shows the same either way.

    Plain text shows the line as is; a Markdown view drops raw HTML, code fences and block
    markers (`#`, `>`, list bullets) and restyles words, but leaves plain words alone. So: the
    first line that opens a block outside HTML and code, without its block marker, as many
    leading plain words (letters, digits, `.` and `,`) as fit in MARKER_MAX characters; at least
    three words, so it is not a word that could be anywhere.

    Raises:
        ValueError: no such line (the caller says so instead of timing a string never shown).
    """
    for line, opens_block in _block_lines(body):
        if not opens_block or line.startswith(("    ", "\t")):
            continue
        text = _BLOCK_PREFIX.sub("", line.strip())
        words: list[str] = []
        for word in text.split(" "):
            if not _WORD.fullmatch(word) or len(" ".join([*words, word])) > MARKER_MAX:
                break
            words.append(word)
        if len(words) >= 3:
            return " ".join(words)
    raise ValueError("no plain phrase opens a paragraph")


def raw_probes(body: str) -> tuple[str, ...]:
    """Source text that a Markdown view never shows as is: proof, on screen, of markup shown raw.

    The body's first line when it is an HTML tag (a view renders or drops tags), and the first
    `**word` outside code and HTML (strong emphasis shows without its asterisks). Each is short
    enough to stay on one row when plain text wraps.
    """
    probes: list[str] = []
    first = body.lstrip("\n").split("\n", 1)[0].strip()
    if first.startswith("<"):
        probes.append(needle(first))
    for line, _ in _block_lines(body):
        found = _STRONG.search(line)
        if found:
            probes.append(found.group())
            break
    return tuple(probes)


def plain_text(output: bytes) -> str:
    """A program's output without escape sequences, for checking what it printed."""
    return _CSI.sub("", output.decode("utf-8", errors="replace"))


def glow_command() -> list[str] | None:
    """The glow binary to compare with: $SEEDREADER_BENCH_GLOW, else `glow` on PATH."""
    chosen = os.environ.get(GLOW_ENV) or shutil.which("glow")
    return [chosen] if chosen and Path(chosen).exists() else None


@dataclass(frozen=True)
class Case:
    """One program on one file: how to start it and what proves the document is shown."""

    label: str
    path: Path
    argv: list[str]
    first: str
    raw_probes: tuple[str, ...]
    """Source text that a Markdown view never shows as is (see `raw_probes`)."""
    ours: bool
    """seedreader (ready and raw markup measured) or glow (first output only)."""


@dataclass
class Trial:
    """One run of one case."""

    first: float
    ready: float | None = None
    raw: list[str] = field(default_factory=list)
    """The raw probes on screen once the app was ready."""
    done: float | None = None
    """glow: its output read to the end (it has exited)."""
    clears: list[str] = field(default_factory=list)
    gaps: int = 0


@dataclass
class Outcome:
    """All runs of one case, or why they stopped."""

    case: Case
    trials: list[Trial] = field(default_factory=list)
    error: str | None = None

    def figure(self, name: str) -> float | None:
        values = [getattr(t, name) for t in self.trials if getattr(t, name) is not None]
        return median(values) if values else None


def output_times(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from launch in a pty to the first output, and to the end of all output.

    Read raw, not drawn: glow writes its whole rendering (25 times the Markdown's size, in
    escape sequences) in one go, and drawing that in pyte would take the harness minutes and
    hold the reads back, so the first read would be stamped late.
    """
    started = time.perf_counter()
    process = PtyProcess.spawn(argv, env=env, dimensions=(ROWS, COLS))
    first: float | None = None
    try:
        deadline = started + TIMEOUT
        while True:
            ready, _, _ = select.select(
                [process.fd], [], [], max(0.0, deadline - time.perf_counter())
            )
            if not ready:
                raise TimeoutError(f"no end of output after {TIMEOUT:.0f} s")
            try:
                data = os.read(process.fd, 1 << 16)
            except OSError:  # EIO: the program has exited and the pty is closed
                data = b""
            now = time.perf_counter() - started
            if not data:
                if first is None:
                    raise RuntimeError(f"exited after {now:.1f} s without output")
                return first, now
            if first is None:
                first = now
    finally:
        if process.isalive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            process.close(force=True)


def trial(case: Case, work: Path, in_tmux: bool) -> Trial:
    """Run one case once (fresh data and cache folders)."""
    with tempfile.TemporaryDirectory(dir=work, prefix="run-") as scratch_name:
        scratch = Path(scratch_name)
        env = environment(scratch)
        argv = list(case.argv)
        socket: Path | None = None
        if in_tmux:
            argv, socket = tmux_command(argv, scratch)
            env.pop("TMUX", None)
            env.pop("TMUX_PANE", None)
        try:
            if not case.ours:
                first, done = output_times(argv, env)
                return Trial(first, done=done)
            with PtyScreen(argv, env=env, rows=ROWS, cols=COLS) as screen:
                result = Trial(
                    screen.wait_until(lambda s: case.first in s.text(), TIMEOUT, what=case.first)
                )
                result.ready = screen.wait_until(
                    lambda s: footer_shown(s.screen.display), TIMEOUT, what="the footer"
                )
                shown = screen.text()
                result.raw = [probe for probe in case.raw_probes if probe in shown]
                raw, reads = bytes(screen.raw), [end for _, end in screen.reads]
        finally:
            if socket is not None:
                _kill_tmux(socket)
    # After the run, so replaying the output costs the measured program nothing.
    since = replay_offset(raw, reads, has(case.first))
    until = replay_offset(raw, reads, lambda s: footer_shown(s.display))
    if since is not None and until is not None:
        result.clears = [name for at, name in find_clears(raw) if since <= at < until]
        if in_tmux:
            result.gaps = len(absent_at(raw, reads, case.first, since, until))
    return result


def measure(cases: Sequence[Case], work: Path, runs: int, in_tmux: bool) -> list[Outcome]:
    """A warm-up round, then `runs` rounds in which the cases take turns."""
    outcomes = [Outcome(case) for case in cases]
    for round_number in range(runs + 1):
        for outcome in outcomes:
            if outcome.error:
                continue
            try:
                result = trial(outcome.case, work, in_tmux)
            except Exception as exc:  # noqa: BLE001 - reported in the table; the others go on
                outcome.error = scrub(" ".join(str(exc).split()) or repr(exc), work)
                continue
            if round_number > 0:
                outcome.trials.append(result)
    return outcomes


@dataclass(frozen=True)
class Files:
    """The generated documents and what proves each is on screen."""

    big_md: Path
    big_txt: Path
    readme_md: Path
    readme_txt: Path
    readme_name: str
    big_marker: str
    readme_marker: str
    big_probes: tuple[str, ...]
    readme_probes: tuple[str, ...]
    packages: int


def _write(path: Path, data: bytes) -> Path:
    """Write `data` unless the file already holds it (its mtime then stays, and so may caches)."""
    if not path.exists() or path.stat().st_size != len(data) or path.read_bytes() != data:
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, path)
    return path


def build_files(work: Path) -> Files:
    """big.md / big.txt (5 MB) and the longest description alone, as .md and .txt, in `work`."""
    descriptions = markdown_descriptions(site_packages())
    if not descriptions:
        raise RuntimeError(f"no Markdown long description in {scrub(str(site_packages()))}")
    bodies = [body for _, body in descriptions]
    big = assemble(bodies, SIZE)
    name, longest = max(descriptions, key=lambda item: len(item[1].encode("utf-8")))
    readme = assemble([longest], len(longest.encode("utf-8")) + 2)
    return Files(
        big_md=_write(work / "big.md", big),
        big_txt=_write(work / "big.txt", big),
        readme_md=_write(work / "long-readme.md", readme),
        readme_txt=_write(work / "long-readme.txt", readme),
        readme_name=name,
        big_marker=marker(bodies[0]),
        readme_marker=marker(longest),
        big_probes=raw_probes(bodies[0]),
        readme_probes=raw_probes(longest),
        packages=len(descriptions),
    )


def _seedreader() -> list[str] | None:
    found = [s for s in subjects() if s.label == SEEDREADER]
    command = found[0].command if found else None
    return None if command is None else command(Path("X"))[:-1]


def cases(files: Files) -> tuple[list[Case], list[Case]]:
    """The seedreader cases (txt before md) and the glow cases (empty without glow)."""
    ours = _seedreader()
    if ours is None:
        raise RuntimeError("the seedreader console script is not installed next to this Python")
    pairs: list[tuple[str, Path, str, tuple[str, ...]]] = [
        ("big.txt", files.big_txt, files.big_marker, files.big_probes),
        ("big.md", files.big_md, files.big_marker, files.big_probes),
        ("long-readme.txt", files.readme_txt, files.readme_marker, files.readme_probes),
        ("long-readme.md", files.readme_md, files.readme_marker, files.readme_probes),
    ]
    seed = [
        Case(f"seedreader {label}", path, [*ours, str(path)], first, probes, True)
        for label, path, first, probes in pairs
    ]
    glow = glow_command()
    if glow is None:
        return seed, []
    glow_cases = [
        Case(f"glow {label}", path, [*glow, *GLOW_ARGS, str(path)], first, (), False)
        for label, path, first, _ in pairs
        if label.endswith(".md")
    ]
    return seed, glow_cases


def glow_check(case: Case) -> str:
    """Whether glow's whole output (to a pipe) holds the marker, and how long it took."""
    started = time.perf_counter()
    try:
        done = subprocess.run(case.argv, capture_output=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        return "did not finish in 300 s"
    took = time.perf_counter() - started
    if done.returncode != 0:
        return f"exit {done.returncode}: {scrub(plain_text(done.stderr).strip()[:200])}"
    shown = "marker in output" if case.first in plain_text(done.stdout) else "**marker missing**"
    return f"{shown}; whole run into a pipe {fmt_ms(took)}, {fmt_size(len(done.stdout))} printed"


def _ms(value: float | None) -> str:
    return "–" if value is None else fmt_ms(value)


def _ratio(value: float | None, reference: float | None) -> str:
    return "–" if value is None or not reference else fmt_ratio(value / reference)


def _by_label(outcomes: Sequence[Outcome]) -> dict[str, Outcome]:
    return {o.case.label: o for o in outcomes}


def table(outcomes: Sequence[Outcome], reference: Callable[[Outcome], Outcome | None]) -> str:
    """One row per case; ratios to the case `reference` names (the same file as .txt)."""
    rows = [
        (
            "| program and file | runs | first text | vs .txt | ready (footer) | vs .txt "
            "| glow: all output | raw markup on screen | clears between | first text held |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for outcome in outcomes:
        label = outcome.case.label
        if outcome.error:
            label += f" (**failed**: {outcome.error[:200]})"
        base = reference(outcome)
        base_first = base.figure("first") if base else None
        base_ready = base.figure("ready") if base else None
        first, ready = outcome.figure("first"), outcome.figure("ready")
        n = len(outcome.trials)
        ours = outcome.case.ours
        clears = sorted({c for t in outcome.trials for c in t.clears})
        held = sum(1 for t in outcome.trials if t.gaps == 0)
        cells = [
            label,
            str(n),
            _ms(first),
            _ratio(first, base_first),
            _ms(ready),
            _ratio(ready, base_ready),
            _ms(outcome.figure("done")),
            _raw_cell(outcome) if ours and outcome.case.path.suffix == ".md" else "–",
            ("none" if not clears else "; ".join(clears)) if ours and n else "–",
            f"{held}/{n} runs" if ours and n else "–",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _raw_cell(outcome: Outcome) -> str:
    """In how many runs markup showed raw, and which source text gave it away."""
    seen = [
        probe for probe in outcome.case.raw_probes if any(probe in t.raw for t in outcome.trials)
    ]
    runs = sum(1 for t in outcome.trials if t.raw)
    return f"{runs}/{len(outcome.trials)} runs" + (
        " (" + ", ".join(f"`{probe}`" for probe in seen) + ")" if seen else ""
    )


def _txt_of(outcomes: Sequence[Outcome]) -> Callable[[Outcome], Outcome | None]:
    by_path = {o.case.path: o for o in outcomes if o.case.ours}

    def reference(outcome: Outcome) -> Outcome | None:
        return by_path.get(outcome.case.path.with_suffix(".txt"))

    return reference


def target_row(outcomes: Sequence[Outcome], where: str) -> str:
    by = _by_label(outcomes)
    txt, md = by["seedreader big.txt"], by["seedreader big.md"]
    txt_first, md_first = txt.figure("first"), md.figure("first")
    ok = (
        md_first is not None
        and txt_first is not None
        and txt_first > 0
        and md_first / txt_first <= FIRST_TEXT_TARGET
    )
    failed = "; ".join(f"{o.case.label}: {o.error[:150]}" for o in (txt, md) if o.error)
    raw = sum(1 for t in md.trials if t.raw)
    note = f"; markup shown raw in {raw}/{len(md.trials)} runs" if raw else ""
    return (
        f"| first text of a 5 MB Markdown file at most {FIRST_TEXT_TARGET}x the same bytes as "
        f"plain text{where} | {_ratio(md_first, txt_first)} ({_ms(md_first)} vs {_ms(txt_first)}; "
        f"n={len(md.trials)}){note}{' (' + failed + ')' if failed else ''} | {verdict(ok)} |"
    )


def run(work: Path, quick: bool) -> str:
    """Measure the Markdown and plain-text start-up, directly and in tmux; the Markdown section."""
    runs = QUICK_RUNS if quick else RUNS
    tmux_runs = QUICK_TMUX_RUNS if quick else TMUX_RUNS
    work.mkdir(parents=True, exist_ok=True)
    files = build_files(work)
    seed, glow = cases(files)
    outcomes = measure([*seed, *glow], work, runs, False)
    reference = _txt_of(outcomes)
    parts = [
        "## Markdown start-up: a 5 MB Markdown file against the same bytes as text",
        "",
        (
            f"Real Markdown: the long descriptions (`Description-Content-Type: text/markdown`) of "
            f"the {files.packages} packages installed in the project venv that have one "
            f"(seedreader's own left out), sorted by name, joined and repeated to "
            f"{fmt_size(files.big_md.stat().st_size)} (cut at a line end), written as `big.md` "
            f"and byte-identical `big.txt`; and the longest description alone "
            f"({files.readme_name}, {fmt_size(files.readme_md.stat().st_size)}) as "
            f"`long-readme.md` / `.txt`. Each run in a real {COLS}x{ROWS} pty drawn by pyte, "
            f"the cases taking turns; medians of {runs} runs after a warm-up round. "
            f"*First text*: a phrase from the first paragraph on screen (`{files.big_marker}` in "
            f"the big file, `{files.readme_marker}` in the README), which plain text and a "
            "Markdown view both show as is (the bodies open with raw HTML that a renderer may "
            "drop). *Ready*: the footer on the bottom row. *Raw markup on screen*: source text "
            "that no Markdown view shows as is (the opening HTML tag line, the first `**word`) "
            "found on screen when the app is ready, i.e. markup shown as source. *Clears "
            "between*: escape sequences that blank a terminal between first text and ready "
            "(see the start-up section). Ratios are to "
            "the same file opened as `.txt` in the same run."
        ),
        "",
        "| target | seedreader | verdict |",
        "|---|---|---|",
        target_row(outcomes, ""),
        "",
        table(outcomes, reference),
        "",
    ]
    if glow:
        checks = [f"- `{c.label}`: {glow_check(c)}" for c in glow]
        parts += [
            (
                f"glow (`{Path(glow[0].argv[0]).name} {' '.join(GLOW_ARGS)} FILE`, from "
                f"${GLOW_ENV} or PATH) renders the whole document before it prints anything, "
                "then writes it all at once and exits: its *first text* is its first output in "
                "the pty, which is also about its whole rendering time; its ratio is to "
                "seedreader's first text of the same file as `.txt`. Its output checked once "
                "outside the timed runs:"
            ),
            "",
            *checks,
            "",
        ]
    else:
        parts += [
            f"glow: not measured (no `glow` on PATH and ${GLOW_ENV} not set to a glow binary).",
            "",
        ]
    if shutil.which("tmux") is None:
        parts += ["**In tmux**: not measured (tmux is not installed).", ""]
        return "\n".join(parts)
    big = [c for c in seed if c.label in ("seedreader big.txt", "seedreader big.md")]
    tmux_outcomes = measure(big, work, tmux_runs, True)
    parts += [
        "### In tmux",
        "",
        (
            f"The same two big files in the pane of a private tmux server started inside the "
            f"pty (as in the start-up section); medians of {tmux_runs} runs. *First text held*: "
            "runs in which the phrase stayed on tmux's screen after every read until the footer."
        ),
        "",
        "| target | seedreader | verdict |",
        "|---|---|---|",
        target_row(tmux_outcomes, ", in tmux"),
        "",
        table(tmux_outcomes, _txt_of(tmux_outcomes)),
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    raise SystemExit(standalone(run))
