"""Write a layout as a complete OpenFOAM case (buoyantBoussinesqSimpleFoam, k-epsilon).

Mesh: one uniform blockMesh box; racks and cooling units cut out with
topoSet + subsetMesh (obstacles and containment panels too); tiles, rack
fronts/rears, unit returns and in-row supplies made patches with createPatch. Fields go to `0.orig/` and are copied to `0/` after the
mesh is final (subsetMesh would rewrite them). See docs/cfd.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from twin.cfd import fields
from twin.cfd.geometry import Grid, Patch, build_grid
from twin.cfd.foamio import fmt, header, write

SOLVER = "buoyantBoussinesqSimpleFoam"
MESH_STEPS = (
    ["blockMesh"],
    ["topoSet"],
    ["subsetMesh", "fluid", "-patch", "boxWalls", "-overwrite"],
    ["topoSet", "-dict", "system/topoSetDict.faces"],
    ["createPatch", "-overwrite"],
)


@dataclass(frozen=True)
class CaseSettings:
    """Physics and iteration settings of the reference method (see docs/cfd.md)."""
    cell_m: float = 0.1
    start_avg_iter: int = 800          # fieldAverage starts here (after the start-up)
    max_iter: int = 4000               # hard cap
    nu_m2s: float = 1.516e-5
    beta_1k: float = 3.4e-3
    pr: float = 0.7
    prt: float = 0.85
    t_start_offset_k: float = 4.0      # initial T = supply + this (the reference: 22 degC for an 18 degC supply)
    k0_m2s2: float = 1.35e-3           # initial turbulence as in the reference's 0/k and 0/epsilon:
    epsilon0_m2s3: float = 1.63009e-4  # 10 % of 0.3 m/s over a 0.05 m mixing length (nu_t0 ~ 1e-3 m2/s)
    inflow_intensity: float = 0.10     # tiles and rack rears: k = 1.5 (I U)^2 (reference inlet BCs)
    inflow_length_m: float = 0.05      # epsilon = C_mu^0.75 k^1.5 / L
    n_procs: int = 1
    momentum_predictor: bool = True    # the reference solves the momentum predictor
    grad_scheme: str = "Gauss linear"  # default; grad(U) and grad(T) are cellLimited (see the template)

    def physics_key(self) -> str:
        """A short fingerprint of everything but the cell size and process count (cache keys)."""
        import hashlib
        import json
        from dataclasses import asdict
        items = {k: v for k, v in asdict(self).items() if k not in ("cell_m", "n_procs")}
        return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:8]


def stored_settings(result: dict) -> "CaseSettings | None":
    """The CaseSettings a stored result.json was made with (None when it does not say)."""
    stored = (result.get("cfd") or {}).get("settings")
    if not isinstance(stored, dict):
        return None
    known = {k: v for k, v in stored.items() if k in CaseSettings.__dataclass_fields__}
    try:
        return CaseSettings(**known)
    except TypeError:
        return None


def made_with_current_method(result: dict) -> bool:
    """True when a stored CFD result used today's physics settings (cell size and ranks aside)."""
    settings = stored_settings(result)
    return settings is not None and settings.physics_key() == CaseSettings().physics_key()


def write_case(layout, case_dir, settings: CaseSettings = CaseSettings()) -> Grid:
    """Write every dictionary and initial field of the case; return the snapped grid."""
    grid = build_grid(layout, settings.cell_m)
    case = Path(case_dir)
    for sub in ("system", "constant", "0.orig"):
        (case / sub).mkdir(parents=True, exist_ok=True)
    write(case / "system/blockMeshDict", _block_mesh(grid))
    write(case / "system/topoSetDict", _topo_cells(grid))
    write(case / "system/topoSetDict.faces", _topo_faces(grid))
    write(case / "system/createPatchDict", _create_patch(grid))
    write(case / "system/controlDict", _control(grid, settings))
    write(case / "system/fvSchemes", _read_template("fvSchemes").replace("GRAD_SCHEME", settings.grad_scheme))
    write(case / "system/fvSolution", _read_template("fvSolution").replace(
        "MOMENTUM_PREDICTOR", "yes" if settings.momentum_predictor else "no"))
    write(case / "system/decomposeParDict", _decompose(settings.n_procs, grid.shape))
    write(case / "constant/g", _read_template("g"))
    write(case / "constant/turbulenceProperties", _read_template("turbulenceProperties"))
    write(case / "constant/transportProperties", _transport(grid, settings))
    for name, text in fields.all_fields(grid, settings, layout.air.rho_cp).items():
        write(case / "0.orig" / name, text)
    write(case / "Allrun", _allrun(settings), mode=0o755)
    return grid


