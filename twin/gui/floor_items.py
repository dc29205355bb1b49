"""Graphics items of the floor plan, drawn in metres: racks, cooling units, tiles, grid.

Items only paint and report mouse gestures to their owner (the floor view);
they never change the layout themselves.
"""
from __future__ import annotations

from typing import Optional

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF

COLD_EDGE = QColor(40, 120, 255)
HOT_EDGE = QColor(230, 40, 30)
SELECTED = QColor(255, 200, 0)
REFUSED = QColor(255, 0, 60)
UNIT_RUNNING = QColor(70, 130, 180)
UNIT_FAILED = QColor(120, 120, 120)
EDGE_FRACTION = 0.12            # front/rear stripes, as a fraction of the rack depth
MIN_LABEL_PX = 7                # smallest label font; a caption that needs less is left out


def _cosmetic(color, width: float = 1.0, style=Qt.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    return pen


def draw_label(painter, rect: QRectF, lines: list[str], color=QColor("black")) -> None:
    """Text centred on a rectangle given in item metres, upright on screen, sized to fit."""
    device = painter.transform().mapRect(rect)
    if device.width() < 14 or device.height() < 10:
        return
    painter.save()
    painter.resetTransform()
    font = QFont(painter.font())
    size_px = min(device.height() / (len(lines) * 1.3 + 0.4), device.width() / (max(map(len, lines)) * 0.62 + 0.8))
    if size_px < MIN_LABEL_PX and len(lines) > 1:     # too small for the caption: the id alone
        painter.restore()
        draw_label(painter, rect, lines[:1], color)
        return
    font.setPixelSize(max(MIN_LABEL_PX, min(int(size_px), 16)))
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(device, Qt.AlignCenter, "\n".join(lines))
    painter.restore()


class EquipmentItem(pg.GraphicsObject):
    """A draggable footprint (south-west corner at pos(), size in metres)."""

    def __init__(self, owner, item_id: str, size_m: tuple[float, float]):
        super().__init__()
        self.owner = owner
        self.item_id = item_id
        self.size_m = size_m
        self.selected = False
        self.refused: Optional[str] = None     # why the dragged position is not allowed
        self.setZValue(10)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.OpenHandCursor)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.size_m[0], self.size_m[1])

    def set_size(self, size_m: tuple[float, float]) -> None:
        if tuple(size_m) != tuple(self.size_m):
            self.prepareGeometryChange()
            self.size_m = tuple(size_m)

    def set_flags(self, selected: bool, refused: Optional[str]) -> None:
        if (selected, refused) != (self.selected, self.refused):
            self.selected, self.refused = selected, refused
            self.update()

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton:
            ev.accept()
            adding = bool(ev.modifiers() & (Qt.ControlModifier | Qt.ShiftModifier))
            self.owner.item_clicked(self.item_id, adding)

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            self._grab_m = self.grab_offset(ev.buttonDownPos())
            self.owner.drag_started(self.item_id)
        here = self.parentItem().mapFromScene(ev.scenePos())     # the view's metres
        corner = (here.x() - self._grab_m[0], here.y() - self._grab_m[1])
        if ev.isFinish():
            self.owner.drag_finished(self.item_id, corner)
        else:
            self.owner.drag_moved(self.item_id, corner)

    def grab_offset(self, down: QPointF) -> tuple[float, float]:
        """Where the mouse took hold, from the south-west corner (m): the drag keeps it there."""
        return down.x(), down.y()

    def _outline(self, painter, rect: QRectF) -> None:
        """Selection and refusal outlines on top of the body."""
        if self.refused:
            painter.setPen(_cosmetic(REFUSED, 3, Qt.DashLine))
            painter.setBrush(QBrush(QColor(255, 0, 60, 70)))
            painter.drawRect(rect)
        elif self.selected:
            painter.setPen(_cosmetic(SELECTED, 3))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(rect)


