"""Everything outside twin.gui must import and run without Qt and without a display."""
import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph")

IMPORT_ALL = r"""
import importlib, json, pkgutil, sys
import twin

failed, imported = [], []
def on_error(name):
    failed.append(f"{name}: {sys.exc_info()[1]!r}")

for info in pkgutil.walk_packages(twin.__path__, "twin.", onerror=on_error):
    name = info.name
    if name == "twin.gui" or name.startswith("twin.gui.") or name.rsplit(".", 1)[-1] == "__main__":
        continue
    try:
        importlib.import_module(name)
        imported.append(name)
    except Exception as exc:
        failed.append(f"{name}: {exc!r}")

qt_roots = set(json.loads(sys.argv[1]))
qt_loaded = sorted(m for m in sys.modules if m.split(".")[0] in qt_roots)
print(json.dumps({"imported": imported, "failed": failed, "qt_loaded": qt_loaded}))
"""


def headless_env() -> dict:
    """The current environment without any display or Qt platform hints."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_non_gui_modules_import_without_qt():
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL, json.dumps(QT_MODULES)],
                          cwd=REPO_ROOT, env=headless_env(), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["failed"] == [], report["failed"]
    assert {"twin.cli", "twin.thermal.metrics", "twin.thermal.export"} <= set(report["imported"])
    assert report["qt_loaded"] == [], f"Qt imported outside twin.gui: {report['qt_loaded']}"


def test_cli_runs_without_a_display():
    proc = subprocess.run([sys.executable, "-m", "twin", "--version"], cwd=REPO_ROOT,
                          env=headless_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("dctwin ")


SIMULATE_HEADLESS = r"""
import json, sys
from twin import cli
code = cli.main(["simulate", sys.argv[2], "--model", "preview", "--cell-m", "0.3", "--quiet"])
qt_roots = set(json.loads(sys.argv[1]))
print(json.dumps({"code": code, "qt_loaded": sorted(m for m in sys.modules
                                                   if m.split(".")[0] in qt_roots)}))
"""


def test_simulate_runs_without_a_display_or_qt():
    layout = REPO_ROOT / "layouts" / "small_room.yaml"
    proc = subprocess.run([sys.executable, "-c", SIMULATE_HEADLESS, json.dumps(QT_MODULES),
                           str(layout)], cwd=REPO_ROOT, env=headless_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    assert report["qt_loaded"] == []
    assert "RCI_HI" in proc.stdout


REPORT_HEADLESS = r"""
import json, sys
from twin import cli
code = cli.main(["report", sys.argv[2], "--fail", "CRAH-1", "--out", sys.argv[3],
                 "--model", "preview", "--cell-m", "0.4", "--quiet"])
qt_roots = set(json.loads(sys.argv[1]))
print(json.dumps({"code": code,
                  "qt_loaded": sorted(m for m in sys.modules if m.split(".")[0] in qt_roots),
                  "backends": sorted(m for m in sys.modules if m.startswith("matplotlib.backends."))}))
"""


def test_report_figures_draw_without_qt(tmp_path):
    """The report's plots use matplotlib's Agg renderer, never a Qt backend."""
    layout = REPO_ROOT / "twin" / "layouts" / "small_room.yaml"
    proc = subprocess.run([sys.executable, "-c", REPORT_HEADLESS, json.dumps(QT_MODULES),
                           str(layout), str(tmp_path / "out")], cwd=REPO_ROOT, env=headless_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] == 0 and report["qt_loaded"] == []
    assert "matplotlib.backends.backend_agg" in report["backends"]
    assert not [m for m in report["backends"] if "qt" in m.lower()]
    assert "<svg" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
