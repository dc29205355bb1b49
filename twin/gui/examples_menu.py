"""File › Open Example: every layout shipped with dctwin, by its title.

The list is read from the bundled layouts folder each time the menu opens, so
a layout added to `twin/layouts/` appears without code changes. Choosing one
opens it like File › Open (unsaved-changes prompt first); a bundled layout
opens as a template, so Save asks where to write it.
"""
from __future__ import annotations

from PySide6.QtWidgets import QMenu

from twin.model.resources import bundled_layout, bundled_layout_titles


class ExamplesMenu(QMenu):
    """The submenu; `files` is the window's FileOps."""

    def __init__(self, files, parent=None):
        super().__init__("Open E&xample", parent)
        self.files = files
        self.setObjectName("examples_menu")
        self.setToolTipsVisible(True)
        self.aboutToShow.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """One action per bundled layout, titled by the layout's `name:`, stem as tip."""
        self.clear()
        for name, title in bundled_layout_titles():
            action = self.addAction(title, lambda n=name: self.open_example(n))
            action.setData(name)
            action.setToolTip(f"{name} (dctwin gui {name})")
            action.setStatusTip(f"Open the bundled layout {name}")
        self.setEnabled(not self.isEmpty())

    def open_example(self, name: str) -> bool:
        """Open the bundled layout `name`; False when kept out (cancelled, missing, bad)."""
        try:
            path = bundled_layout(name)
        except FileNotFoundError as exc:
            self.files.show_error("Cannot open example", str(exc))
            return False
        return self.files.open_path(str(path))
