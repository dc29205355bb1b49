"""Compiled (numba) kernels of the accurate model: implicit finite-volume transport.

One kernel serves every transported quantity (u, v, w on their staggered grids,
T, k, epsilon on cells): conservative upwind fluxes solved implicitly with
Gauss-Seidel sweeps, plus a TVD (van Leer) deferred correction that makes the
converged answer second order. Equations: docs/thermal.md.
"""
from __future__ import annotations

import os

# Idle OpenMP workers must sleep, not spin: on a machine shared with other jobs,
# spinning threads take the cores the serial kernels need (set before numba starts them).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402


@njit(cache=True, inline="always")
def _tvd(phi_u, phi_c, phi_d, scheme):
    """Face value minus the upwind value: van Leer (scheme 0) or linear upwind with a
    central cell gradient (scheme 1, phi_c + (phi_d - phi_u) / 4, unbounded)."""
    if scheme == 1:
        return 0.25 * (phi_d - phi_u)
    d = phi_d - phi_c
    if abs(d) < 1e-14:
        return 0.0
    r = (phi_c - phi_u) / d
    ar = abs(r)
    return 0.5 * (r + ar) / (1.0 + ar) * d


@njit(cache=True)
def deferred_correction(phi, active, Fx, Fy, Fz, out, scheme):
    """Add -sum_f F_f (phi_f^TVD - phi_f^upwind) to `out` for every interior face."""
    n0, n1, n2 = phi.shape
    for i in range(1, n0):
        for j in range(n1):
            for k in range(n2):
                F = Fx[i, j, k]
                if F > 0.0:
                    if i - 2 < 0 or not (active[i - 2, j, k] and active[i - 1, j, k] and active[i, j, k]):
                        continue
                    c = F * _tvd(phi[i - 2, j, k], phi[i - 1, j, k], phi[i, j, k], scheme)
                elif F < 0.0:
                    if i + 1 >= n0 or not (active[i + 1, j, k] and active[i - 1, j, k] and active[i, j, k]):
                        continue
                    c = F * _tvd(phi[i + 1, j, k], phi[i, j, k], phi[i - 1, j, k], scheme)
                else:
                    continue
                out[i - 1, j, k] -= c
                out[i, j, k] += c
    for i in range(n0):
        for j in range(1, n1):
            for k in range(n2):
                F = Fy[i, j, k]
                if F > 0.0:
                    if j - 2 < 0 or not (active[i, j - 2, k] and active[i, j - 1, k] and active[i, j, k]):
                        continue
                    c = F * _tvd(phi[i, j - 2, k], phi[i, j - 1, k], phi[i, j, k], scheme)
                elif F < 0.0:
                    if j + 1 >= n1 or not (active[i, j + 1, k] and active[i, j - 1, k] and active[i, j, k]):
                        continue
                    c = F * _tvd(phi[i, j + 1, k], phi[i, j, k], phi[i, j - 1, k], scheme)
                else:
                    continue
                out[i, j - 1, k] -= c
                out[i, j, k] += c
    for i in range(n0):
        for j in range(n1):
            for k in range(1, n2):
                F = Fz[i, j, k]
                if F > 0.0:
                    if k - 2 < 0 or not (active[i, j, k - 2] and active[i, j, k - 1] and active[i, j, k]):
                        continue
                    c = F * _tvd(phi[i, j, k - 2], phi[i, j, k - 1], phi[i, j, k], scheme)
                elif F < 0.0:
                    if k + 1 >= n2 or not (active[i, j, k + 1] and active[i, j, k - 1] and active[i, j, k]):
                        continue
                    c = F * _tvd(phi[i, j, k + 1], phi[i, j, k], phi[i, j, k - 1], scheme)
                else:
                    continue
                out[i, j, k - 1] -= c
                out[i, j, k] += c


@njit(cache=True)
def assemble(active, Fx, Fy, Fz, Dx, Dy, Dz, Sp, vol_dt, coef):
    """Fill coef[0..6] = (aP, aW, aE, aS, aN, aB, aT) of the implicit upwind operator.

    aP = sum_f (D_f + max(F_out_f, 0)) + vol/dt - Sp: the conservative form, so
    the discrete balance holds exactly for divergence-free fluxes.
    """
    n0, n1, n2 = active.shape
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                if not active[i, j, k]:
                    continue
                fw, fe = Fx[i, j, k], Fx[i + 1, j, k]
                fs, fn = Fy[i, j, k], Fy[i, j + 1, k]
                fb, ft = Fz[i, j, k], Fz[i, j, k + 1]
                aw = Dx[i, j, k] + max(fw, 0.0)
                ae = Dx[i + 1, j, k] + max(-fe, 0.0)
                as_ = Dy[i, j, k] + max(fs, 0.0)
                an = Dy[i, j + 1, k] + max(-fn, 0.0)
                ab = Dz[i, j, k] + max(fb, 0.0)
                at = Dz[i, j, k + 1] + max(-ft, 0.0)
                ap = (Dx[i, j, k] + max(-fw, 0.0) + Dx[i + 1, j, k] + max(fe, 0.0)
                      + Dy[i, j, k] + max(-fs, 0.0) + Dy[i, j + 1, k] + max(fn, 0.0)
                      + Dz[i, j, k] + max(-fb, 0.0) + Dz[i, j, k + 1] + max(ft, 0.0))
                coef[0, i, j, k] = ap + vol_dt - Sp[i, j, k]
                coef[1, i, j, k] = aw
                coef[2, i, j, k] = ae
                coef[3, i, j, k] = as_
                coef[4, i, j, k] = an
                coef[5, i, j, k] = ab
                coef[6, i, j, k] = at


