"""`dctwin import-devicetypes DIR [--layout LAYOUT]`: equipment models from NetBox files.

Without --layout the models are printed as an `equipment_types:` block; with
it they are added to the layout (same id: replaced) and the layout is saved
atomically, keeping the previous file as LAYOUT.bak.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from twin.wording import count

EXIT_OK, EXIT_INPUT = 0, 2
COMMAND = "import-devicetypes"


def add_parser(subparsers) -> None:
    """Register the `import-devicetypes` subcommand."""
    cmd = subparsers.add_parser(
        COMMAND, help="import equipment models from NetBox device-type YAML files",
        description="Read NetBox device types (u_height, airflow, power-ports maximum_draw "
                    "and allocated_draw) and print them as dctwin equipment_types, or add "
                    "them to a layout.")
    cmd.add_argument("folder", metavar="DIR",
                     help="folder searched recursively for *.yaml (or one file), e.g. "
                          "devicetype-library/device-types/Dell")
    cmd.add_argument("--layout", metavar="LAYOUT",
                     help="add the models to this layout's equipment_types and save it "
                          "(the previous file is kept as LAYOUT.bak)")
    cmd.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show tracebacks of internal errors")


def _fail(message: str) -> int:
    print(f"dctwin: {message}", file=sys.stderr)
    return EXIT_INPUT


def run_import(args) -> int:
    """Run the command; returns the exit code (2 for bad input)."""
    from twin.model.catalog.netbox import import_devicetypes
    from twin.model.catalog.text import dump_types
    folder = Path(args.folder)
    if not folder.exists():
        return _fail(f"not found: {folder}")
    found = import_devicetypes(folder)
    for name, reason in found.skipped:
        print(f"dctwin: skipped {name}: {reason}", file=sys.stderr)
    if not found.types:
        return _fail(f"no device types with a power draw found in {folder}")
    if args.layout:
        code = _add_to_layout(found.types, Path(args.layout))
        if code != EXIT_OK:
            return code
    else:
        sys.stdout.write(dump_types(found.types))
    print(f"imported {count(len(found.types), 'device type')} from {folder}", file=sys.stderr)
    return EXIT_OK


def merge_into(layout, types) -> tuple[int, int]:
    """Add models to a layout's equipment_types, replacing same ids; (added, replaced)."""
    from twin.model import refresh_rack_power
    index = {t.model: i for i, t in enumerate(layout.equipment_types)}
    added = replaced = 0
    for kind in types:
        if kind.model in index:
            layout.equipment_types[index[kind.model]] = kind
            replaced += 1
        else:
            index[kind.model] = len(layout.equipment_types)
            layout.equipment_types.append(kind)
            added += 1
    refresh_rack_power(layout)
    return added, replaced


def _add_to_layout(types, path: Path) -> int:
    from twin.model import LayoutError, load_layout, save_layout
    try:
        layout = load_layout(path)
        added, replaced = merge_into(layout, types)
        save_layout(layout, path)
    except LayoutError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        return _fail(f"cannot write {path}: {exc.strerror or exc}")
    print(f"{path}: {count(added, 'model')} added, {replaced} replaced", file=sys.stderr)
    return EXIT_OK
