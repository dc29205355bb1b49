"""`dctwin capacity` (where N racks of a model fit, stranded capacity, growth) and
`dctwin place-job` (servers with free accelerators for a job)."""
from __future__ import annotations

import sys

from twin.cli.common import (InputError, add_study_options, load_layout_arg,
                             write_json_output, write_output)
from twin.cli.progress import sigint_flag
from twin.cli.study import study_runner


def add_parsers(commands) -> None:
    """Register the capacity and place-job subcommands."""
    cap = commands.add_parser(
        "capacity", help="where new racks of a catalog model fit, and what binds them",
        description="Rank the places N racks of a catalog model can go, each with the binding "
                    "constraint among floor, power chain (N-1), air cooling, liquid cooling and "
                    "fabric, and list the capacity each row strands; or grow the room month by "
                    "month and report when each resource runs out.")
    cap.add_argument("layout", metavar="LAYOUT", help="layout file (YAML)")
    what = cap.add_mutually_exclusive_group(required=True)
    what.add_argument("--add", metavar="MODEL", help="catalog model of the new racks' equipment")
    what.add_argument("--growth", metavar="PLAN",
                      help='racks added each month, e.g. "4 x gb200-nvl72 per month"')
    cap.add_argument("--count", type=int, default=1, metavar="N", help="racks to add (default 1)")
    cap.add_argument("--per-rack", type=int, metavar="K",
                     help="units of MODEL in each rack (default: one rack-scale system, else as "
                          "many as 42U hold)")
    cap.add_argument("--utilization-pct", type=float, default=100.0, metavar="P",
                     help="load of the new equipment, %% (default 100: maximum power)")
    cap.add_argument("--months", type=int, default=24, help="months of growth (default 24)")
    cap.add_argument("--chart", metavar="FILE", help="with --growth: write the chart (SVG)")
    cap.add_argument("--top", type=int, default=5, help="candidates to list (default 5)")
    cap.add_argument("--screen", type=int, default=12, metavar="K",
                     help="candidates screened with the preview model (default 12)")
    cap.add_argument("--confirm", type=int, default=2, metavar="M",
                     help="leading candidates re-solved with the accurate model (default 2)")
    add_study_options(cap, model="preview")


def run_capacity(args) -> int:
    from twin.capacity.plan import CapacityError
    from twin.thermal import SolverError
    layout = load_layout_arg(args.layout)
    runner, progress = study_runner(args)
    try:
        with sigint_flag() as cancelled:
            runner.cancel = cancelled
            text, data = (_growth(layout, args, runner, progress) if args.growth
                          else _add(layout, args, runner, progress))
    except (CapacityError, SolverError) as exc:
        raise InputError(str(exc)) from None
    finally:
        progress.finish()
    if args.json:
        write_json_output(args.json, data)
    if args.json != "-":
        sys.stdout.write(text)
    return 0


def _add(layout, args, runner, progress) -> tuple[str, dict]:
    from twin.capacity.plan import Request, plan_capacity
    from twin.capacity.stranded import stranded_table
    from twin.capacity.text import format_plan, format_stranded
    from twin.model.catalog import equipment_types
    request = Request(args.add, args.count, args.per_rack, args.utilization_pct)
    plan = plan_capacity(layout, request, runner, top=args.top, screen=args.screen,
                         confirm=args.confirm, progress=progress)
    rows = stranded_table(layout, runner, equipment_types(layout)[args.add])
    data = plan.as_dict()
    data["stranded"] = [row.as_dict() for row in rows]
    return format_plan(plan) + "\n" + format_stranded(rows), data


def _growth(layout, args, runner, progress) -> tuple[str, dict]:
    from twin.capacity.growth import chart_svg, format_growth, grow, parse_growth
    request = parse_growth(args.growth, args.per_rack, args.utilization_pct)
    run = grow(layout, request, args.months, runner, screen=args.screen, progress=progress)
    if args.chart:
        write_output(args.chart, chart_svg(run))
    return format_growth(run), run.as_dict()


RUNNERS = {"capacity": run_capacity}
__all__ = ["RUNNERS", "add_parsers"]
