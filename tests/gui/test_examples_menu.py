"""File › Open Example: every bundled layout by title, opened like File › Open."""
import shutil

from conftest import wait_solved
from twin import commands as C
from twin.model import bundled_layout, bundled_layout_names, load_layout
from twin.model.resources import layout_title


def example_actions(window):
    menu = window.acts.examples_menu
    menu.aboutToShow.emit()                         # what opening the menu does
    return {action.data(): action for action in menu.actions()}


def test_menu_lists_every_bundled_layout_by_its_name_field(window):
    file_menu = window.menuBar().actions()[0].menu()
    assert window.acts.examples_menu.menuAction() in file_menu.actions()
    actions = example_actions(window)
    assert set(actions) == set(bundled_layout_names())
    assert actions["contained_inrow_room"].text() == "contained hot aisle with in-row coolers"
    assert actions["raised_floor_hall"].text() == "raised-floor hall with a contained cold aisle"
    titles = [a.text().lower() for a in window.acts.examples_menu.actions()]
    assert titles == sorted(titles)


def test_choosing_an_example_loads_it_as_a_template(window, qtbot):
    example_actions(window)["raised_floor_hall"].trigger()
    wait_solved(qtbot, window)
    assert window.document.layout == load_layout(bundled_layout("raised_floor_hall"))
    assert window.document.layout.room.raised_floor is not None
    assert window.document.path is None             # a bundled layout: Save asks where
    assert "raised_floor_hall" in window.statusBar().currentMessage()


def test_unsaved_edits_are_asked_about_first(window, qtbot):
    window.document.execute(C.set_fields(window.document.layout, "B2", power_kw=7.5))
    before = window.document.layout
    asked = []
    window.files.ask_save_changes = lambda: asked.append(1) or "cancel"
    example_actions(window)["contained_inrow_room"].trigger()
    assert asked and window.document.layout is before
    window.files.ask_save_changes = lambda: "discard"
    example_actions(window)["contained_inrow_room"].trigger()
    assert window.document.layout == load_layout(bundled_layout("contained_inrow_room"))
    assert not window.isWindowModified()


def test_a_new_bundled_file_appears_and_titles_fall_back_to_the_stem(window, tmp_path, monkeypatch):
    folder = tmp_path / "layouts"
    folder.mkdir()
    shutil.copy(bundled_layout("small_room"), folder / "small_room.yaml")
    (folder / "unnamed_room.yaml").write_text("dctwin: 1\nroom: {size_m: [6, 6, 3], tile_m: 0.6}\n")
    (folder / "notes.txt").write_text("not a layout")
    import twin.model.resources as resources
    monkeypatch.setattr(resources, "_package_folder", lambda name: folder)
    assert layout_title(folder / "unnamed_room.yaml") == "unnamed_room"
    actions = example_actions(window)
    assert sorted(actions) == ["small_room", "unnamed_room"]
    assert actions["small_room"].text() == "small room with 6 racks and 1 CRAH"
