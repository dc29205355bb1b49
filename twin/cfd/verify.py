"""Fast model against CFD, side by side (Qt-free): where a run keeps its files, the table, the chart.

The desktop app's "Verify with CFD" and `dctwin compare --plot` use these;
the CFD run itself is `twin.cfd.simulate.simulate`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from twin.cfd.compare import differences
from twin.wording import count

TOLERANCE_K = 1.0          # what the fast model aims for at every rack intake (docs/thermal.md)


def cache_root() -> Path:
    """Where verification runs keep their results: $XDG_CACHE_HOME/dctwin/cfd (~/.cache/...)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dctwin" / "cfd"


def method_key(settings=None, rule=None) -> str:
    """A fingerprint of how a run is made: the physics settings, the case templates (schemes,
    solvers), the stop rule and dctwin's version; any change gives new cache folders."""
    import hashlib
    import json
    from dataclasses import asdict
    from twin import __version__
    from twin.cfd.case import CaseSettings
    from twin.cfd.fields import TEMPLATES
    from twin.cfd.simulate import default_rule
    settings = settings or CaseSettings()
    rule = rule or default_rule(settings)
    text = json.dumps({"physics": settings.physics_key(), "templates": TEMPLATES,
                       "stop_rule": asdict(rule), "version": __version__}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def run_folder(layout, cell_m: float, root: Path | None = None, settings=None, rule=None) -> Path:
    """A folder per (layout content, grid, method_key): re-verifying an unchanged room with
    the same method finds its earlier run; a run made another way is not reused."""
    from twin.scenario.runner import layout_hash
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", getattr(layout, "name", "") or "layout")[:40]
    return (root or cache_root()) / f"{name}-{layout_hash(layout)[:12]}-{cell_m:g}m-{method_key(settings, rule)}"


RESULT_FILES = ("result.json", "fields.npz")


def finished_run(folder: Path) -> bool:
    """Whether `folder` holds a complete run: a readable result.json and fields.npz with T.

    The cache only ever gets whole folders (`run_into_cache`); this also turns
    away a folder damaged by other means rather than showing half a result.
    """
    import json
    import zipfile
    try:
        json.loads((folder / "result.json").read_text(encoding="utf-8"))
        with zipfile.ZipFile(folder / "fields.npz") as archive:
            return "T.npy" in archive.namelist() and archive.testzip() is None
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


def run_into_cache(layout, folder: Path, settings, rule=None, **options) -> dict:
    """`simulate` in a private folder beside `folder`, moved there only once it has finished.

    Two runs of the same layout (two windows) each work in their own folder
    and never touch each other's case; the last to finish replaces the
    cached result files, each rename atomic. A failed or cancelled run leaves
    nothing in the cache. `options` go to `simulate` (progress, cancel, stage).
    """
    from twin.cfd.simulate import simulate
    from twin.files import write_folder_atomic
    done = {}

    def fill(work: Path) -> list:
        done["result"] = simulate(layout, work, settings, rule, keep_case=False, **options)
        return list(RESULT_FILES)
    write_folder_atomic(folder, fill, replace=True, owned=RESULT_FILES)
    return done["result"]


def side_by_side(fast: dict, cfd: dict) -> dict:
    """Per rack and unit: fast model, CFD and fast - CFD; summary statistics in K.

    Both arguments are in the `dctwin simulate --json` shape (twin.cfd.compare.load_result
    normalises older spellings).
    """
    d = differences(cfd, fast)                      # B - A = fast - CFD
    racks = []
    for rid, diff in d["racks"].items():
        f, c = fast["racks"][rid], cfd["racks"][rid]
        racks.append({"id": rid, "fast_mean_c": f["inlet_mean_c"], "cfd_mean_c": c["inlet_mean_c"],
                      "delta_mean_k": diff.get("inlet_mean_c"),
                      "fast_max_c": f.get("inlet_max_c"), "cfd_max_c": c.get("inlet_max_c"),
                      "delta_max_k": diff.get("inlet_max_c"),
                      "delta_upper_k": diff.get("inlet_upper_c")})
    units = [{"id": uid, "fast_return_c": fast["cooling_units"][uid]["return_temp_c"],
              "cfd_return_c": cfd["cooling_units"][uid]["return_temp_c"], "delta_k": delta}
             for uid, delta in d["returns"].items()]
    worst = max(racks, key=lambda r: abs(r["delta_mean_k"] or 0.0), default=None)
    outside = [r["id"] for r in racks if r["delta_mean_k"] is not None and abs(r["delta_mean_k"]) > TOLERANCE_K]
    return {"racks": racks, "units": units, "mean_abs_k": d["mean_abs_k"], "worst_mean_k": d["worst_mean_k"],
            "worst_rack": worst["id"] if worst else "", "outside_tolerance": outside,
            "energy_fast_pct": fast.get("energy_balance", {}).get("error_pct"),
            "energy_cfd_pct": cfd.get("energy_balance", {}).get("error_pct")}


def verdict(table: dict) -> str:
    """One sentence on the comparison, for the app's status line and reports."""
    n = len(table["racks"])
    if not n:
        return "no rack in common between the two results"
    text = (f"mean |fast - CFD| {table['mean_abs_k']:.2f} K over {count(n, 'rack')}, "
            f"worst {table['worst_mean_k']:.2f} K ({table['worst_rack']})")
    out = table["outside_tolerance"]
    if out:
        return f"{text}; {count(len(out), 'rack')} beyond {TOLERANCE_K:g} K: {', '.join(out)}"
    return f"{text}; every rack intake within {TOLERANCE_K:g} K"


def svg_plot(a: dict, b: dict, name_a: str = "A", name_b: str = "B",
             width: int = 900, height: int = 420) -> str:
    """An SVG chart: per-rack intake means of A and B (points) and B - A (bars, right axis)."""
    d = differences(a, b)
    ids = list(d["racks"])
    if not ids:
        raise ValueError("the two results have no rack in common")
    va = [a["racks"][i]["inlet_mean_c"] for i in ids]
    vb = [b["racks"][i]["inlet_mean_c"] for i in ids]
    delta = [d["racks"][i].get("inlet_mean_c", 0.0) for i in ids]
    left, right, top, bottom = 60, 60, 30, 70
    pw, ph = width - left - right, height - top - bottom
    lo, hi = min(va + vb) - 0.5, max(va + vb) + 0.5
    dmax = max(max(abs(x) for x in delta), 0.5)
    step = pw / len(ids)
    x = lambda k: left + (k + 0.5) * step                          # noqa: E731
    y = lambda t: top + ph * (1 - (t - lo) / (hi - lo))            # noqa: E731
    yd = lambda v: top + ph * (0.5 - v / (2 * dmax))               # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>',
           f'<line x1="{left}" y1="{yd(0):.1f}" x2="{left + pw}" y2="{yd(0):.1f}" stroke="#bbb" stroke-dasharray="3,3"/>']
    for k, v in enumerate(delta):
        y0, y1 = sorted((yd(0), yd(v)))
        out.append(f'<rect x="{x(k) - step * 0.3:.1f}" y="{y0:.1f}" width="{step * 0.6:.1f}" '
                   f'height="{max(y1 - y0, 0.5):.1f}" fill="{"#d6604d" if v > 0 else "#4393c3"}" opacity="0.45"/>')
    for series, colour in ((va, "#222"), (vb, "#c51b7d")):
        pts = " ".join(f"{x(k):.1f},{y(t):.1f}" for k, t in enumerate(series))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        out += [f'<circle cx="{x(k):.1f}" cy="{y(t):.1f}" r="3" fill="{colour}"/>' for k, t in enumerate(series)]
    for k, rid in enumerate(ids):
        out.append(f'<text x="{x(k):.1f}" y="{top + ph + 14}" text-anchor="middle">{_esc(rid)}</text>')
    for t in (lo, (lo + hi) / 2, hi):
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t:.1f}</text>')
    for v in (-dmax, 0.0, dmax):
        out.append(f'<text x="{left + pw + 6}" y="{yd(v) + 4:.1f}">{v:+.1f}</text>')
    out += [f'<text x="{left}" y="18">intake mean, °C: <tspan fill="#222">● {_esc(name_a)}</tspan>  '
            f'<tspan fill="#c51b7d">● {_esc(name_b)}</tspan></text>',
            f'<text x="{left + pw}" y="18" text-anchor="end">bars: B - A, K (right axis); '
            f'MAE {d["mean_abs_k"]:.2f} K, worst {d["worst_mean_k"]:.2f} K</text>',
            "</svg>"]
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def on_grid(field, shape):
    """`field` (nx, ny, nz) brought onto a grid of `shape` over the same room, for differences.

    Integer refinements are block means over fluid cells (a 0.1 m CFD field onto the
    fast model's 0.2 m grid); other ratios take the cell containing each target centre.
    """
    import numpy as np
    field = np.asarray(field, float)
    if tuple(field.shape) == tuple(shape):
        return field
    ratios = [a / b for a, b in zip(field.shape, shape)]
    if all(abs(r - round(r)) < 1e-9 and round(r) >= 1 for r in ratios):
        rx, ry, rz = (int(round(r)) for r in ratios)
        blocks = field.reshape(shape[0], rx, shape[1], ry, shape[2], rz)
        finite = np.isfinite(blocks)
        count = finite.sum(axis=(1, 3, 5))
        total = np.where(finite, blocks, 0.0).sum(axis=(1, 3, 5))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)
    index = [np.minimum(((np.arange(n) + 0.5) * m / n).astype(int), m - 1) for n, m in zip(shape, field.shape)]
    return field[np.ix_(*index)]
