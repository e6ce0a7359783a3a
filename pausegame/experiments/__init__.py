"""Runs, sweeps, equilibrium analysis and comparisons."""
