"""Desktop app latency: from dropping a rack with the mouse to an updated heat map.

Opens the main window (offscreen unless a display is set) on a layout with the
accurate model, waits for the first settled result, then drops a rack with
real mouse events several times and measures, from the mouse release:

- drop-to-preview: the preview model's map and rack colours are on screen;
- drop-to-live:    the first streamed snapshot of the accurate model is on screen;
- drop-to-settled: the accurate model's settled result is on screen;
- drop-to-preview while the accurate model of an earlier drop is still iterating;

plus the longest the GUI thread went without handling events (a 10 ms timer).

usage: python bench/gui_latency.py [--layout air_hall] [--cell-m 0.2] [--drops 3]
                                   [--timeout-s 900] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
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
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import (QElapsedTimer, QEvent, QEventLoop, QPointF, QSettings, Qt,  # noqa: E402
                            QTimer)
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from twin import commands  # noqa: E402
from twin.gui.app import application, create_window  # noqa: E402
from twin.gui.solve_job import SolveSettings  # noqa: E402
from twin.model import bundled_layout  # noqa: E402


class GapMeter:
    """The longest interval between ticks of a 10 ms timer: how long the GUI thread was busy."""

    def __init__(self):
        self.clock, self.gaps = QElapsedTimer(), []
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.gaps.append(self.clock.restart()))

    def start(self):
        self.gaps.clear()
        self.clock.start()
        self.timer.start(10)

    def stop(self) -> int:
        self.timer.stop()
        return max(self.gaps[1:], default=0)


def _send(view, kind, pos, button, buttons):
    viewport = view.viewport()
    event = QMouseEvent(kind, pos, QPointF(viewport.mapToGlobal(pos.toPoint())), button, buttons,
                        Qt.NoModifier)
    QApplication.sendEvent(viewport, event)


def _point(view, x_m, y_m) -> QPointF:
    return QPointF(view.mapFromScene(view.plot.vb.mapViewToScene(QPointF(x_m, y_m))))


def mouse_drop(view, start_m, end_m) -> float:
    """Drag with real mouse events; returns perf_counter() at the release."""
    p0, p1 = _point(view, *start_m), _point(view, *end_m)
    _send(view, QEvent.MouseButtonPress, p0, Qt.LeftButton, Qt.LeftButton)
    for i in range(1, 9):
        _send(view, QEvent.MouseMove, p0 + (p1 - p0) * (i / 8), Qt.NoButton, Qt.LeftButton)
    released = time.perf_counter()
    _send(view, QEvent.MouseButtonRelease, p1, Qt.LeftButton, Qt.NoButton)
    return released


def wait_for(app, condition, timeout_s: float) -> float:
    """Run the Qt event loop until condition() holds (checked every 2 ms); returns when it did.

    The loop waits in Qt, as the app's own loop does, so the solver thread is not
    slowed by a polling Python loop.
    """
    loop, poll = QEventLoop(), QTimer()
    deadline = time.perf_counter() + timeout_s
    done = []

    def check():
        if condition() or time.perf_counter() > deadline:
            done.append(time.perf_counter())
            loop.quit()

    poll.timeout.connect(check)
    poll.start(2)
    check()
    if not done:
        loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("timed out")
    return done[0]


def painted(app, window) -> float:
    """Paint the updated views now and return the time it finished."""
    window.floor.viewport().repaint()
    app.processEvents()
    return time.perf_counter()


def shown(window, rack_id, position_m, phases):
    u = window.latest
    return (u is not None and u.phase in phases
            and u.layout.rack(rack_id).position_m == tuple(position_m))


def drop_rack(app, window, rack_id, target_m, timeout_s) -> tuple[float, float]:
    """Drop a rack at target_m with the mouse; (release time, seconds until its preview was painted)."""
    rack = window.document.layout.rack(rack_id)
    w, d = rack.size_m[:2]
    start = (rack.position_m[0] + w / 2, rack.position_m[1] + d / 2)
    end = (target_m[0] + w / 2, target_m[1] + d / 2)
    released = mouse_drop(window.floor, start, end)
    if rack.position_m != tuple(target_m):
        raise RuntimeError(f"drop refused: {window.statusBar().currentMessage()}")
    wait_for(app, lambda: shown(window, rack_id, target_m, ("preview", "running", "final")), timeout_s)
    return released, painted(app, window) - released


def drop_during_solve(app, window, rack_id, spots, timeout_s) -> float:
    """Drop while the accurate model is iterating; seconds until that drop's preview is painted."""
    here = window.document.layout.rack(rack_id).position_m
    first, second = (spots[1], spots[0]) if tuple(here) == tuple(spots[0]) else spots
    drop_rack(app, window, rack_id, first, timeout_s)
    wait_for(app, lambda: shown(window, rack_id, first, ("running",)), timeout_s)
    return drop_rack(app, window, rack_id, second, timeout_s)[1]


