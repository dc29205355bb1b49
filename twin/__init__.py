"""dctwin: a digital twin of a data-center floor (airflow, temperature, power)."""

import os as _os

__version__ = "0.1.0"

# The solvers work on vectors of ~1e4-1e6 entries: BLAS/OpenMP thread pools only
# add contention there (measured 10x slower sparse solves on 2 busy cores).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
