"""Accurate model: steady RANS with standard k-epsilon, wall functions and Boussinesq buoyancy.

Pseudo-transient finite volumes on a staggered grid: implicit upwind + TVD
deferred correction for u, v, w, T, k, epsilon; incremental pressure
projection with a multigrid hierarchy built once. The converged discrete
equations do not contain the pseudo time step. Like the CFD reference, the
iterates keep oscillating a little near row ends, so results are running
averages after the start-up, stopped when every rack and return mean settles.
Equations and sources: docs/thermal.md.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from twin.model.layout import Layout
from twin.thermal import SolveCancelled, SolverError
from twin.thermal import kernels as K
from twin.thermal import terms
from twin.thermal.extract import assemble_result, cell_velocities, mixed_supply_temp_c
from twin.thermal.grid import Grid, GridError, build_grid
from twin.thermal.projection import Projector
from twin.thermal.regions import check_regions
from twin.thermal.stopping import detrended_standard_errors, standard_errors
from twin.thermal.constants import (BETA_1K, C_1, C_2, C_MU, E_WALL, GRAVITY_MS2, INLET_INTENSITY,
                                    INLET_LENGTH_M, KAPPA, NU_M2S, PR, PR_T, SIGMA_EPS, SIGMA_K,
                                    START_EPS_M2S3, START_K_M2S2, Y_PLUS_LAM)
from twin.thermal.rans_setup import Geometry


WARM_STARTUP_ITERS = 20   # start-up of a warm start: the fields already carry the flow


@dataclass
class Settings:
    """Numerical settings: they change the cost, not the converged answer."""
    cfl: float = 4.0                 # pseudo time step in units of h / U_max (implicit: > 1 is fine)
    sweeps: int = 2                  # symmetric Gauss-Seidel sweeps per equation and step
    min_startup_iters: int = 100     # averaging starts after this and once heat in = heat out
    startup_energy_pct: float = 0.5  # ... within this many percent (mean of the last 50 iterations)
    settled_energy_pct: float = 0.2  # the averaged fields must balance this well to stop
    max_startup_iters: int = 1500
    min_avg_iters: int = 100
    max_iters: int = 6000
    settle_tol_k: float = 0.1        # stop when every rack/return mean has this standard error
    relaxed_after: int = 3000        # ... or, after this many averaged iterations,
    relaxed_tol_k: float = 0.2       # this one (a flow that wanders between states slowly)
    steady_tol_k: float = 0.01       # iterates move less than this over 50 iterations: steady
    turbulence: bool = True          # False: laminar (tests only)
    buoyant_production: bool = True  # buoyancy term in the k equation
    momentum_scheme: int = 1         # 0 van Leer TVD, 1 linear upwind (central gradient)
    scalar_scheme: int = 0
    turbulence_dt: float = 0.25      # k and epsilon step this fraction of the flow's pseudo time step
    poisson_tol: float = 3e-3        # relative residual of each pressure solve (plain V-cycles)


def solve_rans(layout: Layout, cell_m: float = 0.2, progress=None, cancel=None,
               snapshot=None, snapshot_every: int = 25, warm_from=None, **options):
    """Solve the accurate model and return a ThermalResult.

    snapshot(result) receives the current answer every `snapshot_every`
    iterations (for live maps); warm_from (a previous RansState of the same
    room) starts from its fields, which shortens the start-up after an edit.
    """
    cfl = options.pop("cfl", Settings.cfl)
    for attempt in range(3):
        state = prepare_rans(layout, cell_m, cfl=cfl, **options)
        if warm_from is not None and attempt == 0:
            state.warm_start(warm_from)
        try:
            with np.errstate(over="ignore", invalid="ignore"):   # a diverging try is retried
                return state.solve(progress, cancel, snapshot, snapshot_every)
        except Diverged:
            cfl /= 2        # the steady answer does not depend on it: retry with smaller steps
    raise SolverError("the airflow solution diverged even with small pseudo time steps; "
                      "try a finer grid (--cell-m)")


class Diverged(Exception):
    """The iterates left the physical range; the caller retries with a smaller step."""


def prepare_rans(layout: Layout, cell_m: float = 0.2, **options) -> "RansState":
    """Build the grid and initial fields; raises SolverError for rooms it cannot solve."""
    settings = Settings(**options)
    if not any(u.running for u in layout.cooling_units):
        raise SolverError("no running cooling unit: the room has no steady state "
                          "(use the transient ride-through instead)")
    try:
        grid = build_grid(layout, cell_m)
    except GridError as exc:
        raise SolverError(str(exc)) from None
    index, _, stagnant = check_regions(grid)
    state = RansState(layout, grid, settings)
    if len(stagnant):
        state.T[np.isin(index, stagnant)] = state.t_supply_c   # sealed pockets no air crosses
    return state


class RansState:
    """Fields and one pseudo-time iteration of the coupled equations."""

    def __init__(self, layout: Layout, grid: Grid, settings: Settings):
        self.layout, self.grid, self.s = layout, grid, settings
        self.geo = Geometry(grid, layout)
        self.free, fixed = grid.face_bc()
        self.vel = [f.copy() for f in fixed]
        self.t_supply_c = mixed_supply_temp_c(layout)
        q_supply = sum(u.airflow_m3s for u in layout.cooling_units if u.running)
        rise_k = layout.it_power_kw * 1000 / (layout.air.rho_cp * q_supply)
        u_max = max(abs(p.velocity_ms) for p in grid.patches)
        self.dt = settings.cfl * min(grid.spacing_m) / max(u_max, 0.2)
        self.p = np.zeros(grid.shape)
        self.T = np.full(grid.shape, self.t_supply_c + 0.5 * rise_k)   # halfway to the mixed return
        self.k = np.full(grid.shape, START_K_M2S2)
        self.eps = np.full(grid.shape, START_EPS_M2S3)
        self.nut = np.zeros(grid.shape)
        self.projector = Projector(grid, self.free, tol=settings.poisson_tol, maxiter=20)
        self.coef = [np.zeros((7,) + f.shape) for f in self.free] + [np.zeros((7,) + grid.shape)]
        self.sum_T = np.zeros(grid.shape)
        self.sum_vel = [np.zeros(f.shape) for f in self.free]
        self.n_avg = 0
        self.settled = False
        self.notes: list[str] = []
        self._samples: list[np.ndarray] = []
        self.se_k = None              # standard error of every monitored mean (racks, returns)
        self.tau_iters = float("nan") # their largest integrated autocorrelation time
        self.stop_reason = ""
        self.warm = False
        self.startup_iters = 0
        self.drift_restarts = 0       # averages started again because the window drifted
        self.relaxed = False          # the window passed relaxed_after: relaxed_tol_k applies
        self._kernel_geometry()

    def _kernel_geometry(self):
        """Wall counts in the layout the compiled wall-function kernels read."""
        geo, h = self.geo, self.grid.spacing_m
        self.wall_n = np.zeros((3,) + self.grid.shape)
        for a, wall in geo.cell_walls:
            self.wall_n[a] += wall
        self.drag_args = []
        self.patch_noslip_m = []     # per control volume: sum of patch-edge area / half spacing
        for a in range(3):
            b1, b2 = (b for b in range(3) if b != a)
            g = np.zeros(self.vel[a].shape)
            for b in (b1, b2):
                g += geo.patch_count[a][b] * self.grid.face_area_m2(b) / (0.5 * h[b])
            self.patch_noslip_m.append(g)
            self.drag_args.append((np.ascontiguousarray(geo.wall_count[a][b1], dtype=float),
                                   np.ascontiguousarray(geo.wall_count[a][b2], dtype=float),
                                   self.grid.face_area_m2(b1), self.grid.face_area_m2(b2),
                                   0.5 * h[b1], 0.5 * h[b2]))

    def solve(self, progress=None, cancel=None, snapshot=None, snapshot_every: int = 25):
        """Iterate to the answer and package it as a ThermalResult."""
        t0 = time.perf_counter()

        def on_iteration(it):
            if snapshot is not None and it % snapshot_every == 0:
                snapshot(self.result(time.perf_counter() - t0, it))
        n = self.run(progress, cancel, on_iteration)
        return self.result(time.perf_counter() - t0, n, final=True)

    def result(self, seconds: float, iterations: int, final: bool = False):
        """The current answer: averaged fields once averaging runs, else the iterate."""
        T, vel = self.averaged_fields()
        return assemble_result(self.layout, self.grid, T, vel, model="accurate",
                               seconds=seconds, iterations=iterations,
                               converged=self.settled if final else False, notes=self.notes,
                               uncertainty_k=self.uncertainty_by_id(),
                               stop_reason=self.stop_reason if final else "")

    def uncertainty_by_id(self) -> dict:
        """Standard error (K) of every rack intake and return mean, by id; empty if not known."""
        if self.se_k is None:
            return {}
        ids = [r.id for r in self.layout.racks] + [p.owner for p in self.grid.patches_of("unit_return")]
        return dict(zip(ids, map(float, self.se_k)))

    def warm_start(self, other: "RansState") -> None:
        """Take another state's fields where both grids have fluid (same room size only)."""
        if other.grid.shape != self.grid.shape:
            return
        both = self.grid.fluid & other.grid.fluid
        for name in ("T", "k", "eps", "p"):
            getattr(self, name)[both] = getattr(other, name)[both]
        for mine, theirs, free in zip(self.vel, other.vel, self.free):
            mine[free] = theirs[free]
        self.projector.project(*self.vel, self.dt)
        self.warm = True       # the start-up is mostly done: average once heat balances

    # -- one iteration -------------------------------------------------------
    def step(self) -> None:
        self._update_nut()
        for a in range(3):
            self._momentum(a)
        self.p += self.projector.project(*self.vel, self.dt)
        self._temperature()
        if self.s.turbulence:
            self._turbulence()

    def _update_nut(self):
        if not self.s.turbulence:
            self.nut[:] = 0.0
            return
        nut = C_MU * self.k ** 2 / np.maximum(self.eps, 1e-12)
        self.nut = np.where(self.grid.fluid, np.minimum(nut, 1.0), 0.0)

    def _momentum(self, a: int) -> None:
        geo, grid = self.geo, self.grid
        ua = self.vel[a]
        nu_eff = NU_M2S + self.nut
        F = []
        for b in range(3):      # volume fluxes through the faces of a's control volumes
            shape = list(ua.shape)
            shape[b] += 1
            F.append(np.empty(shape))
            # Air leaving through a patch takes no tangential momentum with it (the patch's
            # velocity is normal to it) and air entering brings none: the patch halves of the
            # control volume's faces carry no flux of component a.
            src = self.vel[b] if b == a else self.vel[b] * geo.not_patch[b]
            terms.staggered_flux(src, a, grid.face_area_m2(b), F[b])
        D = [None, None, None]
        h = grid.spacing_m
        for b in range(3):
            area = grid.face_area_m2(b)
            if b == a:
                d = np.zeros(F[b].shape)
                sl = [slice(None)] * 3
                sl[a] = slice(1, -1)
                d[tuple(sl)] = nu_eff * area / h[a]
            else:
                d = np.empty(F[b].shape)
                terms.edge_conductance(nu_eff, a, b, area, h[b], geo.mom_wall[a][b], d)
            D[b] = d
        sp_wall = np.empty(ua.shape)
        K.wall_drag(a, self.k, *self.drag_args[a], C_MU, KAPPA, E_WALL, Y_PLUS_LAM, NU_M2S, sp_wall)
        # Tangential shear on patches: no slip with the adjacent cells' effective viscosity.
        terms.patch_shear(nu_eff, a, self.patch_noslip_m[a], sp_wall)
        vol = grid.cell_volume_m3
        b_src = np.empty(ua.shape)
        terms.momentum_source(ua, self.p, self.T, a, h[a], vol, vol / self.dt,
                              GRAVITY_MS2 * BETA_1K, self.t_supply_c, b_src)
        active = self.free[a]
        K.deferred_correction(ua, active, F[0], F[1], F[2], b_src, self.s.momentum_scheme)
        coef = self.coef[a]
        K.assemble(active, F[0], F[1], F[2], D[0], D[1], D[2], sp_wall, vol / self.dt, coef)
        bx, by, bz = geo.zero_bounds[a]
        K.gauss_seidel(ua, active, coef, b_src, bx, by, bz, self.s.sweeps)

    def _scalar(self, phi, gamma, su, sp, bounds, inflow_values, dt=None):
        """Implicit transport of a cell scalar with diffusivity gamma (m2/s), pseudo step dt (s)."""
        geo, grid = self.geo, self.grid
        dt = self.dt if dt is None else dt
        F = geo.cell_fluxes(self.vel)
        D = geo.cell_conductances(gamma)
        K.rear_inflow_fill(phi, geo.rear_solid_cells, inflow_values, geo.rear_owner)
        vol = grid.cell_volume_m3
        b = su * vol + (vol / dt) * phi
        K.deferred_correction(phi, grid.fluid, F[0], F[1], F[2], b, self.s.scalar_scheme)
        coef = self.coef[3]
        K.assemble(grid.fluid, F[0], F[1], F[2], D[0], D[1], D[2], sp * vol, vol / dt, coef)
        K.gauss_seidel(phi, grid.fluid, coef, b, *bounds, self.s.sweeps)

    def _temperature(self):
        geo = self.geo
        front = K.segment_mean(self.T, geo.front_cells, geo.front_owner, geo.n_racks)
        gamma = NU_M2S / PR + self.nut / PR_T
        zero = np.zeros(self.grid.shape)
        tile_c = self.t_supply_c if geo.tile_temp_c is None else geo.tile_temp_c
        self._scalar(self.T, gamma, zero, zero, geo.scalar_bounds(tile_c), geo.inflow_temps(front))

    def _turbulence(self):
        geo, grid = self.geo, self.grid
        k, eps = self.k, self.eps
        cell_vel = cell_velocities(*self.vel)
        uc, vc, wc = (np.ascontiguousarray(cell_vel[..., i]) for i in range(3))
        s2 = np.zeros(grid.shape)
        K.strain_rate_sq_par(uc, vc, wc, grid.fluid, *grid.spacing_m, s2)
        g_wall, eps_wall = np.empty(grid.shape), np.empty(grid.shape)
        K.wall_turbulence(k, uc, vc, wc, self.wall_n, *grid.spacing_m, C_MU, KAPPA, E_WALL,
                          Y_PLUS_LAM, NU_M2S, g_wall, eps_wall)
        wc_mask = geo.wall_cell
        su_k, sp_k, su_e, sp_e = (np.empty(grid.shape) for _ in range(4))
        gb_coef = -GRAVITY_MS2 * BETA_1K if self.s.buoyant_production else 0.0
        terms.turbulence_sources(k, eps, self.nut, s2, self.T, grid.fluid, wc_mask, g_wall,
                                 grid.spacing_m[2], gb_coef, PR_T, C_1, C_2, su_k, sp_k, su_e, sp_e)
        k_in, eps_in = geo.inflow_turbulence(INLET_INTENSITY, INLET_LENGTH_M, C_MU)
        # a shorter pseudo step for k and epsilon (stronger under-relaxation): with the flow's
        # step the turbulence and the row-end flow can settle into a slow limit cycle
        dt_turb = self.dt * self.s.turbulence_dt
        self._scalar(k, NU_M2S + self.nut / SIGMA_K, su_k, sp_k, geo.scalar_bounds(k_in["tile"]),
                     k_in["rear"], dt_turb)
        np.maximum(k, 1e-10, out=k)
        self._scalar(eps, NU_M2S + self.nut / SIGMA_EPS, su_e, sp_e,
                     geo.scalar_bounds(eps_in["tile"]), eps_in["rear"], dt_turb)
        eps[wc_mask] = eps_wall[wc_mask]
        np.maximum(eps, 1e-12, out=eps)

    # -- driving, averaging, stopping ---------------------------------------
    def monitor_values(self) -> np.ndarray:
        geo = self.geo
        front = K.segment_mean(self.T, geo.front_cells, geo.front_owner, geo.n_racks)
        ret = K.segment_mean(self.T, geo.return_cells, geo.return_owner, geo.n_units)
        return np.concatenate([front, ret])

    def run(self, progress=None, cancel=None, on_iteration=None) -> int:
        """Iterate: start-up until heat in = heat out, then average until the means are certain."""
        s = self.s
        averaging, samples, energy = False, [], []
        for it in range(1, s.max_iters + 1):
            self.step()
            if on_iteration is not None:
                on_iteration(it)
            if it % 10 == 0:
                if not self._physical():
                    raise Diverged()
                samples.append(self.monitor_values())
                if self._is_steady(samples):
                    return self._stop(it, "steady")
                energy.append(self.energy_error_pct())
                smooth = float(np.mean(energy[-5:]))
                min_startup = WARM_STARTUP_ITERS if self.warm else s.min_startup_iters
                if not averaging and it >= min_startup and (
                        abs(smooth) < s.startup_energy_pct or it >= s.max_startup_iters):
                    averaging = True
                    self.startup_iters = it
            if averaging:
                self._accumulate()
                self._samples.append(self.monitor_values())
                if self._is_settled():
                    if abs(self.averaged_energy_error_pct()) < s.settled_energy_pct:
                        return self._stop(it, "uncertainty")
                    self._reset_average()      # start-up still inside the mean: drop it
            if it % 20 == 0:
                if cancel is not None and cancel():
                    raise SolveCancelled()
                if progress is not None:
                    progress(self._fraction(it, averaging), self._progress_message(it, averaging))
        self.stop_reason = "iteration cap"
        if self.se_k is not None:
            self.notes.append(f"stopped at the cap of {s.max_iters} iterations: the averaged intakes "
                              f"are uncertain by up to {self.se_k.max():.2f} K (standard error)")
        else:
            self.notes.append(f"the iterations did not settle within {s.max_iters} iterations")
        return s.max_iters

    def _is_steady(self, samples) -> bool:
        """A true fixed point: monitors moved < steady_tol_k over 50 iterations, heat balanced."""
        if len(samples) <= 6:
            return False
        change = np.abs(samples[-1] - samples[-6])
        if change.max() >= self.s.steady_tol_k or abs(self.energy_error_pct()) >= 0.1:
            return False
        self.se_k = change            # the remaining drift bounds the error of the iterate
        return True

    def _stop(self, it: int, reason: str) -> int:
        if reason == "steady":
            drift = self.se_k
            self._reset_average()      # report the fixed point itself, not a mean
            self._accumulate()
            self.se_k = drift
        elif self.relaxed:
            self.notes.append(f"the row ends wander slowly between flow states: after {self.n_avg} "
                              f"averaged iterations the intakes are stated to "
                              f"+-{float(self.se_k.max()):.2f} K (standard error), above the "
                              f"{self.s.settle_tol_k:g} K aimed at")
        self.settled = True
        self.stop_reason = reason
        return it

    def averaged_energy_error_pct(self) -> float:
        """Heat balance of the averaged temperature field, in percent of IT power."""
        return self.energy_error_pct(self.sum_T / max(self.n_avg, 1))

    def _physical(self) -> bool:
        """Temperatures finite and within a wide band around supply..exhaust temperatures."""
        t = self.T[self.grid.fluid]
        if not np.isfinite(t).all():
            return False
        rise = float(self.geo.rack_rise_k.max(initial=0.0))
        return bool(t.min() > self.t_supply_c - 20.0 and t.max() < self.t_supply_c + 4 * rise + 50.0)

    def energy_error_pct(self, T=None) -> float:
        """Heat removed by the returns and rear doors minus IT power, in percent of IT power."""
        geo = self.geo
        T = self.T if T is None else T
        ret = K.segment_mean(T, geo.return_cells, geo.return_owner, geo.n_units)
        removed_w = float((geo.return_flow_m3s * (ret - geo.return_supply_c)).sum()) * self.layout.air.rho_cp
        front = K.segment_mean(T, geo.front_cells, geo.front_owner, geo.n_racks)
        removed_w += float(geo.door_heat_w(front).sum())
        it_w = self.layout.it_power_kw * 1000.0
        return 0.0 if it_w <= 0 else 100.0 * (removed_w - it_w) / it_w

    def _fraction(self, it: int, averaging: bool) -> float:
        s = self.s
        if not averaging:
            return 0.5 * min(it / max(s.min_startup_iters * 3, 1), 0.95)
        return min(0.5 + 0.5 * self.n_avg / max(s.min_avg_iters, 1), 0.99)

    def _reset_average(self):
        self._samples.clear()
        self.se_k = None
        self.sum_T[:] = 0.0
        for acc in self.sum_vel:
            acc[:] = 0.0
        self.n_avg = 0

    def _accumulate(self):
        self.sum_T += self.T
        for acc, v in zip(self.sum_vel, self.vel):
            acc += v
        self.n_avg += 1

    def _is_settled(self) -> bool:
        """Standard error of every monitored mean below the tolerance (autocorrelation-aware).

        SE = sqrt(var tau / n) with tau the integrated autocorrelation time of the
        iterates (twin/thermal/stopping.py). A leftover start-up drift shows as a
        long tau and as a trend across the window; either keeps the solver going.
        """
        s = self.s
        n = len(self._samples)
        if n < s.min_avg_iters * (2 if self.drift_restarts else 1) or n % 10:
            return False
        samples = np.asarray(self._samples)
        se, tau, trend = standard_errors(samples)
        self.se_k, self.tau_iters = se, float(tau.max())
        tol = s.settle_tol_k if n < s.relaxed_after else s.relaxed_tol_k
        # a stationary series' fitted trend has a standard error of sqrt(12) SE: flag only
        # trends twice that (and above 2 tol), i.e. a drift, not the oscillation's noise
        drifting = trend > np.maximum(2 * np.sqrt(12.0) * se, 2 * tol)
        if (drifting.any() and n >= 2 * s.min_avg_iters and self.drift_restarts < 3
                and self._clear_drift(samples, trend)):
            # the window still holds the approach to the flow the iterates settled into: a
            # mean over it would carry that drift however long it grew, so start it again
            # (then over at least twice the shortest window, so that Sokal's estimate of tau
            # sees more than one period of a slow oscillation). Only a clear drift (twice the
            # stopping threshold against the noise around the trend), and at most three
            # times: in a strongly unsteady room the noise alone crosses the stopping
            # threshold now and then.
            self._reset_average()
            self.drift_restarts += 1
            return False
        self.relaxed = tol > s.settle_tol_k
        return float(se.max()) <= tol and not drifting.any()

    def _clear_drift(self, samples, trend) -> bool:
        """A trend four times its own noise (the detrended series' standard error) and
        above twice the tolerance: the window holds a drift, not a slow oscillation."""
        se_noise = detrended_standard_errors(samples)
        return bool((trend > np.maximum(4 * np.sqrt(12.0) * se_noise,
                                        2 * self.s.settle_tol_k)).any())

    def _progress_message(self, it: int, averaging: bool) -> str:
        if not averaging:
            phase = "start-up"
        elif self.se_k is None:
            phase = f"averaging {self.n_avg}"
        else:
            phase = f"averaging {self.n_avg}, +-{float(self.se_k.max()):.2f} K"
        racks = self.monitor_values()[:self.geo.n_racks]
        hottest = f", hottest intake {float(racks.max()):.2f} °C" if len(racks) else ""
        return f"iteration {it} ({phase}), heat balance {self.energy_error_pct():+.1f} %{hottest}"

    def averaged_fields(self):
        if self.n_avg == 0:
            return self.T.copy(), cell_velocities(*self.vel)
        T = self.sum_T / self.n_avg
        vel = [acc / self.n_avg for acc in self.sum_vel]
        return T, cell_velocities(*vel)
