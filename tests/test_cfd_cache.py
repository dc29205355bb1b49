"""CFD runs and caches: distinct patch names for distinct ids, cache keys that cover the whole
method, a case folder per run, results that are whole or absent, and thread-safe result caches."""
import json
import re
import shutil
import threading
import time
import types
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

from twin.cfd import extract, run, simulate, verify
from twin.cfd.case import CaseSettings, write_case
from twin.cfd.geometry import build_grid, safe_name
from twin.model import CoolingUnit, Layout, Rack, Room, TileArea


def room(rack_ids=("A-1", "A_1"), unit_ids=("CRAH-1", "CRAH_1")) -> Layout:
    """Racks in a row facing a tiled aisle, a unit at each end wall."""
    racks = [Rack(rid, (1.2 + 0.6 * n, 0.6), (0.6, 1.2, 2.0), "+y", 5.0, delta_t_k=12.0)
             for n, rid in enumerate(rack_ids)]
    units = [CoolingUnit(uid, (0.0 if n == 0 else 5.2, 2.4), (0.8, 1.6, 2.0), 1.5, 18.0)
             for n, uid in enumerate(unit_ids)]
    return Layout(room=Room((6.0, 4.4, 3.0)), name="ids", racks=racks, cooling_units=units,
                  tiles=[TileArea((1.2, 3.6), (1.8, 3.0))])


# -- patch names --------------------------------------------------------------------------

def unescape(word: str) -> str:
    """The inverse of safe_name: `__` is `_`, `_<hex>_` a character, the rest as is."""
    out, i = [], 0
    while i < len(word):
        if word[i] != "_":
            out.append(word[i])
            i += 1
        elif word[i + 1] == "_":
            out.append("_")
            i += 2
        else:
            end = word.index("_", i + 1)
            out.append(chr(int(word[i + 1:end], 16)))
            i = end + 1
    return "".join(out)


def test_ids_differing_only_by_dash_and_underscore_get_their_own_patches(tmp_path):
    layout = room()
    grid = build_grid(layout, 0.2)
    names = {(p.kind, p.owner): p.name for p in grid.patches}
    assert names[("front", "A-1")] != names[("front", "A_1")]
    assert names[("rear", "A-1")] != names[("rear", "A_1")]
    assert names[("return", "CRAH-1")] != names[("return", "CRAH_1")]
    assert len(set(names.values())) == len(names)
    assert names[("front", "A-1")] == "front_A_2d_1" and names[("front", "A_1")] == "front_A__1"
    write_case(layout, tmp_path, CaseSettings(cell_m=0.2))
    patch_dict = (tmp_path / "system" / "createPatchDict").read_text()
    for name in names.values():
        assert re.fullmatch(r"[A-Za-z0-9_]+", name)
        assert f"{{ name {name}; " in patch_dict
    temperature = (tmp_path / "0.orig" / "T").read_text()    # each rear reads its own front
    assert "Tfront{front_A_2d_1}" in temperature and "Tfront{front_A__1}" in temperature


def test_plain_ids_keep_their_names():
    assert safe_name("A1") == "A1" and safe_name("CRAH1") == "CRAH1"


@given(st.text(min_size=1, max_size=12))
def test_patch_words_are_safe_and_undo_to_the_id(text):
    word = safe_name(text)
    assert re.fullmatch(r"[A-Za-z0-9_]+", word)
    assert unescape(word) == text


# -- cache keys ---------------------------------------------------------------------------

def test_the_cache_key_covers_templates_stop_rule_and_version(monkeypatch):
    import twin
    from twin.cfd import fields
    layout, settings = room(), CaseSettings()
    same = verify.run_folder(layout, 0.1, Path("/c"), settings)
    assert same == verify.run_folder(layout, 0.1, Path("/c"), replace(settings, n_procs=4))
    assert same == verify.run_folder(layout, 0.1, Path("/c"), settings, simulate.default_rule(settings))
    assert same != verify.run_folder(layout, 0.1, Path("/c"), settings,
                                     replace(simulate.default_rule(settings), tol_k=0.02))
    monkeypatch.setitem(fields.TEMPLATES, "fvSolution",
                        fields.TEMPLATES["fvSolution"].replace("relTol 0.05", "relTol 0.01"))
    assert verify.run_folder(layout, 0.1, Path("/c"), settings) != same
    monkeypatch.undo()
    monkeypatch.setattr(twin, "__version__", "99.0")
    assert verify.run_folder(layout, 0.1, Path("/c"), settings) != same


# -- a case folder per run ------------------------------------------------------------------

