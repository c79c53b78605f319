"""A study visit's trip: its cost joins the travel term and the travel budgets, in the
joint model and in the visits-only model (teams fixed), to the SEK."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import START, cohort, host, participant

from icld_match import Problem, Status, check, diagnose, explain, solve
from icld_match.analysis.check import visit_travel_cost as referee_cost
from icld_match.engine.clock import Deadline
from icld_match.engine.cpsat import run_visits
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.result import Allocation, Visit
from icld_match.records.travel import visit_travel_cost
from icld_match.strategies.solve import solve_index
from icld_match.strategies.visits import visits_hold, with_visits

NO_SOFT = {"country_mix": 0, "organisation": 0, "wishes": 0, "host_spread": 0}
STOCKHOLM = {"name": "Stockholm", "lat": 59.33, "lon": 18.07}
MALMO = {"lat": 55.6, "lon": 13.0}


def group(hid: str, strength: float, location: dict[str, float]) -> dict[str, Any]:
    """A host that receives no teams (no shared language) but takes group visits on 'a'."""
    return host(
        hid,
        languages=["sv"],
        location=location,
        group_visits={"capacity": 30, "themes": {"a": strength}},
    )


def visiting(
    *,
    budget: float | None = None,
    season: float | None = None,
    travel: float = 0.0,
    near: bool = True,
) -> Problem:
    """Cohort C1 (based in Stockholm; P1, P2: one team, at H1, which has no location and
    costs nothing) with one study visit V1 on theme 'a': G1 in Malmö (fit 1.0, far) or,
    with ``near``, G2 in Stockholm (fit 0.3, 6 x 1000 SEK = 6000 SEK)."""
    hosts = [host("H1"), group("G1", 1.0, MALMO)]
    if near:
        hosts.append(group("G2", 0.3, {"lat": STOCKHOLM["lat"], "lon": STOCKHOLM["lon"]}))
    return Problem.model_validate(
        {
            "cohorts": [
                cohort(
                    base=STOCKHOLM,
                    travel_budget=budget,
                    study_visits=[{"id": "V1", "themes": {"a": 1.0}}],
                )
            ],
            "participants": [participant("P1"), participant("P2")],
            "hosts": hosts,
            "travel_budget": season,
            "weights": {**NO_SOFT, "travel": travel},
            "rules": {"mixed_countries": "off", "organisation": "neutral"},
        }
    )


def far_cost() -> float:
    return visit_travel_cost(visiting(), "C1", "G1")


def visit_host(allocation: Allocation) -> str:
    (visit,) = allocation.visits
    return visit.host


def test_a_visit_costs_the_group_factor_times_a_teams_trip() -> None:
    problem = visiting()
    assert visit_travel_cost(problem, "C1", "G2") == 6000.0
    assert far_cost() > 20_000.0
    assert referee_cost(problem, problem.cohort("C1"), problem.host("G1")) == far_cost()
    index = ProblemIndex.build(problem)
    assert index.visit_travel_cost[0, index.host_pos["G1"]] == far_cost()


@pytest.mark.parametrize("kind", ["cohort", "season"])
def test_a_visit_that_costs_exactly_the_budget_fits(kind: str) -> None:
    exact = far_cost()
    problem = visiting(near=False, **{"budget" if kind == "cohort" else "season": exact})
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert visit_host(allocation) == "G1"


@pytest.mark.parametrize("kind", ["cohort", "season"])
def test_one_sek_short_for_the_visit_is_infeasible_and_named(kind: str) -> None:
    short = far_cost() - 1.0
    problem = visiting(near=False, **{"budget" if kind == "cohort" else "season": short})
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.INFEASIBLE
    found = diagnose(problem, time_limit=10)
    assert found.feasible is False
    (reason,) = found.prechecks
    assert f"at least {far_cost():,.2f} SEK of travel" in reason
    assert "and study visits at theirs" in reason


def test_a_budget_core_names_the_visits_trips() -> None:
    """Two cohorts, one visit each on 4 May; G2 (6000 SEK) takes one group a day, G1 is
    far. The season budget covers G2 twice but not G2 and G1: pre-checks pass, the core
    holds the season budget and G2's one group a day."""
    data = visiting(season=6000.0 + far_cost() - 1.0).model_dump()
    data["cohorts"][0]["study_visits"][0]["days"] = [START]
    data["cohorts"].append({**data["cohorts"][0], "id": "C2", "name": "Cohort C2"})
    data["participants"] += [
        {**data["participants"][0], "id": "Q1", "cohort": "C2"},
        {**data["participants"][1], "id": "Q2", "cohort": "C2"},
    ]
    data["hosts"][0]["capacity"] = {"max_teams": 2, "max_participants": 8}
    data["hosts"][2]["group_visits"]["max_per_day"] = 1
    problem = Problem.model_validate(data)
    found = diagnose(problem, time_limit=10)
    assert found.feasible is False and not found.prechecks
    assert {"travel_budget", "visit_per_day"} <= {a.rule for a in found.core}
    text = " ".join(found.reasons())
    assert "all teams and study visits of the season travel for at most" in text


