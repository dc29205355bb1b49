"""Initial and boundary fields (U, p_rgh, p, T, k, epsilon, nut, alphat) and fixed dictionaries."""
from __future__ import annotations

import math

from twin.cfd.foamio import fmt, header, vec
from twin.cfd.geometry import Grid, Patch, inflow_turbulence

WALLS = ("walls", "boxWalls")
DIMS = {
    "U": "[0 1 -1 0 0 0 0]", "p_rgh": "[0 2 -2 0 0 0 0]", "p": "[0 2 -2 0 0 0 0]",
    "T": "[0 0 0 1 0 0 0]", "k": "[0 2 -2 0 0 0 0]", "epsilon": "[0 2 -3 0 0 0 0]",
    "nut": "[0 2 -1 0 0 0 0]", "alphat": "[0 2 -1 0 0 0 0]",
}


def _speed(p: Patch) -> float:
    return math.sqrt(sum(c * c for c in p.velocity_ms))


def _inflow(p: Patch) -> bool:
    return p.kind in ("tile", "rear", "supply")


def _exhaust_expr(p: Patch, wk: float) -> str:
    """Rear face temperature: intake + rise, less what a rear door removes (capacity-limited,
    never below water supply + approach): min(Tex, max(Tfloor, Tex - capacity / (rho cp Q)))."""
    tex = f"(Tfront + {fmt(p.delta_t_k)})"
    door = p.rear_door
    if door is None:
        return f"Tfront + {fmt(p.delta_t_k)}"
    drop = door.capacity_kw * 1000.0 / wk if wk > 0 else 0.0
    return f"min({tex}, max({fmt(door.floor_c)}, {tex} - {fmt(drop)}))"


def _field(name: str, internal: str, walls: str, patches: dict[str, str]) -> str:
    cls = "volVectorField" if name == "U" else "volScalarField"
    body = "".join(f"    {w}\n    {{\n        {walls}\n    }}\n" for w in WALLS)
    body += "".join(f"    {n}\n    {{\n        {bc}\n    }}\n" for n, bc in patches.items())
    return (header(cls, name, "0") + f"dimensions {DIMS[name]};\n\ninternalField {internal};\n\n"
            f"boundaryField\n{{\n{body}}}\n")


def _temperature(grid: Grid, t0_c: float, rho_cp: float = 1.19 * 1006.0) -> str:
    patches = {}
    front_of = {p.owner: p.name for p in grid.by_kind("front")}
    for p in grid.patches:
        if p.kind in ("tile", "supply"):
            patches[p.name] = f"type fixedValue; value uniform {fmt(p.supply_temp_c)};"
        elif p.kind == "rear":
            patches[p.name] = (
                f'type exprFixedValue; value uniform {fmt(t0_c + p.delta_t_k)};\n'
                f'        variables ("Tfront{{{front_of[p.owner]}}} = weightAverage(T)");\n'
                f'        valueExpr "{_exhaust_expr(p, rho_cp * p.flow_m3s)}";')
        else:   # outflows; inletOutlet only matters if a face ever reverses
            patches[p.name] = (f"type inletOutlet; inletValue uniform {fmt(grid.supply_temp_c)}; "
                               f"value uniform {fmt(grid.supply_temp_c)};")
    return _field("T", f"uniform {fmt(t0_c)}", "type zeroGradient;", patches)


def _turbulence(grid: Grid, name: str, init: float, intensity: float, length_m: float) -> str:
    """k or epsilon: OpenFOAM's intensity / mixing-length inlet conditions on inflows (as the
    reference case), zero gradient on outflows, wall functions on walls."""
    patches = {}
    for p in grid.patches:
        if _inflow(p):
            k, eps = inflow_turbulence(_speed(p), intensity, length_m)
            if name == "k":
                patches[p.name] = (f"type turbulentIntensityKineticEnergyInlet; intensity {fmt(intensity)}; "
                                   f"value uniform {fmt(k)};")
            else:
                patches[p.name] = (f"type turbulentMixingLengthDissipationRateInlet; "
                                   f"mixingLength {fmt(length_m)}; value uniform {fmt(eps)};")
        else:
            patches[p.name] = "type zeroGradient;"
    wall = {"k": "kqRWallFunction", "epsilon": "epsilonWallFunction"}[name]
    return _field(name, f"uniform {fmt(init)}", f"type {wall}; value uniform {fmt(init)};", patches)


