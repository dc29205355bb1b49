"""The Sensors dock: a measured file (timestamp, sensor, value) beside the twin's current result.

For the chosen instant (a slider over the file's reading times, or the
latest) every measured name and every layout sensor gets a row: measured,
twin, residual (measured minus twin), its expected spread and a sparkline
of the residual over the whole file. The same residuals colour the sensors
on the plan (`plan_readings`). The numbers come from twin.calibrate.live.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSlider,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from twin.calibrate.live import ReadingRow, reading_rows, residual_fraction
from twin.calibrate.measured import QUANTITIES, Measured, MeasuredError, read_measured
from twin.calibrate.watch import WatchSettings
from twin.gui.floor_view import difference_colormap
from twin.telemetry.csvfile import format_timestamp

COLUMNS = ("Reading", "Measured", "Twin", "Residual", "Spread", "Residual over the file")
SPARK_COLUMN = 5
SPARK_PX = (150, 30)
NO_READING = QColor(150, 150, 150)
ERROR_STYLE = "color: #e0203c;"


def unit_of(row: ReadingRow) -> str:
    """The unit a row's values are in (a sensor reads °C)."""
    if row.kind == "sensor":
        return "°C"
    quantity = row.name.split(":")[-1]
    return QUANTITIES.get((row.kind, quantity), ("",))[0]


def residual_color(row: ReadingRow, z_full: float) -> QColor:
    """Blue (measured below the twin) through white to red (above), full at `z_full` spreads;
    grey without a residual."""
    fraction = residual_fraction(row, z_full)
    if fraction is None:
        return QColor(NO_READING)
    return difference_colormap().map(fraction, mode="qcolor")


def _number(value: float, digits: int = 2, sign: bool = False) -> str:
    if not math.isfinite(value):
        return "—"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def plan_readings(rows: list[ReadingRow], z_full: float) -> dict[str, tuple]:
    """{sensor id: (dot colour, label, tooltip)} for the floor view's sensors."""
    out = {}
    for row in rows:
        if row.kind != "sensor":
            continue
        label = f"{_number(row.measured, 1)} vs {_number(row.twin, 1)} °C"     # measured vs model
        tip = (f"{row.name}\nmeasured {_number(row.measured)} °C\nmodel {_number(row.twin)} °C\n"
               f"residual {_number(row.residual, sign=True)} K (expected spread ±{_number(row.spread)} K)"
               if math.isfinite(row.measured) else f"{row.name}\nno measurement\nmodel {_number(row.twin)} °C")
        out[row.name] = (residual_color(row, z_full), label, tip)
    return out


class Sparkline(pg.PlotWidget):
    """A residual over time: the line, zero, and a mark at the chosen instant."""

    def __init__(self):
        super().__init__()
        self.setBackground(None)
        for axis in ("left", "bottom"):
            self.hideAxis(axis)
        self.setMouseEnabled(False, False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setFixedSize(*SPARK_PX)
        self.series: tuple = ((), ())
        self.curve = self.plot([], [], pen=pg.mkPen((60, 60, 60), width=1.2))
        self.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen((150, 150, 150), style=Qt.DashLine)))
        self.mark = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen((224, 32, 60), width=1.2))
        self.addItem(self.mark)

    def set_series(self, times_s, residuals, at_s: float) -> None:
        """The series (redrawn only when it changed: moving the instant only moves the mark)."""
        if (times_s, residuals) != self.series:
            self.series = (times_s, residuals)
            t = np.asarray(times_s, float)
            r = np.asarray(residuals, float)
            ok = np.isfinite(r)
            self.curve.setData(t[ok], r[ok])
        self.mark.setValue(at_s)


