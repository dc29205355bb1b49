"""`dctwin report` and `dctwin sweep`: what-if studies from the command line."""
from __future__ import annotations

import sys

from twin.argtypes import number, whole
from twin.cli.common import (EXIT_CHECK, EXIT_OK, STDOUT, InputError, add_check_option,
                             add_study_options, load_layout_arg, write_json_output)
from twin.cli.progress import sigint_flag
from twin.cli.study import add_executor_options, run_study_command, study_executor, study_runner


def add_parsers(commands) -> None:
    """Register the report and sweep subcommands."""
    rep = commands.add_parser(
        "report", help="compare a scenario with the baseline and write a report",
        description="Solve LAYOUT and a scenario of it (a named scenario from the file, or "
                    "--fail IDs), and write report.html, racks.csv, cooling_units.csv, "
                    "power.csv and report.json into --out.")
    rep.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    which = rep.add_mutually_exclusive_group(required=True)
    which.add_argument("--scenario", metavar="NAME", help="a scenario in the layout's scenarios list")
    which.add_argument("--fail", metavar="ID", nargs="+", action="extend",
                       help="fail these cooling units or power components")
    rep.add_argument("--out", metavar="DIR", required=True,
                     help="folder for the report files (created; written whole or not at all)")
    rep.add_argument("--force", action="store_true",
                     help="replace the report files in an existing non-empty --out folder")
    add_check_option(rep, "the scenario fails (the report is still written)")
    rep.add_argument("--pdf", action="store_true",
                     help="also write report.pdf (needs the desktop app's Qt)")
    rep.add_argument("--minutes", type=number(0, 1440, low_open=True), default=10.0,
                     help="ride-through horizon (default 10)")
    rep.add_argument("--equipment-kj-per-k-kw", type=number(0, 1000), default=0.0, metavar="C",
                     help="equipment thermal mass in kJ/K per kW of rack power (default 0: air only)")
    rep.add_argument("--capacity", metavar="PLAN",
                     help='add a capacity section for a growth plan, e.g. "2 x gb200-nvl72 per '
                          'month": headroom per resource, stranded capacity per row, growth chart')
    rep.add_argument("--capacity-months", type=whole(1, 240), default=12, metavar="N",
                     help="months of growth in the capacity section (default 12)")
    rep.add_argument("--calibration", metavar="FIT.json",
                     help="add a calibration section from a `dctwin calibrate --json` result")
    rep.add_argument("--watch", metavar="WATCH.json",
                     help="add the alert history from a `dctwin watch --json` result")
    add_study_options(rep, json_out=False)
    sw = commands.add_parser(
        "sweep", help="fail each cooling unit and power component in turn (N-1)",
        description="Fail each running cooling unit and each power component of LAYOUT alone "
                    "and report the worst intake temperature of every rack.")
    sw.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    sw.add_argument("--units-only", action="store_true", help="skip the power components")
    sw.add_argument("--confirm", type=whole(0, 1000), default=0, metavar="M",
                    help="re-solve the hottest M cases with the accurate model (default 0)")
    add_study_options(sw)
    add_check_option(sw, "a failure case breaks something the baseline does not")
    add_executor_options(sw)


