"""Test oracle: a Markov chain simulated step by step, to check the exact stationary solvers."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def simulate_chain(
    transitions: sparse.spmatrix, steps: int, start: int = 0, seed: int = 0
) -> np.ndarray:
    """Visit frequencies of `steps` transitions of the chain: the brute-force check."""
    matrix = sparse.csr_matrix(transitions)
    rng = np.random.default_rng(seed)
    visits = np.zeros(matrix.shape[0])
    state = start
    draws = rng.random(steps)
    for t in range(steps):
        low, high = matrix.indptr[state], matrix.indptr[state + 1]
        cumulative = np.cumsum(matrix.data[low:high])
        state = int(
            matrix.indices[low + min(np.searchsorted(cumulative, draws[t]), high - low - 1)]
        )
        visits[state] += 1
    return visits / steps
