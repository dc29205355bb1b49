"""`calibrate`: fit a layout's parameters to a snapshot of measured readings.

Returns a `Calibration`: every parameter (fitted with its uncertainty, or
fixed at nominal and why), every observed channel before and after, the
held-out score, and the calibrated layout. See docs/calibration.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from scipy.optimize import least_squares

from twin.calibrate.fit import (CONFIRM_STEP_OF_PRIOR, FD_STEP_OF_PRIOR, MOVE_TOL, Settings, Twin, channel_sigma, identifiable,
                                split_holdout)
from twin.calibrate.measured import Channel, Measured, Snapshot
from twin.calibrate.params import Parameter, apply, apply_inputs, parameters
from twin.model.layout import Layout

Z95 = 1.96
POLISH_STEPS = 4


@dataclass(frozen=True)
class ParameterFit:
    parameter: Parameter
    value: float
    sd: float                 # standard deviation; NaN when fixed
    fixed_because: str = ""   # empty when fitted

    @property
    def fitted(self) -> bool:
        return not self.fixed_because


@dataclass(frozen=True)
class ChannelFit:
    channel: Channel
    measured: float
    sigma: float
    before: float             # confirming model at nominal
    after: float              # confirming model at the fitted values
    held_out: bool
    # Held out: the standard deviation of (measured - after) that the fit predicts, from the
    # fitted parameters' covariance and the reading's own accuracy; NaN for fit readings.
    predicted_sd: float = float("nan")

    @property
    def within_band(self) -> bool:
        """Held out: the misfit is inside its 95 % prediction band."""
        return bool(abs(self.measured - self.after) <= Z95 * self.predicted_sd)


@dataclass
class Calibration:
    layout: Layout            # the calibrated layout (inputs and fitted values written in)
    params: list[ParameterFit]
    channels: list[ChannelFit]
    settings: Settings
    source: str               # what the readings were: file and window
    solves: dict
    notes: list[str] = field(default_factory=list)
    input_names: list[str] = field(default_factory=list)   # readings used as inputs (rack power)

    def residual_rms(self, held_out: bool, after: bool = True) -> float:
        rows = [c for c in self.channels if c.held_out == held_out and c.channel.is_temperature]
        if not rows:
            return float("nan")
        return float(np.sqrt(np.mean([(c.measured - (c.after if after else c.before)) ** 2
                                      for c in rows])))

    def held_out_max_k(self) -> float:
        rows = [abs(c.measured - c.after) for c in self.channels if c.held_out]
        return max(rows) if rows else float("nan")

    def held_out_in_band(self) -> tuple[int, int]:
        """(held-out readings within their 95 % prediction band, held-out readings)."""
        rows = [c for c in self.channels if c.held_out]
        return sum(c.within_band for c in rows), len(rows)


def observed_channels(measured: Measured, snap: Snapshot) -> list[Channel]:
    return [measured.channels[n] for n in sorted(snap.values)
            if measured.channels[n].role == "observed"]


def calibrate(layout: Layout, measured: Measured, snap: Snapshot, settings: Settings = None,
              grouping: str = "row", progress: Optional[Callable] = None,
              cancel: Optional[Callable[[], bool]] = None) -> Calibration:
    """Fit `layout` to the snapshot's readings (see the module docstring)."""
    settings = settings or Settings()
    report = progress or (lambda fraction, message: None)
    base = apply_inputs(layout, measured.channels, snap.values)
    params = parameters(base, grouping)
    channels = observed_channels(measured, snap)
    if not channels:
        raise ValueError(f"{measured.path}: no reading the twin predicts (sensors, unit or rack "
                         "intake readings); rack power alone cannot calibrate")
    fit_ch, held = split_holdout(channels, settings.holdout)
    notes = []
    if settings.holdout > 0 and (not held or len(fit_ch) < 2 * len(params)):
        fit_ch, held = channels, []
        notes.append("no held-out check: too few readings to spare any from the fit")
    order = fit_ch + held
    twin = Twin(base, params, order, settings, cancel)
    m = np.array([snap.values[c.name] for c in order])
    sigma = np.array([channel_sigma(c, base, settings) for c in order])
    nfit = len(fit_ch)
    nominal = np.array([p.nominal for p in params])
    prior = np.array([p.prior_sd for p in params])
    report(0.05, "sensitivities at nominal (preview)")
    jac0 = twin.jacobian(nominal, np.arange(len(params)))[:nfit]
    ident = identifiable(jac0 * prior / sigma[:nfit, None], nfit)
    values, free = nominal.copy(), np.array(ident.free, int)
    before = twin.one(nominal, settings.model)
    for attempt in range(3):
        values = _fit_passes(twin, values, free, m, sigma, nfit, report)
        values, full_jac, dropped = _confirm(twin, values, free, m, sigma, nfit, report)
        if not dropped or attempt == 2:
            break
        for k, why in dropped.items():
            ident.fixed[int(free[k])] = why + f" (seen by the {settings.model} model)"
            values[free[k]] = nominal[free[k]]
        free = np.array([j for k, j in enumerate(free) if k not in dropped], int)
    report(0.95, "confirming the fit")
    after = twin.one(values, settings.model)
    sd, cov = _uncertainty(full_jac[:nfit], free, m, sigma, after, nfit, prior)
    fits = [ParameterFit(p, float(values[j]), float(sd.get(j, np.nan)), ident.fixed.get(j, ""))
            for j, p in enumerate(params)]
    band = _prediction_sd(full_jac, cov, sigma)
    rows = [ChannelFit(c, float(m[i]), float(sigma[i]), float(before[i]), float(after[i]),
                       i >= nfit, float(band[i]) if i >= nfit else float("nan"))
            for i, c in enumerate(order)]
    report(1.0, "done")
    inputs = [n for n in snap.values if measured.channels[n].role == "input"]
    return Calibration(apply(base, params, values, rounded=True), fits, rows, settings, snap.describe(),
                       dict(twin.solves), notes, inputs)


