"""Moving whole teams to better hosts with room (``strategies.relocate``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import exhaustive
import pytest
from conftest import examples, host, participant
from generators import feasible_problems, planted
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import Problem, check
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.catalogue import VISIT_RULES
from icld_match.strategies.greedy import greedy_allocation
from icld_match.strategies.polish import polishable
from icld_match.strategies.relocate import Load, Teams, relocate

START, END = date(2026, 5, 13), date(2026, 5, 14)


def one_team(good: dict[str, Any] | None = None, other_team: bool = False, **extra: Any) -> Problem:
    """A team of two at POOR (fit 0.2); GOOD (fit 1.0) offers ``good`` capacity. With
    ``other_team`` a second cohort on the same days has a team of two at GOOD."""
    cohorts = [{"id": "C1", "name": "C1", "internship": {"start": START, "end": END}}]
    people = [participant(f"P{i}", themes={"water": 1.0}) for i in (1, 2)]
    if other_team:
        cohorts.append({"id": "C2", "name": "C2", "internship": {"start": START, "end": END}})
        people += [participant(f"Q{i}", cohort="C2", themes={"roads": 1.0}) for i in (1, 2)]
    capacity = {"max_teams": 2, "max_participants": 4, **(good or {})}
    return Problem.model_validate(
        {
            "cohorts": cohorts,
            "participants": people,
            "hosts": [
                host("POOR", themes={"water": 0.2, "roads": 1.0}),
                host("GOOD", themes={"water": 1.0, "roads": 1.0}, capacity=capacity),
            ],
            "rules": {"mixed_countries": "off"},
            **extra,
        }
    )


def teams_at(index: ProblemIndex, plan: list[tuple[str, str, list[str]]]) -> Teams:
    teams: Teams = {}
    for cohort, host_id, members in plan:
        hosts, rows = teams.setdefault(index.cohort_pos[cohort], ([], []))
        hosts.append(index.host_pos[host_id])
        rows.append([index.participant_pos[m] for m in members])
    return teams


def host_of_c1(index: ProblemIndex, teams: Teams) -> str:
    return index.problem.hosts[teams[0][0][0]].id


@pytest.mark.parametrize(
    ("good", "moves"),
    [
        ({}, True),
        # one spare place short: GOOD takes two people, the other cohort's team is there
        ({"max_participants": 3}, False),
        ({"max_participants": 4}, True),
        ({"max_teams": 1}, False),
    ],
)
def test_a_team_moves_only_where_the_host_has_room(good: dict[str, Any], moves: bool) -> None:
    problem = one_team(good, other_team=True)
    index = ProblemIndex.build(problem)
    teams = teams_at(index, [("C1", "POOR", ["P1", "P2"]), ("C2", "GOOD", ["Q1", "Q2"])])
    load = Load(index, teams)
    assert relocate(index, teams, load) is moves
    assert host_of_c1(index, teams) == ("GOOD" if moves else "POOR")
    fresh = Load(index, teams)  # what the move kept along is what is there
    for name in ("teams", "people", "group_teams", "group_people", "season", "spent"):
        assert (getattr(load, name) == getattr(fresh, name)).all(), name


@pytest.mark.parametrize(("cap", "moves"), [(1, False), (2, True)])
def test_a_team_moves_only_within_the_season_cap(cap: int, moves: bool) -> None:
    """GOOD's season cap counts the other cohort's team too (any day)."""
    problem = one_team(other_team=True)
    hosts = [h.model_copy(update={"season_max_teams": cap}) for h in problem.hosts]
    index = ProblemIndex.build(problem.model_copy(update={"hosts": hosts}))
    teams = teams_at(index, [("C1", "POOR", ["P1", "P2"]), ("C2", "GOOD", ["Q1", "Q2"])])
    assert relocate(index, teams) is moves


@pytest.mark.parametrize(("budget", "moves"), [(4999.0, False), (5000.0, True)])
def test_a_team_moves_only_within_the_travel_budget(budget: float, moves: bool) -> None:
    """The trip to GOOD costs 5000 SEK, to POOR 1000 SEK; the cohort's budget decides."""
    costs = [
        {"cohort": "C1", "host": "GOOD", "cost": 5000.0},
        {"cohort": "C1", "host": "POOR", "cost": 1000.0},
    ]
    problem = one_team(travel_costs=costs, weights={"travel": 0.0})
    cohorts = [problem.cohorts[0].model_copy(update={"travel_budget": budget})]
    index = ProblemIndex.build(problem.model_copy(update={"cohorts": cohorts}))
    teams = teams_at(index, [("C1", "POOR", ["P1", "P2"])])
    load = Load(index, teams)
    assert relocate(index, teams, load) is moves
    # whole öre: 5000 SEK at GOOD, 1000 SEK at POOR
    assert load.spent[0] == Load(index, teams).spent[0] == (500_000 if moves else 100_000)


