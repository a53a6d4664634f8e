"""What a parallel worker process runs: one replication of the compiled input it was started with.

Kept apart from :mod:`planner.simulation.run` so a worker imports only the engine (a spawned
process imports the module its functions live in).
"""

from __future__ import annotations

import numpy as np

from planner.simulation.engine import Compiled, Tally, run_replication

_COMPILED: Compiled | None = None


def start(comp: Compiled) -> None:
    """Process initialiser: keep the compiled input for every replication this process runs."""
    global _COMPILED
    _COMPILED = comp


def replicate(seed: np.random.SeedSequence) -> Tally:
    """One replication of the input given to :func:`start`."""
    if _COMPILED is None:
        raise RuntimeError("worker not started")
    return run_replication(_COMPILED, seed)
