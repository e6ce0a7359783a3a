"""Joint draws of the article scenario's assumed values, for calibration and robustness.

Every value the article does not give is drawn log-uniformly between half and twice its
scenario value (`draw_points`), jointly, as `--set` overrides; `robustness` measures in
how many draws each calibration target still holds and which values the targets are most
sensitive to. `search` tries random points around the current values and ranks them by
the targets they meet: the reproducible part of choosing the defaults.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context

import numpy as np

from pausegame.experiments.calibration import TARGETS, Measures, measure_points, verdicts
from pausegame.sim.parameters import lookup
from pausegame.sim.scenario import Scenario

#: Global parameters whose values are assumed (the article gives none of them).
ASSUMED = (
    "rsi_threshold", "rsi_boost", "share_exponent", "compute_cost", "rivalry", "hazard_max",
    "hazard_width", "stop_now", "lab_loss", "state_loss", "sputnik", "verification",
    "false_alarm", "fine", "observation_noise", "verification_cost", "leak_base",
    "leak_pause", "revision_rate", "logit_beta", "lookahead", "discount",
)  # fmt: skip
#: Labs the article names without a SWE-bench score: their capability is assumed.
UNSCORED = ("Mistral", "Alibaba Qwen", "Baidu", "Zhipu AI")
#: Runs sharing these values share a batch, so draws of them snap to a few levels.
LOOKAHEAD_LEVELS = (6, 9, 12, 18, 24)
EXPONENT_STEPS = (-1.0, -0.5, 0.0, 0.5, 1.0)  # log2 of the factor
#: The leader's threshold crossing the article dates (months): growth_rate follows θ.
ARTICLE_CROSSING_MONTHS = 18


def assumed_names(scenario: Scenario) -> list[str]:
    """Every assumed value of the scenario, as a `--set` name (zero values stay zero)."""
    names = [n for n in ASSUMED if getattr(scenario.params, n) != 0]
    for lab in scenario.labs:
        names.append(f"lab.{lab.name}.safety")
        if lab.pause_affinity != 0:
            names.append(f"lab.{lab.name}.pause_affinity")
        if lab.name in UNSCORED:
            names.append(f"lab.{lab.name}.capability")
    names += [f"state.{s.name}.transparency" for s in scenario.states]
    return names


def scaled(scenario: Scenario, name: str, factor: float) -> float | int:
    """The value `factor` times the scenario's, kept meaningful and in range."""
    base = float(scenario.value(name))
    if name == "lookahead":
        target = base * factor
        return min(LOOKAHEAD_LEVELS, key=lambda v: abs(math.log(v / target)))
    if name == "share_exponent":
        step = min(EXPONENT_STEPS, key=lambda s: abs(s - math.log2(factor)))
        return base * 2.0**step
    if name == "sputnik":  # the multiplier's excess over one scales
        return 1.0 + (base - 1.0) * factor
    if name == "discount":  # the discount rate scales
        return 1.0 - (1.0 - base) * factor
    if name == "rsi_threshold":  # how far above the leader it lies (in log) scales
        leader = max(lab.capability for lab in scenario.labs)
        return leader * (base / leader) ** factor
    value = base * factor
    if name.endswith((".safety", ".transparency")) or name in (
        "verification", "false_alarm", "stop_now", "revision_rate",
    ):  # fmt: skip
        value = min(value, 1.0)
    if "." not in name:
        declared = lookup(name)
        value = min(max(value, declared.low), declared.high)
    return value


def growth_for(scenario: Scenario, threshold: float) -> float:
    """The growth rate at which the leader, racing, crosses `threshold` in 18 months."""
    leader = max(lab.capability for lab in scenario.labs)
    return (threshold / leader) ** (1.0 / ARTICLE_CROSSING_MONTHS) - 1.0


def point_from_factors(
    scenario: Scenario, names: Sequence[str], factors: Sequence[float]
) -> dict[str, object]:
    """`--set` overrides for the factors; growth_rate follows a drawn threshold."""
    point: dict[str, object] = {
        n: scaled(scenario, n, f) for n, f in zip(names, factors, strict=True)
    }
    if "rsi_threshold" in point:
        point["growth_rate"] = growth_for(scenario, float(point["rsi_threshold"]))
    return point


def draw_factors(count: int, width: int, seed: int, spread: float = 2.0) -> np.ndarray:
    """(count, width) factors, log-uniform in [1/spread, spread], from a seeded generator."""
    rng = np.random.default_rng(seed)
    return np.exp(rng.uniform(-math.log(spread), math.log(spread), size=(count, width)))


