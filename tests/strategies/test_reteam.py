"""Opening and closing teams of a cohort (``strategies.reteam``)."""

from __future__ import annotations

from datetime import date
from itertools import combinations
from typing import Any

import exhaustive
import pytest
from conftest import examples, host, participant
from generators import planted
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import Problem, Team
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.greedy import greedy_allocation
from icld_match.strategies.polish import CohortTeams, _Rules, improve, polishable, teams_of
from icld_match.strategies.relocate import Load, Teams
from icld_match.strategies.reteam import (
    OPEN_MARGIN,
    Closing,
    Opening,
    close_teams,
    open_teams,
)

START, END = date(2026, 5, 13), date(2026, 5, 14)
WATER, SCHOOLS = {"water": 1.0}, {"schools": 1.0}


def cohort_of_four(
    good: dict[str, Any], size: tuple[int, int] = (2, 4), people: list[Any] | None = None
) -> Problem:
    """W1, W2 (water) and S1, S2 (schools), or ``people``; SCHOOLS offers ``good``."""
    people = people or [
        participant("W1", country="Kenya", themes=WATER),
        participant("W2", country="Tanzania", themes=WATER),
        participant("S1", country="Kenya", themes=SCHOOLS),
        participant("S2", country="Tanzania", themes=SCHOOLS),
    ]
    return Problem.model_validate(
        {
            "cohorts": [
                {
                    "id": "C1",
                    "name": "C1",
                    "internship": {"start": START, "end": END},
                    "team_size": {"min": size[0], "max": size[1]},
                }
            ],
            "participants": people,
            "hosts": [
                host("WATER", themes=WATER, capacity={"max_teams": 2, "max_participants": 4}),
                host("SCHOOLS", themes=SCHOOLS, capacity=good),
            ],
        }
    )


def rows(index: ProblemIndex, plan: list[tuple[str, list[str]]]) -> Teams:
    """Cohort C1's teams from (host, members) pairs."""
    hosts = [index.host_pos[h] for h, _ in plan]
    members = [[index.participant_pos[m] for m in ms] for _, ms in plan]
    return {0: (hosts, members)}


def cohort_teams(index: ProblemIndex, teams: Teams, c: int = 0) -> CohortTeams:
    return CohortTeams(_Rules(index), *teams[c], (c, Load(index, teams)))


def as_teams(index: ProblemIndex, teams: Teams) -> list[Team]:
    dated = [
        (c, h, sorted(m)) for c, (hs, ms) in teams.items() for h, m in zip(hs, ms, strict=True)
    ]
    return index.teams(dated)


def people_of(countries: dict[str, str]) -> list[Any]:
    """Participants by id (W*: water people, S*: schools people) and country."""
    return [
        participant(pid, country=country, themes=WATER if pid[0] == "W" else SCHOOLS)
        for pid, country in countries.items()
    ]


def movable(index: ProblemIndex, c: int) -> set[int]:
    return {u[0] for u in index.units(c) if len(u) == 1}


@pytest.mark.parametrize(
    ("good", "opens"),
    [
        ({"max_teams": 1, "max_participants": 2}, True),
        # one spare place short: a new team needs two places
        ({"max_teams": 1, "max_participants": 1}, False),
        ({"max_teams": 0, "max_participants": 4}, False),
    ],
)
def test_a_team_opens_only_where_the_host_has_room(good: dict[str, Any], opens: bool) -> None:
    problem = cohort_of_four(good)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "S2", "W1", "W2"])])
    cohort = cohort_teams(index, teams)
    before = exhaustive.value(problem, as_teams(index, teams))
    assert open_teams(cohort, movable(index, 0), index.hosts_in_use_mask()) is opens
    after = as_teams(index, teams)
    assert exhaustive.violations(problem, after) == []
    if opens:
        assert {t.host: sorted(t.members) for t in after}["SCHOOLS"] == ["S1", "S2"]
        assert exhaustive.value(problem, after) > before


