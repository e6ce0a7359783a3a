"""Every model parameter, declared once: default, range, unit, meaning and source.

Validation, `--set`, the README table and the UI sliders are all generated from `PARAMETERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pausegame.sim.declared import Parameter, ParameterError

if TYPE_CHECKING:  # NumPy only for type hints: `pausegame params` should not wait for it
    import numpy as np

_A = "article: "
PARAMETERS: tuple[Parameter, ...] = (
    # Capability
    Parameter(
        "growth_rate",
        0.024,
        0.0,
        0.5,
        "per step",
        "monthly capability growth of a racing lab",
        _A + "calibrated so the leader (SWE-bench 49.0%) racing crosses the threshold at month 18:"
        " 'Self-improvement will be demonstrated ... within 18 months'",
        "Capability",
    ),
    Parameter(
        "rsi_threshold",
        0.75,
        0.05,
        10.0,
        "index",
        "capability at which recursive self-improvement starts (theta)",
        "assumed: the article gives no level; 0.75 on the SWE-bench scale",
        "Capability",
    ),
    Parameter(
        "rsi_boost",
        1.0,
        0.0,
        10.0,
        "x growth",
        "extra growth past the threshold: rate becomes g*(1+kappa)",
        "assumed: 'recursive self-improvement' accelerates growth; size not given",
        "Capability",
    ),
    Parameter(
        "pause_growth",
        0.0,
        0.0,
        0.5,
        "per step",
        "capability growth of a pausing lab",
        "assumed: a pause freezes 'the current generation of models in place'",
        "Capability",
    ),
    # Market
    Parameter(
        "market_2024",
        67.0,
        0.0,
        10000.0,
        "$B/year",
        "generative-AI market size at the start",
        _A + "Generative AI, 2024 market size $67 billion",
        "Market",
    ),
    Parameter(
        "market_cagr",
        0.42,
        0.0,
        2.0,
        "per year",
        "generative-AI market growth",
        _A + "Generative AI CAGR 42%",
        "Market",
    ),
    Parameter(
        "safety_market_2024",
        2.0,
        0.0,
        1000.0,
        "$B/year",
        "AI safety & alignment market, split by safety among all labs; a lab sells its"
        " slice while it pauses",
        _A + "AI Safety & Alignment, 2024 market size $2 billion",
        "Market",
    ),
    Parameter(
        "safety_market_cagr",
        0.28,
        0.0,
        2.0,
        "per year",
        "AI safety market growth",
        _A + "AI Safety & Alignment CAGR 28%",
        "Market",
    ),
    Parameter(
        "share_exponent",
        2.0,
        0.1,
        10.0,
        "",
        "market share is proportional to capability^alpha",
        "assumed: leaders take a more than proportional share",
        "Market",
    ),
    Parameter(
        "compute_cost",
        0.15,
        0.0,
        1000.0,
        "x turnover per unit growth",
        "compute a lab spends per step: this x monthly growth rate x its annual turnover",
        "assumed: racing 'costs compute in proportion to growth'; at the base growth rate"
        " 1.0 is about 29% of revenue",
        "Market",
    ),
    Parameter(
        "rivalry",
        3.6,
        0.0,
        1000.0,
        "$B per step",
        "value to a state of a lead over a rival equal to the whole world frontier, at 2024"
        " market size",
        _A + "'If the US pauses but China does not, the strategic balance shifts'; size assumed",
        "Market",
    ),
    # Hazard and loss
    Parameter(
        "hazard_max",
        0.0003,
        0.0,
        1.0,
        "per step",
        "catastrophe probability per step of one unsafe actor far past the threshold",
        "assumed: the article quantifies no hazard; calibrated (docs/model.md, Calibration)",
        "Hazard and loss",
    ),
    Parameter(
        "hazard_width",
        0.18,
        0.001,
        5.0,
        "index",
        "width w of the hazard sigmoid around the threshold",
        "assumed",
        "Hazard and loss",
    ),
    Parameter(
        "stop_now",
        0.3,
        0.0,
        1.0,
        "x hazard",
        "hazard multiplier of a paused actor (stop-now paradox)",
        _A + "'the models we have right now might already be capable of it'; size assumed",
        "Hazard and loss",
    ),
    Parameter(
        "lab_loss",
        8.0,
        0.0,
        1.0e6,
        "x annual turnover",
        "catastrophe loss as a lab perceives it: its own stake, in years of its turnover",
        "assumed: a lab internalises the loss of its own business; frontier labs are valued"
        " at tens of times revenue (OpenAI's October 2024 round: $157B on about $3.7B of 2024"
        " revenue, ~40x)",
        "Hazard and loss",
    ),
    Parameter(
        "state_loss",
        45000.0,
        0.0,
        1.0e7,
        "$B",
        "catastrophe loss as a state perceives it, at 2024 market size (grows with it)",
        "assumed: calibrated (docs/model.md, Calibration); a state weighs the catastrophe"
        " far above any lab's stake",
        "Hazard and loss",
    ),
    Parameter(
        "sputnik",
        2.2,
        1.0,
        100.0,
        "x loss",
        "multiplier on perceived loss after the first visible threshold crossing",
        _A + "a demonstration 'will be a Sputnik moment for AI safety'; size assumed",
        "Hazard and loss",
    ),
    # Verification
    Parameter(
        "verification",
        0.1,
        0.0,
        1.0,
        "per year",
        "treaty verification technology V: a violation is caught within a year with odds"
        " V x transparency",
        _A + "'The verification and enforcement mechanisms do not exist'; 0.1 assumed",
        "Verification",
    ),
    Parameter(
        "false_alarm",
        0.05,
        0.0,
        1.0,
        "per year",
        "odds that a compliant lab under inspection is wrongly found in violation within a year",
        "assumed",
        "Verification",
    ),
    Parameter(
        "fine",
        0.07,
        0.0,
        1.0e5,
        "x annual turnover",
        "fine for a detected violation (or a false alarm), a multiple of the lab's own"
        " worldwide annual turnover",
        "assumed: anchored on the EU AI Act, whose fines reach 7% of worldwide annual"
        " turnover (Regulation (EU) 2024/1689, Art. 99(3))",
        "Verification",
    ),
    Parameter(
        "observation_noise",
        0.3,
        0.0,
        3.0,
        "log-sd",
        "noise on uninspected capability as others see it, scaled by (1 - V)",
        _A + "'A state or company could easily hide progress'; size assumed",
        "Verification",
    ),
    Parameter(
        "verification_cost",
        0.05,
        0.0,
        1000.0,
        "$B per step",
        "a member state's cost of running inspections, at 2024 market size",
        "assumed",
        "Verification",
    ),
    # Leakage
    Parameter(
        "leak_base",
        0.1,
        0.0,
        1.0,
        "per step",
        "share of the gap to the frontier the open-source pool closes each step",
        "assumed: keeps the pool about a year behind a racing frontier (Epoch AI, 'How far"
        " behind are open models?', 2024, finds about a year)",
        "Leakage",
    ),
    Parameter(
        "leak_pause",
        0.8,
        0.0,
        10.0,
        "x growth_rate",
        "the open-source pool's own growth while labs pause: leak_pause x paused share of"
        " lab capability x growth_rate",
        _A + "'A pause on proprietary models would accelerate open-source development' and"
        " 'would not stop a motivated open-source community'; size assumed",
        "Leakage",
    ),
    # Behaviour
    Parameter(
        "revision_rate",
        0.25,
        0.0,
        1.0,
        "per step",
        "chance a decision maker revises its action in a step (mu)",
        "assumed",
        "Behaviour",
    ),
    Parameter(
        "logit_beta",
        4.5,
        0.0,
        1.0e6,
        "per $B",
        "choice sharpness: pause with probability 1/(1+exp(-beta*(U_P-U_R)))",
        "assumed",
        "Behaviour",
    ),
    Parameter(
        "lookahead",
        12,
        1,
        240,
        "steps",
        "planning horizon T of best-response agents",
        "assumed: one year",
        "Behaviour",
        integer=True,
    ),
    Parameter(
        "discount",
        0.97,
        0.0,
        1.0,
        "per step",
        "discount factor in the lookahead",
        "assumed",
        "Behaviour",
    ),
    Parameter(
        "learning_rate",
        0.2,
        0.0,
        1.0,
        "",
        "step size of the reinforcement rule's action values",
        "assumed",
        "Behaviour",
    ),
    Parameter(
        "trigger_steps",
        0,
        0,
        1000,
        "steps",
        "after a detected violation, other members leave for this long (0 = off)",
        "assumed: treaty lever beyond the article, off by default",
        "Treaty",
        integer=True,
    ),
    Parameter(
        "min_participation",
        0,
        0,
        50,
        "states",
        "the treaty binds only once at least this many states have joined (0 = off)",
        "assumed: treaty lever beyond the article, off by default",
        "Treaty",
        integer=True,
    ),
    Parameter(
        "sanction",
        0.0,
        0.0,
        10.0,
        "x compute cost",
        "extra compute cost of labs in non-member states while the treaty binds",
        "assumed: lever beyond the article (Nordhaus 2015 climate clubs), off by default",
        "Treaty",
    ),
)

BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in PARAMETERS))


def defaults() -> dict[str, float | int]:
    """Every parameter's default value, by name."""
    return {p.name: p.default for p in PARAMETERS}


