"""What the Scenarios dock runs, without Qt: choices, staged progress, studies, difference maps."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from twin.gui import compare_map
from twin.gui.scenario_study import (REPORT_FILES, Choice, StagedProgress, apply_choice, choices,
                                     compare_work, existing_report_files, export_work, make_runner)
from twin.model import bundled_layout, load_layout
from twin.scenario import ResultCache, ScenarioError
from twin.scenario.jobs import StudyJob

REPO = Path(__file__).resolve().parents[1]


def test_the_study_modules_load_no_qt():
    code = ("import sys, twin.gui.scenario_study, twin.gui.compare_map; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


def test_choices_of_the_air_hall():
    hall = load_layout(bundled_layout("air_hall"))
    found = choices(hall)
    units = [c.name for c in found if c.kind == "unit"]
    power = [c.name for c in found if c.kind == "power"]
    assert units == [u.id for u in hall.cooling_units] and len(units) == 8
    assert power[:4] == ["UTIL-A", "UTIL-B", "UPS-A", "UPS-B"] and "BW-A-A" in power
    assert Choice("unit", "CRAH-W2").label == "Fail cooling unit ▸ CRAH-W2"
    assert apply_choice(hall, Choice("unit", "CRAH-W2")).name == "fail CRAH-W2"   # as dctwin report --fail
    assert apply_choice(hall, None).name == "baseline"
    with pytest.raises(ScenarioError, match='no scenario named "x"'):
        apply_choice(hall, Choice("scenario", "x"))


def test_staged_progress_spans_the_whole_study():
    seen = []
    staged = StagedProgress(lambda f, m: seen.append(round(f, 3)), 2)
    staged(0.5, "baseline: iteration 10")
    staged(1.0, "baseline: done")
    staged(0.5, "fail CRAH-2: iteration 10")
    assert seen == [0.25, 0.5, 0.75]


def test_compare_and_export_studies_on_a_thread(tmp_path):
    layout = load_layout(bundled_layout("symmetric_room"))
    cache = ResultCache()
    applied = apply_choice(layout, Choice("unit", "CRAH-W"))
    job = StudyJob(compare_work(layout, applied), make_runner(cache, "preview", 0.4)).start()
    assert job.wait(120)
    study = job.result()
    assert study.data["solves"] == 2 and not study.deltas["verdict"]["holds"]
    diff = compare_map.floor_map(study, "difference")
    np.testing.assert_array_equal(diff.field, study.scen.result.temperature_c - study.base.result.temperature_c)
    largest = np.nanmax(np.abs(diff.field))
    low, high = diff.levels
    assert low == -high and largest <= high and diff.unit == "K"     # symmetric, never saturated
    assert high == min(s for s in compare_map.DIFFERENCE_SPANS_K if s >= largest)
    assert dict(diff.unit_states)["CRAH-W"] == "failed"
    assert dict(compare_map.floor_map(study, "baseline").unit_states)["CRAH-W"] == "running"
    assert compare_map.floor_map(study, "live") is None
    job = StudyJob(export_work(layout, applied, str(tmp_path)), make_runner(cache, "preview", 0.4)).start()
    assert job.wait(120)
    again, names = job.result()
    assert again.data["solves"] == 0 and again.deltas == study.deltas            # all from the cache
    assert names == ["report.html", "racks.csv", "cooling_units.csv", "power.csv", "report.json"]
    assert existing_report_files(str(tmp_path)) == [n for n in REPORT_FILES           # no liquid loop here
                                                    if n not in ("report.pdf", "liquid.csv")]
    assert json.loads((tmp_path / "report.json").read_text())["scenario_name"] == "fail CRAH-W"


def test_difference_span_steps_up_with_the_change():
    span = compare_map.difference_span_k
    assert span(np.array([0.3, -1.9, np.nan])) == 2.0
    assert span(np.array([-4.0, 12.5])) == 15.0
    assert span(np.array([20.9])) == 25.0
    assert span(np.array([np.nan])) == 2.0
    assert span(np.array([80.0])) == 50.0              # the top step caps the scale


def test_the_docks_report_files_are_the_reports():
    import twin.report
    assert REPORT_FILES == twin.report.REPORT_FILES


def test_only_a_cold_settled_solve_of_the_window_can_serve_as_a_study_baseline():
    """The window's accurate solves start from the previous edit's fields; the studies start
    cold (their figures equal `dctwin report`), so those results must not seed their cache."""
    from dataclasses import replace
    from twin.gui.solve_job import Job, SolveSettings, run_accurate
    layout = load_layout(bundled_layout("small_room"))
    settings = SolveSettings(accurate_cell_m=0.4)
    cold, warm = [], []
    first = Job(1, layout, settings)
    run_accurate(first, cold.append, lambda fraction, message: None)
    run_accurate(Job(2, layout, settings), warm.append, lambda fraction, message: None, first.state)
    assert cold[-1].phase == warm[-1].phase == "final"
    assert not cold[-1].warm_started and warm[-1].warm_started
    assert cold[-1].result.converged and cold[-1].cold_settled()
    assert not warm[-1].cold_settled()
    assert not replace(cold[-1], result=replace(cold[-1].result, converged=False)).cold_settled()
    assert not replace(cold[-1], phase="running").cold_settled()