def test_an_opening_keeps_keep_apart_groups() -> None:
    """S1 and S2 (schools people, in two teams at WATER) may not share a team: the best
    opening, both at SCHOOLS, is not made."""
    people = people_of(
        {"W1": "Kenya", "W2": "Uganda", "W3": "Kenya", "W4": "Uganda"}
        | {"S1": "Kenya", "S2": "Tanzania"}
    )
    problem = cohort_of_four({"max_teams": 1, "max_participants": 2}, (2, 3), people)
    data = problem.model_dump(mode="json")
    data["hosts"][0]["capacity"] = {"max_teams": 2, "max_participants": 6}
    data["keep_apart"] = [{"members": ["S1", "S2"]}]
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "W1", "W2"]), ("WATER", ["S2", "W3", "W4"])])
    assert exhaustive.violations(problem, as_teams(index, teams)) == []
    open_teams(cohort_teams(index, teams), movable(index, 0), index.hosts_in_use_mask())
    after = as_teams(index, teams)
    assert exhaustive.violations(problem, after) == []
    assert ["S1", "S2"] not in [sorted(t.members) for t in after]


@pytest.mark.parametrize("organisation", ["apart", "neutral"])
def test_colleagues_in_a_new_team_count_as_the_oracle_counts_them(organisation: str) -> None:
    """S1 and S2 work for City A; with colleagues kept apart (weight 1) their new team
    at SCHOOLS pays for it, and the gain is the oracle's change either way."""
    people = [
        participant("W1", country="Kenya", themes=WATER, organisation="City A"),
        participant("W2", country="Tanzania", themes=WATER),
        participant("S1", country="Kenya", themes=SCHOOLS, organisation="City A"),
        participant("S2", country="Tanzania", themes=SCHOOLS, organisation="City A"),
    ]
    data = cohort_of_four({"max_teams": 1, "max_participants": 2}, people=people).model_dump(
        mode="json"
    )
    data["rules"] = {"organisation": organisation}
    data["weights"] = {"organisation": 1.0}
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "S2", "W1", "W2"])])
    opening = Opening(cohort_teams(index, teams), index.hosts_in_use_mask())
    pos = index.participant_pos
    group = [(0, pos["S1"]), (0, pos["S2"])]
    schools = index.host_pos["SCHOOLS"]
    before = exhaustive.separable_value(problem, as_teams(index, teams))
    after = exhaustive.separable_value(problem, _opened(index, teams, 0, schools, group))
    assert opening.gain(schools, group) == pytest.approx(after - before, abs=1e-9)


def test_an_opening_leaves_no_team_below_the_smallest_size() -> None:
    """Teams of 2-3: the team S1+S2+W1 can spare one member, not both schools people."""
    people = people_of(
        {"W1": "Kenya", "W2": "Kenya", "W3": "Uganda", "S1": "Kenya", "S2": "Tanzania"}
    )
    problem = cohort_of_four({"max_teams": 1, "max_participants": 2}, (2, 3), people)
    data = problem.model_dump(mode="json")
    data["hosts"][0]["capacity"] = {"max_teams": 2, "max_participants": 5}
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "S2", "W1"]), ("WATER", ["W2", "W3"])])
    assert exhaustive.violations(problem, as_teams(index, teams)) == []
    assert not open_teams(cohort_teams(index, teams), movable(index, 0), index.hosts_in_use_mask())


@pytest.mark.parametrize(("budget", "opens"), [(4999.0, False), (5000.0, True)])
def test_a_team_opens_only_within_the_travel_budget(budget: float, opens: bool) -> None:
    """The one team's trip costs 1000 SEK; a second one, to SCHOOLS, 4000 SEK more."""
    data = cohort_of_four({"max_teams": 1, "max_participants": 2}).model_dump(mode="json")
    data["travel_costs"] = [
        {"cohort": "C1", "host": "WATER", "cost": 1000.0},
        {"cohort": "C1", "host": "SCHOOLS", "cost": 4000.0},
    ]
    data["weights"] = {"travel": 0.0}
    data["cohorts"][0]["travel_budget"] = budget
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "S2", "W1", "W2"])])
    load = Load(index, teams)
    cohort = CohortTeams(_Rules(index), *teams[0], (0, load))
    assert open_teams(cohort, movable(index, 0), index.hosts_in_use_mask()) is opens
    assert exhaustive.violations(problem, as_teams(index, teams)) == []
    assert load.spent[0] == Load(index, teams).spent[0] == (500_000 if opens else 100_000)


