"""Background solves on two worker threads: the preview, then the accurate model.

The GUI thread only copies the layout and receives results through queued
signals. A job runs its preview on one thread and is then handed to the
accurate model's thread, so the preview of a new edit starts at once even
while the accurate model is finishing the iteration in which it noticed the
cancel flag of an older job (it checks it every iteration). Results of stale
jobs are dropped.
"""
from __future__ import annotations

import copy
import time
import traceback
from typing import Optional

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from threadpoolctl import threadpool_limits

from twin.gui.solve_job import Job, SolveSettings, SolveUpdate, run_accurate, run_preview
from twin.model import Layout
from twin.thermal import SolveCancelled, SolverError


class StageWorker(QObject):
    """Lives on a solver thread and runs one stage ("preview" or "accurate") of each job."""

    sigUpdate = Signal(object)             # SolveUpdate
    sigProgress = Signal(int, float, str)  # job id, fraction, message
    sigDone = Signal(int, str, str)        # job id, "final" | "cancelled" | "failed", message
    sigNext = Signal(object)               # the job, for the next stage

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage
        self._warm = None                  # last accurate-model state, for warm starts

    @Slot(object)
    def run(self, job: Job) -> None:
        if job.cancelled():
            self.sigDone.emit(job.job_id, "cancelled", "")
            return
        try:
            with threadpool_limits(limits=1):
                self._run_stage(job)
            if self.stage == "preview" and job.settings.model == "accurate":
                self.sigNext.emit(job)
                return
            outcome, message = "final", ""
        except SolveCancelled:
            outcome, message = "cancelled", ""
        except SolverError as exc:
            outcome, message = "failed", str(exc)
        except Exception as exc:          # keep the thread alive; the message reaches the status bar
            traceback.print_exc()
            outcome, message = "failed", f"internal error: {type(exc).__name__}: {exc}"
        self.sigDone.emit(job.job_id, outcome, message)

    def _run_stage(self, job: Job) -> None:
        if self.stage == "preview":
            run_preview(job, self.sigUpdate.emit)
            return
        progress = lambda fraction, message: self.sigProgress.emit(job.job_id, fraction, message)  # noqa: E731
        try:
            run_accurate(job, self.sigUpdate.emit, progress, self._warm)
        finally:
            if job.state is not None:
                self._warm = job.state


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
        self._threads, self._workers = [], {}
        for stage in ("preview", "accurate"):
            thread, worker = QThread(), StageWorker(stage)
            thread.setObjectName(f"dctwin-{stage}")
            worker.moveToThread(thread)
            worker.sigUpdate.connect(self._on_update)
            worker.sigProgress.connect(self._on_progress)
            worker.sigDone.connect(self._on_done)
            thread.start()
            self._threads.append(thread)
            self._workers[stage] = worker
        self._workers["preview"].sigNext.connect(self._workers["accurate"].run)
        self._sigSubmit.connect(self._workers["preview"].run)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start_pending)

    def schedule(self, layout: Layout) -> None:
        """Solve `layout` soon; cancels the running solve now.

        The first edit after a quiet spell starts at once; edits that follow
        within the debounce delay are merged into one solve after the last.
        """
        self._pending = (copy.deepcopy(layout), time.perf_counter())
        self._cancel_job()
        self._set_busy(True)
        burst = self._timer.isActive()
        self._timer.start(self.settings.debounce_ms)
        if not burst:
            self._start_pending()

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
        for thread in self._threads:
            thread.quit()
        for thread in self._threads:
            thread.wait(wait_ms)

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
