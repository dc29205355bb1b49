"""The Liquid dock: the coolant loop as built, each CDU failed in turn, the loss of facility
water; the loop view, the racks' coolant and the facility-water temperature comparison.

The steady loop and the N-1 cases come from `twin.liquid` (milliseconds: they
run on the GUI thread after every edit, like the power panel). The transient
of a facility-water loss is worked out when its case is shown. A CDU or the
facility water failed in the layout itself (Inspector) is the first case:
the racks that lose cooling are red, with the seconds until their coolant
passes the limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHeaderView, QLabel, QListWidget, QListWidgetItem, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from twin.gui.docks import add_panel_dock
from twin.gui.liquid_compare import SupplyCompare
from twin.gui.liquid_view import LiquidLoopView
from twin.liquid import as_edited, facility_water_loss, n1_sweep, solve_liquid
from twin.scenario.ridethrough import format_time

RACK_COLUMNS = ("Rack", "Liquid kW", "Flow L/min", "CDUs", "Supply °C", "Return °C", "Cooling")
PASS_STYLE, FAIL_STYLE = "color: #2a9d4a; font-weight: bold;", "color: #e0203c; font-weight: bold;"
WATER_CASE = "facility water lost"


@dataclass
class Case:
    """One picture of the loop: a label, its result, and racks -> seconds to the limit."""
    key: str                        # "" (as the layout stands), a CDU id, or WATER_CASE
    label: str
    result: object                  # LiquidResult
    seconds: dict
    ok: bool


def loss_seconds(layout, steady) -> dict:
    """Racks whose coolant passes the limit after a facility-water loss -> seconds."""
    loss = facility_water_loss(layout, steady)
    return {r: s for r, s in loss.seconds.items() if s is not None}


def first_loss(seconds: dict) -> str:
    if not seconds:
        return "no rack passes the limit"
    rack = min(seconds, key=seconds.get)
    return f"{len(seconds)} racks lose cooling, first {rack} after {format_time(seconds[rack])}"


def standing_case(layout, base) -> Case:
    """The loop as the layout stands, with its own failed CDUs or facility water."""
    edited = as_edited(layout)
    result, seconds = (edited.result, dict(edited.stranded_s)) if edited else (base, {})
    words = []
    if edited is not None:
        words.append(f"{edited.cdu} failed: " + (first_loss(seconds) if seconds else
                                                  "the group carries its racks"))
    if not layout.liquid.facility_water.running:
        water = loss_seconds(layout, base)
        seconds.update({r: s for r, s in water.items() if r not in seconds})
        words.append("facility water lost: " + first_loss(water))
    ok = result.ok and layout.liquid.facility_water.running
    label = "As the layout stands" + (": " + "; ".join(words) if words else
                                      (": holds" if ok else ": FAILS"))
    return Case("", label, result, seconds, ok)


def failure_cases(layout, base) -> list[Case]:
    """Each running CDU failed in turn (N-1)."""
    out = []
    for f in n1_sweep(layout):
        if f.ok:
            group = [c for c in f.result.cdus.values() if c.running and set(c.racks) & set(
                base.cdus[f.cdu].racks)]
            text = ", ".join(f"{c.id} {c.load_kw:.0f}/{c.capacity_kw:g} kW" for c in group)
            label = f"{f.cdu} fails: holds ({text})" if text else f"{f.cdu} fails: holds"
        elif f.stranded_s:
            label = f"{f.cdu} fails: {first_loss({k: v for k, v in f.stranded_s.items() if v is not None})}"
        else:
            over = [c.id for c in f.result.cdus.values() if c.over_capacity]
            label = f"{f.cdu} fails: " + (f"{', '.join(over)} over capacity" if over else
                                         f"coolant over the limit at {', '.join(f.result.over_limit)}")
        out.append(Case(f.cdu, label, f.result, dict(f.stranded_s), f.ok))
    return out


class LiquidPanel(QWidget):
    """Cases, the loop view, the rack table and the supply comparison of the open layout."""

    sigPicked = Signal(str)          # a CDU or rack clicked in the loop view

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.cases: list[Case] = []
        self.base = None                 # LiquidResult of the layout as it stands
        self.shown: Optional[Case] = None
        self.selected = ""
        self.stale = False
        self.on_screen = True
        self._build()

    def _build(self) -> None:
        self.summary = QLabel("—")
        self.summary.setObjectName("liquidSummary")
        self.summary.setWordWrap(True)
        self.case_list = QListWidget()
        self.case_list.setObjectName("liquidCases")
        self.case_list.setMaximumHeight(130)
        self.case_list.setWordWrap(True)
        self.case_list.currentItemChanged.connect(self._on_case)
        self.view = LiquidLoopView()
        self.view.sigPicked.connect(self.sigPicked)
        self.racks = QTableWidget(0, len(RACK_COLUMNS))
        self.racks.setObjectName("liquidRacks")
        self.racks.setHorizontalHeaderLabels(RACK_COLUMNS)
        self.racks.verticalHeader().setVisible(False)
        self.racks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.compare = SupplyCompare(self.document)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.view, "Loop")
        self.tabs.addTab(self.racks, "Racks")
        self.tabs.addTab(self.compare, "Supply temperatures")
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.case_list)
        box.addWidget(self.tabs, 1)

    # -- inputs ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Solve the loop as the layout stands and its N-1 cases; keep the chosen case."""
        if not self.on_screen and self.base is not None:
            self.stale = True
            return
        self.stale = False
        layout = self.document.layout
        keep = self.shown.key if self.shown is not None else ""
        self.case_list.blockSignals(True)
        self.case_list.clear()
        self.cases, self.base, self.shown = [], None, None
        if getattr(layout, "liquid", None) is None:
            self.case_list.blockSignals(False)
            self.summary.setText("No liquid cooling in this layout (a `liquid` section: docs/liquid.md).")
            self.summary.setStyleSheet("")
            self.view.scene().clear()
            self.racks.setRowCount(0)
            return
        self.base = solve_liquid(layout)
        self.cases = [standing_case(layout, self.base)] + failure_cases(layout, self.base)
        if layout.liquid.facility_water.running:
            self.cases.append(Case(WATER_CASE, "Facility water lost: (select to work out the "
                                   "seconds to the limit)", self.base, {}, False))
        for case in self.cases:
            item = QListWidgetItem(case.label)
            item.setData(Qt.UserRole, case.key)
            item.setForeground(Qt.darkGreen if case.ok else Qt.red)
            self.case_list.addItem(item)
        self.case_list.blockSignals(False)
        self._show_summary(layout)
        index = next((i for i, c in enumerate(self.cases) if c.key == keep), 0)
        self.case_list.setCurrentRow(index)
        self._on_case(self.case_list.item(index))

    def _show_summary(self, layout) -> None:
        r = self.base
        failing = [c.key for c in self.cases[1:] if c.key != WATER_CASE and not c.ok]
        text = (f"Facility water {r.facility_supply_c:g} °C ({r.water_class}); "
                f"{r.liquid_kw:.0f} kW to liquid, {r.air_kw:.0f} kW to air; CDU pumps "
                f"{r.pumps_kw:.1f} kW. N-1: " + ("every CDU failure holds" if not failing else
                                                f"fails for {', '.join(failing)}"))
        self.summary.setText(text)
        self.summary.setStyleSheet(PASS_STYLE if self.cases[0].ok and not failing else FAIL_STYLE)

    def show_case(self, key: str) -> bool:
        """Show a case by key ("" as it stands, a CDU id, WATER_CASE); False when absent."""
        for i, case in enumerate(self.cases):
            if case.key == key:
                self.case_list.setCurrentRow(i)
                return True
        return False

    def _on_case(self, item, _previous=None) -> None:
        if item is None:
            return
        case = self.cases[self.case_list.row(item)]
        if case.key == WATER_CASE and not case.seconds:
            case.seconds = loss_seconds(self.document.layout, self.base)
            case.label = "Facility water lost: " + first_loss(case.seconds)
            item.setText(case.label)
        self.shown = case
        self._draw()

    def select(self, item_id: str) -> None:
        """Outline a CDU or rack chosen elsewhere (floor plan)."""
        self.selected = item_id
        if self.shown is not None and not self.stale:
            self._draw()

    def _draw(self) -> None:
        case = self.shown
        self.view.show_loop(self.document.layout, case.result, case.seconds, self.selected)
        self._fill_racks(case)

    def _fill_racks(self, case: Case) -> None:
        rows = [r for r in case.result.racks.values() if r.liquid_kw > 0 or r.cdus]
        self.racks.setSortingEnabled(False)
        self.racks.setRowCount(len(rows))
        for i, r in enumerate(rows):
            if r.id in case.seconds:
                s = case.seconds[r.id]
                state = f"lost: limit in {format_time(s)}" if s is not None else "lost"
            else:
                state = "over limit" if r.over_limit else "ok"
            cells = (r.id, f"{r.liquid_kw:.1f}", f"{r.flow_lpm:.0f}", ", ".join(r.cdus) or "none",
                     "—" if r.supply_c is None else f"{r.supply_c:.1f}",
                     "—" if r.return_c is None else f"{r.return_c:.1f}", state)
            for j, text in enumerate(cells):
                self.racks.setItem(i, j, QTableWidgetItem(text))
        self.racks.setSortingEnabled(True)

    def set_on_screen(self, on_screen: bool) -> None:
        self.on_screen = on_screen
        if on_screen and self.stale:
            self.refresh()


def attach_liquid(window) -> LiquidPanel:
    """Add the Liquid dock (tabbed with Results), CDUs on the floor plan, the coolant colouring
    and the liquid fields of the Inspector; all follow edits, undo and redo."""
    from twin.gui.liquid_floor import attach_liquid_floor
    panel = LiquidPanel(window.document)
    dock = add_panel_dock(window, panel, "Liquid", "liquidDock")
    window.liquid_dock = dock
    dock.visibilityChanged.connect(panel.set_on_screen)
    document = window.document
    document.sigChanged.connect(lambda _event, _command: panel.refresh())
    document.sigReplaced.connect(panel.refresh)
    panel.refresh()
    attach_liquid_floor(window, panel)
    return panel
