"""Measured readings in the main window: the Sensors and Alerts docks, File › Load
Measurements…, Solve › Calibrate to Measurements…, and the sensors on the plan coloured
by their residual.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from twin.calibrate.live import model_spread_k
from twin.gui.alerts_panel import AlertsPanel
from twin.gui.calibrate_dialog import CalibrateDialog
from twin.gui.docks import add_panel_dock
from twin.gui.sensors_panel import SensorsPanel


def _menu(window, title: str):
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            return action.menu()
    raise LookupError(title)


class CalibrationOps(QObject):
    """Owns the two docks and the Calibrate dialog of one main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.sensors = SensorsPanel(window.document)
        self.alerts = AlertsPanel(window.document, lambda: window.solver.settings,
                                  self.sensors.settings)
        self.sensors_dock = add_panel_dock(window, self.sensors, "Sensors", "sensorsDock")
        self.alerts_dock = add_panel_dock(window, self.alerts, "Alerts", "alertsDock")
        self.dialog: Optional[CalibrateDialog] = None
        self._actions()
        s = self.sensors
        s.sigLoadRequested.connect(self.load_dialog)
        s.sigCalibrateRequested.connect(self.calibrate_dialog)
        s.sigMessage.connect(window.show_message)
        s.sigReadings.connect(window.floor.set_sensor_readings)
        s.sigSelectSensor.connect(window.floor.select)
        s.sigLoaded.connect(self.alerts.set_measured)
        s.sigInstant.connect(self.alerts.set_instant)
        window.solver.sigUpdate.connect(s.set_update)

    def _actions(self) -> None:
        w = self.window
        self.load_action = QAction("Load &Measurements…", w)
        self.load_action.setStatusTip("Read a CSV of timestamp,sensor,value and show it against the twin")
        self.load_action.triggered.connect(self.load_dialog)
        _menu(w, "File").insertAction(w.acts.export, self.load_action)
        self.calibrate_action = QAction("Ca&librate to Measurements…", w)
        self.calibrate_action.setStatusTip("Fit cooling and rack airflows to the loaded measurements")
        self.calibrate_action.triggered.connect(self.calibrate_dialog)
        solve = _menu(w, "Solve")
        solve.addSeparator()
        solve.addAction(self.calibrate_action)
        w.acts.load_measurements = self.load_action
        w.acts.calibrate = self.calibrate_action

    def load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Load measurements", "",
                                              "Measured readings (*.csv);;All files (*)")
        if path:
            self.load_path(path)

    def load_path(self, path: str) -> bool:
        """Load a measured file and bring the Sensors dock to the front."""
        self.sensors_dock.show()
        self.sensors_dock.raise_()
        return self.sensors.load_path(path)

    def calibrate_dialog(self) -> Optional[CalibrateDialog]:
        """Open the Calibrate dialog for the loaded measurements at the chosen instant."""
        if self.sensors.measured is None:
            self.window.show_message("load measurements first (File › Load Measurements…)", True)
            return None
        if self.dialog is not None:
            self.dialog.watch.shutdown()
            self.dialog.deleteLater()
        self.dialog = CalibrateDialog(self.window.document, self.sensors.measured,
                                      self.sensors.instant_s, self.window.solver.settings, self.window)
        self.dialog.sigApplied.connect(self._applied)
        self.dialog.show()
        return self.dialog

    def _applied(self, cal) -> None:
        """The layout is calibrated: the twin's spread is now the fit's, and the watch is
        replayed against the calibrated layout."""
        self.sensors.settings.model_k = model_spread_k(cal)
        self.sensors.refresh()
        self.alerts.run()
        self.window.show_message(f"calibration applied ({cal.source}); expected spread of the twin "
                                 f"now {self.sensors.settings.model_k:.2f} K; Edit › Undo reverts it",
                                 False)

    def shutdown(self) -> None:
        self.alerts.watch.shutdown()
        if self.dialog is not None:
            self.dialog.watch.shutdown()


def attach_calibration(window) -> CalibrationOps:
    return CalibrationOps(window)
