"""The greedy coordinator plan and the shortlist strategy built on it."""

from __future__ import annotations

from pathlib import Path

import exhaustive
import pytest
from conftest import cohort, examples, host, participant, tiny_problem
from generators import feasible_problems, problems
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import Problem, Status, check, solve
from icld_match.analysis.check import objective as total
from icld_match.index.problem_index import ProblemIndex
from icld_match.io.json_files import load_problem
from icld_match.strategies.greedy import greedy_allocation

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


def test_greedy_plans_the_example_validly() -> None:
    problem = load_problem(EXAMPLE)
    plan = greedy_allocation(ProblemIndex.build(problem))
    assert plan is not None
    assert check(problem, plan) == []
    assert plan.strategy == "greedy"
    optimum = solve(problem, workers=1).objective
    assert optimum is not None and total(problem, plan) < optimum  # greedy is not optimal here


@settings(max_examples=examples(100), deadline=None)
@given(st.one_of(problems(fairness=True), feasible_problems(fairness=True)))
def test_greedy_raw_plan_is_valid_or_none(problem: Problem) -> None:
    """The raw plan, before the checker's filter (``verify=False``), breaks no rule."""
    plan = greedy_allocation(ProblemIndex.build(problem), verify=False)
    event("greedy found a plan" if plan else "greedy stuck")
    if plan is not None:
        assert check(problem, plan) == []
        assert exhaustive.violations(problem, plan.teams) == []


@pytest.mark.parametrize(
    ("team_size", "together", "apart", "rules"),
    [
        # a keep-together pair in teams of one (was: one team of two, team_size broken)
        ((1, 1), ["P1", "P2"], [], {}),
        # the same pair kept together and apart (was: together, keep_apart broken)
        ((2, 4), ["P1", "P2"], ["P2", "P1"], {}),
        # hard 'together' ties P1 to P2 (City A) and keep_together ties P2 to P3, while
        # P1 and P3 are kept apart (was: one team of three, keep_apart broken)
        (
            (2, 4),
            ["P2", "P3"],
            ["P3", "P1"],
            {"organisation": "together", "organisation_strictness": "hard"},
        ),
    ],
)
def test_greedy_gives_up_on_a_unit_no_team_can_hold(
    team_size: tuple[int, int], together: list[str], apart: list[str], rules: dict[str, str]
) -> None:
    people = [participant("P1", organisation="City A"), participant("P2", organisation="City A")]
    problem = tiny_problem(
        cohorts=[cohort(team_size=team_size)],
        participants=[*people, participant("P3"), participant("P4")],
        keep_together=[{"members": together}],
        keep_apart=[{"members": apart}] if apart else [],
        rules=rules,
        hosts=[host(h, capacity={"max_teams": 4, "max_participants": 8}) for h in ("H1", "H2")],
    )
    assert greedy_allocation(ProblemIndex.build(problem), verify=False) is None


@settings(max_examples=examples(100), deadline=None)
@given(st.one_of(problems(fairness=True), feasible_problems(fairness=True)))
def test_shortlist_strategy_is_valid_and_never_worse_than_greedy(problem: Problem) -> None:
    allocation = solve(problem, workers=1, time_limit=60, strategy="shortlist")
    plan = greedy_allocation(ProblemIndex.build(problem))
    if not allocation.is_feasible():
        assert plan is None
        return
    assert check(problem, allocation) == []
    assert allocation.status is Status.FEASIBLE  # no proven bound for the whole problem
    assert allocation.best_bound is None or allocation.best_bound >= allocation.objective
    if plan is not None:
        assert allocation.objective is not None
        assert allocation.objective >= total(problem, plan) - 1e-9


def test_shortlist_on_the_example_reports_its_strategy() -> None:
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=1, strategy="shortlist")
    assert allocation.strategy.startswith("shortlist-")
    assert check(problem, allocation) == []
    exact = solve(problem, workers=1, strategy="exact")
    assert exact.strategy == "exact" and exact.status is Status.OPTIMAL
    assert allocation.objective is not None and exact.objective is not None
    assert allocation.objective <= exact.objective + 1e-9


def _priced(budget: float, weight: float = 0.0) -> Problem:
    """P1-P4, teams of two; H1 (fit 1) costs 5000 SEK a trip, H2 (fit 0.1) 1000 SEK."""
    return tiny_problem(
        cohorts=[cohort(team_size=(2, 2), travel_budget=budget)],
        participants=[participant(f"P{i}", themes={"a": 1.0}) for i in range(1, 5)],
        hosts=[
            host("H1", themes={"a": 1.0}, capacity={"max_teams": 2, "max_participants": 4}),
            host("H2", themes={"a": 0.1}, capacity={"max_teams": 2, "max_participants": 4}),
        ],
        travel_costs=[
            {"cohort": "C1", "host": "H1", "cost": 5000.0},
            {"cohort": "C1", "host": "H2", "cost": 1000.0},
        ],
        weights={"travel": weight},
    )


@pytest.mark.parametrize(("budget", "at_h1"), [(6000.0, 1), (5999.0, 0)])
def test_greedy_spends_within_the_travel_budget(budget: float, at_h1: int) -> None:
    """6000 SEK pays one trip to H1 and one to H2; one SEK less, two trips to H2 only."""
    plan = greedy_allocation(ProblemIndex.build(_priced(budget)), verify=False)
    assert plan is not None
    assert check(_priced(budget), plan) == []
    assert sum(t.host == "H1" for t in plan.teams) == at_h1


def test_greedy_gives_up_when_no_team_is_affordable() -> None:
    assert greedy_allocation(ProblemIndex.build(_priced(1999.0)), verify=False) is None
