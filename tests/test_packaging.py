"""Packaging: the sdist and wheel carry the run-time data, and the wheel works once installed.

The wheel is built the way a release is (`python -m build`: sdist first, then
the wheel from the unpacked sdist, so a file missing from the sdist fails
here), installed with `--no-deps` into a fresh virtual environment whose
dependencies come from this interpreter's site-packages through a .pth file
(nothing is downloaded), and run from an empty directory: the imported
`twin` must be the installed copy, not this checkout.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

import twin
from twin.model import bundled_layout, load_layout
from twin.model.resources import bundled_layout_names

REPO_ROOT = Path(__file__).resolve().parents[1]
RUN_TIME_DATA = ["twin/layouts/default_hall.yaml", "twin/layouts/small_room.yaml",
                 "twin/layouts/default_hall_replay.csv", "twin/assets/dctwin.svg",
                 "twin/assets/dctwin-256.png"]


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    """{"sdist": ..., "wheel": ...} built from this checkout without network access."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO_ROOT)])
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", str(dists["wheel"])])
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                     ).stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "zz-dependencies.pth").write_text("\n".join(ours) + "\n")
    return venv / "bin"


def _clean_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


def test_the_wheel_carries_the_run_time_data_and_the_command(dists):
    with zipfile.ZipFile(dists["wheel"]) as whl:
        names = set(whl.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = whl.read(meta_name).decode()
        entry_points = whl.read(meta_name.replace("METADATA", "entry_points.txt")).decode()
    for name in RUN_TIME_DATA + [f"twin/layouts/{n}.yaml" for n in bundled_layout_names()]:
        assert name in names, f"{name} missing from {dists['wheel'].name}"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert f"Version: {twin.__version__}\n" in metadata          # the one version, read by setuptools
    assert "dctwin = twin.cli:main" in entry_points
    assert not any(n.startswith(("tests/", "bench/", "layouts/")) for n in names)


def test_the_sdist_carries_what_users_and_packagers_need(dists):
    with tarfile.open(dists["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
        members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if "/" in m.name}
    for name in RUN_TIME_DATA + ["LICENSE", "CHANGELOG.md", "README.md", "docs/index.md",
                                 "docs/cli.md", "packaging/linux/dctwin.desktop",
                                 "packaging/linux/dctwin-layout.xml", "packaging/dctwin.spec"]:
        assert name in names, f"{name} missing from {dists['sdist'].name}"
    assert not any(m.issym() for m in members.values()), "symlinks break sdists on some systems"


def test_the_installed_wheel_runs_from_any_directory(installed, tmp_path):
    env = _clean_env(tmp_path)
    where = _run([str(installed / "python"), "-c",
                  "import twin, twin.model.resources as r; print(twin.__file__); "
                  "print(r.default_layout_path()); print(r.icon_paths()[0])"],
                 cwd=tmp_path, env=env).stdout.split()
    prefix = str(installed.parent)
    assert all(p.startswith(prefix) for p in where), f"not the installed copy: {where}"

    version = _run([str(installed / "dctwin"), "--version"], cwd=tmp_path, env=env)
    assert version.stdout.strip() == f"dctwin {twin.__version__}"

    out = tmp_path / "small_room.json"
    sim = _run([str(installed / "dctwin"), "simulate", "small_room", "--model", "preview",
                "--cell-m", "0.3", "--quiet", "--json", str(out)], cwd=tmp_path, env=env)
    data = json.loads(out.read_text())
    expected = load_layout(bundled_layout("small_room"))
    assert sorted(data["racks"]) == sorted(r.id for r in expected.racks)
    assert data["layout_path"].startswith(prefix)            # the installed copy of the layout
    assert abs(data["energy_balance"]["error_pct"]) < 5.0
    assert "A1" in sim.stdout and sim.stderr == ""


def test_the_installed_wheel_refuses_an_unknown_layout_with_the_bundled_names(installed, tmp_path):
    proc = subprocess.run([str(installed / "dctwin"), "simulate", "no_such_room"],
                          capture_output=True, text=True, cwd=tmp_path, env=_clean_env(tmp_path),
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("dctwin: layout file not found: no_such_room")
    assert "small_room" in proc.stderr and "Traceback" not in proc.stderr


def test_the_installed_wheel_starts_the_desktop_app_headless(installed, tmp_path):
    pytest.importorskip("PySide6", reason="the gui extra is not installed")
    sys.path.insert(0, str(REPO_ROOT / "packaging"))
    try:
        from check_png import check
    finally:
        sys.path.pop(0)
    shot = tmp_path / "shot.png"
    env = _clean_env(tmp_path)
    env.pop("QT_QPA_PLATFORM")                 # --screenshot alone must work without a display
    env.pop("DISPLAY", None), env.pop("WAYLAND_DISPLAY", None)
    proc = _run([str(installed / "dctwin"), "gui", "small_room", "--model", "preview",
                 "--size", "1000x700", "--screenshot", str(shot)], cwd=tmp_path, env=env)
    assert "screenshot saved" in proc.stderr
    assert "1000x700" in check(str(shot), (1000, 700))      # raises if blank
