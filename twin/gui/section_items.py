"""What a vertical section cuts, outlined over its temperature: racks with their air zones and
rear doors, cooling units (in-row ones with their supply direction), obstacles, containment
panels and the sensors near the plane with their modelled values. Not interactive.
"""
from __future__ import annotations

import math
from typing import Optional

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPolygonF

from twin.gui.floor_items import COLD_EDGE, HOT_EDGE, _cosmetic, draw_label
from twin.gui.format2_items import DOOR, SENSOR, obstacle_kind
from twin.model.objects import containment_panels

SENSOR_REACH_M = 0.3        # sensors this close to the plane are shown on it
STRIPE_FRACTION = 0.12      # face stripes, as a fraction of the rack's depth
DOOR_M = 0.08               # a rear door's thickness as drawn


def _span(obj, axis: int) -> tuple[float, float]:
    lo = float(obj.position_m[axis])
    return lo, lo + float(obj.size_m[axis])


class SectionOutline(pg.GraphicsObject):
    """Outlines in the section's (along, z) metres of everything the plane cuts."""

    def __init__(self):
        super().__init__()
        self.layout = None
        self.result = None
        self.axis, self.at_m = "x", 0.0
        self.setZValue(10)

    def set_layout(self, layout) -> None:
        self.prepareGeometryChange()
        self.layout = layout
        self.update()

    def set_result(self, result) -> None:
        self.result = result
        self.update()

    def set_plane(self, axis: str, at_m: float) -> None:
        self.prepareGeometryChange()
        self.axis, self.at_m = axis, at_m
        self.update()

    def _axes(self) -> tuple[int, int]:
        """(along the plot, across the plane) as layout axes: an x-z section lies at some y."""
        return (0, 1) if self.axis == "x" else (1, 0)

    def boundingRect(self) -> QRectF:
        if self.layout is None:
            return QRectF()
        along, _ = self._axes()
        size = self.layout.room.size_m
        return QRectF(0, 0, size[along], size[2])

    def _cut(self, lo: float, hi: float) -> bool:
        return lo <= self.at_m <= hi

    def paint(self, painter, *args) -> None:
        if self.layout is None:
            return
        along, across = self._axes()
        for ob in self.layout.obstacles:
            self._paint_obstacle(painter, ob, along, across)
        for c in self.layout.containment:
            for name, box in containment_panels(c, self.layout.room.size_m):
                ext = box.extents()
                if self._cut(*ext[across]):
                    painter.setPen(_cosmetic(QColor(0, 60, 60)))
                    painter.setBrush(QBrush(DOOR))
                    painter.drawRect(QRectF(ext[along][0], ext[2][0], ext[along][1] - ext[along][0],
                                            ext[2][1] - ext[2][0]))
        for rack in self.layout.racks:
            if self._cut(*_span(rack, across)):
                self._paint_rack(painter, rack, along)
        for unit in self.layout.cooling_units:
            if self._cut(*_span(unit, across)):
                self._paint_unit(painter, unit, along)
        for sensor in self.layout.sensors:
            if abs(sensor.position_m[across] - self.at_m) <= SENSOR_REACH_M:
                self._paint_sensor(painter, sensor, along)

    def _paint_obstacle(self, painter, ob, along: int, across: int) -> None:
        ext = ob.box_m.extents()
        if not self._cut(*ext[across]):
            return
        kind = obstacle_kind(ob.box_m, self.layout.room.size_m[2])
        painter.setPen(_cosmetic(QColor(30, 30, 30), 1.5))
        painter.setBrush(QBrush(QColor(70, 70, 70) if kind != "overhead" else QColor(120, 80, 40),
                                Qt.SolidPattern if kind != "overhead" else Qt.BDiagPattern))
        painter.drawRect(QRectF(ext[along][0], ext[2][0], ext[along][1] - ext[along][0],
                                ext[2][1] - ext[2][0]))

    def _paint_rack(self, painter, rack, along: int) -> None:
        a0, a1 = _span(rack, along)
        height = float(rack.size_m[2])
        body = QRectF(a0, 0, a1 - a0, height)
        painter.setPen(_cosmetic(QColor(20, 20, 20), 1.5))
        painter.setBrush(QBrush(QColor(210, 210, 210, 170)))
        painter.drawRect(body)
        zone = rack.air_zone_m
        z0, z1 = (zone.z_m if zone is not None else (0.0, height))
        facing_axis = 0 if rack.facing[1] == "x" else 1
        if facing_axis == along:          # the plane runs front to back: faces are edges
            d = STRIPE_FRACTION * (a1 - a0)
            front_high = rack.facing[0] == "+"
            front = QRectF(a1 - d if front_high else a0, z0, d, z1 - z0)
            rear = QRectF(a0 if front_high else a1 - d, z0, d, z1 - z0)
            painter.setPen(Qt.NoPen)
            painter.setBrush(COLD_EDGE)
            painter.drawRect(front)
            painter.setBrush(HOT_EDGE)
            painter.drawRect(rear)
            if rack.rear_door is not None:
                painter.setBrush(DOOR)
                painter.drawRect(QRectF(a0 - DOOR_M if front_high else a1, 0, DOOR_M, height))
        elif zone is not None:            # the plane is parallel to the faces: the zone is a box
            centre = (a0 + a1) / 2 + float(zone.offset_m or 0.0)
            painter.setPen(_cosmetic(COLD_EDGE, 2, Qt.DashLine))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(QRectF(centre - zone.width_m / 2, z0, zone.width_m, z1 - z0))
        draw_label(painter, body, [rack.id] + (["rear door"] if rack.rear_door else []))

    def _paint_unit(self, painter, unit, along: int) -> None:
        a0, a1 = _span(unit, along)
        body = QRectF(a0, 0, a1 - a0, float(unit.size_m[2]))
        running = unit.state == "running"
        painter.setPen(_cosmetic(QColor(20, 20, 60), 1.5))
        painter.setBrush(QBrush(QColor(70, 130, 180) if running else QColor(120, 120, 120)))
        painter.drawRect(body)
        if unit.inrow and unit.facing and running and (0 if unit.facing[1] == "x" else 1) == along:
            zone = unit.supply_zone_m
            z = (sum(zone.z_m) / 2) if zone is not None else body.height() / 2
            sign = 1 if unit.facing[0] == "+" else -1
            tip_x = (a1 if sign > 0 else a0) + sign * 0.25
            base_x = (a0 + a1) / 2
            painter.setPen(_cosmetic(QColor("white"), 2))
            painter.setBrush(QBrush(COLD_EDGE))
            h = 0.12 * body.height()
            painter.drawPolygon(QPolygonF([QPointF(tip_x, z), QPointF(base_x, z + h),
                                           QPointF(base_x, z - h)]))
        draw_label(painter, body, [unit.id], QColor("white"))

    def _paint_sensor(self, painter, sensor, along: int) -> None:
        p = painter.transform().map(QPointF(sensor.position_m[along], sensor.position_m[2]))
        value = self._sensor_value(sensor.id)
        painter.save()
        painter.resetTransform()
        painter.setPen(_cosmetic(QColor("white"), 2))
        painter.setBrush(QBrush(SENSOR))
        painter.drawEllipse(p, 5, 5)
        font = QFont(painter.font())
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(SENSOR.darker(130))
        text = sensor.id + (f" {value:.1f} °C" if value is not None else "")
        painter.drawText(p + QPointF(8, 4), text)
        painter.restore()

    def _sensor_value(self, sensor_id: str) -> Optional[float]:
        sensors = getattr(self.result, "sensors", None) or {}
        value = sensors[sensor_id].value_c if sensor_id in sensors else None
        return value if value is not None and math.isfinite(value) else None
