"""The ride-through chart: every rack's intake against minutes after the failure.

The ASHRAE recommended and allowable maxima are horizontal lines; the racks
that cross the allowable maximum first are drawn in colour and labelled where
they cross (or at the end of the horizon), the rest thin and grey; one rack
can be highlighted (the table's hover or selection).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

LABELLED = 5                               # racks drawn in colour and labelled
ALREADY_LABELLED = 2                       # of them at most this many already above the limit
HOT_COLORS = ((215, 25, 28), (240, 110, 20), (190, 40, 160), (150, 90, 30), (60, 120, 200))
OTHER_COLOR = (140, 140, 150, 150)
HIGHLIGHT = (255, 200, 0)
ALLOWABLE_PEN = pg.mkPen((220, 0, 0), width=2, style=Qt.DashLine)
RECOMMENDED_PEN = pg.mkPen((230, 140, 0), width=1.5, style=Qt.DashLine)
HEADROOM_K = 6.0                           # shown above the allowable line


def labelled_racks(ride, order, count: int = LABELLED, already: int = ALREADY_LABELLED) -> tuple:
    """The racks drawn in colour: the hottest of those above the allowable maximum at the
    start (at most `already`), then those that cross it soonest, then the warmest."""
    times = ride.time_to_allowable_s
    above = [r for r in order if times.get(r) is not None and times[r] <= 0]
    rest = [r for r in order if r not in above]
    chosen = above[:already] + rest[:count - min(len(above), already)]
    return tuple(chosen + [r for r in above[already:] if len(chosen) < count][:count - len(chosen)])


class RideChart(pg.PlotWidget):
    """Intake max per rack over time (minutes); `show_study(study)` draws a RideStudy."""

    def __init__(self):
        super().__init__()
        self.setLabel("bottom", "minutes after the failure")
        self.setLabel("left", "rack intake max (°C)")
        self.showGrid(x=True, y=True, alpha=0.2)
        self.getPlotItem().setMenuEnabled(False)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.labels: dict[str, pg.TextItem] = {}
        self.styles: dict[str, object] = {}     # rack id -> its pen when not highlighted
        self.hot: tuple = ()                    # the labelled racks, soonest first
        self.highlighted = ""
        self.text_color = (40, 40, 40)
        self.getAxis("bottom").enableAutoSIPrefix(False)
        self.allowable = pg.InfiniteLine(angle=0, pen=ALLOWABLE_PEN)
        self.recommended = pg.InfiniteLine(angle=0, pen=RECOMMENDED_PEN)
        for line in (self.allowable, self.recommended):
            line.setZValue(5)
            line.setVisible(False)
            self.addItem(line)
        self.legend = pg.LegendItem(offset=(-8, -8), brush=pg.mkBrush(255, 255, 255, 200),
                                    labelTextColor=(40, 40, 40))
        self.legend.setParentItem(self.getPlotItem().vb)     # bottom right, where curves rarely are
        self.legend.setVisible(False)

    def set_colors(self, background, foreground) -> None:
        self.setBackground(background)
        self.text_color = foreground

    def clear_study(self) -> None:
        for item in (*self.curves.values(), *self.labels.values()):
            self.removeItem(item)
        self.curves, self.labels, self.styles, self.hot = {}, {}, {}, ()
        self.highlighted = ""
        for item in (self.allowable, self.recommended, self.legend):
            item.setVisible(False)

    def show_study(self, study) -> None:
        """Draw every rack's curve, the limits and labels for the racks that go first."""
        self.clear_study()
        ride = study.ride
        minutes = np.asarray(ride.times_s, float) / 60.0
        self.hot = labelled_racks(ride, study.order)
        for rid in reversed(study.order):           # the hottest drawn last, on top
            series = np.asarray(ride.inlet_max_c[rid], float)
            if rid in self.hot:
                pen = pg.mkPen(HOT_COLORS[self.hot.index(rid) % len(HOT_COLORS)], width=2.5)
            else:
                pen = pg.mkPen(OTHER_COLOR, width=1)
            curve = pg.PlotDataItem(minutes, series, pen=pen, name=rid)
            curve.setZValue(2 if rid in self.hot else 1)
            self.addItem(curve)
            self.curves[rid], self.styles[rid] = curve, pen
        self.allowable.setValue(study.allowable_c)
        self.recommended.setValue(study.recommended_c)
        self.legend.clear()
        self.legend.addItem(pg.PlotDataItem(pen=ALLOWABLE_PEN), f"allowable {study.allowable_c:g} °C")
        self.legend.addItem(pg.PlotDataItem(pen=RECOMMENDED_PEN),
                            f"recommended {study.recommended_c:g} °C")
        for item in (self.allowable, self.recommended, self.legend):
            item.setVisible(True)
        x_max, (lo, hi) = self._fit(study, minutes)
        self._labels(ride, minutes, x_max, lo, hi)

    def _labels(self, ride, minutes: np.ndarray, x_max: float, lo: float, hi: float) -> None:
        """Name the labelled racks: where they cross the allowable line when that is on the
        chart, else at the right edge on their curve; right-edge names kept apart."""
        vb = self.getPlotItem().vb
        spacing = (hi - lo) * 16.0 / max(vb.height(), 120.0)        # one text line, in K
        width = x_max * 36.0 / max(vb.width(), 200.0)              # one short name, in minutes
        crossing, edge = [], []
        for rid in self.hot:
            t = ride.time_to_allowable_s.get(rid)
            color = HOT_COLORS[self.hot.index(rid) % len(HOT_COLORS)]
            if t is not None and 0 < t / 60.0 <= 0.85 * x_max:
                crossing.append((t / 60.0, rid, color))
            else:
                k = int(np.searchsorted(minutes, x_max, side="right")) - 1
                edge.append((min(float(ride.inlet_max_c[rid][max(k, 0)]), hi), rid, color))
        last_x, y = None, ride.allowable_c
        for x, rid, color in sorted(crossing):           # names that would touch stack up
            y = y + spacing if last_x is not None and x - last_x < width else ride.allowable_c
            self._add_label(rid, color, x, y, (1.0, 1.0))
            last_x = x
        last = None
        for y, rid, color in sorted(edge, reverse=True):
            y = y if last is None else min(y, last - spacing)
            self._add_label(rid, color, x_max, y, (1.0, 0.5))
            last = y

    def _add_label(self, rid: str, color, x: float, y: float, anchor) -> None:
        label = pg.TextItem(rid, color=color, anchor=anchor)
        label.setPos(x, y)
        label.setZValue(6)
        self.addItem(label)
        self.labels[rid] = label

    def _fit(self, study, minutes: np.ndarray) -> tuple[float, tuple[float, float]]:
        """Show the part that matters: up to a little past the last crossing when every
        rack crosses, and without cooling (a climb without end) the limits with some room
        above them. Returns the x end and the y range."""
        ride = study.ride
        times = [t for t in ride.time_to_allowable_s.values() if t is not None]
        x_max = float(minutes[-1])
        if len(times) == len(ride.time_to_allowable_s) and times and max(times) > 0:
            x_max = min(x_max, max(2.0 * max(times) / 60.0, float(minutes[min(10, len(minutes) - 1)])))
        shown = minutes <= x_max + 1e-9
        values = np.concatenate([np.asarray(s, float)[shown] for s in ride.inlet_max_c.values()])
        lo = min(float(values.min()), study.recommended_c) - 1.0
        hi = float(values.max())
        if ride.tau_s is None:
            hi = min(hi, study.allowable_c + HEADROOM_K)
        hi = max(hi, study.allowable_c) + 1.0
        self.setXRange(0.0, x_max, padding=0.02)
        self.setYRange(lo, hi, padding=0.02)
        return x_max, (lo, hi)

    def highlight(self, rack_id: Optional[str]) -> None:
        """Draw one rack's curve thick and on top ("" or None: none)."""
        rack_id = rack_id or ""
        if rack_id == self.highlighted:
            return
        previous = self.curves.get(self.highlighted)
        if previous is not None:
            previous.setPen(self.styles[self.highlighted])
            previous.setZValue(2 if self.highlighted in self.hot else 1)
        self.highlighted = rack_id if rack_id in self.curves else ""
        curve = self.curves.get(self.highlighted)
        if curve is not None:
            curve.setPen(pg.mkPen(HIGHLIGHT, width=4))
            curve.setZValue(4)
