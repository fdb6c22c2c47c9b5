"""Fixtures for the end-to-end suite: the installed app in a real pty, cleaned up after each
test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.terminal import COLS, ROWS, SEEDREADER, Terminal

Spawn = Callable[..., Terminal]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not SEEDREADER.exists():
        skip = pytest.mark.skip(
            reason=f"{SEEDREADER.name} is not installed next to the interpreter"
        )
        for item in items:
            if "e2e" in item.nodeid:
                item.add_marker(skip)


def _spawner(dirs: Path) -> tuple[Spawn, list[Terminal]]:
    """A spawn function keeping notes and caches under `dirs`, and the terminals it started."""
    started: list[Terminal] = []
    base_env = {
        "SEEDREADER_DATA_DIR": str(dirs / "data"),
        "SEEDREADER_CACHE_DIR": str(dirs / "cache"),
    }

    def spawn(
        *args: str | os.PathLike[str],
        rows: int = ROWS,
        cols: int = COLS,
        env: dict[str, str] | None = None,
        cwd: Path = ROOT,
    ) -> Terminal:
        terminal = Terminal(args, env={**base_env, **(env or {})}, cwd=cwd, rows=rows, cols=cols)
        started.append(terminal)
        return terminal

    return spawn, started


def _started_in(dirs: Path) -> Iterator[Spawn]:
    spawn, started = _spawner(dirs)
    yield spawn
    for terminal in started:
        terminal.close()


@pytest.fixture
def spawn(private_dirs: Path) -> Iterator[Spawn]:
    """Start `seedreader ARGS` in a 120x40 pty (data and cache in this test's tmp folders)."""
    yield from _started_in(private_dirs)


@pytest.fixture(scope="module")
def module_dirs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data and cache folders shared by the sessions of one module."""
    return tmp_path_factory.mktemp("e2e-module")


@pytest.fixture(scope="module")
def module_spawn(module_dirs: Path) -> Iterator[Spawn]:
    """Like `spawn`, for sessions kept open across the tests of a module."""
    yield from _started_in(module_dirs)


SessionMaker = Callable[[], tuple[Spawn, Path]]


@pytest.fixture(scope="module")
def session_maker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionMaker]:
    """Makes spawn functions, each with fresh data and cache folders (returned with it), for
    sessions a module keeps across its tests; every terminal is closed at the module's end."""
    all_started: list[list[Terminal]] = []

    def make() -> tuple[Spawn, Path]:
        dirs = tmp_path_factory.mktemp("e2e-session")
        spawn, started = _spawner(dirs)
        all_started.append(started)
        return spawn, dirs

    yield make
    for started in all_started:
        for terminal in started:
            terminal.close()
