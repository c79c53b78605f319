"""Swaps between teams of a cohort after the greedy plan (``strategies.polish``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import exhaustive
import pytest
from conftest import examples, host, participant
from generators import feasible_problems, planted
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import Allocation, Problem, Status, Team, check
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.greedy import greedy_allocation
from icld_match.strategies.polish import CohortTeams, _Rules, improve, polish, polishable, teams_of
from icld_match.strategies.relocate import Load, Teams

START, END = date(2026, 5, 13), date(2026, 5, 14)


def two_hosts(**extra: Any) -> Problem:
    """Four participants: A* suit host HA, B* suit HB; each host takes one team of two."""
    people = [
        participant("A1", country="Kenya", themes={"water": 1.0}),
        participant("A2", country="Tanzania", themes={"water": 1.0}),
        participant("B1", country="Kenya", themes={"schools": 1.0}),
        participant("B2", country="Tanzania", themes={"schools": 1.0}),
    ]
    hosts = [
        host("HA", themes={"water": 1.0}, capacity={"max_teams": 1, "max_participants": 2}),
        host("HB", themes={"schools": 1.0}, capacity={"max_teams": 1, "max_participants": 2}),
    ]
    return one_cohort(people, hosts, (2, 2), **extra)


def one_cohort(
    people: list[dict[str, Any]],
    hosts: list[dict[str, Any]],
    team_size: tuple[int, int],
    **extra: Any,
) -> Problem:
    """One cohort C1 on START-END with teams of ``team_size`` (min, max)."""
    cohort = {
        "id": "C1",
        "name": "C1",
        "internship": {"start": START, "end": END},
        "team_size": {"min": team_size[0], "max": team_size[1]},
    }
    return Problem.model_validate(
        {"cohorts": [cohort], "participants": people, "hosts": hosts, **extra}
    )


def crossed(problem: Problem) -> Allocation:
    """The plan with every team at the wrong host: A1+B2 at HB, B1+A2 at HA."""
    teams = [
        Team(id="T1", cohort="C1", host="HB", members=["A1", "B2"], start=START, end=END, fit=0.5),
        Team(id="T2", cohort="C1", host="HA", members=["A2", "B1"], start=START, end=END, fit=0.5),
    ]
    plan = Allocation(status=Status.FEASIBLE, teams=teams)
    assert check(problem, plan) == []
    return plan


def members_at(plan: Allocation) -> dict[str, list[str]]:
    return {t.host: sorted(t.members) for t in plan.teams}


def test_a_swap_that_raises_the_fit_is_made() -> None:
    problem = two_hosts()
    plan = crossed(problem)
    polished = polish(ProblemIndex.build(problem), plan)
    assert check(problem, polished) == []
    assert exhaustive.value(problem, polished.teams) > exhaustive.value(problem, plan.teams)


@pytest.mark.parametrize(
    "extra",
    [
        # A1 and A2 may not share a team: only the swap B2<->A2 would put them together
        {"keep_apart": [{"members": ["A1", "A2"]}]},
        # A2 is pinned to HA where it already is; B2 to HB
        {"pins": [{"participant": "A2", "host": "HA"}, {"participant": "B2", "host": "HB"}]},
        # the crossed teams are keep-together units: nobody may leave them
        {"keep_together": [{"members": ["A1", "B2"]}, {"members": ["A2", "B1"]}]},
    ],
)
def test_a_swap_never_breaks_a_hard_rule(extra: dict[str, Any]) -> None:
    """Judged on the rounds themselves (``improve``): behind polish()'s safety net a
    breaking swap would only be undone, and this test could not fail."""
    problem = two_hosts(**extra)
    plan = crossed(problem)
    index = ProblemIndex.build(problem)
    teams = teams_of(index, plan)
    improve(index, teams)
    assert exhaustive.violations(problem, index.teams(_dated(teams))) == []
    polished = polish(index, plan)
    assert check(problem, polished) == []
    assert exhaustive.violations(problem, polished.teams) == []


def test_hard_country_mixing_holds_through_the_swaps() -> None:
    """A swap that raises the fit but leaves a team of one country is not made."""
    problem = two_hosts(rules={"mixed_countries": "hard"})
    problem = problem.model_copy(
        update={
            "participants": [
                p.model_copy(update={"country": "Kenya" if p.id in ("A1", "A2") else "Tanzania"})
                for p in problem.participants
            ]
        }
    )
    plan = crossed(problem)
    index = ProblemIndex.build(problem)
    teams = teams_of(index, plan)
    improve(index, teams)  # the rounds themselves, not behind the safety net
    assert exhaustive.violations(problem, index.teams(_dated(teams))) == []
    assert polish(index, plan) is plan  # A1+A2 at HA would be one country


@pytest.mark.parametrize(
    "extra",
    [
        # the worst-fit term is a minimum over everyone: swaps are not judged for it
        {"weights": {"worst_fit": 1.0}},
        # colleagues kept together is a term over several teams
        {"rules": {"organisation": "together"}},
    ],
)
def test_terms_over_several_teams_leave_the_plan_alone(extra: dict[str, Any]) -> None:
    problem = two_hosts(**extra)
    plan = crossed(problem)
    assert polish(ProblemIndex.build(problem), plan) is plan


def greedy_of(drawn: Any) -> tuple[Problem, ProblemIndex, Allocation | None]:
    """A drawn problem (planted ones come with their hidden plan), its index and greedy plan."""
    problem = drawn[0] if isinstance(drawn, tuple) else drawn
    index = ProblemIndex.build(problem)
    return problem, index, greedy_allocation(index)


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(planted(max_participants=12, max_hosts=4, max_cohorts=2), feasible_problems()))
def test_each_swap_gain_is_the_oracles_change_in_objective(drawn: Any) -> None:
    """The gain a swap is judged by equals the independent oracle's change in value."""
    problem, index, plan = greedy_of(drawn)
    if plan is None or not polishable(problem):
        return
    rules = _Rules(index)
    teams = plan.teams
    pairs = [(a, b) for a in range(len(teams)) for b in range(a + 1, len(teams))]
    pairs = [(a, b) for a, b in pairs if teams[a].cohort == teams[b].cohort]
    event(f"{len(pairs)} team pairs")
    before = exhaustive.separable_value(problem, teams)
    for a, b in pairs:
        rows = [
            (index.host_pos[t.host], [index.participant_pos[m] for m in t.members])
            for t in (teams[a], teams[b])
        ]
        cohort = CohortTeams(rules, [h for h, _ in rows], [m for _, m in rows])
        p, q = rows[0][1][0], rows[1][1][0]
        swapped = list(teams)
        ids = [problem.participants[p].id, problem.participants[q].id]
        swapped[a] = teams[a].model_copy(
            update={"members": sorted([ids[1], *[m for m in teams[a].members if m != ids[0]]])}
        )
        swapped[b] = teams[b].model_copy(
            update={"members": sorted([ids[0], *[m for m in teams[b].members if m != ids[1]]])}
        )
        change = exhaustive.separable_value(problem, swapped) - before
        assert cohort.gain(0, 1, p, q) == pytest.approx(change, abs=1e-6)


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(planted(max_participants=14, max_hosts=5, max_cohorts=3), feasible_problems()))
def test_polished_plans_are_valid_and_never_worse(drawn: Any) -> None:
    problem, index, plan = greedy_of(drawn)
    if plan is None:
        return
    polished = polish(index, plan)
    event("swapped" if polished is not plan else "unchanged")
    assert exhaustive.violations(problem, polished.teams) == []
    assert exhaustive.value(problem, polished.teams) >= exhaustive.value(problem, plan.teams) - 1e-9


