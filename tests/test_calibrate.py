"""Calibration against readings sampled from a known truth, and the refusals it must make."""
from __future__ import annotations

import numpy as np
import pytest

from paths import REPO
from twin.calibrate import Settings, calibrate, read_measured, snapshot
from twin.calibrate import synthetic as syn
from twin.calibrate.calibration import Z95
from twin.model import load_layout

ROOM = REPO / "tests" / "data" / "calibrate" / "two_rows.yaml"


@pytest.fixture(scope="module")
def nominal():
    return load_layout(ROOM)


def _write(tmp_path, values, frames=5, noise_k=0.1, seed=1):
    path = tmp_path / "measured.csv"
    path.write_text(syn.readings_csv(syn.sample_readings(values, frames, noise_k=noise_k, seed=seed)))
    return path


def test_recovers_the_perturbed_truth_of_the_accurate_model(nominal, tmp_path):
    """Truth: racks' airflow x 0.8, CRAH-2 supply +1.5 K, CRAH-1 airflow x 0.7 (accurate model)."""
    truth, true_values = syn.perturbed_truth(nominal, airflow_unit="CRAH-1", supply_unit="CRAH-2")
    values = syn.truth_values(truth, nominal, syn.default_names(nominal), cell_m=0.3)
    measured = read_measured(_write(tmp_path, values), nominal)
    cal = calibrate(nominal, measured, snapshot(measured), Settings(cell_m=0.3))
    true_values |= {"row A airflow": 0.8, "row B airflow": 0.8}
    for fit in cal.params:
        assert fit.fitted, fit.parameter.id
        error = fit.value - true_values[fit.parameter.id]
        assert abs(error) <= Z95 * fit.sd, (fit.parameter.id, fit.value, fit.sd)
    assert cal.params[0].sd < 0.1                       # the airflow is pinned, not just allowed
    held = [c for c in cal.channels if c.held_out]
    assert len(held) >= 3
    assert all(abs(c.measured - c.after) < 0.5 for c in held)
    assert cal.residual_rms(True) < 0.5 * cal.residual_rms(True, after=False)
    assert cal.solves["accurate"] >= 2
    # each held-out reading's prediction band: the reading's own accuracy and the parameters'
    # spread carried through the model's sensitivities, so wider than the reading alone;
    # the truth lies inside it
    for c in held:
        assert c.predicted_sd >= c.sigma
        assert c.within_band, (c.channel.name, c.measured - c.after, c.predicted_sd)
    assert cal.held_out_in_band() == (len(held), len(held))
    assert all(np.isnan(c.predicted_sd) for c in cal.channels if not c.held_out)


def test_preview_truth_is_recovered_closely(nominal, tmp_path):
    truth, true_values = syn.perturbed_truth(nominal, airflow_unit="CRAH-1", supply_unit="CRAH-2")
    values = syn.truth_values(truth, nominal, syn.default_names(nominal), model="preview")
    measured = read_measured(_write(tmp_path, values, noise_k=0.05), nominal)
    cal = calibrate(nominal, measured, snapshot(measured), Settings(model="preview", cell_m=0.3))
    got = {f.parameter.id: f.value for f in cal.params}
    assert got["CRAH-1 airflow"] == pytest.approx(0.7, abs=0.03)
    assert got["CRAH-2 supply"] == pytest.approx(1.5, abs=0.3)
    assert got["row A airflow"] == pytest.approx(0.8, abs=0.03)
    # The calibrated layout carries the fitted figures in the layout's own terms.
    assert cal.layout.unit("CRAH-1").airflow_m3s == pytest.approx(1.5 * got["CRAH-1 airflow"], abs=1e-3)
    assert cal.layout.rack("A1").delta_t_k == pytest.approx(12 / got["row A airflow"], abs=1e-2)