def _block_mesh(grid: Grid) -> str:
    lx, ly, lz = (fmt(s) for s in grid.size_m)
    nx, ny, nz = grid.shape
    return header("dictionary", "blockMeshDict") + f"""convertToMeters 1;
vertices
(
    (0 0 0) ({lx} 0 0) ({lx} {ly} 0) (0 {ly} 0)
    (0 0 {lz}) ({lx} 0 {lz}) ({lx} {ly} {lz}) (0 {ly} {lz})
);
blocks ( hex (0 1 2 3 4 5 6 7) ({nx} {ny} {nz}) simpleGrading (1 1 1) );
edges ();
boundary
(
    walls
    {{
        type wall;
        faces ( (0 3 2 1) (4 5 6 7) (0 1 5 4) (2 3 7 6) (0 4 7 3) (1 2 6 5) );
    }}
    boxWalls
    {{
        type wall;
        faces ();
    }}
);
mergePatchPairs ();
"""


def _point(ijk, h: float) -> str:
    return "(" + " ".join(fmt(v * h) for v in ijk) + ")"


def _topo_cells(grid: Grid) -> str:
    h = grid.cell_m
    boxes = "\n".join(f"            {_point(lo, h)} {_point(hi, h)}" for _, lo, hi in grid.boxes)
    return header("dictionary", "topoSetDict") + f"""actions
(
    {{ name solid; type cellSet; action new; source boxToCell;
      sourceInfo {{ boxes
        (
{boxes}
        ); }} }}
    {{ name fluid; type cellSet; action new; source cellToCell; sourceInfo {{ set solid; }} }}
    {{ name fluid; type cellSet; action invert; }}
);
"""


def _face_box(grid: Grid, patch: Patch) -> tuple[str, str]:
    """Corners of a thin box around the patch plane that holds exactly its face centres."""
    h = grid.cell_m
    others = [a for a in range(3) if a != patch.axis]
    lo, hi = [0.0] * 3, [0.0] * 3
    lo[patch.axis], hi[patch.axis] = (patch.plane - 0.25) * h, (patch.plane + 0.25) * h
    for n, a in enumerate(others):
        lo[a], hi[a] = patch.lo[n] * h, patch.hi[n] * h
    return "(" + " ".join(fmt(v) for v in lo) + ")", "(" + " ".join(fmt(v) for v in hi) + ")"


def _tile_boxes(grid: Grid, patch: Patch) -> list[tuple[str, str]]:
    """One face box per run of open tile cells along y for each x column (exact, blocked cells left out)."""
    h, boxes = grid.cell_m, []
    for i in range(patch.mask.shape[0]):
        col, j = patch.mask[i], 0
        while j < col.size:
            if not col[j]:
                j += 1
                continue
            j1 = j
            while j1 < col.size and col[j1]:
                j1 += 1
            boxes.append((f"({fmt(i * h)} {fmt(j * h)} {fmt(-0.25 * h)})",
                          f"({fmt((i + 1) * h)} {fmt(j1 * h)} {fmt(0.25 * h)})"))
            j = j1
    return boxes


