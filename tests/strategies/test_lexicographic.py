"""The lexicographic objective: the best lowest fit first, then the weighted sum."""

from __future__ import annotations

import exhaustive
import pytest
from conftest import examples
from engine.test_fairness import worst_problem
from generators import planted
from hypothesis import given, settings

from icld_match import Problem, ProblemError, Status, check, solve
from icld_match.strategies import solve as solve_module
from icld_match.strategies.lexicographic import Floor


def lexicographic(problem: Problem) -> Problem:
    """The same problem under the lexicographic objective (a soft floor is dropped)."""
    data = problem.model_dump()
    data["rules"]["objective"] = "lexicographic"
    if data["rules"]["fit_floor_strictness"] == "soft":
        data["rules"]["fit_floor"] = None
    return Problem.model_validate(data)


def test_lexicographic_lifts_the_worst_fit_at_the_cost_of_the_sum() -> None:
    """P1 (a), P2 (b): H1 sums 1.0 but leaves P2 at 0; H2 sums 0.8 with 0.4 each."""
    plain = worst_problem(0.0)
    assert solve(plain, workers=1).teams[0].host == "H1"
    problem = lexicographic(plain)
    allocation = solve(problem, workers=1)
    assert allocation.status is Status.OPTIMAL
    assert allocation.teams[0].host == "H2"
    assert allocation.objective == pytest.approx(0.8)
    assert check(problem, allocation) == []
    stage1, stage2 = allocation.reasons[:2]
    assert "stage 1: the lowest fit of any participant is 0.4 (proven" in stage1
    assert "stage 2: the weighted sum 0.8 with every fit held at or above 0.4" in stage2


def test_an_unproven_stage_one_is_never_reported_optimal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stage 1 out of time (simulated): its best floor is held, the answer is not optimal."""
    found = solve_module.best_floor

    def unproven(*args: object) -> Floor | None:
        floor = found(*args)  # type: ignore[arg-type]
        return None if floor is None else Floor(floor.value, floor.plan, False, floor.source)

    monkeypatch.setattr(solve_module, "best_floor", unproven)
    allocation = solve(lexicographic(worst_problem(0.0)), workers=1)
    assert allocation.status is Status.FEASIBLE
    assert allocation.best_bound is None
    assert "not proven" in allocation.reasons[0]
    assert allocation.teams[0].host == "H2"  # the floor found is held


def test_lexicographic_refuses_a_soft_floor() -> None:
    data = worst_problem(0.0).model_dump()
    data["rules"].update(objective="lexicographic", fit_floor=0.2, fit_floor_strictness="soft")
    with pytest.raises(ProblemError, match=r"rules\.objective: 'lexicographic' holds"):
        Problem.model_validate(data)


@settings(max_examples=examples(60), deadline=None)
@given(planted(max_participants=5, max_hosts=3, max_cohorts=2, fairness=True))
def test_lexicographic_optimum_equals_brute_force(
    pair: tuple[Problem, list[tuple[str, str, list[str]]]],
) -> None:
    problem = lexicographic(pair[0])
    expected = exhaustive.lexicographic_optimum(problem)
    assert expected is not None  # planted around a valid plan
    floor, best = expected
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert exhaustive.lowest_fit(problem, allocation.teams) >= floor - 1e-6
    value = exhaustive.allocation_value(problem, allocation)
    tolerance = 1e-3 * 4 * len(problem.participants)  # CP-SAT's coefficient rounding
    assert best - tolerance <= value <= best + 1e-9


def test_a_floor_at_the_ceiling_needs_no_search() -> None:
    """P2 lists no themes (fit 0 everywhere): no plan's lowest fit exceeds 0, so the
    greedy plan's floor is proven at once and stage 2 maximises the sum."""
    from conftest import participant
    from engine.test_rules import NO_SOFT, build, offers, themed

    problem = lexicographic(
        build(
            [themed("P1", "a"), participant("P2")],
            [offers("H1", "a"), offers("H2", "a", 0.5)],
            weights=NO_SOFT,
        )
    )
    allocation = solve(problem, workers=1)
    assert allocation.status is Status.OPTIMAL
    assert allocation.strategy.startswith("lexicographic(greedy+")
    assert allocation.teams[0].host == "H1" and allocation.objective == pytest.approx(1.0)
