"""Notes benchmark: the sidebar's cost when opening a document, adding a note, exporting them all.

10,000 notes over 100 documents cut from the shared corpus by `make-many` (300-600 lines each);
one document holds 200 notes, the others about 99 each. Figures are medians after a warm-up; each
is set against a reference measured in the same run: opening the document itself (for the
sidebar), a bare SQLite insert committed with the same WAL and `synchronous=FULL` settings (for
adding), and reading all rows and dumping them as JSON (for export).

Usage: python benchmarks/bench_notes.py [--quick] [--work DIR]
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from common import CORPUS, CORPUS_MISSING, fmt_ms, fmt_ratio, median, scrub, standalone, verdict
from seedreader.documents import Document, open_document, scan_paths
from seedreader.export import locate, to_json, to_markdown, write_atomic
from seedreader.notes import Note, NotesStore, make_anchor, new_id

DOCUMENTS = 100
NOTES = 10_000
TARGET_NOTES = 200
SIDEBAR_TARGET = 0.100
ADD_TARGET = 0.030
EXPORT_TARGET = 1.0


def _documents(work: Path) -> list[Path]:
    """100 documents of 300-600 lines from the corpus, made once and reused."""
    folder = work / "notes-docs"
    if not folder.is_dir() or len(list(folder.glob("*.txt"))) < DOCUMENTS:
        partial = work / "notes-docs.partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                str(CORPUS / "make-many"),
                str(partial),
                str(DOCUMENTS),
                "--min-lines",
                "300",
                "--max-lines",
                "600",
            ],
            check=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return [d.path for d in scan_paths([folder]).documents][:DOCUMENTS]


def _fill(store: NotesStore, documents: list[Document], rng: random.Random) -> None:
    """10,000 notes: TARGET_NOTES on the first document, the rest spread over the others."""
    notes: list[Note] = []
    counts = [TARGET_NOTES] + [0] * (len(documents) - 1)
    for i in range(NOTES - TARGET_NOTES):
        counts[1 + i % (len(documents) - 1)] += 1
    now = time.time()
    for document, count in zip(documents, counts, strict=True):
        lines = document.line_count
        for _ in range(count):
            start = rng.randrange(lines)
            end = min(lines - 1, start + rng.choice([0, 0, 0, 1, 2]))
            anchor = make_anchor(document, start, end)
            body = f"A note about line {start + 1}: " + " ".join(
                rng.choice(["grace", "law", "vim", "buffer", "hacker", "*emphasis*"])
                for _ in range(rng.randint(3, 30))
            )
            notes.append(
                Note(new_id(), str(document.path), document.fingerprint, anchor, body, now, now)
            )
    store.merge(notes)


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def _big_document_times(bench: Path, runs: int, rng: random.Random) -> tuple[str, float, float]:
    """`notes_for` on the King James Bible with 200 notes, as written and after an edit on top."""
    path = bench / "kjv.txt"
    text = (CORPUS / "kjv" / "kjv.txt").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    store = NotesStore(bench / "kjv-data")
    document = open_document(path)
    for _ in range(TARGET_NOTES):
        line = rng.randrange(document.line_count)
        store.add(document, line, min(line + rng.choice([0, 1]), document.line_count - 1), "n")
    label = f"kjv.txt, {document.line_count:,} lines"
    fresh = [open_document(path) for _ in range(runs + 1)]
    same = median(_timed(lambda: store.notes_for(fresh.pop()), runs))
    path.write_text("A line inserted at the top.\n" + text, encoding="utf-8")
    fresh = [open_document(path) for _ in range(runs + 1)]
    edited = median(_timed(lambda: store.notes_for(fresh.pop()), runs))
    store.close()
    return label, same, edited


def _bare_insert_times(folder: Path, runs: int) -> list[float]:
    """The floor for adding: one row committed by SQLite with WAL and synchronous=FULL."""
    db = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, body TEXT)")
    counter = iter(range(10**9))

    def insert() -> None:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?)", (str(next(counter)), "x" * 200))
        db.execute("COMMIT")

    try:
        return _timed(insert, runs)
    finally:
        db.close()


def _rows_as_json(store: NotesStore) -> None:
    db = sqlite3.connect(store.path)
    try:
        rows = db.execute("SELECT * FROM notes").fetchall()
    finally:
        db.close()
    json.dumps(rows, ensure_ascii=False)


def run(work: Path, quick: bool) -> str:
    """Build the notes, time the three operations and return the Markdown section."""
    if not CORPUS.is_dir():
        return f"## Notes: sidebar, adding, export\n\nThe notes benchmark {CORPUS_MISSING}\n"
    runs = 7 if quick else 25
    add_runs = 15 if quick else 60
    rng = random.Random(7)
    paths = _documents(work)
    bench = work / "notes-bench"
    shutil.rmtree(bench, ignore_errors=True)
    bench.mkdir(parents=True)
    data = bench / "data"
    store = NotesStore(data)
    documents = [open_document(p) for p in paths]
    _fill(store, documents, rng)
    target = documents[0].path

    opening = _timed(lambda: open_document(target), runs)
    fresh: list[Document] = []

    def sidebar() -> None:
        store.notes_for(fresh.pop())

    fresh += [open_document(target) for _ in range(runs + 1)]
    sidebar_times = _timed(sidebar, runs)
    assert len(store.notes_for(open_document(target))) == TARGET_NOTES

    # The same document after an edit above every note: each of the 200 is re-anchored.
    edited = bench / "edited.txt"
    edited.write_text("A line inserted at the top.\n" + documents[0].text + "\n", encoding="utf-8")
    edited_store = NotesStore(bench / "edited-data")
    edited_store.merge(
        [replace(n, path=str(edited)) for n in store.all_notes() if n.path == str(target)]
    )
    moved_fresh = [open_document(edited) for _ in range(runs + 1)]
    moved_times = _timed(lambda: edited_store.notes_for(moved_fresh.pop()), runs)
    states = {p.state for p in edited_store.notes_for(open_document(edited))}
    edited_store.close()
    big = _big_document_times(bench, runs, rng)

    store_open = _timed(lambda: NotesStore(data).close(), runs)

    line_count = documents[0].line_count
    add_times = _timed(
        lambda: store.add(
            documents[0], rng.randrange(line_count), rng.randrange(line_count), "x" * 200
        ),
        add_runs,
    )
    floor_add = _bare_insert_times(bench, add_runs)

    export_md = bench / "notes.md"
    export_json = bench / "notes.json"

    def export(kind: str) -> None:
        placed = [item.placed for item in locate(store.all_notes())]
        text = to_markdown(placed) if kind == "markdown" else to_json(placed)
        write_atomic(export_md if kind == "markdown" else export_json, text)

    export_runs = max(3, runs // 3)
    md_times = _timed(lambda: export("markdown"), export_runs)
    json_times = _timed(lambda: export("json"), export_runs)
    floor_export = _timed(lambda: _rows_as_json(store), export_runs)
    total_notes = len(store.all_notes())

    def cli_export() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "seedreader",
                "notes",
                "--data-dir",
                str(data),
                "export",
                "-o",
                str(export_md),
            ],
            check=True,
            capture_output=True,
        )

    cli_times = _timed(cli_export, export_runs)
    store.close()

    open_ms = median(opening)
    side = median(sidebar_times)
    moved = median(moved_times)
    add = median(add_times)
    floor = median(floor_add)
    cli = median(cli_times)
    md = median(md_times)
    rows_json = median(floor_export)
    json_ms = median(json_times)
    reanchored = ", ".join(sorted(states))
    targets = [
        _row(
            f"sidebar adds at most 100 ms to opening a document with {TARGET_NOTES} notes",
            f"{fmt_ms(side)} unchanged; {fmt_ms(moved)} after an edit above them all",
            verdict(max(side, moved, big[1], big[2]) <= SIDEBAR_TARGET),
        ),
        _row(
            "a note is committed within 30 ms (median, `synchronous=FULL`)",
            fmt_ms(add),
            verdict(add <= ADD_TARGET),
        ),
        _row(
            f"`notes export` of all {total_notes:,} notes at most 1 s",
            f"{fmt_ms(cli)} (whole command); {fmt_ms(md)} in process",
            verdict(cli <= EXPORT_TARGET),
        ),
    ]
    details = [
        _row(f"open the document ({line_count} lines; reference)", fmt_ms(open_ms), "1.00x"),
        _row(
            f"`notes_for`: {TARGET_NOTES} notes, content unchanged",
            fmt_ms(side),
            fmt_ratio(side / open_ms),
        ),
        _row(
            f"`notes_for`: {TARGET_NOTES} notes re-anchored after an edit (states: {reanchored})",
            fmt_ms(moved),
            fmt_ratio(moved / open_ms),
        ),
        _row(f"`notes_for`: {TARGET_NOTES} notes on {big[0]}, unchanged", fmt_ms(big[1]), "–"),
        _row(
            f"`notes_for`: {TARGET_NOTES} notes on {big[0]}, after an edit at the top",
            fmt_ms(big[2]),
            "–",
        ),
        _row(
            f"open the notes store ({total_notes:,} notes, quick_check)",
            fmt_ms(median(store_open)),
            "–",
        ),
        "",
        "| adding | median | vs bare insert |",
        "|---|---:|---:|",
        _row("bare SQLite insert, WAL + `synchronous=FULL` (reference)", fmt_ms(floor), "1.00x"),
        _row("`NotesStore.add` (anchor + commit)", fmt_ms(add), fmt_ratio(add / floor)),
        "",
        f"| export of {total_notes:,} notes | median | vs rows as JSON |",
        "|---|---:|---:|",
        _row("read all rows, `json.dumps` (reference)", fmt_ms(rows_json), "1.00x"),
        _row(
            "Markdown, in process (place every note, render, atomic write)",
            fmt_ms(md),
            fmt_ratio(md / rows_json),
        ),
        _row("JSON, in process", fmt_ms(json_ms), fmt_ratio(json_ms / rows_json)),
        _row(
            "`seedreader notes export -o FILE` (a new process)",
            fmt_ms(cli),
            fmt_ratio(cli / rows_json),
        ),
    ]
    intro = (
        f"{NOTES:,} notes over {DOCUMENTS} documents made by `make-many` from the shared corpus "
        f"(300-600 lines each); one document holds {TARGET_NOTES} notes. Medians of {runs} runs "
        f"({add_runs} for adding, {export_runs} for export) after a warm-up; each `notes_for` "
        "gets a freshly opened document, so nothing is cached between runs. The notes file is "
        f"on the work folder's disk ({scrub(str(work), work)})."
    )
    return "\n".join(
        [
            "## Notes: sidebar, adding, export",
            "",
            intro,
            "",
            "| target (issue 5) | seedreader | verdict |",
            "|---|---|---|",
            *targets,
            "",
            "| opening a document | median | vs opening |",
            "|---|---:|---:|",
            *details,
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(standalone(run))
