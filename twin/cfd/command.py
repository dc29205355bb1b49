"""`dctwin cfd LAYOUT --out DIR` (OpenFOAM reference run) and `dctwin compare A.json B.json`."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

COMMANDS = ("cfd", "compare")
EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_CANCELLED = 0, 1, 2, 130


def add_parser(subparsers) -> None:
    """Register the `cfd` and `compare` subcommands on an argparse subparsers object."""
    cfd = subparsers.add_parser("cfd", help="run the OpenFOAM reference CFD on a layout",
                                description="Mesh LAYOUT, solve it with OpenFOAM (k-epsilon, "
                                            "Boussinesq buoyancy) and write result.json + fields.npz.")
    cfd.add_argument("layout", metavar="LAYOUT", help="layout file (YAML) or the name of a bundled layout")
    cfd.add_argument("--out", required=True, metavar="DIR", help="output folder (the case goes to DIR/case)")
    cfd.add_argument("--cell-m", type=float, default=0.1, metavar="M", help="mesh cell size (default 0.1)")
    from twin.argtypes import add_max_cells
    add_max_cells(cfd)
    cfd.add_argument("--np", type=int, default=1, metavar="N", help="MPI processes (default 1)")
    cfd.add_argument("--max-iter", type=int, default=4000, metavar="N", help="hard iteration cap (default 4000)")
    defaults = _case_defaults()
    cfd.add_argument("--inflow-turbulence", type=float, default=defaults.inflow_intensity * 100.0,
                     metavar="PCT", help="turbulence intensity of tiles and rack exhausts in %% "
                                         f"(default {defaults.inflow_intensity * 100.0:g}, as the reference)")
    cfd.add_argument("--inflow-length-m", type=float, default=defaults.inflow_length_m, metavar="L",
                     help=f"their turbulent mixing length in m (default {defaults.inflow_length_m:g})")
    cfd.add_argument("--discard-case", action="store_true", help="delete the OpenFOAM case afterwards")
    cfd.add_argument("--quiet", action="store_true", help="no progress on stderr")
    cfd.set_defaults(cfd_command="cfd")
    cmp = subparsers.add_parser("compare", help="print per-rack differences between two result files",
                                description="Compare two result JSON files (simulate --json or cfd): "
                                            "intake mean, max and thirds per rack, returns, energy.")
    cmp.add_argument("a", metavar="A.json")
    cmp.add_argument("b", metavar="B.json")
    cmp.add_argument("--plot", metavar="FILE.svg", help="also draw the per-rack intakes and B - A as an SVG chart")
    cmp.set_defaults(cfd_command="compare")


def _case_defaults():
    from twin.cfd.case import CaseSettings
    return CaseSettings()


def run(args) -> int:
    """Run the subcommand `add_parser` registered; returns the exit code."""
    if args.cfd_command == "compare":
        return run_compare(args)
    return run_cfd(args)


def run_compare(args) -> int:
    from twin.cfd.compare import format_report, load_result
    try:
        a, b = load_result(args.a), load_result(args.b)
    except (OSError, ValueError, KeyError) as exc:
        print(f"dctwin: cannot read results: {exc}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(format_report(a, b, args.a, args.b))
    if getattr(args, "plot", None):
        from twin.cfd.verify import svg_plot
        from twin.files import write_text_atomic
        try:
            write_text_atomic(args.plot, svg_plot(a, b, Path(args.a).name, Path(args.b).name))
        except (OSError, ValueError) as exc:
            print(f"dctwin: cannot write the plot {args.plot}: {exc}", file=sys.stderr)
            return EXIT_INPUT
        print(f"plot: {args.plot}")
    return EXIT_OK


def _progress_printer(quiet: bool):
    def show(p) -> None:
        if quiet or p.iteration % 25:
            return
        means = p.running_means_c.values()
        span = f", running means {min(means):.2f}-{max(means):.2f} °C" if means else ""
        res = max(p.residuals.values(), default=0.0)
        print(f"\riter {p.iteration}/{p.max_iter}  max residual {res:.1e}  averaged {p.averaged_iters}"
              f"{span}   ", end="", file=sys.stderr, flush=True)
    return show


def run_cfd(args) -> int:
    from twin.cfd.case import CaseSettings
    from twin.cfd.geometry import LayoutError as GridError
    from twin.cfd.run import CFDCancelled, CFDError, OpenFOAMNotFound
    from twin.cfd.simulate import simulate
    from twin.cli.common import InputError, load_layout_arg
    bad = _bad_option(args)
    if bad:
        print(f"dctwin cfd: {bad}", file=sys.stderr)
        return EXIT_INPUT
    try:
        layout = load_layout_arg(args.layout)    # a file or a bundled layout's name
    except InputError as exc:
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INPUT
    cancelled = {"flag": False}
    previous = signal.signal(signal.SIGINT, lambda *_: cancelled.__setitem__("flag", True))
    say = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    try:
        settings = CaseSettings(cell_m=args.cell_m, n_procs=args.np, max_iter=args.max_iter,
                                inflow_intensity=args.inflow_turbulence / 100.0,
                                inflow_length_m=args.inflow_length_m)
        result = simulate(layout, args.out, settings, progress=_progress_printer(args.quiet),
                          cancel=lambda: cancelled["flag"], keep_case=not args.discard_case, stage=say)
    except (OpenFOAMNotFound, GridError) as exc:
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except CFDCancelled:
        print("\ncancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except CFDError as exc:
        print(f"\ndctwin: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, previous)
    say("")
    print(_summary(result, Path(args.out)))
    return EXIT_OK


def _bad_option(args) -> str:
    """The first out-of-range option as a one-line message, or ""."""
    checks = (("--cell-m", args.cell_m, args.cell_m > 0, "a size in m > 0"),
              ("--np", args.np, args.np >= 1, "at least 1"),
              ("--max-iter", args.max_iter, args.max_iter > 0, "at least 1"),
              ("--inflow-turbulence", args.inflow_turbulence, 0 < args.inflow_turbulence <= 50,
               "a percentage in (0, 50]"),
              ("--inflow-length-m", args.inflow_length_m, args.inflow_length_m > 0, "a length in m > 0"))
    for name, value, ok, expected in checks:
        if not ok:                               # NaN fails every comparison too
            return f"{name} must be {expected}, got {value:g}"
    return ""


def _summary(result: dict, out: Path) -> str:
    lines = [f"{'rack':<10}{'inlet':>8}{'max':>8}{'lower':>8}{'middle':>8}{'upper':>8}"]
    for rid, r in result["racks"].items():
        lines.append(f"{rid:<10}{r['inlet_mean_c']:>8.2f}{r['inlet_max_c']:>8.2f}{r['inlet_lower_c']:>8.2f}"
                     f"{r['inlet_middle_c']:>8.2f}{r['inlet_upper_c']:>8.2f}")
    for uid, u in result["cooling_units"].items():
        ret = "-" if u["return_temp_c"] is None else f"{u['return_temp_c']:.2f} °C"
        lines.append(f"{uid}: {u['state']}, return {ret}, load {u['load_kw']:.1f} kW")
    e, c = result["energy_balance"], result["cfd"]
    lines.append(f"energy: IT {e['it_power_kw']:.1f} kW, removed {e['removed_kw']:.1f} kW ({e['error_pct']:+.2f} %)")
    lines.append(f"{c['iterations']} iterations ({c['averaged_iters']} averaged, "
                 f"{'settled' if c['converged'] else 'NOT settled'}), {result['solve_seconds']:.0f} s")
    lines.append(f"wrote {out / 'result.json'} and {out / 'fields.npz'}")
    return "\n".join(lines)


def main(argv=None) -> int:
    """Standalone entry (`python -m twin.cfd.command cfd ...`); `dctwin cfd` / `dctwin compare` run the same."""
    parser = argparse.ArgumentParser(prog="dctwin")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
