"""Strategies on problems with study visits: blocks keep the plan's visits valid, every
plan gets its visits, and a plan whose teams leave no room for them is not kept."""

from __future__ import annotations

from datetime import date

from conftest import allocation, cohort, host, participant, team

from icld_match import Problem, Status, Visit, check, solve
from icld_match.engine.clock import Deadline
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.decompose import CohortRecords, subproblem, visit_reservations
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
