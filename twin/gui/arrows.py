"""Airflow arrows on a plane: one path of short strokes with heads, in metres."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainterPath, QPen

LENGTH_PER_MS = 0.35       # arrow length in metres per m/s of horizontal air speed
MAX_LENGTH_M = 0.55        # longer arrows are clipped so they do not cross neighbours
HEAD_FRACTION = 0.3


class ArrowField(pg.GraphicsObject):
    """Arrows for (n, 2) points and (n, 2) velocities; call set_arrows() to replace them."""

    def __init__(self, color=QColor(20, 20, 20, 200)):
        super().__init__()
        self.path = QPainterPath()
        self.pen = QPen(color, 1.2)
        self.pen.setCosmetic(True)
        self.setZValue(5)
        self.count = 0

    def set_arrows(self, points_m: np.ndarray, velocity_ms: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.path = arrow_path(points_m, velocity_ms)
        self.count = len(points_m)
        self.update()

    def clear(self) -> None:
        self.set_arrows(np.zeros((0, 2)), np.zeros((0, 2)))

    def boundingRect(self) -> QRectF:
        return self.path.boundingRect()

    def paint(self, painter, *args) -> None:
        painter.setPen(self.pen)
        painter.drawPath(self.path)


def arrow_path(points_m: np.ndarray, velocity_ms: np.ndarray) -> QPainterPath:
    """Strokes from each point along its velocity, with a two-line head."""
    path = QPainterPath()
    speed = np.hypot(velocity_ms[:, 0], velocity_ms[:, 1])
    length = np.minimum(speed * LENGTH_PER_MS, MAX_LENGTH_M)
    for (x, y), (u, v), s, n in zip(points_m, velocity_ms, speed, length):
        if s < 1e-3 or n < 0.02:
            continue
        dx, dy = u / s * n, v / s * n
        tip_x, tip_y = x + dx, y + dy
        path.moveTo(x, y)
        path.lineTo(tip_x, tip_y)
        hx, hy = -dx * HEAD_FRACTION, -dy * HEAD_FRACTION
        path.moveTo(tip_x, tip_y)
        path.lineTo(tip_x + hx - hy * 0.6, tip_y + hy + hx * 0.6)
        path.moveTo(tip_x, tip_y)
        path.lineTo(tip_x + hx + hy * 0.6, tip_y + hy - hx * 0.6)
    return path