def lookup(name: str, where: str = "") -> Parameter:
    """The declaration of `name`, or a `ParameterError` listing the close matches; a `where`
    (`mine.toml: params.`) starts the message as it starts a value's."""
    try:
        return BY_NAME[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, BY_NAME, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        unknown = f"{where}{name}: unknown parameter" if where else f"unknown parameter {name!r}"
        raise ParameterError(f"{unknown}{hint}; `pausegame params` lists them") from None


def validate(values: dict[str, object], where: str = "") -> dict[str, float | int]:
    """Coerce and range-check a mapping of parameter values; unknown names are errors."""
    return {name: lookup(name, where).coerce(value, where) for name, value in values.items()}


#: A parameter's value: one number for a run, or one per run along a batch's run axis.
type Value = float | np.ndarray
type Count = int | np.ndarray


@dataclass(frozen=True)
class ModelParams:
    """The global parameter values of one run (or of a batch of runs); see `PARAMETERS`.

    One field per declared parameter, in declaration order (a test holds the two equal);
    `ModelParams(**defaults())` is the default point.
    """

    growth_rate: Value
    rsi_threshold: Value
    rsi_boost: Value
    pause_growth: Value
    market_2024: Value
    market_cagr: Value
    safety_market_2024: Value
    safety_market_cagr: Value
    share_exponent: Value
    compute_cost: Value
    rivalry: Value
    hazard_max: Value
    hazard_width: Value
    stop_now: Value
    lab_loss: Value
    state_loss: Value
    sputnik: Value
    verification: Value
    false_alarm: Value
    fine: Value
    observation_noise: Value
    verification_cost: Value
    leak_base: Value
    leak_pause: Value
    revision_rate: Value
    logit_beta: Value
    lookahead: Count
    discount: Value
    learning_rate: Value
    trigger_steps: Count
    min_participation: Count
    sanction: Value
