"""The main window: wires the document, the views, the panels and the background solver.

It owns no physics and no drawing; it turns view requests into commands,
schedules solves after edits and hands results to the views.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Optional

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow,
                               QProgressBar)

from twin import commands
from twin.gui import theme
from twin.gui.actions import build_menus
from twin.gui.docks import fit_dock_tabs
from twin.gui.document import Document
from twin.gui.edit_ops import EditOps
from twin.gui.file_ops import FileOps
from twin.gui.floor_panel import FloorPanel
from twin.gui.floor_view import dropped_layout
from twin.gui.inspector import Inspector
from twin.gui.palette_panel import PalettePanel, instance
from twin.gui.results_panel import ResultsPanel
from twin.gui.section_view import SectionView
from twin.gui.solve_job import SolveSettings
from twin.gui.solver import SolveController
from twin.object_edits import is_object

ERROR_STYLE = "color: #e0203c; font-weight: bold;"
MESSAGE_MS = 8000


class MainWindow(QMainWindow):
    """dctwin's main window for one document."""

    def __init__(self, document: Document, settings: QSettings,
                 solve_settings: Optional[SolveSettings] = None, parent=None):
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.solver = SolveController(solve_settings, self)
        self.panel = FloorPanel()
        self.floor = self.panel.view
        self.setCentralWidget(self.panel)
        self.inspector = Inspector(document)
        self.results = ResultsPanel()
        self.section = SectionView()
        self.equipment = PalettePanel()
        self.files = FileOps(self, document, settings)
        self.edits = EditOps(self)
        self.docks = self._make_docks()
        self.acts = build_menus(self)
        self._make_status_bar()
        self._connect()
        self.latest = None                 # the SolveUpdate on screen
        self.timings: list[tuple[str, float]] = []   # (phase, seconds from the edit to the views)
        self._edit_s = time.perf_counter()
        self._phases_seen: set[str] = set()
        self.setAcceptDrops(True)
        self.restore_settings()
        self._on_replaced()
        from twin.gui.telemetry_panel import attach_telemetry
        self.telemetry = attach_telemetry(self)
        from twin.gui.power_panel import attach_power
        self.power = attach_power(self)
        from twin.gui.liquid_panel import attach_liquid
        self.liquid = attach_liquid(self)
        from twin.gui.scenario_panel import attach_scenarios
        self.scenarios = attach_scenarios(self)
        from twin.gui.cfd_panel import attach_cfd
        self.cfd = attach_cfd(self)
        from twin.gui.ridethrough_panel import attach_ridethrough
        self.ride = attach_ridethrough(self)
        from twin.gui.placement_panel import attach_placement
        self.placement = attach_placement(self)
        from twin.gui.capacity_panel import attach_capacity
        self.capacity = attach_capacity(self)
        from twin.gui.format2_ops import attach_format2
        self.format2 = attach_format2(self)
        from twin.gui.calibration_ops import attach_calibration
        self.calibration = attach_calibration(self)
        if settings.value("window/state") is not None:   # the docks added above, placed as saved
            self.restoreState(settings.value("window/state"))
        fit_dock_tabs(self)

    # -- construction ---------------------------------------------------------------
    def _make_docks(self) -> dict[str, QDockWidget]:
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        docks = {}
        for name, title, widget, area in (
                ("inspector", "Inspector", self.inspector, Qt.RightDockWidgetArea),
                ("results", "Results", self.results, Qt.RightDockWidgetArea),
                ("section", "Vertical section", self.section, Qt.BottomDockWidgetArea),
                ("equipment", "Equipment", self.equipment, Qt.LeftDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{name}Dock")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            docks[name] = dock
        return docks

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.solve_label = QLabel("")
        self.solve_label.setObjectName("solveLabel")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        bar.addPermanentWidget(self.solve_label)
        bar.addPermanentWidget(self.progress)
        for dock in self.docks.values():
            self.acts.panels_menu.addAction(dock.toggleViewAction())

    def _connect(self) -> None:
        d = self.document
        d.sigChanged.connect(self._on_changed)
        d.sigReplaced.connect(self._on_replaced)
        d.sigRefused.connect(self._on_refused)
        d.sigDirtyChanged.connect(self.setWindowModified)
        d.sigPathChanged.connect(lambda _path: self._update_title())
        self.floor.sigMoveRequested.connect(self._on_move_requested)
        self.floor.sigGroupMoveRequested.connect(self.edits.move)
        self.floor.sigSelected.connect(self.inspector.show_item)
        self.floor.sigSelectionChanged.connect(self._on_selection)
        self.floor.sigNudge.connect(self.nudge)
        self.floor.sigTemplateDropped.connect(self.drop_template)
        self.floor.sigFileDropped.connect(lambda path: QTimer.singleShot(0, self, lambda: self.files.open_path(path)))
        self.floor.sigHint.connect(lambda text: self.show_message(text, text.startswith("cannot")))
        self.section.sigPlaneChanged.connect(self._on_section_plane)
        self.equipment.sigAdd.connect(self.add_from_template)
        self.files.sigMessage.connect(self.show_message)
        self.files.sigRecentChanged.connect(self._fill_recent_menu)
        self.solver.sigUpdate.connect(self._on_solve_update)
        self.solver.sigProgress.connect(self._on_progress)
        self.solver.sigFinished.connect(self._on_solve_finished)
        self.solver.sigBusy.connect(self._on_busy)
        self.docks["section"].visibilityChanged.connect(self.floor.section_line.setVisible)
        self.floor.section_line.sigPositionChangeFinished.connect(
            lambda line: self.section.set_position(line.value()))

    # -- document events --------------------------------------------------------------
    def _on_replaced(self) -> None:
        layout = self.document.layout
        self.floor.set_layout(layout)
        room_z = layout.room.size_m[2]
        self.panel.set_room_height(room_z, float(self.settings.value("view/height_m", 1.0)))
        self.section.set_room(layout.room.size_m)
        self.inspector.show_item("")
        self.latest = None
        self._update_title()
        self._update_undo_actions()
        self._fill_recent_menu(self.files.recent())
        for warning in layout.warnings:
            self.show_message(f"warning: {warning}", False)
        self.solve_now()

    def _on_changed(self, event: str, command) -> None:
        self.floor.sync()
        self.inspector.refresh()
        self._update_undo_actions()
        warnings = getattr(command, "warnings", None) if event in ("push", "merge") else None
        if warnings:
            self.show_message(f"{command.label}: {warnings[0].message}", False)
        elif event in ("undo", "redo"):
            self.show_message(f"{event} {command.label}", False)
        self._schedule_solve()

    def _on_refused(self, item_id: str, reason: str) -> None:
        self.show_message(reason, True)
        self.floor.sync()
        self.floor.flash_refused(item_id, reason)
        self.inspector.refresh()
        self.inspector.show_problem(reason)

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document.title}[*] — dctwin")
        self.setWindowModified(self.document.dirty)

    def _update_undo_actions(self) -> None:
        stack = self.document.stack
        self.acts.undo.setEnabled(stack.can_undo())
        self.acts.redo.setEnabled(stack.can_redo())
        self.acts.undo.setText(f"&Undo {stack.undo_label()}".rstrip())
        self.acts.redo.setText(f"&Redo {stack.redo_label()}".rstrip())

    # -- edits from the views -------------------------------------------------------
    def _on_move_requested(self, item_id: str, x_m: float, y_m: float) -> None:
        self.document.execute(commands.move(self.document.layout, item_id, (x_m, y_m)))

    def nudge(self, item_id: str, east: int, north: int) -> None:
        """Move equipment by whole tiles; consecutive nudges of one item merge into one undo step."""
        if is_object(self.document.layout, item_id):
            self.format2.nudge(item_id, east, north)
            return
        _, obj, _ = commands.find_item(self.document.layout, item_id)
        tile = self.document.layout.room.tile_m
        to = (obj.position_m[0] + east * tile, obj.position_m[1] + north * tile)
        self.document.execute(commands.move(self.document.layout, item_id, to, merge_id=f"nudge {item_id}"))

    def rotate_selected(self) -> None:
        item_id = self.floor.selected
        if not item_id:
            self.show_message("select a rack to rotate it", False)
            return
        try:
            command = commands.rotate(self.document.layout, item_id)
        except commands.CommandError as exc:
            self._on_refused(item_id, str(exc))
            return
        self.document.execute(command)

    def _on_selection(self, ids: list) -> None:
        if len(ids) > 1:
            self.show_message(f"{len(ids)} items selected: drag one to move them all; "
                              "Ctrl+C, Ctrl+D, Delete act on all of them", False)

    def add_from_template(self, template) -> Optional[str]:
        """Add equipment from a palette template at the free spot nearest the view centre."""
        layout = self.document.layout
        centre = self.floor.plot.vb.viewRect().center()
        if self.format2.handles(template):
            return self.format2.add(template, (centre.x(), centre.y()), dropped=False)
        item_id = commands.unique_id(layout, template.id_prefix)
        size = template.item.size_m
        spot = commands.free_position(layout, size, (centre.x(), centre.y()), item_id)
        if spot is None:
            self.show_message(f"no free space for a {size[0]:g} x {size[1]:g} m footprint", True)
            return None
        if self.document.execute(commands.AddItem(instance(template, item_id, spot))):
            self.floor.select(item_id)
            return item_id
        return None

    def drop_template(self, template, x_m: float, y_m: float) -> Optional[str]:
        """Add equipment from the palette centred where it was dropped, snapped to the grid."""
        layout = self.document.layout
        if self.format2.handles(template):
            return self.format2.add(template, (x_m, y_m), dropped=True)
        item_id = commands.unique_id(layout, template.id_prefix)
        w, d = template.item.size_m[:2]
        spot = commands.snap_position(layout, (w, d), (x_m - w / 2, y_m - d / 2))
        if self.document.execute(commands.AddItem(instance(template, item_id, spot))):
            self.floor.select(item_id)
            return item_id
        return None

    def fit_room(self) -> None:
        self.floor.plot.autoRange(padding=0.03)

    # -- solving ------------------------------------------------------------------------
    def _schedule_solve(self) -> None:
        self._edit_s = time.perf_counter()
        self._phases_seen.clear()
        self.solver.schedule(self.document.layout)

    def solve_now(self) -> None:
        self._edit_s = time.perf_counter()
        self._phases_seen.clear()
        self.solver.solve_now(self.document.layout)

    def set_model(self, model: str) -> None:
        self.solver.set_settings(replace(self.solver.settings, model=model))
        self.settings.setValue("solve/model", model)
        self.solve_now()

    def _on_solve_update(self, update) -> None:
        self.latest = update
        self.floor.set_update(update)
        self.section.set_update(update)
        self.results.set_update(update)
        if update.phase not in self._phases_seen:
            self._phases_seen.add(update.phase)
            self.timings.append((update.phase, time.perf_counter() - self._edit_s))
        text = {"preview": "preview shown; accurate model running…",
                "running": f"accurate model settling (iteration {update.iterations})",
                "final": f"{update.result.model} result ({update.elapsed_s:.1f} s)"}[update.phase]
        self.solve_label.setStyleSheet("")
        self.solve_label.setText(text)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setToolTip(message)

    def _on_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self.solve_label.setText("solving…")
            self.solve_label.setStyleSheet("")

    def _on_solve_finished(self, outcome: str, message: str) -> None:
        if outcome == "failed":
            self.solve_label.setText(f"cannot solve: {message}")
            self.solve_label.setStyleSheet(ERROR_STYLE)
        elif outcome == "cancelled":
            self.solve_label.setText("solve cancelled")

    def _on_section_plane(self, axis: str, at_m: float) -> None:
        line = self.floor.section_line
        line.setAngle(0 if axis == "x" else 90)
        line.setValue(at_m)
        line.setVisible(not self.docks["section"].isHidden())

    # -- messages, files, settings ------------------------------------------------------
    def show_message(self, text: str, error: bool = False) -> None:
        bar = self.statusBar()
        bar.setStyleSheet(ERROR_STYLE if error else "")
        bar.showMessage(text, MESSAGE_MS if text else 0)

    def _fill_recent_menu(self, files: list) -> None:
        menu = self.acts.recent_menu
        menu.clear()
        for path in files:
            menu.addAction(path, lambda p=path: self.files.open_path(p))
        menu.setEnabled(bool(files))

    def export_results(self) -> None:
        if self.latest is None:
            self.show_message("no results to export yet", True)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export results", "results.json",
                                              "JSON (*.json);;CSV (*.csv)")
        if path:
            self.write_results(path)

    def write_results(self, path: str) -> None:
        from twin.thermal.export import result_to_dict, write_csv, write_json
        u = self.latest
        try:
            if path.endswith(".csv"):
                write_csv(path, u.result, u.metrics)
            else:
                write_json(path, result_to_dict(u.result, u.layout, u.metrics))
        except OSError as exc:
            self.show_message(f"cannot write {path}: {exc.strerror or exc}", True)
            return
        self.show_message(f"results written to {path}", False)

    def set_theme(self, name: str) -> None:
        resolved = theme.apply_theme(QApplication.instance(), name)
        background, foreground = theme.plot_colors(resolved)
        for view in (self.floor, self.section.plot_widget, self.results.chart):
            view.setBackground(background)
        self.settings.setValue("view/theme", name)
        self.acts.theme[name].setChecked(True)

    def open_url(self, url) -> bool:
        """Open a URL or local file with the desktop (replaced in tests)."""
        from PySide6.QtGui import QDesktopServices
        return QDesktopServices.openUrl(url)

    def quit_app(self) -> None:
        """File › Quit: close every window (each asks about its unsaved edits)."""
        QApplication.closeAllWindows()

    def about(self) -> None:
        from twin.gui.about import show_about
        show_about(self)

    def restore_settings(self) -> None:
        s = self.settings
        if s.value("window/geometry") is not None:
            self.restoreGeometry(s.value("window/geometry"))
        else:
            self.resize(1500, 950)
        if s.value("window/state") is not None:
            self.restoreState(s.value("window/state"))
        else:
            self._default_dock_sizes()
        self.panel.set_color_mode(str(s.value("view/color_mode", "intake")))
        self.acts.color[self.floor.color_mode].setChecked(True)
        self.panel.arrows.setChecked(str(s.value("view/arrows", "false")).lower() == "true")
        self.set_theme(str(s.value("view/theme", "system")))
        self.acts.model.get(self.solver.settings.model, self.acts.model["accurate"]).setChecked(True)

    def _default_dock_sizes(self) -> None:
        d = self.docks
        self.resizeDocks([d["equipment"], d["results"]], [230, 520], Qt.Horizontal)
        self.resizeDocks([d["inspector"], d["results"]], [250, 650], Qt.Vertical)
        self.resizeDocks([d["section"]], [260], Qt.Vertical)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("view/color_mode", self.floor.color_mode)
        s.setValue("view/height_m", self.panel.height_m())
        s.setValue("view/arrows", self.panel.arrows.isChecked())
        s.sync()

    # -- Qt events ----------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_settings()
        self.shutdown_workers()
        event.accept()

    def shutdown_workers(self) -> None:
        """Stop every background job (solves, studies, CFD) and wait for their threads."""
        self.solver.shutdown()
        self.cfd.shutdown()
        self.scenarios.studies.shutdown()
        for panel in (self.ride, self.placement, self.capacity, self.replay, self.liquid.compare):
            panel.watch.shutdown()
        self.calibration.shutdown()
        if getattr(self, "job_dialog", None) is not None:
            self.job_dialog.watch.shutdown()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_dock_tabs(self)             # Qt makes the docks' tab bars when it first lays them out

    def dragEnterEvent(self, event) -> None:
        if dropped_layout(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = dropped_layout(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, self, lambda: self.files.open_path(path))
