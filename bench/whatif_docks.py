"""Screenshots and timings of the Ride-through and Placement docks on a layout.

Opens the main window (offscreen unless a display is set), waits for the
first result, runs a ride-through (the given cooling units fail) and the
placement advisor from the docks exactly as a user would (Run, Find places),
saves a screenshot of the window with each dock in front and prints how long
each study took on the worker thread.

usage: python bench/whatif_docks.py [--layout air_hall] [--fail CRAH-W1 CRAH-W2]
           [--mass 5] [--racks 2] [--kw 20] [--confirm 0] [--cell-m 0.2]
           [--out docs/images] [--size 1600x1000]
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

from twin.gui.app import application, create_window  # noqa: E402
from twin.gui.solve_job import SolveSettings  # noqa: E402
from twin.model import bundled_layout  # noqa: E402


def wait(app, condition, timeout_s: float) -> None:
    end = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("timed out")
        app.processEvents()
        time.sleep(0.005)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="air_hall")
    parser.add_argument("--fail", nargs="+", default=["CRAH-W1", "CRAH-W2"])
    parser.add_argument("--mass", default="5", help="equipment kJ/K per kW")
    parser.add_argument("--racks", default="2")
    parser.add_argument("--kw", default="20")
    parser.add_argument("--confirm", type=int, default=0)
    parser.add_argument("--cell-m", type=float, default=0.2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--timeout-s", type=float, default=600)
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

        ride = window.ride
        window.ride_dock.raise_()
        ride.set_failed(args.fail)
        ride.mass.setText(args.mass)
        if not ride.run():
            print(f"ride-through: {ride.status.text()}", file=sys.stderr)
            return 2
        wait(app, lambda: not ride.watch.busy, args.timeout_s)
        print(f"ride-through ({', '.join(args.fail)} fail, {args.mass} kJ/K per kW): "
              f"{ride.watch.elapsed_s:.2f} s; {ride.status.text()}")
        if ride.rows():
            ride.table.selectRow(0)
        app.processEvents()
        os.makedirs(args.out, exist_ok=True)
        window.grab().save(os.path.join(args.out, "ride_through_dock.png"))

        place = window.placement
        window.placement_dock.raise_()
        window.floor.select("")
        place.count.setText(args.racks)
        place.power.setText(args.kw)
        place.confirm.setValue(args.confirm)
        if not place.run():
            print(f"placement: {place.status.text()}", file=sys.stderr)
            return 2
        wait(app, lambda: not place.watch.busy, args.timeout_s)
        print(f"placement ({args.racks} x {args.kw} kW, confirm {args.confirm}): "
              f"{place.watch.elapsed_s:.2f} s; {place.status.text()}")
        for i in range(place.list.count()):
            print("  " + place.list.item(i).text())
        app.processEvents()
        window.grab().save(os.path.join(args.out, "placement_dock.png"))
        window.files.ask_save_changes = lambda: "discard"
        window.close()
        window.solver.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
