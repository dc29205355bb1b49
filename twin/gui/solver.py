"""Background solves: a worker thread runs `solve_job.run_job`; edits are debounced.

The GUI thread only copies the layout and receives results through queued
signals. A newer request cancels the running job at once (the job polls its
flag every solver iteration), and results of stale jobs are dropped.
"""
from __future__ import annotations

import copy
import time
import traceback
from typing import Optional

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from twin.gui.solve_job import Job, SolveSettings, SolveUpdate, run_job
from twin.model import Layout
from twin.thermal import SolveCancelled, SolverError


class SolveWorker(QObject):
    """Lives on the solver thread; runs one job at a time and reports by signals."""

    sigUpdate = Signal(object)            # SolveUpdate
    sigProgress = Signal(int, float, str)  # job id, fraction, message
    sigDone = Signal(int, str, str)        # job id, "final" | "cancelled" | "failed", message

    def __init__(self) -> None:
        super().__init__()
        self._warm = None                  # last accurate-model state, for warm starts

    @Slot(object)
    def run(self, job: Job) -> None:
        if job.cancelled():
            self.sigDone.emit(job.job_id, "cancelled", "")
            return
        progress = lambda fraction, message: self.sigProgress.emit(job.job_id, fraction, message)  # noqa: E731
        try:
            run_job(job, self.sigUpdate.emit, progress, self._warm)
            outcome, message = "final", ""
        except SolveCancelled:
            outcome, message = "cancelled", ""
        except SolverError as exc:
            outcome, message = "failed", str(exc)
        except Exception as exc:          # keep the thread alive; the message reaches the status bar
            traceback.print_exc()
            outcome, message = "failed", f"internal error: {type(exc).__name__}: {exc}"
        if job.state is not None:
            self._warm = job.state
        self.sigDone.emit(job.job_id, outcome, message)


class SolveController(QObject):
    """Debounces solve requests from the GUI thread and keeps only the newest job alive."""

    sigUpdate = Signal(object)        # SolveUpdate of the current job
    sigProgress = Signal(float, str)
    sigFinished = Signal(str, str)    # outcome, message (current job only)
    sigBusy = Signal(bool)
    _sigSubmit = Signal(object)

    def __init__(self, settings: Optional[SolveSettings] = None, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings or SolveSettings()
        self._job: Optional[Job] = None
        self._pending: Optional[tuple[Layout, float]] = None
        self._next_id = 0
        self.busy = False
        self._thread = QThread()
        self._thread.setObjectName("dctwin-solver")
        self._worker = SolveWorker()
        self._worker.moveToThread(self._thread)
        self._sigSubmit.connect(self._worker.run)
        self._worker.sigUpdate.connect(self._on_update)
        self._worker.sigProgress.connect(self._on_progress)
        self._worker.sigDone.connect(self._on_done)
        self._thread.start()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_pending)

    def schedule(self, layout: Layout) -> None:
        """Solve `layout` after the debounce delay; cancels the running solve now."""
        self._pending = (copy.deepcopy(layout), time.perf_counter())
        self._cancel_job()
        self._timer.start(self.settings.debounce_ms)
        self._set_busy(True)

    def solve_now(self, layout: Layout) -> None:
        self.schedule(layout)
        self._timer.stop()
        self._start_pending()

    def cancel(self) -> None:
        """Stop the running solve and forget any pending request."""
        self._timer.stop()
        self._pending = None
        self._cancel_job()
        if self.busy:
            self.sigFinished.emit("cancelled", "")
        self._set_busy(False)

    def set_settings(self, settings: SolveSettings) -> None:
        self.settings = settings

    def shutdown(self, wait_ms: int = 10_000) -> None:
        """Cancel everything and stop the thread (call before the app quits)."""
        self._timer.stop()
        self._pending = None
        self._cancel_job()
        self._thread.quit()
        self._thread.wait(wait_ms)

    @property
    def job_id(self) -> int:
        return self._job.job_id if self._job is not None else -1

    def _cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel.set()
            self._job = None

    def _start_pending(self) -> None:
        if self._pending is None:
            return
        layout, submitted_s = self._pending
        self._pending = None
        self._next_id += 1
        self._job = Job(self._next_id, layout, self.settings, submitted_s)
        self._sigSubmit.emit(self._job)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.sigBusy.emit(busy)

    def _on_update(self, update: SolveUpdate) -> None:
        if update.job_id == self.job_id:
            self.sigUpdate.emit(update)

    def _on_progress(self, job_id: int, fraction: float, message: str) -> None:
        if job_id == self.job_id:
            self.sigProgress.emit(fraction, message)

    def _on_done(self, job_id: int, outcome: str, message: str) -> None:
        if job_id != self.job_id:
            return
        self._job = None
        self._set_busy(False)
        self.sigFinished.emit(outcome, message)
