"""Run an OpenFOAM case: mesh, solve with a stop rule on running means, post-process.

The steady solver does not settle to a fixed point in these rooms (row-end
intakes keep oscillating), so results are iteration averages and the run
stops when every rack-front and return running mean has stopped moving.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from twin.cfd.case import MESH_STEPS, SOLVER, CaseSettings
from twin.model.objects import door_heat_kw

BASHRC_CANDIDATES = ("/usr/share/openfoam/etc/bashrc", "/usr/lib/openfoam/openfoam1912/etc/bashrc",
                     "/opt/openfoam1912/etc/bashrc", "/opt/OpenFOAM-v1912/etc/bashrc")
NOT_FOUND = ("OpenFOAM not found: install it with `apt-get install openfoam` (Debian) or from "
             "openfoam.com, or set FOAM_BASHRC to its etc/bashrc")

_TIME = re.compile(r"^Time = (\d+)\s*$")
_RESID = re.compile(r"Solving for (\w+), Initial residual = ([-+\deE.naif]+),")
_MEAN = re.compile(r"areaAverage\((\S+)\) of T = ([-+\deE.naif]+)")


class OpenFOAMNotFound(RuntimeError):
    """No OpenFOAM installation could be found."""


class CFDError(RuntimeError):
    """An OpenFOAM step failed; the message names the step and its log."""


class CFDDiverged(CFDError):
    """The iterates left the physical range (a mean below the supply air, or NaN)."""

    def __init__(self, message: str, iteration: int):
        super().__init__(message)
        self.iteration = iteration


class CFDCancelled(Exception):
    """The caller's cancel() returned True; the process group was killed."""


@dataclass(frozen=True)
class StopRule:
    """Stop when every running mean moved < tol_k over `window_iters`, after `min_avg_iters` averaged."""
    start_avg_iter: int = 800
    min_avg_iters: int = 1000
    window_iters: int = 200
    tol_k: float = 0.05


@dataclass
class SolveProgress:
    """What a progress callback receives once per iteration."""
    iteration: int
    max_iter: int
    residuals: dict[str, float]
    running_means_c: dict[str, float]
    averaged_iters: int
    seconds: float


@dataclass
class RunningMeans:
    """Per-patch running means of the iterates from the start of averaging, with history."""
    start_iter: int
    sums: dict[str, float] = field(default_factory=dict)
    sq_sums: dict[str, float] = field(default_factory=dict)
    count: int = 0
    history: list[dict[str, float]] = field(default_factory=list)

    def add(self, iteration: int, values: dict[str, float]) -> None:
        if iteration < self.start_iter or not values:
            return
        for name, v in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + v
            self.sq_sums[name] = self.sq_sums.get(name, 0.0) + v * v
        self.count += 1
        self.history.append(self.means())

    def means(self) -> dict[str, float]:
        return {n: s / self.count for n, s in self.sums.items()} if self.count else {}

    def stds(self) -> dict[str, float]:
        """Standard deviation of the iterates in the averaging window (how much they oscillate)."""
        if not self.count:
            return {}
        return {n: max(self.sq_sums[n] / self.count - (s / self.count) ** 2, 0.0) ** 0.5
                for n, s in self.sums.items()}

    def settled(self, rule: StopRule) -> bool:
        if self.count < max(rule.min_avg_iters, rule.window_iters + 1):
            return False
        now, before = self.history[-1], self.history[-1 - rule.window_iters]
        return all(abs(now[n] - before.get(n, float("inf"))) < rule.tol_k for n in now)


def openfoam_env() -> dict[str, str]:
    """The environment OpenFOAM's bashrc sets up; raise OpenFOAMNotFound if there is none."""
    candidates = [os.environ["FOAM_BASHRC"]] if os.environ.get("FOAM_BASHRC") else []
    if os.environ.get("WM_PROJECT_DIR"):
        candidates.append(os.path.join(os.environ["WM_PROJECT_DIR"], "etc", "bashrc"))
    bashrc = next((c for c in candidates + list(BASHRC_CANDIDATES) if os.path.isfile(c)), None)
    if bashrc is None or shutil.which("bash") is None:
        raise OpenFOAMNotFound(NOT_FOUND)
    out = subprocess.run(["bash", "-c", f'. "{bashrc}" >/dev/null 2>&1; env -0'],
                         capture_output=True, check=False).stdout
    env = dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)
    if shutil.which(SOLVER, path=env.get("PATH")) is None:
        raise OpenFOAMNotFound(NOT_FOUND)
    return env


