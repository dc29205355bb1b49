"""The floor view's format-2 layer: obstacles, containment and sensors on the plan, rear doors
on their racks, in-row units' facing, and in-row snapping while a unit is dragged.

Like the rest of the view it never edits the layout: a drag ends in a command
the view hands on (FloorView.sigCommand) for the main window to execute.
"""
from __future__ import annotations

import copy
import math
from typing import Optional

from PySide6.QtCore import QRectF

from twin import commands
from twin.gui.floor_items import RackItem, UnitItem
from twin.gui.format2_items import (ContainmentItem, InrowUnitItem, ObjectItem, ObstacleItem,
                                    RearDoorMark, SensorItem, obstacle_kind)
from twin.gui.tile_flow_items import TileFlowItem
from twin.inrow_snap import Spot, place_inrow, snap_inrow
from twin.model.objects import Containment, Obstacle, containment_panels
from twin.object_edits import find_object, footprint_m, move_object, resize_object

OBSTACLE_WORDS = {"overhead": "overhead", "wall": "wall", "column": "column",
                  "under_floor": "under floor"}
ITEM_CLASSES = {Obstacle: ObstacleItem, Containment: ContainmentItem}


def unit_item_class(unit) -> type:
    """The plan item of a cooling unit: in-row units show their facing."""
    return InrowUnitItem if unit.inrow and unit.facing else UnitItem


def obstacle_caption(ob, room_z_m: float) -> tuple[str, list[str]]:
    kind = obstacle_kind(ob.box_m, room_z_m)
    z0, z1 = ob.box_m.z_m
    return kind, [ob.id, f"{OBSTACLE_WORDS[kind]} z {z0:g}–{z1:g} m"]


def containment_caption(c) -> list[str]:
    top = f"roof at {c.height_m:g} m" if c.roof else f"no roof, {c.height_m:g} m high"
    doors = f"doors {' '.join(c.doors)}, gap {c.door_gap_m:g} m" if c.doors else "no doors"
    return [c.id, f"{c.kind} aisle, {top}", doors]


def sensor_stacks(sensors) -> dict[str, tuple[int, int]]:
    """id -> (place in its stack, stack size): sensors at one x, y (to the centimetre) are
    listed top down, so their labels stack instead of overlapping."""
    spots: dict[tuple, list] = {}
    for s in sensors:
        spots.setdefault((round(s.position_m[0], 2), round(s.position_m[1], 2)), []).append(s)
    out = {}
    for group in spots.values():
        group.sort(key=lambda s: -s.position_m[2])
        out.update({s.id: (i, len(group)) for i, s in enumerate(group)})
    return out


def sensor_text(sensor, result) -> str:
    """The modelled value at the sensor after a solve ("" before one)."""
    if result is None or sensor.id not in getattr(result, "sensors", {}):
        return ""
    value = result.sensors[sensor.id].value_c
    return f"model {value:.1f} °C" if math.isfinite(value) else "model —"


