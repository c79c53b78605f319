"""Internship windows: the plan chooses each team's days (``Cohort.window``).

Feasible and infeasible micro-tests for both policies (``rules.internship_dates``), each
checked by the referee and the brute-force oracle; the model without the day-by-day rules
breaks them; diagnosis names the rule.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import exhaustive
import pytest
from conftest import examples, host, participant
from generators import planted_windows
from hypothesis import given, settings

from icld_match import Problem, Status, check, diagnose, solve
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.errors import ProblemError
from icld_match.records.result import Allocation, Team
from icld_match.strategies.solve import solve_index

MON = date(2026, 5, 4)  # a Monday
NO_SOFT = {"country_mix": 0, "organisation": 0, "wishes": 0, "host_spread": 0}


def day(n: int) -> date:
    return MON + timedelta(n)


def windowed(
    hosts: list[dict[str, Any]],
    n: int = 2,
    window: tuple[int, int] = (0, 3),
    policy: str = "per_cohort",
    team: tuple[int, int] = (2, 2),
    **fields: Any,
) -> Problem:
    """One cohort C1 of ``n`` people working on 'a', window MON+first..MON+last."""
    return Problem.model_validate(
        {
            "cohorts": [
                {
                    "id": "C1",
                    "name": "Cohort C1",
                    "window": {"start": day(window[0]), "end": day(window[1])},
                    "team_size": {"min": team[0], "max": team[1]},
                    **fields.pop("cohort", {}),
                }
            ],
            "participants": [participant(f"P{i}", themes={"a": 1.0}) for i in range(1, n + 1)],
            "hosts": hosts,
            "weights": NO_SOFT,
            "rules": {
                "mixed_countries": "off",
                "organisation": "neutral",
                "internship_dates": policy,
            },
            **fields,
        }
    )


def one_team_at_a_time(hid: str = "H1", **fields: Any) -> dict[str, Any]:
    return host(hid, themes={"a": 1.0}, capacity={"max_teams": 1, "max_participants": 4}, **fields)


def solved(problem: Problem) -> Allocation:
    """Solve to a proven optimum, valid for the referee and the oracle, and as good as the
    oracle's brute-force optimum."""
    allocation = solve(problem, workers=1, time_limit=60)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    best = exhaustive.best_objective(problem)
    assert best is not None
    assert exhaustive.allocation_value(problem, allocation) == pytest.approx(best, abs=1e-6)
    return allocation


def test_window_where_only_one_start_works() -> None:
    """Open Wed-Thu only (blackout on Mon-Tue, Friday closed): the team goes Wed-Thu."""
    h1 = one_team_at_a_time(blackout=[{"start": day(0), "end": day(1)}], closed_weekdays=["fri"])
    allocation = solved(windowed([h1], window=(0, 4)))
    [team] = allocation.teams
    assert (team.start, team.end) == (day(2), day(3))


def test_fixed_and_windowed_cohorts_share_a_host_day_by_day() -> None:
    """C0 holds H1 on Mon-Tue (fixed); C1 may come Mon-Thu: it must take Wed-Thu."""
    problem = Problem.model_validate(
        {
            "cohorts": [
                {"id": "C0", "name": "C0", "internship": {"start": day(0), "end": day(1)}},
                {"id": "C1", "name": "C1", "window": {"start": day(0), "end": day(3)}},
            ],
            "participants": [
                participant(p, cohort=c, themes={"a": 1.0})
                for p, c in (("P1", "C0"), ("P2", "C0"), ("Q1", "C1"), ("Q2", "C1"))
            ],
            "hosts": [one_team_at_a_time()],
            "weights": NO_SOFT,
        }
    )
    allocation = solved(problem)
    starts = {t.cohort: t.start for t in allocation.teams}
    assert starts == {"C0": day(0), "C1": day(2)}


def test_per_team_two_teams_take_different_days() -> None:
    """H1 holds one team at a time, four people in teams of two: Mon-Tue and Wed-Thu."""
    allocation = solved(windowed([one_team_at_a_time()], n=4, policy="per_team"))
    assert sorted((t.start, t.end) for t in allocation.teams) == [
        (day(0), day(1)),
        (day(2), day(3)),
    ]