def three_and_one(capacity_b: int) -> Problem:
    """Teams of 1-3: W1, W2, S1 at HA (water) and S2 alone at HB (schools); HB takes
    ``capacity_b`` people. S1 gains by joining S2 at HB if HB has room for one more (all
    three from City A: S1 leaves one colleague for another)."""
    people = [
        participant("W1", country="Kenya", themes={"water": 1.0}, organisation="City A"),
        participant("W2", country="Tanzania", themes={"water": 1.0}),
        participant("S1", country="Kenya", themes={"schools": 1.0}, organisation="City A"),
        participant("S2", country="Tanzania", themes={"schools": 1.0}, organisation="City A"),
    ]
    hosts = [
        host("HA", themes={"water": 1.0}, capacity={"max_teams": 1, "max_participants": 3}),
        host(
            "HB", themes={"schools": 1.0}, capacity={"max_teams": 1, "max_participants": capacity_b}
        ),
    ]
    return one_cohort(people, hosts, (1, 3))


@pytest.mark.parametrize(("capacity_b", "shifted"), [(1, False), (2, True)])
def test_a_member_changes_team_only_where_the_host_has_room(capacity_b: int, shifted: bool) -> None:
    problem = three_and_one(capacity_b)
    teams = [
        Team(
            id="T1",
            cohort="C1",
            host="HA",
            members=["S1", "W1", "W2"],
            start=START,
            end=END,
            fit=0.7,
        ),
        Team(id="T2", cohort="C1", host="HB", members=["S2"], start=START, end=END, fit=1.0),
    ]
    plan = Allocation(status=Status.FEASIBLE, teams=teams)
    assert check(problem, plan) == []
    index = ProblemIndex.build(problem)
    polished = polish(index, plan)
    assert check(problem, polished) == []
    assert (members_at(polished)["HB"] == ["S1", "S2"]) is shifted
    # what the shift kept along: the people at each host and the teams' country counts
    rows, load = teams_of(index, plan), Load(index, teams_of(index, plan))
    live = CohortTeams(_Rules(index), *rows[0], (0, load))
    live.improve(movable(index, 0))
    at_hb = rows[0][0].index(index.host_pos["HB"])
    assert (len(rows[0][1][at_hb]) == 2) is shifted
    fresh = Load(index, rows)
    assert (load.people == fresh.people).all() and (load.group_people == fresh.group_people).all()
    recounted = CohortTeams(_Rules(index), *rows[0])
    assert _nonzero(live.countries) == _nonzero(recounted.countries)
    assert _nonzero(live.orgs) == _nonzero(recounted.orgs)


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(planted(max_participants=12, max_hosts=4, max_cohorts=2), feasible_problems()))
def test_each_shift_gain_is_the_oracles_change_in_objective(drawn: Any) -> None:
    """The gain a member's move to another team of the cohort is judged by equals the
    independent oracle's change in value."""
    problem, index, plan = greedy_of(drawn)
    if plan is None or not polishable(problem):
        return
    rules, teams = _Rules(index), plan.teams
    before = exhaustive.separable_value(problem, teams)
    for a, b in [(a, b) for a in range(len(teams)) for b in range(len(teams)) if a != b]:
        # an emptied team leaves its host: host spread is the team's, not the member's
        if teams[a].cohort != teams[b].cohort or len(teams[a].members) == 1:
            continue
        rows = [[index.participant_pos[m] for m in t.members] for t in (teams[a], teams[b])]
        cohort = CohortTeams(rules, [index.host_pos[t.host] for t in (teams[a], teams[b])], rows)
        p = rows[0][0]
        mover = problem.participants[p].id
        moved = list(teams)
        moved[a] = teams[a].model_copy(
            update={"members": [m for m in teams[a].members if m != mover]}
        )
        moved[b] = teams[b].model_copy(update={"members": sorted([*teams[b].members, mover])})
        change = exhaustive.separable_value(problem, moved) - before
        assert cohort.shift_gain(0, 1, p) == pytest.approx(change, abs=1e-6)


