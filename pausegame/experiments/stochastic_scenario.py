"""The long-run distribution of a scenario's revision dynamics, beside its agents' runs.

From one position (the scenario's start, or month N of a run) the game is frozen and its
deciders revise as `stochastic` describes: the labs alone in G(S) for the treaty in force,
or labs and states together in the two-level game, where a state weighs membership after
its own labs settle (`anticipation.settle_own_labs`, the agents' own reasoning). The
stationary distribution says which profiles the dynamics favour; the agents' runs give an
empirical distribution over the last months of each run to set beside it. The two need
not agree: the runs' world keeps moving (capabilities, the market, the Sputnik moment) and
several deciders revise in one month, while the chain holds one position's game fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse

from pausegame.errors import InputError
from pausegame.experiments import stochastic, treaty
from pausegame.experiments.lab_game import (
    LabGame,
    lab_games,
    member_sets,
    named,
    profile_utilities,
    set_index,
)
from pausegame.sim.engine import simulate_ensemble
from pausegame.sim.engine.anticipation import settle_own_labs
from pausegame.sim.kernel import Structure
from pausegame.sim.scenario import Scenario

#: The agents' rules and the chain's: best response is logit revision.
RULE_OF = {"best_response": "logit", "imitation": "imitation"}


def rule_for(scenario: Scenario, rule: str | None) -> str:
    """The chain's rule: as given, or the scenario's lab rule when it has a chain form."""
    if rule is not None:
        if rule not in stochastic.RULES:
            raise InputError(f"--rule {rule!r}: expected one of {', '.join(stochastic.RULES)}")
        return rule
    if scenario.lab_rule not in RULE_OF:
        raise InputError(
            f"the scenario's lab rule {scenario.lab_rule!r} has no revision chain; "
            f"choose --rule {' or '.join(stochastic.RULES)}"
        )
    return RULE_OF[scenario.lab_rule]


# ----- the two-level chain ------------------------------------------------------------------


def _settled_utilities(structure: Structure, all_games: list[LabGame]) -> np.ndarray:
    """A[s, k, x]: state k's utility in G(s) after its own labs settle from lab profile x."""
    n_labs = structure.n_labs
    profiles = stochastic.bits(n_labs).astype(bool)
    table = np.empty((len(all_games), structure.n_states, len(profiles)))
    for s, game in enumerate(all_games):
        utilities = profile_utilities(game.payoffs)
        states = np.moveaxis(game.state_payoffs, 0, -1).reshape(len(profiles), -1)
        for k in range(structure.n_states):
            own = np.flatnonzero(structure.lab_state == k)
            settled = settle_own_labs(profiles, own, utilities) if own.size else profiles
            index = settled.astype(np.int64) @ stochastic.flip_masks(n_labs)
            table[s, k] = states[index, k]
    return table


def two_level_switch(
    structure: Structure, all_games: list[LabGame], rule: str, beta: float
) -> np.ndarray:
    """Switch probabilities (2^S 2^L, S + L) over joint profiles: states first, then labs."""
    n_states, n_labs = structure.n_states, structure.n_labs
    sets = len(all_games)
    lab_by_profile = np.empty((sets, 2**n_labs, n_labs))
    lab_gain = np.empty_like(lab_by_profile)
    for s, game in enumerate(all_games):
        lab_by_profile[s], lab_gain[s] = stochastic.gains_of(game.payoffs)
    state_payoffs = np.stack(
        [np.moveaxis(g.state_payoffs, 0, -1).reshape(2**n_labs, n_states) for g in all_games]
    )  # [s, x, k]
    if rule == "imitation":
        member_bits = stochastic.bits(n_states)
        lab_bits = stochastic.bits(n_labs)
        states = stochastic.imitation_switch(
            state_payoffs.reshape(-1, n_states), np.repeat(member_bits, 2**n_labs, axis=0), beta
        )
        labs = stochastic.imitation_switch(
            lab_by_profile.reshape(-1, n_labs), np.tile(lab_bits, (sets, 1)), beta
        )
        return np.concatenate([states, labs], axis=1)
    settled = _settled_utilities(structure, all_games)  # [s, k, x]
    flipped = np.arange(sets)[:, None] ^ stochastic.flip_masks(n_states)[None, :]  # [s, k]
    ks = np.arange(n_states)[None, :]
    state_gain = np.moveaxis(settled[flipped, ks] - settled[np.arange(sets)[:, None], ks], 1, 2)
    states = stochastic.logit_switch(state_gain.reshape(-1, n_states), beta)
    labs = stochastic.logit_switch(lab_gain.reshape(-1, n_labs), beta)
    return np.concatenate([states, labs], axis=1)


