"""Path completion and checking for the "open a file or folder" prompt.

The prompt's field only ever holds text that can be drawn as it is, so a completion stops
before a character that `show_path` would have to escape (a control character, a byte that is
not UTF-8); such entries are still listed, escaped, and `Completion.paths` keeps their real
path so choosing one from the list opens it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from seedreader.pathnames import show_path

__all__ = ["MAX_CANDIDATES", "Completion", "complete", "prefill", "resolve"]

MAX_CANDIDATES = 200
"""At most this many candidates are listed: a longer list helps nobody choose."""


@dataclass(frozen=True)
class Completion:
    """What Tab does to the typed text, and the entries that match it."""

    text: str
    """What the field should hold after Tab: the longest common prefix of the matches; a
    unique folder completes with a trailing "/"."""
    candidates: tuple[str, ...]
    """The matching entries as display names (folders end with "/"), sorted."""
    paths: tuple[Path, ...] = ()
    """The real path of each candidate, whose name may not be showable as it is."""
    fills: tuple[str, ...] = ()
    """What the field holds when each candidate is chosen; "" when its name cannot be shown
    literally (then choosing it can only open it)."""
    truncated: bool = False
    """More entries match than are listed (the scan stopped early)."""
    error: str = field(default="")
    """Why the folder could not be listed, as one line; "" when it could."""

    def is_folder(self, index: int) -> bool:
        """Whether candidate `index` is a folder."""
        return self.candidates[index].endswith("/")


def _expand(typed: str, cwd: Path) -> Path:
    """The path `typed` names: `~` is the home folder, relative paths are against `cwd`."""
    return cwd / os.path.expanduser(typed)


def _showable(text: str) -> bool:
    return show_path(text) == text


def _safe_prefix(text: str) -> str:
    """The longest start of `text` that draws as it is."""
    if _showable(text):
        return text
    for end, char in enumerate(text):
        if not _showable(char):
            return text[:end]
    return text  # pragma: no cover - a string is showable when each character is


def _common_prefix(first: str, second: str) -> str:
    end = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        end += 1
    return first[:end]


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks, as opening would
    except OSError:
        return False


def _scan(folder: Path, name: str) -> tuple[list[tuple[str, bool]], str, bool]:
    """Entries of `folder` starting with `name`, their longest common prefix, and whether the
    scan stopped early.

    It stops once more than MAX_CANDIDATES match and their common prefix is down to `name`:
    nothing after can change what Tab does, and a folder with 100,000 entries answers at once.

    Raises:
        OSError, ValueError: the folder cannot be listed.
    """
    show_hidden = name.startswith(".")
    found: list[tuple[str, bool]] = []
    prefix: str | None = None
    skipped = False
    with os.scandir(folder) as entries:
        for entry in entries:
            entry_name = entry.name
            if not entry_name.startswith(name):
                continue
            if entry_name.startswith(".") and not show_hidden:
                continue
            prefix = entry_name if prefix is None else _common_prefix(prefix, entry_name)
            if len(found) < MAX_CANDIDATES:
                found.append((entry_name, _entry_is_dir(entry)))
                continue
            skipped = True
            if prefix == name:
                break
    return found, name if prefix is None else prefix, skipped


def complete(typed: str, cwd: Path) -> Completion:
    """Complete the last part of `typed` against the entries of its folder.

    Hidden entries match only when the typed name starts with ".". Never raises: a folder
    that cannot be listed gives no candidates and says why in `error`.
    """
    name = typed.rpartition("/")[2]
    typed_folder = typed[: len(typed) - len(name)]
    if name.startswith("~") and "/" not in typed:
        home = os.path.expanduser(name)
        if home != name and os.path.isdir(home):
            return Completion(typed + "/", (show_path(name) + "/",), (Path(home),), (typed + "/",))
    folder = _expand(typed_folder, cwd) if typed_folder else cwd
    try:
        found, prefix, truncated = _scan(folder, name)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        message = f"Cannot list {show_path(typed_folder or str(cwd))}: {reason}"
        return Completion(typed, (), error=message)
    if name in (".", ".."):
        # scandir never yields these, but "../" is what someone typing ".." wants.
        found.append((name, True))
        prefix = _common_prefix(prefix, name)
    found.sort(key=lambda item: (item[0].casefold(), item[0]))

    candidates = tuple(show_path(entry) + ("/" if is_dir else "") for entry, is_dir in found)
    paths = tuple(folder / entry for entry, _ in found)
    fills = tuple(
        typed_folder + entry + ("/" if is_dir else "") if _showable(entry) else ""
        for entry, is_dir in found
    )
    if len(found) == 1 and fills[0]:
        text = fills[0]
    elif not found or not _showable(typed):
        text = typed
    else:
        text = typed_folder + max(name, _safe_prefix(prefix), key=len)
    return Completion(text, candidates, paths, fills, truncated)


def prefill(cwd: Path) -> str:
    """What the prompt's field starts with: the current folder, under `~/` when it is in the
    home folder; "" when its name cannot be shown as it is (relative paths still work)."""
    text = str(cwd)
    home = os.path.expanduser("~")
    if home not in ("~", "/") and (text == home or text.startswith(home.rstrip("/") + "/")):
        text = "~" + text[len(home.rstrip("/")) :]
    if not _showable(text):
        return ""
    return text if text.endswith("/") else text + "/"


def resolve(typed: str, cwd: Path) -> Path | str:
    """The file or folder `typed` names, or a one-line message saying why it cannot be opened.

    Symbolic links are followed to check the target but the path keeps its name.
    """
    shown = show_path(typed)
    if not typed.strip():
        return "Type the path of a file or folder"
    path = _expand(typed, cwd)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return f"No such file or folder: {shown}"
    except PermissionError:
        return f"Permission denied: {shown}"
    except OSError as error:
        return f"Cannot open {shown}: {error.strerror or error}"
    except ValueError:
        return f"Not a valid path: {shown}"
    if stat.S_ISDIR(info.st_mode):
        if not os.access(path, os.R_OK | os.X_OK):
            return f"Permission denied: {shown}"
    elif stat.S_ISREG(info.st_mode):
        if not os.access(path, os.R_OK):
            return f"Permission denied: {shown}"
    else:
        return f"Not a file or folder: {shown}"
    return path
