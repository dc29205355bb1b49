"""The Capacity dock: where can N racks (or servers) of a catalog model go, what binds
each place, the headroom of every row per resource, and month-by-month growth.

The planning is `twin.capacity` (plan_capacity, stranded_table, grow) on a worker
thread; this panel collects the inputs, draws the rows' resource bars and the
growth chart, lists the candidates with their binding resource, outlines them on
the plan and applies the chosen one as one undoable edit (its racks with their
cords, leaf and CDU: twin.capacity.edits.ApplySite). The dock's Replay tab is
twin.gui.replay_panel (a job trace under each placement policy).
"""
from __future__ import annotations

import copy
import math
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QSpinBox,
                               QTabWidget, QVBoxLayout, QWidget)

from twin.capacity.edits import ApplySite
from twin.capacity.plan import Request
from twin.gui import theme
from twin.gui.candidate_items import CandidateOutline
from twin.gui.capacity_charts import GrowthChart, RowBars
from twin.gui.docks import add_panel_dock
from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.model.catalog import equipment_types
from twin.scenario import ResultCache, Runner

PROBLEM_STYLE = "color: #e0203c;"


def plan_study(layout, request: Request, runner, confirm: int) -> tuple:
    """(Plan, rows): the ranked places and every row's headroom (on the worker thread)."""
    from twin.capacity import plan_capacity, stranded_table
    plan = plan_capacity(layout, request, runner, top=5, screen=6, confirm=confirm)
    kind = equipment_types(layout)[request.model]
    return plan, stranded_table(layout, runner, kind)


def growth_study(layout, request: Request, months: int, runner):
    from twin.capacity import grow
    return grow(layout, request, months, runner, screen=4)


def site_title(rank: int, site) -> str:
    where = (f"into {site.into_rack}" if site.into_rack else
             f"{len(site.positions_m)} x facing {site.facing} at "
             f"({site.positions_m[0][0]:g}, {site.positions_m[0][1]:g})")
    tight = site.binding
    verdict = "fits" if not site.exceeded else f"exceeds {', '.join(site.exceeded)}"
    return (f"{rank}. {where}: {verdict}; binding {tight.resource if tight else '-'}"
            + (f" ({tight.margin:.1f} {tight.unit})" if tight and math.isfinite(tight.margin) else ""))


