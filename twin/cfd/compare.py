"""Compare two result files (`dctwin simulate --json` or `dctwin cfd` shape) rack by rack."""
from __future__ import annotations

import json
import math

from twin.model import limits

RACK_KEYS = ("inlet_mean_c", "inlet_max_c", "inlet_lower_c", "inlet_middle_c", "inlet_upper_c")
_COMPARED = RACK_KEYS + ("return_temp_c",)
ALIASES = {"exhaust_c": "exhaust_mean_c", "return_mean_c": "return_temp_c", "heat_removed_kw": "load_kw"}


def _normalise(entry: dict) -> dict:
    """Lower-case keys (the reference files spell degC as _C) and map older names."""
    out = {}
    for k, v in entry.items():
        key = k.lower()
        out[ALIASES.get(key, key)] = v
    return out


def load_result(path) -> dict:
    """A result file with normalised rack and unit entries; ValueError naming the file when
    it is not one (a FIFO, too large, not JSON, nested too deeply, entries not mappings)."""
    name = str(path)
    try:
        doc = json.loads(limits.read_bounded(name, limits.MAX_RESULTS_BYTES, "results")
                         .decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name}:{exc.lineno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise ValueError(f"{name}: JSON nested too deeply") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{name}: not a results file (a JSON object with racks)")
    for group in ("racks", "cooling_units"):
        entries = doc.get(group, {})
        if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
            raise ValueError(f"{name}: {group}: must map ids to objects of figures")
        doc[group] = {k: _numbers(_normalise(v)) for k, v in entries.items()}
    return doc


def _numbers(entry: dict) -> dict:
    """Compared figures that are not finite numbers count as missing."""
    return {k: (None if k in _COMPARED and not (isinstance(v, (int, float)) and not
                isinstance(v, bool) and math.isfinite(v)) else v) for k, v in entry.items()}


def differences(a: dict, b: dict) -> dict:
    """B minus A per rack (intake figures), per unit (return), and summary statistics in K."""
    racks = {}
    for rid in a["racks"]:
        if rid not in b["racks"]:
            continue
        ra, rb = a["racks"][rid], b["racks"][rid]
        racks[rid] = {k: rb[k] - ra[k] for k in RACK_KEYS if ra.get(k) is not None and rb.get(k) is not None}
    units = {}
    for uid, ua in a["cooling_units"].items():
        ub = b["cooling_units"].get(uid, {})
        if ua.get("return_temp_c") is not None and ub.get("return_temp_c") is not None:
            units[uid] = ub["return_temp_c"] - ua["return_temp_c"]
    means = [abs(r["inlet_mean_c"]) for r in racks.values() if "inlet_mean_c" in r]
    return {
        "racks": racks, "returns": units,
        "mean_abs_k": sum(means) / len(means) if means else 0.0,
        "worst_mean_k": max(means, default=0.0),
        "worst_any_k": max([abs(v) for r in racks.values() for v in r.values()] +
                           [abs(v) for v in units.values()], default=0.0),
    }


def _energy(doc: dict) -> str:
    e = doc.get("energy_balance", {})
    it = e.get("it_power_kw", e.get("rack_power_kw"))
    removed = e.get("removed_kw", e.get("heat_removed_by_returns_kw"))
    return f"IT {it:.1f} kW, removed {removed:.1f} kW ({e.get('error_pct', 0.0):+.2f} %)" if it else "n/a"


def format_report(a: dict, b: dict, name_a: str, name_b: str) -> str:
    """A plain-text table of B - A."""
    d = differences(a, b)
    lines = [f"B - A in K   (A: {name_a}, B: {name_b})",
             f"{'rack':<10}{'A mean':>8}{'B mean':>8}{'mean':>8}{'max':>8}{'lower':>8}{'middle':>8}{'upper':>8}"]
    for rid, diff in d["racks"].items():
        cells = "".join(f"{diff[k]:>+8.2f}" if k in diff else f"{'-':>8}" for k in RACK_KEYS)
        lines.append(f"{rid:<10}{a['racks'][rid]['inlet_mean_c']:>8.2f}{b['racks'][rid]['inlet_mean_c']:>8.2f}{cells}")
    for uid, diff in d["returns"].items():
        ta, tb = a["cooling_units"][uid]["return_temp_c"], b["cooling_units"][uid]["return_temp_c"]
        lines.append(f"return {uid}: A {ta:.2f}  B {tb:.2f}  B-A {diff:+.2f}")
    lines.append(f"energy A: {_energy(a)}")
    lines.append(f"energy B: {_energy(b)}")
    lines.append(f"intake mean: MAE {d['mean_abs_k']:.2f} K, worst {d['worst_mean_k']:.2f} K; "
                 f"worst of any figure {d['worst_any_k']:.2f} K")
    missing = sorted(set(a["racks"]) ^ set(b["racks"]))
    if missing:
        lines.append("racks in only one file: " + ", ".join(missing))
    return "\n".join(lines) + "\n"
