"""The Ride-through dock: fail cooling units, watch the intakes climb, see when each rack
crosses the ASHRAE allowable maximum.

The study (`twin.gui.whatif.ride_through_study`: the baseline, the failed
room's steady state and `twin.scenario.ridethrough`) runs on a worker thread;
this panel only collects the inputs and shows the chart and the table.
"""
from __future__ import annotations

import copy
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHeaderView,
                               QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from twin.gui import theme
from twin.gui.ridethrough_chart import RideChart
from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.gui.whatif import (RideRequest, liquid_running, parse_number, ride_problem,
                             ride_through_study)
from twin.model.scenarios import FACILITY_WATER
from twin.gui.docks import add_panel_dock
from twin.scenario import ResultCache, Runner
from twin.scenario.ridethrough import format_time

COLUMNS = ("Rack", "Crosses allowable", "Intake now (°C)", "After", "Coolant limit")
LIQUID_ROLE = Qt.UserRole + 1            # marks a CDU or the facility water in the list
MODELS = (("preview", "Preview (fast)"), ("accurate", "Accurate"))
INVALID_STYLE = "QLineEdit { border: 2px solid #e0203c; }"
PROBLEM_STYLE = "color: #e0203c;"


def coolant_text(study, rack_id: str) -> str:
    """The coolant column: when the rack's coolant passes its limit, or "—"."""
    if rack_id not in study.coolant_s:
        return "—"
    seconds = study.coolant_s[rack_id]
    return "loses cooling" if seconds is None else format_time(seconds)


def coolant_summary(study) -> str:
    """How many racks lose liquid cooling and the first to pass the coolant limit."""
    times = {r: s for r, s in study.coolant_s.items() if s is not None}
    if not study.coolant_s:
        return "no rack loses liquid cooling"
    text = f"{len(study.coolant_s)} racks lose liquid cooling"
    if times:
        first = min(times, key=times.get)
        text += (f", the first ({first}) past the {study.coolant_limit_c:g} °C coolant limit "
                 f"after {format_time(times[first])}")
    return text


def crossing_text(seconds: Optional[float], horizon_s: float) -> str:
    """The table's crossing column: the engine's time, or why there is none."""
    if seconds is None:
        return "does not cross"
    text = format_time(seconds)
    return text if seconds <= horizon_s else f"{text} (after the horizon)"


class HoverTable(QTableWidget):
    """A table that says when the mouse leaves it (to end a hover highlight)."""

    sigLeft = Signal()

    def leaveEvent(self, event) -> None:
        self.sigLeft.emit()
        super().leaveEvent(event)