@njit(cache=True)
def gauss_seidel(phi, active, coef, b, bx, by, bz, sweeps):
    """Symmetric Gauss-Seidel sweeps on aP phi = sum a_nb phi_nb + b.

    A neighbour outside the array takes its value from the boundary arrays
    bx (2, n1, n2), by (n0, 2, n2), bz (n0, n1, 2) (low side, high side).
    Returns the L1 norm of the last update.
    """
    n0, n1, n2 = phi.shape
    change = 0.0
    for s in range(2 * sweeps):
        change = 0.0
        for ii in range(n0):
            i = ii if s % 2 == 0 else n0 - 1 - ii
            for j in range(n1):
                for k in range(n2):
                    if not active[i, j, k]:
                        continue
                    pw = phi[i - 1, j, k] if i > 0 else bx[0, j, k]
                    pe = phi[i + 1, j, k] if i < n0 - 1 else bx[1, j, k]
                    ps = phi[i, j - 1, k] if j > 0 else by[i, 0, k]
                    pn = phi[i, j + 1, k] if j < n1 - 1 else by[i, 1, k]
                    pb = phi[i, j, k - 1] if k > 0 else bz[i, j, 0]
                    pt = phi[i, j, k + 1] if k < n2 - 1 else bz[i, j, 1]
                    new = (coef[1, i, j, k] * pw + coef[2, i, j, k] * pe
                           + coef[3, i, j, k] * ps + coef[4, i, j, k] * pn
                           + coef[5, i, j, k] * pb + coef[6, i, j, k] * pt
                           + b[i, j, k]) / coef[0, i, j, k]
                    change += abs(new - phi[i, j, k])
                    phi[i, j, k] = new
    return change


@njit(cache=True)
def rear_inflow_fill(phi, cells, values, owner):
    """Write inflow values into the solid cells behind each rack-rear face."""
    for n in range(cells.shape[0]):
        phi[cells[n, 0], cells[n, 1], cells[n, 2]] = values[owner[n]]


@njit(cache=True)
def segment_mean(phi, cells, owner, n_owner):
    """Mean of phi over the listed cells, grouped by owner index."""
    s = np.zeros(n_owner)
    c = np.zeros(n_owner)
    for n in range(cells.shape[0]):
        s[owner[n]] += phi[cells[n, 0], cells[n, 1], cells[n, 2]]
        c[owner[n]] += 1.0
    for m in range(n_owner):
        if c[m] > 0:
            s[m] /= c[m]
    return s


@njit(cache=True, parallel=True)
def strain_rate_sq_par(uc, vc, wc, fluid, hx, hy, hz, out):
    """2 S_ij S_ij at cell centres from cell-centred velocities (one-sided next to solids), rows of i in parallel."""
    n0, n1, n2 = fluid.shape
    for i in prange(n0):
        for j in range(n1):
            for k in range(n2):
                if not fluid[i, j, k]:
                    out[i, j, k] = 0.0
                    continue
                ip = i + 1 < n0 and fluid[i + 1, j, k]
                im = i > 0 and fluid[i - 1, j, k]
                jp = j + 1 < n1 and fluid[i, j + 1, k]
                jm = j > 0 and fluid[i, j - 1, k]
                kp = k + 1 < n2 and fluid[i, j, k + 1]
                km = k > 0 and fluid[i, j, k - 1]
                ux = _d(uc[i + 1, j, k] if ip else 0.0, uc[i, j, k], uc[i - 1, j, k] if im else 0.0, ip, im, hx)
                vx = _d(vc[i + 1, j, k] if ip else 0.0, vc[i, j, k], vc[i - 1, j, k] if im else 0.0, ip, im, hx)
                wx = _d(wc[i + 1, j, k] if ip else 0.0, wc[i, j, k], wc[i - 1, j, k] if im else 0.0, ip, im, hx)
                uy = _d(uc[i, j + 1, k] if jp else 0.0, uc[i, j, k], uc[i, j - 1, k] if jm else 0.0, jp, jm, hy)
                vy = _d(vc[i, j + 1, k] if jp else 0.0, vc[i, j, k], vc[i, j - 1, k] if jm else 0.0, jp, jm, hy)
                wy = _d(wc[i, j + 1, k] if jp else 0.0, wc[i, j, k], wc[i, j - 1, k] if jm else 0.0, jp, jm, hy)
                uz = _d(uc[i, j, k + 1] if kp else 0.0, uc[i, j, k], uc[i, j, k - 1] if km else 0.0, kp, km, hz)
                vz = _d(vc[i, j, k + 1] if kp else 0.0, vc[i, j, k], vc[i, j, k - 1] if km else 0.0, kp, km, hz)
                wz = _d(wc[i, j, k + 1] if kp else 0.0, wc[i, j, k], wc[i, j, k - 1] if km else 0.0, kp, km, hz)
                out[i, j, k] = (2.0 * (ux * ux + vy * vy + wz * wz)
                                + (uy + vx) ** 2 + (uz + wx) ** 2 + (vz + wy) ** 2)