def _popen(cmd: list[str], case: Path, env: dict) -> subprocess.Popen:
    """Start a command in its own process group, stdout+stderr piped (the reader writes the log)."""
    return subprocess.Popen(cmd, cwd=case, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1, start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_step(cmd: list[str], case: Path, env: dict, log_name: str, cancel=None) -> None:
    """Run one OpenFOAM utility to completion; raise CFDError with the log tail on failure."""
    log_path = case / f"log.{log_name}"
    proc = _popen(cmd, case, env)
    with open(log_path, "w") as log:
        for line in proc.stdout:
            log.write(line)
            if cancel is not None and cancel():
                _kill(proc)
                raise CFDCancelled()
    if proc.wait() != 0:
        tail = "".join(log_path.read_text().splitlines(True)[-15:])
        raise CFDError(f"{' '.join(cmd)} failed (see {log_path}):\n{tail}")


def mesh(case: Path, env: dict, cancel=None) -> None:
    """blockMesh → topoSet → subsetMesh → topoSet (faces) → createPatch, then fresh fields in 0/."""
    for i, step in enumerate(MESH_STEPS):
        run_step(step, case, env, step[0] + (f".{i}" if i else ""), cancel)
    shutil.rmtree(case / "0", ignore_errors=True)
    shutil.copytree(case / "0.orig", case / "0")


def request_stop(case: Path) -> None:
    """Ask the running solver to write now and stop (it re-reads controlDict every iteration)."""
    path = case / "system" / "controlDict"
    text = re.sub(r"(?m)^stopAt\s+\w+;", "stopAt writeNow;", path.read_text())
    path.write_text(text)


UNDERSHOOT_K = 1.0        # a monitored mean this far below the supply is a diverged solve
HEAT_RATIO_LIMIT = 2.0    # after the start-up, returns removing this many times the racks' heat (or
                          # 1/this) in one iterate is a solve running away, not an oscillation


@dataclass(frozen=True)
class HeatBudget:
    """What a healthy iterate's returns must roughly carry away: the racks' heat less what their
    rear doors take out of the exhaust, in K m3/s."""
    return_flows_m3s: dict[str, float]     # return patch name -> volume flow
    rack_heat_km3s: float                  # sum over racks of flow x temperature rise
    after_iter: int                        # checked from here (the start-up may swing widely)
    doors: tuple = ()                      # (front patch name, flow m3/s, rise K, RearDoor) per door
    rho_cp: float = 1.19 * 1006.0          # J/(m3 K), to turn a door's kW into K m3/s

    @classmethod
    def of_grid(cls, grid, after_iter: int, rho_cp: float = 1.19 * 1006.0) -> "HeatBudget":
        front_of = {p.owner: p.name for p in grid.by_kind("front")}
        rears = grid.by_kind("rear")
        doors = tuple((front_of[p.owner], p.flow_m3s, p.delta_t_k, p.rear_door)
                      for p in rears if p.rear_door is not None)
        return cls({p.name: p.flow_m3s for p in grid.by_kind("return")},
                   sum(p.flow_m3s * p.delta_t_k for p in rears), after_iter, doors, rho_cp)

    def room_heat_km3s(self, values: dict[str, float]) -> float | None:
        """The racks' heat that reaches the room air in this iterate (a door's share depends on
        its rack's intake); None while a door rack's intake is not yet monitored."""
        if not all(front in values for front, *_ in self.doors):
            return None
        door_kw = sum(door_heat_kw(values[front], rise, q, self.rho_cp, door)
                      for front, q, rise, door in self.doors)
        return self.rack_heat_km3s - door_kw * 1000.0 / self.rho_cp

    def ratio(self, values: dict[str, float], supply_temp_c: float) -> float | None:
        """Heat removed by the returns in this iterate over the racks' heat left in the room
        (None if not measurable)."""
        heat = self.room_heat_km3s(values)
        if heat is None or heat <= 0 or not all(n in values for n in self.return_flows_m3s):
            return None
        removed = sum(q * (values[n] - supply_temp_c) for n, q in self.return_flows_m3s.items())
        return removed / heat


def solve(case: Path, env: dict, settings: CaseSettings, rule: StopRule,
          progress: Optional[Callable[[SolveProgress], None]] = None, cancel=None,
          supply_temp_c: Optional[float] = None, budget: Optional[HeatBudget] = None) -> RunningMeans:
    """Run the solver until the stop rule or the hard cap; return the running means.

    With `supply_temp_c`, a rack intake or return mean below it by UNDERSHOOT_K
    stops the run with CFDError: the only inflows are supply air and exhausts
    warmer than their intakes, so no air in the room can be colder than the
    supply (see docs/cfd.md). With `budget` as well, an iterate after the start-up
    whose returns remove more than HEAT_RATIO_LIMIT times the racks' heat (or less
    than its inverse) stops it too: the solve is running away.
    """
    if settings.n_procs > 1:
        run_step(["decomposePar", "-force"], case, env, "decomposePar", cancel)
        cmd = ["mpirun", "--allow-run-as-root", "-np", str(settings.n_procs), SOLVER, "-parallel"]
    else:
        cmd = [SOLVER]
    means = RunningMeans(rule.start_avg_iter)
    log_path = case / f"log.{SOLVER}"
    proc = _popen(cmd, case, env)
    state = {"it": 0, "res": {}, "vals": {}, "stop_sent": False, "t0": time.monotonic()}
    with open(log_path, "w") as log:
        for line in proc.stdout:
            log.write(line)
            if cancel is not None and cancel():
                _kill(proc)
                raise CFDCancelled()
            _consume(line, state, means, rule, settings, case, progress)
            problem = _diverged(state, supply_temp_c, budget)
            if problem:
                _kill(proc)
                raise CFDDiverged(f"{SOLVER} diverged at iteration {state['it']}: {problem} "
                                  f"(see {log_path}); try a finer --cell-m or another "
                                  f"--inflow-turbulence", state["it"])
    _finish_iteration(state, means, rule, settings, case, progress)
    if proc.wait() != 0:
        tail = "".join(log_path.read_text().splitlines(True)[-20:])
        raise CFDError(f"{SOLVER} failed (see {log_path}):\n{tail}")
    if settings.n_procs > 1:
        run_step(["reconstructPar", "-latestTime"], case, env, "reconstructPar", cancel)
    run_step(["postProcess", "-func", "writeCellCentres", "-latestTime"], case, env, "writeCellCentres", cancel)
    return means


def _consume(line: str, st: dict, means: RunningMeans, rule: StopRule, settings: CaseSettings,
             case: Path, progress) -> None:
    """Parse one solver log line; when an iteration is complete update means, report, apply the stop rule."""
    m = _TIME.match(line)
    if m is None:
        m = _RESID.search(line)
        if m:
            st["res"].setdefault(m.group(1), float(m.group(2)))
        else:
            m = _MEAN.search(line)
            if m:
                st["vals"][m.group(1)] = float(m.group(2))
        return
    # "Time = N" opens iteration N; the monitors of iteration N-1 printed after its residuals.
    _finish_iteration(st, means, rule, settings, case, progress)
    st["it"], st["res"], st["vals"] = int(m.group(1)), {}, {}


def _finish_iteration(st: dict, means: RunningMeans, rule: StopRule, settings: CaseSettings,
                      case: Path, progress) -> None:
    if not st["it"]:
        return
    means.add(st["it"], st["vals"])
    if progress is not None:
        progress(SolveProgress(st["it"], settings.max_iter, dict(st["res"]), means.means(),
                               means.count, time.monotonic() - st["t0"]))
    if not st["stop_sent"] and means.settled(rule):
        request_stop(case)
        st["stop_sent"] = True


def _diverged(st: dict, supply_temp_c: Optional[float], budget: Optional[HeatBudget] = None) -> str:
    """Why the latest iterate is unphysical ("" when it is not): a mean below the supply, not
    finite, or (after the start-up) a heat balance far outside what the racks put in."""
    for name, value in st["vals"].items():
        if not math.isfinite(value):
            return f"{name} mean temperature is {value}"
        if supply_temp_c is not None and value < supply_temp_c - UNDERSHOOT_K:
            return (f"{name} mean temperature {value:.2f} °C is below the supply air "
                    f"{supply_temp_c:.2f} °C")
    if budget is not None and supply_temp_c is not None and st.get("it", 0) >= budget.after_iter:
        ratio = budget.ratio(st["vals"], supply_temp_c)
        if ratio is not None and not 1.0 / HEAT_RATIO_LIMIT <= ratio <= HEAT_RATIO_LIMIT:
            return f"the returns remove {ratio:.2f} times the racks' heat"
    return ""
