"""The solver end to end: validity on random problems, optimality against brute force,
determinism, the bundled example, and the result's JSON round trip."""

from __future__ import annotations

import itertools
from pathlib import Path

import exhaustive
import pytest
from conftest import examples
from generators import feasible_problems, planted
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import Allocation, Problem, Progress, Status, check, score, solve
from icld_match.io.json_files import load_problem
from icld_match.records.schema import Pin

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"
TIGHT = 1e-3  # objective coefficients are rounded to 1/1000 inside CP-SAT


#: Generous: tiny problems are proven optimal in milliseconds; the limit only guards
#: against a hang, no test asserts on elapsed time.
BUDGET = 60


@settings(max_examples=examples(150), deadline=None)
@given(feasible_problems(fairness=True))
def test_every_returned_allocation_is_valid(problem: Problem) -> None:
    """Planted problems are feasible: the answer is proven optimal, valid by the checker
    and the oracle, and its reported objective is what the oracle scores."""
    allocation = solve(problem, workers=1, time_limit=BUDGET)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    assert allocation.objective == pytest.approx(
        exhaustive.allocation_value(problem, allocation), abs=1e-9
    )
    assert allocation.objective == pytest.approx(
        sum(t.contribution for t in score(problem, allocation)), abs=1e-9
    )


@settings(max_examples=examples(150), deadline=None)
@given(feasible_problems(max_participants=6, max_hosts=3, fairness=True))
def test_objective_equals_exhaustive_optimum(problem: Problem) -> None:
    allocation = solve(problem, workers=1, time_limit=BUDGET)
    best = exhaustive.best_objective(problem)
    assert best is not None  # planted around a valid plan
    assert allocation.status is Status.OPTIMAL
    # rounding inside CP-SAT can cost at most TIGHT per participant and per team term
    tolerance = TIGHT * 4 * len(problem.participants)
    value = exhaustive.allocation_value(problem, allocation)
    assert best - tolerance <= value <= best + 1e-9


@settings(max_examples=examples(60), deadline=None)
@given(planted(max_participants=6, max_hosts=3, always_travel=True))
def test_travel_optimum_equals_exhaustive_optimum(
    pair: tuple[Problem, list[tuple[str, str, list[str]]]],
) -> None:
    """Every draw has travel data (and often budgets at the hidden plan's cost); with the
    travel weight above zero the solver still reaches the brute-force optimum."""
    problem, _ = pair
    if problem.weights.travel == 0:
        problem = problem.model_copy(
            update={"weights": problem.weights.model_copy(update={"travel": 0.3})}
        )
    event(
        "budget"
        if problem.travel_budget or any(c.travel_budget for c in problem.cohorts)
        else "no budget"
    )
    allocation = solve(problem, workers=1, time_limit=BUDGET)
    best = exhaustive.best_objective(problem)
    assert best is not None
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    tolerance = TIGHT * 4 * len(problem.participants)
    value = exhaustive.allocation_value(problem, allocation)
    assert best - tolerance <= value <= best + 1e-9


@settings(max_examples=examples(100), deadline=None)
@given(st.data())
def test_infeasible_reason_names_a_rule_every_plan_breaks(data: st.DataObject) -> None:
    """A planted problem made infeasible by one known breaker: the oracle finds no plan,
    the reason names the breaker, and the problem without it is feasible (by the oracle)."""
    problem, _ = data.draw(planted(max_participants=6, max_hosts=3))
    kind = data.draw(st.sampled_from(sorted(BREAKERS)))
    broken, fragment = BREAKERS[kind](problem, data)
    event(kind)
    assert exhaustive.best_allocation(problem) is not None
    assert exhaustive.best_allocation(broken) is None
    allocation = solve(broken, workers=1, time_limit=BUDGET)
    assert allocation.status is Status.INFEASIBLE and allocation.teams == []
    text = "\n".join(allocation.reasons)
    assert fragment in text, (fragment, text)


