"""The job placement as a table, as JSON, and as the CSV a scheduler reads."""
from __future__ import annotations

import csv
import io

CSV_COLUMNS = ("rack", "server", "host", "model", "gpus", "gpu_indices")


def assignment_dict(a) -> dict:
    return {"name": a.name, "gpus": a.gpus, "servers": len(a.servers), "racks": a.racks,
            "fabric_domains": a.domains, "max_switch_hops": a.max_hops,
            "hottest_intake_c": a.hottest_intake_c, "hottest_rack": a.hottest_rack,
            "cooling_kw": a.cooling_kw, "facility_kw": a.facility_kw,
            "thermal_model": a.thermal_model,
            "assignment": [{"rack": s.rack, "server": s.index, "host": s.host or None,
                            "model": s.model, "gpu_indices": list(g)} for s, g in a.servers]}


def job_dict(placed, naive, gpus: int, power_pct: float) -> dict:
    return {"job": {"gpus": gpus, "power_pct": power_pct}, "placed": assignment_dict(placed),
            "first_fit": assignment_dict(naive)}


def assignment_csv(a) -> str:
    """One row per server: rack, server index, host, model, GPUs taken and their indices."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s, g in a.servers:
        writer.writerow([s.rack, s.index, s.host, s.model, len(g), " ".join(str(i) for i in g)])
    return out.getvalue()


def format_job(placed, naive) -> str:
    """Placed against first fit, side by side."""
    rows = [("GPUs", lambda a: str(a.gpus)), ("servers", lambda a: str(len(a.servers))),
            ("racks", lambda a: _short(a.racks)), ("fabric domains", lambda a: str(a.domains)),
            ("max switch hops", lambda a: str(a.max_hops)),
            ("hottest intake", lambda a: f"{a.hottest_intake_c:.1f} °C ({a.hottest_rack})"),
            ("cooling power", lambda a: f"{a.cooling_kw:.1f} kW"),
            ("total power", lambda a: f"{a.facility_kw:.1f} kW")]
    lines = [f"{'':<16} {'placed':<28} first fit"]
    lines += [f"{name:<16} {get(placed):<28} {get(naive)}" for name, get in rows]
    gain = naive.hottest_intake_c - placed.hottest_intake_c
    lines.append(f"the placement keeps the hottest intake {gain:.1f} K below first fit "
                 f"({placed.thermal_model} model)" if gain >= 0 else
                 f"first fit is {-gain:.1f} K cooler but spans more fabric domains")
    return "\n".join(lines) + "\n"


def _short(racks: list[str]) -> str:
    return ", ".join(racks) if len(racks) <= 4 else f"{', '.join(racks[:3])} +{len(racks) - 3}"
