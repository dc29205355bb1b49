"""The report's verdict as a reader needs it: what the change does, what it breaks, and what
was already out of range before it (so a baseline problem is never blamed on the change).

Built from report.json alone (`twin.report.build.report_dict`), so it can be checked on
hand-made results. The pass/fail rule is `twin.scenario.compare.verdict`'s.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from twin.report.fmt import duration, ids, natural_sorted, num
from twin.scenario.compare import WORSE_K


@dataclass
class Findings:
    holds: bool
    lead: list[str]                                    # the scenario's effect, first
    broken: list[str] = field(default_factory=list)    # made out of range by this change
    already: list[str] = field(default_factory=list)   # out of range before the change
    watch: list[str] = field(default_factory=list)     # worse but still within limits


def _racks(n: int) -> str:
    return f"{n:,d} rack" + ("" if n == 1 else "s")


def findings(data: dict) -> Findings:
    """Lead, broken, already and watch lines of a report's data (report.json)."""
    d, base = data["deltas"], data["baseline"]
    limits = _limits(base["metrics"])
    out = Findings(holds=bool(d["verdict"]["holds"]), lead=_lead(data, limits))
    out.already = _already(base, limits)
    if data["scenario"] is None:
        out.broken.append("no cooling unit runs: the room has no steady state and every rack "
                          f"reaches the allowable {limits['allow']} sooner or later")
    else:
        out.broken += _broken_thermal(data, limits)
    if d.get("dark_racks"):
        out.broken.append(f"{_racks(len(d['dark_racks']))} lose power: {ids(d['dark_racks'])}")
    if d.get("newly_overloaded"):
        out.broken.append("power components newly over their continuous limit: "
                          + ids(d["newly_overloaded"]))
    newly_rec = [r for r in d.get("newly_above_recommended", [])
                 if r not in d.get("above_allowable", [])]
    if newly_rec:
        out.watch.append(f"{_racks(len(newly_rec))} newly above the recommended {limits['rec']} "
                         f"but within the allowable {limits['allow']}: {ids(newly_rec)}")
    return out


def _limits(metrics: dict) -> dict:
    return {"rec": f"{metrics['recommended_c'][1]:g} °C", "allow": f"{metrics['allowable_c'][1]:g} °C",
            "rec_c": metrics["recommended_c"][1], "allow_c": metrics["allowable_c"][1]}


def _broken_thermal(data: dict, limits: dict) -> list[str]:
    d = data["deltas"]
    base_above = set(data["baseline"]["metrics"]["racks_above_allowable"])
    new = [r for r in d["newly_above_allowable"] if r not in base_above]
    worse = [r for r in d["above_allowable"] if r in base_above
             and (d["racks"].get(r, {}).get("inlet_max_delta_k") or 0.0) > WORSE_K]
    lines = []
    if new:
        lines.append(f"{_racks(len(new))} newly above the allowable {limits['allow']} intake "
                     f"maximum: {ids(new)}")
    if worse:
        lines.append(f"{_racks(len(worse))} already above {limits['allow']} get more than "
                     f"{WORSE_K:g} K hotter: {ids(worse)}")
    return lines


def _already(base: dict, limits: dict) -> list[str]:
    m = base["metrics"]
    above = natural_sorted(m["racks_above_allowable"])
    rec = [r for r in natural_sorted(m["racks_above_recommended"]) if r not in above]
    over = (base.get("power") or {}).get("overloaded") or []
    lines = []
    if above:
        lines.append(f"{_racks(len(above))} above the allowable {limits['allow']}: {ids(above)}")
    if rec:
        lines.append(f"{_racks(len(rec))} above the recommended {limits['rec']} (within the "
                     f"allowable): {ids(rec)}")
    if over:
        lines.append(f"power components over their continuous limit: {ids(over)}")
    return lines


def _lead(data: dict, limits: dict) -> list[str]:
    """One to three sentences on what the scenario does, biggest effect first."""
    name, d = data["scenario_name"], data["deltas"]
    lines = []
    if d.get("dark_racks"):
        lines.append(f"{_who(name)} leaves {_racks(len(d['dark_racks']))} without power: "
                     f"{ids(d['dark_racks'])}.")
    who = "It" if lines else _who(name)
    if data["scenario"] is None:
        rate = (data.get("ride_through") or {}).get("rise_k_per_min")
        lines.append(f"{who} leaves no cooling unit running: the room warms by "
                     f"{num(rate)} K per minute and has no steady state.")
    else:
        lines.append(_rise_sentence(who, data, limits))
    crossing = _first_crossing(data)
    if crossing:
        lines.append(crossing)
    return lines


def _rise_sentence(who: str, data: dict, limits: dict) -> str:
    racks = data["deltas"]["racks"]
    rises = {r: v["inlet_max_delta_k"] for r, v in racks.items() if v.get("inlet_max_delta_k") is not None}
    scen = data["scenario"]["racks"]
    if not rises:
        return f"{who} leaves no rack that can be compared with the baseline."
    lo, hi = min(rises.values()), max(rises.values())
    if max(abs(lo), abs(hi)) < 0.05:
        change = "leaves every rack intake within 0.1 K of the baseline"
    elif lo >= 0:
        change = f"raises rack intake maxima by {num(lo)} to {num(hi)} K"
    elif hi <= 0:
        change = f"lowers rack intake maxima by {num(-hi)} to {num(-lo)} K"
    else:
        change = f"changes rack intake maxima by {num(lo, sign=True)} to {num(hi, sign=True)} K"
    hottest = max(scen, key=lambda r: (scen[r]["inlet_max_c"], r)) if scen else None
    tail = ""
    if hottest is not None:
        where = "above" if scen[hottest]["inlet_max_c"] > limits["allow_c"] else "within"
        tail = (f"; the hottest, {hottest}, takes in {num(scen[hottest]['inlet_max_c'])} °C, "
                f"{where} the allowable {limits['allow']}")
    return f"{who} {change}{tail}."


def _first_crossing(data: dict) -> str:
    ride = data.get("ride_through")
    if not ride:
        return ""
    times = {r: t for r, t in ride["time_to_allowable_s"].items() if t is not None and t > 0}
    if not times:
        return ""
    first = min(times.values())
    who = [r for r, t in times.items() if t == first]
    return (f"After the failure the first rack{'s' if len(who) > 1 else ''} ({ids(who, 4)}) "
            f"reach{'' if len(who) > 1 else 'es'} the allowable {ride['allowable_c']:g} °C "
            f"{_after(duration(first))}.")


def _after(text: str) -> str:
    return f"in {text}" if text.startswith("under") else f"after {text}"


def _who(name: str) -> str:
    return f"The scenario “{name}”"