class RideThroughPanel(QWidget):
    """Inputs, Run/Cancel with progress, the chart and the crossing table."""

    sigSelectRack = Signal(str)          # a rack chosen in the table, to select on the floor

    def __init__(self, document, solve_settings, parent=None):
        super().__init__(parent)
        self.document = document
        self.solve_settings = solve_settings      # () -> SolveSettings of the window
        self.cache = ResultCache(16)
        self.watch = StudyWatch(self)
        self.study = None                # the RideStudy shown
        self.request: Optional[RideRequest] = None
        self.generation = 0              # counts layout changes
        self._started_generation = 0
        self._build()
        self.run_row.bind(self.watch, self.status, "solving the baseline and the failed room…")
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(lambda _event, _command: self._on_layout_changed())
        document.sigReplaced.connect(self._on_replaced)
        self.refresh_units()

    # -- widgets ------------------------------------------------------------------------
    def _build(self) -> None:
        self.all_units = QCheckBox("All cooling units fail")
        self.all_units.setObjectName("rideAllUnits")
        self.all_units.toggled.connect(self._check_all)
        self.units = QListWidget()
        self.units.setObjectName("rideUnits")
        self.units.setFlow(QListView.LeftToRight)        # the units side by side, wrapped
        self.units.setWrapping(True)
        self.units.setResizeMode(QListView.Adjust)
        self.units.setSpacing(2)
        self.units.setMaximumHeight(64)
        self.units.itemChanged.connect(self._on_unit_checked)
        self.mass = QLineEdit("0")
        self.mass.setObjectName("rideEquipmentMass")
        self.mass.setToolTip("Equipment thermal mass per kW of rack power that exchanges heat "
                             "with the air within minutes (0: air only, the pessimistic bound)")
        self.minutes = QLineEdit("10")
        self.minutes.setObjectName("rideMinutes")
        for field in (self.mass, self.minutes):
            field.setMaximumWidth(70)
            field.textEdited.connect(lambda _text: self.check_inputs())
        self.model = QComboBox()
        for key, text in MODELS:
            self.model.addItem(text, key)
        self.model.setToolTip("Model of the steady solves (baseline and failed room)")
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("rideRun")
        self.run_button.clicked.connect(self.run)
        self.run_row = RunRow(self.run_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        grid = QGridLayout()
        grid.addWidget(QLabel("Equipment mass (kJ/K per kW)"), 0, 0)
        grid.addWidget(self.mass, 0, 1)
        grid.addWidget(QLabel("Horizon (min)"), 0, 2)
        grid.addWidget(self.minutes, 0, 3)
        grid.addWidget(QLabel("Steady solves"), 1, 0)
        grid.addWidget(self.model, 1, 1, 1, 1)
        grid.addWidget(self.run_row, 1, 2, 1, 3)
        grid.setColumnStretch(4, 1)
        self.status = QLabel("Choose the cooling units that fail and press Run.")
        self.status.setObjectName("rideStatus")
        self.status.setWordWrap(True)
        self.chart = RideChart()
        self.chart.setMinimumHeight(160)
        self.table = HoverTable(0, len(COLUMNS))
        self.table.setMinimumHeight(110)
        self.table.setObjectName("rideTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setMouseTracking(True)
        self.table.cellEntered.connect(lambda row, _col: self.chart.highlight(self.row_rack(row)))
        self.table.sigLeft.connect(lambda: self.chart.highlight(self.row_rack(self.table.currentRow())))
        self.table.currentCellChanged.connect(self._on_row_chosen)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setSizes([300, 220])
        split.setChildrenCollapsible(False)
        box = QVBoxLayout(self)
        box.addWidget(self.all_units)
        box.addWidget(self.units)
        box.addLayout(grid)
        box.addWidget(self.status)
        box.addWidget(split, 1)

    # -- the cooling units to fail ---------------------------------------------------------
    def refresh_units(self) -> None:
        """List the layout's cooling units; keep the checks of those still there."""
        checked = set(self.chosen_units()) | set(self.chosen_units(liquid=True))
        first = self.units.count() == 0
        self.units.blockSignals(True)
        self.units.clear()
        for unit in self.document.layout.cooling_units:
            item = QListWidgetItem(unit.id if unit.running else f"{unit.id} (failed already)")
            item.setData(Qt.UserRole, unit.id)
            if unit.running:
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked if unit.id in checked else Qt.Unchecked)
            else:
                item.setFlags(Qt.NoItemFlags)
            self.units.addItem(item)
        for liquid_id in liquid_running(self.document.layout):
            item = QListWidgetItem("facility water" if liquid_id == FACILITY_WATER else liquid_id)
            item.setData(Qt.UserRole, liquid_id)
            item.setData(LIQUID_ROLE, True)
            item.setToolTip("liquid cooling: the racks it feeds lose cooling; the table gives "
                            "the seconds until their coolant passes its limit")
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if liquid_id in checked else Qt.Unchecked)
            self.units.addItem(item)
        self.units.blockSignals(False)
        if first and self.units.count():
            running = [i for i in range(self.units.count()) if self.units.item(i).flags()]
            if running:
                self.units.item(running[0]).setCheckState(Qt.Checked)
        self._sync_all_box()

    def chosen_units(self, liquid: bool = False) -> list[str]:
        """The checked cooling units (or, with `liquid`, the checked CDUs and facility water)."""
        return [self.units.item(i).data(Qt.UserRole) for i in range(self.units.count())
                if self.units.item(i).checkState() == Qt.Checked
                and bool(self.units.item(i).data(LIQUID_ROLE)) == liquid]

    def set_failed(self, unit_ids) -> None:
        """Check exactly these units (for scripts and tests)."""
        wanted = set(unit_ids)
        for i in range(self.units.count()):
            item = self.units.item(i)
            if item.flags() & Qt.ItemIsUserCheckable:
                item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in wanted else Qt.Unchecked)

    def _check_all(self, on: bool) -> None:
        if on:
            self.set_failed(u.id for u in self.document.layout.cooling_units if u.running)
        elif len(self.chosen_units()) == self._running_count():
            self.set_failed([])

    def _running_count(self) -> int:
        return sum(1 for u in self.document.layout.cooling_units if u.running)

    def _on_unit_checked(self, _item) -> None:
        self._sync_all_box()

    def _sync_all_box(self) -> None:
        self.all_units.blockSignals(True)
        running = self._running_count()
        self.all_units.setChecked(running > 0 and len(self.chosen_units()) == running)
        self.all_units.blockSignals(False)

    # -- running ----------------------------------------------------------------------
    def check_inputs(self) -> tuple[Optional[RideRequest], Optional[str]]:
        """The request from the fields, or the reason it cannot run (fields marked red)."""
        values, problem = {}, None
        for field, key, name in ((self.mass, "equipment_kj_per_k_kw", "equipment mass"),
                                 (self.minutes, "minutes", "horizon")):
            try:
                values[key] = parse_number(field.text(), name)
                field.setStyleSheet("")
            except ValueError as exc:
                problem = problem or str(exc)
                field.setStyleSheet(INVALID_STYLE)
        if problem is not None:
            return None, problem
        request = RideRequest(tuple(self.chosen_units()), **values,
                              liquid_ids=tuple(self.chosen_units(liquid=True)))
        problem = ride_problem(self.document.layout, request)
        for field, start in ((self.mass, "equipment"), (self.minutes, "the horizon")):
            field.setStyleSheet(INVALID_STYLE if problem and problem.startswith(start) else "")
        return (None, problem) if problem else (request, None)

    def run(self) -> bool:
        """Start the study in the background; False (and the reason shown) on bad input."""
        request, problem = self.check_inputs()
        if problem is not None:
            self.status.setText(problem)
            self.status.setStyleSheet(PROBLEM_STYLE)
            return False
        settings = self.solve_settings()
        runner = Runner(settings.accurate_cell_m, self.model.currentData(), cache=self.cache)
        layout = copy.deepcopy(self.document.layout)
        self.request = request
        self._started_generation = self.generation
        self.watch.start(lambda r: ride_through_study(layout, request, r), runner)
        return True

    def cancel(self) -> None:
        self.watch.cancel()

    def _on_finished(self, outcome: str, value) -> None:
        if outcome != "done":
            self.status.setStyleSheet(PROBLEM_STYLE if outcome == "failed" else "")
            self.status.setText("ride-through cancelled" if outcome == "cancelled"
                                else f"cannot run the ride-through: {value}")
            return
        self.show_study(value)
        if self.generation != self._started_generation:
            self._mark_stale()

    # -- showing ----------------------------------------------------------------------
    def show_study(self, study) -> None:
        self.study = study
        self.chart.show_study(study)
        self._fill_table(study)
        self.status.setStyleSheet("")
        self.status.setText(self.summary(study))

    def summary(self, study) -> str:
        ride, request = study.ride, self.request
        horizon_s = float(ride.times_s[-1])
        times = ride.time_to_allowable_s
        above = [r for r in study.order if times.get(r) is not None and times[r] <= 0]
        crossing = [r for r in study.order if times.get(r) is not None and 0 < times[r] <= horizon_s]
        running = [u.id for u in self.document.layout.cooling_units if u.running]
        fails = ("All cooling units" if request and set(request.failed_ids) == set(running)
                 else ", ".join(request.failed_ids) if request and request.failed_ids else "")
        liquid = ", ".join(request.liquid_ids).replace(FACILITY_WATER, "facility water") if request else ""
        fails = " and ".join(p for p in (fails, liquid) if p) or "units"
        parts = [f"{len(above)} of {len(study.order)} racks are above the allowable "
                 f"{study.allowable_c:g} °C already"] if above else []
        cross = (f"{len(crossing)} {'more ' if above else ''}cross"
                 + ("" if above else f" the allowable {study.allowable_c:g} °C")
                 + f" within {horizon_s / 60:g} min")
        if crossing:
            cross += f", the first ({crossing[0]}) after {format_time(times[crossing[0]])}"
        parts.append(cross)
        how = (f"time constant {ride.tau_s:.0f} s" if ride.tau_s is not None else
               f"no cooling left: the room warms {ride.rise_k_per_min:.1f} K per minute")
        if study.coolant_limit_c is not None:
            parts.append(coolant_summary(study))
        return (f"{fails} fail: {'; '.join(parts)}. Well-mixed room, heat capacity "
                f"{ride.heat_capacity_kj_k:.0f} kJ/K, {how} ({study.model} model, "
                f"{study.cell_m:g} m cells, {self.watch.elapsed_s:.1f} s).")

    def _fill_table(self, study) -> None:
        ride = study.ride
        horizon_s = float(ride.times_s[-1])
        self.table.blockSignals(True)
        self.table.setRowCount(len(study.order))
        for row, rid in enumerate(study.order):
            t = ride.time_to_allowable_s.get(rid)
            after = (study.steady_inlet_c or {}).get(rid)
            texts = (rid, crossing_text(t, horizon_s), f"{study.baseline_inlet_c[rid]:.1f}",
                     f"{after:.1f} steady" if after is not None else
                     f"rises {ride.rise_k_per_min:.1f} K/min", coolant_text(study, rid))
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, rid)
                if t is not None and t <= horizon_s:
                    item.setForeground(Qt.red if t > 0 else Qt.darkRed)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)

    def row_rack(self, row: int) -> str:
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.UserRole) if item is not None else ""

    def rows(self) -> list[tuple[str, str]]:
        """(rack, crossing text) of every row, top to bottom."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text())
                for r in range(self.table.rowCount())]

    def _on_row_chosen(self, row: int, *_args) -> None:
        rack_id = self.row_rack(row)
        self.chart.highlight(rack_id)
        if rack_id:
            self.sigSelectRack.emit(rack_id)

    def show_rack(self, item_id: str) -> None:
        """The floor's selection changed: highlight that rack's curve and row."""
        rows = [r for r in range(self.table.rowCount()) if self.row_rack(r) == item_id]
        self.table.blockSignals(True)
        if rows:
            self.table.selectRow(rows[0])
        else:
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)
        self.table.blockSignals(False)
        self.chart.highlight(item_id if rows else "")

    # -- layout changes ----------------------------------------------------------------
    def _on_layout_changed(self) -> None:
        self.generation += 1
        self.refresh_units()
        if self.study is not None:
            self._mark_stale()

    def _mark_stale(self) -> None:
        self.status.setStyleSheet("color: #e08a00;")
        self.status.setText("The layout has changed since this run; press Run to update. "
                            + (self.summary(self.study) if self.study is not None else ""))

    def _on_replaced(self) -> None:
        self.watch.cancel()
        self.generation += 1
        self.units.clear()
        self.refresh_units()
        self.study = None
        self.chart.clear_study()
        self.table.setRowCount(0)
        self.status.setStyleSheet("")
        self.status.setText("Choose the cooling units that fail and press Run.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Close:
            self.watch.cancel()
        return False


def attach_ridethrough(window) -> RideThroughPanel:
    """Add the panel to a main window as a dock tabbed with Results (Panels menu)."""
    panel = RideThroughPanel(window.document, lambda: window.solver.settings)
    dock = add_panel_dock(window, panel, "Ride-through", "rideThroughDock")
    window.ride_dock = dock
    panel.sigSelectRack.connect(window.floor.select)
    window.floor.sigSelected.connect(panel.show_rack)

    def follow_theme(name: str) -> None:
        panel.chart.set_colors(*theme.plot_colors(theme.resolve(name)))
    for name, action in window.acts.theme.items():
        action.triggered.connect(lambda _checked=False, n=name: follow_theme(n))
    follow_theme(str(window.settings.value("view/theme", "system")))
    window.installEventFilter(panel)
    return panel
