"""`pausegame equilibria`: stable treaties, lab equilibria and prices of anarchy.

Solve the scenario's two-level game (lab games G(S) under every treaty S, and the treaty game
on top), or any game given as a payoff tensor (--game) or as member/non-member payoffs by
coalition size (--coalition-game).
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence

from pausegame.commands import options
from pausegame.commands.text import listing, origin_text, treaty_text
from pausegame.errors import InputError

STEPS = options.whole_number("steps", "months")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_scenario_options(parser)
    start = "analyse from month T of run --seed instead of the scenario's start"
    options.add_option(parser, "--at-step", start)
    seed = "the run's seed for --at-step (default 0) or --path (default: the expected path)"
    options.add_option(parser, "--seed", seed, default=None)
    parser.add_argument(
        "--path",
        action="store_true",
        help="analyse every month of the expected path (the starting play held, expected "
        "dynamics) or, with --seed, of that run",
    )
    options.add_option(
        parser, "--steps", "months of the --path (default: the scenario's)", metavar="T"
    )
    options.add_option(
        parser,
        "--selection",
        "which play of G(S) the labs are assumed to settle on: dynamics (best-response "
        "dynamics from the current profile; default), welfare (the labs' best pure equilibrium), "
        "worst (their worst), anticipation (only the deciding state's labs respond, as agents do)",
    )
    parser.add_argument(
        "--game",
        metavar="FILE.npy|FILE.json",
        help="solve this payoff tensor payoffs[i, a_1, ..., a_N] instead",
    )
    parser.add_argument(
        "--coalition-game",
        metavar="FILE.json",
        help="find the stable coalition sizes of this symmetric treaty game",
    )
    parser.add_argument(
        "--no-mixed", action="store_true", help="skip the search for mixed equilibria"
    )
    options.add_option(parser, "--json")
    options.add_option(parser, "--quiet", "no progress on stderr for --path")


def main(args: argparse.Namespace) -> int:
    if args.game is not None and args.coalition_game is not None:
        raise InputError("--game and --coalition-game: give one game at a time")
    if args.game is not None or args.coalition_game is not None:
        _no_scenario_options(args)
    if args.game is not None:
        from pausegame.experiments import games

        payoffs, players, actions = games.load_game(args.game)
        result = games.solve(payoffs, players, actions, mixed=not args.no_mixed)
        text = format_game
    elif args.coalition_game is not None:
        result, text = _coalition_result(args.coalition_game), format_coalition_game
    elif args.path or args.steps is not None:
        result, text = _path(args, options.scenario_from_args(args)), format_path
    else:
        from pausegame.experiments import treaty

        scenario = options.scenario_from_args(args)
        at_step = None if args.at_step is None else options.AT_STEP.coerce(args.at_step, "--")
        seed = options.SEED.coerce("0" if args.seed is None else args.seed, "--")
        analysis, where = treaty.analyse_scenario(
            scenario, args.selection or "dynamics", at_step, seed
        )
        result = {
            "scenario": scenario.name,
            "at_step": where.step,
            "seed": where.seed,
            "catastrophe_step": where.catastrophe_step,
            **treaty.treaty_report(analysis, mixed=not args.no_mixed),
        }
        text = format_scenario
    print(json.dumps(_clean(result), indent=2) if args.json else text(result))
    return 0


def _path(args: argparse.Namespace, scenario: object) -> dict:
    """`--path`: the two-level game at every month of the expected path or of run --seed."""
    from pausegame.experiments import path

    if not args.path:
        raise InputError("--steps applies to --path")
    if args.at_step is not None:
        raise InputError("--at-step and --path: give one month or the whole path")
    seed = None if args.seed is None else options.SEED.coerce(args.seed, "--")
    steps = None if args.steps is None else STEPS.coerce(args.steps, "--")
    from pausegame.experiments.progress import Progress

    shown = Progress(0, label="equilibria --path", unit="months", enabled=not args.quiet)

    def progress(done: int, total: int) -> None:
        shown.total = total
        shown.advance(done - shown.done)

    try:
        months = path.equilibrium_path(
            scenario, seed, steps, args.selection or "dynamics", progress
        )
    finally:  # the progress line ends even when the analysis stops
        shown.close()
    return path.path_report(scenario, months, seed)


def _no_scenario_options(args: argparse.Namespace) -> None:
    given = [
        name
        for name, value in (
            ("--set", args.overrides),
            ("--at-step", args.at_step),
            ("--selection", args.selection),
            ("--path", args.path),
            ("--steps", args.steps),
        )
        if value
    ]
    if given:
        raise InputError(f"{given[0]} applies to a scenario, not to --game/--coalition-game")


def _coalition_result(path: str) -> dict:
    from pausegame.experiments import coalitions

    return coalitions.solve_coalition_game(*coalitions.load_coalition_game(path))


def _clean(value: object) -> object:
    """JSON has no NaN: undefined ratios become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


# ----- text views -----------------------------------------------------------------------------


def _ratio(value: float | None) -> str:
    return "undefined (welfare <= 0 or no equilibrium)" if value is None else f"{value:.3f}"


