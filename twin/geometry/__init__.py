"""Solver geometry: what a layout means to the airflow solvers, in metres (Qt-free).

`solver_geometry(layout)` turns every layout object into solid boxes, thin
panels and flow patches with their flows and temperatures. The thermal grid
(`twin.thermal.grid`) and the OpenFOAM case (`twin.cfd.geometry`) both snap
this one description to their own grids, so an object is added once and the
two cannot drift apart. With a raised floor, `plenum` solves the under-floor
flow and the tiles enter as one inflow each (`tile_inflows`). Semantics: docs/thermal.md, "Format 2 objects".
"""
from twin.geometry.plenum import CD_TILE, PlenumResult, TileFlow, solve_plenum
from twin.geometry.solver import (EQUIPMENT, FlowPatch, GeometryError, Solid, SolverGeometry, face_box,
                                  solver_geometry, tile_inflows)

__all__ = ["CD_TILE", "EQUIPMENT", "FlowPatch", "GeometryError", "PlenumResult", "Solid", "SolverGeometry",
           "TileFlow", "face_box", "solve_plenum", "solver_geometry", "tile_inflows"]
