"""The plan's view box: a left drag on empty floor draws a selection rectangle.

Panning stays on the middle mouse button (and the wheel zooms), as in
pyqtgraph's default; drags that start on equipment go to the equipment.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

BAND_PEN = QColor(255, 200, 0)
BAND_FILL = QColor(255, 200, 0, 40)
ADDING = Qt.ControlModifier | Qt.ShiftModifier


class SelectingViewBox(pg.ViewBox):
    """A ViewBox that reports rubber-band rectangles (in metres) to `on_band(rect, adding)`."""

    def __init__(self, on_band, **kwargs):
        super().__init__(**kwargs)
        self.on_band = on_band
        self.band = QGraphicsRectItem()
        pen = QPen(BAND_PEN, 1.5, Qt.DashLine)
        pen.setCosmetic(True)
        self.band.setPen(pen)
        self.band.setBrush(QBrush(BAND_FILL))
        self.band.setZValue(1e9)
        self.band.setVisible(False)
        self.addItem(self.band, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() != Qt.LeftButton or axis is not None:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos())
        here = self.mapSceneToView(ev.scenePos())
        rect = QRectF(start, here).normalized()
        if ev.isFinish():
            self.band.setVisible(False)
            self.on_band(rect, bool(ev.modifiers() & ADDING))
        else:
            self.band.setRect(rect)
            self.band.setVisible(True)
