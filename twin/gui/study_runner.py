"""Running what-if studies off the GUI thread: one `StudyJob` at a time, polled by a timer.

The study itself runs on the job's thread (solves, comparison, report files);
an optional last step (`then`, e.g. report.pdf, which Qt's text layout wants on
a thread with an event loop) runs on a QThread. The GUI thread only polls
`job.progress` and `job.done` every POLL_MS, so it never waits for a solve.
"""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from twin.scenario import ResultCache, ScenarioError
from twin.scenario.jobs import StudyJob
from twin.thermal import SolveCancelled, SolverError

POLL_MS = 50
USER_ERRORS = (ScenarioError, SolverError, OSError, ValueError)   # shown as their one-line message


class StepThread(QThread):
    """Runs `fn(value)` once; keeps its return value or exception."""

    def __init__(self, fn: Callable[[Any], Any], value: Any, parent=None):
        super().__init__(parent)
        self.fn, self.value = fn, value
        self.result: Any = None
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            self.result = self.fn(self.value)
        except BaseException as exc:          # handed to the GUI thread by the poll
            self.error = exc


def error_text(exc: BaseException) -> str:
    """One line for the user; unexpected errors also print their traceback on stderr."""
    if isinstance(exc, USER_ERRORS):
        return str(exc)
    traceback.print_exception(type(exc), exc, exc.__traceback__)
    return f"internal error: {type(exc).__name__}: {exc}"


class StudyRunner(QObject):
    """One background study at a time, with progress, cancel and a shared result cache."""

    sigProgress = Signal(str, float, str)          # tag, fraction 0..1, message
    sigFinished = Signal(str, str, object, str)    # tag, "done"|"cancelled"|"failed", value, message
    sigBusy = Signal(bool)

    def __init__(self, parent=None, cache: Optional[ResultCache] = None):
        super().__init__(parent)
        self.cache = cache if cache is not None else ResultCache()
        self.job: Optional[StudyJob] = None
        self.tag = ""
        self.started_s = 0.0
        self.elapsed_s = 0.0                       # of the last finished study
        self._then: Optional[Callable[[Any], Any]] = None
        self._step: Optional[StepThread] = None
        self._value: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, tag: str, work: Callable, runner, then: Optional[Callable] = None,
              replace: bool = False) -> bool:
        """Run `work(runner)` on a thread, then `then(value)` on a QThread; False when busy.

        With `replace`, a running study is cancelled and forgotten instead (its
        thread ends on its own; no signal reports it).
        """
        if self.busy and replace and self._step is None:
            self.job.cancel()
            self.job = None
        if self.busy:
            return False
        self.tag, self._then = tag, then
        self.started_s = time.perf_counter()
        self.job = StudyJob(work, runner).start()
        self.sigBusy.emit(True)
        self.sigProgress.emit(tag, 0.0, "starting")
        self._timer.start()
        return True

    def cancel(self) -> None:
        """Ask the solver to stop at its next check; the last step (a file) is not interrupted."""
        if self.job is not None:
            self.job.cancel()

    def shutdown(self, wait_s: float = 10.0) -> None:
        """Cancel and wait for the threads (before the window closes)."""
        self._timer.stop()
        if self.job is not None:
            self.job.cancel()
            self.job.wait(wait_s)
        if self._step is not None:
            self._step.wait(int(wait_s * 1000))
        self.job = self._step = None

    def _poll(self) -> None:
        job = self.job
        if job is None:
            self._timer.stop()
            return
        if self._step is not None:
            if self._step.isFinished():
                self._finish_step()
            return
        fraction, message = job.progress
        self.sigProgress.emit(self.tag, fraction, message)
        if not job.done:
            return
        try:
            value = job.result()
        except SolveCancelled:
            self._end("cancelled", None, "cancelled")
            return
        except BaseException as exc:
            self._end("failed", None, error_text(exc))
            return
        if self._then is None:
            self._end("done", value, "")
            return
        self._value = value
        self.sigProgress.emit(self.tag, 0.97, "writing report.pdf")
        self._step = StepThread(self._then, value, self)
        self._step.start()

    def _finish_step(self) -> None:
        step, self._step = self._step, None
        step.wait()
        if step.error is not None:
            self._end("failed", None, error_text(step.error))
        else:
            self._end("done", (self._value, step.result), "")
        step.deleteLater()

    def _end(self, outcome: str, value: Any, message: str) -> None:
        self._timer.stop()
        self.elapsed_s = time.perf_counter() - self.started_s
        tag = self.tag
        self.job, self._value = None, None
        self.sigBusy.emit(False)
        self.sigFinished.emit(tag, outcome, value, message)
