"""The power panel: facility totals and PUE, component loads against ratings, N-1 failover,
the chain graph and the selected rack's cords and equipment.

Everything shown comes from `twin.power.analyze` (a few milliseconds, so it
runs on the GUI thread after every edit and every new thermal result: the
cooling power follows the thermal model's per-unit loads).
"""
from __future__ import annotations

import time
from typing import Optional

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFormLayout, QLabel, QListWidget,
                               QListWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from twin.gui import theme
from twin.gui.power_chain_view import PowerChainView
from twin.gui.rack_power_editor import RackPowerEditor
from twin.gui.docks import add_panel_dock
from twin.power import analyze
from twin.power.chain import build_chain
from twin.wording import count

BAR_KINDS = ("ups", "pdu", "busway")
OK_BRUSH, OVER_BRUSH = (70, 130, 200), (225, 60, 60)
PASS_STYLE, FAIL_STYLE = "color: #2a9d4a; font-weight: bold;", "color: #e0203c; font-weight: bold;"


class LoadChart(pg.PlotWidget):
    """Horizontal bars: utilisation of each UPS, PDU and busway, with the continuous limit."""

    def __init__(self):
        super().__init__()
        self.setLabel("bottom", "load (% of rating)")
        self.setMouseEnabled(x=False, y=True)
        self.getPlotItem().invertY(True)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self.limit = pg.InfiniteLine(angle=90, pen=pg.mkPen((230, 140, 0), width=2, style=Qt.DashLine),
                                     label="limit", labelOpts={"position": 0.97, "color": (200, 110, 0)})
        self.rating = pg.InfiniteLine(pos=100, angle=90, pen=pg.mkPen((200, 0, 0), width=1))
        for item in (self.bars, self.limit, self.rating):
            self.addItem(item)
        self.labels: list[pg.TextItem] = []
        self.text_color = (40, 40, 40)

    def set_colors(self, background, foreground) -> None:
        """Follow the window's theme: plot background and label colour."""
        self.setBackground(background)
        self.text_color = foreground

    def set_loads(self, rows: list[tuple[str, float, float, float, bool]], limit_pct: float) -> None:
        """rows: (id, utilisation %, load kW, rating kW, over the limit)."""
        y = np.arange(len(rows))
        pct = np.array([r[1] for r in rows], float)
        brushes = [pg.mkBrush(*(OVER_BRUSH if r[4] else OK_BRUSH)) for r in rows]
        self.bars.setOpts(x0=np.zeros(len(rows)), y=y, width=pct, height=0.7, brushes=brushes)
        self.limit.setValue(limit_pct)
        self.limit.label.setFormat(f"{limit_pct:g} % limit")
        self.getAxis("left").setTicks([[(i, r[0]) for i, r in enumerate(rows)]])
        for label in self.labels:
            self.removeItem(label)
        self.labels = []
        for i, (_, p, load, rating, over) in enumerate(rows):
            label = pg.TextItem(f"{load:.1f} / {rating:g} kW", color=(220, 30, 30) if over else self.text_color,
                                anchor=(0, 0.5))
            label.setPos(p + 1, i)
            self.addItem(label)
            self.labels.append(label)
        top = max([100.0, limit_pct] + list(pct)) * 1.35
        self.setXRange(0, top, padding=0)
        self.setYRange(-0.6, max(len(rows), 1) - 0.4, padding=0)


