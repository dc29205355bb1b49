"""A study on a worker thread, watched from the GUI thread: progress, cancel, the answer.

The work runs in a `twin.scenario.jobs.StudyJob` (a plain thread, Qt-free);
a timer on the GUI thread polls its progress and hands the outcome over as a
signal, so the GUI thread never waits for a solve.
"""
from __future__ import annotations

import time
import traceback
from typing import Callable, Optional

from PySide6.QtCore import QObject, QTimer, Signal

from twin.scenario.jobs import StudyJob
from twin.thermal import SolveCancelled, SolverError

POLL_MS = 50


class StudyWatch(QObject):
    """Runs one study at a time; sigFinished(outcome, value) with outcome
    "done" (value: the work's result), "cancelled" or "failed" (value: the reason)."""

    sigProgress = Signal(float, str)       # fraction 0..1, message
    sigFinished = Signal(str, object)
    sigBusy = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.job: Optional[StudyJob] = None
        self.started_s = 0.0
        self.elapsed_s = 0.0                # of the last finished study
        self._shown = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, work: Callable, runner) -> None:
        """Run `work(runner)` in the background (a running study is cancelled first)."""
        self.cancel()
        self.job = StudyJob(work, runner).start()
        self.started_s = time.perf_counter()
        self._shown = None
        self._timer.start()
        self.sigBusy.emit(True)
        self.sigProgress.emit(0.0, "starting")

    def cancel(self) -> None:
        """Ask the running study to stop; it reports "cancelled" when the solver notices."""
        if self.job is not None:
            self.job.cancel()

    def _poll(self) -> None:
        job = self.job
        if job is None:
            self._timer.stop()
            return
        if job.progress != self._shown:
            self._shown = job.progress
            self.sigProgress.emit(*job.progress)
        if not job.done:
            return
        self._timer.stop()
        self.job = None
        self.elapsed_s = time.perf_counter() - self.started_s
        try:
            outcome, value = "done", job.result()
        except SolveCancelled:
            outcome, value = "cancelled", "cancelled"
        except (SolverError, ValueError) as exc:
            outcome, value = "failed", str(exc)
        except Exception as exc:              # keep the window alive; say what happened
            traceback.print_exception(exc)
            outcome, value = "failed", f"internal error: {type(exc).__name__}: {exc}"
        self.sigBusy.emit(False)
        self.sigFinished.emit(outcome, value)
