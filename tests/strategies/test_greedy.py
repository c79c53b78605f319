"""The greedy coordinator plan and the shortlist strategy built on it."""

from __future__ import annotations

from pathlib import Path

from generators import problems
from hypothesis import HealthCheck, event, given, settings

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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_greedy_is_valid_or_none(problem: Problem) -> None:
    plan = greedy_allocation(ProblemIndex.build(problem))
    event("greedy found a plan" if plan else "greedy stuck")
    if plan is not None:
        assert check(problem, plan) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_shortlist_strategy_is_valid_and_never_worse_than_greedy(problem: Problem) -> None:
    allocation = solve(problem, workers=1, time_limit=10, strategy="shortlist")
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
