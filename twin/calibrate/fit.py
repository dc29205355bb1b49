"""Fitting the twin to measured readings: regularised, bounded least squares.

The misfit of each observed channel is scaled by its stated accuracy; each
parameter's distance from nominal by its prior spread (Tikhonov, prior at
nominal). Sensitivities come from the preview model by finite differences;
the confirming model (the accurate one by default) anchors the residuals:
in outer iteration k the twin is  y(p) = y_conf(p_k) + y_prev(p) - y_prev(p_k),
which `scipy.optimize.least_squares` minimises within the bounds; the loop
stops when p no longer moves. Equations and limits: docs/calibration.md.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import scipy.linalg

from twin.calibrate.measured import Channel
from twin.calibrate.params import Parameter, apply, predictions
from twin.model.layout import Layout

VISIBLE = 1.0          # |R_kk| of the scaled Jacobian's pivoted QR: the data know as much as the prior
FD_STEP_OF_PRIOR = 0.1
CONFIRM_STEP_OF_PRIOR = 0.5   # larger: the accurate model's averaged fields carry some noise
MOVE_TOL = 0.02        # outer loop stops when no parameter moves more than this many prior spreads
AIRFLOW_SIGMA_PCT = 5.0


@dataclass
class Settings:
    cell_m: float = 0.2                # at 0.3 m row ends depend on the grid more (docs/calibration.md)
    model: str = "accurate"            # the model that confirms the fit
    sensor_sigma_k: float = 0.3        # stated accuracy of a temperature reading
    holdout: float = 0.25              # share of the temperature channels kept out of the fit
    outer_iterations: int = 4
    workers: int = 1                   # processes for the finite differences


def channel_sigma(channel: Channel, nominal: Layout, settings: Settings) -> float:
    """The stated accuracy of one reading, in its own unit."""
    if channel.is_temperature:
        return settings.sensor_sigma_k
    if channel.quantity == "fan_pct":
        return AIRFLOW_SIGMA_PCT
    return AIRFLOW_SIGMA_PCT / 100.0 * max(nominal.unit(channel.target).airflow_m3s, 1e-3)


def split_holdout(channels: list[Channel], share: float) -> tuple[list[Channel], list[Channel]]:
    """(fit, held out): every k-th temperature channel (by name) is held out, k = 1 / share."""
    if share <= 0:
        return list(channels), []
    temps = sorted((c for c in channels if c.kind in ("sensor", "rack")), key=lambda c: c.name)
    step = max(2, int(round(1.0 / share)))
    held = temps[1::step]
    names = {c.name for c in held}
    return [c for c in channels if c.name not in names], held


def solve_predictions(job):
    """(predictions, result) for (layout, nominal, channels, cell_m, model): one solve."""
    layout, nominal, channels, cell_m, model = job
    from twin import thermal
    result = thermal.solve(layout, cell_m=cell_m, model=model)
    return predictions(layout, nominal, result, channels), result


class Twin:
    """Predictions of the observed channels for parameter values, cached per model."""

    def __init__(self, base: Layout, params: list[Parameter], channels: list[Channel],
                 settings: Settings, cancel: Optional[Callable[[], bool]] = None):
        self.base, self.params, self.channels, self.settings = base, params, channels, settings
        self.cancel = cancel or (lambda: False)
        self.cache: dict = {}
        self.results: dict = {}
        self.solves = {"preview": 0, "accurate": 0}

    def jobs(self, values_list, model: str):
        return [(apply(self.base, self.params, v), self.base, self.channels,
                 self.settings.cell_m, model) for v in values_list]

    def many(self, values_list, model: str) -> list[np.ndarray]:
        """Predictions for several parameter vectors (in parallel with workers > 1)."""
        from twin.thermal import SolveCancelled
        if self.cancel():
            raise SolveCancelled()
        keys = [(model, tuple(np.round(np.asarray(v, float), 12))) for v in values_list]
        todo = [k for k in dict.fromkeys(keys) if k not in self.cache]
        jobs = self.jobs([np.array(k[1]) for k in todo], model)
        if self.settings.workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(self.settings.workers) as pool:
                done = list(pool.map(solve_predictions, jobs))
        else:
            done = [solve_predictions(j) for j in jobs]
        for k, (y, result) in zip(todo, done):
            self.cache[k] = y
            self.results[k] = result
            self.solves[model] += 1
        return [self.cache[k] for k in keys]

    def one(self, values, model: str) -> np.ndarray:
        return self.many([values], model)[0]

    def result(self, values, model: str):
        self.one(values, model)
        return self.results[(model, tuple(np.round(np.asarray(values, float), 12)))]

    def jacobian(self, values, free: np.ndarray, model: str = "preview",
                 step_of_prior: float = FD_STEP_OF_PRIOR) -> np.ndarray:
        """d predictions / d parameter by forward differences, the `free` columns."""
        values = np.asarray(values, float)
        steps = []
        for j in free:
            p = self.params[j]
            h = step_of_prior * p.prior_sd
            h = -h if values[j] + h > p.upper else h
            v = values.copy()
            v[j] += h
            steps.append((v, h))
        ys = self.many([values] + [v for v, _ in steps], model)
        return np.column_stack([(y - ys[0]) / h for y, (_, h) in zip(ys[1:], steps)]) \
            if steps else np.zeros((len(self.channels), 0))

    def secants(self, values, step_of_prior: float = 1.0) -> np.ndarray:
        """Central differences over +-`step_of_prior` prior spreads, every parameter (preview):
        the average slope over changes of the size faults have, not the slope at nominal."""
        values = np.asarray(values, float)
        pairs = []
        for j, p in enumerate(self.params):
            h = step_of_prior * p.prior_sd
            lo, hi = values.copy(), values.copy()
            lo[j], hi[j] = max(values[j] - h, p.lower), min(values[j] + h, p.upper)
            pairs += [hi, lo]
        ys = self.many(pairs, "preview")
        return np.column_stack([(ys[2 * j] - ys[2 * j + 1]) / (pairs[2 * j][j] - pairs[2 * j + 1][j])
                                for j in range(len(self.params))]) \
            if self.params else np.zeros((len(self.channels), 0))


@dataclass
class Identifiability:
    free: list[int]
    fixed: dict[int, str] = field(default_factory=dict)    # index -> why it stays at nominal


def identifiable(jac_scaled: np.ndarray, n_readings: int) -> Identifiability:
    """Which parameters the readings can fit: pivoted QR of the scaled Jacobian.

    A parameter is kept when its pivot |R_kk| >= VISIBLE (the readings pin it
    at least as well as the prior does), and at most n_readings - 1 are kept so
    the residual spread can still be estimated.
    """
    n = jac_scaled.shape[1]
    if n == 0:
        return Identifiability([])
    _, r, order = scipy.linalg.qr(jac_scaled, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r)) if r.size else np.zeros(0)
    free, fixed = [], {}
    room = max(n_readings - 1, 0)
    for k, j in enumerate(order):
        seen = k < len(diag) and diag[k] >= VISIBLE
        if not seen:
            fixed[int(j)] = ("the readings cannot see it (its effect is below their accuracy or "
                             "the same as other parameters')")
        elif len(free) >= room:
            fixed[int(j)] = f"too few readings ({n_readings}) for more parameters"
        else:
            free.append(int(j))
    return Identifiability(sorted(free), fixed)
