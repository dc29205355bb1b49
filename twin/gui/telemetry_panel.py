"""The telemetry panel: source, connection state, per-GPU table, sparklines, live rack power.

Polling runs on the Qt-free `Poller` thread; its callbacks reach this panel
through queued signals. With "Live power" on, each debounced update asks for
a solve of the layout with live rack heat (`sigSolve`); off, of the design.
"""
from __future__ import annotations

from typing import Optional

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QDoubleSpinBox, QFileDialog,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from twin.telemetry import NvmlSource, Poller, ReplaySource, SyntheticSource, apply_live_power
from twin.telemetry.sample import CONNECTED, ENDED, OFF, STALE, Frame, plausible_power_w

SOURCES = (("nvml", "NVML (this machine)"), ("demo", "Demo recording"),
           ("replay", "Replay file…"), ("synthetic", "Synthetic"))
GPU_COLUMNS = ("GPU", "Power (W)", "Temp (°C)", "Util (%)", "Memory (GiB)", "Throttle", "State")
RACK_COLUMNS = ("Rack", "Design (kW)", "Live (kW)")
STATE_STYLE = {CONNECTED: "color: #2a9d4a;", STALE: "color: #e08a00; font-weight: bold;",
               OFF: "color: #888;", ENDED: "color: #888;"}


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
    return item


def _num(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _status(sample) -> str:
    """The GPU table's status: a power reading no GPU can give is flagged, not used."""
    if sample.stale:
        return "stale"
    if sample.power_w is not None and not plausible_power_w(sample.power_w):
        return "power ignored"
    return "ok"


def _set_rows(table: QTableWidget, rows: list[list[str]]) -> None:
    """Show rows of text, reusing cells."""
    if table.rowCount() != len(rows):
        table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = table.item(r, c)
            if item is None:
                table.setItem(r, c, _cell(text))
            elif item.text() != text:
                item.setText(text)


class TelemetryPanel(QWidget):
    """Shows one telemetry source and offers its live rack power to the solver."""

    sigSolve = Signal(object)            # a Layout to solve: live or design
    sigMessage = Signal(str, bool)       # status-bar text, is-warning
    sigState = Signal(str, str)          # source state, message
    sigLive = Signal()                   # new live rack power, or live mode toggled
    _sigFrame = Signal(object, object)   # from the polling thread: Frame, LivePower
    _sigResolve = Signal(object)         # from the polling thread: LivePower

    def __init__(self, document, interval_s: float = 2.0, resolve_interval_s: float = 10.0,
                 parent=None):
        super().__init__(parent)
        self.document = document
        self.interval_s, self.resolve_interval_s = interval_s, resolve_interval_s
        self.poller: Optional[Poller] = None
        self.live = None
        self.frame: Optional[Frame] = None
        self._build()
        self._sigFrame.connect(self._on_frame)
        self._sigResolve.connect(self._on_resolve)
        document.sigReplaced.connect(self._on_replaced)

    def _build(self) -> None:
        self.source_box = QComboBox()
        for key, label in SOURCES:
            self.source_box.addItem(label, key)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self._toggle)
        self.interval_box = QDoubleSpinBox()
        self.interval_box.setRange(0.1, 3600.0)
        self.interval_box.setDecimals(1)
        self.interval_box.setSuffix(" s")
        self.interval_box.setValue(self.interval_s)
        self.interval_box.setToolTip("polling interval (applies at the next start)")
        self.interval_box.valueChanged.connect(lambda value: setattr(self, "interval_s", value))
        self.live_box = QCheckBox("Live power")
        self.live_box.setToolTip("solve with measured rack power instead of the design power")
        self.live_box.toggled.connect(self._on_live_toggled)
        self.state_label = QLabel("off")
        top = QHBoxLayout()
        for w in (self.source_box, self.start_button, QLabel("every"), self.interval_box,
                  self.live_box, self.state_label):
            top.addWidget(w)
        top.addStretch(1)
        self.gpu_table = self._table(GPU_COLUMNS)
        self.gpu_table.itemSelectionChanged.connect(self._update_sparklines)
        self.rack_table = self._table(RACK_COLUMNS)
        self.power_plot, self.power_curve = self._sparkline("W")
        self.temp_plot, self.temp_curve = self._sparkline("°C")
        tables = QHBoxLayout()
        tables.addWidget(self.gpu_table, 3)
        tables.addWidget(self.rack_table, 1)
        plots = QHBoxLayout()
        plots.addWidget(self.power_plot)
        plots.addWidget(self.temp_plot)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addLayout(tables, 1)
        box.addLayout(plots)

    @staticmethod
    def _table(columns) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        table.setSelectionBehavior(QTableWidget.SelectRows)
        table.setSelectionMode(QTableWidget.SingleSelection)
        return table

    @staticmethod
    def _sparkline(unit: str):
        plot = pg.PlotWidget()
        plot.setFixedHeight(70)
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.getAxis("bottom").setStyle(showValues=False)
        plot.setLabel("left", unit)
        return plot, plot.plot(pen=pg.mkPen(width=1.5))

    # -- sources --------------------------------------------------------------------------
    def make_source(self, key: str):
        """The source for a combo entry; None when the user cancels a file choice."""
        if key == "nvml":
            return NvmlSource()
        if key == "demo":
            from twin.telemetry.demo import demo_source
            return demo_source()
        if key == "synthetic":
            return SyntheticSource(hosts=[r.id for r in self.document.layout.racks[:4]])
        path, _ = QFileDialog.getOpenFileName(self, "Open a replay file", "", "CSV (*.csv)")
        return ReplaySource(path, speed=10.0) if path else None

    def start(self, key: Optional[str] = None, source=None) -> None:
        """Poll a source (by combo key, or the one given) on a background thread."""
        self.stop()
        if key is not None:
            self.source_box.setCurrentIndex(max(0, self.source_box.findData(key)))
        source = source or self.make_source(self.source_box.currentData())
        if source is None:
            return
        self.poller = Poller(source, self.document.layout, self.interval_s,
                             self.resolve_interval_s,
                             on_frame=lambda frame, live: self._sigFrame.emit(frame, live),
                             on_resolve=self._sigResolve.emit)
        self.poller.start()
        self.start_button.setText("Stop")

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.stop()
            self.poller = None
        self.start_button.setText("Start")

    def _toggle(self) -> None:
        if self.poller is not None and self.poller.running:
            self.stop()
            self._show_state(OFF, "stopped")
        else:
            self.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Close:
            self.stop()
        return False

    # -- updates (GUI thread) -------------------------------------------------------------
    def _show_state(self, state: str, message: str) -> None:
        name = self.poller.source.name if self.poller is not None else ""
        self.state_label.setText(f"{name} {state}" + (f": {message}" if message else ""))
        self.state_label.setStyleSheet(STATE_STYLE.get(state, ""))
        self.sigState.emit(state, message)

    def _on_frame(self, frame: Frame, live) -> None:
        previous = self.frame.state if self.frame is not None else None
        self.frame, self.live = frame, live
        self._show_state(frame.state, frame.message)
        if frame.state != previous and frame.state in (OFF, STALE):
            self.sigMessage.emit(frame.message, frame.state == STALE)
        if frame.state == OFF:
            self.start_button.setText("Start")
        _set_rows(self.gpu_table, [[
            f"{s.host}/{s.gpu}", _num(s.power_w, ".0f"), _num(s.temperature_c, ".0f"),
            _num(s.utilization_pct, ".0f"),
            "—" if s.memory_used_mib is None else f"{s.memory_used_mib / 1024:.1f}",
            "—" if s.throttle_reasons is None else hex(s.throttle_reasons),
            _status(s)] for s in frame.samples])
        racks = list(live.racks.values()) if live is not None else []
        _set_rows(self.rack_table, [[r.rack_id, f"{r.design_kw:.1f}", f"{r.live_kw:.1f}"]
                                    for r in racks])
        self._update_sparklines()
        self.sigLive.emit()

    def _selected_key(self):
        rows = self.gpu_table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        if self.frame is None or row >= len(self.frame.samples):
            return None
        return self.frame.samples[row].key

    def _update_sparklines(self) -> None:
        key = self._selected_key()
        if key is None or self.poller is None:
            return
        for curve, metric in ((self.power_curve, "power_w"), (self.temp_curve, "temperature_c")):
            times, values = self.poller.history.series(key, metric)
            curve.setData(times - (times[0] if len(times) else 0.0), values)

    def _on_resolve(self, live) -> None:
        self.live = live
        if self.live_box.isChecked():
            self.sigSolve.emit(apply_live_power(self.document.layout, live))

    def _on_live_toggled(self, on: bool) -> None:
        if on and self.live is not None:
            self.sigSolve.emit(apply_live_power(self.document.layout, self.live))
        elif not on:
            self.sigSolve.emit(self.document.layout)
        self.sigLive.emit()

    def _on_replaced(self) -> None:
        if self.poller is not None:
            self.poller.layout = self.document.layout


