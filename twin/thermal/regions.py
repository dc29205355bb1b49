"""Sealed fluid regions: refuse rooms whose airflow has no steady state (shared by all models).

A layout can split the room into regions with no air path between them (a
row of racks wall to wall, for example). Each region must pass as much air
out as in, and heat brought into a region must reach a cooling-unit return.
"""
from __future__ import annotations

import numpy as np

from twin.thermal import SolverError
from twin.thermal.grid import Grid
from twin.thermal.sparse import components, fluid_laplacian


def check_regions(grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Refuse unbalanced or undrained regions; return (cell index, region labels, stagnant cells)."""
    lap, index = fluid_laplacian(grid)
    _, labels = components(lap)
    check_region_balance(grid, index, labels)
    return index, labels, stagnant_cells(grid, index, labels)


def patch_cells(grid: Grid, index: np.ndarray):
    """(patch, fluid cell numbers, volume flow per face in m3/s) for every patch."""
    for p in grid.patches:
        yield p, index[tuple(p.cells.T)], np.full(len(p.faces), abs(p.velocity_ms) * p.face_area_m2)


def region_flows_m3s(grid: Grid, index: np.ndarray, labels: np.ndarray):
    """Air entering and leaving each fluid region through patches, m3/s, with the patch names.

    Counted face by face, so a patch whose faces fall in two regions adds to
    both. This is the count the balance check and its messages share; the face
    velocities (`Grid.face_bc`) carry the same flows, shared faces summed.
    """
    nreg = labels.max() + 1 if len(labels) else 0
    flows = {True: np.zeros(nreg), False: np.zeros(nreg)}
    names = {True: [[] for _ in range(nreg)], False: [[] for _ in range(nreg)]}
    for p, cells, q in patch_cells(grid, index):
        if len(cells) == 0:
            continue
        np.add.at(flows[p.inflow], labels[cells], q)
        for region in np.unique(labels[cells]):
            names[p.inflow][region].append(f"{p.kind.replace('_', ' ')} {p.owner}")
    return flows, names


def check_region_balance(grid: Grid, index: np.ndarray, labels: np.ndarray) -> None:
    """Each sealed fluid region must pass as much air out as in, or no steady flow exists."""
    flows, names = region_flows_m3s(grid, index, labels)
    net = flows[False] - flows[True]
    scale = sum(p.flow_m3s for p in grid.patches) + 1e-30
    bad = np.nonzero(np.abs(net) > 1e-9 * scale)[0]
    if len(bad) == 0:
        return
    region = _sealed_enclosure(grid, index, labels, bad)
    if region is not None:
        owner, region = region
        raise SolverError(
            f"containment {owner} seals its aisle, but {flows[True][region]:.3f} m3/s enters it "
            f"({', '.join(names[True][region]) or 'nothing'}) and {flows[False][region]:.3f} m3/s "
            f"leaves it ({', '.join(names[False][region]) or 'nothing'}): with no gap the flows "
            "must balance, so there is no steady state; give the doors a gap (door_gap_m) or "
            "match the cooling units' airflow to the racks'")
    region = bad[np.argmax(np.abs(net[bad]))]
    owners = sorted(set(names[True][region] + names[False][region]))
    raise SolverError(
        f"the room is split into sealed regions and one of them has {net[region]:+.3f} m3/s "
        f"more air leaving than entering ({', '.join(owners)}); open a path between them")


def _sealed_enclosure(grid: Grid, index: np.ndarray, labels: np.ndarray, bad: np.ndarray):
    """(containment id, region) of a contained aisle whose sealed region is unbalanced, or None."""
    geo = grid.geometry
    for owner, box in (geo.enclosures if geo is not None else []):
        centres = [grid.cell_centres_m(a) for a in range(3)]
        inside = [(c > lo) & (c < hi) for c, (lo, hi) in zip(centres, box)]
        cells = index[np.ix_(*inside)]
        cells = cells[cells >= 0]
        if len(cells) == 0:
            continue
        region = np.bincount(labels[cells]).argmax()
        if region in bad:
            return owner, region
    return None


def stagnant_cells(grid: Grid, index: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Cells of regions no air crosses (fixed later at the supply temperature).

    Raises SolverError for a region whose air only circulates through racks and
    never reaches a cooling-unit return: its temperature would rise without bound.
    """
    nreg = labels.max() + 1
    flow = np.zeros(nreg)
    drained = np.zeros(nreg, dtype=bool)
    fronts, rears = {}, {}   # region of every rack's front and rear
    for p, cells, q in patch_cells(grid, index):
        if len(cells) == 0 or q.sum() <= 0:
            continue
        np.add.at(flow, labels[cells], q)
        if p.kind == "unit_return":
            drained[labels[cells]] = True
        elif p.kind == "rack_front":
            fronts[p.owner] = labels[cells[0]]
        elif p.kind == "rack_rear":
            rears[p.owner] = labels[cells[0]]
    links = [(fronts[k], rears[k]) for k in fronts if k in rears]
    changed = True
    while changed:
        changed = False
        for a, b in links:
            if drained[b] and not drained[a]:
                drained[a] = changed = True
    if np.any((flow > 0) & ~drained):
        raise SolverError("air circulates through racks in a closed-off part of the room "
                          "without reaching a cooling-unit return; its temperature has no "
                          "steady value")
    return np.nonzero(flow[labels] == 0)[0]
