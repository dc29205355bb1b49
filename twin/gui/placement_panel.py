"""The Placement dock: where can N racks of P kW go? Ranked candidates, drawn on the floor,
applied as one undoable edit.

The ranking is `twin.scenario.placement.advise` (via `twin.gui.whatif`) on a
worker thread; this panel collects the inputs, lists the candidates with the
engine's reasons, draws them as numbered outlines on the plan and applies
the chosen one through the document (one undo step for all its racks).
"""
from __future__ import annotations

import copy
from typing import Optional

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from twin.gui.candidate_items import CandidateOutline
from twin.gui.palette_panel import TEMPLATES
from twin.gui.run_row import RunRow
from twin.gui.study_watch import StudyWatch
from twin.gui.docks import add_panel_dock
from twin.gui.whatif import (PlaceRequest, candidate_command, parse_number, parse_size,
                             place_problem, placement_study)
from twin.model import Rack
from twin.scenario import ResultCache, Runner

AIRFLOW_MODES = (("delta_t_k", "Temperature rise (K)"), ("airflow_m3s", "Airflow (m³/s)"))
INVALID_STYLE = "QLineEdit { border: 2px solid #e0203c; }"
PROBLEM_STYLE = "color: #e0203c;"
FIELD_NAMES = {"count": "number of racks", "power": "power per rack", "rise": "temperature rise",
               "airflow": "airflow", "size": "rack size"}


def rack_template(template=None):
    """The palette template to take the defaults from: the given one when it is a rack."""
    if template is not None and isinstance(template.item, Rack):
        return template
    return next(t for t in TEMPLATES if isinstance(t.item, Rack))


def candidate_title(rank: int, cand) -> str:
    where = ", ".join(f"({x:g}, {y:g})" for x, y in cand.positions_m)
    headroom = ("" if cand.power_headroom_kw is None
                else f", headroom {cand.power_headroom_kw:.0f} kW")
    return (f"{rank}. facing {cand.facing} at {where}: worst intake "
            f"{cand.worst_inlet_c:.1f} °C{headroom}" + (" (accurate)" if cand.confirmed else ""))