class SensorsPanel(QWidget):
    """Load measurements, choose the instant, see each reading against the twin."""

    sigLoaded = Signal(object)        # the Measured shown, or None
    sigInstant = Signal(float)        # the chosen instant (epoch seconds)
    sigReadings = Signal(dict)        # plan looks of the sensors (plan_readings)
    sigMessage = Signal(str, bool)    # text, error
    sigLoadRequested = Signal()
    sigCalibrateRequested = Signal()
    sigSelectSensor = Signal(str)     # a sensor's row clicked: select it on the plan

    def __init__(self, document, settings: Optional[WatchSettings] = None, parent=None):
        super().__init__(parent)
        self.document = document
        self.settings = settings or WatchSettings()
        self.measured: Optional[Measured] = None
        self.path = ""
        self.update_ = None               # the SolveUpdate whose result is the twin
        self.rows: list[ReadingRow] = []
        self.times_s: list[float] = []
        self._plan_shown = False
        self._build()
        document.sigReplaced.connect(self._rebind)

    # -- widgets ------------------------------------------------------------------------
    def _build(self) -> None:
        self.load_button = QPushButton("Load measurements…")
        self.load_button.setObjectName("sensorsLoad")
        self.load_button.clicked.connect(self.sigLoadRequested)
        self.calibrate_button = QPushButton("Calibrate…")
        self.calibrate_button.setObjectName("sensorsCalibrate")
        self.calibrate_button.setEnabled(False)
        self.calibrate_button.clicked.connect(self.sigCalibrateRequested)
        self.file_label = QLabel("No measurements loaded.")
        self.file_label.setWordWrap(True)
        self.error = QLabel("")
        self.error.setObjectName("sensorsError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error.setVisible(False)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setObjectName("sensorsInstant")
        self.slider.setEnabled(False)
        self.slider.valueChanged.connect(self._on_slider)
        self.latest = QCheckBox("Latest")
        self.latest.setChecked(True)
        self.latest.setToolTip("Follow the file's last reading")
        self.latest.toggled.connect(self._on_latest)
        self.instant_label = QLabel("")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("sensorsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(SPARK_PX[1] + 4)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.cellClicked.connect(self._on_clicked)
        self.legend = QLabel(f"Residual = measured − twin; colour: blue below, red above the twin, "
                             f"full at {self.settings.z:g} expected spreads; grey: no reading. "
                             "On the plan, 21.4 vs 20.9 °C is measured vs model.")
        self.legend.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.calibrate_button)
        buttons.addStretch(1)
        when = QHBoxLayout()
        when.addWidget(self.slider, 1)
        when.addWidget(self.latest)
        box = QVBoxLayout(self)
        box.addLayout(buttons)
        box.addWidget(self.file_label)
        box.addWidget(self.error)
        box.addLayout(when)
        box.addWidget(self.instant_label)
        box.addWidget(self.table, 1)
        box.addWidget(self.legend)

    # -- loading ------------------------------------------------------------------------
    def load_path(self, path: str) -> bool:
        """Read a measured file bound to the open layout; a bad file is shown as its
        `file:line: field: problem` and the previous measurements stay."""
        try:
            measured = read_measured(path, self.document.layout)
        except MeasuredError as exc:
            return self._refuse(str(exc))
        except OSError as exc:
            return self._refuse(f"cannot read {path}: {exc.strerror or exc}")
        self.error.setVisible(False)
        self.path = str(path)
        self._show_measured(measured)
        self.sigMessage.emit(f"{len(measured.series)} readings loaded from {path}", False)
        return True

    def _refuse(self, text: str) -> bool:
        self.error.setText(text)
        self.error.setVisible(True)
        self.sigMessage.emit(text, True)
        return False

    def _show_measured(self, measured: Optional[Measured]) -> None:
        self.measured = measured
        self.times_s = [t for t, _ in measured.frames()] if measured is not None else []
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self.times_s) - 1, 0))
        self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self.slider.setEnabled(len(self.times_s) > 1)
        self.latest.setChecked(True)
        self.calibrate_button.setEnabled(measured is not None)
        if measured is None:
            self.file_label.setText("No measurements loaded.")
        else:
            self.file_label.setText(f"{self.path}: {len(measured.series)} names, "
                                    f"{len(self.times_s)} times from {format_timestamp(measured.start_s)} "
                                    f"to {format_timestamp(measured.end_s)}")
        self.sigLoaded.emit(measured)
        self.refresh()
        if measured is not None:
            self.sigInstant.emit(self.instant_s)

    def _rebind(self) -> None:
        """Another layout was opened: the names are bound again, or the file is dropped; the
        twin is the old layout's until the new one is solved, so it is forgotten."""
        self.update_ = None
        if self.measured is None:
            self.refresh()
            return
        path = self.path
        try:
            measured = read_measured(path, self.document.layout)
        except (MeasuredError, OSError) as exc:
            self._show_measured(None)
            self._refuse(f"measurements dropped: {exc}")
            return
        self._show_measured(measured)

    # -- the instant --------------------------------------------------------------------
    @property
    def instant_s(self) -> Optional[float]:
        if not self.times_s:
            return None
        return self.times_s[-1] if self.latest.isChecked() else self.times_s[self.slider.value()]

    def set_instant(self, time_s: float) -> None:
        """Choose the reading time nearest `time_s` (Latest is unticked)."""
        if not self.times_s:
            return
        k = int(np.argmin(np.abs(np.asarray(self.times_s) - time_s)))
        for widget, call in ((self.latest, lambda: self.latest.setChecked(False)),
                             (self.slider, lambda: self.slider.setValue(k))):
            widget.blockSignals(True)
            call()
            widget.blockSignals(False)
        self._on_slider(k)

    def _on_slider(self, _value: int) -> None:
        if self.latest.isChecked() and self.slider.value() != self.slider.maximum():
            self.latest.blockSignals(True)
            self.latest.setChecked(False)
            self.latest.blockSignals(False)
        self.refresh()
        if self.measured is not None:
            self.sigInstant.emit(self.instant_s)

    def _on_latest(self, checked: bool) -> None:
        if checked:
            self.slider.blockSignals(True)
            self.slider.setValue(self.slider.maximum())
            self.slider.blockSignals(False)
        self.refresh()
        if self.measured is not None:
            self.sigInstant.emit(self.instant_s)

    def _on_clicked(self, i: int, _column: int) -> None:
        if 0 <= i < len(self.rows) and self.rows[i].kind == "sensor":
            self.sigSelectSensor.emit(self.rows[i].name)

    # -- the twin -----------------------------------------------------------------------
    def set_update(self, update) -> None:
        """A new solve result: the twin column follows it."""
        self.update_ = update
        self.refresh()

    def refresh(self) -> None:
        update = self.update_
        layout = update.layout if update is not None else self.document.layout
        result = update.result if update is not None else None
        at = self.instant_s
        self.rows = reading_rows(layout, result, self.measured, at, self.settings)
        self.instant_label.setText("" if at is None else f"Readings at {format_timestamp(at)}"
                                   + (" (latest)" if self.latest.isChecked() else ""))
        self._fill(at)
        looks = plan_readings(self.rows, self.settings.z) if self.measured is not None else {}
        if looks or self._plan_shown:          # the plan is restyled only when it shows readings
            self.sigReadings.emit(looks)
        self._plan_shown = bool(looks)

    def _fill(self, at_s: Optional[float]) -> None:
        names = [self.table.item(i, 0).text() if self.table.item(i, 0) else ""
                 for i in range(self.table.rowCount())]
        if names != [r.name for r in self.rows]:
            self.table.setRowCount(0)
            self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            unit = unit_of(row)
            twin = {"input": "input", "trend": "watched"}.get(row.role, _number(row.twin))
            cells = (row.name, _number(row.measured), twin, _number(row.residual, sign=True),
                     "" if not math.isfinite(row.spread) else f"±{row.spread:.2f}")
            for j, text in enumerate(cells):
                item = self.table.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(i, j, item)
                item.setText(text if j == 0 or text in ("—", "", "input", "watched")
                             else f"{text} {unit if j < 3 else unit.replace('°C', 'K')}")
                if j:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if j == 3:
                    item.setBackground(residual_color(row, self.settings.z))
                    item.setForeground(QColor(20, 20, 20))
            self._spark(i, row, at_s)

    def _spark(self, i: int, row: ReadingRow, at_s: Optional[float]) -> None:
        spark = self.table.cellWidget(i, SPARK_COLUMN)
        if not row.residuals or not any(math.isfinite(r) for r in row.residuals):
            if spark is not None:
                self.table.removeCellWidget(i, SPARK_COLUMN)
            return
        if spark is None:
            spark = Sparkline()
            self.table.setCellWidget(i, SPARK_COLUMN, spark)
        spark.set_series(row.times_s, row.residuals, at_s if at_s is not None else row.times_s[-1])