def test_per_cohort_the_same_case_is_infeasible() -> None:
    """Per cohort both teams must go on the same days, and H1 holds one at a time: the
    counting pre-check already says so."""
    problem = windowed([one_team_at_a_time()], n=4, policy="per_cohort")
    assert exhaustive.best_objective(problem) is None
    allocation = solve(problem, workers=1, time_limit=60)
    assert allocation.status is Status.INFEASIBLE and allocation.teams == []
    assert "within its window" in "\n".join(allocation.reasons)


def _split_calendars(policy: str) -> Problem:
    """H1 open Mon-Tue only, H2 Wed-Thu only, one team each at a time; 4 people."""
    h1 = one_team_at_a_time("H1", available=[{"start": day(0), "end": day(1)}])
    h2 = one_team_at_a_time("H2", available=[{"start": day(2), "end": day(3)}])
    return windowed([h1, h2], n=4, policy=policy)


def test_split_calendars_per_team_feasible_per_cohort_not() -> None:
    """Per team: one team at each host on its own days. Per cohort: no common days; the
    places add up (the pre-checks pass) and the diagnosis names the day rule."""
    allocation = solved(_split_calendars("per_team"))
    assert sorted((t.host, t.start) for t in allocation.teams) == [("H1", day(0)), ("H2", day(2))]
    problem = _split_calendars("per_cohort")
    assert exhaustive.best_objective(problem) is None
    answer = solve(problem, workers=1, time_limit=60)
    assert answer.status is Status.INFEASIBLE and answer.teams == []
    diagnosis = diagnose(problem, time_limit=20)
    assert diagnosis.feasible is False and not diagnosis.prechecks
    assert {"team_dates"} <= {item.rule for item in diagnosis.core}


def test_per_cohort_keeps_a_cohort_together_over_two_hosts() -> None:
    """Two hosts, each open on different days; per cohort all teams share the days, so
    both teams go where H1 and H2 are both open (Wed-Thu), never split."""
    h1 = one_team_at_a_time("H1", available=[{"start": day(0), "end": day(3)}])
    h2 = one_team_at_a_time("H2", available=[{"start": day(2), "end": day(5)}])
    allocation = solved(windowed([h1, h2], n=4, window=(0, 5), policy="per_cohort"))
    assert {(t.start, t.end) for t in allocation.teams} in ({(day(2), day(3))},)


def test_model_without_capacity_by_day_breaks_it() -> None:
    """Dropping host_capacity lets both teams sit at H1 on the same days; check says so."""
    problem = windowed([one_team_at_a_time()], n=4, policy="per_team")
    relaxed = solve_index(
        ProblemIndex.build(problem),
        workers=1,
        time_limit=60,
        skip_rules=frozenset(["host_capacity"]),
    )
    assert relaxed.is_feasible()
    broken = sorted({v.rule for v in check(problem, relaxed)})
    assert "host_capacity" in broken
    assert exhaustive.violations(problem, relaxed.teams) == broken


def _team(tid: str, members: list[str], start: date, end: date) -> Team:
    return Team(id=tid, cohort="C1", host="H1", members=members, start=start, end=end, fit=0.0)


@pytest.mark.parametrize(
    ("teams", "policy", "fragment"),
    [
        ([("T1", ["P1", "P2"], 0, 2)], "per_cohort", "3 days"),  # too long
        ([("T1", ["P1", "P2"], 3, 4)], "per_cohort", "outside"),  # past the window
        (
            [("T1", ["P1", "P2"], 0, 1), ("T2", ["P3", "P4"], 2, 3)],
            "per_cohort",
            "different days",
        ),
    ],
)
def test_referee_catches_wrong_and_inconsistent_days(
    teams: list[tuple[str, list[str], int, int]], policy: str, fragment: str
) -> None:
    n = sum(len(m) for _, m, _, _ in teams)
    host_h1 = host("H1", capacity={"max_teams": 2, "max_participants": 8})
    problem = windowed([host_h1], n=n, policy=policy)
    plan = Allocation(
        status=Status.FEASIBLE,
        teams=[_team(t, m, day(a), day(b)) for t, m, a, b in teams],
    )
    breaches = [v for v in check(problem, plan) if v.rule == "team_dates"]
    assert breaches and fragment in breaches[0].message
    assert "team_dates" in exhaustive.violations(problem, plan.teams)


