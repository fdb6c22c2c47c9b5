"""The hostile set (tests/hostile_set.py) run as a new user's files would be: the shell commands
and the app over hostile names, links, special files, contents, naughty queries and note bodies,
and damaged data folders.

Every case checks the same promises: no traceback, no hang, no note lost, nothing outside the
opened folder, and nothing from a document or a name reaching the terminal or an output as a
control character. `make test` runs a shortened form; SEEDREADER_SLOW=1 runs every case.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.e2e.conftest import Spawn
from tests.e2e.terminal import SEEDREADER
from tests.hostile_set import (
    HOSTILE_NAMES,
    NAUGHTY,
    OUTSIDE_SECRET,
    HostileTree,
    build_tree,
    data_folders,
    name_word,
)

SLOW = bool(os.environ.get("SEEDREADER_SLOW"))
HANG_SECONDS = 30
"""A shell command that takes longer than this over the hostile set counts as a hang."""

# What an output of seedreader may never carry: C0 controls but LF and TAB, DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# Raw bytes the app must never write: the payloads of the hostile names, bodies and queries.
FORBIDDEN = [
    b"\x1b]0;pwned-by-name",
    b"\x1b[31mred\x1b[0m.txt",
    b"\x1b]52;c;TkFVR0hUWQ",
    b"\x1b]0;naughty-title",
    b"\xc2\x9b31m",
    b"\xc2\x9d0;c1",
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> HostileTree:
    return build_tree(tmp_path_factory.mktemp("hostile-set"))


@pytest.fixture
def env(private_dirs: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SEEDREADER_DATA_DIR": str(private_dirs / "data"),
        "SEEDREADER_CACHE_DIR": str(private_dirs / "cache"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def run(
    args: list[str | bytes | os.PathLike[str]],
    env: dict[str, str],
    stdin: bytes = b"",
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `seedreader ARGS`; a hang fails the test (and the process is killed)."""
    try:
        return subprocess.run(
            [
                os.fsencode(SEEDREADER),
                *(a if isinstance(a, bytes) else os.fsencode(a) for a in args),
            ],
            input=stdin,
            capture_output=True,
            env=env,
            cwd=cwd,
            timeout=HANG_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: seedreader {args!r} took more than {HANG_SECONDS} s")


def clean_text(data: bytes, what: str) -> str:
    """`data` decoded, after checking it is valid UTF-8 with no control character and no
    traceback."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        pytest.fail(f"{what} is not valid UTF-8: {error}")
    assert "Traceback" not in text, f"{what} has a traceback:\n{text[-2000:]}"
    found = _CONTROL.search(text)
    assert found is None, f"{what} carries the control character {found.group()!r}"
    return text


def checked(result: subprocess.CompletedProcess[bytes], codes: tuple[int, ...]) -> str:
    """The stdout of a finished command, after the checks every output gets."""
    stderr = clean_text(result.stderr, "stderr")
    assert result.returncode in codes, f"exit {result.returncode}: {stderr}"
    if result.returncode == 2:
        assert len(stderr.strip().splitlines()) == 1, f"not a one-line error: {stderr!r}"
    return clean_text(result.stdout, "stdout")


# --- names, links and special files --------------------------------------------------------


def _cases(items: list[str], short: int) -> list[str]:
    return items if SLOW else items[:short]


def test_every_hostile_name_is_listed_and_found(tree: HostileTree, env: dict[str, str]) -> None:
    """Each regular file, whatever bytes its name holds, is searched and shown escaped."""
    for index, name in enumerate(HOSTILE_NAMES):
        out = checked(run(["search", "--json", name_word(index), tree.library], env), (0,))
        hits = [json.loads(line) for line in out.splitlines()]
        assert len(hits) == 1, f"{name!r}: {len(hits)} hits"
        hit = hits[0]
        expected = os.path.join(os.fsencode(tree.library), name)
        if "path_bytes" in hit:
            import base64

            assert base64.b64decode(hit["path_bytes"]) == expected
        else:
            assert os.fsencode(hit["path"]) == expected or hit["path"].endswith(os.fsdecode(name))


def test_a_folder_scan_stays_inside_the_folder(tree: HostileTree, env: dict[str, str]) -> None:
    """Links out of the folder are not followed; what was passed over is said, with reasons."""
    result = run(["search", OUTSIDE_SECRET, tree.library], env)
    checked(result, (1,))
    stderr = result.stderr.decode()
    for reason in sorted(set(tree.skipped.values())):
        assert reason in stderr, f"the skipped-entries line does not name {reason!r}: {stderr}"
    # The passwd-like secret is not reachable through a link to the parent or to a folder either.
    assert OUTSIDE_SECRET not in result.stdout.decode()


# --- naughty strings as queries ----------------------------------------------------------------

QUERIES = [q for q in NAUGHTY if "\x00" not in q and q.strip()]


@pytest.mark.parametrize("query", _cases(QUERIES, 8), ids=range(len(_cases(QUERIES, 8))))
def test_naughty_query_from_the_shell(tree: HostileTree, env: dict[str, str], query: str) -> None:
    for extra in ([], ["--json"]):
        out = checked(run(["search", *extra, query, tree.library], env), (0, 1, 2))
        assert OUTSIDE_SECRET not in out
        if extra and out:
            for line in out.splitlines():
                json.loads(line)


# --- naughty strings as note bodies: added, listed, exported, re-imported, none lost -----------


def _bodies() -> list[str]:
    return [b for b in NAUGHTY if b.strip()]


def _digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a hash of its bytes (to see that nothing changed)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_naughty_note_bodies_on_hostile_names_lose_nothing(
    tree: HostileTree, env: dict[str, str], private_dirs: Path
) -> None:
    bodies = _bodies() if SLOW else _bodies()[:12]
    added = []
    for index, body in enumerate(bodies):
        path = tree.named[index % len(tree.named)]
        result = run(["notes", "add", path, "--line", "1", "--text", "-"], env, body.encode())
        if "\x00" in body:  # binary data, not text: refused in one line, nothing added
            checked(result, (2,))
            continue
        checked(result, (0,))
        added.append(body)
    # A body of blanks only is refused with one line, and nothing is added.
    checked(run(["notes", "add", tree.named[0], "--line", "1", "--text", "   "], env), (2,))
    checked(run(["notes", "add", tree.named[0], "--line", "1", "--text=--"], env), (0,))
    added.append("--")

    data = private_dirs / "data"
    before = _digest(data)
    listing = checked(run(["notes", "list"], env), (0,))
    assert listing
    exported = checked(run(["notes", "export", "--format", "json"], env), (0,))
    records = json.loads(exported)["notes"]
    assert sorted(r["body"] for r in records) == sorted(added)  # byte-identical bodies
    markdown = checked(run(["notes", "export", "--format", "markdown"], env), (0,))
    assert _digest(data) == before, "a reading command changed the data folder"
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [t for t in tokens if t.type == "heading_open"]
    top = [t for t in headings if t.tag == "h1"]
    assert len(top) <= 1, "a note body or a name added a top-level heading"
    fences = [t for t in tokens if t.type in ("fence", "code_block")]
    assert len(fences) >= len(added), "a body escaped its block"

    # Re-imported into a fresh data folder: every note is there again.
    export_file = private_dirs / "export.json"
    export_file.write_text(exported, encoding="utf-8")
    fresh = {**env, "SEEDREADER_DATA_DIR": str(private_dirs / "fresh")}
    checked(run(["notes", "import", export_file], fresh), (0,))
    again = json.loads(checked(run(["notes", "export", "--format", "json"], fresh), (0,)))["notes"]
    assert sorted(r["body"] for r in again) == sorted(added)
    assert sorted(r.get("path_bytes") or r["path"] for r in again) == sorted(
        r.get("path_bytes") or r["path"] for r in records
    )


# --- the app over the hostile set --------------------------------------------------------------


def _no_leak(raw: bytes) -> None:
    leaked = [seq for seq in FORBIDDEN if seq in raw]
    assert not leaked, f"written to the terminal: {leaked}"
    assert b"Traceback" not in raw


@pytest.mark.parametrize(("rows", "cols"), [(40, 120), (24, 80)])
def test_the_app_over_the_hostile_folder(
    spawn: Spawn, tree: HostileTree, rows: int, cols: int
) -> None:
    """Keys from the first frame, every document in turn, naughty queries, then quit at once."""
    terminal = spawn(tree.library, rows=rows, cols=cols)
    terminal.press("j", "G", "g")  # before anything is drawn: queued, not lost
    terminal.wait_for("/ Search")
    terminal.wait_for("Skipped")
    for _ in range(len(HOSTILE_NAMES) + 12):
        terminal.press("]")
    queries = NAUGHTY if SLOW else NAUGHTY[7:12]
    for query in queries:
        terminal.press("/")
        terminal.send(query.replace("\n", " ").replace("\r", " ").encode())
        terminal.press("escape")
    terminal.press("escape", "q")
    assert terminal.wait_exit(10) == 0
    _no_leak(terminal.raw_bytes())


WORST_NAMES = [0, 2, 4, 5, 8, 10]
"""The hostile names the shortened run opens one by one (undecodable bytes, escape sequence,
newline, trailing space, `--help`, right-to-left override)."""


@pytest.mark.parametrize(
    "index", range(len(HOSTILE_NAMES)) if SLOW else WORST_NAMES, ids=lambda i: f"name{i}"
)
def test_a_hostile_name_opened_annotated_and_closed(
    spawn: Spawn, tree: HostileTree, env: dict[str, str], index: int
) -> None:
    path = tree.named[index]
    terminal = spawn("--", path, rows=24, cols=80)
    terminal.wait_for(name_word(index))
    terminal.press("a")
    terminal.wait_for("New note on line 1")
    terminal.press(*"kept")
    terminal.press("ctrl+s")
    terminal.wait_gone("New note on line 1")
    terminal.press("j", "q")
    assert terminal.wait_exit(10) == 0
    _no_leak(terminal.raw_bytes())
    listing = checked(run(["notes", "list", path], env), (0,))
    assert "kept" in listing


# --- damaged data folders -------------------------------------------------------------------


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return data_folders(tmp_path_factory.mktemp("data-folders"))


DAMAGE = ["empty-notes-db", "garbage-notes-db", "garbage-state-db", "future-schema"]
DAMAGE += ["notes-db-is-folder", "under-a-file"]


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_data_folder(
    spawn: Spawn, tree: HostileTree, env: dict[str, str], damaged: dict[str, Path], kind: str
) -> None:
    """Reading commands report and change nothing; the app reads on with a notice."""
    folder = damaged[kind]
    before = _digest(folder)
    for command in (["notes", "list"], ["notes", "export", "--format", "json"]):
        checked(run([*command, "--data-dir", folder], env), (0, 2))
        assert _digest(folder) == before, f"{command} changed a {kind} data folder"
    document = tree.library / "contents" / "crlf.txt"
    terminal = spawn("--data-dir", folder, document, rows=24, cols=80)
    terminal.wait_for("alpha")
    terminal.press("j", "q")
    assert terminal.wait_exit(10) == 0
    _no_leak(terminal.raw_bytes())


def test_the_unicode_names_in_the_hostile_set_are_really_hostile() -> None:
    """The set keeps its teeth: undecodable bytes, controls, and default-ignorables."""
    decoded = [os.fsdecode(name) for name in HOSTILE_NAMES]
    assert any("\udcff" in name for name in decoded)
    assert any(_CONTROL.search(name) for name in decoded)
    assert any(unicodedata.category(ch) == "Cf" for name in decoded for ch in name)
