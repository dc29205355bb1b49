"""N-1 sweep: fail each cooling unit (and each power component) alone; the worst case per rack."""
from __future__ import annotations

from dataclasses import dataclass, field

from twin.model import Layout
from twin.scenario.apply import apply_scenario, fail_edits
from twin.scenario.compare import Outcome, evaluate
from twin.scenario.runner import layout_hash
from twin.wording import count


@dataclass
class SweepResult:
    cases: list[str]                         # the ids failed, one per case
    worst_inlet_max_c: dict                  # rack -> hottest intake max over the cases
    worst_case: dict                         # rack -> the id whose failure gives it
    baseline_inlet_max_c: dict
    case_failures: dict = field(default_factory=dict)   # id -> problems (racks, power)
    allowable_c: float = 32.0
    baseline_above_allowable: list = field(default_factory=list)
    model: str = ""                          # the model of the figures above
    confirmed: dict = field(default_factory=dict)       # id -> the accurate re-solve (confirm)

    def to_dict(self) -> dict:
        return {"cases": self.cases, "allowable_c": self.allowable_c, "model": self.model,
                "racks": {rid: {"baseline_inlet_max_c": self.baseline_inlet_max_c[rid],
                                "worst_inlet_max_c": self.worst_inlet_max_c[rid],
                                "worst_case": self.worst_case[rid]}
                          for rid in self.worst_inlet_max_c},
                "case_failures": self.case_failures,
                "baseline_above_allowable": self.baseline_above_allowable,
                "confirmed": self.confirmed,
                "ok": not any(self.case_failures.values())}


def sweep(layout: Layout, runner, units: bool = True, power: bool = True,
          progress=None, confirm: int = 0) -> SweepResult:
    """Each running unit and each power component failed alone (cached solves).

    The cases go to `runner.solve_many`, so they run on the runner's executor.
    `confirm`: re-solve that many of the hottest cases with the accurate model
    (warm-started from the accurate baseline) when the runner's model is not.
    """
    base = evaluate(apply_scenario(layout, [], "baseline"), runner)
    ids = [u.id for u in layout.cooling_units if u.running] if units else []
    if power and layout.power is not None:
        ids += [c.id for g in ("utility_feeds", "ups", "pdus") for c in getattr(layout.power, g)]
    worst = {rid: float(r.inlet_max_c) for rid, r in base.result.racks.items()}
    which = {rid: "baseline" for rid in worst}
    problems: dict = {}
    variants = []
    for cid in ids:
        applied = apply_scenario(layout, fail_edits([cid]), f"{cid} fails")
        if not any(u.running for u in applied.layout.cooling_units):
            problems[cid] = ["no cooling unit left running"]
        else:
            variants.append((cid, applied))
    results = runner.solve_many([(a.layout, a.name) for _, a in variants], progress=progress)
    hottest = {}
    for (cid, applied), result in zip(variants, results):
        out = evaluate(applied, runner, result)
        problems[cid] = _problems(out, base)
        hottest[cid] = max((float(r.inlet_max_c) for r in result.racks.values()), default=0.0)
        for rid, r in result.racks.items():
            if r.inlet_max_c > worst[rid]:
                worst[rid], which[rid] = float(r.inlet_max_c), cid
    confirmed = {}
    if confirm > 0 and runner.model != "accurate" and variants:
        confirmed = _confirm(layout, runner, variants, hottest, confirm)
    return SweepResult(ids, worst, which, {rid: float(r.inlet_max_c) for rid, r in base.result.racks.items()},
                       {cid: problems[cid] for cid in ids}, base.metrics.allowable_c[1],
                       list(base.metrics.racks_above_allowable), runner.model, confirmed)


def _confirm(layout: Layout, runner, variants, hottest: dict, count: int) -> dict:
    """The `count` hottest thermal cases re-solved with the accurate model."""
    base = evaluate(apply_scenario(layout, [], "baseline"), runner, model="accurate")
    seen, chosen = set(), []
    for cid, applied in sorted(variants, key=lambda v: -hottest[v[0]]):
        key = layout_hash(applied.layout)
        if key not in seen and len(chosen) < count:
            seen.add(key)
            chosen.append((cid, applied))
    results = runner.solve_many([(a.layout, a.name) for _, a in chosen], model="accurate")
    out = {}
    for (cid, applied), result in zip(chosen, results):
        outcome = evaluate(applied, runner, result)
        out[cid] = {"hottest_inlet_max_c": max(float(r.inlet_max_c) for r in result.racks.values()),
                    "ranked_hottest_inlet_max_c": hottest[cid],
                    "baseline_hottest_inlet_max_c": max(float(r.inlet_max_c)
                                                        for r in base.result.racks.values()),
                    "problems": _problems(outcome, base)}
    return out


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
    model = f", {result.model} model" if result.model else ""
    lines = [f"N-1 sweep, {count(len(result.cases), 'case')}{model} (allowable {result.allowable_c:g} °C)", "",
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
    if result.confirmed:
        lines += ["", f"Hottest {count(len(result.confirmed), 'case')} confirmed with the accurate model "
                  f"(hottest rack intake, accurate against {result.model}):"]
        for cid, c in result.confirmed.items():
            found = c["problems"]
            lines.append(f"  {cid} fails: {c['hottest_inlet_max_c']:.1f} °C "
                         f"({result.model} {c['ranked_hottest_inlet_max_c']:.1f}; accurate baseline "
                         f"{c['baseline_hottest_inlet_max_c']:.1f}): "
                         + ("OK" if not found else "FAILS: " + "; ".join(found)))
    return "\n".join(lines) + "\n"
