"""Agents beside equilibria: each scenario's stable treaties next to where its runs end up.

For every scenario: the treaty game from its start (stable treaties, whether the global
pause is stable, the states' optimum), then N seeded runs and, from each run's final state,
how far the agents ended from equilibrium: are they at a stable treaty with its selected lab
play, at a pure equilibrium of the lab game under their final treaty, and with what regret
(MODEL.md section 5.4).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from pausegame.errors import InputError
from pausegame.experiments import games, treaty
from pausegame.experiments.lab_game import named
from pausegame.sim.engine import OUTCOMES, simulate_ensemble
from pausegame.sim.kernel import WorldState
from pausegame.sim.parameters import ParameterError
from pausegame.sim.scenario import Scenario, builtin_names, load_scenario, parse_assignment
from pausegame.userfiles import is_dir, is_file

Progress = Callable[[int, int], None]  # (runs done, runs in all)
#: What the comparison keeps of each treaty stable at the start.
TREATY_KEYS = (
    "members", "empty", "pausing_labs", "racing_labs", "violators", "welfare",
    "catastrophe_probability",
)  # fmt: skip


@dataclass(frozen=True)
class FinalState:
    """Where one run ended: its summary and the play and public state agents then faced."""

    summary: dict  # runs.summarise(...)
    state: WorldState  # what the agents plan from at the end (observed capabilities)
    pausing: np.ndarray  # (L,) bool
    members: np.ndarray  # (S,) bool

    @property
    def catastrophe(self) -> bool:
        return self.summary["outcome"] == "catastrophe"


def final_states(
    scenario: Scenario, seeds: Sequence[int], steps: int, progress: Progress | None = None
) -> list[FinalState]:
    """Every seed's run, advanced together by the engine, and where each ended."""
    told = 0

    def advance(done: int, total: int) -> None:
        nonlocal told
        while progress is not None and told < done:  # one call per finished run
            told += 1
            progress(told, total)

    runs = simulate_ensemble(scenario, [{}], seeds, steps, progress=advance)
    return [
        FinalState(run.summary(), run.planning_state(), run.pausing.copy(), run.member.copy())
        for run in runs
    ]


# ----- which scenarios ----------------------------------------------------------------------


def _known(name: str) -> bool:
    return name in builtin_names() or is_file(name)


def scenario_from_spec(spec: str) -> Scenario:
    """`NAME`, `PATH`, or either with overrides: `NAME:param=value,lab.X.safety=0.9`.

    The part before the first colon that names a built-in or an existing file is the base;
    the rest is comma-separated `--set` assignments.
    """
    if _known(spec):
        return load_scenario(spec)
    for position, char in enumerate(spec):
        if char == ":" and _known(spec[:position]):
            base, rest = spec[:position], spec[position + 1 :]
            pieces = [p for p in rest.split(",") if p.strip()]
            if not pieces:
                raise InputError(f"scenario {spec!r}: nothing after ':' (expected param=value,...)")
            where = f"scenario {spec!r}:"
            overrides = dict(parse_assignment(p, where) for p in pieces)
            try:
                return load_scenario(base).with_overrides(overrides)
            except ParameterError as error:  # say which of the scenarios compared is at fault
                raise InputError(f"{where} {error}") from None
    if is_dir(spec):
        raise InputError(f"scenario {spec!r}: is a folder; give a scenario's TOML file")
    raise InputError(
        f"scenario {spec!r}: no such built-in ({', '.join(builtin_names())}) or file "
        "(write overrides as NAME:param=value,param=value)"
    )


# ----- one scenario -------------------------------------------------------------------------


def _run_distance(scenario: Scenario, final: FinalState, selection: str) -> dict:
    """From a run's final state: stable treaty reached? lab equilibrium? the profile's regret."""
    structure = scenario.structure()
    analysis = treaty.analyse_treaties(
        structure, scenario.params, final.state, final.pausing, final.members, selection
    )
    here = analysis.treaties[treaty.set_index(final.members)]
    profile = tuple(int(a) for a in final.pausing)
    game = analysis.current_game
    tol = treaty.tolerance(game.payoffs)
    regret = float(games.regret(game.payoffs)[profile])
    return {
        "at_stable_treaty": bool(here.stable and here.profile == profile),
        "at_lab_equilibrium": regret <= tol,
        "global_pause_stable": analysis.global_pause_stable,
        "regret": regret,
        "members": named(structure.state_names, final.members),
        "pausing_labs": named(structure.lab_names, final.pausing),
        "stable_treaties": [
            (
                tuple(named(structure.state_names, t.members)),
                tuple(named(structure.lab_names, np.asarray(t.profile) == treaty.PAUSE)),
            )
            for t in analysis.stable
        ],
    }


