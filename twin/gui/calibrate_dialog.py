"""The Calibrate dialog: fit the layout to the loaded measurements in the background, show
every reading before and after and every parameter with its uncertainty, and Apply the
fitted values as one undoable edit.

The fit is `twin.calibrate.calibrate` (what `dctwin calibrate` runs) on a
copy of the layout, on a worker thread with progress and Cancel; Apply is
`twin.calibrate.edits.apply_calibration`, one command for all parameters.
"""
from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QRadioButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from twin.calibrate import Settings, calibrate, snapshot
from twin.calibrate.calibration import Z95, Calibration
from twin.calibrate.edits import apply_calibration
from twin.calibrate.measured import MeasuredError
from twin.calibrate.output import parameter_value
from twin.commands import CommandError
from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.telemetry.csvfile import format_timestamp

PARAM_COLUMNS = ("Parameter", "Fitted", "± 95 %", "Note")
CHANNEL_COLUMNS = ("Reading", "Measured", "Before", "After", "Residual after", "Use")
MODELS = (("accurate", "Accurate (confirms the fit)"), ("preview", "Preview (fast)"))
GROUPINGS = (("row", "one per row"), ("rack", "one per rack"), ("room", "one for the room"))
ERROR_STYLE = "color: #e0203c;"


def _table(columns) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple]) -> None:
    table.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if 0 < j < len(cells) - 1:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(i, j, item)


def parameter_rows(cal: Calibration) -> list[tuple]:
    """Each parameter: its value, ± 95 % (or "fixed") and what it means or why it stayed."""
    return [(f.parameter.id, parameter_value(f),
             f"{Z95 * f.sd:.3f}" if f.fitted else "fixed",
             f.parameter.describe_change(f.value) if f.fitted else f.fixed_because)
            for f in cal.params]


def channel_rows(cal: Calibration) -> list[tuple]:
    return [(c.channel.name, f"{c.measured:.2f}", f"{c.before:.2f}", f"{c.after:.2f}",
             f"{c.measured - c.after:+.2f}",
             (f"held out, ± {Z95 * c.predicted_sd:.2f} K expected"
              + ("" if c.within_band else " (outside)")) if c.held_out else "fit")
            for c in cal.channels]


def score_text(cal: Calibration) -> str:
    """The fit's misfit before and after, and the held-out check (or why there is none)."""
    lines = [f"Readings: {cal.source}; {cal.settings.model} model at {cal.settings.cell_m:g} m "
             f"({cal.solves.get('preview', 0)} preview, {cal.solves.get('accurate', 0)} accurate solves).",
             f"Fit readings: RMS {cal.residual_rms(False, False):.2f} K before, "
             f"{cal.residual_rms(False):.2f} K after."]
    held = [c.channel.name for c in cal.channels if c.held_out]
    if held:
        inside, total = cal.held_out_in_band()
        lines.append(f"Held-out check ({', '.join(held)}): RMS {cal.residual_rms(True, False):.2f} K "
                     f"before, {cal.residual_rms(True):.2f} K after; largest "
                     f"{cal.held_out_max_k():.2f} K; {inside} of {total} within the 95 % band "
                     "the fit predicts.")
    fixed = [f.parameter.id for f in cal.params if not f.fitted]
    if fixed:
        lines.append(f"Kept at nominal: {', '.join(fixed)}.")
    lines += [f"Note: {n}." for n in cal.notes]
    return "\n".join(lines)


