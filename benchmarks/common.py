"""Helpers shared by the benchmark modules: the work folder, big test files, number formats."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT / "seeds"
CORPUS_MISSING = (
    "needs the shared corpus (`../shared/corpus` beside the repo: its texts and its `make-large` "
    "and `make-many` generators), which is not there: not measured."
)


def default_work() -> Path:
    """The scratch folder for generated files: outside the repo, in $TMPDIR or the system temp."""
    return Path(tempfile.gettempdir()) / "seedreader-bench"


def large_file(work: Path, megabytes: int) -> Path:
    """A file of `megabytes` MB from `make-large`, built once and reused by later runs.

    The file is written under a temporary name and renamed, so an interrupted build never leaves
    a short file that a later run would take for a finished one.
    """
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"large-{megabytes}mb.txt"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    subprocess.run(
        [sys.executable, str(CORPUS / "make-large"), str(partial), str(megabytes)], check=True
    )
    os.replace(partial, path)
    return path


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


def fmt_ms(seconds: float) -> str:
    """Seconds as milliseconds for a table: `412 ms`, `3.1 ms`."""
    ms = seconds * 1000
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def fmt_size(size: int) -> str:
    """A file size: `1.2 KB`, `100 MB`, `1.0 GB` (powers of 10, like make-large)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            digits = 1 if size < 10 * scale else 0
            return f"{size / scale:.{digits}f} {unit}"
    return f"{size} B"


def scrub(text: str, work: Path | None = None) -> str:
    """`text` (an error message) without this machine's paths, so it can go into RESULTS.md."""
    places = [(str(ROOT), "."), (tempfile.gettempdir(), "$TMPDIR"), (str(Path.home()), "~")]
    if work is not None:
        places.insert(0, (str(work), "$WORK"))
    for path, name in places:
        text = text.replace(path, name)
    return text


def fmt_mb(size: int) -> str:
    """Bytes as MB (10^6 bytes, like the targets in the issues): `33 MB`."""
    return f"{size / 1e6:.0f} MB"


def fmt_ratio(ratio: float) -> str:
    """A ratio to a reference: `1.07x`."""
    return f"{ratio:.2f}x"


def verdict(ok: bool) -> str:
    """`pass` or `**FAIL**`, so failures stand out in the Markdown."""
    return "pass" if ok else "**FAIL**"


def standalone(run: Callable[[Path, bool], str], argv: Sequence[str] | None = None) -> int:
    """Run one benchmark module from the shell and print its Markdown section.

    Usage: python benchmarks/bench_X.py [--quick] [--work DIR]
    """
    parser = argparse.ArgumentParser(description=(run.__module__ or "benchmark") + " on its own")
    parser.add_argument("--quick", action="store_true", help="fewer and smaller trials")
    parser.add_argument("--work", type=Path, default=default_work(), help="scratch folder")
    options = parser.parse_args(argv)
    options.work.mkdir(parents=True, exist_ok=True)
    print(run(options.work, options.quick))
    return 0
