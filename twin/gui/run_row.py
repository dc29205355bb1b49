"""The run controls every dock with background work shows: its run button(s), Cancel
and a progress bar, in one row.

Idle: the run buttons are enabled, Cancel is disabled (or hidden) and the bar is
hidden. Busy: the other way round, and the bar shows the fraction done (0..1 on
a 0..PROGRESS_STEPS scale) with the latest progress message as its tooltip.

With a `StudyWatch` (the usual case) one call wires everything::

    self.run_row = RunRow(QPushButton("Find places"))
    self.run_row.bind(self.watch, self.status, "ranking free positions…")
    box.addWidget(self.run_row)

Work driven some other way (a CFD run, a tagged `StudyRunner`) calls `set_busy`
and `set_fraction` itself and connects `cancel_button.clicked` to its cancel.
The row's widgets stay public (`run_button`, `run_buttons`, `cancel_button`,
`progress`) so a dock can name, enable or re-range them.
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

PROGRESS_STEPS = 1000      # the bar's range: 0.1 % per step


class RunRow(QWidget):
    """`run_buttons`, then Cancel, then the progress bar, in a margin-less row."""

    def __init__(self, *run_buttons: QPushButton, hide_cancel_when_idle: bool = False, parent=None):
        super().__init__(parent)
        self.run_buttons = tuple(run_buttons)
        self.run_button = self.run_buttons[0] if self.run_buttons else None
        self.hide_cancel_when_idle = hide_cancel_when_idle
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (*self.run_buttons, self.cancel_button, self.progress):
            row.addWidget(widget)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """Run buttons off and Cancel on with the bar shown while busy; the reverse when idle."""
        for button in self.run_buttons:
            button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        if self.hide_cancel_when_idle:
            self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)

    def set_fraction(self, fraction: float, message: str = "") -> None:
        """Show `fraction` (0..1) done; `message` becomes the bar's tooltip."""
        self.progress.setValue(int(fraction * PROGRESS_STEPS))
        self.progress.setToolTip(message)

    def bind(self, watch, status: QLabel, busy_text: str) -> None:
        """Let `watch` (a StudyWatch) drive the row; Cancel cancels its study.

        When a study starts, `status` is cleared of any error style and shows `busy_text`;
        what it says when the study ends is the dock's business (`watch.sigFinished`).
        """
        self.cancel_button.clicked.connect(watch.cancel)

        def on_busy(busy: bool) -> None:
            self.set_busy(busy)
            if busy:
                status.setStyleSheet("")
                status.setText(busy_text)

        watch.sigBusy.connect(on_busy)
        watch.sigProgress.connect(self.set_fraction)