class CalibrateDialog(QDialog):
    """Choose the readings, run the fit (Cancel stops it), look at it, Apply it."""

    sigApplied = Signal(object)           # the Calibration written into the document

    def __init__(self, document, measured, instant_s: Optional[float], solve_settings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Calibrate to measurements")
        self.setObjectName("calibrateDialog")
        self.document = document
        self.measured = measured
        self.solve_settings = solve_settings
        self.calibration: Optional[Calibration] = None
        self.stale = False                 # the layout changed since the fit started
        self.watch = StudyWatch(self)
        self._build(instant_s)
        self.run_row.bind(self.watch, self.status, "fitting the twin to the readings…")
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(self._on_layout_changed)
        document.sigReplaced.connect(self._on_layout_changed)
        self.resize(760, 640)

    # -- widgets ------------------------------------------------------------------------
    def _build(self, instant_s: Optional[float]) -> None:
        times = [t for t, _ in self.measured.frames()]
        self.at_instant = QRadioButton()
        self.in_window = QRadioButton("Mean over the window from")
        choice = QButtonGroup(self)
        for button in (self.at_instant, self.in_window):
            choice.addButton(button)
        self.instant_s = instant_s if instant_s is not None else times[-1]
        self.at_instant.setText(f"Readings at the chosen instant ({format_timestamp(self.instant_s)})")
        self.window_from, self.window_to = QComboBox(), QComboBox()
        for box in (self.window_from, self.window_to):
            for t in times:
                box.addItem(format_timestamp(t), t)
        self.window_to.setCurrentIndex(len(times) - 1)
        self.in_window.setChecked(True)
        self.model = QComboBox()
        for key, text in MODELS:
            self.model.addItem(text, key)
        self.model.setCurrentIndex(0 if self.solve_settings.model == "accurate" else 1)
        self.grouping = QComboBox()
        for key, text in GROUPINGS:
            self.grouping.addItem(text, key)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("calibrateRun")
        self.run_button.clicked.connect(self.run)
        self.run_row = RunRow(self.run_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.score = QLabel("")
        self.score.setWordWrap(True)
        self.score.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.params = _table(PARAM_COLUMNS)
        self.channels = _table(CHANNEL_COLUMNS)
        self.apply_button = QPushButton("Apply to the layout")
        self.apply_button.setObjectName("calibrateApply")
        self.apply_button.setEnabled(False)
        self.apply_button.setToolTip("Write the fitted parameters into the layout (one undo step)")
        self.apply_button.clicked.connect(self.apply)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        grid = QGridLayout()
        grid.addWidget(self.at_instant, 0, 0, 1, 4)
        grid.addWidget(self.in_window, 1, 0)
        grid.addWidget(self.window_from, 1, 1)
        grid.addWidget(QLabel("to"), 1, 2)
        grid.addWidget(self.window_to, 1, 3)
        grid.addWidget(QLabel("Confirming model"), 2, 0)
        grid.addWidget(self.model, 2, 1)
        grid.addWidget(QLabel("Rack airflow factor"), 2, 2)
        grid.addWidget(self.grouping, 2, 3)
        run = QHBoxLayout()
        run.addWidget(self.run_row)
        run.addStretch(1)
        end = QHBoxLayout()
        end.addStretch(1)
        end.addWidget(self.apply_button)
        end.addWidget(close)
        box = QVBoxLayout(self)
        box.addLayout(grid)
        box.addLayout(run)
        box.addWidget(self.status)
        box.addWidget(QLabel("Parameters"))
        box.addWidget(self.params, 1)
        box.addWidget(QLabel("Readings before and after"))
        box.addWidget(self.channels, 2)
        box.addWidget(self.score)
        box.addLayout(end)

    # -- running ------------------------------------------------------------------------
    def chosen_snapshot(self):
        if self.at_instant.isChecked():
            return snapshot(self.measured, at_s=self.instant_s)
        lo, hi = self.window_from.currentData(), self.window_to.currentData()
        return snapshot(self.measured, window_s=(min(lo, hi), max(lo, hi)))

    def run(self) -> bool:
        """Start the fit on a worker thread; False (with the reason shown) when it cannot."""
        try:
            snap = self.chosen_snapshot()
        except MeasuredError as exc:
            self._show_status(str(exc), error=True)
            return False
        layout = copy.deepcopy(self.document.layout)
        settings = Settings(cell_m=self.solve_settings.accurate_cell_m, model=self.model.currentData())
        grouping, measured = self.grouping.currentData(), self.measured
        self.calibration, self.stale = None, False
        self.apply_button.setEnabled(False)
        self.watch.start(lambda r: calibrate(layout, measured, snap, settings, grouping,
                                             progress=r.progress, cancel=r.cancel),
                         SimpleNamespace(progress=None, cancel=None))
        return True

    def cancel(self) -> None:
        self.watch.cancel()

    def _on_finished(self, outcome: str, value) -> None:
        if outcome == "cancelled":
            self._show_status("calibration cancelled; the layout is unchanged")
        elif outcome == "failed":
            self._show_status(f"cannot calibrate: {value}", error=True)
        else:
            self._show(value)

    def _show(self, cal: Calibration) -> None:
        self.calibration = cal
        _fill(self.params, parameter_rows(cal))
        _fill(self.channels, channel_rows(cal))
        self.score.setText(score_text(cal))
        fitted = sum(1 for f in cal.params if f.fitted)
        self._show_status(f"{fitted} of {len(cal.params)} parameters fitted in "
                          f"{self.watch.elapsed_s:.1f} s")
        self.apply_button.setEnabled(fitted > 0 and not self.stale)

    def _show_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    # -- applying -----------------------------------------------------------------------
    def _on_layout_changed(self, *_args) -> None:
        self.stale = True
        if self.calibration is not None and self.apply_button.isEnabled():
            self.apply_button.setEnabled(False)
            self._show_status("the layout changed since this fit: run it again to apply it")

    def apply(self) -> bool:
        """Write the fitted parameters into the document as one undoable command."""
        cal = self.calibration
        if cal is None or self.stale:
            return False
        try:
            command = apply_calibration(self.document.layout, cal)
        except CommandError as exc:
            self._show_status(str(exc), error=True)
            return False
        if not self.document.execute(command):
            return False
        self.apply_button.setEnabled(False)
        self._show_status(f"applied: {command.label} (Edit › Undo reverts it)")
        self.sigApplied.emit(cal)
        return True

    def closeEvent(self, event) -> None:
        self.watch.cancel()
        super().closeEvent(event)