def _fit_passes(twin: Twin, values, free, m, sigma, nfit: int, report) -> np.ndarray:
    """Outer passes: anchor on the confirming model, fit on the preview, until p settles."""
    settings = twin.settings
    prior = np.array([p.prior_sd for p in twin.params])
    for k in range(settings.outer_iterations if len(free) else 0):
        report(0.1 + 0.6 * k / settings.outer_iterations, f"fit, pass {k + 1}")
        anchor = twin.one(values, settings.model) - twin.one(values, "preview")
        new = _fit_pass(twin, values, free, m[:nfit], sigma[:nfit], anchor[:nfit], nfit)
        moved = np.max(np.abs(new - values)[free] / prior[free])
        values = new
        if moved < MOVE_TOL:
            break
    return values


def _cost(twin: Twin, values, m, sigma, nfit: int) -> float:
    """Data misfit plus prior term of the confirming model at `values`."""
    prior = np.array([p.prior_sd for p in twin.params])
    nominal = np.array([p.nominal for p in twin.params])
    y = twin.one(values, twin.settings.model)[:nfit]
    return float(np.sum(((m[:nfit] - y) / sigma[:nfit]) ** 2)
                 + np.sum(((values - nominal) / prior) ** 2))


def _confirm(twin: Twin, values, free, m, sigma, nfit: int, report):
    """Gauss-Newton steps on the confirming model's own sensitivities (accepted only when
    they lower its misfit), until a step no longer helps or a parameter proves invisible.

    Returns (values, sensitivities of the free parameters for every channel, fit ones
    first, {index in free: why it is fixed}).
    """
    prior = np.array([p.prior_sd for p in twin.params])
    cost = _cost(twin, values, m, sigma, nfit)
    for it in range(POLISH_STEPS):
        report(0.75 + 0.05 * it, "confirming the sensitivities")
        full = _confirming_jacobian(twin, values, free)
        jac = full[:nfit]
        kept = identifiable(jac * prior[free] / sigma[:nfit, None], nfit)
        if len(kept.free) < len(free):
            return values, full, kept.fixed
        if twin.settings.model == "preview" or not len(free):
            break
        new = _polish(twin, values, free, jac, m[:nfit], sigma[:nfit], nfit)
        new_cost = _cost(twin, new, m, sigma, nfit)
        if new_cost >= cost:
            break
        moved = np.max(np.abs(new - values)[free] / prior[free])
        values, cost = new, new_cost
        if moved < MOVE_TOL:
            break
    return values, full, {}


