"""Run every benchmark module and write benchmarks/RESULTS.md (`make bench`).

Usage: python benchmarks/run.py [--quick] [--work DIR] [--only NAME ...]

Each `bench_*.py` next to this file exposes `run(work, quick) -> str`, a Markdown section. A module
that fails is reported in RESULTS.md as failed with its one-line error; the others still run.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from common import ROOT, default_work, scrub

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
# The order of sections in RESULTS.md; any other bench_*.py found comes after these.
ORDER = (
    "bench_reader",
    "bench_search",
    "bench_notes",
    "bench_start",
    "bench_markdown",
    "bench_keys",
    "bench_library",
    "bench_index",
)
PEERS = {"less": "less", "rg": "ripgrep", "ugrep": "ugrep"}
"""Peer commands the benchmarks compare against, and the Debian packages that provide them."""


def ensure_peers() -> None:
    """Install less, ripgrep and ugrep with apt-get if any is missing (as root only)."""
    missing = [command for command in PEERS if shutil.which(command) is None]
    if not missing:
        return
    names = ", ".join(missing)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(
            f"benchmarks: {names} not installed; their rows will say so "
            f"(install with: sudo apt-get install -y {' '.join(PEERS.values())})",
            file=sys.stderr,
        )
        return
    print(f"benchmarks: installing {names} with apt-get", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", *PEERS.values()],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError as exc:
        print(f"benchmarks: apt-get failed ({exc}); going on without {names}", file=sys.stderr)


def modules(only: Sequence[str]) -> list[str]:
    """The benchmark modules present, in report order (only those named in `only`, if any)."""
    present = sorted(path.stem for path in HERE.glob("bench_*.py"))
    ordered = [name for name in ORDER if name in present]
    ordered += [name for name in present if name not in ORDER]
    if only:
        ordered = [name for name in ordered if name in only or name.removeprefix("bench_") in only]
    return ordered


def _first_line(command: Sequence[str]) -> str:
    """The first line a command prints (its version), or `not installed`."""
    if shutil.which(command[0]) is None:
        return "not installed"
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head or "unknown"


def header(quick: bool) -> str:
    """Date, machine, versions, and how to read the figures."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick run (`run.py --quick`)" if quick else "full run (`make bench`)"
    machine = (
        f"{os.cpu_count()} cores, {_cpu_model()}, {_memory()} memory, "
        f"{platform.system()} {platform.release()}"
    )
    versions = (
        f"Python {platform.python_version()}, Textual {_version('textual')}, "
        f"Rich {_version('rich')}, rapidfuzz {_version('rapidfuzz')}"
    )
    peers = "; ".join(_first_line([command, "--version"]) for command in PEERS)
    how_to_read = (
        "How to read the figures: every time is the **median** of several runs (the count is "
        "given in each section), measured after a warm-up run. Ratios compare seedreader with "
        "a reference measured **in the same run** on the same machine (for the reader: the "
        "smallest Textual app, the framework's floor), so they hold across machines better "
        "than the absolute times do. Targets come from the issues; each is marked pass or "
        "**FAIL**. MB are 10^6 bytes; RSS is resident memory (VmRSS) of the whole process tree."
    )
    return "\n".join(
        [
            "# Benchmark results",
            "",
            "Generated by `benchmarks/run.py`; do not edit by hand. See `benchmarks/README.md`.",
            "",
            f"- Date: {now}; {mode}; seedreader {_version('seedreader')} at commit {_commit()}",
            f"- Machine: {machine}",
            f"- {versions}",
            f"- Peers: {peers}",
            "",
            how_to_read,
            "",
        ]
    )


def run_module(name: str, work: Path, quick: bool) -> tuple[str, bool]:
    """One module's section, or a short failure notice; True if it ran."""
    started = time.perf_counter()
    print(f"benchmarks: {name} ...", file=sys.stderr, flush=True)
    try:
        module = importlib.import_module(name)
        section = str(module.run(work, quick)).rstrip()
    except Exception as exc:  # noqa: BLE001 - one broken module must not cost the others
        traceback.print_exc()
        message = scrub(" ".join(str(exc).split()), work)
        error = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        print(f"benchmarks: {name} failed: {error}", file=sys.stderr)
        return f"## {name}\n\n**failed**: {error[:300]}", False
    print(f"benchmarks: {name} done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return section, True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks and write RESULTS.md.")
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 1 GB file")
    parser.add_argument(
        "--work",
        type=Path,
        default=default_work(),
        help="scratch folder for generated big files (default: $TMPDIR/seedreader-bench)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="NAME",
        help="run only these (e.g. reader search) and print instead of writing RESULTS.md",
    )
    options = parser.parse_args(argv)
    names = modules(options.only)
    if not names:
        parser.error(f"no benchmark module matches {' '.join(options.only)}")
    ensure_peers()
    options.work.mkdir(parents=True, exist_ok=True)
    sections = [header(options.quick)]
    ok = True
    for name in names:
        section, ran = run_module(name, options.work, options.quick)
        sections.append(section + "\n")
        ok = ok and ran
    if options.only:
        # Some sections only: RESULTS.md stays a complete picture of one run, so print instead.
        print("\n".join(sections))
    else:
        RESULTS.write_text("\n".join(sections))
        print(f"benchmarks: wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
