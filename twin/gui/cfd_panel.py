"""The "CFD verification" dock: run the layout through OpenFOAM in the background, then show
the fast model and the CFD side by side (per-rack table, returns, heat maps and their difference).

The run is `twin.cfd.verify.run_into_cache` (`twin.cfd.simulate.simulate` in a private
folder, moved into the cache when finished) on a worker thread; this module only sequences
it, forwards its progress and draws what comes back.
"""
from __future__ import annotations

import copy
import os
import threading
import traceback
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel,
                               QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from twin.cfd import verify
from twin.cfd.case import CaseSettings
from twin.gui import fields
from twin.gui.cfd_tables import ComparisonTables
from twin.gui.floor_view import difference_colormap, temperature_colormap
from twin.gui.docks import add_panel_dock
from twin.gui.run_row import RunRow

GRIDS = ((0.2, "0.2 m (screening, minutes)"), (0.1, "0.1 m (reference, 5-15 min)"))
DIFF_LEVELS_K = (-3.0, 3.0)
CASE_DEFAULTS = CaseSettings()


class CfdRun(QObject):
    """One OpenFOAM run on a Python thread; results come back through queued signals."""

    sigStage = Signal(str)
    sigProgress = Signal(object)            # twin.cfd.run.SolveProgress
    sigDone = Signal(str, object, str)      # outcome: done | cancelled | failed | missing; result; message

    def __init__(self, layout, out_dir: Path, settings, rule=None) -> None:
        super().__init__()
        self.layout, self.out_dir, self.settings, self.rule = layout, Path(out_dir), settings, rule
        self._cancel = threading.Event()
        self.thread = threading.Thread(target=self._run, name="cfd-run", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> None:
        from twin.cfd import run
        from twin.cfd.geometry import LayoutError
        try:       # in a private folder, renamed into the cache only when finished
            result = verify.run_into_cache(self.layout, self.out_dir, self.settings, self.rule,
                                           progress=self.sigProgress.emit, cancel=self._cancel.is_set,
                                           stage=self.sigStage.emit)
        except run.OpenFOAMNotFound as exc:
            self.sigDone.emit("missing", None, str(exc))
        except run.CFDCancelled:
            self.sigDone.emit("cancelled", None, "CFD run cancelled")
        except (run.CFDError, LayoutError, OSError, ValueError) as exc:
            self.sigDone.emit("failed", None, str(exc))
        except Exception as exc:           # keep the app alive; the message names the failure
            traceback.print_exc()
            self.sigDone.emit("failed", None, f"internal error: {type(exc).__name__}: {exc}")
        else:
            self.sigDone.emit("done", result, "")


class MapTriple(pg.GraphicsLayoutWidget):
    """Fast model | CFD | fast - CFD on one horizontal plane, each in metres."""

    def __init__(self) -> None:
        super().__init__()
        self.images, self.plots = [], []
        bars = ((temperature_colormap(), fields.TEMPERATURE_LEVELS_C, "°C"),) * 2 + \
            ((difference_colormap(), DIFF_LEVELS_K, "K"),)
        for row, (title, (cmap, levels, unit)) in enumerate(zip(("fast model", "CFD", "fast - CFD"), bars)):
            plot = self.addPlot(row=row, col=0, title=title)
            plot.setAspectLocked(True)
            plot.hideButtons()
            plot.setMenuEnabled(False)
            image = pg.ImageItem(axisOrder="col-major")
            plot.addItem(image)
            bar = pg.ColorBarItem(values=levels, colorMap=cmap, label=unit, interactive=False, width=12)
            bar.setImageItem(image, insert_in=plot)
            self.images.append(image)
            self.plots.append(plot)
        self.planes: list[np.ndarray] = []

    def show_planes(self, fast_c, cfd_c, room_m, z_m: float) -> None:
        """Draw the planes at z_m of the two temperature fields (the CFD one on the fast grid)."""
        cfd_on_fast = verify.on_grid(cfd_c, fast_c.shape)
        self.planes = [fields.horizontal_plane(f, room_m, z_m) for f in (fast_c, cfd_c)]
        self.planes.append(fields.horizontal_plane(fast_c - cfd_on_fast, room_m, z_m))
        for image, plane, levels in zip(self.images, self.planes, (fields.TEMPERATURE_LEVELS_C,
                                                                 fields.TEMPERATURE_LEVELS_C, DIFF_LEVELS_K)):
            image.setImage(plane, levels=levels, autoLevels=False)      # NaN (racks, units) stays blank
            image.setRect(0, 0, room_m[0], room_m[1])
        for plot in self.plots:
            plot.setRange(xRange=(0, room_m[0]), yRange=(0, room_m[1]), padding=0.02)


class CfdPanel(QWidget):
    """Controls, progress and the side-by-side comparison of one verification run."""

    sigRackSelected = Signal(str)

    def __init__(self, document) -> None:
        super().__init__()
        self.document = document
        self.grid = QComboBox()
        for cell, text in GRIDS:
            self.grid.addItem(text, cell)
        self.procs = QSpinBox()
        self.procs.setRange(1, max(os.cpu_count() or 1, 1))
        self.procs.setValue(min(2, self.procs.maximum()))
        self.inflow_pct = QDoubleSpinBox()
        self.inflow_pct.setRange(0.5, 50.0)
        self.inflow_pct.setDecimals(1)
        self.inflow_pct.setSingleStep(1.0)
        self.inflow_pct.setSuffix(" %")
        self.inflow_pct.setValue(CASE_DEFAULTS.inflow_intensity * 100.0)
        self.inflow_pct.setToolTip("Turbulence intensity of the air leaving tiles and rack rears "
                                   "(k = 1.5 (I U)^2). The default, 10 %, is the reference room C1's own; see docs/cfd.md.")
        self.reuse = QCheckBox("Reuse an earlier run of the same layout")
        self.reuse.setChecked(True)
        self.start_button = QPushButton("Verify with CFD")
        self.run_row = RunRow(self.start_button)          # the bar counts iterations, not 0..1
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.status = QLabel("Runs this layout through OpenFOAM (k-epsilon, Boussinesq buoyancy) "
                             "and compares it with the fast model.")
        self.status.setWordWrap(True)
        self.status.setObjectName("cfdStatus")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("cfdSummary")
        self.tables = ComparisonTables()
        self.maps = MapTriple()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tables.racks, "Racks")
        self.tabs.addTab(self.tables.units, "Returns")
        self.tabs.addTab(self.maps, "Maps")
        self._build()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.tables.sigRackSelected.connect(self.sigRackSelected)
        self.job: CfdRun | None = None
        self.cfd_result: dict | None = None
        self.table: dict | None = None             # the latest side_by_side comparison
        self.cfd_fields: np.ndarray | None = None
        self.cfd_hash = ""
        self.fast = None                         # the latest final accurate SolveUpdate
        self.height_m = 1.0
        self.settings_override = None            # (CaseSettings, StopRule) for tests
        self.out_root: Path | None = None        # default: twin.cfd.verify.cache_root()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Grid", self.grid)
        form.addRow("Processes", self.procs)
        form.addRow("Inflow turbulence", self.inflow_pct)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.reuse)
        box.addWidget(self.run_row)
        box.addWidget(self.status)
        box.addWidget(self.summary)
        box.addWidget(self.tabs, 1)

    # -- running -------------------------------------------------------------------------
    def running(self) -> bool:
        return self.job is not None

    def case_settings(self) -> CaseSettings:
        """The CFD settings the controls ask for (everything else at the method's defaults)."""
        return replace(CASE_DEFAULTS, cell_m=float(self.grid.currentData()), n_procs=self.procs.value(),
                       inflow_intensity=round(self.inflow_pct.value(), 1) / 100.0)

    def start(self) -> None:
        """Start a run of the current layout (or load the earlier one of the same layout and grid)."""
        if self.job is not None:
            return
        from twin.scenario.runner import layout_hash
        layout = copy.deepcopy(self.document.layout)
        settings, rule = self.settings_override or (self.case_settings(), None)
        out = verify.run_folder(layout, settings.cell_m, self.out_root, settings, rule)
        self.cfd_hash = layout_hash(layout)
        if self.reuse.isChecked() and verify.finished_run(out):
            self._set_status(f"Loaded the earlier CFD run of this layout from {out}")
            self._show_cfd(out)
            return
        self.cfd_result = None
        self.job = CfdRun(layout, out, settings, rule)
        self.job.sigStage.connect(self._set_status)
        self.job.sigProgress.connect(self._on_progress)
        self.job.sigDone.connect(self._on_done)
        self.progress.setRange(0, settings.max_iter)
        self.progress.setValue(0)
        self.run_row.set_busy(True)
        self._set_status(f"Writing the OpenFOAM case ({settings.cell_m:g} m grid, "
                         f"{settings.n_procs} process(es)) in {out}")
        self.job.start()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._set_status("Cancelling the CFD run…")

    def shutdown(self, timeout_s: float = 15.0) -> None:
        """Stop a run in progress (its OpenFOAM processes too) before the window goes away."""
        job = self.job
        if job is not None:
            job.cancel()
            job.thread.join(timeout_s)

    def _on_progress(self, p) -> None:
        self.progress.setValue(min(p.iteration, self.progress.maximum()))
        means = list(p.running_means_c.values())
        span = f"; running means {min(means):.2f}-{max(means):.2f} °C" if means else ""
        resid = max(p.residuals.values(), default=float("nan"))
        self.status.setText(f"CFD iteration {p.iteration} of at most {p.max_iter}, averaged {p.averaged_iters}, "
                            f"largest residual {resid:.1e}, {p.seconds:.0f} s{span}")

    def _on_done(self, outcome: str, result, message: str) -> None:
        out = self.job.out_dir
        self.job = None
        self.run_row.set_busy(False)
        if outcome != "done":
            error = outcome in ("failed", "missing")
            self._set_status(message, error)
            return
        cfd = result.get("cfd", {})
        settled = "the running means settled" if cfd.get("converged") else "stopped at the iteration cap"
        self._set_status(f"CFD finished: {cfd.get('iterations')} iterations ({cfd.get('averaged_iters')} averaged, "
                         f"{settled}) in {result.get('solve_seconds', 0):.0f} s; results in {out}")
        self._show_cfd(out)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #e0203c; font-weight: bold;" if error else "")

    # -- comparing -----------------------------------------------------------------------
    def _show_cfd(self, out: Path) -> None:
        """Read a finished run's result.json and fields.npz (simulate writes both) and compare."""
        from twin.cfd.compare import load_result
        self.cfd_result = load_result(out / "result.json")
        with np.load(out / "fields.npz") as data:
            self.cfd_fields = np.asarray(data["T"], float)
        self.refresh()

    def set_fast(self, update) -> None:
        """Keep the fast model's settled accurate result; compare when it is of the CFD's layout."""
        if update.phase == "final" and update.result.model == "accurate":
            self.fast = update
            self.refresh()

    def set_height(self, z_m: float) -> None:
        self.height_m = z_m
        self.refresh()

    def refresh(self) -> None:
        if self.cfd_result is None:
            return
        from twin.scenario.runner import layout_hash
        from twin.thermal.export import result_to_dict
        fast = self.fast
        if fast is None or layout_hash(fast.layout) != self.cfd_hash:
            self.summary.setText("CFD results shown; waiting for the accurate fast model of the same "
                                 "layout to compare (edits since the run started change the layout).")
            self.table = None
            self.tables.show(None, self.cfd_result)
            return
        fast_dict = result_to_dict(fast.result, fast.layout, fast.metrics)
        table = verify.side_by_side(fast_dict, self.cfd_result)
        self.summary.setText(f"Fast model ({fast.result.cell_m:g} m) vs CFD "
                             f"({self.cfd_result['grid']['cell_m']:g} m): {verify.verdict(table)}.")
        self.tables.show(table, self.cfd_result)
        self.table = table
        self.maps.show_planes(fast.result.temperature_c, self.cfd_fields, fast.layout.room.size_m, self.height_m)


def attach_cfd(window) -> CfdPanel:
    """Add the dock (tabbed with Results) and a Solve > Verify with CFD action."""
    from PySide6.QtGui import QAction
    panel = CfdPanel(window.document)
    dock = add_panel_dock(window, panel, "CFD check", "cfdDock")
    action = QAction("&Verify with CFD…", window)
    action.setStatusTip("Run this layout through OpenFOAM in the background and compare it with the fast model")

    def verify_now() -> None:
        dock.show()
        dock.raise_()
        panel.start()
    action.triggered.connect(verify_now)
    window.acts.verify_cfd = action
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "Solve" and menu_action.menu() is not None:
            menu_action.menu().addSeparator()
            menu_action.menu().addAction(action)
    window.solver.sigUpdate.connect(panel.set_fast)
    window.panel.sigHeightChanged.connect(panel.set_height)
    panel.sigRackSelected.connect(window.floor.select)
    window.cfd_dock = dock
    return panel
