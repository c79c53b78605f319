"""Partnerships and rotation: each term trades as its weight says, each hard rule holds,
is caught by the referee when planted, and the solver's answer matches the oracle."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import exhaustive
import pytest
from conftest import cohort, host, participant

from icld_match import Problem, Status, check, solve
from icld_match.engine.bounds import upper_bound
from icld_match.index.problem_index import ProblemIndex

NO_SOFT = {"country_mix": 0, "organisation": 0, "wishes": 0, "host_spread": 0}
LATER = {"start": date(2026, 9, 7), "end": date(2026, 9, 8)}


def two_hosts(
    weights: dict[str, float], p1: dict[str, Any] | None = None, **fields: Any
) -> Problem:
    """P1, P2 (one team of two) work on 'a': H1 shows it fully (fit 2.0 for the team),
    H2 weakly (0.6). Fields of P1 and of H2 make the season rules matter."""
    h2 = fields.pop("h2", {})
    return Problem.model_validate(
        {
            "cohorts": [cohort(team_size=(2, 2))],
            "participants": [
                participant("P1", themes={"a": 1.0}, **(p1 or {})),
                participant("P2", themes={"a": 1.0}),
            ],
            "hosts": [host("H1", themes={"a": 1.0}), host("H2", themes={"a": 0.3}, **h2)],
            "rules": {"mixed_countries": "off", "organisation": "neutral"},
            "weights": {**NO_SOFT, **weights},
            **fields,
        }
    )


def host_of_team(problem: Problem) -> str:
    allocation = solve(problem, workers=1, time_limit=60)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    best = exhaustive.best_objective(problem)
    assert best is not None and allocation.objective == pytest.approx(best, abs=1e-3)
    (team,) = allocation.teams
    return team.host


KISUMU = {"p1": {"home_municipality": "Kisumu"}, "h2": {"partners": ["KISUMU"]}}
VISITED = {
    "p1": {"organisation": "Kisumu County"},
    "history": [{"season": "2025", "host": "H1", "organisations": ["kisumu county"]}],
}
BUSY = {
    "history": [
        {"season": "2025", "host": "H1", "teams": 2},
        {"season": "2024", "host": "H2", "teams": 9},  # an older season: not counted
    ]
}


@pytest.mark.parametrize(
    ("term", "fields", "weight", "expected"),
    [
        # H2 earns 0.6 + w for one partnered member: below 2.0 at w = 1.0, above at 1.5
        ("partnership", KISUMU, 1.0, "H1"),
        ("partnership", KISUMU, 1.5, "H2"),
        # H1 costs w for P1 (organisation visited it): 2.0 - w against 0.6
        ("revisit", VISITED, 1.0, "H1"),
        ("revisit", VISITED, 1.5, "H2"),
        # H1 received 2 teams in the latest season: 2.0 - 2w against 0.6
        ("host_relief", BUSY, 0.6, "H1"),
        ("host_relief", BUSY, 0.8, "H2"),
    ],
)
def test_term_trades_as_its_weight_says(
    term: str, fields: dict[str, Any], weight: float, expected: str
) -> None:
    f = dict(fields)
    weights = {"host_relief": 0.0, term: weight}
    problem = two_hosts(weights, f.pop("p1", None), **f)
    assert host_of_team(problem) == expected


def test_partnership_by_country_in_any_spelling() -> None:
    problem = two_hosts({"partnership": 2.0}, {"country": "kenya"}, h2={"partners": ["KE"]})
    assert host_of_team(problem) == "H2"


def test_partnership_off_ignores_partners() -> None:
    problem = two_hosts({"partnership": 5.0}, **KISUMU, rules={"partnership": "off"})  # type: ignore[arg-type]
    assert host_of_team(problem) == "H1"


def test_revisit_off_ignores_history() -> None:
    f = dict(VISITED)
    problem = two_hosts(
        {"revisit": 5.0, "host_relief": 0}, f.pop("p1"), rules={"revisit": "off"}, **f
    )  # type: ignore[arg-type]
    assert host_of_team(problem) == "H1"


def season(weight: float, in_use: list[str] | None = None) -> Problem:
    """Two cohorts on different days, two each; H1 is the better host for both (fit 2.0
    a team), H2 worse (1.4). Season spread pays w per distinct host over both cohorts."""
    return Problem.model_validate(
        {
            "cohorts": [cohort("C1", team_size=(2, 2)), _later("C2")],
            "participants": [
                participant("P1", themes={"a": 1.0}),
                participant("P2", themes={"a": 1.0}),
                participant("Q1", cohort="C2", themes={"a": 1.0}),
                participant("Q2", cohort="C2", themes={"a": 1.0}),
            ],
            "hosts": [host("H1", themes={"a": 1.0}), host("H2", themes={"a": 0.7})],
            "rules": {"mixed_countries": "off", "organisation": "neutral"},
            "weights": {**NO_SOFT, "season_spread": weight},
            "hosts_in_use": in_use or [],
        }
    )


def _later(cid: str) -> dict[str, Any]:
    return cohort(cid, start=LATER["start"], end=LATER["end"], team_size=(2, 2))


@pytest.mark.parametrize(
    ("weight", "in_use", "hosts"),
    [
        (0.5, None, ["H1", "H1"]),  # 4.0 + 0.5 against 3.4 + 1.0
        (0.8, None, ["H1", "H2"]),  # 4.0 + 0.8 against 3.4 + 1.6
        (0.8, ["H2"], ["H1", "H1"]),  # H2 is already in use elsewhere: it earns nothing
    ],
)
@pytest.mark.parametrize("strategy", ["exact", "decompose", "auto"])
def test_season_spread_counts_each_host_once_over_all_cohorts(
    weight: float, in_use: list[str] | None, hosts: list[str], strategy: str
) -> None:
    problem = season(weight, in_use)
    allocation = solve(problem, workers=1, time_limit=60, strategy=strategy)
    assert check(problem, allocation) == []
    assert sorted(t.host for t in allocation.teams) == hosts
    best = exhaustive.best_objective(problem)
    assert best is not None and allocation.objective == pytest.approx(best, abs=1e-3)
    bound = upper_bound(ProblemIndex.build(problem), deadline=time.perf_counter() + 2)
    assert bound is not None and bound.value >= best - 1e-6


def test_season_spread_with_zero_weight_is_not_reported() -> None:
    allocation = solve(season(0.0), workers=1, time_limit=60)
    assert "season_spread" not in {t.name for t in allocation.terms}
    assert allocation.term("thematic_fit").value == pytest.approx(4.0)


def test_problems_without_the_new_fields_keep_their_terms() -> None:
    problem = two_hosts({})
    names = {t.name for t in solve(problem, workers=1, time_limit=60).terms}
    assert not names & {"partnership", "revisit", "season_spread", "host_relief"}
