"""Early warning: when will a reading cross its limit, from its recent trend?

Over the last `window_s` of a series, two robust fits are tried: a line
(Theil-Sen, with its 95 % slope interval) and a first-order approach
y = a + b exp(-t / tau) (`least_squares`, soft-L1 loss), the shape of a
room's response to a step in cooling (see the ride-through model in
docs/scenarios.md). The exponential is used when its curvature is significant (F-test, 1 %).
The crossing of the limit is solved from the fit, and its 95 % band from
the slope interval (line) or from draws of the fitted parameters
(exponential). The draws know nothing of a curve that is not quite
exponential, so the early edge of an exponential's band is never later
than the straight line's early edge: a warning errs towards early. See docs/calibration.md.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy import stats
from scipy.optimize import least_squares

MIN_POINTS = 6
CURVE_P = 0.01          # significance of the curvature that selects the exponential
DRAWS = 400
MAX_LOG_TAU = 40.0      # a longer time constant is a straight line for any horizon here


@dataclass(frozen=True)
class Forecast:
    name: str
    limit: float
    now_s: float
    value_now: float           # the fitted value now
    shape: str                 # linear | exponential | flat
    crossing_s: Optional[float]          # absolute time of the crossing (None: not foreseen)
    band_s: tuple[Optional[float], Optional[float]]   # 95 % band of the crossing time
    horizon_s: float

    @property
    def warn(self) -> bool:
        """A significant rise whose crossing falls within the horizon."""
        return self.crossing_s is not None and self.crossing_s - self.now_s <= self.horizon_s

    def to_dict(self) -> dict:
        rel = (lambda t: None if t is None else round(t - self.now_s, 1))
        return {"name": self.name, "limit": self.limit, "shape": self.shape,
                "value_now": round(self.value_now, 3), "warn": self.warn,
                "seconds_to_limit": rel(self.crossing_s),
                "band_s": [rel(self.band_s[0]), rel(self.band_s[1])]}

    def describe(self) -> str:
        if self.crossing_s is None:
            return f"{self.name}: no crossing of {self.limit:g} foreseen ({self.shape} trend)"
        lo, hi = self.band_s
        band = (f"{_minutes(lo - self.now_s)} to {_minutes(hi - self.now_s)}" if hi is not None
                else f"{_minutes(lo - self.now_s)} or later" if lo is not None else "band unknown")
        return (f"{self.name}: reaches {self.limit:g} in about {_minutes(self.crossing_s - self.now_s)} "
                f"(95 %: {band}; {self.shape} trend, now {self.value_now:.1f})")


def _minutes(seconds: float) -> str:
    return f"{max(seconds, 0.0) / 60.0:.1f} min"


def _linear(t, y, limit):
    slope, intercept, lo, hi = stats.theilslopes(y, t, alpha=0.95)
    misfit = float(np.sum((y - (intercept + slope * t)) ** 2))

    def cross(s, at_now):
        if at_now >= limit:
            return 0.0
        return (limit - at_now) / s if s > 0 else None
    now = float(t[-1])
    at_now = intercept + slope * now
    times = [cross(s, at_now) for s in (slope, hi, lo)]      # steepest slope gives the earliest
    return misfit, at_now, times


def _exp_model(x, t_rel):
    """y = y_now + slope_now tau (1 - exp(-t / tau)), t relative to now (the last reading).

    Parametrised by the value and slope now, which the data pin well, and
    log tau, so the linearised covariance describes the crossing fairly.
    """
    y_now, slope, log_tau = x
    tau = math.exp(min(float(log_tau), MAX_LOG_TAU))
    return y_now + slope * tau * (1.0 - np.exp(-t_rel / tau))


def _exponential(t_rel, y):
    span = float(t_rel[-1] - t_rel[0])
    best = None
    slope0 = (y[-1] - y[0]) / span
    for tau0 in (0.3 * span, span, 3.0 * span):
        sol = least_squares(lambda x: _exp_model(x, t_rel) - y, [y[-1], slope0, math.log(tau0)],
                            loss="soft_l1", f_scale=max(np.std(np.diff(y)), 1e-3),
                            bounds=([-np.inf, -np.inf, math.log(span / 20)],
                                    [np.inf, np.inf, math.log(span * 50)]))
        if best is None or sol.cost < best.cost:
            best = sol
    resid = _exp_model(best.x, t_rel) - y
    dof = max(len(t_rel) - 3, 1)
    try:
        cov = np.linalg.inv(best.jac.T @ best.jac) * float(resid @ resid) / dof
    except np.linalg.LinAlgError:
        return None
    return float(resid @ resid), best.x, cov


def _curved(line_rss: float, exp_rss: float, n: int) -> bool:
    """F-test: does the exponential's extra curvature explain significantly more (1 %)?"""
    dof = n - 3
    if dof < 1:
        return False
    if exp_rss <= 1e-12:
        return line_rss > 1e-12
    return (line_rss - exp_rss) / (exp_rss / dof) > stats.f.ppf(1 - CURVE_P, 2, dof)


