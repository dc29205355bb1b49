"""Plan items of the format-2 air-side objects: obstacles, containment, sensors, in-row units,
rear doors. Drawn in metres like the racks; they only paint and report gestures to their
owner (the floor view's Format2Layer), never change the layout themselves.
"""
from __future__ import annotations

from typing import Optional

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPolygonF

from twin.gui.floor_items import (COLD_EDGE, HOT_EDGE, REFUSED, SELECTED, EquipmentItem, UnitItem,
                                  _cosmetic, draw_label)

HANDLE_PX = 10                  # the resize handle in an object's north-east corner, on screen
OVERHEAD_FROM_M = 0.05          # an obstacle starting higher than this hangs from above
LONG_RATIO = 3.0                # a floor-standing obstacle this elongated is a wall, else a column
DOOR = QColor(0, 150, 150)
SENSOR = QColor(130, 0, 170)
OBSTACLE_LOOKS = {             # kind -> fill, brush pattern, outline style
    "column": (QColor(70, 70, 70), Qt.SolidPattern, Qt.SolidLine),
    "wall": (QColor(105, 105, 105), Qt.SolidPattern, Qt.SolidLine),
    "overhead": (QColor(120, 80, 40, 200), Qt.BDiagPattern, Qt.DashLine),
    "under_floor": (QColor(40, 80, 150, 200), Qt.FDiagPattern, Qt.DashLine),
}
OBSTACLE_Z = {"overhead": 12, "under_floor": 11}   # drawn over the racks they pass (else 9)
OBSTACLE_INK = {"overhead": QColor(60, 30, 0), "under_floor": QColor(10, 30, 90)}
AISLE_FILL = {"hot": QColor(230, 40, 30, 50), "cold": QColor(40, 120, 255, 50)}
AISLE_EDGE = {"hot": HOT_EDGE, "cold": COLD_EDGE}
STEPS = {"+y": (0, 1), "-y": (0, -1), "+x": (1, 0), "-x": (-1, 0)}


def obstacle_kind(box_m, room_z_m: float) -> str:
    """"under_floor" (in the plenum, below z = 0), "overhead" (beam, duct: off the floor),
    "wall" (long, from the floor) or "column"."""
    if box_m.z_m[0] < -1e-6:
        return "under_floor"
    if box_m.z_m[0] > OVERHEAD_FROM_M:
        return "overhead"
    sides = sorted((box_m.x_m[1] - box_m.x_m[0], box_m.y_m[1] - box_m.y_m[0]))
    return "wall" if sides[1] >= LONG_RATIO * sides[0] else "column"


def draw_tag(painter, rect: QRectF, lines: list[str], color: QColor) -> None:
    """A caption on a pale box in the middle of `rect` (item metres), upright and legible over
    the heat map; left out when the rectangle is too small on screen."""
    device = painter.transform().mapRect(rect)
    font = QFont(painter.font())
    font.setPixelSize(11)
    width = 6.5 * max(map(len, lines)) + 10
    height = 14 * len(lines) + 6
    if device.width() < width * 0.6 or device.height() < height:
        return
    painter.save()
    painter.resetTransform()
    painter.setFont(font)
    left = device.left() + min(8.0, (device.width() - width) / 2) if device.width() > width else \
        device.center().x() - width / 2
    box = QRectF(left, device.center().y() - height / 2, width, height)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QBrush(QColor(255, 255, 255, 210)))
    painter.drawRoundedRect(box, 3, 3)
    painter.setPen(color)
    painter.drawText(box, Qt.AlignCenter, "\n".join(lines))
    painter.restore()


def arrow(rect: QRectF, facing: str, scale: float = 0.22) -> QPolygonF:
    """A triangle from the centre of `rect` pointing along `facing`."""
    c = rect.center()
    s = scale * min(rect.width(), rect.height()) * 2
    dx, dy = STEPS[facing]
    tip = QPointF(c.x() + dx * 1.6 * s, c.y() + dy * 1.6 * s)
    side = QPointF(-dy * s * 0.6, dx * s * 0.6)
    return QPolygonF([tip, c + side, c - side])