class PowerPanel(QWidget):
    """Facility totals, loads, failover, chain and rack equipment of the open layout."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.thermal = None              # latest ThermalResult, for the cooling power
        self.result = None               # latest PowerResult
        self.chain = None
        self.failed_case: Optional[str] = None
        self.rack_id = ""
        self.last_ms = 0.0               # time of the last analysis
        self.bar_rows: list[tuple[str, float, float, float, bool]] = []
        self.stale = False
        self.on_screen = True            # False while its dock is closed or behind another tab
        self._build()

    def _build(self) -> None:
        form = QFormLayout()
        self.totals = {}
        for key, label in (("it", "IT"), ("cooling", "Cooling"), ("losses", "Losses"),
                           ("facility", "Facility"), ("pue", "PUE")):
            self.totals[key] = QLabel("—")
            self.totals[key].setObjectName(f"power_{key}")
            self.totals[key].setWordWrap(True)
            form.addRow(label, self.totals[key])
        self.verdict = QLabel("—")
        self.verdict.setObjectName("failoverVerdict")
        self.verdict.setWordWrap(True)
        self.violations = QListWidget()
        self.violations.setObjectName("failoverViolations")
        self.violations.setMaximumHeight(120)
        self.violations.setWordWrap(True)
        self.violations.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.violations.currentItemChanged.connect(self._on_case_chosen)
        self.chart = LoadChart()
        self.chain_view = PowerChainView()
        self.editor = RackPowerEditor(self.document)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.chart, "Loads")
        self.tabs.addTab(self.chain_view, "Chain")
        self.tabs.addTab(self.editor, "Rack")
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.verdict)
        box.addWidget(self.violations)
        box.addWidget(self.tabs, 1)

    # -- inputs -----------------------------------------------------------------------
    def set_thermal(self, thermal) -> None:
        """A new thermal result: the cooling power follows it."""
        self.thermal = thermal
        self.refresh()

    def reset(self) -> None:
        """Another layout was opened: forget the thermal result and the selection."""
        self.thermal, self.failed_case, self.rack_id = None, None, ""
        self.refresh()

    def show_rack(self, item_id: str) -> None:
        self.rack_id = item_id
        if self.stale:
            return
        self.editor.show_rack(item_id, self.result)
        self._draw_chain()

    def refresh(self) -> None:
        """Re-run the power analysis of the layout as it stands and show it.

        While the panel is hidden (another dock tab in front) this only marks it
        stale; it catches up when shown, so hidden it costs edits nothing.
        """
        if not self.on_screen and self.result is not None:
            self.stale = True
            return
        self.stale = False
        layout = self.document.layout
        start = time.perf_counter()
        self.result = analyze(layout, self.thermal)
        self.chain = build_chain(layout.power, [r.id for r in layout.racks])
        self.last_ms = (time.perf_counter() - start) * 1000.0
        self._show_totals(self.result)
        self._show_loads(self.result)
        self._show_failover(self.result)
        self.editor.show_rack(self.rack_id, self.result)
        self._draw_chain()

    def set_on_screen(self, on_screen: bool) -> None:
        """The dock was shown or hidden (a tab change counts); catch up when shown."""
        self.on_screen = on_screen
        if on_screen and self.stale:
            self.refresh()

    # -- showing ------------------------------------------------------------------------
    def _show_totals(self, r) -> None:
        t = self.totals
        t["it"].setText(f"{r.it_kw:.1f} kW" + (f" ({r.liquid_kw:.1f} kW to liquid)" if r.liquid_kw else ""))
        t["cooling"].setText(f"{r.cooling_kw:.1f} kW (fans {r.fans_kw:.1f}, chiller "
                             f"{r.chiller_kw + r.liquid_chiller_kw:.1f})"
                             + ("" if self.thermal is not None else "; thermal loads estimated"))
        t["losses"].setText(f"{r.losses_kw:.1f} kW (UPS {r.ups_losses_kw:.1f}, "
                            f"distribution {r.distribution_losses_kw:.1f})")
        t["facility"].setText(f"{r.facility_kw:.1f} kW (other {r.other_kw:.1f})")
        t["pue"].setText("—" if r.pue is None else f"<b>{r.pue:.2f}</b>")

    def _show_loads(self, r) -> None:
        self.bar_rows = [(c.id, c.utilization_pct, c.load_kw, c.rating_kw, not c.ok)
                         for c in r.components.values() if c.kind in BAR_KINDS and c.rating_kw]
        self.chart.set_loads(self.bar_rows, r.limit_pct)

    def _show_failover(self, r) -> None:
        f = r.failover
        if not f.cases:
            self.verdict.setText("Failover: no power chain to check")
            self.verdict.setStyleSheet("")
        elif f.ok:
            worst = (f"; worst case {f.worst[1]} at {f.worst[2]:.0f} % when {f.worst[0]} fails"
                     if f.worst else "")
            self.verdict.setText(f"N-1 failover passes ({count(f.cases, 'case')}){worst}")
            self.verdict.setStyleSheet(PASS_STYLE)
        else:
            self.verdict.setText(f"N-1 failover FAILS: {count(len(f.violations), 'violation')} "
                                 f"in {count(f.cases, 'case')} (click one to show it in the chain)")
            self.verdict.setStyleSheet(FAIL_STYLE)
        self.violations.blockSignals(True)
        self.violations.clear()
        for v in f.violations:
            item = QListWidgetItem(v.message())
            item.setData(Qt.UserRole, v.failed)
            item.setToolTip(v.message())
            self.violations.addItem(item)
        self.violations.blockSignals(False)
        self.violations.setVisible(bool(f.violations))
        if self.failed_case not in {v.failed for v in f.violations}:
            self.failed_case = None

    def _on_case_chosen(self, item, _previous=None) -> None:
        self.failed_case = item.data(Qt.UserRole) if item is not None else None
        self._draw_chain()

    def _draw_chain(self) -> None:
        if self.result is not None and self.chain is not None:
            self.chain_view.show_chain(self.chain, self.result, self.failed_case, self.rack_id)


def attach_power(window) -> PowerPanel:
    """Add the panel to a main window as a dock tabbed with Results, wired to edits and solves."""
    panel = PowerPanel(window.document)
    dock = add_panel_dock(window, panel, "Power", "powerDock")
    window.power_dock = dock
    dock.visibilityChanged.connect(panel.set_on_screen)

    def follow_theme(name: str) -> None:
        panel.chart.set_colors(*theme.plot_colors(theme.resolve(name)))
        panel.refresh()
    for name, action in window.acts.theme.items():
        action.triggered.connect(lambda _checked=False, n=name: follow_theme(n))
    follow_theme(str(window.settings.value("view/theme", "system")))
    document = window.document
    document.sigChanged.connect(lambda _event, _command: panel.refresh())
    document.sigReplaced.connect(panel.reset)
    document.sigRefused.connect(lambda _item, _reason: panel.show_rack(panel.rack_id))
    window.solver.sigUpdate.connect(lambda update: panel.set_thermal(update.result))
    window.floor.sigSelected.connect(panel.show_rack)
    panel.refresh()
    return panel
