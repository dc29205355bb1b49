"""Readings sampled from a known truth: for verifying calibration and the live watch.

`perturbed_truth` applies the verification's perturbation to a layout
(every rack's airflow x 0.8, one unit's supply +1.5 K, another unit's
airflow x 0.7); `sample_readings` solves a truth layout and writes what its
sensors, units and racks would read, with Gaussian noise of a stated size.
"""
from __future__ import annotations

import copy
import csv
import io

import numpy as np

from twin.calibrate.measured import bind
from twin.calibrate.params import predictions, scale_rack_airflow
from twin.model.layout import Layout
from twin.telemetry.csvfile import format_timestamp

EPOCH_S = 1_767_600_000.0     # 2026-01-05T08:00:00Z: where synthetic time starts


def perturbed_truth(layout: Layout, rack_factor: float = 0.8, supply_unit: str = None,
                    supply_k: float = 1.5, airflow_unit: str = None,
                    airflow_factor: float = 0.7) -> tuple[Layout, dict]:
    """(truth layout, the true parameter values by parameter id) for a nominal layout."""
    truth = copy.deepcopy(layout)
    running = [u for u in truth.cooling_units if u.running]
    supply_unit = supply_unit or running[-1].id
    airflow_unit = airflow_unit or running[0].id
    for rack in truth.racks:
        scale_rack_airflow(rack, rack_factor)
    truth.unit(supply_unit).supply_temp_c += supply_k
    truth.unit(airflow_unit).airflow_m3s *= airflow_factor
    values = {f"{u.id} airflow": 1.0 for u in running} | {f"{u.id} supply": 0.0 for u in running}
    values[f"{supply_unit} supply"] = supply_k
    values[f"{airflow_unit} airflow"] = airflow_factor
    return truth, values


def default_names(layout: Layout) -> list[str]:
    """Every sensor plus each running unit's supply and return temperature and fan speed."""
    names = [s.id for s in layout.sensors]
    for unit in layout.cooling_units:
        if unit.running:
            names += [f"unit:{unit.id}:{q}" for q in ("supply_c", "return_c", "fan_pct")]
    return names


def truth_values(truth: Layout, nominal: Layout, names: list[str], cell_m: float = 0.3,
                 model: str = "accurate") -> dict[str, float]:
    """The noise-free value of every named channel in the solved truth."""
    from twin import thermal
    channels = [bind(nominal, n) for n in names]
    result = thermal.solve(truth, cell_m=cell_m, model=model)
    return dict(zip(names, predictions(truth, nominal, result, channels)))


def readings_csv(values_by_time: list[tuple[float, dict[str, float]]]) -> str:
    """A measured file's text from (time, {name: value}) frames."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("timestamp", "sensor", "value"))
    for time_s, values in values_by_time:
        for name, value in values.items():
            writer.writerow((format_timestamp(time_s), name, f"{value:.3f}"))
    return out.getvalue()


def sample_readings(values: dict[str, float], frames: int = 10, step_s: float = 60.0,
                    noise_k: float = 0.1, seed: int = 1, start_s: float = EPOCH_S):
    """`frames` noisy copies of `values`, one every `step_s`: [(time, {name: value})]."""
    rng = np.random.default_rng(seed)
    return [(start_s + i * step_s, {n: v + float(rng.normal(0.0, noise_k)) for n, v in values.items()})
            for i in range(frames)]
