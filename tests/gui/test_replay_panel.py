"""The Capacity dock's Replay tab: its table is the command's comparison of the same
replay, its charts the runs' series, one instant's rack powers on the plan, cancel
stops the worker, and a bad trace row is shown as its file, line and column."""
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from job_rooms import job_room_text  # noqa: E402
from twin.capacity.replay import replay  # noqa: E402
from twin.capacity.replay_output import summary_rows  # noqa: E402
from twin.capacity.trace import read_trace  # noqa: E402
from twin.gui.replay_charts import POLICY_COLOURS, RackPowers  # noqa: E402
from twin.gui.replay_panel import PROBLEM_STYLE  # noqa: E402
from twin.scenario import Runner  # noqa: E402

HEADER = "JobID,Submit,Start,End,AllocGPUs,power_pct\n"
IDLE_KW = 32 * 0.5 + 4 * 3.0          # the served servers idle, the unserved rack U1 at typical


def _at(hour: float) -> str:
    return f"2026-01-05T{int(hour):02d}:{round(hour % 1 * 60):02d}:00"


def _job(job_id, submit_h, run_h, gpus, power=100) -> str:
    return f"{job_id},{_at(submit_h)},{_at(submit_h)},{_at(submit_h + run_h)},{gpus},{power}\n"


@pytest.fixture
def hall(make_window, tmp_path):
    """tests/job_rooms.py's replay room (0.5-4 kW servers), the Replay tab in front."""
    path = tmp_path / "replay_room.yaml"
    path.write_text(job_room_text().replace("max_power_kw: 10, typical_power_kw: 8, idle_power_kw: 2",
                                            "max_power_kw: 4, typical_power_kw: 3, idle_power_kw: 0.5"))
    window = make_window(path, size=(1400, 1000))
    window.capacity_dock.raise_()
    window.capacity_tabs.setCurrentWidget(window.replay)
    return window


def load(panel, qtbot, path):
    panel.load_trace(str(path))
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=10_000)


def test_the_table_is_the_commands_comparison_and_a_click_shows_the_racks(hall, qtbot, tmp_path):
    trace = tmp_path / "jobs.csv"
    trace.write_text(HEADER + _job(1, 0, 3, 64) + _job(2, 4, 3, 64))
    panel = hall.replay
    assert not panel.replay_button.isEnabled()                # nothing to replay yet
    load(panel, qtbot, trace)
    assert panel.replay_button.isEnabled() and "2 jobs" in panel.trace_label.text()
    panel.confirm.setValue(0)
    qtbot.mouseClick(panel.replay_button, Qt.LeftButton)
    assert panel.watch.busy and panel.run_row.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=120_000)
    assert panel.runs, panel.status.text()

    runner = Runner(hall.solver.settings.accurate_cell_m, "preview")
    runs = [replay(panel.replayed, read_trace(trace), p, runner, confirm=0) for p in ("thermal", "first-fit")]
    expected = [[name.strip(), *cells, difference] for name, cells, difference in summary_rows(runs)]
    assert panel.summary() == expected
    table = {row[0]: row[1:] for row in panel.summary()}
    # first fit stacks each 3 h job in the hot corner (above 27 °C); the thermal policy does not;
    # both spend the same IT energy: 7 h idle plus 8 servers at 3.5 kW more for 2 x 3 h
    assert table["hours above 27 °C"] == ["0.0 h", "6.0 h", "+6.0 h"]
    assert table["IT energy"][:2] == [f"{IDLE_KW * 7 + 2 * 8 * 3.5 * 3:,.0f} kWh"] * 2
    assert panel.verdict.text().startswith("thermal: 6.0 fewer hours")

    intake = panel.charts.intake.getPlotItem().listDataItems()
    first_fit = next(item for item in intake if item.name() == "first-fit")
    assert max(first_fit.getData()[1]) == pytest.approx(runs[1].hottest.state.hottest_intake_c)
    assert not panel.charts.cdu.isVisible()                   # no liquid cooling in this room

    panel.plan_policy.setCurrentText("first-fit")
    plot = panel.charts.intake                                 # a click at 1.5 h: job 1 running
    at = plot.mapFromScene(plot.getPlotItem().vb.mapViewToScene(QPointF(1.5, 24.0)))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, pos=at)
    qtbot.waitUntil(lambda: panel.instant.text() != "", timeout=5_000)
    assert panel.charts.cursors[1].value() == pytest.approx(1.5, abs=0.05)   # all cursors follow
    shown = [item for item in hall.floor.overlay if isinstance(item, RackPowers)]
    assert len(shown) == 1
    kw = {round(rect.x(), 1): (power, hot) for rect, power, hot in shown[0].racks}
    assert kw[7.2] == (pytest.approx(16.0), True) and kw[7.8] == (pytest.approx(16.0), True)  # H1, H2
    assert kw[1.2] == (pytest.approx(2.0), False)              # C1 idle, cool
    assert panel.instant.text().startswith("hour 1.5 (first-fit's rack kW on the plan): thermal")