@dataclass(frozen=True)
class Robustness:
    """Each target's share of joint draws where it holds, and what it is sensitive to."""

    names: list[str]
    factors: np.ndarray  # (draws, parameters)
    held: dict[str, np.ndarray]  # target -> (draws,) bool

    def share(self, target: str) -> float:
        return float(self.held[target].mean())

    def sensitivity(self, target: str, top: int = 3) -> list[tuple[str, float]]:
        """The parameters whose upper half (factor > 1) and lower half differ most in how
        often the target holds: (name, share above minus share below), largest first."""
        held = self.held[target]
        gaps = []
        for j, name in enumerate(self.names):
            above = self.factors[:, j] > 1.0
            if above.all() or not above.any():
                continue
            gaps.append((name, float(held[above].mean() - held[~above].mean())))
        return sorted(gaps, key=lambda g: -abs(g[1]))[:top]


def evaluate(
    article: Scenario,
    strong: Scenario,
    points: Sequence[dict[str, object]],
    seeds: Sequence[int],
    lever_seeds: Sequence[int],
    chunk: int = 10,
    progress: Callable[[int, int], None] | None = None,
    pool: Executor | None = None,
) -> list[Measures]:
    """`measure_points` over many points, a chunk of points at a time, in `pool` (None: in
    this process; each point's numbers depend only on the point and the seeds)."""
    parts = [points[start : start + chunk] for start in range(0, len(points), chunk)]
    task = partial(_measure_part, article, strong, seeds=seeds, lever_seeds=lever_seeds)
    out: list[Measures] = []
    for measured in map(task, parts) if pool is None else pool.map(task, parts):
        out += measured
        if progress is not None:
            progress(len(out), len(points))
    return out


@contextmanager
def processes(workers: int) -> Iterator[Executor | None]:
    """A pool of `workers` fresh processes, shut down on leaving (None: work in this one)."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        yield pool


def _measure_part(article, strong, part, seeds, lever_seeds) -> list[Measures]:
    return measure_points(
        article, strong, part, seeds, lever_seeds=lever_seeds, lever_verification=(0.8, 0.95)
    )


def robustness(
    article: Scenario,
    strong: Scenario,
    draws: int = 200,
    seeds: Sequence[int] = range(8),
    lever_seeds: Sequence[int] = range(6),
    seed: int = 2024,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    partial: Callable[[Robustness], None] | None = None,
) -> Robustness:
    """How often each target holds under joint draws of every assumed value (x0.5..x2)."""
    names = assumed_names(article)
    factors = draw_factors(draws, len(names), seed)
    points = [point_from_factors(article, names, row) for row in factors]
    results: list[dict[str, bool]] = []
    # Slices of points, so that `partial` can report the draws done so far (each draw's
    # numbers depend only on the draw and the seeds, so slicing changes nothing).
    slice_size = max(1, 10 * workers)
    with processes(workers) as pool:  # one pool for every slice
        for start in range(0, len(points), slice_size):
            part = points[start : start + slice_size]
            measured = evaluate(article, strong, part, seeds, lever_seeds, pool=pool)
            results += [verdicts(m) for m in measured]
            if progress is not None:
                progress(len(results), len(points))
            if partial is not None:
                partial(_robustness(names, factors[: len(results)], results))
    return _robustness(names, factors, results)


def _robustness(
    names: list[str], factors: np.ndarray, results: list[dict[str, bool]]
) -> Robustness:
    held = {t: np.array([r[t] for r in results]) for t in TARGETS}
    return Robustness(names, factors, held)


def score(m: Measures) -> float:
    """Targets met, plus a small reward for room to spare on the closest ones."""
    v = m.values
    slack = [
        (0.10 - v["runs_all_labs_paused_at_end"]) / 0.10,
        (v["key_racers_min_racing_share"] - 0.5) / 0.5,
        (0.10 - v["global_pause_runs"]) / 0.10,
        min(v["median_first_crossing"] - 12, 24 - v["median_first_crossing"]) / 6,
        (v["strong_reached_near_global"] - 0.8) / 0.2,
        (v["lever_largest_drop"] - 0.15) / 0.15,
        (v["open_source_top_in_partial"] - 0.5) / 0.5,
    ]
    margin = float(np.mean(np.clip(slack, -1.0, 1.0)))
    return sum(verdicts(m).values()) + 0.5 * margin


def search(
    article: Scenario,
    strong: Scenario,
    names: Sequence[str],
    candidates: int = 40,
    seeds: Sequence[int] = range(24),
    lever_seeds: Sequence[int] = range(8),
    seed: int = 7,
    spread: float = 2.0,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> list[tuple[float, dict[str, object]]]:
    """Random search around the scenario's values: (score, point), best first.

    The first candidate is the scenario as it is, so the search can only improve on it.
    """
    factors = draw_factors(candidates, len(names), seed, spread)
    factors[0] = 1.0
    points = [point_from_factors(article, names, row) for row in factors]
    with processes(workers) as pool:
        measured = evaluate(
            article, strong, points, seeds, lever_seeds, progress=progress, pool=pool
        )
    ranked = sorted(zip((score(m) for m in measured), points, strict=True), key=lambda s: -s[0])
    return ranked
