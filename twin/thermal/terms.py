"""Compiled (numba) coefficient and source terms of the accurate model, rebuilt every iteration.

Face conductances, staggered volume fluxes and the explicit sources of the
momentum and k-epsilon equations. Each is the arithmetic of the numpy formula
it replaced, in the same order, so they leave the iterates unchanged bit for bit
(tests/test_rans_kernels.py compares them). Equations: docs/thermal.md.
"""
from __future__ import annotations

from twin.thermal import kernels  # noqa: F401  (sets the OpenMP wait policy before numba starts)
from numba import njit  # noqa: E402


@njit(cache=True)
def face_conductance(gamma, free, a, area_m2, h_m, out):
    """Diffusive conductance of every cell face normal to axis a: the mean of gamma on its
    two cells times area / h on free faces, 0 on the others (out has free's shape)."""
    n0, n1, n2 = out.shape
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                if not free[i, j, k]:
                    out[i, j, k] = 0.0
                    continue
                out[i, j, k] = _face_mean(gamma, a, i, j, k) * area_m2 / h_m


@njit(cache=True, inline="always")
def _face_mean(cell, a, i, j, k):
    """Mean of a cell field on the two cells either side of face (i, j, k) normal to a."""
    if a == 0:
        return 0.5 * (cell[i - 1, j, k] + cell[i, j, k])
    if a == 1:
        return 0.5 * (cell[i, j - 1, k] + cell[i, j, k])
    return 0.5 * (cell[i, j, k - 1] + cell[i, j, k])


@njit(cache=True, inline="always")
def _edge_index(p, n, axis, a, b, side_a, side_b):
    """Cell index along `axis` of one of the four cells around an a-b edge (clamped)."""
    if axis == a:
        return max(p - 1, 0) if side_a == 0 else min(p, n - 1)
    if axis == b:
        return max(p - 1, 0) if side_b == 0 else min(p, n - 1)
    return p


@njit(cache=True)
def edge_conductance(nu, a, b, area_m2, h_m, wall, out):
    """Viscous conductance of velocity component a's faces normal to b: the mean viscosity of
    the four cells around each a-b edge (the edge cell repeated at the domain ends) times
    area / h, 0 on wall edges. out has wall's shape (nu's plus one along a and b)."""
    n0, n1, n2 = nu.shape
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for k in range(out.shape[2]):
                if wall[i, j, k]:
                    out[i, j, k] = 0.0
                    continue
                s = 0.0
                for side_a in range(2):
                    for side_b in range(2):
                        s += nu[_edge_index(i, n0, 0, a, b, side_a, side_b),
                                _edge_index(j, n1, 1, a, b, side_a, side_b),
                                _edge_index(k, n2, 2, a, b, side_a, side_b)]
                out[i, j, k] = s * 0.25 * area_m2 / h_m


@njit(cache=True)
def turbulence_sources(k, eps, nut, s2, T, fluid, wall_cell, g_wall, hz, gb_coef, pr_t, c_1, c_2,
                       su_k, sp_k, su_e, sp_e):
    """Explicit (su) and implicit (sp) sources of the k and epsilon equations.

    Shear production G = nut S^2 (the log-law value g_wall in wall cells), buoyant
    production Gb = gb_coef nut / Pr_t dT/dz (gb_coef = -g beta; 0 with gb_coef 0 and in
    solids); its positive part adds to k and epsilon, its negative part sinks k.
    """
    n0, n1, n2 = k.shape
    for i in range(n0):
        for j in range(n1):
            for kk in range(n2):
                g = g_wall[i, j, kk] if wall_cell[i, j, kk] else nut[i, j, kk] * s2[i, j, kk]
                gb = 0.0
                if gb_coef != 0.0 and fluid[i, j, kk]:
                    if kk == 0:
                        dtdz = (T[i, j, 1] - T[i, j, 0]) / hz
                    elif kk == n2 - 1:
                        dtdz = (T[i, j, kk] - T[i, j, kk - 1]) / hz
                    else:
                        dtdz = (T[i, j, kk + 1] - T[i, j, kk - 1]) / (2.0 * hz)
                    gb = gb_coef * nut[i, j, kk] / pr_t * dtdz
                ks = max(k[i, j, kk], 1e-10)
                e = eps[i, j, kk]
                prod = g + max(gb, 0.0)
                su_k[i, j, kk] = prod
                sp_k[i, j, kk] = -(e / ks) - max(-gb, 0.0) / ks
                su_e[i, j, kk] = c_1 * e / ks * prod
                sp_e[i, j, kk] = -c_2 * e / ks


@njit(cache=True)
def staggered_flux(src, a, area_m2, out):
    """out = area times the mean of src's two values on either side along a, 0 on the
    first and last planes along a (out is one longer than src along a)."""
    n0, n1, n2 = out.shape
    n_a = out.shape[a]
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                q = i if a == 0 else j if a == 1 else k
                if q == 0 or q == n_a - 1:
                    out[i, j, k] = 0.0
                elif a == 0:
                    out[i, j, k] = 0.5 * (src[i - 1, j, k] + src[i, j, k]) * area_m2
                elif a == 1:
                    out[i, j, k] = 0.5 * (src[i, j - 1, k] + src[i, j, k]) * area_m2
                else:
                    out[i, j, k] = 0.5 * (src[i, j, k - 1] + src[i, j, k]) * area_m2


@njit(cache=True)
def momentum_source(ua, p, T, a, h_m, vol_m3, vol_dt, buoyancy, t_ref_c, out):
    """Explicit part of velocity component a's equation on its faces: the old iterate
    (vol / dt), the pressure gradient between the two cells and, for w (a = 2), the
    Boussinesq buoyancy g beta (T_face - T_ref) vol."""
    n0, n1, n2 = ua.shape
    n_a = ua.shape[a]
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                b = vol_dt * ua[i, j, k]
                q = i if a == 0 else j if a == 1 else k
                if q == 0 or q == n_a - 1:
                    out[i, j, k] = b + 0.0
                    continue
                if a == 0:
                    dp = p[i, j, k] - p[i - 1, j, k]
                elif a == 1:
                    dp = p[i, j, k] - p[i, j - 1, k]
                else:
                    dp = p[i, j, k] - p[i, j, k - 1]
                b += -dp / h_m * vol_m3
                if a == 2:
                    t_face = 0.5 * (T[i, j, k] + T[i, j, k - 1])
                    b += buoyancy * (t_face - t_ref_c) * vol_m3
                out[i, j, k] = b


@njit(cache=True)
def patch_shear(nu_eff, a, geom_m, sp):
    """Subtract from sp (implicit source of velocity component a, per face) the no-slip shear of
    the patches its control volume touches: the mean effective viscosity of the face's two cells
    times geom_m (sum over patch edges of area / half spacing). 0 on the first and last faces."""
    n0, n1, n2 = sp.shape
    n_a = sp.shape[a]
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                g = geom_m[i, j, k]
                q = i if a == 0 else j if a == 1 else k
                if g == 0.0 or q == 0 or q == n_a - 1:
                    continue
                sp[i, j, k] -= _face_mean(nu_eff, a, i, j, k) * g
