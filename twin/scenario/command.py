"""`dctwin place` and `dctwin setpoint`: placement advice and supply setpoint optimisation."""
from __future__ import annotations

import sys

from twin.argtypes import number, whole
from twin.cli.common import STDOUT, InputError, add_study_options, load_layout_arg, write_json_output
from twin.cli.progress import sigint_flag
from twin.cli.study import add_executor_options, run_study_command, study_executor, study_runner
from twin.model.schema import RACK_POWER_KW
from twin.wording import count


def add_parsers(commands) -> None:
    """Register the place and setpoint subcommands."""
    place = commands.add_parser(
        "place", help="rank free floor positions for new racks",
        description="Rank free positions on the tile grid, facing a cold aisle, for N racks of "
                    "P kW by the resulting worst intake temperature and power headroom.")
    place.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    place.add_argument("--racks", type=whole(1, 100), default=1, metavar="N",
                       help="how many racks (default 1)")
    place.add_argument("--kw", type=number(0, RACK_POWER_KW.upper, low_open=True), required=True,
                       metavar="P", help="power of each rack in kW")
    place.add_argument("--top", type=whole(1, 1000), default=5,
                       help="how many candidates to show (default 5)")
    place.add_argument("--solve-limit", type=whole(1, 1000), default=12, metavar="K",
                       help="candidates solved after the pre-rank (default 12)")
    place.add_argument("--confirm", type=whole(0, 1000), default=0, metavar="M",
                       help="re-solve the leading M with the accurate model (default 0)")
    add_study_options(place, json_out=False, model="preview")
    add_executor_options(place)
    sp = commands.add_parser(
        "setpoint", help="warmest supply temperature and least airflow inside the recommended range",
        description="Search the warmest uniform supply temperature change, and the least airflow, "
                    "that keep every rack intake inside the ASHRAE recommended range.")
    sp.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    add_study_options(sp, model="preview")


def run_place(args) -> int:
    if args.racks < 1 or not args.kw > 0:
        raise InputError("--racks must be at least 1 and --kw above 0")
    return run_study_command(lambda: _place(args))


def _place(args) -> int:
    from twin.scenario.placement import advise
    from twin.thermal import SolverError
    layout = load_layout_arg(args.layout)
    with study_executor(args) as executor:
        runner, progress = study_runner(args, executor=executor)
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
        print(f"{n}. facing {cand.facing} at {where}: worst intake {cand.worst_inlet_c:.1f} °C")
        for reason in cand.reasons:
            print(f"     {reason}")
    print(f"{count(runner.solves, 'solve')}, {runner.solve_seconds:.1f} s")
    return 0


def run_setpoint(args) -> int:
    from twin.scenario.setpoint import format_setpoint, optimise
    from twin.thermal import SolverError
    layout = load_layout_arg(args.layout)
    runner, progress = study_runner(args)
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            result = optimise(layout, runner)
    except SolverError as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.json:
        write_json_output(args.json, result.to_dict())
    if args.json != STDOUT:
        sys.stdout.write(format_setpoint(result))
    return 0


RUNNERS = {"place": run_place, "setpoint": run_setpoint}
__all__ = ["add_parsers", "RUNNERS"]