@pytest.mark.parametrize(("fit_weight", "opens"), [(0.04, False), (0.06, True)])
def test_a_team_opens_only_for_more_than_the_margin(fit_weight: float, opens: bool) -> None:
    """S1 and S2 each gain a fit of 1 at SCHOOLS (no other term counts): 2 x 0.04 is
    below OPEN_MARGIN (0.1), 2 x 0.06 above."""
    data = cohort_of_four({"max_teams": 1, "max_participants": 2}).model_dump(mode="json")
    data["weights"] = {"thematic_fit": fit_weight, "country_mix": 0.0, "host_spread": 0.0}
    problem = Problem.model_validate(data)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "S2", "W1", "W2"])])
    cohort = cohort_teams(index, teams)
    assert OPEN_MARGIN == 0.1
    assert open_teams(cohort, movable(index, 0), index.hosts_in_use_mask()) is opens


def test_a_team_opens_only_from_members_their_teams_can_spare() -> None:
    """Teams of exactly 2 and 4 places: two teams of two can lose nobody."""
    problem = cohort_of_four({"max_teams": 1, "max_participants": 2}, size=(2, 2))
    index = ProblemIndex.build(problem)
    teams = rows(index, [("WATER", ["S1", "W1"]), ("WATER", ["S2", "W2"])])
    assert not open_teams(cohort_teams(index, teams), movable(index, 0), index.hosts_in_use_mask())


@pytest.mark.parametrize(("places", "closes"), [(4, True), (3, False)])
def test_a_team_closes_only_when_its_members_have_places(places: int, closes: bool) -> None:
    """S1+S2 are at SCHOOLS, S3+S4 (schools people too) at WATER. Closing the WATER team
    gains if SCHOOLS takes four people; with three, S4 has no place."""
    people = [
        participant(f"S{i}", country=country, themes=SCHOOLS)
        for i, country in enumerate(["Kenya", "Tanzania", "Uganda", "Zambia"], 1)
    ]
    problem = cohort_of_four({"max_teams": 1, "max_participants": places}, people=people)
    index = ProblemIndex.build(problem)
    teams = rows(index, [("SCHOOLS", ["S1", "S2"]), ("WATER", ["S3", "S4"])])
    before = exhaustive.value(problem, as_teams(index, teams))
    cohort = cohort_teams(index, teams)
    assert close_teams(cohort, movable(index, 0), index.hosts_in_use_mask()) is closes
    after = as_teams(index, teams)
    assert exhaustive.violations(problem, after) == []
    assert len(after) == (1 if closes else 2)
    if closes:
        assert exhaustive.value(problem, after) > before


@st.composite
def roomy(draw: st.DrawFn) -> Problem:
    """One or two cohorts on the same days at hosts with room to spare, so that members
    of a team often have places in other teams (``planted`` plans are tight)."""
    themes = ["water", "schools", "roads"]
    cohorts, people = [], []
    for c in range(draw(st.integers(1, 2))):
        low = draw(st.integers(1, 2))
        cohorts.append(
            {
                "id": f"C{c}",
                "name": f"C{c}",
                "internship": {"start": START, "end": END},
                "team_size": {"min": low, "max": draw(st.integers(max(low, 2), 4))},
            }
        )
        for i in range(draw(st.integers(3, 8))):
            people.append(
                participant(
                    f"P{c}{i}",
                    cohort=f"C{c}",
                    country=draw(st.sampled_from(["Kenya", "Tanzania", "Uganda"])),
                    themes={draw(st.sampled_from(themes)): 1.0},
                    organisation=draw(st.sampled_from([None, "City A", "City B"])),
                )
            )
    hosts = [
        host(
            f"H{h}",
            themes={t: draw(st.sampled_from([0.2, 0.6, 1.0])) for t in themes},
            capacity={
                "max_teams": draw(st.integers(1, 4)),
                "max_participants": draw(st.integers(4, 12)),
            },
        )
        for h in range(draw(st.integers(2, 4)))
    ]
    weights = {
        name: draw(st.sampled_from([0.0, 0.1, 0.5]))
        for name in ("host_spread", "season_spread", "organisation", "country_mix")
    }
    apart = {"organisation": draw(st.sampled_from(["apart", "neutral"]))}
    return Problem.model_validate(
        {
            "cohorts": cohorts,
            "participants": people,
            "hosts": hosts,
            "weights": weights,
            "rules": apart,
            "hosts_in_use": draw(st.sampled_from([[], ["H0"]])),
        }
    )


