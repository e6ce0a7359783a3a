"""The engine gives every run exactly what the plain scalar oracle (`tests/oracle`) gives it.

Each test advances many (point, seed) runs together through the engine and the same runs
one by one through the oracle, and asserts equal step, agent and event tables (exact
floats, same dtypes) and equal summaries. The oracle is the slow side: most points use a
short lookahead (the kernel's own reference test covers the horizon), so that hundreds
of seeds stay quick.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import resources

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.sim import engine
from pausegame.sim.engine import memo, run_ensemble, simulate_ensemble
from pausegame.sim.model import PauseModel
from pausegame.sim.parameters import ParameterError, lookup
from pausegame.sim.scenario import Scenario, load_scenario, parse_scenario
from tests.oracle.model import PauseModel as Oracle
from tests.oracle.summary import summarise

ARTICLE_TEXT = (resources.files("pausegame") / "scenarios" / "article.toml").read_text("utf-8")
SEEDS = range(200)

#: Points that switch on every mechanism the defaults leave off or rarely reach.
LEVERS: list[dict[str, object]] = [
    {"trigger_steps": 6, "verification": 1.0},  # detections, then trigger punishments
    {"min_participation": 2, "verification": 0.8},
    {"sanction": 2.0, "min_participation": 1},
    {
        "lab.Anthropic.safety": 0.95,
        "lab.Meta.capability": 0.6,
        "state.China.transparency": 0.9,
        "state.US.loss_weight": 3.0,
    },
    {"logit_beta": 1.0e6},  # strict best response
    {"hazard_max": 0.05, "rsi_threshold": 0.4},  # early catastrophes end runs mid-batch
    {"share_exponent": 1.5, "market_cagr": 0.3},  # its own batch: exponents
]
SHORT = {"lookahead": 2}  # its own batch: the horizon is a loop count


def variant(lab_rule: str, state_rule: str) -> Scenario:
    """The article's actors under other decision rules."""
    return dataclasses.replace(load_scenario("article"), lab_rule=lab_rule, state_rule=state_rule)


