"""Reports of a what-if study (Qt-free): report.html, CSV tables and report.json.

    study = run_study(layout, apply_scenario(layout, fail_edits(["CRAH-2"])), Runner(0.3, "preview"))
    write_report(study, "out/report")
"""
from __future__ import annotations

import os

from twin.report.build import Study, run_study
from twin.report.html import render
from twin.report.tables import write_tables

__all__ = ["Study", "run_study", "write_report"]


def write_report(study: Study, folder) -> list[str]:
    """Write report.html, racks.csv, cooling_units.csv, power.csv, report.json; their names."""
    from twin.files import write_text_atomic
    from twin.thermal.export import write_json
    os.makedirs(folder, exist_ok=True)
    names = write_tables(folder, study.data)
    write_json(os.path.join(folder, "report.json"), study.data)
    write_text_atomic(os.path.join(folder, "report.html"), render(study))
    return ["report.html", *names, "report.json"]
