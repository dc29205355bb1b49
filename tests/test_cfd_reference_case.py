"""The case dctwin writes for reference room C1 uses the reference's own method.

Compares the dictionaries `write_case` produces for `C1_baseline.yaml` with the
reference's case files in `../shared/validation/C1_case`: schemes, linear
solvers, relaxation, SIMPLE options, initial fields and the inflow turbulence
conditions. Skips where the validation folder is absent.
"""
from __future__ import annotations

import re

import pytest

from paths import VALIDATION
from twin.cfd.case import CaseSettings, write_case
from twin.model import load_layout

CASE = VALIDATION / "C1_case"
pytestmark = pytest.mark.skipif(not (CASE / "system").is_dir(),
                                reason=f"the C1 reference case files are not at {CASE}")


def _tokens(text: str) -> list[str]:
    """The dictionary's words in order, without comments, banners or layout whitespace."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text[text.index("}", text.index("FoamFile")) + 1:]
    return re.findall(r'"[^"]*"|[{}();]|[^\s{}();"]+', text)


def _entries(text: str) -> dict[str, str]:
    """Flatten a dictionary to 'path.key' -> 'value words', e.g. 'solvers.p_rgh.smoother' -> 'GaussSeidel'."""
    out, path, words = {}, [], []
    for tok in _tokens(text):
        if tok == "{":
            path.append(words[0] if words else "")
            words = []
        elif tok == "}":
            path.pop()
            words = []
        elif tok == ";":
            if words:
                out[".".join(path + [words[0]])] = " ".join(words[1:])
            words = []
        else:
            words.append(tok)
    return out


def _normalise(d: dict[str, str]) -> dict[str, str]:
    """Expand regex keys the reference uses (`"(k|epsilon)"`) so both spellings compare."""
    out = {}
    for key, value in d.items():
        m = re.search(r'"\(([^)]*)\)"', key)
        names = m.group(1).split("|") if m else [None]
        for name in names:
            out[key.replace(m.group(0), name) if m else key] = value
    return out


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    case = tmp_path_factory.mktemp("c1case")
    write_case(load_layout(VALIDATION / "C1_baseline.yaml"), case, CaseSettings(n_procs=2))
    return case


@pytest.mark.parametrize("name", ["fvSchemes", "fvSolution"])
def test_schemes_and_solvers_are_the_references(ours, name):
    want = _normalise(_entries((CASE / "system" / name).read_text()))
    got = _normalise(_entries((ours / "system" / name).read_text()))
    assert got == want


def test_initial_fields_and_inflow_conditions_are_the_references(ours):
    for field in ("U", "T", "k", "epsilon", "nut", "alphat"):
        want = _entries((CASE / "0.orig" / field).read_text())
        got = _entries((ours / "0.orig" / field).read_text())
        assert got["internalField"] == pytest.approx(want["internalField"]) or \
            float(got["internalField"].split()[-1]) == pytest.approx(float(want["internalField"].split()[-1]),
                                                                     rel=1e-4), field
        # tiles are one patch in both cases; every boundary condition type and its parameters agree
        for key in [k for k in want if k.startswith("boundaryField.tiles.") and not k.endswith(".value")]:
            assert got[key] == want[key], (field, key)
        for patch in ("walls", "boxWalls"):
            assert got[f"boundaryField.{patch}.type"] == want[f"boundaryField.{patch}.type"], (field, patch)


def test_rack_front_and_rear_conditions_are_the_references(ours):
    from twin.cfd.geometry import build_grid
    grid = build_grid(load_layout(VALIDATION / "C1_baseline.yaml"), 0.1)
    front = next(p.name for p in grid.patches if p.kind == "front" and p.owner == "A1")
    rear = next(p.name for p in grid.patches if p.kind == "rear" and p.owner == "A1")
    for field in ("T", "k", "epsilon"):
        want = _entries((CASE / "0.orig" / field).read_text())
        got = _entries((ours / "0.orig" / field).read_text())
        for ours_name, ref_name in ((front, "front_A1"), (rear, "rear_A1")):
            for key in ("type", "intensity", "mixingLength", "inletValue", "valueExpr"):
                ref = want.get(f"boundaryField.{ref_name}.{key}")
                if ref is not None:
                    assert got[f"boundaryField.{ours_name}.{key}"] == ref, (field, ref_name, key)