def test_the_budget_sends_the_visit_to_the_near_host_and_binds() -> None:
    """Without a budget the visit goes to G1 (fit 1.0); a budget below G1's trip sends it
    to G2; the model without the budget rule breaks it and the referee sees it."""
    assert visit_host(solve(visiting(), workers=1, time_limit=30)) == "G1"
    problem = visiting(budget=far_cost() - 1.0)
    allocation = solve(problem, workers=1, time_limit=30)
    assert check(problem, allocation) == []
    assert visit_host(allocation) == "G2"
    relaxed = solve_index(
        ProblemIndex.build(problem),
        workers=1,
        time_limit=30,
        skip_rules=frozenset(["travel_budget"]),
    )
    assert relaxed.is_feasible()
    assert "travel_budget" in {v.rule for v in check(problem, relaxed)}


@pytest.mark.parametrize(("weight", "where"), [(0.01, "G1"), (0.1, "G2")])
def test_travel_weight_trades_a_far_visit_host_against_visit_fit(weight: float, where: str) -> None:
    """G1 fits 0.7 better than G2 and costs (far - 6000) SEK more: at 0.01 per 1,000 SEK
    the fit wins, at 0.1 the cost does."""
    extra = (far_cost() - 6000.0) / 1000
    assert weight * extra != pytest.approx(0.7, abs=0.05)
    problem = visiting(travel=weight)
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.OPTIMAL
    assert visit_host(allocation) == where
    cost = far_cost() if where == "G1" else 6000.0
    assert allocation.term("travel").value == pytest.approx(cost / 1000)


def test_the_visits_only_model_spends_what_the_teams_leave() -> None:
    """The team's trip (H1, supplied at 5000 SEK) is paid first: a budget of 5000 + far - 1
    SEK leaves G1 one SEK short, so the visit goes to G2; 0.01 SEK short of G2, none fits."""
    data = visiting().model_dump()
    data["travel_costs"] = [{"cohort": "C1", "host": "H1", "cost": 5000.0}]
    data["cohorts"][0]["travel_budget"] = 5000.0 + far_cost() - 1.0
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = solve(problem, workers=1, time_limit=30).teams
    outcome = run_visits(index, teams, deadline=Deadline(10))
    assert outcome.found
    assert [v.host for v in outcome.visits] == ["G2"]
    # the model is built once per index: without the teams the budget pays for G1, and
    # with them again it does not (nothing of one solve stays for the next)
    for given, where in (([], "G1"), (teams, "G2")):
        assert [v.host for v in run_visits(index, given, deadline=Deadline(10)).visits] == [where]
    data["cohorts"][0]["travel_budget"] = 5000.0 + 6000.0 - 0.01
    tight = ProblemIndex.build(Problem.model_validate(data))
    assert not run_visits(tight, teams, deadline=Deadline(10)).found


def test_acceptance_rechecks_the_budget_of_a_plans_visits() -> None:
    """A plan whose visit breaks the budget (but no visit rule) is not taken as it is:
    ``with_visits`` replans the visit within the budget."""
    problem = visiting(budget=far_cost() - 1.0)
    index = ProblemIndex.build(problem)
    plan = solve(problem, workers=1, time_limit=30)
    over = plan.model_copy(
        update={
            "visits": [Visit(cohort="C1", visit="V1", host="G1", day=plan.teams[0].start, fit=1.0)]
        }
    )
    assert {v.rule for v in check(problem, over)} == {"travel_budget"}
    assert not visits_hold(index, over)
    fixed = with_visits(index, over, Deadline(10))
    assert fixed is not None
    assert check(problem, fixed) == []
    assert visit_host(fixed) == "G2"


def test_problems_without_travel_data_are_unchanged_by_visits() -> None:
    data = visiting().model_dump()
    data["cohorts"][0]["base"] = None
    problem = Problem.model_validate(data)
    allocation = solve(problem, workers=1, time_limit=30)
    assert "travel" not in {t.name for t in allocation.terms}
    assert visit_host(allocation) == "G1"


def test_explain_lists_the_visit_trip_and_counts_it_per_cohort() -> None:
    problem = visiting(budget=far_cost() + 10.0)
    allocation = solve(problem, workers=1, time_limit=30)
    explained = explain(problem, allocation)
    travel = next(t for t in explained.terms if t.name == "travel")
    assert any(
        m.startswith("visit V1 (C1) to Host G1: ") and f"{far_cost():,.2f} SEK" in m
        for m in travel.matches
    )
    assert explained.travel_by_cohort == {"C1": pytest.approx(far_cost())}
    (report,) = explained.visits
    assert report.travel_cost == far_cost()
    summary = allocation.summary(problem)
    assert f"C1: {far_cost():,.2f} (budget {far_cost() + 10.0:,.2f})" in summary
