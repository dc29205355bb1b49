"""Where the tests find the repository and the reference data beside it.

The validation set (reference rooms and CFD results) is not part of the
repository: it is looked for in `../shared/validation`, next to the checkout,
wherever that is; tests that need it are skipped when it is absent.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VALIDATION = REPO.parent / "shared" / "validation"
C1 = VALIDATION / "C1_baseline.yaml"
