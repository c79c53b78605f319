"""Season spread spans cohorts: independent parts and decompose's blocks must see it;
blocks keep partner hosts under the hard rule and the history's latest season."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import cohort, host, participant

from icld_match import Problem
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies.decompose import CohortRecords, independent_parts, subproblem

SEPTEMBER = (date(2026, 9, 7), date(2026, 9, 8))


def two_seasons(**fields: Any) -> Problem:
    """C1 in May, C2 in September (never in the field together), both may use H1 and H2;
    P1 of C1 comes from Kisumu, a partner of H2 only."""
    return Problem.model_validate(
        {
            "cohorts": [cohort("C1"), cohort("C2", start=SEPTEMBER[0], end=SEPTEMBER[1])],
            "participants": [
                participant("P1", home_municipality="Kisumu"),
                participant("P2"),
                participant("Q1", cohort="C2"),
                participant("Q2", cohort="C2"),
            ],
            "hosts": [host("H1"), host("H2", partners=["Kisumu"])],
            **fields,
        }
    )


def test_cohorts_sharing_a_host_on_other_days_are_one_part_only_with_season_spread() -> None:
    assert independent_parts(ProblemIndex.build(two_seasons())) == [[0], [1]]
    index = ProblemIndex.build(two_seasons(weights={"season_spread": 0.5}))
    assert independent_parts(index) == [[0, 1]]


def test_block_keeps_partner_hosts_under_the_hard_rule() -> None:
    index = ProblemIndex.build(two_seasons(rules={"partnership": "hard"}))
    sub = subproblem(index, CohortRecords.of(index), [0], hosts=[0])
    assert [h.id for h in sub.hosts] == ["H1", "H2"]
    soft = ProblemIndex.build(two_seasons())
    assert [h.id for h in subproblem(soft, CohortRecords.of(soft), [0], hosts=[0]).hosts] == ["H1"]


def test_block_keeps_the_latest_season_and_the_hosts_in_use() -> None:
    history = [
        {"season": "2025", "host": "H2", "teams": 2},
        {"season": "2024", "host": "H1", "teams": 5},
    ]
    index = ProblemIndex.build(two_seasons(history=history))
    sub = subproblem(index, CohortRecords.of(index), [1], hosts=[0], in_use=[0])
    assert [(v.season, v.host, v.teams) for v in sub.history] == [
        ("2024", "H1", 5),
        ("2025", "H1", 0),  # H2 is not in the block: an empty visit keeps 2025 the latest
    ]
    assert sub.hosts_in_use == ["H1"]
    relief = ProblemIndex.build(sub).team_terms["host_relief"]
    assert relief.tolist() == [[0.0]]  # H1 received nothing in 2025