def drawn_plan(drawn: Any) -> tuple[Problem, ProblemIndex, Teams] | None:
    """A drawn problem, its index and its greedy plan's teams; None when the polish does
    not apply (no plan, a term over several teams, windows)."""
    problem = drawn[0] if isinstance(drawn, tuple) else drawn
    index = ProblemIndex.build(problem)
    plan = greedy_allocation(index)
    if plan is None or not polishable(problem) or index.has_windows:
        return None
    return problem, index, teams_of(index, plan)


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(roomy(), planted(max_participants=12, max_hosts=4, max_cohorts=2)))
def test_each_opening_gain_is_the_oracles_change_in_objective(drawn: Any) -> None:
    """The gain a new team is judged by equals the independent oracle's change in value,
    for every group of the smallest team size its teams can spare, at every host."""
    found = drawn_plan(drawn)
    if found is None:
        return
    problem, index, teams = found
    before = exhaustive.separable_value(problem, as_teams(index, teams))
    checked = 0
    for c in teams:
        opening = Opening(cohort_teams(index, teams, c), index.hosts_in_use_mask())
        pool = opening.candidates(movable(index, c))
        for group in list(combinations(pool, opening.size.min))[:12]:
            chosen = list(group)
            if not opening.allowed(0, chosen):  # a donor would fall below the smallest size
                continue
            for h in range(index.n_hosts):
                after = _opened(index, teams, c, h, chosen)
                change = exhaustive.separable_value(problem, after) - before
                assert opening.gain(h, chosen) == pytest.approx(change, abs=1e-6)
                checked += 1
    event(f"{min(checked, 50) // 10 * 10}+ openings checked")


def _opened(
    index: ProblemIndex, teams: Teams, c: int, h: int, group: list[tuple[int, int]]
) -> list[Team]:
    leaving = {p for _, p in group}
    copy: Teams = {k: (list(hs), [list(m) for m in ms]) for k, (hs, ms) in teams.items()}
    hosts, members = copy[c]
    copy[c] = (
        [*hosts, h],
        [[m for m in ms if m not in leaving] for ms in members] + [sorted(leaving)],
    )
    return as_teams(index, copy)


@settings(max_examples=examples(80), deadline=None)
@given(st.one_of(roomy(), planted(max_participants=12, max_hosts=4, max_cohorts=2)))
def test_each_closing_gain_is_the_oracles_change_in_objective(drawn: Any) -> None:
    """Closing a team (its members to the teams they gain most by joining) is judged by
    the oracle's change in value; undone, the plan is as it was."""
    found = drawn_plan(drawn)
    if found is None:
        return
    problem, index, teams = found
    improve(index, teams)  # polished plans: teams of every size, not only the largest
    for c in list(teams):
        for t in range(len(teams[c][1])):
            before_rows = as_teams(index, teams)
            before = exhaustive.separable_value(problem, before_rows)
            cohort = cohort_teams(index, teams, c)
            closing = Closing(cohort, index.hosts_in_use_mask())
            gain = closing.attempt(t, movable(index, c))
            event("closable" if gain is not None else "no place")
            if gain is None:
                assert sorted(map(str, as_teams(index, teams))) == sorted(map(str, before_rows))
                continue
            hosts, members = teams[c]
            without = {**teams, c: (hosts[:t] + hosts[t + 1 :], members[:t] + members[t + 1 :])}
            change = exhaustive.separable_value(problem, as_teams(index, without)) - before
            assert gain == pytest.approx(change, abs=1e-6)
            closing.undo(t)
            assert sorted(map(str, as_teams(index, teams))) == sorted(map(str, before_rows))
    # closing for good: the load kept along is the load counted afresh
    for c in list(teams):
        load = Load(index, teams)
        cohort = CohortTeams(_Rules(index), *teams[c], (c, load))
        closing = Closing(cohort, index.hosts_in_use_mask())
        if closing.attempt(0, movable(index, c)) is not None:
            closing.finish(0)
            fresh = Load(index, teams)
            for name in ("teams", "people", "group_teams", "group_people", "season", "spent"):
                assert (getattr(load, name) == getattr(fresh, name)).all(), name
