"""The article scenario's calibration targets, measured: what the model must show and why.

Each target is one of the article's predictions turned into numbers the model produces
(docs/model.md, "Calibration"). `measure_points` runs, for many parameter points at once,
the ensembles and games the targets need and returns every number; `verdicts` says which
targets hold. The tests (`tests/test_calibration.py`), the calibration search and the
robustness table (`scripts/calibrate.py`) all read the targets from here, so they cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from pausegame.experiments import games
from pausegame.experiments.lab_game import PAUSE, lab_game, select
from pausegame.experiments.treaty import analyse_treaties, position
from pausegame.sim import kernel
from pausegame.sim.engine import OPEN_SOURCE, RunRecord, simulate_ensemble
from pausegame.sim.scenario import Scenario

#: Months of the expected no-treaty path at which the labs' game must be a social dilemma.
DILEMMA_MONTHS = (0, 12, 24, 36)
#: Verification values (annual detection odds) of the leakage lever's sweep.
LEVER_VERIFICATION = (0.5, 0.65, 0.8, 0.95)
#: What makes the strong-verification scenario: its values of these stay put at every point.
LEVERS = ("verification", "leak_base", "leak_pause", "fine")

Point = Mapping[str, object]


def key_racers(scenario: Scenario) -> list[int]:
    """The labs the article expects to race: OpenAI and Meta ("Opposed"), China's labs."""
    return [
        i
        for i, lab in enumerate(scenario.labs)
        if lab.name in ("OpenAI", "Meta") or lab.state == "China"
    ]


# ----- the social dilemma on the expected path ---------------------------------------------


@dataclass(frozen=True)
class Dilemma:
    """The labs' game G(no treaty) at one month of the expected path."""

    month: int
    equilibria: list[tuple[int, ...]]
    key_race_in_every_equilibrium: bool
    most_pausing_in_equilibrium: int
    labs_optimum_pausing: int
    world_optimum_pausing: int

    @property
    def holds(self) -> bool:
        """Pure equilibria exist, the key labs race in each, and both optima pause more."""
        return (
            bool(self.equilibria)
            and self.key_race_in_every_equilibrium
            and self.labs_optimum_pausing > self.most_pausing_in_equilibrium
            and self.world_optimum_pausing > self.most_pausing_in_equilibrium
        )


def dilemma_path(scenario: Scenario, months: Sequence[int] = DILEMMA_MONTHS) -> list[Dilemma]:
    """G(no treaty) at each month of the expected path.

    At each checkpoint month the labs play the pure equilibrium that best-response dynamics
    reach from their previous play, and hold it until the next checkpoint while the world
    moves on in expected dynamics (no draws, no noise).
    The labs' optimum maximises their summed utility; the world's, every decision maker's
    utility with each dollar counted once (`LabGame.world_welfare`).
    """
    structure, params = scenario.structure(), scenario.params
    state = scenario.initial_state()
    pausing, _ = scenario.initial_profile()
    members = np.zeros(structure.n_states, dtype=bool)
    racers = key_racers(scenario)
    out = []
    for month in range(max(months) + 1):
        if month in months:  # between checkpoints the play chosen at the last one is held
            game = lab_game(structure, params, state, members)
            profile = select(game, "dynamics", tuple(int(a) for a in pausing)).profile
            equilibria = games.pure_equilibria(game.payoffs)
            shape = game.catastrophe.shape
            labs_opt = np.unravel_index(int(np.argmax(game.lab_welfare())), shape)
            world_opt = np.unravel_index(int(np.argmax(game.world_welfare())), shape)
            out.append(
                Dilemma(
                    month,
                    equilibria,
                    all(all(e[i] != PAUSE for i in racers) for e in equilibria),
                    max((sum(e) for e in equilibria), default=0),
                    int(sum(labs_opt)),
                    int(sum(world_opt)),
                )
            )
            pausing = np.asarray(profile, dtype=bool)
        state = kernel.transition(state, pausing, members, structure, params).state
    return out


# ----- the agents' runs ---------------------------------------------------------------------


def run_months(run: RunRecord) -> np.ndarray:
    """(months, L) bool: each lab pausing in each month the run lasted."""
    recorded = run.records
    assert recorded is not None, "simulate with records=True"
    return recorded.agents["pausing"][1 : run.steps + 1, run.record_index, : run.structure.n_labs]


