"""Docks that panels add to the main window: tabbed with Results, listed under View > Panels."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QTabBar


def add_panel_dock(window, panel, title: str, object_name: str, scroll: bool = True) -> QDockWidget:
    """Put `panel` in a dock on the right, tabbed with Results unless a saved layout places it.

    A scroll area (the default) keeps a tall panel from raising the window's minimum size.
    """
    dock = QDockWidget(title, window)
    dock.setObjectName(object_name)
    if scroll:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.NoFrame)
        area.setWidget(panel)
        dock.setWidget(area)
    else:
        dock.setWidget(panel)
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    results = window.docks.get("results")
    restored = window.settings.value("window/state") is not None and window.restoreDockWidget(dock)
    if results is not None and not restored:
        window.tabifyDockWidget(results, dock)
        results.raise_()
    window.acts.panels_menu.addAction(dock.toggleViewAction())
    dock.dockLocationChanged.connect(lambda _area: fit_dock_tabs(window))
    return dock


def fit_dock_tabs(window) -> None:
    """Show tabbed docks' titles in full: the window's tab bars scroll rather than cut a title."""
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window:
            bar.setElideMode(Qt.ElideNone)
            bar.setUsesScrollButtons(True)
            bar.setExpanding(False)
