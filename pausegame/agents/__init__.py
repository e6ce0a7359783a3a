"""The actors as Mesa agents over the engine's arrays (the rules are in `sim.engine.rules`)."""
