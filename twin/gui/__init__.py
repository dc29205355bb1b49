"""The desktop app (Qt). Only this package imports Qt; it views and edits the model.

`main(argv)` is what `dctwin gui [LAYOUT]` and a bare `dctwin` run. Importing
this package loads no Qt; the app's modules are imported by main().
"""
from __future__ import annotations

import os
import sys

# pyqtgraph must use the binding the app is written for, whatever else is installed.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def main(argv=None) -> int:
    """Run the desktop app; returns the process exit code."""
    try:
        import PySide6  # noqa: F401
        import pyqtgraph  # noqa: F401
    except ImportError as exc:
        print(f"dctwin: the desktop app needs PySide6 and pyqtgraph ({exc}); "
              "install them with: pip install 'dctwin[gui]'", file=sys.stderr)
        return 2
    from twin.gui.app import run
    return run(argv)
