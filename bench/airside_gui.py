"""Screenshot of the format-2 air-side objects in the desktop app, and Contain Aisle timed.

Opens the main window (offscreen unless a display is set) on a layout, waits
for the first result, takes its containment away and puts it back with
Edit › Contain as Hot Aisle on the two rows (as a user would, by selecting
them), times that edit and the solve after it, then selects the containment,
turns the section across the rows and saves a screenshot of the window.

usage: python bench/airside_gui.py [--layout contained_inrow_room]
           [--rows A1 A2 A3 A4 A5 B1 B2 B3 B4 B5] [--section-x 3.6]
           [--out docs/images/contained_inrow_room.png] [--size 1500x950]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import PySide6  # noqa: E402,F401
from PySide6.QtCore import QSettings  # noqa: E402

from bench.whatif_docks import wait  # noqa: E402
from twin.gui.app import application, create_window  # noqa: E402
from twin.gui.solve_job import SolveSettings  # noqa: E402
from twin.model import bundled_layout  # noqa: E402

ROWS = ["A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5"]


def settled(window) -> bool:
    return window.latest is not None and not window.solver.busy and window.latest.phase == "final"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="contained_inrow_room")
    parser.add_argument("--rows", nargs="+", default=ROWS)
    parser.add_argument("--section-x", type=float, default=3.6)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "contained_inrow_room.png"))
    parser.add_argument("--size", default="1500x950")
    parser.add_argument("--timeout-s", type=float, default=300)
    args = parser.parse_args(argv)
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
        path = args.layout if os.path.isfile(args.layout) else str(bundled_layout(args.layout))
        window = create_window(path, settings, SolveSettings(model="preview", preview_max_cells=20000))
        window.resize(*map(int, args.size.split("x")))
        window.show()
        wait(app, lambda: settled(window), args.timeout_s)
        for c in list(window.document.layout.containment):
            window.floor.select(c.id)
            window.edits.delete()
        wait(app, lambda: settled(window), args.timeout_s)
        window.floor.select_many(args.rows)
        start = time.perf_counter()
        new_id = window.format2.contain("hot")
        edit_s = time.perf_counter() - start
        if new_id is None:
            print(f"contain aisle: {window.statusBar().currentMessage()}", file=sys.stderr)
            return 2
        wait(app, lambda: settled(window), args.timeout_s)
        c = window.document.layout.containment[-1]
        print(f"Contain as Hot Aisle on {len(args.rows)} racks: {new_id}, aisle x {c.aisle_m.x_m} "
              f"y {c.aisle_m.y_m}, doors {c.doors}; edit {edit_s * 1000:.0f} ms, "
              f"then solved ({window.latest.result.model}) in {window.latest.elapsed_s:.2f} s")
        window.floor.select(new_id)
        window.section.axis.setCurrentIndex(1)
        window.section.set_position(args.section_x)
        for _ in range(20):
            app.processEvents()
        window.grab().save(args.out)
        print(f"wrote {args.out}")
        window.files.ask_save_changes = lambda: "discard"
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
