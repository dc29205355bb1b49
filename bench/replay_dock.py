"""Screenshot and timing of the Capacity dock's Replay tab on a layout and a job trace.

Opens the main window (offscreen unless a display is set), loads the trace in
the Replay tab (by default the bundled week for the default hall,
default_hall_jobs.csv), replays the first `--hours` under both policies exactly
as a user would, puts the chart cursor on first fit's hottest moment, saves a
screenshot of the window and prints the table, the time the replay took on the
worker thread and the largest gap between two GUI events meanwhile.

usage: python bench/replay_dock.py [--layout default_hall] [--trace default_hall_jobs.csv]
           [--hours 6] [--cell-m 0.3] [--confirm 0] [--out docs/images] [--size 1700x1300]
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
sys.path.insert(0, str(ROOT / "bench"))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import PySide6  # noqa: E402,F401
from PySide6.QtCore import QSettings  # noqa: E402

from twin.gui.app import application, create_window  # noqa: E402
from twin.gui.solve_job import SolveSettings  # noqa: E402
from twin.model import bundled_layout  # noqa: E402
from twin.model.resources import bundled_file  # noqa: E402


def run_until(app, condition, timeout_s: float) -> float:
    """Process events until `condition()`; the longest gap between two passes (s)."""
    end, gap, last = time.perf_counter() + timeout_s, 0.0, time.perf_counter()
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("timed out")
        app.processEvents()
        now = time.perf_counter()
        gap, last = max(gap, now - last), now
        time.sleep(0.005)
    return gap


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="default_hall")
    parser.add_argument("--trace", default="default_hall_jobs.csv")
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--cell-m", type=float, default=0.3)
    parser.add_argument("--confirm", type=int, default=0)
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--size", default="1700x1300")
    parser.add_argument("--timeout-s", type=float, default=1800)
    args = parser.parse_args(argv)
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(os.path.join(tmp, "settings.ini"), QSettings.IniFormat)
        path = args.layout if os.path.isfile(args.layout) else str(bundled_layout(args.layout))
        trace = Path(args.trace if os.path.isfile(args.trace) else bundled_file(args.trace))
        window = create_window(path, settings, SolveSettings(model="preview",
                                                             accurate_cell_m=args.cell_m))
        window.resize(*map(int, args.size.split("x")))
        window.show()
        run_until(app, lambda: window.latest is not None and not window.solver.busy, args.timeout_s)
        window.floor.plot.autoRange(padding=0.03)
        panel = window.replay
        window.capacity_dock.raise_()
        window.capacity_tabs.setCurrentWidget(panel)
        panel.load_trace(str(trace))
        run_until(app, lambda: not panel.watch.busy, args.timeout_s)
        panel.days.setValue(args.hours / 24.0)
        panel.confirm.setValue(args.confirm)
        panel.run()
        gap = run_until(app, lambda: not panel.watch.busy, args.timeout_s)
        print(f"{Path(path).name}, {args.hours:g} h of {trace.name} at {args.cell_m:g} m: "
              f"{panel.watch.elapsed_s:.1f} s on the worker, longest GUI gap {gap * 1000:.0f} ms")
        print(panel.status.text())
        for row in panel.summary():
            print("  " + " | ".join(row))
        print(panel.verdict.text())
        first_fit = panel.runs[1]
        peak = first_fit.hottest
        panel.plan_policy.setCurrentText(first_fit.policy)
        panel.charts.set_time((peak.start_s + peak.end_s) / 2)
        print(panel.instant.text())
        app.processEvents()
        os.makedirs(args.out, exist_ok=True)
        window.grab().save(os.path.join(args.out, "replay_dock.png"))
        window.files.ask_save_changes = lambda: "discard"
        window.close()
        window.solver.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
