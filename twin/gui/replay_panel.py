"""The Capacity dock's Replay tab: a scheduler's job trace run through the open layout
under the thermal placement and first fit (`dctwin replay`, docs/capacity.md#workload-replay).

Load trace… reads the CSV on a worker thread (a bad row is shown as the file,
line and column, as the command prints it); Replay runs both policies there
too, one after the other, with one progress bar over the trace's hours and
Cancel. The charts overlay the two policies over time; the table is the
command's comparison (twin.capacity.replay_output.summary_rows). A click on a
chart (or a drag of its cursor) shows that instant's rack powers on the plan
for the policy chosen under it. Nothing here edits the layout.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from twin.capacity.replay import POLICIES, at_time, rack_power_at, replay
from twin.capacity.replay_output import summary_rows, verdict
from twin.capacity.trace import read_trace
from twin.gui.replay_charts import RackPowers, ReplayCharts
from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.scenario import ResultCache, Runner
from twin.thermal.metrics import inlet_class

PROBLEM_STYLE = "color: #e0203c;"
TRACE_FILTER = "Job traces (*.csv *.txt);;All files (*)"


@dataclass(frozen=True)
class ReplayOptions:
    """The command's options: --days (None: until the last job ends), --screen, --confirm,
    --power-step-kw."""
    days: Optional[float] = None
    screen: int = 4
    confirm: int = 1
    power_step_kw: float = 1.0


def replay_study(layout, jobs: list, options: ReplayOptions, runner) -> list:
    """Both policies in turn (on the worker thread); the progress spans the two replays."""
    report, cancel = runner.progress, runner.cancel
    runner.progress = None                # the bar follows the trace's hours, not each solve
    runs = []
    for k, policy in enumerate(POLICIES):
        def progress(fraction: float, message: str = "", k=k) -> None:
            report((k + fraction) / len(POLICIES), message)
        runs.append(replay(layout, jobs, policy, runner, options.days, options.screen,
                           options.confirm, options.power_step_kw, progress, cancel))
    return runs


class ReplayPanel(QWidget):
    """Trace in, options, Replay / Cancel with progress, charts, the comparison table."""

    def __init__(self, document, solve_settings, floor, parent=None):
        super().__init__(parent)
        self.document = document
        self.solve_settings = solve_settings      # () -> SolveSettings of the window
        self.floor = floor
        self.cache = ResultCache(64)
        self.watch = StudyWatch(self)
        self.trace_path = ""
        self.jobs: list = []
        self.runs: list = []
        self.replayed = None                  # the layout the runs were replayed on
        self.solves = 0                     # thermal solves of the last replay
        self.overlay: list = []
        self._kind = ""
        self._active: Optional[Runner] = None     # the runner of the replay under way
        self._instant_s: Optional[float] = None   # the instant shown on the plan
        self._build()
        self.run_row.bind(self.watch, self.status, "replaying the trace under each policy…")
        self.watch.sigBusy.connect(lambda _busy: self._update_buttons())
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(lambda _event, _command: self._on_layout_changed())
        document.sigReplaced.connect(self._on_layout_changed)
        self._update_buttons()

    # -- widgets ------------------------------------------------------------------------
    def _build(self) -> None:
        inputs = self._build_inputs()
        self.replay_button = QPushButton("Replay")
        self.replay_button.setObjectName("replayRun")
        self.replay_button.setToolTip("replay the trace under the thermal placement and first fit")
        self.replay_button.clicked.connect(self.run)
        self.run_row = RunRow(self.replay_button)
        self.status = QLabel("Load a job trace, then Replay.")
        self.status.setObjectName("replayStatus")
        self.status.setWordWrap(True)
        self.charts = ReplayCharts()
        self.charts.setVisible(False)
        self.charts.sigTime.connect(self.show_instant)
        self.plan_policy = QComboBox()
        self.plan_policy.addItems(POLICIES)
        self.plan_policy.setToolTip("the policy whose racks a click on a chart shows on the plan")
        self.plan_policy.currentIndexChanged.connect(lambda _i: self._show_instant_again())
        self.instant = QLabel("")
        self.instant.setWordWrap(True)
        plan = QHBoxLayout()
        plan.addWidget(QLabel("On the plan"))
        plan.addWidget(self.plan_policy)
        plan.addWidget(self.instant, 1)
        self.table = QTableWidget(0, 1 + len(POLICIES) + 1)
        self.table.setObjectName("replaySummary")
        self.table.setHorizontalHeaderLabels(["", *POLICIES, "difference"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setMinimumHeight(200)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        for label, lines in ((self.status, 2), (self.instant, 2), (self.verdict, 3)):
            # wrapped text the dock's scroll area would not make room for (it sizes the
            # panel by its minimum, which ignores wrapping) and the charts would shrink
            label.setMinimumHeight(lines * label.fontMetrics().lineSpacing())
        box = QVBoxLayout(self)
        box.addLayout(inputs)
        box.addWidget(self.run_row)
        box.addWidget(self.status)
        box.addWidget(self.charts, 3)
        box.addLayout(plan)
        box.addWidget(self.table, 2)
        box.addWidget(self.verdict)

    def _build_inputs(self) -> QVBoxLayout:
        """Load trace… with what was loaded, and the command's options."""
        self.load_button = QPushButton("Load trace…")
        self.load_button.setToolTip("a scheduler's job accounting as CSV: "
                                    "JobID,Submit,Start,End,AllocGPUs (or NNodes)[,power_pct]")
        self.load_button.clicked.connect(self.choose_trace)
        self.trace_label = QLabel("no trace")
        self.trace_label.setWordWrap(True)
        self.days = QDoubleSpinBox()
        self.days.setRange(0.0, 3660.0)
        self.days.setDecimals(2)
        self.days.setSpecialValueText("until the last job ends")
        self.days.setSuffix(" days")
        self.screen_count = QSpinBox()
        self.screen_count.setRange(1, 20)
        self.screen_count.setValue(4)
        self.screen_count.setToolTip("thermal policy: candidate placements solved per job")
        self.confirm = QSpinBox()
        self.confirm.setRange(0, 5)
        self.confirm.setValue(1)
        self.confirm.setToolTip("hottest power states re-solved with the accurate model")
        self.step = QDoubleSpinBox()
        self.step.setRange(0.1, 100.0)
        self.step.setValue(1.0)
        self.step.setSuffix(" kW")
        self.step.setToolTip("power states whose racks differ by less share a thermal solve")
        trace = QHBoxLayout()
        trace.addWidget(self.load_button)
        trace.addWidget(self.trace_label, 1)
        form = QFormLayout()
        for label, widget in (("Replay", self.days),
                              ("Candidates solved per job", self.screen_count),
                              ("Peaks confirmed accurate", self.confirm),
                              ("Shared solve within", self.step)):
            form.addRow(label, widget)
        box = QVBoxLayout()
        box.addLayout(trace)
        box.addLayout(form)
        return box

    def _update_buttons(self) -> None:
        busy = self.watch.busy
        self.replay_button.setEnabled(bool(self.jobs) and not busy)
        self.load_button.setEnabled(not busy)

    def options(self) -> ReplayOptions:
        days = self.days.value()
        return ReplayOptions(days if days > 0 else None, self.screen_count.value(),
                             self.confirm.value(), self.step.value())

    # -- running ------------------------------------------------------------------------
    def choose_trace(self) -> None:
        start = os.path.dirname(self.trace_path or self.document.path or "")
        path, _ = QFileDialog.getOpenFileName(self, "Load a job trace", start, TRACE_FILTER)
        if path:
            self.load_trace(path)

    def load_trace(self, path: str) -> None:
        """Read the trace in the background; a bad row is reported as `file:line: column: …`."""
        self.jobs, self.trace_path, self._kind = [], str(path), "trace"
        self.trace_label.setText(os.path.basename(self.trace_path))
        self.clear_results()
        path = self.trace_path
        self.watch.start(lambda _runner: read_trace(path), self._runner())
        self.status.setText(f"reading {path}…")

    def run(self) -> bool:
        """Replay the loaded trace under both policies in the background."""
        if not self.jobs or self.watch.busy:
            return False
        self.clear_results()
        layout, jobs, options = copy.deepcopy(self.document.layout), list(self.jobs), self.options()
        self._kind, self.replayed = "replay", layout
        runner = self._runner()
        self._active = runner
        self.watch.start(lambda r: replay_study(layout, jobs, options, r), runner)
        return True

    def cancel(self) -> None:
        self.watch.cancel()

    def _runner(self) -> Runner:
        return Runner(self.solve_settings().accurate_cell_m, "preview", cache=self.cache)

    def _on_finished(self, outcome: str, value) -> None:
        if outcome != "done":
            self.status.setStyleSheet(PROBLEM_STYLE if outcome == "failed" else "")
            what = "cannot read the trace" if self._kind == "trace" else "cannot replay"
            self.status.setText("cancelled" if outcome == "cancelled" else f"{what}: {value}")
            if self._kind == "trace":
                self.trace_label.setText(f"{os.path.basename(self.trace_path)}: not loaded")
            self._update_buttons()
            return
        self.status.setStyleSheet("")
        if self._kind == "trace":
            self.show_trace(value)
        else:
            self.solves = self._active.solves
            self.show_runs(value)

    # -- results ------------------------------------------------------------------------
    def show_trace(self, jobs: list) -> None:
        self.jobs = list(jobs)
        hours = (max(j.submit_s + j.run_s for j in jobs) - min(j.submit_s for j in jobs)) / 3600.0
        self.trace_label.setText(f"{os.path.basename(self.trace_path)}: {len(jobs)} jobs over "
                                 f"{hours:.1f} h of submits and runs")
        self.status.setText("Trace loaded; press Replay.")
        self._update_buttons()

    def show_runs(self, runs: list) -> None:
        self.runs = list(runs)
        self.charts.setVisible(True)
        self.charts.show_runs(self.runs, inlet_class(self.replayed.ashrae_class or "A1"))
        self.charts.show_cursor(True)
        rows = summary_rows(self.runs)
        self.table.setRowCount(len(rows))
        for r, (name, cells, difference) in enumerate(rows):
            for c, text in enumerate([name.strip(), *cells, difference]):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.verdict.setText(verdict(*self.runs) if len(self.runs) == 2 else "")
        self.status.setText(f"{len(self.runs[0].jobs)} jobs from {os.path.basename(self.trace_path)}, "
                            f"{self.runs[0].hours:.1f} h, {self.solves} thermal solves, "
                            f"{self.watch.elapsed_s:.1f} s; click a chart to see that time on the plan.")

    def summary(self) -> list[list[str]]:
        """The table's cells, row by row (what the user reads)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def show_instant(self, t_s: float) -> None:
        """The chosen policy's rack powers at `t_s` on the plan, and both policies' figures."""
        if not self.runs:
            return
        self._instant_s = t_s
        run = self.runs[self.plan_policy.currentIndex()]
        interval = at_time(run, t_s)
        if interval is None:
            self.instant.setText("before the first submit")
            self._set_overlay([])
            return
        powers = rack_power_at(self.replayed, run, t_s)
        self._set_overlay([RackPowers(self.replayed, powers, interval.state.intake_c,
                                      run.recommended_max_c)])
        parts = []
        for other in self.runs:
            state = at_time(other, t_s).state
            parts.append(f"{other.policy} {state.hottest_intake_c:.1f} °C ({state.hottest_rack}), "
                         f"{state.facility_kw:,.0f} kW")
        hour = (t_s - self.charts.t0_s) / 3600.0
        self.instant.setText(f"hour {hour:.1f} ({run.policy}'s rack kW on the plan): "
                             + "; ".join(parts))

    def _show_instant_again(self) -> None:
        if self.runs and self._instant_s is not None:
            self.show_instant(self._instant_s)

    def _set_overlay(self, items: list) -> None:
        self.floor.set_overlay(items)
        self.overlay = items

    def clear_results(self) -> None:
        self.runs, self._instant_s = [], None
        self.table.setRowCount(0)
        self.verdict.setText("")
        self.instant.setText("")
        self.charts.clear()
        self.charts.setVisible(False)
        if self.overlay and any(item in self.floor.overlay for item in self.overlay):
            self._set_overlay([])
        self.overlay = []

    def _on_layout_changed(self) -> None:
        """The replay was of the layout as it was: drop it (and a replay under way)."""
        busy = self.watch.busy and self._kind == "replay"
        if busy:
            self.watch.cancel()
        had = bool(self.runs) or busy
        self.clear_results()
        if had:
            self.status.setText("The layout changed: press Replay again.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Close:
            self.watch.cancel()
        return False
