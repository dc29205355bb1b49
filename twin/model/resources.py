"""Finding the data files that ship with dctwin: layouts, the demo recording, icons.

They are package data of `twin` (`twin/layouts/`, `twin/assets/`), read with
importlib.resources so the same code works in a source checkout, an
installed wheel and a PyInstaller bundle, from any working directory. The
top-level `layouts/` folder of a checkout is only a link to `twin/layouts/`.

Callers get real file paths (the loaders, Qt and error messages want them):
when the package is not on the file system (a zip import) the files are
extracted once per process and removed at exit.
"""
from __future__ import annotations

import atexit
import contextlib
import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:                    # importlib.resources.abc is Python 3.11+; 3.10 is supported
    from importlib.abc import Traversable

DEFAULT_LAYOUT = "default_hall"
LAYOUT_SUFFIXES = (".yaml", ".yml")
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def _package_folder(name: str) -> Traversable:
    """The folder `name` inside the installed `twin` package."""
    return importlib.resources.files("twin").joinpath(name)


def _real_path(resource: Traversable) -> Path:
    """A file-system path for a package resource (extracted when it is in a zip)."""
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(importlib.resources.as_file(resource))


def layout_folders() -> list[Path]:
    """Folders holding bundled layouts (one: `twin/layouts`), for `is bundled` checks."""
    folder = _package_folder("layouts")
    return [_real_path(folder)] if folder.is_dir() else []


def bundled_layout_names() -> list[str]:
    """Names (without `.yaml`) of all bundled layouts, sorted."""
    folder = _package_folder("layouts")
    if not folder.is_dir():
        return []
    return sorted(entry.name.rsplit(".", 1)[0] for entry in folder.iterdir()
                  if entry.name.endswith(LAYOUT_SUFFIXES) and entry.is_file())


def layout_title(path: Path) -> str:
    """A layout file's readable title: its top-level `name:`, else the file's stem.

    Only the YAML is read (no checks), so a file that does not load as a
    layout still gets a title; opening it reports its errors.
    """
    import yaml                      # deferred: resources is imported by every command

    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name).strip() if isinstance(name, (str, int, float)) and str(name).strip() \
        else Path(path).stem


def bundled_layout_titles() -> list[tuple[str, str]]:
    """(name, title) of every bundled layout, sorted by title: the File › Open Example list."""
    pairs = [(name, layout_title(bundled_layout(name))) for name in bundled_layout_names()]
    return sorted(pairs, key=lambda pair: (pair[1].lower(), pair[0]))


def bundled_file(filename: str) -> Path:
    """A file of the bundled layouts folder by its file name. FileNotFoundError if absent."""
    entry = _package_folder("layouts").joinpath(filename)
    if not entry.is_file():
        raise FileNotFoundError(f"the bundled file {filename} is missing from the installation")
    return _real_path(entry)


def bundled_layout(name: str) -> Path:
    """The path of a bundled layout by name, with or without `.yaml` (or `.yml`).

    Raises FileNotFoundError listing the available names.
    """
    filenames = [name] if name.endswith(LAYOUT_SUFFIXES) else [name + s for s in LAYOUT_SUFFIXES]
    for filename in filenames:                 # `name` alone: .yaml, then .yml, as listed
        if "/" not in filename and "\\" not in filename:
            entry = _package_folder("layouts").joinpath(filename)
            if entry.is_file():
                return _real_path(entry)
    available = ", ".join(bundled_layout_names()) or "none found"
    raise FileNotFoundError(f"no bundled layout named {name!r} (available: {available})")


def default_layout_path() -> Path:
    """The layout opened when none is given: the bundled AI hall."""
    return bundled_layout(DEFAULT_LAYOUT)


def resolve_layout(text: str) -> Path:
    """A LAYOUT argument as a path: an existing file, else a bundled layout's name.

    `small_room` (or `small_room.yaml`) names a bundled layout when no such
    file exists in the working directory, so an installed program can open
    its examples from anywhere. FileNotFoundError names the bundled layouts.
    """
    path = Path(text)
    if path.exists():
        return path
    if path.name != text:            # a path into some folder: no bundled fallback
        raise FileNotFoundError(f"layout file not found: {text}")
    with contextlib.suppress(FileNotFoundError):
        return bundled_layout(text)
    available = ", ".join(bundled_layout_names()) or "none found"
    raise FileNotFoundError(f"layout file not found: {text} (bundled layouts, usable by name: "
                            f"{available})")


def asset_path(filename: str) -> Path:
    """A file of `twin/assets` (icons). FileNotFoundError if absent."""
    entry = _package_folder("assets").joinpath(filename)
    if not entry.is_file():
        raise FileNotFoundError(f"the bundled asset {filename} is missing from the installation")
    return _real_path(entry)


def icon_paths() -> list[Path]:
    """The application icon's files: the SVG and every PNG size, smallest first."""
    folder = _package_folder("assets")
    if not folder.is_dir():
        return []
    names = [e.name for e in folder.iterdir() if e.name.startswith("dctwin")
             and e.name.endswith((".svg", ".png"))]
    pngs = sorted((n for n in names if n.endswith(".png")),
                  key=lambda n: int(n.rsplit("-", 1)[1].split(".")[0]))
    return [asset_path(n) for n in sorted(n for n in names if n.endswith(".svg")) + pngs]
