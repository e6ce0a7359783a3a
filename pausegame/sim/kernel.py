"""The dynamics kernel: capability growth, leakage, verification odds, hazard and payoffs.

Pure NumPy functions of (state arrays, action profile, parameters). Every array carries any
number of leading batch axes (profiles, runs, or both) before its last, per-actor axis, and
every parameter may be a scalar or an array of the batch shape, so one call evaluates many
profiles of many runs. The Mesa model, the stage game and the batch engines all call this
module, so the agents and the equilibrium analysis can never disagree about the payoffs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pausegame.sim import terms as named
from pausegame.sim.numerics import (
    market_growth,
    market_per_step,
    monthly_odds,
    per_batch,
    power,
    sigmoid,
)
from pausegame.sim.parameters import ModelParams
from pausegame.sim.world import Array, Structure, WorldState

# Re-exported: the kernel's callers name them here.
__all__ = [
    "Structure", "WorldState", "market_growth", "market_per_step", "monthly_odds", "per_batch",
    "power", "sigmoid",
]  # fmt: skip


@dataclass(frozen=True)
class Transition:
    """Everything one step determines before any random draw (MODEL.md section 2, steps 2-6)."""

    state: WorldState  # the state after growth, leakage and the Sputnik check
    growth: Array  # (..., L) capability gained this step
    required: Array  # (..., L) bool: the lab's state is a member of a binding treaty
    detection: Array  # (..., L) chance a violator is caught (0 for compliant labs)
    false_alarm: Array  # (..., L) chance a compliant inspected lab is wrongly fined
    hazard: Array  # (..., L + 1) per-actor hazard; the last column is the open-source pool
    catastrophe: Array  # (...,) the step's catastrophe probability H
    revenue: Array  # (..., L) market plus safety-market revenue, $B
    stakes: Array  # (...,) market growth since the start: states' amounts scale with it
    lab_base: dict[str, Array]  # (..., L) each lab's named terms before fines and loss
    state_base: dict[str, Array]  # (..., S) each state's named terms before loss
    lab_subtotal: Array  # (..., L) `terms.total(lab_base)`, reusing the revenue sum
    state_subtotal: Array  # (..., S) `terms.total(state_base)`


def grow(capability: Array, pausing: Array, p: ModelParams) -> Array:
    """Racing labs grow by g, by g(1+kappa) past the threshold; pausing labs by g_pause."""
    racing_rate = np.where(
        capability >= per_batch(p.rsi_threshold),
        per_batch(p.growth_rate) * (1.0 + per_batch(p.rsi_boost)),
        per_batch(p.growth_rate),
    )
    rate = np.where(pausing, per_batch(p.pause_growth), racing_rate)
    return capability * (1.0 + rate)


def paused_share(capability: Array, pausing: Array) -> Array:
    """P: the paused labs' share of all lab capability."""
    total = capability.sum(-1)
    paused = np.where(pausing, capability, 0.0).sum(-1)
    return np.divide(paused, total, out=np.zeros_like(total), where=total > 0)


def leak(
    open_source: Array, capability: Array, pausing: Array, open_weights: Array, p: ModelParams
) -> Array:
    """The open-source pool's step: diffusion from the frontier, growth fed by a pause.

    It closes `leak_base` of its gap to the frontier, and grows on its own at
    `leak_pause x P x growth_rate` (a pause sends demand and talent to open models, and
    does not stop the open community); open weights set a floor. It never falls, and passes
    the frontier only when labs pause or an open-weight lab put it there.
    """
    frontier = capability.max(-1)
    diffusion = p.leak_base * np.maximum(frontier - open_source, 0)
    own = p.leak_pause * paused_share(capability, pausing) * p.growth_rate * open_source
    released = np.where(open_weights, capability, 0.0).max(-1)
    return np.maximum(open_source + diffusion + own, released)


def treaty_binding(member: Array, p: ModelParams) -> Array:
    """(...,) bool: the treaty binds once it has at least max(1, K) member states."""
    return member.sum(-1) >= np.maximum(1, p.min_participation)


def labs_required(member: Array, binding: Array, structure: Structure) -> Array:
    """(..., L) bool: the lab's home state is a member of a binding treaty, so it must pause."""
    return member[..., structure.lab_state] & binding[..., None]