def _confirming_jacobian(twin: Twin, values, free) -> np.ndarray:
    """Sensitivities of every channel (fit and held out) in the confirming model at `values`."""
    model = twin.settings.model
    step = CONFIRM_STEP_OF_PRIOR if model != "preview" else FD_STEP_OF_PRIOR
    return twin.jacobian(values, free, model, step)


def _fit_pass(twin: Twin, start: np.ndarray, free: np.ndarray, m, sigma, anchor, nfit: int):
    """One least-squares pass on the anchored preview model; returns all parameter values."""
    params = twin.params
    prior = np.array([p.prior_sd for p in params])[free]
    nominal = np.array([p.nominal for p in params])[free]

    def full(x):
        v = start.copy()
        v[free] = x
        return v

    def fun(x):
        y = twin.one(full(x), "preview")[:nfit] + anchor
        return np.concatenate([(m - y) / sigma, (x - nominal) / prior])

    def jac(x):
        j = twin.jacobian(full(x), free)[:nfit]
        return np.vstack([-j / sigma[:, None], np.diag(1.0 / prior)])

    lower = np.array([params[j].lower for j in free])
    upper = np.array([params[j].upper for j in free])
    x0 = np.clip(start[free], lower + 1e-9, upper - 1e-9)
    sol = least_squares(fun, x0, jac=jac, bounds=(lower, upper), x_scale=prior, method="trf",
                        max_nfev=30, xtol=1e-4, ftol=1e-6)
    return full(sol.x)


def _polish(twin: Twin, values, free, jac, m, sigma, nfit: int) -> np.ndarray:
    """A Gauss-Newton step on the confirming model's own sensitivities.

    The passes converge where the preview's sensitivities say the fit is
    best; along a direction the confirming model sees differently, this step
    moves the values to where the confirming model's misfit is least.
    """
    params = twin.params
    prior = np.array([p.prior_sd for p in params])[free]
    nominal = np.array([p.nominal for p in params])[free]
    y0 = twin.one(values, twin.settings.model)[:nfit]
    x0 = values[free]
    lower = np.array([params[j].lower for j in free])
    upper = np.array([params[j].upper for j in free])
    a = np.vstack([-jac / sigma[:, None], np.diag(1.0 / prior)])

    def fun(x):
        return np.concatenate([(m - y0 - jac @ (x - x0)) / sigma, (x - nominal) / prior])

    sol = least_squares(fun, np.clip(x0, lower, upper), jac=lambda x: a,
                        bounds=(lower, upper), method="trf")
    out = values.copy()
    out[free] = sol.x
    return out


def _prediction_sd(full_jac, cov, sigma) -> np.ndarray:
    """Per channel: sqrt(J C J' + sigma^2), the spread of measured - predicted that the
    parameters' covariance C and the reading's own accuracy allow."""
    if cov is None or not full_jac.shape[1]:
        return np.asarray(sigma, float).copy()
    var = np.einsum("ij,jk,ik->i", full_jac, cov, full_jac)
    return np.sqrt(np.maximum(var, 0.0) + np.asarray(sigma, float) ** 2)


def _uncertainty(jac, free, m, sigma, after, nfit: int, prior) -> tuple[dict, np.ndarray]:
    """Standard deviation of each fitted parameter and their covariance: s^2 (J'J + prior)^-1,
    s^2 >= 1.

    s^2 is the fit's chi-square per degree of freedom; it is floored at 1 so a
    fit never claims more than the stated reading accuracy allows.
    """
    if not len(free):
        return {}, None
    j = jac / sigma[:nfit, None]
    info = j.T @ j + np.diag(1.0 / prior[free] ** 2)
    chi2 = float(np.sum(((m[:nfit] - after[:nfit]) / sigma[:nfit]) ** 2))
    dof = max(nfit - len(free), 1)
    cov = max(1.0, chi2 / dof) * np.linalg.inv(info)
    return {int(k): float(np.sqrt(cov[i, i])) for i, k in enumerate(free)}, cov
