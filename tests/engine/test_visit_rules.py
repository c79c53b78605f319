"""Study-visit rules: for each hard rule a case it binds (the model without it breaks it,
the checker sees the breach) and a case it makes infeasible (the reason names it); the
visit_fit reward traded as its weight says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from conftest import cohort, host, participant

from icld_match import Problem, Status, check, diagnose, solve
from icld_match.analysis.check import objective
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.solve import solve_index

NO_SOFT = {"country_mix": 0, "organisation": 0, "wishes": 0, "host_spread": 0}
MAY_4, MAY_5 = date(2026, 5, 4), date(2026, 5, 5)
SEPTEMBER = [{"start": "2026-09-01", "end": "2026-09-30"}]


def group(hid: str, strength: float = 1.0, capacity: int = 30, **offer: Any) -> dict[str, Any]:
    """A host that receives no teams (no shared language) but takes group visits on 'a'."""
    return host(
        hid,
        languages=["sv"],
        group_visits={"capacity": capacity, "themes": {"a": strength}, **offer},
    )


def visiting(
    hosts: list[dict[str, Any]],
    visits: list[dict[str, Any]] | None = None,
    cohorts: list[dict[str, Any]] | None = None,
    people: list[dict[str, Any]] | None = None,
) -> Problem:
    """Cohort C1 (P1, P2: one team, at H1) with one study visit V1 on theme 'a'."""
    return Problem.model_validate(
        {
            "cohorts": cohorts
            or [cohort(study_visits=visits or [{"id": "V1", "themes": {"a": 1.0}}])],
            "participants": people or [participant("P1"), participant("P2")],
            "hosts": hosts,
            "weights": NO_SOFT,
            "rules": {"mixed_countries": "off", "organisation": "neutral"},
        }
    )


TEAM_HOST = host("H1")
ONE_DAY = [{"id": "V1", "themes": {"a": 1.0}, "days": ["2026-05-04"]}]
TWO_COHORTS = [
    cohort("C1", study_visits=ONE_DAY),
    cohort("C2", study_visits=ONE_DAY),
]
FOUR = [participant("P1"), participant("P2"), participant("Q1", "C2"), participant("Q2", "C2")]

BINDING: dict[str, Callable[[], Problem]] = {
    # without "exactly one", the visit would be made on both days for double fit
    "visit_placement": lambda: visiting([TEAM_HOST, group("G1")]),
    "visit_capacity": lambda: visiting([TEAM_HOST, group("G1", capacity=1), group("G2", 0.3)]),
    "visit_days": lambda: visiting([TEAM_HOST, group("G1", days=SEPTEMBER), group("G2", 0.3)]),
    "visit_per_day": lambda: visiting(
        [TEAM_HOST, host("H2"), group("G1"), group("G2", 0.3)], cohorts=TWO_COHORTS, people=FOUR
    ),
    # H1 is the only host for the team and the best for the group
    "visit_clash": lambda: visiting(
        [host("H1", group_visits={"capacity": 30, "themes": {"a": 1.0}}), group("G2", 0.3)]
    ),
}


@pytest.mark.parametrize("rule", sorted(BINDING))
def test_visit_rule_holds_in_solution(rule: str) -> None:
    problem = BINDING[rule]()
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert len(allocation.visits) == sum(len(c.study_visits) for c in problem.cohorts)


@pytest.mark.parametrize("rule", sorted(BINDING))
def test_dropping_visit_rule_breaks_it(rule: str) -> None:
    problem = BINDING[rule]()
    relaxed = solve_index(
        ProblemIndex.build(problem), workers=1, time_limit=30, skip_rules=frozenset([rule])
    )
    assert relaxed.is_feasible()
    assert rule in {v.rule for v in check(problem, relaxed)}


def test_every_visit_rule_has_a_binding_case() -> None:
    from icld_match.records.catalogue import CATALOGUE

    assert {e.name for e in CATALOGUE if e.kind == "visit"} == set(BINDING)


INFEASIBLE: dict[str, tuple[Callable[[], Problem], list[str]]] = {
    # pre-checks: a visit with no (host, day) open at all
    "visit_placement": (
        lambda: visiting([TEAM_HOST]),
        ["Study visit V1 of cohort C1 can go to no host", "no host offers group visits"],
    ),
    "visit_capacity": (
        lambda: visiting([TEAM_HOST, group("G1", capacity=1)]),
        ["1 of the 1 hosts offering group visits receive fewer than its 2 people"],
    ),
    "visit_days": (
        lambda: visiting([TEAM_HOST, group("G1", days=SEPTEMBER)]),
        ["1 receive no groups on 2026-05-04, 2026-05-05 (visit_days)"],
    ),
    "visit_days_availability": (
        lambda: visiting([TEAM_HOST, {**group("G1"), "available": SEPTEMBER}]),
        ["1 receive no groups on 2026-05-04, 2026-05-05 (visit_days)"],
    ),
    # CP-SAT cores: every visit has some option, but not all together
    "visit_capacity_core": (
        lambda: visiting(
            [TEAM_HOST, host("H2"), group("G1", capacity=2), group("G2", capacity=1)],
            cohorts=TWO_COHORTS,
            people=FOUR,
        ),
        ["Host G2 receives groups of at most 1 people; cohort C", "has 2 (visit_capacity)"],
    ),
    "visit_days_core": (
        lambda: visiting(
            [TEAM_HOST, host("H2"), group("G1"), group("G2", days=SEPTEMBER)],
            cohorts=TWO_COHORTS,
            people=FOUR,
        ),
        ["Host G2 receives group visits only on 2026-09-01..2026-09-30, when it is available"],
    ),
    "visit_per_day": (
        lambda: visiting([TEAM_HOST, host("H2"), group("G1")], cohorts=TWO_COHORTS, people=FOUR),
        ["Host G1 receives at most 1 group(s) a day, on 2026-05-04 (visit_per_day)"],
    ),
    "visit_clash": (
        lambda: visiting([host("H1", group_visits={"capacity": 30})]),
        ["Host H1 does not receive cohort C1's whole group (visit V1)", "(visit_clash)"],
    ),
}


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_infeasible_visit_case_is_reported(case: str) -> None:
    make, expected = INFEASIBLE[case]
    problem = make()
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.INFEASIBLE
    text = "\n".join(allocation.reasons)
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    rule = case.removesuffix("_availability").removesuffix("_core")
    assert f"({rule})" in text
    found = diagnose(problem, time_limit=10)
    assert found.feasible is False
    if not found.prechecks:
        assert rule in {item.rule for item in found.core}


def test_with_teams_allows_the_group_beside_a_team() -> None:
    """The clash case again, but H1 allows both: the group goes to H1 (fit 1)."""
    offer = {"capacity": 30, "themes": {"a": 1.0}, "with_teams": True}
    problem = visiting([host("H1", group_visits=offer), group("G2", 0.3)])
    allocation = solve(problem, workers=1, time_limit=30)
    assert check(problem, allocation) == []
    assert [(v.host, v.fit) for v in allocation.visits] == [("H1", 1.0)]


def test_clash_only_on_internship_days() -> None:
    """A visit on a day outside the internship may go to the team's host."""
    visits = [{"id": "V1", "themes": {"a": 1.0}, "days": ["2026-05-06"]}]
    problem = visiting(
        [host("H1", group_visits={"capacity": 30, "themes": {"a": 1.0}}), group("G2", 0.3)],
        visits=visits,
    )
    allocation = solve(problem, workers=1, time_limit=30)
    assert check(problem, allocation) == []
    assert [(v.host, v.day) for v in allocation.visits] == [("H1", date(2026, 5, 6))]