def test_a_team_does_not_move_to_a_host_closed_to_a_member() -> None:
    problem = one_team()
    people = [
        p.model_copy(update={"blocked_hosts": ["GOOD"]}) if p.id == "P2" else p
        for p in problem.participants
    ]
    index = ProblemIndex.build(problem.model_copy(update={"participants": people}))
    teams = teams_at(index, [("C1", "POOR", ["P1", "P2"])])
    assert relocate(index, teams) is False


def test_travel_cost_can_outweigh_the_fit() -> None:
    """At 10 per 1,000 SEK the 4000 SEK more to GOOD cost 40, more than the fit gains."""
    costs = [
        {"cohort": "C1", "host": "GOOD", "cost": 5000.0},
        {"cohort": "C1", "host": "POOR", "cost": 1000.0},
    ]
    index = ProblemIndex.build(one_team(travel_costs=costs, weights={"travel": 10.0}))
    teams = teams_at(index, [("C1", "POOR", ["P1", "P2"])])
    assert relocate(index, teams) is False


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(planted(max_participants=12, max_hosts=5, max_cohorts=3), feasible_problems()))
def test_each_move_is_valid_and_gains_what_the_oracle_says(drawn: Any) -> None:
    """Every single move relocate makes keeps the plan valid (independent oracle), and the
    plan's value rises by exactly the move's gain."""
    problem = drawn[0] if isinstance(drawn, tuple) else drawn
    index = ProblemIndex.build(problem)
    plan = greedy_allocation(index)
    if plan is None or not polishable(problem) or index.has_windows:
        return
    teams = teams_at(index, [(t.cohort, t.host, t.members) for t in plan.teams])
    before = exhaustive.value(problem, plan.teams)
    moved = relocate(index, teams)
    event("moved" if moved else "no move")
    dated = [
        (c, h, sorted(m)) for c, (hs, ms) in teams.items() for h, m in zip(hs, ms, strict=True)
    ]
    after = index.teams(dated)
    assert exhaustive.violations(problem, after) == []
    breaches = check(problem, plan.model_copy(update={"teams": after, "visits": []}))
    assert [b for b in breaches if b.rule not in VISIT_RULES] == []
    assert exhaustive.value(problem, after) >= before - 1e-9
    assert moved or abs(exhaustive.value(problem, after) - before) < 1e-9


def test_load_counts_what_each_host_has_left() -> None:
    problem = one_team({"max_participants": 4}, other_team=True)
    index = ProblemIndex.build(problem)
    teams = teams_at(index, [("C1", "POOR", ["P1", "P2"]), ("C2", "GOOD", ["Q1", "Q2"])])
    load = Load(index, teams)
    good, poor = index.host_pos["GOOD"], index.host_pos["POOR"]
    assert load.room_for_team(0, 2, moved_from=poor)[good]
    assert not load.room_for_team(0, 3, moved_from=poor)[good]  # 2 + 3 > 4 people
    assert not load.room_for_team(0, 2, moved_from=poor)[poor]  # not where the team already is


def test_a_team_joins_its_cohorts_other_team_at_the_better_host() -> None:
    """GOOD already holds a team of the same cohort: the counts add up there."""
    problem = one_team({"max_teams": 2, "max_participants": 4})
    people = [*problem.participants]
    people += [p.model_copy(update={"id": f"R{p.id[1]}"}) for p in problem.participants]
    index = ProblemIndex.build(problem.model_copy(update={"participants": people}))
    teams = teams_at(index, [("C1", "GOOD", ["R1", "R2"]), ("C1", "POOR", ["P1", "P2"])])
    load = Load(index, teams)
    assert relocate(index, teams, load) is True
    good = index.host_pos["GOOD"]
    assert load.teams[0, good] == Load(index, teams).teams[0, good] == 2
    assert load.people[0, good] == Load(index, teams).people[0, good] == 4
    assert load.season[good] == Load(index, teams).season[good] == 2
