"""Index memory and disk benchmark (issue 11): building the search index of the 100 MB file.

`seedreader search` runs on the 100 MB file with a fresh, empty cache folder, so it builds the
index before it searches. Its peak resident memory is the high-water mark the kernel keeps for
the process (VmHWM, as `ru_maxrss` of a small starter process's children, so the harness's own
size does not count); the index cache's size is the sum of the files it left in the cache folder.

Usage: python benchmarks/bench_index.py [--quick] [--work DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    CORPUS,
    CORPUS_MISSING,
    fmt_mb,
    fmt_ratio,
    large_file,
    median,
    standalone,
    verdict,
)

RSS_TARGET = 120_000_000
DISK_TARGET = 1.0
RUNS = 3
QUICK_RUNS = 1
QUERY = "definately"


def folder_size(folder: Path) -> int:
    """The bytes of every file under `folder` (apparent sizes)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def peak_build(target: Path, cache: Path) -> tuple[int, float, int]:
    """Build the index of `target` in a new `seedreader search` process with an empty cache.

    Returns (peak resident bytes, seconds, exit status).
    """
    env = {**os.environ, "SEEDREADER_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "seedreader", "search", QUERY, str(target)]
    start = time.perf_counter()
    # A child keeps, as its peak, the memory of the process it was forked from (Linux carries
    # the high-water mark across exec), and this harness is large by now. So a small Python
    # process starts the command and reports its children's peak (`RUSAGE_CHILDREN`): forked
    # from that small process, the command's peak is its own.
    starter = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", starter, *command],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    peak_kb, status = (int(field) for field in result.stdout.split())
    return peak_kb * 1024, elapsed, status


def run(work: Path, quick: bool) -> str:
    """Measure the index build's memory and the cache's size; the Markdown section."""
    if not CORPUS.is_dir():
        return f"## Index memory and disk (issue 11)\n\nThe index benchmark {CORPUS_MISSING}\n"
    runs = QUICK_RUNS if quick else RUNS
    work.mkdir(parents=True, exist_ok=True)
    target = large_file(work, 100)
    size = target.stat().st_size
    peaks, times, disks = [], [], []
    with tempfile.TemporaryDirectory(dir=work, prefix="index-") as scratch:
        for n in range(runs):
            cache = Path(scratch) / f"cache-{n}"
            peak, elapsed, status = peak_build(target, cache)
            if status != 0:
                raise RuntimeError(f"seedreader search exited with status {status}")
            peaks.append(peak)
            times.append(elapsed)
            disks.append(folder_size(cache))
        corpus_cache = Path(scratch) / "cache-corpus"
        _, _, status = peak_build(CORPUS, corpus_cache)
        corpus_disk = folder_size(corpus_cache) if status == 0 else None
    corpus_size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    peak, disk = int(median(peaks)), int(median(disks))
    ratio = disk / size
    if corpus_disk is None:
        corpus_row = "| index cache of the corpus | failed | **FAIL** |"
    else:
        corpus_ratio = corpus_disk / corpus_size
        corpus_row = (
            f"| index cache of the shared corpus at most {DISK_TARGET:.1f}x its files "
            f"| {fmt_ratio(corpus_ratio)} ({fmt_mb(corpus_disk)} for {fmt_mb(corpus_size)}) "
            f"| {verdict(corpus_ratio <= DISK_TARGET)} |"
        )
    return "\n".join(
        [
            "## Index memory and disk (issue 11)",
            "",
            (
                f"`seedreader search {QUERY} FILE` on the 100 MB file with a fresh cache folder "
                f"(so it builds the index), {runs} runs: peak resident memory (VmHWM: "
                "`ru_maxrss` of the children of a small starter process, since Linux carries a "
                "forked child's peak across exec) and the size of the files left in the cache "
                "folder; the "
                "same cache measure on the shared corpus (all of its files, binary ones "
                "included, as the size it is divided by)."
            ),
            "",
            "| target (issue 11) | seedreader | verdict |",
            "|---|---|---|",
            (
                f"| building the index of the 100 MB file peaks at most {fmt_mb(RSS_TARGET)} "
                f"resident | {fmt_mb(peak)} (n={runs}; whole command {median(times):.1f} s) "
                f"| {verdict(peak <= RSS_TARGET)} |"
            ),
            (
                f"| index cache at most {DISK_TARGET:.1f}x the text it indexes "
                f"| {fmt_ratio(ratio)} ({fmt_mb(disk)} for {fmt_mb(size)}) "
                f"| {verdict(ratio <= DISK_TARGET)} |"
            ),
            corpus_row,
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(standalone(run))
