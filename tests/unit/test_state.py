"""Reading state: remembered choices survive a restart; a broken store never stops reading."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seedreader import state as state_module
from seedreader.state import Place, ReadingState

AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_choices_are_remembered_across_restarts(tmp_path: Path) -> None:
    state = ReadingState(tmp_path)
    assert state.setting("theme") is None
    state.remember("theme", "nord")
    state.remember("wrap", "off")
    state.remember("theme", "gruvbox")
    state.close()
    again = ReadingState(tmp_path)
    assert again.setting("theme") == "gruvbox" and again.setting("wrap") == "off"
    again.close()


def test_reading_a_choice_creates_no_file(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "data")
    assert state.setting("theme") is None
    assert not (tmp_path / "data").exists()


def test_an_unwritable_store_reports_and_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    state = ReadingState(blocker / "data")
    state.remember("theme", "nord")  # no exception
    assert state.setting("theme") is None
    assert state.problem is not None


def test_how_far_read_is_100_only_with_the_last_line() -> None:
    from seedreader.state import percent, read_fraction

    assert percent(read_fraction(198, 200)) == 99  # 199 of 200 lines: not rounded up
    assert percent(read_fraction(199, 200)) == 100
    assert percent(read_fraction(-1, 200)) == 0  # not even the first line whole
    assert percent(read_fraction(0, 0)) == 100  # an empty document is all there
    assert percent(read_fraction(500, 200)) == 100


def test_a_name_that_is_not_utf8_is_remembered_losslessly(tmp_path: Path) -> None:
    """File names are bytes: a place is kept for `bad\\xff\\xfe.txt` and found again."""
    name = tmp_path / os.fsdecode(b"bad\xff\xfe.txt")
    other = tmp_path / "bad\ufffd\ufffd.txt"  # what a lossy store would confuse it with
    state = ReadingState(tmp_path / "data")
    state.save(name, Place(12, "a quote", 40, 100))
    state.save(other, Place(3, "another", 3, 10))
    state.close()
    again = ReadingState(tmp_path / "data")
    assert again.problem is None
    assert again.get(name) == Place(12, "a quote", 40, 100)
    assert again.all() == {
        str(name): Place(12, "a quote", 40, 100),
        str(other): Place(3, "another", 3, 10),
    }
    again.close()


def test_a_data_folder_the_user_cannot_enter(tmp_path: Path) -> None:
    """A data folder inside a root-owned 0700 folder, as an ordinary user: one notice, no
    remembered place or choice, no exception (the app used to crash on start)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    closed = tmp_path / "closed"
    (closed / "data").mkdir(parents=True)
    seeded = ReadingState(closed / "data")
    seeded.remember("theme", "nord")  # a store exists, but the user cannot reach it
    seeded.close()
    closed.chmod(0o700)
    tmp_path.chmod(0o755)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from seedreader.state import ReadingState, Place\n"
        "s = ReadingState(Path(sys.argv[1]))\n"
        "print(s.setting('theme'), s.get(Path('/x')), s.all())\n"
        "s.save(Path('/x'), Place(1, 'q', 1, 2)); s.remember('wrap', 'off')\n"
        "print(s.problem)\n"
    )
    run = subprocess.run(
        [*AS_NOBODY, sys.executable, "-c", code, str(closed / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(state_module.__file__).parents[1])},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    first, problem = run.stdout.splitlines()
    assert first == "None None {}"
    assert problem.startswith("Reading places and choices are not remembered this time")
    assert "Permission denied" in problem
