"""The Capacity dock's pictures: headroom bars per row and the growth chart.

Each row gets one bar per resource (free positions, power N-1, air, liquid,
fabric) in kW of the planned model, on one scale for the whole room; the
binding resource is drawn solid with its kW, the others light, and what they
offer beyond the binding one is marked as stranded. The growth chart is each
resource's margin (% of what it offers) against the month, with the zero line.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from twin.capacity.checks import RESOURCES
from twin.capacity.growth import COLOURS

BAR_RESOURCES = ("space", "power", "air", "liquid", "fabric")
BAR_LABELS = {"space": "free positions", "power": "power N-1", "air": "air",
              "liquid": "liquid (CDU)", "fabric": "fabric"}
BAR_COLOURS = {**COLOURS, "space": COLOURS["floor"]}
BAR_H, ROW_GAP, LABEL_W, VALUE_W = 11, 10, 96, 88


def bar_values(row) -> dict:
    """Resource -> kW (None: not described, inf: no limit found) for one RowCapacity."""
    return {"space": row.space_kw, **{r: row.headroom_kw.get(r) for r in BAR_RESOURCES[1:]}}


def value_text(resource: str, kw, row) -> str:
    if kw is None:
        return "not described"
    if math.isinf(kw):
        return "no limit"
    if resource == "space":
        return f"{row.free_positions} pos, {kw:.0f} kW"
    return f"{kw:.0f} kW" + (" binding" if resource == row.binding else "")


class RowBars(QWidget):
    """Headroom per resource for every row (twin.capacity.stranded.RowCapacity)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.text_color = QColor(40, 40, 40)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_rows(self, rows: list) -> None:
        self.rows = list(rows)
        self.updateGeometry()
        self.update()

    def scale_kw(self) -> float:
        finite = [v for row in self.rows for v in bar_values(row).values()
                  if v is not None and math.isfinite(v)]
        return max(finite + [1.0])

    def _row_height(self) -> int:
        return 16 + len(BAR_RESOURCES) * BAR_H + ROW_GAP

    def sizeHint(self) -> QSize:
        return QSize(360, max(40, len(self.rows) * self._row_height()))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(10)
        painter.setFont(font)
        span = max(self.width() - LABEL_W - VALUE_W, 20)
        scale = self.scale_kw()
        y = 0
        for row in self.rows:
            painter.setPen(self.text_color)
            title = f"row {row.row}: {row.load_kw:.0f} kW today"
            if row.usable_kw is not None and math.isfinite(row.usable_kw):
                title += f", {row.usable_kw:.0f} kW usable"
            painter.drawText(QRectF(0, y, self.width(), 14), Qt.AlignLeft | Qt.AlignVCenter, title)
            y += 16
            for resource, kw in bar_values(row).items():
                self._bar(painter, row, resource, kw, y, span, scale)
                y += BAR_H
            y += ROW_GAP
        painter.end()

    def _bar(self, painter, row, resource, kw, y, span, scale) -> None:
        painter.setPen(self.text_color)
        painter.drawText(QRectF(0, y, LABEL_W - 4, BAR_H), Qt.AlignRight | Qt.AlignVCenter,
                         BAR_LABELS[resource])
        colour = QColor(BAR_COLOURS.get(resource, "#888888"))
        if kw is not None:
            length = span if math.isinf(kw) else span * max(kw, 0.0) / scale
            colour.setAlpha(255 if resource == row.binding else 110)
            painter.fillRect(QRectF(LABEL_W, y + 1, length, BAR_H - 2), colour)
            usable = row.usable_kw
            if resource in row.stranded_kw() and usable is not None and math.isfinite(usable):
                x = LABEL_W + span * usable / scale          # beyond this: stranded
                painter.setPen(QPen(self.text_color, 1, Qt.DashLine))
                painter.drawLine(int(x), y, int(x), y + BAR_H)
        painter.setPen(self.text_color)
        painter.drawText(QRectF(LABEL_W + span + 4, y, VALUE_W, BAR_H),
                         Qt.AlignLeft | Qt.AlignVCenter, value_text(resource, kw, row))


class GrowthChart(pg.PlotWidget):
    """Margin % per resource against the month (twin.capacity.growth.Growth)."""

    def __init__(self):
        super().__init__()
        self.setLabel("bottom", "month")
        self.setLabel("left", "margin (% of what the resource offers)")
        self.showGrid(x=True, y=True, alpha=0.2)
        self.getPlotItem().setMenuEnabled(False)
        self.zero = pg.InfiniteLine(angle=0, pen=pg.mkPen((220, 0, 0), width=1.5, style=Qt.DashLine))
        self.addItem(self.zero)
        self.legend = self.addLegend(offset=(-8, 8), labelTextColor=(40, 40, 40),
                                     brush=pg.mkBrush(255, 255, 255, 200))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.setMinimumHeight(180)

    def set_colors(self, background, foreground) -> None:
        self.setBackground(background)
        for name in ("left", "bottom"):
            self.getAxis(name).setPen(foreground)
            self.getAxis(name).setTextPen(foreground)

    def show_growth(self, run) -> None:
        for curve in self.curves.values():
            self.removeItem(curve)
        self.legend.clear()
        self.curves = {}
        for resource in RESOURCES:
            points = [(m.month, m.checks[resource].margin_pct) for m in run.months
                      if resource in m.checks and m.checks[resource].margin_pct is not None
                      and math.isfinite(m.checks[resource].margin_pct)]
            if not points:
                continue
            out = run.runs_out.get(resource)
            name = resource + (f" (out: month {out})" if out is not None else "")
            pen = pg.mkPen(BAR_COLOURS[resource], width=2)
            self.curves[resource] = self.plot([p[0] for p in points], [p[1] for p in points],
                                              pen=pen, symbol="o", symbolSize=5,
                                              symbolBrush=BAR_COLOURS[resource], name=name)
