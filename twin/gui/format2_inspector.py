"""Inspector pages of the format-2 objects, and the format-2 keys of racks and cooling units.

Every key of an obstacle, a containment and a sensor; a rack's air zone and
rear door; an in-row unit's kind, facing, return and supply zone. Fields are
checked as you type by dry-running their command (the model's own checks)
and commit as one undo step, like the rest of the inspector.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QSizePolicy,
                               QWidget)

from twin import commands
from twin.gui.format2_items import obstacle_kind
from twin.gui.inspector import NumberField, _number
from twin.model import FACINGS
from twin.model.checks_v2 import face_width_m
from twin.model.objects import CONTAINMENT_KINDS, DOOR_SIDES, UNIT_KINDS, FaceZone, RearDoor
from twin.model.schema import RETURNS
from twin.object_edits import find_object, set_object

DEFAULT_DOOR_WATER_C = 18.0
DEFAULT_DOOR_APPROACH_K = 3.0


class OptionalField(NumberField):
    """A number box that may be left empty (the key is then left out)."""

    def _command(self) -> commands.Command:
        text = self.text().strip()
        return self.build(None if not text else _number(text))


class TextField(NumberField):
    """A text box (an id); its edit becomes a command like a number box's."""

    def _command(self) -> commands.Command:
        return self.build(self.text().strip())

    def show_value(self, value) -> None:
        super().show_value(None)
        self.setText(str(value))
        self.setModified(False)


def _pair(pair, end: int, value: float) -> tuple[float, float]:
    out = [float(v) for v in pair]
    out[end] = value
    return tuple(out)