def _dated(teams: Teams) -> list[tuple[int, int, list[int]]]:
    return [(c, h, sorted(m)) for c, (hs, ms) in teams.items() for h, m in zip(hs, ms, strict=True)]


def _nonzero(counts: list[dict[int, int]]) -> list[dict[int, int]]:
    return [{k: n for k, n in c.items() if n} for c in counts]


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(planted(max_participants=14, max_hosts=5, max_cohorts=3), feasible_problems()))
def test_moves_keep_the_rules_and_their_counts_without_the_safety_net(drawn: Any) -> None:
    """The rounds themselves (before the referee's safety net) keep every hard rule, never
    lose value, and the load they keep up to date is the load counted afresh; each
    cohort's country and organisation counts are those of its teams."""
    problem = drawn[0] if isinstance(drawn, tuple) else drawn
    index = ProblemIndex.build(problem)
    plan = greedy_allocation(index)
    if plan is None or not polishable(problem) or index.has_windows:
        return
    teams = teams_of(index, plan)
    load = improve(index, teams)
    fresh = Load(index, teams)
    for name in LOAD_FIELDS:
        assert (getattr(load, name) == getattr(fresh, name)).all(), name
    after = index.teams(_dated(teams))
    event("changed" if sorted(map(str, after)) != sorted(map(str, plan.teams)) else "same")
    assert exhaustive.violations(problem, after) == []
    assert exhaustive.value(problem, after) >= exhaustive.value(problem, plan.teams) - 1e-9
    # swaps and shifts from the greedy plan itself: counts kept along equal counts afresh
    rules, teams = _Rules(index), teams_of(index, plan)
    load = Load(index, teams)
    for c, (hosts, members) in teams.items():
        live = CohortTeams(rules, hosts, members, (c, load))
        event("swapped or shifted" if live.improve(movable(index, c)) else "no swap")
        recounted = CohortTeams(rules, hosts, members)
        assert _nonzero(live.countries) == _nonzero(recounted.countries)
        assert _nonzero(live.orgs) == _nonzero(recounted.orgs)
    fresh = Load(index, teams)
    for name in LOAD_FIELDS:
        assert (getattr(load, name) == getattr(fresh, name)).all(), name


#: What a load keeps up to date move by move (compared with a load counted afresh).
LOAD_FIELDS = ("teams", "people", "group_teams", "group_people", "season", "spent")


def movable(index: ProblemIndex, c: int) -> set[int]:
    return {u[0] for u in index.units(c) if len(u) == 1}


def test_the_moves_stop_in_time_for_the_safety_net(monkeypatch: pytest.MonkeyPatch) -> None:
    """The referee and two objectives judge the polished plan after the moves (2 s at
    10,000 participants): the moves get the deadline less that time."""
    from icld_match.engine.clock import Deadline
    from icld_match.strategies import polish as module

    problem = two_hosts()
    index = ProblemIndex.build(problem)
    given: list[float] = []

    def spy(index: ProblemIndex, teams: Teams, deadline: Deadline | None = None) -> Load:
        assert deadline is not None
        given.append(deadline.remaining())
        return improve(index, teams, deadline)

    monkeypatch.setattr(module, "improve", spy)
    monkeypatch.setattr(module, "net_time", lambda index: 3.0)
    outer = Deadline(10.0)
    polished = module.polish(index, crossed(problem), outer)
    assert given and 6.5 < given[0] <= 7.0
    assert check(problem, polished) == []
