"""N-1 sweep: fail each cooling unit (and each power component) alone; the worst case per rack."""
from __future__ import annotations

from dataclasses import dataclass, field

from twin.model import Layout
from twin.scenario.apply import apply_scenario, fail_edits
from twin.scenario.compare import Outcome, evaluate


@dataclass
class SweepResult:
    cases: list[str]                         # the ids failed, one per case
    worst_inlet_max_c: dict                  # rack -> hottest intake max over the cases
    worst_case: dict                         # rack -> the id whose failure gives it
    baseline_inlet_max_c: dict
    case_failures: dict = field(default_factory=dict)   # id -> problems (racks, power)
    allowable_c: float = 32.0
    baseline_above_allowable: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"cases": self.cases, "allowable_c": self.allowable_c,
                "racks": {rid: {"baseline_inlet_max_c": self.baseline_inlet_max_c[rid],
                                "worst_inlet_max_c": self.worst_inlet_max_c[rid],
                                "worst_case": self.worst_case[rid]}
                          for rid in self.worst_inlet_max_c},
                "case_failures": self.case_failures,
                "baseline_above_allowable": self.baseline_above_allowable,
                "ok": not any(self.case_failures.values())}


def sweep(layout: Layout, runner, units: bool = True, power: bool = True,
          progress=None) -> SweepResult:
    """Each running unit and each power component failed alone (cached solves)."""
    base = evaluate(apply_scenario(layout, [], "baseline"), runner)
    ids = [u.id for u in layout.cooling_units if u.running] if units else []
    if power and layout.power is not None:
        ids += [c.id for g in ("utility_feeds", "ups", "pdus") for c in getattr(layout.power, g)]
    worst = {rid: float(r.inlet_max_c) for rid, r in base.result.racks.items()}
    which = {rid: "baseline" for rid in worst}
    problems: dict = {}
    for n, cid in enumerate(ids):
        if progress:
            progress(n / max(len(ids), 1), f"case {n + 1}/{len(ids)}: {cid} fails")
        applied = apply_scenario(layout, fail_edits([cid]), f"{cid} fails")
        if not any(u.running for u in applied.layout.cooling_units):
            problems[cid] = ["no cooling unit left running"]
            continue
        out = evaluate(applied, runner)
        problems[cid] = _problems(out, base)
        for rid, r in out.result.racks.items():
            if r.inlet_max_c > worst[rid]:
                worst[rid], which[rid] = float(r.inlet_max_c), cid
    return SweepResult(ids, worst, which, {rid: float(r.inlet_max_c) for rid, r in base.result.racks.items()},
                       problems, base.metrics.allowable_c[1], list(base.metrics.racks_above_allowable))


def _problems(out: Outcome, base: Outcome) -> list[str]:
    """What this case breaks that the baseline does not."""
    found = []
    new = [r for r in out.metrics.racks_above_allowable if r not in base.metrics.racks_above_allowable]
    if new:
        found.append("newly above allowable: " + ", ".join(new))
    if out.dark_racks:
        found.append("without power: " + ", ".join(out.dark_racks))
    if out.power.overloaded:
        found.append("over limit: " + ", ".join(out.power.overloaded))
    return found


def format_sweep(result: SweepResult) -> str:
    """A plain-text table: rack, baseline and worst intake max, and the failure that causes it."""
    lines = [f"N-1 sweep, {len(result.cases)} cases (allowable {result.allowable_c:g} degC)", "",
             f"{'rack':<10} {'baseline':>9} {'worst':>9}  worst case"]
    for rid in sorted(result.worst_inlet_max_c, key=lambda r: -result.worst_inlet_max_c[r]):
        w = result.worst_inlet_max_c[rid]
        flag = "  ABOVE ALLOWABLE" if w > result.allowable_c else ""
        lines.append(f"{rid:<10} {result.baseline_inlet_max_c[rid]:9.1f} {w:9.1f}  "
                     f"{result.worst_case[rid]}{flag}")
    if result.baseline_above_allowable:
        lines += ["", "Already above allowable in the baseline: "
                  + ", ".join(result.baseline_above_allowable)]
    lines += ["", "Cases (what each failure adds to the baseline):"]
    for cid in result.cases:
        found = result.case_failures.get(cid) or []
        lines.append(f"  {cid} fails: " + ("OK" if not found else "FAILS: " + "; ".join(found)))
    return "\n".join(lines) + "\n"
