"""What the Scenarios dock and File › Export Report run (Qt-free): the choices and the studies.

A choice is one of the layout's named scenarios or a quick what-if (fail one
cooling unit or one power component). Studies are `twin.report.run_study`, the
same as `dctwin report`, run on a `twin.scenario.jobs.StudyJob` thread with a
runner that shares one result cache per window, so nothing is solved twice.

    choice = Choice("unit", "CRAH-2")
    applied = apply_choice(layout, choice)              # ScenarioError when it cannot apply
    job = StudyJob(compare_work(layout, applied), make_runner(cache, "preview", 0.3)).start()
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from typing import Optional

from twin.model import Layout
from twin.model.scenarios import FACILITY_WATER
from twin.scenario import (Applied, ResultCache, Runner, apply_scenario, baseline, fail_edits,
                           find_scenario)

KINDS = {"scenario": "Layout scenarios", "unit": "Fail cooling unit",
         "power": "Fail power component", "cdu": "Fail CDU", "facility": "Lose facility water"}
POWER_GROUPS = ("utility_feeds", "ups", "pdus")
REPORT_FILES = ("report.html", "report.pdf", "racks.csv", "cooling_units.csv", "power.csv",
                "liquid.csv", "report.json")                 # twin.report.REPORT_FILES, without importing it


@dataclass(frozen=True)
class Choice:
    """A scenario to run: kind "scenario" (a named one) or "unit" / "power" / "cdu" /
    "facility" (fail `name`; the facility water's name is `facility_water`)."""
    kind: str
    name: str

    @property
    def label(self) -> str:
        if self.kind == "facility":
            return KINDS[self.kind]
        return self.name if self.kind == "scenario" else f"{KINDS[self.kind]} ▸ {self.name}"

    @property
    def quick(self) -> bool:
        """A what-if that is not (yet) a named scenario of the layout."""
        return self.kind != "scenario"

    def saved_name(self) -> str:
        """The name offered when a quick what-if is saved as a scenario."""
        return "facility water lost" if self.kind == "facility" else f"{self.name} fails"


def choices(layout: Layout) -> list[Choice]:
    """The layout's scenarios, then each running cooling unit, each power component, each
    running CDU and the facility water."""
    out = [Choice("scenario", s.name) for s in layout.scenarios]
    out += [Choice("unit", u.id) for u in layout.cooling_units if u.running]
    if layout.power is not None:
        out += [Choice("power", c.id) for group in POWER_GROUPS for c in getattr(layout.power, group)]
    liquid = getattr(layout, "liquid", None)
    if liquid is not None:
        out += [Choice("cdu", c.id) for c in liquid.cdus if c.running]
        if liquid.facility_water.running:
            out.append(Choice("facility", FACILITY_WATER))
    return out


def describe(layout: Layout, choice: Choice) -> str:
    """A tooltip: the scenario's description and edits, or what the what-if does."""
    if choice.kind == "facility":
        return "stop the facility water and compare: seconds until each rack's coolant passes its limit"
    if choice.quick:
        return f"fail {choice.name} and compare with the layout as it is"
    for sc in layout.scenarios:
        if sc.name == choice.name:
            edits = "; ".join(e.describe() for e in sc.edits) or "no edits"
            return f"{sc.description}\n{edits}" if sc.description else edits
    return ""


def apply_choice(layout: Layout, choice: Optional[Choice]) -> Applied:
    """The choice applied to a copy of `layout` (the layout alone for None).

    Quick what-ifs are named like `dctwin report --fail ID` ("fail ID"). Raises
    ScenarioError (one line for the user) when the scenario cannot be applied.
    """
    if choice is None:
        return baseline(layout)
    if choice.kind == "scenario":
        return apply_scenario(layout, find_scenario(layout, choice.name))
    return apply_scenario(layout, fail_edits([choice.name]))


def make_runner(cache: ResultCache, model: str, cell_m: float) -> Runner:
    """A runner on the window's cache. Cold starts, so figures equal `dctwin report`'s."""
    return Runner(cell_m, model, cache=cache, warm_start=False)


class StagedProgress:
    """Turns the runner's per-solve progress into one fraction for the whole study.

    The runner labels each message with the case ("baseline: ..."); each new
    label is the next of `stages` equal parts.
    """

    def __init__(self, report, stages: int):
        self.report, self.stages = report, max(int(stages), 1)
        self.labels: list[str] = []

    def stage(self, index: int, message: str) -> None:
        if self.report is not None:
            self.report(min(index, self.stages) / self.stages, message)

    def __call__(self, fraction: float, message: str = "") -> None:
        label = message.split(":", 1)[0]
        if label not in self.labels:
            self.labels.append(label)
        index = min(self.labels.index(label), self.stages - 1)
        if self.report is not None:
            self.report((index + max(0.0, min(float(fraction), 1.0))) / self.stages, message)


def _staged(runner: Runner, stages: int) -> StagedProgress:
    staged = StagedProgress(runner.progress, stages)
    runner.progress = staged
    return staged


def compare_work(layout: Layout, applied: Applied):
    """work(runner) -> Study: baseline and scenario solved (or cached) and compared."""
    layout = copy.deepcopy(layout)

    def work(runner: Runner):
        from twin.report import run_study
        staged = _staged(runner, 2)
        staged.stage(0, f"baseline and {applied.name}: solving")
        study = run_study(layout, applied, runner)
        staged.stage(2, "compared")
        return study
    return work


def export_work(layout: Layout, applied: Applied, folder: str):
    """work(runner) -> (Study, names written): the study, then report.html, CSVs and JSON.

    report.pdf is written afterwards by `write_report_pdf`, on a Qt thread.
    """
    layout = copy.deepcopy(layout)

    def work(runner: Runner):
        from twin.report import run_study, write_report
        staged = _staged(runner, 3)
        staged.stage(0, f"baseline and {applied.name}: solving")
        study = run_study(layout, applied, runner)
        staged.stage(2, "writing report.html, CSV and JSON")
        try:
            names = write_report(study, folder, replace=True)   # the user agreed to replace
        except OSError as exc:
            raise ReportWriteError(folder, exc) from None
        return study, names
    return work


def write_report_pdf(study, folder: str) -> str:
    """report.pdf of the study (Qt's PDF writer, figures as PNG) into folder; its name."""
    from twin.gui.report_pdf import write_pdf
    from twin.report.html import render
    try:
        write_pdf(render(study, vector=False), os.path.join(folder, "report.pdf"))
    except OSError as exc:
        raise ReportWriteError(folder, exc) from None
    return "report.pdf"


class ReportWriteError(OSError):
    """A report file that could not be written; `str()` is one line for the user."""

    def __init__(self, folder: str, exc: OSError):
        super().__init__(f"cannot write the report into {folder}: {exc.strerror or exc}")


def existing_report_files(folder: str) -> list[str]:
    """The report files already in `folder` (an export would replace them)."""
    return [name for name in REPORT_FILES if os.path.exists(os.path.join(folder, name))]
