"""The power chain drawn in columns: utility feeds, UPS systems, PDUs and busways, racks.

Structure comes from `twin.power.chain` (networkx); each layer is ordered by
the mean position of its sources so edges cross little. Components are
coloured by utilisation; a failed component (one failover case) is grey and
crossed out, and what it overloads is red, labelled with its load in that case.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from twin.power.chain import Chain

LAYERS = {"utility": 0, "ups": 1, "pdu": 2, "busway": 2, "rack": 3}
LAYER_X = (0.0, 125.0, 250.0, 360.0)
NODE_W, NODE_H, RACK_W, RACK_H = 88.0, 34.0, 44.0, 20.0
MAX_SCALE, MIN_SCALE = 1.6, 0.9     # fit the whole chain unless labels would shrink below MIN_SCALE
OK_COLOR, WARN_COLOR, OVER_COLOR = QColor(120, 200, 120), QColor(240, 190, 70), QColor(225, 60, 60)
FAILED_COLOR, RACK_COLOR, EDGE_COLOR = QColor(160, 160, 160), QColor(200, 215, 235), QColor(120, 120, 120)
WARN_SHARE = 0.75           # utilisation above this share of the limit is amber


def layered_order(chain: Chain) -> list[list[str]]:
    """Nodes per layer, each layer sorted by the mean index of its sources in the layer above."""
    graph = chain.graph
    layers: list[list[str]] = [[] for _ in LAYER_X]
    for node in graph.nodes:
        layers[LAYERS[graph.nodes[node]["kind"]]].append(node)
    layers[0].sort(key=lambda n: (chain.side(n) or "", n))
    for depth in range(1, len(layers)):
        rank = {n: i for i, n in enumerate(layers[depth - 1])}
        order = {n: i for i, n in enumerate(graph.nodes)}

        def key(node: str) -> tuple[float, int]:
            above = [rank[p] for p in graph.predecessors(node) if p in rank]
            return (sum(above) / len(above) if above else len(rank), order[node])
        layers[depth].sort(key=key)
    return layers


def node_color(utilization_pct: Optional[float], limit_pct: float) -> QColor:
    """Green below 75 % of the limit, amber up to the limit, red above it."""
    if utilization_pct is None:
        return OK_COLOR
    if utilization_pct > limit_pct + 1e-9:
        return OVER_COLOR
    return WARN_COLOR if utilization_pct > WARN_SHARE * limit_pct else OK_COLOR


def fit_columns(view: QGraphicsView) -> None:
    """Fit a column drawing in its view; a long rack column keeps a readable size and scrolls."""
    rect = view.scene().sceneRect()
    if rect.width() <= 0:
        return
    width_fit = (view.viewport().width() - 4) / rect.width()
    height_fit = (view.viewport().height() - 4) / rect.height()
    scale = min(MAX_SCALE, width_fit, max(height_fit, MIN_SCALE))
    view.resetTransform()
    view.scale(scale, scale)


class PowerChainView(QGraphicsView):
    """Draws a chain with the normal-operation utilisation of each component."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setMinimumHeight(160)
        self.positions: dict[str, tuple[float, float]] = {}
        self.colors: dict[str, QColor] = {}
        self.failed: Optional[str] = None
        self.selected_rack = ""

    def show_chain(self, chain: Chain, result, failed: Optional[str] = None,
                   rack_id: str = "") -> None:
        """Redraw; `failed` shows one failover case, `rack_id` outlines a rack."""
        self.failed, self.selected_rack = failed, rack_id
        overloaded = {v.component: v.utilization_pct for v in result.failover.violations
                      if v.failed == failed and v.component is not None}
        dark = {r for v in result.failover.violations if v.failed == failed for r in v.racks
                if v.problem == "outage"}
        scene = self.scene()
        scene.clear()
        self.positions = self._place(layered_order(chain))
        self._edges(chain)
        for node, (x, y) in self.positions.items():
            self._node(chain, result, node, x, y, overloaded, dark)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-10, -10, 10, 10))
        self.fit()

    def _place(self, layers: list[list[str]]) -> dict[str, tuple[float, float]]:
        height = max([len(layer) * (RACK_H + 6) for layer in layers] + [4 * (NODE_H + 16)])
        out = {}
        for depth, layer in enumerate(layers):
            step = height / max(len(layer), 1)
            for i, node in enumerate(layer):
                out[node] = (LAYER_X[depth], (i + 0.5) * step)
        return out

    def _edges(self, chain: Chain) -> None:
        pen = QPen(EDGE_COLOR, 1.0)
        for a, b in chain.graph.edges:
            (xa, ya), (xb, yb) = self.positions[a], self.positions[b]
            self.scene().addLine(xa + NODE_W / 2, ya, xb - self._width(chain, b) / 2, yb, pen)

    @staticmethod
    def _width(chain: Chain, node: str) -> float:
        return RACK_W if chain.kind(node) == "rack" else NODE_W

    def _node(self, chain: Chain, result, node: str, x: float, y: float,
              overloaded: dict, dark: set) -> None:
        rack = chain.kind(node) == "rack"
        w, h = (RACK_W, RACK_H) if rack else (NODE_W, NODE_H)
        load = result.components.get(node)
        pct = load.utilization_pct if load is not None else None
        color = RACK_COLOR if rack else node_color(pct, result.limit_pct)
        if node in overloaded:
            color, pct = OVER_COLOR, overloaded[node]
        if node == self.failed or node in dark:
            color = FAILED_COLOR
        self.colors[node] = color
        pen = QPen(Qt.black, 2.5 if node == self.selected_rack else 0.8)
        box = self.scene().addRect(QRectF(x - w / 2, y - h / 2, w, h), pen, QBrush(color))
        box.setToolTip(self._tooltip(node, load))
        text = node if rack or pct is None else f"{node}\n{pct:.0f} %"
        if node == self.failed:
            text = f"{node}\nfailed"
        label = self.scene().addText(text, QFont("Sans", 6 if rack else 7))
        label.setDefaultTextColor(Qt.black)
        rect = label.boundingRect()
        label.setPos(x - rect.width() / 2, y - rect.height() / 2)
        if node == self.failed:
            cross = QPen(QColor(60, 60, 60), 2.0)
            self.scene().addLine(x - w / 2, y - h / 2, x + w / 2, y + h / 2, cross)
            self.scene().addLine(x - w / 2, y + h / 2, x + w / 2, y - h / 2, cross)

    @staticmethod
    def _tooltip(node: str, load) -> str:
        if load is None:
            return node
        rating = "no rating" if load.rating_kw is None else f"rating {load.rating_kw:g} kW"
        return f"{node} ({load.kind}): {load.load_kw:.1f} kW, {rating}, loss {load.loss_kw:.2f} kW"

    def fit(self) -> None:
        fit_columns(self)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()