def detection_probability(
    required: Array, pausing: Array, structure: Structure, p: ModelParams
) -> Array:
    """Monthly chance a violator (required but racing) is caught.

    `verification x transparency` is the chance a violation is caught within a year.
    """
    transparency = structure.transparency[..., structure.lab_state]
    annual = per_batch(p.verification) * transparency
    return np.where(required & ~pausing, monthly_odds(annual), 0.0)


def false_alarm_probability(required: Array, pausing: Array, p: ModelParams) -> Array:
    """Monthly chance an inspected, compliant lab is wrongly found in violation.

    `false_alarm` is the chance of a false alarm within a year.
    """
    annual = np.broadcast_to(per_batch(p.false_alarm), np.shape(required))
    return np.where(required & pausing, monthly_odds(annual), 0.0)


def hazard(
    capability: Array,
    open_source: Array,
    pausing: Array,
    safety: Array,
    open_weights: Array,
    p: ModelParams,
) -> Array:
    """(..., L + 1) per-step hazard of each lab and, last, the open-source pool.

    A closed lab: h = h_max sigma((c - theta)/w)(1 - s), times psi while paused (the stop-now
    paradox). Open models are one source, counted once: the pool's best model, with no
    safety and no pause, h = h_max sigma((c_O - theta)/w); an open-weight lab's released
    models are in the pool, so it adds no term of its own. The pool's hazard is booked to
    the open-weight lab whose release is the pool's best model, and to the pool (last
    column) only once leakage has carried the pool past every release.
    """
    theta, width, h_max = (
        per_batch(p.rsi_threshold),
        per_batch(p.hazard_width),
        per_batch(p.hazard_max),
    )
    labs = h_max * sigmoid((capability - theta) / width) * (1.0 - safety)
    labs = np.where(pausing, labs * per_batch(p.stop_now), labs)
    labs = np.where(open_weights, 0.0, labs)
    pool = np.asarray(p.hazard_max * sigmoid((open_source - p.rsi_threshold) / p.hazard_width))
    released = np.where(open_weights, capability, -np.inf)
    best_release = released.max(-1)
    from_release = open_source <= best_release
    releaser = released.argmax(-1)
    booked = (np.arange(capability.shape[-1]) == releaser[..., None]) & from_release[..., None]
    labs = labs + np.where(booked, pool[..., None], 0.0)
    pool = np.where(from_release, 0.0, pool)
    return np.concatenate([labs, pool[..., None]], axis=-1)


def observation_factor(z: Array, exact: Array, p: ModelParams) -> Array:
    """What others see of each lab's capability, as a factor on the true value.

    Mean-one log-normal noise of log-sd `observation_noise x (1 - verification)`, from
    standard normal draws `z`; 1 where the lab is seen exactly (inspected or open weights).
    """
    sd = per_batch(p.observation_noise * (1.0 - p.verification))
    return np.where(exact, 1.0, np.exp(sd * z - 0.5 * sd * sd))


def catastrophe_probability(hazards: Array) -> Array:
    """H = 1 - prod(1 - h_j): the chance that at least one actor causes a catastrophe."""
    return 1.0 - np.prod(1.0 - hazards, axis=-1)


def revenue_parts(
    capability: Array,
    open_source: Array,
    pausing: Array,
    step: Array,
    safety: Array,
    p: ModelParams,
    growth: Array | None = None,
) -> tuple[Array, Array]:
    """(generative-AI, safety-market) revenue: share by capability^alpha, safety slices.

    `growth`, when given, is `market_growth(step, p.market_cagr)` already computed.

    The AI-safety market is split by safety among all labs; a lab sells its slice only
    while it pauses (its capacity turned to safety work), so a lone pauser gets its own
    slice, not the whole market.
    """
    alpha = per_batch(p.share_exponent)
    weight = power(capability, alpha)
    pool_weight = power(open_source, p.share_exponent)
    total = weight.sum(-1) + pool_weight
    share = np.divide(
        weight, total[..., None], out=np.zeros_like(weight), where=total[..., None] > 0
    )
    if growth is None:
        growth = market_growth(step, p.market_cagr)
    market = p.market_2024 * growth / 12.0
    safety = np.broadcast_to(safety, np.shape(capability))
    safety_total = safety.sum(-1, keepdims=True)
    slice_ = np.divide(safety, safety_total, out=np.zeros_like(safety), where=safety_total > 0)
    safety_share = np.where(pausing, slice_, 0.0)
    safety_market = market_per_step(step, p.safety_market_2024, p.safety_market_cagr)
    return per_batch(market) * share, per_batch(safety_market) * safety_share