def one_drop(app, window, rack_id, target_m, timeout_s) -> dict:
    meter = GapMeter()
    meter.start()
    released, preview = drop_rack(app, window, rack_id, target_m, timeout_s)
    wait_for(app, lambda: shown(window, rack_id, target_m, ("running", "final")), timeout_s)
    live = painted(app, window) - released
    wait_for(app, lambda: shown(window, rack_id, target_m, ("final",)) and not window.solver.busy,
             timeout_s)
    settled = painted(app, window) - released
    return {"rack": rack_id, "to_m": list(target_m), "preview_s": preview, "live_s": live,
            "settled_s": settled, "iterations": window.latest.iterations,
            "max_gui_gap_ms": meter.stop()}


def targets(layout, rack_id):
    """Two spots for a rack: a free one near it and where it stands now."""
    rack = layout.rack(rack_id)
    home = rack.position_m
    near = (home[0] + rack.size_m[0] * 1.5 + 0.6, home[1] + rack.size_m[1] / 2)
    spot = commands.free_position(layout, rack.size_m[:2], near, rack_id)
    return [spot, home]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layout", default="air_hall")
    parser.add_argument("--cell-m", type=float, default=0.2)
    parser.add_argument("--drops", type=int, default=3)
    parser.add_argument("--rack", default=None, help="rack to drop (default: the last of the first row)")
    parser.add_argument("--timeout-s", type=float, default=900)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    pg.setConfigOptions(mouseRateLimit=-1)
    app = application()
    path = Path(args.layout) if Path(args.layout).is_file() else bundled_layout(args.layout)
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "bench.ini"), QSettings.IniFormat)
    started = time.perf_counter()
    window = create_window(str(path), settings, SolveSettings(model="accurate", accurate_cell_m=args.cell_m))
    window.files.ask_save_changes = lambda: "discard"
    window.resize(1500, 950)
    window.show()
    wait_for(app, lambda: window.latest is not None, args.timeout_s)
    first_preview = time.perf_counter() - started
    wait_for(app, lambda: window.latest.phase == "final" and not window.solver.busy, args.timeout_s)
    first_settled = time.perf_counter() - started
    print(f"{path.name}: window open to preview {first_preview:.2f} s, to settled {first_settled:.1f} s "
          f"({window.latest.iterations} iterations, cell {args.cell_m} m)", flush=True)
    racks = window.document.layout.racks
    rack_id = args.rack or racks[min(11, len(racks) - 1)].id
    spots = targets(window.document.layout, rack_id)
    rows = []
    for i in range(args.drops):
        row = one_drop(app, window, rack_id, spots[i % 2], args.timeout_s)
        rows.append(row)
        print(f"drop {i + 1}: {rack_id} to {row['to_m']}: preview {row['preview_s'] * 1000:.0f} ms, "
              f"first live {row['live_s']:.2f} s, settled {row['settled_s']:.1f} s "
              f"({row['iterations']} iterations), longest GUI stall {row['max_gui_gap_ms']} ms", flush=True)
    busy = [drop_during_solve(app, window, rack_id, spots, args.timeout_s) for _ in range(args.drops)]
    print("drops while the accurate model runs: preview "
          + ", ".join(f"{b * 1000:.0f} ms" for b in busy), flush=True)
    summary = {k: statistics.median(r[k] for r in rows)
               for k in ("preview_s", "live_s", "settled_s", "max_gui_gap_ms")}
    summary["preview_while_solving_s"] = statistics.median(busy)
    print(f"median: drop-to-preview {summary['preview_s'] * 1000:.0f} ms (while solving "
          f"{summary['preview_while_solving_s'] * 1000:.0f} ms), drop-to-first-live "
          f"{summary['live_s']:.2f} s, drop-to-settled {summary['settled_s']:.1f} s, "
          f"GUI stall {summary['max_gui_gap_ms']:.0f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"layout": path.name, "cell_m": args.cell_m,
                                               "open_to_preview_s": first_preview,
                                               "open_to_settled_s": first_settled,
                                               "drops": rows, "median": summary}, indent=2))
    window.close()
    window.solver.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
