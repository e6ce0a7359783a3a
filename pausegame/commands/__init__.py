"""The command-line subcommands, one module each; `pausegame.cli` registers them."""
