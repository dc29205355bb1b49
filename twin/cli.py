"""The `dctwin` command: simulate a layout headless, or launch the desktop app.

Exit codes: 0 ok, 1 unexpected internal error, 2 bad input (arguments, layout,
a room the solver refuses, an output that cannot be written), 130 cancelled,
141 stdout closed early (a pipe into `head`).
Expected errors print one line on stderr and never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from twin import __version__

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_CHECK, EXIT_CANCELLED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141
MODELS = ("accurate", "preview")


class InputError(Exception):
    """A user-facing problem with the command's input; message printed as `dctwin: ...`."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global --version/--debug and the `simulate` subcommand."""
    parser = argparse.ArgumentParser(
        prog="dctwin",
        description="Digital twin of a data-center floor. With no command, opens the "
                    "desktop app (or, without a display, simulates the bundled default hall).")
    parser.add_argument("--version", action="version", version=f"dctwin {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sim = commands.add_parser("simulate", help="solve a layout's air temperatures and print a table",
                              description="Solve the steady room air field of LAYOUT and report "
                                          "rack intake temperatures, cooling units and metrics.")
    sim.add_argument("layout", metavar="LAYOUT",
                     help="layout file (YAML, see docs/layout-format.md) or the name of a "
                          "bundled layout, e.g. small_room")
    add_solve_options(sim)
    from twin.telemetry import command as telemetry_command
    telemetry_command.add_simulate_options(sim)
    sim.add_argument("--check", action="store_true",
                     help="exit 3 when a rack intake is above the allowable limit, the N-1 "
                          "failover check fails or the solver did not converge")
    sim.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="show tracebacks of internal errors")
    from twin.gui.options import add_gui_arguments
    add_gui_arguments(commands.add_parser("gui", help="open the desktop app on LAYOUT",
                                          description="Open the desktop app on LAYOUT "
                                                      "(default: the bundled default hall)."))
    from twin.power import command as power_command
    power_command.add_parser(commands)
    from twin.report import command as report_command
    report_command.add_parsers(commands)
    telemetry_command.add_parsers(commands)
    from twin.scenario import command as scenario_command
    scenario_command.add_parsers(commands)
    from twin.cfd import command as cfd_command
    cfd_command.add_parser(commands)
    return parser