def state_frontiers(capability: Array, structure: Structure) -> Array:
    """(..., S) the highest capability among each state's labs (0 for a state with none)."""
    return np.where(structure.home, capability[..., None, :], 0.0).max(-1)


def rivalry_payoff(frontiers: Array, structure: Structure, p: ModelParams) -> Array:
    """rho x sum over rivals r of w_kr (frontier_k - frontier_r) / world frontier, per state.

    Leads are shares of the world frontier, so their value does not grow with capability;
    the caller scales it with the market like every other amount.
    """
    gaps = frontiers[..., :, None] - frontiers[..., None, :]
    top = frontiers.max(-1, keepdims=True)
    lead = np.divide(
        (structure.rivalry * gaps).sum(-1), top, out=np.zeros(np.shape(gaps)[:-1]), where=top > 0
    )
    return per_batch(p.rivalry) * lead


@dataclass(frozen=True)
class ProfileTerms:
    """What a step owes to the action profile alone; a lookahead computes it once."""

    pausing: Array  # (..., L) bool
    member: Array  # (..., S) bool
    required: Array  # (..., L) bool
    detection: Array  # (..., L)
    false_alarm: Array  # (..., L)
    sanction_factor: Array  # (..., L) 1 + sanction for labs of non-members of a binding treaty
    affinity: Array  # (..., L) pause affinity earned this step, a share of turnover
    verification_cost: Array  # (..., S) inspection cost paid this step


def profile_terms(
    pausing: Array, member: Array, structure: Structure, p: ModelParams
) -> ProfileTerms:
    """The profile's treaty obligations, inspection odds and fixed payoff terms."""
    pausing = np.asarray(pausing, dtype=bool)
    member = np.asarray(member, dtype=bool)
    binding = treaty_binding(member, p)
    required = labs_required(member, binding, structure)
    sanctioned = binding[..., None] & ~member[..., structure.lab_state]
    return ProfileTerms(
        pausing=pausing,
        member=member,
        required=required,
        detection=detection_probability(required, pausing, structure, p),
        false_alarm=false_alarm_probability(required, pausing, p),
        sanction_factor=1.0 + per_batch(p.sanction) * sanctioned,
        affinity=np.where(pausing, structure.affinity, 0.0),
        verification_cost=per_batch(p.verification_cost) * member,
    )


