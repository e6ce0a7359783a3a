"""Checks of coalition (cartel) stability and of the three participation models."""

import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar

from pausegame.experiments.coalitions import (
    externally_stable,
    internally_stable,
    load_coalition_game,
    solve_coalition_game,
    stable_coalition_sizes,
)
from pausegame.experiments.games import GameError
from tests.oracle.coalition_games import (
    barrett_abatement,
    barrett_quadratic_game,
    binary_abatement_game,
    linear_benefit_game,
)

# --------------------------------------------------------------------------------------------
# The stability conditions
# --------------------------------------------------------------------------------------------


def test_stability_conditions_on_a_hand_made_schedule():
    # n = 3. k=1: member 5 vs outsider-at-0 4 -> stays; outsider-at-1 3 vs member-at-2 6 -> joins.
    member = [0.0, 5.0, 6.0, 2.0]
    outsider = [4.0, 3.0, 7.0, 0.0]
    assert internally_stable(member, outsider).tolist() == [True, True, True, False]
    assert externally_stable(member, outsider).tolist() == [False, False, True, True]
    assert stable_coalition_sizes(member, outsider) == [2]


def test_ties_count_as_stable_and_size_zero_is_not_reported():
    flat = [1.0] * 5  # everyone gets the same whatever happens
    assert stable_coalition_sizes(flat, flat) == [1, 2, 3, 4]
    assert internally_stable(flat, flat).all() and externally_stable(flat, flat).all()
    # A tie survives rounding of the order of 1e-16 relative to the payoffs compared.
    member = [0.0, 1e6, 2e6]
    outsider = [1e6 * (1 + 1e-15), 1e6, 0.0]
    assert internally_stable(member, outsider)[1]
    assert not internally_stable(member, outsider, tol=0.0)[1]


def test_unused_entries_are_ignored():
    member, outsider = linear_benefit_game(6)
    member, outsider = member.copy(), outsider.copy()
    member[0], outsider[-1] = np.nan, np.inf
    assert stable_coalition_sizes(member, outsider) == [2, 3]


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(-3, 3), min_size=n + 1, max_size=n + 1),
            st.lists(st.integers(-3, 3), min_size=n + 1, max_size=n + 1),
        )
    )
)
def test_stable_sizes_follow_the_definition(schedules):
    member, outsider = schedules
    n = len(member) - 1
    expected = [
        k
        for k in range(1, n + 1)
        if member[k] >= outsider[k - 1] and (k == n or outsider[k] >= member[k + 1])
    ]
    assert stable_coalition_sizes(member, outsider) == expected


@pytest.mark.parametrize(
    ("member", "outsider", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], "N \\+ 1"),
        ([1.0], [1.0], "N \\+ 1"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "one-dimensional"),
        ([0.0, np.nan, 1.0], [0.0, 1.0, 0.0], "NaN"),
        (["a", "b"], [1.0, 2.0], "numbers"),
    ],
)
def test_bad_schedules_are_rejected(member, outsider, message):
    with pytest.raises(GameError, match=message):
        stable_coalition_sizes(member, outsider)


# --------------------------------------------------------------------------------------------
# Linear benefits, quadratic costs: stable sizes 2 and 3 for any N
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("b", "c"), [(1.0, 1.0), (0.3, 1.7), (2.0, 0.5), (7.0, 3.0)])
def test_linear_benefit_model_stable_sizes_are_two_and_three(b, c):
    for n in range(3, 80):
        assert stable_coalition_sizes(*linear_benefit_game(n, b, c)) == [2, 3], n
    assert stable_coalition_sizes(*linear_benefit_game(2, b, c)) == [2]
    assert stable_coalition_sizes(*linear_benefit_game(1, b, c)) == [1]
    n = 40
    k = np.arange(n + 1)
    member, outsider = linear_benefit_game(n, b, c)
    assert internally_stable(member, outsider)[1:].tolist() == ((k - 1) * (k - 3) <= 0)[1:].tolist()
    assert externally_stable(member, outsider)[:-1].tolist() == (k * (k - 2) >= 0)[:-1].tolist()


def test_linear_benefit_payoffs_come_from_the_abatement_game():
    # Recompute payoffs from b*Q - c*q**2/2 with abatement found by numerical optimisation:
    # an outsider's best reply, and the members' best common level.
    n, b, c = 9, 0.8, 2.0
    member, outsider = linear_benefit_game(n, b, c)

    def payoff(own, total):
        return b * total - c * own**2 / 2

    for k in range(1, n):

        def outsider_reply(others_total):
            best = minimize_scalar(
                lambda q: -payoff(q, others_total + q),
                bounds=(0, 10),
                method="bounded",
                options={"xatol": 1e-10},
            )
            return best.x

        q_out = outsider_reply(0.0)  # dominant: the same whatever the others abate
        assert outsider_reply(5.0) == pytest.approx(q_out, abs=1e-7)

        def members_total(q, k=k, q_out=q_out):
            return k * payoff(q, k * q + (n - k) * q_out)

        q_in = minimize_scalar(
            lambda q: -members_total(q), bounds=(0, 50), method="bounded", options={"xatol": 1e-10}
        ).x
        assert q_out == pytest.approx(b / c, rel=1e-6)
        assert q_in == pytest.approx(k * b / c, rel=1e-6)
        total = k * q_in + (n - k) * q_out
        assert member[k] == pytest.approx(payoff(q_in, total), rel=1e-6)
        assert outsider[k] == pytest.approx(payoff(q_out, total), rel=1e-6)