def _pin_to_a_closed_host(problem: Problem, data: st.DataObject) -> tuple[Problem, str]:
    p = data.draw(st.sampled_from(problem.participants))
    host = problem.hosts[0].model_copy(update={"id": "HX", "languages": ["zz"]})
    pins = [x for x in problem.pins if x.participant != p.id]
    pins.append(Pin(participant=p.id, host="HX"))
    changed = problem.model_copy(update={"hosts": [*problem.hosts, host], "pins": pins})
    return Problem.model_validate(changed.model_dump()), p.id


def _together_and_apart(problem: Problem, data: st.DataObject) -> tuple[Problem, str]:
    cohort = data.draw(st.sampled_from(problem.cohorts))
    members = [p.id for p in problem.participants if p.cohort == cohort.id]
    if len(members) < 2:  # one member: a cohort smaller than its minimum team instead
        return _cohort_too_small(problem, data)
    pair = data.draw(st.lists(st.sampled_from(members), min_size=2, max_size=2, unique=True))
    changed = problem.model_dump()
    changed["keep_together"] = [{"members": pair}]
    changed["keep_apart"] = [{"members": pair}]
    return Problem.model_validate(changed), "keep_apart"


def _cohort_too_small(problem: Problem, data: st.DataObject) -> tuple[Problem, str]:
    changed = problem.model_dump()
    cohort = changed["cohorts"][0]
    size = sum(1 for p in problem.participants if p.cohort == cohort["id"])
    cohort["team_size"] = {"min": size + 1, "max": size + 1}
    return Problem.model_validate(changed), f"fewer than its minimum team size {size + 1}"


def _no_room(problem: Problem, data: st.DataObject) -> tuple[Problem, str]:
    changed = problem.model_dump()
    for h in changed["hosts"]:
        h["capacity"] = {"max_teams": 0, "max_participants": 0}
    return Problem.model_validate(changed), "needs places for"


def _over_budget(problem: Problem, data: st.DataObject) -> tuple[Problem, str]:
    """Every trip of one cohort costs 1000 SEK; its (or the season's) budget is 999 SEK."""
    cohort = data.draw(st.sampled_from(problem.cohorts))
    changed = problem.model_dump()
    changed["travel_costs"] = [t for t in changed["travel_costs"] if t["cohort"] != cohort.id]
    changed["travel_costs"] += [
        {"cohort": cohort.id, "host": h.id, "cost": 1000.0} for h in problem.hosts
    ]
    if data.draw(st.booleans()):
        changed["cohorts"][problem.cohorts.index(cohort)]["travel_budget"] = 999.0
        return Problem.model_validate(changed), f"Cohort {cohort.id} needs at least"
    changed["travel_budget"] = 999.0
    return Problem.model_validate(changed), "more than the season travel budget of 999.00 SEK"


BREAKERS = {
    "over_budget": _over_budget,
    "pin_to_closed_host": _pin_to_a_closed_host,
    "together_and_apart": _together_and_apart,
    "cohort_too_small": _cohort_too_small,
    "no_room": _no_room,
}


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


TRAVEL_EXAMPLE = EXAMPLE.with_name("itp-local-democracy-2026-travel.json")


def test_travel_example_is_made_by_its_script_and_solved_within_budget() -> None:
    """examples/make_travel.py: the bundled cohort housed in Stockholm, hosts with
    coordinates, a 20,000 SEK budget that the unbudgeted optimum (22,684 SEK) exceeds."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_travel", EXAMPLE.parents[1] / "make_travel.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    problem = load_problem(TRAVEL_EXAMPLE)
    assert script.make_problem() == problem
    allocation = solve(problem, workers=1, time_limit=BUDGET)
    assert allocation.is_feasible() and check(problem, allocation) == []
    spent = allocation.term("travel").value * 1000
    assert spent <= 20_000.0 + 0.005
    unbudgeted = problem.model_copy(
        update={"cohorts": [c.model_copy(update={"travel_budget": None}) for c in problem.cohorts]}
    )
    free = solve(unbudgeted, workers=1, time_limit=BUDGET)
    assert free.term("travel").value * 1000 > 20_000.0  # the budget binds