class CapacityPanel(QWidget):
    """Model and count, Find places / Grow with progress and Cancel, bars, chart, list, Apply."""

    def __init__(self, document, solve_settings, floor, parent=None):
        super().__init__(parent)
        self.document = document
        self.solve_settings = solve_settings       # () -> SolveSettings of the window
        self.floor = floor
        self.cache = ResultCache(32)
        self.watch = StudyWatch(self)
        self.plan = None
        self.rows: list = []
        self.growth = None
        self.outlines: list[CandidateOutline] = []
        self._build()
        self.refresh_models()
        self.run_row.bind(self.watch, self.status, "checking floor, power, air, liquid and fabric…")
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(lambda _event, _command: self._on_layout_changed())
        document.sigReplaced.connect(self._on_replaced)

    # -- widgets --------------------------------------------------------------------
    def _build(self) -> None:
        self.model = QComboBox()
        self.model.setObjectName("capacityModel")
        self.count = QSpinBox()
        self.count.setRange(1, 500)
        self.into_racks = QCheckBox("into free units of existing racks")
        self.confirm = QSpinBox()
        self.confirm.setRange(0, 5)
        self.confirm.setToolTip("re-solve the leading candidates with the accurate model")
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setValue(12)
        form = QFormLayout()
        for label, widget in (("Model", self.model), ("Racks (or servers)", self.count),
                              ("", self.into_racks), ("Confirm with accurate model", self.confirm),
                              ("Growth: months", self.months)):
            form.addRow(label, widget)
        self.find_button = QPushButton("Find places")
        self.find_button.clicked.connect(self.run)
        self.grow_button = QPushButton("Grow")
        self.grow_button.setToolTip("add N racks a month at the best place; chart the margins")
        self.grow_button.clicked.connect(self.run_growth)
        self.run_row = RunRow(self.find_button, self.grow_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.status = QLabel("Choose a model and a count, then Find places or Grow.")
        self.status.setWordWrap(True)
        self.bars = RowBars()
        self.chart = GrowthChart()
        self.chart.setVisible(False)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._on_candidate_chosen)
        self.list.itemDoubleClicked.connect(lambda _item: self.apply())
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.RichText)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setEnabled(False)
        self.apply_button.setToolTip("Add the chosen candidate with its cords, leaf and CDU "
                                     "(one undo step)")
        self.apply_button.clicked.connect(self.apply)
        self.job_button = QPushButton("Place a job…")
        self.job_button.setToolTip("choose servers with free GPUs for a job and show them")
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.run_row)
        box.addWidget(self.status)
        box.addWidget(QLabel("<b>Headroom per row</b> (kW of the model)"))
        box.addWidget(self.bars)
        box.addWidget(self.chart)
        box.addWidget(self.list, 1)
        box.addWidget(self.details)
        box.addWidget(self.apply_button)
        box.addWidget(self.job_button)

    def refresh_models(self) -> None:
        """Catalog and layout models, those with accelerators first."""
        current = self.model.currentText()
        types = equipment_types(self.document.layout)
        names = sorted(types, key=lambda m: (not types[m].accelerator_count, m))
        self.model.blockSignals(True)
        self.model.clear()
        self.model.addItems(names)
        if current in names:
            self.model.setCurrentText(current)
        self.model.blockSignals(False)

    def request(self) -> Request:
        return Request(self.model.currentText(), self.count.value(),
                       into_racks=self.into_racks.isChecked())

    # -- running --------------------------------------------------------------------
    def _runner(self) -> Runner:
        return Runner(self.solve_settings().accurate_cell_m, "preview", cache=self.cache)

    def run(self) -> bool:
        """Rank places and the rows' headroom in the background."""
        if not self.model.currentText():
            return False
        self.clear_results()
        layout, request, confirm = copy.deepcopy(self.document.layout), self.request(), self.confirm.value()
        self._kind = "plan"
        self.watch.start(lambda r: plan_study(layout, request, r, confirm), self._runner())
        return True

    def run_growth(self) -> bool:
        """Grow the room month by month in the background and chart the margins."""
        if not self.model.currentText():
            return False
        layout, months = copy.deepcopy(self.document.layout), self.months.value()
        request = Request(self.model.currentText(), self.count.value())
        self._kind = "growth"
        self.watch.start(lambda r: growth_study(layout, request, months, r), self._runner())
        return True

    def cancel(self) -> None:
        self.watch.cancel()

    def _on_finished(self, outcome: str, value) -> None:
        if outcome != "done":
            self.status.setStyleSheet(PROBLEM_STYLE if outcome == "failed" else "")
            self.status.setText("cancelled" if outcome == "cancelled"
                                else f"cannot plan capacity: {value}")
            return
        self.status.setStyleSheet("")
        if self._kind == "growth":
            self.show_growth(value)
        else:
            self.show_plan(*value)

    # -- results --------------------------------------------------------------------
    def show_plan(self, plan, rows) -> None:
        self.plan, self.rows = plan, list(rows)
        self.bars.set_rows(self.rows)
        self.list.blockSignals(True)
        self.list.clear()
        for rank, site in enumerate(plan.sites, 1):
            self.list.addItem(QListWidgetItem(site_title(rank, site)))
        self.list.blockSignals(False)
        self.outlines = [CandidateOutline(rank, site.positions_m, _footprint(site), site.facing,
                                          self.choose) for rank, site in enumerate(plan.sites, 1)]
        self.floor.set_overlay(self.outlines)
        fits = sum(1 for s in plan.sites if not s.exceeded)
        self.status.setText(f"{len(plan.sites)} candidates, {fits} fit ({plan.screened} screened "
                            f"with the preview model, {plan.confirmed} confirmed accurate, "
                            f"{self.watch.elapsed_s:.1f} s); numbered on the plan."
                            if plan.sites else "no place: the floor (or rack space) is full")
        if plan.sites:
            self.choose(1)

    def show_growth(self, run) -> None:
        self.growth = run
        self.chart.setVisible(True)
        self.chart.show_growth(run)
        outs = ", ".join(f"{r} month {m}" for r, m in sorted(run.runs_out.items(), key=lambda x: x[1]))
        self.status.setText(f"{run.request.count} x {run.request.model} a month: "
                            + (f"runs out: {outs}" if outs else "nothing runs out")
                            + (f"; {run.stopped}" if run.stopped else ""))

    def choose(self, rank: int) -> None:
        if 1 <= rank <= self.list.count() and self.list.currentRow() != rank - 1:
            self.list.setCurrentRow(rank - 1)

    def chosen(self):
        row = self.list.currentRow()
        return self.plan.sites[row] if self.plan and 0 <= row < len(self.plan.sites) else None

    def _on_candidate_chosen(self, row: int) -> None:
        for outline in self.outlines:
            outline.set_chosen(outline.rank == row + 1)
        site = self.chosen()
        self.apply_button.setEnabled(site is not None)
        if site is None:
            self.details.setText("")
            return
        lines = "".join(f"<li>{'<b>!</b> ' if c.status == 'exceeded' else ''}{c.resource}: "
                        f"{c.detail}</li>" for c in site.checks.values())
        self.details.setText(f"<b>Candidate {row + 1}</b><ul style='margin-left:-20px'>{lines}</ul>")

    def apply(self) -> bool:
        """The chosen candidate into the layout (one undo step)."""
        site = self.chosen()
        if site is None:
            return False
        command = ApplySite(site)
        if not self.document.execute(command):
            return False
        self.status.setText(f"{command.label}; Edit › Undo removes it")
        return True

    def clear_results(self) -> None:
        self.plan, self.rows = None, []
        self.list.clear()
        self.details.setText("")
        self.apply_button.setEnabled(False)
        self.bars.set_rows([])
        self.outlines = []
        self.floor.set_overlay([])

    def _on_layout_changed(self) -> None:
        """The results were for the layout as it was: drop them (and a search under way)."""
        if self.watch.busy:
            self.watch.cancel()
        had = self.plan is not None
        self.clear_results()
        self.refresh_models()
        if had and not self.status.text().endswith("removes it"):
            self.status.setText("The layout changed: press Find places again.")

    def _on_replaced(self) -> None:
        self._on_layout_changed()
        self.chart.setVisible(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Close:
            self.watch.cancel()
        return False


def _footprint(site) -> tuple:
    """The plan footprint (x, y) of the candidate's racks (the rack itself, servers into it)."""
    rack = site.placed.layout.rack(site.placed.rack_ids[0])
    return rack.size_m[0], rack.size_m[1]


def attach_capacity(window) -> Optional[CapacityPanel]:
    """Add the panel and the workload replay (window.replay) as the Plan and Replay tabs of
    a dock tabbed with Results (Panels menu), and Solve › Place a Job…."""
    from twin.gui.job_dialog import add_job_action
    from twin.gui.replay_panel import ReplayPanel
    def settings():
        return window.solver.settings
    panel = CapacityPanel(window.document, settings, window.floor)
    window.replay = ReplayPanel(window.document, settings, window.floor)
    window.capacity_tabs = QTabWidget()
    window.capacity_tabs.addTab(panel, "Plan")
    window.capacity_tabs.addTab(window.replay, "Replay")
    window.capacity_dock = add_panel_dock(window, window.capacity_tabs, "Capacity", "capacityDock")
    window.installEventFilter(panel)
    window.installEventFilter(window.replay)
    add_job_action(window, panel.job_button)

    def follow_theme(name: str) -> None:
        background, foreground = theme.plot_colors(theme.resolve(name))
        panel.chart.set_colors(background, foreground)
        window.replay.charts.set_colors(background, foreground)
        panel.bars.text_color = QColor(*foreground) if isinstance(foreground, tuple) else QColor(foreground)
        panel.bars.update()
    for name, action in window.acts.theme.items():
        action.triggered.connect(lambda _checked=False, n=name: follow_theme(n))
    follow_theme(str(window.settings.value("view/theme", "system")))
    return panel