def _end_stability(distances: list[dict]) -> list[dict]:
    """Each treaty stable at some run's end state, with the share of runs where it is."""
    counts = Counter(key for d in distances for key in d["stable_treaties"])
    return [
        {"members": list(members), "pausing_labs": list(pausing), "share": count / len(distances)}
        for (members, pausing), count in counts.most_common()
    ]


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _mean_welfare(finals: list[FinalState], kind: str) -> float | None:
    """The mean over runs of the summed payoff of every lab or every state."""
    totals = [
        sum(a["total_payoff"] for a in f.summary["agents"] if a["kind"] == kind) for f in finals
    ]
    return float(np.mean(totals)) if finals else None


def compare_scenario(
    label: str,
    scenario: Scenario,
    seeds: Sequence[int],
    steps: int,
    selection: str = "dynamics",
    progress: Progress | None = None,
) -> dict:
    """The equilibrium set of one scenario beside the outcomes of its runs (JSON-ready)."""
    start_game, _ = treaty.analyse_scenario(scenario, selection)
    start = treaty.treaty_report(start_game, mixed=False)
    finals = final_states(scenario, seeds, steps, progress=progress)
    n_runs = len(finals)
    outcomes = Counter(f.summary["outcome"] for f in finals)
    survivors = [f for f in finals if not f.catastrophe]
    distances = [_run_distance(scenario, f, selection) for f in survivors]
    start_stable = {
        (tuple(t["members"]), tuple(t["pausing_labs"])) for t in start["stable_treaties"]
    }
    at_equilibrium = Counter(
        (tuple(d["members"]), tuple(d["pausing_labs"]))
        for d in distances
        if d["at_lab_equilibrium"]
    )
    return {
        "scenario": label,
        "name": scenario.name,
        "selection": selection,
        "equilibria": {
            "stable_treaties": [
                {key: row[key] for key in TREATY_KEYS} for row in start["stable_treaties"]
            ],
            "global_pause_stable": start["global_pause_stable"],
            "selection_matters": start["selection_matters"],
            "social_optimum": start["treaty_social_optimum"],
            "lab_game_social_optimum": start["social_optimum"],
        },
        "runs": {
            "seeds": n_runs,
            "steps": steps,
            "outcome_shares": {o: _share(outcomes[o], n_runs) for o in OUTCOMES},
            "mean_state_welfare": _mean_welfare(finals, "state"),
            "mean_lab_welfare": _mean_welfare(finals, "lab"),
            "mean_cumulative_catastrophe_probability": (
                float(np.mean([f.summary["cumulative_catastrophe_probability"] for f in finals]))
                if finals
                else None
            ),
            "survived": len(survivors),
            # The rest are shares of the runs that survived: a catastrophe ends the game.
            "share_at_start_stable_treaty": _share(
                sum(
                    (tuple(d["members"]), tuple(d["pausing_labs"])) in start_stable
                    for d in distances
                ),
                len(survivors),
            ),
            "share_at_stable_treaty": _share(
                sum(d["at_stable_treaty"] for d in distances), len(survivors)
            ),
            "share_at_lab_equilibrium": _share(
                sum(d["at_lab_equilibrium"] for d in distances), len(survivors)
            ),
            "share_global_pause_stable_at_end": _share(
                sum(d["global_pause_stable"] for d in distances), len(survivors)
            ),
            # Stability judged at the runs' end states, beside the start's `equilibria`.
            "stable_treaties_at_end": _end_stability(distances),
            "lab_equilibria_reached": [
                {
                    "members": list(members),
                    "pausing_labs": list(pausing),
                    "share": _share(count, len(survivors)),
                }
                for (members, pausing), count in at_equilibrium.most_common()
            ],
            "mean_regret": float(np.mean([d["regret"] for d in distances])) if distances else None,
        },
    }


def compare(
    specs: Sequence[str],
    seeds: int,
    steps: int | None = None,
    selection: str = "dynamics",
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Every scenario spec side by side; `steps` None means each scenario's own run length."""
    if not specs:
        raise InputError("compare: name at least one scenario")
    if seeds < 1:
        raise InputError(f"--seeds {seeds}: expected at least 1")
    scenarios = [(spec, scenario_from_spec(spec)) for spec in specs]  # all checked before running
    results = [
        compare_scenario(
            spec,
            scenario,
            range(seeds),
            scenario.steps if steps is None else steps,
            selection,
            None if progress is None else partial(progress, spec),
        )
        for spec, scenario in scenarios
    ]
    return {"seeds": seeds, "selection": selection, "scenarios": results}
