"""Live residuals (measured minus twin), alerts with their most likely cause, early warnings.

The twin's value of each observed reading is solved once for the layout
(plus the preview's sensitivity to any rack whose power is read, so a
measured load change moves the twin too). Each reading keeps its residuals;
the mean of the last `window` is compared with its expected spread
sqrt(noise^2 / n + model^2). When some reading stays beyond `z` spreads for
`persist` updates an alert is raised, naming the single parameter change
that best explains the pattern of the latest `persist` residuals through
the sensitivity matrix, with the probability of that explanation among all single ones.
See docs/calibration.md.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from twin.calibrate.fit import Settings, Twin
from twin.calibrate.measured import Channel
from twin.calibrate.params import Parameter, parameters
from twin.model.layout import Layout
from twin.telemetry.csvfile import format_timestamp


@dataclass
class WatchSettings:
    noise_k: float = 0.3          # stated noise of one temperature reading
    model_k: float = 0.3          # the twin's own spread (e.g. a calibration's held-out RMS)
    window: int = 10              # readings averaged per residual
    z: float = 4.0                # spreads beyond which a residual is out of line
    persist: int = 3              # updates it must stay out before an alert
    horizon_s: float = 1800.0     # early-warning horizon
    trend_window_s: float = 900.0


@dataclass(frozen=True)
class Cause:
    parameter: Parameter
    change: float                 # parameter change (factor - 1, or K)
    confidence: float             # probability among the single-parameter explanations
    explained: float              # share of the residual pattern it accounts for

    def summary(self) -> str:
        """`CRAH-2 airflow about 30 % low`: what changed and by how much."""
        p = self.parameter
        what = p.targets[0] if len(p.targets) == 1 else p.id.rsplit(" ", 1)[0]
        return f"{what} {p.describe_change(p.nominal + self.change)}"

    def describe(self) -> str:
        return (f"{self.summary()} "
                f"(confidence {100 * self.confidence:.0f} %, explains {100 * self.explained:.0f} %)")


@dataclass(frozen=True)
class Alert:
    time_s: float
    kind: str                     # residual | cleared | forecast
    readings: tuple[str, ...]     # the readings out of line (or forecast)
    message: str
    cause: Optional[Cause] = None

    def to_dict(self) -> dict:
        out = {"time": format_timestamp(self.time_s), "kind": self.kind,
               "readings": list(self.readings), "message": self.message}
        if self.cause is not None:
            out["cause"] = {"parameter": self.cause.parameter.id,
                            "change": round(self.cause.change, 3),
                            "confidence": round(self.cause.confidence, 3),
                            "explained": round(self.cause.explained, 3)}
        return out


def diagnose(residual: np.ndarray, spread: np.ndarray, sens: np.ndarray,
             params: list[Parameter]) -> Optional[Cause]:
    """The single parameter change that best explains `residual` (weighted least squares)."""
    ok = np.isfinite(residual)
    if not ok.any() or not len(params):
        return None
    r, w, s = residual[ok], 1.0 / spread[ok] ** 2, sens[ok]
    total = float(np.sum(w * r * r))
    chi2, change = [], []
    for j in range(s.shape[1]):
        col = s[:, j]
        norm = float(np.sum(w * col * col))
        a = float(np.sum(w * col * r)) / norm if norm > 0 else 0.0
        chi2.append(float(np.sum(w * (r - a * col) ** 2)))
        change.append(a)
    chi2 = np.array(chi2)
    logl = -0.5 * (chi2 - chi2.min())
    prob = np.exp(logl) / np.exp(logl).sum()
    best = int(np.argmin(chi2))
    explained = 1.0 - chi2[best] / total if total > 0 else 0.0
    return Cause(params[best], change[best], float(prob[best]), float(max(explained, 0.0)))


def expected_spread(channel: Channel, twin_value: float, n: int, settings: WatchSettings) -> float:
    """sqrt(noise^2 / n + model^2): the spread of the mean of `n` residuals of a reading
    (noise: the stated one for a temperature, 5 % of the twin's value otherwise)."""
    noise = settings.noise_k if channel.is_temperature else 0.05 * abs(twin_value)
    return math.sqrt(noise ** 2 / max(n, 1) + settings.model_k ** 2)


@dataclass
class Residuals:
    """One reading's recent residuals."""
    values: deque
    out_count: int = 0
    history: list = field(default_factory=list)      # (time, residual) for sparklines and reports


class Watcher:
    """Feed it frames of readings; it keeps residuals and raises alerts."""

    def __init__(self, layout: Layout, channels: dict[str, Channel], settings: WatchSettings = None,
                 fit_settings: Settings = None, grouping: str = "row", cancel=None):
        self.settings = settings or WatchSettings()
        self.fit_settings = fit_settings or Settings()
        self.layout = layout
        self.observed = [c for c in channels.values() if c.role == "observed"]
        self.inputs = [c for c in channels.values() if c.role == "input"]
        self.params = parameters(layout, grouping)
        twin = self.twin = Twin(layout, self.params, self.observed, self.fit_settings, cancel)
        nominal = np.array([p.nominal for p in self.params])
        self.expected = twin.one(nominal, self.fit_settings.model)
        self.sens = twin.secants(nominal)
        self.power_sens = self._power_sensitivity(twin, nominal)
        self.index = {c.name: i for i, c in enumerate(self.observed)}
        self.residuals = {c.name: Residuals(deque(maxlen=self.settings.window))
                          for c in self.observed}
        self.power_kw = {c.target: layout.rack(c.target).power_kw for c in self.inputs}
        self.series: dict[str, list] = {}
        self.alerts: list[Alert] = []
        self.active = False

    def _power_sensitivity(self, twin: Twin, nominal) -> np.ndarray:
        """d twin / d rack power (per kW) for the racks whose power is read (preview)."""
        from twin.calibrate.fit import solve_predictions
        from twin.calibrate.params import apply_inputs
        base = twin.one(nominal, "preview")
        cols = []
        for ch in self.inputs:
            bumped = apply_inputs(self.layout, {ch.name: ch},
                                  {ch.name: self.layout.rack(ch.target).power_kw + 1.0})
            y, _ = solve_predictions((bumped, self.layout, self.observed,
                                       self.fit_settings.cell_m, "preview"))
            cols.append(y - base)
        return np.column_stack(cols) if cols else np.zeros((len(self.observed), 0))

    def spread(self, name: str) -> float:
        ch = self.observed[self.index[name]]
        return expected_spread(ch, float(self.expected[self.index[name]]),
                               len(self.residuals[name].values), self.settings)

    def twin_values(self) -> np.ndarray:
        delta = np.array([self.power_kw[c.target] - self.layout.rack(c.target).power_kw
                          for c in self.inputs])
        return self.expected + (self.power_sens @ delta if len(delta) else 0.0)

    def update(self, time_s: float, values: dict[str, float]) -> list[Alert]:
        """Take one frame of readings; returns the alerts it raised."""
        for ch in self.inputs:
            if ch.name in values:
                self.power_kw[ch.target] = float(values[ch.name])
        twin = self.twin_values()
        for name, value in values.items():
            self.series.setdefault(name, []).append((time_s, float(value)))
            if name in self.index:
                res = self.residuals[name]
                r = float(value) - float(twin[self.index[name]])
                res.values.append(r)
                res.history.append((time_s, r))
        return self._judge(time_s)

    def mean_residuals(self, last: Optional[int] = None) -> np.ndarray:
        """Each reading's mean residual over the window (or its `last` few), NaN without data."""
        out = []
        for c in self.observed:
            values = list(self.residuals[c.name].values)[-(last or len(self.residuals[c.name].values)):]
            out.append(np.mean(values) if values else np.nan)
        return np.array(out)

    def _judge(self, time_s: float) -> list[Alert]:
        means = self.mean_residuals()
        spreads = np.array([self.spread(c.name) for c in self.observed])
        out_now = []
        for i, c in enumerate(self.observed):
            res = self.residuals[c.name]
            beyond = np.isfinite(means[i]) and abs(means[i]) > self.settings.z * spreads[i]
            res.out_count = res.out_count + 1 if beyond else 0
            if res.out_count >= self.settings.persist:
                out_now.append(c.name)
        raised = []
        if out_now and not self.active:
            recent = self.mean_residuals(self.settings.persist)
            cause = self.refine(diagnose(recent, spreads, self.sens, self.params), recent, spreads)
            worst = max(out_now, key=lambda n: abs(means[self.index[n]]))
            text = (f"{', '.join(out_now)} out of line (largest {worst} "
                    f"{means[self.index[worst]]:+.2f} vs ±{self.settings.z * spreads[self.index[worst]]:.2f})")
            if cause is not None:
                text += f"; most likely {cause.describe()}"
            raised.append(Alert(time_s, "residual", tuple(out_now), text, cause))
            self.active = True
        elif not out_now and self.active and all(r.out_count == 0 for r in self.residuals.values()):
            raised.append(Alert(time_s, "cleared", (), "all readings back within their spread"))
            self.active = False
        self.alerts += raised
        return raised

    def refine(self, cause: Optional[Cause], residual, spread) -> Optional[Cause]:
        """The cause's size from the preview model itself (the effect of an airflow change is
        far from linear: temperatures go with 1 / airflow), by a bounded 1-D search."""
        if cause is None:
            return None
        from scipy.optimize import minimize_scalar
        j = self.params.index(cause.parameter)
        nominal = np.array([p.nominal for p in self.params])
        base = self.twin.one(nominal, "preview")
        ok = np.isfinite(residual)

        def misfit(value):
            v = nominal.copy()
            v[j] = value
            d = self.twin.one(v, "preview") - base
            return float(np.sum(((residual - d)[ok] / spread[ok]) ** 2))
        p = cause.parameter
        best = minimize_scalar(misfit, bounds=(p.lower, p.upper), method="bounded",
                               options={"xatol": 0.005 * p.prior_sd})
        return Cause(p, float(best.x) - p.nominal, cause.confidence, cause.explained)

    def limits(self) -> dict[str, float]:
        """The series that are forecast and their limits: intakes (ASHRAE allowable) and CDUs."""
        from twin.thermal.metrics import inlet_class
        cls = inlet_class(self.layout.ashrae_class or "A1")
        allowable = cls.allowable_max_c
        out = {}
        for c in self.observed:     # a sensor the twin puts above the recommended range is in a hot aisle
            in_aisle = c.kind == "sensor" and self.expected[self.index[c.name]] < cls.recommended_max_c
            if in_aisle or (c.kind == "rack" and c.quantity == "intake_c"):
                out[c.name] = allowable
        if self.layout.liquid is not None:
            for cdu in self.layout.liquid.cdus:
                out[f"cdu:{cdu.id}:supply_c"] = float(self.layout.liquid.coolant_limit_c)
        return out

    def forecasts(self) -> list:
        """The current forecast of every forecast series with enough readings."""
        from twin.calibrate.forecast import forecast
        out = []
        for name, limit in self.limits().items():
            points = self.series.get(name)
            if points:
                t, y = zip(*points)
                f = forecast(name, t, y, limit, self.settings.horizon_s, self.settings.trend_window_s)
                if f is not None:
                    out.append(f)
        return out

    def early_warnings(self, time_s: float, forecasts: Optional[list] = None) -> list[Alert]:
        """A forecast alert for each series newly foreseen to cross its limit within the horizon
        (from `forecasts` when the caller has them already, else from `forecasts()`)."""
        warned = {a.readings[0] for a in self.alerts if a.kind == "forecast"}
        current = self.forecasts() if forecasts is None else forecasts
        raised = [Alert(time_s, "forecast", (f.name,), f.describe()) for f in current
                  if f.warn and f.name not in warned]
        self.alerts += raised
        return raised
