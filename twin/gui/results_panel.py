"""Results: metrics summary, per-rack intake table, per-unit table, intake chart.

Everything shown comes from a SolveUpdate (result + metrics); nothing is computed here.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QFormLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from twin.wording import count

HOT_ROW = QColor(255, 90, 90, 110)
# Short two-line headers so every column fits the dock; the tooltips say what each one is.
RACK_COLUMNS = ("Rack", "Intake\nmean\n°C", "Intake\nmax\n°C", "Lower\n°C", "Middle\n°C",
                "Upper\n°C", "Exhaust\n°C", "Power\nkW", "Airflow\nm³/s")
RACK_TIPS = ("rack id", "mean air temperature over the rack's front face",
             "hottest air temperature on the front face", "mean intake over the lower third of the front",
             "mean intake over the middle third of the front", "mean intake over the upper third of the front",
             "mean air temperature leaving the rear", "heat released into the air", "air drawn through the rack")
UNIT_COLUMNS = ("Cooling\nunit", "State", "Return\n°C", "Load\nkW", "Supply\n°C", "Airflow\nm³/s")
UNIT_TIPS = ("cooling unit id", "running or failed", "mean temperature of the air it takes back",
             "heat it removes from the room", "temperature of the air it supplies under the floor",
             "air it supplies")
PHASES = {"preview": "preview (accurate model running…)", "running": "accurate model, settling…",
          "final": "final"}


def _certainty(result) -> str:
    """The accurate model's stated standard error of the intakes and why it stopped."""
    se, reason = result.uncertainty_k, getattr(result, "stop_reason", "")
    if not reason or not math.isfinite(se):
        return ""
    return f"; intakes ±{se:.2f} K (stopped on {reason})"


def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}" if value is not None and math.isfinite(value) else "—"


class SortItem(QTableWidgetItem):
    """A table cell that sorts by a number (NaN last) but shows formatted text."""

    def __init__(self, text: str = "", key=""):
        super().__init__(text)
        self.key = key
        self.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)

    def __lt__(self, other) -> bool:
        a, b = self.key, getattr(other, "key", None)
        if isinstance(a, float) and isinstance(b, float):
            return (math.isnan(a), a) < (math.isnan(b), b)
        return str(a) < str(b)


