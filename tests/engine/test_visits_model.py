"""The visits-only model built once per problem (``VisitsModel``): whatever teams it was
solved for before, each solve gives the brute-force best visits of ``exhaustive.py`` for
its own teams."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import exhaustive
from conftest import END, START, cohort, examples, host, participant
from generators import hidden_teams, planted_visits
from hypothesis import given, settings

from icld_match import load_problem
from icld_match.engine.clock import Deadline
from icld_match.engine.cpsat import VisitsModel
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.result import Team
from icld_match.records.schema import Problem
from icld_match.strategies.greedy import greedy_allocation

SEASON = Path(__file__).resolve().parents[2] / "examples" / "data" / "season-2026.json"


def assert_best_visits(problem: Problem, model: VisitsModel, teams: list[Team]) -> None:
    """The model's visits for ``teams`` are valid and as good as the oracle's best."""
    outcome = model.solve(teams, deadline=Deadline(10))
    best = exhaustive.best_visits(problem, teams)
    if best is None:
        assert not outcome.found
        return
    assert outcome.found
    assert exhaustive.visit_violations(problem, teams, outcome.visits) == set()
    assert abs(exhaustive.visits_value(problem, outcome.visits) - best[0]) < 1e-4


@settings(max_examples=examples(25), deadline=None)
@given(planted_visits(max_participants=5, max_hosts=3, max_cohorts=2))
def test_each_solve_gives_the_best_visits_for_its_own_teams(drawn: Any) -> None:
    problem, plan, _ = drawn
    index = ProblemIndex.build(problem)
    model = VisitsModel.of(index)
    hidden = hidden_teams(problem, plan)
    greedy = greedy_allocation(index)
    # hidden teams, other teams, none at all, then the hidden ones again: a solve must
    # not keep anything of the one before
    for teams in (hidden, greedy.teams if greedy else [], [], hidden):
        assert_best_visits(problem, model, teams)


def clashing() -> Problem:
    """Cohort C1 (P1, P2: one team, 4-5 May) with one study visit V1 on theme 'a', held
    on an internship day; G1 (fit 1.0) and G2 (fit 0.3) take the group but not beside one
    of its teams, and both can take the team."""
    groups = {"capacity": 30, "themes": {"a": 1.0}, "with_teams": False}
    return Problem.model_validate(
        {
            "cohorts": [cohort(study_visits=[{"id": "V1", "themes": {"a": 1.0}}])],
            "participants": [participant("P1"), participant("P2")],
            "hosts": [
                host("G1", group_visits=groups),
                host("G2", group_visits=groups | {"themes": {"a": 0.3}}),
            ],
        }
    )


def team_at(host_id: str) -> list[Team]:
    return [
        Team(id="T1", cohort="C1", host=host_id, members=["P1", "P2"], start=START, end=END, fit=0)
    ]


def test_the_group_goes_where_its_team_is_not_whatever_the_solve_before() -> None:
    problem = clashing()
    model = VisitsModel.of(ProblemIndex.build(problem))
    for team_host, visit_host in (("G1", "G2"), ("G2", "G1"), ("G1", "G2")):
        outcome = model.solve(team_at(team_host), deadline=Deadline(10))
        assert [v.host for v in outcome.visits] == [visit_host]


def test_the_model_is_built_once_per_index_and_goes_with_it() -> None:
    problem = load_problem(SEASON)
    index = ProblemIndex.build(problem)
    model = VisitsModel.of(index)
    assert VisitsModel.of(index) is model
    other = ProblemIndex.build(problem)
    gone = weakref.ref(VisitsModel.of(other))
    assert gone() is not model
    del other
    gc.collect()
    assert gone() is None
