"""Help › Documentation (the local copy of docs/, opened in the desktop's viewer) and
Help › Keyboard Shortcuts (a table made from the menus' actions, so it never goes stale)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

import twin


def documentation_candidates() -> list[Path]:
    """Where docs/index.md may be: a source checkout or sdist, an installed data folder,
    next to a standalone bundle."""
    package = Path(twin.__file__).resolve().parent
    places = [package.parent / "docs", Path(sys.prefix) / "share" / "doc" / "dctwin"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        places.append(Path(bundle) / "docs")
    return [place / "index.md" for place in places]


def documentation_path() -> Optional[Path]:
    """The local documentation's index page, or None when this copy has none."""
    return next((path for path in documentation_candidates() if path.is_file()), None)


def open_documentation(window) -> bool:
    """Open docs/index.md with the desktop's viewer for Markdown files; say so if there is none."""
    path = documentation_path()
    if path is None:
        window.show_message("the documentation is not installed with this copy of dctwin; "
                            "it is the docs/ folder of the source distribution", True)
        return False
    if not window.open_url(QUrl.fromLocalFile(str(path))):
        window.show_message(f"no program to open {path}; open it in a text editor or browser", True)
        return False
    window.show_message(f"opened {path}", False)
    return True


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action with a shortcut, in menu order."""
    rows = []

    def walk(menu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} › {_plain(action.menu().title())}")
            elif action.shortcuts() and not action.isSeparator():
                keys = ", ".join(k.toString(QKeySequence.NativeText) for k in action.shortcuts())
                rows.append((path, _plain(action.text()), keys))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _plain(top.menu().title()))
    return rows


class ShortcutsDialog(QDialog):
    """A table of the window's keyboard shortcuts."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts — dctwin")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)


def show_shortcuts(window) -> ShortcutsDialog:
    dialog = ShortcutsDialog(window)
    dialog.show()
    return dialog
