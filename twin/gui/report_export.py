"""File › Export Report…: the study of `dctwin report` for the selected scenario, in all formats.

Asks for a folder (`FileOps.ask_folder`), asks before replacing report files
already there (`FileOps.ask_replace`), then runs the study for the scenario
selected in the Scenarios dock, or for the layout alone when none is, in the
background (the dock shows progress and Cancel) and writes report.html,
racks.csv, cooling_units.csv, power.csv, report.json and report.pdf. The
solves come from the dock's cache when the comparison was already run.
Problems are reported as one line, in a message box and the status bar.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QImageWriter

from twin.gui.scenario_study import (REPORT_FILES, apply_choice, existing_report_files,
                                     export_work, write_report_pdf)
from twin.scenario import ScenarioError


class ReportExport(QObject):
    """Export Report for one window, run through its Scenarios panel's study runner."""

    def __init__(self, window, panel):
        super().__init__(window)
        self.window, self.panel = window, panel
        self.folder: Optional[str] = None
        self.written: list[str] = []          # files of the last finished export
        panel.studies.sigFinished.connect(self._on_finished)

    def export_dialog(self) -> bool:
        folder = self.window.files.ask_folder("Export report into folder")
        return self.export_to(folder) if folder else False

    def export_to(self, folder: str) -> bool:
        """Start writing the report into `folder`; False (with a message) when it does not start."""
        if self.panel.studies.busy:
            self.window.show_message("a study is running: wait for it or cancel it in the "
                                     "Scenarios panel", True)
            return False
        existing = existing_report_files(folder)
        if existing and not self.window.files.ask_replace(folder, existing):
            self.window.show_message(f"report not written: the files in {folder} were kept", False)
            return False
        choice = self.panel.selected_choice()
        layout = self.window.document.layout
        try:
            applied = apply_choice(layout, choice)
        except ScenarioError as exc:
            self._error(str(exc))
            return False
        self.folder, self.written = folder, []
        # Load Qt's image-format plugins here, on the GUI thread: the PDF writer draws images on the
        # worker thread, and a first plugin load there moves the plugins to the GUI thread while
        # holding the GIL, which deadlocks against the GUI thread waiting for the GIL in a Qt lock.
        QImageWriter.supportedImageFormats()
        self.panel.studies.start("export", export_work(layout, applied, folder), self.panel.runner(),
                                 then=lambda value: write_report_pdf(value[0], folder))
        self.window.scenario_dock.show()
        self.window.scenario_dock.raise_()
        self.window.show_message(f"exporting the report of {applied.name} into {folder}…", False)
        return True

    def _on_finished(self, tag: str, outcome: str, value, message: str) -> None:
        if tag != "export":
            return
        if outcome == "cancelled":
            self.window.show_message("report export cancelled", False)
            self.panel.show_status("report export cancelled", False)
            return
        if outcome != "done":
            self._error(message)
            return
        (study, names), pdf = value
        self.written = [n for n in REPORT_FILES if n in names or n == pdf]
        verdict = study.deltas["verdict"]["summary"].replace(" degC", " °C")
        text = f"report written to {self.folder}: {', '.join(self.written)}"
        self.window.show_message(text, False)
        self.panel.show_status(f"{text}. {verdict}", False)

    def _error(self, text: str) -> None:
        self.window.files.show_error("Cannot export the report", text)
        self.window.show_message(f"report not written: {text}", True)
        self.panel.show_status(f"report not written: {text}", True)


def _file_menu(window):
    """The menu that holds File › Export Results."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None and window.acts.export in menu.actions():
            return menu
    return None


def attach_export(window, panel) -> ReportExport:
    """File › Export Report… (after Export Results), wired to the Scenarios panel."""
    export = ReportExport(window, panel)
    action = QAction("Export &Report…", window)
    action.setStatusTip("Compare the selected scenario with the layout and write report.html, "
                        "report.pdf, CSV and JSON into a folder")
    action.triggered.connect(export.export_dialog)
    menu = _file_menu(window)
    if menu is not None:
        actions = menu.actions()
        at = actions.index(window.acts.export) + 1
        menu.insertAction(actions[at] if at < len(actions) else None, action)
    window.acts.export_report = action
    return export


__all__ = ["ReportExport", "attach_export"]
