"""Strategies on problems with study visits: blocks keep the plan's visits valid, every
plan gets its visits, and a plan whose teams leave no room for them is not kept."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import allocation, cohort, host, participant, team

from icld_match import Allocation, Problem, Status, Visit, check, solve
from icld_match.analysis.check import objective
from icld_match.engine.clock import Deadline
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.decompose import (
    CohortRecords,
    improve_by_cohort,
    subproblem,
    visit_reservations,
    visit_spending,
)
from icld_match.strategies.visits import with_visits

MAY_4, MAY_6 = date(2026, 5, 4), date(2026, 5, 6)


def problem(with_teams: bool = False) -> Problem:
    visits = [{"id": "V1", "themes": {"a": 1.0}}, {"id": "V2", "days": ["2026-05-06"]}]
    offer = {"capacity": 30, "themes": {"a": 1.0}, "with_teams": with_teams}
    return Problem.model_validate(
        {
            "cohorts": [cohort(study_visits=visits)],
            "participants": [participant("P1"), participant("P2")],
            "hosts": [host("H1", group_visits=offer), host("H2", group_visits=offer)],
        }
    )


def test_reservations_follow_the_clash_rule() -> None:
    visits = [
        Visit(cohort="C1", visit="V1", host="H1", day=MAY_4, fit=1.0),
        Visit(cohort="C1", visit="V2", host="H2", day=MAY_6, fit=0.0),  # after the internship
    ]
    plan = allocation(team("T01", "H2", ["P1", "P2"])).model_copy(update={"visits": visits})
    assert visit_reservations(ProblemIndex.build(problem()), plan) == {"C1": {"H1"}}
    assert visit_reservations(ProblemIndex.build(problem(with_teams=True)), plan) == {}
    index = ProblemIndex.build(problem())
    sub = subproblem(index, CohortRecords.of(index), [0], [0, 1], reserved={"C1": {"H1"}})
    assert all(p.blocked_hosts == ["H1"] for p in sub.participants)
    assert all(c.study_visits == [] for c in sub.cohorts)  # blocks plan teams only


def test_with_visits_plans_them_for_the_teams_or_gives_up() -> None:
    p = problem()
    index = ProblemIndex.build(p)
    plan = allocation(team("T01", "H1", ["P1", "P2"]))
    planned = with_visits(index, plan, Deadline(5))
    assert planned is not None and check(p, planned) == []
    assert {(v.visit, v.host) for v in planned.visits} >= {("V1", "H2")}
    # one host only, its team there on both internship days: V1 has no room
    lone = Problem.model_validate({**p.model_dump(), "hosts": [p.model_dump()["hosts"][0]]})
    assert with_visits(ProblemIndex.build(lone), plan, Deadline(5)) is None


def test_every_strategy_answers_with_visits() -> None:
    p = problem()
    for strategy in ("auto", "exact", "decompose", "shortlist"):
        answer = solve(p, workers=1, time_limit=10, strategy=strategy)
        assert answer.status is Status.OPTIMAL or answer.is_feasible()
        assert check(p, answer) == [] and len(answer.visits) == 2


def budgeted(budget: float) -> Problem:
    """One cohort based in Stockholm that must visit G (far north) as a group; its team
    may go to H1 (far, a better fit) or H2 (next door). The budget pays the visit's trip
    and a team's trip to H2, not to H1."""
    visits = [{"id": "V1"}]
    offer = {"capacity": 30, "themes": {"a": 1.0}}
    return Problem.model_validate(
        {
            "cohorts": [
                cohort(
                    study_visits=visits,
                    base={"name": "Stockholm", "lat": 59.33, "lon": 18.07},
                    travel_budget=budget,
                )
            ],
            "participants": [
                participant(pid, themes={"a": 1.0}, country=country)
                for pid, country in (("P1", "Kenya"), ("P2", "Ghana"))
            ],
            "hosts": [
                host("H1", themes={"a": 1.0}, location={"lat": 63.0, "lon": 18.07}),
                host("H2", location={"lat": 59.34, "lon": 18.07}),
                host("G", location={"lat": 62.0, "lon": 18.07}, group_visits=offer),
            ],
        }
    )


