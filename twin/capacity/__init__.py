"""Capacity planning and job placement (Qt-free): the public face for the CLI, GUI and reports.

    plan = plan_capacity(layout, Request("gb200-nvl72", 4), runner)   # ranked places
    plan.sites[0].binding.resource                                    # "power", "air", ...
    rows = stranded_table(layout, runner, kind)                      # kW stranded per row
    run = grow(layout, parse_growth("4 x gb200-nvl72 per month"), 24, runner)
    placed, first_fit = place_job(layout, 512, runner, power_pct=90)
    graph = fabric_graph(layout)                                      # networkx fabric

docs/capacity.md describes the constraints, the ranking and the job placement.
"""
from twin.capacity.checks import RESOURCES, Check, register_check
from twin.capacity.fabric import domain_of, fabric_graph, free_ports, leaves_in_reach, switch_hops
from twin.capacity.growth import Growth, chart_svg, grow, parse_growth
from twin.capacity.jobs import Assignment, JobError, place_job
from twin.capacity.plan import CapacityError, Plan, Request, Site, plan_capacity
from twin.capacity.power import headroom_kw, layout_margin
from twin.capacity.stranded import RowCapacity, stranded_table

__all__ = ["RESOURCES", "Assignment", "CapacityError", "Check", "Growth", "JobError", "Plan",
           "Request", "RowCapacity", "Site", "chart_svg", "domain_of", "fabric_graph",
           "free_ports", "grow", "headroom_kw", "layout_margin", "leaves_in_reach",
           "parse_growth", "place_job", "plan_capacity", "register_check", "stranded_table",
           "switch_hops"]
