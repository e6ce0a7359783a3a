"""The actors as Mesa agents and their interchangeable decision rules."""
