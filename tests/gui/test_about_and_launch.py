"""Help > About, the application icon, bundled layouts by name, and a clear refusal without a display."""
import os
import platform
import subprocess
import sys

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication

import twin
from twin.gui.about import about_html, versions
from twin.gui.app import application, application_icon


def test_about_shows_the_version_python_qt_and_licence(make_window):
    text = about_html()
    assert f"dctwin {twin.__version__}" in text
    assert f"Python {platform.python_version()}" in text
    assert f"Qt {qVersion()}" in text and f"PySide6 {PySide6.__version__}" in text
    assert "Apache License 2.0" in text
    assert versions()["dctwin"] == twin.__version__
    window = make_window()
    assert window.acts.about.text().replace("&", "") == "About dctwin"


def test_the_application_icon_has_every_size(make_window):
    window = make_window()
    icon = application_icon()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    app = application()                       # what `dctwin gui` starts with
    assert app is QApplication.instance()
    assert set(s.width() for s in app.windowIcon().availableSizes()) == sizes
    assert not window.windowIcon().isNull()
    assert app.desktopFileName() == "dctwin"


def test_a_bundled_layout_opens_by_name_as_an_unsaved_template(make_window):
    window = make_window(path="small_room")
    assert window.document.path is None                    # never saved over the bundled file
    assert {r.id for r in window.document.layout.racks} == {"A1", "A2", "A3", "B1", "B2", "B3"}


def test_gui_without_a_display_says_what_to_do_instead_of_aborting(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "twin", "gui", "small_room"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("dctwin gui: no display")
    assert "--screenshot" in proc.stderr and "Traceback" not in proc.stderr


def test_gui_names_the_bundled_layouts_for_an_unknown_one(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "twin", "gui", "no_such_room", "--screenshot",
                           str(tmp_path / "x.png")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("dctwin gui: layout file not found: no_such_room")
    assert "default_hall" in proc.stderr and "Traceback" not in proc.stderr


def test_a_qt_library_that_cannot_load_is_one_clear_message(monkeypatch, capsys):
    import twin.gui
    monkeypatch.setitem(sys.modules, "twin.gui.app", None)      # as if `import` failed
    assert twin.gui.main(["small_room"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dctwin: the desktop app cannot start:")
    assert "Traceback" not in err