@dataclass(frozen=True)
class TwoLevel:
    """The joint long-run distribution over (treaty member set, lab profile)."""

    structure: Structure
    joint: np.ndarray  # (2^S, 2^L)
    switch: np.ndarray  # (2^S 2^L, S + L) the chain's switch probabilities (two_level_switch)

    @property
    def treaties(self) -> np.ndarray:
        """(2^S,) long-run probability of each member set (member_sets order)."""
        return self.joint.sum(axis=1)


def two_level_stationary(
    structure: Structure, all_games: list[LabGame], rule: str, beta: float, mutation: float
) -> TwoLevel:
    """The two-level game's chain (states and labs revising) and its stationary distribution."""
    size = len(all_games) * 2**structure.n_labs
    if size > stochastic.MAX_PROFILES:
        raise InputError(f"{size} joint profiles exceed the chain limit of 2^16")
    switch = two_level_switch(structure, all_games, rule, beta)
    chain = stochastic.revision_chain(switch, mutation)
    pi = stochastic.stationary_distribution(chain)
    return TwoLevel(structure, pi.reshape(len(all_games), 2**structure.n_labs), switch)


# ----- the agents' runs ---------------------------------------------------------------------


def empirical_distribution(
    scenario: Scenario, seeds: Sequence[int], steps: int, window: int
) -> tuple[np.ndarray, int]:
    """(2^S, 2^L) share of run-months at each (member set, lab profile), and months counted.

    The months are the last `window` of `steps`, from runs still going then (a catastrophe
    ends a run).
    """
    structure = scenario.structure()
    n_labs, n_states = structure.n_labs, structure.n_states
    counts = np.zeros((2**n_states, 2**n_labs))
    first = max(1, steps - window + 1)
    for run in simulate_ensemble(scenario, [{}], seeds, steps, records=True):
        if run.steps < first or run.records is None:
            continue
        pausing = run.records.agents["pausing"][first : run.steps + 1, run.record_index]
        labs = pausing[:, :n_labs].astype(np.int64) @ stochastic.flip_masks(n_labs)
        states = pausing[:, n_labs : n_labs + n_states].astype(np.int64) @ (
            stochastic.flip_masks(n_states)
        )
        np.add.at(counts, (states, labs), 1.0)
    months = int(counts.sum())
    return (counts / months if months else counts), months


# ----- the report ---------------------------------------------------------------------------


def _profiles(structure: Structure, joint: np.ndarray, count: int) -> list[dict]:
    sets = member_sets(structure.n_states)
    profiles = stochastic.bits(structure.n_labs).astype(bool)
    order = np.argsort(-joint.ravel(), kind="stable")[:count]
    rows = []
    for index in order:
        s, x = divmod(int(index), joint.shape[1])
        rows.append(
            {
                "members": named(structure.state_names, sets[s]),
                "pausing_labs": named(structure.lab_names, profiles[x]),
                "probability": float(joint.ravel()[index]),
            }
        )
    return rows


def _summary(structure: Structure, joint: np.ndarray, count: int) -> dict:
    labs = joint.sum(axis=0) @ stochastic.bits(structure.n_labs)
    states = joint.sum(axis=1) @ stochastic.bits(structure.n_states)
    return {
        "most_likely": _profiles(structure, joint, count),
        "lab_pause_share": float(labs.mean()),
        "pause_probability": dict(zip(structure.lab_names, map(float, labs), strict=True)),
        "membership_probability": dict(zip(structure.state_names, map(float, states), strict=True)),
        "global_pause_probability": float(joint[-1, -1]),
    }


