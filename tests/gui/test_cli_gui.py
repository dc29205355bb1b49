"""`dctwin gui LAYOUT --screenshot PNG`: renders the window after the first solve and exits."""
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from twin import cli

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_gui_help_lists_the_options(capsys):
    assert cli.main(["gui", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--screenshot" in out and "LAYOUT" in out


def test_screenshot_of_a_layout(tmp_path):
    png = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, "-m", "twin", "gui", str(REPO_ROOT / "layouts" / "small_room.yaml"),
                           "--model", "preview", "--screenshot", str(png), "--size", "1000x700"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "screenshot saved" in proc.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1000, 700)
    colours = {image.pixelColor(x, y).rgb() for x in range(0, 1000, 25) for y in range(0, 700, 25)}
    assert len(colours) > 20                     # a rendered window with a heat map, not a blank


def test_a_broken_layout_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("dctwin: 1\nroom: {size_m: [1, 2]}\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, "-m", "twin", "gui", str(bad), "--screenshot",
                           str(tmp_path / "x.png")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert "bad.yaml:2" in proc.stderr
