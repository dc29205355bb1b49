"""Finding the layouts that ship with dctwin.

Installed from a wheel they live in the package as `twin/layouts/`; in a
source checkout they live in the top-level `layouts/` folder. The package
copy is tried first so an installed program never reads a stray checkout.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path

DEFAULT_LAYOUT = "default_hall"
_SOURCE_TREE_LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


def _package_layouts() -> Path | None:
    """The `twin/layouts` folder when it exists on the file system."""
    try:
        folder = importlib.resources.files("twin") / "layouts"
    except (ModuleNotFoundError, TypeError):
        return None
    if isinstance(folder, Path) and folder.is_dir():
        return folder
    return None


def layout_folders() -> list[Path]:
    """Folders searched for bundled layouts, in order of preference."""
    folders = [f for f in (_package_layouts(), _SOURCE_TREE_LAYOUTS) if f is not None]
    return [f for f in folders if f.is_dir()]


def bundled_layout_names() -> list[str]:
    """Names (without `.yaml`) of all bundled layouts, sorted."""
    found = {p.stem for folder in layout_folders() for p in folder.glob("*.yaml")}
    return sorted(found)


def bundled_layout(name: str) -> Path:
    """The path of a bundled layout by name, with or without `.yaml`.

    Raises FileNotFoundError listing the available names.
    """
    filename = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    for folder in layout_folders():
        path = folder / filename
        if path.is_file():
            return path
    available = ", ".join(bundled_layout_names()) or "none found"
    raise FileNotFoundError(f"no bundled layout named {name!r} (available: {available})")


def default_layout_path() -> Path:
    """The layout opened when none is given: the bundled AI hall."""
    return bundled_layout(DEFAULT_LAYOUT)
