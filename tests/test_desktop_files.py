"""Desktop integration: the launcher, the layout MIME type and the icon sizes.

The freedesktop tools (desktop-file-validate from desktop-file-utils,
update-mime-database from shared-mime-info) are installed by
packaging/dev-setup.sh; where they are missing those checks skip and say so.
"""
from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from twin.model.resources import bundled_layout, icon_paths

REPO_ROOT = Path(__file__).resolve().parents[1]
LINUX = REPO_ROOT / "packaging" / "linux"
DESKTOP = LINUX / "dctwin.desktop"
MIME_XML = LINUX / "dctwin-layout.xml"
MIME_TYPE = "application/x-dctwin-layout"
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def _entry() -> dict:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(DESKTOP, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_the_launcher_runs_the_gui_on_the_file_and_claims_the_layout_type():
    entry = _entry()
    assert entry["Exec"] == "dctwin gui %f"
    assert entry["Icon"] == "dctwin" and entry["Type"] == "Application"
    assert MIME_TYPE in entry["MimeType"].split(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate not installed (apt install desktop-file-utils)")
def test_the_launcher_is_valid_per_desktop_file_validate():
    proc = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr


def test_the_mime_type_matches_dctwin_yaml_names_and_the_format_key():
    root = ET.parse(MIME_XML).getroot()
    (mime,) = root.findall("m:mime-type", NS)
    assert mime.get("type") == MIME_TYPE
    globs = {g.get("pattern") for g in mime.findall("m:glob", NS)}
    assert globs == {"*.dctwin.yaml", "*.dctwin.yml"}
    values = {m.get("value") for m in mime.iter(f"{{{NS['m']}}}match")}
    head = bundled_layout("small_room").read_text(encoding="utf-8")[:4096]
    assert any(v.replace("&#10;", "\n") in head for v in values)   # the magic finds real layouts


@pytest.mark.skipif(shutil.which("update-mime-database") is None,
                    reason="update-mime-database not installed (apt install shared-mime-info)")
def test_shared_mime_info_accepts_the_type(tmp_path):
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages)
    proc = subprocess.run(["update-mime-database", str(tmp_path / "mime")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    globs2 = (tmp_path / "mime" / "globs2").read_text()
    assert f"{MIME_TYPE}:*.dctwin.yaml" in globs2
    assert MIME_TYPE in (tmp_path / "mime" / "types").read_text()
    assert f"[60:{MIME_TYPE}]".encode() in (tmp_path / "mime" / "magic").read_bytes()


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_icon_has_an_svg_and_the_hicolor_png_sizes():
    paths = icon_paths()
    assert paths[0].name == "dctwin.svg"
    assert ET.parse(paths[0]).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    sizes = []
    for path in paths[1:]:
        n = int(path.stem.rsplit("-", 1)[1])
        assert _png_size(path) == (n, n), f"{path.name} is not {n}x{n}"
        sizes.append(n)
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512]


def test_the_install_script_places_launcher_type_and_icons(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(["bash", str(LINUX / "install-desktop-files.sh"), str(tmp_path / "usr")],
                   check=True, capture_output=True, env=env)
    share = tmp_path / "usr" / "share"
    assert (share / "applications" / "dctwin.desktop").read_bytes() == DESKTOP.read_bytes()
    assert (share / "mime" / "packages" / "dctwin-layout.xml").is_file()
    assert _png_size(share / "icons" / "hicolor" / "48x48" / "apps" / "dctwin.png") == (48, 48)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "dctwin.svg").is_file()
    subprocess.run(["bash", str(LINUX / "install-desktop-files.sh"), "--uninstall",
                    str(tmp_path / "usr")], check=True, capture_output=True, env=env)
    assert not (share / "applications" / "dctwin.desktop").exists()
