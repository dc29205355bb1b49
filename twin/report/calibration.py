"""The report's calibration part: the fit table of `dctwin calibrate --json` and the alert
history of `dctwin watch --json`, when the report is given them."""
from __future__ import annotations

import json
import math
from typing import Optional

from twin.model import limits
from twin.report.fmt import MISSING, esc, num

Z95 = 1.96
MAX_ROWS = 200


class ResultFileError(ValueError):
    """A calibration or watch result that cannot be shown; the message names the file."""


def load_result(path: str, kind: str) -> dict:
    """A `calibrate --json` (kind "calibration") or `watch --json` ("watch") result file."""
    try:
        data = json.loads(limits.read_bounded(path, 64 * limits.MIB, kind).decode("utf-8"))
    except limits.InputLimitError as exc:
        raise ResultFileError(str(exc)) from None
    except OSError as exc:
        raise ResultFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ResultFileError(f"{path}: not a JSON file ({exc})") from None
    key = "parameters" if kind == "calibration" else "alerts"
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        command = "calibrate" if kind == "calibration" else "watch"
        raise ResultFileError(f"{path}: not a `dctwin {command} --json` result (no {key!r} list)")
    return data


def _n(value, digits: int = 1) -> str:
    """`num` of a figure read from a file: MISSING for anything but a number."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return num(float(value), digits) if ok else MISSING


def _value(p: dict) -> str:
    value = p.get("value")
    if not isinstance(value, (int, float)):
        return MISSING
    return f"{value:+.2f} K" if p.get("kind") == "unit_supply" else f"{value:.3f} ×"


def _pm(p: dict) -> str:
    sd = p.get("sd")
    if not p.get("fitted") or not isinstance(sd, (int, float)) or not math.isfinite(sd):
        return "fixed"
    return f"± {Z95 * sd:.3f}"


def _use(c: dict) -> str:
    """"fit", or "held out" with the 95 % band the fit predicts for it."""
    if not c.get("held_out"):
        return "fit"
    sd = c.get("predicted_sd")
    return f"held out, ± {Z95 * sd:.2f} K expected" if isinstance(sd, (int, float)) else "held out"


def _in_band(cal: dict) -> str:
    band = cal.get("held_out_in_band")
    if not (isinstance(band, list) and len(band) == 2 and band[1]):
        return ""
    return f"; {band[0]} of {band[1]} within the 95 % band the fit predicts"


def calibration_html(cal: dict, table) -> str:
    params = [[esc(p.get("id")), _value(p), _pm(p),
               esc(p.get("fixed_because") or "")] for p in cal["parameters"][:MAX_ROWS]]
    rows = [[esc(c.get("name")), _n(c.get("measured"), 2), _n(c.get("before"), 2),
             _n(c.get("after"), 2), _use(c)]
            for c in (cal.get("channels") or [])[:MAX_ROWS] if isinstance(c, dict)]
    head = (f"<h2>Calibration</h2><p>Fitted to {esc(cal.get('measured'))} "
            f"({esc(cal.get('readings'))}) with the {esc(cal.get('model'))} model; readings "
            f"± {_n(cal.get('sensor_sigma_k'), 2)} K. Temperature misfit (RMS) "
            f"{_n(cal.get('fit_rms_before_k'), 2)} → {_n(cal.get('fit_rms_after_k'), 2)} K; "
            f"held-out readings {_n(cal.get('held_out_rms_before_k'), 2)} → "
            f"{_n(cal.get('held_out_rms_after_k'), 2)} K (largest "
            f"{_n(cal.get('held_out_max_k'), 2)} K{_in_band(cal)}).</p>")
    return (head + table(["Parameter", "Fitted", "95 %", "Kept at nominal because"], params)
            + table(["Reading", "Measured", "Twin before", "Twin after", "Use"], rows))


def watch_html(watch: dict, table) -> str:
    alerts = [a for a in watch["alerts"] if isinstance(a, dict)][:MAX_ROWS]
    body = [[esc(a.get("time")), esc(a.get("kind")), esc(a.get("message"))] for a in alerts]
    head = (f"<h2>Alerts</h2><p>Readings {esc(watch.get('measured'))} against the "
            f"{esc(watch.get('model'))} twin: {len(alerts)} alert(s).</p>")
    listing = table(["Time", "Kind", "Alert"], body, left_cols=3) if body else "<p>No alerts.</p>"
    warns = [f for f in watch.get("forecasts") or [] if isinstance(f, dict) and f.get("warn")]
    if warns:
        listing += "<p>Foreseen at the end of the readings: " + "; ".join(
            f"{esc(f.get('name'))} reaches {_n(f.get('limit'))} in "
            f"{_minutes(f.get('seconds_to_limit'))} min" for f in warns) + ".</p>"
    return head + listing


def _minutes(seconds) -> str:
    return _n(seconds / 60.0 if isinstance(seconds, (int, float)) else None)


def section(d: dict, table) -> str:
    """The 'Calibration' and 'Alerts' sections ('' when the report was given neither)."""
    parts: list[Optional[str]] = []
    if d.get("calibration"):
        parts.append(calibration_html(d["calibration"], table))
    if d.get("watch"):
        parts.append(watch_html(d["watch"], table))
    return "".join(p for p in parts if p)
