"""The collective-risk dilemma of Santos & Pacheco (2011), solved exactly with pausegame.

Santos, F. C. & Pacheco, J. M. (2011). Risk of collective failure provides an escape from
the tragedy of the commons. Proceedings of the National Academy of Sciences 108(26),
10421-10425.

A population of Z = 50 plays in groups of N drawn at random; cooperators give c = 0.1 of an
endowment b = 1, and a group with fewer than M cooperators loses everything with
probability r. Players imitate by the Fermi rule (beta = 5) and explore with probability
mu = 0.01; the stationary distribution of that chain gives the group achievement eta_G, the
long-run share of groups reaching M. The paper's findings, reproduced below: eta_G rises
steeply with the risk r; it is highest in small groups; and in an infinite population the
replicator gradient gains interior fixed points only above a critical risk, which for
N = 6, M = 3 follows from the paper's payoffs as r* = c / (C(5, 2) 0.4^2 0.6^3) = 0.2894.

Run: .venv/bin/python examples/collective_risk.py
"""

from __future__ import annotations

from pausegame.experiments import population

Z, BETA, MUTATION, COST = 50, 5.0, 0.01, 0.1
RISKS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def achievement(group: int, threshold: int, risk: float) -> tuple[float, float]:
    """(eta_G, long-run share of cooperators) of the finite-population chain."""
    cooperate, defect = population.collective_risk(group, threshold, risk, COST)
    fitness = population.group_fitness(Z, group, cooperate, defect)
    pi = population.stationary(*fitness, BETA, MUTATION)
    cooperators = sum(k * p for k, p in enumerate(pi)) / Z
    return population.group_achievement(pi, group, threshold), cooperators


def main() -> None:
    print(f"Collective-risk dilemma, Z = {Z}, c = {COST}, beta = {BETA}, mu = {MUTATION}")
    critical = population.critical_risk(6, 3, COST)
    print(f"critical risk for interior fixed points, N = 6, M = 3: {critical:.4f}")
    print()
    groups = (4, 6, 8, 10, 12)
    print("group achievement eta_G with M = N/2, by group size N")
    print(f"{'risk r':>8}" + "".join(f"{f'N = {n}':>9}" for n in groups))
    for risk in RISKS:
        cells = [achievement(n, n // 2, risk)[0] for n in groups]
        print(f"{risk:>8.1f}" + "".join(f"{eta:>9.3f}" for eta in cells))
    print()
    print("N = 6, r = 0.75: eta_G and the share of cooperators by threshold M")
    for threshold in range(1, 7):
        eta, cooperators = achievement(6, threshold, 0.75)
        print(f"  M = {threshold}: eta_G {eta:.3f}, cooperators {cooperators:.3f}")


if __name__ == "__main__":
    main()