def top_source(run: RunRecord) -> str:
    """The source (a lab or the open-source pool) with the largest summed hazard."""
    shares = run.summary()["hazard_share_by_source"]
    return max(shares, key=shares.get)


def near_global(pausing: np.ndarray, member: np.ndarray, lab_state: np.ndarray) -> bool:
    """The global pause, or a treaty missing at most one actor: every state but at most one
    in the treaty, and every lab of a member state pausing (MODEL.md section 6)."""
    pausing, member = np.asarray(pausing, dtype=bool), np.asarray(member, dtype=bool)
    bound = member[np.asarray(lab_state)]
    return int((~member).sum()) <= 1 and bool(pausing[bound].all())


def article_values(runs: Sequence[RunRecord], racers: Sequence[int]) -> dict[str, float]:
    """Will the industry stop, is there a global pause, when is the threshold first crossed,
    and which source carries the most hazard in partial-pause runs."""
    all_months = np.concatenate([run_months(r) for r in runs])
    ends = [r.summary() for r in runs]
    crossing = [s["first_threshold_step"] for s in ends]
    crossing_months = np.array([np.inf if c is None else c for c in crossing], dtype=float)
    partial = [r for r, s in zip(runs, ends, strict=True) if s["outcome"] == "partial_pause"]
    return {
        "runs_all_labs_paused_at_end": float(np.mean([r.pausing.all() for r in runs])),
        "months_all_labs_paused": float(all_months.all(axis=1).mean()),
        "key_racers_min_racing_share": float(min((~all_months[:, i]).mean() for i in racers)),
        "global_pause_runs": float(np.mean([s["outcome"] == "global_pause" for s in ends])),
        "catastrophe_runs": float(np.mean([s["outcome"] == "catastrophe" for s in ends])),
        "median_first_crossing": float(np.median(crossing_months)),
        "partial_pause_runs": float(len(partial) / len(runs)),
        "open_source_top_in_partial": (
            float(np.mean([top_source(r) == OPEN_SOURCE for r in partial])) if partial else 0.0
        ),
    }


def reached_near_global(runs: Sequence[RunRecord]) -> float:
    """Share of runs that end, without a catastrophe, at the global pause or all but one."""
    return float(
        np.mean(
            [
                r.catastrophe_step is None
                and near_global(r.pausing, r.member, r.structure.lab_state)
                for r in runs
            ]
        )
    )


def global_pause_share(runs: Sequence[RunRecord]) -> float:
    return float(np.mean([r.summary()["outcome"] == "global_pause" for r in runs]))


def treaty_values(scenario: Scenario, at_steps: Sequence[int | None] = (None, 24)) -> dict:
    """Is the global pause (or all but one actor) a stable treaty, from the start and later
    (the state of run 0 at that month)."""
    out = {}
    for at in at_steps:
        where = position(scenario, at, seed=0)
        game = analyse_treaties(
            scenario.structure(), scenario.params, where.state, where.pausing, where.members
        )
        label = "start" if at is None else f"month{at}"
        out[f"global_pause_stable_{label}"] = float(game.global_pause_stable)
        out[f"near_global_stable_{label}"] = float(
            any(
                near_global(np.asarray(t.profile) == PAUSE, t.members, game.structure.lab_state)
                for t in game.stable
            )
        )
    return out


# ----- every target at many points ----------------------------------------------------------


@dataclass
class Measures:
    """Every number the targets read, for one parameter point."""

    values: dict[str, float] = field(default_factory=dict)
    dilemma: list[Dilemma] = field(default_factory=list)


def strong_point(point: Point) -> dict[str, object]:
    """A point's overrides for the strong-verification scenario: its levers stay put."""
    return {k: v for k, v in point.items() if k not in LEVERS}


def _per_point(runs: list[RunRecord], count: int) -> list[list[RunRecord]]:
    size = len(runs) // count
    return [runs[k * size : (k + 1) * size] for k in range(count)]