def edited(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced, failing loudly if the scenario file no longer has `old`."""
    assert old in text, f"the article scenario no longer contains {old!r}"
    return text.replace(old, new)


def assert_equals_oracle(
    scenario: Scenario, points: Sequence[Mapping[str, object]], seeds: Sequence[int], steps: int
) -> list[Oracle]:
    """Engine and oracle, every (point, seed): equal tables and summaries; returns the oracles."""
    runs = simulate_ensemble(scenario, points, seeds, steps, records=True)
    assert [(run.point, run.seed) for run in runs] == [
        (p, s) for p in range(len(points)) for s in seeds
    ]
    oracles = []
    for run in runs:
        point = points[run.point]
        oracle = Oracle(scenario.with_overrides(dict(point)) if point else scenario, run.seed)
        for _ in range(steps):
            if not oracle.running:
                break
            oracle.step()
        label = f"point {point} seed {run.seed}"
        pd.testing.assert_frame_equal(
            run.step_records(), oracle.step_records(), check_exact=True, obj=f"steps, {label}"
        )
        pd.testing.assert_frame_equal(
            run.agent_records(), oracle.agent_records(), check_exact=True, obj=f"agents, {label}"
        )
        pd.testing.assert_frame_equal(
            run.event_records(), oracle.event_records(), check_exact=True, obj=f"events, {label}"
        )
        assert run.summary() == summarise(oracle), label
        oracles.append(oracle)
    return oracles


def event_kinds(oracles: Sequence[Oracle]) -> Counter:
    return Counter(
        e.kind if e.detail != "trigger punishment" else "trigger punishment"
        for m in oracles
        for e in m.events
    )


@pytest.mark.slow
def test_article_runs_equal_the_oracle():
    oracles = assert_equals_oracle(load_scenario("article"), [{}], SEEDS, 4)
    kinds = event_kinds(oracles)
    assert kinds["pause"] and kinds["join"] and kinds["leave"]


@pytest.mark.slow
def test_long_runs_of_both_scenarios_equal_the_oracle():
    article = load_scenario("article")
    oracles = assert_equals_oracle(article, [SHORT], range(200, 240), 24)
    oracles += assert_equals_oracle(load_scenario("strong-verification"), [SHORT], range(12), 24)
    kinds = event_kinds(oracles)
    assert kinds["violation detected"] and kinds["false alarm"] and kinds["race"]


@pytest.mark.slow
def test_parameter_points_and_treaty_levers_equal_the_oracle():
    points = [{**SHORT, **point} for point in LEVERS]
    oracles = assert_equals_oracle(load_scenario("article"), points, range(300, 316), 16)
    kinds = event_kinds(oracles)
    for kind in (
        "violation detected",
        "trigger punishment",
        "false alarm",
        "catastrophe",
        "threshold crossed",
        "sputnik moment",
    ):
        assert kinds[kind], f"no {kind!r} in the runs: the test would not cover it"


@pytest.mark.slow
@pytest.mark.parametrize(
    "lab_rule, state_rule",
    [
        ("imitation", "imitation"),
        ("reinforcement", "reinforcement"),
        ("fixed", "fixed"),
        ("reinforcement", "imitation"),
        ("imitation", "best_response"),
        ("best_response", "reinforcement"),
    ],
)
def test_every_rule_mix_equals_the_oracle(lab_rule: str, state_rule: str):
    lively = {"trigger_steps": 3, "verification": 1.0, "hazard_max": 0.02, "rsi_threshold": 0.45}
    steps = 8 if "best_response" in (lab_rule, state_rule) else 16
    points = [SHORT, {**SHORT, **lively}]
    assert_equals_oracle(variant(lab_rule, state_rule), points, range(400, 440), steps)


def test_per_actor_rules_and_a_state_without_labs_equal_the_oracle():
    # A committed lab, a learning lab, and a member state with no labs of its own (its
    # anticipation has nothing to anticipate).
    text = edited(
        ARTICLE_TEXT,
        'name = "Baidu"\nstate = "China"',
        'name = "Baidu"\nstate = "China"\nrule = "reinforcement"',
    )
    text = edited(
        text, 'name = "Anthropic"\nstate = "US"', 'name = "Anthropic"\nstate = "US"\nrule = "fixed"'
    )
    text += '\n[[states]]\nname = "India"\ntransparency = 0.6\nmember = true\n'
    scenario = parse_scenario(text, origin="mixed")
    assert_equals_oracle(scenario, [SHORT, {**SHORT, "min_participation": 2}], range(12), 12)


def test_no_steps_and_seeds_beyond_64_bits_equal_the_oracle():
    article = load_scenario("article")
    assert_equals_oracle(article, [{}, {"verification": 0.5}], [0, 2**63 + 5], 0)
    assert_equals_oracle(article, [SHORT], [2**63 + 5, 2**70 + 3], 3)


@settings(max_examples=15, deadline=None)
@given(
    point=st.fixed_dictionaries(
        {},
        optional={
            name: st.floats(
                lookup(name).low, lookup(name).high, allow_nan=False, allow_subnormal=False
            )
            for name in (
                "verification",
                "leak_base",
                "leak_pause",
                "fine",
                "stop_now",
                "revision_rate",
                "logit_beta",
                "false_alarm",
                "sanction",
            )
        },
    ),
    seed=st.integers(0, 2**64 - 1),
)
def test_any_parameter_point_equals_the_oracle(point, seed):
    assert_equals_oracle(load_scenario("article"), [{**point, "lookahead": 2}], [seed], 8)


def test_games_too_wide_to_memoise_are_computed_row_by_row(monkeypatch):
    monkeypatch.setattr(memo, "KEY_BITS", 0)
    assert_equals_oracle(load_scenario("article"), [{"lookahead": 3}], range(3), 6)


# ----- the Mesa face is the engine of one run -------------------------------------------------


def run_face(scenario: Scenario, seed: int, steps: int) -> PauseModel:
    model = PauseModel(scenario, seed=seed)
    for _ in range(steps):
        if not model.running:
            break
        model.step()
    return model


@pytest.mark.parametrize(
    "scenario",
    [
        load_scenario("article"),
        variant("reinforcement", "imitation").with_overrides({"trigger_steps": 3}),
        load_scenario("article").with_overrides({"hazard_max": 0.05, "rsi_threshold": 0.4}),
    ],
    ids=["article", "learning rules", "catastrophes"],
)
def test_the_mesa_face_deciding_agent_by_agent_equals_the_batched_engine(scenario):
    runs = simulate_ensemble(scenario, [{}], range(6), 30, records=True)
    for run in runs:
        face = run_face(scenario, run.seed, 30)
        pd.testing.assert_frame_equal(run.step_records(), face.step_records(), check_exact=True)
        pd.testing.assert_frame_equal(run.agent_records(), face.agent_records(), check_exact=True)
        pd.testing.assert_frame_equal(run.event_records(), face.event_records(), check_exact=True)
        assert run.summary() == face.summary()


# ----- batching ------------------------------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(seeds=st.lists(st.integers(0, 10**6), min_size=1, max_size=4, unique=True))
def test_a_run_does_not_depend_on_the_runs_batched_with_it(seeds):
    scenario = variant("reinforcement", "imitation")
    points = [{}, {"verification": 0.9, "trigger_steps": 2}, {"learning_rate": 0.7}]
    together = simulate_ensemble(scenario, points, seeds, 15, records=True)
    alone = [
        run
        for point in points
        for run in simulate_ensemble(scenario, [point], seeds, 15, records=True)
    ]
    for a, b in zip(together, alone, strict=True):
        assert a.seed == b.seed
        pd.testing.assert_frame_equal(a.agent_records(), b.agent_records(), check_exact=True)
        assert a.summary() == b.summary()


def test_big_ensembles_go_in_batches_and_report_progress(monkeypatch):
    scenario = variant("imitation", "reinforcement")
    points = [{}, {"verification": 0.9}]
    whole = run_ensemble(scenario, points, range(3), steps=10)
    monkeypatch.setattr(engine.batch, "BATCH_SIZE", 2)
    told = []
    runs = simulate_ensemble(
        scenario, points, range(3), 10, progress=lambda done, total: told.append((done, total))
    )
    assert [run.summary() for run in runs] == whole
    assert told[-1] == (6, 6) and told == sorted(told)


def test_records_are_kept_only_on_request_and_bad_overrides_are_input_errors():
    run = simulate_ensemble(load_scenario("article"), [{}], [0], 2)[0]
    with pytest.raises(ValueError, match="records=True"):
        run.agent_records()
    with pytest.raises(ParameterError):
        run_ensemble(load_scenario("article"), [{"verification": 7}], [0], 1)
