"""Light and dark palettes; "system" follows the desktop's colour scheme."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")
PLOT_COLORS = {"light": ("w", (40, 40, 40)), "dark": ((30, 30, 34), (220, 220, 220))}


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(225, 225, 225)
    for role, color in ((QPalette.Window, window), (QPalette.WindowText, text),
                        (QPalette.Base, base), (QPalette.AlternateBase, QColor(53, 53, 56)),
                        (QPalette.ToolTipBase, QColor(60, 60, 64)), (QPalette.ToolTipText, text),
                        (QPalette.Text, text), (QPalette.Button, window), (QPalette.ButtonText, text),
                        (QPalette.BrightText, QColor(255, 80, 80)), (QPalette.Link, QColor(90, 160, 255)),
                        (QPalette.Highlight, QColor(42, 130, 218)),
                        (QPalette.HighlightedText, QColor(255, 255, 255)),
                        (QPalette.PlaceholderText, QColor(140, 140, 140))):
        p.setColor(role, color)
    for role in (QPalette.Text, QPalette.ButtonText, QPalette.WindowText):
        p.setColor(QPalette.Disabled, role, QColor(120, 120, 120))
    return p


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark scheme (Qt 6.5+); False when unknown."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", lambda: Qt.ColorScheme.Unknown)()
    return scheme == Qt.ColorScheme.Dark


def resolve(theme: str) -> str:
    """'light' or 'dark' for a theme setting."""
    if theme == "system":
        return "dark" if system_is_dark() else "light"
    return theme if theme in ("light", "dark") else "light"


def apply_theme(app: QApplication, theme: str) -> str:
    """Set the application palette; returns the resolved 'light' or 'dark'."""
    resolved = resolve(theme)
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if resolved == "dark" else app.style().standardPalette())
    return resolved


def plot_colors(resolved: str):
    """(background, foreground) for pyqtgraph views under a resolved theme."""
    return PLOT_COLORS[resolved]
