"""Compiled conductance kernels of the accurate model against direct numpy formulas."""
import numpy as np
import pytest

from twin.thermal import terms

RNG = np.random.default_rng(7)


def _edge_reference(nu, a, b):
    """Mean of the four cells around every a-b edge, the edge cells repeated at the ends."""
    pad = [(0, 0)] * 3
    pad[a] = pad[b] = (1, 1)
    p = np.pad(nu, pad, mode="edge")
    total = None
    for sa in (slice(0, -1), slice(1, None)):
        for sb in (slice(0, -1), slice(1, None)):
            idx = [slice(None)] * 3
            idx[a], idx[b] = sa, sb
            total = p[tuple(idx)] if total is None else total + p[tuple(idx)]
    return total * 0.25


@pytest.mark.parametrize("a,b", [(a, b) for a in range(3) for b in range(3) if a != b])
def test_edge_conductance_is_the_four_cell_mean_times_area_over_h(a, b):
    nu = RNG.uniform(1e-5, 1e-2, (4, 5, 6))
    shape = list(nu.shape)
    shape[a] += 1
    shape[b] += 1
    wall = RNG.random(shape) < 0.3
    out = np.full(shape, np.nan)
    terms.edge_conductance(nu, a, b, 0.06, 0.3, wall, out)
    expected = _edge_reference(nu, a, b) * 0.06 / 0.3
    expected[wall] = 0.0
    assert np.array_equal(out, expected)          # bit for bit: the iterates must not move
    # one interior edge by hand
    idx = [2, 2, 2]
    cells = []
    for da in (1, 0):
        for db in (1, 0):
            c = list(idx)
            c[a] -= da
            c[b] -= db
            cells.append(nu[tuple(c)])
    if not wall[tuple(idx)]:
        assert out[tuple(idx)] == pytest.approx(np.mean(cells) * 0.2)


@pytest.mark.parametrize("a", range(3))
def test_face_conductance_is_the_two_cell_mean_on_free_faces_only(a):
    gamma = RNG.uniform(1e-5, 1e-2, (4, 5, 6))
    shape = list(gamma.shape)
    shape[a] += 1
    free = RNG.random(shape) < 0.7
    lo, hi, inner = ([slice(None)] * 3 for _ in range(3))
    lo[a], hi[a], inner[a] = slice(0, -1), slice(1, None), slice(1, -1)
    edge = np.ones(shape, dtype=bool)
    edge[tuple(inner)] = False
    free[edge] = False                            # boundary faces are never free
    out = np.full(shape, np.nan)
    terms.face_conductance(gamma, free, a, 0.04, 0.2, out)
    expected = np.zeros(shape)
    mean = 0.5 * (gamma[tuple(lo)] + gamma[tuple(hi)])
    expected[tuple(inner)] = np.where(free[tuple(inner)], mean, 0.0) * 0.04 / 0.2
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("a", range(3))
def test_patch_shear_subtracts_the_face_viscosity_times_the_patch_geometry(a):
    nu = RNG.uniform(1e-5, 1e-2, (4, 5, 6))
    shape = list(nu.shape)
    shape[a] += 1
    geom = np.where(RNG.random(shape) < 0.5, RNG.uniform(0.01, 0.5, shape), 0.0)
    sp = RNG.uniform(-1.0, 0.0, shape)
    expected = sp.copy()
    lo, hi, inner = ([slice(None)] * 3 for _ in range(3))
    lo[a], hi[a], inner[a] = slice(0, -1), slice(1, None), slice(1, -1)
    expected[tuple(inner)] -= 0.5 * (nu[tuple(lo)] + nu[tuple(hi)]) * geom[tuple(inner)]
    terms.patch_shear(nu, a, geom, sp)
    assert np.allclose(sp, expected, rtol=0, atol=1e-15)


def _sl(axis, s):
    out = [slice(None)] * 3
    out[axis] = s
    return tuple(out)


@pytest.mark.parametrize("a,b", [(a, b) for a in range(3) for b in range(3)])
def test_staggered_flux_is_the_face_mean_times_area(a, b):
    """Flux through the b-faces of velocity component a's control volumes."""
    n = [4, 5, 6]
    src_shape = list(n)
    src_shape[b] += 1                 # vel[b] lives on b-faces
    src = RNG.normal(size=src_shape)
    out_shape = list(n)
    out_shape[a] += 1                 # a's control volumes ...
    out_shape[b] += 1                 # ... and their b-faces
    out = np.full(out_shape, np.nan)
    terms.staggered_flux(src, a, 0.09, out)
    expected = np.zeros(out_shape)
    lo, hi = src[_sl(a, slice(0, -1))], src[_sl(a, slice(1, None))]
    expected[_sl(a, slice(1, -1))] = 0.5 * (lo + hi) * 0.09
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("a", range(3))
def test_momentum_source_is_old_iterate_pressure_gradient_and_buoyancy(a):
    n = (4, 5, 6)
    shape = list(n)
    shape[a] += 1
    ua, p, T = RNG.normal(size=shape), RNG.normal(size=n), 20 + RNG.normal(size=n)
    out = np.full(shape, np.nan)
    terms.momentum_source(ua, p, T, a, 0.2, 0.008, 0.5, 0.03, 19.0, out)
    expected = 0.5 * ua
    expected[_sl(a, slice(1, -1))] += -np.diff(p, axis=a) / 0.2 * 0.008
    if a == 2:
        expected[:, :, 1:-1] += 0.03 * (0.5 * (T[:, :, 1:] + T[:, :, :-1]) - 19.0) * 0.008
    assert np.array_equal(out, expected)
    # one face by hand: the pressure drop across it pushes towards the lower pressure
    c = [1, 2, 3]
    lo = list(c)
    lo[a] -= 1
    hand = 0.5 * ua[tuple(c)] - (p[tuple(c)] - p[tuple(lo)]) / 0.2 * 0.008
    if a == 2:
        hand += 0.03 * (0.5 * (T[tuple(c)] + T[tuple(lo)]) - 19.0) * 0.008
    assert out[tuple(c)] == pytest.approx(hand)


@pytest.mark.parametrize("gb_coef", [0.0, -9.81 / 300.0])
def test_turbulence_sources_match_the_k_epsilon_source_terms(gb_coef):
    n = (4, 5, 6)
    k, eps = RNG.uniform(1e-4, 1e-2, n), RNG.uniform(1e-5, 1e-3, n)
    k[0, 0, 0] = 0.0                                  # k is floored at 1e-10 in the sources
    nut, s2, g_wall = RNG.uniform(0, 1e-2, n), RNG.uniform(0, 5, n), RNG.uniform(0, 1e-3, n)
    T = 20 + RNG.normal(size=n)
    fluid, wall = RNG.random(n) < 0.8, RNG.random(n) < 0.3
    out = [np.full(n, np.nan) for _ in range(4)]
    terms.turbulence_sources(k, eps, nut, s2, T, fluid, wall, g_wall, 0.2, gb_coef, 0.9, 1.44, 1.92,
                             *out)
    G = np.where(wall, g_wall, nut * s2)
    Gb = np.where(fluid, gb_coef * nut / 0.9 * np.gradient(T, 0.2, axis=2), 0.0)
    ks = np.maximum(k, 1e-10)
    expected = [G + np.maximum(Gb, 0.0), -(eps / ks) - np.maximum(-Gb, 0.0) / ks,
                1.44 * eps / ks * (G + np.maximum(Gb, 0.0)), -1.92 * eps / ks]
    for got, want in zip(out, expected):
        assert np.array_equal(got, want)