def _topo_faces(grid: Grid) -> str:
    actions = []
    for p in grid.patches:
        boxes = _tile_boxes(grid, p) if p.mask is not None else [_face_box(grid, p)]
        lines = "\n".join(f"            {a} {b}" for a, b in boxes)
        actions.append(f"""    {{ name {p.name}; type faceSet; action new; source boxToFace;
      sourceInfo {{ boxes
        (
{lines}
        ); }} }}""")
    return header("dictionary", "topoSetDict") + "actions\n(\n" + "\n".join(actions) + "\n);\n"


def _create_patch(grid: Grid) -> str:
    items = "\n".join(
        f"    {{ name {p.name}; patchInfo {{ type patch; }} constructFrom set; set {p.name}; }}"
        for p in grid.patches)
    return header("dictionary", "createPatchDict") + f"pointSync false;\npatches\n(\n{items}\n);\n"


def _control(grid: Grid, s: CaseSettings) -> str:
    monitors = "\n".join(
        f"""    mean_{p.name}
    {{
        type surfaceFieldValue; libs ("libfieldFunctionObjects.so");
        writeControl timeStep; writeInterval 1; log true; writeFields false;
        regionType patch; name {p.name}; operation areaAverage; fields (T);
    }}""" for p in grid.patches if p.kind in ("front", "return"))
    return header("dictionary", "controlDict") + f"""application {SOLVER};
startFrom latestTime;
startTime 0;
stopAt endTime;
endTime {s.max_iter};
deltaT 1;
writeControl timeStep;
writeInterval {s.max_iter};
purgeWrite 0;
writeFormat ascii;
writePrecision 12;
writeCompression off;
timeFormat general;
timePrecision 8;
runTimeModifiable true;

functions
{{
    fieldAverage1
    {{
        type fieldAverage; libs ("libfieldFunctionObjects.so");
        timeStart {s.start_avg_iter}; writeControl writeTime;
        fields
        (
            U {{ mean on; prime2Mean off; base iteration; }}
            T {{ mean on; prime2Mean off; base iteration; }}
        );
    }}
{monitors}
}}
"""


def _transport(grid: Grid, s: CaseSettings) -> str:
    return header("dictionary", "transportProperties") + f"""transportModel Newtonian;
nu {fmt(s.nu_m2s)};
beta {fmt(s.beta_1k)};
TRef {fmt(grid.supply_temp_c)};
Pr {fmt(s.pr)};
Prt {fmt(s.prt)};
"""


def _decompose(n_procs: int, shape) -> str:
    """Slabs across the room's longest side: Debian's OpenFOAM ships scotch only as a stub."""
    n = max(1, n_procs)
    split = ["1", "1", "1"]
    split[max(range(3), key=lambda a: shape[a])] = str(n)
    return (header("dictionary", "decomposeParDict") + f"numberOfSubdomains {n};\nmethod simple;\n"
            f"simpleCoeffs\n{{\n    n ({' '.join(split)});\n    delta 0.001;\n}}\n")


def _allrun(s: CaseSettings) -> str:
    mesh = "\n".join(" ".join(step) + f" > log.{step[0]}{'.' + str(i) if i else ''} 2>&1 || exit 1"
                     for i, step in enumerate(MESH_STEPS))
    solve = (f"decomposePar -force > log.decomposePar 2>&1 || exit 1\n"
             f"mpirun --allow-run-as-root -np {s.n_procs} {SOLVER} -parallel > log.{SOLVER} 2>&1\n"
             f"reconstructPar -latestTime > log.reconstructPar 2>&1"
             if s.n_procs > 1 else f"{SOLVER} > log.{SOLVER} 2>&1")
    return f"""#!/bin/sh
# Mesh and solve this case by hand: source OpenFOAM's etc/bashrc first.
cd "${{0%/*}}" || exit 1
{mesh}
rm -rf 0 && cp -r 0.orig 0
{solve}
postProcess -func writeCellCentres -latestTime > log.writeCellCentres 2>&1
"""


def _read_template(name: str) -> str:
    return fields.TEMPLATES[name]