# --------------------------------------------------------------------------------------------
# Binary abatement: the smallest coalition that abates
# --------------------------------------------------------------------------------------------


def binary_stable_sizes(n: int, b: Fraction, c: Fraction) -> list[int]:
    """The stable sizes derived by hand, in exact arithmetic."""
    smallest = math.ceil(c / b)
    sizes = set(range(1, smallest - 1)) | {smallest}
    if c / b == smallest:
        sizes.add(smallest - 1)
    return sorted(k for k in sizes if k >= 1)


@pytest.mark.parametrize("n", [2, 3, 5, 10, 25])
def test_binary_abatement_stable_sizes(n):
    for b in (Fraction(1), Fraction(3, 4), Fraction(5, 2)):
        for ratio in (
            Fraction(11, 10),
            Fraction(3, 2),
            Fraction(2),
            Fraction(n, 2) + Fraction(1, 3),
            Fraction(n) - Fraction(1, 7),
        ):
            if not 1 < ratio < n:
                continue
            c = b * ratio
            member, outsider = binary_abatement_game(n, float(b), float(c))
            sizes = stable_coalition_sizes(member, outsider)
            assert sizes == binary_stable_sizes(n, b, c), (n, b, c)
            abating = [k for k in sizes if member[k] != 0 or outsider[min(k, n - 1)] != 0]
            assert abating == [math.ceil(ratio)]


def test_binary_abatement_requires_a_dilemma():
    with pytest.raises(ValueError, match="b < c < n\\*b"):
        binary_abatement_game(5, 2.0, 1.0)
    with pytest.raises(ValueError, match="b < c < n\\*b"):
        binary_abatement_game(5, 1.0, 5.0)


# --------------------------------------------------------------------------------------------
# Barrett (1994)
# --------------------------------------------------------------------------------------------


def test_barrett_end_points_are_nash_and_full_cooperation():
    n, a, b, c = 12, 50.0, 2.0, 3.0
    gamma = c / b
    q_member, q_outsider, total = barrett_abatement(n, a, b, c)
    assert total[0] == pytest.approx(a / (1 + gamma))  # everyone plays its own best reply
    assert q_outsider[0] == pytest.approx(total[0] / n)
    assert total[n] == pytest.approx(a * n / (n + gamma))  # all maximise joint welfare
    assert q_member[n] == pytest.approx(total[n] / n)


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_barrett_abatement_is_a_stackelberg_equilibrium(k):
    # Solve the two-stage game without the closed form: outsiders play a symmetric Nash
    # equilibrium among themselves given the members' level; members pick the level that
    # maximises a member's payoff given the outsiders' reaction.
    n, a, b, c = 10, 20.0, 1.0, 0.4

    def payoff(own, total):
        return (b / n) * (a * total - total**2 / 2) - c * own**2 / 2

    def outsider_best_reply(others_total):
        # d payoff / d own = (b/n)(a - others - own) - c own = 0
        return (b / n) * (a - others_total) / (b / n + c)

    for others_total in (0.0, 3.0, 11.0):  # the reply really is a best reply
        numeric = minimize_scalar(
            lambda q, o=others_total: -payoff(q, o + q),
            bounds=(0, a),
            method="bounded",
            options={"xatol": 1e-10},
        ).x
        assert numeric == pytest.approx(outsider_best_reply(others_total), abs=1e-6)

    def outsiders_level(q_member):
        fixed = k * q_member
        # Unconstrained, as in Barrett's model: a reply may go negative far from the optimum.
        return brentq(
            lambda q: outsider_best_reply(fixed + (n - k - 1) * q) - q,
            -100 * a,
            100 * a,
            xtol=1e-14,
        )

    def member_payoff(q_member):
        q_out = outsiders_level(q_member)
        return payoff(q_member, k * q_member + (n - k) * q_out)

    q_member = minimize_scalar(
        lambda q: -member_payoff(q), bounds=(0, a), method="bounded", options={"xatol": 1e-12}
    ).x
    q_out = outsiders_level(q_member)
    members, outsiders, total = barrett_abatement(n, a, b, c)
    assert members[k] == pytest.approx(q_member, rel=1e-6)
    assert outsiders[k] == pytest.approx(q_out, rel=1e-6)
    assert total[k] == pytest.approx(k * q_member + (n - k) * q_out, rel=1e-6)
    member, _ = barrett_quadratic_game(n, a, b, c)
    assert member[k] == pytest.approx(member_payoff(q_member), rel=1e-9)