def add_solve_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs a solve."""
    parser.add_argument("--cell-m", type=_positive_float, default=0.2, metavar="M",
                        help="grid cell size in metres (default 0.2)")
    parser.add_argument("--model", choices=MODELS, default="accurate",
                        help="thermal model (default accurate; preview is faster, coarser)")
    parser.add_argument("--json", metavar="OUT", help="also write results as JSON to OUT")
    parser.add_argument("--csv", metavar="OUT", help="also write one row per rack as CSV to OUT")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


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
        if args.command == "simulate":
            return run_simulate(args)
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
    if gui_available() and display_available():
        from twin import gui
        return int(gui.main([]) or 0)
    reason = "no display" if gui_available() else "the desktop app is not available"
    layout_path = _default_layout_path()
    print(f"dctwin: {reason}; simulating the bundled default hall headless "
          f"(dctwin simulate {layout_path})", file=sys.stderr)
    defaults = build_parser().parse_args(["simulate", str(layout_path)])
    defaults.debug = args.debug
    return run_simulate(defaults)


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


def _default_layout_path() -> Path:
    """The bundled default hall layout file."""
    from twin.model.resources import default_layout_path
    try:
        return Path(default_layout_path())
    except FileNotFoundError as exc:
        raise InputError(f"cannot find the bundled default hall: {exc}") from None


def run_simulate(args) -> int:
    """`dctwin simulate`: load, solve with progress and Ctrl-C support, report, export."""
    from twin.model.resources import resolve_layout
    try:
        layout_path = resolve_layout(args.layout)
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None
    if layout_path.is_dir():
        raise InputError(f"layout path is a directory, not a file: {layout_path}")
    from twin.model import LayoutError, load_layout
    from twin.thermal import SolverError, metrics as room_metrics, solve

    try:
        layout = load_layout(layout_path)
    except LayoutError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        raise InputError(f"cannot read {layout_path}: {exc.strerror or exc}") from None
    for warning in getattr(layout, "warnings", None) or ():
        print(f"warning: {warning}", file=sys.stderr)
    layout = _with_telemetry(layout, args)

    progress = Progress(sys.stderr, enabled=not args.quiet)
    try:
        try:
            with sigint_flag() as cancelled:
                result = solve(layout, cell_m=args.cell_m, model=args.model,
                               progress=progress, cancel=cancelled)
        finally:
            progress.finish()      # before any message, so it starts on a clean line
    except SolverError as exc:      # a cancelled solve goes on to main(): `cancelled`, 130
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INPUT

    metrics = room_metrics.compute(result, layout)
    from twin.power import analyze
    power = analyze(layout, result)
    _write_outputs(args, result, layout, metrics, power)
    from twin.thermal.export import format_report
    sys.stdout.write(format_report(result, layout, metrics, power))
    if not result.converged:
        print("dctwin: warning: the solver did not converge; figures are approximate",
              file=sys.stderr)
    if getattr(args, "check", False):
        problems = check_problems(result, metrics, power)
        for problem in problems:
            print(f"dctwin: check failed: {problem}", file=sys.stderr)
        if problems:
            return EXIT_CHECK
    return EXIT_OK


def check_problems(result, metrics, power) -> list[str]:
    """What `simulate --check` fails on, one line each: hot racks, N-1 failover, convergence."""
    problems = []
    hot = metrics.racks_above_allowable
    if hot:
        problems.append(f"{len(hot)} rack(s) above the ASHRAE {metrics.ashrae_class} allowable "
                        f"{metrics.allowable_c[1]:g} degC intake: {', '.join(hot)}")
    failover = getattr(power, "failover", None)
    if failover is not None and not failover.ok:
        failed = sorted({v.failed for v in failover.violations})
        problems.append(f"N-1 failover: {len(failover.violations)} problem(s) when "
                        f"{', '.join(failed)} fail(s)")
    if not result.converged:
        problems.append("the solver did not converge")
    return problems


def _with_telemetry(layout, args):
    """`--telemetry REPLAY [--at TIME]`: recorded GPU power on the mapped racks."""
    if getattr(args, "at", None) and not getattr(args, "telemetry", None):
        raise InputError("--at needs --telemetry REPLAY")
    if not getattr(args, "telemetry", None):
        return layout
    from twin.telemetry.command import live_layout
    try:
        return live_layout(layout, args.telemetry, args.at)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _write_outputs(args, result, layout, metrics, power=None) -> None:
    """Write the --json and --csv files, if asked; unwritable paths are input errors."""
    from twin.thermal.export import result_to_dict, write_csv, write_json
    outputs = []
    if args.json:
        data = result_to_dict(result, layout, metrics, power)
        outputs.append((args.json, lambda p: write_json(p, data)))
    if args.csv:
        outputs.append((args.csv, lambda p: write_csv(p, result, metrics)))
    for path, write in outputs:
        try:
            write(path)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def sigint_flag():
    """Within the block, the first Ctrl-C sets a flag (yielded as a cancel callable).

    A second Ctrl-C raises KeyboardInterrupt at once, for a solver step that
    does not poll. The previous handler is restored on exit.
    """
    state = {"set": False}

    def handler(signum, frame):
        state["set"] = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:             # not the main thread: no signal handling, never cancelled
        previous = None
    try:
        yield lambda: state["set"]
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


class Progress:
    """Solver progress on a stream: one rewritten line on a TTY, occasional lines otherwise."""

    LINE_EVERY_S = 15.0
    TTY_EVERY_S = 0.1

    def __init__(self, stream, enabled: bool = True):
        self.stream = stream
        self.enabled = enabled
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.last_time = float("-inf")
        self.last_fraction = -1.0
        self.width = 0

    def __call__(self, fraction: float, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        fraction = min(max(float(fraction), 0.0), 1.0)
        text = f"solving {fraction * 100:5.1f}%  {now - self.started:6.1f} s  {message}".rstrip()
        if self.tty:
            if now - self.last_time >= self.TTY_EVERY_S or fraction >= 1.0:
                self._rewrite(text)
                self.last_time = now
        elif now - self.last_time >= self.LINE_EVERY_S or fraction >= self.last_fraction + 0.1:
            print(text, file=self.stream, flush=True)
            self.last_time, self.last_fraction = now, fraction

    def _rewrite(self, text: str) -> None:
        """Overwrite the current terminal line with text."""
        columns = max(20, _terminal_columns() - 1)
        text = text[:columns]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def finish(self) -> None:
        """End the progress line so later output starts on a fresh line."""
        if self.enabled and self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _terminal_columns() -> int:
    """Width of the terminal on stderr; 80 when unknown (0 on some pseudo-terminals)."""
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80
    return columns if columns > 0 else 80


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _make_stdout_forgiving() -> None:
    """Replace characters the terminal cannot encode (e.g. '°') instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")


if __name__ == "__main__":
    sys.exit(main())