def test_blocks_leave_the_visits_trips_in_the_budgets() -> None:
    roomy = ProblemIndex.build(budgeted(1e6))
    plan = with_visits(roomy, allocation(team("T01", "H2", ["P1", "P2"])), Deadline(5))
    assert plan is not None and [v.host for v in plan.visits] == ["G"]
    spent = visit_spending(roomy, plan)
    assert spent == {0: int(roomy.visit_travel_units[0, 2])} and spent[0] > 0
    sub = subproblem(roomy, CohortRecords.of(roomy), [0], [0, 1], visit_spend=spent)
    assert sub.cohorts[0].travel_budget == pytest.approx(1e6 - spent[0] / 100)
    assert sub.cohorts[0].study_visits == []


def test_decompose_keeps_the_plans_visits_within_the_budget() -> None:
    roomy = ProblemIndex.build(budgeted(1e6))
    costs = roomy.travel_cost[0].tolist()
    visit = float(roomy.visit_travel_cost[0, 2])
    # the visit and a trip to H2 fit, the visit and a trip to H1 do not; H1 alone would
    tight = budgeted(visit + costs[1] + 1.0)
    assert costs[0] < visit + costs[1] < visit + costs[0]
    index = ProblemIndex.build(tight)
    start = with_visits(index, allocation(team("T01", "H2", ["P1", "P2"])), Deadline(5))
    assert start is not None and check(tight, start) == []
    found = improve_by_cohort(index, start, deadline=Deadline(5))
    assert [v.host for v in found.visits] == ["G"]
    assert [t.host for t in found.teams] == ["H2"] and check(tight, found) == []
    # with room for both, the block takes the better host and the visits stay
    loose = budgeted(visit + costs[0] + 1.0)
    index = ProblemIndex.build(loose)
    found = improve_by_cohort(index, start, deadline=Deadline(5))
    assert [t.host for t in found.teams] == ["H1"] and check(loose, found) == []


def poorly_visited() -> tuple[Problem, ProblemIndex, Allocation, Visit]:
    """A valid plan whose one visit (V1 at H2) fits nothing, where H1 would fit."""
    data = problem(with_teams=True).model_dump()
    data["cohorts"][0]["study_visits"] = [{"id": "V1", "themes": {"a": 1.0}}]
    data["hosts"][1]["group_visits"]["themes"] = {"b": 1.0}  # H2: no fit for V1
    p = Problem.model_validate(data)
    poor = Visit(cohort="C1", visit="V1", host="H2", day=MAY_4, fit=0.0)
    plan = allocation(team("T01", "H1", ["P1", "P2"])).model_copy(update={"visits": [poor]})
    return p, ProblemIndex.build(p), plan, poor


def test_with_visits_replans_valid_visits_unless_told_to_keep_them() -> None:
    p, index, plan, poor = poorly_visited()
    assert check(p, plan) == []
    kept = with_visits(index, plan, Deadline(5), keep=True)
    assert kept is not None and kept.visits == [poor]
    better = with_visits(index, plan, Deadline(5))
    assert better is not None and [v.host for v in better.visits] == ["H1"]
    assert check(p, better) == []


def test_the_portfolio_reports_a_plan_it_accepts_with_its_best_visits() -> None:
    from icld_match.strategies.context import Context, SolveOptions
    from icld_match.strategies.portfolio import Portfolio

    p, index, plan, _ = poorly_visited()

    class Found:
        name = "found"

        def run(self, index: ProblemIndex, incumbent: object, ctx: Context) -> Allocation:
            return plan

    heard: list[float] = []
    ctx = Context(SolveOptions(workers=1), Deadline(5.0), lambda p: heard.append(p.objective))
    kept = Portfolio()._try(Found(), index, None, ctx)
    assert kept is not None and [v.host for v in kept.visits] == ["H1"]
    assert heard == [pytest.approx(objective(p, kept))] and objective(p, kept) > objective(p, plan)