def _exp_cross(x, limit) -> Optional[float]:
    """Seconds from now until the fitted curve reaches `limit` (None: never)."""
    y_now, slope, log_tau = x
    log_tau = min(float(log_tau), MAX_LOG_TAU)
    if y_now >= limit:
        return 0.0
    reach = slope * math.exp(log_tau)          # how far above y_now the curve settles
    if slope <= 0 or reach <= limit - y_now:
        return None
    return -math.exp(log_tau) * math.log(1.0 - (limit - y_now) / reach)


def forecast(name: str, times_s, values, limit: float, horizon_s: float = 1800.0,
             window_s: float = 900.0, seed: int = 0) -> Optional[Forecast]:
    """The series' crossing of `limit` from the last `window_s` (None: too few points)."""
    t_all, y_all = np.asarray(times_s, float), np.asarray(values, float)
    keep = t_all >= t_all[-1] - window_s
    t, y = t_all[keep], y_all[keep]
    if len(t) < MIN_POINTS or t[-1] - t[0] <= 0:
        return None
    t0 = float(t[0])
    tr, now = t - t0, float(t[-1] - t0)
    lin_misfit, lin_now, lin_times = _linear(tr, y, limit)
    exp = _exponential(tr - now, y)
    if exp is not None and _curved(lin_misfit, exp[0], len(t)):
        _, x, cov = exp
        rng = np.random.default_rng(seed)
        draws = rng.multivariate_normal(x, cov, DRAWS, check_valid="ignore")
        hit = np.array([np.inf if (c := _exp_cross(d, limit)) is None else c for d in draws])
        mid = _exp_cross(x, limit)
        lo = np.quantile(hit, 0.025, method="lower")
        hi = np.quantile(hit, 0.975, method="higher")
        if lin_times[1] is not None:     # model form: the early edge is the earlier of the two fits'
            lo = min(lo, lin_times[1])
        band = (None if not np.isfinite(lo) else lo, None if not np.isfinite(hi) else hi)
        value_now = float(x[0])
        return _build(name, limit, t0, now, value_now, "exponential", mid, band, horizon_s)
    mid, early, late = lin_times
    if late is None and lin_now < limit:       # the slope's 95 % interval reaches 0: no trend
        mid = None
    shape = "linear" if mid is not None or lin_now >= limit else "flat"
    return _build(name, limit, t0, now, float(lin_now), shape, mid, (early, late), horizon_s)


def _build(name, limit, t0, now, value_now, shape, mid, band, horizon_s) -> Forecast:
    at = (lambda d: None if d is None else t0 + now + float(d))
    return Forecast(name, float(limit), t0 + now, value_now, shape, at(mid),
                    (at(band[0]), at(band[1])), float(horizon_s))