def _profile_text(
    actions: Sequence[Sequence[str]], players: Sequence[str], profile: Sequence[int]
) -> str:
    return ", ".join(
        f"{p}={actions[i][a]}" for i, (p, a) in enumerate(zip(players, profile, strict=True))
    )


def format_game(result: dict) -> str:
    """A solved payoff tensor: pure and mixed equilibria, optimum, prices, dominated actions."""
    players, actions = result["players"], result["actions"]
    lines = [f"Game of {len(players)} players: {listing(players)}", "", "Pure Nash equilibria:"]
    for row in result["pure_equilibria"]:
        lines.append(
            f"  {_profile_text(actions, players, row['profile'])}  (welfare {row['welfare']:.4g})"
        )
    if not result["pure_equilibria"]:
        lines.append("  none")
    lines.append("Mixed equilibria:")
    for row in result["mixed_equilibria"]:
        mix = "; ".join(
            f"{p}: " + ", ".join(f"{actions[i][a]} {q:.3f}" for a, q in enumerate(s) if q > 0)
            for i, (p, s) in enumerate(zip(players, row["strategies"], strict=True))
        )
        lines.append(f"  {mix}  (regret {row['regret']:.1e})")
    if not result["mixed_equilibria"]:
        lines.append("  none found (or not searched)")
    optimum = result["social_optimum"]
    lines += [
        f"Social optimum: {_profile_text(actions, players, optimum['profile'])}"
        f"  (welfare {optimum['welfare']:.4g})",
        f"Price of anarchy: {_ratio(result['price_of_anarchy'])}",
        f"Price of stability: {_ratio(result['price_of_stability'])}",
    ]
    dominated = [
        f"{p}: {', '.join(actions[i][a] for a in d)}"
        for i, (p, d) in enumerate(zip(players, result.get("dominated", []), strict=False))
        if d
    ]
    if dominated:
        lines.append("Strictly dominated actions: " + "; ".join(dominated))
    return "\n".join(lines)


def format_coalition_game(result: dict) -> str:
    """A symmetric treaty game: which coalition sizes are stable, and which meet each condition."""

    def sizes(key: str) -> str:
        return listing([str(k) for k in result.get(key, [])])

    lines = [
        f"Symmetric participation game of {result.get('n', '?')} players",
        f"Stable coalition sizes (k >= 1): {sizes('stable_coalition_sizes')}",
    ]
    for side, who in (
        ("internally", "no member gains by leaving"),
        ("externally", "no outsider gains by joining"),
    ):
        if f"{side}_stable" in result:
            lines.append(f"  {side} stable ({who}): {sizes(f'{side}_stable')}")
    return "\n".join(lines)


def _treaty_lines(row: dict) -> list[str]:
    members = listing(row["members"], "(empty treaty: no state joins)")
    return [
        f"  members: {members}",
        f"    pausing labs: {listing(row['pausing_labs'])}",
        f"    racing labs:  {listing(row['racing_labs'])}",
        f"    would cheat:  {listing(row['violators'])}",
        f"    welfare (states) {row['welfare']:.2f} $B, labs {row['lab_welfare']:.2f} $B; "
        f"catastrophe probability over the lookahead {row['catastrophe_probability']:.2%}",
        f"    labs' play: {row['selection_method']}",
    ]


def format_scenario(report: dict) -> str:
    """The two-level game of a scenario, as a reader wants it: stable treaties first."""
    from pausegame.experiments.treaty import PAUSE

    origin = origin_text(report, "the scenario's start")
    lines = [
        f"Scenario {report['scenario']}, from {origin}; "
        f"labs' play under each treaty chosen by: {report['selection']}"
    ]
    if report["catastrophe_step"] is not None:
        lines.append(
            f"(the run ended in a catastrophe in month {report['catastrophe_step']}; "
            "analysed from that state)"
        )
    stable = report["stable_treaties"]
    lines += [
        "",
        f"Stable treaties ({len(stable)}; no member gains by leaving, "
        "no outsider by joining; the empty treaty is listed when no state gains by "
        "joining alone):",
    ]
    for row in stable:
        lines += _treaty_lines(row)
    if not stable:
        lines.append("  none: every treaty has a member that leaves or an outsider that joins")
    lines.append("")
    lines.append(
        "Global pause (every state in, every lab pausing) stable: "
        + ("yes" if report["global_pause_stable"] else "no")
    )
    if not report["global_pause_stable"]:
        lines.append("  " + _full_treaty_reason(report["treaties"]))
    matters = report["selection_matters"]
    if matters:
        lines.append(
            "The selection rule matters for the treaties: "
            + "; ".join(listing(m, "(empty)") for m in matters)
        )
        for rule, sets in report["stable_treaties_by_rule"].items():
            lines.append(
                f"  stable under {rule}: " + "; ".join(listing(m, "(empty)") for m in sets)
            )
    else:
        lines.append(
            "The selection rule does not matter: dynamics, welfare and worst pick "
            "the same play of every G(S)."
        )
    best = report["treaty_social_optimum"]
    lines.append(
        f"Best for the states together: members {listing(best['members'])}, "
        f"pausing labs {listing(best['pausing_labs'])} (welfare {best['welfare']:.2f} $B)"
    )

    players, actions = report["players"], report["actions"]
    lines += [
        "",
        f"Lab game under the treaty in force (members: {listing(report['lab_game_members'])}):",
        "  pure equilibria:",
    ]
    for row in report["pure_equilibria"]:
        pausing = [p for p, a in zip(players, row["profile"], strict=True) if a == PAUSE]
        lines.append(f"    pausing: {listing(pausing)} (lab welfare {row['welfare']:.2f} $B)")
    if not report["pure_equilibria"]:
        lines.append("    none")
    optimum = report["social_optimum"]
    pausing = [p for p, a in zip(players, optimum["profile"], strict=True) if a == PAUSE]
    lines += [
        f"  social optimum: pausing {listing(pausing)} (lab welfare {optimum['welfare']:.2f} $B)",
        f"  price of anarchy: {_ratio(report['price_of_anarchy'])}; "
        f"price of stability: {_ratio(report['price_of_stability'])}",
        f"  current play: {_profile_text(actions, players, report['current_profile'])}; "
        f"regret {report['current_regret']:.3g} $B",
    ]
    return "\n".join(lines)


