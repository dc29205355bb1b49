"""StudyWatch: a dock's one background study and its outcomes."""
import threading
import types

import pytest

from twin.gui.study_watch import StudyWatch
from twin.thermal import SolveCancelled


def fake_runner():
    return types.SimpleNamespace(progress=None, cancel=None)


def waiting_work(release: threading.Event, answer):
    """Work that reports progress, then waits for `release` or a cancel."""
    def work(runner):
        runner.progress(0.5, "half way")
        while not release.wait(0.01):
            if runner.cancel():
                raise SolveCancelled("cancelled")
        return answer
    return work


@pytest.fixture
def watch(qtbot):
    w = StudyWatch()
    yield w
    w.shutdown(5.0)


def outcomes_of(watch):
    seen = []
    watch.sigFinished.connect(lambda outcome, value: seen.append((outcome, value)))
    return seen


def test_a_new_request_replaces_the_running_one(watch, qtbot):
    seen = outcomes_of(watch)
    first, second = threading.Event(), threading.Event()
    watch.start(waiting_work(first, "old"), fake_runner())
    watch.start(waiting_work(second, "new"), fake_runner())
    second.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    first.set()
    qtbot.wait(200)
    assert seen == [("done", "new")]          # the replaced study never reports
    assert not watch.busy and watch.elapsed_s > 0


def test_cancel_and_failure_are_reported_in_one_line(watch, qtbot):
    seen = outcomes_of(watch)
    watch.start(waiting_work(threading.Event(), None), fake_runner())
    watch.cancel()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)

    def bad(runner):
        raise ValueError("rack power must be positive")
    watch.start(bad, fake_runner())
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen == [("cancelled", "cancelled"), ("failed", "rack power must be positive")]