def test_max_per_day_leaves_no_extra_group() -> None:
    """G1 (fit 1) takes 2 groups a day; three cohorts want it on 4 May: one goes to G2."""
    people = [participant(f"{c}{i}", c) for c in ("C1", "C2", "C3") for i in (1, 2)]
    cohorts = [cohort(c, study_visits=ONE_DAY) for c in ("C1", "C2", "C3")]
    hosts = [host("H1", capacity={"max_teams": 3, "max_participants": 6})]
    problem = visiting(
        [*hosts, group("G1", max_per_day=2), group("G2", 0.25)], cohorts=cohorts, people=people
    )
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.OPTIMAL and check(problem, allocation) == []
    assert sorted(v.host for v in allocation.visits) == ["G1", "G1", "G2"]
    assert allocation.term("visit_fit").value == pytest.approx(2.25)


@pytest.mark.parametrize(("weight", "host_id"), [(0.1, "H1"), (10.0, "H2")])
def test_visit_fit_is_traded_as_its_weight_says(weight: float, host_id: str) -> None:
    """The team fits H1 best (1.0 against 0.5 at H2), the group too (1.0 against 0.2 at
    H2); H1 cannot take both. A small visit weight keeps the team at H1, a large one
    sends the team to H2 so that the group gets H1."""
    people = [participant(p, themes={"t": 1.0}) for p in ("P1", "P2")]
    hosts = [
        host("H1", themes={"t": 1.0}, group_visits={"capacity": 30, "themes": {"a": 1.0}}),
        host("H2", themes={"t": 0.5}, group_visits={"capacity": 30, "themes": {"a": 0.2}}),
    ]
    problem = visiting(hosts, people=people)
    problem = problem.model_copy(
        update={"weights": problem.weights.model_copy(update={"visit_fit": weight})}
    )
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.status is Status.OPTIMAL and check(problem, allocation) == []
    assert allocation.teams[0].host == host_id
    assert allocation.objective == pytest.approx(objective(problem, allocation))


def test_problems_without_visits_report_no_visit_term() -> None:
    problem = visiting([TEAM_HOST], cohorts=[cohort()])
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.visits == []
    assert "visit_fit" not in {t.name for t in allocation.terms}


def test_visits_impossible_whatever_the_teams_are_named_without_the_team_model() -> None:
    """Two cohorts' visits on 4 May, one group host taking one group a day: the visits
    alone conflict, so the diagnosis names the visit rules only."""
    from icld_match.analysis.diagnose import diagnose_visits

    problem = INFEASIBLE["visit_per_day"][0]()
    found = diagnose_visits(ProblemIndex.build(problem))
    assert found.feasible is False and found.minimal
    assert {item.rule for item in found.core} == {"visit_placement", "visit_per_day"}
    assert diagnose_visits(ProblemIndex.build(BINDING["visit_per_day"]())).feasible is True
