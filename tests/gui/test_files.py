"""Files from the GUI: save/reload identity, atomic saves with backups, prompts, recent, drops."""
import shutil

import pytest

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from conftest import wait_solved
from twin import commands as C
from twin.model import bundled_layout, load_layout


def edit(window):
    layout = window.document.layout
    window.document.execute(C.move(layout, "A1", (0.6, 0.0)))
    window.document.execute(C.set_fields(layout, "B2", power_kw=7.5))
    window.document.execute(C.rotate(layout, "A1"))


def test_ctrl_s_saves_atomically_and_loads_back_identically(window, qtbot, room_file):
    original = room_file.read_text()
    edit(window)
    assert window.isWindowModified()
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier)
    assert not window.isWindowModified()
    assert load_layout(room_file) == window.document.layout
    backup = room_file.with_name(room_file.name + ".bak")
    assert backup.read_text() == original
    assert not list(room_file.parent.glob(".room.yaml.*.tmp"))     # no temp files left behind
    assert "saved" in window.statusBar().currentMessage()


def test_save_as_then_reopen_in_a_new_window(window, make_window, tmp_path):
    edit(window)
    target = tmp_path / "copy.yaml"
    window.files.ask_save_path = lambda: str(target)
    assert window.files.save_as()
    assert window.document.path == str(target) and "copy.yaml" in window.windowTitle()
    other = make_window(target)
    assert other.document.layout == window.document.layout


def test_a_failed_save_keeps_the_edits_and_says_why(window, tmp_path):
    edit(window)
    window.files.ask_save_path = lambda: str(tmp_path / "missing" / "x.yaml")
    assert not window.files.save_as()
    assert window.isWindowModified() and window.errors
    assert "not saved" in window.statusBar().currentMessage()


def test_open_dialog_recent_files_and_a_bad_file(window, tmp_path, qtbot):
    other = tmp_path / "mixed.yaml"
    shutil.copy(bundled_layout("mixed_density_room"), other)
    window.files.ask_open_path = lambda: str(other)
    assert window.files.open_dialog()
    wait_solved(qtbot, window)
    assert window.document.path == str(other) and len(window.document.stack) == 0
    assert window.files.recent()[0] == str(other)
    assert window.acts.recent_menu.actions()[0].text() == str(other)
    bad = tmp_path / "bad.yaml"
    bad.write_text("dctwin: 1\nroom: {size_m: [1, 2]}\n")
    assert not window.files.open_path(str(bad))
    assert "bad.yaml:2" in window.errors[-1]
    assert window.document.path == str(other)                       # the open layout is kept


def test_unsaved_changes_prompt_on_close(window):
    edit(window)
    answers = []
    window.files.ask_save_changes = lambda: answers.append("asked") or "cancel"
    window.close()
    assert answers == ["asked"] and window.isVisible()
    window.files.ask_save_changes = lambda: "discard"
    window.close()
    assert not window.isVisible()


def test_prompt_answer_save_writes_the_file(window, room_file):
    edit(window)
    window.files.ask_save_changes = lambda: "save"
    window.close()
    assert load_layout(room_file).rack("A1").position_m == window.document.layout.rack("A1").position_m


@pytest.mark.parametrize("target", ["window", "floor"])
def test_dropping_a_layout_file_opens_it(window, tmp_path, qtbot, target):
    other = tmp_path / "starved.yaml"
    shutil.copy(bundled_layout("starved_room"), other)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    event = QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    (window if target == "window" else window.floor).dropEvent(event)
    qtbot.waitUntil(lambda: window.document.path == str(other), timeout=5000)
    assert set(window.floor.items) >= {r.id for r in window.document.layout.racks}


def test_the_default_hall_opens_as_a_template(make_window, qtbot):
    window = make_window(path=None)
    assert window.document.path is None and len(window.document.layout.racks) == 36
    saved = []
    window.files.ask_save_path = lambda: saved.append(True) or None
    window.files.save()
    assert saved == [True]                                          # Save asks where; never overwrites


def test_window_remembers_geometry_docks_and_view(make_window, settings, qtbot):
    first = make_window()
    first.resize(1000, 700)
    first.docks["section"].hide()
    assert first.floor.color_mode == "intake"              # racks coloured by intake by default
    first.panel.set_color_mode("power")
    first.close()
    second = make_window(size=None)
    assert second.height() == 700              # (the offscreen screen is too narrow to check the width)
    assert second.docks["section"].isHidden()
    assert second.floor.color_mode == "power"


def test_dark_and_light_themes(window, qtbot):
    window.set_theme("dark")
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() < 100, timeout=2000)
    assert window.settings.value("view/theme") == "dark"
    window.set_theme("light")
    qtbot.waitUntil(lambda: window.palette().window().color().lightness() > 150, timeout=2000)