def _table(columns, tips) -> QTableWidget:
    """A sortable table whose columns share the width it has (no sideways scrolling)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    for c, tip in enumerate(tips):
        table.horizontalHeaderItem(c).setToolTip(tip)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setMinimumSectionSize(36)
    header.setSectionResizeMode(QHeaderView.Stretch)
    header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
    table.setSortingEnabled(True)
    table.setAlternatingRowColors(True)
    return table


def _fill(table: QTableWidget, rows: list[list[tuple[str, object]]], hot: set[int]) -> None:
    """Show rows of (text, sort key) cells, reusing the cells; hot rows are highlighted.

    Cells are updated in place: rebuilding a few hundred cells costs the GUI
    thread ~1 ms each.
    """
    header = table.horizontalHeader()
    sort_col, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    normal, bold = QFont(table.font()), QFont(table.font())
    bold.setBold(True)
    for r, row in enumerate(rows):
        for c, (text, key) in enumerate(row):
            item = table.item(r, c)
            if not isinstance(item, SortItem):
                item = SortItem()
                table.setItem(r, c, item)
            item.key = key
            item.setText(text)
            item.setBackground(QBrush(HOT_ROW) if r in hot else QBrush())
            item.setFont(bold if r in hot else normal)
            item.setToolTip("intake above the ASHRAE recommended maximum" if r in hot else "")
    table.setSortingEnabled(True)
    table.sortItems(sort_col, order)


class IntakeChart(pg.PlotWidget):
    """Intake mean (bars) and max (dots) by rack, with the recommended and allowable maxima."""

    def __init__(self):
        super().__init__()
        self.setLabel("left", "intake (°C)")
        self.setMouseEnabled(x=True, y=False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, y0=0)
        self.maxima = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(30, 30, 30))
        self.recommended = pg.InfiniteLine(angle=0, pen=pg.mkPen((230, 140, 0), width=2, style=Qt.DashLine),
                                           label="recommended max", labelOpts={"position": 0.05})
        self.allowable = pg.InfiniteLine(angle=0, pen=pg.mkPen((220, 0, 0), width=2, style=Qt.DashLine),
                                         label="allowable max", labelOpts={"position": 0.05})
        for item in (self.bars, self.maxima, self.recommended, self.allowable):
            self.addItem(item)

    def set_intakes(self, ids, mean_c, max_c, hot_ids, recommended_c, allowable_c) -> None:
        x = np.arange(len(ids))
        brushes = [pg.mkBrush(220, 60, 60) if i in hot_ids else pg.mkBrush(70, 130, 200) for i in ids]
        mean = np.nan_to_num(np.asarray(mean_c, float))
        self.bars.setOpts(x=x, height=mean, width=0.7, brushes=brushes)
        self.maxima.setData(x=x, y=np.asarray(max_c, float))
        self.recommended.setValue(recommended_c)
        self.allowable.setValue(allowable_c)
        step = max(1, len(ids) // 24)
        self.getAxis("bottom").setTicks([[(i, ids[i]) for i in range(0, len(ids), step)]])
        low = min(15.0, float(np.nanmin(mean)) - 1 if len(ids) else 15.0)
        top = max(allowable_c, float(np.nanmax(max_c)) if len(ids) else allowable_c) + 2
        self.setYRange(low, top)
        self.setXRange(-1, max(len(ids), 1))


class ResultsPanel(QWidget):
    """Metrics summary above tabs with the rack table, unit table and intake chart."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = {}
        form = QFormLayout()
        for key, label in (("status", "Result"), ("class", "ASHRAE class"), ("rci", "RCI HI / LO"),
                           ("rti", "RTI"), ("shi", "SHI"), ("above", "Above recommended"),
                           ("balance", "Heat balance")):
            self.summary[key] = QLabel("—")
            self.summary[key].setObjectName(f"summary_{key}")
            self.summary[key].setWordWrap(True)
            form.addRow(label, self.summary[key])
        self.racks = _table(RACK_COLUMNS, RACK_TIPS)
        self.racks.setObjectName("rackTable")
        self.racks.sortItems(2, Qt.DescendingOrder)          # hottest intake first
        self.units = _table(UNIT_COLUMNS, UNIT_TIPS)
        self.units.setObjectName("unitTable")
        self.chart = IntakeChart()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.racks, "Racks")
        self.tabs.addTab(self.units, "Cooling units")
        self.tabs.addTab(self.chart, "Intake chart")
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.tabs, 1)

    def set_update(self, update) -> None:
        result, m = update.result, update.metrics
        hot = set(m.racks_above_recommended)
        self._summary(update)
        racks = list(result.racks.values())
        _fill(self.racks, [[(r.id, r.id)] + [(_fmt(v, 1), float(v)) for v in (
            r.inlet_mean_c, r.inlet_max_c, r.inlet_lower_c, r.inlet_middle_c, r.inlet_upper_c,
            r.exhaust_mean_c)] + [(_fmt(r.power_kw, 1), float(r.power_kw)),
                                  (_fmt(r.airflow_m3s, 3), float(r.airflow_m3s))] for r in racks],
              {i for i, r in enumerate(racks) if r.id in hot})
        units = list(result.cooling_units.values())
        _fill(self.units, [[(u.id, u.id), (u.state, u.state), (_fmt(u.return_temp_c, 1), float(u.return_temp_c)),
                            (_fmt(u.load_kw, 1), float(u.load_kw)), (_fmt(u.supply_temp_c, 1), float(u.supply_temp_c)),
                            (_fmt(u.airflow_m3s, 2), float(u.airflow_m3s))] for u in units], set())
        self.chart.set_intakes([r.id for r in racks], [r.inlet_mean_c for r in racks],
                        [r.inlet_max_c for r in racks], hot, m.recommended_c[1], m.allowable_c[1])

    def _summary(self, update) -> None:
        result, m = update.result, update.metrics
        s = self.summary
        phase = PHASES.get(update.phase, update.phase)
        s["status"].setText(f"{result.model} model, {phase}; {update.elapsed_s:.1f} s" + _certainty(result))
        s["class"].setText(f"{m.ashrae_class}: recommended {m.recommended_c[0]:g}-{m.recommended_c[1]:g} °C, "
                           f"allowable {m.allowable_c[0]:g}-{m.allowable_c[1]:g} °C")
        s["rci"].setText(f"{_fmt(m.rci_hi_pct, 1)} % / {_fmt(m.rci_lo_pct, 1)} %")
        s["rti"].setText(f"{_fmt(m.rti_pct, 1)} %")
        s["shi"].setText(_fmt(m.shi, 3))
        above = m.racks_above_recommended
        s["above"].setText(count(len(above), "rack") + (f": {', '.join(above[:12])}" if above else ""))
        s["balance"].setText(f"IT {result.it_power_kw:.1f} kW, removed {result.removed_kw:.1f} kW")
