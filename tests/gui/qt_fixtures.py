"""Fixtures for driving the real desktop app with pytest-qt (loaded by conftest.py when Qt is installed).

Windows use a settings file in the test's temp folder, a copy of the small
room, and the preview model on a coarse grid so every solve takes a fraction
of a second.
"""
import shutil

import PySide6  # noqa: F401  (before pyqtgraph, so it picks this binding)
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings

from twin.gui.app import create_window
from twin.gui.solve_job import SolveSettings
from twin.model import bundled_layout

__all__ = ["ACCURATE", "FAST", "make_window", "room_file", "settings", "wait_solved", "window"]


# Tests send synthetic mouse moves faster than a hand would; deliver them all.
pg.setConfigOptions(mouseRateLimit=-1)

FAST = SolveSettings(model="preview", accurate_cell_m=0.3, preview_max_cells=4000, debounce_ms=10)
ACCURATE = SolveSettings(model="accurate", accurate_cell_m=0.4, preview_max_cells=4000,
                         debounce_ms=10, snapshot_every_s=0.2)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def room_file(tmp_path):
    """A private copy of the small room (never the bundled file)."""
    path = tmp_path / "room.yaml"
    shutil.copy(bundled_layout("small_room"), path)
    return path


@pytest.fixture
def make_window(qtbot, settings, room_file):
    """make_window(path=room copy, solve=FAST, size=...) -> a shown MainWindow; closed after the test."""
    windows = []

    def make(path=room_file, solve=FAST, settings_=None, size=(1200, 800)):
        window = create_window(str(path) if path is not None else None,
                               settings_ if settings_ is not None else settings, solve)
        window.files.ask_save_changes = lambda: "discard"
        window.files.show_error = lambda title, text: window.errors.append(text)
        window.errors = []
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.files.ask_save_changes = lambda: "discard"
        window.close()
        window.solver.shutdown()
        window.deleteLater()


@pytest.fixture
def window(make_window, qtbot):
    """The small room, its first (preview) solve on screen."""
    w = make_window()
    wait_solved(qtbot, w)
    return w


def wait_solved(qtbot, window, timeout_ms=20_000):
    """Wait until the solver is idle with a final result on screen."""
    qtbot.waitUntil(lambda: not window.solver.busy and window.latest is not None
                    and window.latest.phase == "final", timeout=timeout_ms)
    return window.latest
