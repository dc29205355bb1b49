"""The open layout, its file and its undo history, wrapped for Qt signals.

All edits go through `execute(command)`: the Qt-free CommandStack applies and
validates them; refusals come back as sigRefused with a one-line reason.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, Signal

from twin.commands import Command, CommandError, CommandStack
from twin.model import Layout, load_layout, save_layout


class Document(QObject):
    """One layout being edited: model, command stack, file path and saved state."""

    sigChanged = Signal(str, object)   # stack event ("push", "merge", "undo", "redo"), command
    sigReplaced = Signal()             # a different layout was opened
    sigRefused = Signal(str, str)      # item id (or ""), reason
    sigDirtyChanged = Signal(bool)
    sigPathChanged = Signal(str)

    def __init__(self, layout: Layout, path: Optional[str] = None, parent=None):
        super().__init__(parent)
        self.layout = layout
        self.path = path
        self.stack = CommandStack(layout)
        self.stack.subscribe(self._on_stack)
        self._dirty = False

    # -- editing ------------------------------------------------------------------
    def execute(self, command: Command) -> bool:
        """Apply an edit; False (and sigRefused) when it is refused."""
        try:
            self.stack.push(command)
        except CommandError as exc:
            self.sigRefused.emit(getattr(command, "item_id", ""), str(exc))
            return False
        return True

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

    def _on_stack(self, event: str, command) -> None:
        if event in ("push", "merge", "undo", "redo"):
            self.sigChanged.emit(event, command)
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = not self.stack.is_clean
        if dirty != self._dirty:
            self._dirty = dirty
            self.sigDirtyChanged.emit(dirty)

    @property
    def dirty(self) -> bool:
        return self._dirty

    # -- files --------------------------------------------------------------------
    def open(self, path: str) -> None:
        """Replace the layout with a file's; raises LayoutError and keeps the old one."""
        layout = load_layout(path)
        self.layout = layout
        self.path = os.fspath(path)
        self.stack.clear(layout)
        self.sigReplaced.emit()
        self.sigPathChanged.emit(self.path)

    def new(self, layout: Layout) -> None:
        """Replace the layout with a new one that has no file yet (File › New)."""
        self.layout = layout
        self.path = None
        self.stack.clear(layout)
        self.sigReplaced.emit()
        self.sigPathChanged.emit("")

    def save(self, path: Optional[str] = None) -> Path:
        """Save atomically (previous file kept as .bak); raises LayoutError or OSError."""
        target = os.fspath(path or self.path)
        if not target:
            raise ValueError("no file name to save to")
        written = save_layout(self.layout, target)
        self.stack.set_clean()
        if target != self.path:
            self.path = target
            self.sigPathChanged.emit(target)
        return written

    @property
    def title(self) -> str:
        return Path(self.path).name if self.path else (self.layout.name or "untitled")
