"""File › New and Close, Help › Documentation and Keyboard Shortcuts, comment-keeping saves."""
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import wait_solved
from twin import commands as C
from twin.gui import help as help_
from twin.gui.help import shortcut_rows, show_shortcuts


def test_new_asks_about_unsaved_edits_then_opens_an_empty_room(window, qtbot):
    window.document.execute(C.set_fields(window.document.layout, "A1", power_kw=6))
    asked = []
    window.files.ask_save_changes = lambda: asked.append("changes") or "cancel"
    window.files.ask_room_size = lambda: asked.append("size") or (9.0, 7.2, 3.2)
    qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    assert asked == ["changes"] and len(window.document.layout.racks) == 6      # cancelled: kept
    window.files.ask_save_changes = lambda: "discard"
    qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    layout = window.document.layout
    assert asked == ["changes", "size"]
    assert layout.room.size_m == (9.0, 7.2, 3.2) and layout.room.tile_m == 0.6
    assert not layout.racks and not layout.cooling_units and window.document.path is None
    assert not window.isWindowModified() and "untitled" in window.windowTitle()
    assert window.floor.items == {} and len(window.document.stack) == 0
    saved = []
    window.files.ask_save_path = lambda: saved.append(True) or None
    window.files.save()
    assert saved == [True]                                   # a new room has no file: Save asks


def test_close_shortcut_closes_the_window_after_the_prompt(window, qtbot):
    window.document.execute(C.set_fields(window.document.layout, "A1", power_kw=6))
    window.files.ask_save_changes = lambda: "cancel"
    qtbot.keyClick(window, Qt.Key_W, Qt.ControlModifier)
    assert window.isVisible()
    window.files.ask_save_changes = lambda: "discard"
    qtbot.keyClick(window, Qt.Key_W, Qt.ControlModifier)
    assert not window.isVisible()


def test_documentation_opens_the_local_index(window, qtbot, monkeypatch, tmp_path):
    opened = []
    window.open_url = lambda url: opened.append(url.toLocalFile()) or True
    qtbot.keyClick(window, Qt.Key_F1)
    assert opened and Path(opened[0]).name == "index.md" and Path(opened[0]).is_file()
    assert "# " in Path(opened[0]).read_text()
    monkeypatch.setattr(help_, "documentation_candidates", lambda: [tmp_path / "index.md"])
    window.acts.docs.trigger()
    assert len(opened) == 1 and "not installed" in window.statusBar().currentMessage()


def test_the_shortcut_list_is_made_from_the_actions(window):
    rows = shortcut_rows(window)
    keyed = [a for a in vars(window.acts).values() if hasattr(a, "shortcuts") and a.shortcuts()]
    assert len(rows) == len(keyed)
    save_as = [keys for menu, name, keys in rows if (menu, name) == ("File", "Save As")]
    assert save_as and save_as[0].split(", ")[0] == "Ctrl+Shift+S"
    window.acts.fit.setShortcut("Ctrl+Alt+F")                 # a changed binding shows up
    dialog = show_shortcuts(window)
    table = dialog.table
    cells = {(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())}
    assert ("Fit Room", "Ctrl+Alt+F") in cells and ("Duplicate", "Ctrl+D") in cells
    dialog.close()


def test_gui_save_keeps_the_comments_of_the_file(window, qtbot, room_file):
    original = room_file.read_text()
    assert original.startswith("# small room")
    window.document.execute(C.move(window.document.layout, "A1", (1.8, 1.2)))
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier)
    text = room_file.read_text()
    changed = [(a, b) for a, b in zip(original.splitlines(), text.splitlines()) if a != b]
    assert changed == [("    position_m: [2.4, 1.2]", "    position_m: [1.8, 1.2]")]
    assert len(text.splitlines()) == len(original.splitlines())
    window.files.open_path(str(room_file))
    wait_solved(qtbot, window)
    assert window.document.layout.rack("A1").position_m == (1.8, 1.2)