def barrett_largest_stable_size(n: int, gamma: float) -> int:
    return max(stable_coalition_sizes(*barrett_quadratic_game(n, 100.0, 1.0, gamma)))


@pytest.mark.parametrize("n", [5, 10, 30, 100])
def test_barrett_stable_size_falls_from_n_to_two_as_costs_rise(n):
    gammas = np.logspace(-4, 3, 60)
    sizes = [barrett_largest_stable_size(n, g) for g in gammas]
    assert all(later <= earlier for earlier, later in itertools.pairwise(sizes))
    assert sizes[0] == n  # cheap abatement relative to benefit: everyone signs
    assert sizes[-1] == 2  # costly abatement: the linear-benefit limit, two signatories
    if n <= 10:
        assert set(sizes) == set(range(2, n + 1))  # "any number between two and N"


def test_barrett_has_one_stable_size_away_from_the_linear_limit():
    for n in (4, 10, 50):
        for gamma in np.logspace(-3, 1, 15):
            assert (
                len(stable_coalition_sizes(*barrett_quadratic_game(n, 10.0, 2.0, 2 * gamma))) == 1
            )


@pytest.mark.parametrize("n", [10, 50, 100])
def test_barrett_paradox_of_cooperation(n):
    # Many signatories only where full cooperation gains little over the Nash outcome.
    rows = []
    for gamma in np.logspace(-3, 3, 40):
        member, outsider = barrett_quadratic_game(n, 100.0, 1.0, gamma)
        nash, full = n * outsider[0], n * member[n]
        gain = (full - nash) / nash
        rows.append((max(stable_coalition_sizes(member, outsider)), gain))
    gains = [gain for _, gain in rows]
    assert all(later > earlier for earlier, later in itertools.pairwise(gains))
    large = [gain for size, gain in rows if size >= n / 2]
    small = [gain for size, gain in rows if size <= 3]
    assert large and small
    # Where at least half sign, full cooperation is worth under 5% more than Nash; where at most
    # three sign, over 10% more.
    assert max(large) < 0.05 < 0.1 < min(small)


def test_a_lone_signatory_never_loses_by_leading():
    # k = 1 is a Stackelberg leader, who could always have copied its Nash abatement.
    for n in (2, 5, 20):
        for gamma in (0.01, 1.0, 30.0):
            member, outsider = barrett_quadratic_game(n, 10.0, 1.0, gamma)
            assert member[1] >= outsider[0] - 1e-12 * abs(outsider[0])
            assert internally_stable(member, outsider)[1]


def test_model_parameters_are_checked():
    with pytest.raises(ValueError, match="positive integer"):
        linear_benefit_game(0)
    with pytest.raises(ValueError, match="c must be a positive number"):
        barrett_quadratic_game(5, 1.0, 1.0, -1.0)


# --------------------------------------------------------------------------------------------
# Files and summary
# --------------------------------------------------------------------------------------------


def test_solve_coalition_game_is_json_ready():
    summary = solve_coalition_game(*linear_benefit_game(6, 1.0, 2.0))
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary
    assert summary == {
        "n": 6,
        "stable_coalition_sizes": [2, 3],
        "internally_stable": [0, 1, 2, 3],
        "externally_stable": [0, 2, 3, 4, 5, 6],
    }


def test_load_coalition_game_round_trip(tmp_path):
    member, outsider = barrett_quadratic_game(8, 10.0, 1.0, 0.5)
    path = tmp_path / "treaty.json"
    path.write_text(
        json.dumps(
            {"n": 8, "member_payoff": member.tolist(), "nonmember_payoff": outsider.tolist()}
        )
    )
    loaded = load_coalition_game(path)
    np.testing.assert_array_equal(loaded[0], member)
    np.testing.assert_array_equal(loaded[1], outsider)
    assert solve_coalition_game(*loaded)["stable_coalition_sizes"] == stable_coalition_sizes(
        member, outsider
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "not a coalition game"),
        ('{"n": 2, "member_payoff": [0, 1, 2]}', "missing key.*nonmember_payoff"),
        ('{"n": 2, "member_payoff": [0, 1], "nonmember_payoff": [0, 1]}', "expected n \\+ 1"),
        ('{"n": 1, "member_payoff": [0, NaN], "nonmember_payoff": [0, 1]}', "NaN"),
        ('{"n": 1, "member_payoff": [0, "x"], "nonmember_payoff": [0, 1]}', "list of numbers"),
        ('{"n": 1.5, "member_payoff": [0, 1], "nonmember_payoff": [0, 1]}', "positive integer"),
        ('{"n": ', "not valid JSON"),
    ],
)
def test_bad_coalition_files_are_rejected(tmp_path, content, message):
    path = tmp_path / "game.json"
    path.write_text(content)
    with pytest.raises(GameError, match=message):
        load_coalition_game(path)


def test_missing_coalition_file(tmp_path):
    with pytest.raises(GameError, match="not found"):
        load_coalition_game(tmp_path / "absent.json")
