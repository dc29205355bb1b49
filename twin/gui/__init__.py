"""The desktop app (Qt). Only this package imports Qt; it views and edits the model.

`main(argv)` is what `dctwin gui [LAYOUT]` and a bare `dctwin` run. Importing
this package loads no Qt; the app's modules are imported by main().
"""
from __future__ import annotations

import os
import sys

# pyqtgraph must use the binding the app is written for, whatever else is installed.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

# Debian/Ubuntu packages of the libraries Qt's GUI module links to (the same
# list packaging/dev-setup.sh installs, less the X11 ones the xcb plugin needs).
QT_RUNTIME_PACKAGES = ("libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libglib2.0-0",
                       "libdbus-1-3")


def main(argv=None) -> int:
    """Run the desktop app; returns the process exit code."""
    try:
        import PySide6  # noqa: F401
        import pyqtgraph  # noqa: F401
    except ImportError as exc:
        print(f"dctwin: the desktop app needs PySide6 and pyqtgraph ({exc}); "
              "install them with: pip install 'dctwin[gui]'", file=sys.stderr)
        return 2
    try:
        from twin.gui.app import run
    except ImportError as exc:      # Qt's libraries load here: a missing system library shows
        print(f"dctwin: the desktop app cannot start: {exc}", file=sys.stderr)
        if ".so" in str(exc):
            print("dctwin: Qt needs system libraries; on Debian/Ubuntu: sudo apt-get install "
                  f"{' '.join(QT_RUNTIME_PACKAGES)} (see docs/troubleshooting.md)", file=sys.stderr)
        return 2
    return run(argv)
