"""The Scenarios dock: pick a what-if, run it against the layout in the background, compare.

The list holds the layout's named scenarios (`scenarios:`) and quick what-ifs
(fail one cooling unit, fail one power component). Compare runs the same study
as `dctwin report` on a worker thread (progress bar, Cancel) with the preview
model, or the accurate one when asked; results are cached by layout hash, so
running a comparison again, or exporting it, solves nothing. The floor can then
show the baseline, the scenario or their difference. A quick what-if is saved
as a named scenario through an undoable command.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout,
                               QInputDialog, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from twin import commands
from twin.gui import compare_map
from twin.gui.scenario_study import (KINDS, Choice, apply_choice, choices, compare_work, describe,
                                     make_runner)
from twin.gui.run_row import RunRow
from twin.gui.scenario_tables import ComparisonView
from twin.gui.study_runner import StudyRunner
from twin.gui.docks import add_panel_dock
from twin.scenario import ResultCache, ScenarioError, fail_edits, layout_hash

ERROR_STYLE = "color: #e0203c; font-weight: bold;"
TREE_MAX_PX = 150
CACHE_ENTRIES = 32                      # solved fields of the default hall take about 2 MB each


class ScenarioPanel(QWidget):
    """Choices, run controls and the comparison of the open layout."""

    sigMap = Signal(object)              # compare_map.FloorMap for the floor, None: live result
    sigMessage = Signal(str, bool)       # status-bar text, is an error

    def __init__(self, document, cell_m=lambda: 0.2, parent=None):
        super().__init__(parent)
        self.document = document
        self.cell_m = cell_m             # callable: the grid of the window's accurate model
        self.studies = StudyRunner(self, ResultCache(CACHE_ENTRIES))
        self.study = None                # the twin.report.Study shown
        self.study_hash = ""             # layout hash of its baseline
        self.stale = False
        self._started_on = (None, "")    # (layout object, its hash) of the running comparison
        self._build()
        self.studies.sigProgress.connect(self._on_progress)
        self.studies.sigBusy.connect(self._on_busy)
        self.studies.sigFinished.connect(self._on_finished)
        self.refresh_choices()

    def _build(self) -> None:
        self.tree = QTreeWidget()
        self.tree.setObjectName("scenarioChoices")
        self.tree.setHeaderHidden(True)
        self.tree.itemDoubleClicked.connect(lambda item, _col: item.parent() and self.run_selected())
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.accurate = QCheckBox("Accurate model")
        self.accurate.setToolTip("Solve with the accurate model (slower); otherwise the preview model")
        self.compare_button = QPushButton("Compare")
        self.compare_button.setObjectName("scenarioCompare")
        self.compare_button.setToolTip("Run the selected scenario against the layout as it is")
        self.compare_button.clicked.connect(self.run_selected)
        self.save_button = QPushButton("Save as scenario…")
        self.save_button.setToolTip("Add the selected what-if to the layout's scenarios (undoable)")
        self.save_button.clicked.connect(self.save_selected)
        self.run_row = RunRow(hide_cancel_when_idle=True)      # Compare sits with the choices
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.progress.setTextVisible(False)
        self.cancel_button.setObjectName("scenarioCancel")
        self.cancel_button.clicked.connect(self.studies.cancel)
        self.status = QLabel("Select a scenario or a what-if and press Compare.")
        self.status.setObjectName("scenarioStatus")
        self.status.setWordWrap(True)
        self.map_mode = QComboBox()
        self.map_mode.setObjectName("scenarioMapMode")
        for key, text in compare_map.MAP_MODES:
            self.map_mode.addItem(text, key)
        self.map_mode.currentIndexChanged.connect(lambda _i: self._show_map())
        self.view = ComparisonView()
        row = QHBoxLayout()
        row.addWidget(self.accurate)
        row.addStretch(1)
        row.addWidget(self.compare_button)
        row.addWidget(self.save_button)
        maps = QHBoxLayout()
        maps.addWidget(QLabel("Floor map"))
        maps.addWidget(self.map_mode, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.tree)
        box.addLayout(row)
        box.addWidget(self.run_row)
        box.addWidget(self.status)
        box.addLayout(maps)
        box.addWidget(self.view, 1)
        self._enable_modes()

    # -- choices ----------------------------------------------------------------------
    def refresh_choices(self) -> None:
        """Fill the list from the layout, keeping the selection when it still exists."""
        keep = self.selected_choice()
        layout = self.document.layout
        self.tree.blockSignals(True)
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        found = None
        for choice in choices(layout):
            group = groups.get(choice.kind)
            if group is None:
                group = groups[choice.kind] = QTreeWidgetItem(self.tree, [KINDS[choice.kind]])
                group.setFlags(Qt.ItemIsEnabled)
                group.setExpanded(True)
            item = QTreeWidgetItem(group, [choice.name])
            item.setData(0, Qt.UserRole, (choice.kind, choice.name))
            item.setToolTip(0, describe(layout, choice))
            if choice == keep:
                found = item
        if not groups:
            QTreeWidgetItem(self.tree, ["no scenarios and no running cooling unit"]).setFlags(Qt.NoItemFlags)
        self.tree.blockSignals(False)
        rows = sum(1 + g.childCount() for g in groups.values()) or 1
        self.tree.setFixedHeight(min(rows * self.tree.sizeHintForRow(0) + 8, TREE_MAX_PX))
        if found is not None:
            self.tree.setCurrentItem(found)
        self._update_buttons()

    def selected_choice(self) -> Optional[Choice]:
        item = self.tree.currentItem()
        data = item.data(0, Qt.UserRole) if item is not None else None
        return Choice(*data) if data else None

    def select(self, choice: Choice) -> bool:
        """Select a choice in the list (by kind and name); False when it is not there."""
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, Qt.UserRole) == (choice.kind, choice.name):
                    self.tree.setCurrentItem(group.child(j))
                    return True
        return False

    def model(self) -> str:
        return "accurate" if self.accurate.isChecked() else "preview"

    def runner(self):
        return make_runner(self.studies.cache, self.model(), float(self.cell_m()))

    # -- running ------------------------------------------------------------------------
    def run_selected(self) -> bool:
        choice = self.selected_choice()
        if choice is None:
            self.show_status("select a scenario or a what-if to compare", True)
            return False
        return self.compare(choice)

    def compare(self, choice: Choice) -> bool:
        """Start comparing `choice` with the layout; False (with a message) when it cannot."""
        if self.studies.busy:
            self.show_status("a study is running: wait for it or cancel it", True)
            return False
        layout = self.document.layout
        try:
            applied = apply_choice(layout, choice)
        except ScenarioError as exc:
            self.show_status(str(exc), True)
            return False
        self.studies.start("compare", compare_work(layout, applied), self.runner())
        self._started_on = (layout, layout_hash(layout))
        return True

    def remember(self, update) -> None:
        """Cache a settled result of the window's own solver: the baseline needs no new solve.

        Only a cold, converged solve: the studies start cold, so a warm-started
        or unsettled result would make their figures differ from `dctwin report`.
        """
        r = update.result
        if update.cold_settled() and abs(r.cell_m - float(self.cell_m())) < 1e-9:
            self.studies.cache.put(ResultCache.key(update.layout, r.model, r.cell_m), r)

    def _on_progress(self, tag: str, fraction: float, message: str) -> None:
        self.run_row.set_fraction(fraction, message)
        what = "Exporting the report" if tag == "export" else "Comparing"
        self.status.setStyleSheet("")
        self.status.setText(f"{what}: {message}" if message else f"{what}…")

    def _on_busy(self, busy: bool) -> None:
        self.run_row.set_busy(busy)
        self._update_buttons()

    def _on_finished(self, tag: str, outcome: str, value, message: str) -> None:
        if tag != "compare":
            return
        started_on, started_hash = self._started_on
        if started_on is not self.document.layout:         # another file was opened meanwhile
            return
        if outcome == "done":
            self.show_study(value, started_hash)
        elif outcome == "cancelled":
            self.show_status("comparison cancelled", False)
        else:
            self.show_status(f"cannot compare: {message}", True)

    def show_study(self, study, baseline_hash: str) -> None:
        self.study, self.study_hash, self.stale = study, baseline_hash, False
        self.view.show_study(study, study.data["solves"], self.studies.elapsed_s)
        self.show_status(f"{study.applied.name} compared with the layout in "
                         f"{self.studies.elapsed_s:.1f} s", False)
        self._enable_modes()
        if layout_hash(self.document.layout) != baseline_hash:      # edited while it ran
            self._mark_stale()
        elif self.map_mode.currentData() == "live" and "difference" in compare_map.modes_for(study):
            self.set_map_mode("difference")
        else:
            self._show_map()

    def show_status(self, text: str, error: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        if error:
            self.sigMessage.emit(text, True)

    def _update_buttons(self) -> None:
        choice = self.selected_choice()
        busy = self.studies.busy
        self.compare_button.setEnabled(choice is not None and not busy)
        self.save_button.setEnabled(choice is not None and choice.quick)

    # -- saving a what-if -----------------------------------------------------------------
    def ask_scenario_name(self, suggested: str) -> Optional[str]:
        """The name to save a what-if under, or None (replaced in tests)."""
        name, ok = QInputDialog.getText(self, "Save as scenario", "Scenario name:", text=suggested)
        return name if ok else None

    def save_selected(self) -> bool:
        choice = self.selected_choice()
        if choice is None or not choice.quick:
            return False
        name = self.ask_scenario_name(choice.saved_name())
        if not name:
            return False
        try:
            command = commands.add_scenario(self.document.layout, name, fail_edits([choice.name]))
        except commands.CommandError as exc:
            self.show_status(str(exc), True)
            return False
        if not self.document.execute(command):
            return False
        self.refresh_choices()
        self.select(Choice("scenario", name.strip()))
        self.show_status(f'saved as scenario "{name.strip()}" (Edit › Undo takes it back)', False)
        return True

    # -- the floor map --------------------------------------------------------------------
    def set_map_mode(self, mode: str) -> None:
        index = self.map_mode.findData(mode)
        if index >= 0:
            self.map_mode.setCurrentIndex(index)
            self._show_map()

    def _enable_modes(self) -> None:
        allowed = compare_map.modes_for(None if self.stale else self.study)
        model = self.map_mode.model()
        for i in range(self.map_mode.count()):
            model.item(i).setEnabled(self.map_mode.itemData(i) in allowed)
        if self.map_mode.currentData() not in allowed:
            self.map_mode.setCurrentIndex(0)

    def _show_map(self) -> None:
        study = None if self.stale else self.study
        self.sigMap.emit(compare_map.floor_map(study, self.map_mode.currentData()))

    # -- the document -----------------------------------------------------------------------
    def on_changed(self) -> None:
        """An edit, undo or redo: new choices; the comparison is out of date if the room changed."""
        self.refresh_choices()
        if self.study is not None and not self.stale and layout_hash(self.document.layout) != self.study_hash:
            self._mark_stale()

    def _mark_stale(self) -> None:
        """The comparison no longer describes the layout: say so, back to the live map."""
        self.stale = True
        self.view.summary.setText("The layout has changed since this comparison; "
                                  "press Compare to run it again. " + self.view.summary.text())
        self._enable_modes()
        self._show_map()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """When the window has closed (not merely been asked to), stop the study threads."""
        if event.type() == QEvent.Close:
            QTimer.singleShot(0, self, lambda: watched.isVisible() or self.studies.shutdown())
        return False

    def reset(self) -> None:
        """Another layout was opened."""
        self.studies.cancel()
        self.study, self.stale = None, False
        self.view.clear()
        self.refresh_choices()
        self._enable_modes()
        self._show_map()


def attach_scenarios(window) -> ScenarioPanel:
    """Add the Scenarios dock (tabbed with Results) and File › Export Report… to a main window."""
    panel = ScenarioPanel(window.document, lambda: window.solver.settings.accurate_cell_m)
    dock = add_panel_dock(window, panel, "Scenarios", "scenarioDock")
    window.scenario_dock = dock
    document = window.document
    document.sigChanged.connect(lambda _event, _command: panel.on_changed())
    document.sigReplaced.connect(panel.reset)
    window.solver.sigUpdate.connect(panel.remember)
    panel.sigMap.connect(window.floor.show_map)
    panel.sigMap.connect(window.section.show_map)
    panel.sigMessage.connect(window.show_message)
    window.installEventFilter(panel)
    from twin.gui.report_export import attach_export
    window.report_export = attach_export(window, panel)
    return panel