def run_report(args) -> int:
    """Load, apply the scenario, solve both, write the report files (all or none)."""
    from twin.files import FolderNotEmptyError
    from twin.report import run_study, write_report
    from twin.scenario import ScenarioError, apply_scenario, fail_edits, find_scenario
    from twin.thermal import SolverError
    layout = load_layout_arg(args.layout)
    try:
        chosen = find_scenario(layout, args.scenario) if args.scenario else fail_edits(args.fail)
        applied = apply_scenario(layout, chosen)
    except ScenarioError as exc:
        raise InputError(str(exc)) from None
    if args.capacity:
        _check_capacity_plan(layout, args.capacity)
    extra = _result_files(args)
    pdf = _pdf_writer() if args.pdf else None            # refused before the solves
    _check_out_folder(args.out, args.force)
    runner, progress = study_runner(args, warm_start=False)    # figures equal `dctwin simulate`
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            study = run_study(layout, applied, runner, args.minutes, args.equipment_kj_per_k_kw,
                              args.capacity, args.capacity_months)
    except SolverError as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    study.data.update(extra)
    try:
        names = write_report(study, args.out, replace=args.force, pdf=pdf)
    except FolderNotEmptyError:
        raise InputError(f"{args.out} exists and is not empty; use --force to replace "
                         "its report files") from None
    except OSError as exc:
        raise InputError(f"cannot write the report into {args.out}: {exc.strerror or exc}") from None
    verdict = study.deltas["verdict"]
    print(verdict["summary"])
    print(f"wrote {', '.join(names)} to {args.out} ({runner.solves} solves, "
          f"{runner.solve_seconds:.1f} s)")
    return _check_exit(args, [] if verdict["holds"] else verdict["problems"])


def _result_files(args) -> dict:
    """The calibration and watch results the report is given, read before any solve."""
    from twin.report.calibration import ResultFileError, load_result
    out = {}
    try:
        for kind in ("calibration", "watch"):
            path = getattr(args, kind, None)
            if path:
                out[kind] = load_result(path, kind)
    except ResultFileError as exc:
        raise InputError(str(exc)) from None
    return out


def _check_capacity_plan(layout, text: str) -> None:
    """A --capacity plan the planner can run (known model, N of at least 1), else exit 2."""
    from twin.capacity.plan import CapacityError, check_request
    from twin.capacity.growth import parse_growth
    try:
        check_request(layout, parse_growth(text))
    except (CapacityError, ValueError) as exc:
        raise InputError(f"--capacity: {str(exc).removeprefix('--growth: ')}") from None


def _check_out_folder(folder: str, force: bool) -> None:
    """Refuse a non-empty --out without --force before any solve (write_report checks again)."""
    import os
    if os.path.isdir(folder) and os.listdir(folder) and not force:
        raise InputError(f"{folder} exists and is not empty; use --force to replace "
                         "its report files")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise InputError(f"--out {folder} exists and is not a folder")


def _check_exit(args, problems: list) -> int:
    """With --check, each problem as `dctwin: check failed: ...` on stderr and exit 3."""
    if not getattr(args, "check", False) or not problems:
        return EXIT_OK
    for problem in problems:
        print(f"dctwin: check failed: {problem}", file=sys.stderr)
    return EXIT_CHECK


def _pdf_writer():
    """pdf(study, path): report.pdf via Qt (twin.gui); InputError when Qt is missing."""
    from twin.cli.common import gui_available
    from twin.report.html import render
    if not gui_available():
        raise InputError("--pdf needs the desktop app (Qt), which is not installed")
    try:
        from twin.gui.report_pdf import write_pdf
    except ImportError as exc:
        raise InputError(f"--pdf needs Qt: {exc}") from None
    return lambda study, path: write_pdf(render(study, vector=False), path)


def run_sweep(args) -> int:
    """Fail each unit and component alone; print the per-rack worst case."""
    if args.confirm < 0:
        raise InputError(f"--confirm must be 0 or more, got {args.confirm}")
    return run_study_command(lambda: _sweep(args))


def _sweep(args) -> int:
    from twin.scenario.sweep import format_sweep, sweep
    from twin.thermal import SolverError
    layout = load_layout_arg(args.layout)
    with study_executor(args) as executor:
        runner, progress = study_runner(args, executor=executor)
        try:
            with sigint_flag() as cancelled:
                runner.cancel = cancelled
                result = sweep(layout, runner, power=not args.units_only, progress=progress,
                               confirm=args.confirm)
        except SolverError as exc:
            raise InputError(str(exc)) from None
        finally:
            progress.finish()
    if args.json:
        write_json_output(args.json, {**result.to_dict(), "solves": runner.solves})
    if args.json != STDOUT:
        sys.stdout.write(format_sweep(result))
    return _check_exit(args, [f"{cid} fails: {'; '.join(found)}"
                              for cid, found in result.case_failures.items() if found])
