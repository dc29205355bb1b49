"""Studies on Dask workers: same answers as in process, the cache across backends, cancel, errors."""
import copy
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from twin.cli import main
from twin.model import load_layout
from twin.model.scenarios import Edit
from twin.scenario import ResultCache, Runner, apply_scenario, fail_edits
from twin.scenario.executor import CaseError, DaskExecutor, ExecutorError, LocalExecutor
from twin.scenario.sweep import sweep
from twin.thermal import SolveCancelled, SolverError

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask[distributed] is not installed")

REPO = Path(__file__).resolve().parents[1]
AB_ROOM = REPO / "twin" / "layouts" / "ab_failover_room.yaml"
SMALL = REPO / "twin" / "layouts" / "small_room.yaml"


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes, shared by the tests that leave it running."""
    executor = DaskExecutor(workers=2)
    yield executor
    executor.close()


@pytest.fixture
def room():
    return load_layout(AB_ROOM)


def power_variants(layout, count):
    """`count` distinct layouts: the first rack at different powers."""
    rack = layout.racks[0]
    return [(apply_scenario(layout, [Edit("set", rack.id, power_kw=1.0 + 0.5 * n)]).layout,
             f"{rack.id} at {1.0 + 0.5 * n} kW") for n in range(count)]


def _figures(racks: dict) -> dict:
    """Every rack figure, with 'not stated' (NaN, which never equals itself) spelled out."""
    import dataclasses
    import math
    return {k: tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in dataclasses.astuple(r))
            for k, r in racks.items()}


@needs_dask
def test_a_dask_sweep_gives_the_local_sweep_exactly(room, cluster):
    local = Runner(0.3, "preview")
    expected = sweep(room, local)
    remote = Runner(0.3, "preview", executor=cluster)
    got = sweep(room, remote)
    assert got.to_dict() == expected.to_dict()
    assert cluster.workers == 2 and cluster.submitted >= 2          # the unit cases ran there
    for key, result in local.cache._items.items():
        assert _figures(remote.cache._items[key].racks) == _figures(result.racks)   # every rack figure, exactly
        assert remote.cache._items[key].cooling_units.keys() == result.cooling_units.keys()


@needs_dask
def test_the_cache_prevents_re_solves_within_and_across_backends(room, cluster, monkeypatch):
    import twin.thermal
    calls = []
    real_solve = twin.thermal.solve
    monkeypatch.setattr(twin.thermal, "solve", lambda *a, **k: calls.append(1) or real_solve(*a, **k))
    cache = ResultCache()
    remote = Runner(0.3, "preview", cache=cache, executor=cluster)
    before = cluster.submitted
    first = sweep(room, remote)
    units = [u.id for u in room.cooling_units if u.running]
    assert cluster.submitted - before == len(units)        # power-only cases reuse the baseline
    assert len(calls) == 1                                  # the baseline, here
    sweep(room, remote)
    assert cluster.submitted - before == len(units)        # again: all from the cache
    local = Runner(0.3, "preview", cache=cache)
    assert sweep(room, local).to_dict() == first.to_dict()
    assert local.solves == 0 and len(calls) == 1            # the other backend solves nothing
    twice = power_variants(room, 2)
    assert remote.solve_many(twice + twice) is not None
    assert cluster.submitted - before == len(units) + 2     # duplicates in one batch solved once


@needs_dask
@pytest.mark.slow
def test_accurate_cases_start_from_the_same_baseline_fields_on_a_worker(room, cluster):
    runner = Runner(0.3, "accurate")
    runner.solve(room, "baseline")                          # the warm start for the cases
    case = [(apply_scenario(room, fail_edits(["CRAH-W"])).layout, "CRAH-W fails")]
    here = runner.solve_many(case)[0]
    runner.cache = ResultCache()
    runner.executor = cluster
    there = runner.solve_many(case)[0]
    assert there.racks == here.racks and there.iterations == here.iterations


@needs_dask
def test_cancel_stops_the_pending_cases_and_closes_the_cluster(room):
    executor = DaskExecutor(workers=2)
    stop = {"now": False}
    runner = Runner(0.3, "preview", executor=executor, cancel=lambda: stop["now"])
    cases = power_variants(room, 12)

    def after_the_first(fraction, message):
        stop["now"] = True

    with pytest.raises(SolveCancelled, match="cases left"):
        runner.solve_many(cases, progress=after_the_first)
    assert 1 <= runner.solves < len(cases) and len(runner.cache) == runner.solves
    assert executor.closed and executor.cluster.status.name == "closed"
    with pytest.raises(ExecutorError, match="closed"):
        runner.solve_many(power_variants(room, 13)[-1:])


@needs_dask
def test_a_background_study_on_workers_reports_cases(room, cluster):
    from twin.scenario.jobs import StudyJob
    job = StudyJob(lambda runner: sweep(room, runner, power=False),
                   Runner(0.3, "preview", executor=cluster)).start()
    assert job.wait(300)
    assert job.result().cases == [u.id for u in room.cooling_units if u.running]
    assert job.progress[0] == 1.0 and "cases solved on 2 workers" in job.progress[1]


@needs_dask
def test_a_running_case_stops_when_the_study_is_cancelled(room, cluster):
    from distributed import Event
    from twin.model import dump_layout
    from twin.scenario.executor import solve_case
    Event("dctwin-test-stop", client=cluster.client).set()
    future = cluster.client.submit(solve_case, dump_layout(room), "preview", 0.3, None, None,
                                   "dctwin-test-stop", pure=False)
    assert isinstance(future.exception(timeout=120), SolveCancelled)
    calm = cluster.client.submit(solve_case, dump_layout(room), "preview", 0.3, None, None,
                                 "dctwin-test-go", pure=False)
    assert calm.result(timeout=120).racks.keys() == {r.id for r in room.racks}


def test_cancel_in_process_keeps_what_was_solved(room):
    stop = {"now": False}
    runner = Runner(0.3, "preview", cancel=lambda: stop["now"])
    assert isinstance(runner.executor, LocalExecutor)
    with pytest.raises(SolveCancelled):
        runner.solve_many(power_variants(room, 4),
                          progress=lambda f, m: stop.update(now=f > 0))   # before the second case
    assert runner.solves == 1 and len(runner.cache) == 1


@needs_dask
def test_a_case_the_solver_refuses_names_the_case(room, cluster):
    dead = apply_scenario(room, fail_edits([u.id for u in room.cooling_units])).layout
    runner = Runner(0.3, "preview", executor=cluster)
    with pytest.raises(SolverError, match='case "all units off": no running cooling unit'):
        runner.solve_many([(dead, "all units off")])
    broken = copy.deepcopy(room)
    broken.racks[0].position_m = (100.0, 100.0)             # the worker's layout check refuses it
    with pytest.raises(CaseError, match='case "bad rack" failed on a worker: LayoutError: .*outside'):
        runner.solve_many([(broken, "bad rack")])


@needs_dask
def test_sweep_command_on_workers_matches_in_process(tmp_path, capsys):
    fast = ["--model", "preview", "--cell-m", "0.3", "--quiet"]
    assert main(["sweep", str(AB_ROOM), *fast, "--json", str(tmp_path / "a.json")]) == 0
    here = capsys.readouterr().out
    assert main(["sweep", str(AB_ROOM), *fast, "--workers", "2",
                 "--json", str(tmp_path / "b.json")]) == 0
    assert capsys.readouterr().out == here
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


@needs_dask
@pytest.mark.parametrize("options, message, lines", [
    (["--scheduler", "no-port-here"], "cannot reach the Dask scheduler at no-port-here", 1),
    # an out-of-range number is a usage error: the usage, then one line naming the option and its range
    (["--workers", "0"], "dctwin sweep: error: argument --workers: must be a whole number from 1 to 64 (got '0')", None),
])
def test_bad_executor_options_are_one_line_and_exit_2(options, message, lines, capsys):
    assert main(["sweep", str(SMALL), "--model", "preview", "--quiet", *options]) == 2
    err = capsys.readouterr().err
    assert message in err.splitlines()[-1] and "Traceback" not in err
    assert lines is None or err.count("\n") == lines


@needs_dask
def test_an_unreachable_scheduler_is_an_executor_error():
    with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout_s=1.0)


def test_without_dask_the_options_say_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)     # import distributed fails
    assert main(["place", str(SMALL), "--kw", "4", "--quiet", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert "needs Dask" in err and "dask[distributed]" in err and err.count("\n") == 1


LOCAL_STUDY = r"""
import sys
from twin.model import load_layout
from twin.scenario import Runner
from twin.scenario.sweep import sweep
import twin.scenario.command, twin.scenario.executor, twin.scenario.placement, twin.cli
sweep(load_layout(sys.argv[1]), Runner(0.3, "preview"))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed")))
"""


def test_a_study_in_process_never_imports_dask():
    proc = subprocess.run([sys.executable, "-c", LOCAL_STUDY, str(AB_ROOM)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
