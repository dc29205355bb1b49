"""Live residuals: alerts for injected faults with their cause, quiet on stated noise; forecasts
against the ride-through and facility-water-loss models' known answers."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from paths import REPO
from twin.calibrate import bind
from twin.calibrate import synthetic as syn
from twin.calibrate.fit import Settings
from twin.calibrate.forecast import forecast
from twin.calibrate.watch import Watcher, WatchSettings
from twin.cli import main
from twin.model import bundled_layout, load_layout

ROOM = REPO / "tests" / "data" / "calibrate" / "two_rows.yaml"
PREVIEW = Settings(model="preview", cell_m=0.3)   # the grid the truth is sampled on


@pytest.fixture(scope="module")
def room():
    return load_layout(ROOM)


@pytest.fixture(scope="module")
def names(room):
    return [s.id for s in room.sensors] + [f"unit:{u.id}:{q}" for u in room.cooling_units
                                           for q in ("supply_c", "return_c")]


@pytest.fixture(scope="module")
def healthy(room, names):
    return syn.truth_values(room, room, names, model="preview")


def _faulty(room, names, unit, airflow=1.0, supply_k=0.0):
    bad = copy.deepcopy(room)
    bad.unit(unit).airflow_m3s *= airflow
    bad.unit(unit).supply_temp_c += supply_k
    return syn.truth_values(bad, room, names, model="preview")


def _run(room, names, frames, **settings):
    watcher = Watcher(room, {n: bind(room, n) for n in names}, WatchSettings(**settings), PREVIEW)
    for t, values in frames:
        watcher.update(t, values)
    return watcher


@pytest.mark.parametrize("unit, airflow, supply_k, expected, size", [
    ("CRAH-2", 0.7, 0.0, "CRAH-2 airflow", -0.3),
    ("CRAH-1", 1.0, 1.5, "CRAH-1 supply", 1.5),
])
def test_an_injected_fault_raises_one_alert_naming_its_cause(room, names, healthy, unit, airflow,
                                                            supply_k, expected, size):
    fault_at = syn.EPOCH_S + 40 * 60
    frames = syn.sample_readings(healthy, 40, noise_k=0.3, seed=2) + \
        syn.sample_readings(_faulty(room, names, unit, airflow, supply_k), 20, noise_k=0.3, seed=3,
                            start_s=fault_at)
    watcher = _run(room, names, frames)
    alerts = [a for a in watcher.alerts if a.kind == "residual"]
    assert len(alerts) == 1 and alerts[0].time_s >= fault_at
    cause = alerts[0].cause
    assert cause.parameter.id == expected and cause.confidence > 0.8
    assert cause.change == pytest.approx(size, abs=0.2 * abs(size))
    assert expected.split()[0] in alerts[0].message


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_noise_of_the_stated_size_raises_nothing(room, names, healthy, seed):
    watcher = _run(room, names, syn.sample_readings(healthy, 200, noise_k=0.3, seed=seed))
    assert watcher.alerts == []
    assert np.nanmax(np.abs(watcher.mean_residuals())) < 0.5


def test_measured_rack_power_moves_the_twin(room, names):
    hot = copy.deepcopy(room)
    hot.rack("A2").power_kw = 10.0
    values = syn.truth_values(hot, room, names, model="preview")
    frames = syn.sample_readings(values, 30, noise_k=0.1, seed=4)
    assert any(a.kind == "residual" for a in _run(room, names, frames).alerts)
    with_power = [(t, v | {"rack:A2:power_kw": 10.0}) for t, v in frames]
    watcher = _run(room, names + ["rack:A2:power_kw"], with_power)
    assert not [a for a in watcher.alerts if a.kind == "residual"]


def test_forecast_matches_the_ride_through_curve_within_its_band(room):
    from twin.scenario import apply_scenario, baseline, evaluate, fail_edits
    from twin.scenario.ridethrough import ride_through
    from twin.scenario.runner import Runner
    runner = Runner(0.3, "preview")
    base = evaluate(baseline(room), runner)
    applied = apply_scenario(room, fail_edits(["CRAH-1"]))
    ride = ride_through(base, applied.layout, evaluate(applied, runner), 32.0, minutes=60,
                        step_s=5.0, equipment_kj_per_k_kw=30.0)
    rack, truth_s = min(((r, t) for r, t in ride.time_to_allowable_s.items() if t), key=lambda x: x[1])
    seen = ride.times_s <= 0.45 * truth_s
    inside, errors, shapes, widths = 0, [], [], []
    for seed in range(20):      # the 95 % band must hold the answer about 19 times in 20
        noisy = ride.inlet_max_c[rack][seen] + np.random.default_rng(seed).normal(0, 0.05, seen.sum())
        f = forecast(rack, ride.times_s[seen], noisy, 32.0, horizon_s=3600, window_s=3600)
        assert f.warn
        shapes.append(f.shape)
        lo, hi = f.band_s
        inside += lo <= truth_s <= (hi if hi is not None else np.inf)
        widths.append((hi if hi is not None else np.inf) - lo)
        errors.append(f.crossing_s - truth_s)
    assert inside >= 17 and shapes.count("exponential") >= 15
    assert np.median(widths) < 0.5 * truth_s          # a band narrow enough to act on
    assert abs(np.median(errors)) < 0.05 * truth_s


def test_forecast_of_coolant_after_facility_water_loss():
    from twin.liquid.transient import facility_water_loss
    layout = load_layout(bundled_layout("liquid_row"))
    loss = facility_water_loss(layout)
    rack, truth_s = min(((r, s) for r, s in loss.seconds.items() if s), key=lambda x: x[1])
    t = np.array(loss.times_s)
    y = np.array(loss.supply_c[rack])
    seen = t <= 0.5 * truth_s
    f = forecast(rack, t[seen], y[seen], loss.limit_c, horizon_s=truth_s, window_s=truth_s)
    assert f is not None and f.warn
    lo, hi = f.band_s
    assert lo <= truth_s <= hi and f.crossing_s == pytest.approx(truth_s, rel=0.15)


def test_watch_cli_prints_alerts_and_writes_json(room, names, healthy, tmp_path, capsys):
    path = tmp_path / "live.csv"
    frames = syn.sample_readings(healthy, 20, noise_k=0.3, seed=2) + syn.sample_readings(
        _faulty(room, names, "CRAH-2", airflow=0.7), 15, noise_k=0.3, seed=3,
        start_s=syn.EPOCH_S + 20 * 60)
    path.write_text(syn.readings_csv(frames))
    out = tmp_path / "watch.json"
    code = main(["watch", str(ROOM), "--measured", str(path), "--model", "preview",
                 "--json", str(out), "--check"])
    assert code == 3
    text = capsys.readouterr().out
    assert "residual" in text and "CRAH-2 airflow about" in text
    data = json.loads(out.read_text())
    residual = [a for a in data["alerts"] if a["kind"] == "residual"]
    assert len(residual) == 1 and residual[0]["cause"]["parameter"] == "CRAH-2 airflow"
    assert set(data["residuals"]) == set(names)


def test_watch_takes_rack_power_from_a_telemetry_recording(room, names, tmp_path, capsys):
    """Host A2 (8 GPUs at 1000 W, plus 0.25 kW each for the rest: 10 kW) runs hotter than
    the layout's 6 kW; with the recording the twin follows it and stays quiet."""
    hot = copy.deepcopy(room)
    hot.rack("A2").power_kw = 8 * 1.0 + 8 * 0.25
    frames = syn.sample_readings(syn.truth_values(hot, room, names, model="preview"), 20,
                                 noise_k=0.1, seed=6)
    readings = tmp_path / "live.csv"
    readings.write_text(syn.readings_csv(frames))
    gpu = tmp_path / "gpus.csv"
    gpu.write_text("timestamp,host,gpu,power_w\n" + "".join(
        f"{t:.0f},A2,{g},1000\n" for t, _ in frames for g in range(8)))
    base = ["watch", str(ROOM), "--measured", str(readings), "--model", "preview", "--check"]
    assert main(base) == 3
    capsys.readouterr()
    assert main(base + ["--telemetry", str(gpu)]) == 0
    assert "0 alert(s)" in capsys.readouterr().out
