"""Many drags in a row: no crash, no growth of items, memory or pending solves."""
import gc
import resource
import tracemalloc

from conftest import wait_solved
from mouse import drag

SPOTS = [(0.6, 0.0), (1.8, 0.0), (4.8, 0.6), (4.8, 4.2), (1.2, 3.6), (3.0, 1.2)]   # the last overlaps A2


def scripted_drag(floor, item_id, corner):
    """What a rack item reports during a mouse drag: start, a few moves, finish."""
    floor.drag_started(item_id)
    x, y = corner
    for step in (0.3, 0.6, 0.9):
        floor.drag_moved(item_id, (x * step, y * step))
    floor.drag_finished(item_id, corner)


def drags(window, qtbot, n):
    for i in range(n):
        scripted_drag(window.floor, "A1", SPOTS[i % len(SPOTS)])
        if i % 50 == 0:
            qtbot.wait(1)


def test_a_thousand_drags_without_a_crash_or_growth(window, qtbot):
    drags(window, qtbot, 100)                            # warm up caches and the command stack
    gc.collect()
    scene_items = len(window.floor.scene().items())
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    drags(window, qtbot, 900)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    steps = len(window.document.stack)
    assert steps == 1000 - 1000 // 6                     # one step per drop, none for the refused ones
    assert len(window.floor.scene().items()) == scene_items
    # the undo history keeps a few hundred bytes per step; anything else would be a leak
    assert grown < 900 * 2_000, f"Python memory grew by {grown / 1e6:.1f} MB over 900 drags"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before_kb < 60_000
    for _ in range(10):                                  # real mouse drags on top
        a1 = window.document.layout.rack("A1")
        start = (a1.position_m[0] + 0.3, a1.position_m[1] + 0.6)
        drag(window.floor, start, (start[0] + 0.6, start[1]))
        drag(window.floor, (start[0] + 0.6, start[1]), start)
    result = wait_solved(qtbot, window)
    assert result.layout == window.document.layout, window.solve_label.text()  # the last edit was solved
    while window.document.stack.can_undo():
        window.document.undo()
    assert window.document.layout.rack("A1").position_m == (2.4, 1.2)
    assert not window.isWindowModified()
