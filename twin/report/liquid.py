"""The report's liquid-cooling part: baseline and scenario loops, N-1 of each CDU,
loss of facility water; its HTML section, liquid.csv and the problems it adds to the verdict."""
from __future__ import annotations

from typing import Optional

from twin.report.fmt import MISSING, duration, esc, ids, natural_key, num

LIQUID_COLUMNS = ("kind", "id", "base_load_kw", "scenario_load_kw", "base_supply_c",
                  "scenario_supply_c", "base_return_c", "scenario_return_c", "liquid_kw",
                  "over_limit", "seconds_to_limit")


def liquid_dict(layout, applied) -> Optional[dict]:
    """Baseline, scenario, N-1 and facility-water loss of the layout's liquid loop (None without one)."""
    if getattr(layout, "liquid", None) is None:
        return None
    from twin.liquid import facility_water_loss, n1_sweep, result_dict, solve_liquid
    from twin.liquid.failures import stranded_seconds
    from twin.liquid.output import failures_dict
    base = solve_liquid(layout)
    scen_layout = applied.layout
    scen = solve_liquid(scen_layout) if scen_layout.liquid is not None else None
    lost = scen is not None and not scen_layout.liquid.facility_water.running
    loss = facility_water_loss(scen_layout, scen) if lost else None
    stranded = stranded_seconds(scen_layout, base, scen) if scen is not None else {}
    data = {"baseline": result_dict(base), "scenario": result_dict(scen) if scen else None,
            "n1": failures_dict(n1_sweep(layout), None)["cdu_failures"],
            "facility_water_loss": failures_dict([], loss).get("facility_water_loss"),
            "stranded_s": stranded}
    data["problems"] = problems(data)
    return data


def problems(data: dict) -> list[str]:
    """What fails in the scenario's liquid loop, one line each."""
    scen = data.get("scenario")
    if scen is None:
        return []
    out = []
    over_cap = [c for c, v in scen["cdus"].items() if v["over_capacity"]]
    if over_cap:
        out.append("CDUs over capacity: " + ", ".join(over_cap))
    if scen["over_limit"]:
        out.append(f"racks whose coolant is over the {scen['coolant_limit_c']:g} °C limit or "
                   "has no running CDU: " + ", ".join(scen["over_limit"]))
    loss = data.get("facility_water_loss")
    if loss:
        times = [s for s in loss["seconds_to_limit"].values() if s is not None]
        if times:
            out.append(f"facility water lost: coolant reaches the {loss['limit_c']:g} °C limit "
                       f"after {min(times):.0f} s")
    return out


def merge_verdict(verdict: dict, extra: list[str]) -> dict:
    """The thermal verdict with the liquid problems added."""
    if not extra:
        return verdict
    problems_ = list(verdict["problems"]) + extra
    name = verdict["summary"].split(":", 1)[0]
    return {**verdict, "holds": False, "problems": problems_,
            "summary": f"{name}: FAILS ({'; '.join(problems_)})"}


def rows(data: dict) -> list[dict]:
    """liquid.csv: one row per CDU and per liquid-cooled rack, baseline next to scenario."""
    liquid = data.get("liquid")
    if not liquid:
        return []
    base, scen = liquid["baseline"], liquid["scenario"] or {"cdus": {}, "racks": {}}
    loss = dict(liquid.get("stranded_s") or {})      # racks the scenario leaves without a CDU
    for rid, seconds in ((liquid.get("facility_water_loss") or {}).get("seconds_to_limit", {})).items():
        loss.setdefault(rid, seconds)
    out = []
    for cid, b in base["cdus"].items():
        s = scen["cdus"].get(cid, {})
        out.append({"kind": "cdu", "id": cid, "base_load_kw": b["load_kw"],
                    "scenario_load_kw": s.get("load_kw"), "base_supply_c": b["supply_c"],
                    "scenario_supply_c": s.get("supply_c"), "base_return_c": b["return_c"],
                    "scenario_return_c": s.get("return_c"), "over_limit": s.get("over_capacity")})
    for rid, b in base["racks"].items():
        s = scen["racks"].get(rid, {})
        out.append({"kind": "rack", "id": rid, "base_supply_c": b["supply_c"],
                    "scenario_supply_c": s.get("supply_c"), "base_return_c": b["return_c"],
                    "scenario_return_c": s.get("return_c"), "liquid_kw": b["liquid_kw"],
                    "over_limit": s.get("over_limit"), "seconds_to_limit": loss.get(rid)})
    return out


def section(d: dict, table) -> str:
    """The 'Liquid cooling' section of report.html ('' without a liquid section)."""
    liquid = d.get("liquid")
    if not liquid:
        return ""
    base, scen = liquid["baseline"], liquid["scenario"] or liquid["baseline"]
    head = (f"<h2>Liquid cooling</h2><p>Facility water {num(base['facility_supply_c'])} °C "
            f"({esc(base['water_class'])}); IT {num(base['it_kw'])} kW = air {num(base['air_kw'])} "
            f"+ liquid {num(base['liquid_kw'])} kW; coolant supply limit "
            f"{num(base['coolant_limit_c'])} °C.</p>")
    body = []
    for cid in sorted(base["cdus"], key=natural_key):
        b, s = base["cdus"][cid], scen["cdus"].get(cid, {})
        state = "running" if s.get("running", True) else "<span class='bad'>failed</span>"
        body.append([esc(cid), state, num(b["load_kw"]), num(s.get("load_kw")),
                     num(b["capacity_kw"], 0), num(s.get("supply_c")), num(s.get("return_c")),
                     num(s.get("rise_k"), 2) if s.get("running", True) else MISSING])
    cdus = table(["CDU", "Scenario", "Load before\n(kW)", "Load after\n(kW)", "Capacity\n(kW)",
                  "Supply after\n(°C)", "Return after\n(°C)", "Rise\n(K)"], body)
    notes = [f"{esc(n['cdu'])} failed alone: " + ("holds" if n["ok"] else
             "<span class='bad'>fails</span> (" + esc(ids(n["over_limit"]) or "over capacity") + ")")
             for n in liquid["n1"]]
    loss = liquid.get("facility_water_loss")
    if loss:
        worst = sorted(((s, r) for r, s in loss["seconds_to_limit"].items() if s is not None))
        notes.append("Facility water lost: " + (
            f"first rack ({esc(worst[0][1])}) at the {loss['limit_c']:g} °C limit after "
            f"{esc(duration(worst[0][0]))}" if worst else "no rack reaches the limit within "
            f"{esc(duration(loss['horizon_s']))}"))
    listing = "<ul>" + "".join(f"<li>{n}</li>" for n in notes) + "</ul>" if notes else MISSING
    return head + cdus + listing