class PlacementPanel(QWidget):
    """Inputs, Find places with progress and Cancel, the ranked list, reasons and Apply."""

    sigApply = Signal(object)              # a command that adds the chosen candidate's racks

    def __init__(self, document, solve_settings, floor, parent=None):
        super().__init__(parent)
        self.document = document
        self.solve_settings = solve_settings       # () -> SolveSettings of the window
        self.floor = floor
        self.cache = ResultCache(32)
        self.watch = StudyWatch(self)
        self.request: Optional[PlaceRequest] = None
        self.ranked: list = []             # Candidates on show, best first
        self.outlines: list[CandidateOutline] = []
        self._build()
        self.use_template(rack_template())
        self.run_row.bind(self.watch, self.status, "ranking free positions facing a cold aisle…")
        self.watch.sigFinished.connect(self._on_finished)
        document.sigChanged.connect(lambda _event, _command: self._on_layout_changed())
        document.sigReplaced.connect(self._on_layout_changed)

    # -- widgets ------------------------------------------------------------------------
    def _build(self) -> None:
        self.count = QLineEdit("1")
        self.power = QLineEdit()
        self.rise_mode = QComboBox()
        for key, text in AIRFLOW_MODES:
            self.rise_mode.addItem(text, key)
        self.rise = QLineEdit()
        self.size = QLineEdit()
        self.size.setToolTip("width x depth x height in m, for a rack facing north (+y)")
        for name, field in (("count", self.count), ("power", self.power), ("rise", self.rise),
                            ("size", self.size)):
            field.setObjectName(f"place_{name}")
            field.textEdited.connect(lambda _text: self.check_inputs())
        self.top = QSpinBox()
        self.top.setRange(1, 20)
        self.top.setValue(5)
        self.solve_limit = QSpinBox()
        self.solve_limit.setRange(1, 100)
        self.solve_limit.setValue(12)
        self.solve_limit.setToolTip("candidates solved after the pre-rank by the air in front of them")
        self.confirm = QSpinBox()
        self.confirm.setRange(0, 20)
        self.confirm.setToolTip("re-solve the leading candidates with the accurate model")
        form = QFormLayout()
        for label, widget in (("Racks (N)", self.count), ("Power per rack (kW)", self.power),
                              ("Given as", self.rise_mode), ("Value", self.rise),
                              ("Rack size (m)", self.size), ("Candidates shown", self.top),
                              ("Solved after pre-rank", self.solve_limit),
                              ("Confirm with accurate model", self.confirm)):
            form.addRow(label, widget)
        self.find_button = QPushButton("Find places")
        self.find_button.setObjectName("placeFind")
        self.find_button.clicked.connect(self.run)
        self.run_row = RunRow(self.find_button)
        self.cancel_button, self.progress = self.run_row.cancel_button, self.run_row.progress
        self.status = QLabel("Say how many racks of what power, then Find places.")
        self.status.setObjectName("placeStatus")
        self.status.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("placeCandidates")
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._on_candidate_chosen)
        self.list.itemDoubleClicked.connect(lambda _item: self.apply())
        self.reasons = QLabel("")
        self.reasons.setObjectName("placeReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.RichText)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("placeApply")
        self.apply_button.setEnabled(False)
        self.apply_button.setToolTip("Add the chosen candidate's racks (one undo step)")
        self.apply_button.clicked.connect(self.apply)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.run_row)
        box.addWidget(self.status)
        box.addWidget(self.list, 1)
        box.addWidget(self.reasons)
        box.addWidget(self.apply_button)

    def use_template(self, template) -> None:
        """Defaults from a palette rack template: size and rise (and power if not typed)."""
        template = rack_template(template)
        rack = template.item
        self.size.setText(" x ".join(f"{v:g}" for v in rack.size_m))
        if not self.power.isModified() or not self.power.text():
            self.power.setText(f"{rack.power_kw:g}")
        self.rise_mode.setCurrentIndex(0)
        self.rise.setText(f"{rack.delta_t(self.document.layout.air):g}")

    def set_confirm_default(self, model: str) -> None:
        """Confirm the leader with the accurate model unless the window runs preview only."""
        self.confirm.setValue(1 if model == "accurate" else 0)

    # -- inputs ------------------------------------------------------------------------
    def check_inputs(self) -> tuple[Optional[PlaceRequest], Optional[str]]:
        """The request from the fields, or the reason it cannot run (the field marked red)."""
        fields = {"count": self.count, "power": self.power, "rise": self.rise, "size": self.size}
        values, problem, bad = {}, None, None
        for key, field in fields.items():
            try:
                values[key] = (parse_size(field.text()) if key == "size"
                               else parse_number(field.text(), FIELD_NAMES[key]))
            except ValueError as exc:
                problem, bad = problem or str(exc), bad or key
        if problem is None and values["count"] != int(values["count"]):
            problem, bad = "number of racks: a whole number", "count"
        request = None
        if problem is None:
            mode = self.rise_mode.currentData()
            request = PlaceRequest(int(values["count"]), values["power"], values["size"],
                                   **{mode: values["rise"]}, top=self.top.value(),
                                   solve_limit=self.solve_limit.value(),
                                   confirm=self.confirm.value())
            problem = place_problem(self.document.layout, request)
            if problem is not None:
                bad = next((k for k, name in FIELD_NAMES.items() if problem.startswith(name)),
                           "count" if "side by side" in problem else None)
        for key, field in fields.items():
            field.setStyleSheet(INVALID_STYLE if key == bad else "")
        return (None, problem) if problem else (request, None)

    # -- running ---------------------------------------------------------------------
    def run(self) -> bool:
        """Start the advisor in the background; False (and the reason shown) on bad input."""
        request, problem = self.check_inputs()
        if problem is not None:
            self.status.setText(problem)
            self.status.setStyleSheet(PROBLEM_STYLE)
            return False
        self.clear_results()
        runner = Runner(self.solve_settings().accurate_cell_m, "preview", cache=self.cache)
        layout = copy.deepcopy(self.document.layout)
        self.request = request
        self.watch.start(lambda r: placement_study(layout, request, r), runner)
        return True

    def cancel(self) -> None:
        self.watch.cancel()

    def _on_finished(self, outcome: str, value) -> None:
        if outcome == "cancelled":
            self.status.setStyleSheet("")
            self.status.setText("search cancelled")
            return
        if outcome == "failed":
            self.status.setStyleSheet(PROBLEM_STYLE)
            self.status.setText(f"cannot rank places: {value}")
            return
        self.show_ranked(value)

    # -- results ------------------------------------------------------------------------
    def show_ranked(self, ranked: list) -> None:
        self.ranked = list(ranked)
        self.list.blockSignals(True)
        self.list.clear()
        for rank, cand in enumerate(self.ranked, 1):
            item = QListWidgetItem(candidate_title(rank, cand))
            item.setData(Qt.UserRole, rank)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.outlines = [CandidateOutline(rank, cand.positions_m, cand.size_m, cand.facing,
                                          self.choose) for rank, cand in enumerate(self.ranked, 1)]
        self.floor.set_overlay(self.outlines)
        r = self.request
        if not self.ranked:
            self.status.setText("no free position on the tile grid faces a cold aisle for "
                                f"{r.count} rack{'s' if r.count != 1 else ''} of this size")
            return
        self.status.setText(f"{len(self.ranked)} best places for {r.count} x {r.power_kw:g} kW "
                            f"(preview model, {self.solve_settings().accurate_cell_m:g} m cells"
                            + (f", leading {min(r.confirm, len(self.ranked))} confirmed accurate"
                               if r.confirm else "") + f", {self.watch.elapsed_s:.1f} s); "
                            "numbered on the plan. Apply adds the chosen one.")
        self.choose(1)

    def choose(self, rank: int) -> None:
        """Make candidate `rank` (1 = best) the chosen one, in the list and on the plan."""
        if 1 <= rank <= len(self.ranked) and self.list.currentRow() != rank - 1:
            self.list.setCurrentRow(rank - 1)

    def _on_candidate_chosen(self, row: int) -> None:
        for outline in self.outlines:
            outline.set_chosen(outline.rank == row + 1)
        cand = self.ranked[row] if 0 <= row < len(self.ranked) else None
        self.apply_button.setEnabled(cand is not None)
        if cand is None:
            self.reasons.setText("")
            return
        lines = "".join(f"<li>{reason.replace('degC', '°C')}</li>" for reason in cand.reasons)
        self.reasons.setText(f"<b>Why candidate {row + 1}</b><ul style='margin-left:-20px'>"
                             f"{lines}</ul>")

    def chosen(self):
        row = self.list.currentRow()
        return self.ranked[row] if 0 <= row < len(self.ranked) else None

    def apply(self) -> bool:
        """Add the chosen candidate's racks through the document: one undo step."""
        cand = self.chosen()
        if cand is None:
            return False
        airflow = (self.request.airflow_m3s if self.request is not None
                   and self.request.airflow_m3s is not None else None)
        command = candidate_command(cand, airflow)
        rank = self.list.currentRow() + 1
        if not self.document.execute(command):
            return False
        ids = ", ".join(e.target for e in cand.edits)
        self.status.setStyleSheet("")
        self.status.setText(f"placed {ids} (candidate {rank}); Edit › Undo removes them")
        return True

    def clear_results(self) -> None:
        self.ranked = []
        self.list.clear()
        self.reasons.setText("")
        self.apply_button.setEnabled(False)
        self.outlines = []
        self.floor.set_overlay([])

    def _on_layout_changed(self) -> None:
        """The candidates were for the layout as it was: drop them (and a search under way)."""
        if self.watch.busy:
            self.watch.cancel()
        had = bool(self.ranked)
        self.clear_results()
        if had and not self.status.text().startswith("placed"):
            self.status.setStyleSheet("")
            self.status.setText("The layout changed: press Find places again.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Close:
            self.watch.cancel()
        return False


def attach_placement(window) -> PlacementPanel:
    """Add the panel to a main window as a dock tabbed with Results (Panels menu)."""
    panel = PlacementPanel(window.document, lambda: window.solver.settings, window.floor)
    panel.set_confirm_default(window.solver.settings.model)
    dock = add_panel_dock(window, panel, "Placement", "placementDock")
    window.placement_dock = dock
    window.equipment.list.currentRowChanged.connect(
        lambda row: panel.use_template(TEMPLATES[row])
        if 0 <= row < len(TEMPLATES) and isinstance(TEMPLATES[row].item, Rack) else None)
    for key, action in window.acts.model.items():
        action.triggered.connect(lambda _checked=False, k=key: panel.set_confirm_default(k))
    window.installEventFilter(panel)
    return panel
