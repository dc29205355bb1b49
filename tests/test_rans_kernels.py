"""Compiled conductance kernels of the accurate model against direct numpy formulas."""
import numpy as np
import pytest

from twin.thermal import kernels as K

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
    K.edge_conductance(nu, a, b, 0.06, 0.3, wall, out)
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
    K.face_conductance(gamma, free, a, 0.04, 0.2, out)
    expected = np.zeros(shape)
    mean = 0.5 * (gamma[tuple(lo)] + gamma[tuple(hi)])
    expected[tuple(inner)] = np.where(free[tuple(inner)], mean, 0.0) * 0.04 / 0.2
    assert np.array_equal(out, expected)
