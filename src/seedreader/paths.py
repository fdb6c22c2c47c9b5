"""Where seedreader keeps notes, reading state and caches."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "seedreader"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder for notes and reading state.

    Args:
        override: a folder given on the command line (`--data-dir`); wins over the environment.

    Returns:
        `override`, else `$SEEDREADER_DATA_DIR`, else the platform's user data folder.
    """
    if override:
        return Path(override).expanduser()
    env = os.environ.get("SEEDREADER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """The folder for caches (search indexes): `$SEEDREADER_CACHE_DIR` or the platform's."""
    env = os.environ.get("SEEDREADER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user alone; return it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
