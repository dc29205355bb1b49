"""Real mouse gestures on a floor view: press, moves with the button held, release."""
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def widget_point(view, x_m: float, y_m: float) -> QPointF:
    """A point in metres as a position in the view's viewport."""
    scene = view.plot.vb.mapViewToScene(QPointF(x_m, y_m))
    return QPointF(view.mapFromScene(scene))


def _send(view, kind, pos: QPointF, button, buttons, modifiers=Qt.NoModifier) -> None:
    viewport = view.viewport()
    global_pos = QPointF(viewport.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, modifiers)
    QApplication.sendEvent(viewport, event)


def drag(view, start_m, end_m, steps: int = 6, modifiers=Qt.NoModifier) -> None:
    """Drag with the left button from start_m to end_m (metres) in `steps` moves."""
    p0, p1 = widget_point(view, *start_m), widget_point(view, *end_m)
    _send(view, QEvent.MouseButtonPress, p0, Qt.LeftButton, Qt.LeftButton, modifiers)
    for i in range(1, steps + 1):
        pos = p0 + (p1 - p0) * (i / steps)
        _send(view, QEvent.MouseMove, pos, Qt.NoButton, Qt.LeftButton, modifiers)
    _send(view, QEvent.MouseButtonRelease, p1, Qt.LeftButton, Qt.NoButton, modifiers)


def click(view, at_m, modifiers=Qt.NoModifier) -> None:
    p = widget_point(view, *at_m)
    _send(view, QEvent.MouseButtonPress, p, Qt.LeftButton, Qt.LeftButton, modifiers)
    _send(view, QEvent.MouseButtonRelease, p, Qt.LeftButton, Qt.NoButton, modifiers)


def hover(view, at_m) -> None:
    _send(view, QEvent.MouseMove, widget_point(view, *at_m), Qt.NoButton, Qt.NoButton)
