"""Edit menu behaviour for a selection of several items: group moves, delete, copy, paste,
duplicate and select all. Every change is one command on the document (one undo step)."""
from __future__ import annotations

from PySide6.QtCore import QObject

from twin import group_edits
from twin.commands import CommandError
from twin.object_edits import is_object


class EditOps(QObject):
    """Turns the floor view's selection and the Edit menu into group commands."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.clipboard: list = []          # copies of racks and cooling units

    @property
    def _layout(self):
        return self.window.document.layout

    def _execute(self, build) -> bool:
        """Build and run a command; a refusal is shown with its reason."""
        try:
            command = build()
        except CommandError as exc:
            self.window.show_message(str(exc), True)
            return False
        return self.window.document.execute(command)

    def move(self, moved: dict) -> None:
        """A group drag's drop: every selected item moved by the same step, or none."""
        if not self._execute(lambda: group_edits.move_group(self._layout, moved)):
            self.window.floor.sync()

    def delete(self) -> None:
        ids = list(self.window.floor.selection)
        if not ids:
            self.window.show_message("select equipment to delete it", False)
            return
        if len(ids) == 1 and is_object(self._layout, ids[0]):
            self.window.format2.delete(ids[0])
            return
        if self._execute(lambda: group_edits.delete_group(self._layout, ids)):
            self.window.floor.select("")

    def copy(self) -> bool:
        ids = list(self.window.floor.selection)
        if not ids:
            self.window.show_message("select equipment to copy it", False)
            return False
        if any(is_object(self._layout, i) for i in ids):
            self.window.show_message("copy, paste and duplicate work on racks and cooling units", False)
            return False
        self.clipboard = group_edits.copy_items(self._layout, ids)
        self.window.show_message(f"copied {', '.join(ids) if len(ids) <= 3 else f'{len(ids)} items'}")
        return True

    def paste(self, verb: str = "paste") -> list[str]:
        """Add the clipboard's copies clear of everything; they become the selection."""
        if not self.clipboard:
            self.window.show_message("nothing to paste: copy equipment first (Ctrl+C)", False)
            return []
        command = None

        def build():
            nonlocal command
            command = group_edits.paste(self._layout, self.clipboard, verb)
            return command
        if not self._execute(build):
            return []
        ids = [part.item.id for part in command.parts]
        self.window.floor.select_many(ids)
        return ids

    def duplicate(self) -> list[str]:
        """Copies of the selection beside it (the clipboard is left as it was)."""
        ids = list(self.window.floor.selection)
        if not ids:
            self.window.show_message("select equipment to duplicate it", False)
            return []
        if any(is_object(self._layout, i) for i in ids):
            self.window.show_message("copy, paste and duplicate work on racks and cooling units", False)
            return []
        kept, self.clipboard = self.clipboard, group_edits.copy_items(self._layout, ids)
        try:
            return self.paste("duplicate")
        finally:
            self.clipboard = kept

    def select_all(self) -> None:
        layout = self._layout
        self.window.floor.select_many([u.id for u in layout.cooling_units] + [r.id for r in layout.racks])
