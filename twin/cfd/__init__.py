"""CFD verification backend: OpenFOAM reference runs of a layout (Qt-free).

- `simulate.simulate(layout, out_dir, CaseSettings(cell_m=0.1))` writes, meshes
  and solves the case and returns the `dctwin simulate --json`-shaped dict
  (model "openfoam"); fields go to out_dir/fields.npz.
- `case.write_case(layout, case_dir)` only writes the OpenFOAM case.
- `command.add_parser` / `command.run`: `dctwin cfd` and `dctwin compare`.
See docs/cfd.md.
"""
