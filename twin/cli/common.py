"""What every `dctwin` command shares: exit codes, InputError, common options, layout loading, outputs.

This module imports no command module (twin.*.command, twin.cli.app), so
every command can import it without an import cycle; a test enforces that.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_CHECK, EXIT_CANCELLED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141
MODELS = ("accurate", "preview")
STDOUT = "-"                       # an output path that means "write to stdout"


class InputError(Exception):
    """A user-facing problem with the command's input; message printed as `dctwin: ...`."""


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


MODEL_HELP = {"accurate": "thermal model (default accurate; preview is faster, coarser)",
              "preview": "thermal model (default preview: this command solves many cases; "
                         "accurate is slower, finer)"}


def add_solve_options(parser: argparse.ArgumentParser, csv_out: bool = True,
                      json_out: bool = True, model: str = "accurate") -> None:
    """--cell-m, --model, --json OUT, --csv OUT and --quiet, as for `dctwin simulate`;
    `model` is the --model default, and --help names it."""
    parser.add_argument("--cell-m", type=positive_float, default=0.2, metavar="M",
                        help="grid cell size in metres (default 0.2)")
    parser.add_argument("--model", choices=MODELS, default=model, help=MODEL_HELP[model])
    if json_out:
        parser.add_argument("--json", metavar="OUT",
                            help="also write the results as JSON to OUT ('-': to stdout, alone)")
    if csv_out:
        parser.add_argument("--csv", metavar="OUT",
                            help="also write one row per rack as CSV to OUT ('-': to stdout, alone)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    from twin.argtypes import add_max_cells
    add_max_cells(parser)


def add_study_options(parser: argparse.ArgumentParser, json_out: bool = True,
                      model: str = "accurate") -> None:
    """The solve options of the study commands (report, sweep, place, setpoint), plus --debug."""
    add_solve_options(parser, csv_out=False, json_out=json_out, model=model)
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of internal errors")


def add_check_option(parser: argparse.ArgumentParser, what: str) -> None:
    """--check: exit 3 when `what` (the command's pass condition fails)."""
    parser.add_argument("--check", action="store_true", help=f"exit 3 when {what}")


def load_layout_arg(path_text: str, raise_layout_error: bool = False):
    """The layout a LAYOUT argument names (a file or a bundled layout), warnings on stderr.

    A LayoutError becomes an InputError unless `raise_layout_error`.
    """
    from twin.model import LayoutError, load_layout
    from twin.model.resources import resolve_layout
    try:
        path = resolve_layout(path_text)      # a file, or a bundled layout's name
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None
    if path.is_dir():
        raise InputError(f"layout path is a directory, not a file: {path}")
    if not path.exists():
        raise InputError(f"layout file not found: {path}")
    try:
        layout = load_layout(path)             # refuses a FIFO or device unread, naming its kind
    except LayoutError as exc:
        if raise_layout_error:
            raise
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    for warning in getattr(layout, "warnings", None) or ():
        print(f"warning: {warning}", file=sys.stderr)
    return layout


def check_outputs_to_stdout(*paths) -> bool:
    """Whether an output goes to stdout ('-'); two of them at once is an input error."""
    to_stdout = [p for p in paths if p == STDOUT]
    if len(to_stdout) > 1:
        raise InputError("only one output can go to stdout ('-')")
    return bool(to_stdout)


def write_output(path: str, text: str) -> None:
    """Write an output file atomically, or to stdout for '-'; unwritable paths are input errors."""
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from twin.files import write_text_atomic
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_json_output(path: str, data: dict) -> None:
    """`write_output` of `data` as JSON (NaN as null)."""
    from twin.thermal.export import json_text
    write_output(path, json_text(data))


def gui_available() -> bool:
    """Whether the twin.gui package is present (without importing Qt)."""
    try:
        return importlib.util.find_spec("twin.gui") is not None
    except (ImportError, ValueError):
        return False


def display_available() -> bool:
    """Whether a GUI can open a window here (offscreen Qt counts as no display)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
