"""The workload replay's pictures: what the room did over time under each policy, and
one instant of it on the plan.

Three charts share the time axis (hours from the first submit): the hottest
rack intake over the ASHRAE class's recommended (green) and allowable
(yellow) bands, the facility power, and each CDU's load (only when the hall
has liquid cooling). Each policy is one colour, drawn as steps since the room
holds one power state between two events. A vertical cursor, dragged or put
down by a click, picks an instant; `RackPowers` draws the racks' power then
on the floor plan, outlined by their intake.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from twin.telemetry.csvfile import format_timestamp

POLICY_COLOURS = {"thermal": (0, 130, 220), "first-fit": (230, 110, 0)}
RECOMMENDED_BRUSH = (60, 180, 75, 45)
ALLOWABLE_BRUSH = (240, 200, 0, 40)
CDU_STYLES = (Qt.SolidLine, Qt.DashLine, Qt.DotLine, Qt.DashDotLine)
HOT, COOL = QColor(224, 32, 60), QColor(40, 150, 90)


def steps(run, value, t0_s: float) -> tuple[list, list]:
    """(edges in hours from t0_s, one value per interval) for a step curve of `run`."""
    intervals = run.intervals
    edges = [(i.start_s - t0_s) / 3600.0 for i in intervals] + [(intervals[-1].end_s - t0_s) / 3600.0]
    return edges, [value(i.state) for i in intervals]


def _plot(left: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.getPlotItem().setMenuEnabled(False)
    plot.setMinimumHeight(180)
    legend = plot.addLegend(offset=(8, 4), labelTextColor=(40, 40, 40),
                            brush=pg.mkBrush(255, 255, 255, 170))
    legend.setColumnCount(4)               # one line of names along the top
    return plot


class ReplayCharts(QWidget):
    """Hottest intake, facility power and CDU loads against time, every policy overlaid."""

    sigTime = Signal(float)          # the instant picked (epoch s), on a click or a finished drag

    def __init__(self, parent=None):
        super().__init__(parent)
        self.intake = _plot("hottest intake °C")
        self.power = _plot("facility kW")
        self.cdu = _plot("CDU load kW")
        self.plots = (self.intake, self.power, self.cdu)
        self.t0_s = 0.0
        self.cursors = []
        for plot in self.plots:
            if plot is not self.intake:
                plot.setXLink(self.intake)
            cursor = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen((120, 120, 120), width=1.5))
            cursor.setVisible(False)
            cursor.sigPositionChanged.connect(self._follow)
            cursor.sigPositionChangeFinished.connect(lambda line: self._picked(line.value()))
            plot.addItem(cursor, ignoreBounds=True)
            plot.scene().sigMouseClicked.connect(lambda event, p=plot: self._clicked(p, event))
            self.cursors.append(cursor)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for plot in self.plots:
            box.addWidget(plot)
        self.clear()

    def set_colors(self, background, foreground) -> None:
        for plot in self.plots:
            plot.setBackground(background)
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(foreground)
                plot.getAxis(name).setTextPen(foreground)

    def clear(self) -> None:
        for plot, cursor in zip(self.plots, self.cursors):
            for item in list(plot.getPlotItem().items):
                if item is not cursor:
                    plot.removeItem(item)
            plot.getPlotItem().legend.clear()
            cursor.setVisible(False)
        self.cdu.setVisible(False)

    def show_runs(self, runs: list, inlet) -> None:
        """Draw `runs` (ReplayRun, one per policy) with `inlet`'s (InletClass) bands."""
        self.clear()
        self.t0_s = min(run.intervals[0].start_s for run in runs)
        self._bands(inlet)
        for n, run in enumerate(runs):           # the policies' colours named once, on top
            pen = pg.mkPen(POLICY_COLOURS.get(run.policy, (90, 90, 90)), width=2)
            x, y = steps(run, lambda s: s.hottest_intake_c, self.t0_s)
            self.intake.plot(x, y, stepMode="center", pen=pen, name=run.policy)
            x, y = steps(run, lambda s: s.facility_kw, self.t0_s)
            self.power.plot(x, y, stepMode="center", pen=pen)
            for k, cdu in enumerate(sorted(run.peak_cdu_kw)):   # a CDU is a line style
                cdu_pen = pg.mkPen(pen.color(), width=2, style=CDU_STYLES[k % len(CDU_STYLES)])
                x, y = steps(run, lambda s, c=cdu: s.cdu_load_kw.get(c, 0.0), self.t0_s)
                self.cdu.plot(x, y, stepMode="center", pen=cdu_pen, name=cdu if n == 0 else None)
        self.cdu.setVisible(any(run.peak_cdu_kw for run in runs))
        hottest = max(max(i.state.hottest_intake_c for i in run.intervals) for run in runs)
        coolest = min(min(i.state.hottest_intake_c for i in run.intervals) for run in runs)
        self.intake.setYRange(min(coolest, inlet.recommended_min_c) - 1.0,
                              max(hottest, inlet.allowable_max_c) + 1.0, padding=0)
        bottom = self.cdu if self.cdu.isVisibleTo(self) else self.power
        for plot in self.plots:                   # the time axis named once, under the last
            plot.setLabel("bottom", f"hours from {format_timestamp(self.t0_s)}" if plot is bottom else None)
        for plot in (self.power, self.cdu):
            plot.enableAutoRange(axis="y")
        self.intake.enableAutoRange(axis="x")          # the others follow it

    def _bands(self, inlet) -> None:
        for low, high, brush, label in (
                (inlet.allowable_min_c, inlet.allowable_max_c, ALLOWABLE_BRUSH, "allowable"),
                (inlet.recommended_min_c, inlet.recommended_max_c, RECOMMENDED_BRUSH, "recommended")):
            band = pg.LinearRegionItem((low, high), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(*brush), pen=pg.mkPen(None))
            band.setZValue(-10)
            self.intake.addItem(band, ignoreBounds=True)
            line = pg.InfiniteLine(high, angle=0, pen=pg.mkPen(brush[:3], width=1, style=Qt.DashLine),
                                   label=f"{inlet.name} {label} {high:g} °C",
                                   labelOpts={"position": 0.98, "color": brush[:3],
                                              "anchors": [(1, 0), (1, 0)]})
            self.intake.addItem(line, ignoreBounds=True)

    # -- the instant -------------------------------------------------------------------
    def set_time(self, t_s: float) -> None:
        """Put the cursor at `t_s` (epoch s) and report it."""
        self._picked((t_s - self.t0_s) / 3600.0)

    def _follow(self, moved) -> None:
        for cursor in self.cursors:
            if cursor is not moved:
                cursor.blockSignals(True)
                cursor.setValue(moved.value())
                cursor.blockSignals(False)

    def _clicked(self, plot, event) -> None:
        if event.button() != Qt.LeftButton or not self.cursors[0].isVisible():
            return
        box = plot.getPlotItem().vb
        if box.sceneBoundingRect().contains(event.scenePos()):
            self._picked(box.mapSceneToView(event.scenePos()).x())

    def _picked(self, hours: float) -> None:
        for cursor in self.cursors:
            cursor.blockSignals(True)
            cursor.setValue(hours)
            cursor.blockSignals(False)
        self.sigTime.emit(self.t0_s + hours * 3600.0)

    def show_cursor(self, shown: bool = True) -> None:
        for cursor in self.cursors:
            cursor.setVisible(shown)


