"""Solver geometry: what a layout means to the airflow solvers, in metres (Qt-free).

`solver_geometry(layout)` turns every layout object into solid boxes, thin
panels and flow patches with their flows and temperatures. The thermal grid
(`twin.thermal.grid`) and the OpenFOAM case (`twin.cfd.geometry`) both snap
this one description to their own grids, so an object is added once and the
two cannot drift apart. Semantics: docs/thermal.md, "Format 2 objects".
"""
from twin.geometry.solver import (FlowPatch, GeometryError, Solid, SolverGeometry, face_box,
                                  solver_geometry)

__all__ = ["FlowPatch", "GeometryError", "Solid", "SolverGeometry", "face_box", "solver_geometry"]
