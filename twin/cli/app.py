"""The `dctwin` command line: the parser of every subcommand and the dispatch to it.

Exit codes: 0 ok, 1 unexpected internal error, 2 bad input (arguments, layout,
a room the solver refuses, an output that cannot be written), 130 cancelled,
141 stdout closed early (a pipe into `head`).
Expected errors print one line on stderr and never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from pathlib import Path

from twin import __version__
from twin.cli import common, simulate
from twin.cli.common import EXIT_BROKEN_PIPE, EXIT_CANCELLED, EXIT_INPUT, EXIT_INTERNAL, InputError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global --version/--debug and every subcommand."""
    parser = argparse.ArgumentParser(
        prog="dctwin",
        description="Digital twin of a data-center floor. With no command, opens the "
                    "desktop app (or, without a display, simulates the bundled default hall).")
    parser.add_argument("--version", action="version", version=f"dctwin {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    simulate.add_parser(commands)
    from twin.gui.options import add_gui_arguments
    add_gui_arguments(commands.add_parser("gui", help="open the desktop app on LAYOUT",
                                          description="Open the desktop app on LAYOUT "
                                                      "(default: the bundled default hall)."))
    from twin.power import command as power_command
    power_command.add_parser(commands)
    from twin.report import command as report_command
    report_command.add_parsers(commands)
    from twin.telemetry import command as telemetry_command
    telemetry_command.add_parsers(commands)
    from twin.scenario import command as scenario_command
    scenario_command.add_parsers(commands)
    from twin.cfd import command as cfd_command
    cfd_command.add_parser(commands)
    from twin.capacity import command as capacity_command
    capacity_command.add_parsers(commands)
    from twin.liquid import command as liquid_command
    liquid_command.add_parsers(commands)
    from twin.calibrate import command as calibrate_command
    calibrate_command.add_parsers(commands)
    from twin.calibrate import watch_command
    watch_command.add_parser(commands)
    return parser


def _is_cancel(exc: BaseException) -> bool:
    """True for the solvers' cancel exceptions, without importing a solver just to ask."""
    kinds = [getattr(sys.modules.get(module), name, None) for module, name in
             (("twin.thermal", "SolveCancelled"), ("twin.cfd.run", "CFDCancelled"))]
    return isinstance(exc, tuple(k for k in kinds if isinstance(k, type)))


def main(argv=None) -> int:
    """Entry point of `dctwin`; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    _make_stdout_forgiving()
    try:
        args = build_parser().parse_args(argv)
        from twin.argtypes import apply_limits
        apply_limits(args)
        if args.command == "simulate":
            return simulate.run_simulate(args)
        if args.command == "gui":
            from twin import gui
            return int(gui.main(argv[argv.index("gui") + 1:]) or 0)
        if args.command == "import-devicetypes":
            from twin.power import command as power_command
            return power_command.run_import(args)
        if args.command in ("telemetry", "record"):
            from twin.telemetry import command as telemetry_command
            return telemetry_command.run(args)
        if args.command in ("report", "sweep"):
            from twin.report import command as report_command
            return (report_command.run_report if args.command == "report"
                    else report_command.run_sweep)(args)
        if args.command in ("place", "setpoint"):
            from twin.scenario import command as scenario_command
            return scenario_command.RUNNERS[args.command](args)
        if args.command in ("capacity", "place-job", "replay"):
            from twin.capacity import command as capacity_command
            return capacity_command.RUNNERS[args.command](args)
        if args.command == "liquid":
            from twin.liquid import command as liquid_command
            return liquid_command.run(args)
        if args.command == "calibrate":
            from twin.calibrate import command as calibrate_command
            return calibrate_command.run_calibrate(args)
        if args.command == "watch":
            from twin.calibrate.watch_command import run_watch
            return run_watch(args)
        if args.command in ("cfd", "compare"):
            from twin.cfd import command as cfd_command
            return cfd_command.run(args)
        return run_default(args)
    except SystemExit as exc:      # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_INPUT)
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:        # e.g. `dctwin simulate ... | head`: stop quietly
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except InputError as exc:
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:       # anything unexpected: one line, traceback only on --debug
        if _is_cancel(exc):        # a solver stopped by Ctrl-C deep inside a command
            print("cancelled", file=sys.stderr)
            return EXIT_CANCELLED
        if debug:
            traceback.print_exc()
        print(f"dctwin: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if not debug:
            print("run with --debug for details", file=sys.stderr)
        return EXIT_INTERNAL


def run_default(args) -> int:
    """No command: launch the GUI when it is installed and a display exists, else simulate headless.

    Headless, the default hall is solved with the accurate model (about half a
    minute at the default grid); progress shows on stderr.
    """
    if common.gui_available() and common.display_available():
        from twin import gui
        return int(gui.main([]) or 0)
    reason = "no display" if common.gui_available() else "the desktop app is not available"
    layout_path = _default_layout_path()
    print(f"dctwin: {reason}; simulating the bundled default hall headless "
          f"(dctwin simulate {layout_path})", file=sys.stderr)
    defaults = build_parser().parse_args(["simulate", str(layout_path)])
    defaults.debug = args.debug
    return simulate.run_simulate(defaults)


def _default_layout_path() -> Path:
    """The bundled default hall layout file."""
    from twin.model.resources import default_layout_path
    try:
        return Path(default_layout_path())
    except FileNotFoundError as exc:
        raise InputError(f"cannot find the bundled default hall: {exc}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _make_stdout_forgiving() -> None:
    """Replace characters the terminal cannot encode (e.g. '°') instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")