def transition(
    state: WorldState,
    pausing: Array,
    member: Array,
    structure: Structure,
    p: ModelParams,
    observation: Array | None = None,
    terms: ProfileTerms | None = None,
) -> Transition:
    """Advance one step under a profile: growth, leakage, odds, hazard, payoffs before draws.

    `observation`, when given, multiplies each lab's capability into what others see of it;
    the seen value decides whether a crossing is visible (the Sputnik moment) and feeds
    rivalry. Expected mode leaves it out: everything is seen as it is. `terms` may carry
    `profile_terms(pausing, member, ...)` computed beforehand.
    """
    if terms is None:
        terms = profile_terms(pausing, member, structure, p)
    pausing = terms.pausing
    capability = grow(state.capability, pausing, p)
    open_source = leak(state.open_source, capability, pausing, structure.open_weights, p)
    step = np.asarray(state.step) + 1
    theta = per_batch(p.rsi_threshold)
    seen = capability if observation is None else capability * observation
    # A crossing counts once it is real and others can see it (noise can hide, not invent it).
    crossed = ((capability >= theta) & (seen >= theta)).any(-1) | (open_source >= p.rsi_threshold)
    loss_multiplier = np.where(
        crossed, np.maximum(state.loss_multiplier, p.sputnik), state.loss_multiplier
    )
    hazards = hazard(capability, open_source, pausing, structure.safety, structure.open_weights, p)
    growth = capability - state.capability
    stakes = market_growth(step, p.market_cagr)
    market, safety_market = revenue_parts(
        capability, open_source, pausing, step, structure.safety, p, stakes
    )
    revenue = market + safety_market
    # Every amount is in market-scaled units (docs/model.md, "Units"): a lab's compute,
    # affinity, fines and perceived loss are shares of its own turnover; a state's rivalry,
    # inspection cost and loss are 2024 amounts grown with the market.
    rate = np.divide(
        growth, state.capability, out=np.zeros_like(growth), where=state.capability > 0
    )
    compute = per_batch(p.compute_cost) * 12.0 * rate * revenue * terms.sanction_factor
    lab_base = {
        "genai_revenue": market,
        "safety_revenue": safety_market,
        "pause_affinity": revenue * terms.affinity,
        "compute_cost": compute,
    }
    home_revenue = (np.where(structure.home, revenue[..., None, :], 0.0)).sum(-1)
    scale = per_batch(stakes)
    state_base = {
        "labs_revenue": home_revenue,
        "rivalry": scale * rivalry_payoff(state_frontiers(seen, structure), structure, p),
        "verification_cost": scale * terms.verification_cost,
    }
    # The sum of the base terms, its first addition (genai + safety) being `revenue`.
    lab_subtotal = revenue + lab_base["pause_affinity"] - compute
    return Transition(
        state=WorldState(capability, open_source, step, loss_multiplier),
        growth=growth,
        required=terms.required,
        detection=terms.detection,
        false_alarm=terms.false_alarm,
        hazard=hazards,
        catastrophe=catastrophe_probability(hazards),
        revenue=revenue,
        stakes=stakes,
        lab_base=lab_base,
        state_base=state_base,
        lab_subtotal=lab_subtotal,
        state_subtotal=named.total(state_base),
    )


def lab_charges(
    t: Transition,
    fined: Array,
    catastrophe: Array,
    structure: Structure,
    p: ModelParams,
    loss_multiplier: Array,
    false_alarm: Array | float = 0.0,
) -> dict[str, Array]:
    """A lab's fines and perceived catastrophe loss (positive), multiples of its turnover.

    Expected mode passes the odds of a detection (`fined`), of a false alarm and H;
    realised mode 0/1 outcomes, with any fine in `fined`.
    """
    turnover = 12.0 * t.revenue
    fine = per_batch(p.fine) * turnover
    loss = structure.lab_loss * turnover * per_batch(loss_multiplier) * per_batch(catastrophe)
    return {
        "fines": fine * fined,
        "false_alarm_fines": fine * false_alarm,
        "catastrophe_loss": loss,
    }


def lab_payoff(t: Transition, charges: dict[str, Array]) -> Array:
    """A lab's payoff: its named terms summed (the base terms, then its `lab_charges`)."""
    return named.total(charges, start=t.lab_subtotal)


def state_loss(
    t: Transition, catastrophe: Array, structure: Structure, loss_multiplier: Array
) -> Array:
    """A state's perceived loss in a catastrophe, weighted by `catastrophe` (positive)."""
    return structure.state_loss * per_batch(t.stakes * loss_multiplier) * per_batch(catastrophe)


def state_payoff(
    t: Transition, catastrophe: Array, structure: Structure, loss_multiplier: Array
) -> Array:
    """A state's payoff: its labs' revenue, rivalry and verification cost, minus its loss."""
    return t.state_subtotal - state_loss(t, catastrophe, structure, loss_multiplier)


def expected_charges(
    t: Transition, structure: Structure, p: ModelParams, loss_multiplier: Array
) -> tuple[dict[str, Array], Array]:
    """Expected-value mode's charges: each lab's fines at their odds and loss x H, and each
    state's loss x H."""
    charges = lab_charges(
        t, t.detection, t.catastrophe, structure, p, loss_multiplier, t.false_alarm
    )
    return charges, state_loss(t, t.catastrophe, structure, loss_multiplier)


