"""Standard error of a mean of autocorrelated iterates, for the accurate model's stop rule.

Successive iterates of a solver that keeps oscillating are strongly correlated,
so var / n would understate the uncertainty of their mean many times over. The
integrated autocorrelation time tau (Sokal's automatic window) counts how many
iterates make one independent sample: SE = sqrt(var * tau / n). Method and
sources: docs/thermal.md (stop rule).
"""
from __future__ import annotations

import numpy as np

WINDOW_C = 5.0          # Sokal's window: sum the autocorrelation up to lag M with M >= c tau


def autocorrelation(x: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation of each column of x (n, m) at lags 0..n-1 (FFT)."""
    n = x.shape[0]
    d = x - x.mean(axis=0)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, n=size, axis=0)
    acf = np.fft.irfft(f * np.conj(f), n=size, axis=0)[:n]
    var0 = acf[0].copy()
    flat = var0 <= 1e-24 * n
    var0[flat] = 1.0
    rho = acf / var0
    rho[:, flat] = 0.0
    rho[0, flat] = 1.0
    return rho


def integrated_time(x: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time of each column (>= 1 iterate), Sokal's windowing."""
    rho = autocorrelation(np.asarray(x, dtype=float))
    taus = 1.0 + 2.0 * np.cumsum(rho[1:], axis=0)            # tau estimate with window M = lag
    n_lag = taus.shape[0]
    tau = np.empty(rho.shape[1])
    for j in range(rho.shape[1]):
        lags = np.arange(1, n_lag + 1)
        ok = lags >= WINDOW_C * taus[:, j]
        # no window long enough: the series is mostly one slow swing; take the largest sum
        tau[j] = taus[np.argmax(ok), j] if ok.any() else taus[:, j].max() if n_lag else 1.0
    return np.maximum(tau, 1.0)


def _linear_fit(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centred time t, x minus its column means, each column's least-squares slope per sample)."""
    n = x.shape[0]
    t = np.arange(n) - 0.5 * (n - 1)
    centred = x - x.mean(axis=0)
    return t, centred, (t @ centred) / (t @ t)


def standard_errors(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(standard error of each column's mean, its tau, its linear trend across the window).

    The trend (fitted slope times the window length) catches a start-up drift
    that is still going: a series can look well averaged while it slides.
    """
    x = np.asarray(samples, dtype=float)
    n = x.shape[0]
    if n < 4:
        inf = np.full(x.shape[1], np.inf)
        return inf, inf, inf
    tau = integrated_time(x)
    var = x.var(axis=0, ddof=1)
    se = np.sqrt(var * tau / n)
    _, _, slope = _linear_fit(x)
    return se, tau, np.abs(slope * n)


def detrended_standard_errors(samples: np.ndarray) -> np.ndarray:
    """Standard error of each column's mean once its linear trend is taken out: the noise
    a drift has to stand out from (a drift inflates the raw series' variance and tau)."""
    t, centred, slope = _linear_fit(np.asarray(samples, dtype=float))
    se, _, _ = standard_errors(centred - np.outer(t, slope))
    return se
