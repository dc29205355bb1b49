"""Place a job: GPUs, power and policy in; the chosen servers drawn on the plan.

The placement is `twin.capacity.place_job` on a worker thread (it solves each
candidate with the preview model), cancellable, with progress. Both the
thermal-aware placement and first fit come back; the policy box chooses which
one the plan shows (each rack used outlined, with the GPUs taken in it), so
switching needs no new solve. Nothing here changes the layout.
"""
from __future__ import annotations

import copy

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFormLayout,
                               QLabel, QPushButton, QSpinBox, QVBoxLayout)

from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.scenario import ResultCache, Runner

POLICIES = (("thermal", "Thermal-aware (fewest domains, coolest)"), ("first-fit", "First fit"))
JOB_COLOUR = QColor(150, 60, 220)


class JobRacks(pg.GraphicsObject):
    """The racks a job uses, outlined, each labelled with the GPUs it takes there."""

    def __init__(self, rects: list):
        super().__init__()
        self.rects = rects                  # (QRectF, gpus)
        self._bounds = QRectF()
        for rect, _ in rects:
            self._bounds = self._bounds.united(rect)
        self.setZValue(11)                  # over the racks it marks, translucent
        self.setAcceptedMouseButtons(Qt.NoButton)   # clicks still reach the racks below

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, *args) -> None:
        pen = QPen(JOB_COLOUR, 3)
        pen.setCosmetic(True)
        fill = QColor(JOB_COLOUR)
        fill.setAlpha(90)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        for rect, _ in self.rects:
            painter.drawRect(rect)
        badge = QColor(JOB_COLOUR)
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(11)
        for rect, gpus in self.rects:
            centre = painter.transform().map(rect.center())
            painter.save()
            painter.resetTransform()
            painter.setFont(font)
            box = QRectF(centre.x() - 16, centre.y() - 8, 32, 16)
            painter.setPen(Qt.NoPen)
            painter.setBrush(QBrush(badge))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(box, Qt.AlignCenter, str(gpus))
            painter.restore()


def job_racks(layout, assignment) -> JobRacks:
    """The overlay for an Assignment: each of its racks with the GPUs taken in it."""
    gpus: dict = {}
    for server, taken in assignment.servers:
        gpus[server.rack] = gpus.get(server.rack, 0) + len(taken)
    rects = []
    for rack_id, count in gpus.items():
        rack = layout.rack(rack_id)
        rects.append((QRectF(rack.position_m[0], rack.position_m[1], rack.size_m[0], rack.size_m[1]),
                      count))
    return JobRacks(rects)


class JobDialog(QDialog):
    """GPUs, power %, policy; Place runs in the background; the result stays on the plan."""

    def __init__(self, document, solve_settings, floor, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Place a Job")
        self.setMinimumWidth(460)
        self.document, self.solve_settings, self.floor = document, solve_settings, floor
        self.cache = ResultCache(16)
        self.watch = StudyWatch(self)
        self.placements = None              # (placed, first fit) of the last run
        self.gpus = QSpinBox()
        self.gpus.setRange(1, 1_000_000)
        self.gpus.setValue(64)
        self.power = QDoubleSpinBox()
        self.power.setRange(0.0, 100.0)
        self.power.setValue(90.0)
        self.power.setSuffix(" %")
        self.policy = QComboBox()
        for key, text in POLICIES:
            self.policy.addItem(text, key)
        self.policy.currentIndexChanged.connect(lambda _i: self.show_result())
        form = QFormLayout()
        form.addRow("GPUs", self.gpus)
        form.addRow("Power (of idle-to-max)", self.power)
        form.addRow("Policy", self.policy)
        self.place_button = QPushButton("Place")
        self.place_button.setDefault(True)
        self.place_button.clicked.connect(self.run)
        self.run_row = RunRow(self.place_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.status = QLabel("How many GPUs, at what power? Then Place.")
        self.status.setWordWrap(True)
        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.run_row)
        box.addWidget(self.status)
        box.addWidget(self.summary)
        self.run_row.bind(self.watch, self.status, "solving the candidate placements…")
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(lambda _event, _command: self.forget())
        document.sigReplaced.connect(self.forget)

    def run(self) -> None:
        from twin.capacity import place_job
        layout, gpus, power = copy.deepcopy(self.document.layout), self.gpus.value(), self.power.value()
        self.forget()
        runner = Runner(self.solve_settings().accurate_cell_m, "preview", cache=self.cache)
        self.watch.start(lambda r: place_job(layout, gpus, r, power), runner)

    def _on_finished(self, outcome: str, value) -> None:
        if outcome != "done":
            self.status.setText("cancelled" if outcome == "cancelled" else f"cannot place: {value}")
            self.status.setStyleSheet("" if outcome == "cancelled" else "color: #e0203c;")
            return
        self.placements = value
        self.show_result()

    def chosen(self):
        """The assignment of the chosen policy (None before a run)."""
        if self.placements is None:
            return None
        placed, naive = self.placements
        return placed if self.policy.currentData() == "thermal" else naive

    def show_result(self) -> None:
        job = self.chosen()
        if job is None:
            return
        self.floor.set_overlay([job_racks(self.document.layout, job)])
        placed, naive = self.placements
        gain = naive.hottest_intake_c - placed.hottest_intake_c
        self.status.setText(f"{job.gpus} GPUs on {len(job.servers)} servers in {len(job.racks)} "
                            f"racks, outlined on the plan ({self.policy.currentText().lower()}).")
        self.summary.setText(
            f"hottest intake {job.hottest_intake_c:.1f} °C ({job.hottest_rack}), cooling "
            f"{job.cooling_kw:.1f} kW, total {job.facility_kw:.1f} kW; {job.domains} fabric "
            f"domain(s), at most {job.max_hops} switch hops.<br>The thermal-aware placement is "
            f"{gain:.1f} K {'cooler' if gain >= 0 else 'warmer'} than first fit (preview model).")

    def forget(self) -> None:
        """Results were for the layout as it was."""
        if self.watch.busy:
            self.watch.cancel()
        if self.placements is not None:
            self.floor.set_overlay([])
        self.placements = None
        self.summary.setText("")

    def done(self, code: int) -> None:
        self.watch.cancel()
        super().done(code)


def add_job_action(window, button=None) -> QAction:
    """Solve › Place a Job… (and `button`) open the dialog, one per window."""
    def open_dialog() -> None:
        if getattr(window, "job_dialog", None) is None:
            window.job_dialog = JobDialog(window.document, lambda: window.solver.settings,
                                          window.floor, window)
        window.job_dialog.show()
        window.job_dialog.raise_()
    action = QAction("Place a &Job…", window)
    action.setStatusTip("choose servers with free GPUs for a job and outline them on the plan")
    action.triggered.connect(open_dialog)
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "Solve":
            menu_action.menu().addSeparator()
            menu_action.menu().addAction(action)
    if button is not None:
        button.clicked.connect(open_dialog)
    window.acts.place_job = action
    return action
