"""Screenshot of the Liquid dock on a layout with one CDU failed, racks coloured by coolant return.

Opens the main window (offscreen unless a display is set), waits for the
first result, brings the Liquid dock to the front, shows the N-1 case of the
given CDU in its case list exactly as a user would pick it, colours the plan
by coolant return, saves the window and prints the case list and the CDU
loads of the shown case.

usage: python bench/liquid_dock.py [--layout default_hall] [--cdu CDU-D1]
           [--model accurate] [--out docs/images] [--size 1600x1000]
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
from twin.gui.liquid_floor import COOLANT_MODE  # noqa: E402
from twin.gui.solve_job import SolveSettings  # noqa: E402
from twin.model import bundled_layout  # noqa: E402
from whatif_docks import wait  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="default_hall")
    parser.add_argument("--cdu", default="CDU-D1")
    parser.add_argument("--model", default="accurate", choices=("accurate", "preview"),
                        help="the floor map's model (the liquid loop does not depend on it)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--timeout-s", type=float, default=600)
    args = parser.parse_args(argv)
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
        path = args.layout if os.path.isfile(args.layout) else str(bundled_layout(args.layout))
        window = create_window(path, settings, SolveSettings(model=args.model))
        window.resize(*map(int, args.size.split("x")))
        window.show()
        wait(app, lambda: window.latest is not None and not window.solver.busy, args.timeout_s)
        window.floor.plot.autoRange(padding=0.03)
        panel = window.liquid
        window.liquid_dock.raise_()
        if not panel.show_case(args.cdu):
            print(f"no N-1 case for {args.cdu}: {[c.key for c in panel.cases]}", file=sys.stderr)
            return 2
        window.panel.set_color_mode(COOLANT_MODE)
        app.processEvents()
        for case in panel.cases:
            print(("> " if case is panel.shown else "  ") + case.label)
        for cdu in panel.shown.result.cdus.values():
            if not cdu.running:
                print(f"  {cdu.id}: failed")
                continue
            print(f"  {cdu.id}: {cdu.load_kw:.0f} of {cdu.capacity_kw:g} kW, supply {cdu.supply_c:.2f} °C"
                  + (" (over capacity)" if cdu.over_capacity else ""))
        os.makedirs(args.out, exist_ok=True)
        window.grab().save(os.path.join(args.out, "liquid_dock.png"))
        window.files.ask_save_changes = lambda: "discard"
        window.close()
        window.solver.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
