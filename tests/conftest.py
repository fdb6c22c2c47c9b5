"""Fixtures shared by every test: no test touches the real user data or cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SEEDREADER_DATA_DIR and SEEDREADER_CACHE_DIR at fresh temporary folders."""
    base = tmp_path_factory.mktemp("seedreader")
    monkeypatch.setenv("SEEDREADER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("SEEDREADER_CACHE_DIR", str(base / "cache"))
    return base


@pytest.fixture
def data_dir(private_dirs: Path) -> Path:
    """The temporary data folder of this test."""
    return private_dirs / "data"
