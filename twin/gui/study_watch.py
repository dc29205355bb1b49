"""One study at a time for a dock, on top of `StudyRunner`, with untagged signals;
`twin.gui.run_row.RunRow.bind` drives the dock's run / cancel buttons, progress
bar and status line from them.

A new request replaces a running one (the old study is cancelled), since a
dock only ever shows its latest question.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from twin.gui.study_runner import StudyRunner


class StudyWatch(QObject):
    """sigFinished(outcome, value): "done" (value: the work's result), "cancelled"
    or "failed" (value: the one-line reason)."""

    sigProgress = Signal(float, str)       # fraction 0..1, message
    sigFinished = Signal(str, object)
    sigBusy = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runner = StudyRunner(self)
        self.runner.sigProgress.connect(lambda _tag, fraction, message: self.sigProgress.emit(fraction, message))
        self.runner.sigBusy.connect(self.sigBusy)
        self.runner.sigFinished.connect(self._finished)

    @property
    def busy(self) -> bool:
        return self.runner.busy

    @property
    def elapsed_s(self) -> float:
        """Wall time of the last finished study."""
        return self.runner.elapsed_s

    def start(self, work: Callable, runner) -> None:
        """Run `work(runner)` in the background (a running study is cancelled first)."""
        self.runner.start("study", work, runner, replace=True)

    def cancel(self) -> None:
        """Ask the running study to stop; it reports "cancelled" when the solver notices."""
        self.runner.cancel()

    def shutdown(self, wait_s: float = 10.0) -> None:
        """Cancel and wait for the worker (before the window closes)."""
        self.runner.shutdown(wait_s)

    def _finished(self, _tag: str, outcome: str, value, message: str) -> None:
        self.sigFinished.emit(outcome, value if outcome == "done" else message)