class Format2Layer:
    """Keeps the format-2 plan items in line with the layout and turns their drags into commands."""

    def __init__(self, view):
        self.view = view
        self.items: dict[str, ObjectItem] = {}
        self.doors: dict[str, RearDoorMark] = {}
        self.dragging: Optional[str] = None
        self.readings: dict[str, tuple] = {}   # sensor id -> (dot colour, label, tooltip) from measurements
        self.tile_flows = TileFlowItem()
        view.plot.addItem(self.tile_flows, ignoreBounds=True)

    def clear(self) -> None:
        for item in self.items.values():
            self.view.plot.removeItem(item)
        self.items.clear()
        self.doors.clear()                    # children of rack items, removed with them

    # -- keeping up with the layout ---------------------------------------------------
    def sync(self, layout) -> None:
        wanted = {o.id: o for o in (*layout.obstacles, *layout.containment, *layout.sensors)}
        for item_id in [i for i, item in self.items.items() if i not in wanted
                        or type(item) is not ITEM_CLASSES.get(type(wanted[i]), SensorItem)]:
            self.view.plot.removeItem(self.items.pop(item_id))
        for obj_id, obj in wanted.items():
            item = self.items.get(obj_id)
            if item is None:
                item = ITEM_CLASSES.get(type(obj), SensorItem)(self, obj_id)
                self.items[obj_id] = item
                # a sensor is drawn in pixels: its box must not stretch Fit Room
                self.view.plot.addItem(item, ignoreBounds=isinstance(item, SensorItem))
            if self.dragging != obj_id:
                item.set_rect(*footprint_m(obj))
            self._look(item, obj, layout)
        self._sync_racks(layout)

    def _look(self, item: ObjectItem, obj, layout) -> None:
        if isinstance(obj, Obstacle):
            item.set_look(*obstacle_caption(obj, layout.room.size_m[2]))
        elif isinstance(obj, Containment):
            x0, y0 = obj.aisle_m.x_m[0], obj.aisle_m.y_m[0]
            panels = [QRectF(b.x_m[0] - x0, b.y_m[0] - y0, b.x_m[1] - b.x_m[0], b.y_m[1] - b.y_m[0])
                      for name, b in containment_panels(obj, layout.room.size_m) if name != "roof"]
            item.set_look(obj.kind, obj.roof, panels, containment_caption(obj))

    def _sync_racks(self, layout) -> None:
        """Rear doors on their racks' rear edges; in-row units' facing and return."""
        for rack in layout.racks:
            rack_item = self.view.items.get(rack.id)
            mark = self.doors.get(rack.id)
            if mark is not None and (rack.rear_door is None or mark.parentItem() is not rack_item):
                mark.setParentItem(None)
                if mark.scene() is not None:
                    mark.scene().removeItem(mark)
                del self.doors[rack.id]
                mark = None
            if rack.rear_door is None or not isinstance(rack_item, RackItem):
                continue
            if mark is None:
                mark = self.doors[rack.id] = RearDoorMark(rack_item)
            d = rack.rear_door
            mark.set_look(rack.facing, rack_item.size_m,
                          f"rear door: up to {d.capacity_kw:g} kW, water {d.water_supply_c:g} °C, "
                          f"exhaust not below {d.floor_c:g} °C")
        for unit in layout.cooling_units:
            item = self.view.items.get(unit.id)
            if isinstance(item, InrowUnitItem):
                item.set_inrow(unit.facing, unit.return_)

    def restyle(self, result, selection: list[str], flash: dict) -> None:
        layout = self.view.layout
        stacks = sensor_stacks(layout.sensors)
        for sensor in layout.sensors:
            item = self.items.get(sensor.id)
            if item is not None:
                place, count = stacks[sensor.id]
                title = sensor.id if count == 1 else f"{sensor.id}  z {sensor.position_m[2]:g} m"
                fill, text, tip = self.readings.get(sensor.id, (None, sensor_text(sensor, result), ""))
                item.set_look(text, title, place, fill, tip)
        self.tile_flows.set_tiles(getattr(result, "tiles", ()))
        for item_id, item in self.items.items():
            item.set_flags(item_id in selection, flash.get(item_id))

    # -- gestures ------------------------------------------------------------------------
    def item_clicked(self, item_id: str, adding: bool = False) -> None:
        self.view.select(item_id)                # objects are selected one at a time

    def drag_started(self, item_id: str) -> None:
        self.view.select(item_id)
        self.dragging = item_id

    def drag_moved(self, item_id: str, corner_m) -> None:
        self._dragged(item_id, corner_m, finished=False)

    def drag_finished(self, item_id: str, corner_m) -> None:
        self._dragged(item_id, corner_m, finished=True)

    def _dragged(self, item_id: str, point_m, finished: bool) -> None:
        """Preview a move or resize with the model's verdict; at the drop, hand on its command."""
        layout = self.view.layout
        item = self.items[item_id]
        build = move_object if item.mode == "move" else resize_object
        command = build(layout, item_id, point_m)
        moved = copy.copy(self._object(item_id))
        for name, value in command.changes.items():
            setattr(moved, name, value)
        x0, y0, x1, y1 = footprint_m(moved)
        if finished:
            self.dragging = None
            item.set_flags(True, None)
            self.view.sigHint.emit("")
            if footprint_m(moved) != footprint_m(self._object(item_id)):
                self.view.sigCommand.emit(command)
            self.view.sync()
            return
        problem = commands.problem(layout, command)
        item.set_rect(x0, y0, x1, y1)
        item.set_flags(True, problem)
        verb = "to" if item.mode == "move" else "resized to"
        self.view.sigHint.emit(f"cannot place here: {problem}" if problem else
                               f"{item_id} {verb} x {x0:g}..{x1:g} m, y {y0:g}..{y1:g} m")

    def _object(self, item_id: str):
        return find_object(self.view.layout, item_id)[1]

    # -- in-row units -------------------------------------------------------------------
    def inrow_spot(self, item_id: str, corner_m) -> Optional[Spot]:
        """The row spot a dragged in-row unit snaps to, or None (not in-row, no row near)."""
        if not isinstance(self.view.items.get(item_id), InrowUnitItem):
            return None
        return snap_inrow(self.view.layout, item_id, corner_m)

    def preview_inrow(self, item_id: str, spot: Spot) -> None:
        item = self.view.items[item_id]
        item.set_size(spot[2][:2])
        item.set_inrow(spot[1], item.return_)

    def reset_preview(self, item_id: str) -> None:
        """An in-row unit dragged away from the rows gets its own footprint and facing back."""
        item = self.view.items.get(item_id)
        if isinstance(item, InrowUnitItem):
            unit = self.view.layout.unit(item_id)
            item.set_size(unit.size_m[:2])
            item.set_inrow(unit.facing, unit.return_)

    def place_inrow(self, item_id: str, spot: Spot) -> None:
        """End a drag of an in-row unit in a row spot: one command when anything changed."""
        command = place_inrow(self.view.layout, item_id, spot)
        _, unit, _ = commands.find_item(self.view.layout, item_id)
        if any(tuple(v) != tuple(getattr(unit, k)) if isinstance(v, tuple) else v != getattr(unit, k)
               for k, v in command.changes.items()):
            self.view.sigCommand.emit(command)
