"""Picking display planes and probe values out of result fields (cell-centred indexing)."""
import numpy as np

from twin.gui import fields

ROOM = (6.0, 4.0, 3.0)


def field():
    """Value = 100 i + 10 j + k on a 6 x 4 x 3 grid of 1 m cells."""
    i, j, k = np.meshgrid(np.arange(6), np.arange(4), np.arange(3), indexing="ij")
    return (100 * i + 10 * j + k).astype(np.float32)


def test_cell_index_clamps_to_the_grid():
    assert fields.cell_index(0.0, 6.0, 6) == 0
    assert fields.cell_index(5.99, 6.0, 6) == 5
    assert fields.cell_index(6.0, 6.0, 6) == 5
    assert fields.cell_index(-1.0, 6.0, 6) == 0


def test_planes_and_points():
    f = field()
    assert (fields.horizontal_plane(f, ROOM, 1.5) == f[:, :, 1]).all()
    assert (fields.vertical_plane(f, ROOM, "x", 2.5) == f[:, 2, :]).all()
    assert (fields.vertical_plane(f, ROOM, "y", 3.2) == f[3, :, :]).all()
    assert fields.value_at(f, ROOM, 4.5, 1.5, 2.5) == 412
    assert np.isnan(fields.value_at(f, ROOM, 7.0, 1.0, 1.0))


def test_arrow_samples_skip_solids_and_sit_at_cell_centres():
    vel = np.zeros((6, 4, 3, 3), np.float32)
    vel[..., 0] = 1.0
    vel[0, 0, :, :] = np.nan
    pts, v = fields.arrow_samples(vel, ROOM, 1.0, 1.0)
    assert len(pts) == 6 * 4 - 1
    assert np.allclose(v[:, 0], 1.0)
    assert {tuple(p) for p in pts} >= {(1.5, 0.5), (5.5, 3.5)}
