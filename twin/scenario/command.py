"""`dctwin place` and `dctwin setpoint`: placement advice and supply setpoint optimisation.

Also the --workers / --scheduler options that put a study's solves on Dask.
"""
from __future__ import annotations

import contextlib
import sys


def add_executor_options(parser) -> None:
    """--workers N and --scheduler ADDRESS: solve the cases on Dask (docs/scenarios.md)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workers", type=int, metavar="N",
                       help="solve the cases on a local Dask cluster of N worker processes "
                            "(needs dask[distributed])")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="solve the cases on a running Dask scheduler, e.g. tcp://host:8786")


@contextlib.contextmanager
def study_executor(args):
    """The executor the options ask for, closed on the way out; bad options are input errors.

    Inside the block SolveCancelled is reported as `cancelled` (exit 130) by
    `twin.cli.main`; a case that fails on a worker is an internal error
    naming the case.
    """
    from twin.cli import InputError
    from twin.scenario.executor import ExecutorError, make_executor
    workers, scheduler = getattr(args, "workers", None), getattr(args, "scheduler", None)
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    try:
        executor = make_executor(workers, scheduler)
    except ExecutorError as exc:
        raise InputError(str(exc)) from None
    try:
        yield executor
    finally:
        executor.close()


def run_study_command(work) -> int:
    """work() -> exit code, with worker failures (1) reported in one line.

    A cancelled solve (SolveCancelled) is left to `twin.cli.main`, which
    reports it as `cancelled` (exit 130) for every command.
    """
    from twin.cli import EXIT_INTERNAL
    from twin.scenario.executor import CaseError
    try:
        return work()
    except CaseError as exc:
        print(f"dctwin: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def add_parsers(commands) -> None:
    """Register the place and setpoint subcommands."""
    from twin.report.command import _common
    place = commands.add_parser(
        "place", help="rank free floor positions for new racks",
        description="Rank free positions on the tile grid, facing a cold aisle, for N racks of "
                    "P kW by the resulting worst intake temperature and power headroom.")
    place.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    place.add_argument("--racks", type=int, default=1, metavar="N", help="how many racks (default 1)")
    place.add_argument("--kw", type=float, required=True, metavar="P", help="power of each rack in kW")
    place.add_argument("--top", type=int, default=5, help="how many candidates to show (default 5)")
    place.add_argument("--solve-limit", type=int, default=12, metavar="K",
                       help="candidates solved after the pre-rank (default 12)")
    place.add_argument("--confirm", type=int, default=0, metavar="M",
                       help="re-solve the leading M with the accurate model (default 0)")
    _common(place, json_out=False)
    add_executor_options(place)
    place.set_defaults(model="preview")
    sp = commands.add_parser(
        "setpoint", help="warmest supply temperature and least airflow inside the recommended range",
        description="Search the warmest uniform supply temperature change, and the least airflow, "
                    "that keep every rack intake inside the ASHRAE recommended range.")
    sp.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    _common(sp)
    sp.set_defaults(model="preview")


def run_place(args) -> int:
    from twin.cli import InputError
    if args.racks < 1 or not args.kw > 0:
        raise InputError("--racks must be at least 1 and --kw above 0")
    return run_study_command(lambda: _place(args))


def _place(args) -> int:
    from twin.cli import InputError, sigint_flag
    from twin.report.command import _load, _runner
    from twin.scenario.placement import advise
    from twin.thermal import SolverError
    layout = _load(args.layout)
    with study_executor(args) as executor:
        runner, progress = _runner(args, executor=executor)
        try:
            with sigint_flag() as cancelled:
                runner.cancel = cancelled
                ranked = advise(layout, args.racks, args.kw, runner, args.top, args.solve_limit,
                                args.confirm, progress=progress)
        except SolverError as exc:
            raise InputError(str(exc)) from None
        finally:
            progress.finish()
    if not ranked:
        print("no free position on the tile grid faces a cold aisle for these racks")
        return 0
    for n, cand in enumerate(ranked, 1):
        where = ", ".join(f"({x:g}, {y:g})" for x, y in cand.positions_m)
        print(f"{n}. facing {cand.facing} at {where}: worst intake {cand.worst_inlet_c:.1f} degC")
        for reason in cand.reasons:
            print(f"     {reason}")
    print(f"{runner.solves} solves, {runner.solve_seconds:.1f} s")
    return 0


def run_setpoint(args) -> int:
    from twin.cli import InputError, sigint_flag
    from twin.report.command import _load, _runner
    from twin.scenario.setpoint import format_setpoint, optimise
    from twin.thermal import SolverError
    layout = _load(args.layout)
    runner, progress = _runner(args)
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            result = optimise(layout, runner)
    except SolverError as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.json:
        from twin.thermal.export import write_json
        write_json(args.json, result.to_dict())
    sys.stdout.write(format_setpoint(result))
    return 0


RUNNERS = {"place": run_place, "setpoint": run_setpoint}
__all__ = ["add_parsers", "RUNNERS"]
