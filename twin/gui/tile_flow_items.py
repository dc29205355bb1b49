"""The floor plan's tile flows: after a solve over a raised floor, every perforated tile
tinted by the air it lets in (the deepest blue for the most) with its flow in m³/s.

The flows are the result's `tiles` (`twin.geometry.plenum.TileFlow`, one per
physical tile, from the plenum model), so the labels are those of `dctwin
simulate`'s tile table. A room without a raised floor has none and nothing is drawn.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor

from twin.gui.floor_items import _cosmetic, draw_label

FLOW_TINT = QColor(0, 90, 220)
MAX_ALPHA = 150                 # the tile with the most flow; the others in proportion
INK = QColor(0, 30, 100)


def tile_flow_text(flow_m3s: float) -> str:
    return f"{flow_m3s:.2f}"


class TileFlowItem(pg.GraphicsObject):
    """Tiles of the latest result with their flows (not interactive: clicks fall through)."""

    def __init__(self):
        super().__init__()
        self.tiles: list = []
        self.setZValue(-4)                    # over the tile outlines, under the equipment
        self.setAcceptedMouseButtons(Qt.NoButton)

    def set_tiles(self, tiles) -> None:
        tiles = list(tiles or ())
        if tiles == self.tiles:
            return
        self.prepareGeometryChange()
        self.tiles = tiles
        if tiles:
            flows = [t.flow_m3s for t in tiles]
            self.setToolTip(f"tile flows from the plenum (m³/s): {len(tiles)} tiles, "
                            f"least {min(flows):.3f}, most {max(flows):.3f}, "
                            f"total {sum(flows):.2f}")
        else:
            self.setToolTip("")
        self.update()

    def labels(self) -> list[str]:
        """The text on each tile, in the result's order (for checks)."""
        return [tile_flow_text(t.flow_m3s) for t in self.tiles]

    def boundingRect(self) -> QRectF:
        if not self.tiles:
            return QRectF()
        x0 = min(t.x_m[0] for t in self.tiles)
        y0 = min(t.y_m[0] for t in self.tiles)
        return QRectF(x0, y0, max(t.x_m[1] for t in self.tiles) - x0,
                      max(t.y_m[1] for t in self.tiles) - y0)

    def paint(self, painter, *args) -> None:
        if not self.tiles:
            return
        most = max(max(t.flow_m3s for t in self.tiles), 1e-12)
        painter.setPen(_cosmetic(FLOW_TINT.darker(130), 1))
        for tile in self.tiles:
            rect = QRectF(tile.x_m[0], tile.y_m[0], tile.x_m[1] - tile.x_m[0],
                          tile.y_m[1] - tile.y_m[0])
            tint = QColor(FLOW_TINT)
            tint.setAlpha(int(MAX_ALPHA * max(tile.flow_m3s, 0.0) / most))
            painter.setBrush(QBrush(tint))
            painter.drawRect(rect)
            draw_label(painter, rect, [tile_flow_text(tile.flow_m3s)], INK)