def show_live_captions(window, panel: TelemetryPanel) -> None:
    """In live mode and power colours, racks on live power show it as their caption."""
    floor = window.floor
    if not panel.live_box.isChecked() or panel.live is None or floor.color_mode != "power":
        return
    for rack in panel.live.racks.values():
        item = floor.items.get(rack.rack_id)
        if item is not None:
            item.set_look(item.facing, item.fill, f"{rack.live_kw:.1f} kW live")


def attach_telemetry(window) -> TelemetryPanel:
    """Add the panel to a main window as a hidden dock (Panels menu) and probe NVML."""
    panel = TelemetryPanel(window.document, float(window.settings.value("telemetry/interval_s", 2.0)))
    panel.interval_box.valueChanged.connect(
        lambda value: window.settings.setValue("telemetry/interval_s", value))
    dock = QDockWidget("Telemetry", window)
    dock.setObjectName("telemetryDock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.BottomDockWidgetArea, dock)
    dock.hide()
    window.acts.panels_menu.addAction(dock.toggleViewAction())
    label = QLabel("")
    label.setObjectName("telemetryLabel")
    window.statusBar().addPermanentWidget(label)
    panel.sigState.connect(lambda state, message: label.setText(
        message if state in (OFF, STALE) else f"telemetry {state}"))
    panel.sigSolve.connect(window.solver.solve_now)
    panel.sigLive.connect(lambda: show_live_captions(window, panel))
    window.solver.sigUpdate.connect(lambda _update: show_live_captions(window, panel))
    panel.sigMessage.connect(lambda text, warning: warning and window.show_message(text, True))
    window.installEventFilter(panel)
    panel.start("nvml")
    return panel