class ObjectItem(EquipmentItem):
    """A plan rectangle (south-west corner at pos()) that drags like equipment, and resizes by
    its corner handle; `mode` says which the current drag does."""

    def __init__(self, owner, item_id: str, resizable: bool, z_value: float):
        super().__init__(owner, item_id, (1.0, 1.0))
        self.resizable = resizable
        self.caption: list[str] = []
        self.mode = "move"
        self.z_value = z_value
        self.setZValue(z_value)

    def set_rect(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.set_size((x1 - x0, y1 - y0))
        self.setPos(x0, y0)
        self.update()

    def set_flags(self, selected: bool, refused: Optional[str]) -> None:
        if (selected, refused) != (self.selected, self.refused):
            self.setZValue(self.z_value + (5 if selected or refused else 0))  # outline over racks
        super().set_flags(selected, refused)

    def body(self) -> QRectF:
        return QRectF(0, 0, *self.size_m)

    def _handle(self) -> QRectF:
        w, h = self.size_m
        pw, ph = (self.pixelWidth() or 0.01), (self.pixelHeight() or 0.01)
        sx, sy = min(HANDLE_PX * pw, w / 2), min(HANDLE_PX * ph, h / 2)
        return QRectF(w - sx, h - sy, sx, sy)

    def grab_offset(self, down: QPointF) -> tuple[float, float]:
        """A drag by the handle resizes (the north-east corner follows); elsewhere it moves."""
        self.mode = "resize" if self.resizable and self._handle().contains(down) else "move"
        if self.mode == "resize":
            return down.x() - self.size_m[0], down.y() - self.size_m[1]
        return down.x(), down.y()

    def _outline(self, painter, rect: QRectF) -> None:
        """The equipment's selection and refusal outlines, and the resize handle when selected."""
        super()._outline(painter, rect)
        if self.selected and not self.refused and self.resizable:
            painter.setBrush(QBrush(SELECTED))
            painter.setPen(_cosmetic(QColor(40, 40, 40)))
            painter.drawRect(self._handle())


class ObstacleItem(ObjectItem):
    """A solid box on the plan: dark for columns and walls, hatched with a dashed outline for
    overhead beams and ducts (brown) and for under-floor obstacles (blue)."""

    def __init__(self, owner, item_id: str):
        super().__init__(owner, item_id, resizable=True, z_value=9)
        self.kind = "column"

    def set_look(self, kind: str, caption: list[str]) -> None:
        if (kind, caption) != (self.kind, self.caption):
            self.kind, self.caption = kind, caption
            self.setToolTip("\n".join(caption))
            self.z_value = OBSTACLE_Z.get(kind, 9)
            self.setZValue(self.z_value + (5 if self.selected else 0))
            self.update()

    def paint(self, painter, *args) -> None:
        rect = self.body()
        fill, pattern, style = OBSTACLE_LOOKS[self.kind]
        painter.setPen(_cosmetic(QColor(30, 30, 30), 1.5, style))
        if pattern != Qt.SolidPattern:
            painter.setBrush(QBrush(QColor(fill.red(), fill.green(), fill.blue(), 40)))
            painter.drawRect(rect)
        painter.setBrush(QBrush(fill, pattern))
        painter.drawRect(rect)
        self._outline(painter, rect)
        ink = OBSTACLE_INK.get(self.kind, QColor("white"))
        draw_label(painter, rect, self.caption, ink)


class ContainmentItem(ObjectItem):
    """A contained aisle: tinted floor, the roof's outline, the door panels across its ends."""

    def __init__(self, owner, item_id: str):
        super().__init__(owner, item_id, resizable=True, z_value=6)   # under the racks it joins
        self.kind, self.roof = "hot", True
        self.panels: list[QRectF] = []         # door panels in item coordinates

    def set_look(self, kind: str, roof: bool, panels: list[QRectF], caption: list[str]) -> None:
        self.prepareGeometryChange()
        self.kind, self.roof, self.panels, self.caption = kind, roof, panels, caption
        self.setToolTip("\n".join(caption))
        self.update()

    def boundingRect(self) -> QRectF:
        out = self.body()
        for panel in self.panels:
            out = out.united(panel)
        return out

    def paint(self, painter, *args) -> None:
        rect = self.body()
        edge = AISLE_EDGE[self.kind]
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(AISLE_FILL[self.kind]))
        painter.drawRect(rect)
        painter.setPen(_cosmetic(edge, 2.5 if self.roof else 1.5, Qt.DashLine if self.roof else Qt.DotLine))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(rect)
        painter.setPen(_cosmetic(QColor(20, 20, 20)))
        painter.setBrush(QBrush(DOOR))
        for panel in self.panels:
            painter.drawRect(panel)
        self._outline(painter, rect)
        draw_tag(painter, rect, self.caption, edge.darker(150))


