"""What-if scenarios (Qt-free): edits against a baseline, compared side by side.

    applied = apply_scenario(layout, find_scenario(layout, "CRAH-2 fails"))
    runner = Runner(cell_m=0.3, model="preview")
    base, scen = evaluate(baseline(layout), runner), evaluate(applied, runner)
    deltas = compare(base, scen)          # JSON-ready; deltas["verdict"]["holds"]
"""
from twin.model.scenarios import Edit, Scenario
from twin.scenario.apply import (Applied, ScenarioError, apply_scenario, fail_edits,
                                 find_scenario)
from twin.scenario.compare import Outcome, compare, evaluate
from twin.scenario.runner import ResultCache, Runner, file_hash, layout_hash

__all__ = ["Applied", "Edit", "Outcome", "ResultCache", "Runner", "Scenario", "ScenarioError",
           "apply_scenario", "baseline", "compare", "evaluate", "fail_edits", "file_hash",
           "find_scenario", "layout_hash"]


def baseline(layout) -> Applied:
    """The layout itself as a variant (no edits), named "baseline"."""
    return apply_scenario(layout, [], name="baseline")
