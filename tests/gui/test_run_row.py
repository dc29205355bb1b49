"""RunRow: a dock's run buttons, Cancel and progress bar, driven by its StudyWatch."""
import threading

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from twin.gui.run_row import PROGRESS_STEPS, RunRow
from twin.gui.study_watch import StudyWatch
from test_study_watch import fake_runner, waiting_work


@pytest.fixture
def watch(qtbot):
    w = StudyWatch()
    yield w
    w.shutdown(5.0)


def test_bound_row_follows_the_study(watch, qtbot):
    run, other, status = QPushButton("Run"), QPushButton("Grow"), QLabel()
    row = RunRow(run, other)
    qtbot.addWidget(row)
    row.show()
    assert run.isEnabled() and other.isEnabled() and not row.cancel_button.isEnabled()
    assert not row.progress.isVisible() and row.progress.maximum() == PROGRESS_STEPS
    status.setStyleSheet("color: red;")              # an earlier error
    row.bind(watch, status, "working…")
    release = threading.Event()
    watch.start(waiting_work(release, 1), fake_runner())
    assert not run.isEnabled() and not other.isEnabled() and row.cancel_button.isEnabled()
    assert row.progress.isVisible() and status.text() == "working…" and status.styleSheet() == ""
    qtbot.waitUntil(lambda: row.progress.value() == PROGRESS_STEPS // 2, timeout=5000)
    assert row.progress.toolTip() == "half way"
    row.cancel_button.click()                        # the row's Cancel stops the study
    qtbot.waitUntil(lambda: not watch.busy, timeout=5000)
    assert run.isEnabled() and other.isEnabled() and not row.cancel_button.isEnabled()
    assert not row.progress.isVisible()


def test_cancel_can_hide_while_idle(qtbot):
    row = RunRow(hide_cancel_when_idle=True)
    qtbot.addWidget(row)
    row.show()
    assert row.run_button is None and not row.cancel_button.isVisible()
    row.set_busy(True)
    row.set_fraction(0.25, "a quarter")
    assert row.cancel_button.isVisible() and row.cancel_button.isEnabled()
    assert row.progress.value() == PROGRESS_STEPS // 4 and row.progress.toolTip() == "a quarter"
    row.set_busy(False)
    assert not row.cancel_button.isVisible() and not row.progress.isVisible()
