"""Fairness terms trade as their weights say: the soft fit floor's shortfall penalty and
the worst-fit reward (expected optima worked out by hand, confirmed by the oracle)."""

from __future__ import annotations

import exhaustive
import pytest
from conftest import host, participant
from engine.test_rules import NO_SOFT, build, floor_problem, solved, themed

from icld_match import Problem, Status, check, solve
from icld_match.analysis.check import score


@pytest.mark.parametrize(("weight", "where"), [(3.0, "H1"), (5.0, "H2")])
def test_soft_floor_trades_shortfall_against_fit(weight: float, where: str) -> None:
    """H1: fit 1.2, P2 0.1 below the floor 0.3; H2: fit 0.8, nobody below. H1 wins while
    1.2 - 0.1 w > 0.8, i.e. for a weight below 4."""
    problem = floor_problem(0.3, "soft", fit_floor=weight)
    expected = 1.2 - 0.1 * weight if where == "H1" else 0.8
    at = solved(problem, expected)
    assert set(at) == {where}
    shortfall = {t.name: t.value for t in score(problem, solve(problem, workers=1))}
    assert shortfall["fit_floor"] == pytest.approx(0.1 if where == "H1" else 0.0)


def test_soft_floor_without_a_floor_charges_nothing() -> None:
    problem = build([themed("P1", "a"), themed("P2", "b")], [host("H1", themes={"a": 1.0})])
    names = [t.name for t in score(problem, solve(problem, workers=1))]
    assert "fit_floor" not in names and "worst_fit" not in names


def worst_problem(weight: float) -> Problem:
    """P1 (a) and P2 (b) together: H1 (a 1.0) sums 1.0 but leaves P2 at 0; H2 (a 0.4,
    b 0.4) sums 0.8 with the worst fit 0.4. H2 wins once 0.8 + 0.4 w > 1.0: w > 0.5."""
    return build(
        [themed("P1", "a"), themed("P2", "b")],
        [host("H1", themes={"a": 1.0}), host("H2", themes={"a": 0.4, "b": 0.4})],
        team_size=(2, 2),
        weights={**NO_SOFT, "worst_fit": weight},
    )


@pytest.mark.parametrize(("weight", "where"), [(0.0, "H1"), (0.4, "H1"), (0.6, "H2")])
def test_worst_fit_trades_the_lowest_fit_against_the_sum(weight: float, where: str) -> None:
    expected = 1.0 if where == "H1" else 0.8 + 0.4 * weight
    assert set(solved(worst_problem(weight), expected)) == {where}


def test_worst_fit_counts_only_placed_participants_in_relaxed_mode() -> None:
    """P3 speaks no host's language and stays out: the worst fit is P1's or P2's."""
    problem = build(
        [themed("P1", "a"), themed("P2", "b"), themed("P3", "a", languages=["fr"])],
        [host("H1", themes={"a": 1.0}), host("H2", themes={"a": 0.4, "b": 0.4})],
        team_size=(2, 2),
        weights={**NO_SOFT, "worst_fit": 1.0},
    )
    allocation = solve(problem, workers=1, allow_unplaced=True, time_limit=30)
    assert [u.participant for u in allocation.unplaced] == ["P3"]
    assert allocation.team_of("P1") is not None
    assert allocation.teams[0].host == "H2"  # 0.8 + 0.4 beats 1.0 + 0
    assert allocation.term("worst_fit").value == pytest.approx(0.4)


def test_check_catches_a_planted_breach_of_a_hard_floor() -> None:
    problem = floor_problem(0.3)
    plan = solve(
        problem.model_copy(update={"rules": problem.rules.model_copy(update={"fit_floor": None})}),
        workers=1,
    )
    assert plan.teams[0].host == "H1"  # without the floor the plan breaks it
    breaches = check(problem, plan)
    assert [v.rule for v in breaches] == ["fit_floor"]
    assert breaches[0].records[0] == "P2" and "below the floor 0.3" in breaches[0].message
    assert exhaustive.violations(problem, plan.teams) == ["fit_floor"]


def test_a_fit_on_the_floor_meets_it_despite_float_rounding() -> None:
    """P1's fit at H1 is 1/3 (weights 1 and 2, strength on the second only): a floor of
    1/3 written as a float is met, by the index, the referee and the oracle alike."""
    problem = build(
        [
            participant("P1", themes={"a": 1.0, "b": 2.0}),
            themed("P2", "b"),
        ],
        [host("H1", themes={"b": 0.5})],
        rules={"fit_floor": 1 / 3, "mixed_countries": "off", "organisation": "neutral"},
    )
    allocation = solve(problem, workers=1)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
