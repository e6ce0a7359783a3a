"""A slow, obvious reference implementation of the kernel, one actor and one step at a time.

It follows MODEL.md section 2 line by line with Python floats and loops, so that the
vectorised kernel can be checked against it on random inputs.
"""

from __future__ import annotations

import math


def reference_step(cap, cap_open, step, loss_mult, pausing, member, world, p):
    """One expected-value step for one run; returns a dict of everything the kernel computes."""
    n_labs, n_states = len(cap), len(member)
    theta = p.rsi_threshold
    new_cap = []
    for i in range(n_labs):
        if pausing[i]:
            rate = p.pause_growth
        elif cap[i] >= theta:
            rate = p.growth_rate * (1 + p.rsi_boost)
        else:
            rate = p.growth_rate
        new_cap.append(cap[i] * (1 + rate))
    total = sum(new_cap)
    paused = sum(c for c, a in zip(new_cap, pausing, strict=True) if a)
    share = paused / total if total > 0 else 0.0
    frontier = max(new_cap)
    diffusion = p.leak_base * max(frontier - cap_open, 0.0)
    fed_by_pause = p.leak_pause * share * p.growth_rate * cap_open
    new_open = cap_open + diffusion + fed_by_pause
    for i in range(n_labs):
        if world["open_weights"][i]:
            new_open = max(new_open, new_cap[i])
    binding = sum(member) >= max(1, p.min_participation)
    required = [bool(member[world["lab_state"][i]] and binding) for i in range(n_labs)]
    detection, false_alarm = [], []
    for i in range(n_labs):
        tau = world["transparency"][world["lab_state"][i]]
        # Annual odds, spread over twelve monthly steps: 1 - (1 - annual)^(1/12).
        monthly_detection = 1 - (1 - p.verification * tau) ** (1 / 12)
        monthly_false_alarm = 1 - (1 - p.false_alarm) ** (1 / 12)
        detection.append(monthly_detection if required[i] and not pausing[i] else 0.0)
        false_alarm.append(monthly_false_alarm if required[i] and pausing[i] else 0.0)

    def sig(x):
        return 1 / (1 + math.exp(-x)) if x > -700 else 0.0

    hazards = []
    for i in range(n_labs):
        if world["open_weights"][i]:
            hazards.append(0.0)  # its released models are the pool's
            continue
        h = p.hazard_max * sig((new_cap[i] - theta) / p.hazard_width) * (1 - world["safety"][i])
        hazards.append(h * p.stop_now if pausing[i] else h)
    pool = p.hazard_max * sig((new_open - theta) / p.hazard_width)
    releases = [i for i in range(n_labs) if world["open_weights"][i]]
    best = max(releases, key=lambda i: (new_cap[i], -i), default=None)
    if best is not None and new_open <= new_cap[best]:
        hazards[best] += pool  # the pool's best model is this lab's release
        pool = 0.0
    hazards.append(pool)
    survive = 1.0
    for h in hazards:
        survive *= 1 - h
    catastrophe = 1 - survive
    crossed = any(c >= theta for c in new_cap) or new_open >= theta
    next_mult = max(loss_mult, p.sputnik) if crossed else loss_mult

    years = (step + 1) / 12
    growth_factor = (1 + p.market_cagr) ** years
    market = p.market_2024 * growth_factor / 12
    safety_market = p.safety_market_2024 * (1 + p.safety_market_cagr) ** years / 12
    weights = [c**p.share_exponent for c in new_cap]
    denominator = sum(weights) + new_open**p.share_exponent
    safety_total = sum(world["safety"])
    revenue, lab_u = [], []
    for i in range(n_labs):
        r = market * weights[i] / denominator if denominator > 0 else 0.0
        if pausing[i] and safety_total > 0:
            r += safety_market * world["safety"][i] / safety_total
        revenue.append(r)
        sanctioned = binding and not member[world["lab_state"][i]]
        rate = (new_cap[i] - cap[i]) / cap[i] if cap[i] > 0 else 0.0
        turnover = 12 * r
        compute = p.compute_cost * rate * turnover * (1 + p.sanction * sanctioned)
        u = r - compute + (world["affinity"][i] * r if pausing[i] else 0.0)
        u -= p.fine * turnover * (detection[i] + false_alarm[i])
        u -= world["lab_loss"][i] * turnover * loss_mult * catastrophe
        lab_u.append(u)
    state_u = []
    world_frontier = max(new_cap, default=0.0)
    for k in range(n_states):
        labs_k = [i for i in range(n_labs) if world["lab_state"][i] == k]
        frontier_k = max([new_cap[i] for i in labs_k], default=0.0)
        u = sum(revenue[i] for i in labs_k)
        for r in range(n_states):
            labs_r = [i for i in range(n_labs) if world["lab_state"][i] == r]
            frontier_r = max([new_cap[i] for i in labs_r], default=0.0)
            if world_frontier > 0:
                lead = (frontier_k - frontier_r) / world_frontier
                u += growth_factor * p.rivalry * world["rivalry"][k][r] * lead
        u -= growth_factor * p.verification_cost * member[k]
        u -= world["state_loss"][k] * growth_factor * loss_mult * catastrophe
        state_u.append(u)
    return {
        "capability": new_cap,
        "open_source": new_open,
        "loss_multiplier": next_mult,
        "detection": detection,
        "false_alarm": false_alarm,
        "hazard": hazards,
        "catastrophe": catastrophe,
        "lab_utility": lab_u,
        "state_utility": state_u,
    }


def reference_lookahead(
    cap, cap_open, step, loss_mult, pausing, member, world, p, horizon, discount
):
    """Discounted, survival-weighted sums of reference_step utilities over `horizon` steps."""
    lab_total = [0.0] * len(cap)
    state_total = [0.0] * len(member)
    survival, weight = 1.0, 1.0
    deflator = (1 + p.market_cagr) ** (step / 12)  # utilities in 2024 dollars
    for _ in range(horizon):
        out = reference_step(cap, cap_open, step, loss_mult, pausing, member, world, p)
        for i, u in enumerate(out["lab_utility"]):
            lab_total[i] += weight * survival * u
        for k, u in enumerate(out["state_utility"]):
            state_total[k] += weight * survival * u
        survival *= 1 - out["catastrophe"]
        weight *= discount
        cap, cap_open, loss_mult = out["capability"], out["open_source"], out["loss_multiplier"]
        step += 1
    return [u / deflator for u in lab_total], [u / deflator for u in state_total], 1 - survival