def test_cancel_stops_the_replay(hall, qtbot, tmp_path):
    trace = tmp_path / "busy.csv"
    trace.write_text(HEADER + "".join(_job(k, k * 0.5, 1.5, (8, 16, 32, 64)[k % 4], 60 + k % 5 * 10)
                                      for k in range(40)))
    panel = hall.replay
    load(panel, qtbot, trace)
    qtbot.mouseClick(panel.replay_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.run_row.progress.value() > 0, timeout=60_000)
    qtbot.mouseClick(panel.run_row.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=20_000)
    solves = panel._active.solves
    qtbot.wait(1500)
    assert panel._active.solves == solves                     # the worker stopped solving
    assert panel.status.text() == "cancelled" and not panel.runs and panel.table.rowCount() == 0
    assert panel.replay_button.isEnabled() and not panel.run_row.progress.isVisible()


def test_a_bad_trace_row_is_shown_by_file_line_and_column(hall, qtbot, tmp_path):
    trace = tmp_path / "bad.csv"
    trace.write_text(HEADER + _job(1, 0, 1, 8) + "2,2026-01-05T02:00:00,2026-01-05T02:00:00,"
                     "2026-01-05T01:00:00,8,90\n")
    panel = hall.replay
    load(panel, qtbot, trace)
    text = panel.status.text()
    assert text == f"cannot read the trace: {trace}:3: End: not after the job's start time"
    assert panel.status.styleSheet() == PROBLEM_STYLE and "Traceback" not in text
    assert not panel.replay_button.isEnabled() and not panel.jobs
    load(panel, qtbot, tmp_path / "missing.csv")
    assert "missing.csv" in panel.status.text() and "Traceback" not in panel.status.text()


def test_cdu_loads_are_charted_where_the_hall_has_liquid_cooling(make_window, qtbot, tmp_path):
    from twin.model.resources import bundled_file
    path = tmp_path / "liquid_row_net.yaml"
    path.write_text(bundled_file("liquid_row.yaml").read_text().split("scenarios:")[0] + (
        "network:\n  max_cable_m: 30\n  switches:\n"
        "    - {id: LEAF-1, kind: leaf, rack: G4, ports: 600, serves: [G1, G2, G3, G4, G5, G6, G7, G8]}\n"))
    window = make_window(path)
    panel = window.replay
    trace = tmp_path / "jobs.csv"
    trace.write_text(HEADER + _job(1, 0, 2, 144, 100))
    load(panel, qtbot, trace)
    panel.confirm.setValue(0)
    panel.run()
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=120_000)
    assert panel.runs, panel.status.text()
    assert panel.charts.cdu.isVisibleTo(panel)
    first_fit = [item.getData()[1] for item in panel.charts.cdu.getPlotItem().listDataItems()
                 if item.opts["pen"].color().getRgb()[:3] == POLICY_COLOURS["first-fit"]]
    assert len(first_fit) == 2                                 # CDU-1 and CDU-2
    # first fit puts the job on G1-G2: 85 % of 132 kW each at 100 % plus 85 % of 30 kW idle
    # for the CDU's other two racks goes to CDU-1 (tests/test_replay.py)
    assert max(max(y) for y in first_fit) == pytest.approx(2 * 0.85 * 132 + 2 * 0.85 * 30)
    table = {row[0]: row[1:] for row in panel.summary()}
    assert table["peak load CDU-1"][1] == f"{2 * 0.85 * 132 + 2 * 0.85 * 30:.1f} kW"


def test_a_layout_without_a_fabric_is_refused_in_one_line(window, qtbot, tmp_path):
    trace = tmp_path / "jobs.csv"
    trace.write_text(HEADER + _job(1, 0, 1, 8))
    panel = window.replay
    load(panel, qtbot, trace)
    panel.run()
    qtbot.waitUntil(lambda: not panel.watch.busy, timeout=20_000)
    assert panel.status.text().startswith("cannot replay: the layout has no network section")
    assert panel.status.styleSheet() == PROBLEM_STYLE and not panel.runs
