"""Compare facility-water supply temperatures: free-cooling hours, chiller energy and PUE
over a year of site climate, one row per temperature (`twin.liquid.annual_energy`,
the figures of `dctwin liquid --supply`).

The year runs on a worker thread (`StudyWatch`); each temperature is one step of
the progress bar and Cancel stops before the next one.
"""
from __future__ import annotations

import copy

from PySide6.QtWidgets import (QComboBox, QGridLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.liquid import BUNDLED, DEFAULT_CLIMATE, annual_energy, load_climate
from twin.liquid.energy import parse_supplies
from twin.thermal import SolveCancelled

COLUMNS = ("Supply °C", "Class", "Free-cooling h", "Chiller MWh", "Pumps MWh", "Fans MWh", "PUE")
DEFAULT_SUPPLIES = "17, 32, 40"
INVALID_STYLE = "QLineEdit { border: 2px solid #e0203c; }"


class StepRunner:
    """What StudyJob wires its progress and cancel into (the year needs no thermal solver)."""

    def __init__(self):
        self.progress = lambda fraction, message="": None
        self.cancel = lambda: False


def energy_work(layout, climate_name: str, supplies_c: list[float]):
    """work(runner) -> (climate name, [LiquidEnergy]) for each supply, on a copy of the layout."""
    layout = copy.deepcopy(layout)

    def work(runner):
        from twin.power import analyze
        climate = load_climate(climate_name)
        power = analyze(layout)
        out = []
        for i, supply_c in enumerate(supplies_c):
            if runner.cancel():
                raise SolveCancelled("cancelled")
            runner.progress(i / len(supplies_c), f"{supply_c:g} °C: a year of {climate.name}")
            out.append(annual_energy(layout, climate, supply_c, power))
        runner.progress(1.0, "done")
        return climate.name, out
    return work


class SupplyCompare(QWidget):
    """Temperatures and climate in, Run / Cancel with progress, a table of the years out."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.results: list = []
        self.watch = StudyWatch(self)
        self.supplies = QLineEdit(DEFAULT_SUPPLIES)
        self.supplies.setObjectName("liquidSupplies")
        self.supplies.setToolTip("Facility-water supply temperatures to compare (°C, comma separated)")
        self.supplies.textEdited.connect(lambda _t: self.check())
        self.climate = QComboBox()
        self.climate.addItems(sorted(BUNDLED))
        self.climate.setCurrentText(DEFAULT_CLIMATE)
        self.climate.setToolTip("Site climate (a synthetic example; `dctwin liquid --climate FILE` "
                                "takes a measured table)")
        self.run_button = QPushButton("Compare")
        self.run_button.setObjectName("liquidCompare")
        self.run_button.clicked.connect(self.run)
        self.run_row = RunRow(self.run_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.status = QLabel("Compare the hall's year at several facility-water temperatures.")
        self.status.setObjectName("liquidCompareStatus")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("liquidEnergy")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        grid = QGridLayout()
        grid.addWidget(QLabel("Supply (°C)"), 0, 0)
        grid.addWidget(self.supplies, 0, 1)
        grid.addWidget(QLabel("Climate"), 0, 2)
        grid.addWidget(self.climate, 0, 3)
        grid.addWidget(self.run_row, 1, 0, 1, 4)
        box = QVBoxLayout(self)
        box.addLayout(grid)
        box.addWidget(self.status)
        box.addWidget(self.table, 1)
        self.run_row.bind(self.watch, self.status, "running the year at each temperature…")
        self.watch.sigFinished.connect(self._on_finished)

    def check(self):
        """The temperatures typed, or None with the field marked and the reason shown."""
        try:
            values = parse_supplies(self.supplies.text())
        except ValueError as exc:
            self.supplies.setStyleSheet(INVALID_STYLE)
            self.status.setText(f"supply temperatures: {exc}")
            return None
        self.supplies.setStyleSheet("")
        return values

    def run(self) -> bool:
        """Start the comparison; False (with the reason shown) when it cannot."""
        layout = self.document.layout
        if getattr(layout, "liquid", None) is None:
            self.status.setText("the layout has no liquid section")
            return False
        supplies = self.check()
        if supplies is None:
            return False
        self.watch.start(energy_work(layout, self.climate.currentText(), supplies), StepRunner())
        return True

    def _on_finished(self, outcome: str, value) -> None:
        if outcome != "done":
            self.status.setText("comparison cancelled" if outcome == "cancelled" else str(value))
            return
        climate, self.results = value
        self.status.setText(f"{len(self.results)} temperatures, climate {climate} "
                            f"({self.watch.elapsed_s:.1f} s)")
        self.table.setRowCount(len(self.results))
        for row, e in enumerate(self.results):
            cells = (f"{e.facility_supply_c:g}", e.water_class, f"{e.free_cooling_hours:,.0f}",
                     f"{e.chiller_mwh:,.1f}", f"{e.pump_mwh:,.1f}", f"{e.fan_mwh:,.1f}",
                     "—" if e.pue is None else f"{e.pue:.3f}")
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def shutdown(self) -> None:
        self.watch.shutdown()
