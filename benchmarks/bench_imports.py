"""Start-up time per command: the CLI as it is (heavy libraries imported only by the commands
that need them) beside an eager start that imports every command's libraries first, as the
CLI did before its imports were made lazy.

    python -m benchmarks.bench_imports [--repeat N]

For each command: the median wall time of a fresh interpreter running it, the import time
Python reports (`-X importtime`, summed self time) and how many heavy modules were loaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

COMMANDS = (
    ["--version"],
    ["--help"],
    ["params"],
    ["scenarios"],
    ["run", "--help"],
    ["run", "--steps", "1", "--json"],
)
HEAVY = ("numpy", "pandas", "pyarrow", "scipy", "mesa", "solara", "matplotlib", "dask")
# What every command paid before: each command module imported its libraries at the top.
EAGER = (
    "import pausegame.experiments.runs, pausegame.experiments.treaty, "
    "pausegame.experiments.compare, pausegame.experiments.sweep, "
    "pausegame.experiments.report, pausegame.experiments.games; "
)
RUN = (
    "import json, sys\n{prelude}from pausegame.cli import main\n"
    "try:\n    main(json.loads(sys.argv[1]))\nexcept SystemExit:\n    pass\n"
    "print('HEAVY=' + str(len({{m.split('.')[0] for m in sys.modules}} & set({heavy}))),"
    " file=sys.stderr)\n"
)


def measure(argv: list[str], prelude: str, repeat: int) -> tuple[float, float, int]:
    """(median wall seconds, import seconds, heavy module count) of one command."""
    code = RUN.format(prelude=prelude, heavy=list(HEAVY))
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, json.dumps(argv)], capture_output=True, check=True
        )
        walls.append(time.perf_counter() - started)
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, json.dumps(argv)],
        capture_output=True,
        text=True,
        check=True,
    )
    imports, heavy = 0.0, 0
    for line in traced.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            imports += int(line.split("|")[0].split(":")[1]) / 1e6
        elif line.startswith("HEAVY="):
            heavy = int(line.removeprefix("HEAVY="))
    return statistics.median(walls), imports, heavy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command (median)")
    args = parser.parse_args()
    header = f"{'command':<28} {'lazy s':>7} {'imports':>8} {'heavy':>6}   "
    header += f"{'eager s':>7} {'imports':>8} {'heavy':>6}   {'speed-up':>8}"
    print(header)
    for argv in COMMANDS:
        lazy = measure(argv, "", args.repeat)
        eager = measure(argv, EAGER, args.repeat)
        print(
            f"{' '.join(argv):<28} {lazy[0]:7.3f} {lazy[1]:8.3f} {lazy[2]:6d}   "
            f"{eager[0]:7.3f} {eager[1]:8.3f} {eager[2]:6d}   {eager[0] / lazy[0]:7.1f}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