def chain_from_runs(
    scenario: Scenario, seeds: Sequence[int], month: int, rule: str, mutation: float
) -> tuple[np.ndarray, int]:
    """The two-level chain's stationary distribution from each run's position at `month`,
    averaged over the runs that got there: where the dynamics lead from where runs stood."""
    structure, params = scenario.structure(), scenario.params
    sets = member_sets(structure.n_states)
    total = np.zeros((len(sets), 2**structure.n_labs))
    counted = 0
    for run in simulate_ensemble(scenario, [{}], seeds, month):
        if run.catastrophe_step is not None:
            continue
        all_games = lab_games(structure, params, run.planning_state(), sets)
        chain = two_level_stationary(structure, all_games, rule, float(params.logit_beta), mutation)
        total += chain.joint
        counted += 1
    return (total / counted if counted else total), counted


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(0.5 * np.abs(a - b).sum())


def month_check(
    switch: np.ndarray, one_at_a_time: np.ndarray, rate: float, mutation: float, n_labs: int
) -> dict | None:
    """The engine's own month (every decider revising with probability `rate`, in random
    order) where it fits: its labs' pause share and its distance to the chain's distribution."""
    if switch.shape[1] > stochastic.MAX_MONTH_DECIDERS:
        return None
    month = stochastic.month_chain(switch, rate, mutation)
    pi = stochastic.stationary_distribution(sparse.csr_matrix(month))
    labs = pi.reshape(-1, 2**n_labs).sum(axis=0)  # over member sets, if any
    return {
        "revision_rate": rate,
        "lab_pause_share": float((labs @ stochastic.bits(n_labs)).mean()),
        "total_variation_to_one_at_a_time": _distance(pi, one_at_a_time),
    }


def stationary_report(
    scenario: Scenario,
    at_step: int | None = None,
    seed: int = 0,
    mutation: float = 0.01,
    rule: str | None = None,
    seeds: int = 10,
    window: int = 24,
    count: int = 5,
) -> dict:
    """Labs' chain in G(treaty in force) and the two-level chain at one position; beside
    them the agents' last `window` months over `seeds` runs, and the two-level chain from
    where those runs stood when the window opened."""
    if not 0.0 < mutation <= 1.0:
        raise InputError(f"--mutation {mutation}: expected a probability in (0, 1]")
    rule = rule_for(scenario, rule)
    structure, params = scenario.structure(), scenario.params
    where = treaty.position(scenario, at_step, seed)
    sets = member_sets(structure.n_states)
    treaty.check_size(structure, len(sets))
    all_games = lab_games(structure, params, where.state, sets)
    beta = float(params.logit_beta)
    in_force = set_index(where.members)
    lab_switch = stochastic.switch_probabilities(all_games[in_force].payoffs, rule, beta)
    labs = stochastic.Stationary(
        structure.lab_names,
        stochastic.stationary_distribution(stochastic.revision_chain(lab_switch, mutation)),
    )
    labs_joint = np.zeros((len(sets), 2**structure.n_labs))
    labs_joint[in_force] = labs.distribution
    two_level = two_level_stationary(structure, all_games, rule, beta, mutation)
    rate = float(params.revision_rate)
    month_checks = {
        part: month_check(switch, one_at_a_time, rate, mutation, structure.n_labs)
        for part, switch, one_at_a_time in (
            ("lab_game", lab_switch, labs.distribution),
            ("two_level", two_level.switch, two_level.joint.ravel()),
        )
    }
    steps = scenario.steps
    first = max(1, steps - window + 1)
    empirical, months = empirical_distribution(scenario, range(seeds), steps, window)
    agents: dict[str, Any] = {"seeds": seeds, "months": [first, steps], "run_months": months}
    if months:
        from_runs, counted = chain_from_runs(scenario, range(seeds), first - 1, rule, mutation)
        agents.update(_summary(structure, empirical, count))
        agents["chain_from_runs"] = {
            "month": first - 1,
            "runs": counted,
            **_summary(structure, from_runs, count),
            "total_variation_to_agents": _distance(from_runs, empirical),
        }
        agents["total_variation_to_two_level"] = _distance(empirical, two_level.joint)
    report = {
        "scenario": scenario.name,
        "at_step": where.step,
        "seed": where.seed,
        "rule": rule,
        "beta": beta,
        "mutation": mutation,
        "revision_rate": rate,
        "lab_game": {
            "members": named(structure.state_names, where.members),
            **_summary(structure, labs_joint, count),
        },
        "two_level": _summary(structure, two_level.joint, count),
        "agents": agents,
    }
    for part, check in month_checks.items():
        if check is not None:
            report[part]["month_chain"] = check
    return report