class RackItem(EquipmentItem):
    """A rack: body coloured by the owner's choice, cold front and hot rear edges marked."""

    def __init__(self, owner, item_id: str, size_m, facing: str):
        super().__init__(owner, item_id, size_m)
        self.facing = facing
        self.fill = QColor(200, 200, 200)
        self.caption = ""

    def set_look(self, facing: str, fill: QColor, caption: str) -> None:
        if (facing, fill, caption) != (self.facing, self.fill, self.caption):
            self.facing, self.fill, self.caption = facing, QColor(fill), caption
            self.update()

    def _edges(self, rect: QRectF) -> tuple[QRectF, QRectF]:
        """(front, rear) stripes of the footprint, given the facing."""
        w, h = rect.width(), rect.height()
        d = EDGE_FRACTION * (h if self.facing in ("+y", "-y") else w)
        strips = {"+y": (QRectF(0, h - d, w, d), QRectF(0, 0, w, d)),
                  "-y": (QRectF(0, 0, w, d), QRectF(0, h - d, w, d)),
                  "+x": (QRectF(w - d, 0, d, h), QRectF(0, 0, d, h)),
                  "-x": (QRectF(0, 0, d, h), QRectF(w - d, 0, d, h))}
        return strips[self.facing]

    def _arrow(self, rect: QRectF) -> QPolygonF:
        """A small triangle pointing where the front faces."""
        c = rect.center()
        s = 0.18 * min(rect.width(), rect.height())
        dx, dy = {"+y": (0, 1), "-y": (0, -1), "+x": (1, 0), "-x": (-1, 0)}[self.facing]
        tip = QPointF(c.x() + dx * 2 * s, c.y() + dy * 2 * s)
        base = QPointF(c.x() + dx * s, c.y() + dy * s)
        side = QPointF(-dy * s, dx * s)
        return QPolygonF([tip, base + side, base - side])

    def paint(self, painter, *args) -> None:
        rect = self.boundingRect()
        painter.setPen(_cosmetic(QColor(30, 30, 30)))
        painter.setBrush(QBrush(self.fill))
        painter.drawRect(rect)
        front, rear = self._edges(rect)
        painter.setPen(Qt.NoPen)
        painter.setBrush(COLD_EDGE)
        painter.drawRect(front)
        painter.setBrush(HOT_EDGE)
        painter.drawRect(rear)
        painter.setBrush(QColor(20, 20, 20, 150))
        painter.drawPolygon(self._arrow(rect))
        self._outline(painter, rect)
        ink = QColor("white") if self.fill.lightnessF() < 0.45 else QColor("black")
        draw_label(painter, rect, [self.item_id] + ([self.caption] if self.caption else []), ink)


class UnitItem(EquipmentItem):
    """A cooling unit: blue when running, grey and crossed out when failed."""

    def __init__(self, owner, item_id: str, size_m, state: str):
        super().__init__(owner, item_id, size_m)
        self.state = state
        self.caption = ""

    def set_look(self, state: str, caption: str) -> None:
        if (state, caption) != (self.state, self.caption):
            self.state, self.caption = state, caption
            self.update()

    def paint(self, painter, *args) -> None:
        rect = self.boundingRect()
        running = self.state == "running"
        painter.setPen(_cosmetic(QColor(20, 20, 60), 1.5))
        painter.setBrush(QBrush(UNIT_RUNNING if running else UNIT_FAILED))
        painter.drawRect(rect)
        if not running:
            painter.setPen(_cosmetic(HOT_EDGE, 2.5))
            painter.drawLine(QLineF(rect.topLeft(), rect.bottomRight()))
            painter.drawLine(QLineF(rect.bottomLeft(), rect.topRight()))
        self._outline(painter, rect)
        lines = [self.item_id, self.state.upper() if not running else "running"]
        if self.caption:
            lines.append(self.caption)
        draw_label(painter, rect, lines, QColor("white"))


class FloorItem(pg.GraphicsObject):
    """The room outline, the tile grid and the perforated tile areas (not interactive)."""

    def __init__(self):
        super().__init__()
        self.room_m = (1.0, 1.0)
        self.tile_m = 0.6
        self.tiles: list[tuple[float, float, float, float]] = []
        self.setZValue(-5)

    def set_floor(self, room_m, tile_m: float, tiles) -> None:
        self.prepareGeometryChange()
        self.room_m, self.tile_m = (room_m[0], room_m[1]), tile_m
        self.tiles = [(t.x_m[0], t.y_m[0], t.x_m[1] - t.x_m[0], t.y_m[1] - t.y_m[0]) for t in tiles]
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, *self.room_m).adjusted(-0.05, -0.05, 0.05, 0.05)

    def _grid_path(self) -> QPainterPath:
        path = QPainterPath()
        lx, ly = self.room_m
        n_x, n_y = int(lx / self.tile_m + 1e-6), int(ly / self.tile_m + 1e-6)
        for i in range(1, n_x + 1):
            path.moveTo(i * self.tile_m, 0)
            path.lineTo(i * self.tile_m, ly)
        for j in range(1, n_y + 1):
            path.moveTo(0, j * self.tile_m)
            path.lineTo(lx, j * self.tile_m)
        return path

    def paint(self, painter, *args) -> None:
        painter.setPen(_cosmetic(QColor(128, 128, 128, 110), 1))
        painter.drawPath(self._grid_path())
        painter.setPen(_cosmetic(QColor(0, 200, 255), 1.5, Qt.DashLine))
        painter.setBrush(QBrush(QColor(0, 200, 255, 40), Qt.Dense6Pattern))
        for x, y, w, h in self.tiles:
            painter.drawRect(QRectF(x, y, w, h))
        painter.setPen(_cosmetic(QColor(90, 90, 90), 2.5))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(QRectF(0, 0, *self.room_m))
