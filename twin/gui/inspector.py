"""The inspector: edit the selected rack or cooling unit, validated as you type.

Each keystroke dry-runs the edit as a command (`commands.problem`) and marks
the field red with the reason when it would be refused; Enter or leaving the
field commits it through the document, so every edit is one undo step.
"""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QLabel, QLineEdit, QScrollArea,
                               QStackedWidget, QVBoxLayout, QWidget)

from twin import commands
from twin.model import FACINGS, UNIT_STATES

INVALID_STYLE = "QLineEdit { border: 2px solid #e0203c; }"
AIRFLOW_MODES = (("delta_t_k", "Temperature rise (K)"), ("airflow_m3s", "Airflow (m³/s)"))


def _number(text: str) -> float:
    """A float from user text ('12', '12.5', '12,5'); ValueError with a readable message."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {text!r}")
    return value


class NumberField(QLineEdit):
    """A number box whose edit becomes a command; `build(value)` makes the command."""

    def __init__(self, inspector: "Inspector", name: str, build: Callable[[float], commands.Command]):
        super().__init__()
        self.setObjectName(name)
        self.inspector = inspector
        self.build = build
        self.problem: Optional[str] = None
        self.textEdited.connect(self.check)
        self.editingFinished.connect(self.commit)

    def _command(self) -> commands.Command:
        return self.build(_number(self.text()))

    def check(self) -> Optional[str]:
        """Validate the text now; shows and returns the reason it would be refused."""
        try:
            self.problem = commands.problem(self.inspector.layout, self._command())
        except (ValueError, commands.CommandError) as exc:
            self.problem = str(exc)
        self.setStyleSheet(INVALID_STYLE if self.problem else "")
        self.setToolTip(self.problem or "")
        self.inspector.show_problem(self.problem)
        return self.problem

    def commit(self) -> None:
        if not self.isModified():
            return
        self.setModified(False)
        if self.check() is None:
            self.inspector.execute(self._command())

    def show_value(self, value: Optional[float]) -> None:
        self.setText("" if value is None else f"{value:g}")
        self.setModified(False)
        self.problem = None
        self.setStyleSheet("")
        self.setToolTip("")


class Inspector(QWidget):
    """Shows the selected equipment's fields; edits go to `document.execute`."""

    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.item_id = ""
        self.pages = QStackedWidget()
        self.empty = QLabel("Select a rack, cooling unit, obstacle, containment or sensor on the "
                            "floor plan to edit it.")
        self.empty.setWordWrap(True)
        self.pages.addWidget(self.empty)
        self.rack_page, self.unit_page = QWidget(), QWidget()
        self._build_rack_page()
        self._build_unit_page()
        self.pages.addWidget(self.rack_page)
        self.pages.addWidget(self.unit_page)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("inspectorProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #e0203c;")
        from twin.gui.format2_inspector import Format2Inspector
        self.format2 = Format2Inspector(self)
        from twin.gui.raised_floor_inspector import RaisedFloorGroup
        self.room = RaisedFloorGroup(self)
        self.pages.currentChanged.connect(lambda: self.room.setVisible(
            self.pages.currentWidget() is self.empty))
        content = QWidget()
        box = self.content_box = QVBoxLayout(content)   # other panels add their fields here
        box.addWidget(self.pages)
        box.addWidget(self.room)
        for group in self.format2.groups():
            box.addWidget(group)
        box.addWidget(self.problem_label)
        box.addStretch(1)
        scroll = QScrollArea()                 # a tall page scrolls; the window keeps its size
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    @property
    def layout(self):
        return self.document.layout

    def _build_rack_page(self) -> None:
        form = QFormLayout(self.rack_page)
        self.rack_id, self.rack_place = QLabel(), QLabel()
        self.facing = QComboBox()
        self.facing.addItems(FACINGS)
        self.facing.activated.connect(lambda: self.execute(commands.set_fields(
            self.layout, self.item_id, facing=self.facing.currentText())))
        self.power = NumberField(self, "power_kw", lambda v: commands.set_fields(
            self.layout, self.item_id, f"set power of {self.item_id}", power_kw=v))
        self.airflow_mode = QComboBox()
        for key, text in AIRFLOW_MODES:
            self.airflow_mode.addItem(text, key)
        self.airflow_mode.activated.connect(self._switch_airflow_mode)
        self.airflow = NumberField(self, "airflow", lambda v: commands.rack_airflow(
            self.layout, self.item_id, **{self.airflow_mode.currentData(): v}))
        self.derived = QLabel()
        for label, widget in (("Rack", self.rack_id), ("Footprint", self.rack_place),
                              ("Front faces", self.facing), ("Power (kW)", self.power),
                              ("Given as", self.airflow_mode), ("Value", self.airflow),
                              ("", self.derived)):
            form.addRow(label, widget)

    def _build_unit_page(self) -> None:
        form = QFormLayout(self.unit_page)
        self.unit_id, self.unit_place = QLabel(), QLabel()
        self.state = QComboBox()
        self.state.addItems(UNIT_STATES)
        self.state.activated.connect(lambda: self.execute(commands.set_fields(
            self.layout, self.item_id, f"set {self.item_id} {self.state.currentText()}",
            state=self.state.currentText())))
        self.supply = NumberField(self, "supply_temp_c", lambda v: commands.set_fields(
            self.layout, self.item_id, f"set supply of {self.item_id}", supply_temp_c=v))
        self.unit_airflow = NumberField(self, "unit_airflow_m3s", lambda v: commands.set_fields(
            self.layout, self.item_id, f"set airflow of {self.item_id}", airflow_m3s=v))
        for label, widget in (("Cooling unit", self.unit_id), ("Footprint", self.unit_place),
                              ("State", self.state), ("Supply (°C)", self.supply),
                              ("Airflow (m³/s)", self.unit_airflow)):
            form.addRow(label, widget)

    # -- showing ------------------------------------------------------------------
    def show_item(self, item_id: str) -> None:
        self.item_id = item_id
        self.refresh()

    def refresh(self) -> None:
        """Reload the shown values from the layout (after any edit, undo or redo)."""
        self.show_problem(None)
        try:
            kind, obj, _ = commands.find_item(self.layout, self.item_id)
        except commands.CommandError:
            if self.format2.show_object(self.item_id):
                return
            self.item_id = ""
            self.pages.setCurrentWidget(self.empty)
            self.format2.show_extras("", None)
            self.room.refresh()
            return
        place = (f"x {obj.position_m[0]:g} m, y {obj.position_m[1]:g} m; "
                 f"{obj.size_m[0]:g} x {obj.size_m[1]:g} x {obj.size_m[2]:g} m")
        if kind == "rack":
            self._show_rack(obj, place)
        else:
            self._show_unit(obj, place)
        self.format2.show_extras(kind, obj)

    def _show_rack(self, rack, place: str) -> None:
        self.pages.setCurrentWidget(self.rack_page)
        self.rack_id.setText(rack.id)
        self.rack_place.setText(place)
        self.facing.setCurrentText(rack.facing)
        self.power.show_value(rack.power_kw)
        derived = bool(getattr(rack, "equipment", None))
        self.power.setReadOnly(derived)
        self.power.setToolTip("follows from the rack's equipment list" if derived else "")
        mode = "airflow_m3s" if rack.airflow_m3s is not None else "delta_t_k"
        self.airflow_mode.setCurrentIndex(self.airflow_mode.findData(mode))
        self.airflow.show_value(getattr(rack, mode))
        air = self.layout.air
        self.derived.setText(f"= {rack.airflow(air):.3f} m³/s" if mode == "delta_t_k"
                             else f"= {rack.delta_t(air):.1f} K rise")

    def _show_unit(self, unit, place: str) -> None:
        self.pages.setCurrentWidget(self.unit_page)
        self.unit_id.setText(unit.id)
        self.unit_place.setText(place)
        self.state.setCurrentText(unit.state)
        self.supply.show_value(unit.supply_temp_c)
        self.unit_airflow.show_value(unit.airflow_m3s)

    def show_problem(self, problem: Optional[str]) -> None:
        self.problem_label.setText(problem or "")

    # -- editing ------------------------------------------------------------------
    def execute(self, command: commands.Command) -> None:
        if self.item_id:
            self.document.execute(command)

    def _switch_airflow_mode(self) -> None:
        """Give the airflow the other way, keeping today's value (rounded)."""
        rack = self.layout.rack(self.item_id)
        if self.airflow_mode.currentData() == "airflow_m3s":
            cmd = commands.rack_airflow(self.layout, rack.id, airflow_m3s=round(rack.airflow(self.layout.air), 4))
        else:
            cmd = commands.rack_airflow(self.layout, rack.id, delta_t_k=round(rack.delta_t(self.layout.air), 2))
        self.execute(cmd)
