"""Immutable results of a thermal solve: per-rack and per-unit figures plus fields."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class RackResult:
    id: str
    inlet_mean_c: float      # area mean over the front face
    inlet_max_c: float
    inlet_lower_c: float     # bottom third of the front face
    inlet_middle_c: float
    inlet_upper_c: float
    exhaust_mean_c: float    # rear face: inlet mean + (P - Q_door) / (rho cp Q)
    power_kw: float
    airflow_m3s: float
    inlet_mean_se_k: float = float("nan")   # standard error of the averaged intake mean (accurate model)
    door_kw: float = 0.0     # heat the rear door takes out of the exhaust (0 without a door)


@dataclass(frozen=True)
class UnitResult:
    id: str
    state: str               # running | failed
    return_temp_c: float     # area mean over the return (top) face; NaN if failed
    load_kw: float           # rho cp Q (T_return - T_supply); 0 if failed
    supply_temp_c: float
    airflow_m3s: float
    return_se_k: float = float("nan")       # standard error of the averaged return (accurate model)
    kind: str = "crah"       # crah (floor supply) | inrow


@dataclass(frozen=True)
class SensorResult:
    id: str
    kind: str                # air_temperature
    position_m: tuple[float, float, float]
    value_c: float           # the field interpolated at the position


@dataclass(frozen=True)
class ThermalResult:
    """What a solver returns. Fields are cell-centred on the solver grid.

    `temperature_c` has shape (nx, ny, nz) with NaN inside solid boxes;
    `velocity_ms` has shape (nx, ny, nz, 3). Cell (i, j, k) has its centre at
    origin + ((i+0.5) cell_m, (j+0.5) cell_m, (k+0.5) cell_m).
    """
    layout_name: str
    model: str               # "accurate" | "preview"
    cell_m: float
    fluid_cells: int
    solve_seconds: float
    racks: dict[str, RackResult]
    cooling_units: dict[str, UnitResult]
    it_power_kw: float
    removed_kw: float        # cooling units' air-side load plus rear doors
    temperature_c: np.ndarray = field(repr=False)
    velocity_ms: np.ndarray = field(repr=False)
    iterations: int = 0
    converged: bool = True
    notes: tuple[str, ...] = ()
    stop_reason: str = ""    # accurate model: "uncertainty", "steady" or "iteration cap"
    sensors: dict = field(default_factory=dict)   # sensor id -> SensorResult
    door_kw: float = 0.0     # heat removed by rear doors (included in removed_kw)
    # Raised floor: every tile's flow and plenum pressure (twin.geometry.TileFlow), layout order.
    tiles: tuple = ()

    @property
    def uncertainty_k(self) -> float:
        """Largest standard error of a rack intake mean (NaN when the model states none)."""
        se = [r.inlet_mean_se_k for r in self.racks.values()]
        return max(se) if se else float("nan")

    @property
    def energy_error_pct(self) -> float:
        """(removed - IT) / IT in percent; 0 for a room with no IT load."""
        if self.it_power_kw <= 0:
            return 0.0
        return 100.0 * (self.removed_kw - self.it_power_kw) / self.it_power_kw
