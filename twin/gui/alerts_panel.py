"""The Alerts dock: the watch (`dctwin watch`) over the loaded measurements, at the chosen instant.

The whole file is replayed once on a worker thread (twin.calibrate.live.replay:
the twin and its sensitivities are solved, every frame fed in order, the
forecasts kept per frame); changing the instant only changes what is shown:
the alerts raised up to it, and the early-warning forecasts as they stood
then (reading, crossing time with its 95 % band). An edit of the layout
marks the replay out of date until it is run again.
"""
from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Optional

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from twin.calibrate.fit import Settings
from twin.calibrate.live import Replay, replay
from twin.calibrate.watch import WatchSettings
from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.telemetry.csvfile import format_timestamp

ALERT_COLUMNS = ("Time", "Kind", "Readings", "Likely cause", "Confidence", "Details")
FORECAST_COLUMNS = ("Reading", "Limit", "Now", "Crosses at", "95 % band", "Trend")
WARN = QColor(255, 210, 200)
ERROR_STYLE = "color: #e0203c;"


def _minutes(seconds: Optional[float]) -> str:
    return "—" if seconds is None else f"{max(seconds, 0.0) / 60.0:.1f} min"


def alert_cells(alert) -> tuple:
    cause = alert.cause
    return (format_timestamp(alert.time_s), alert.kind, ", ".join(alert.readings) or "—",
            cause.summary() if cause is not None else "—",
            f"{100 * cause.confidence:.0f} %" if cause is not None else "—", alert.message)


def forecast_cells(f) -> tuple:
    """Reading, limit, value now, crossing (clock time and minutes from the instant), band."""
    lo, hi = f.band_s
    band = (f"{_minutes(lo - f.now_s if lo is not None else None)} to "
            f"{_minutes(hi - f.now_s) if hi is not None else 'later'}")
    return (f.name, f"{f.limit:g}", f"{f.value_now:.1f}",
            f"{format_timestamp(round(f.crossing_s))} (in {_minutes(f.crossing_s - f.now_s)})", band, f.shape)


def _fill(table: QTableWidget, rows: list[tuple], marked: Optional[list[bool]] = None) -> None:
    table.setRowCount(len(rows))
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if marked and marked[i]:
                item.setBackground(WARN)
                item.setForeground(QColor(20, 20, 20))
            table.setItem(i, j, item)


def _table(columns) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AlertsPanel(QWidget):
    """Alerts and forecasts of the loaded measurements up to the chosen instant."""

    def __init__(self, document, solve_settings, settings: Optional[WatchSettings] = None,
                 parent=None):
        super().__init__(parent)
        self.document = document
        self.solve_settings = solve_settings          # () -> the window's SolveSettings
        self.settings = settings or WatchSettings()
        self.measured = None
        self.replay: Optional[Replay] = None
        self.instant_s: Optional[float] = None
        self.watch = StudyWatch(self)
        self._build()
        self.run_row.bind(self.watch, self.status, "solving the twin and replaying the readings…")
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(lambda _event, _command: self._mark_stale())
        document.sigReplaced.connect(self._mark_stale)

    def _build(self) -> None:
        self.run_button = QPushButton("Watch again")
        self.run_button.setObjectName("alertsRun")
        self.run_button.setToolTip("Replay the measurements against the layout as it is now")
        self.run_button.clicked.connect(self.run)
        self.run_row = RunRow(self.run_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.run_button.setEnabled(False)           # until measurements are loaded
        self.status = QLabel("Load measurements (Sensors dock) to watch them.")
        self.status.setWordWrap(True)
        self.alerts = _table(ALERT_COLUMNS)
        self.alerts.setObjectName("alertsTable")
        self.forecasts = _table(FORECAST_COLUMNS)
        self.forecasts.setObjectName("forecastsTable")
        self.forecast_note = QLabel("")
        self.forecast_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.run_row)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(row)
        box.addWidget(self.status)
        box.addWidget(QLabel("Alerts up to the instant"))
        box.addWidget(self.alerts, 1)
        box.addWidget(QLabel(f"Early warning: limits foreseen to be crossed (within "
                             f"{self.settings.horizon_s / 60:g} min: shaded)"))
        box.addWidget(self.forecasts, 1)
        box.addWidget(self.forecast_note)

    # -- inputs -------------------------------------------------------------------------
    def set_measured(self, measured) -> None:
        """New measurements (None: none): replay them."""
        self.measured, self.replay = measured, None
        self.run_button.setEnabled(measured is not None)
        self.show_instant()
        if measured is not None:
            self.run()
        else:
            self.watch.cancel()
            self.status.setText("Load measurements (Sensors dock) to watch them.")

    def set_instant(self, time_s: float) -> None:
        self.instant_s = time_s
        self.show_instant()

    def run(self) -> bool:
        if self.measured is None:
            return False
        layout, measured = copy.deepcopy(self.document.layout), self.measured
        solve = self.solve_settings()
        fit = Settings(cell_m=solve.accurate_cell_m, model=solve.model)
        settings = copy.deepcopy(self.settings)
        self.watch.start(lambda r: replay(layout, measured, settings, fit, r.progress, r.cancel),
                         SimpleNamespace(progress=None, cancel=None))
        return True

    def _mark_stale(self) -> None:
        if self.replay is not None:
            self.status.setStyleSheet("")
            self.status.setText("The layout changed since this watch: Watch again to replay "
                                "the readings against it.")

    def _on_finished(self, outcome: str, value) -> None:
        if outcome == "done":
            self.replay = value
            raised = [a for a in value.watcher.alerts if a.kind != "cleared"]
            self.status.setStyleSheet("")
            self.status.setText(f"{len(value.times_s)} times watched, {len(raised)} alert(s) in the "
                                f"file ({value.watcher.fit_settings.model} model, "
                                f"{self.watch.elapsed_s:.1f} s).")
        elif outcome == "cancelled":
            self.status.setText("watch cancelled")
        else:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(f"cannot watch: {value}")
        self.show_instant()

    # -- showing ------------------------------------------------------------------------
    def shown_alerts(self) -> list:
        if self.replay is None:
            return []
        at = self.instant_s if self.instant_s is not None else self.replay.times_s[-1]
        return self.replay.alerts_until(at)

    def shown_forecasts(self) -> list:
        """The forecasts at the instant that foresee a crossing."""
        if self.replay is None:
            return []
        at = self.instant_s if self.instant_s is not None else self.replay.times_s[-1]
        return [f for f in self.replay.forecasts_at(at) if f.crossing_s is not None]

    def show_instant(self) -> None:
        alerts = self.shown_alerts()
        _fill(self.alerts, [alert_cells(a) for a in alerts], [a.kind != "cleared" for a in alerts])
        forecasts = self.shown_forecasts()
        _fill(self.forecasts, [forecast_cells(f) for f in forecasts], [f.warn for f in forecasts])
        if self.replay is None:
            self.forecast_note.setText("")
        else:
            watched = len(self.replay.watcher.limits())
            self.forecast_note.setText(f"{watched} readings forecast; "
                                       f"{len(forecasts)} foresee a crossing of their limit.")
