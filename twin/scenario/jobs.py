"""Studies in the background (Qt-free): a worker thread with progress and cancel.

    job = StudyJob(lambda runner: sweep(layout, runner), Runner(0.3, "preview"))
    job.start()
    job.progress            # (fraction, message) of the latest report
    job.cancel()            # the solver stops at its next check (SolveCancelled)
    job.wait(); job.result()

The desktop app polls `progress` and `done` from a timer; a script may `wait()`.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional


class StudyJob:
    """Runs `work(runner)` on a thread; the runner's progress and cancel are wired to the job."""

    def __init__(self, work: Callable[[Any], Any], runner):
        self.work, self.runner = work, runner
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._result: Any = None
        self._error: Optional[BaseException] = None
        self.progress: tuple[float, str] = (0.0, "")
        runner.progress = self._report
        runner.cancel = self._cancel.is_set
        self._thread = threading.Thread(target=self._run, name="dctwin-study", daemon=True)

    def _report(self, fraction: float, message: str = "") -> None:
        self.progress = (float(fraction), message)

    def _run(self) -> None:
        try:
            self._result = self.work(self.runner)
        except BaseException as exc:          # handed to the caller by result()
            self._error = exc
        finally:
            self._done.set()

    def start(self) -> "StudyJob":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout_s: Optional[float] = None) -> bool:
        return self._done.wait(timeout_s)

    def result(self):
        """The work's return value; re-raises its exception (SolveCancelled when cancelled)."""
        if not self.done:
            raise RuntimeError("the study is still running")
        if self._error is not None:
            raise self._error
        return self._result
