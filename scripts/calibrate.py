"""Calibrate the article scenario's assumed values, and measure how robust the targets are.

    .venv/bin/python scripts/calibrate.py search [--names a,b,...] [--candidates 40]
    .venv/bin/python scripts/calibrate.py robustness [--draws 200] [--seeds 8]

`search` ranks random points around the current values (x0.5..x2, seeded) by the
calibration targets they meet (pausegame/experiments/calibration.py) and prints the best
as `--set` values; `robustness` draws every assumed value jointly (log-uniform x0.5..x2)
and prints, per target, the share of draws in which it holds and the values it is most
sensitive to, as the Markdown table in the README.
"""

from __future__ import annotations

import argparse
import sys
import time

from pausegame.experiments.calibration import TARGETS, strong_point
from pausegame.experiments.calibration_draws import Robustness, robustness, search
from pausegame.sim.scenario import load_scenario, parse_assignment

SEARCHED = (
    "lab_loss", "compute_cost", "hazard_max", "hazard_width", "state_loss", "leak_base",
    "leak_pause", "logit_beta", "sputnik", "rivalry",
)  # fmt: skip


def progress(done: int, total: int, started: float = time.time()) -> None:
    print(f"  {done}/{total} points, {time.time() - started:.0f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="rank random points around the current values")
    s.add_argument("--names", default=",".join(SEARCHED))
    s.add_argument("--candidates", type=int, default=40)
    s.add_argument("--seeds", type=int, default=24)
    s.add_argument("--spread", type=float, default=2.0)
    s.add_argument("--seed", type=int, default=7)
    r = sub.add_parser("robustness", help="share of joint draws where each target holds")
    r.add_argument("--draws", type=int, default=200)
    r.add_argument("--seeds", type=int, default=8)
    r.add_argument("--seed", type=int, default=2024)
    r.add_argument("--partial", help="rewrite this file with the table of the draws done so far")
    for p in (s, r):
        p.add_argument("--workers", type=int, default=1, help="processes (default 1)")
        p.add_argument(
            "--set", action="append", default=[], metavar="NAME=VALUE",
            help="start from these values (both scenarios, except the strong one's levers)",
        )  # fmt: skip
    args = parser.parse_args(argv)
    start = dict(parse_assignment(a) for a in args.set)
    article = load_scenario("article").with_overrides(start)
    strong = load_scenario("strong-verification").with_overrides(strong_point(start))
    if args.command == "search":
        names = [n for n in args.names.split(",") if n]
        ranked = search(
            article, strong, names, args.candidates, range(args.seeds), range(8), args.seed,
            args.spread, progress, args.workers,
        )  # fmt: skip
        for value, point in ranked[:5]:
            shown = " ".join(f"{k}={v:.4g}" for k, v in point.items() if k in names)
            print(f"{value:6.3f}  {shown}")
        return 0

    def table(result: Robustness, out=sys.stdout) -> None:
        header = "most sensitive to (share holding above x1 minus below)"
        print(f"| target | holds in (of {len(result.factors)} draws) | {header} |", file=out)
        print("|---|---|---|", file=out)
        for target in TARGETS:
            share = result.share(target)
            gaps = result.sensitivity(target) if 0 < share < 1 else []
            unsplit = {1: "(holds in every draw)", 0: "(holds in no draw)"}
            top = ", ".join(f"`{n}` {g:+.0%}" for n, g in gaps) or unsplit.get(
                share, "(no parameter splits the draws)"
            )
            print(f"| {target} | {share:.0%} | {top} |", file=out)

    def partial(result: Robustness) -> None:
        if args.partial:
            with open(args.partial, "w", encoding="utf-8") as out:
                table(result, out)

    result = robustness(
        article, strong, args.draws, range(args.seeds), range(max(4, args.seeds * 3 // 4)),
        args.seed, progress, args.workers, partial,
    )  # fmt: skip
    table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
