"""A hostile set, generated on demand: file names, links, special files, contents, naughty
strings (as queries and note bodies) and damaged data folders.

The end-to-end suite runs seedreader over it as a new user's files would be (see
`tests/e2e/test_hostile_set.py`); `python -m tests.hostile_set FOLDER` writes the tree for a
look by hand (or for another reader: the closing notes compare with `less`).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import HOSTILE_TEXT, long_line

ESC = "\x1b"

# File names (bytes: a POSIX name is bytes, and not every one is valid UTF-8). Each file holds a
# unique word, so a search shows whether the scan listed it.
HOSTILE_NAMES: list[bytes] = [
    b"bad-\xff\xfe.txt",
    b"latin1-caf\xe9.txt",
    b"esc-\x1b]0;pwned-by-name\x07.txt",
    b"csi-\x1b[31mred\x1b[0m.txt",
    b"new\nline.txt",
    b"notes.txt ",
    b" leading-space.txt",
    b"-rf.txt",
    b"--help.txt",
    b"[bold]markup[@click=app.quit]q.txt",
    "rtl-\u202egnp.txt".encode(),
    "zero\u200bwidth.txt".encode(),
    "tag-\U000e0041\U000e0042.txt".encode(),
    "emoji-\U0001f468\u200d\U0001f469\u200d\U0001f467.txt".encode(),
    "wide-\u65e5\u672c\u8a9e.txt".encode(),
    b"back\\slash.txt",
    b"tab\there.txt",
    b"del\x7f.txt",
    b"c1-\xc2\x9b31m.txt",
    b"x" * 240 + b".txt",
]

# Queries and note bodies (a selection of the "big list of naughty strings" classes: SQL and
# FTS syntax, format strings, markup, escapes, RTL, combining marks, huge input).
NAUGHTY: list[str] = [
    "'; DROP TABLE notes; --",
    '" OR 1=1 --',
    'NEAR(a b) "unclosed',
    "AND OR NOT",
    "* ^ : - + ( )",
    "%s%n%x{0}${jndi:ldap://x}",
    "[bold red]markup[/] [@click=app.quit]q[/]",
    f"esc {ESC}]52;c;TkFVR0hUWQ==\x07 {ESC}[2J {ESC}]0;naughty-title\x07",
    "c1 \u009b31m \u009d0;c1\x07",
    "e" + "\u0301" * 200,
    "a" * 2000,
    "\u202eevil\u202c",
    "\ufdfd" * 40,
    "\U0001d573\U0001d58a\U0001d591\U0001d591\U0001d594",
    "hidden \U000e0068\U000e0069 tags",
    "```",
    "~~~~",
    "# heading\n## another\n---\n===",
    "> quote\n- list\n1. one",
    "<script>alert(1)</script>",
    "line\rcarriage\r\nreturn",
    "nul \x00 bel \x07 bs \x08 so \x0e sub \x1a del \x7f",
    "para\u2029sep\u2028line",
    "\ufeffbom",
    "--",
    "-rf",
    "   ",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",
]

OUTSIDE_SECRET = "OUTSIDESECRETWORD"
"""A word only in files outside the opened folder: a scan that shows it has left the folder."""


def name_word(index: int) -> str:
    """The unique word in the file named `HOSTILE_NAMES[index]`."""
    return f"namecheck{index:02d}word"


@dataclass
class HostileTree:
    """What `build_tree` made."""

    root: Path
    library: Path
    """The folder to open: every hostile entry is inside it."""
    named: list[Path] = field(default_factory=list)
    """The regular text files with hostile names (each must be listed and found)."""
    skipped: dict[str, str] = field(default_factory=dict)
    """Entry name -> the kind of entry the scan must pass over (not open)."""


def _unix_socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(os.fsencode(path))
    finally:
        sock.close()


def build_tree(root: Path) -> HostileTree:
    """Write the hostile tree under `root` (the library is `root/library`)."""
    library = root / "library"
    outside = root / "outside"
    library.mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{OUTSIDE_SECRET} must never be listed\n")
    tree = HostileTree(root, library)
    lib = os.fsencode(library)
    for index, name in enumerate(HOSTILE_NAMES):
        path = os.path.join(lib, name)
        with open(path, "wb") as handle:
            handle.write(f"{name_word(index)} in a file with a hostile name\n".encode())
        tree.named.append(Path(os.fsdecode(path)))
    contents = library / "contents"
    contents.mkdir()
    for name, data in HOSTILE_TEXT.items():
        (contents / name).write_bytes(data)
    (contents / "long-line.txt").write_bytes(long_line(2_000_000))
    # Links: out of the folder, back into it, in a loop, broken, to special files.
    os.symlink("..", library / "parent")
    (library / "sub").mkdir()
    os.symlink("../..", library / "sub" / "up-two")
    os.symlink(outside / "secret.txt", library / "outside-file.txt")
    os.symlink(outside, library / "outside-folder")
    os.symlink("loop-b", library / "loop-a")
    os.symlink("loop-a", library / "loop-b")
    os.symlink("nowhere.txt", library / "broken.txt")
    os.symlink("/dev/zero", library / "zero.txt")
    os.mkfifo(library / "fifo.txt")
    _unix_socket(library / "socket.txt")
    (library / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8)
    tree.skipped = {
        "outside-file.txt": "outside the folder",
        "loop-a": "symlink loop",
        "loop-b": "symlink loop",
        "broken.txt": "broken symlink",
        "zero.txt": "device",
        "fifo.txt": "FIFO",
        "socket.txt": "socket",
        "binary.txt": "binary",
    }
    return tree


# --- damaged data folders ---------------------------------------------------------------------


def data_folders(root: Path) -> dict[str, Path]:
    """Data folders in bad states, by what is wrong with them."""
    folders: dict[str, Path] = {}

    def make(name: str) -> Path:
        folder = root / name
        folder.mkdir(parents=True)
        folders[name] = folder
        return folder

    (make("empty-notes-db") / "notes.sqlite3").write_bytes(b"")
    (make("garbage-notes-db") / "notes.sqlite3").write_bytes(b"not a database\x00" * 300)
    (make("garbage-state-db") / "state.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 900)
    folder = make("future-schema")
    db = sqlite3.connect(folder / "notes.sqlite3")
    db.execute("PRAGMA user_version = 999")
    db.execute("CREATE TABLE notes (id TEXT)")
    db.commit()
    db.close()
    (make("notes-db-is-folder") / "notes.sqlite3").mkdir()
    under_file = root / "a-file"
    under_file.write_text("a file, not a folder\n")
    folders["under-a-file"] = under_file / "data"
    return folders


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-set")
    made = build_tree(target)
    data_folders(target / "data-folders")
    print(f"library: {made.library}")