class Format2Inspector:
    """Adds the object pages and the rack and unit groups to an Inspector."""

    def __init__(self, inspector):
        self.inspector = inspector
        self.fields: dict[str, NumberField] = {}
        self.obstacle_page, self.containment_page, self.sensor_page = QWidget(), QWidget(), QWidget()
        self._build_obstacle()
        self._build_containment()
        self._build_sensor()
        for page in (self.obstacle_page, self.containment_page, self.sensor_page):
            inspector.pages.addWidget(page)
        inspector.pages.currentChanged.connect(self._fit_pages)
        self.zone_box = QGroupBox("Air zone (servers fill only this part of the faces)")
        self.door_box = QGroupBox("Rear door heat exchanger")
        self.inrow_box = QGroupBox("In-row cooling")
        self._build_rack_groups()
        self._build_unit_group()
        self._fit_pages()

    @property
    def layout(self):
        return self.inspector.layout

    @property
    def item_id(self) -> str:
        return self.inspector.item_id

    def groups(self) -> list[QGroupBox]:
        return [self.zone_box, self.door_box, self.inrow_box]

    # -- building ---------------------------------------------------------------------
    def _number(self, name: str, build: Callable, optional: bool = False) -> NumberField:
        field = (OptionalField if optional else NumberField)(self.inspector, name, build)
        self.fields[name] = field
        return field

    def _id_field(self, name: str) -> TextField:
        field = TextField(self.inspector, name, lambda text: set_object(
            self.layout, self.item_id, f"rename {self.item_id}", id=text))
        self.fields[name] = field
        return field

    def _obj(self):
        return find_object(self.layout, self.item_id)[1]

    def _build_obstacle(self) -> None:
        form = QFormLayout(self.obstacle_page)
        form.addRow("Obstacle", self._id_field("obstacle_id"))
        self.obstacle_kind = QLabel()
        form.addRow("Drawn as", self.obstacle_kind)
        for axis in "xyz":
            for end, word in enumerate(("from", "to")):
                name = f"box_{axis}{end}"
                form.addRow(f"{axis} {word} (m)", self._number(name, lambda v, a=axis, e=end: set_object(
                    self.layout, self.item_id, f"set {a} of {self.item_id}",
                    box_m=replace(self._obj().box_m, **{f"{a}_m": _pair(
                        getattr(self._obj().box_m, f"{a}_m"), e, v)}))))

    def _build_containment(self) -> None:
        form = QFormLayout(self.containment_page)
        form.addRow("Containment", self._id_field("containment_id"))
        self.aisle_kind = QComboBox()
        self.aisle_kind.setObjectName("containment_kind")
        self.aisle_kind.addItems(CONTAINMENT_KINDS)
        self.aisle_kind.activated.connect(lambda: self._execute(set_object(
            self.layout, self.item_id, kind=self.aisle_kind.currentText())))
        form.addRow("Aisle", self.aisle_kind)
        for axis in "xy":
            for end, word in enumerate(("from", "to")):
                form.addRow(f"aisle {axis} {word} (m)", self._number(
                    f"aisle_{axis}{end}", lambda v, a=axis, e=end: set_object(
                        self.layout, self.item_id, f"set aisle of {self.item_id}",
                        aisle_m=replace(self._obj().aisle_m, **{f"{a}_m": _pair(
                            getattr(self._obj().aisle_m, f"{a}_m"), e, v)}))))
        form.addRow("Height (m)", self._number("height_m", lambda v: set_object(
            self.layout, self.item_id, f"set height of {self.item_id}", height_m=v)))
        self.roof = QCheckBox("roof on top")
        self.roof.setObjectName("roof")
        self.roof.clicked.connect(lambda *_: self._execute(set_object(
            self.layout, self.item_id, roof=self.roof.isChecked())))
        form.addRow("Roof", self.roof)
        self.doors = {side: QCheckBox(side) for side in DOOR_SIDES}
        for side, box in self.doors.items():
            box.setObjectName(f"door{side}")
            box.clicked.connect(self._set_doors)
            form.addRow("Door at end" if side == DOOR_SIDES[0] else "", box)
        form.addRow("Door gap (m)", self._number("door_gap_m", lambda v: set_object(
            self.layout, self.item_id, f"set door gap of {self.item_id}", door_gap_m=v)))

    def _build_sensor(self) -> None:
        form = QFormLayout(self.sensor_page)
        form.addRow("Sensor", self._id_field("sensor_id"))
        self.sensor_kind = QLabel()
        form.addRow("Measures", self.sensor_kind)
        for i, axis in enumerate("xyz"):
            form.addRow(f"{axis} (m)", self._number(f"sensor_{axis}", lambda v, i=i: set_object(
                self.layout, self.item_id, f"move {self.item_id}",
                position_m=_pair(self._obj().position_m, i, v))))

    def _build_rack_groups(self) -> None:
        self.zone_box.setCheckable(True)
        self.zone_box.setObjectName("air_zone")
        self.zone_box.clicked.connect(
            lambda *_: self._toggle_face_zone("air_zone_m", self.zone_box.isChecked()))
        form = QFormLayout(self.zone_box)
        self._zone_rows(form, "air_zone", "air_zone_m", "rack")
        self.door_box.setCheckable(True)
        self.door_box.setObjectName("rear_door")
        self.door_box.clicked.connect(self._toggle_door)
        form = QFormLayout(self.door_box)
        for name, label, optional in (("capacity_kw", "Capacity (kW)", False),
                                      ("water_supply_c", "Water supply (°C)", False),
                                      ("approach_k", "Approach (K)", False)):
            form.addRow(label, self._number(f"door_{name}", lambda v, n=name: commands.set_fields(
                self.layout, self.item_id, f"set rear door of {self.item_id}",
                rear_door=replace(self.layout.rack(self.item_id).rear_door, **{n: v})), optional))
        self.door_floor = QLabel()
        form.addRow("", self.door_floor)

    def _zone_rows(self, form: QFormLayout, prefix: str, attr: str, what: str) -> None:
        def build(key: str, end: Optional[int] = None):
            def command(v):
                _, obj, _ = commands.find_item(self.layout, self.item_id)
                zone = getattr(obj, attr)
                value = _pair(zone.z_m, end, v) if end is not None else v
                return commands.set_fields(self.layout, self.item_id, f"set {attr} of {self.item_id}",
                                           **{attr: replace(zone, **{key: value})})
            return command
        form.addRow("z from (m)", self._number(f"{prefix}_z0", build("z_m", 0)))
        form.addRow("z to (m)", self._number(f"{prefix}_z1", build("z_m", 1)))
        form.addRow("Width (m)", self._number(f"{prefix}_width_m", build("width_m")))
        form.addRow("Offset (m)", self._number(f"{prefix}_offset_m", build("offset_m"), optional=True))

    def _build_unit_group(self) -> None:
        form = QFormLayout(self.inrow_box)
        self.unit_kind, self.unit_facing, self.unit_return = QComboBox(), QComboBox(), QComboBox()
        for box, name, items in ((self.unit_kind, "unit_kind", UNIT_KINDS),
                                 (self.unit_facing, "unit_facing", FACINGS),
                                 (self.unit_return, "unit_return", RETURNS)):
            box.setObjectName(name)
            box.addItems(items)
        self.unit_kind.activated.connect(self._set_unit_kind)
        self.unit_facing.activated.connect(lambda: self._execute(commands.set_fields(
            self.layout, self.item_id, f"turn {self.item_id}", facing=self.unit_facing.currentText())))
        self.unit_return.activated.connect(lambda: self._execute(commands.set_fields(
            self.layout, self.item_id, return_=self.unit_return.currentText())))
        form.addRow("Kind", self.unit_kind)
        form.addRow("Supply faces", self.unit_facing)
        form.addRow("Returns at", self.unit_return)
        self.supply_zone = QCheckBox("only part of the front blows")
        self.supply_zone.setObjectName("supply_zone")
        self.supply_zone.clicked.connect(
            lambda *_: self._toggle_face_zone("supply_zone_m", self.supply_zone.isChecked()))
        form.addRow("Supply zone", self.supply_zone)
        self._zone_rows(form, "supply_zone", "supply_zone_m", "unit")

    # -- showing ----------------------------------------------------------------------
    def _fit_pages(self) -> None:
        """The inspector as tall as the page shown, not as its tallest page."""
        stack = self.inspector.pages
        for i in range(stack.count()):
            page = stack.widget(i)
            policy = QSizePolicy.Preferred if page is stack.currentWidget() else QSizePolicy.Ignored
            page.setSizePolicy(policy, policy)
            page.adjustSize()
        stack.adjustSize()

    def show_object(self, obj_id: str) -> bool:
        """Show an obstacle, containment or sensor page; False when the id is none of them."""
        try:
            kind, obj, _ = find_object(self.layout, obj_id)
        except commands.CommandError:
            return False
        getattr(self, f"_show_{kind}")(obj)
        for group in self.groups():
            group.setVisible(False)
        return True

    def _show_obstacle(self, ob) -> None:
        self.inspector.pages.setCurrentWidget(self.obstacle_page)
        self.fields["obstacle_id"].show_value(ob.id)
        kind = obstacle_kind(ob.box_m, self.layout.room.size_m[2])
        self.obstacle_kind.setText({"overhead": "beam or duct (off the floor)", "wall": "wall",
                                    "column": "column",
                                    "under_floor": "under-floor obstacle (in the plenum)"}[kind])
        for axis in "xyz":
            for end in (0, 1):
                self.fields[f"box_{axis}{end}"].show_value(getattr(ob.box_m, f"{axis}_m")[end])

    def _show_containment(self, c) -> None:
        self.inspector.pages.setCurrentWidget(self.containment_page)
        self.fields["containment_id"].show_value(c.id)
        self.aisle_kind.setCurrentText(c.kind)
        for axis in "xy":
            for end in (0, 1):
                self.fields[f"aisle_{axis}{end}"].show_value(getattr(c.aisle_m, f"{axis}_m")[end])
        self.fields["height_m"].show_value(c.height_m)
        self.fields["door_gap_m"].show_value(c.door_gap_m)
        self.roof.setChecked(bool(c.roof))
        for side, box in self.doors.items():
            box.setChecked(side in c.doors)

    def _show_sensor(self, s) -> None:
        self.inspector.pages.setCurrentWidget(self.sensor_page)
        self.fields["sensor_id"].show_value(s.id)
        self.sensor_kind.setText(s.kind.replace("_", " "))
        for i, axis in enumerate("xyz"):
            self.fields[f"sensor_{axis}"].show_value(s.position_m[i])

    def show_extras(self, kind: str, obj) -> None:
        """The rack groups under a rack, the in-row group under a cooling unit."""
        self.zone_box.setVisible(kind == "rack")
        self.door_box.setVisible(kind == "rack")
        self.inrow_box.setVisible(kind == "unit")
        if kind == "rack":
            self._show_zone(obj.air_zone_m, "air_zone", self.zone_box)
            door = obj.rear_door
            self.door_box.setChecked(door is not None)
            for name in ("capacity_kw", "water_supply_c", "approach_k"):
                self.fields[f"door_{name}"].show_value(None if door is None else getattr(door, name))
                self.fields[f"door_{name}"].setEnabled(door is not None)
            self.door_floor.setText("" if door is None else
                                    f"exhaust not cooled below {door.floor_c:g} °C")
        elif kind == "unit":
            inrow = obj.inrow
            self.unit_kind.setCurrentText(obj.kind or "crah")
            self.unit_facing.setCurrentText(obj.facing or "+y")
            self.unit_return.setCurrentText(obj.return_)
            for box in (self.unit_facing, self.unit_return, self.supply_zone):
                box.setEnabled(inrow)
            self.supply_zone.setChecked(obj.supply_zone_m is not None)
            self._show_zone(obj.supply_zone_m, "supply_zone", None)

    def _show_zone(self, zone, prefix: str, box: Optional[QGroupBox]) -> None:
        if box is not None:
            box.setChecked(zone is not None)
        values = {"z0": None, "z1": None, "width_m": None, "offset_m": None} if zone is None else \
            {"z0": zone.z_m[0], "z1": zone.z_m[1], "width_m": zone.width_m, "offset_m": zone.offset_m}
        for key, value in values.items():
            self.fields[f"{prefix}_{key}"].show_value(value)
            self.fields[f"{prefix}_{key}"].setEnabled(zone is not None)

    # -- editing ----------------------------------------------------------------------
    def _execute(self, command) -> None:
        self.inspector.execute(command)
        self.inspector.refresh()           # a refused toggle shows the model's state again

    def _set_doors(self) -> None:
        doors = [side for side, box in self.doors.items() if box.isChecked()]
        self._execute(set_object(self.layout, self.item_id, f"set doors of {self.item_id}", doors=doors))

    def _toggle_face_zone(self, attr: str, on: bool) -> None:
        """Give a rack an air zone or a unit a supply zone (the whole face to start), or take it."""
        _, obj, _ = commands.find_item(self.layout, self.item_id)
        zone = FaceZone((0.0, float(obj.size_m[2])), face_width_m(obj.size_m, obj.facing)) if on else None
        label = f"{'add' if on else 'remove'} {attr.replace('_m', '').replace('_', ' ')} of {self.item_id}"
        self._execute(commands.set_fields(self.layout, self.item_id, label, **{attr: zone}))

    def _toggle_door(self, *_) -> None:
        on = self.door_box.isChecked()
        rack = self.layout.rack(self.item_id)
        door = RearDoor(round(rack.power_kw, 3), DEFAULT_DOOR_WATER_C, DEFAULT_DOOR_APPROACH_K) if on else None
        self._execute(commands.set_fields(self.layout, self.item_id,
                                          f"{'add' if on else 'remove'} rear door of {self.item_id}",
                                          rear_door=door))

    def _set_unit_kind(self) -> None:
        """Make a unit in-row (facing +y, front supply, rear return) or a floor unit again."""
        if self.unit_kind.currentText() == "inrow":
            changes = dict(kind="inrow", facing="+y", supply="front", return_="rear")
        else:
            changes = dict(kind=None, facing=None, supply=None, return_="top", supply_zone_m=None)
        self._execute(commands.set_fields(self.layout, self.item_id, f"make {self.item_id} "
                                          f"{self.unit_kind.currentText()}", **changes))
