"""Reports of a what-if study (Qt-free): report.html, CSV tables and report.json.

    study = run_study(layout, apply_scenario(layout, fail_edits(["CRAH-2"])), Runner(0.3, "preview"))
    write_report(study, "out/report")
"""
from __future__ import annotations

import os

from twin.report.build import Study, run_study
from twin.report.html import render
from twin.report.tables import write_tables
from twin.thermal.export import json_text

__all__ = ["REPORT_FILES", "Study", "run_study", "write_report"]

REPORT_FILES = ("report.html", "report.pdf", "racks.csv", "cooling_units.csv", "power.csv",
                "liquid.csv", "report.json")


def write_report(study: Study, folder, replace: bool = False, pdf=None) -> list[str]:
    """Write report.html, racks.csv, cooling_units.csv, power.csv, report.json; their names.

    All files or none (twin.files.write_folder_atomic): they are written into
    a temporary folder first. A non-empty `folder` is refused
    (FolderNotEmptyError) unless `replace`, which swaps in the new report
    files (an old report.pdf goes too) and keeps other files. `pdf(study,
    path)`, when given, adds report.pdf to the same set.
    """
    from twin.files import write_folder_atomic, write_text_atomic

    def fill(work) -> list[str]:
        names = ["report.html", *write_tables(work, study.data), "report.json"]
        write_text_atomic(os.path.join(work, "report.json"), json_text(study.data))
        write_text_atomic(os.path.join(work, "report.html"), render(study))
        if pdf is not None:
            pdf(study, os.path.join(work, "report.pdf"))
            names.append("report.pdf")
        return names
    return write_folder_atomic(folder, fill, replace=replace, owned=REPORT_FILES)