class RackPowers(pg.GraphicsObject):
    """Every rack at one instant: its power (kW) in a badge, outlined red when its intake is
    above the recommended maximum, green otherwise."""

    def __init__(self, layout, power_kw: dict, intake_c: dict, recommended_max_c: float):
        super().__init__()
        self.racks = []                   # (QRectF, kW, hot)
        for rack in layout.racks:
            if rack.id in power_kw:
                rect = QRectF(rack.position_m[0], rack.position_m[1], rack.size_m[0], rack.size_m[1])
                hot = intake_c.get(rack.id, float("-inf")) > recommended_max_c
                self.racks.append((rect, power_kw[rack.id], hot))
        self._bounds = QRectF()
        for rect, _, _ in self.racks:
            self._bounds = self._bounds.united(rect)
        self.setZValue(11)
        self.setAcceptedMouseButtons(Qt.NoButton)      # clicks still reach the racks below

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, *args) -> None:
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(10)
        for rect, kw, hot in self.racks:
            colour = HOT if hot else COOL
            pen = QPen(colour, 2.5)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(rect)
            centre = painter.transform().map(rect.center())
            painter.save()
            painter.resetTransform()
            painter.setFont(font)
            text = f"{kw:.0f}"
            half_px = painter.fontMetrics().horizontalAdvance(text) / 2 + 3
            box = QRectF(centre.x() - half_px, centre.y() - 7, 2 * half_px, 14)
            painter.setPen(Qt.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(box, Qt.AlignCenter, text)
            painter.restore()