def fake_openfoam(monkeypatch, hold=None):
    """simulate() without OpenFOAM: each run writes a marker into its case, optionally waits."""
    seen = []

    def mesh_and_solve(layout, case, settings, rule, env, progress, cancel, say):
        shutil.rmtree(case, ignore_errors=True)        # as the real one: a fresh case each time
        case.mkdir(parents=True)
        marker, me = case / "mine.txt", str(threading.get_ident())
        marker.write_text(me)
        if hold is not None:
            hold.wait(10)
        seen.append(marker.exists() and marker.read_text() == me)
        return types.SimpleNamespace(), run.RunningMeans(800), 1.0, 2.0

    monkeypatch.setattr(run, "openfoam_env", lambda: {})
    monkeypatch.setattr(simulate, "_mesh_and_solve", mesh_and_solve)
    monkeypatch.setattr(extract, "read_fields", lambda case, grid: (
        np.zeros((2, 2, 2), np.float32), np.zeros((2, 2, 2, 3), np.float32), Path("1801")))
    monkeypatch.setattr(extract, "result_dict", lambda layout, grid, t, s, extra: {"cfd": extra})
    monkeypatch.setattr(extract, "write_outputs", lambda out, result, *a: (
        out.joinpath("result.json").write_text(json.dumps({"cfd": {"iterations": 1801}}))))
    return seen


def test_two_runs_into_one_folder_keep_their_own_cases(tmp_path, monkeypatch):
    barrier = threading.Barrier(2)
    seen = fake_openfoam(monkeypatch, hold=barrier)
    errors = []

    def one_run():
        try:
            simulate.simulate(room(), tmp_path, CaseSettings())
        except Exception as exc:              # reported below
            errors.append(exc)
    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and seen == [True, True]               # neither case was deleted mid-run
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert "case" in kept and "result.json" in kept
    assert (tmp_path / "case" / "mine.txt").exists()
    assert len([k for k in kept if k.startswith(".case-")]) <= 1   # the other run's, beside it


def test_without_keep_case_no_case_is_left_and_a_failed_run_keeps_its_logs(tmp_path, monkeypatch):
    fake_openfoam(monkeypatch)
    simulate.simulate(room(), tmp_path / "a", CaseSettings(), keep_case=False)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["result.json"]

    def diverge(layout, case, settings, rule, env, progress, cancel, say):
        case.mkdir(parents=True, exist_ok=True)
        (case / "log.solver").write_text("diverged\n")
        raise run.CFDDiverged("diverged at iteration 12", 12)
    monkeypatch.setattr(simulate, "_mesh_and_solve", diverge)
    with pytest.raises(run.CFDDiverged):
        simulate.simulate(room(), tmp_path / "b", CaseSettings(), restart_if_diverged=False)
    assert (tmp_path / "b" / "case" / "log.solver").read_text() == "diverged\n"
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["case"]


# -- results whole or absent ----------------------------------------------------------------

def write_fake_run(out: Path, iterations: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "fields.npz", T=np.full((2, 2, 2), 20.0, np.float32))
    data = {"cfd": {"iterations": iterations}}
    (out / "result.json").write_text(json.dumps(data))
    return data


def test_a_run_enters_the_cache_only_when_finished(tmp_path, monkeypatch):
    folder = tmp_path / "cache" / "room-abc"

    def crash_half_way(layout, out, settings, rule=None, keep_case=True, **options):
        (out / "result.json").write_text('{"cfd": {"iter')        # half a file, then a crash
        raise run.CFDError("solver crashed")
    monkeypatch.setattr(simulate, "simulate", crash_half_way)
    with pytest.raises(run.CFDError):
        verify.run_into_cache(room(), folder, CaseSettings())
    assert list(tmp_path.iterdir()) == []          # no folder, not even the cache root it made
    monkeypatch.setattr(simulate, "simulate",
                        lambda layout, out, settings, rule=None, keep_case=True, **o: write_fake_run(out, 7))
    assert verify.run_into_cache(room(), folder, CaseSettings()) == {"cfd": {"iterations": 7}}
    assert verify.finished_run(folder)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["room-abc"]


