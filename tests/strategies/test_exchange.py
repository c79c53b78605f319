"""Two teams exchanging hosts (``strategies.exchange``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import exhaustive
import numpy as np
import pytest
from conftest import examples, host, participant
from generators import planted
from hypothesis import event, given, settings
from hypothesis import strategies as st
from test_reteam import as_teams, drawn_plan, roomy

from icld_match import Problem
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.exchange import _Flat, _Gains, exchange
from icld_match.strategies.relocate import Load, Teams

START, END = date(2026, 5, 13), date(2026, 5, 14)
WATER, SCHOOLS = {"water": 1.0}, {"schools": 1.0}


def crossed_cohorts(schools: dict[str, Any], water: int = 2, **person: Any) -> Problem:
    """C1 (water people) and C2 (schools people) in the field together; each host takes
    one team, WATER ``water`` people, SCHOOLS as ``schools`` says."""
    people = [
        participant("W1", cohort="C1", country="Kenya", themes=WATER),
        participant("W2", cohort="C1", country="Tanzania", themes=WATER),
        participant("S1", cohort="C2", country="Kenya", themes=SCHOOLS, **person),
        participant("S2", cohort="C2", country="Tanzania", themes=SCHOOLS),
    ]
    dates = {"internship": {"start": START, "end": END}}
    return Problem.model_validate(
        {
            "cohorts": [{"id": c, "name": c, **dates} for c in ("C1", "C2")],
            "participants": people,
            "hosts": [
                host("WATER", themes=WATER, capacity={"max_teams": 1, "max_participants": water}),
                host("SCHOOLS", themes=SCHOOLS, capacity={"max_teams": 1, **schools}),
            ],
        }
    )


def crossed_plan(index: ProblemIndex) -> Teams:
    """Each cohort at the other's host."""
    at = index.host_pos
    rows = index.participant_pos
    return {
        0: ([at["SCHOOLS"]], [[rows["W1"], rows["W2"]]]),
        1: ([at["WATER"]], [[rows["S1"], rows["S2"]]]),
    }


@pytest.mark.parametrize(
    ("schools", "person", "exchanged"),
    [
        ({"max_participants": 2}, {}, True),
        # S1 may not go to SCHOOLS: the exchange would break a pair rule
        ({"max_participants": 2}, {"blocked_hosts": ["SCHOOLS"]}, False),
    ],
)
def test_two_teams_exchange_hosts_only_where_every_member_may_go(
    schools: dict[str, Any], person: dict[str, Any], exchanged: bool
) -> None:
    problem = crossed_cohorts(schools, **person)
    index = ProblemIndex.build(problem)
    teams = crossed_plan(index)
    before = exhaustive.value(problem, as_teams(index, teams))
    load = Load(index, teams)
    assert exchange(index, teams, load) is exchanged
    after = as_teams(index, teams)
    assert exhaustive.violations(problem, after) == []
    if exchanged:
        assert {t.cohort: t.host for t in after} == {"C1": "WATER", "C2": "SCHOOLS"}
        assert exhaustive.value(problem, after) > before
    fresh = Load(index, teams)
    for name in ("teams", "people", "group_teams", "group_people", "season", "spent"):
        assert (getattr(load, name) == getattr(fresh, name)).all(), name


@pytest.mark.parametrize(("places", "exchanged"), [(3, True), (2, False)])
def test_an_exchange_keeps_what_each_host_can_take(places: int, exchanged: bool) -> None:
    """C2's team of three sits at WATER; at SCHOOLS it needs three places (with two, one
    place short, the teams stay crossed although both would gain)."""
    problem = crossed_cohorts({"max_participants": places}, water=3)
    data = problem.model_dump(mode="json")
    data["participants"].append(participant("S3", cohort="C2", country="Uganda", themes=SCHOOLS))
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = crossed_plan(index)
    teams[1][1][0].append(index.participant_pos["S3"])
    assert exhaustive.violations(problem, as_teams(index, teams)) == []
    assert exchange(index, teams, Load(index, teams)) is exchanged
    assert exhaustive.violations(problem, as_teams(index, teams)) == []


@pytest.mark.parametrize(("budget", "exchanged"), [(4999.0, False), (5000.0, True)])
def test_an_exchange_keeps_each_cohorts_travel_budget(budget: float, exchanged: bool) -> None:
    """C1's trip to WATER costs 5000 SEK, to SCHOOLS 1000 SEK; its budget decides."""
    costs = [
        {"cohort": "C1", "host": "WATER", "cost": 5000.0},
        {"cohort": "C1", "host": "SCHOOLS", "cost": 1000.0},
    ]
    data = crossed_cohorts({"max_participants": 2}).model_dump(mode="json")
    data["travel_costs"], data["weights"] = costs, {"travel": 0.0}
    data["cohorts"][0]["travel_budget"] = budget
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = crossed_plan(index)
    load = Load(index, teams)
    assert exchange(index, teams, load) is exchanged
    assert exhaustive.violations(problem, as_teams(index, teams)) == []
    assert load.spent[0] == Load(index, teams).spent[0] == (500_000 if exchanged else 100_000)


@settings(max_examples=examples(60), deadline=None)
@given(st.one_of(roomy(), planted(max_participants=12, max_hosts=4, max_cohorts=3)))
def test_after_each_exchange_the_gains_are_those_counted_afresh(drawn: Any) -> None:
    """Each exchange made updates the two teams' rows: every gain afterwards (which the
    next exchanges are judged by) equals the gain of a fresh count."""
    found = drawn_plan(drawn)
    if found is None:
        return
    problem, index, teams = found
    load = Load(index, teams)
    flat = _Flat(teams)
    gains = _Gains(index, flat, load)
    made = 0
    for _, i, j in gains.candidates(index.n_hosts):
        if gains.of(i, j) > 1e-9 and gains.apply(i, j):
            made += 1
            assert np.array_equal(gains.move, _Gains(index, flat, load).move)
    event(f"{min(made, 3)}+ exchanges made")
    assert exhaustive.violations(problem, as_teams(index, teams)) == []


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(roomy(), planted(max_participants=12, max_hosts=4, max_cohorts=3)))
def test_each_exchange_gain_is_the_oracles_change_in_objective(drawn: Any) -> None:
    """The gain an exchange is judged by equals the independent oracle's change in
    value, for every pair of teams at different hosts whose members may go there."""
    found = drawn_plan(drawn)
    if found is None:
        return
    problem, index, teams = found
    flat = _Flat(teams)
    gains = _Gains(index, flat, Load(index, teams))
    before = exhaustive.separable_value(problem, as_teams(index, teams))
    checked = 0
    for i in range(len(flat.where)):
        for j in range(len(flat.where)):
            gain = gains.of(i, j)
            if i == j or gain == -np.inf:
                continue
            (ci, ti), (cj, tj) = flat.where[i], flat.where[j]
            copy: Teams = {c: (list(hs), ms) for c, (hs, ms) in teams.items()}
            copy[ci][0][ti], copy[cj][0][tj] = flat.host(j), flat.host(i)
            change = exhaustive.separable_value(problem, as_teams(index, copy)) - before
            assert gain == pytest.approx(change, abs=1e-6)
            checked += 1
    event(f"{min(checked, 30) // 10 * 10}+ exchanges checked")
