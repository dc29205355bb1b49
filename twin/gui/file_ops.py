"""Opening and saving from the GUI: dialogs, recent files, unsaved-changes prompts.

Dialog calls are methods (`ask_open_path`, `ask_save_path`, `ask_save_changes`, `ask_folder`,
`ask_replace`, `ask_room_size`, `show_error`)
so tests can replace them without a human at the keyboard.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QMessageBox, QWidget)

from twin.model import Layout, LayoutError, Room
from twin.model.resources import layout_folders

MAX_RECENT = 8
NEW_ROOM_M = (12.0, 9.0, 3.0)       # File › New's suggested room: 20 x 15 tiles, 3 m high
NEW_TILE_M = 0.6
FILTER = "Layouts (*.yaml *.yml);;All files (*)"


def is_bundled(path: str) -> bool:
    """Whether a path is one of the layouts shipped with dctwin (never saved over)."""
    try:
        folder = Path(path).resolve().parent
    except OSError:
        return False
    return any(folder == f.resolve() for f in layout_folders())


class FileOps(QObject):
    """File menu behaviour for one window and its document."""

    sigRecentChanged = Signal(list)
    sigMessage = Signal(str, bool)          # text, is_error

    def __init__(self, window: QWidget, document, settings: QSettings):
        super().__init__(window)
        self.window = window
        self.document = document
        self.settings = settings

    # -- dialogs (replaced in tests) ------------------------------------------------
    def ask_open_path(self) -> Optional[str]:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open layout", self._folder(), FILTER)
        return path or None

    def ask_save_path(self) -> Optional[str]:
        suggested = os.path.join(self._folder(), self.document.title if self.document.path
                                 else "layout.yaml")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save layout as", suggested, FILTER)
        if path and not path.endswith((".yaml", ".yml")):
            path += ".yaml"
        return path or None

    def ask_save_changes(self) -> str:
        """'save', 'discard' or 'cancel' for a document with unsaved edits."""
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"{self.document.title} has unsaved changes.",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self.window)
        box.setInformativeText("Save them before closing the layout?")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def ask_folder(self, title: str) -> Optional[str]:
        """A folder to write into (e.g. File › Export Report), or None."""
        folder = QFileDialog.getExistingDirectory(self.window, title, self._folder())
        return folder or None

    def ask_replace(self, folder: str, names: list) -> bool:
        """Whether to replace the files `names` already in `folder`."""
        answer = QMessageBox.question(
            self.window, "Replace report files?",
            f"{folder} already holds {', '.join(names)}.\nReplace them with the new report?",
            QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
        return answer == QMessageBox.Yes

    def ask_room_size(self) -> Optional[tuple[float, float, float]]:
        """Room length (x), width (y) and height (z) in metres for File › New, or None."""
        dialog = QDialog(self.window)
        dialog.setWindowTitle("New room")
        form = QFormLayout(dialog)
        boxes = []
        for label, value, top in (("Length x (m)", NEW_ROOM_M[0], 200.0), ("Width y (m)", NEW_ROOM_M[1], 200.0),
                                  ("Height z (m)", NEW_ROOM_M[2], 10.0)):
            box = QDoubleSpinBox()
            box.setRange(1.2, top)
            box.setDecimals(1)
            box.setSingleStep(NEW_TILE_M)
            box.setValue(value)
            form.addRow(label, box)
            boxes.append(box)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.Accepted:
            return None
        return tuple(box.value() for box in boxes)

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self.window, title, text)

    def _folder(self) -> str:
        if self.document.path:
            return str(Path(self.document.path).parent)
        return str(self.settings.value("files/last_folder", os.getcwd()))

    # -- actions --------------------------------------------------------------------
    def new_dialog(self) -> bool:
        """File › New: an empty room of the size asked for, after the unsaved-changes prompt."""
        if not self.maybe_save():
            return False
        size = self.ask_room_size()
        if size is None:
            return False
        self.document.new(Layout(room=Room(size_m=tuple(float(v) for v in size), tile_m=NEW_TILE_M)))
        self.sigMessage.emit(f"new room {size[0]:g} x {size[1]:g} x {size[2]:g} m: add equipment "
                             "from the Equipment panel", False)
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path = self.ask_open_path()
        return self.open_path(path, ask=False) if path else False

    def open_path(self, path: str, ask: bool = True) -> bool:
        """Open a layout file; errors are shown and the current layout is kept."""
        if ask and not self.maybe_save():
            return False
        try:
            self.document.open(path)
        except LayoutError as exc:
            self.show_error("Cannot open layout", str(exc))
            self.sigMessage.emit(str(exc), True)
            self.forget_recent(path)
            return False
        if is_bundled(path):
            self.document.path = None          # a bundled layout is a template: Save asks where
            self.document.sigPathChanged.emit("")
        else:
            self.add_recent(path)
        self.sigMessage.emit(f"opened {path}", False)
        return True

    def save(self) -> bool:
        if not self.document.path:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        path = self.ask_save_path()
        return self._save_to(path) if path else False

    def _save_to(self, path: str) -> bool:
        try:
            self.document.save(path)
        except (LayoutError, OSError, ValueError) as exc:
            text = f"{exc.strerror}: {path}" if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.show_error("Cannot save layout", text)
            self.sigMessage.emit(f"not saved: {text}", True)
            return False
        self.add_recent(path)
        self.sigMessage.emit(f"saved {path} (previous version kept as {Path(path).name}.bak)", False)
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current layout (saved, discarded or clean)."""
        if not self.document.dirty:
            return True
        answer = self.ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -- recent files -----------------------------------------------------------------
    def recent(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [path] + [p for p in self.recent() if p != path]
        self.settings.setValue("files/recent", files[:MAX_RECENT])
        self.settings.setValue("files/last_folder", os.path.dirname(path))
        self.sigRecentChanged.emit(files[:MAX_RECENT])

    def forget_recent(self, path: str) -> None:
        path = os.path.abspath(path)
        files = [p for p in self.recent() if p != path]
        self.settings.setValue("files/recent", files)
        self.sigRecentChanged.emit(files)