def test_two_runs_into_the_cache_both_finish_and_leave_one_whole_result(tmp_path, monkeypatch):
    folder, barrier = tmp_path / "room-abc", threading.Barrier(2)

    def run_together(layout, out, settings, rule=None, keep_case=True, **options):
        barrier.wait(10)
        return write_fake_run(out, 100 + len(list(tmp_path.iterdir())))
    monkeypatch.setattr(simulate, "simulate", run_together)
    threads = [threading.Thread(target=verify.run_into_cache, args=(room(), folder, CaseSettings()))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert verify.finished_run(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["room-abc"]
    assert sorted(p.name for p in folder.iterdir()) == ["fields.npz", "result.json"]


def test_a_damaged_folder_is_not_a_finished_run(tmp_path):
    write_fake_run(tmp_path / "ok", 5)
    assert verify.finished_run(tmp_path / "ok")
    write_fake_run(tmp_path / "cut", 5)
    data = (tmp_path / "cut" / "fields.npz").read_bytes()
    (tmp_path / "cut" / "fields.npz").write_bytes(data[: len(data) // 2])
    assert not verify.finished_run(tmp_path / "cut")
    write_fake_run(tmp_path / "json", 5)
    (tmp_path / "json" / "result.json").write_text('{"cfd": ')
    assert not verify.finished_run(tmp_path / "json")
    assert not verify.finished_run(tmp_path / "absent")


def test_results_are_written_atomically(tmp_path, monkeypatch):
    from twin import files
    written = []
    real = files.os.replace
    monkeypatch.setattr(files.os, "replace", lambda src, dst: written.append(Path(dst).name) or real(src, dst))
    grid = types.SimpleNamespace(cell_m=0.2)
    extract.write_outputs(tmp_path, {"racks": {}, "x": float("nan")},
                          np.zeros((2, 2, 2), np.float32), np.zeros((2, 2, 2, 3), np.float32), grid)
    assert written == ["fields.npz", "result.json"]             # renamed into place, fields first
    assert json.loads((tmp_path / "result.json").read_text())["x"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fields.npz", "result.json"]


# -- in-memory caches ------------------------------------------------------------------------

def test_the_result_cache_holds_its_lock_on_every_access():
    from twin.scenario import ResultCache
    cache = ResultCache(2)
    cache.put("a", 1)
    for call in (lambda: cache.put("b", 2), lambda: cache.get("a"), lambda: len(cache)):
        done = threading.Event()
        cache._lock.acquire()
        worker = threading.Thread(target=lambda: (call(), done.set()))
        worker.start()
        time.sleep(0.05)
        blocked = not done.is_set()
        cache._lock.release()
        worker.join(5)
        assert blocked and done.is_set()


def test_the_result_cache_stays_consistent_under_threads():
    from twin.scenario import ResultCache
    cache = ResultCache(8)

    def hammer(seed):
        for n in range(3000):
            key = f"{(seed * 7 + n) % 20}"
            if cache.get(key) is None:
                cache.put(key, n)
    threads = [threading.Thread(target=hammer, args=(s,)) for s in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(cache) == 8 and cache.hits + cache.misses == 4 * 3000


def _openfoam_missing() -> str:
    try:
        run.openfoam_env()
    except run.OpenFOAMNotFound as exc:
        return str(exc)
    return ""


@pytest.mark.openfoam
@pytest.mark.skipif(bool(_openfoam_missing()), reason="needs OpenFOAM (apt-get install openfoam)")
def test_openfoam_solves_racks_whose_ids_differ_only_by_dash_and_underscore(tmp_path):
    """Both racks get their own patches, hence their own exhaust (12 K above their own
    intake) and energy balance; the case ends as DIR/case."""
    layout = Layout(room=Room((3.2, 2.4, 2.4)), name="tiny",
                    racks=[Rack("R-1", (0.8, 0.4), (0.6, 0.8, 1.6), "+y", 2.0, delta_t_k=12.0),
                           Rack("R_1", (1.4, 0.4), (0.6, 0.8, 1.6), "+y", 4.0, delta_t_k=12.0)],
                    cooling_units=[CoolingUnit("U-1", (2.6, 1.2), (0.6, 1.2, 1.6), 0.5, 18.0)],
                    tiles=[TileArea((0.8, 2.0), (1.2, 1.6))])
    result = simulate.simulate(layout, tmp_path, CaseSettings(cell_m=0.2, start_avg_iter=100, max_iter=300),
                               run.StopRule(100, 100, 50, 0.05))
    assert set(result["racks"]) == {"R-1", "R_1"}
    for rack in result["racks"].values():
        assert rack["exhaust_mean_c"] == pytest.approx(rack["inlet_mean_c"] + 12.0)
        assert 17.9 < rack["inlet_mean_c"] < 30.0
    assert abs(result["energy_balance"]["error_pct"]) < 5.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "fields.npz", "result.json"]
    assert (tmp_path / "case" / "constant" / "polyMesh" / "boundary").read_text().count("front_R_") == 2