class SensorItem(ObjectItem):
    """A sensor: a ringed dot at its point with the modelled (and measured) value beside it.
    Sensors at one x, y (different heights) stack their labels downwards by `place`."""

    RADIUS_PX = 6
    LABEL_PX = 34               # a label's height; a stacked one starts 2 px below the last

    def __init__(self, owner, item_id: str):
        super().__init__(owner, item_id, resizable=False, z_value=14)
        self.text = ""
        self.title = item_id
        self.place = 0
        self.fill = SENSOR
        self.setFlag(self.GraphicsItemFlag.ItemIgnoresTransformations)

    def set_look(self, text: str, title: str = "", place: int = 0, fill: Optional[QColor] = None,
                 tip: str = "") -> None:
        """The label's lines, its place in a stack, the dot's colour (a residual's, or the
        sensor colour) and the tooltip."""
        title = title or self.item_id
        fill = QColor(fill) if fill is not None else SENSOR
        if (text, title, place, fill) != (self.text, self.title, self.place, self.fill):
            self.prepareGeometryChange()
            self.text, self.title, self.place, self.fill = text, title, place, fill
            self.update()
        self.setToolTip(tip or "\n".join([title] + ([text] if text else [])))

    def set_rect(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.setPos(x0, y0)

    def _text_rect(self) -> QRectF:
        width = 7.5 * max(len(self.title), len(self.text)) + 6
        return QRectF(self.RADIUS_PX + 3, -17 + self.place * (self.LABEL_PX + 2), width, self.LABEL_PX)

    def body(self) -> QRectF:
        r = self.RADIUS_PX
        return QRectF(-r, -r, 2 * r, 2 * r)

    def boundingRect(self) -> QRectF:
        return self.body().adjusted(-3, -3, 3, 3).united(self._text_rect())

    def grab_offset(self, down: QPointF) -> tuple[float, float]:
        return 0.0, 0.0                    # the point follows the mouse

    def paint(self, painter, *args) -> None:
        body = self.body()
        ring = SELECTED if self.selected else (REFUSED if self.refused else QColor("white"))
        painter.setPen(_cosmetic(ring, 3 if self.selected or self.refused else 2))
        painter.setBrush(QBrush(self.fill))
        painter.drawEllipse(body)
        font = QFont(painter.font())
        font.setPixelSize(11)
        painter.setFont(font)
        box = self._text_rect()
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(QColor(255, 255, 255, 200)))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(SENSOR.darker(130))
        painter.drawText(box.adjusted(3, 0, 0, 0), Qt.AlignVCenter | Qt.AlignLeft,
                         "\n".join([self.title] + ([self.text] if self.text else [])))


class InrowUnitItem(UnitItem):
    """An in-row cooling unit: a cooling unit whose supply face and facing arrow are marked."""

    def __init__(self, owner, item_id: str, size_m, state: str):
        super().__init__(owner, item_id, size_m, state)
        self.facing, self.return_ = "+y", "rear"

    def set_inrow(self, facing: str, return_: str) -> None:
        if (facing, return_) != (self.facing, self.return_):
            self.facing, self.return_ = facing, return_
            self.update()
        self.setToolTip(f"{self.item_id}: in-row cooling unit, {self.state}; blows towards "
                        f"{facing}, takes air back at its {return_}")

    def _face(self, rect: QRectF, facing: str) -> QRectF:
        w, h = rect.width(), rect.height()
        d = 0.15 * (h if facing[1] == "y" else w)
        return {"+y": QRectF(0, h - d, w, d), "-y": QRectF(0, 0, w, d),
                "+x": QRectF(w - d, 0, d, h), "-x": QRectF(0, 0, d, h)}[facing]

    def paint(self, painter, *args) -> None:
        super().paint(painter, *args)
        rect = self.boundingRect()
        opposite = {"+y": "-y", "-y": "+y", "+x": "-x", "-x": "+x"}[self.facing]
        painter.setPen(Qt.NoPen)
        painter.setBrush(COLD_EDGE.lighter(130))
        painter.drawRect(self._face(rect, self.facing))
        if self.return_ == "rear":
            painter.setBrush(HOT_EDGE)
            painter.drawRect(self._face(rect, opposite))
        painter.setBrush(QColor(255, 255, 255, 220) if self.state == "running" else QColor(60, 60, 60))
        painter.drawPolygon(arrow(rect, self.facing))
        self._outline(painter, rect)


class RearDoorMark(pg.GraphicsObject):
    """A rear-door heat exchanger: a bar along a rack's rear edge (a child of the rack's item)."""

    THICK_FRACTION = 0.1

    def __init__(self, rack_item):
        super().__init__(rack_item)
        self.facing = "+y"
        self.size_m = (0.6, 1.2)

    def set_look(self, facing: str, size_m, tip: str) -> None:
        self.prepareGeometryChange()
        self.facing, self.size_m = facing, tuple(size_m[:2])
        self.setToolTip(tip)
        self.update()

    def boundingRect(self) -> QRectF:
        w, h = self.size_m
        d = self.THICK_FRACTION * (h if self.facing[1] == "y" else w)
        return {"+y": QRectF(0, -d, w, d), "-y": QRectF(0, h, w, d),
                "+x": QRectF(-d, 0, d, h), "-x": QRectF(w, 0, d, h)}[self.facing]

    def paint(self, painter, *args) -> None:
        painter.setPen(_cosmetic(QColor(0, 60, 60)))
        painter.setBrush(QBrush(DOOR))
        painter.drawRect(self.boundingRect())