def test_per_team_different_days_are_valid() -> None:
    host_h1 = host("H1", capacity={"max_teams": 2, "max_participants": 8})
    problem = windowed([host_h1], n=4, policy="per_team")
    plan = Allocation(
        status=Status.FEASIBLE,
        teams=[
            _team("T1", ["P1", "P2"], day(0), day(1)),
            _team("T2", ["P3", "P4"], day(2), day(3)),
        ],
    )
    assert check(problem, plan) == []
    assert exhaustive.violations(problem, plan.teams) == []


@pytest.mark.parametrize(
    ("cohort", "fragment"),
    [
        ({"internship": {"start": day(0), "end": day(1)}}, "not both or neither"),
        ({"internship_days": 5}, "shorter than internship_days 5"),
        ({"internship_days": 0}, "internship_days"),
    ],
)
def test_window_fields_are_validated(cohort: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ProblemError) as error:
        windowed([one_team_at_a_time()], cohort=cohort)
    assert fragment in str(error.value)
    assert "cohorts[0]" in str(error.value)


def test_problems_without_windows_keep_their_model() -> None:
    """No window: no start literals, teams on the cohort's fixed dates."""
    problem = Problem.model_validate(
        {
            "cohorts": [{"id": "C1", "name": "C1", "internship": {"start": day(0), "end": day(1)}}],
            "participants": [participant("P1"), participant("P2")],
            "hosts": [host("H1")],
        }
    )
    index = ProblemIndex.build(problem)
    assert not index.has_windows
    allocation = solve(problem, workers=1, time_limit=10)
    assert [(t.start, t.end) for t in allocation.teams] == [(day(0), day(1))]
    assert "windows" not in (allocation.strategy or "")


@settings(max_examples=examples(40), deadline=None)
@given(planted_windows())
def test_planted_windows_solve_to_valid_optimal_plans(
    pair: tuple[Problem, list[tuple[str, str, list[str], date]]],
) -> None:
    """Hidden plan first, windows and calendars around it: the hidden plan is valid for
    both referees, and the solver's plan is valid and as good as the brute-force optimum."""
    problem, plan = pair
    hidden = [
        Team(
            id=f"T{i}",
            cohort=cid,
            host=hid,
            members=members,
            start=start,
            end=start + timedelta(problem.cohort(cid).internship_days - 1),
            fit=0.0,
        )
        for i, (cid, hid, members, start) in enumerate(plan)
    ]
    assert exhaustive.violations(problem, hidden) == []
    assert check(problem, Allocation(status=Status.FEASIBLE, teams=hidden)) == []
    allocation = solve(problem, workers=1, time_limit=30)
    assert allocation.is_feasible()
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    best = exhaustive.best_objective(problem)
    assert best is not None
    if allocation.status is Status.OPTIMAL:
        assert exhaustive.allocation_value(problem, allocation) == pytest.approx(best, abs=1e-6)


def test_replan_after_a_dropout_keeps_chosen_days_valid() -> None:
    """Per team, two hosts holding one team at a time: after a dropout the re-plan is
    valid on the new problem, team dates included, and nobody else moves host."""
    from icld_match import replan
    from icld_match.planning.changes import Dropout

    hosts = [one_team_at_a_time("H1"), one_team_at_a_time("H2")]
    problem = windowed(hosts, n=6, policy="per_team", team=(2, 3))
    before = solve(problem, workers=1, time_limit=30)
    assert check(problem, before) == []
    dropped = before.teams[0].members[0]
    change = replan(problem, before, [Dropout(participant=dropped)], workers=1, time_limit=30)
    assert change.allocation.is_feasible()
    assert check(change.problem, change.allocation) == []
    assert change.moves == []