@njit(cache=True, inline="always")
def _d(fp, fc, fm, has_p, has_m, h):
    """Central difference, one-sided where a neighbour is solid or outside."""
    if has_p and has_m:
        return (fp - fm) / (2 * h)
    if has_p:
        return (fp - fc) / h
    if has_m:
        return (fc - fm) / h
    return 0.0


@njit(cache=True, parallel=True)
def wall_turbulence(k, uc, vc, wc, wall_n, hx, hy, hz, c_mu, kappa, e_wall, y_lam, nu, g_out, e_out):
    """Log-law production and epsilon in wall cells, averaged over their wall faces.

    G = (tau_w / rho) C_mu^1/4 k^1/2 / (kappa y) with tau_w / rho = tau * U_t, tau the
    wall-function coefficient (m/s) the momentum equations use for the same wall.

    wall_n[a] counts a cell's wall faces normal to axis a; cells without walls get 0.
    """
    n0, n1, n2 = k.shape
    cm25 = c_mu ** 0.25
    cm75 = c_mu ** 0.75
    for i in prange(n0):
        for j in range(n1):
            for kk in range(n2):
                n_tot = wall_n[0, i, j, kk] + wall_n[1, i, j, kk] + wall_n[2, i, j, kk]
                if n_tot == 0.0:
                    g_out[i, j, kk] = 0.0
                    e_out[i, j, kk] = 0.0
                    continue
                kv = max(k[i, j, kk], 0.0)
                sqk = np.sqrt(kv)
                u, v, w = uc[i, j, kk], vc[i, j, kk], wc[i, j, kk]
                sp2 = u * u + v * v + w * w
                g = 0.0
                e = 0.0
                for a in range(3):
                    na = wall_n[a, i, j, kk]
                    if na == 0.0:
                        continue
                    y = 0.5 * (hx if a == 0 else hy if a == 1 else hz)
                    un = u if a == 0 else v if a == 1 else w
                    ut = np.sqrt(max(sp2 - un * un, 0.0))
                    ystar = cm25 * sqk * y / nu
                    if ystar > y_lam:
                        tau = kappa * cm25 * sqk / np.log(e_wall * max(ystar, 1.0))
                        g += na * tau * ut * cm25 * sqk / (kappa * y)   # tau * ut = tau_w / rho
                        e += na * cm75 * kv ** 1.5 / (kappa * y)
                    else:
                        e += na * 2.0 * k[i, j, kk] * nu / (y * y)
                g_out[i, j, kk] = g / n_tot
                e_out[i, j, kk] = e / n_tot


@njit(cache=True, parallel=True)
def wall_drag(a, k, wall_b1, wall_b2, area_b1, area_b2, y_b1, y_b2, c_mu, kappa, e_wall, y_lam, nu, out):
    """Implicit log-law wall shear coefficient (<= 0) on the faces of velocity component a.

    wall_b1/wall_b2 count the face's walls normal to the two other axes; k is
    averaged from the two cells beside the face (edge value at the domain ends).
    """
    n0, n1, n2 = out.shape
    m = k.shape[a]
    cm25 = c_mu ** 0.25
    for i in prange(n0):
        for j in range(n1):
            for kk in range(n2):
                c1 = wall_b1[i, j, kk]
                c2 = wall_b2[i, j, kk]
                if c1 == 0.0 and c2 == 0.0:
                    out[i, j, kk] = 0.0
                    continue
                idx = np.int64(i) if a == 0 else np.int64(j) if a == 1 else np.int64(kk)
                lo = idx - 1 if idx > 0 else idx
                hi = idx if idx < m else m - 1
                if a == 0:
                    kf = 0.5 * (k[lo, j, kk] + k[hi, j, kk])
                elif a == 1:
                    kf = 0.5 * (k[i, lo, kk] + k[i, hi, kk])
                else:
                    kf = 0.5 * (k[i, j, lo] + k[i, j, hi])
                sqk = np.sqrt(max(kf, 0.0))
                s = 0.0
                for c, area, y in ((c1, area_b1, y_b1), (c2, area_b2, y_b2)):
                    if c == 0.0:
                        continue
                    ystar = cm25 * sqk * y / nu
                    if ystar > y_lam:
                        coef = kappa * cm25 * sqk / np.log(e_wall * max(ystar, 1.0))
                    else:
                        coef = nu / y
                    s -= c * area * coef
                out[i, j, kk] = s