def test_too_few_readings_fix_parameters_at_nominal_and_say_so(nominal, tmp_path):
    values = {"A2-low": 18.4, "unit:CRAH-1:supply_c": 18.2}
    measured = read_measured(_write(tmp_path, values), nominal)
    cal = calibrate(nominal, measured, snapshot(measured), Settings(model="preview", cell_m=0.3))
    fitted = [f for f in cal.params if f.fitted]
    fixed = [f for f in cal.params if not f.fitted]
    assert len(fitted) <= 1 and len(fixed) >= 5
    assert all(f.value == f.parameter.nominal for f in fixed)
    reasons = " ".join(f.fixed_because for f in fixed)
    assert "too few readings" in reasons or "cannot see" in reasons
    assert any("held-out" in n for n in cal.notes)      # nothing to spare for a check


def test_a_parameter_no_reading_sees_stays_nominal(nominal, tmp_path):
    """Only row A's intakes and the units: row B's airflow cannot be told from them."""
    values = {f"A{i}-{h}": 19.0 for i in (1, 2, 3) for h in ("low", "high")}
    values |= {"unit:CRAH-1:supply_c": 18.0, "unit:CRAH-2:supply_c": 18.0}
    measured = read_measured(_write(tmp_path, values), nominal)
    cal = calibrate(nominal, measured, snapshot(measured), Settings(model="preview", holdout=0))
    by_id = {f.parameter.id: f for f in cal.params}
    assert not by_id["row B airflow"].fitted and by_id["row B airflow"].value == 1.0
    assert by_id["CRAH-1 supply"].fitted


def test_rack_power_readings_are_inputs(nominal, tmp_path):
    values = {"rack:A1:power_kw": 9.0, "A1-low": 18.5, "A2-low": 18.2}
    measured = read_measured(_write(tmp_path, values, noise_k=0.0), nominal)
    cal = calibrate(nominal, measured, snapshot(measured), Settings(model="preview", holdout=0))
    assert cal.layout.rack("A1").power_kw == pytest.approx(9.0)
    # A rack stated by its rise keeps it (its fans follow the load): the airflow follows power.
    factor = next(f.value for f in cal.params if f.parameter.id == "row A airflow")
    rack = cal.layout.rack("A1")
    assert rack.delta_t(cal.layout.air) == pytest.approx(12.0 / factor, abs=2e-3)
    assert rack.airflow(cal.layout.air) == pytest.approx(9000 * factor / (1.19 * 1006 * 12), rel=1e-3)
    assert "rack:A1:power_kw" in cal.input_names
    assert all(c.channel.role == "observed" for c in cal.channels)


def test_snapshot_at_a_time_and_over_a_window(nominal, tmp_path):
    frames = [(syn.EPOCH_S + 60 * i, {"A1-low": 18.0 + i}) for i in range(5)]
    path = tmp_path / "m.csv"
    path.write_text(syn.readings_csv(frames))
    measured = read_measured(path, nominal)
    assert snapshot(measured, at_s=syn.EPOCH_S + 130).values["A1-low"] == 20.0
    window = snapshot(measured, window_s=(syn.EPOCH_S + 60, syn.EPOCH_S + 180))
    assert window.values["A1-low"] == pytest.approx(20.0) and window.counts["A1-low"] == 3
    assert window.spread["A1-low"] == pytest.approx(np.std([19, 20, 21]))


def test_parallel_sensitivities_equal_serial(nominal):
    from twin.calibrate.fit import Twin
    from twin.calibrate.measured import bind
    from twin.calibrate.params import parameters
    params = parameters(nominal, "row")
    channels = [bind(nominal, n) for n in ("A1-low", "B3-high", "unit:CRAH-1:return_c")]
    at = np.array([p.nominal for p in params])
    serial = Twin(nominal, params, channels, Settings(model="preview")).jacobian(at, np.arange(6))
    parallel = Twin(nominal, params, channels, Settings(model="preview", workers=2))
    assert np.allclose(parallel.jacobian(at, np.arange(6)), serial, atol=1e-9)
    assert parallel.solves["preview"] == 7
    # A warmer supply raises every temperature reading by about as much (K per K).
    supply = [i for i, p in enumerate(params) if p.id == "CRAH-1 supply"][0]
    assert 0 < serial[0, supply] <= 1.0 + 1e-6
