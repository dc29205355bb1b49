"""The Inspector's liquid fields: a picked CDU's, the facility water's, and a rack's CDUs.

Each field dry-runs its edit while typed (red with the reason when it would be
refused) and commits it as one `twin.liquid_edits` command through the
document, like the rack and cooling-unit fields (`twin.gui.inspector`).
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from twin import commands, liquid_edits
from twin.gui.inspector import INVALID_STYLE, NumberField
from twin.model import UNIT_STATES

CDU_NUMBERS = (("capacity_kw", "Capacity (kW)"), ("approach_k", "Approach (K)"),
               ("pump_kw", "Pump power (kW)"), ("flow_lpm", "Rated flow (L/min)"),
               ("loop_volume_l", "Loop volume (L)"))


class LiquidInspector(QWidget):
    """CDU, facility-water and rack-liquid groups; only the ones that apply are shown."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.cdu_id = ""
        self.rack_id = ""
        self.problem = QLabel()
        self.problem.setObjectName("liquidProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #e0203c;")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._cdu_group())
        box.addWidget(self._rack_group())
        box.addWidget(self._water_group())
        box.addWidget(self.problem)

    # the interface NumberField expects of its inspector
    @property
    def layout(self):
        return self.document.layout

    def show_problem(self, problem: Optional[str]) -> None:
        self.problem.setText(problem or "")

    def execute(self, command: commands.Command) -> None:
        self.document.execute(command)

    # -- groups -------------------------------------------------------------------------
    def _cdu_group(self) -> QGroupBox:
        self.cdu_box = QGroupBox("CDU")
        form = QFormLayout(self.cdu_box)
        self.cdu_label = QLabel()
        self.cdu_state = QComboBox()
        self.cdu_state.setObjectName("cdu_state")
        self.cdu_state.addItems(UNIT_STATES)
        self.cdu_state.activated.connect(lambda: self.execute(liquid_edits.set_cdu(
            self.layout, self.cdu_id, state=self.cdu_state.currentText())))
        form.addRow("CDU", self.cdu_label)
        form.addRow("State", self.cdu_state)
        self.cdu_fields = {}
        for key, text in CDU_NUMBERS:
            field = NumberField(self, f"cdu_{key}", lambda v, k=key: liquid_edits.set_cdu(
                self.layout, self.cdu_id, f"set {k} of {self.cdu_id}", **{k: v}))
            self.cdu_fields[key] = field
            form.addRow(text, field)
        self.cdu_group = QLineEdit()
        self.cdu_group.setObjectName("cdu_group")
        self.cdu_group.setToolTip("Redundancy group: its running CDUs take over a failed one's racks")
        self.cdu_group.editingFinished.connect(self._commit_group)
        form.addRow("Group", self.cdu_group)
        self.cdu_racks = QLabel()
        self.cdu_racks.setWordWrap(True)
        form.addRow("Feeds", self.cdu_racks)
        return self.cdu_box

    def _water_group(self) -> QGroupBox:
        self.water_box = QGroupBox("Facility water")
        form = QFormLayout(self.water_box)
        self.water_state = QComboBox()
        self.water_state.setObjectName("water_state")
        self.water_state.addItems(UNIT_STATES)
        self.water_state.activated.connect(lambda: self.execute(liquid_edits.set_facility(
            self.layout, state=self.water_state.currentText())))
        self.water_supply = NumberField(self, "water_supply_c", lambda v: liquid_edits.set_facility(
            self.layout, "set the facility-water supply", supply_c=v))
        self.coolant_limit = NumberField(self, "coolant_limit_c", lambda v: liquid_edits.set_facility(
            self.layout, "set the coolant limit", coolant_limit_c=v))
        form.addRow("State", self.water_state)
        form.addRow("Supply (°C)", self.water_supply)
        form.addRow("Coolant limit (°C)", self.coolant_limit)
        return self.water_box

    def _rack_group(self) -> QGroupBox:
        self.rack_box = QGroupBox("Liquid cooling")
        form = QFormLayout(self.rack_box)
        self.rack_heat = QLabel()
        self.rack_heat.setWordWrap(True)
        self.rack_cdus = QLineEdit()
        self.rack_cdus.setObjectName("rack_cdus")
        self.rack_cdus.setToolTip("The CDUs that feed this rack, comma separated (empty: none)")
        self.rack_cdus.textEdited.connect(lambda _t: self._check_rack_cdus())
        self.rack_cdus.editingFinished.connect(self._commit_rack_cdus)
        form.addRow("Heat", self.rack_heat)
        form.addRow("Fed by CDUs", self.rack_cdus)
        return self.rack_box

    # -- showing ----------------------------------------------------------------------
    def show_cdu(self, cdu_id: str) -> None:
        self.cdu_id = cdu_id
        if cdu_id:
            self.rack_id = ""
        self.refresh()

    def show_item(self, item_id: str) -> None:
        """The floor's selection: a rack shows its liquid fields."""
        self.rack_id = item_id if any(r.id == item_id for r in self.layout.racks) else ""
        if item_id:
            self.cdu_id = ""
        self.refresh()

    def refresh(self) -> None:
        self.show_problem(None)
        liquid = getattr(self.layout, "liquid", None)
        self.setVisible(liquid is not None)
        if liquid is None:
            return
        known = {c.id for c in liquid.cdus}
        self.cdu_id = self.cdu_id if self.cdu_id in known else ""
        self.rack_id = self.rack_id if any(r.id == self.rack_id for r in self.layout.racks) else ""
        self.cdu_box.setVisible(bool(self.cdu_id))
        self.rack_box.setVisible(bool(self.rack_id))
        water = liquid.facility_water
        self.water_state.setCurrentText(water.state)
        self.water_supply.show_value(water.supply_c)
        self.coolant_limit.show_value(liquid.coolant_limit_c)
        if self.cdu_id:
            self._show_cdu(liquid.cdu(self.cdu_id))
        if self.rack_id:
            self._show_rack()

    def _show_cdu(self, cdu) -> None:
        self.cdu_label.setText(f"{cdu.id} at x {cdu.position_m[0]:g} m, y {cdu.position_m[1]:g} m")
        self.cdu_state.setCurrentText(cdu.state)
        for key, field in self.cdu_fields.items():
            field.show_value(getattr(cdu, key))
        self.cdu_group.setText(cdu.group or "")
        self.cdu_racks.setText(", ".join(cdu.racks) or "no racks")

    def _show_rack(self) -> None:
        from twin.liquid import rack_liquids
        part = rack_liquids(self.layout)[self.rack_id]
        self.rack_heat.setText(f"{part.liquid_kw:.1f} kW to liquid, {part.it_kw - part.liquid_kw:.1f} kW "
                               f"to air; coolant {part.flow_lpm:.0f} L/min")
        self.rack_cdus.setText(", ".join(liquid_edits.cdus_of(self.layout, self.rack_id)))
        self.rack_cdus.setStyleSheet("")

    # -- editing ----------------------------------------------------------------------
    def _commit_group(self) -> None:
        if not self.cdu_id or not self.cdu_group.isModified():
            return
        self.cdu_group.setModified(False)
        text = self.cdu_group.text().strip() or None
        self.execute(liquid_edits.set_cdu(self.layout, self.cdu_id, f"set group of {self.cdu_id}",
                                          group=text))

    def _rack_command(self) -> liquid_edits.ServeRack:
        ids = [p.strip() for p in self.rack_cdus.text().split(",") if p.strip()]
        return liquid_edits.serve_rack(self.layout, self.rack_id, ids)

    def _check_rack_cdus(self) -> Optional[str]:
        try:
            problem = commands.problem(self.layout, self._rack_command())
        except commands.CommandError as exc:
            problem = str(exc)
        self.rack_cdus.setStyleSheet(INVALID_STYLE if problem else "")
        self.show_problem(problem)
        return problem

    def _commit_rack_cdus(self) -> None:
        if not self.rack_id or not self.rack_cdus.isModified():
            return
        self.rack_cdus.setModified(False)
        if self._check_rack_cdus() is None:
            self.execute(self._rack_command())


def attach_liquid_inspector(window) -> LiquidInspector:
    """Put the liquid fields under the Inspector's own; they follow the floor's selection."""
    editor = LiquidInspector(window.document)
    inspector = window.inspector
    inspector.content_box.insertWidget(1, editor)       # under the page, in its scroll area
    window.floor.sigSelected.connect(editor.show_item)

    def cdu_shown(cdu_id: str) -> None:
        inspector.pages.setVisible(not cdu_id)     # the rack/unit page has nothing to show then
        editor.show_cdu(cdu_id)
    window.liquid_layer.sigPicked.connect(cdu_shown)
    window.floor.sigSelected.connect(lambda item_id: item_id and inspector.pages.setVisible(True))
    document = window.document
    document.sigChanged.connect(lambda _event, _command: editor.refresh())
    document.sigReplaced.connect(lambda: editor.show_item(""))
    editor.refresh()
    return editor
