"""The Capacity dock and the Place a Job dialog: the ranking and the rows' headroom equal the
engine's, candidates on the plan, Apply is one undo step that also cords and serves the racks,
the growth chart, cancel, and the job's servers drawn on the plan for either policy."""
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from capacity_rooms import room as capacity_room, room_text  # noqa: E402
from job_rooms import job_room, job_room_text  # noqa: E402
from twin.capacity import grow, parse_growth, place_job, plan_capacity, stranded_table  # noqa: E402
from twin.capacity.plan import Request  # noqa: E402
from twin.gui.candidate_items import CandidateOutline  # noqa: E402
from twin.gui.job_dialog import JobRacks  # noqa: E402
from twin.model import dump_layout  # noqa: E402
from twin.model.catalog import equipment_types  # noqa: E402
from twin.scenario import Runner  # noqa: E402

CELL_M = 0.3          # the FAST settings' grid, which the dock solves on


@pytest.fixture
def hall(make_window, qtbot, tmp_path):
    """The capacity test room (two 5 kW racks on an A/B chain, a leaf), the dock in front."""
    path = tmp_path / "capacity_room.yaml"
    path.write_text(room_text(ups_kw=75))
    window = make_window(path)
    window.capacity_dock.raise_()
    window.capacity.model.setCurrentText("test-gpu")
    return window


def wait_idle(qtbot, watch, timeout_ms=60_000):
    qtbot.waitUntil(lambda: not watch.busy, timeout=timeout_ms)


def test_find_places_equals_the_engine_and_draws_candidates_and_row_bars(hall, qtbot):
    panel = hall.capacity
    panel.count.setValue(1)
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    assert panel.watch.busy and panel.cancel_button.isEnabled()
    wait_idle(qtbot, panel.watch)
    layout = capacity_room(ups_kw=75)
    runner = Runner(CELL_M, "preview")
    plan = plan_capacity(layout, Request("test-gpu", 1), runner, top=5, screen=6, confirm=0)
    assert [s.positions_m for s in panel.plan.sites] == [s.positions_m for s in plan.sites]
    assert [s.binding.resource for s in panel.plan.sites] == [s.binding.resource for s in plan.sites]
    rows = stranded_table(layout, runner, equipment_types(layout)["test-gpu"])
    assert [r.as_dict() for r in panel.bars.rows] == [r.as_dict() for r in rows]
    assert panel.bars.rows[0].binding == "power"          # 30 kW of N-1 headroom binds row E
    overlay = hall.floor.overlay
    assert [o.rank for o in overlay] == list(range(1, len(plan.sites) + 1))
    assert all(isinstance(o, CandidateOutline) for o in overlay) and overlay[0].chosen
    first = plan.sites[0]
    assert (overlay[0].rects[0].x(), overlay[0].rects[0].y()) == pytest.approx(first.positions_m[0])
    assert f"binding {first.binding.resource}" in panel.list.item(0).text()
    assert hall.capacity_dock.toggleViewAction() in hall.acts.panels_menu.actions()


def test_apply_adds_the_racks_with_cords_and_leaf_in_one_undo_step(hall, qtbot):
    panel = hall.capacity
    layout = hall.document.layout
    before = dump_layout(layout)
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    wait_idle(qtbot, panel.watch)
    site = panel.chosen()
    assert panel.apply() and len(hall.document.stack) == 1
    (new,) = site.placed.rack_ids
    assert layout.rack(new).equipment[0].model == "test-gpu"
    assert any(new in pdu.racks for pdu in layout.power.pdus)            # corded
    assert any(new in leaf.served for leaf in layout.network.leaves)      # on a leaf
    assert hall.floor.overlay == [] and panel.list.count() == 0         # results were for before
    hall.document.undo()
    assert dump_layout(layout) == before


def test_growth_chart_shows_the_months_each_resource_runs_out(hall, qtbot):
    panel = hall.capacity
    panel.months.setValue(4)
    qtbot.mouseClick(panel.grow_button, Qt.LeftButton)
    wait_idle(qtbot, panel.watch)
    run = grow(capacity_room(ups_kw=75), parse_growth("1 x test-gpu per month"), 4,
               Runner(CELL_M, "preview"), screen=4)
    assert panel.growth.runs_out == run.runs_out and run.runs_out
    assert panel.chart.isVisible()
    for resource, month in run.runs_out.items():
        assert f"{resource} month {month}" in panel.status.text()
        curve = panel.chart.curves[resource]
        assert f"out: month {month}" in curve.name()
        assert list(curve.xData) == [m.month for m in run.months]


def test_cancel_and_layout_changes_drop_the_results(hall, qtbot):
    panel = hall.capacity
    panel.confirm.setValue(1)                          # the accurate re-solve takes longest
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    wait_idle(qtbot, panel.watch)
    assert panel.status.text() == "cancelled" and panel.plan is None
    panel.confirm.setValue(0)
    qtbot.mouseClick(panel.find_button, Qt.LeftButton)
    wait_idle(qtbot, panel.watch)
    assert panel.list.count() > 0
    from twin import commands as C
    hall.document.execute(C.move(hall.document.layout, "E2", (2.4, 1.2)))
    assert panel.list.count() == 0 and hall.floor.overlay == [] and not panel.apply_button.isEnabled()
    assert "layout changed" in panel.status.text()


@pytest.fixture
def jobs(make_window, tmp_path):
    path = tmp_path / "job_room.yaml"
    path.write_text(job_room_text())
    return make_window(path)


def test_place_a_job_draws_the_servers_of_either_policy(jobs, qtbot):
    jobs.acts.place_job.trigger()
    dialog = jobs.job_dialog
    assert dialog.isVisible()
    dialog.gpus.setValue(64)
    qtbot.mouseClick(dialog.place_button, Qt.LeftButton)
    assert dialog.watch.busy and dialog.cancel_button.isEnabled()
    wait_idle(qtbot, dialog.watch)
    placed, naive = place_job(job_room(), 64, Runner(CELL_M, "preview"), 90.0)

    def drawn():
        (item,) = jobs.floor.overlay
        assert isinstance(item, JobRacks)
        return {(round(r.x(), 3), round(r.y(), 3)): gpus for r, gpus in item.rects}

    def expected(assignment):
        layout, out = job_room(), {}
        for server, taken in assignment.servers:
            x, y = layout.rack(server.rack).position_m
            out[(round(x, 3), round(y, 3))] = out.get((round(x, 3), round(y, 3)), 0) + len(taken)
        return out

    assert drawn() == expected(placed) and sum(drawn().values()) == 64
    assert f"{placed.hottest_intake_c:.1f} °C" in dialog.summary.text()
    dialog.policy.setCurrentIndex(dialog.policy.findData("first-fit"))
    assert not dialog.watch.busy                              # no new solve to switch
    assert drawn() == expected(naive)                          # H1 and H2, the hot corner
    assert f"{naive.hottest_intake_c:.1f} °C" in dialog.summary.text()


def test_a_job_larger_than_the_free_gpus_is_refused_in_one_line(jobs, qtbot):
    jobs.acts.place_job.trigger()
    dialog = jobs.job_dialog
    dialog.gpus.setValue(300)
    qtbot.mouseClick(dialog.place_button, Qt.LeftButton)
    wait_idle(qtbot, dialog.watch)
    assert dialog.status.text() == ("cannot place: --gpus must be 1 to 256: the free accelerators "
                                    "in racks the fabric serves (got 300)")
    assert jobs.floor.overlay == []
