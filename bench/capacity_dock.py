"""Screenshots and timings of the Capacity dock and the Place a Job dialog on a layout.

Opens the main window (offscreen unless a display is set), waits for the first
result, runs Find places for N racks of a model from the Capacity dock and
places a job from the dialog exactly as a user would, saves a screenshot of
the window after each and prints how long each took on the worker thread.

usage: python bench/capacity_dock.py [--layout air_hall] [--model dgx-b200]
           [--racks 2] [--gpus 64] [--cell-m 0.2] [--out docs/images] [--size 1600x1000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import PySide6  # noqa: E402,F401
from PySide6.QtCore import QSettings  # noqa: E402

from twin.gui.app import application, create_window  # noqa: E402
from twin.gui.solve_job import SolveSettings  # noqa: E402
from twin.model import bundled_layout  # noqa: E402
from whatif_docks import wait  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="air_hall")
    parser.add_argument("--model", default="dgx-b200")
    parser.add_argument("--racks", type=int, default=2)
    parser.add_argument("--gpus", type=int, default=64)
    parser.add_argument("--cell-m", type=float, default=0.2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--timeout-s", type=float, default=900)
    args = parser.parse_args(argv)
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
        path = args.layout if os.path.isfile(args.layout) else str(bundled_layout(args.layout))
        window = create_window(path, settings, SolveSettings(model="preview",
                                                             accurate_cell_m=args.cell_m))
        window.resize(*map(int, args.size.split("x")))
        window.show()
        wait(app, lambda: window.latest is not None and not window.solver.busy, args.timeout_s)
        window.floor.plot.autoRange(padding=0.03)
        os.makedirs(args.out, exist_ok=True)

        panel = window.capacity
        window.capacity_dock.raise_()
        panel.model.setCurrentText(args.model)
        panel.count.setValue(args.racks)
        panel.run()
        wait(app, lambda: not panel.watch.busy, args.timeout_s)
        print(f"find places ({args.racks} x {args.model}): {panel.watch.elapsed_s:.2f} s; "
              f"{panel.status.text()}")
        for i in range(panel.list.count()):
            print("  " + panel.list.item(i).text())
        for row in panel.rows:
            print(f"  row {row.row}: binding {row.binding}, " + ", ".join(
                f"{k} {v:.0f}" for k, v in row.headroom_kw.items() if v is not None))
        app.processEvents()
        window.grab().save(os.path.join(args.out, "capacity_dock.png"))

        window.acts.place_job.trigger()
        dialog = window.job_dialog
        dialog.gpus.setValue(args.gpus)
        dialog.run()
        wait(app, lambda: not dialog.watch.busy, args.timeout_s)
        print(f"place a job ({args.gpus} GPUs): {dialog.watch.elapsed_s:.2f} s; "
              f"{dialog.status.text()} {dialog.summary.text()}")
        app.processEvents()
        window.grab().save(os.path.join(args.out, "place_job.png"))
        dialog.close()
        window.files.ask_save_changes = lambda: "discard"
        window.close()
        window.solver.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
