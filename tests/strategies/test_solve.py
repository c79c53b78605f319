"""The solver end to end: validity on random problems, optimality against brute force,
determinism, the bundled example, and the result's JSON round trip."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from exhaustive import best_objective
from generators import problems
from hypothesis import HealthCheck, event, given, settings

from icld_match import Allocation, Problem, Progress, Status, check, score, solve
from icld_match.io.json_files import load_problem

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"
TIGHT = 1e-3  # objective coefficients are rounded to 1/1000 inside CP-SAT


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_returned_allocation_is_valid(problem: Problem) -> None:
    allocation = solve(problem, workers=1, time_limit=10)
    event(allocation.status.value)
    assert allocation.status in (Status.OPTIMAL, Status.INFEASIBLE)
    if allocation.is_feasible():
        assert check(problem, allocation) == []
        assert allocation.objective == pytest.approx(
            sum(t.contribution for t in score(problem, allocation)), abs=1e-9
        )
    else:
        assert allocation.reasons and allocation.teams == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_participants=6, max_hosts=3))
def test_objective_equals_exhaustive_optimum(problem: Problem) -> None:
    allocation = solve(problem, workers=1, time_limit=10)
    best = best_objective(problem)
    event("infeasible" if best is None else "feasible")
    if best is None:
        assert allocation.status is Status.INFEASIBLE
        return
    assert allocation.status is Status.OPTIMAL
    # rounding inside CP-SAT can cost at most TIGHT per participant and per team term
    tolerance = TIGHT * 4 * len(problem.participants)
    assert allocation.objective is not None
    assert best - tolerance <= allocation.objective <= best + 1e-9


@pytest.mark.parametrize("seed", [0, 7])
def test_same_seed_one_worker_is_deterministic(seed: int) -> None:
    problem = load_problem(EXAMPLE)
    first = solve(problem, workers=1, seed=seed, time_limit=30)
    second = solve(problem, workers=1, seed=seed, time_limit=30)
    assert first.teams == second.teams
    assert first.objective == second.objective


def test_bundled_example_is_solved_to_optimality() -> None:
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=2, time_limit=30)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert sum(len(t.members) for t in allocation.teams) == len(problem.participants)
    assert allocation.gap == 0
    assert [t.name for t in allocation.terms] == [
        "thematic_fit",
        "country_mix",
        "organisation",
        "wishes",
        "host_spread",
    ]


def test_allocation_round_trips_through_json() -> None:
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=1, time_limit=30)
    again = Allocation.from_json(allocation.to_json())
    assert again == allocation
    assert check(problem, again) == []


def test_progress_is_reported_for_each_improvement() -> None:
    seen: list[Progress] = []
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=1, time_limit=30, on_progress=seen.append)
    assert seen, "at least one solution is reported"
    assert [p.solutions for p in seen] == list(range(1, len(seen) + 1))
    assert all(a.objective <= b.objective + 1e-9 for a, b in itertools.pairwise(seen))
    assert seen[-1].objective == pytest.approx(allocation.objective, abs=0.05)


def test_summary_names_hosts_and_participants() -> None:
    problem = load_problem(EXAMPLE)
    allocation = solve(problem, workers=1, time_limit=30)
    text = allocation.summary(problem)
    assert "status: optimal" in text
    first = allocation.teams[0]
    assert problem.host(first.host).name in text
    assert problem.participant(first.members[0]).name in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit": 0}, "time_limit"),
        ({"workers": 0}, "workers"),
    ],
)
def test_bad_solver_arguments_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve(load_problem(EXAMPLE), **kwargs)  # type: ignore[arg-type]
