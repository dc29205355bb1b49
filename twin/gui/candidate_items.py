"""Placement candidates on the floor plan: numbered translucent outlines (not equipment).

One item per candidate covers its racks' footprints, marks their fronts (the
cold aisle side) and carries the candidate's rank; clicking it chooses that
candidate in the Placement dock. They never change the layout.
"""
from __future__ import annotations

from typing import Callable, Optional

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen

OUTLINE = QColor(0, 170, 90)
CHOSEN = QColor(255, 200, 0)
FRONT = QColor(40, 120, 255)
FRONT_FRACTION = 0.15
BADGE_PX = 18                   # the rank badge's size on screen


def _pen(color: QColor, width: float, style=Qt.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    return pen


class CandidateOutline(pg.GraphicsObject):
    """The footprints of one candidate, numbered by its rank."""

    def __init__(self, rank: int, positions_m, footprint_m, facing: str,
                 on_click: Optional[Callable[[int], None]] = None):
        super().__init__()
        self.rank = rank
        self.facing = facing
        self.rects = [QRectF(x, y, footprint_m[0], footprint_m[1]) for x, y in positions_m]
        self.on_click = on_click
        self.chosen = False
        self._bounds = self.rects[0]
        for rect in self.rects[1:]:
            self._bounds = self._bounds.united(rect)
        self.setZValue(9)                    # over the map, under the equipment
        self.setToolTip(f"placement candidate {rank}")

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_chosen(self, chosen: bool) -> None:
        if chosen != self.chosen:
            self.chosen = chosen
            self.setZValue(9.5 if chosen else 9)
            self.update()

    def _front(self, rect: QRectF) -> QRectF:
        d = FRONT_FRACTION * (rect.height() if self.facing in ("+y", "-y") else rect.width())
        return {"+y": QRectF(rect.left(), rect.bottom() - d, rect.width(), d),
                "-y": QRectF(rect.left(), rect.top(), rect.width(), d),
                "+x": QRectF(rect.right() - d, rect.top(), d, rect.height()),
                "-x": QRectF(rect.left(), rect.top(), d, rect.height())}[self.facing]

    def paint(self, painter, *args) -> None:
        color = CHOSEN if self.chosen else OUTLINE
        fill = QColor(color)
        fill.setAlpha(110 if self.chosen else 70)
        painter.setPen(_pen(color, 3 if self.chosen else 2, Qt.DashLine))
        painter.setBrush(QBrush(fill))
        for rect in self.rects:
            painter.drawRect(rect)
        front = QColor(FRONT)
        front.setAlpha(150)
        painter.setPen(Qt.NoPen)
        painter.setBrush(front)
        for rect in self.rects:
            painter.drawRect(self._front(rect))
        self._number(painter)

    def _number(self, painter) -> None:
        """The rank in a small round badge, upright and legible at any zoom, centred on the
        group (badges of overlapping candidates stay apart by their offset)."""
        centre = painter.transform().map(self._bounds.center())
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(BADGE_PX - 6)
        painter.setFont(font)
        badge = QRectF(centre.x() - BADGE_PX / 2, centre.y() - BADGE_PX / 2, BADGE_PX, BADGE_PX)
        painter.setPen(_pen(CHOSEN.darker(160) if self.chosen else OUTLINE.darker(150), 1.5))
        painter.setBrush(QBrush(QColor(255, 255, 255, 230)))
        painter.drawEllipse(badge)
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(badge, Qt.AlignCenter, str(self.rank))
        painter.restore()

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton and self.on_click is not None:
            ev.accept()
            self.on_click(self.rank)
