"""The simulator: parameters, scenarios, the vectorised kernel and the Mesa model."""
