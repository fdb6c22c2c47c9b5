"""Fixtures shared by every test: no test touches the real user data or cache folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples on every run, so a red build always means a change broke
# something; local runs keep exploring new ones (and `.hypothesis/` remembers failures).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

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