def _full_treaty_reason(treaties: list[dict]) -> str:
    """Why the global pause fails: who gains by leaving the full treaty, or who races under it."""
    by_members = {frozenset(t["members"]): t for t in treaties}
    full = treaties[-1]
    racing = full["racing_labs"]
    if full["internally_stable"]:
        return f"the full treaty is stable, but under it {listing(racing)} race"
    gains = []
    for state in full["members"]:
        alone_out = by_members[frozenset(full["members"]) - {state}]
        gain = alone_out["state_payoffs"][state] - full["state_payoffs"][state]
        if gain > 0:
            gains.append(f"{state} (+{gain:.2f} $B)")
    text = f"the full treaty is not internally stable: leaving pays {listing(gains)}"
    return text + (f"; under it {listing(racing)} race" if racing else "")


# ----- the equilibrium path -------------------------------------------------------------------


def _span(low: float, high: float, spec: str) -> str:
    return f"{low:{spec}}" if f"{low:{spec}}" == f"{high:{spec}}" else f"{low:{spec}}-{high:{spec}}"


def _month_key(month: dict) -> tuple:
    """What a stretch of months has in common: its stable treaties and lab equilibria."""
    return (
        tuple(treaty_text(t) for t in month["stable_treaties"]),
        month["global_pause_stable"],
        tuple(month["members"]),
        tuple(tuple(e) for e in month["pure_equilibria"]),
        tuple(month["pausing_labs"]),
    )


def format_path(report: dict) -> str:
    """The path in stretches of months over which the equilibrium analysis does not change."""
    from pausegame.experiments.treaty import PAUSE

    labs = report["lab_names"]
    months = report["months"]
    origin = (
        "the expected path (the starting play held, expected dynamics)"
        if report["seed"] is None
        else f"run seed {report['seed']}"
    )
    last = months[-1]["step"] if months else 0
    lines = [
        f"Scenario {report['scenario']}, {origin}, months 0-{last}; labs' play under each "
        f"treaty chosen by: {report['selection']}"
    ]
    if report["catastrophe_step"] is not None:
        lines.append(f"(the run ended in a catastrophe in month {report['catastrophe_step']})")
    stretches: list[list[dict]] = []
    for month in months:
        if stretches and _month_key(stretches[-1][-1]) == _month_key(month):
            stretches[-1].append(month)
        else:
            stretches.append([month])
    for stretch in stretches:
        first, end = stretch[0], stretch[-1]
        span = f"month {first['step']}" if first is end else f"months {first['step']}-{end['step']}"
        frontier = "frontier " + _span(first["frontier"], end["frontier"], ".3f")
        sputnik = ", after the Sputnik moment" if first["loss_multiplier"] > 1 else ""
        regrets = [m["current_regret"] for m in stretch]
        at_eq = sum(m["at_lab_equilibrium"] for m in stretch)
        equilibria = [
            listing([p for p, a in zip(labs, e, strict=True) if a == PAUSE])
            for e in first["pure_equilibria"]
        ]
        lines += [
            "",
            f"{span} ({frontier}{sputnik}):",
            "  stable treaties: "
            + ("; ".join(treaty_text(t) for t in first["stable_treaties"]) or "none"),
            f"  global pause stable: {'yes' if first['global_pause_stable'] else 'no'}",
            f"  lab game under {{{listing(first['members'], '')}}}: "
            + (
                f"{len(equilibria)} pure equilibri{'um' if len(equilibria) == 1 else 'a'}, "
                "pausing " + " | ".join(equilibria[:3]) + (" | ..." if len(equilibria) > 3 else "")
                if equilibria
                else "no pure equilibrium"
            ),
            f"  current play: pausing {listing(first['pausing_labs'])}; regret "
            f"{_span(min(regrets), max(regrets), '.3g')} $B; at an equilibrium in {at_eq} of "
            f"{len(stretch)} months",
        ]
    return "\n".join(lines)