def _payoffs(t: Transition, charges: dict[str, Array], loss: Array) -> tuple[Array, Array]:
    """Labs' and states' payoffs from the step's charges and the states' loss."""
    return lab_payoff(t, charges), t.state_subtotal - loss


def _named_terms(
    t: Transition, charges: dict[str, Array], loss: Array
) -> tuple[dict[str, Array], dict[str, Array]]:
    return {**t.lab_base, **charges}, {**t.state_base, "catastrophe_loss": loss}


def expected_terms(
    t: Transition, structure: Structure, p: ModelParams, loss_multiplier: Array
) -> tuple[dict[str, Array], dict[str, Array]]:
    """Every named term (costs positive) in expected-value mode: fines at their odds, loss x H."""
    return _named_terms(t, *expected_charges(t, structure, p, loss_multiplier))


def expected_payoffs(
    t: Transition, structure: Structure, p: ModelParams, loss_multiplier: Array
) -> tuple[Array, Array]:
    """Expected-value mode's payoffs: the sums of `expected_terms`."""
    return _payoffs(t, *expected_charges(t, structure, p, loss_multiplier))


@dataclass(frozen=True)
class Lookahead:
    """Discounted, survival-weighted expected utilities of holding a profile for T steps."""

    lab: Array  # (..., L)
    state: Array  # (..., S)
    catastrophe: Array  # (...,) probability of a catastrophe within the horizon
    revenue: Array | None = None  # (..., L) the labs' revenue, summed like the utilities
    lab_terms: dict[str, Array] | None = None  # (..., L) each term summed likewise, if asked
    state_terms: dict[str, Array] | None = None  # (..., S)


def lookahead(
    state: WorldState,
    pausing: Array,
    member: Array,
    structure: Structure,
    p: ModelParams,
    horizon: int,
    discount: float,
    explain: bool = False,
) -> Lookahead:
    """U = sum_t delta^t S_t u_t with survival S_t = prod(1 - H), the profile held fixed.

    This is what best-response agents maximise and what the stage game's payoffs are.
    Utilities are in 2024 dollars: divided by the market's growth up to the decision step,
    so that the logit's sharpness means the same in every month of a run. `explain` also
    sums every named term with the same weights and deflator (they add up to the utilities).
    """
    pausing = np.asarray(pausing, dtype=bool)
    member = np.asarray(member, dtype=bool)
    shape = np.broadcast_shapes(pausing.shape[:-1], member.shape[:-1], np.shape(state.open_source))
    current = state.broadcast(shape)
    pausing = np.broadcast_to(pausing, (*shape, pausing.shape[-1]))
    member = np.broadcast_to(member, (*shape, member.shape[-1]))
    survival = np.ones(shape)
    weight = np.ones(shape)
    lab_total = np.zeros((*shape, structure.n_labs))
    state_total = np.zeros((*shape, structure.n_states))
    revenue_total = np.zeros((*shape, structure.n_labs))
    held = profile_terms(pausing, member, structure, p)  # the profile is held: compute once
    current_step = np.asarray(current.step)
    lab_sums, state_sums = named.Accumulator(), named.Accumulator()
    for _ in range(int(horizon)):
        t = transition(current, pausing, member, structure, p, terms=held)
        # The loss multiplier in force is the one before this step's crossing is seen.
        charges, loss = expected_charges(t, structure, p, current.loss_multiplier)
        lab_u, state_u = _payoffs(t, charges, loss)
        weighted = per_batch(weight * survival)
        lab_total += weighted * lab_u
        state_total += weighted * state_u
        revenue_total += weighted * t.revenue
        if explain:  # the same terms, kept apart (their sum is lab_u, state_u: tested)
            lab_terms_t, state_terms_t = _named_terms(t, charges, loss)
            lab_sums.add(weighted, lab_terms_t)
            state_sums.add(weighted, state_terms_t)
        survival = survival * (1.0 - t.catastrophe)
        weight = weight * discount
        current = t.state
    deflator = per_batch(market_growth(current_step, p.market_cagr))
    return Lookahead(
        lab_total / deflator,
        state_total / deflator,
        1.0 - survival,
        revenue_total / deflator,
        lab_sums.deflated(deflator) if explain else None,
        state_sums.deflated(deflator) if explain else None,
    )
