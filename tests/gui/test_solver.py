"""Background solves: preview then streamed accurate results, cancel, debounce, responsiveness."""
import time

import pytest
from PySide6.QtCore import QElapsedTimer, QThread, QTimer

from conftest import ACCURATE, FAST, wait_solved
from twin import commands as C
from twin.gui.solve_job import Job, SolveSettings, preview_cell_m, run_job
from twin.gui.solver import SolveController
from twin.model import bundled_layout, load_layout


@pytest.fixture
def controller(qtbot):
    c = SolveController(ACCURATE)
    yield c
    c.shutdown()


@pytest.fixture
def layout():
    return load_layout(bundled_layout("small_room"))


def collect(controller):
    seen = {"updates": [], "finished": []}
    controller.sigUpdate.connect(seen["updates"].append)
    controller.sigFinished.connect(lambda outcome, message: seen["finished"].append((outcome, message)))
    return seen


def test_preview_grid_keeps_the_cell_count_down(layout):
    assert preview_cell_m(layout, 4000) == 0.3           # 20 x 20 x 10 cells
    assert preview_cell_m(layout, 100_000) == 0.2        # never finer than the accurate grid
    hall = load_layout(bundled_layout("air_hall"))
    assert preview_cell_m(hall, 12_000) == 0.4


def test_run_job_emits_preview_then_live_then_final(layout):
    phases = []
    job = Job(1, layout, SolveSettings(model="accurate", accurate_cell_m=0.4, snapshot_every_s=0.1))
    run_job(job, lambda u: phases.append((u.phase, u.result.model)), lambda f, m: None)
    assert phases[0] == ("preview", "preview")
    assert phases[-1] == ("final", "accurate")
    assert ("running", "accurate") in phases
    assert job.state is not None


def test_controller_streams_and_finishes_off_the_gui_thread(controller, layout, qtbot):
    seen = collect(controller)
    threads = []
    for worker in controller._workers.values():
        worker.sigUpdate.connect(lambda u: threads.append(QThread.currentThread()), type=pg_direct())
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: bool(seen["finished"]), timeout=60_000)
    phases = [u.phase for u in seen["updates"]]
    assert phases[0] == "preview" and phases[-1] == "final" and "running" in phases
    assert seen["finished"] == [("final", "")]
    assert threads and all(t is not QThread.currentThread() for t in threads)
    assert len(set(threads)) == 2          # the preview and the accurate model each have a thread
    assert not controller.busy


def pg_direct():
    from PySide6.QtCore import Qt
    return Qt.DirectConnection


def test_cancel_stops_a_running_solve_quickly(controller, layout, qtbot):
    seen = collect(controller)
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: any(u.phase == "running" for u in seen["updates"]), timeout=60_000)
    job = controller._job
    started = time.perf_counter()
    controller.cancel()
    assert job.cancel.is_set() and not controller.busy
    assert seen["finished"][-1][0] == "cancelled"
    # the worker gives up within a few iterations and is free for the next job
    controller.set_settings(FAST)
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: seen["finished"][-1][0] == "final", timeout=20_000)
    assert time.perf_counter() - started < 5.0


def test_a_newer_edit_cancels_the_older_solve_and_its_results_are_dropped(controller, layout, qtbot):
    seen = collect(controller)
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: bool(seen["updates"]), timeout=20_000)
    first = controller._job
    C.CommandStack(layout).push(C.set_fields(layout, "A1", power_kw=15))
    controller.schedule(layout)
    assert first.cancel.is_set()
    qtbot.waitUntil(lambda: bool(seen["finished"]) and seen["finished"][-1][0] == "final", timeout=60_000)
    last_job = controller._next_id
    late = [u for u in seen["updates"] if u.job_id != first.job_id]
    assert late and all(u.job_id == last_job for u in late)
    assert all(u.job_id in (first.job_id, last_job) for u in seen["updates"])
    assert seen["updates"][-1].layout.rack("A1").power_kw == 15
    assert len(seen["finished"]) == 1             # the cancelled job never reports


def test_a_burst_of_edits_is_debounced_into_one_more_solve(qtbot, layout):
    controller = SolveController(SolveSettings(model="preview", preview_max_cells=4000, debounce_ms=300))
    try:
        seen = collect(controller)
        for power in (6, 7, 8, 9):
            layout.rack("A1").power_kw = power
            controller.schedule(layout)
        assert controller._next_id == 1                 # the first edit started at once
        qtbot.waitUntil(lambda: bool(seen["finished"]), timeout=20_000)
        assert controller._next_id == 2                 # the other three became one solve
        assert [u.layout.rack("A1").power_kw for u in seen["updates"]] == [9]
    finally:
        controller.shutdown()


def test_warm_start_takes_the_previous_fields(controller, layout, qtbot):
    seen = collect(controller)
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: bool(seen["finished"]), timeout=60_000)
    cold = seen["updates"][-1].iterations
    C.CommandStack(layout).push(C.set_fields(layout, "B2", power_kw=5.5))
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: len(seen["finished"]) == 2, timeout=60_000)
    warm = seen["updates"][-1].iterations
    assert seen["finished"][-1] == ("final", "")
    assert warm < cold


def test_gui_thread_stays_responsive_during_an_accurate_solve(controller, layout, qtbot):
    seen = collect(controller)
    gaps, clock = [], QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.timeout.connect(lambda: (gaps.append(clock.restart())))
    timer.start(10)
    controller.solve_now(layout)
    qtbot.waitUntil(lambda: sum(u.phase == "running" for u in seen["updates"]) >= 3, timeout=60_000)
    timer.stop()
    controller.cancel()
    assert len(gaps) > 20
    assert max(gaps[2:]) < 300, f"GUI thread blocked for {max(gaps)} ms"


def test_a_room_without_cooling_reports_why(window, qtbot):
    window.document.execute(C.set_fields(window.document.layout, "CRAH-1", state="failed"))
    qtbot.waitUntil(lambda: "cannot solve" in window.solve_label.text(), timeout=20_000)
    assert "no running cooling unit" in window.solve_label.text()
    window.document.undo()
    wait_solved(qtbot, window)
    assert window.solve_label.text().startswith("preview result")


def test_cancel_from_the_solve_menu(make_window, qtbot):
    window = make_window(solve=ACCURATE)
    qtbot.waitUntil(lambda: window.latest is not None and window.latest.phase != "final", timeout=20_000)
    assert window.solver.busy and window.progress.isVisible()
    window.acts.cancel.trigger()
    assert not window.solver.busy and window.solve_label.text() == "solve cancelled"
    assert not window.progress.isVisible()
    window.acts.solve.trigger()                         # F5 starts again
    assert window.solver.busy