def all_fields(grid: Grid, s, rho_cp: float = 1.19 * 1006.0) -> dict[str, str]:
    """Every field file of `0/`, keyed by field name; `s` is the case's CaseSettings and
    `rho_cp` the air's (J/(m3 K), for rear-door limits)."""
    names = [p.name for p in grid.patches]
    t0_c = grid.supply_temp_c + s.t_start_offset_k
    return {
        "U": _field("U", "uniform (0 0 0)", "type noSlip;",
                    {p.name: f"type fixedValue; value uniform {vec(p.velocity_ms)};" for p in grid.patches}),
        "p_rgh": _field("p_rgh", "uniform 0", "type fixedFluxPressure; rho rhok; value uniform 0;",
                        {n: "type fixedFluxPressure; rho rhok; value uniform 0;" for n in names}),
        "p": _field("p", "uniform 0", "type calculated; value uniform 0;",
                    {n: "type calculated; value uniform 0;" for n in names}),
        "T": _temperature(grid, t0_c, rho_cp),
        "k": _turbulence(grid, "k", s.k0_m2s2, s.inflow_intensity, s.inflow_length_m),
        "epsilon": _turbulence(grid, "epsilon", s.epsilon0_m2s3, s.inflow_intensity, s.inflow_length_m),
        "nut": _field("nut", "uniform 0", "type nutkWallFunction; value uniform 0;",
                      {n: "type calculated; value uniform 0;" for n in names}),
        "alphat": _field("alphat", "uniform 0",
                         "type alphatJayatillekeWallFunction; Prt 0.85; value uniform 0;",
                         {p.name: ("type fixedValue; value uniform 0;" if _inflow(p)
                                   else "type calculated; value uniform 0;") for p in grid.patches}),
    }


TEMPLATES = {
    "fvSchemes": header("dictionary", "fvSchemes") + """ddtSchemes { default steadyState; }
gradSchemes
{
    default GRAD_SCHEME;
    grad(U) cellLimited Gauss linear 1;
    grad(T) cellLimited Gauss linear 1;
}
divSchemes
{
    default none;
    div(phi,U) bounded Gauss linearUpwind grad(U);
    div(phi,T) bounded Gauss linearUpwind grad(T);
    div(phi,k) bounded Gauss upwind;
    div(phi,epsilon) bounded Gauss upwind;
    div((nuEff*dev2(T(grad(U))))) Gauss linear;
}
laplacianSchemes { default Gauss linear corrected; }
interpolationSchemes { default linear; }
snGradSchemes { default corrected; }
""",
    "fvSolution": header("dictionary", "fvSolution") + """solvers
{
    p_rgh { solver GAMG; smoother GaussSeidel; tolerance 1e-7; relTol 0.05; }
    "(U|T|k|epsilon)" { solver smoothSolver; smoother symGaussSeidel; tolerance 1e-8; relTol 0.1; }
}
SIMPLE
{
    momentumPredictor MOMENTUM_PREDICTOR;
    nNonOrthogonalCorrectors 0;
    pRefCell 0;
    pRefValue 0;
}
relaxationFactors
{
    fields { p_rgh 0.3; }
    equations { U 0.6; T 0.7; k 0.6; epsilon 0.6; }
}
""",
    "g": header("uniformDimensionedVectorField", "g", "constant") + "dimensions [0 1 -2 0 0 0 0];\nvalue (0 0 -9.81);\n",
    "turbulenceProperties": header("dictionary", "turbulenceProperties") + """simulationType RAS;
RAS
{
    RASModel kEpsilon;
    turbulence on;
    printCoeffs on;
}
""",
}