def measure_points(
    article: Scenario,
    strong: Scenario,
    points: Sequence[Point],
    seeds: Sequence[int],
    steps: int | None = None,
    lever_seeds: Sequence[int] | None = None,
    lever_verification: Sequence[float] = LEVER_VERIFICATION,
    games_too: bool = True,
) -> list[Measures]:
    """Every target's numbers at each point (`--set` overrides of the article scenario).

    All points' runs of one kind advance together through the engine. The strong-
    verification scenario takes each point's overrides except its own levers (`LEVERS`).
    The leakage lever sweeps verification over `lever_verification` in the strong
    scenario, with leak_pause at 0 and at the point's article value.
    """
    steps = article.steps if steps is None else steps
    lever_seeds = seeds if lever_seeds is None else lever_seeds
    n = len(points)
    racers = key_racers(article)
    results = [Measures() for _ in points]
    no_leak = [{**p, "leak_base": 0.0, "leak_pause": 0.0} for p in points]
    runs = simulate_ensemble(article, [*points, *no_leak], seeds, steps, records=True)
    by_point = _per_point(runs, 2 * n)
    strong_points = [strong_point(p) for p in points]
    strong_runs = _per_point(simulate_ensemble(strong, strong_points, seeds, steps), n)
    lever_points = []
    for p, sp in zip(points, strong_points, strict=True):
        raised = article.with_overrides(dict(p)).params.leak_pause
        lever_points += [
            {**sp, "verification": v, "leak_pause": lp}
            for lp in (0.0, raised)
            for v in lever_verification
        ]
    lever_runs = _per_point(
        simulate_ensemble(strong, lever_points, lever_seeds, steps), len(lever_points)
    )
    width = 2 * len(lever_verification)
    for k, (point, result) in enumerate(zip(points, results, strict=True)):
        values = result.values
        values.update(article_values(by_point[k], racers))
        zero = article_values(by_point[n + k], racers)
        values["open_source_top_in_partial_no_leak"] = zero["open_source_top_in_partial"]
        values["partial_pause_runs_no_leak"] = zero["partial_pause_runs"]
        values["strong_reached_near_global"] = reached_near_global(strong_runs[k])
        values["strong_global_pause_runs"] = global_pause_share(strong_runs[k])
        shares = np.array(
            [global_pause_share(r) for r in lever_runs[k * width : (k + 1) * width]]
        ).reshape(2, len(lever_verification))
        drop = shares[0] - shares[1]
        values["lever_largest_drop"] = float(drop.max())
        values["lever_at_verification"] = float(lever_verification[int(np.argmax(drop))])
        if games_too:
            here = article.with_overrides(dict(point))
            values.update(treaty_values(here))
            strong_here = strong.with_overrides(strong_points[k])
            values.update({f"strong_{key}": v for key, v in treaty_values(strong_here).items()})
            result.dilemma = dilemma_path(here)
            values["dilemma_months_holding"] = float(sum(d.holds for d in result.dilemma))
    return results


def measure(article: Scenario, strong: Scenario, seeds: Sequence[int], **options) -> Measures:
    """Every target's numbers for the scenarios as they are."""
    return measure_points(article, strong, [{}], seeds, **options)[0]


#: The targets, in the order the README's tables list them.
TARGETS = (
    "social_dilemma",
    "industry_will_not_stop",
    "no_global_pause_runs",
    "no_global_pause_stable",
    "crossing_12_to_24",
    "strong_verification_stable",
    "strong_verification_reached",
    "leak_pause_lever",
    "open_source_primary_vector",
)


def verdicts(m: Measures) -> dict[str, bool]:
    """Which of the article's predictions the measured numbers bear out."""
    v = m.values
    out = {
        "industry_will_not_stop": v["runs_all_labs_paused_at_end"] <= 0.10
        and v["months_all_labs_paused"] <= 0.10
        and v["key_racers_min_racing_share"] > 0.5,
        "no_global_pause_runs": v["global_pause_runs"] <= 0.10,
        "crossing_12_to_24": 12 <= v["median_first_crossing"] <= 24,
        "strong_verification_reached": v["strong_reached_near_global"] >= 0.80,
        "leak_pause_lever": v["lever_largest_drop"] >= 0.15,
        "open_source_primary_vector": v["open_source_top_in_partial"] > 0.5
        and v["open_source_top_in_partial_no_leak"] <= 0.5,
    }
    if m.dilemma:
        out["social_dilemma"] = all(d.holds for d in m.dilemma)
        out["no_global_pause_stable"] = not (
            v["global_pause_stable_start"] or v["global_pause_stable_month24"]
        )
        out["strong_verification_stable"] = bool(
            v["strong_near_global_stable_start"] and v["strong_near_global_stable_month24"]
        )
    return {name: out[name] for name in TARGETS if name in out}
