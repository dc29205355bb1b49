"""Desktop-app tests: real widgets under pytest-qt, offscreen when there is no display.

Without PySide6 and pyqtgraph (a core-only install) these tests are not collected.
"""
import importlib.util
import os
import sys

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, os.path.dirname(__file__))



def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


if all(_installed(name) for name in ("PySide6", "pyqtgraph", "pytestqt")):
    from qt_fixtures import *  # noqa: F401,F403  (fixtures and helpers for every test here)
else:
    collect_ignore_glob = ["test_*.py"]
