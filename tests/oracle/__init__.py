"""A plain, scalar re-derivation of the model's step and rules: the engine's test oracle.

One Mesa model per run, one agent and one kernel call at a time, written for clarity
rather than speed; the engine must equal it exactly, table for table.
"""
