"""The accurate model's stop rule, its stated uncertainty and its thread-count independence.

The stop rule averages iterates that keep oscillating and stops when the
standard error of every rack and return mean, corrected for the iterates'
autocorrelation, is below a tolerance; the result states that error and why it
stopped. The compiled kernels run in parallel but must give the same answer
whatever the number of threads.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rooms import one_rack_room
from twin.model import load_layout
from twin.thermal import solve
from twin.thermal.export import format_report, result_to_dict
from twin.thermal.metrics import compute
from twin.thermal.rans import Settings
from twin.thermal.stopping import standard_errors

REPO = Path(__file__).resolve().parents[1]


def ar1(phi: float, n: int, rng) -> np.ndarray:
    x = np.empty(n)
    x[0] = rng.normal() / np.sqrt(1 - phi ** 2)
    e = rng.normal(size=n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x


@pytest.mark.parametrize("phi", [0.0, 0.9])
def test_standard_error_accounts_for_autocorrelation(phi):
    """For AR(1) series the stated error matches the real spread of the means over
    many repeats (var/n alone would be sqrt(19) = 4.4 times too small at phi 0.9)."""
    rng = np.random.default_rng(7)
    series = np.array([ar1(phi, 2000, rng) for _ in range(150)])
    means = series.mean(axis=1)
    se, tau, trend = standard_errors(series.T)
    true_tau = (1 + phi) / (1 - phi)
    assert 0.6 * true_tau < np.median(tau) < 1.4 * true_tau
    naive = series.std(axis=1, ddof=1).mean() / np.sqrt(2000)
    spread = means.std(ddof=1)
    assert 0.75 * spread < np.median(se) < 1.3 * spread, (np.median(se), spread, naive)


def test_a_drift_shows_as_trend_and_long_tau_and_a_constant_series_is_certain():
    t = np.arange(200.0)
    drift = (0.002 * t + 0.01 * np.sin(t))[:, None]        # 0.4 K over the window
    se, tau, trend = standard_errors(drift)
    assert trend[0] == pytest.approx(0.4, rel=0.05) and tau[0] > 20
    se, tau, trend = standard_errors(np.full((50, 3), 21.5))
    assert np.all(se == 0.0) and np.all(tau == 1.0) and np.all(trend == 0.0)


def _progress_messages(layout, **options):
    messages = []
    result = solve(layout, cell_m=0.3, progress=lambda f, m: messages.append(m), **options)
    return result, messages


def test_result_states_its_uncertainty_and_why_it_stopped():
    layout = one_rack_room()
    result, messages = _progress_messages(layout)
    assert result.converged and result.stop_reason in ("uncertainty", "steady"), result.notes
    se = result.racks["R1"].inlet_mean_se_k
    assert np.isfinite(se) and 0.0 <= se <= Settings().settle_tol_k
    assert np.isfinite(result.cooling_units["U1"].return_se_k)
    assert result.uncertainty_k == se
    assert not any("nan" in m.lower() for m in messages), messages
    data = result_to_dict(result, layout, compute(result, layout))
    assert data["stop_reason"] == result.stop_reason
    assert data["racks"]["R1"]["inlet_mean_se_k"] == pytest.approx(se)
    assert data["uncertainty_k"] == pytest.approx(se)
    report = format_report(result, layout, compute(result, layout))
    assert f"stopped on: {result.stop_reason}, intakes +-{se:.2f} K" in report


def test_a_room_at_the_cap_says_so_with_its_uncertainty():
    layout = one_rack_room()
    result = solve(layout, cell_m=0.3, max_iters=150, min_startup_iters=20, min_avg_iters=400)
    assert not result.converged and result.stop_reason == "iteration cap"
    assert result.notes and "150 iterations" in result.notes[0]


@pytest.mark.slow
def test_starved_room_ends_on_the_uncertainty_rule_not_the_cap():
    layout = load_layout(REPO / "layouts" / "starved_room.yaml")
    result = solve(layout, cell_m=0.2)
    assert result.converged, result.notes
    assert result.stop_reason in ("uncertainty", "steady"), (result.stop_reason, result.notes)
    assert result.iterations < 6000
    assert all(0.0 <= r.inlet_mean_se_k <= Settings().settle_tol_k for r in result.racks.values())
    assert abs(result.energy_error_pct) < 0.2


_CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
from rooms import random_small_room
from twin.thermal.rans import prepare_rans
state = prepare_rans(random_small_room(3), 0.3)
for _ in range(60):
    state.step()
print(json.dumps({{"T": state.T.tolist(), "k": state.k.tolist(), "u": state.vel[0].tolist()}}))
"""


def test_answer_does_not_depend_on_the_number_of_threads():
    """The same iterates, bit for bit, with one and with two kernel threads."""
    outs = []
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        code = _CHILD.format(tests=str(Path(__file__).parent))
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, cwd=REPO, timeout=600)
        assert run.returncode == 0, run.stderr
        outs.append(json.loads(run.stdout.strip().splitlines()[-1]))
    for name in ("T", "k", "u"):
        assert np.array_equal(np.array(outs[0][name]), np.array(outs[1][name])), name


def test_a_drift_inside_the_average_restarts_it():
    """A row end still warming when averaging began would stay inside the mean however long
    it grew (and inflate its standard error): the window starts again, then runs at least
    twice the shortest window before the rule may stop."""
    from twin.thermal.rans import prepare_rans
    state = prepare_rans(one_rack_room(), 0.3)
    n_mon = len(state.monitor_values())
    rng = np.random.default_rng(7)
    noise = lambda n: 0.02 * rng.standard_normal((n, n_mon))
    ramp = np.zeros((300, n_mon))
    ramp[:, 0] = np.linspace(0.0, 2.0, 300)          # one intake drifts by 2 K
    state._samples.extend(20.0 + ramp + noise(300))
    assert not state._is_settled()
    assert state.drift_restarts == 1 and len(state._samples) == 0 and state.n_avg == 0
    state._samples.extend(22.0 + noise(150))
    assert not state._is_settled()                    # 150 < 2 x the shortest window
    assert state.drift_restarts == 1
    state._samples.extend(22.0 + noise(50))
    assert state._is_settled()
    assert float(state.se_k.max()) <= Settings().settle_tol_k
