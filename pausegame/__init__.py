"""pausegame: a governance game-theory simulator of a frontier-AI pause."""

__version__ = "0.1.0"
